import Foundation
import Testing
import WinnowCore
import WinnowTestSupport

/// Loads `yaml` as `pipe.yaml` in a fresh directory that also holds an `in/` input folder.
func loadConfig(_ yaml: String, overrides: ConfigOverrides = ConfigOverrides()) throws -> Result<Pipeline, ConfigError> {
  let directory = try TemporaryDirectory()
  try directory.write("in/a.txt", "hello")
  let file = try directory.write("pipe.yaml", yaml)
  do {
    return .success(try ConfigLoader(registry: FakeStages.registry).load(file: file, overrides: overrides))
  } catch {
    return .failure(error)
  }
}

/// The diagnostics of a config that must fail, with the temporary path replaced by "pipe.yaml".
func configErrors(_ yaml: String) throws -> [String] {
  guard case .failure(let error) = try loadConfig(yaml) else {
    Issue.record("config was accepted")
    return []
  }
  return error.diagnostics.map { diagnostic in
    var copy = diagnostic
    copy.file = "pipe.yaml"
    return copy.description
  }
}

let validHead = """
  version: 1
  input: {path: in}
  output: {path: out/clean.jsonl}

  """

@Suite struct ConfigLoaderTests {
  @Test func acceptsAValidPipelineAndFillsDefaults() throws {
    let result = try loadConfig(validHead + "stages:\n  - decode\n  - keyword_filter: {min_words: 3}\n")
    let pipeline = try result.get()
    #expect(pipeline.stages.map(\.name) == ["decode", "keyword_filter"])
    #expect(pipeline.stages[1].options.int("min_words") == 3)
    #expect(pipeline.stages[1].options.string("keyword") == "spam")
    #expect(pipeline.input.textField == "text")
    #expect(pipeline.output.path.hasSuffix("out/clean.jsonl"))
    #expect(pipeline.output.rejects.hasSuffix("out/clean.rejects.jsonl"))
    #expect(pipeline.input.paths.count == 1 && pipeline.input.paths[0].hasSuffix("/in"))
  }

  @Test func unknownStageNamesFileLineColumnAndSuggests() throws {
    let errors = try configErrors(validHead + "stages:\n  - decode: {}\n  - keyword_filtr: {}\n")
    #expect(errors == [
      """
      pipe.yaml:6:5: error: [stages[1]] unknown stage 'keyword_filtr'; did you mean 'keyword_filter'?
          - keyword_filtr: {}
            ^
      """
    ])
  }

  @Test func unknownOptionKeySuggestsNearest() throws {
    let errors = try configErrors(validHead + "stages:\n  - decode\n  - keyword_filter:\n      min_wrods: 3\n")
    #expect(errors.first?.hasPrefix("pipe.yaml:7:7: error: [stages[1].keyword_filter] unknown key 'min_wrods'; did you mean 'min_words'?") == true)
  }

  @Test func collectsEveryErrorBeforeFailing() throws {
    let yaml = """
      version: 1
      inptu: {path: in}
      output: {path: out.jsonl}
      stages:
        - decode
        - keyword_filter: {min_words: -1, max_ratio: 2, mode: loose, enabled: maybe, tags: [a, c]}
      """
    let errors = try configErrors(yaml)
    let firstLines = errors.map { String($0.split(separator: "\n")[0]) }
    #expect(firstLines == [
      "pipe.yaml:2:1: error: unknown key 'inptu'; did you mean 'input'?",
      "pipe.yaml:1:1: error: no input: set 'input.path' or pass --input",
      "pipe.yaml:6:33: error: [stages[1].keyword_filter.min_words] -1 is out of range; expected int (0…1000)",
      "pipe.yaml:6:48: error: [stages[1].keyword_filter.max_ratio] 2 is out of range; expected number (0…1)",
      "pipe.yaml:6:57: error: [stages[1].keyword_filter.mode] unknown value 'loose'; expected one of: 'strict', 'lenient'",
      "pipe.yaml:6:73: error: [stages[1].keyword_filter.enabled] expected true or false, got 'maybe'",
      "pipe.yaml:6:90: error: [stages[1].keyword_filter.tags[1]] unknown value 'c'; expected one of: 'a', 'b'",
    ])
  }

  @Test func stageValidationErrorPointsAtTheOption() throws {
    let errors = try configErrors(validHead + "stages:\n  - decode\n  - keyword_filter: {keyword: abcdefghijklmnopqrstuvwxyz}\n")
    #expect(errors.first?.hasPrefix("pipe.yaml:6:31: error: [stages[1].keyword_filter.keyword] keyword is longer than 20 characters") == true, "\(errors)")
  }

  @Test func requiresVersionAndRejectsNewerOnes() throws {
    let missing = try configErrors("input: {path: in}\noutput: {path: o.jsonl}\nstages: [decode]\n")
    #expect(missing.first?.contains("missing required key 'version'") == true)
    let newer = try configErrors("version: 2\ninput: {path: in}\noutput: {path: o.jsonl}\nstages: [decode]\n")
    #expect(newer.first?.hasPrefix("pipe.yaml:1:10: error: [version] pipeline version 2 is newer than this winnow supports (highest: 1)") == true)
  }

  @Test func textStagesNeedDecodeFirst() throws {
    let errors = try configErrors(validHead + "stages:\n  - keyword_filter\n  - decode\n")
    #expect(errors.first?.hasPrefix("pipe.yaml:5:5: error: [stages[0]] stage 'keyword_filter' needs decoded text; put 'decode' before it") == true)
  }

  @Test func missingInputPathIsAnErrorAtItsPosition() throws {
    let errors = try configErrors("version: 1\ninput: {path: nowhere}\noutput: {path: o.jsonl}\nstages: [decode]\n")
    #expect(errors.first?.hasPrefix("pipe.yaml:2:15: error: [input.path] input 'nowhere' does not exist") == true)
  }

  @Test func yamlSyntaxErrorsHaveAPosition() throws {
    let errors = try configErrors("version: 1\nstages: [decode\n")
    #expect(errors.first?.hasPrefix("pipe.yaml:3:1: error: invalid YAML") == true)
  }

  @Test func stageEntryWithTwoKeysIsAnError() throws {
    let errors = try configErrors(validHead + "stages:\n  - {decode: {}, keyword_filter: {}}\n")
    #expect(errors.first?.contains("[stages[0]] a stage entry has exactly one key") == true)
  }

  @Test func commandLineOverridesReplaceFileValues() throws {
    let directory = try TemporaryDirectory()
    let other = try directory.write("other/b.txt", "x")
    let pipeline = try loadConfig(
      validHead + "stages: [decode]\n",
      overrides: ConfigOverrides(inputs: [(other as NSString).deletingLastPathComponent], output: "/tmp/o.jsonl", rejects: "/tmp/r.jsonl")
    ).get()
    #expect(pipeline.input.paths == [(other as NSString).deletingLastPathComponent])
    #expect(pipeline.output.path == "/tmp/o.jsonl")
    #expect(pipeline.output.rejects == "/tmp/r.jsonl")
  }

  @Test func pathsResolveAgainstThePipelineFile() throws {
    let directory = try TemporaryDirectory()
    try directory.write("data/a.txt", "x")
    let file = try directory.write("conf/pipe.yaml", "version: 1\ninput: {path: ../data}\noutput: {path: ../out/c.jsonl}\nstages: [decode]\n")
    let pipeline = try ConfigLoader(registry: FakeStages.registry).load(file: file)
    #expect(pipeline.input.paths == [directory.path + "/data"])
    #expect(pipeline.output.path == directory.path + "/out/c.jsonl")
  }

  @Test func nearestNameFindsTyposOnly() {
    #expect(nearestName(to: "decod", in: ["decode", "normalize"]) == "decode")
    #expect(nearestName(to: "NORMALISE", in: ["decode", "normalize"]) == "normalize")
    #expect(nearestName(to: "xyz", in: ["decode", "normalize"]) == nil)
  }
}
