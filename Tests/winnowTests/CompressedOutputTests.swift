import Foundation
import Testing
import WinnowTestSupport

/// `.jsonl.gz` and `.jsonl.zst` output, and numbered shards (`output.max_bytes`,
/// `output.max_records`), end to end through the binary; decompressed by gzip(1) and zstd(1).
@Suite(.serialized) struct CompressedOutputTests {
  let root = packageRoot()

  func pipeline(_ directory: TemporaryDirectory, output: String, extra: String = "") throws {
    _ = try directory.write(
      "p.yaml",
      "version: 1\ninput: {path: \(root)/samples}\noutput: {path: out/\(output)\(extra)}\nstages:\n  - decode: {}\n  - normalize: {}\n  - quality: {min_chars: 300}\n  - dedup: {}\n"
        + "gates: {min_documents: 5, max_drop_ratio: 0.9, max_near_duplicate_ratio: 0.5}\n")
  }

  func manifest(_ path: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
  }

  /// `tool -dc FILE…` (gzip or zstd) as bytes.
  func decompress(_ tool: String, _ paths: [String]) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/" + tool)
    process.arguments = ["-dc"] + paths
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(tool) -dc \(paths)")
    return data
  }

  func data(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

  /// The plain run's output and rejects, the reference for the others.
  func plainRun() throws -> (output: Data, rejects: Data) {
    let directory = try TemporaryDirectory()
    try pipeline(directory, output: "clean.jsonl")
    let result = try runWinnow(["run", "p.yaml", "--quiet"], in: directory.path)
    #expect(result.status == 0, "\(result.stderr)")
    return (try data(directory.path + "/out/clean.jsonl"), try data(directory.path + "/out/clean.rejects.jsonl"))
  }

  @Test func gzipAndZstdOutputHoldThePlainRecords() throws {
    let plain = try plainRun()
    #expect(plain.output.count > 1000 && plain.rejects.count > 50)
    for (suffix, tool) in [("gz", "gzip"), ("zst", "zstd")] {
      let directory = try TemporaryDirectory()
      try pipeline(directory, output: "clean.jsonl.\(suffix)")
      let result = try runWinnow(["run", "p.yaml", "--quiet"], in: directory.path)
      #expect(result.status == 0, "\(result.stderr)")
      let output = directory.path + "/out/clean.jsonl.\(suffix)"
      let rejects = directory.path + "/out/clean.rejects.jsonl.\(suffix)"
      #expect(try decompress(tool, [output]) == plain.output)
      #expect(try decompress(tool, [rejects]) == plain.rejects)
      #expect(try data(output).count < plain.output.count / 2)
      // The manifest: sha256 is the JSONL's (the plain run's), each file has its own.
      let m = try manifest(directory.path + "/out/clean.manifest.json")
      let section = try #require(m["output"] as? [String: Any])
      #expect(section["sha256"] as? String == sha256sum(plain.output))
      let shards = try #require(section["shards"] as? [[String: Any]])
      #expect(shards.count == 1)
      #expect(shards.first?["path"] as? String == "out/clean.jsonl.\(suffix)")
      #expect(shards.first?["sha256"] as? String == sha256sum(try data(output)))
      #expect(shards.first?["bytes"] as? Int == (try data(output)).count)
      #expect((m["rejects"] as? [String: Any])?["shards"] != nil)
      // Read back by check and verify.
      let check = try runWinnow(["check", "out/clean.jsonl.\(suffix)", "--gates", "p.yaml", "--manifest", "out/clean.manifest.json"], in: directory.path)
      #expect(check.status == 0, "\(check.stderr)")
      #expect(check.stderr.contains("valid_text"))
      let verify = try runWinnow(["verify", "out/clean.manifest.json"], in: directory.path)
      #expect(verify.status == 0, "\(verify.stderr)")
      // Read back as the input of another run: the same records.
      _ = try directory.write("again.yaml", "version: 1\ninput: {path: out/clean.jsonl.\(suffix)}\noutput: {path: again/clean.jsonl}\nstages:\n  - decode: {}\n")
      let again = try runWinnow(["run", "again.yaml", "--quiet"], in: directory.path)
      #expect(again.status == 0, "\(again.stderr)")
      let ids = { (data: Data) in try data.split(separator: 0x0A).map { try #require(JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])["id"] as? String } }
      #expect(try ids(try data(directory.path + "/again/clean.jsonl")) == (try ids(plain.output)))
      // Written twice, the same bytes (no time or name in the gzip header).
      let first = try data(output)
      #expect(try runWinnow(["run", "p.yaml", "--quiet", "--jobs", "1"], in: directory.path).status == 0)
      #expect(try data(output) == first)
    }
  }

  @Test func recordLimitWritesNumberedShardsListedInTheManifest() throws {
    let plain = try plainRun()
    let directory = try TemporaryDirectory()
    try pipeline(directory, output: "clean.jsonl.zst", extra: ", max_records: 3")
    // A shard of an earlier, longer run: removed, it is not part of this output.
    _ = try directory.write("out/clean-00099.jsonl.zst", "old")
    let result = try runWinnow(["run", "p.yaml", "--quiet"], in: directory.path)
    #expect(result.status == 0, "\(result.stderr)")
    let records = plain.output.split(separator: 0x0A).count
    let expected = (records + 2) / 3
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/out").filter { $0.hasPrefix("clean-") }.sorted()
    #expect(names == (0..<expected).map { String(format: "clean-%05d.jsonl.zst", $0) })
    #expect(!FileManager.default.fileExists(atPath: directory.path + "/out/clean.jsonl.zst"))
    var joined = Data()
    for (index, name) in names.enumerated() {
      let shard = try decompress("zstd", [directory.path + "/out/" + name])
      #expect(shard.split(separator: 0x0A).count == (index == names.count - 1 ? records - 3 * (expected - 1) : 3))
      joined += shard
    }
    #expect(joined == plain.output)
    // Rejects: sharded by the same limit.
    let rejectShards = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/out").filter { $0.hasPrefix("clean.rejects-") }.sorted()
    #expect(try decompress("zstd", rejectShards.map { directory.path + "/out/" + $0 }) == plain.rejects)
    let m = try manifest(directory.path + "/out/clean.manifest.json")
    let section = try #require(m["output"] as? [String: Any])
    let shards = try #require(section["shards"] as? [[String: Any]])
    #expect(shards.map { $0["path"] as? String } == names.map { "out/" + $0 })
    for shard in shards {
      #expect(shard["sha256"] as? String == sha256sum(try data(directory.path + "/" + (shard["path"] as! String))))
    }
    #expect(shards.map { $0["records"] as? Int ?? 0 }.reduce(0, +) == records)
    // check reads every shard by the output's path, and by the manifest.
    let byPath = try runWinnow(["check", "out/clean.jsonl.zst", "--json"], in: directory.path)
    #expect(byPath.status == 0, "\(byPath.stderr)")
    let byManifest = try runWinnow(["check", "out/clean.jsonl.zst", "--manifest", "out/clean.manifest.json", "--gates", "p.yaml", "--json"], in: directory.path)
    #expect(byManifest.status == 0, "\(byManifest.stderr)")
    let verify = try runWinnow(["verify", "out/clean.manifest.json"], in: directory.path)
    #expect(verify.status == 0, "\(verify.stderr)")
    #expect(verify.stdout.contains("in \(expected) shards"))
  }

  @Test func byteLimitEndsAShardBeforeTheRecordThatWouldPassIt() throws {
    let plain = try plainRun()
    let lines = plain.output.split(separator: 0x0A).map { $0.count + 1 }
    let limit = 6000
    let directory = try TemporaryDirectory()
    try pipeline(directory, output: "clean.jsonl", extra: ", max_bytes: \(limit)")
    let result = try runWinnow(["run", "p.yaml", "--quiet"], in: directory.path)
    #expect(result.status == 0, "\(result.stderr)")
    // The split the rule gives, computed here from the plain output's line lengths.
    var expected: [Int] = []
    var size = 0
    for length in lines {
      if size > 0 && size + length > limit {
        expected.append(size)
        size = 0
      }
      size += length
    }
    expected.append(size)
    let shards = OutputLayoutNames.shards(directory.path + "/out", prefix: "clean-")
    #expect(try shards.map { try data($0).count } == expected)
    #expect(expected.count > 1)
    #expect(try shards.map { try data($0) }.reduce(Data(), +) == plain.output)
    // A record longer than the limit gets a shard of its own.
    #expect(lines.contains { $0 > limit } == expected.contains { $0 > limit })
  }

  @Test func shardLimitsAreValidated() throws {
    let directory = try TemporaryDirectory()
    try pipeline(directory, output: "clean.jsonl", extra: ", max_records: 0, max_bytes: lots")
    let result = try runWinnow(["validate", "p.yaml"], in: directory.path)
    #expect(result.status == 2)
    #expect(result.stderr.contains("p.yaml:3:") && result.stderr.contains("[output.max_records] expected a whole number ≥ 1, got '0'"))
    #expect(result.stderr.contains("[output.max_bytes] expected a whole number ≥ 1"))
  }
}

enum OutputLayoutNames {
  static func shards(_ directory: String, prefix: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix(prefix) }.sorted().map { directory + "/" + $0 }
  }
}
