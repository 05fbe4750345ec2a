import ArgumentParser
import Foundation
import WinnowCore
import WinnowStages

/// `winnow learn …`: the first pass of a stage that learns from the whole corpus
/// (`boilerplate` with `corpus_min_docs`), split so a scheduler (Spark, a shell loop) can run
/// it per part of the input: each part prints its counts, the counts are added up, and every
/// part's main pass (`winnow dedup signatures --learned`) loads the sum instead of learning.
struct LearnCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "learn",
    abstract: "Run a learning stage's first pass per shard and merge the results (for schedulers such as Spark).",
    discussion: """
      winnow learn state P.yaml --shard i/N > part-i     (once per shard: the first learning stage's counts)
      winnow learn merge P.yaml --final part-* > learned  (the counts added up; --final leaves out what cannot matter)
      winnow dedup signatures P.yaml --learned learned …  (the main pass, without a first pass of its own)
      A state is text, 'stage TAB kind TAB key TAB count' per line: summing the counts of equal keys (a group-by) merges
      states too. With several learning stages, learn the next one with --learned holding the earlier ones' merged states.
      """,
    subcommands: [State.self, Merge.self]
  )

  struct State: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "state",
      abstract: "Print the counts the first learning stage (without a --learned state) observes on one shard of the input.")

    @Argument(help: "Pipeline YAML file.")
    var pipeline: String

    @Option(name: .long, help: "This process's shard, i/N: documents whose input position is i modulo N.")
    var shard: String = "0/1"

    @Option(name: .long, help: "Input file or directory; repeat for several. Replaces input.path.")
    var input: [String] = []

    @Flag(name: .long, help: "The input is this shard's partition of a larger one (Spark), as for 'winnow dedup signatures --positioned'.")
    var positioned = false

    @Option(name: .long, help: "Merged states of earlier learning stages (repeatable).")
    var learned: [String] = []

    @Option(name: .long, help: "Worker threads (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Write the state to this file instead of standard output.")
    var out: String?

    func run() throws {
      let shard = try DedupCommand.parseShard(self.shard)
      var loaded = try ConfigLoader(registry: BuiltinStages.registry).load(file: pipeline, overrides: ConfigOverrides(inputs: input))
      loaded.input.positioned = positioned
      var options = RunOptions(jobs: max(1, jobs), progress: false)
      options.learnedDocumentBytes = 0
      options.learnedStates = learned
      let state = try Runner(pipeline: loaded, options: options).learnedState(shard: shard)
      try LearnCommand.write(state, to: out)
    }
  }

  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge", abstract: "Add up learned states (files, or '-' for standard input) into one.")

    @Argument(help: "Pipeline YAML file.")
    var pipeline: String

    @Argument(help: "State files ('-': standard input).")
    var states: [String] = ["-"]

    @Flag(name: .long, help: "The states are every part of the input: leave out counts too small to matter (the result is for --learned, not for more merging).")
    var final = false

    @Option(name: .long, help: "Write the merged state to this file instead of standard output.")
    var out: String?

    func run() throws {
      // The input is not read (nor looked for: the pipeline file may have been shipped alone).
      let loaded = try ConfigLoader(registry: BuiltinStages.registry).load(file: pipeline, overrides: ConfigOverrides(inputs: ["-"]))
      var merged: [UInt8] = []
      _ = try mergeLearnedStates(loaded, paths: states, final: final) { merged += $0 }
      try LearnCommand.write(merged, to: out)
    }
  }

  static func write(_ bytes: [UInt8], to path: String?) throws {
    guard let path else {
      FileHandle.standardOutput.write(Data(bytes))
      return
    }
    try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
  }
}
