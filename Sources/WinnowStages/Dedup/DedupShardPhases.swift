import Foundation
import WinnowCore

/// The separate phases of `winnow dedup` that work on the records files, for running them as
/// shards on several machines (`DedupPhases` is their entry point).
extension DedupStage {

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
  /// an engine that groups them into buckets itself (the Spark driver). `columns`: the same
  /// keys as blocks of columns instead (see `KeyColumns`).
  func keysPhase(files: [CorpusFiles], exact: Bool, columns: Bool = false, write: ([UInt8]) -> Void) throws(RunError) -> Int {
    let set = try RecordSet(files: files, settings: settings, perms: config.perms, partial: true)
    var lines = 0
    var out: [UInt8] = []
    out.reserveCapacity(1 << 20)
    var block = KeyColumns()
    func flush() {
      if columns { block.append(to: &out) }
      write(out)
      out.removeAll(keepingCapacity: true)
    }
    if exact && config.exact {
      // "x TAB hash TAB position": documents with the same normalized text (exact copies).
      for index in 0..<set.count where !set.isEmptyText(index) {
        let (high, low) = set.exact(index)
        if columns {
          block.add(band: -1, key: high ^ (low &* 0x9E37_79B9_7F4A_7C15), ordinal: set.ordinal(index))
        } else {
          out += Array("x\t\(String(high, radix: 16)):\(String(low, radix: 16))\t\(set.ordinal(index))\n".utf8)
        }
        lines += 1
        if block.count >= KeyColumns.blockRows { flush() }
      }
    }
    guard config.near else {
      flush()
      return lines
    }
    for index in 0..<set.count where set.hasShingles(index) {
      let signature = set.signature(index)
      if columns {
        let ordinal = set.ordinal(index)
        for band in 0..<config.bands {
          block.add(band: Int32(band), key: UInt64(MinHasher.bandHash(signature, band: band, rows: config.rows)), ordinal: ordinal)
        }
        lines += config.bands
        if block.count >= KeyColumns.blockRows { flush() }
        continue
      }
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
      if out.count > 1 << 20 { flush() }
    }
    flush()
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
    func load<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
      records.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: T.self) }
    }
    let side = try read(files.side)
    let ids = try LineReader(path: files.ids)
    guard records.count >= DedupRecord.settingsOffset else { throw RunError("'\(files.records)' is not a dedup records file") }
    let headerEnd = DedupRecord.settingsOffset + Int(UInt32(littleEndian: load(DedupRecord.settingsLengthOffset, UInt32.self)))
    let size = DedupRecord.size(perms: config.perms)
    guard headerEnd <= records.count, (records.count - headerEnd) % size == 0 else {
      throw RunError("'\(files.records)' is not a whole number of records of this pipeline's size")
    }
    var outRecords = [[UInt8]](repeating: Array(records[..<headerEnd]), count: groupCount)
    var outSide = [[UInt8]](repeating: [], count: groupCount)
    var outIDs = [[UInt8]](repeating: [], count: groupCount)
    var counts = [Int](repeating: 0, count: groupCount)
    var at = headerEnd
    while at < records.count {
      guard let idLine = try ids.next() else { throw RunError("'\(files.ids)' has fewer lines than '\(files.records)' has records") }
      let ordinal = UInt64(littleEndian: load(at + DedupRecord.Offset.ordinal, UInt64.self))
      if let group = groups[ordinal] {
        guard group >= 0, group < groupCount else { throw RunError("group \(group) of position \(ordinal) is out of range 0…\(groupCount - 1)") }
        var record = Array(records[at..<(at + size)])
        let offset = Int(UInt64(littleEndian: load(at + DedupRecord.Offset.sideOffset, UInt64.self)))
        let shingles = Int(UInt32(littleEndian: load(at + DedupRecord.Offset.sideCount, UInt32.self)))
        if shingles > 0 {
          guard offset + 4 * shingles <= side.count else { throw RunError("'\(files.side)' does not hold the shingle set of position \(ordinal)") }
          withUnsafeBytes(of: UInt64(outSide[group].count).littleEndian) {
            record.replaceSubrange(DedupRecord.Offset.sideOffset..<(DedupRecord.Offset.sideOffset + 8), with: $0)
          }
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
      guard fields.count == 2, let first = Self.decimal(fields[0]), let second = Self.decimal(fields[1])
      else { throw RunError("pairs line \(number): expected 'ordinal TAB ordinal'") }
      pairs.append((first, second))
    }
    try EdgesFile.write(pairs, band: band, settings: settings, to: output)
    return pairs.count
  }

  /// `winnow dedup pairs` without `--band`: every band's pairs from 'band TAB ordinal TAB
  /// ordinal' lines, written for each band (`output(band)`), those with no pair too.
  func pairsPhase(lines: LineReader, output: (Int) -> String) throws(RunError) -> Int {
    guard config.near else { throw RunError("dedup has near: false: there are no bands") }
    var pairs = [[(UInt64, UInt64)]](repeating: [], count: config.bands)
    var number = 0
    while let line = try lines.next() {
      number += 1
      let fields = line.split(separator: 0x09)
      guard fields.count == 3, let band = Self.decimal(fields[0]), let first = Self.decimal(fields[1]),
        let second = Self.decimal(fields[2])
      else { throw RunError("pairs line \(number): expected 'band TAB ordinal TAB ordinal'") }
      guard band < UInt64(config.bands) else {
        throw RunError("pairs line \(number): band \(band) is out of range: this pipeline has bands 0…\(config.bands - 1)")
      }
      pairs[Int(band)].append((first, second))
    }
    for band in 0..<config.bands { try EdgesFile.write(pairs[band], band: band, settings: settings, to: output(band)) }
    return pairs.reduce(0) { $0 + $1.count }
  }

  /// An unsigned decimal number that fits in 64 bits, nil for anything else.
  static func decimal(_ bytes: ArraySlice<UInt8>) -> UInt64? {
    guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
    var value: UInt64 = 0
    for byte in bytes {
      guard byte >= 0x30, byte <= 0x39 else { return nil }
      let (times, over) = value.multipliedReportingOverflow(by: 10)
      let (sum, carry) = times.addingReportingOverflow(UInt64(byte - 0x30))
      guard !over, !carry else { return nil }
      value = sum
    }
    return value
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

/// Bucket keys as blocks of little-endian columns (`winnow dedup keys --columns`), which an
/// engine maps to its own column types without parsing text: per block, the row count n
/// (UInt64), then n keys (UInt64), n positions (UInt64) and n bands (Int32; -1 for the exact
/// copies' key, their 128-bit text hash folded to 64 bits), zero-padded to a multiple of 8 bytes.
struct KeyColumns {
  static let blockRows = 1 << 16
  private var keys: [UInt64] = []
  private var ordinals: [UInt64] = []
  private var bands: [Int32] = []
  var count: Int { keys.count }

  mutating func add(band: Int32, key: UInt64, ordinal: UInt64) {
    keys.append(key)
    ordinals.append(ordinal)
    bands.append(band)
  }

  /// Appends the block (nothing when it is empty) and empties it.
  mutating func append(to out: inout [UInt8]) {
    guard !keys.isEmpty else { return }
    withUnsafeBytes(of: UInt64(keys.count).littleEndian) { out += $0 }
    keys.withUnsafeBytes { out += $0 }
    ordinals.withUnsafeBytes { out += $0 }
    bands.withUnsafeBytes { out += $0 }
    if keys.count % 2 == 1 { out += [0, 0, 0, 0] }  // the bands' 4n bytes, to a multiple of 8
    keys.removeAll(keepingCapacity: true)
    ordinals.removeAll(keepingCapacity: true)
    bands.removeAll(keepingCapacity: true)
  }
}
