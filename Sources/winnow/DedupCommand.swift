import ArgumentParser
import Foundation
import WinnowCore
import WinnowStages

/// `winnow dedup …`: the four phases of the `dedup` stage as separate commands with files
/// between them, so a scheduler (Spark, a batch system, a shell loop) can run them on several
/// machines. Together they give the same output as `winnow run` with the same pipeline.
struct DedupCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dedup",
    abstract: "Run the dedup stage's phases separately (signatures → buckets → clusters → filter) with files between them.",
    discussion: """
      All phases read the same pipeline file (its last stage must be 'dedup') and share one work directory.
        winnow dedup signatures P.yaml --shard i/N --work W   (once per shard: document stages + signatures)
        winnow dedup buckets    P.yaml --band b --work W      (once per band; 'winnow dedup bands P.yaml' prints how many)
        winnow dedup clusters   P.yaml --work W               (once: groups, kept documents → W/decisions.jsonl)
        winnow dedup filter     P.yaml --shard i/N --work W   (once per shard: clean and rejected records)
      Together the shards' outputs hold exactly the records of one 'winnow run' (each shard's in input order).
      """,
    subcommands: [Signatures.self, Bands.self, Buckets.self, Clusters.self, Filter.self, Keys.self, Pairs.self, Subset.self]
  )

  struct Common: ParsableArguments {
    @Argument(help: "Pipeline YAML file (its last stage must be 'dedup').")
    var pipeline: String

    @Option(name: .long, help: "Work directory shared by the phases.")
    var work: String

    @Flag(name: .long, help: "Print nothing on success.")
    var quiet = false

    /// The phases after signatures never read the input: by default it is not looked for
    /// (the pipeline file may have been shipped to a machine without it).
    func load(_ overrides: ConfigOverrides = ConfigOverrides(inputs: ["-"])) throws -> Pipeline {
      try ConfigLoader(registry: BuiltinStages.registry).load(file: pipeline, overrides: overrides)
    }

    func say(_ line: String) {
      if !quiet { printError(line) }
    }
  }

  static func parseShard(_ text: String) throws -> Shard {
    guard let shard = Shard(parsing: text) else { throw ValidationError("--shard must be i/N with 0 ≤ i < N (got '\(text)')") }
    return shard
  }

  struct Signatures: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "signatures",
      abstract: "Phase 1: run the document stages on one shard and write its documents, rejects and signatures to the work directory.")

    @OptionGroup var common: Common

    @Option(name: .long, help: "This process's shard, i/N: documents whose input position is i modulo N.")
    var shard: String = "0/1"

    @Option(name: .long, help: "Input file or directory; repeat for several. Replaces input.path (every shard must read the same input).")
    var input: [String] = []

    @Option(name: .long, help: "Worker threads (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .long, help: ArgumentHelp(
      "The input is this shard's partition of a larger one (Spark): each line is 'ORDINAL TAB PATH TAB LINE TAB record'.",
      discussion: "ORDINAL is the record's position in the whole input (unique over all shards, rising within each), PATH and LINE where it was read; ids of records without one, sources and rejects then read as in one run over the whole input."))
    var positioned = false

    @Option(name: .customLong("summary-json"), help: "Also write the summary (counts per stage and reason) as JSON to this file.")
    var summaryJSON: String?

    @Option(name: .long, help: "Merged learned states ('winnow learn merge') for the stages that learn from the corpus, instead of a first pass (repeatable).")
    var learned: [String] = []

    func run() throws {
      let shard = try DedupCommand.parseShard(self.shard)
      var pipeline = try common.load(ConfigOverrides(inputs: input))
      pipeline.input.positioned = positioned
      guard positioned || !pipeline.input.paths.contains("-") else {
        throw ValidationError("sharded dedup reads its input once per shard; standard input ('-') cannot be read that way unless each record carries its position (--positioned)")
      }
      var options = RunOptions(jobs: max(1, jobs), progress: !common.quiet)
      options.logger = makeLogger(level: nil, quiet: common.quiet)
      options.learnedStates = learned
      let summary = try Runner(pipeline: pipeline, options: options).recordPass(directory: common.work, shard: shard)
      common.say(summary.render())
      if let summaryJSON {
        let data = try JSONSerialization.data(withJSONObject: summary.json(), options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: summaryJSON))
      }
    }
  }

  struct Bands: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bands", abstract: "Print how many bands the pipeline's dedup stage uses (bands are numbered from 0).")

    @Argument(help: "Pipeline YAML file.")
    var pipeline: String

    func run() throws {
      let loaded = try ConfigLoader(registry: BuiltinStages.registry).load(file: pipeline)
      print(try DedupPhases.bands(loaded))
    }
  }

  struct Buckets: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "buckets",
      abstract: "Phase 2: for one band, group all shards' signatures into buckets and write the candidate pairs.")

    @OptionGroup var common: Common

    @Option(name: .long, help: "Band number, 0 ≤ b < bands.")
    var band: Int

    func run() throws {
      let pipeline = try common.load()
      let started = Date()
      let pairs = try DedupPhases.buckets(pipeline, directory: common.work, band: band)
      common.say("winnow dedup buckets: band \(band): \(pairs) pairs → \(DedupPhases.bandsPath(common.work, band: band)) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
    }
  }

  struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "keys",
      abstract: "Phase 2 done elsewhere, step 1: print one shard's bucket keys, 'band TAB key TAB ordinal' per line, for an engine that groups them (Spark).")

    @OptionGroup var common: Common

    @Option(name: .long, help: "The shard, i/N, as in its signatures phase.")
    var shard: String = "0/1"

    @Flag(name: .long, help: "Also print 'x TAB hash TAB ordinal' for each document's normalized text (exact copies share it).")
    var withExact = false

    @Flag(name: .long, help: "Print the keys as binary blocks of columns instead of lines: per block its row count (UInt64), the keys (UInt64 each), the positions (UInt64) and the bands (Int32, -1 for the exact-copy key), little-endian, zero-padded to 8 bytes.")
    var columns = false

    func run() throws {
      let shard = try DedupCommand.parseShard(self.shard)
      let pipeline = try common.load()
      let output = FileHandle.standardOutput
      let lines = try DedupPhases.keys(pipeline, directory: common.work, shard: shard, exact: withExact, columns: columns) { bytes in
        output.write(Data(bytes))
      }
      common.say("winnow dedup keys: shard \(shard): \(lines) keys")
    }
  }

  struct Pairs: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "pairs",
      abstract: "Phase 2 done elsewhere, step 2: write a band's candidate pairs ('ordinal TAB ordinal' lines on stdin) as 'buckets --band' would.",
      discussion: "Within a bucket (documents with the same key in a band, sorted by ordinal), the pairs are the first with each other one, and each with the one before it. Without --band, the lines are 'band TAB ordinal TAB ordinal' and every band's pairs are written.")

    @OptionGroup var common: Common

    @Option(name: .long, help: "Band number, 0 ≤ b < bands (default: every band, from 'band TAB ordinal TAB ordinal' lines).")
    var band: Int?

    @Option(name: .long, help: "File with the pairs ('-': standard input).")
    var input: String = "-"

    func run() throws {
      let pipeline = try common.load()
      let path = input == "-" ? "/dev/stdin" : input
      guard let band else {
        let count = try DedupPhases.pairs(pipeline, directory: common.work, from: path)
        common.say("winnow dedup pairs: every band: \(count) pairs → \(common.work)")
        return
      }
      let count = try DedupPhases.pairs(pipeline, directory: common.work, band: band, from: path)
      common.say("winnow dedup pairs: band \(band): \(count) pairs → \(DedupPhases.bandsPath(common.work, band: band))")
    }
  }

  struct Subset: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "subset",
      abstract: "Split one shard's records by group ('ordinal TAB group' lines), into OUT/<group>/ for every group, for clusters run per group of connected documents (Spark).")

    @OptionGroup var common: Common

    @Option(name: .long, help: "The shard, i/N, as in its signatures phase.")
    var shard: String = "0/1"

    @Option(name: .long, help: "File of 'ordinal TAB group' lines ('-': standard input); documents not in it are left out.")
    var groups: String = "-"

    @Option(name: .long, help: "How many groups (0 … count-1); each gets a directory, empty or not.")
    var count: Int

    @Option(name: .long, help: "Output directory.")
    var out: String

    func run() throws {
      let shard = try DedupCommand.parseShard(self.shard)
      let pipeline = try common.load()
      var map: [UInt64: Int] = [:]
      let reader = try LineReader(path: groups == "-" ? "/dev/stdin" : groups)
      while let line = try reader.next() {
        let fields = line.split(separator: 0x09)
        guard fields.count == 2, let ordinal = UInt64(String(decoding: fields[0], as: UTF8.self)),
          let group = Int(String(decoding: fields[1], as: UTF8.self))
        else { throw ValidationError("groups: expected 'ordinal TAB group' lines") }
        map[ordinal] = group
      }
      let counts = try DedupPhases.subset(pipeline, directory: common.work, shard: shard, groups: map, groupCount: count, output: out)
      common.say("winnow dedup subset: shard \(shard): \(counts.reduce(0, +)) documents into \(count) groups")
    }
  }

  struct Clusters: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "clusters",
      abstract: "Phase 3: confirm every band's candidate pairs (each distinct pair once), join them and the exact duplicates into groups, and decide which document each keeps.")

    @OptionGroup var common: Common

    func run() throws {
      let pipeline = try common.load()
      let started = Date()
      let (documents, decisions) = try DedupPhases.clusters(pipeline, directory: common.work)
      common.say("winnow dedup clusters: \(documents) documents, \(decisions) in groups → \(DedupPhases.decisionsPath(common.work)) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
    }
  }

  struct Filter: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "filter",
      abstract: "Phase 4: write one shard's clean records (with their dedup field) and rejects.")

    @OptionGroup var common: Common

    @Option(name: .long, help: "The shard, i/N, as in its signatures phase.")
    var shard: String = "0/1"

    @Option(name: .long, help: "Clean JSONL output (default: the pipeline's output.path with -i-of-N before the extension).")
    var output: String?

    @Option(name: .long, help: "Rejects JSONL (default: the pipeline's output.rejects with -i-of-N before the extension).")
    var rejects: String?

    func run() throws {
      let shard = try DedupCommand.parseShard(self.shard)
      var pipeline = try common.load()
      try DedupPhases.checkDecisions(common.work)
      pipeline.output.path = output ?? Self.shardPath(pipeline.output.path, shard)
      pipeline.output.rejects = rejects ?? Self.shardPath(pipeline.output.rejects, shard)
      let summary = try Runner(pipeline: pipeline, options: RunOptions(jobs: 1, progress: !common.quiet))
        .filterPass(directory: common.work, shard: shard, decisions: DedupPhases.decisionsPath(common.work))
      common.say(summary.render())
    }

    static func shardPath(_ path: String, _ shard: Shard) -> String {
      guard shard.count > 1 else { return path }
      let suffix = "-\(shard.index)-of-\(shard.count)"
      let ext = (path as NSString).pathExtension
      return ext.isEmpty ? path + suffix : (path as NSString).deletingPathExtension + suffix + "." + ext
    }
  }
}
