import Foundation
import Testing
import WinnowTestSupport

/// Plugin stages end to end: exec programs, Swift plugin libraries and rule stages, each
/// through the built binary.
@Suite(.serialized) struct PluginTests {
  let root = packageRoot()

  /// A JSONL input of documents with these ids (text: a sentence naming the id).
  func input(_ directory: TemporaryDirectory, ids: [String]) throws -> String {
    let lines = ids.map { #"{"id":"\#($0)","text":"문서 \#($0)의 본문입니다. 두 번째 문장입니다.","site":"s"}"# }
    return try directory.write("in/docs.jsonl", lines.joined(separator: "\n") + "\n")
  }

  func pipeline(_ directory: TemporaryDirectory, stages: String, extra: String = "") throws -> String {
    try directory.write("pipeline.yaml", """
      version: 1
      \(extra)
      input: {path: in}
      output: {path: out/clean.jsonl}
      stages:
        - decode: {}
      \(stages)
      """)
  }

  func byID(_ records: [[String: Any]]) -> [String: [String: Any]] {
    Dictionary(uniqueKeysWithValues: records.map { ($0["id"] as? String ?? "", $0) })
  }

  // MARK: exec

  @Test func execStageChangesTextAddsFieldsAndRejectsFaultsWithoutStopping() throws {
    let directory = try TemporaryDirectory()
    let ids = ["ok-1", "upper-a", "crash-1", "ok-2", "garbage-1", "ok-3", "swap-1", "hang-1", "ok-4"]
    try input(directory, ids: ids)
    let faulty = root + "/Tests/winnowTests/Fixtures/plugins/faulty.py"
    let file = try pipeline(directory, stages: "  - exec: {command: [python3, '\(faulty)'], name: faulty, timeout_ms: 1500}")
    let started = Date()
    let result = try runWinnow(["run", file, "--jobs", "1"])
    #expect(result.status == 0, "\(result.stderr)")
    // The hung program is killed at its timeout, not waited for (it sleeps 60 s).
    #expect(Date().timeIntervalSince(started) < 30)
    let clean = byID(try readJSONLines(directory.path + "/out/clean.jsonl"))
    let rejects = byID(try readJSONLines(directory.path + "/out/clean.rejects.jsonl"))
    #expect(clean.keys.sorted() == ["ok-1", "ok-2", "ok-3", "ok-4", "upper-a"])
    #expect(clean["ok-1"]?["seen_by"] as? String == "faulty")
    #expect(clean["ok-1"]?["site"] as? String == "s")
    #expect(clean["upper-a"]?["text"] as? String == "문서 UPPER-A의 본문입니다. 두 번째 문장입니다.")
    // Each fault is the document's reject, with the stage's name, the id and what came back.
    #expect(rejects["crash-1"]?["reason"] as? String == "plugin_crash")
    #expect(rejects["crash-1"]?["stage"] as? String == "faulty")
    #expect((rejects["crash-1"]?["detail"] as? String ?? "").contains("plugin 'faulty' on document 'crash-1': exited with status 3"))
    #expect(rejects["garbage-1"]?["reason"] as? String == "plugin_error")
    #expect((rejects["garbage-1"]?["detail"] as? String ?? "").contains("not a JSON object"))
    #expect((rejects["garbage-1"]?["detail"] as? String ?? "").contains("this is not json"))
    #expect(rejects["swap-1"]?["reason"] as? String == "plugin_error")
    #expect((rejects["swap-1"]?["detail"] as? String ?? "").contains("answered for document 'someone-else' when the answer for 'swap-1' was due"))
    #expect(rejects["hang-1"]?["reason"] as? String == "timeout")
    #expect((rejects["hang-1"]?["detail"] as? String ?? "").contains("within timeout_ms (1500)"))
    // The rejected documents keep their original text.
    #expect(rejects["crash-1"]?["text"] as? String == "문서 crash-1의 본문입니다. 두 번째 문장입니다.")
    #expect(result.stderr.contains("restarting it (4 of max_restarts 10)"))
    let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/out/clean.manifest.json"))) as? [String: Any])
    let counts = try #require(manifest["counts"] as? [String: Any])
    let stages = try #require(counts["stages"] as? [[String: Any]])
    #expect(stages.map { $0["name"] as? String } == ["decode", "faulty"])
    #expect(stages.last?["dropped_by_reason"] as? [String: Int] == ["plugin_crash": 1, "plugin_error": 2, "timeout": 1])
  }

  @Test func execStageStopsTheRunAfterMaxRestarts() throws {
    let directory = try TemporaryDirectory()
    try input(directory, ids: (0..<20).map { "crash-\($0)" })
    let faulty = root + "/Tests/winnowTests/Fixtures/plugins/faulty.py"
    let file = try pipeline(directory, stages: "  - exec: {command: [python3, '\(faulty)'], name: faulty, max_restarts: 2}")
    let result = try runWinnow(["run", file, "--jobs", "1"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("stages[1] 'faulty': plugin 'faulty' failed 3 times (max_restarts: 2)"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.path + "/out/clean.jsonl"))
  }

  @Test func execStageOutputIsTheSameWithAnyNumberOfWorkers() throws {
    let directory = try TemporaryDirectory()
    try input(directory, ids: (0..<500).map { $0 % 7 == 0 ? "upper-\($0)" : "ok-\($0)" })
    let faulty = root + "/Tests/winnowTests/Fixtures/plugins/faulty.py"
    let file = try pipeline(directory, stages: "  - exec: {command: [python3, '\(faulty)'], name: faulty}")
    var hashes: [String] = []
    for jobs in ["1", "4"] {
      let output = directory.path + "/out-\(jobs).jsonl"
      let result = try runWinnow(["run", file, "--jobs", jobs, "--output", output])
      #expect(result.status == 0, "\(result.stderr)")
      hashes.append(sha256sum(try Data(contentsOf: URL(fileURLWithPath: output))))
    }
    #expect(hashes[0] == hashes[1])
    #expect(try readJSONLines(directory.path + "/out-1.jsonl").count == 500)
  }

  @Test func theDocumentedExecExamplesRunOnTheSamples() throws {
    let directory = try TemporaryDirectory()
    let output = directory.path + "/exec.jsonl"
    let result = try runWinnow(["run", "Examples/exec.yaml", "--output", output], in: root)
    #expect(result.status == 0, "\(result.stderr)")
    let clean = try readJSONLines(output)
    #expect(clean.count > 10)
    for record in clean {
      let text = try #require(record["text"] as? String)
      // toxicity.py adds its score; min-length.sh (jq) the length, and drops short texts.
      #expect(record["toxicity"] is NSNumber)
      #expect((record["chars"] as? Int) == text.count)
      #expect(text.count >= 200)
    }
    let rejects = try readJSONLines(directory.path + "/exec.rejects.jsonl")
    #expect(rejects.contains { $0["stage"] as? String == "min_length" && $0["reason"] as? String == "too_short" })
  }

  @Test func execStageConfigErrorsNameTheKey() throws {
    let directory = try TemporaryDirectory()
    try input(directory, ids: ["a"])
    let missing = try pipeline(directory, stages: "  - exec: {command: [no-such-program-here], name: x}")
    var result = try runWinnow(["run", missing])
    #expect(result.status == 2)
    #expect(result.stderr.contains("pipeline.yaml:7:"))
    #expect(result.stderr.contains("[stages[1].exec.command[0]] program 'no-such-program-here' not found or not executable on PATH"))
    let empty = try pipeline(directory, stages: "  - exec: {name: x}")
    result = try runWinnow(["validate", empty])
    #expect(result.status == 2)
    #expect(result.stderr.contains("'command' is required"))
  }
}
