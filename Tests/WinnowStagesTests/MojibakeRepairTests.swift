import Testing
import WinnowCore
import WinnowNative
@testable import WinnowStages

/// Each repair layer on text we wrote, and text that must stay as it is.
@Suite struct MojibakeRepairTests {
  let repair = MojibakeRepair(plausibility: .shared)

  /// What a reader that used `page` made of `text`'s UTF-8 bytes.
  func garble(_ text: String, as page: String) throws -> String {
    let bytes = Array(text.utf8)
    if page == "latin1" { return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })) }
    let outcome = try bytes.withUnsafeBufferPointer { try ICU.decode($0, charset: page, strict: false) }
    guard case .decoded(let garbled, _) = outcome else { throw DecodeFailure() }
    return garbled
  }
  struct DecodeFailure: Error {}

  /// What a windows-1252 reader that keeps the five undefined bytes as C1 controls (as
  /// Latin-1 does) made of `text`'s UTF-8 bytes.
  func garbleKeepingUndefined(_ text: String) -> String {
    String(String.UnicodeScalarView(text.utf8.map { byte -> Unicode.Scalar in
      guard (0x80...0x9F).contains(byte), let code = MojibakeRepair.cp1252Row[Int(byte) - 0x80] else { return Unicode.Scalar(byte) }
      return Unicode.Scalar(code) ?? Unicode.Scalar(byte)
    }))
  }

  @Test func utf8ReadAsWindows1252() throws {
    let text = "Le déjeuner est servi à l’hôtel, près de la fenêtre."
    let fixed = try #require(repair.repair(try garble(text, as: "windows-1252")))
    #expect(fixed.text == text)
    #expect(fixed.kinds == ["utf8_as_windows1252"])
  }

  @Test func utf8ReadAsLatin1KeepsTheBytesWindows1252LeavesUndefined() throws {
    // ❤ is E2 9D A4: 0x9D is undefined in windows-1252, a C1 control in Latin-1.
    let text = "Merci ❤ à tous"
    let garbled = try garble(text, as: "latin1")
    #expect(garbled.unicodeScalars.contains { $0.value == 0x9D })
    #expect(repair.repair(garbled)?.text == text)
  }

  @Test func twiceEncodedUTF8() throws {
    let text = "The café’s menu"
    let twice = try garble(try garble(text, as: "windows-1252"), as: "windows-1252")
    let fixed = try #require(repair.repair(twice))
    #expect(fixed.text == text)
    #expect(fixed.kinds.contains("utf8_twice"))
  }

  /// The middle layer of twice-encoded text has letters, symbols and C1 controls that would
  /// not be believed on their own ("œ" of "â€œ", "\u{9D}" of "â€\u{9D}", "Ž" of "â”Ž").
  @Test(arguments: ["Times New “Roman” font", "a face ┒(⌣˛⌣)┎ here", "Thai ง and ❤ too"])
  func twiceEncodedTextWhoseMiddleLayerIsNotBelievableAlone(text: String) throws {
    let twice = garbleKeepingUndefined(garbleKeepingUndefined(text))
    let fixed = try #require(repair.repair(twice), "\(twice)")
    #expect(fixed.text == text)
    #expect(fixed.kinds.contains("utf8_twice"))
  }

  @Test func russianReadTwiceAsWindows1251() throws {
    let text = "Спасибо за приятности и помощь"
    let twice = try garble(try garble(text, as: "windows-1251"), as: "windows-1251")
    #expect(twice.contains("Р\u{A0}"))
    #expect(repair.repair(twice)?.text == text)
  }

  @Test func textReadAsWindows1252AndThenAsWindows1251() throws {
    let text = "a bigger £5.8bn rights issue"
    let garbled = try garble(try garble(text, as: "windows-1252"), as: "windows-1251")
    #expect(garbled.contains("Г‚ВЈ"))
    #expect(repair.repair(garbled)?.text == text)
  }

  @Test func aNoBreakSpaceWhoseByteBecameASpaceIsRepaired() throws {
    let text = "Der Ort heißt\u{A0}„Am Bach“ seit 1900"
    let garbled = try garble(text, as: "windows-1252").replacingOccurrences(of: "\u{A0}", with: " ")
    #expect(garbled.contains("tÂ â€ž"))
    #expect(repair.repair(garbled)?.text == text)
  }

  @Test func aWordEndingInAGraveWhoseNoBreakSpaceBecameASpaceIsRepaired() throws {
    // "città" ends in C3 A0: "cittÃ domani" when the byte A0 was lost, "cittÃ  domani" when it
    // became a space.
    for garbled in ["Vado in cittÃ domani", "Vado in cittÃ  domani"] {
      #expect(repair.repair(garbled)?.text == "Vado in città domani", "\(garbled)")
    }
  }

  /// The last four: pages whose leads are not the usual Latin-1 ones (ISO-8859-2 and
  /// windows-1257 letters, windows-1251's п for ﬁ's lead, windows-1250 for Arabic).
  @Test(arguments: [
    ("macos-0_2-10.2", "Die Brücke über den Fluß ist gesperrt", "utf8_as_macroman"),
    ("ibm-437", "#правильноепитание и здоровье", "utf8_as_cp437"),
    ("windows-1251", "дорога из города", "utf8_as_windows1251"),
    ("windows-1250", "Mám dost třetího tisíciletí", "utf8_as_windows1250"),
    ("ISO-8859-2", "Mám dost třetího tisíciletí", "utf8_as_iso8859_2"),
    ("windows-1257", "Susitikime įvyko daug žmonių, įskaitant mokytojų", "utf8_as_windows1257"),
    ("windows-1251", "This is a signiﬁcant ﬁnding", "utf8_as_windows1251"),
    ("windows-1250", "رسالة جديدة من الوزارة", "utf8_as_windows1250"),
  ])
  func utf8ReadAsAnotherPage(page: String, text: String, kind: String) throws {
    let fixed = try #require(repair.repair(try garble(text, as: page)), "\(page)")
    #expect(fixed.text == text)
    #expect(fixed.kinds.first == kind)
  }

  @Test func mixedFixedAndBrokenRunsAreMendedWhereBroken() throws {
    let broken = try garble("déjà vu", as: "windows-1252")
    let fixed = try #require(repair.repair("Un café, puis \(broken) à Noël."))
    #expect(fixed.text == "Un café, puis déjà vu à Noël.")
  }

  @Test func c1ControlsAreWindows1252Punctuation() throws {
    let fixed = try #require(repair.repair("\u{84}Guten Tag\u{93}, sagte er\u{85}"))
    #expect(fixed.text == "„Guten Tag“, sagte er…")
    #expect(fixed.kinds == ["c1_as_windows1252"])
  }

  @Test func koreanCP949ReadAsLatin1IsStillRepaired() throws {
    let fixed = try #require(repair.repair("¼Ò¸®¿¤ ³ë·¡"))
    #expect(fixed.kinds == ["cp949_as_latin1"])
    #expect(fixed.text.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) })
  }

  @Test(arguments: [
    "Portuguese: Ações da companhia subiram 5%.",
    "Multiplication in quotes: “×” curves and 4288×… results",
    "SELKÄ\u{A0}EDELLÄ\u{A0}MAAHAN",
    "PARCE QUE SUR LEURS PLAQUES IL Y MARQUÉ…",
    "Ελληνικά με ¨εισαγωγικά¨ και τόνους",
    "HØYA ER BLÅ OG ØYA ER GRØNN",
    "Russian text: Привет, как дела?",
    "Café £5 – naïve coöperation, 10 µm, 25 °C",
    "PREȚ SPECIAL PENTRU MARCĂ™ ÎNREGISTRATĂ",
    "NOAPTE BUNĂ\u{A0}TUTUROR",
    "DIE SUMMÄ£ ÄNDERT SICH",
    "Napíšte nám, náš tím odpovie",
  ])
  func textThatIsNotMojibakeIsLeftAlone(text: String) {
    #expect(repair.repair(text) == nil, "\(text) → \(repair.repair(text)?.text ?? "")")
  }

  @Test func theStageCountsRepairsByKind() throws {
    let stage = try decodeStage()
    var document = Document(id: "t", source: SourceInfo(path: "t", format: .jsonl), text: try garble("Ça coûte très cher", as: "windows-1252"))
    #expect(try stage.process(&document) == .keep)
    #expect(document.text == "Ça coûte très cher")
    #expect(document.counters.contains { $0.name == "mojibake:utf8_as_windows1252" })
    #expect(document.counters.contains { $0.name == "mojibake_repaired" })
  }
  @Test func surrogatePairsEncodedOneByOneAreOneCharacter() throws {
    // CESU-8 (each UTF-16 surrogate as its own UTF-8 sequence) read as windows-1252.
    let cesu = try #require(try ICU.encode("Hi guys 😍 and ☺😘", charset: "CESU-8"))
    let garbled = try cesu.withUnsafeBufferPointer { try ICU.decode($0, charset: "windows-1252", strict: false) }
    guard case .decoded(let text, _) = garbled else { throw DecodeFailure() }
    #expect(text.contains("í"))
    #expect(repair.repair(text)?.text == "Hi guys 😍 and ☺😘")
  }

  @Test func vietnameseLettersOfLatinExtendedAdditionalAreRepaired() throws {
    let text = "Tại sao giá hạt sầu riêng lại lên giá?"
    #expect(repair.repair(try garble(text, as: "windows-1252"))?.text == text)
  }

  @Test func utf8ReadAsMacRomanLettersAfterItsLeadsAreRepaired() throws {
    let text = "Das weiß ich nicht."
    let garbled = try garble(text, as: "macos-0_2-10.2")
    #expect(garbled == "Das wei√ü ich nicht.")
    #expect(repair.repair(garbled)?.text == text)
  }

  @Test func aGraveWhoseNoBreakSpaceWasLostOrBecameASpaceIsRepaired() throws {
    // "à" is C3 A0: a reader that dropped the no-break space left "Ã l’", one that turned it
    // into a space "Ã  l’"; both are "à l’".
    let garbled = try garble("La région se trouve à l’ouest", as: "windows-1252")
    let scalars = Array(garbled.unicodeScalars)
    var dropped = scalars
    dropped.removeAll { $0 == "\u{A0}" }
    let spaced = scalars.map { $0 == "\u{A0}" ? " " : $0 }
    for variant in [dropped, spaced] {
      let text = String(String.UnicodeScalarView(variant))
      #expect(text.contains("Ã l") || text.contains("Ã  l"))
      #expect(repair.repair(text)?.text == "La région se trouve à l’ouest", "\(text)")
    }
  }
}
