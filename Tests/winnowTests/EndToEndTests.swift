import Foundation
import Testing
import WinnowTestSupport

/// The built binary on pipelines/ × samples/ and on ../shared/seeds.
@Suite(.serialized) struct EndToEndTests {
  let root = packageRoot()

  /// Every line is JSON with an id, NFC text (checked by Python's unicodedata, independent
  /// of ICU) and a source encoding.
  func checkCleanOutput(_ path: String) throws -> [[String: Any]] {
    let records = try readJSONLines(path)
    let check = try runProcess("/usr/bin/env", ["python3", "-c", """
      import json, sys, unicodedata
      n = 0
      for line in open(sys.argv[1], encoding='utf-8'):
          r = json.loads(line)
          assert r['id'] and isinstance(r['text'], str) and r['text'], r.get('id')
          assert unicodedata.is_normalized('NFC', r['text']), r['id']
          assert r['source']['encoding'], r['id']
          n += 1
      print(n)
      """, path])
    #expect(check.status == 0, "python check failed for \(path): \(check.stderr)")
    return records
  }

  @Test func referencePipelineRunsOnSamples() throws {
    let directory = try TemporaryDirectory()
    let result = try runWinnow(
      ["run", "pipelines/ko-news.yaml", "--output", directory.path + "/clean.jsonl", "--rejects", directory.path + "/rejects.jsonl", "--jobs", "2"],
      in: root)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("winnow: "))
    let records = try checkCleanOutput(directory.path + "/clean.jsonl")
    let rejects = try readJSONLines(directory.path + "/rejects.jsonl")
    let sampleFiles = try FileManager.default.contentsOfDirectory(atPath: root + "/samples").filter { !$0.hasSuffix(".md") && $0 != "feed.jsonl" }
    let feedIDs = try String(contentsOfFile: root + "/samples/feed.jsonl", encoding: .utf8).split(separator: "\n").map {
      try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["id"] as? String
    }
    // Every sample is accounted for, once: the spam pages and the menu-only stub are
    // rejected with their stage and reason, everything else is kept.
    let ids = (records + rejects).compactMap { $0["id"] as? String }
    #expect(ids.sorted() == (sampleFiles + feedIDs.compactMap { $0 }).sorted())
    let rejected = rejects.map { "\($0["id"] ?? "") \($0["stage"] ?? "") \($0["reason"] ?? "")" }.sorted()
    #expect(rejected == [
      "cp949-battery-plant.txt dedup near_duplicate", "newsspace-battery-plant.txt dedup near_duplicate",
      "spam-casino-1.html spam spam", "spam-casino-2.txt spam spam", "stub-menu-only.html html empty",
      "utf16le-subway-fare.txt dedup duplicate",
    ])
    // The battery-plant story from three sites (samples/README.md, story A) and the
    // subway-fare story in two encodings (story B) collapse to the first one read; every
    // other kept record is its own group.
    let groups = records.compactMap { record -> String? in
      guard let dedup = record["dedup"] as? [String: Any], let size = dedup["size"] as? Int, size > 1 else { return nil }
      return "\(record["id"]!) \(size)"
    }
    #expect(groups.sorted() == ["bizdaily-battery-plant.html 3", "dailyhub-subway-fare.txt 2"])
    // Encodings of the samples are recognised as their names say.
    var byID: [String: String] = [:]
    for record in records + rejects {
      if let id = record["id"] as? String, let source = record["source"] as? [String: Any] { byID[id] = source["encoding"] as? String }
    }
    #expect(byID.count == ids.count)
    for (id, encoding) in byID {
      if id.hasPrefix("cp949-") { #expect(encoding == "CP949", "\(id)") }
      if id.hasPrefix("euckr-harbor") || id.hasPrefix("euckr-rice") { #expect(encoding == "EUC-KR", "\(id)") }
      if id.hasPrefix("utf16le-") { #expect(encoding == "UTF-16LE", "\(id)") }
      if id.hasPrefix("utf16be-") { #expect(encoding == "UTF-16BE", "\(id)") }
      if id.hasPrefix("euckr-declared-utf8") || id.hasPrefix("nfd-") || id.hasPrefix("utf8bom-") { #expect(encoding == "UTF-8", "\(id)") }
    }
    // The mojibake records of feed.jsonl come out as Hangul.
    for record in records where (record["id"] as? String)?.hasPrefix("feed-") == true {
      let text = record["text"] as? String ?? ""
      #expect(text.unicodeScalars.filter { (0xAC00...0xD7A3).contains($0.value) }.count > 50, "\(record["id"] ?? "")")
      #expect(!text.contains("ì") && !text.contains("¼"))
      #expect(record["crawl_batch"] != nil)
    }
  }

  /// The whole output of the reference pipeline on samples/, byte for byte. RECORD_GOLDEN=1
  /// re-records the files, and that run fails so a re-record is always deliberate.
  @Test func referencePipelineOutputMatchesGolden() throws {
    let directory = try TemporaryDirectory()
    let result = try runWinnow(
      ["run", "pipelines/ko-news.yaml", "--output", directory.path + "/clean.jsonl", "--rejects", directory.path + "/rejects.jsonl", "--jobs", "2", "--quiet"],
      in: root)
    #expect(result.status == 0, "\(result.stderr)")
    let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    for name in ["clean.jsonl", "rejects.jsonl"] {
      let produced = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/" + name))
      let expectedURL = golden.appendingPathComponent("ko-news-samples." + name)
      if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
        try FileManager.default.createDirectory(at: golden, withIntermediateDirectories: true)
        try produced.write(to: expectedURL)
        Issue.record("re-recorded \(expectedURL.lastPathComponent); run again without RECORD_GOLDEN")
        continue
      }
      let expected = try Data(contentsOf: expectedURL)
      #expect(produced == expected, "\(name) differs from Golden/\(expectedURL.lastPathComponent) (RECORD_GOLDEN=1 re-records)")
    }
  }

  @Test(.enabled(if: sharedSeeds != nil, sharedSeedsSkip)) func runsOnTheSharedSeeds() throws {
    let seeds = try #require(sharedSeeds)
    let directory = try TemporaryDirectory()
    let result = try runWinnow(
      ["run", "pipelines/ko-news.yaml", "--input", seeds, "--output", directory.path + "/clean.jsonl", "--quiet"], in: root)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty)
    let records = try checkCleanOutput(directory.path + "/clean.jsonl")
    #expect(records.count == 5)
    // Five articles about one dispute, from different outlets: distinct stories, so dedup
    // keeps every one, each its own group.
    #expect(records.compactMap { ($0["dedup"] as? [String: Any])?["size"] as? Int } == [1, 1, 1, 1, 1])
    // --output without --rejects: the rejects go beside it, not over the pipeline's own.
    #expect(FileManager.default.fileExists(atPath: directory.path + "/clean.rejects.jsonl"))
  }

  @Test func sameBytesForOneAndFourJobs() throws {
    let directory = try TemporaryDirectory()
    var outputs: [Data] = []
    for jobs in ["1", "4"] {
      let out = directory.path + "/clean-\(jobs).jsonl"
      let result = try runWinnow(
        ["run", "pipelines/ko-news.yaml", "--output", out, "--rejects", directory.path + "/r-\(jobs).jsonl", "--jobs", jobs, "--quiet"],
        in: root)
      #expect(result.status == 0)
      outputs.append(try Data(contentsOf: URL(fileURLWithPath: out)))
    }
    #expect(outputs[0] == outputs[1])
    #expect(!outputs[0].isEmpty)
  }

  @Test func readsJSONLFromStandardInput() throws {
    let directory = try TemporaryDirectory()
    let input = "{\"id\":\"s1\",\"text\":\"표준 입력으로 들어온 글\"}\n{\"id\":\"s2\",\"text\":\"둘째\"}\n"
    let result = try runWinnow(
      ["run", "pipelines/bench-decode-normalize.yaml", "--input", "-", "--output", directory.path + "/o.jsonl", "--quiet"], in: root,
      input: Array(input.utf8))
    #expect(result.status == 0, "\(result.stderr)")
    let records = try readJSONLines(directory.path + "/o.jsonl")
    #expect(records.map { $0["id"] as? String } == ["s1", "s2"])
  }

  @Test func readsJSONLWithAByteOrderMarkFromStandardInput() throws {
    let directory = try TemporaryDirectory()
    let input: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"id\":\"b1\",\"text\":\"표준 입력\"}\n".utf8)
    let result = try runWinnow(
      ["run", "pipelines/bench-decode-normalize.yaml", "--input", "-", "--output", directory.path + "/o.jsonl", "--quiet"], in: root, input: input)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try readJSONLines(directory.path + "/o.jsonl").map { $0["id"] as? String } == ["b1"])
  }

  @Test func readsPlainTextFromStandardInput() throws {
    let directory = try TemporaryDirectory()
    let result = try runWinnow(
      ["run", "pipelines/bench-decode-normalize.yaml", "--input", "-", "--output", directory.path + "/o.jsonl", "--quiet"], in: root,
      input: Array("그냥 텍스트\n".utf8))
    #expect(result.status == 0, "\(result.stderr)")
    let records = try readJSONLines(directory.path + "/o.jsonl")
    #expect(records.first?["text"] as? String == "그냥 텍스트")
    #expect(records.first?["id"] as? String == "-")
  }

  @Test func invalidConfigExitsTwoWithPositionAndSuggestion() throws {
    let directory = try TemporaryDirectory()
    let file = try directory.write("bad.yaml", "version: 1\ninput: {path: \(root)/samples}\noutput: {path: o.jsonl}\nstages:\n  - decode: {candidates: [UTF8, CP494]}\n  - normalise: {}\n")
    let result = try runWinnow(["validate", file])
    #expect(result.status == 2)
    #expect(result.stderr.contains("bad.yaml:5:33: error: [stages[0].decode.candidates[1]] unsupported charset 'CP494'; did you mean 'CP949'?"), "\(result.stderr)")
    #expect(result.stderr.contains("bad.yaml:6:5: error: [stages[1]] unknown stage 'normalise'; did you mean 'normalize'?"))
    #expect(result.stderr.contains("2 errors in pipeline; nothing was run"))
  }

  @Test func usageErrorsExitTwo() throws {
    #expect(try runWinnow(["run"]).status == 2)
    #expect(try runWinnow(["frobnicate"]).status == 2)
    #expect(try runWinnow(["run", "pipelines/ko-news.yaml", "--jobs", "0"], in: root).status == 2)
    #expect(try runWinnow(["run", "pipelines/ko-news.yaml", "--input", "/no/such/dir"], in: root).status == 2)
  }

  @Test func unwritableOutputExitsOne() throws {
    let directory = try TemporaryDirectory()
    try directory.write("blocker", "a file where a directory should be")
    let result = try runWinnow(["run", "pipelines/ko-news.yaml", "--output", directory.path + "/blocker/clean.jsonl", "--quiet"], in: root)
    #expect(result.status == 1)
    #expect(result.stderr.contains("winnow: error: cannot create directory"))
  }

  /// An input that cannot be read is a reject and a note in the manifest, and the run goes on;
  /// a file whose name is not UTF-8 is a reject too, with the name's bytes (issue 16).
  @Test func unreadableInputsAreRecordedAndTheRunGoesOn() throws {
    let directory = try TemporaryDirectory()
    try directory.write("pages/a.txt", "첫 번째 문서입니다. 내용이 조금 있습니다.")
    // "k기.txt" with 기 in CP949 (B1 E2): not UTF-8.
    let name = (Array((directory.path + "/pages/k").utf8) + [0xB1, 0xE2] + Array(".txt".utf8)).map { CChar(bitPattern: $0) } + [0]
    let descriptor = open(name, O_CREAT | O_WRONLY, 0o644)
    #expect(descriptor >= 0)
    close(descriptor)
    let out = directory.path + "/out"
    // /proc/self/mem opens but cannot be read (EIO): unreadable even for root.
    let result = try runWinnow(["run", "pipelines/ko-news.yaml", "--input", directory.path + "/pages", "--input", "/proc/self/mem",
                                "--output", out + "/clean.jsonl", "--rejects", out + "/rejects.jsonl", "--summary-json", out + "/summary.json",
                                "--no-gates", "--quiet"], in: root)
    #expect(result.status == 0, "\(result.stderr)")
    let rejects = try readJSONLines(out + "/rejects.jsonl")
    #expect(rejects.contains { $0["id"] as? String == "mem" && $0["reason"] as? String == "unreadable" })
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/clean.manifest.json"))) as? [String: Any]
    let inputs = manifest?["inputs"] as? [[String: Any]] ?? []
    #expect(inputs.contains { $0["path"] as? String == "/proc/self/mem" && ($0["note"] as? String)?.hasPrefix("not hashed") == true })
    let unnamed = rejects.first { $0["id"] as? String == "k\u{FFFD}\u{FFFD}.txt" }
    #expect(unnamed?["reason"] as? String == "unreadable")
    #expect((unnamed?["source"] as? [String: Any])?["path_bytes"] as? String == Data(Array("k".utf8) + [0xB1, 0xE2] + Array(".txt".utf8)).base64EncodedString())
  }

  @Test func validateTouchesNoDataAndStagesListsOptions() throws {
    let validate = try runWinnow(["validate", "pipelines/ko-news.yaml"], in: root)
    #expect(validate.status == 0)
    #expect(validate.stdout.contains("ok: 9 stages (decode, html, normalize, boilerplate, spam, metadata, quality, pii, dedup)"))
    let stages = try runWinnow(["stages"])
    #expect(stages.status == 0)
    #expect(stages.stdout.contains("decode\n"))
    #expect(stages.stdout.contains("- max_invalid_ratio: number (0…1) = 0.01"))
    #expect(stages.stdout.contains("- form: NFC | NFKC = NFC"))
  }

  /// `validate --json` is what programs read (the Spark driver): which stages learn from the
  /// corpus, the formats a directory walk reads, the dedup stage's bands.
  @Test func validateJSONSaysWhichStagesLearnAndTheDedupBands() throws {
    let result = try runWinnow(["validate", "pipelines/ko-news.yaml", "--input", "-", "--json"], in: root)
    #expect(result.status == 0, "\(result.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let stages = try #require(object["stages"] as? [[String: Any]])
    #expect(stages.map { $0["name"] as? String } == ["decode", "html", "normalize", "boilerplate", "spam", "metadata", "quality", "pii", "dedup"])
    #expect(stages.compactMap { ($0["learns"] as? Bool) == true ? $0["name"] as? String : nil } == ["boilerplate"])
    let bands = try runWinnow(["dedup", "bands", "pipelines/ko-news.yaml"], in: root)
    #expect((object["dedup"] as? [String: Any])?["bands"] as? Int == Int(bands.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect((object["input"] as? [String: Any])?["paths"] as? [String] == ["-"])
    // Without a learning or dedup stage: none learns, dedup is null.
    let directory = try TemporaryDirectory()
    let file = try directory.write("p.yaml", "version: 1\ninput: {path: in, formats: [jsonl]}\noutput: {path: o.jsonl}\nstages:\n  - decode: {}\n")
    let plain = try runWinnow(["validate", file, "--input", "-", "--json"])
    #expect(plain.status == 0, "\(plain.stderr)")
    let described = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])
    #expect(described["dedup"] is NSNull)
    #expect((described["stages"] as? [[String: Any]])?.first?["learns"] as? Bool == false)
    #expect((described["input"] as? [String: Any])?["formats"] as? [String] == ["jsonl"])
  }

  @Test func everyPipelineFileValidates() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: root + "/pipelines").filter { $0.hasSuffix(".yaml") }
    #expect(!files.isEmpty)
    for file in files {
      let result = try runWinnow(["validate", "pipelines/" + file], in: root)
      #expect(result.status == 0, "\(file): \(result.stderr)")
    }
  }

  @Test func stageDocsAreCurrent() throws {
    let generated = try runWinnow(["stages", "--markdown"]).stdout
    let committed = try String(contentsOfFile: root + "/docs/STAGES.md", encoding: .utf8)
    #expect(generated == committed, "docs/STAGES.md is stale: run 'make docs'")
  }

  /// README.md's table of drop reasons is the one `winnow stages --markdown` generates from the
  /// stages' declarations (`make docs` copies it between the markers).
  @Test func readmeReasonTableIsCurrent() throws {
    let generated = try runWinnow(["stages", "--markdown"]).stdout
    let start = try #require(generated.range(of: "| stage | reason | when |\n"))
    let table = String(generated[start.lowerBound...]).components(separatedBy: "\n\n")[0] + "\n"
    let readme = try String(contentsOfFile: root + "/README.md", encoding: .utf8)
    let begin = try #require(readme.range(of: "<!-- reason table: generated by make docs"))
    let lineEnd = try #require(readme[begin.upperBound...].range(of: "\n"))
    let end = try #require(readme.range(of: "<!-- end of the reason table -->", range: lineEnd.upperBound..<readme.endIndex))
    #expect(String(readme[lineEnd.upperBound..<end.lowerBound]) == "\n" + table + "\n", "README.md's reason table is stale: run 'make docs'")
  }
}
