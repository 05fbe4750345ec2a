import WinnowNative

/// Tells the East Asian multi-byte charsets apart when several decode the same bytes: text
/// read with the right one is written in that charset's language, so nearly all of its Han,
/// kana and Hangul characters are ones that language uses every day; read with a wrong one,
/// the same byte pairs land on characters chosen by the other standard's layout, and many
/// are not. "Every day" is CLDR's exemplar characters (standard and auxiliary sets), read
/// from ICU's locale data when first needed: Japanese for Shift_JIS and EUC-JP, simplified
/// Chinese for GB18030, traditional Chinese for Big5 and EUC-TW. Korean needs no list: a
/// Korean text is Hangul, with a little Han.
///
/// Measured on the chardet suite's East Asian files: the right charset's share is 0.93–1.00,
/// a wrong one's 0.00–0.87 (Korean read as EUC-JP is the closest: Hangul rows land on JIS
/// level-1 kanji, most of them in daily use).
struct CJKCommonCharacters: Sendable {
  enum Language: Sendable { case japanese, simplifiedChinese, traditionalChinese, korean }

  static let shared = CJKCommonCharacters()

  /// The language each charset (as winnow decodes it) is made for.
  static let languages: [String: Language] = [
    "Shift_JIS": .japanese, "EUC-JP": .japanese, "GB18030": .simplifiedChinese, "Big5": .traditionalChinese,
    "Big5-HKSCS": .traditionalChinese, "EUC-TW": .traditionalChinese, "CP949": .korean, "JOHAB": .korean,
  ]

  private let japanese: [UInt8]
  private let simplified: [UInt8]
  private let traditional: [UInt8]

  init() {
    // Without ICU's locale data every set is empty, every share 0: no charset gains.
    let empty = [UInt8](repeating: 0, count: 8192)
    japanese = ICU.exemplars("ja") ?? empty
    simplified = ICU.exemplars("zh") ?? empty
    traditional = ICU.exemplars("zh_Hant") ?? empty
  }

  /// The share of the text's Han, kana and Hangul characters that `language` uses every day,
  /// and how many such characters there are (0: the share says nothing).
  func share(_ text: String, _ language: Language) -> (share: Double, count: Int) {
    let table: [UInt8]
    switch language {
    case .japanese: table = japanese
    case .simplifiedChinese: table = simplified
    case .traditionalChinese: table = traditional
    case .korean: table = []
    }
    var count = 0
    var common = 0
    table.withUnsafeBufferPointer { bits in
      for scalar in text.unicodeScalars {
        let value = scalar.value
        guard value >= 0x3040 else { continue }
        let hangul = (0xAC00...0xD7A3).contains(value)
        guard hangul || (0x3040...0x30FF).contains(value) || (0x3400...0x9FFF).contains(value) || (0xF900...0xFAFF).contains(value)
        else { continue }
        count += 1
        if language == .korean {
          if hangul { common += 1 }
        } else if bits[Int(value >> 3)] & (1 << (value & 7)) != 0 {
          common += 1
        }
      }
    }
    return (count == 0 ? 0 : Double(common) / Double(count), count)
  }
}
