/// A validated pipeline: every key checked, every stage built, paths resolved.
public struct Pipeline: Sendable {
  /// The pipeline file as given on the command line.
  public var file: String
  public var input: InputSettings
  public var output: OutputSettings
  public var stages: [PipelineStage]
  /// The `gates:` section, when there is one: checked on the output after the run.
  public var gates: GateSettings?

  public init(file: String, input: InputSettings, output: OutputSettings, stages: [PipelineStage], gates: GateSettings? = nil) {
    self.file = file
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

  public init(path: String, rejects: String) {
    self.path = path
    self.rejects = rejects
  }
}

/// One configured stage of a pipeline.
public struct PipelineStage: Sendable {
  public var name: String
  /// Every option, defaults filled in.
  public var options: StageOptions
  public var stage: any DocumentStage

  public init(name: String, options: StageOptions, stage: any DocumentStage) {
    self.name = name
    self.options = options
    self.stage = stage
  }
}
