import Foundation
import Testing
import WinnowTestSupport

/// Plugin stages end to end: exec programs, Swift plugin libraries and rule stages, each
/// through the built binary.
@Suite(.serialized) struct PluginTests {
  let root = packageRoot()

  /// A JSONL input of documents with these ids (text: a sentence naming the id).
  func input(_ directory: TemporaryDirectory, ids: [String]) throws -> String {
    let lines = ids.map { #"{"id":"\#($0)","text":"문서 \#($0)의 본문입니다. 두 번째 문장입니다.","site":"s"}"# }
    return try directory.write("in/docs.jsonl", lines.joined(separator: "\n") + "\n")
  }

  func pipeline(_ directory: TemporaryDirectory, stages: String, extra: String = "") throws -> String {
    try directory.write("pipeline.yaml", """
      version: 1
      \(extra)
      input: {path: in}
      output: {path: out/clean.jsonl}
      stages:
        - decode: {}
      \(stages)
      """)
  }

  func byID(_ records: [[String: Any]]) -> [String: [String: Any]] {
    Dictionary(uniqueKeysWithValues: records.map { ($0["id"] as? String ?? "", $0) })
  }

  // MARK: exec

  @Test func execStageChangesTextAddsFieldsAndRejectsFaultsWithoutStopping() throws {
    let directory = try TemporaryDirectory()
    let ids = [
      "ok-1", "upper-a", "crash-1", "ok-2", "garbage-1", "ok-3", "swap-1", "hang-1", "ok-4", "partial-1", "ok-5", "anon-1",
      "double-1", "ok-6", "ok-7",
    ]
    try input(directory, ids: ids)
    let faulty = root + "/Tests/winnowTests/Fixtures/plugins/faulty.py"
    // A restarted program's first answer gets startup_timeout_ms: keep it short here too.
    let file = try pipeline(
      directory, stages: "  - exec: {command: [python3, '\(faulty)'], name: faulty, timeout_ms: 1500, startup_timeout_ms: 3000}")
    let started = Date()
    let result = try runWinnow(["run", file, "--jobs", "1"])
    #expect(result.status == 0, "\(result.stderr)")
    // The hung program is killed at its timeout, not waited for (it sleeps 60 s).
    #expect(Date().timeIntervalSince(started) < 30)
    let clean = byID(try readJSONLines(directory.path + "/out/clean.jsonl"))
    let rejects = byID(try readJSONLines(directory.path + "/out/clean.rejects.jsonl"))
    #expect(clean.keys.sorted() == ["double-1", "ok-1", "ok-2", "ok-3", "ok-4", "ok-5", "ok-7", "upper-a"])
    #expect(clean["ok-1"]?["seen_by"] as? String == "faulty")
    #expect(clean["ok-1"]?["site"] as? String == "s")
    #expect(clean["upper-a"]?["text"] as? String == "문서 UPPER-A의 본문입니다. 두 번째 문장입니다.")
    // Each fault is the document's reject, with the stage's name, the id and what came back.
    func detail(_ id: String) -> String { rejects[id]?["detail"] as? String ?? "" }
    #expect(rejects["crash-1"]?["reason"] as? String == "plugin_crash")
    #expect(rejects["crash-1"]?["stage"] as? String == "faulty")
    #expect(detail("crash-1").contains("plugin 'faulty' on document 'crash-1': exited with status 3"))
    #expect(rejects["garbage-1"]?["reason"] as? String == "plugin_error")
    #expect(detail("garbage-1").contains("not a JSON object"))
    #expect(detail("garbage-1").contains("this is not json"))
    #expect(rejects["swap-1"]?["reason"] as? String == "plugin_error")
    #expect(detail("swap-1").contains("answered for document 'someone-else' when the answer for 'swap-1' was due"))
    #expect(rejects["hang-1"]?["reason"] as? String == "timeout")
    #expect(detail("hang-1").contains("within startup_timeout_ms (3000), its first answer"))
    // Half a line, then the program exits: a crash, with what it wrote.
    #expect(rejects["partial-1"]?["reason"] as? String == "plugin_crash")
    #expect(detail("partial-1").contains(#"exited with status 0 while on it; its last output: {"id": "partial-1"#))
    // A drop must name its document too.
    #expect(rejects["anon-1"]?["reason"] as? String == "plugin_error")
    #expect(detail("anon-1").contains("answered without an 'id'"))
    // A second answer for one document is taken for the next one's: the ids catch it.
    #expect(rejects["ok-6"]?["reason"] as? String == "plugin_error")
    #expect(detail("ok-6").contains("answered for document 'double-1' when the answer for 'ok-6' was due"))
    // The rejected documents keep their original text.
    #expect(rejects["crash-1"]?["text"] as? String == "문서 crash-1의 본문입니다. 두 번째 문장입니다.")
    #expect(result.stderr.contains("restarting it (7 of max_restarts 10)"), "\(result.stderr)")
    let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/out/clean.manifest.json"))) as? [String: Any])
    let counts = try #require(manifest["counts"] as? [String: Any])
    let stages = try #require(counts["stages"] as? [[String: Any]])
    #expect(stages.map { $0["name"] as? String } == ["decode", "faulty"])
    #expect(stages.last?["dropped_by_reason"] as? [String: Int] == ["plugin_crash": 2, "plugin_error": 4, "timeout": 1])
  }

  @Test func aProgramsStartUpHasItsOwnTimeout() throws {
    let directory = try TemporaryDirectory()
    try input(directory, ids: ["slowstart-1", "ok-1"])
    let faulty = root + "/Tests/winnowTests/Fixtures/plugins/faulty.py"
    // The first answer takes 1.5 s (a model loading): over timeout_ms, within startup_timeout_ms.
    var file = try pipeline(directory, stages: "  - exec: {command: [python3, '\(faulty)'], name: slow, timeout_ms: 500}")
    var result = try runWinnow(["run", file, "--jobs", "1"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try readJSONLines(directory.path + "/out/clean.jsonl").count == 2)
    file = try pipeline(directory, stages: "  - exec: {command: [python3, '\(faulty)'], name: slow, timeout_ms: 500, startup_timeout_ms: 1000}")
    result = try runWinnow(["run", file, "--jobs", "1"])
    #expect(result.status == 0, "\(result.stderr)")
    let rejects = try readJSONLines(directory.path + "/out/clean.rejects.jsonl")
    #expect(rejects.first?["detail"] as? String == "plugin 'slow' gave no answer for document 'slowstart-1' within startup_timeout_ms (1000), its first answer")
  }

  @Test func aProgramThatEndsBetweenBatchesCostsNoDocument() throws {
    let directory = try TemporaryDirectory()
    // Batches hold 64 documents: the program answers the first batch's last one and exits.
    try input(directory, ids: (0..<70).map { $0 == 63 ? "exitafter-63" : "ok-\($0)" })
    let faulty = root + "/Tests/winnowTests/Fixtures/plugins/faulty.py"
    let file = try pipeline(directory, stages: "  - exec: {command: [python3, '\(faulty)'], name: faulty}")
    let result = try runWinnow(["run", file, "--jobs", "1"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try readJSONLines(directory.path + "/out/clean.jsonl").count == 70)
    #expect(try readJSONLines(directory.path + "/out/clean.rejects.jsonl").isEmpty)
  }

  @Test func execStageBeforeALearningStageHasABudgetPerPass() throws {
    let directory = try TemporaryDirectory()
    try input(directory, ids: ["crash-1", "ok-1", "crash-2", "ok-2", "crash-3", "ok-3"])
    let faulty = root + "/Tests/winnowTests/Fixtures/plugins/faulty.py"
    let rules = root + "/pipelines/rules/ko-news.yaml"
    let stages = """
        - exec: {command: [python3, '\(faulty)'], name: faulty, max_restarts: MAX}
        - boilerplate: {rules: '\(rules)', corpus_min_docs: 2}
      """
    // Three crashes in each pass: within a budget of three per pass.
    var file = try pipeline(directory, stages: stages.replacingOccurrences(of: "MAX", with: "3"))
    var result = try runWinnow(["run", file, "--jobs", "1"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try readJSONLines(directory.path + "/out/clean.rejects.jsonl").map { $0["reason"] as? String } == Array(repeating: "plugin_crash", count: 3))
    // Over the budget in the first pass: the run stops there, and says so.
    file = try pipeline(directory, stages: stages.replacingOccurrences(of: "MAX", with: "2"))
    result = try runWinnow(["run", file, "--jobs", "1"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("plugin 'faulty' failed 3 times (max_restarts: 2)"), "\(result.stderr)")
    #expect(result.stderr.contains("(in the first pass, learning for stages[2] 'boilerplate')"), "\(result.stderr)")
  }

  @Test func execStageStopsTheRunAfterMaxRestarts() throws {
    let directory = try TemporaryDirectory()
    try input(directory, ids: (0..<20).map { "crash-\($0)" })
    let faulty = root + "/Tests/winnowTests/Fixtures/plugins/faulty.py"
    let file = try pipeline(directory, stages: "  - exec: {command: [python3, '\(faulty)'], name: faulty, max_restarts: 2}")
    let result = try runWinnow(["run", file, "--jobs", "1"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("stages[1] 'faulty': plugin 'faulty' failed 3 times (max_restarts: 2)"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.path + "/out/clean.jsonl"))
  }

  @Test func execStageOutputIsTheSameWithAnyNumberOfWorkers() throws {
    let directory = try TemporaryDirectory()
    try input(directory, ids: (0..<500).map { $0 % 7 == 0 ? "upper-\($0)" : "ok-\($0)" })
    let faulty = root + "/Tests/winnowTests/Fixtures/plugins/faulty.py"
    let file = try pipeline(directory, stages: "  - exec: {command: [python3, '\(faulty)'], name: faulty}")
    var hashes: [String] = []
    for jobs in ["1", "4"] {
      let output = directory.path + "/out-\(jobs).jsonl"
      let result = try runWinnow(["run", file, "--jobs", jobs, "--output", output])
      #expect(result.status == 0, "\(result.stderr)")
      hashes.append(sha256sum(try Data(contentsOf: URL(fileURLWithPath: output))))
    }
    #expect(hashes[0] == hashes[1])
    #expect(try readJSONLines(directory.path + "/out-1.jsonl").count == 500)
  }

  @Test func theDocumentedExecExamplesRunOnTheSamples() throws {
    let directory = try TemporaryDirectory()
    let output = directory.path + "/exec.jsonl"
    let result = try runWinnow(["run", "Examples/exec.yaml", "--output", output], in: root)
    #expect(result.status == 0, "\(result.stderr)")
    let clean = try readJSONLines(output)
    #expect(clean.count > 10)
    for record in clean {
      let text = try #require(record["text"] as? String)
      // toxicity.py adds its score; min-length.sh (jq) the length, and drops short texts.
      #expect(record["toxicity"] is NSNumber)
      #expect((record["chars"] as? Int) == text.count)
      #expect(text.count >= 200)
    }
    let rejects = try readJSONLines(directory.path + "/exec.rejects.jsonl")
    #expect(rejects.contains { $0["stage"] as? String == "min_length" && $0["reason"] as? String == "too_short" })
  }

  @Test func verifyNoticesAChangedExecScript() throws {
    let directory = try TemporaryDirectory()
    try input(directory, ids: ["a", "b"])
    let script = try directory.write("echo.sh", "#!/bin/sh\nexec cat\n")
    chmod(script, 0o755)
    let file = try pipeline(directory, stages: "  - exec: {command: [./echo.sh], name: echo}")
    #expect(try runWinnow(["run", file, "--quiet"]).status == 0)
    let manifest = directory.path + "/out/clean.manifest.json"
    var result = try runWinnow(["verify", manifest])
    #expect(result.status == 0, "\(result.stderr)")
    try directory.write("echo.sh", "#!/bin/sh\n# now different\nexec cat\n")
    chmod(script, 0o755)
    result = try runWinnow(["verify", manifest])
    #expect(result.status == 1)
    #expect(result.stderr.contains("exec stage 'echo' file '\(directory.path)/echo.sh' changed"), "\(result.stderr)")
  }

  /// The examples docs/PLUGINS.md shows are the files the tests run, word for word.
  @Test func pluginGuideShowsTheExampleFilesAsTheyAre() throws {
    let guide = try String(contentsOfFile: root + "/docs/PLUGINS.md", encoding: .utf8)
    for file in ["Examples/exec/toxicity.py", "Examples/exec/min-length.sh", "Examples/WordCountPlugin/Sources/WordCountPlugin/WordCount.swift"] {
      let contents = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
      #expect(guide.contains("\n" + contents + "```\n"), "docs/PLUGINS.md does not show \(file) as it is")
    }
  }

  @Test func execStageConfigErrorsNameTheKey() throws {
    let directory = try TemporaryDirectory()
    try input(directory, ids: ["a"])
    let missing = try pipeline(directory, stages: "  - exec: {command: [no-such-program-here], name: x}")
    var result = try runWinnow(["run", missing])
    #expect(result.status == 2)
    #expect(result.stderr.contains("pipeline.yaml:7:"))
    #expect(result.stderr.contains("[stages[1].exec.command[0]] program 'no-such-program-here' not found or not executable on PATH"))
    let empty = try pipeline(directory, stages: "  - exec: {name: x}")
    result = try runWinnow(["validate", empty])
    #expect(result.status == 2)
    #expect(result.stderr.contains("'command' is required"))
  }
}

/// The documented rules file (Examples/rules/my-rules.yaml) through the binary.
struct RuleStageEndToEndTests {
  @Test func theDocumentedRulesFileRunsWithAuditAndHitCounts() throws {
    let directory = try TemporaryDirectory()
    let body = "정부는 오늘 새 교통 정책을 발표했다. 정책은 내년 1월부터 시행된다. 시민들은 대체로 환영하는 분위기다."
    let contact = "문의는 010-1234-5678 번으로 하면 자세한 안내를 받을 수 있다고 회사는 설명했다."
    try directory.write("in/news.txt", "\(body)\n\n앱 다운로드 하고 속보 받기\n\n\(contact)\n")
    try directory.write("in/advert.txt", "[광고] 특별 할인 행사\n\n\(body)\n")
    try directory.write("in/odds.txt", "\(body)\n\n오늘 경기 배당률 분석\n\n배당 흐름 총정리\n\n내일 배당률 예측\n")
    let output = directory.path + "/out/rules.jsonl"
    let result = try runWinnow(["run", "Examples/rules.yaml", "--input", directory.path + "/in", "--output", output], in: packageRoot())
    #expect(result.status == 0, "\(result.stderr)")
    let clean = try readJSONLines(output)
    #expect(clean.map { $0["id"] as? String } == ["news.txt"])
    let text = clean.first?["text"] as? String ?? ""
    #expect(text.contains("문의는 010-****-5678 번으로"))
    #expect(!text.contains("앱 다운로드"))
    let removed = clean.first?["removed"] as? [[String: Any]] ?? []
    #expect(removed.contains { $0["stage"] as? String == "rules" && $0["rule"] as? String == "app_promo" && $0["line"] as? String == "앱 다운로드 하고 속보 받기" })
    let rejects = Dictionary(uniqueKeysWithValues: try readJSONLines(directory.path + "/out/rules.rejects.jsonl").map { ($0["id"] as? String ?? "", $0) })
    #expect(rejects["advert.txt"]?["reason"] as? String == "advertorial")
    #expect(rejects["advert.txt"]?["rule"] as? String == "advertorial")
    #expect(rejects["odds.txt"]?["reason"] as? String == "spam")
    #expect(rejects["odds.txt"]?["rule"] as? String == "betting_odds")
    // Every rule's hits, zero included, in the summary and the manifest.
    #expect(result.stderr.contains("rule:advertorial 1, rule:app_promo 1, rule:betting_odds 1, rule:mask_mobile 1, rule:photo_counter 0"), "\(result.stderr)")
    let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/out/rules.manifest.json"))) as? [String: Any])
    let stages = try #require((manifest["counts"] as? [String: Any])?["stages"] as? [[String: Any]])
    #expect(stages.first { $0["name"] as? String == "rules" }?["counters"] as? [String: Int] == ["rule:advertorial": 1, "rule:app_promo": 1, "rule:betting_odds": 1, "rule:mask_mobile": 1, "rule:photo_counter": 0])
  }
}

/// The example Swift plugin library (Examples/WordCountPlugin), built by `make plugins`.
struct PluginLibraryTests {
  let root = packageRoot()
  var library: String { root + "/Examples/WordCountPlugin/.build/release/libWordCountPlugin.so" }

  func requireLibrary() throws {
    try #require(FileManager.default.fileExists(atPath: library), "\(library) is missing: run 'make plugins' (make test does)")
  }

  func pipeline(_ directory: TemporaryDirectory, plugin: String, stage: String) throws -> String {
    try directory.write("in/docs.jsonl", """
      {"id":"short","text":"짧은 글입니다."}
      {"id":"long","text":"이 문서는 단어가 여러 개 있는 조금 더 긴 글입니다. 두 번째 문장도 있습니다."}

      """)
    return try directory.write("pipeline.yaml", """
      version: 1
      plugins: ['\(plugin)']
      input: {path: in}
      output: {path: out/clean.jsonl}
      stages:
        - decode: {}
        \(stage)
      """)
  }

  @Test func theExamplePluginRunsInAPipeline() throws {
    try requireLibrary()
    let directory = try TemporaryDirectory()
    let file = try pipeline(directory, plugin: library, stage: "- word_count: {min_words: 5, field: n_words}")
    let result = try runWinnow(["run", file])
    #expect(result.status == 0, "\(result.stderr)")
    let clean = try readJSONLines(directory.path + "/out/clean.jsonl")
    #expect(clean.map { $0["id"] as? String } == ["long"])
    #expect(clean.first?["n_words"] as? Int == 14)
    let rejects = try readJSONLines(directory.path + "/out/clean.rejects.jsonl")
    #expect(rejects.first?["stage"] as? String == "word_count")
    #expect(rejects.first?["reason"] as? String == "too_few_words")
    #expect(rejects.first?["detail"] as? String == "2 words < min_words 5")
    // The manifest records the library and its hash.
    let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/out/clean.manifest.json"))) as? [String: Any])
    let plugins = try #require(manifest["plugins"] as? [[String: Any]])
    #expect(plugins.first?["sha256"] as? String == sha256sum(try Data(contentsOf: URL(fileURLWithPath: library))))
  }

  @Test func theDocumentedPluginPipelineRuns() throws {
    try requireLibrary()
    let directory = try TemporaryDirectory()
    let result = try runWinnow(["run", "Examples/plugin.yaml", "--output", directory.path + "/plugin.jsonl"], in: root)
    #expect(result.status == 0, "\(result.stderr)")
    let clean = try readJSONLines(directory.path + "/plugin.jsonl")
    #expect(!clean.isEmpty && clean.allSatisfy { ($0["word_count"] as? Int ?? 0) >= 40 })
  }

  @Test func pluginStagesValidateLikeBuiltIns() throws {
    try requireLibrary()
    let directory = try TemporaryDirectory()
    let cases: [(stage: String, expected: String)] = [
      ("- word_count: {min_word: 5}", "pipeline.yaml:7:18: error: [stages[1].word_count] unknown key 'min_word'; did you mean 'min_words'?"),
      ("- word_count: {min_words: many}", "[stages[1].word_count.min_words] expected a whole number, got 'many'"),
      ("- word_count: {min_words: -1}", "[stages[1].word_count.min_words] -1 is out of range; expected int (0…1000000)"),
      // The plugin's own check, shown at the option's place.
      ("- word_count: {field: text}", "pipeline.yaml:7:25: error: [stages[1].word_count.field] 'text' is winnow's own field; choose another name"),
      ("- word_count: {min_words: 5, timeout_ms: -3}", "[stages[1].word_count.timeout_ms] -3 is out of range"),
    ]
    for (stage, expected) in cases {
      let file = try pipeline(directory, plugin: library, stage: stage)
      let result = try runWinnow(["validate", file])
      #expect(result.status == 2, "\(stage)")
      #expect(result.stderr.contains(expected), "\(stage): \(result.stderr)")
    }
    // A misspelt stage name is suggested from the plugin's stages too.
    let file = try pipeline(directory, plugin: library, stage: "- word_counts: {}")
    let result = try runWinnow(["validate", file])
    #expect(result.stderr.contains("unknown stage 'word_counts'; did you mean 'word_count'?"), "\(result.stderr)")
  }

  @Test func stagesListsPluginStagesWithTheirOptions() throws {
    try requireLibrary()
    let result = try runWinnow(["stages", "--plugin", library])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("word_count\n  count words"))
    #expect(result.stdout.contains("  - min_words: int (0…1000000) = 0\n"))
    #expect(result.stdout.contains("  - field: string = words\n"))
    let fromPipeline = try runWinnow(["stages", "--pipeline", "Examples/plugin.yaml"], in: root)
    #expect(fromPipeline.stdout.contains("(plugin: Examples/WordCountPlugin/.build/release/libWordCountPlugin.so)"), "\(fromPipeline.stderr)")
  }

  /// Compiles a C fixture into a shared library with the toolchain's clang.
  func compile(_ name: String, into directory: TemporaryDirectory) throws -> String {
    let output = directory.path + "/lib\(name).so"
    let clang = try runProcess("/usr/bin/env", [
      "clang", "-shared", "-fPIC", "-I", root + "/Sources/CWinnowPlugin/include",
      root + "/Tests/winnowTests/Fixtures/plugins/c/\(name).c", "-o", output,
    ])
    try #require(clang.status == 0, "clang failed on \(name).c: \(clang.stderr)")
    return output
  }

  @Test func aCPluginGetsResolvedPathsAndItsAnswersAreUsed() throws {
    let directory = try TemporaryDirectory()
    let library = try compile("probe", into: directory)
    // Named relative to the pipeline file, run from its directory: found there, not on the
    // system's library path.
    let file = try pipeline(directory, plugin: "libprobe.so", stage: "- c_probe: {model: models/m.bin, mode: upper}")
    try directory.write("in/docs.jsonl", "{\"id\":\"a\",\"text\":\"hello 세계\"}\n{\"id\":\"b\",\"text\":\"second\"}\n")
    var result = try runWinnow(["run", file, "--jobs", "4"], in: directory.path)
    #expect(result.status == 0, "\(result.stderr)")
    let clean = try readJSONLines(directory.path + "/out/clean.jsonl")
    #expect(clean.map { $0["text"] as? String } == ["HELLO 세계", "SECOND"])
    let options = clean.first?["probe_options"] as? [String: Any]
    #expect(options?["model"] as? String == directory.path + "/models/m.bin")
    #expect(options?["mode"] as? String == "upper")
    #expect(options?["timeout_ms"] == nil)
    // A nonzero status is the plugin's failure on that document; a drop is a drop.
    for (mode, reason) in [("fail", "plugin_error"), ("drop", "probe_drop")] {
      _ = try pipeline(directory, plugin: library, stage: "- c_probe: {mode: \(mode)}")
      result = try runWinnow(["run", file], in: directory.path)
      #expect(result.status == 0, "\(result.stderr)")
      let rejects = try readJSONLines(directory.path + "/out/clean.rejects.jsonl")
      #expect(rejects.map { $0["reason"] as? String } == [reason, reason], "\(mode)")
    }
  }

  @Test func theExamplePluginGivesTheSameOutputOnManyThreads() throws {
    try requireLibrary()
    let directory = try TemporaryDirectory()
    let lines = (0..<3000).map { #"{"id":"d\#($0)","text":"\#(String(repeating: "단어 ", count: $0 % 50))끝"}"# }
    try directory.write("in/docs.jsonl", lines.joined(separator: "\n") + "\n")
    let file = try directory.write("pipeline.yaml", """
      version: 1
      plugins: ['\(library)']
      input: {path: in}
      output: {path: out/clean.jsonl}
      stages:
        - decode: {}
        - word_count: {min_words: 10}
      """)
    var hashes: [String] = []
    for jobs in ["1", "4"] {
      let output = directory.path + "/out-\(jobs).jsonl"
      let result = try runWinnow(["run", file, "--jobs", jobs, "--output", output, "--quiet"])
      #expect(result.status == 0, "\(result.stderr)")
      hashes.append(sha256sum(try Data(contentsOf: URL(fileURLWithPath: output))))
    }
    #expect(hashes[0] == hashes[1])
    let clean = try readJSONLines(directory.path + "/out-4.jsonl")
    #expect(clean.count == 3000 / 50 * 41)
    #expect(clean.allSatisfy { ($0["words"] as? Int ?? 0) >= 10 })
  }

  @Test func loadingErrorsSayWhatIsWrong() throws {
    let directory = try TemporaryDirectory()
    let cases: [(library: String, expected: String)] = [
      (directory.path + "/libmissing.so", "plugin '\(directory.path)/libmissing.so': no such file"),
      (try directory.write("libtext.so", "not a library\n"), "cannot load"),
      (try compile("no-entry-points", into: directory), "is not a winnow plugin: it exports no 'winnow_plugin_api_version'"),
      (try compile("other-version", into: directory), "was built against plugin API version 99; this winnow speaks version 1"),
      (try compile("takes-html", into: directory), "registers a stage 'html', a name a built-in stage already has"),
    ]
    for (library, expected) in cases {
      let file = try pipeline(directory, plugin: library, stage: "- html: {}")
      let result = try runWinnow(["validate", file])
      #expect(result.status == 2, "\(library)")
      #expect(result.stderr.contains("pipeline.yaml:2:"), "\(result.stderr)")
      #expect(result.stderr.contains("[plugins[0]]"), "\(result.stderr)")
      #expect(result.stderr.contains(expected), "\(expected): \(result.stderr)")
    }
  }
}
