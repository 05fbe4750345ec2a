import Foundation
import Testing
import WinnowCore
@testable import WinnowStages

/// Labels of the WHATWG Encoding Standard (encoding.spec.whatwg.org, "Encodings" table), and
/// the charset winnow decodes each with. WHATWG's "replacement" labels are left out, except
/// ISO-2022-KR, which winnow decodes.
@Suite struct CharsetLabelTests {
  static let whatwg: [String: [String]] = [
    "UTF-8": ["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"],
    "IBM866": ["866", "cp866", "csibm866", "ibm866"],
    "ISO-8859-2": ["csisolatin2", "iso-8859-2", "iso-ir-101", "iso8859-2", "iso88592", "iso_8859-2", "iso_8859-2:1987", "l2", "latin2"],
    "ISO-8859-3": ["csisolatin3", "iso-8859-3", "iso-ir-109", "iso8859-3", "iso88593", "iso_8859-3", "iso_8859-3:1988", "l3", "latin3"],
    "ISO-8859-4": ["csisolatin4", "iso-8859-4", "iso-ir-110", "iso8859-4", "iso88594", "iso_8859-4", "iso_8859-4:1988", "l4", "latin4"],
    "ISO-8859-5": ["csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144", "iso8859-5", "iso88595", "iso_8859-5", "iso_8859-5:1988"],
    "ISO-8859-6": ["arabic", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic", "ecma-114", "iso-8859-6", "iso-8859-6-e",
                   "iso-8859-6-i", "iso-ir-127", "iso8859-6", "iso88596", "iso_8859-6", "iso_8859-6:1987"],
    "ISO-8859-7": ["csisolatingreek", "ecma-118", "elot_928", "greek", "greek8", "iso-8859-7", "iso-ir-126", "iso8859-7", "iso88597",
                   "iso_8859-7", "iso_8859-7:1987", "sun_eu_greek"],
    "ISO-8859-8": ["csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8", "iso-8859-8-e", "iso-ir-138", "iso8859-8", "iso88598",
                   "iso_8859-8", "iso_8859-8:1988", "visual", "csiso88598i", "iso-8859-8-i", "logical"],
    "ISO-8859-10": ["csisolatin6", "iso-8859-10", "iso-ir-157", "iso8859-10", "iso885910", "l6", "latin6"],
    "ISO-8859-13": ["iso-8859-13", "iso8859-13", "iso885913"],
    "ISO-8859-14": ["iso-8859-14", "iso8859-14", "iso885914"],
    "ISO-8859-15": ["csisolatin9", "iso-8859-15", "iso8859-15", "iso885915", "iso_8859-15", "l9"],
    "ISO-8859-16": ["iso-8859-16"],
    "KOI8-R": ["cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"],
    "KOI8-U": ["koi8-ru", "koi8-u"],
    "macintosh": ["csmacintosh", "mac", "macintosh", "x-mac-roman"],
    "windows-874": ["dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"],
    "windows-1250": ["cp1250", "windows-1250", "x-cp1250"],
    "windows-1251": ["cp1251", "windows-1251", "x-cp1251"],
    "windows-1252": ["ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100", "iso8859-1",
                     "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252", "x-cp1252"],
    "windows-1253": ["cp1253", "windows-1253", "x-cp1253"],
    "windows-1254": ["cp1254", "csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9", "iso88599", "iso_8859-9", "iso_8859-9:1989", "l5",
                     "latin5", "windows-1254", "x-cp1254"],
    "windows-1255": ["cp1255", "windows-1255", "x-cp1255"],
    "windows-1256": ["cp1256", "windows-1256", "x-cp1256"],
    "windows-1257": ["cp1257", "windows-1257", "x-cp1257"],
    "windows-1258": ["cp1258", "windows-1258", "x-cp1258"],
    "x-mac-cyrillic": ["x-mac-cyrillic", "x-mac-ukrainian"],
    "GB18030": ["chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80", "gbk", "iso-ir-58", "x-gbk", "gb18030"],
    "Big5": ["big5", "cn-big5", "csbig5", "x-x-big5"],
    "EUC-JP": ["cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"],
    "ISO-2022-JP": ["csiso2022jp", "iso-2022-jp"],
    "Shift_JIS": ["csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis", "windows-31j", "x-sjis"],
    "CP949": ["cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "ksc_5601",
              "windows-949"],
    "ISO-2022-KR": ["csiso2022kr", "iso-2022-kr"],
    "UTF-16BE": ["unicodefffe", "utf-16be"],
    "UTF-16LE": ["csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16", "utf-16le"],
  ]

  @Test func everyWHATWGLabelDecodesWithItsEncoding() {
    var missing: [String] = []
    for (expected, labels) in Self.whatwg {
      for label in labels {
        // Case and surrounding quotes do not matter, as in <meta charset>.
        for spelling in [label, label.uppercased(), "\"\(label)\""] {
          let decoder = Charsets.named(spelling).map(Charsets.decoder(for:))?.name
          if decoder != expected { missing.append("\(spelling) → \(decoder ?? "nil"), not \(expected)") }
        }
      }
    }
    #expect(missing.isEmpty, "\(missing.joined(separator: "; "))")
  }

  @Test func unknownLabelsAreNotGuessed() {
    #expect(Charsets.named("x-unknown") == nil)
    #expect(Charsets.named("utf-9") == nil)
  }

  @Test func aPageDeclaringXSJISIsDecodedAsShiftJIS() throws {
    let body = try CharsetFixtures.text("ja")
    let html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=x-sjis\"></head><body>\(body)</body></html>"
    let bytes = try #require(try CharsetFixtures.encode(html, as: "Shift_JIS"))
    let (verdict, document) = try decode(bytes, format: .html)
    #expect(verdict == .keep)
    #expect(document.text == html)
    #expect(document.source.encoding == "Shift_JIS")
  }

  @Test func aStaleDeclaredSingleBytePageLosesToTheLetterPairs() throws {
    // A Russian page re-encoded as IBM866 that still says windows-1251.
    let body = try CharsetFixtures.text("ru")
    let html = "<html><head><meta charset=\"windows-1251\"></head><body>\(body)</body></html>"
    let bytes = try #require(try CharsetFixtures.encode(html, as: "IBM866"))
    let (verdict, document) = try decode(bytes, format: .html)
    #expect(verdict == .keep)
    #expect(document.text == html)
    #expect(document.source.encoding == "IBM866")
  }

  @Test func aDeclaredSingleBytePageThatFitsIsTakenAsDeclared() throws {
    let body = try CharsetFixtures.text("bg")
    let html = "<html><head><meta charset=\"cp1251\"></head><body>\(body)</body></html>"
    let bytes = try #require(try CharsetFixtures.encode(html, as: "windows-1251"))
    let (verdict, document) = try decode(bytes, format: .html)
    #expect(verdict == .keep)
    #expect(document.text == html)
    #expect(document.source.encoding == "windows-1251")
  }

  /// ISO-8859-7 and windows-1253 differ where Greek capitals with tonos sit: "Ά" is B6 in
  /// ISO-8859-7, and B6 is "¶" in windows-1253. One "Ά" in a page decides: a pilcrow does
  /// not start a word. (windows-1253's "Ά", A2, is ISO-8859-7's "’": an apostrophe before a
  /// word reads as well as the letter, so that way round the earlier page, ISO-8859-7, wins.)
  @Test func aGreekCapitalWithTonosIsNotAPilcrow() throws {
    let page = "ISO-8859-7"
    let text = try CharsetFixtures.text("el") + "\nΟ δήμαρχος μίλησε χθες στον Άγιο Νικόλαο για το νέο πάρκο.\n"
    let bytes = try #require(try CharsetFixtures.encode(text, as: page))
    let (verdict, document) = try decode(bytes)
    #expect(verdict == .keep)
    #expect(document.text == text)
    #expect(document.source.encoding == page)
  }

  @Test func theLetterPairModelRanksTheRightCyrillicPageFirst() throws {
    let text = try CharsetFixtures.text("ru")
    for page in ["windows-1251", "KOI8-R", "ISO-8859-5", "IBM866", "IBM855", "x-mac-cyrillic"] {
      let bytes = try #require(try CharsetFixtures.encode(text, as: page))
      let ranking = bytes.withUnsafeBufferPointer { SingleByteModel.shared.rank($0) }
      #expect(ranking.first?.charset.name == page, "\(page): \(ranking.prefix(3).map(\.charset.name))")
    }
  }

  @Test func theLetterPairModelIsLoadedFromPipelines() {
    let model = SingleByteModel.shared
    #expect(model.languages.count >= 40)
    #expect(model.languages.contains { $0.code == "ru" } && model.languages.contains { $0.code == "th" })
    // Every single-byte page that writes some language is scored.
    #expect(model.pages.filter { !$0.languages.isEmpty }.count >= 40)
    #expect(ASCIIOnlyBytesAreNotRanked())
  }

  /// The model's per-page token tables (built from each byte's properties read once) match
  /// `token(_:in:)`, the plain per-scalar path, for every page and language it fits.
  @Test func pageTokensMatchThePlainTokenOfEachByte() {
    let model = SingleByteModel.shared
    var mismatches: [String] = []
    for page in model.pages {
      for (number, tokens) in page.languages {
        for byte in 0..<256 {
          let plain = page.scalars[byte].map { SingleByteModel.token($0, in: model.languages[number]) } ?? SingleByteModel.odd
          if Int(tokens[byte]) != plain { mismatches.append("\(page.charset.name)/\(model.languages[number].code)/\(byte)") }
        }
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
  }

  /// A ranking kept to one script: the pages that read the text's most frequent non-ASCII
  /// byte as a letter of the named page's script, with the same scores as in the full ranking.
  @Test func aRankingKeptToOneScriptHasOnlyThatScriptsPages() throws {
    let model = SingleByteModel.shared
    let bytes = try #require(try CharsetFixtures.encode(try CharsetFixtures.text("ru"), as: "KOI8-R"))
    let full = bytes.withUnsafeBufferPointer { model.rank($0) }
    let kept = bytes.withUnsafeBufferPointer { model.rank($0, sameScriptAs: "windows-1251") }
    #expect(kept.first?.charset.name == "KOI8-R")
    #expect(kept.contains { $0.charset.name == "windows-1251" })
    #expect(kept.count < full.count && kept.count >= 5, "\(kept.map(\.charset.name))")
    // The most frequent non-ASCII byte of the text (KOI8-R's "о", CF) is a Cyrillic letter on every page kept.
    for entry in kept {
      let page = try #require(model.pages.first { $0.charset.name == entry.charset.name })
      #expect(page.scalars[0xCF].flatMap(SingleByteModel.script) == 2, "\(entry.charset.name)")
      #expect(full.first { $0.charset.name == entry.charset.name }?.score == entry.score)
    }
    #expect(!kept.contains { $0.charset.name == "windows-1252" || $0.charset.name == "ISO-8859-7" })
  }

  /// The pair sum over flat arrays is the plain loop over the pairs, float for float, and a
  /// page's best sum (its languages four at a time) is the best of those.
  @Test func pairSumsEqualThePlainLoop() throws {
    let model = SingleByteModel.shared
    // Russian in windows-1251, then French in windows-1252: Cyrillic, Latin and case changes.
    let russian = try #require(try CharsetFixtures.encode(try CharsetFixtures.text("ru"), as: "windows-1251"))
    let french = try #require(try CharsetFixtures.encode(" Déjà vu, ÉTÉ naïve façade, rÉsumÉ", as: "windows-1252"))
    let bytes = russian + french
    var counts = [UInt32](repeating: 0, count: 1 << 16)
    var keys: [Int] = []
    var previous = 0x20
    for byte in bytes.map(Int.init) {
      let folded = byte < 0x80 && !((0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)) ? 0x20 : byte
      if folded >= 0x80 || previous >= 0x80 {
        if counts[previous << 8 | folded] == 0 { keys.append(previous << 8 | folded) }
        counts[previous << 8 | folded] += 1
      }
      previous = folded
    }
    let pairs = SingleByteModel.PairCounts(keys: keys, counts: counts)
    var compared = 0
    for page in model.pages {
      var best = -Float.infinity
      for (number, tokens) in page.languages {
        let language = model.languages[number]
        var plain: Float = 0
        for key in keys {
          let value =
            page.letterCase[key >> 8] == 1 && page.letterCase[key & 0xFF] == 2
            ? Float(SingleByteModel.unseen) : language.logProbability[Int(tokens[key >> 8]) * language.size + Int(tokens[key & 0xFF])]
          plain += Float(counts[key]) * value
        }
        #expect(pairs.sum(language, tokens: tokens, letterCase: page.letterCase) == plain)
        best = max(best, plain)
        compared += 1
      }
      // Four languages at a time, one pass over the pairs: the same best, float for float.
      #expect(pairs.best(page, model) == best, "\(page.charset.name)")
    }
    #expect(compared > 100)
  }

  private func ASCIIOnlyBytesAreNotRanked() -> Bool {
    Array("plain ASCII text".utf8).withUnsafeBufferPointer { SingleByteModel.shared.rank($0).isEmpty }
  }

  @Test func japaneseWithNECSymbolsIsCP932() throws {
    // Circled numbers and ㈱ are CP932's NEC rows: the strict Shift_JIS (windows-31j) decode
    // keeps them, and the narrowest name for the bytes is CP932.
    let line = "①会議は午後三時から本館の会議室で開かれます。②資料は事前にお配りします。㈱山田商事\n"
    let text = String(repeating: line, count: 6)
    let bytes = try #require(try CharsetFixtures.encode(text, as: "Shift_JIS"))
    let (verdict, document) = try decode(bytes)
    #expect(verdict == .keep)
    #expect(document.text == text)
    #expect(document.source.encoding == "CP932")
  }
}
