import Foundation
import Testing
import WinnowCore
import WinnowTestSupport
@testable import WinnowStages

/// `langid` with `fasttext_model`: a model trained here from a few lines (no download), read
/// through Debian's libfasttext, naming languages instead of CLD2.
@Suite struct FastTextLangIDTests {
  static let english = [
    "The city council said on Monday that subway fares will rise next year.",
    "The operator has run deficits for a decade and buses will follow in the spring.",
    "Residents asked the mayor to keep the night buses running after midnight.",
    "The weather service expects heavy rain along the coast this weekend.",
  ]
  static let german = [
    "Der Stadtrat teilte am Montag mit, dass die Fahrpreise im nächsten Jahr steigen werden.",
    "Der Betreiber schreibt seit zehn Jahren Verluste und die Busse folgen im Frühjahr.",
    "Die Anwohner baten den Bürgermeister, die Nachtbusse nach Mitternacht fahren zu lassen.",
    "Der Wetterdienst erwartet an diesem Wochenende starken Regen an der Küste.",
  ]
  static let korean = [
    "시의회는 월요일 내년부터 지하철 요금이 오른다고 밝혔다.",
    "운영사는 10년째 적자를 내고 있으며 버스 요금도 봄에 오를 예정이다.",
    "주민들은 시장에게 자정 이후에도 심야 버스를 운행해 달라고 요청했다.",
    "기상청은 이번 주말 해안 지역에 많은 비가 내릴 것으로 내다봤다.",
  ]

  /// A model trained on the sentences above (the same file gives the same model).
  static func model(in directory: TemporaryDirectory) throws -> String {
    var lines: [String] = []
    for _ in 0..<20 {
      lines += english.map { "__label__en " + $0 } + german.map { "__label__de " + $0 } + korean.map { "__label__ko " + $0 }
    }
    let input = try directory.write("train.txt", lines.joined(separator: "\n") + "\n")
    try FastTextModel.train(input: input, output: directory.path + "/lid", epochs: 25)
    return directory.path + "/lid.bin"
  }

  func stage(_ model: String, _ overrides: [String: OptionValue] = [:]) throws -> any DocumentStage {
    var values = StageOptions.defaults(for: LangIDConfig.options).values
    values["fasttext_model"] = .string(model)
    for (key, value) in overrides { values[key] = value }
    return try LangIDConfig(options: StageOptions(values)).build(StageContext(baseDirectory: "/"))
  }

  @Test func theModelNamesTheLanguageAndItsProbabilityIsTheScore() throws {
    let directory = try TemporaryDirectory()
    let path = try Self.model(in: directory)
    let langid = try stage(path, ["single_script_share": .double(0)])
    for (text, code) in [
      ("The council expects the fares to rise next year, the operator said.", "en"),
      ("Der Stadtrat erwartet, dass die Fahrpreise im nächsten Jahr steigen.", "de"),
      ("시의회는 내년 지하철 요금이 오를 것으로 내다봤다.", "ko"),
    ] {
      var document = textDocument(text)
      #expect(try langid.process(&document) == .keep)
      #expect(document.meta.lang == code, "\(text)")
      let score = try #require(document.meta.langScore)
      #expect(score > 0.5 && score <= 1, "\(code): \(score)")
      #expect(document.counters.map(\.name) == ["lang:" + code])
    }
    // Dropped by `languages` as with CLD2, the detail naming the model's answer.
    var english = textDocument("The weather service expects rain this weekend.")
    guard case .drop(let drop) = try stage(path, ["languages": .strings(["ko"])]).process(&english) else {
      Issue.record("kept")
      return
    }
    #expect(drop.reason == "language" && drop.detail.hasPrefix("en (score "), "\(drop.detail)")
  }

  @Test func aModelThatCannotBeReadIsAnOptionErrorNamingTheFile() throws {
    let directory = try TemporaryDirectory()
    #expect(throws: OptionError(option: "fasttext_model", "cannot read '\(directory.path)/none.bin': no such file, or not readable")) {
      try stage(directory.path + "/none.bin")
    }
    let notAModel = try directory.write("notes.bin", "not a model\n")
    do {
      _ = try stage(notAModel)
      Issue.record("no error")
    } catch let error as OptionError {
      #expect(error.option == "fasttext_model")
      #expect(error.message.hasPrefix("'\(notAModel)' is not a fastText model ("), "\(error.message)")
    }
  }

  /// Through the binary: the model path relative to the pipeline file, the model's answers in
  /// the records and the rejects, the model in the manifest, and a missing model named at its
  /// place in the pipeline file.
  @Test func throughTheBinary() throws {
    let directory = try TemporaryDirectory()
    let model = try Self.model(in: directory)
    try FileManager.default.createDirectory(atPath: directory.path + "/models", withIntermediateDirectories: true)
    try FileManager.default.moveItem(atPath: model, toPath: directory.path + "/models/lid.bin")
    _ = try directory.write(
      "in/feed.jsonl",
      "{\"id\":\"en-1\",\"text\":\"The weather service expects heavy rain along the coast this weekend.\"}\n"
        + "{\"id\":\"de-1\",\"text\":\"Der Wetterdienst erwartet an diesem Wochenende starken Regen an der Küste.\"}\n")
    _ = try directory.write(
      "p.yaml",
      "version: 1\ninput: {path: in}\noutput: {path: out/clean.jsonl}\nstages:\n  - decode: {}\n"
        + "  - langid: {fasttext_model: models/lid.bin, languages: [en]}\n")
    let result = try runWinnow(["run", "p.yaml", "--quiet"], in: directory.path)
    #expect(result.status == 0, "\(result.stderr)")
    let kept = try readJSONLines(directory.path + "/out/clean.jsonl")
    #expect(kept.map { "\($0["id"] ?? "") \($0["lang"] ?? "")" } == ["en-1 en"])
    let rejects = try readJSONLines(directory.path + "/out/clean.rejects.jsonl")
    #expect(rejects.map { "\($0["id"] ?? "") \($0["reason"] ?? "")" } == ["de-1 language"])
    let manifest = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/out/clean.manifest.json"))) as? [String: Any])
    let plugins = try #require(manifest["plugins"] as? [[String: Any]])
    #expect(plugins.count == 1 && plugins.first?["kind"] as? String == "model" && plugins.first?["stage"] as? String == "langid")
    #expect((plugins.first?["path"] as? String)?.hasSuffix("models/lid.bin") == true && (plugins.first?["sha256"] as? String)?.count == 64)

    _ = try directory.write(
      "q.yaml", "version: 1\ninput: {path: in}\noutput: {path: out/q.jsonl}\nstages:\n  - decode: {}\n  - langid: {fasttext_model: models/none.bin}\n")
    let missing = try runWinnow(["run", "q.yaml", "--quiet"], in: directory.path)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("q.yaml:6:30: error: [stages[1].langid.fasttext_model] cannot read '"), "\(missing.stderr)")
  }

  @Test func theModelFileIsRecordedForTheManifest() throws {
    let directory = try TemporaryDirectory()
    let path = try Self.model(in: directory)
    let langid = try #require(try stage(path) as? any ExternalCode)
    #expect(langid.codeFiles == [path])
    #expect(langid.codeKind == "model")
  }
}
