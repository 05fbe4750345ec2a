import Testing
import WinnowCore
import WinnowNative
@testable import WinnowStages

/// The fast paths of charset detection against the plain ones they replace: table decoding
/// of single-byte pages against ICU, the letter-pair model's screened ranking against the full
/// one, prefix checks on long texts, and the names reported for the bytes.
@Suite struct CharsetSpeedPathTests {
  /// Every byte of every single-byte page, alone and in a random text, decodes by table as
  /// ICU's strict decode does (text, or failure at the same byte).
  @Test func tableDecodingMatchesICUOnEveryPage() throws {
    var generator = SystemRandomNumberGenerator()
    let random = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
    var checked = 0
    for charset in Charsets.all where charset.kind == .singleByte && charset.decodeAs == nil {
      guard let icuName = charset.icuName, let table = SingleByteDecoder.shared.tables[charset.name] else { continue }
      for sample in (0..<256).map({ [UInt8($0)] }) + [random, Array(random.filter { $0 < 0x80 || table.lengths[Int($0)] > 0 })] {
        let ours = sample.withUnsafeBufferPointer { SingleByteDecoder.decode($0, table) }
        let icu = try sample.withUnsafeBufferPointer { try ICU.decode($0, charset: icuName, strict: true) }
        switch (ours, icu) {
        case (.success(let text), .decoded(let expected, _)): #expect(text == expected, "\(charset.name) \(sample.prefix(4))")
        case (.failure(let error), .invalid(let offset)): #expect(error.offset == offset, "\(charset.name) \(sample.prefix(4))")
        default: Issue.record("\(charset.name): table \(ours), ICU \(icu) on \(sample.prefix(4))")
        }
        checked += 1
      }
    }
    #expect(checked > 40 * 258)
  }

  /// The blocks plausibility's table skips when it marks unassigned code points hold none.
  @Test func blocksSkippedAsWhollyAssignedHaveNoUnassignedCodePoint() {
    var unassigned: [String] = []
    for range in TextPlausibility.whollyAssigned {
      for code in range {
        guard let scalar = Unicode.Scalar(UInt32(code)) else { continue }
        if scalar.properties.generalCategory == .unassigned { unassigned.append(String(code, radix: 16)) }
      }
    }
    #expect(unassigned.isEmpty, "\(unassigned.prefix(5))")
    #expect(TextPlausibility.whollyAssigned.reduce(0) { $0 + $1.count } > 40_000)
  }

  /// Private-use code points (what converters give undefined bytes) become U+FFFD and are
  /// counted wherever they sit in the eight-byte words the scan reads; the characters beside
  /// them in UTF-8 (U+D7FF, U+F900, U+FFFD, emoji) are left as they are.
  @Test func privateUseIsReplacedWhereverItSits() {
    for padding in 0..<9 {
      let head = String(repeating: "a", count: padding)
      #expect(CharsetDetector.replacingPrivateUse(head + "\u{D7FF}\u{F900}\u{FFFD}😀 plain") == nil, "\(padding)")
      let found = CharsetDetector.replacingPrivateUse(head + "x\u{E000}y\u{F8FF}" + head)
      #expect(found?.0 == head + "x\u{FFFD}y\u{FFFD}" + head && found?.1 == 2, "\(padding)")
    }
  }

  /// Plausibility counts runs of two-byte letters (Cyrillic, Greek, Hebrew, Arabic, …) in a
  /// tight loop: the counts are those of adding the text's characters one by one, whatever
  /// the scripts, cases and characters around the runs (ASCII kept to single characters,
  /// whose runs have their own shortcut).
  @Test func twoByteLetterRunsCountAsCharacterByCharacter() {
    var generator = SystemRandomNumberGenerator()
    let wide = Array("ПриветЖжЁёΑλφαΒήταשלוםمرحباéÉüÜ¶§ĀāΩω한국中文ｱ€ӘәԱա".unicodeScalars)
    let ascii = Array(" aZ.".unicodeScalars)
    let plausibility = TextPlausibility.shared
    for _ in 0..<3000 {
      var scalars: [Unicode.Scalar] = []
      for _ in 0..<Int.random(in: 1...60, using: &generator) {
        let asciiNext = scalars.last.map { $0.value >= 0x80 } ?? true
        scalars.append(asciiNext && Bool.random(using: &generator) ? ascii.randomElement(using: &generator)! : wide.randomElement(using: &generator)!)
      }
      let text = String(String.UnicodeScalarView(scalars))
      let fast = plausibility.counts(text)
      let plain = plausibility.counts(scalars)
      let same = fast.nonASCII == plain.nonASCII && fast.asciiLetters == plain.asciiLetters && fast.caseChanges == plain.caseChanges
        && fast.latinAdjacent == plain.latinAdjacent && fast.hanSpaceHan == plain.hanSpaceHan && fast.syllableRuns == plain.syllableRuns
        && (0..<16).allSatisfy { fast.byClass[$0] == plain.byClass[$0] }
      #expect(same, "\(text.debugDescription)")
      if !same { return }
    }
  }

  /// Plausibility counts ASCII runs eight bytes at a time: the letters it finds are the
  /// text's ASCII letters, whatever the run's length and alignment and the bytes around
  /// the letters ('@', '[', '`', '{' are next to them in ASCII).
  @Test func asciiRunsCountEveryLetter() {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("@AZ[`az{ 09.\tMq_~".unicodeScalars)
    for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 200] {
      for prefix in ["", "é", "Жж ", "한"] {
        let run = String(String.UnicodeScalarView((0..<length).map { _ in alphabet.randomElement(using: &generator)! }))
        let text = prefix + run + "ü" + run
        let letters = text.unicodeScalars.filter { ("A"..."Z").contains($0) || ("a"..."z").contains($0) }.count
        #expect(TextPlausibility.shared.counts(text).asciiLetters == letters, "\(prefix)\(run.debugDescription)")
      }
    }
  }

  /// Johab's symbols and hanja are KS X 1001 rows read through CP949: the table it reads
  /// them from gives what ICU's strict decode of each pair gives (or defers to ICU).
  @Test func koreanTableUnitsAreICUsForEveryKSX1001Pair() throws {
    var checked = 0
    for lead in UInt8(0xA1)...0xFE {
      for trail in UInt8(0xA1)...0xFE {
        let unit = DoubleByteDecoder.cp949.unit(lead, trail)
        guard unit != 0 else { continue }
        let icu = try [lead, trail].withUnsafeBufferPointer { try ICU.decode($0, charset: "windows-949-2000", strict: true) }
        guard case .decoded(let text, _) = icu else {
          Issue.record("\(lead) \(trail): ICU fails")
          continue
        }
        #expect(Array(text.utf16) == [unit], "\(lead) \(trail)")
        checked += 1
      }
    }
    #expect(checked > 8000)
  }

  /// The screened ranking (best pages only) gives the same pages and scores as the full
  /// ranking's head, and keeps a page asked for wherever it ranks.
  @Test func screenedRankingMatchesTheFullRankingsHead() throws {
    let model = SingleByteModel.shared
    for (language, page) in [("ru", "KOI8-R"), ("bg", "windows-1251"), ("fr", "windows-1252"), ("el", "ISO-8859-7")] {
      let text = try CharsetFixtures.text(language)
      let bytes = try #require(try CharsetFixtures.encode(text, as: page))
      let full = bytes.withUnsafeBufferPointer { model.rank($0) }
      let last = try #require(full.last).charset.name
      let screened = bytes.withUnsafeBufferPointer { model.rank($0, top: 3, including: last) }
      #expect(screened.prefix(3).map(\.charset.name) == full.prefix(3).map(\.charset.name), "\(page)")
      #expect(screened.prefix(3).map(\.score) == full.prefix(3).map(\.score), "\(page)")
      #expect(screened.last?.charset.name == last && screened.last?.score == full.last?.score, "\(page)")
    }
  }

  /// A long text that one candidate decodes only up to past the checked prefix is not taken
  /// as that candidate's strict decode: the winner is always decoded whole.
  @Test func aCandidateFailingAfterThePrefixIsNotTaken() throws {
    let korean = try CharsetFixtures.text("ko")
    var text = ""
    while text.utf8.count < CharsetDetector.checkPrefix * 2 { text += korean + "\n" }
    var bytes = try #require(try CharsetFixtures.encode(text, as: "CP949"))
    // A byte CP949 leaves undefined as a lead, far past the prefix: CP949 no longer decodes.
    bytes.append(contentsOf: [0x20, 0xFF, 0x20])
    // CP949 is then no strict decode: at most the lenient one, with the byte replaced.
    let (verdict, document) = try decode(bytes)
    #expect(verdict == .keep)
    if document.source.encoding == "CP949" || document.source.encoding == "EUC-KR" {
      #expect(document.text == text + " \u{FFFD} ")
    }
    // Without the stray byte, the same text is CP949 (EUC-KR) as before.
    let (_, whole) = try decode(Array(bytes.dropLast(3)))
    #expect(whole.source.encoding == "EUC-KR" || whole.source.encoding == "CP949")
    #expect(whole.text == text)
  }

  /// Shift_JIS bytes are reported as CP932 when they use a row only CP932 defines (here
  /// NEC's circled digits, row 13), and as Shift_JIS when they do not.
  @Test func cp932ExtensionsAreReportedAsCP932() throws {
    let japanese = try CharsetFixtures.text("ja")
    let plain = try #require(try CharsetFixtures.encode(japanese, as: "Shift_JIS"))
    #expect(try decode(plain).1.source.encoding == "Shift_JIS")
    let extended = try #require(try CharsetFixtures.encode("①②③ " + japanese, as: "Shift_JIS"))
    #expect(extended.contains(0x87))
    let (verdict, document) = try decode(extended)
    #expect(verdict == .keep)
    #expect(document.source.encoding == "CP932")
    #expect(document.text == "①②③ " + japanese)
  }

  /// One non-ASCII byte far into a long ASCII text (a pound sign) is judged on the text
  /// around it, not on an all-ASCII head: a Latin page, not half-width katakana.
  @Test func aLoneSymbolAfterALongASCIIHeadIsReadAsLatin() throws {
    let head = String(repeating: "The match report, minute by minute, with every goal and card. ", count: 800)
    let bytes = Array(head.utf8) + [0xA3] + Array("825 won on a 2 bet.\n".utf8)
    let (verdict, document) = try decode(bytes)
    #expect(verdict == .keep)
    #expect(document.text?.hasSuffix("£825 won on a 2 bet.\n") == true)
  }
}
