import Foundation
import Testing
import WinnowTestSupport

/// `manifest.json` and `winnow verify`: reproducible runs, checked.
@Suite(.serialized) struct ManifestTests {
  let root = packageRoot()

  func manifest(_ path: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
  }

  func copySamples(to directory: TemporaryDirectory) throws {
    for name in try FileManager.default.contentsOfDirectory(atPath: root + "/samples") {
      try FileManager.default.copyItem(atPath: root + "/samples/" + name, toPath: directory.path + "/in/" + name)
    }
  }

  @Test func runsWriteAManifestThatTwoRunsAndAnyJobsAgreeOn() throws {
    let directory = try TemporaryDirectory()
    try FileManager.default.createDirectory(atPath: directory.path + "/in", withIntermediateDirectories: true)
    try copySamples(to: directory)
    var outputs: [String: String] = [:]
    for (name, jobs) in [("a", "1"), ("b", "4"), ("c", "1")] {
      let result = try runWinnow(
        ["run", "pipelines/ko-news.yaml", "--input", directory.path + "/in", "--output", directory.path + "/\(name).jsonl",
         "--jobs", jobs, "--quiet"], in: root)
      #expect(result.status == 0, "\(result.stderr)")
      let m = try manifest(directory.path + "/\(name).manifest.json")
      let output = try #require(m["output"] as? [String: Any])
      outputs[name] = output["sha256"] as? String
      // The recorded hash is the file's.
      let bytes = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/\(name).jsonl"))
      #expect(output["sha256"] as? String == sha256sum(bytes))
      let tool = try #require(m["winnow"] as? [String: String])
      #expect(tool["icu"]?.hasPrefix("7") == true && tool["libxml2"]?.hasPrefix("2.") == true && tool["version"] != nil)
      #expect((m["inputs"] as? [[String: Any]])?.count == 21)
      #expect((m["config_sha256"] as? String)?.count == 64)
      #expect((m["seeds"] as? [String: Any])?["stages[8].dedup.seed"] as? Int == 1)
      let counts = try #require(m["counts"] as? [String: Any])
      #expect(counts["documents"] as? Int == 26)
      let stages = try #require(counts["stages"] as? [[String: Any]])
      #expect(stages.map { $0["name"] as? String } == ["decode", "html", "normalize", "boilerplate", "spam", "metadata", "quality", "pii", "dedup"])
      let boilerplate = try #require(stages[3]["counters"] as? [String: Int])
      #expect(boilerplate["rule:weather"] == 112)
      #expect(m["interrupted"] as? Bool == false)
    }
    #expect(outputs["a"] == outputs["b"])
    #expect(outputs["a"] == outputs["c"])
    // One changed input byte (a digit in the body, "28일부터" → "29일부터"): its hash and the
    // output's change.
    let path = directory.path + "/in/crlf-heat-shelters.txt"
    var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    let marker = Data("28일부터".utf8)
    let found = try #require(bytes.range(of: marker))
    bytes[found.lowerBound + 1] = UInt8(ascii: "9")
    try bytes.write(to: URL(fileURLWithPath: path))
    let changed = try runWinnow(
      ["run", "pipelines/ko-news.yaml", "--input", directory.path + "/in", "--output", directory.path + "/d.jsonl", "--quiet"], in: root)
    #expect(changed.status == 0)
    let before = try manifest(directory.path + "/a.manifest.json")
    let after = try manifest(directory.path + "/d.manifest.json")
    func inputHash(_ m: [String: Any]) -> String? {
      (m["inputs"] as? [[String: Any]])?.first { ($0["path"] as? String)?.hasSuffix("crlf-heat-shelters.txt") == true }?["sha256"] as? String
    }
    #expect(inputHash(before) != nil && inputHash(before) != inputHash(after))
    #expect((before["output"] as? [String: Any])?["sha256"] as? String != (after["output"] as? [String: Any])?["sha256"] as? String)
    #expect(before["config_sha256"] as? String == after["config_sha256"] as? String)
  }

  @Test func verifyPassesOnAnUntouchedRunAndNamesWhatChanged() throws {
    let directory = try TemporaryDirectory()
    try FileManager.default.createDirectory(atPath: directory.path + "/in", withIntermediateDirectories: true)
    try copySamples(to: directory)
    let out = directory.path + "/clean.jsonl"
    let run = try runWinnow(["run", "pipelines/ko-news.yaml", "--input", directory.path + "/in", "--output", out, "--quiet"], in: root)
    #expect(run.status == 0)
    let manifestPath = directory.path + "/clean.manifest.json"
    let ok = try runWinnow(["verify", manifestPath], in: "/")
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stdout.contains("identical: 20 records"))

    // The recorded output says something else for the third record (as if last year's binary
    // had written it): verify names that record.
    var lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
    lines[2] = lines[2].replacingOccurrences(of: "\"text\":\"", with: "\"text\":\"X")
    let tampered = lines.joined(separator: "\n") + "\n"
    try tampered.write(toFile: out, atomically: true, encoding: .utf8)
    var m = try manifest(manifestPath)
    var output = try #require(m["output"] as? [String: Any])
    output["sha256"] = sha256sum(Data(tampered.utf8))
    m["output"] = output
    try JSONSerialization.data(withJSONObject: m).write(to: URL(fileURLWithPath: manifestPath))
    let differs = try runWinnow(["verify", manifestPath], in: root)
    #expect(differs.status == 1)
    let third = try #require(try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any])["id"] as? String
    #expect(differs.stderr.contains("first difference at record 3: recorded '\(third ?? "")'"), "\(differs.stderr)")

    // An input changed since the run: verify says which, before running anything.
    try "바뀐 입력".write(toFile: directory.path + "/in/feed.jsonl", atomically: true, encoding: .utf8)
    let input = try runWinnow(["verify", manifestPath], in: root)
    #expect(input.status == 1)
    #expect(input.stderr.contains("input '\(directory.path)/in/feed.jsonl' changed"), "\(input.stderr)")
  }
}
