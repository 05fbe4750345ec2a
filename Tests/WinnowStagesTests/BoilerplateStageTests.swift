import Testing
import Foundation
import WinnowCore
import WinnowTestSupport
@testable import WinnowStages

let koBody1 = "시는 24일 시청에서 기자회견을 열고 내년부터 심야버스 노선을 북부 지역까지 늘리겠다고 밝혔다."
let koBody2 = "새 노선은 다음 달부터 운행하며, 연간 운영비는 약 20억원으로 추산된다고 시 관계자는 설명했다."
let koBody3 = "주민들은 환영의 뜻을 밝히면서도 주말 배차 간격을 더 줄여야 한다는 의견을 냈다고 전해졌다."

func clean(_ text: String, _ overrides: [String: OptionValue] = [:]) throws -> (Verdict, Document) {
  var document = textDocument(text)
  var options = overrides
  if options["rules"] == nil { options["rules"] = .string("rules/ko-news.yaml") }
  let verdict = try makeStage(BoilerplateConfig.self, options).process(&document)
  return (verdict, document)
}

@Suite struct BoilerplateStageTests {
  @Test func dropsWeatherWidgetLines() throws {
    let page = "2025.11.03 (월)\n\n  • 맑음서울 12.5℃\n  • 흐림부산 17.0℃\n기상청 제공\n\n\(koBody1)\n\n\(koBody2)"
    let (verdict, document) = try clean(page)
    #expect(verdict == .keep)
    #expect(document.text.paragraphs == [koBody1, koBody2])
    let rules = Dictionary(grouping: document.removed, by: \.rule).mapValues(\.count)
    #expect(rules["weather"] == 2)
    #expect(rules["weather_source"] == 1)
    #expect(rules["date_alone"] == 1)
    #expect(document.removed.allSatisfy { $0.zone == .header })
  }

  @Test func dropsShareBarsBannersCaptionsAndCopyrightInsideTheBody() throws {
    let page = """
      \(koBody1)
      확대 축소
      페이스북 공유하기 카카오톡 공유하기 인쇄하기
      ▲ 시청 앞에 선 심야버스. 시 제공
      배너
      \(koBody2)
      버스 정류장에서 시민들이 차를 기다리고 있다. 연합뉴스 제공
      \(koBody3)
      저작권자 ⓒ 한빛일보, 무단 전재 및 재배포 금지
      """
    let (_, document) = try clean(page)
    #expect(document.text.paragraphs == [koBody1, koBody2, koBody3])
    #expect(Set(document.removed.map(\.rule)) == ["toolbar", "share_bar", "caption", "banner", "caption_credit", "copyright"])
  }

  @Test func relatedListAfterTheBodyIsCutToTheEnd() throws {
    let other = "[한빛일보=홍길동 기자] 다른 기사의 첫 문단이 관련기사 목록에 길게 붙어 나오는 경우도 흔하게 볼 수 있다."
    let page = "\(koBody1)\n\n\(koBody2)\n\n관련기사\n\n\(other)\n\n3건의 관련기사 더보기"
    let (_, document) = try clean(page)
    #expect(document.text.paragraphs == [koBody1, koBody2])
    #expect(document.removed.filter { $0.zone == .tail }.count == 3)
  }

  @Test func relatedBoxInTheMiddleDoesNotCutTheStory() throws {
    let page = "\(koBody1)\n\n관련기사\n\n심야버스 확대 첫날 표정\n\n\(koBody2)\n\n\(koBody3)\n\n\(koBody1) 추가 설명도 이어졌다."
    let (_, document) = try clean(page)
    #expect(document.text.paragraphs.contains(koBody2))
    #expect(document.text.paragraphs.contains(koBody3))
  }

  @Test func menuShapedSubheadingInsideTheBodyStays() throws {
    let page = "정치 경제 사회 전국 국제 문화 스포츠\n\n\(koBody1)\n\n정부 올해 안에 반도체 지원 법안 처리 방침\n\n\(koBody2)"
    let (_, document) = try clean(page)
    #expect(document.text.paragraphs == [koBody1, "정부 올해 안에 반도체 지원 법안 처리 방침", koBody2])
    #expect(document.removed.first?.rule == "menu_words")
  }

  @Test func keepsShortSubheadingsBetweenParagraphsButNotTheDeck() throws {
    let page = "심야버스 북부까지 확대\n\n운영비 20억원 추산\n\n\(koBody1)\n\n노선 확대 배경\n\n\(koBody2)"
    let (_, document) = try clean(page)
    #expect(document.text.paragraphs == [koBody1, "노선 확대 배경", koBody2])
    #expect(document.removed.filter { $0.rule == "before_body" }.map(\.text) == ["심야버스 북부까지 확대", "운영비 20억원 추산"])
  }

  @Test func repeatedHeadlineLinesAreRemoved() throws {
    let headline = "심야버스 북부까지 확대…운영비 20억원"
    let page = "\(headline)\n\n\(koBody1)\n\n\(headline)\n\n\(koBody2)"
    let (_, document) = try clean(page)
    #expect(document.text.paragraphs == [koBody1, koBody2])
    #expect(document.removed.filter { $0.rule == "repeated" }.count == 2)
  }

  @Test func commentBoxAndItsRulesGo() throws {
    let page = "\(koBody1)\n\n\(koBody2)\n\n댓글 (0)\n\n- 200자까지 쓰실 수 있습니다. (현재 0 byte / 최대 400byte)\n- 타인에게 불쾌감을 주는 욕설 등이 포함된 글은 관리자의 판단에 의해 삭제될 수 있습니다."
    let (_, document) = try clean(page)
    #expect(document.text.paragraphs == [koBody1, koBody2])
  }

  @Test func auditFlagIsSetOnlyWhenAsked() throws {
    #expect(try clean("\(koBody1)\n배너").1.audit == false)
    #expect(try clean("\(koBody1)\n배너", ["audit": .bool(true)]).1.audit == true)
  }

  @Test func allBoilerplateIsDroppedAsEmpty() throws {
    let (verdict, _) = try clean("배너\n\n기상청 제공")
    #expect(verdict == .drop("empty", detail: "every line was boilerplate"))
  }

  @Test func rulePackErrorsNameFileLineAndKey() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("bad.yaml", "version: 1\nlines:\n  - name: x\n    regex: '(unclosed'\n  - name: y\n    containz: [a]\n")
    do {
      _ = try RulePack.load(path, option: "rules")
      Issue.record("expected an error")
    } catch {
      #expect(error.message.contains("bad.yaml:4:12: [lines[0].regex] invalid regular expression"))
      #expect(error.message.contains("bad.yaml:6:5: [lines[1].containz] unknown key 'containz'; did you mean 'contains'?"))
    }
  }

  @Test func zoneNamesNeedOffsets() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("zones.yaml", "version: 1\nmetadata:\n  section_names: [경제]\n  dates:\n    zone_names: {KST: \"+9\"}\n")
    do {
      _ = try RulePack.load(path, option: "rules")
      Issue.record("expected an error")
    } catch {
      #expect(error.message.contains("zones.yaml:5:23: [metadata.dates.zone_names.KST] '+9' is not an offset like +09:00"))
    }
  }

  @Test func corpusLinesRepeatedAcrossASiteAreLearnedAndRemoved() throws {
    let counts = CorpusLineCounts(CorpusLineSettings(minDocs: 3, minShare: 0.5, maxChars: 200))
    let footer = "한빛일보 구독 신청은 대표전화로 문의해 주시기 바랍니다."
    for index in 0..<4 {
      counts.observe(textDocument("\(koBody1) \(index)\n\(footer)", path: "hanbit/\(index).txt"))
    }
    counts.observe(textDocument("\(koBody2)\n\(footer)", path: "other/0.txt"))
    counts.finishLearning()
    let hanbit = CorpusLineCounts.group(of: textDocument("", path: "hanbit/9.txt"))
    let other = CorpusLineCounts.group(of: textDocument("", path: "other/9.txt"))
    #expect(counts.isBoilerplate(footer[...], group: hanbit))
    #expect(!counts.isBoilerplate(footer[...], group: other))
    #expect(!counts.isBoilerplate("\(koBody1) 0"[...], group: hanbit))
  }
}

/// `LineRuleSet` (one scan per line for all rules) against `LineRule.matches` rule by rule.
@Suite struct LineRuleSetTests {
  /// Every line of the seeds and samples, and some made to hit rules in odd ways.
  static func lines() throws -> [String] {
    let root = packageRoot()
    var texts: [String] = []
    // The seeds too when they are beside the clone.
    for directory in [sharedSeeds, root + "/samples"].compactMap({ $0 }) {
      for file in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() where file.hasSuffix(".txt") || file.hasSuffix(".html") {
        if let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) { texts.append(text) }
      }
    }
    let made = ["흐림서울 16.5℃", "맑음 대전 -3.2°C", "URL복사 공유하기", "COPYRIGHT ⓒ 한빛일보", "ⓒ", "사진=연합뉴스",
                "▲ 시청 앞 /사진=뉴스1", "정치 | 경제 | 사회", "전국 > 대전", "3건의 관련기사 더보기", "http://example.com/a",
                "www.example.com", "관련기사", "댓글 (3)", "최신기사", "확대 축소", "배너", "가", "Advertisement"]
    return texts.flatMap { $0.lines.map { String($0.trimmingSpaces) } }.filter { !$0.isEmpty } + made
  }

  static func expect(_ rules: [LineRule], _ lines: [String]) -> Int {
    let set = LineRuleSet(rules)
    var hits = 0
    for line in lines {
      let chars = line.unicodeScalars.count
      let hash = line.byteHash()
      for outside in [nil, false, true] as [Bool?] {
        for start in [0, 1, 3] {
          let expected = rules.indices.dropFirst(start).first {
            (outside == nil || rules[$0].outsideBody == outside) && rules[$0].matches(line, chars: chars, hash: hash)
          }
          let got = set.firstMatch(line, chars: chars, hash: hash, outsideBody: outside, from: start)
          #expect(got == expected, "\(line) outside=\(String(describing: outside)) from \(start)")
          if got != nil { hits += 1 }
        }
      }
    }
    return hits
  }

  @Test func agreesWithRuleByRuleMatchingOnTheKoreanPack() throws {
    let pack = try RulePack.load(packageRoot() + "/pipelines/rules/ko-news.yaml", option: "rules")
    let lines = try Self.lines()
    #expect(lines.count > 500)
    #expect(Self.expect(pack.lines, lines) > 100)
    #expect(Self.expect(pack.tail, lines) > 3)
  }

  /// `requires` words gate a regex byte for byte, as the byte search of `LineRule.matches`
  /// does; `contains` words match without ASCII case.
  @Test func requiresWordsMatchCaseExactly() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("pack.yaml", """
      version: 1
      lines:
        - name: upper
          regex: '^copyright'
          ignore_case: true
          requires: [Copyright]
        - name: words
          contains: [All Rights Reserved]
      """)
    let pack = try RulePack.load(path, option: "rules")
    let lines = ["COPYRIGHT 2024 Example News", "Copyright 2024 Example News", "copyright 2024", "all rights reserved.", "ALL RIGHTS RESERVED"]
    #expect(Self.expect(pack.lines, lines) > 0)
    let set = LineRuleSet(pack.lines)
    #expect(set.firstMatch("COPYRIGHT 2024 Example News", chars: 27, hash: 0) == nil)
    #expect(set.firstMatch("Copyright 2024 Example News", chars: 27, hash: 0) == 0)
    #expect(set.firstMatch("ALL RIGHTS RESERVED", chars: 19, hash: 0) == 1)
  }

  @Test func agreesOverSixtyFourRules() throws {
    let pack = try RulePack.load(packageRoot() + "/pipelines/rules/ko-news.yaml", option: "rules")
    var rules = pack.lines
    while rules.count <= 64 { rules += pack.lines + pack.tail }
    #expect(Self.expect(rules, try Self.lines()) > 100)
  }
}

/// The first pass keeps the documents it took through decode, html and normalize for the main
/// pass (`LearnedDocuments`): the output and every stage count are the same as when it keeps
/// none, or only some (a small bound), with one worker or three.
@Suite struct LearnedDocumentsTests {
  @Test func keptDocumentsGiveTheSameOutputAndCounts() throws {
    let directory = try TemporaryDirectory()
    let root = packageRoot()
    var files = 0
    // The seeds too when they are beside the clone.
    for source in [root + "/samples", sharedSeeds].compactMap({ $0 }) {
      for name in try FileManager.default.contentsOfDirectory(atPath: source).sorted() where name.hasSuffix(".txt") || name.hasSuffix(".html") {
        let data = try Data(contentsOf: URL(fileURLWithPath: source + "/" + name))
        // Each page on three sites, so site-wide lines are learned.
        for site in ["a", "b", "c"] {
          try FileManager.default.createDirectory(atPath: directory.path + "/in/\(site)", withIntermediateDirectories: true)
          try data.write(to: URL(fileURLWithPath: directory.path + "/in/\(site)/\(name)"))
          files += 1
        }
      }
    }
    #expect(files > 30)
    let file = try directory.write("pipe.yaml", """
      version: 1
      input: {path: in}
      output: {path: out/clean.jsonl}
      stages:
        - decode: {}
        - html: {default_timezone: "+09:00"}
        - normalize: {form: NFC}
        - boilerplate: {rules: \(root)/pipelines/rules/ko-news.yaml, corpus_min_docs: 2, corpus_min_share: 0.05, corpus_sample: 0.5}
        - metadata: {rules: \(root)/pipelines/rules/ko-news.yaml}
        - quality: {min_chars: 100, script: Hangul, min_script_ratio: 0.3}
      """)
    let pipeline = try ConfigLoader(registry: BuiltinStages.registry).load(file: file)
    var results: [(output: String, stages: [String])] = []
    for (bytes, jobs) in [(0, 1), (256 << 20, 1), (256 << 20, 3), (6_000, 2)] {
      var options = RunOptions(jobs: jobs, batchDocuments: 4)
      options.learnedDocumentBytes = bytes
      let summary = try Runner(pipeline: pipeline, options: options).run()
      let output = try directory.read("out/clean.jsonl") + "\n--\n" + directory.read("out/clean.rejects.jsonl")
      let stages = summary.stages.map {
        "\($0.name) in \($0.input) kept \($0.kept) dropped \($0.dropped) \($0.droppedByReason.sorted { $0.key < $1.key }) \($0.counters.sorted { $0.key < $1.key })"
      }
      results.append((output, stages))
      if bytes == 0 { #expect(summary.stages[1].firstPassSeconds > 0) }
    }
    #expect(results[0].output.contains("\"id\""))
    for result in results.dropFirst() {
      #expect(result.output == results[0].output)
      #expect(result.stages == results[0].stages)
    }
  }
}
