/// A per-document stage: pure, no shared mutable state, so the runner may call it from any
/// number of threads at once.
public protocol DocumentStage: Sendable {
  func process(_ document: inout Document) -> Verdict
  /// The name the stage goes by in rejects, summaries and the manifest, when it is not the
  /// stage type's (`- exec: {name: toxicity}` is "toxicity").
  var label: String? { get }
  /// Counters the run summary shows even at 0 (a rules file's `rule:<name>`: a rule that
  /// never fired is worth knowing about).
  var counterNames: [String] { get }
}

extension DocumentStage {
  public var label: String? { nil }
  public var counterNames: [String] { [] }
}

/// A stage that is given a run of documents at once, in input order (an `exec` stage streams
/// them through a pipe instead of waiting for each answer). The runner uses only
/// `process(batch:limits:)`, in the learning pass too.
public protocol BatchStage: DocumentStage {
  /// Called before each pass over the input (the learning pass, the real one).
  func beginPass()
  /// One verdict per document, in order; `limits.timeoutMilliseconds` applies to each
  /// document, and the stage enforces it itself. Throws when the stage cannot go on at all
  /// (a plugin that keeps crashing): the run stops with that message.
  func process(batch documents: inout [Document], limits: StageLimits) throws(StageFailure) -> [Verdict]
}

/// A stage that runs code from outside winnow (an exec stage's program): the manifest records
/// these files' hashes, since they shape the output as much as the configuration does.
public protocol ExternalCode {
  /// Existing files the stage runs (its program, the script given to an interpreter) or
  /// reads as its model.
  var codeFiles: [String] { get }
  /// How the run manifest lists them: "exec" (a program or script), "model" (a model file).
  var codeKind: String { get }
}

extension ExternalCode {
  public var codeKind: String { "exec" }
}

/// A stage that cannot go on: the run stops and reports `message`.
public struct StageFailure: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// A per-document stage that first learns from the whole corpus (line frequencies per site):
/// the runner makes a first pass over the input, running the stages before it and handing
/// it every document that reaches it, then calls `finishLearning` and runs the pipeline.
public protocol CorpusLearner: AnyObject, Sendable {
  /// Whether the first pass should run the earlier stages on this document and observe it
  /// (a learner may look at a deterministic sample of the corpus).
  func wants(_ document: Document) -> Bool
  /// The same, from the id alone: a whole-file input (txt, html) whose id is not wanted is
  /// not even read in the first pass.
  func wants(id: String) -> Bool
  /// Called from any worker thread during the first pass.
  func observe(_ document: Document)
  /// Called once, after the first pass and before the second starts.
  func finishLearning()
}

extension CorpusLearner {
  public func wants(_ document: Document) -> Bool { wants(id: document.id) }
  public func wants(id: String) -> Bool { true }
}

public protocol LearningStage: DocumentStage {
  /// nil when the stage's configuration needs no first pass.
  var learner: (any CorpusLearner)? { get }
}

/// What a stage needs before it runs.
public enum StageInput: Sendable {
  /// Raw bytes or text: the stage handles both (only `decode`).
  case bytesOrText
  /// Decoded text: `decode` must come earlier in the pipeline.
  case text
}

/// What a stage's `build` may use: nothing from the data, only the configuration's place.
public struct StageContext: Sendable {
  /// Directory of the pipeline file: relative paths in options resolve against it.
  public var baseDirectory: String

  public init(baseDirectory: String) {
    self.baseDirectory = baseDirectory
  }

  public func resolve(_ path: String) -> String {
    path.hasPrefix("/") ? path : (baseDirectory.isEmpty ? path : baseDirectory + "/" + path)
  }
}

/// A stage's configuration: declared options, decoded and validated with no side effects,
/// then `build` makes the runtime stage.
public protocol StageConfig: Sendable {
  /// Name as written in YAML, snake_case.
  static var name: String { get }
  /// One line for `winnow stages`.
  static var summary: String { get }
  static var options: [OptionSpec] { get }
  static var input: StageInput { get }
  /// Every reason the stage drops a document with: README's reason table and docs/STAGES.md
  /// are generated from these, and a test fails when a run drops with a reason not here.
  static var reasons: [DropReason] { get }
  /// Decodes typed options; throws `OptionError` for values that are well-typed but invalid.
  init(options: StageOptions) throws(OptionError)
  func build(_ context: StageContext) throws(OptionError) -> any DocumentStage
}

extension StageConfig {
  public static var input: StageInput { .text }
}

/// The type of an option, which also says how it is validated.
public enum OptionType: Sendable, Equatable {
  case bool
  case int(ClosedRange<Int>)
  case double(ClosedRange<Double>)
  case string
  /// One of these words.
  case choice([String])
  /// A list of strings; when `allowed` is given, each must be one of them.
  case stringList(allowed: [String]?)
  /// A path, relative to the pipeline file.
  case path

  public var description: String {
    switch self {
    case .bool: "bool"
    case .int(let range):
      range.upperBound == Int.max ? "int (≥ \(range.lowerBound))" : "int (\(range.lowerBound)…\(range.upperBound))"
    case .double(let range): "number (\(formatNumber(range.lowerBound))…\(formatNumber(range.upperBound)))"
    case .string: "string"
    case .choice(let words): words.joined(separator: " | ")
    case .stringList: "[string]"
    case .path: "path"
    }
  }
}

/// A typed option value.
public enum OptionValue: Sendable, Equatable, CustomStringConvertible {
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case strings([String])

  public var description: String {
    switch self {
    case .bool(let value): String(value)
    case .int(let value): String(value)
    case .double(let value): formatNumber(value)
    case .string(let value): value
    case .strings(let values): "[" + values.joined(separator: ", ") + "]"
    }
  }
}

func formatNumber(_ value: Double) -> String {
  value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}

/// One declared option of a stage.
public struct OptionSpec: Sendable {
  public let name: String
  public let type: OptionType
  public let defaultValue: OptionValue
  public let summary: String

  public init(_ name: String, _ type: OptionType, default defaultValue: OptionValue, _ summary: String) {
    self.name = name
    self.type = type
    self.defaultValue = defaultValue
    self.summary = summary
  }
}

/// A reason a stage drops a document with, as written in rejects, the summary and the
/// manifest, and when it is given (one line of Markdown).
public struct DropReason: Sendable, Equatable {
  public let name: String
  public let meaning: String
  /// The word is chosen by the pipeline (a rules file's rule, an exec program's answer), and
  /// `name` says where it comes from.
  public let chosenByConfiguration: Bool

  public init(_ name: String, _ meaning: String) {
    self.name = name
    self.meaning = meaning
    self.chosenByConfiguration = false
  }

  /// A reason whose word the pipeline chooses; `source` says which word (Markdown).
  public static func chosen(_ source: String, _ meaning: String) -> DropReason {
    DropReason(source: source, meaning: meaning)
  }

  private init(source: String, meaning: String) {
    self.name = source
    self.meaning = meaning
    self.chosenByConfiguration = true
  }

  /// Whether a reject with `reason` is one of these.
  public static func declared(_ reason: String, in reasons: [DropReason]) -> Bool {
    reasons.contains { $0.chosenByConfiguration || $0.name == reason }
  }
}

/// An option value that is well-typed but not acceptable; the loader adds the position.
public struct OptionError: Error, Sendable, Equatable {
  /// The option's name (nil: the stage as a whole).
  public var option: String?
  /// For list options: the index of the offending item.
  public var item: Int?
  public var message: String

  public init(option: String?, item: Int? = nil, _ message: String) {
    self.option = option
    self.item = item
    self.message = message
  }
}

/// A stage's options after type checking, defaults filled in.
public struct StageOptions: Sendable {
  public private(set) var values: [String: OptionValue]

  public init(_ values: [String: OptionValue]) {
    self.values = values
  }

  /// Options with every default, for stages listed without options.
  public static func defaults(for specs: [OptionSpec]) -> StageOptions {
    StageOptions(Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0.defaultValue) }))
  }

  public func bool(_ name: String) -> Bool {
    if case .bool(let value)? = values[name] { return value }
    preconditionFailure("option '\(name)' is not a declared bool")
  }

  public func int(_ name: String) -> Int {
    if case .int(let value)? = values[name] { return value }
    preconditionFailure("option '\(name)' is not a declared int")
  }

  public func double(_ name: String) -> Double {
    if case .double(let value)? = values[name] { return value }
    if case .int(let value)? = values[name] { return Double(value) }
    preconditionFailure("option '\(name)' is not a declared number")
  }

  public func string(_ name: String) -> String {
    if case .string(let value)? = values[name] { return value }
    preconditionFailure("option '\(name)' is not a declared string")
  }

  public func strings(_ name: String) -> [String] {
    if case .strings(let value)? = values[name] { return value }
    preconditionFailure("option '\(name)' is not a declared list")
  }
}

/// A stage type a pipeline may name: a built-in `StageConfig`, or one a plugin library
/// registered. `make` decodes nothing: it gets options already checked against `options`.
public struct StageType: Sendable {
  public let name: String
  public let summary: String
  public let options: [OptionSpec]
  public let input: StageInput
  /// The reasons it drops documents with.
  public let reasons: [DropReason]
  /// The plugin library that registered the type; nil for built-ins.
  public let plugin: String?
  public let make: @Sendable (StageOptions, StageContext) throws(OptionError) -> any DocumentStage

  public init(
    name: String, summary: String, options: [OptionSpec], input: StageInput = .text, reasons: [DropReason],
    plugin: String? = nil, make: @escaping @Sendable (StageOptions, StageContext) throws(OptionError) -> any DocumentStage
  ) {
    self.name = name
    self.summary = summary
    self.options = options
    self.input = input
    self.reasons = reasons
    self.plugin = plugin
    self.make = make
  }

  public init<Config: StageConfig>(_ config: Config.Type) {
    self.init(name: config.name, summary: config.summary, options: config.options, input: config.input, reasons: config.reasons) {
      (options, context) throws(OptionError) in
      try Config(options: options).build(context)
    }
  }
}

/// The stages a pipeline may name, found by name.
public struct StageRegistry: Sendable {
  public private(set) var types: [StageType]

  public init(_ stages: [any StageConfig.Type]) {
    self.types = stages.map { StageType($0) }
  }

  public init(types: [StageType]) {
    self.types = types
  }

  public var names: [String] { types.map(\.name) }

  public func stage(named name: String) -> StageType? {
    types.first { $0.name == name }
  }

  /// Adds a plugin's stage type; false when a stage of that name exists already.
  public mutating func add(_ type: StageType) -> Bool {
    guard stage(named: type.name) == nil else { return false }
    types.append(type)
    return true
  }
}
