import Testing
import WinnowCore
import WinnowTestSupport
@testable import WinnowStages

func quality(_ text: String, _ overrides: [String: OptionValue] = [:]) throws -> Verdict {
  var document = textDocument(text)
  return try makeStage(QualityConfig.self, overrides).process(&document)
}

func droppedRule(_ verdict: Verdict) -> String? {
  if case .drop(let drop) = verdict { #expect(drop.reason == "quality"); return drop.rule }
  return nil
}

let koArticle = [koBody1, koBody2, koBody3, koBody1.replacingOccurrences(of: "24일", with: "25일"),
                 koBody2.replacingOccurrences(of: "다음 달", with: "내년")].joined(separator: "\n\n")

@Suite struct QualityStageTests {
  @Test func keepsARealArticle() throws {
    #expect(try quality(koArticle) == .keep)
  }

  @Test func dropsShortText() throws {
    #expect(droppedRule(try quality(koBody1)) == "min_chars")
  }

  @Test func dropsTooFewSentences() throws {
    let oneSentence = String(repeating: "시는 심야버스 노선을 북부 지역까지 늘리고 ", count: 12) + "밝혔다."
    #expect(droppedRule(try quality(oneSentence)) == "min_sentences")
  }

  @Test func dropsTextInTheWrongScript() throws {
    let english = String(repeating: "The council voted to extend the night buses to the north. ", count: 12)
    #expect(droppedRule(try quality(english)) == "min_script_ratio")
    #expect(try quality(english, ["script": .string("Latin")]) == .keep)
  }

  @Test func dropsRepeatedLines() throws {
    let repeated = ([koBody1, koBody2] + Array(repeating: koBody3, count: 4)).joined(separator: "\n\n")
    #expect(droppedRule(try quality(repeated))?.hasPrefix("max_duplicate_line") == true)
  }

  @Test func dropsDigitTables() throws {
    let table = (0..<40).map { "2025.\($0 % 12 + 1) 1234.56 7890.12 345.67." }.joined(separator: "\n")
    #expect(droppedRule(try quality(table, ["script": .string("any")])) == "max_digit_ratio")
  }

  @Test func dropsCookieNotices() throws {
    let notice = "이 사이트는 쿠키를 사용합니다. 계속 이용하시면 동의한 것으로 봅니다. 설정에서 바꿀 수 있습니다. " + koArticle
    #expect(droppedRule(try quality(notice)) == "notice")
  }

  @Test func skipsTheWordBreakIteratorOnlyWhenTheBoundsDecide() throws {
    // 8 distinct sentences of 9 tokens each: 72 tokens.
    let sentences = (1...8).map { "시는 \($0)일 시청에서 심야버스 노선을 북부 지역까지 늘린다고 밝혔다." }
    var document = textDocument(sentences.joined(separator: "\n\n"))
    #expect(try makeStage(QualityConfig.self).process(&document) == .keep)
    #expect(document.counters.contains { $0.name == "words_bounded" })
    // Fewer tokens than min_words: ICU counts, and the verdict is its.
    var short = textDocument(sentences.joined(separator: "\n\n"))
    let verdict = try makeStage(QualityConfig.self, ["min_words": .int(500)]).process(&short)
    #expect(!short.counters.contains { $0.name == "words_bounded" })
    #expect(droppedRule(verdict) == "min_words")
  }

  @Test func countsWordsWithICUNotSpaces() throws {
    // Japanese has no spaces: ICU's dictionary breaks it into words.
    let japanese = String(repeating: "市議会は火曜日、夜行バスを北部地区まで延長することを決めた。", count: 10)
    #expect(try quality(japanese, ["script": .string("any"), "min_words": .int(100)]) == .keep)
    #expect(droppedRule(try quality(japanese, ["script": .string("any"), "min_words": .int(1000)])) == "min_words")
  }
}

@Suite struct PIIStageTests {
  func redact(_ text: String) throws -> Document {
    var document = textDocument(text)
    #expect(try makeStage(PIIConfig.self).process(&document) == .keep)
    return document
  }

  @Test(arguments: [
    ("문의는 hong.gildong+news@hanbit-ilbo.co.kr 로 하면 된다.", "문의는 <EMAIL> 로 하면 된다."),
    ("휴대전화 010-1234-5678로 연락", "휴대전화 <PHONE>로 연락"),
    ("번호 01012345678 입니다", "번호 <PHONE> 입니다"),
    ("대표전화 02-123-4567, 팩스 031.234.5678", "대표전화 <PHONE>, 팩스 <PHONE>"),
    ("(02) 123-4567 로 문의", "<PHONE> 로 문의"),
    ("해외에서는 +82 10-1234-5678 또는 +82-2-123-4567", "해외에서는 <PHONE> 또는 <PHONE>"),
    ("고객센터 1588-1234", "고객센터 <PHONE>"),
    ("주민번호 900101-1234567 유출", "주민번호 <RRN> 유출"),
  ])
  func redactsPersonalData(_ input: String, _ output: String) throws {
    #expect(try redact(input).text == output)
  }

  @Test(arguments: [
    "2025-01-23 14:05에 발표했다",
    "매출 1,234,567원과 2024년 3.5% 성장",
    "제품 번호 123456-9876543은 주민번호가 아니다",
    "버전 10.2.1 출시",
    "@mention 과 user@localhost 는 주소가 아니다",
    "한국전쟁(1950-1953)과 1997-1998년 외환위기",
    "참가자 1500-2000명",
    "번호 02 2023 2024 시즌",
  ])
  func leavesNumbersThatAreNotPersonalData(_ input: String) throws {
    #expect(try redact(input).text == input)
  }

  /// The scan skips eight bytes at a time when none can start a match, and otherwise goes
  /// to the first byte that can: exact for every byte at every position, after any bytes.
  @Test func skipsOnlyWordsWithNoPossibleStart() {
    for byte in 0...255 {
      for filler: UInt8 in [0xEA, 0x27, 0x41, 0x00, 0xFF] {
        var word = [UInt8](repeating: filler, count: 8)
        for position in 0..<8 {
          word[position] = UInt8(byte)
          let possible = (0x28...0x40).contains(byte)
          #expect(PIIScanner.quiet(word, at: 0) == !possible, "byte \(byte) at \(position)")
          let starts = PIIScanner.possibleStarts(word, at: 0)
          #expect(possible ? starts.trailingZeroBitCount >> 3 == position : starts == 0, "byte \(byte) at \(position)")
          // A later byte that can start one does not hide this one.
          if position < 7 {
            word[7] = 0x40
            #expect(PIIScanner.possibleStarts(word, at: 0).trailingZeroBitCount >> 3 == (possible ? position : 7))
          }
          word = [UInt8](repeating: filler, count: 8)
        }
      }
    }
  }

  /// Personal data at every offset modulo eight, after Hangul, ASCII and mixed text.
  @Test func findsDataAtEveryAlignment() throws {
    for filler in ["가", "a", "가 b"] {
      for count in 0..<17 {
        let prefix = String(repeating: filler, count: count) + " "
        let text = prefix + "010-1234-5678 " + prefix + "hong@hanbit.co.kr " + prefix + "900101-1234567"
        #expect(try redact(text).text == prefix + "<PHONE> " + prefix + "<EMAIL> " + prefix + "<RRN>", "\(filler) × \(count)")
      }
    }
  }

  @Test func countsEachKind() throws {
    let document = try redact("a@b.com c@d.org 010-1234-5678")
    #expect(document.counters.first { $0.name == "email" }?.count == 2)
    #expect(document.counters.first { $0.name == "phone" }?.count == 1)
  }
}
