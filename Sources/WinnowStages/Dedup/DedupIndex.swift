import Foundation
import Synchronization
import WinnowCore

/// Every shard's records, in input order: what the bucket and cluster phases read.
final class RecordSet: @unchecked Sendable {
  let files: [MappedRecords]
  let count: Int
  let perms: Int
  /// Dense index → file and position, when there are several files (in ordinal order).
  private let fileOf: [UInt16]
  private let positionOf: [UInt32]

  /// Opens every shard's records and side files and checks they were written with the same
  /// settings and that no shard is missing or repeated.
  /// `partial`: some of the shards only (the keys of one partition), so no shard is missing.
  init(files shardFiles: [CorpusFiles], settings: String, perms: Int, partial: Bool = false) throws(RunError) {
    self.perms = perms
    let recordSize = DedupRecord.size(perms: perms)
    var files: [MappedRecords] = []
    for shard in shardFiles {
      files.append(try MappedRecords(path: shard.records, side: shard.side, recordSize: recordSize, expected: settings))
    }
    guard let first = files.first else { throw RunError("no dedup records files to read") }
    let shardCount = first.shard.count
    var seen = Set<Int>()
    for file in files {
      guard file.shard.count == shardCount else {
        throw RunError("'\(file.path)' is shard \(file.shard) but '\(first.path)' is shard \(first.shard): the files are from different runs")
      }
      guard seen.insert(file.shard.index).inserted else { throw RunError("shard \(file.shard) is there twice ('\(file.path)')") }
    }
    if seen.count != shardCount && !partial {
      let missing = (0..<shardCount).filter { !seen.contains($0) }.map { "\($0)/\(shardCount)" }
      throw RunError("missing the records of shard\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")): run 'winnow dedup signatures --shard i/\(shardCount)' for each")
    }
    guard files.count <= Int(UInt16.max) else { throw RunError("more than \(UInt16.max) shards in one dedup index") }
    files.sort { $0.shard.index < $1.shard.index }
    self.files = files
    count = files.reduce(0) { $0 + $1.count }
    guard count < Int(UInt32.max) else { throw RunError("more than 4 294 967 294 documents in one dedup index") }
    if files.count == 1 {
      fileOf = []
      positionOf = []
    } else {
      var entries: [(ordinal: UInt64, file: UInt16, position: UInt32)] = []
      entries.reserveCapacity(count)
      for (fileIndex, file) in files.enumerated() {
        for position in 0..<file.count { entries.append((file.ordinal(position), UInt16(fileIndex), UInt32(position))) }
      }
      entries.sort { $0.ordinal < $1.ordinal }
      fileOf = entries.map(\.file)
      positionOf = entries.map(\.position)
    }
    for index in 1..<max(1, count) where ordinal(index - 1) >= ordinal(index) {
      throw RunError("document ordinal \(ordinal(index)) appears twice or out of order in the records: the shards overlap")
    }
  }

  @inline(__always) func locate(_ index: Int) -> (MappedRecords, Int) {
    fileOf.isEmpty ? (files[0], index) : (files[Int(fileOf[index])], Int(positionOf[index]))
  }
  @inline(__always) func ordinal(_ index: Int) -> UInt64 { let (f, p) = locate(index); return f.ordinal(p) }
  @inline(__always) func signature(_ index: Int) -> UnsafePointer<UInt32> { let (f, p) = locate(index); return f.signature(p) }
  @inline(__always) func hasShingles(_ index: Int) -> Bool { let (f, p) = locate(index); return f.hasShingles(p) }
  @inline(__always) func exact(_ index: Int) -> (UInt64, UInt64) { let (f, p) = locate(index); return f.exact(p) }
  /// Nothing was left after normalization (only spaces and punctuation): never an exact copy.
  @inline(__always) func isEmptyText(_ index: Int) -> Bool { let (f, p) = locate(index); return f.isEmptyText(p) }

  /// The dense index of a document ordinal.
  func index(ofOrdinal ordinal: UInt64) -> Int? {
    var low = 0
    var high = count
    while low < high {
      let mid = (low + high) / 2
      if self.ordinal(mid) < ordinal { low = mid + 1 } else { high = mid }
    }
    return low < count && self.ordinal(low) == ordinal ? low : nil
  }

  /// The Jaccard similarity of two documents' shingle sets: exact when both sets were kept,
  /// else estimated from the signatures.
  func similarity(_ x: Int, _ y: Int) -> Double { measured(x, y).value }

  /// The similarity and whether it is exact.
  func measured(_ x: Int, _ y: Int) -> (value: Double, exact: Bool) {
    let (fx, px) = locate(x)
    let (fy, py) = locate(y)
    if let a = fx.shingles(px), let b = fy.shingles(py) { return (Self.jaccard(a, b), true) }
    return (MinHasher.similarity(fx.signature(px), fy.signature(py), perms: perms), false)
  }

  /// |A ∩ B| / |A ∪ B| of two sorted sets of distinct values.
  static func jaccard(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Double {
    var i = 0
    var j = 0
    var common = 0
    while i < a.count && j < b.count {
      let x = a[i]
      let y = b[j]
      if x == y {
        common += 1
        i += 1
        j += 1
      } else if x < y {
        i += 1
      } else {
        j += 1
      }
    }
    let union = a.count + b.count - common
    return union == 0 ? 1 : Double(common) / Double(union)
  }

  func advise(_ advice: Int32) {
    for file in files { file.advise(advice) }
  }

  /// Bytes this set keeps on the heap (the records themselves are mapped files).
  var heapBytes: Int { fileOf.count * 2 + positionOf.count * 4 }
}

/// A pair of documents (dense indices, first < second) found to be duplicates.
struct DedupEdge: Equatable {
  var first: UInt32
  var second: UInt32
  /// The similarity that confirmed the pair (1 for the same normalized text).
  var similarity: Double = 1
  var exact = true
}

/// The bucket and cluster phases over a `RecordSet`.
struct DedupIndex {
  let set: RecordSet
  let threshold: Double
  let rows: Int

  /// Documents whose normalized texts hash the same: each linked to the first of its group.
  func exactEdges() -> (edges: [DedupEdge], bytes: Int) {
    var keys: [(UInt64, UInt64, UInt32)] = []
    keys.reserveCapacity(set.count)
    for index in 0..<set.count where !set.isEmptyText(index) {
      let (low, high) = set.exact(index)
      keys.append((high, low, UInt32(index)))
    }
    keys.sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
    var edges: [DedupEdge] = []
    guard !keys.isEmpty else { return ([], 0) }
    var start = 0
    for index in 1...max(1, keys.count) where index == keys.count || keys[index].0 != keys[start].0 || keys[index].1 != keys[start].1 {
      if index - start > 1 {
        for member in (start + 1)..<index { edges.append(DedupEdge(first: keys[start].2, second: keys[member].2)) }
      }
      start = index
    }
    return (edges, keys.count * MemoryLayout<(UInt64, UInt64, UInt32)>.stride)
  }

  /// Candidate pairs of band `band`: in each bucket, every document paired with the bucket's
  /// first and with the one before it (input order), as `first << 32 | second`, unsorted.
  func bandCandidates(_ band: Int) -> [UInt64] {
    var keys = bandKeys([band])[0]
    return bandCandidates(sorting: &keys)
  }

  /// The bucket keys (32-bit band hash, 32-bit document index) of `bands`, in one sequential
  /// pass over the records: reading them once matters when they do not fit the page cache.
  func bandKeys(_ bands: [Int]) -> [[UInt64]] {
    set.advise(MADV_SEQUENTIAL)
    defer { set.advise(MADV_RANDOM) }
    var keys = bands.map { _ in [UInt64]() }
    for band in keys.indices { keys[band].reserveCapacity(set.count) }
    for index in 0..<set.count where set.hasShingles(index) {
      let signature = set.signature(index)
      for (position, band) in bands.enumerated() {
        keys[position].append(UInt64(MinHasher.bandHash(signature, band: band, rows: rows)) << 32 | UInt64(index))
      }
    }
    return keys
  }

  /// Sorts one band's keys and lists its candidate pairs.
  func bandCandidates(sorting keys: inout [UInt64]) -> [UInt64] {
    keys.sort()
    var pairs: [UInt64] = []
    var start = 0
    var end = 1
    while start < keys.count {
      while end < keys.count && keys[end] >> 32 == keys[start] >> 32 { end += 1 }
      if end - start > 1 {
        let first = keys[start] & 0xFFFF_FFFF
        for member in (start + 1)..<end {
          let document = keys[member] & 0xFFFF_FFFF
          pairs.append(first << 32 | document)
          if member - 1 > start { pairs.append((keys[member - 1] & 0xFFFF_FFFF) << 32 | document) }
        }
      }
      start = end
      end = start + 1
    }
    return pairs
  }

  /// Sorts and deduplicates candidate pairs from every band, then keeps those whose shingle
  /// sets are similar enough (exact Jaccard when both sets were kept, else the signatures'
  /// estimate). Each distinct pair is compared once, in order, so records are read mostly
  /// forwards; `jobs` threads share the work and the result does not depend on how many.
  func confirm(_ candidates: inout [UInt64], jobs: Int) -> [DedupEdge] {
    candidates.sort()
    var write = 0
    for read in candidates.indices where write == 0 || candidates[read] != candidates[write - 1] {
      candidates[write] = candidates[read]
      write += 1
    }
    candidates.removeLast(candidates.count - write)
    let chunks = max(1, min(jobs * 4, candidates.count / 4096 + 1))
    let results = Mutex<[Int: [DedupEdge]]>([:])
    let pairs = candidates
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      let from = pairs.count * chunk / chunks
      let to = pairs.count * (chunk + 1) / chunks
      var found: [DedupEdge] = []
      for pair in pairs[from..<to] {
        let first = Int(pair >> 32)
        let second = Int(pair & 0xFFFF_FFFF)
        let (similarity, exact) = set.measured(first, second)
        if similarity >= threshold - 1e-9 {
          found.append(DedupEdge(first: UInt32(first), second: UInt32(second), similarity: similarity, exact: exact))
        }
      }
      results.withLock { $0[chunk] = found }
    }
    let all = results.withLock { $0 }
    return (0..<chunks).flatMap { all[$0] ?? [] }
  }
}

/// Which document of a group is kept.
enum KeepPolicy: String, CaseIterable, Sendable {
  /// The first in input order.
  case first
  /// The longest text (characters); ties: the first.
  case longest
  /// The earliest `published`; documents without one come last; ties: the first.
  case earliest
  /// The highest quality score (`quality` stage); ties: the first.
  case quality

  /// Whether `candidate` should replace `current` as the kept document (candidate comes later).
  func prefers(_ candidate: Int, over current: Int, in set: RecordSet) -> Bool {
    let (cf, cp) = set.locate(candidate)
    let (kf, kp) = set.locate(current)
    switch self {
    case .first: return false
    case .longest: return cf.length(cp) > kf.length(kp)
    case .earliest: return cf.published(cp) < kf.published(kp)
    case .quality: return cf.quality(cp) > kf.quality(kp)
    }
  }
}

/// Union-find over dense indices; the root of a set is always its smallest index.
struct UnionFind {
  var parent: [UInt32]

  init(count: Int) { parent = (0..<count).map { UInt32($0) } }

  mutating func find(_ x: Int) -> Int {
    var x = x
    while Int(parent[x]) != x {
      parent[x] = parent[Int(parent[x])]
      x = Int(parent[x])
    }
    return x
  }

  mutating func union(_ a: Int, _ b: Int) {
    let ra = find(a)
    let rb = find(b)
    if ra == rb { return }
    if ra < rb { parent[rb] = UInt32(ra) } else { parent[ra] = UInt32(rb) }
  }
}

enum DedupClusters {
  /// Joins linked documents (union-find) and decides within each joined set: the document the
  /// policy prefers is kept, and every member similar enough to it (the threshold, or the same
  /// normalized text) is dropped as its copy; members that are only linked through others
  /// (A ~ B ~ C with A and C far apart) are decided again among themselves the same way, so no
  /// document is ever dropped for a kept one it is not itself similar to. Only documents in
  /// groups of two or more get a decision. `ids` returns the ids of the given dense indices.
  static func decide(
    set: RecordSet, edgeLists: [[DedupEdge]], isExactList: Bool, policy: KeepPolicy, threshold: Double,
    ids: ([Int]) throws(RunError) -> [Int: String]
  ) throws(RunError) -> (decisions: [CorpusDecision], bytes: Int) {
    var forest = UnionFind(count: set.count)
    // What confirmed each linked pair, so the decisions below re-read records only for pairs
    // no band confirmed (members linked through others). Exact-text pairs are marked with a
    // similarity above 1.
    var known: [UInt64: (similarity: Double, exact: Bool)] = [:]
    for (list, edges) in edgeLists.enumerated() {
      for edge in edges {
        forest.union(Int(edge.first), Int(edge.second))
        let key = UInt64(edge.first) << 32 | UInt64(edge.second)
        if list == 0 && isExactList { known[key] = (2, true) } else if known[key] == nil { known[key] = (edge.similarity, edge.exact) }
      }
    }
    func measure(_ a: UInt32, _ b: UInt32) -> (similarity: Double, exact: Bool, sameText: Bool) {
      let key = a < b ? UInt64(a) << 32 | UInt64(b) : UInt64(b) << 32 | UInt64(a)
      if let hit = known[key] {
        return hit.similarity > 1 ? (1, true, true) : (hit.similarity, hit.exact, false)
      }
      if isExactList && !set.isEmptyText(Int(a)) && set.exact(Int(a)) == set.exact(Int(b)) { return (1, true, true) }
      let (value, exact) = set.measured(Int(a), Int(b))
      return (value, exact, false)
    }
    // Sets up to this size are decided by comparing every member with each kept document;
    // larger ones (long chains of rolling updates, templated pages) only along their confirmed
    // pairs (through the kept document's copies) and equal texts, so the work stays linear in
    // the pairs.
    let compareAllUpTo = 64
    var adjacency: [UInt32: [UInt32]] = [:]
    // Members of each joined set, in input order: counting sort by root.
    var starts = [UInt32](repeating: 0, count: set.count + 1)
    for index in 0..<set.count { starts[forest.find(index) + 1] += 1 }
    for index in 0..<set.count { starts[index + 1] += starts[index] }
    var fill = starts
    var members = [UInt32](repeating: 0, count: set.count)
    for index in 0..<set.count {
      let root = forest.find(index)
      members[Int(fill[root])] = UInt32(index)
      fill[root] += 1
    }
    fill = []
    for edges in edgeLists {
      for edge in edges {
        let root = forest.find(Int(edge.first))
        guard starts[root + 1] - starts[root] > UInt32(compareAllUpTo) else { continue }
        adjacency[edge.first, default: []].append(edge.second)
        adjacency[edge.second, default: []].append(edge.first)
      }
    }
    // (member, kept, size) for every document in a group of two or more.
    var groups: [(member: UInt32, kept: UInt32, similarity: Double, exact: Bool, sameText: Bool)] = []
    var groupSize: [UInt32: Int] = [:]
    for root in 0..<set.count where starts[root + 1] - starts[root] > 1 {
      var remaining = Array(members[Int(starts[root])..<Int(starts[root + 1])])
      if remaining.count > compareAllUpTo {
        // In the policy's order, the first undecided member is kept, with every undecided
        // member confirmed similar to it or of the same normalized text.
        let order = remaining.sorted { a, b in
          policy.prefers(Int(a), over: Int(b), in: set) || (!policy.prefers(Int(b), over: Int(a), in: set) && a < b)
        }
        var sameText: [String: [UInt32]] = [:]
        if isExactList {
          for member in remaining where !set.isEmptyText(Int(member)) {
            let (low, high) = set.exact(Int(member))
            sameText["\(low):\(high)", default: []].append(member)
          }
        }
        var decided = Set<UInt32>()
        for kept in order where !decided.contains(kept) {
          decided.insert(kept)
          var copies: [(UInt32, (similarity: Double, exact: Bool, sameText: Bool))] = []
          // From the kept document along confirmed pairs, through its copies only: a member
          // paired with a copy (not with the kept one itself) is compared with the kept one too.
          // Each member is compared at most once per kept document, so the work stays linear
          // in the pairs for templated pages and rolling updates alike.
          var frontier = adjacency[kept] ?? []
          if isExactList && !set.isEmptyText(Int(kept)) {
            let (low, high) = set.exact(Int(kept))
            frontier += sameText["\(low):\(high)"] ?? []
          }
          var compared: Set<UInt32> = [kept]
          while let member = frontier.popLast() {
            guard !decided.contains(member), compared.insert(member).inserted else { continue }
            let m = measure(member, kept)
            guard m.sameText || m.similarity >= threshold - 1e-9 else { continue }
            decided.insert(member)
            copies.append((member, m))
            frontier += adjacency[member] ?? []
            // Members with this member's text are exactly as similar to the kept one.
            if isExactList && !m.sameText && !set.isEmptyText(Int(member)) {
              let (low, high) = set.exact(Int(member))
              for twin in sameText["\(low):\(high)"] ?? [] where !decided.contains(twin) {
                decided.insert(twin)
                compared.insert(twin)
                copies.append((twin, m))
                frontier += adjacency[twin] ?? []
              }
            }
          }
          if !copies.isEmpty {
            for (member, m) in copies { groups.append((member, kept, m.similarity, m.exact, m.sameText)) }
            groups.append((kept, kept, 1, true, true))
            groupSize[kept] = copies.count + 1
          }
        }
        continue
      }
      while remaining.count > 1 {
        var kept = remaining[0]
        for candidate in remaining.dropFirst() where policy.prefers(Int(candidate), over: Int(kept), in: set) { kept = candidate }
        var rest: [UInt32] = []
        var size = 1
        for member in remaining where member != kept {
          let m = measure(member, kept)
          if m.sameText || m.similarity >= threshold - 1e-9 {
            groups.append((member, kept, m.similarity, m.exact, m.sameText))
            size += 1
          } else {
            rest.append(member)
          }
        }
        if size > 1 {
          groups.append((kept, kept, 1, true, true))
          groupSize[kept] = size
        }
        remaining = rest
      }
    }
    starts = []
    members = []
    groups.sort { $0.member < $1.member }
    let names = try ids(groupSize.keys.map { Int($0) }.sorted())
    var decisions: [CorpusDecision] = []
    decisions.reserveCapacity(groups.count)
    for group in groups {
      let size = groupSize[group.kept] ?? 1
      let cluster = names[Int(group.kept)] ?? ""
      let ordinal = set.ordinal(Int(group.member))
      if group.member == group.kept {
        decisions.append(CorpusDecision(ordinal: ordinal, keep: true, cluster: cluster, size: size))
      } else if group.sameText {
        decisions.append(CorpusDecision(ordinal: ordinal, keep: false, cluster: cluster, size: size, reason: "duplicate", similarity: 1))
      } else {
        decisions.append(
          CorpusDecision(
            ordinal: ordinal, keep: false, cluster: cluster, size: size, reason: "near_duplicate",
            similarity: group.similarity, method: group.exact ? "exact" : "estimate"))
      }
    }
    return (decisions, set.count * 12 + groups.count * MemoryLayout<(UInt32, UInt32, Double, Bool, Bool)>.stride + known.count * 48)
  }

  /// Reads the ids of `indices` (sorted dense indices) from each shard's ids file.
  static func readIDs(_ indices: [Int], set: RecordSet, idPaths: [String]) throws(RunError) -> [Int: String] {
    var wanted: [[(position: Int, index: Int)]] = Array(repeating: [], count: set.files.count)
    for index in indices {
      let (file, position) = set.locate(index)
      let fileIndex = set.files.firstIndex { $0 === file }!  // locate returns one of set.files
      wanted[fileIndex].append((position, index))
    }
    var names: [Int: String] = [:]
    for (fileIndex, list) in wanted.enumerated() where !list.isEmpty {
      let sorted = list.sorted { $0.position < $1.position }
      let path = idPaths[fileIndex]
      let lines = try LineReader(path: path)
      var line = 0
      var next = 0
      while next < sorted.count {
        defer { line += 1 }
        guard line == sorted[next].position else {
          guard try lines.skip() else { throw RunError("'\(path)' has fewer lines than its records file has records") }
          continue
        }
        guard let bytes = try lines.next() else { throw RunError("'\(path)' has fewer lines than its records file has records") }
        guard let tab = bytes.firstIndex(of: 0x09) else { throw RunError("'\(path)':\(line + 1): malformed line") }
        guard let id = JSONLineParser.stringValue(bytes[(tab + 1)...]) else { throw RunError("'\(path)':\(line + 1): malformed id") }
        names[sorted[next].index] = id
        next += 1
      }
    }
    return names
  }
}
