import Foundation
import Testing
import WinnowCore
import WinnowTestSupport
@testable import WinnowStages

/// The `rules` stage: drop_line, drop_document and replace rules from a YAML file.
struct RulesStageTests {
  func stage(_ yaml: String, audit: Bool = true) throws -> any DocumentStage {
    let directory = try TemporaryDirectory()
    let file = try directory.write("rules.yaml", yaml)
    return try makeStage(RulesConfig.self, ["file": .string(file), "audit": .bool(audit)])
  }

  func buildError(_ yaml: String) throws -> String {
    do {
      _ = try stage(yaml)
      return ""
    } catch let error as OptionError {
      return error.message
    }
  }

  let example = """
    version: 1
    rules:
      - {name: promo, action: drop_line, contains: [앱 다운로드], max_chars: 60}
      - {name: mobile, action: replace, regex: '\\b(010)-(\\d{4})-(\\d{4})\\b', with: '$1-****-$3'}
      - {name: advert, action: drop_document, reason: advertorial, regex: '^\\[광고\\]'}
      - {name: odds, action: drop_document, reason: spam, min_lines: 2, contains: [배당률]}
    """

  @Test func dropLineRemovesTheLineAndRecordsIt() throws {
    let stage = try stage(example)
    var document = textDocument("첫 문단입니다.\n\n앱 다운로드 하세요\n\n둘째 문단입니다.")
    #expect(stage.process(&document) == .keep)
    #expect(document.text.utf8Bytes == "첫 문단입니다.\n\n둘째 문단입니다.".utf8Bytes)
    #expect(document.removed == [RemovedLine(stage: "rules", rule: "promo", text: "앱 다운로드 하세요", zone: .body)])
    #expect(document.audit)
    #expect(document.counters.map(\.name) == ["rule:promo"])
    // max_chars keeps the rule away from a long paragraph that mentions it.
    var long = textDocument("이 회사는 앱 다운로드 수가 작년보다 두 배 늘었다고 밝혔다. 회사 관계자는 새 기능이 이용자를 끌어모았다고 설명했다. 더 자세한 내용은 다음 달에 나온다.")
    #expect(stage.process(&long) == .keep)
    #expect(long.removed.isEmpty)
  }

  @Test func replaceUsesGroupsAndCountsEveryMatch() throws {
    let stage = try stage(example)
    var document = textDocument("연락처 010-1234-5678, 010-9876-5432.\n\n문의 02-123-4567.")
    #expect(stage.process(&document) == .keep)
    #expect(document.text.utf8Bytes == "연락처 010-****-5678, 010-****-5432.\n\n문의 02-123-4567.".utf8Bytes)
    #expect(document.counters.first { $0.name == "rule:mobile" }?.count == 2)
    #expect(document.removed.isEmpty)
  }

  @Test func dropDocumentNamesTheRuleAndTheLine() throws {
    let stage = try stage(example)
    var advert = textDocument("[광고] 최고의 제품을 만나보세요\n\n본문입니다.")
    #expect(stage.process(&advert) == .drop(Drop(
      reason: "advertorial", rule: "advert", detail: "rules file rule 'advert' matched the line '[광고] 최고의 제품을 만나보세요'")))
    // min_lines: one line about odds is news; two are spam.
    var news = textDocument("경기 배당률이 화제가 됐다.\n\n본문입니다.")
    #expect(stage.process(&news) == .keep)
    var spam = textDocument("오늘의 배당률 안내\n\n내일 배당률 미리보기\n\n본문")
    guard case .drop(let drop) = stage.process(&spam) else { Issue.record("not dropped"); return }
    #expect(drop.reason == "spam")
    #expect(drop.detail == "rules file rule 'odds' matched 2 lines, the first '오늘의 배당률 안내'")
  }

  @Test func textScopeRulesSeeTheWholeText() throws {
    let stage = try stage("""
      version: 1
      rules:
        - {name: two_lines, action: drop_document, scope: text, regex: '구독\\n+후원'}
        - {name: spaces, action: replace, scope: text, regex: '\\n{3,}', with: "\\n\\n"}
      """)
    var across = textDocument("본문입니다.\n\n구독\n\n후원")
    #expect(stage.process(&across) == .drop(Drop(reason: "rule_match", rule: "two_lines", detail: "rules file rule 'two_lines' matched the text")))
    var spaced = textDocument("하나\n\n\n\n둘")
    #expect(stage.process(&spaced) == .keep)
    #expect(spaced.text == "하나\n\n둘")
  }

  @Test func aDocumentWithEveryLineRemovedIsDroppedAsEmpty() throws {
    let stage = try stage(example)
    var document = textDocument("앱 다운로드\n\n앱 다운로드 받기")
    #expect(stage.process(&document) == .drop(Drop(reason: "empty", detail: "every line was removed by the rules file")))
  }

  @Test func mistakesInTheRulesFileNameFileLineAndKey() throws {
    let cases: [(String, String)] = [
      ("version: 1\nrules:\n  - {name: a, contains: [x]}\n", "rules.yaml:3:5: [rules[0].action] a rule needs 'action'"),
      ("version: 1\nrules:\n  - {name: a, action: delete, contains: [x]}\n", "rules.yaml:3:23: [rules[0].action] unknown action 'delete'"),
      ("version: 1\nrules:\n  - {name: a, action: drop_line, regex: '(x'}\n", "rules.yaml:3:41: [rules[0].regex] invalid regular expression"),
      ("version: 1\nrules:\n  - {name: a, action: replace, contains: [x], with: y}\n", "[rules[0]] a replace rule matches with 'regex' only"),
      ("version: 1\nrules:\n  - {name: a, action: drop_line, contain: [x]}\n", "[rules[0].contain] unknown key 'contain'; did you mean 'contains'?"),
      ("version: 1\nrules:\n  - {name: a, action: drop_line, contains: [x], min_lines: 2}\n", "'min_lines' (≥ 1) goes with action drop_document"),
      ("version: 1\nrules:\n  - {name: a, action: drop_line, contains: [x]}\n  - {name: a, action: drop_line, contains: [y]}\n", "two rules are named 'a'"),
      ("version: 1\n", "missing 'rules'"),
    ]
    for (yaml, expected) in cases {
      let message = try buildError(yaml)
      #expect(message.contains(expected), "\(yaml) → \(message)")
    }
  }
}

/// `KeywordMatcher` against a plain search: at each character, the longest keyword that
/// starts there (ASCII letters folded) counts once and the search goes on after it.
@Suite struct KeywordMatcherTests {
  static func naive(_ keywords: [String], _ line: String) -> (occurrences: Int, distinct: Int) {
    func fold(_ s: String) -> [UInt8] { s.utf8.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 } }
    let words = keywords.filter { !$0.isEmpty && ($0.unicodeScalars.first?.value ?? 0) < 0x10000 }.map(fold)
    let bytes = fold(line)
    var count = 0
    var seen: [[UInt8]] = []
    var index = 0
    while index < bytes.count {
      // Only at character starts.
      if bytes[index] & 0xC0 == 0x80 { index += 1; continue }
      let longest = words.filter { bytes[index...].starts(with: $0) }.max { $0.count < $1.count }
      if let longest {
        count += 1
        if !seen.contains(longest) { seen.append(longest) }
        index += longest.count
      } else {
        index += 1
      }
    }
    return (count, seen.count)
  }

  @Test func countsLikeAPlainSearch() {
    let keywords = ["카지노", "카지노사이트", "바카라", "토토", "먹튀", "안전놀이터", "Casino", "casino royale", "bet", "b", "가",
                    "😀x", "a😀", "URL 복사", "www.", "카"]
    var generator = SplitMix64(seed: 7)
    let pieces = ["카지노", "사이트", "바카라", "토", "먹", "튀", "안전", "놀이터", "CASINO", "Casino Royale", "BeT", "b", "가", "😀", "x",
                  "a", "url 복사", "WWW.", " ", "뉴스", "기사", "카", "지노", "é", "\u{3000}", "abc"]
    let matcher = KeywordMatcher(keywords)
    var checked = 0
    for _ in 0..<3000 {
      var line = ""
      for _ in 0..<Int(generator.next() % 12) { line += pieces[Int(generator.next() % UInt64(pieces.count))] }
      let got = matcher.counts(in: line[...])
      let expected = Self.naive(keywords, line)
      #expect(got.occurrences == expected.occurrences && got.distinct == expected.distinct, "\(line)")
      if expected.occurrences > 0 { checked += 1 }
    }
    #expect(checked > 1000)
    #expect(matcher.occurs(in: "온라인 카지노"))
    #expect(!matcher.occurs(in: "온라인 게임"))
  }
}

/// `scalarCount` counts the bytes that start a character, eight at a time in rounds of up to
/// 255 words: the same count as `unicodeScalars.count` at every length and mix of widths.
@Suite struct ScalarCountTests {
  @Test func matchesUnicodeScalarsCount() {
    let pieces = ["a", "가", "é", "😀", " ", "\n", "ⓒ"]
    var generator = SplitMix64(seed: 7)
    for length in [0, 1, 7, 8, 9, 15, 16, 17, 100, 2039, 2040, 2041, 2048, 4100, 9000] {
      var text = ""
      while text.utf8.count < length { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
      #expect(text.scalarCount == text.unicodeScalars.count, "\(text.utf8.count) bytes")
      let tail = text.dropFirst(min(3, text.count))
      #expect(tail.scalarCount == tail.unicodeScalars.count, "substring of \(tail.utf8.count) bytes")
    }
    // Only 2-byte characters: the odd lanes count a continuation byte in every word, up to
    // the round's limit.
    let accented = String(repeating: "é", count: 5000)
    #expect(accented.scalarCount == 5000)
    #expect(String(repeating: "한", count: 5000).scalarCount == 5000)
  }
}

/// `hasASCIIDigit` tests eight bytes at a time: exact for every byte value at every position.
@Suite struct HasDigitTests {
  @Test func findsExactlyTheDigits() {
    for byte in 0...255 {
      for length in [1, 7, 8, 9, 16] {
        for position in 0..<length {
          var bytes = [UInt8](repeating: 0xEA, count: length)
          bytes[position] = UInt8(byte)
          let found = bytes.withUnsafeBufferPointer { ByteSearch.hasDigit($0) }
          #expect(found == (0x30...0x39).contains(byte), "byte \(byte) at \(position) of \(length)")
        }
      }
    }
    #expect("2025년".hasASCIIDigit && !"입력 시간".hasASCIIDigit && !"".hasASCIIDigit)
  }
}
