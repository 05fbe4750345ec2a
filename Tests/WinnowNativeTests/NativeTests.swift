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

  @Test func detectorProposesCandidates() {
    let text = Array(String(repeating: "Привет, как дела? Сегодня хорошая погода. ", count: 20).utf8)
    let proposals = text.withUnsafeBufferPointer { ICU.detect($0) }
    #expect(proposals.first?.name == "UTF-8")
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
