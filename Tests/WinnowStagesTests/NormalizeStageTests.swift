import Foundation
import Testing
import WinnowCore
import WinnowTestSupport
@testable import WinnowStages

func normalizeStage(_ overrides: [String: OptionValue] = [:]) throws -> any DocumentStage {
  var values = StageOptions.defaults(for: NormalizeConfig.options).values
  for (key, value) in overrides { values[key] = value }
  return try NormalizeConfig(options: StageOptions(values)).build(StageContext(baseDirectory: "."))
}

func normalize(_ text: String, _ overrides: [String: OptionValue] = [:]) throws -> Document {
  var document = Document(id: "t", source: SourceInfo(path: "t", format: .txt), text: text)
  #expect(try normalizeStage(overrides).process(&document) == .keep)
  return document
}

@Suite struct NormalizeStageTests {
  @Test func composesNFDHangul() throws {
    let nfd = "\u{1112}\u{1161}\u{11AB}\u{1100}\u{1173}\u{11AF}"  // 한글 as jamo
    let document = try normalize("제목: \(nfd) 테스트")
    #expect(document.text.utf8Bytes == "제목: 한글 테스트".utf8Bytes)
    #expect(document.counters.contains { $0.name == "normalized" })
  }

  @Test func normalizesTheTitleAuthorsAndOutletAnEarlierStageTookFromThePage() throws {
    // html runs before normalize: a page in NFD gives NFD fields too.
    let nfd = "대학가 원룸".decomposedStringWithCanonicalMapping
    var document = textDocument(nfd + " 월세가 올랐다.")
    document.meta.title = nfd
    document.meta.authors = ["권도경".decomposedStringWithCanonicalMapping]
    document.meta.outlet = "에듀타임스".decomposedStringWithCanonicalMapping
    #expect(try normalizeStage().process(&document) == .keep)
    #expect(document.meta.title.map { Array($0.utf8) } == Array("대학가 원룸".utf8))
    #expect(document.meta.authors.map { Array($0.utf8) } == [Array("권도경".utf8)])
    #expect(document.meta.outlet.map { Array($0.utf8) } == Array("에듀타임스".utf8))
  }

  @Test func composesLatinCombiningMarks() throws {
    #expect(try normalize("Cafe\u{301} de\u{301}ja\u{300}").text.utf8Bytes == "Café déjà".utf8Bytes)
  }

  @Test func leavesNFCTextUntouchedAndSkipsICU() throws {
    let document = try normalize("이미 정규화된 문장입니다. Already NFC: café.")
    #expect(document.text.utf8Bytes == "이미 정규화된 문장입니다. Already NFC: café.".utf8Bytes)
    #expect(!document.counters.contains { $0.name == "normalized" })
  }

  @Test func nfkcFoldsCompatibilityCharacters() throws {
    #expect(try normalize("ｈｅｌｌｏ ﬁne ㈜", ["form": .string("NFKC")]).text.utf8Bytes == "hello fine (주)".utf8Bytes)
  }

  @Test func removesControlZeroWidthAndSoftHyphen() throws {
    let text = "a\u{0001}b\u{007F}c\u{0085}d\u{200B}e\u{200C}f\u{200D}g\u{2060}h\u{FEFF}i\u{00AD}j\u{009F}k"
    let document = try normalize(text)
    #expect(document.text.utf8Bytes == ("abc\nd" + "efghijk").utf8Bytes)
    #expect(document.counters.contains { $0.name == "characters_removed" && $0.count == 9 })
  }

  @Test func mapsUnicodeSpacesToSpace() throws {
    let spaces = ["\u{00A0}", "\u{1680}", "\u{2002}", "\u{2003}", "\u{2009}", "\u{200A}", "\u{202F}", "\u{205F}", "\u{3000}"]
    for space in spaces {
      #expect(try normalize("가\(space)나").text.utf8Bytes == "가 나".utf8Bytes, "U+\(String(space.unicodeScalars.first!.value, radix: 16))")
    }
  }

  @Test func normalizesLineEndings() throws {
    #expect(try normalize("a\r\nb\rc\u{2028}d\u{2029}e\u{000B}f\u{000C}g").text.utf8Bytes == "a\nb\nc\nd\ne\nf\ng".utf8Bytes)
  }

  @Test func trimsLinesAndCollapsesSpaces() throws {
    #expect(try normalize("   첫  줄   \n\t 둘째\t\t줄 \n").text.utf8Bytes == "첫 줄\n둘째\t줄".utf8Bytes)
  }

  @Test func collapsesBlankLinesToOne() throws {
    #expect(try normalize("\n\n문단 1\n\n\n\n문단 2\n \n\t\n문단 3\n\n").text.utf8Bytes == "문단 1\n\n문단 2\n\n문단 3".utf8Bytes)
  }

  @Test func keepsMoreBlankLinesWhenAsked() throws {
    #expect(try normalize("a\n\n\n\n\nb", ["max_blank_lines": .int(2)]).text.utf8Bytes == "a\n\n\nb".utf8Bytes)
    #expect(try normalize("a\n\n\nb", ["max_blank_lines": .int(0)]).text.utf8Bytes == "a\nb".utf8Bytes)
  }

  @Test func canKeepSpacesAsTheyAre() throws {
    #expect(try normalize("  a   b  \nc", ["trim_lines": .bool(false), "collapse_spaces": .bool(false)]).text.utf8Bytes == "  a   b  \nc".utf8Bytes)
  }

  @Test func zeroWidthBetweenJamoStillYieldsNFC() throws {
    // Removing the ZWSP joins jamo that must then compose.
    let document = try normalize("\u{1100}\u{200B}\u{1161}")
    #expect(document.text.utf8Bytes == "가".utf8Bytes)
  }

  @Test func mixedWhiteSpaceAfterVisibleTextStillCollapses() throws {
    // A single space or newline inside text is copied as it is; one followed by more white
    // space, a zero-width or a control character must not be.
    #expect(try normalize("a \u{00A0}b").text.utf8Bytes == "a b".utf8Bytes)
    #expect(try normalize("가 \u{3000}나 \u{200B}다").text.utf8Bytes == "가 나 다".utf8Bytes)
    #expect(try normalize("a\n\u{200B}b").text.utf8Bytes == "a\nb".utf8Bytes)
    #expect(try normalize("a\n \nb").text.utf8Bytes == "a\n\nb".utf8Bytes)
    #expect(try normalize("a \nb").text.utf8Bytes == "a\nb".utf8Bytes)
    #expect(try normalize("a \u{0001}b").text.utf8Bytes == "a b".utf8Bytes)
    #expect(try normalize("a\n\u{2028}\u{2028}\nb").text.utf8Bytes == "a\n\nb".utf8Bytes)
  }

  @Test func keepsSupplementaryCharactersAndCountsNoChange() throws {
    let document = try normalize("이모지 😀 와 𠀀")
    #expect(document.text.utf8Bytes == "이모지 😀 와 𠀀".utf8Bytes)
    #expect(!document.counters.contains { $0.name == "normalized" })
  }

  @Test func dropsTextThatNormalizesToNothing() throws {
    var document = Document(id: "t", source: SourceInfo(path: "t", format: .txt), text: "\u{200B}\u{00A0}\u{3000}\n\u{FEFF}")
    #expect(try normalizeStage().process(&document) == .drop("empty", detail: "nothing left after normalization"))
  }

  /// A letter and 200,000 combining marks (quadratic in ICU's reordering: seconds; 400k took
  /// 40 s) is Stream-Safe after the stage: a joiner after every 30 marks, counted.
  @Test func capsRunsOfCombiningMarksWithJoinersAndCountsThem() throws {
    let started = ContinuousClock.now
    let document = try normalize("a" + String(repeating: "\u{301}\u{316}", count: 100_000) + " 끝")
    #expect(ContinuousClock.now - started < .seconds(20))
    #expect(document.counters.contains { $0.name == "combining_joiners" && $0.count == 6_666 })
    #expect(document.text?.unicodeScalars.filter { $0 == "\u{34F}" }.count == 6_666)
    // A title with the same run: counted too.
    var titled = textDocument("본문입니다.")
    titled.meta.title = "x" + String(repeating: "\u{316}", count: 61)
    #expect(try normalizeStage().process(&titled) == .keep)
    #expect(titled.counters.contains { $0.name == "combining_joiners" && $0.count == 2 })
  }

  @Test func stopsNormalizingAtTheDeadline() throws {
    var document = textDocument(String(repeating: "e\u{301} ", count: 50_000))
    document.deadline = 1
    #expect(try normalizeStage().process(&document) == .drop("timeout", detail: "normalization stopped at the stage's timeout_ms"))
  }

  @Test func keepsTheExactWhiteSpaceWhenNotCollapsing() throws {
    let options: [String: OptionValue] = ["collapse_spaces": .bool(false), "trim_lines": .bool(false)]
    #expect(try normalize("a\tb  \t c\t\nd", options).text.utf8Bytes == "a\tb  \t c\t\nd".utf8Bytes)
    #expect(try normalize("a\u{00A0}\tb", options).text.utf8Bytes == "a \tb".utf8Bytes)
  }
}
