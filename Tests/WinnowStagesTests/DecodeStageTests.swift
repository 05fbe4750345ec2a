import Foundation
import Testing
import WinnowCore
import WinnowTestSupport
import WinnowNative
@testable import WinnowStages

func decodeStage(_ overrides: [String: OptionValue] = [:]) throws -> any DocumentStage {
  var values = StageOptions.defaults(for: DecodeConfig.options).values
  for (key, value) in overrides { values[key] = value }
  return try DecodeConfig(options: StageOptions(values)).build(StageContext(baseDirectory: "."))
}

func decode(_ bytes: [UInt8], format: InputFormat = .txt, stage: (any DocumentStage)? = nil) throws -> (Verdict, Document) {
  var document = Document(id: "t", source: SourceInfo(path: "t", format: format), bytes: bytes)
  let verdict = try (stage ?? decodeStage()).process(&document)
  return (verdict, document)
}

@Suite struct DecodeStageTests {
  @Test func decodesEveryFixtureInEveryListedEncodingExactly() throws {
    let stage = try decodeStage()
    var total = 0
    var correct = 0
    var failures: [String] = []
    for (name, encodings) in CharsetFixtures.matrix {
      let text = try CharsetFixtures.text(name)
      for encoding in encodings {
        let bytes = try #require(try CharsetFixtures.encode(text, as: encoding), "\(name) cannot be encoded as \(encoding)")
        total += 1
        let (verdict, document) = try decode(bytes, stage: stage)
        let label = try #require(document.source.encoding ?? "none" as String?)
        // A label is right when it is the one used, or one whose encoding gives the same bytes.
        let base = encoding.replacingOccurrences(of: "-BOM", with: "")
        let labelBytes = try CharsetFixtures.encode(text, as: label)
        let baseBytes = try CharsetFixtures.encode(text, as: base)
        let sameBytes = label == base || labelBytes == baseBytes
        if verdict == .keep && document.text.utf8Bytes == text.utf8Bytes && sameBytes {
          correct += 1
        } else {
          failures.append("\(name) as \(encoding): got \(label) (\(verdict))")
        }
      }
    }
    print("charset fixtures: \(correct)/\(total) decoded exactly")
    #expect(failures.isEmpty, "\(failures.joined(separator: "; "))")
    #expect(total >= 45)
  }

  /// The real scraped pages in ../shared/seeds, re-encoded into the Korean charsets.
  @Test(.enabled(if: sharedSeeds != nil, sharedSeedsSkip)) func decodesRealSeedPagesInKoreanEncodings() throws {
    let seeds = URL(fileURLWithPath: try #require(sharedSeeds))
    let files = try FileManager.default.contentsOfDirectory(atPath: seeds.path).filter { $0.hasSuffix(".txt") }.sorted()
    try #require(!files.isEmpty, "no seeds in \(seeds.path)")
    let stage = try decodeStage()
    var checked = 0
    for file in files {
      let text = try String(contentsOf: seeds.appendingPathComponent(file), encoding: .utf8)
      for encoding in ["CP949", "UTF-16LE", "UTF-16BE", "JOHAB", "UTF-8-BOM"] {
        // Seeds may hold characters a legacy charset lacks (emoji): such pairs are skipped.
        guard let bytes = try CharsetFixtures.encode(text, as: encoding) else { continue }
        let (verdict, document) = try decode(bytes, stage: stage)
        #expect(verdict == .keep && document.text.utf8Bytes == text.utf8Bytes, "\(file) as \(encoding): got \(document.source.encoding ?? "-")")
        checked += 1
      }
    }
    #expect(checked >= 15)
  }

  @Test func everySupportedEncodingHasAFixture() throws {
    let covered = Set(CharsetFixtures.matrix.flatMap(\.encodings).map { $0.replacingOccurrences(of: "-BOM", with: "") })
    let required = ["UTF-8", "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE", "CP949", "EUC-KR", "JOHAB", "ISO-2022-KR",
                    "Shift_JIS", "EUC-JP", "GB18030", "Big5", "windows-1251", "windows-1252", "ISO-8859-1", "ISO-8859-2",
                    "ISO-8859-5", "ISO-8859-15"]
    for name in required { #expect(covered.contains(name), "no fixture for \(name)") }
  }

  @Test func labelsCP949OnlyWhenExtendedSyllablesAreUsed() throws {
    let plain = try #require(try CharsetFixtures.encode(try CharsetFixtures.text("ko"), as: "CP949"))
    #expect(try decode(plain).1.source.encoding == "EUC-KR")
    let extended = try #require(try CharsetFixtures.encode(try CharsetFixtures.text("ko-extended"), as: "CP949"))
    #expect(try decode(extended).1.source.encoding == "CP949")
  }

  @Test func declaredEUCKRThatIsReallyUTF8DecodesAsUTF8() throws {
    let html = "<html><head><meta charset=\"euc-kr\"></head><body>한국어 본문입니다</body></html>"
    let (verdict, document) = try decode(Array(html.utf8), format: .html)
    #expect(verdict == .keep)
    #expect(document.text.utf8Bytes == html.utf8Bytes)
    #expect(document.source.encoding == "UTF-8")
  }

  @Test func declaredEUCKRThatNeedsCP949DecodesWithTheSuperset() throws {
    let body = try CharsetFixtures.text("ko-extended")
    let html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=euc-kr\"></head><body>\(body)</body></html>"
    let bytes = try #require(try CharsetFixtures.encode(html, as: "CP949"))
    let (verdict, document) = try decode(bytes, format: .html)
    #expect(verdict == .keep)
    #expect(document.text.utf8Bytes == html.utf8Bytes)
    #expect(document.source.encoding == "CP949")
  }

  @Test func declaredCharsetIsReadFromMetaTags() throws {
    let detector = CharsetDetector(candidates: [], useDetector: false, trustDeclared: true, plausibility: .shared)
    func declared(_ html: String) -> String? {
      Array(html.utf8).withUnsafeBufferPointer { detector.declaredCharset($0)?.name }
    }
    #expect(declared("<META CHARSET='EUC-KR'>") == "EUC-KR")
    #expect(declared("<meta http-equiv=\"content-type\" content=\"text/html;charset=ks_c_5601-1987\">") == "CP949")
    #expect(declared("<meta name=x content=y><p>charset=euc-kr</p>") == nil)
    #expect(declared("<meta charset=\"x-unknown\">") == nil)
  }

  @Test func anXMLDeclarationsEncodingIsDeclaredToo() throws {
    let detector = CharsetDetector(candidates: [], useDetector: false, trustDeclared: true, plausibility: .shared)
    func declared(_ page: String) -> String? {
      Array(page.utf8).withUnsafeBufferPointer { detector.declaredCharset($0)?.name }
    }
    #expect(declared("<?xml version=\"1.0\" encoding=\"BIG5\" standalone=\"yes\"?>\n<feed/>") == "Big5")
    #expect(declared("\n  <?xml version='1.0' encoding = 'windows-1251'?><rss/>") == "windows-1251")
    // A <meta charset> comes first; the declaration must open the page and be closed.
    #expect(declared("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><html><meta charset=\"euc-kr\">") == "EUC-KR")
    #expect(declared("<p>x</p><?xml version=\"1.0\" encoding=\"big5\"?>") == nil)
    #expect(declared("<?xml version=\"1.0\"?><p>encoding=\"big5\"</p>") == nil)
    #expect(declared("<?xml version=\"1.0\" encoding=\"x-unknown\"?>") == nil)

    // Used when the bytes decode under it; verified like a <meta charset>.
    let russian = "Городской совет сообщил в понедельник, что плата за проезд в метро вырастет в следующем году."
    let feed = "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<rss><item><title>" + russian + "</title></item></rss>\n"
    let bytes = try #require(try CharsetFixtures.encode(feed, as: "windows-1251"))
    let (verdict, document) = try decode(bytes, format: .html)
    #expect(verdict == .keep && document.source.encoding == "windows-1251" && document.text.utf8Bytes == feed.utf8Bytes)
    // A declaration the bytes contradict (KOI8-R bytes declared windows-1251) is not followed.
    let stale = try #require(try CharsetFixtures.encode(feed, as: "KOI8-R"))
    let (_, restored) = try decode(stale, format: .html)
    #expect(restored.source.encoding == "KOI8-R" && restored.text.utf8Bytes == feed.utf8Bytes, "\(restored.source.encoding ?? "-")")
  }

  @Test func dropsEmptyAndBinaryDocuments() throws {
    #expect(try decode([]).0 == .drop("empty", detail: "0 bytes"))
    #expect(try decode(Array("  \n\t ".utf8)).0 == .drop("empty", detail: "only white space"))
    let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x10, 0x37]
    let (verdict, _) = try decode(png)
    guard case .drop(let drop) = verdict else { Issue.record("binary kept"); return }
    #expect(drop.reason == "binary")
  }

  @Test func removesAFewStrayNULsAndKeepsTheText() throws {
    // 3 NULs in ~3 KB of HTML: noise, removed and counted; the page decodes as UTF-8.
    let page = "<html><body><p>" + String(repeating: "Grüße aus der Stadt. ", count: 150) + "</p></body></html>"
    var bytes = Array(page.utf8)
    for offset in [40, 900, 2000] { bytes.insert(0, at: offset) }
    let (verdict, document) = try decode(bytes)
    #expect(verdict == .keep)
    #expect(document.text == page)
    #expect(document.counters.contains { $0.name == "nul_bytes_removed" && $0.count == 3 })
    // A third of the bytes NUL: a binary file.
    let (binary, _) = try decode(Array(repeating: Array("abc\0\0\0def".utf8), count: 100).flatMap { $0 })
    guard case .drop(let drop) = binary else { Issue.record("binary kept"); return }
    #expect(drop.reason == "binary")
  }

  @Test func dropsTooManyUndecodableBytesAndCountsFewer() throws {
    // Valid UTF-8 Korean with stray invalid bytes: 2 bad bytes in ~150 characters.
    let text = try CharsetFixtures.text("ko")
    var bytes = Array(text.utf8)
    bytes.insert(0xFF, at: 30)
    bytes.insert(0xFE, at: 200)
    let strict = try decodeStage(["max_invalid_ratio": .double(0.001)])
    let (dropped, _) = try decode(bytes, stage: strict)
    guard case .drop(let drop) = dropped else { Issue.record("kept"); return }
    #expect(drop.reason == "invalid_encoding")
    let lenient = try decodeStage(["max_invalid_ratio": .double(0.05)])
    let (kept, document) = try decode(bytes, stage: lenient)
    #expect(kept == .keep)
    #expect(document.counters.contains { $0.name == "replacement_chars" && $0.count == 2 })
    #expect(document.text?.unicodeScalars.filter { $0 == "\u{FFFD}" }.count == 2)
  }

  @Test func repairsUTF8ReadAsWindows1252() throws {
    let original = "안녕하세요 여러분, 오늘 날씨가 맑습니다."
    let bytes = Array(original.utf8)
    let outcome = try bytes.withUnsafeBufferPointer { try ICU.decode($0, charset: "windows-1252", strict: false) }
    guard case .decoded(let mojibake, _) = outcome else { Issue.record("cannot make mojibake"); return }
    var document = Document(id: "j", source: SourceInfo(path: "j", format: .jsonl), text: mojibake)
    #expect(try decodeStage().process(&document) == .keep)
    #expect(document.text.utf8Bytes == original.utf8Bytes)
    #expect(document.counters.contains { $0.name == "mojibake_repaired" })
  }

  @Test func repairsCP949ReadAsLatin1() throws {
    let latin1 = "¼Ò¸®¿¤"  // 소리엘 in CP949, read as Latin-1
    var document = Document(id: "j", source: SourceInfo(path: "j", format: .jsonl), text: latin1)
    #expect(try decodeStage().process(&document) == .keep)
    #expect(document.text.utf8Bytes == "소리엘".utf8Bytes)
  }

  @Test func repairsOnlyTheMojibakeRunInMixedText() throws {
    let mojibake = String(Array("서울 날씨".utf8).map { Character(Unicode.Scalar($0)) })
    var document = Document(id: "j", source: SourceInfo(path: "j", format: .jsonl), text: "정상 문장입니다. \(mojibake)")
    #expect(try decodeStage().process(&document) == .keep)
    #expect(document.text.utf8Bytes == "정상 문장입니다. 서울 날씨".utf8Bytes)
  }

  @Test func repairsARecordsTitleToo() throws {
    let title = String(Array("인천공항 겨울방학 성수기".utf8).map { Character(Unicode.Scalar($0)) })
    var document = Document(id: "j", source: SourceInfo(path: "j", format: .jsonl), text: "정상 문장입니다.")
    document.meta.title = title
    #expect(try decodeStage().process(&document) == .keep)
    #expect(document.meta.title?.utf8Bytes == "인천공항 겨울방학 성수기".utf8Bytes)
    var plain = Document(id: "k", source: SourceInfo(path: "k", format: .jsonl), text: "정상 문장입니다.")
    plain.meta.title = "Café crème"
    #expect(try decodeStage().process(&plain) == .keep)
    #expect(plain.meta.title == "Café crème")
  }

  @Test func leavesRealLatinTextAlone() throws {
    for text in ["Café crème, déjà vu — naïve façade.", "Größe, Ärger und Übermut", "El niño comió piña en Añón.", "Ärger"] {
      var document = Document(id: "j", source: SourceInfo(path: "j", format: .jsonl), text: text)
      #expect(try decodeStage().process(&document) == .keep)
      #expect(document.text.utf8Bytes == text.utf8Bytes)
    }
  }

  @Test func mojibakeRepairCanBeTurnedOff() throws {
    let latin1 = "¼Ò¸®¿¤"
    var document = Document(id: "j", source: SourceInfo(path: "j", format: .jsonl), text: latin1)
    #expect(try decodeStage(["repair_mojibake": .string("off")]).process(&document) == .keep)
    #expect(document.text.utf8Bytes == latin1.utf8Bytes)
  }

  @Test func rejectsUnknownCandidateWithSuggestion() throws {
    var values = StageOptions.defaults(for: DecodeConfig.options).values
    values["candidates"] = .strings(["UTF-8", "CP494"])
    #expect(throws: OptionError(option: "candidates", item: 1, "unsupported charset 'CP494'; did you mean 'CP949'?")) {
      try DecodeConfig(options: StageOptions(values))
    }
  }

  /// Johab bytes made by Python's `johab` codec (not by our own encoder): symbols, hanja,
  /// € and ® (KS X 1001:1998) and every syllable.
  @Test func decodesJohabMadeByAnIndependentEncoder() throws {
    let stage = try decodeStage()
    for name in ["ko", "ko-extended", "ko-headline", "ko-symbols"] {
      let text = try CharsetFixtures.text(name)
      let bytes = try [UInt8](Data(contentsOf: CharsetFixtures.directory.deletingLastPathComponent().appendingPathComponent("johab/\(name).johab")))
      let direct = bytes.withUnsafeBufferPointer { Johab.decode($0, strict: true) }
      #expect(direct?.text.utf8Bytes == text.utf8Bytes, "\(name)")
      let (verdict, document) = try decode(bytes, stage: stage)
      #expect(verdict == .keep && document.text.utf8Bytes == text.utf8Bytes && document.source.encoding == "JOHAB", "\(name): \(document.source.encoding ?? "-")")
    }
  }

  /// Every byte alone and every pair a table holds decodes as ICU's strict decode gives it
  /// (what the tables leave out goes to ICU), and whole texts decode as ICU decodes them.
  @Test(arguments: [
    ("CP949", "windows-949-2000", "ko-extended"), ("Shift_JIS", "windows-31j", "ja"), ("EUC-JP", "EUC-JP", "ja"),
    ("GB18030", "GB18030", "zh-hans"), ("Big5", "windows-950-2000", "zh-hant"),
  ])
  func doubleByteTablesAgreeWithICUOnEveryByteAndPair(charset: String, icuName: String, fixture: String) throws {
    let table = try #require(DoubleByteDecoder.named(charset))
    func icu(_ bytes: [UInt8]) throws -> String? {
      guard case .decoded(let text, 0) = try bytes.withUnsafeBufferPointer({ try ICU.decode($0, charset: icuName, strict: true) }) else {
        return nil
      }
      return text
    }
    var singles = 0
    var pairs = 0
    for first in 0...0xFF {
      let alone: [UInt8] = [UInt8(first)]
      // Bytes, not String ==: the tables map pairs to compatibility ideographs that are
      // canonically equal to unified ones.
      if let fast = alone.withUnsafeBufferPointer({ table.decode($0) }) {
        #expect(try icu(alone)?.utf8Bytes == fast.utf8Bytes, "\(charset) \(String(first, radix: 16))")
        singles += 1
        continue
      }
      for second in 0x21...0xFE {
        let pair: [UInt8] = [UInt8(first), UInt8(second)]
        guard let fast = pair.withUnsafeBufferPointer({ table.decode($0) }) else { continue }  // ICU decodes these
        #expect(try icu(pair)?.utf8Bytes == fast.utf8Bytes, "\(charset) \(String(first, radix: 16)) \(String(second, radix: 16))")
        pairs += 1
      }
    }
    #expect(singles >= 128, "\(charset): \(singles) bytes alone")
    #expect(pairs > 7000, "\(charset): \(pairs) pairs")
    // Every two-byte sequence ICU maps to a non-private-use character.
    if charset == "CP949" { #expect(pairs == 17048, "\(pairs) pairs") }
    let text = try CharsetFixtures.text(fixture)
    let bytes = try #require(try CharsetFixtures.encode(text, as: charset))
    let fast = try #require(bytes.withUnsafeBufferPointer { table.decode($0) }, "\(charset): \(fixture) needs ICU")
    #expect(fast.utf8Bytes == (try icu(bytes))?.utf8Bytes)
    // A lead byte cut off at the end goes to ICU.
    let lead = try #require((UInt8(0x81)...0xFE).first { [$0].withUnsafeBufferPointer { table.decode($0) } == nil })
    #expect([UInt8(0x41), lead].withUnsafeBufferPointer { table.decode($0) } == nil)
  }

  @Test func shortKoreanTextsPreferTheConfiguredCharsets() throws {
    for text in ["뷁", "햏자의 하루", "똠방각하", "인기 검색어: 똠양꿍, 햏, 뷁", "오늘의 날씨"] {
      let bytes = try #require(try CharsetFixtures.encode(text, as: "CP949"))
      let (verdict, document) = try decode(bytes)
      #expect(verdict == .keep && document.text.utf8Bytes == text.utf8Bytes, "\(text): \(document.source.encoding ?? "-")")
      let johab = try #require(CharsetFixtures.encodeJohab(text))
      let (johabVerdict, johabDocument) = try decode(johab)
      #expect(johabVerdict == .keep && johabDocument.text.utf8Bytes == text.utf8Bytes, "\(text) in Johab: \(johabDocument.source.encoding ?? "-")")
    }
  }

  @Test func aDeclaredCharsetThatGivesGarbageIsOverruled() throws {
    let html = "<html><head><meta charset=\"koi8-r\"></head><body>한국어 본문입니다. 날씨가 맑습니다.</body></html>"
    let bytes = try #require(try CharsetFixtures.encode(html, as: "CP949"))
    let (verdict, document) = try decode(bytes, format: .html)
    #expect(verdict == .keep && document.text.utf8Bytes == html.utf8Bytes)
  }

  @Test func oneBadByteInCP949BecomesOneReplacementNotMojibake() throws {
    let text = try CharsetFixtures.text("ko")
    var bytes = try #require(try CharsetFixtures.encode(text, as: "CP949"))
    let boundary = try #require(try CharsetFixtures.encode(String(text.prefix(20)), as: "CP949")).count
    bytes.insert(0xFF, at: boundary)
    let (verdict, document) = try decode(bytes, stage: try decodeStage(["max_invalid_ratio": .double(0.05)]))
    #expect(verdict == .keep)
    #expect(document.source.encoding == "CP949")
    #expect(document.text?.unicodeScalars.filter { $0 == "\u{FFFD}" }.count == 1)
    #expect(document.text?.replacingOccurrences(of: "\u{FFFD}", with: "") == text)
  }

  @Test func bytesThatDecodeToNothingPlausibleAreRejected() throws {
    // Random high bytes: every single-byte charset "decodes" them, none plausibly.
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let bytes = (0..<600).map { _ -> UInt8 in
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return UInt8(truncatingIfNeeded: state >> 56) | 0x80
    }
    let (verdict, _) = try decode(bytes)
    guard case .drop(let drop) = verdict else { Issue.record("garbage kept"); return }
    #expect(["undetected_charset", "invalid_encoding"].contains(drop.reason))
  }

  @Test func aCutCharacterInLongUTF8TextIsOneReplacementNotAnotherCharset() throws {
    // Polish UTF-8 with one character cut in half (a truncated teaser): strict UTF-8 fails,
    // and a Cyrillic or Central European charset would "decode" every byte.
    let sentence = "Kolejne organizacje sprzeciwiają się atakom na fundacje i media, informuje redakcja portalu. "
    var bytes = Array(("<html><head><meta charset=\"UTF-8\"></head><body><p>" + String(repeating: sentence, count: 40)).utf8)
    bytes.append(contentsOf: [0x20, 0xC3, 0x2E, 0x2E, 0x2E, 0x20])
    bytes.append(contentsOf: Array(sentence.utf8))
    let (verdict, document) = try decode(bytes, format: .html)
    #expect(verdict == .keep)
    #expect(document.source.encoding == "UTF-8")
    #expect(document.text?.unicodeScalars.filter { $0 == "\u{FFFD}" }.count == 1)
    #expect(document.text?.contains("sprzeciwiają się") == true)
    // Legacy text whose bytes happen to form a few UTF-8 sequences stays legacy: German
    // windows-1252 with "Ã¼" written on purpose once.
    let german = try #require(try CharsetFixtures.encode(String(repeating: "Größere Brücken für Fußgänger über die Straße. ", count: 10) + "Ã¼", as: "windows-1252"))
    let (_, legacy) = try decode(german)
    #expect(legacy.source.encoding != "UTF-8")
    #expect(legacy.text?.contains("Brücken für") == true)
  }
}

