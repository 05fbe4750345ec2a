import ArgumentParser
import Foundation
import WinnowCore
import WinnowStages

/// `winnow check FILE.jsonl --gates G.yaml`: data-quality gates over any clean JSONL, for CI.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Check data-quality gates on a JSONL file (exit 0: all pass, 1: a gate failed, 2: bad gates file or usage).",
    discussion: """
      The gates file is a mapping of gates (or a pipeline file: its 'gates:' section is used); 'winnow stages' \
      does not list gates: see README.md ("Quality gates"). Drop-ratio gates need the run's counts: --manifest.
      """)

  @Argument(help: "The JSONL file to check (one JSON object per line with id and text; .jsonl.gz and .jsonl.zst too). Several files are checked as one output; a sharded output's path (or --manifest's output) reads its shards.")
  var files: [String]

  @Option(name: .long, help: "Gates file (YAML). Without it: the default gates (valid, non-empty NFC text).")
  var gates: String?

  @Option(name: .long, help: "The run's manifest, for the drop-ratio gates.")
  var manifest: String?

  @Flag(name: .long, help: "Print the results as JSON on stdout.")
  var json = false

  @Option(name: .long, help: "Also write JUnit XML (one test case per gate) to this file.")
  var junit: String?

  func run() throws {
    let settings: GateSettings
    if let gates {
      settings = try ConfigLoader(registry: BuiltinStages.registry).loadGates(file: gates)
    } else {
      settings = GateSettings(options: StageOptions.defaults(for: GateSpecs.options), configured: [], baseDirectory: ".")
    }
    var counts: GateCounts?
    var read = files
    if let manifest {
      guard let data = FileManager.default.contents(atPath: manifest),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let recorded = object["counts"] as? [String: Any], let documents = recorded["documents"] as? Int,
        let rejected = recorded["rejected"] as? Int, let stages = recorded["stages"] as? [[String: Any]]
      else { throw ValidationError("'\(manifest)' is not a winnow manifest with counts") }
      counts = GateCounts(
        documents: documents, rejected: rejected,
        stages: stages.map { ($0["name"] as? String ?? "?", $0["in"] as? Int ?? 0, $0["dropped"] as? Int ?? 0) })
      // The manifest's own output: its files as it lists them (every shard).
      if files.count == 1, (object["output"] as? [String: Any])?["path"] as? String == files[0],
        let listed = RecordLines.files(inManifest: object, key: "output")
      {
        read = listed
      }
    }
    // A sharded output named by its path (which is never written): its shards, in order.
    read = read.flatMap { path in
      if FileManager.default.fileExists(atPath: path) { return [path] }
      let shards = OutputLayout.shards(of: path)
      return shards.isEmpty ? [path] : shards
    }
    let results = try GateEvaluator.evaluate(files: read, gates: settings, counts: counts)
    try reportGates(results, suite: files.joined(separator: " "), json: json, junit: junit, quiet: false)
    if results.contains(where: { !$0.passed }) { throw ExitCode(WinnowExit.runFailed) }
  }
}

/// Prints gate results (table on stderr, JSON on stdout when asked) and writes JUnit XML.
func reportGates(_ results: [GateResult], suite: String, json: Bool, junit: String?, quiet: Bool) throws {
  let failed = results.contains { !$0.passed }
  if !quiet || failed { printError(GateEvaluator.table(results)) }
  if json {
    let data = try JSONSerialization.data(withJSONObject: GateEvaluator.json(results), options: [.prettyPrinted, .sortedKeys])
    print(String(decoding: data, as: UTF8.self))
  }
  if let junit {
    do {
      try GateEvaluator.junit(results, suite: suite).write(toFile: junit, atomically: true, encoding: .utf8)
    } catch {
      throw RunError("cannot write '\(junit)': \(error.localizedDescription)")
    }
  }
}
