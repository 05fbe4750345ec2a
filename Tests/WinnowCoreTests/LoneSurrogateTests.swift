import Testing
import WinnowCore

@Suite struct LoneSurrogateTests {
  func repaired(_ raw: String) -> String? {
    JSONLineParser.replacingLoneSurrogates(in: ArraySlice(Array(raw.utf8))).map { String(decoding: $0.bytes, as: UTF8.self) }
  }

  @Test func rewritesLoneSurrogateEscapesAndLeavesPairsAndEscapedBackslashes() {
    #expect(repaired(#""a\ud800b""#) == #""a\ufffdb""#)
    #expect(repaired(#"["\udfff",{"k":"\uDBFF\u0041"}]"#) == #"["\ufffd",{"k":"\ufffd\u0041"}]"#)
    #expect(repaired(#""\ud800\ud800\udc00""#) == #""\ufffd\ud800\udc00""#)
    #expect(repaired(#""\ud83d\ude00 \\ud800 \n""#) == nil)
    #expect(repaired("12") == nil)
  }

  @Test func theParserCountsEveryLoneSurrogateOfTheLine() throws {
    let line = #"{"\ud800":"\udfff","x":["\ud83d\ude00",{"y":"\udbff!"}],"t":"\\ud800"}"#
    let parsed = try JSONLineParser.parseRecord(Array(line.utf8))
    #expect(parsed.loneSurrogates == 3)
    #expect(parsed.members.map(\.key) == ["\u{FFFD}", "x", "t"])
  }
}
