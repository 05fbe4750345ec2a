import WinnowCore
import WinnowNative

/// Fixes `decode` makes to a text beside charset repair, each asked for by name in its
/// `fix_text` option (none by default: each changes text that is not broken, only written in
/// a way some users do not want in training data).
///
/// * `entities`: HTML character references left in plain text (`&amp;`, `&frac14;`,
///   `&#233;`, `&#x2019;`), decoded once (so `&amp;lt;` becomes `&lt;`), before mojibake
///   repair sees the text; numeric ones in 0x80–0x9F mean windows-1252's characters, as
///   browsers read them; a reference to NUL, a surrogate or beyond U+10FFFF stays as written.
/// * `controls`: C0 control characters other than tab, newline, form feed and carriage
///   return, DEL, and U+FEFF inside the text.
/// * `ligatures`: Latin ligatures and digraph letters (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ, Ĳ ĳ, ŉ, Ǆ–ǌ, Ǳ–ǳ)
///   become their letters (Unicode's compatibility decomposition).
/// * `width`: full-width ASCII (U+FF01–FF5E) and the ideographic space become ASCII;
///   half-width katakana (a sound mark joins the kana before it) and the full- and half-width
///   symbols of U+FFE0–FFEE become their usual forms (NFKC of the run). Half-width Hangul
///   letters stay: their compatibility form is a conjoining jamo, not a letter on its own.
/// * `quotes`: curly single quotes (U+2018–201B) and U+02BC become `'`, curly double
///   quotes (U+201C–201F) become `"`.
///
/// Each fix counts its changes (`text_fix:KIND`). Pages (HTML documents, and text that
/// starts like HTML) are left to the `html` stage: references and quotes are markup there.
struct TextFixes: Sendable {
  enum Fix: String, CaseIterable, Sendable {
    case entities, controls, ligatures, width, quotes
  }

  let fixes: Set<Fix>
  /// Each fix asked for, read once here rather than looked up in the set per character.
  private let entities, controls, width, quotes: Bool
  /// NFKC of each ligature code point, made once through ICU (empty: no ligature fix).
  private let ligatures: [UInt32: String]
  private let nfkc: ICUNormalizer?

  static let ligatureScalars: [UInt32] = [0x132, 0x133, 0x149] + Array(0x1C4...0x1CC) + Array(0x1F1...0x1F3) + Array(0xFB00...0xFB06)

  init(_ fixes: Set<Fix>) throws(NativeError) {
    self.fixes = fixes
    entities = fixes.contains(.entities)
    controls = fixes.contains(.controls)
    width = fixes.contains(.width)
    quotes = fixes.contains(.quotes)
    let needsNFKC = fixes.contains(.ligatures) || fixes.contains(.width)
    let nfkc = needsNFKC ? try ICUNormalizer(form: .nfkc) : nil
    var ligatures: [UInt32: String] = [:]
    if fixes.contains(.ligatures), let nfkc {
      for code in Self.ligatureScalars {
        guard let scalar = Unicode.Scalar(code) else { continue }
        ligatures[code] = try nfkc.normalize(String(scalar))
      }
    }
    self.ligatures = ligatures
    self.nfkc = nfkc
  }

  var isEmpty: Bool { fixes.isEmpty }

  /// Whether the fixes may touch this document's text (not a page's markup).
  static func applies(to format: InputFormat, text: String) -> Bool {
    format != .html && !HTMLStage.looksLikeHTML(text)
  }

  // MARK: entities

  /// The text with its character references decoded, and how many there were; nil when none.
  func decodingEntities(_ text: String) -> (text: String, count: Int)? {
    guard entities, text.utf8.contains(UInt8(ascii: "&")) else { return nil }
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    var count = 0
    var index = 0
    var copied = 0
    while index < bytes.count {
      guard bytes[index] == UInt8(ascii: "&"), let (scalar, length) = Self.reference(bytes, at: index) else {
        index += 1
        continue
      }
      if out.isEmpty { out.reserveCapacity(bytes.count) }
      out.append(contentsOf: bytes[copied..<index])
      out.append(contentsOf: String(scalar).utf8)
      count += 1
      index += length
      copied = index
    }
    guard count > 0 else { return nil }
    out.append(contentsOf: bytes[copied...])
    return (String(decoding: out, as: UTF8.self), count)
  }

  /// Windows-1252's characters for 0x80–0x9F (0 where it has none), as browsers read
  /// numeric references in that range.
  private static let windows1252: [UInt32] = [
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
  ]

  /// The reference starting at `start` (an ampersand): its character and length in bytes.
  private static func reference(_ bytes: [UInt8], at start: Int) -> (Unicode.Scalar, Int)? {
    var index = start + 1
    guard index < bytes.count else { return nil }
    if bytes[index] == UInt8(ascii: "#") {
      index += 1
      var hex = false
      if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "x") {
        hex = true
        index += 1
      }
      var value: UInt32 = 0
      var digits = 0
      while index < bytes.count, digits < 8 {
        let byte = bytes[index]
        let digit: UInt32
        switch byte {
        case 0x30...0x39: digit = UInt32(byte - 0x30)
        case 0x61...0x66 where hex, 0x41...0x46 where hex: digit = UInt32(byte | 0x20) - 0x61 + 10
        default: digit = 16
        }
        guard digit < (hex ? 16 : 10) else { break }
        value = value * (hex ? 16 : 10) + digit
        digits += 1
        index += 1
      }
      guard digits > 0, index < bytes.count, bytes[index] == UInt8(ascii: ";") else { return nil }
      if (0x80...0x9F).contains(value), Self.windows1252[Int(value - 0x80)] != 0 { value = Self.windows1252[Int(value - 0x80)] }
      guard value != 0, let scalar = Unicode.Scalar(value) else { return nil }
      return (scalar, index + 1 - start)
    }
    let nameStart = index
    while index < bytes.count, index - nameStart < 32,
      (0x41...0x5A).contains(bytes[index]) || (0x61...0x7A).contains(bytes[index]) || (index > nameStart && (0x30...0x39).contains(bytes[index]))
    {
      index += 1
    }
    guard index > nameStart, index < bytes.count, bytes[index] == UInt8(ascii: ";"),
      let scalar = LibXML2.entity(named: String(decoding: bytes[nameStart..<index], as: UTF8.self))
    else { return nil }
    return (scalar, index + 1 - start)
  }

  // MARK: characters

  /// Whether a UTF-8 byte may start a character one of the character fixes changes: a
  /// control, or the lead byte of U+0100–01FF, U+0280–02BF, U+2000–3FFF or U+F000–FFFF.
  private static func mayNeedFix(_ byte: UInt8) -> Bool {
    byte < 0x20 || byte == 0x7F || byte == 0xC4 || byte == 0xC5 || byte == 0xC7 || byte == 0xCA || byte == 0xE2 || byte == 0xE3
      || byte == 0xEF
  }

  /// The text with the character fixes applied, and the count of each; nil when none applied.
  func fixingCharacters(_ text: String) -> (text: String, counts: [(Fix, Int)])? {
    guard controls || width || quotes || !ligatures.isEmpty, text.utf8.contains(where: Self.mayNeedFix) else { return nil }
    var counts: [Fix: Int] = [:]
    var out = String.UnicodeScalarView()
    /// Half-width forms waiting for NFKC (a sound mark joins the kana before it).
    var halfwidth = String.UnicodeScalarView()
    func flush() {
      guard !halfwidth.isEmpty else { return }
      let run = String(halfwidth)
      let normalized = (try? nfkc?.normalize(run)) ?? run
      out.append(contentsOf: normalized.unicodeScalars)
      halfwidth.removeAll(keepingCapacity: true)
    }
    for scalar in text.unicodeScalars {
      let value = scalar.value
      if width, (0xFF61...0xFF9F).contains(value) || (0xFFE0...0xFFEE).contains(value) {
        halfwidth.append(scalar)
        counts[.width, default: 0] += 1
        continue
      }
      flush()
      if controls,
        value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0C && value != 0x0D || value == 0x7F || value == 0xFEFF
      {
        counts[.controls, default: 0] += 1
        continue
      }
      if (0x132...0x1F3).contains(value) || (0xFB00...0xFB06).contains(value), let letters = ligatures[value] {
        counts[.ligatures, default: 0] += 1
        // ŉ is ʼn: the apostrophe goes on to the quote fix.
        for letter in letters.unicodeScalars { out.append(quotes && letter.value == 0x2BC ? "'" : letter) }
        continue
      }
      if width {
        if (0xFF01...0xFF5E).contains(value), let ascii = Unicode.Scalar(value - 0xFEE0) {
          counts[.width, default: 0] += 1
          out.append(ascii)
          continue
        }
        if value == 0x3000 {
          counts[.width, default: 0] += 1
          out.append(" ")
          continue
        }
      }
      if quotes {
        if (0x2018...0x201B).contains(value) || value == 0x2BC {
          counts[.quotes, default: 0] += 1
          out.append("'")
          continue
        }
        if (0x201C...0x201F).contains(value) {
          counts[.quotes, default: 0] += 1
          out.append("\"")
          continue
        }
      }
      out.append(scalar)
    }
    flush()
    guard !counts.isEmpty else { return nil }
    return (String(out), Fix.allCases.compactMap { fix in counts[fix].map { (fix, $0) } })
  }
}
