import Foundation
import Testing
import WinnowCore

@Suite struct JSONTests {
  @Test func escapesPerRFC8259AndRoundTrips() throws {
    let samples = ["plain", "quote \" backslash \\ slash /", "tab\tnewline\ncr\r", "\u{01}\u{1F}\u{7F}", "한국어 😀", ""]
    for sample in samples {
      var writer = JSONWriter()
      writer.string(sample)
      let decoded = try JSONSerialization.jsonObject(with: Data(writer.bytes), options: .fragmentsAllowed) as? String
      #expect(decoded == sample)
    }
    var writer = JSONWriter()
    writer.string("a\u{01}\n")
    #expect(String(decoding: writer.bytes, as: UTF8.self) == "\"a\\u0001\\n\"")
  }

  /// The manifest's writer: what JSONSerialization reads back is what went in, keys sorted.
  @Test func prettyJSONRoundTripsThroughJSONSerialization() throws {
    let value: [String: Any] = [
      "b": [1, 2.5, -3, "x \"y\"\n", true, false, NSNull(), [:] as [String: Any], [] as [Any]],
      "a": ["z": 0.1, "y": 1e-9, "x": 12_345_678_901, "w": "한국어", "v": 3.0],
      "c": Int64(-7), "d": UInt64(9),
    ]
    let bytes = Manifest.prettyJSON(value)
    let text = String(decoding: bytes, as: UTF8.self)
    #expect(text.hasPrefix("{\n  \"a\" : {\n    \"v\" : 3,\n    \"w\" : \"한국어\""))
    let back = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    let again = try JSONSerialization.data(withJSONObject: back, options: [.sortedKeys])
    let expected = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
    #expect(again == expected)
  }

  @Test func writesFractionsStably() {
    for (value, text) in [(1.0, "1"), (0.0, "0"), (0.5, "0.5"), (0.987, "0.99"), (0.05, "0.05"), (1.7, "1")] {
      var writer = JSONWriter()
      writer.fraction(value)
      #expect(String(decoding: writer.bytes, as: UTF8.self) == text)
    }
  }

  @Test func parsesObjectsKeepingRawValues() throws {
    let line = Array(#" {"a": "x\u00e9\ud83d\ude00", "b" : [1, {"c": -2.5e3}], "d": true, "e": null} "#.utf8)
    let members = try JSONLineParser.parseObject(line)
    #expect(members.map(\.key) == ["a", "b", "d", "e"])
    #expect(JSONLineParser.stringValue(members[0].value) == "xé😀")
    #expect(String(decoding: members[1].value, as: UTF8.self) == #"[1, {"c": -2.5e3}]"#)
    #expect(throws: Never.self) { try JSONLineParser.parseObject(Array(#"{"z":0,"f":0.5,"g":-0}"#.utf8)) }
  }

  /// Strings are scanned eight bytes at a time: an escape, a closing quote or a control
  /// character at any offset of a word (and past the last whole word) is still seen; the
  /// same with `trusted` (winnow's own output, whose UTF-8 is not checked again), which
  /// takes a string without escapes as its bytes.
  @Test func stringsDecodeWithTheSpecialByteAtEveryOffset() throws {
    for trusted in [false, true] {
      for filler in ["a", "가"] {
        for offset in 0..<24 {
          let before = String(repeating: filler, count: offset)
          for (escaped, expected) in [(#"\""#, "\""), (#"\\"#, "\\"), (#"\n"#, "\n"), (#"\u00e9"#, "é"), ("", "")] {
            let line = Array(#"{"k":"\#(before)\#(escaped)tail end of it","id":"\#(escaped)x"}"#.utf8)
            let members = try JSONLineParser.parseObject(line, trusted: trusted)
            #expect(members.first?.string == before + expected + "tail end of it", "\(filler) \(offset) \(escaped) \(trusted)")
            #expect(members.last?.string == expected + "x")
          }
          // A raw control character is an error wherever it is.
          let bad = Array(#"{"k":"\#(before)"#.utf8) + [0x01] + Array(#"tail end of it"}"#.utf8)
          #expect(throws: JSONSyntaxError.self) { try JSONLineParser.parseObject(bad, trusted: trusted) }
        }
      }
    }
    // Untrusted, bytes that are not UTF-8 are an error.
    #expect(throws: JSONSyntaxError.self) { try JSONLineParser.parseObject(Array(#"{"k":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)) }
  }

  @Test func reportsSyntaxErrorsWithColumns() {
    let cases: [(String, String)] = [
      (#"{"a":1,}"#, "column 8: expected a key string"),
      (#"{"a" 1}"#, "column 6: expected ':' after key"),
      (#"[1,2]"#, "column 1: expected a JSON object '{'"),
      (#"{"a":tru}"#, "column 6: invalid literal"),
      (#"{"a":1} x"#, "column 9: unexpected text after the object"),
      (#"{"a":"\q"}"#, "column 7: invalid escape"),
      (#"{"n":007}"#, "column 6: number with a leading zero"),
      (#"{"n":-01}"#, "column 7: number with a leading zero"),
    ]
    for (input, message) in cases {
      #expect(throws: JSONSyntaxError.self) { try JSONLineParser.parseObject(Array(input.utf8)) }
      do {
        _ = try JSONLineParser.parseObject(Array(input.utf8))
      } catch {
        #expect(error.description == message, "\(input)")
      }
    }
  }

  @Test func base64MatchesFoundation() {
    for bytes in [[], [0], [0, 1], [0, 1, 2], [255, 254, 253, 252], Array(0...255)] as [[UInt8]] {
      #expect(base64(bytes) == Data(bytes).base64EncodedString())
    }
  }
}
