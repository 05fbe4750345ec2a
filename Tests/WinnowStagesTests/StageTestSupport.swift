import Testing
import WinnowCore
import WinnowTestSupport
@testable import WinnowStages

/// Builds a stage with its defaults, `overrides` applied, paths resolved against the
/// repository's pipelines/ directory (where the rule packs live).
func makeStage<Config: StageConfig>(_ type: Config.Type, _ overrides: [String: OptionValue] = [:]) throws -> any DocumentStage {
  var values = StageOptions.defaults(for: Config.options).values
  for (key, value) in overrides { values[key] = value }
  return try Config(options: StageOptions(values)).build(StageContext(baseDirectory: packageRoot() + "/pipelines"))
}

func textDocument(_ text: String, format: InputFormat = .txt, path: String = "site/page.txt") -> Document {
  Document(id: path, source: SourceInfo(path: path, format: format), text: text)
}

extension Optional where Wrapped == String {
  /// Paragraphs of a cleaned text.
  var paragraphs: [String] { (self ?? "").components(separatedBy: "\n\n").filter { !$0.isEmpty } }
}
