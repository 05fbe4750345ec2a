/// A validated pipeline: every key checked, every stage built, paths resolved.
public struct Pipeline: Sendable {
  /// The pipeline file as given on the command line.
  public var file: String
  public var input: InputSettings
  public var output: OutputSettings
  public var stages: [PipelineStage]
  /// The `gates:` section, when there is one: checked on the output after the run.
  public var gates: GateSettings?
  /// The plugin libraries the file loads (`plugins:`), resolved.
  public var plugins: [String]
  /// Files the stages' options name (rule packs, rules files), resolved, each with its key
  /// path: a run never writes them (`PathClash`).
  public var optionFiles: [(path: String, key: String)] = []

  public init(
    file: String, input: InputSettings, output: OutputSettings, stages: [PipelineStage], gates: GateSettings? = nil,
    plugins: [String] = []
  ) {
    self.file = file
    self.plugins = plugins
    self.input = input
    self.output = output
    self.stages = stages
    self.gates = gates
  }
}

public struct InputSettings: Sendable, Equatable {
  /// Files, directories, or "-" for standard input; resolved against the pipeline file.
  public var paths: [String]
  /// Which formats a directory walk reads (files named explicitly are always read).
  public var formats: [InputFormat]
  /// JSONL field holding the text.
  public var textField: String
  /// JSONL field holding the id.
  public var idField: String
  /// Larger documents are rejected with reason 'too_large' instead of read.
  public var maxDocumentBytes: Int
  /// Each JSONL line is "ORDINAL TAB PATH TAB LINE TAB record": a partition of a larger input
  /// (read by Spark) with each record's position, file and line in the whole, so dedup keeps,
  /// and ids and rejects read, as one run over the whole would (`winnow dedup signatures
  /// --positioned`). Not from the pipeline file.
  public var positioned = false
  /// Directory walks follow symbolic links to directories (`input.follow_links`); each
  /// directory is still walked once (by device and inode), so links cannot loop.
  public var followLinks = false
  /// Files named as inputs are read as this format whatever their name (the gates read a
  /// run's output under its temporary name). Not from the pipeline file.
  public var namedFileFormat: InputFormat?

  public init(
    paths: [String] = [], formats: [InputFormat] = InputFormat.allCases, textField: String = "text",
    idField: String = "id", maxDocumentBytes: Int = InputSettings.defaultMaxDocumentBytes
  ) {
    self.paths = paths
    self.formats = formats
    self.textField = textField
    self.idField = idField
    self.maxDocumentBytes = maxDocumentBytes
  }

  /// 64 MiB: far above any real news page, low enough that one file cannot exhaust memory.
  public static let defaultMaxDocumentBytes = 64 << 20
}

public struct OutputSettings: Sendable, Equatable {
  public var path: String
  public var rejects: String
  /// Shard limits (`output.max_bytes`, `output.max_records`); compression comes from the
  /// paths' suffixes.
  public var layout: OutputLayout

  public init(path: String, rejects: String, layout: OutputLayout = .single) {
    self.path = path
    self.rejects = rejects
    self.layout = layout
  }
}

/// One configured stage of a pipeline.
public struct PipelineStage: Sendable {
  public var name: String
  /// Every option, defaults filled in (the stage's own and the limits every stage takes).
  public var options: StageOptions
  public var stage: any DocumentStage
  public var limits: StageLimits

  public init(name: String, options: StageOptions, stage: any DocumentStage, limits: StageLimits = StageLimits()) {
    self.name = name
    self.options = options
    self.stage = stage
    self.limits = limits
  }
}

/// Per-document limits every stage takes (`- html: {max_bytes: 5000000, timeout_ms: 2000}`):
/// a document over one is rejected with the stage and the limit named, and the run goes on.
public struct StageLimits: Sendable, Equatable {
  /// The largest document (bytes, or UTF-8 bytes of text) the stage is given; 0: no limit
  /// beyond `input.max_document_bytes`.
  public var maxBytes = 0
  /// A document the stage spends longer on is rejected; 0: none. Stages that can stop
  /// part-way (html: libxml2's parser) watch `Document.deadline`, ICU regular expressions are
  /// stopped by a match callback at the same deadline, and the rest is checked when the stage
  /// returns (their loops are linear in the document's size). A rejection depends on the machine's speed (the manifest counts them).
  public var timeoutMilliseconds = 30_000

  public init(maxBytes: Int = 0, timeoutMilliseconds: Int = 30_000) {
    self.maxBytes = maxBytes
    self.timeoutMilliseconds = timeoutMilliseconds
  }

  /// The reasons a stage's limits reject a document with, whatever the stage.
  public static let reasons: [DropReason] = [
    DropReason("too_large", "a document is over the stage's `max_bytes` (detail: its size and the limit)"),
    DropReason("timeout", "the stage spent longer than its `timeout_ms` on a document; it depends on the machine's speed, so it is the one reject that can differ between runs"),
  ]

  public static let options: [OptionSpec] = [
    OptionSpec("max_bytes", .int(0...Int.max), default: .int(0), "every stage: reject documents larger than this before the stage (0: only input.max_document_bytes)"),
    OptionSpec("timeout_ms", .int(0...Int.max), default: .int(30_000), "every stage: reject a document the stage spends longer on (html's parser and every regular expression stop at the limit, the rest is checked when the stage returns; 0: none)"),
  ]
}
