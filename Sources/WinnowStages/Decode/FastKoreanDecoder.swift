import WinnowNative

/// CP949 (and so EUC-KR) decoded by table lookup: the common case of a Korean crawl, several
/// times faster than ICU's converter, which pivots through UTF-16.
///
/// The table is ICU's own mapping, read once by decoding every two-byte sequence, so the
/// text is identical to ICU's. A sequence the table does not hold (an invalid one, or one ICU
/// maps to a private-use code point) makes `decode` return nil, and the caller takes ICU's
/// path, which reports where the error is.
struct FastKoreanDecoder: Sendable {
  /// UTF-16 unit for lead << 8 | trail; 0 when the pair is not a plain mapping.
  private let table: [UInt16]

  static let shared = FastKoreanDecoder()

  init() {
    var table = [UInt16](repeating: 0, count: 0x10000)
    // Every pair followed by a newline, decoded leniently in one call: ICU does not take an
    // ASCII newline as a trail byte, so each segment holds exactly one pair's result.
    var bytes: [UInt8] = []
    var pairs: [Int] = []
    bytes.reserveCapacity(126 * 190 * 3)
    pairs.reserveCapacity(126 * 190)
    for lead in 0x81...0xFE {
      for trail in 0x41...0xFE {
        bytes.append(UInt8(lead))
        bytes.append(UInt8(trail))
        bytes.append(0x0A)
        pairs.append(lead << 8 | trail)
      }
    }
    let outcome = bytes.withUnsafeBufferPointer { try? ICU.decode($0, charset: "windows-949-2000", strict: false) }
    if case .decoded(let text, _)? = outcome {
      // The segments between newlines, walked as UTF-16 units: a pair maps when its segment
      // is one unit outside ASCII, U+FFFD, private use and surrogates. Used only when there
      // is one segment per pair.
      var found = [UInt16](repeating: 0, count: 0x10000)
      var segment = 0
      var units = 0
      var first: UInt16 = 0
      for unit in text.utf16 {
        if unit == 0x0A {
          if segment < pairs.count, units == 1, first >= 0x80, first != 0xFFFD, !(0xE000...0xF8FF).contains(first),
            !(0xD800...0xDFFF).contains(first)
          {
            found[pairs[segment]] = first
          }
          segment += 1
          units = 0
        } else {
          if units == 0 { first = unit }
          units += 1
        }
      }
      if segment == pairs.count, units == 0 { table = found }
    }
    self.table = table
  }

  /// The UTF-16 unit of one pair, 0 when it needs ICU (invalid, unmapped, private use).
  func unit(_ lead: UInt8, _ trail: UInt8) -> UInt16 { table[Int(lead) << 8 | Int(trail)] }

  /// The text, or nil when a byte sequence needs ICU (invalid, unmapped, private use).
  func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    // The table holds BMP scalars outside the surrogates (built from ICU's decode of every
    // pair), so what is written is valid UTF-8 and not validated again.
    UTF8Scalar.string(capacity: bytes.count * 3 / 2 + 4) { out -> Int? in
      var written = 0
      var index = 0
      let count = bytes.count
      while index < count {
        let lead = bytes[index]
        if lead < 0x80 {
          out[written] = lead
          written += 1
          index += 1
          continue
        }
        guard index + 1 < count else { return nil }
        let unit = table[Int(lead) << 8 | Int(bytes[index + 1])]
        guard unit != 0 else { return nil }
        if unit < 0x800 {
          out[written] = UInt8(0xC0 | unit >> 6)
          out[written + 1] = UInt8(0x80 | unit & 0x3F)
          written += 2
        } else {
          out[written] = UInt8(0xE0 | unit >> 12)
          out[written + 1] = UInt8(0x80 | (unit >> 6) & 0x3F)
          out[written + 2] = UInt8(0x80 | unit & 0x3F)
          written += 3
        }
        index += 2
      }
      return written
    }
  }
}
