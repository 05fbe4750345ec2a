import Testing
import WinnowNative

/// ICU matches a UTF-16 copy of the text; the byte ranges it reports must be those of the
/// UTF-8 text, from any starting offset, for characters of one to four bytes.
@Suite struct ICURegexTests {
  static let text = "abc é 사진=연합뉴스 😀😀 x [사진=Getty] 끝 ℃ 12.5"
  static let patterns = ["사진", "\\d+(\\.\\d)?", "[가-힣]+", "😀+", "é\\s", "=\\S+", "x \\[", "끝.*$", "Getty\\]", "℃"]

  /// The first match at or after each character boundary, as UTF-8 offsets, by Swift's own
  /// regex engine on the same text.
  static func expected(_ pattern: String, from: Int) throws -> Range<Int>? {
    let regex = try Regex(pattern)
    let start = text.utf8.index(text.utf8.startIndex, offsetBy: from)
    guard let match = try regex.firstMatch(in: text[start...]) else { return nil }
    return text.utf8.distance(from: text.utf8.startIndex, to: match.range.lowerBound)
      ..< text.utf8.distance(from: text.utf8.startIndex, to: match.range.upperBound)
  }

  @Test(arguments: patterns)
  func byteRangesFromEveryBoundary(pattern: String) throws {
    let regex = try ICURegex(pattern)
    let text = Self.text
    var boundaries = text.unicodeScalars.indices.map { text.utf8.distance(from: text.utf8.startIndex, to: $0) }
    boundaries.append(text.utf8.count)
    for from in boundaries {
      #expect(regex.firstMatch(in: text, from: from) == (try Self.expected(pattern, from: from)), "pattern \(pattern) from \(from)")
    }
  }

  @Test func groupsAndReplacementKeepTheBytesAround() throws {
    let regex = try ICURegex("\\[(사진)=([^\\]]+)\\](😀)?")
    let (replaced, count) = regex.replaceAll(in: Self.text + " [사진=뉴스1]😀 끝", with: "<$2|$3|$1>")
    #expect(count == 2)
    #expect(replaced == "abc é 사진=연합뉴스 😀😀 x <Getty||사진> 끝 ℃ 12.5 <뉴스1|😀|사진> 끝")
  }

  @Test func wholeMatchCaseFoldingAndEmptyText() throws {
    #expect(try ICURegex("[가-힣 ]+").matchesWhole("연합 뉴스"))
    #expect(!(try ICURegex("[가-힣]+").matchesWhole("연합 뉴스")))
    #expect(try ICURegex("getty", caseInsensitive: true).firstMatch(in: "😀 GETTY") == 5..<10)
    #expect(try ICURegex("^$").firstMatch(in: "") == 0..<0)
    #expect(try ICURegex("a").firstMatch(in: "") == nil)
  }

  /// A replace-all searches one text many times from one handle: each offset is mapped on
  /// from the last, and empty matches move on a character at a time.
  @Test func replacingEveryMatchOfALongText() throws {
    let text = String(repeating: "a가😀 é사진 ", count: 2_000)
    let (replaced, count) = try ICURegex("사진|😀|é").replaceAll(in: text, with: "[$0]")
    #expect(count == 6_000)
    #expect(replaced == String(repeating: "a가[😀] [é][사진] ", count: 2_000))
    #expect(try ICURegex("(?=사)").replaceAll(in: "가사😀사", with: "|") == ("가|사😀|사", 2))
    #expect(try ICURegex("x*").replaceAll(in: "가😀", with: "-") == ("-가-😀-", 3))
  }

  @Test func aLongLineGrowsTheBuffer() throws {
    let line = String(repeating: "가나다 ", count: 5_000) + "😀 제공"
    let regex = try ICURegex("\\s제공$")
    #expect(regex.firstMatch(in: line) == (line.utf8.count - 7)..<line.utf8.count)
    #expect(regex.firstMatch(in: "짧은 사진 제공") == 13..<20)
  }
}
