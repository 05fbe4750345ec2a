import ArgumentParser
import Foundation
import Logging
import WinnowCore
import WinnowStages

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a pipeline: read inputs, run the stages, write clean and rejected records.")

  @Argument(help: "Pipeline YAML file.")
  var pipeline: String

  @Option(name: .long, help: "Input file or directory ('-' for stdin); repeat for several. Replaces input.path.")
  var input: [String] = []

  @Option(name: .long, help: "Clean JSONL output file. Replaces output.path.")
  var output: String?

  @Option(name: .long, help: "Rejects JSONL file. Replaces output.rejects.")
  var rejects: String?

  @Option(name: .long, help: "Worker threads (default: number of cores).")
  var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

  @Flag(name: .long, help: "Print nothing on success.")
  var quiet = false

  @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error, critical (default: info; error with --quiet).")
  var logLevel: String?

  @Option(name: .long, help: "Also write the run summary as JSON to this file (counts, timings per stage).")
  var summaryJSON: String?

  @Option(name: .long, help: "Where to write the run's manifest (default: beside the output, X.jsonl → X.manifest.json).")
  var manifest: String?

  @Option(name: .long, help: "Write the pipeline's gates as JUnit XML (one test case per gate) to this file.")
  var junit: String?

  @Flag(name: .long, help: "Do not check the pipeline's gates (benchmarks; the manifest says they were skipped).")
  var noGates = false

  @Option(name: .long, help: "Write a self-contained HTML report of the run (funnel, drop reasons, lengths, charsets, removed lines, duplicate groups, gates, manifest).")
  var report: String?

  @Flag(name: .long, help: ArgumentHelp(
    "The input is a partition of a larger one (Spark): each line is 'ORDINAL TAB PATH TAB LINE TAB record' (a page: LINE '-', its bytes in base64).",
    discussion: "Ids of records without one, sources and rejects then read as in one run over the whole input."))
  var positioned = false

  @Option(name: .long, help: "Merged learned states ('winnow learn merge --final') for the stages that learn from the corpus, instead of a first pass (repeatable).")
  var learned: [String] = []

  func validate() throws {
    guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    if let logLevel, Logger.Level(rawValue: logLevel) == nil {
      throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(logLevel)')")
    }
  }

  func run() throws {
    let overrides = ConfigOverrides(inputs: input, output: output, rejects: rejects)
    var loaded = try ConfigLoader(registry: BuiltinStages.registry).load(file: pipeline, overrides: overrides)
    loaded.input.positioned = positioned
    var options = RunOptions(jobs: jobs, progress: !quiet)
    options.logger = makeLogger(level: logLevel, quiet: quiet)
    options.learnedStates = learned
    let runner = Runner(pipeline: loaded, options: options)
    let manifestPath = manifest ?? Manifest.defaultPath(forOutput: loaded.output.path)
    try refuseClashes(loaded, manifest: manifestPath)
    // Stopped before its commit, a run leaves no output or rejects where a finished run puts
    // them (not even an earlier run's, which its manifest no longer describes), and a
    // manifest that says it was interrupted.
    RunCancellation.onStop { [loaded] in
      unlink(loaded.output.path)
      unlink(loaded.output.rejects)
      try? Manifest.write(
        Manifest.interrupted(loaded, command: CommandLine.arguments, tool: ToolInfo.fields, signal: RunCancellation.signalName),
        to: manifestPath)
    }
    var built: RunManifest?
    var gateResults: [GateResult] = []
    let checkGates = loaded.gates != nil && !noGates
    // The gates measure the output while it is written; their results, and the manifest, are
    // made while the output is complete but not yet in place (a signal still stops the run);
    // the renames and the manifest are then one commit.
    let collector = try loaded.gates.flatMap { checkGates ? try GateCollector(gates: $0, trusted: true) : nil }
    let finishing = RunFinishing(
      prepare: { summary, _ throws(RunError) in
        var manifest = try Manifest.build(pipeline: loaded, summary: summary, command: CommandLine.arguments, tool: ToolInfo.fields)
        if noGates, loaded.gates != nil { manifest.gates = .string("skipped (--no-gates)") }
        if let collector {
          let counts = GateCounts(
            documents: summary.documents, rejected: summary.rejected,
            stages: summary.stages.map { ($0.name, $0.input, $0.dropped) })
          gateResults = try collector.results(counts: counts)
          manifest.gates = JSONValue(GateEvaluator.json(gateResults))
        }
        built = manifest
      },
      commit: { _ throws(RunError) in
        guard let built else { throw RunError("the run has no manifest to write") }
        try Manifest.write(built, to: manifestPath)
      },
      observer: collector)
    let summary: RunSummary
    do {
      summary = try runner.run(finishing: finishing)
    } catch {
      if RunCancellation.isRequested { RunCancellation.stopNow() }
      throw error
    }
    defer {
      if RunCancellation.isRequested {
        printError("winnow: \(RunCancellation.signalName) came after the output, rejects and manifest were in place: the run finished")
      }
    }
    if !quiet { printError(summary.render() + "\n  manifest: \(manifestPath)") }
    if let summaryJSON {
      do {
        let data = try JSONSerialization.data(withJSONObject: summary.json(), options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: summaryJSON))
      } catch {
        throw RunError("cannot write summary '\(summaryJSON)': \(error.localizedDescription)")
      }
    }
    if let report {
      do {
        let manifest = try built?.jsonValue().object as? [String: Any] ?? [:]
        try RunReport.html(summary: summary, manifest: manifest).write(toFile: report, atomically: true, encoding: .utf8)
      } catch {
        throw RunError("cannot write report '\(report)': \(error.localizedDescription)")
      }
      if !quiet { printError("  report: \(report)") }
    }
    if checkGates {
      try reportGates(gateResults, suite: loaded.file, json: false, junit: junit, quiet: quiet)
      if gateResults.contains(where: { !$0.passed }) {
        printError("winnow: error: \(gateResults.filter { !$0.passed }.count) gate(s) failed; the output is written, the run is marked failed")
        throw ExitCode(WinnowExit.runFailed)
      }
    }
  }

  /// Every file the run writes against every file it reads (and each other): exit 2 before
  /// any work when one would overwrite another.
  func refuseClashes(_ loaded: Pipeline, manifest manifestPath: String) throws {
    var writes = [
      PathClash.Role(loaded.output.path, output != nil ? "--output" : "output.path"),
      PathClash.Role(loaded.output.rejects, rejects != nil ? "--rejects" : output != nil ? "rejects (beside --output)" : "output.rejects"),
      PathClash.Role(manifestPath, manifest != nil ? "--manifest" : "manifest (beside the output)"),
    ]
    if let summaryJSON { writes.append(PathClash.Role(summaryJSON, "--summary-json")) }
    if let report { writes.append(PathClash.Role(report, "--report")) }
    if let junit { writes.append(PathClash.Role(junit, "--junit")) }
    let clashes = PathClash.check(pipeline: loaded, writes: writes)
    if !clashes.isEmpty { throw ConfigError(clashes) }
  }
}

struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check a pipeline file (keys, types, ranges, stages, input paths) without touching any data.")

  @Argument(help: "Pipeline YAML file.")
  var pipeline: String

  @Option(name: .long, help: "Input file or directory ('-' for stdin) checked instead of input.path; repeat for several.")
  var input: [String] = []

  @Flag(name: .long, help: ArgumentHelp(
    "Print what the pipeline is as one JSON object (for programs such as the Spark driver).",
    discussion: "Keys: pipeline, stages (name, learns: whether it learns from the whole corpus), input (paths, formats), output, rejects, dedup (null, or {bands} when the last stage is dedup)."))
  var json = false

  func run() throws {
    let loaded = try ConfigLoader(registry: BuiltinStages.registry).load(file: pipeline, overrides: ConfigOverrides(inputs: input))
    if json {
      print(try ValidateCommand.json(pipeline, loaded))
      return
    }
    // A pipeline of thousands of stages is named by its first few, not a line of megabytes.
    let names = loaded.stages.prefix(20).map(\.name) + (loaded.stages.count > 20 ? ["… \(loaded.stages.count - 20) more"] : [])
    print("\(pipeline): ok: \(loaded.stages.count) stages (\(names.joined(separator: ", ")))")
    print("  input:   \(loaded.input.paths.joined(separator: ", ")) [\(loaded.input.formats.map(\.rawValue).joined(separator: ", "))]")
    print("  output:  \(loaded.output.path)")
    print("  rejects: \(loaded.output.rejects)")
  }

  /// The machine-readable form: one line of JSON, keys sorted.
  static func json(_ file: String, _ loaded: Pipeline) throws -> String {
    let stages: [[String: Any]] = loaded.stages.map { stage in
      ["name": stage.name, "learns": (stage.stage as? any LearningStage)?.learner != nil]
    }
    let dedup: Any = (try? DedupPhases.bands(loaded)).map { ["bands": $0] as [String: Any] } ?? NSNull()
    let object: [String: Any] = [
      "pipeline": file, "stages": stages,
      "input": ["paths": loaded.input.paths, "formats": loaded.input.formats.map(\.rawValue)] as [String: Any],
      "output": loaded.output.path, "rejects": loaded.output.rejects, "dedup": dedup,
    ]
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
  }
}

struct StagesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stages",
    abstract: "List the stages a pipeline can use, with their options, types and defaults.")

  @Flag(name: .long, help: "Print Markdown (the text of docs/STAGES.md).")
  var markdown = false

  @Option(name: .long, help: "Also list the stages of this plugin library (repeatable).")
  var plugin: [String] = []

  @Option(name: .long, help: "Also list the stages of the plugin libraries this pipeline file loads.")
  var pipeline: String?

  func run() throws {
    var registry = BuiltinStages.registry
    var libraries = plugin
    if let pipeline {
      libraries += try ConfigLoader(registry: BuiltinStages.registry).pluginPaths(file: pipeline)
    }
    for library in libraries {
      do throws(PluginError) {
        for type in try PluginLibrary.load(library) where !registry.add(type) {
          throw PluginError("registers a stage '\(type.name)', a name another stage already has")
        }
      } catch {
        printError("winnow: error: plugin '\(library)': \(error.message)")
        throw ExitCode(WinnowExit.invalid)
      }
    }
    print(markdown ? StageCatalog.markdown(registry.types) : StageCatalog.text(registry.types), terminator: "")
  }
}

/// swift-log to stderr at `level` (default info; error when quiet).
func makeLogger(level: String?, quiet: Bool) -> Logger {
  var logger = Logger(label: "winnow") { label in StreamLogHandler.standardError(label: label) }
  logger.logLevel = level.flatMap(Logger.Level.init(rawValue:)) ?? (quiet ? .error : .info)
  return logger
}
