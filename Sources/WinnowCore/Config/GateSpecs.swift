/// The data-quality gates a `gates:` section (in a pipeline file, or a gates file for `winnow
/// check`) may set. Each is off at its default unless said otherwise.
public enum GateSpecs {
  public static let fields = ["title", "published", "authors", "outlet", "url", "lang"]
  public static let scripts = ["any", "Hangul", "Latin", "Han", "Hiragana", "Katakana", "Cyrillic", "Arabic", "Thai"]

  public static let options: [OptionSpec] = [
    OptionSpec("min_documents", .int(0...Int.max), default: .int(0), "fewest records in the output"),
    OptionSpec("max_drop_ratio", .double(0...1), default: .double(1), "most share of the input documents rejected (needs the run's counts)"),
    OptionSpec("max_stage_drop_ratio", .double(0...1), default: .double(1),
               "most share of the documents reaching a stage that the stage drops, for every stage (needs the run's counts)"),
    OptionSpec("valid_text", .bool, default: .bool(true), "every record has a non-empty text, valid UTF-8, in NFC"),
    OptionSpec("max_pii", .int(-1...Int.max), default: .int(-1), "most e-mail addresses, phone numbers and RRNs left in all texts (-1: off)"),
    OptionSpec("boilerplate_rules", .path, default: .string(""), "a rule pack whose line rules are run over the output (empty: off)"),
    OptionSpec("max_residual_boilerplate", .int(0...Int.max), default: .int(0), "most output lines those rules still match"),
    OptionSpec("max_near_duplicate_ratio", .double(0...1), default: .double(1),
               "most share of records that are copies of an earlier record, checked again by MinHash (char 5-grams, threshold 0.8)"),
    OptionSpec("min_median_chars", .int(0...Int.max), default: .int(0), "least median text length in characters"),
    OptionSpec("script", .choice(scripts), default: .string("any"), "script of the expected language"),
    OptionSpec("min_script_share", .double(0...1), default: .double(0), "least share of records whose letters are mostly in that script"),
    OptionSpec("required_fields", .stringList(allowed: fields), default: .strings([]), "metadata fields records should have"),
    OptionSpec("min_required_share", .double(0...1), default: .double(1), "least share of records having every required field"),
  ]
}

/// A validated `gates:` section: every gate's value, defaults filled in, paths resolved.
public struct GateSettings: Sendable {
  public var options: StageOptions
  /// The gates the file named (others keep their defaults); shown first in reports.
  public var configured: [String]
  /// Where relative paths (boilerplate_rules) resolve.
  public var baseDirectory: String

  public init(options: StageOptions, configured: [String], baseDirectory: String) {
    self.options = options
    self.configured = configured
    self.baseDirectory = baseDirectory
  }
}
