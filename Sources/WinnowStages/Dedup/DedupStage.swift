import Foundation
import Synchronization
import WinnowCore
import WinnowNative

/// Stage `dedup`: exact and near-duplicate removal over the whole corpus, the pipeline's last
/// stage. The exact hash is SHA-256 (first 128 bits) of the normalized text; near duplicates
/// are found by MinHash LSH over shingles of the same normalized text, and every candidate
/// pair is confirmed before two documents are linked: by the exact Jaccard similarity of their
/// shingle sets when both are small enough to keep, else by the signatures' estimate. Linked documents form groups (union-find); each group keeps one
/// document (by `keep`, ties by input order) and the others go to the rejects file with
/// reason `duplicate` or `near_duplicate`, the kept id and the estimated similarity.
///
/// Defaults: char 5-grams (Korean spacing varies, so words are unreliable units; datatrove
/// and NeMo Curator use 5-grams too), 128 permutations and threshold 0.8 (DESIGN.md; the
/// common choice in public pipelines); bands and rows chosen from threshold and perms by
/// minimising the weighted false-positive and false-negative areas, as datasketch does, but
/// with false negatives weighted 0.95 (datasketch: 0.5): a false candidate costs one
/// signature comparison here, a missed one is a duplicate left in. For 0.8 and 128 that gives
/// 16 bands × 8 rows (DESIGN.md's example; datasketch's weights give 9 × 13, which finds
/// only 69% of pairs at similarity 0.85 as candidates, against 99.4%).
struct DedupConfig: StageConfig {
  static let name = "dedup"
  static let summary = "Exact and MinHash LSH near-duplicate removal over the whole corpus (must be the last stage)"
  static let normalizations = ["casefold", "punctuation", "digits", "whitespace"]
  static let options: [OptionSpec] = [
    OptionSpec("exact", .bool, default: .bool(true), "drop documents whose normalized text equals an earlier one's (SHA-256)"),
    OptionSpec("near", .bool, default: .bool(true), "drop near duplicates found by MinHash LSH"),
    OptionSpec("normalize", .stringList(allowed: normalizations), default: .strings(["casefold", "punctuation", "whitespace"]),
               "before hashing: casefold (lower case), punctuation (removed), digits (all become 0), whitespace (removed for char shingles)"),
    OptionSpec("shingle", .string, default: .string("char5"), "charN (N Unicode characters) or wordN (N words from ICU's word break iterator)"),
    OptionSpec("perms", .int(8...1024), default: .int(128), "MinHash permutations (signature length)"),
    OptionSpec("threshold", .double(0.05...1), default: .double(0.8), "estimated Jaccard similarity at which two documents are duplicates"),
    OptionSpec("bands", .int(0...1024), default: .int(0), "LSH bands (0: chosen from threshold and perms)"),
    OptionSpec("rows", .int(0...1024), default: .int(0), "rows per band (0: perms / bands, or chosen with bands)"),
    OptionSpec("false_positive_weight", .double(0...1), default: .double(0.05),
               "when choosing bands and rows: weight of false positives (false negatives get 1 minus it); low, because every candidate pair is confirmed before it links documents"),
    OptionSpec("seed", .int(0...Int.max), default: .int(1), "seed of the generator that draws the permutations"),
    OptionSpec("generator", .choice(PermutationGenerator.allCases.map(\.rawValue)), default: .string("splitmix64"),
               "generator that draws the permutations' a and b: splitmix64, or mt19937 (numpy's RandomState(seed), as datasketch draws them; needs permutation: affine32)"),
    OptionSpec("permutation", .choice(PermutationScheme.allCases.map(\.rawValue)), default: .string("mersenne61"),
               "mersenne61: (a·h + b) mod (2^61 − 1) over 64-bit hashes; affine32: datasketch 2.0's scheme, a·fmix32(h) + b mod 2^32; oph: one-permutation hashing with densification, one mix per shingle (faster, other signatures; see docs/DEDUP.md)"),
    OptionSpec("hash", .choice(ShingleHash.allCases.map(\.rawValue)), default: .string("xxh64"),
               "hash of each shingle's UTF-8 bytes: xxh64 (xxHash64), xxh32 (xxHash32, as xxhash.xxh32_intdigest gives datasketch), or sha1_32 (datasketch's default sha1_hash32; slow)"),
    OptionSpec("exact_jaccard_max_shingles", .int(0...10_000_000), default: .int(5000),
               "confirm candidates by the exact Jaccard similarity of their shingle sets when both have at most this many shingles (0: always by the signatures' estimate); the sets go to a scratch file, 4 bytes per shingle"),
    OptionSpec("keep", .choice(KeepPolicy.allCases.map(\.rawValue)), default: .string("first"),
               "which document of a group is kept: first (input order), longest, earliest (published), quality (quality stage's score)"),
  ]

  let shingles: ShingleSettings
  let exact: Bool
  let near: Bool
  let perms: Int
  let threshold: Double
  let bands: Int
  let rows: Int
  let seed: UInt64
  let generator: PermutationGenerator
  let permutation: PermutationScheme
  let hash: ShingleHash
  let keep: KeepPolicy
  let exactJaccardMaxShingles: Int

  init(options: StageOptions) throws(OptionError) {
    exact = options.bool("exact")
    near = options.bool("near")
    guard exact || near else { throw OptionError(option: "near", "with exact and near both off, dedup has nothing to do") }
    var shingles = ShingleSettings()
    let normalize = Set(options.strings("normalize"))
    shingles.casefold = normalize.contains("casefold")
    shingles.punctuation = normalize.contains("punctuation")
    shingles.digits = normalize.contains("digits")
    shingles.whitespace = normalize.contains("whitespace")
    let shingle = options.string("shingle")
    let (unit, sizeText): (ShingleSettings.Unit?, Substring) =
      shingle.hasPrefix("char") ? (.char, shingle.dropFirst(4)) : shingle.hasPrefix("word") ? (.word, shingle.dropFirst(4)) : (nil, "")
    guard let unit, let size = Int(sizeText), size >= 1, size <= (unit == .char ? 32 : 16) else {
      throw OptionError(option: "shingle", "'\(shingle)' is not a shingle; use charN (N 1…32) or wordN (N 1…16), e.g. char5")
    }
    shingles.unit = unit
    shingles.size = size
    self.shingles = shingles
    perms = options.int("perms")
    threshold = options.double("threshold")
    var bands = options.int("bands")
    var rows = options.int("rows")
    switch (bands, rows) {
    case (0, 0):
      (bands, rows) = LSHParameters.optimal(threshold: threshold, perms: perms, falsePositiveWeight: options.double("false_positive_weight"))
    case (0, _): bands = perms / rows
    case (_, 0): rows = perms / bands
    default: break
    }
    guard bands >= 1, rows >= 1, bands * rows <= perms else {
      throw OptionError(option: "bands", "bands × rows = \(bands) × \(rows) must be at least 1 and at most perms (\(perms))")
    }
    self.bands = bands
    self.rows = rows
    seed = UInt64(options.int("seed"))
    // The choices are checked against these names when the options are read.
    generator = PermutationGenerator(rawValue: options.string("generator")) ?? .splitmix64
    permutation = PermutationScheme(rawValue: options.string("permutation")) ?? .mersenne61
    hash = ShingleHash(rawValue: options.string("hash")) ?? .xxh64
    if generator == .mt19937, permutation != .affine32 {
      throw OptionError(option: "generator", "mt19937 draws datasketch's affine32 permutations; with permutation: \(permutation.rawValue) use splitmix64")
    }
    if generator == .mt19937, seed > UInt64(UInt32.max) {
      throw OptionError(option: "seed", "mt19937 takes a seed up to 4294967295 (numpy's RandomState), not \(seed)")
    }
    keep = KeepPolicy(rawValue: options.string("keep"))!
    exactJaccardMaxShingles = near ? options.int("exact_jaccard_max_shingles") : 0
  }

  func build(_ context: StageContext) throws(OptionError) -> any DocumentStage {
    do {
      return try DedupStage(config: self)
    } catch {
      throw OptionError(option: nil, "cannot open ICU's word break iterator: \(error)")
    }
  }
}

/// The runtime stage: records on the worker threads, buckets and clusters after the pass.
final class DedupStage: CorpusStage, @unchecked Sendable {
  let config: DedupConfig
  let shingler: Shingler
  let hasher: MinHasher
  let field = "dedup"
  let nfc = try? ICUNormalizer(form: .nfc)

  init(config: DedupConfig) throws(NativeError) {
    self.config = config
    shingler = try Shingler(settings: config.shingles)
    hasher = MinHasher(perms: config.perms, seed: config.seed, scheme: config.permutation, generator: config.generator)
  }

  /// The settings that shape the records and buckets; files written with other ones are
  /// refused by the later phases.
  var settings: String {
    let c = config
    return [
      "format=2", "shingle=\(c.shingles.shingleName)", "normalize=\(c.shingles.normalizeNames.joined(separator: ","))",
      "perms=\(c.perms)", "seed=\(c.seed)", "generator=\(c.generator.rawValue)", "permutation=\(c.permutation.rawValue)",
      "hash=\(c.hash.rawValue)", "exact_jaccard_max_shingles=\(c.exactJaccardMaxShingles)",
      "bands=\(c.bands)", "rows=\(c.rows)", "threshold=\(c.threshold)", "exact=\(c.exact)", "near=\(c.near)",
    ].joined(separator: "\n")
  }

  func recordsHeader(shard: Shard) -> [UInt8] {
    DedupRecord.header(settings: settings + "\n", shard: shard)
  }

  func record(_ document: Document, ordinal: UInt64, into buffer: inout [UInt8], side: inout [UInt8]) -> Int {
    var text = document.text ?? ""
    var normalized = NormalizedText()
    // Compared as NFC even without a `normalize` stage before (an NFD copy is the same text):
    // one pass checks and normalizes text that is NFC already, the usual case.
    let scalars: Int
    if let fast = shingler.normalizeStable(text, nfc: nfc, into: &normalized) {
      scalars = fast
    } else {
      if let nfc, !nfc.isNormalized(text), let composed = try? nfc.normalize(text) { text = composed }
      scalars = shingler.normalize(text, into: &normalized)
    }
    var hashes: [UInt64] = []
    if config.near { shingler.hashes(normalized, with: config.hash, into: &hashes) }
    let (low, high) = Shingler.exactHash(normalized)
    DedupRecord.appendUInt64(ordinal, to: &buffer)
    DedupRecord.appendUInt64(low, to: &buffer)
    DedupRecord.appendUInt64(high, to: &buffer)
    DedupRecord.appendUInt64(UInt64(bitPattern: document.meta.published.flatMap(ISODate.seconds) ?? Int64.max), to: &buffer)
    DedupRecord.appendUInt64((document.qualityScore ?? -1).bitPattern, to: &buffer)
    DedupRecord.appendUInt32(UInt32(clamping: scalars), to: &buffer)
    DedupRecord.appendUInt32((hashes.isEmpty ? 0 : 1) | (normalized.bytes.isEmpty ? 2 : 0), to: &buffer)
    // The shingle set, sorted and distinct, for exact confirmation (small documents only).
    let setOffset = side.count
    var setCount = 0
    if !hashes.isEmpty && hashes.count <= config.exactJaccardMaxShingles {
      setCount = ShingleSet.appendSortedDistinct(hashes, to: &side)
    }
    DedupRecord.appendUInt64(UInt64(setOffset), to: &buffer)  // relative to the batch until rebase
    DedupRecord.appendUInt32(UInt32(setCount), to: &buffer)
    DedupRecord.appendUInt32(0, to: &buffer)
    var mins: [UInt64] = []
    hasher.signature(hashes, mins: &mins, into: &buffer)
    return text.utf8.count
  }

  func rebase(_ records: inout [UInt8], sideBase: UInt64) {
    guard sideBase > 0 else { return }
    let size = DedupRecord.size(perms: config.perms)
    records.withUnsafeMutableBytes { bytes in
      var at = DedupRecord.sideOffsetField
      while at + 8 <= bytes.count {
        let relative = bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)
        bytes.storeBytes(of: (relative &+ sideBase).littleEndian, toByteOffset: at, as: UInt64.self)
        at += size
      }
    }
  }

  func decide(_ files: [CorpusFiles], jobs: Int, log: (String) -> Void) throws(RunError) -> CorpusOutcome {
    let set = try RecordSet(files: files, settings: settings, perms: config.perms)
    var stats: [(name: String, value: Double)] = []
    var started = monotonicSeconds()
    if config.near { log("dedup: \(set.count) documents: candidate pairs in \(config.bands) bands of \(config.rows) rows") }
    let (nearEdges, bucketBytes, candidateCount) = edges(set, bands: Array(0..<(config.near ? config.bands : 0)), jobs: jobs)
    stats.append(("bucket_seconds", monotonicSeconds() - started))
    started = monotonicSeconds()
    log("dedup: grouping and choosing the documents to keep")
    let exactEdges: (edges: [DedupEdge], bytes: Int) =
      config.exact ? DedupIndex(set: set, threshold: config.threshold, rows: config.rows).exactEdges() : ([], 0)
    let idPaths = files.map(\.ids)
    let (decisions, clusterBytes) = try DedupClusters.decide(
      set: set, edgeLists: [exactEdges.edges, nearEdges], isExactList: config.exact, policy: config.keep, threshold: config.threshold,
      ids: { (indices: [Int]) throws(RunError) -> [Int: String] in try DedupClusters.readIDs(indices, set: set, idPaths: idPaths) })
    stats.append(("cluster_seconds", monotonicSeconds() - started))
    stats.append(("index_bytes", Double(set.heapBytes + max(bucketBytes, exactEdges.bytes, clusterBytes))))
    stats.append(("documents", Double(set.count)))
    stats.append(("candidate_pairs", Double(candidateCount)))
    stats.append(("confirmed_pairs", Double(nearEdges.count)))
    stats.append(("bands", Double(config.bands)))
    stats.append(("rows", Double(config.rows)))
    return CorpusOutcome(decisions: decisions, stats: stats)
  }

  /// The confirmed pairs of `bands`: every band's keys from one pass over the records (8
  /// bytes per document and band), each band's candidates, then every distinct candidate pair
  /// confirmed once. Returns the pairs, the most bytes the keys and candidates took, and how many
  /// distinct candidate pairs there were.
  func edges(_ set: RecordSet, bands: [Int], jobs: Int) -> (edges: [DedupEdge], bytes: Int, candidates: Int) {
    let index = DedupIndex(set: set, threshold: config.threshold, rows: config.rows)
    let keys = Mutex(index.bandKeys(bands))
    let keyBytes = keys.withLock { $0.reduce(0) { $0 + $1.count * 8 } }
    let found = Mutex<[Int: [UInt64]]>([:])
    let workers = max(1, min(jobs, bands.count))
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      for position in stride(from: worker, to: bands.count, by: workers) {
        var band = keys.withLock { all in
          let taken = all[position]
          all[position] = []
          return taken
        }
        let pairs = index.bandCandidates(sorting: &band)
        found.withLock { $0[position] = pairs }
      }
    }
    var candidates = found.withLock { all in bands.indices.flatMap { all[$0] ?? [] } }
    let candidateBytes = candidates.count * 8
    let confirmed = index.confirm(&candidates, jobs: jobs)
    return (confirmed, max(keyBytes, candidateBytes), candidates.count)
  }


  // MARK: the separate phases of `winnow dedup`

  /// `winnow dedup buckets --band b`: the candidate pairs of one band, as ordinals (the
  /// cluster phase confirms them, each distinct pair once).
  func bucketPhase(files: [CorpusFiles], band: Int, output: String) throws(RunError) -> Int {
    guard config.near else { throw RunError("dedup has near: false: there are no bands") }
    guard band >= 0, band < config.bands else { throw RunError("band \(band) is out of range: this pipeline has bands 0…\(config.bands - 1)") }
    let set = try RecordSet(files: files, settings: settings, perms: config.perms)
    let pairs = DedupIndex(set: set, threshold: config.threshold, rows: config.rows).bandCandidates(band)
    try EdgesFile.write(pairs.map { (set.ordinal(Int($0 >> 32)), set.ordinal(Int($0 & 0xFFFF_FFFF))) }, band: band, settings: settings, to: output)
    return pairs.count
  }

  /// `winnow dedup keys`: one shard's bucket keys, "band TAB key TAB ordinal" per line, for
  /// an engine that groups them into buckets itself (the Spark driver).
  func keysPhase(files: [CorpusFiles], exact: Bool, write: ([UInt8]) -> Void) throws(RunError) -> Int {
    let set = try RecordSet(files: files, settings: settings, perms: config.perms, partial: true)
    var lines = 0
    var out: [UInt8] = []
    out.reserveCapacity(1 << 20)
    if exact && config.exact {
      // "x TAB hash TAB position": documents with the same normalized text (exact copies).
      for index in 0..<set.count where !set.isEmptyText(index) {
        let (high, low) = set.exact(index)
        out += Array("x\t\(String(high, radix: 16)):\(String(low, radix: 16))\t\(set.ordinal(index))\n".utf8)
        lines += 1
      }
    }
    guard config.near else {
      write(out)
      return lines
    }
    for index in 0..<set.count where set.hasShingles(index) {
      let signature = set.signature(index)
      let ordinal = Array(String(set.ordinal(index)).utf8)
      for band in 0..<config.bands {
        out += Array(String(band).utf8)
        out.append(0x09)
        out += Array(String(MinHasher.bandHash(signature, band: band, rows: config.rows)).utf8)
        out.append(0x09)
        out += ordinal
        out.append(0x0A)
        lines += 1
      }
      if out.count > 1 << 20 {
        write(out)
        out.removeAll(keepingCapacity: true)
      }
    }
    write(out)
    return lines
  }

  /// `winnow dedup subset`: one shard's records, shingle sets and ids split by group
  /// (`groups`: position → group; positions not in it are in no group), written as that same
  /// shard into `output/<group>/` for every group, empty or not, so each group's directory
  /// holds every shard, as the cluster phase wants.
  func subsetPhase(files: CorpusFiles, groups: [UInt64: Int], groupCount: Int, output: String) throws(RunError) -> [Int] {
    func read(_ path: String) throws(RunError) -> [UInt8] {
      guard let data = FileManager.default.contents(atPath: path) else { throw RunError("cannot read '\(path)'") }
      return [UInt8](data)
    }
    let records = try read(files.records)
    let side = try read(files.side)
    let ids = try LineReader(path: files.ids)
    guard records.count >= 12 else { throw RunError("'\(files.records)' is not a dedup records file") }
    let headerEnd = 12 + Int(UInt32(records[8]) | UInt32(records[9]) << 8 | UInt32(records[10]) << 16 | UInt32(records[11]) << 24)
    let size = DedupRecord.size(perms: config.perms)
    guard headerEnd <= records.count, (records.count - headerEnd) % size == 0 else {
      throw RunError("'\(files.records)' is not a whole number of records of this pipeline's size")
    }
    var outRecords = [[UInt8]](repeating: Array(records[..<headerEnd]), count: groupCount)
    var outSide = [[UInt8]](repeating: [], count: groupCount)
    var outIDs = [[UInt8]](repeating: [], count: groupCount)
    var counts = [Int](repeating: 0, count: groupCount)
    func load<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
      records.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: T.self) }
    }
    var at = headerEnd
    while at < records.count {
      guard let idLine = try ids.next() else { throw RunError("'\(files.ids)' has fewer lines than '\(files.records)' has records") }
      let ordinal = UInt64(littleEndian: load(at, UInt64.self))
      if let group = groups[ordinal] {
        guard group >= 0, group < groupCount else { throw RunError("group \(group) of position \(ordinal) is out of range 0…\(groupCount - 1)") }
        var record = Array(records[at..<(at + size)])
        let offset = Int(UInt64(littleEndian: load(at + 48, UInt64.self)))
        let shingles = Int(UInt32(littleEndian: load(at + 56, UInt32.self)))
        if shingles > 0 {
          guard offset + 4 * shingles <= side.count else { throw RunError("'\(files.side)' does not hold the shingle set of position \(ordinal)") }
          withUnsafeBytes(of: UInt64(outSide[group].count).littleEndian) { record.replaceSubrange(48..<56, with: $0) }
          outSide[group] += side[offset..<(offset + 4 * shingles)]
        }
        outRecords[group] += record
        outIDs[group] += idLine
        outIDs[group].append(0x0A)
        counts[group] += 1
      }
      at += size
    }
    for group in 0..<groupCount {
      let directory = output + "/\(group)"
      do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
        throw RunError("cannot create '\(directory)': \(error.localizedDescription)")
      }
      let target = CorpusFiles.inDirectory(directory, shard: DedupRecord.shard(ofHeader: records[..<headerEnd]) ?? .whole)
      for (path, bytes) in [(target.records, outRecords[group]), (target.side, outSide[group]), (target.ids, outIDs[group])] {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw RunError("cannot write '\(path)'") }
      }
    }
    return counts
  }

  /// `winnow dedup pairs --band b`: a band's candidate pairs made by another engine from the
  /// keys ("ordinal TAB ordinal" per line), written as `buckets --band b` writes them.
  func pairsPhase(band: Int, lines: LineReader, output: String) throws(RunError) -> Int {
    guard config.near else { throw RunError("dedup has near: false: there are no bands") }
    guard band >= 0, band < config.bands else { throw RunError("band \(band) is out of range: this pipeline has bands 0…\(config.bands - 1)") }
    var pairs: [(UInt64, UInt64)] = []
    var number = 0
    while let line = try lines.next() {
      number += 1
      let fields = line.split(separator: 0x09)
      guard fields.count == 2, let first = UInt64(String(decoding: fields[0], as: UTF8.self)),
        let second = UInt64(String(decoding: fields[1], as: UTF8.self))
      else { throw RunError("pairs line \(number): expected 'ordinal TAB ordinal'") }
      pairs.append((first, second))
    }
    try EdgesFile.write(pairs, band: band, settings: settings, to: output)
    return pairs.count
  }

  /// `winnow dedup clusters`: every band's pairs and the exact groups → decisions file.
  func clusterPhase(files: [CorpusFiles], edgePaths: [Int: String], output: String) throws(RunError) -> (documents: Int, decisions: Int) {
    let set = try RecordSet(files: files, settings: settings, perms: config.perms)
    let index = DedupIndex(set: set, threshold: config.threshold, rows: config.rows)
    var lists: [[DedupEdge]] = []
    if config.exact { lists.append(index.exactEdges().edges) }
    var candidates: [UInt64] = []
    if config.near {
      for band in 0..<config.bands {
        guard let path = edgePaths[band] else {
          throw RunError("missing the pairs of band \(band): run 'winnow dedup buckets --band \(band)'")
        }
        let pairs = try EdgesFile.read(path, band: band, settings: settings)
        candidates.reserveCapacity(candidates.count + pairs.count)
        for (first, second) in pairs {
          guard let a = set.index(ofOrdinal: first), let b = set.index(ofOrdinal: second) else {
            throw RunError("'\(path)' names document ordinal \(first) or \(second), which no records file holds: files from different runs")
          }
          candidates.append(UInt64(a) << 32 | UInt64(b))
        }
      }
      lists.append(index.confirm(&candidates, jobs: ProcessInfo.processInfo.activeProcessorCount))
    }
    let idPaths = files.map(\.ids)
    let (decisions, _) = try DedupClusters.decide(
      set: set, edgeLists: lists, isExactList: config.exact, policy: config.keep, threshold: config.threshold,
      ids: { (indices: [Int]) throws(RunError) -> [Int: String] in try DedupClusters.readIDs(indices, set: set, idPaths: idPaths) })
    try CorpusDecisionsFile.write(decisions, to: output)
    return (set.count, decisions.count)
  }
}

/// A band's candidate pairs between the bucket and cluster phases: "WINNOWE1", the settings,
/// the band, then pairs of document ordinals (UInt64, little-endian).
enum EdgesFile {
  static let magic = Array("WINNOWE1".utf8)

  static func write(_ pairs: [(UInt64, UInt64)], band: Int, settings: String, to path: String) throws(RunError) {
    var out = magic
    let text = settings + "\nband=\(band)\n"
    DedupRecord.appendUInt32(UInt32(text.utf8.count), to: &out)
    out += Array(text.utf8)
    DedupRecord.appendUInt64(UInt64(pairs.count), to: &out)
    for (first, second) in pairs {
      DedupRecord.appendUInt64(first, to: &out)
      DedupRecord.appendUInt64(second, to: &out)
    }
    let temporary = path + ".partial"
    guard FileManager.default.createFile(atPath: temporary, contents: Data(out)) else {
      throw RunError("cannot write '\(temporary)'")
    }
    guard rename(temporary, path) == 0 else { throw RunError("cannot rename '\(temporary)' to '\(path)': \(String(cString: strerror(errno)))") }
  }

  static func read(_ path: String, band: Int, settings: String) throws(RunError) -> [(UInt64, UInt64)] {
    guard let data = FileManager.default.contents(atPath: path) else { throw RunError("cannot read '\(path)'") }
    let bytes = [UInt8](data)
    func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) } }
    func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) } }
    guard bytes.count >= 12, Array(bytes[0..<8]) == magic else { throw RunError("'\(path)' is not a dedup pairs file") }
    let length = Int(u32(8))
    guard 12 + length + 8 <= bytes.count else { throw RunError("'\(path)' is truncated") }
    let text = String(decoding: bytes[12..<(12 + length)], as: UTF8.self)
    guard text == settings + "\nband=\(band)\n" else {
      throw RunError("'\(path)' was written for other dedup settings or another band than band \(band) of this pipeline")
    }
    let start = 12 + length + 8
    guard let count = Int(exactly: u64(12 + length)), count <= (bytes.count - start) / 16, bytes.count == start + count * 16 else {
      throw RunError("'\(path)' is truncated or damaged (its pair count does not match its size)")
    }
    return (0..<count).map { (u64(start + $0 * 16), u64(start + $0 * 16 + 8)) }
  }
}

/// ISO 8601 dates as written by `html` and `metadata` ("2025-01-12", "2025-01-12T06:00:00+09:00").
enum ISODate {
  /// Seconds since 1970-01-01T00:00Z; a date alone counts from its midnight UTC.
  static func seconds(_ text: String) -> Int64? {
    let b = Array(text.utf8)
    func number(_ from: Int, _ count: Int) -> Int? {
      guard from + count <= b.count else { return nil }
      var value = 0
      for index in from..<(from + count) {
        guard b[index] >= 0x30, b[index] <= 0x39 else { return nil }
        value = value * 10 + Int(b[index] - 0x30)
      }
      return value
    }
    guard let year = number(0, 4), b.count >= 10, b[4] == 0x2D, let month = number(5, 2), b[7] == 0x2D, let day = number(8, 2),
      (1...12).contains(month), (1...31).contains(day)
    else { return nil }
    var seconds = Int64(daysFromCivil(year, month, day)) * 86_400
    guard b.count > 10, b[10] == 0x54 || b[10] == 0x20 else { return seconds }
    guard let hour = number(11, 2), b.count > 13, b[13] == 0x3A, let minute = number(14, 2) else { return seconds }
    seconds += Int64(hour * 3600 + minute * 60)
    var at = 16
    if b.count > 16, b[16] == 0x3A, let second = number(17, 2) {
      seconds += Int64(second)
      at = 19
      while at < b.count, b[at] == 0x2E || (b[at] >= 0x30 && b[at] <= 0x39) { at += 1 }  // fractions
    }
    if at < b.count, b[at] == 0x2B || b[at] == 0x2D, let offsetHour = number(at + 1, 2) {
      let offsetMinute = b.count >= at + 6 && b[at + 3] == 0x3A ? number(at + 4, 2) ?? 0 : number(at + 3, 2) ?? 0
      let offset = Int64(offsetHour * 3600 + offsetMinute * 60)
      seconds += b[at] == 0x2B ? -offset : offset
    }
    return seconds
  }

  /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
  static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }
}

func monotonicSeconds() -> Double {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// The separate phases of `winnow dedup`, for running them as shards on several machines.
public enum DedupPhases {
  /// The pipeline's dedup stage, or an error naming the problem.
  static func stage(_ pipeline: Pipeline) throws(RunError) -> DedupStage {
    guard let stage = pipeline.stages.last?.stage as? DedupStage else {
      throw RunError("'\(pipeline.file)' has no 'dedup' stage at its end")
    }
    return stage
  }

  /// The shards' files found in `directory`, sorted by shard.
  public static func shardFiles(_ directory: String) throws(RunError) -> [CorpusFiles] {
    let names: [String]
    do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
      throw RunError("cannot list '\(directory)': \(error.localizedDescription)")
    }
    var shards: [Shard] = []
    for name in names where name.hasPrefix("records-") && name.hasSuffix(".bin") {
      let middle = name.dropFirst("records-".count).dropLast(".bin".count).replacingOccurrences(of: "-of-", with: "/")
      if let shard = Shard(parsing: middle.split(separator: "/").map { String(Int($0) ?? -1) }.joined(separator: "/")) {
        shards.append(shard)
      }
    }
    guard !shards.isEmpty else {
      throw RunError("no records in '\(directory)': run 'winnow dedup signatures --shard i/N --work \(directory)' first")
    }
    return shards.sorted { $0.index < $1.index }.map { CorpusFiles.inDirectory(directory, shard: $0) }
  }

  public static func bandsPath(_ directory: String, band: Int) -> String {
    directory + "/pairs-band-\(band).bin"
  }

  public static func decisionsPath(_ directory: String) -> String {
    directory + "/decisions.jsonl"
  }

  /// How many bands the pipeline's dedup stage uses (0 with near: false).
  public static func bands(_ pipeline: Pipeline) throws(RunError) -> Int {
    let stage = try stage(pipeline)
    return stage.config.near ? stage.config.bands : 0
  }

  /// Phase 2 for one band: returns the number of candidate pairs written.
  public static func buckets(_ pipeline: Pipeline, directory: String, band: Int) throws(RunError) -> Int {
    let stage = try stage(pipeline)
    let files = try shardFiles(directory)
    return try stage.bucketPhase(files: files, band: band, output: bandsPath(directory, band: band))
  }

  /// One shard's records split by group (see `DedupStage.subsetPhase`).
  public static func subset(_ pipeline: Pipeline, directory: String, shard: Shard, groups: [UInt64: Int], groupCount: Int, output: String) throws(RunError) -> [Int] {
    let stage = try stage(pipeline)
    return try stage.subsetPhase(files: CorpusFiles.inDirectory(directory, shard: shard), groups: groups, groupCount: groupCount, output: output)
  }

  /// One shard's bucket keys to `write` (see `DedupStage.keysPhase`).
  public static func keys(_ pipeline: Pipeline, directory: String, shard: Shard, exact: Bool = false, write: ([UInt8]) -> Void) throws(RunError) -> Int {
    let stage = try stage(pipeline)
    return try stage.keysPhase(files: [CorpusFiles.inDirectory(directory, shard: shard)], exact: exact, write: write)
  }

  /// A band's pairs from another engine, read from `path` ("-": standard input).
  public static func pairs(_ pipeline: Pipeline, directory: String, band: Int, from path: String) throws(RunError) -> Int {
    let stage = try stage(pipeline)
    return try stage.pairsPhase(band: band, lines: try LineReader(path: path), output: bandsPath(directory, band: band))
  }

  /// Phase 3: returns the number of documents and of decisions written.
  public static func clusters(_ pipeline: Pipeline, directory: String) throws(RunError) -> (documents: Int, decisions: Int) {
    let stage = try stage(pipeline)
    // A failed clusters phase must not leave an older run's decisions for filter to use.
    unlink(decisionsPath(directory))
    let files = try shardFiles(directory)
    var paths: [Int: String] = [:]
    if stage.config.near {
      for band in 0..<stage.config.bands {
        let path = bandsPath(directory, band: band)
        if FileManager.default.fileExists(atPath: path) { paths[band] = path }
      }
    }
    // Pairs from before the latest signatures phase belong to other records.
    try requireNewer(Array(paths.values), than: files.map(\.records), phase: "buckets")
    return try stage.clusterPhase(files: files, edgePaths: paths, output: decisionsPath(directory))
  }

  /// Before `filter`: the decisions must come from the records and pairs now in `directory`.
  public static func checkDecisions(_ directory: String) throws(RunError) {
    let decisions = decisionsPath(directory)
    guard FileManager.default.fileExists(atPath: decisions) else {
      throw RunError("no '\(decisions)': run 'winnow dedup clusters' first")
    }
    let files = try shardFiles(directory)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    let pairs = names.filter { $0.hasPrefix("pairs-band-") }.map { directory + "/" + $0 }
    try requireNewer([decisions], than: files.map(\.records) + pairs, phase: "clusters")
  }

  /// Each of `files` must be at least as new as every one of `inputs` (as make decides).
  static func requireNewer(_ files: [String], than inputs: [String], phase: String) throws(RunError) {
    func modified(_ path: String) -> Date? {
      (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
    guard let newestInput = inputs.compactMap(modified).max() else { return }
    for file in files {
      if let date = modified(file), date < newestInput {
        throw RunError("'\(file)' is older than the records it should come from (a signatures phase ran since): run 'winnow dedup \(phase)' again")
      }
    }
  }
}
