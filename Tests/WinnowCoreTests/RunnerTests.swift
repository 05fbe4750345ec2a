import Foundation
import Testing
import WinnowCore
import WinnowTestSupport

/// Runs a pipeline of fake stages over `directory/in` with `jobs` workers.
func runPipeline(_ directory: TemporaryDirectory, jobs: Int, batch: Int = 3, stages: String = "[decode, keyword_filter]") throws -> RunSummary {
  let file = try directory.write("pipe.yaml", "version: 1\ninput: {path: in}\noutput: {path: out/clean.jsonl}\nstages: \(stages)\n")
  let pipeline = try ConfigLoader(registry: FakeStages.registry).load(file: file)
  return try Runner(pipeline: pipeline, options: RunOptions(jobs: jobs, batchDocuments: batch)).run()
}

@Suite struct RunnerTests {
  @Test func outputIsIdenticalForAnyNumberOfJobs() throws {
    let directory = try TemporaryDirectory()
    for index in 0..<500 {
      let text = index % 7 == 0 ? "spam \(index)" : String(repeating: "문장 \(index) ", count: index % 50 + 1)
      try directory.write(String(format: "in/%03d/doc%04d.txt", index % 13, index), text)
    }
    try directory.write("in/feed.jsonl", (0..<200).map { "{\"id\":\"j\($0)\",\"text\":\"record \($0)\"}" }.joined(separator: "\n"))
    var outputs: [String] = []
    for jobs in [1, 4, 2] {
      let summary = try runPipeline(directory, jobs: jobs, batch: 7)
      #expect(summary.documents == 700)
      #expect(summary.kept + summary.rejected == 700)
      outputs.append(try directory.read("out/clean.jsonl") + "\n--\n" + directory.read("out/clean.rejects.jsonl"))
    }
    #expect(outputs[0] == outputs[1])
    #expect(outputs[0] == outputs[2])
  }

  /// Per-document limits on any stage: too large before it, too slow after it; the run goes on.
  @Test func stageLimitsRejectWithTheStageAndTheLimitNamed() throws {
    let directory = try TemporaryDirectory()
    try directory.write("in/small.txt", "짧은 글")
    try directory.write("in/large.txt", String(repeating: "긴 글 ", count: 100))
    let summary = try runPipeline(
      directory, jobs: 2, stages: "[decode, {keyword_filter: {max_bytes: 100}}, {slow: {microseconds: 3000, timeout_ms: 1}}]")
    #expect(summary.kept == 0)
    let rejects = try readJSONLines(directory.path + "/out/clean.rejects.jsonl")
    let byID = Dictionary(uniqueKeysWithValues: rejects.map { ($0["id"] as! String, $0) })
    #expect(byID["large.txt"]?["stage"] as? String == "keyword_filter")
    #expect(byID["large.txt"]?["reason"] as? String == "too_large")
    #expect((byID["large.txt"]?["detail"] as? String)?.contains("> stages[1].keyword_filter.max_bytes (100)") == true)
    #expect(byID["small.txt"]?["stage"] as? String == "slow")
    #expect(byID["small.txt"]?["reason"] as? String == "timeout")
    #expect((byID["small.txt"]?["detail"] as? String)?.contains("stages[2].slow.timeout_ms (1)") == true)
  }

  @Test func keptRecordsFollowInputOrder() throws {
    let directory = try TemporaryDirectory()
    for index in 0..<60 { try directory.write(String(format: "in/%02d.txt", index), "text \(index)") }
    _ = try runPipeline(directory, jobs: 4, batch: 1)
    let ids = try readJSONLines(directory.path + "/out/clean.jsonl").compactMap { $0["id"] as? String }
    #expect(ids == (0..<60).map { String(format: "%02d.txt", $0) })
  }

  @Test func dropsGoToRejectsWithStageReasonAndOriginalContent() throws {
    let directory = try TemporaryDirectory()
    try directory.write("in/a.txt", "good text")
    try directory.write("in/b.txt", "this is spam")
    try directory.write("in/c.txt", "")
    try directory.write("in/d.jsonl", "{\"id\":\"x\",\"text\":\"more spam\",\"keep\":[1,2]}\nnot json\n")
    let summary = try runPipeline(directory, jobs: 2)
    #expect(summary.kept == 1)
    #expect(summary.rejected == 4)
    let rejects = try readJSONLines(directory.path + "/out/clean.rejects.jsonl")
    #expect(rejects.map { $0["id"] as? String } == ["b.txt", "c.txt", "x", "d.jsonl:2"])
    #expect(rejects.map { $0["stage"] as? String } == ["keyword_filter", "decode", "keyword_filter", "read"])
    #expect(rejects.map { $0["reason"] as? String } == ["keyword", "empty", "keyword", "bad_json"])
    #expect(rejects[0]["text"] as? String == "this is spam")
    #expect(rejects[0]["rule"] as? String == "spam")
    #expect(rejects[2]["keep"] as? [Int] == [1, 2])
    #expect(rejects[3]["text"] as? String == "not json")
    #expect((rejects[3]["source"] as? [String: Any])?["line"] as? Int == 2)
    #expect(summary.stages.map(\.dropped) == [1, 2])
    #expect(summary.stages[1].counters == ["seen": 1])
    #expect(summary.readFailures == ["bad_json": 1])
  }

  @Test func cleanRecordsHaveKeysInFixedOrder() throws {
    let directory = try TemporaryDirectory()
    try directory.write("in/f.jsonl", "{\"z\":1,\"text\":\"본문\",\"source\":\"crawler\",\"url\":\"u\",\"id\":\"r1\",\"title\":\"제목\"}\n")
    _ = try runPipeline(directory, jobs: 1)
    let line = try directory.read("out/clean.jsonl")
    #expect(line == """
      {"id":"r1","text":"본문","title":"제목","url":"u","source":{"path":"f.jsonl","line":1,"format":"jsonl","encoding":"UTF-8"},\
      "sha256":"\(sha256Hex("본문"))","z":1,"input.source":"crawler"}

      """)
  }

  @Test func failedRunLeavesNoFinishedLookingOutput() throws {
    let directory = try TemporaryDirectory()
    for index in 0..<50 { try directory.write("in/\(index).txt", "text \(index)") }
    // The output path is a directory: every record is written to clean.jsonl.partial, then
    // the final rename fails. The run fails and removes what it wrote.
    try FileManager.default.createDirectory(atPath: directory.path + "/out/clean.jsonl", withIntermediateDirectories: true)
    #expect(throws: RunError.self) { try runPipeline(directory, jobs: 2) }
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/out")
    #expect(left == ["clean.jsonl"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/out/clean.jsonl").isEmpty)
  }

  @Test func batchesInFlightStayBoundedWhateverTheCorpusSize() throws {
    // One document per batch and a slow stage: the reader runs ahead until the bound stops
    // it, so the peak reaches the bound and never passes it, for 100 or 300 documents.
    let directory = try TemporaryDirectory()
    for count in [100, 300] {
      for index in 0..<count { try directory.write(String(format: "in/%03d.txt", index), "x") }
      for jobs in [1, 2] {
        let summary = try runPipeline(directory, jobs: jobs, batch: 1, stages: "[decode, {slow: {microseconds: 500}}]")
        #expect(summary.documents == count)
        #expect(summary.maxBatchesInFlight == 3 * jobs)
        #expect(summary.peakBatchesInFlight == summary.maxBatchesInFlight)
      }
    }
  }
}

/// SHA-256 of a string, hex, computed with /usr/bin/sha256sum as an independent check.
func sha256Hex(_ text: String) -> String {
  sha256sum(Data(text.utf8))
}
