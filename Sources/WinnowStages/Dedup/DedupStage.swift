import Foundation
import Synchronization
import WinnowCore
import WinnowNative

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
    // The shingle set, sorted and distinct, for exact confirmation (small documents only).
    let setOffset = side.count
    var setCount = 0
    if !hashes.isEmpty && hashes.count <= config.exactJaccardMaxShingles {
      setCount = ShingleSet.appendSortedDistinct(hashes, to: &side)
    }
    DedupRecord.appendFixed(
      ordinal: ordinal, exact: Shingler.exactHash(normalized), published: document.meta.published.flatMap(ISODate.seconds) ?? Int64.max,
      quality: document.qualityScore ?? -1, length: UInt32(clamping: scalars),
      flags: (hashes.isEmpty ? 0 : DedupRecord.Flag.hasShingles) | (normalized.bytes.isEmpty ? DedupRecord.Flag.emptyText : 0),
      sideOffset: UInt64(setOffset),  // relative to the batch until rebase
      sideCount: UInt32(setCount), to: &buffer)
    var mins: [UInt64] = []
    hasher.signature(hashes, mins: &mins, into: &buffer)
    return text.utf8.count
  }

  func rebase(_ records: inout [UInt8], sideBase: UInt64) {
    guard sideBase > 0 else { return }
    let size = DedupRecord.size(perms: config.perms)
    records.withUnsafeMutableBytes { bytes in
      var at = DedupRecord.Offset.sideOffset
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
}

func monotonicSeconds() -> Double {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
