import Testing

@testable import WinnowNative

@Suite struct UTF8ScalarTests {
  /// Every ASCII byte in every one of the eight positions, beside every other byte class.
  @Test func asciiLettersCountsExactlyTheLettersOfAWord() {
    func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
    var checked = 0
    for byte in UInt8(0)..<0x80 {
      for neighbour: UInt8 in [0x00, 0x1F, 0x40, 0x41, 0x5A, 0x5B, 0x60, 0x61, 0x7A, 0x7B, 0x7F] {
        for position in 0..<8 {
          var bytes = [UInt8](repeating: neighbour, count: 8)
          bytes[position] = byte
          let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
          #expect(UTF8Scalar.asciiLetters(in: word) == bytes.filter(isLetter).count, "\(bytes)")
          checked += 1
        }
      }
    }
    #expect(checked == 128 * 11 * 8)
  }

  @Test func decodeGivesEachScalarAndItsLength() {
    let text = "aé한😀"
    let bytes = Array(text.utf8)
    var scalars: [UInt32] = []
    bytes.withUnsafeBufferPointer { buffer in
      var index = 0
      while index < buffer.count {
        let (value, length) = UTF8Scalar.decode(buffer.baseAddress!, count: buffer.count, at: index)
        scalars.append(value)
        index += length
      }
    }
    #expect(scalars == text.unicodeScalars.map(\.value))
  }

  /// The string a decoder writes is the one Swift's validating initialiser gives, whatever its
  /// length and scripts; nil from the decoder is nil, and nothing written is "".
  @Test func stringOfWrittenUTF8IsTheTextWritten() {
    for text in ["", "a", "plain ASCII text", "한국어 기사 본문", "Привет, мир", "混合 text — ümlaut 😀", String(repeating: "뉴스 ", count: 5000)] {
      let bytes = Array(text.utf8)
      let made = UTF8Scalar.string(capacity: bytes.count + 8) { buffer in
        _ = buffer.initialize(from: bytes)
        return bytes.count
      }
      #expect(made == text)
      #expect(made?.utf8.count == bytes.count)
      #expect(made.map { Array($0.unicodeScalars) } == Array(text.unicodeScalars))
    }
    #expect(UTF8Scalar.string(capacity: 16) { _ in nil } == nil)
    #expect(UTF8Scalar.string(capacity: 0) { _ in 0 } == "")
  }

  /// Packed UTF-8: the scalar's bytes, first byte lowest, for one- to four-byte scalars.
  @Test func packedHoldsTheScalarsBytesFirstLowest() {
    for scalar in "A\u{E9}\u{D55C}\u{1F600}".unicodeScalars {
      let (bytes, length) = UTF8Scalar.packed(scalar)
      let units = Array(String(scalar).utf8)
      #expect(Int(length) == units.count)
      #expect((0..<units.count).map { UInt8(truncatingIfNeeded: bytes >> (8 * UInt32($0))) } == units)
      #expect(bytes >> (8 * UInt32(length)) == 0 || length == 4)
    }
  }
}
