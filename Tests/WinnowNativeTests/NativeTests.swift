import Foundation
import Testing
import WinnowNative

@Suite struct ICUTests {
  @Test func reportsVersions() {
    #expect(ICU.version.split(separator: ".").count >= 2)
    #expect(LibXML2.version.hasPrefix("2."))
  }

  @Test func strictDecodeStopsAtTheFirstBadSequenceWithItsOffset() throws {
    let bytes: [UInt8] = Array("abc".utf8) + [0xFF] + Array("def".utf8)
    let outcome = try bytes.withUnsafeBufferPointer { try ICU.decode($0, charset: "UTF-8", strict: true) }
    #expect(outcome == .invalid(offset: 4))
  }

  @Test func lenientDecodeCountsReplacements() throws {
    let bytes: [UInt8] = [0x61, 0xFF, 0x62, 0xC3]
    let outcome = try bytes.withUnsafeBufferPointer { try ICU.decode($0, charset: "UTF-8", strict: false) }
    #expect(outcome == .decoded("a\u{FFFD}b\u{FFFD}", substitutions: 2))
  }

  @Test func singleByteUnmappedBecomesReplacementNotSubstitute() throws {
    // ISO-8859-3 has no character at 0xA5: U+FFFD, not ICU's default U+001A.
    let outcome = try [UInt8(0xA5), 0x41].withUnsafeBufferPointer { try ICU.decode($0, charset: "ISO-8859-3", strict: false) }
    #expect(outcome == .decoded("\u{FFFD}A", substitutions: 1))
    let strict = try [UInt8(0x41), 0xA5].withUnsafeBufferPointer { try ICU.decode($0, charset: "ISO-8859-3", strict: true) }
    #expect(strict == .invalid(offset: 2))
  }

  @Test func encodesAndRefusesUnmappable() throws {
    #expect(try ICU.encode("한글", charset: "EUC-KR") == [0xC7, 0xD1, 0xB1, 0xDB])
    #expect(try ICU.encode("😀", charset: "EUC-KR") == nil)
  }

  @Test func unknownConverterIsANativeError() {
    #expect(!ICU.converterExists("no-such-charset"))
    #expect(throws: NativeError.self) {
      try [UInt8(0x41)].withUnsafeBufferPointer { try ICU.decode($0, charset: "no-such-charset", strict: true) }
    }
  }

  @Test func exemplarsAreCLDRsEverydayCharacters() {
    let japanese = ICU.exemplars("ja")
    #expect(japanese != nil)
    func has(_ bitmap: [UInt8]?, _ scalar: Unicode.Scalar) -> Bool {
      guard let bitmap else { return false }
      return bitmap[Int(scalar.value >> 3)] & (1 << (scalar.value & 7)) != 0
    }
    // Hiragana and a jōyō kanji are Japanese; a simplified-only form is not, but is Chinese.
    #expect(has(japanese, "あ") && has(japanese, "日"))
    #expect(!has(japanese, "们") && has(ICU.exemplars("zh"), "们"))
    #expect(has(ICU.exemplars("zh_Hant"), "們") && !has(ICU.exemplars("zh_Hant"), "们"))
  }

  @Test func normalizerComposesAndItsTableKnowsStableCharacters() throws {
    let nfc = try ICUNormalizer(form: .nfc)
    #expect(try nfc.normalize("\u{1112}\u{1161}\u{11AB}") == "한")
    #expect(nfc.isStable(0x41) && nfc.isStable(0xD55C) && nfc.isStable(0x4E00))
    #expect(!nfc.isStable(0x0301) && !nfc.isStable(0x1161) && !nfc.isStable(0x11AB) && !nfc.isStable(0xF900))
    #expect(nfc.isNormalized("한국어 café") && !nfc.isNormalized("cafe\u{301}"))
    let nfkc = try ICUNormalizer(form: .nfkc)
    #expect(!nfkc.isStable(0xFF41) && nfc.isStable(0xFF41))
  }

  /// UAX #15's Stream-Safe Text Format: a grapheme joiner after every 30 non-starters in a
  /// row, none in a run of 30, so ICU's reordering of a run stays linear.
  @Test func aRunOfMoreThanThirtyCombiningMarksGetsAJoinerAfterEachThirty() throws {
    let nfc = try ICUNormalizer(form: .nfc)
    let thirty = "a" + String(repeating: "\u{316}", count: 30)
    let plain = try nfc.normalized(thirty)
    #expect(plain.joinersInserted == 0)
    #expect(Array(plain.text.utf8) == Array(thirty.utf8))
    // 100 marks: joiners after the 30th, 60th and 90th; each piece is sorted on its own.
    let hundred = "a" + String(repeating: "\u{301}\u{316}", count: 50) + "b"
    let result = try nfc.normalized(hundred)
    #expect(result.joinersInserted == 3)
    let pieces = result.text.unicodeScalars.split(separator: "\u{34F}").map { String(String.UnicodeScalarView($0)) }
    #expect(pieces.count == 4)
    #expect(Array(pieces[0].utf8) == Array(("\u{E1}" + String(repeating: "\u{316}", count: 15) + String(repeating: "\u{301}", count: 14)).utf8))
    #expect(Array(pieces[3].utf8) == Array((String(repeating: "\u{316}", count: 5) + String(repeating: "\u{301}", count: 5) + "b").utf8))
    // Non-starters are counted in each character's NFKD decomposition (UAX #15): U+0F73 has
    // combining class 0 but decomposes to two, so 40 of them are 80, and get two joiners.
    #expect(try nfc.normalized(String(repeating: "\u{F73}", count: 40)).joinersInserted == 2)
    // À is a starter that ends with one: 1 + 30 marks after it get a joiner.
    #expect(try nfc.normalized("\u{C0}" + String(repeating: "\u{316}", count: 30)).joinersInserted == 1)
    #expect(try nfc.normalized("\u{C0}" + String(repeating: "\u{316}", count: 29)).joinersInserted == 0)
    // A 2 MB run takes milliseconds, not minutes.
    let started = ContinuousClock.now
    let long = try nfc.normalized("a" + String(repeating: "\u{301}\u{316}", count: 500_000))
    #expect(long.joinersInserted == 33_333)
    #expect(ContinuousClock.now - started < .seconds(20))
  }

  /// Text over one piece (64K units) is normalized piece by piece, split before characters
  /// with a boundary: the same result as a whole.
  @Test func normalizingInPiecesGivesTheWholeTextsResult() throws {
    for form in ICUNormalizer.Form.allCases {
      let normalizer = try ICUNormalizer(form: form)
      // Decomposed Latin, Hangul jamo, Tibetan, a compatibility character, an emoji: 13 units.
      let unit = "xe\u{301}\u{1112}\u{1161}\u{11AB}\u{F73}\u{FB01}A\u{30A}\u{1F600}"
      let whole = try normalizer.normalized(String(repeating: unit, count: 20_000)).text
      let one = try normalizer.normalize(unit)
      #expect(Array(whole.utf8) == Array(String(repeating: one, count: 20_000).utf8))
    }
  }

  @Test func normalizationStopsAtThePassedDeadline() throws {
    let nfc = try ICUNormalizer(form: .nfc)
    let text = String(repeating: "e\u{301}", count: 100_000)
    #expect(throws: NativeError.self) { try nfc.normalized(text, deadline: 1) }
    do {
      _ = try nfc.normalized(text, deadline: 1)
    } catch {
      #expect(error.function == "deadline")
    }
    // A text of one piece is normalized whatever the deadline (the runner checks the time).
    #expect(Array(try nfc.normalized("e\u{301}", deadline: 1).text.utf8) == Array("\u{E9}".utf8))
  }
}

@Suite struct GzipTests {
  @Test func readsGzipAndPlainFilesAlike() throws {
    let directory = NSTemporaryDirectory() + "winnow-gzip-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let text = String(repeating: "압축된 줄\n", count: 5000)
    let plain = directory + "/a.txt"
    try text.write(toFile: plain, atomically: true, encoding: .utf8)
    let copy = directory + "/b.txt"
    try FileManager.default.copyItem(atPath: plain, toPath: copy)
    let gzip = Process()
    gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
    gzip.arguments = [copy]
    try gzip.run()
    gzip.waitUntilExit()
    for path in [plain, copy + ".gz"] {
      let reader = try GzipReader(path: path)
      var all: [UInt8] = []
      var chunk = [UInt8](repeating: 0, count: 4096)
      while true {
        let count = try reader.read(into: &chunk)
        if count == 0 { break }
        all += chunk[0..<count]
      }
      #expect(String(decoding: all, as: UTF8.self) == text)
    }
    #expect(throws: NativeError.self) { try GzipReader(path: directory + "/missing.gz") }
  }
}
