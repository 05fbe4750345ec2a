import Foundation
import Testing
import WinnowTestSupport

/// `winnow dedup signatures|buckets|clusters|filter` with four shards against one `winnow run`
/// on the same generated corpus: the same documents dropped, the same records written.
@Suite(.serialized) struct ShardedDedupTests {
  /// 360 documents: 150 stories, most with copies (exact, reformatted, lightly and heavily
  /// edited), written as JSONL and as text files so both readers are in play.
  static func corpus(in directory: TemporaryDirectory, jsonlOnly: Bool = false) throws {
    var state: UInt64 = 42
    func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    var words: [String] = []
    for index in 0..<800 {
      var word = ""
      for position in 0..<(2 + index % 3) {
        let offset: Int = (index * 131 + position * 977) % 11172
        word.unicodeScalars.append(Unicode.Scalar(UInt32(0xAC00 + offset))!)
      }
      words.append(word)
    }
    func story() -> [String] { (0..<(120 + Int(next() % 120))).map { _ in words[Int(next() % 800)] } }
    func edit(_ story: [String], every: Int) -> [String] {
      story.enumerated().map { $0.offset % every == every / 2 ? words[Int(next() % 800)] : $0.element }
    }
    var lines: [String] = []
    var ordinal = 0
    for index in 0..<150 {
      let base = story()
      var versions = [base]
      switch index % 5 {
      case 0: versions += [base, edit(base, every: 40)]
      case 1: versions += [edit(base, every: 25), edit(base, every: 8), edit(base, every: 3)]
      case 2: versions += [base]
      case 3: versions += [edit(base, every: 60)]
      default: break
      }
      for (copy, words) in versions.enumerated() {
        let text = words.joined(separator: copy == 1 ? "  " : " ") + "."
        if ordinal % 3 == 0 && !jsonlOnly {
          try directory.write(String(format: "in/files/%03d-%d.txt", index, copy), text)
        } else {
          lines.append("{\"id\":\"s\(index)-\(copy)\",\"text\":\"\(text)\",\"n\":\(ordinal)}")
        }
        ordinal += 1
      }
    }
    try directory.write("in/feed.jsonl", lines.joined(separator: "\n") + "\n")
    try directory.write(
      "p.yaml", "version: 1\ninput: {path: in}\noutput: {path: out/clean.jsonl, rejects: out/rejects.jsonl}\nstages:\n  - decode: {}\n  - dedup: {}\n")
  }

  @Test func fourShardsDropExactlyWhatOneRunDrops() throws {
    let directory = try TemporaryDirectory()
    try Self.corpus(in: directory)
    let single = try runWinnow(["run", "p.yaml", "--quiet", "--jobs", "2"], in: directory.path)
    #expect(single.status == 0, "\(single.stderr)")
    let shards = 4
    for index in 0..<shards {
      let result = try runWinnow(["dedup", "signatures", "p.yaml", "--shard", "\(index)/\(shards)", "--work", "w", "--quiet", "--jobs", "1"], in: directory.path)
      #expect(result.status == 0, "\(result.stderr)")
    }
    let bands = try runWinnow(["dedup", "bands", "p.yaml"], in: directory.path)
    let bandCount = try #require(Int(bands.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(bandCount == 16)
    // Bands in reverse order: the phases do not depend on the order they run in.
    for band in (0..<bandCount).reversed() {
      let result = try runWinnow(["dedup", "buckets", "p.yaml", "--band", "\(band)", "--work", "w", "--quiet"], in: directory.path)
      #expect(result.status == 0, "\(result.stderr)")
    }
    let clusters = try runWinnow(["dedup", "clusters", "p.yaml", "--work", "w"], in: directory.path)
    #expect(clusters.status == 0, "\(clusters.stderr)")
    for index in 0..<shards {
      let result = try runWinnow(["dedup", "filter", "p.yaml", "--shard", "\(index)/\(shards)", "--work", "w", "--quiet"], in: directory.path)
      #expect(result.status == 0, "\(result.stderr)")
    }
    func lines(_ name: String) throws -> [String] {
      try directory.read(name).split(separator: "\n").map(String.init)
    }
    let singleClean = try lines("out/clean.jsonl")
    let singleRejects = try lines("out/rejects.jsonl")
    var shardClean: [String] = []
    var shardRejects: [String] = []
    for index in 0..<shards {
      shardClean += try lines("out/clean-\(index)-of-\(shards).jsonl")
      shardRejects += try lines("out/rejects-\(index)-of-\(shards).jsonl")
    }
    // The corpus really has duplicates of both kinds, and distinct stories are all kept.
    let reasons = try readJSONLines(directory.path + "/out/rejects.jsonl").compactMap { $0["reason"] as? String }
    #expect(reasons.filter { $0 == "duplicate" }.count >= 40)
    #expect(reasons.filter { $0 == "near_duplicate" }.count >= 40)
    let keptStories = Set(try readJSONLines(directory.path + "/out/clean.jsonl").compactMap { record -> String? in
      guard let id = record["id"] as? String else { return nil }
      return id.hasPrefix("s") ? String(id.dropFirst().prefix { $0 != "-" }) : String(id.dropFirst(6).prefix(3)).trimmingPrefixZeros
    })
    #expect(keptStories.count == 150)
    #expect(singleClean.count + singleRejects.count == 360)
    #expect(shardClean.sorted() == singleClean.sorted())
    #expect(shardRejects.sorted() == singleRejects.sorted())
  }

  /// What the Spark driver does: each partition (a contiguous run of the input) is read from
  /// standard input with its records' positions, files and lines in the whole input, and the
  /// phases write the same records as one run.
  @Test func partitionsOnStandardInputWithTheirPositionsDropWhatOneRunDrops() throws {
    let directory = try TemporaryDirectory()
    try Self.corpus(in: directory, jsonlOnly: true)
    let single = try runWinnow(["run", "p.yaml", "--quiet"], in: directory.path)
    #expect(single.status == 0, "\(single.stderr)")
    let lines = try directory.read("in/feed.jsonl").split(separator: "\n").map(String.init)
    #expect(lines.count == 360)
    // Uneven partitions, as a Spark job's are.
    let bounds = [0, 50, 200, 360]
    for index in 0..<3 {
      let partition = (bounds[index]..<bounds[index + 1]).map { "\($0)\tfeed.jsonl\t\($0 + 1)\t" + lines[$0] }
      let result = try runWinnow(
        ["dedup", "signatures", "p.yaml", "--input", "-", "--positioned", "--shard", "\(index)/3", "--work", "w", "--quiet",
         "--summary-json", "s\(index).json"],
        in: directory.path, input: Array((partition.joined(separator: "\n") + "\n").utf8))
      #expect(result.status == 0, "\(result.stderr)")
    }
    for band in 0..<16 {
      #expect(try runWinnow(["dedup", "buckets", "p.yaml", "--band", "\(band)", "--work", "w", "--quiet"], in: directory.path).status == 0)
    }
    #expect(try runWinnow(["dedup", "clusters", "p.yaml", "--work", "w", "--quiet"], in: directory.path).status == 0)
    for index in 0..<3 {
      #expect(try runWinnow(["dedup", "filter", "p.yaml", "--shard", "\(index)/3", "--work", "w", "--quiet"], in: directory.path).status == 0)
    }
    // The same records, byte for byte, source and line included.
    var clean: [String] = []
    var rejects: [String] = []
    for index in 0..<3 {
      clean += try directory.read("out/clean-\(index)-of-3.jsonl").split(separator: "\n").map(String.init)
      rejects += try directory.read("out/rejects-\(index)-of-3.jsonl").split(separator: "\n").map(String.init)
    }
    let singleClean = try directory.read("out/clean.jsonl").split(separator: "\n").map(String.init)
    let singleRejects = try directory.read("out/rejects.jsonl").split(separator: "\n").map(String.init)
    #expect(singleRejects.count >= 80)
    #expect(clean.sorted() == singleClean.sorted())
    #expect(rejects.sorted() == singleRejects.sorted())
    let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/s1.json"))) as? [String: Any])
    #expect(summary["documents"] as? Int == 150)

    // Buckets made elsewhere (as the Spark driver makes them) from `keys`, handed back with
    // `pairs`: the same decisions as `buckets` gave.
    let decisions = try directory.read("w/decisions.jsonl")
    var buckets: [String: [UInt64]] = [:]
    for index in 0..<3 {
      let keys = try runWinnow(["dedup", "keys", "p.yaml", "--shard", "\(index)/3", "--work", "w", "--quiet"], in: directory.path)
      #expect(keys.status == 0, "\(keys.stderr)")
      for line in keys.stdout.split(separator: "\n") {
        let fields = line.split(separator: "\t")
        try #require(fields.count == 3)
        buckets[fields[0] + "\t" + fields[1], default: []].append(try #require(UInt64(fields[2])))
      }
    }
    var pairs: [Int: [String]] = [:]
    for (key, members) in buckets where members.count > 1 {
      let band = try #require(Int(key.split(separator: "\t")[0]))
      let sorted = members.sorted()
      for index in 1..<sorted.count {
        pairs[band, default: []].append("\(sorted[0])\t\(sorted[index])")
        if index > 1 { pairs[band, default: []].append("\(sorted[index - 1])\t\(sorted[index])") }
      }
    }
    #expect(pairs.count == 16)
    for band in 0..<16 {
      let text = (pairs[band] ?? []).map { $0 + "\n" }.joined()
      let result = try runWinnow(["dedup", "pairs", "p.yaml", "--band", "\(band)", "--work", "w", "--quiet"], in: directory.path, input: Array(text.utf8))
      #expect(result.status == 0, "\(result.stderr)")
    }
    #expect(try runWinnow(["dedup", "clusters", "p.yaml", "--work", "w", "--quiet"], in: directory.path).status == 0)
    #expect(try directory.read("w/decisions.jsonl") == decisions)

    // The same keys as columns (`--columns`, what the Spark driver reads), and every band's
    // pairs in one `pairs` without --band: the same decisions again.
    var columnKeys: [String] = []
    var textKeys: [String] = []
    var exactRows = 0
    var exactLines = 0
    for index in 0..<3 {
      let text = try runWinnow(["dedup", "keys", "p.yaml", "--shard", "\(index)/3", "--work", "w", "--quiet"], in: directory.path)
      textKeys += text.stdout.split(separator: "\n").map(String.init)
      let withExact = try runWinnow(["dedup", "keys", "p.yaml", "--shard", "\(index)/3", "--work", "w", "--quiet", "--with-exact"], in: directory.path)
      exactLines += withExact.stdout.split(separator: "\n").filter { $0.hasPrefix("x\t") }.count
      let binary = try runWinnow(["dedup", "keys", "p.yaml", "--shard", "\(index)/3", "--work", "w", "--quiet", "--columns", "--with-exact"],
                                 in: directory.path)
      #expect(binary.status == 0)
      var at = 0
      func load<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
        binary.stdoutBytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
      }
      while at < binary.stdoutBytes.count {
        let n = Int(load(at, UInt64.self))
        for row in 0..<n {
          let key = load(at + 8 + 8 * row, UInt64.self)
          let ordinal = load(at + 8 + 8 * n + 8 * row, UInt64.self)
          let band = load(at + 8 + 16 * n + 4 * row, Int32.self)
          if band < 0 { exactRows += 1 } else { columnKeys.append("\(band)\t\(key)\t\(ordinal)") }
        }
        at += 8 + 20 * n + (n % 2 == 1 ? 4 : 0)
      }
      #expect(at == binary.stdoutBytes.count)
    }
    #expect(columnKeys.sorted() == textKeys.sorted())
    #expect(exactRows == exactLines && exactRows > 0)
    let everyBand = pairs.sorted { $0.key < $1.key }.flatMap { band, lines in lines.map { "\(band)\t\($0)\n" } }.joined()
    let together = try runWinnow(["dedup", "pairs", "p.yaml", "--work", "w", "--quiet"], in: directory.path, input: Array(everyBand.utf8))
    #expect(together.status == 0, "\(together.stderr)")
    #expect(try runWinnow(["dedup", "clusters", "p.yaml", "--work", "w", "--quiet"], in: directory.path).status == 0)
    #expect(try directory.read("w/decisions.jsonl") == decisions)
    let outOfRange = try runWinnow(["dedup", "pairs", "p.yaml", "--work", "w", "--quiet"], in: directory.path, input: Array("3\t1\t2\n16\t1\t2\n".utf8))
    #expect(outOfRange.status != 0)
    #expect(outOfRange.stderr.contains("pairs line 2: band 16 is out of range"))

    // Components found elsewhere (the exact copies' keys joining too), each group of them
    // decided on its own from `subset`'s files: together, the same decisions again.
    var parent: [UInt64: UInt64] = [:]
    func root(_ x: UInt64) -> UInt64 {
      var x = x
      while let up = parent[x], up != x { x = up }
      return x
    }
    var exact: [String: [UInt64]] = [:]
    for index in 0..<3 {
      let keys = try runWinnow(["dedup", "keys", "p.yaml", "--shard", "\(index)/3", "--work", "w", "--quiet", "--with-exact"], in: directory.path)
      for line in keys.stdout.split(separator: "\n") where line.hasPrefix("x\t") {
        let fields = line.split(separator: "\t")
        exact[String(fields[1]), default: []].append(try #require(UInt64(fields[2])))
      }
    }
    let allPairs = pairs.values.flatMap { $0 }.map { line -> (UInt64, UInt64) in
      let fields = line.split(separator: "\t")
      return (UInt64(fields[0])!, UInt64(fields[1])!)
    } + exact.values.flatMap { members in members.dropFirst().map { (members[0], $0) } }
    for (a, b) in allPairs {
      parent[a] = parent[a] ?? a
      parent[b] = parent[b] ?? b
      let (ra, rb) = (root(a), root(b))
      if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
    }
    let group = Dictionary(uniqueKeysWithValues: parent.keys.map { ($0, Int(root($0) % 2)) })
    let groupsText = group.map { "\($0.key)\t\($0.value)\n" }.joined()
    for index in 0..<3 {
      let result = try runWinnow(["dedup", "subset", "p.yaml", "--shard", "\(index)/3", "--work", "w", "--count", "2", "--out", "g", "--quiet"],
                                 in: directory.path, input: Array(groupsText.utf8))
      #expect(result.status == 0, "\(result.stderr)")
    }
    var merged: [String] = []
    for g in 0..<2 {
      for band in 0..<16 {
        let text = (pairs[band] ?? []).filter { group[UInt64($0.split(separator: "\t")[0])!] == g }.map { $0 + "\n" }.joined()
        #expect(try runWinnow(["dedup", "pairs", "p.yaml", "--band", "\(band)", "--work", "g/\(g)", "--quiet"], in: directory.path, input: Array(text.utf8)).status == 0)
      }
      #expect(try runWinnow(["dedup", "clusters", "p.yaml", "--work", "g/\(g)", "--quiet"], in: directory.path).status == 0)
      merged += try directory.read("g/\(g)/decisions.jsonl").split(separator: "\n").map(String.init)
    }
    func position(_ line: String) -> Int { Int(line.dropFirst(#"{"ordinal":"#.count).prefix { $0 != "," })! }
    #expect(merged.sorted { position($0) < position($1) }.map { $0 + "\n" }.joined() == decisions)
  }

  @Test func phasesRefuseIncompleteOrMismatchedWork() throws {
    let directory = try TemporaryDirectory()
    try Self.corpus(in: directory)
    for index in [0, 2] {
      _ = try runWinnow(["dedup", "signatures", "p.yaml", "--shard", "\(index)/3", "--work", "w", "--quiet"], in: directory.path)
    }
    let missing = try runWinnow(["dedup", "buckets", "p.yaml", "--band", "0", "--work", "w"], in: directory.path)
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("missing the records of shard 1/3"), "\(missing.stderr)")
    _ = try runWinnow(["dedup", "signatures", "p.yaml", "--shard", "1/3", "--work", "w", "--quiet"], in: directory.path)
    try directory.write(
      "q.yaml", "version: 1\ninput: {path: in}\noutput: {path: out/clean.jsonl}\nstages:\n  - decode: {}\n  - dedup: {perms: 64}\n")
    let mismatch = try runWinnow(["dedup", "buckets", "q.yaml", "--band", "0", "--work", "w"], in: directory.path)
    #expect(mismatch.status == 1)
    #expect(mismatch.stderr.contains("other dedup settings"), "\(mismatch.stderr)")
    let noPairs = try runWinnow(["dedup", "clusters", "p.yaml", "--work", "w"], in: directory.path)
    #expect(noPairs.status == 1)
    #expect(noPairs.stderr.contains("missing the pairs of band 0"), "\(noPairs.stderr)")
    let badShard = try runWinnow(["dedup", "filter", "p.yaml", "--shard", "3/3", "--work", "w"], in: directory.path)
    #expect(badShard.status == 2)

    // A work directory used again: pairs and decisions older than the records are refused.
    for band in 0..<16 {
      _ = try runWinnow(["dedup", "buckets", "p.yaml", "--band", "\(band)", "--work", "w", "--quiet"], in: directory.path)
    }
    #expect(try runWinnow(["dedup", "clusters", "p.yaml", "--work", "w", "--quiet"], in: directory.path).status == 0)
    Thread.sleep(forTimeInterval: 1.1)
    _ = try runWinnow(["dedup", "signatures", "p.yaml", "--shard", "1/3", "--work", "w", "--quiet"], in: directory.path)
    let staleDecisions = try runWinnow(["dedup", "filter", "p.yaml", "--shard", "1/3", "--work", "w"], in: directory.path)
    #expect(staleDecisions.status == 1)
    #expect(staleDecisions.stderr.contains("decisions.jsonl' is older than the records"), "\(staleDecisions.stderr)")
    let stalePairs = try runWinnow(["dedup", "clusters", "p.yaml", "--work", "w"], in: directory.path)
    #expect(stalePairs.status == 1)
    #expect(stalePairs.stderr.contains("is older than the records"), "\(stalePairs.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.path + "/w/decisions.jsonl"))
  }
}

extension String {
  var trimmingPrefixZeros: String {
    let trimmed = drop { $0 == "0" }
    return trimmed.isEmpty ? "0" : String(trimmed)
  }
}
