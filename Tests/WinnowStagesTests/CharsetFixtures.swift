import Foundation
import WinnowCore
import WinnowNative
@testable import WinnowStages

/// Our own texts in several languages, encoded by the tests into every charset that can
/// represent them: the labelled set the decode stage must get 100% right.
enum CharsetFixtures {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/charset-texts")

  static func text(_ name: String) throws -> String {
    try String(contentsOf: directory.appendingPathComponent(name + ".txt"), encoding: .utf8)
  }

  /// Text name → encodings ("-BOM" adds a byte-order mark).
  static let matrix: [(text: String, encodings: [String])] = [
    ("ko", ["UTF-8", "UTF-8-BOM", "UTF-16LE-BOM", "UTF-16BE-BOM", "UTF-16LE", "UTF-16BE", "UTF-32LE-BOM", "UTF-32BE-BOM",
            "UTF-32LE", "UTF-32BE", "CP949", "EUC-KR", "JOHAB", "ISO-2022-KR"]),
    ("ko-extended", ["UTF-8", "CP949", "JOHAB", "UTF-16LE-BOM"]),
    ("ja", ["UTF-8", "Shift_JIS", "EUC-JP", "ISO-2022-JP", "UTF-16BE-BOM", "UTF-16LE"]),
    ("zh-hans", ["UTF-8", "GB18030", "UTF-16LE"]),
    ("zh-hant", ["UTF-8", "Big5"]),
    ("ru", ["UTF-8", "windows-1251", "ISO-8859-5", "KOI8-R", "IBM866", "IBM855", "x-mac-cyrillic"]),
    ("uk", ["UTF-8", "KOI8-U", "windows-1251"]),
    ("bg", ["UTF-8", "windows-1251", "ISO-8859-5", "IBM866", "x-mac-cyrillic"]),
    ("el", ["UTF-8", "ISO-8859-7", "windows-1253", "IBM737"]),
    ("he", ["UTF-8", "windows-1255", "ISO-8859-8", "IBM862"]),
    ("ar", ["UTF-8", "windows-1256", "ISO-8859-6"]),
    ("tr", ["UTF-8", "windows-1254", "ISO-8859-9"]),
    ("hu", ["UTF-8", "ISO-8859-2", "windows-1250", "IBM852"]),
    ("th", ["UTF-8", "windows-874"]),
    ("ka", ["UTF-8", "Georgian-PS"]),
    ("de", ["UTF-8", "windows-1252", "ISO-8859-1", "ISO-8859-15"]),
    ("fr", ["UTF-8", "windows-1252", "ISO-8859-1", "ISO-8859-15"]),
    ("es", ["UTF-8", "windows-1252", "ISO-8859-1", "ISO-8859-15"]),
    ("ko-headline", ["UTF-8", "CP949", "EUC-KR", "UTF-16LE", "UTF-16BE", "JOHAB"]),
    ("pl", ["UTF-8", "ISO-8859-2", "windows-1250"]),
    ("euro", ["UTF-8", "windows-1252", "ISO-8859-15"]),
    ("curly", ["UTF-8", "windows-1252"]),
  ]

  /// Encodes `text` as `encoding`; nil if some character has no mapping.
  static func encode(_ text: String, as encoding: String) throws -> [UInt8]? {
    var name = encoding
    var bom: [UInt8] = []
    if name.hasSuffix("-BOM") {
      name.removeLast(4)
      bom = ["UTF-8": [0xEF, 0xBB, 0xBF], "UTF-16LE": [0xFF, 0xFE], "UTF-16BE": [0xFE, 0xFF],
             "UTF-32LE": [0xFF, 0xFE, 0, 0], "UTF-32BE": [0, 0, 0xFE, 0xFF]][name] ?? []
    }
    if name == "JOHAB" { return encodeJohab(text).map { bom + $0 } }
    if let table = Charsets.named(name).flatMap({ SingleByteTables.tables[$0.name] }) {
      var inverse: [UInt32: UInt8] = [:]
      for (byte, code) in table.enumerated().reversed() where code != 0xFFFF { inverse[UInt32(code)] = UInt8(byte) }
      var out = bom
      for scalar in text.unicodeScalars {
        guard let byte = inverse[scalar.value] else { return nil }
        out.append(byte)
      }
      return out
    }
    guard let charset = Charsets.named(name), let icuName = charset.icuName else { return nil }
    return try ICU.encode(text, charset: icuName, strict: true).map { bom + $0 }
  }

  /// Johab encoder for the fixtures (ICU has none): Hangul by formula, the rest through
  /// EUC-KR and the KS X 1001 row mapping.
  static func encodeJohab(_ text: String) -> [UInt8]? {
    var out: [UInt8] = []
    for scalar in text.unicodeScalars {
      let value = scalar.value
      if value < 0x80 {
        out.append(UInt8(value))
      } else if (0xAC00...0xD7A3).contains(value) {
        let index = Int(value - 0xAC00)
        let i = index / (21 * 28), m = index % (21 * 28) / 28, f = index % 28
        let code = 0x8000 | (i + 2) << 10 | Johab.medialCodes[m] << 5 | Johab.finalCodes[f]
        out += [UInt8(code >> 8), UInt8(code & 0xFF)]
      } else {
        guard let euc = try? ICU.encode(String(scalar), charset: "EUC-KR", strict: true), euc.count == 2 else { return nil }
        let row = Int(euc[0] & 0x7F), column = Int(euc[1] & 0x7F)
        let lead: Int, trail: Int
        switch row {
        case 0x21...0x2C:
          lead = 0xD9 + (row - 0x21) / 2
        case 0x4A...0x7D:
          lead = 0xE0 + (row - 0x4A) / 2
        default: return nil
        }
        let firstOfPair = (row - (row >= 0x4A ? 0x4A : 0x21)) % 2 == 0
        if firstOfPair {
          trail = column <= 0x6E ? column - 0x21 + 0x31 : column - 0x6F + 0x91
        } else {
          trail = column - 0x21 + 0xA1
        }
        out += [UInt8(lead), UInt8(trail)]
      }
    }
    return out
  }
}
