import Foundation
import Testing
import WinnowCore
import WinnowTestSupport

/// The manifest is one model (`RunManifest`) for finished and interrupted runs.
@Suite struct ManifestModelTests {
  /// The manifest of a run stopped before its commit: the run's configuration and paths, no
  /// counts or hashes, `written: false` (the keys `winnow run` has always written).
  @Test func interruptedManifestIsTheSameModelWithoutWhatTheRunDidNotDo() throws {
    let directory = try TemporaryDirectory()
    let file = try directory.write("pipe.yaml", "version: 1\ninput: {path: in}\noutput: {path: out/clean.jsonl}\nstages: [decode]\n")
    try directory.write("in/a.txt", "text")
    let pipeline = try ConfigLoader(registry: FakeStages.registry).load(file: file)
    let manifest = Manifest.interrupted(pipeline, command: ["winnow", "run"], tool: ["version": "0"], signal: "SIGINT")
    let path = directory.path + "/stopped.manifest.json"
    try Manifest.write(manifest, to: path)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    #expect(object.keys.sorted() == [
      "command", "config", "config_sha256", "cwd", "finished", "interrupted", "manifest_version", "output", "pipeline_file", "rejects",
      "signal", "winnow",
    ])
    #expect(object["interrupted"] as? Bool == true)
    #expect(object["signal"] as? String == "SIGINT")
    let output = try #require(object["output"] as? [String: Any])
    #expect(output.keys.sorted() == ["path", "written"])
    #expect(output["written"] as? Bool == false)
    #expect(object["config_sha256"] as? String == Manifest.sha256Hex(Manifest.canonicalJSON(Manifest.canonicalConfig(pipeline))))
    #expect(try RunManifest.read(path) == manifest)
  }

  /// A finished run's manifest read back is the model that was written.
  @Test func finishedManifestReadsBackAsWritten() throws {
    let directory = try TemporaryDirectory()
    let file = try directory.write("pipe.yaml", "version: 1\ninput: {path: in}\noutput: {path: out/clean.jsonl}\nstages: [decode, keyword_filter]\n")
    try directory.write("in/a.txt", "kept text")
    try directory.write("in/b.txt", "spam text")
    let pipeline = try ConfigLoader(registry: FakeStages.registry).load(file: file)
    let summary = try Runner(pipeline: pipeline, options: RunOptions(jobs: 2)).run()
    let manifest = try Manifest.build(pipeline: pipeline, summary: summary, command: ["winnow"], tool: ["version": "0"])
    let path = directory.path + "/clean.manifest.json"
    try Manifest.write(manifest, to: path)
    let read = try RunManifest.read(path)
    #expect(read.inputs?.map(\.path).count == 2)
    #expect(read.output.records == summary.kept)
    #expect(read.rejects.records == summary.rejected)
    #expect(read.output.written == nil)
    #expect(read.inputs == manifest.inputs)
    // The same bytes when written again (a whole number of seconds reads back as an integer).
    #expect(try Manifest.prettyJSON(read.jsonValue()) == Manifest.prettyJSON(manifest.jsonValue()))
  }
}
