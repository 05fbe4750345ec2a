import WinnowNative

/// The East Asian multi-byte charsets decoded by table lookup: CP949 (and so EUC-KR, the
/// common case of a Korean crawl), Shift_JIS, EUC-JP, GB18030 and Big5, several times faster
/// than ICU's converters, which pivot through UTF-16. Candidates are checked by a strict decode
/// of each, so the speed counts on every page the detector ranks.
///
/// Each table is ICU's own mapping, read once (when a pipeline that may try the charset is
/// built) by decoding every byte alone and every two-byte sequence, so the text is identical
/// to ICU's. A sequence the table does not
/// hold (an invalid one, one ICU maps to a private-use code point or beyond the BMP, GB18030's
/// four-byte and EUC-JP's three-byte sequences) makes `decode` return nil, and the caller
/// takes ICU's path, which decodes it or reports where the error is.
struct DoubleByteDecoder: Sendable {
  /// UTF-16 unit for lead << 8 | trail; 0 when the pair is not a plain mapping.
  private let pairs: [UInt16]
  /// A byte's character when it stands alone, as packed UTF-8, and its length (0 for a lead
  /// byte or an undefined one).
  private let single: [UInt32]
  private let singleLength: [UInt8]
  /// Bytes below 0x80 decode to themselves.
  private let keepsASCII: Bool

  static let cp949 = DoubleByteDecoder(icuName: "windows-949-2000")
  static let shiftJIS = DoubleByteDecoder(icuName: "windows-31j")
  static let eucJP = DoubleByteDecoder(icuName: "EUC-JP")
  static let gb18030 = DoubleByteDecoder(icuName: "GB18030")
  static let big5 = DoubleByteDecoder(icuName: "windows-950-2000")

  /// The table decoder for a charset as `Charsets` names it (read the first time it is asked
  /// for), nil for the others.
  static func named(_ name: String) -> DoubleByteDecoder? {
    switch name {
    case "CP949": cp949
    case "Shift_JIS": shiftJIS
    case "EUC-JP": eucJP
    case "GB18030": gb18030
    case "Big5": big5
    default: nil
    }
  }

  init(icuName: String) {
    // Each byte alone, then every pair whose first byte does not stand alone, as ICU reads them.
    var single = [UInt32](repeating: 0, count: 256)
    var singleLength = [UInt8](repeating: 0, count: 256)
    let bytes = (0..<256).filter { $0 != 0x0A }
    let alone = Self.characters(icuName, bytes.map(UInt8.init), length: 1) ?? []
    for (byte, value) in zip(bytes, alone) {
      guard let value, let scalar = Unicode.Scalar(value) else { continue }
      (single[byte], singleLength[byte]) = UTF8Scalar.packed(scalar)
    }
    single[0x0A] = 0x0A
    singleLength[0x0A] = 1
    var keys: [Int] = []
    for lead in 0x80..<0x100 where singleLength[lead] == 0 {
      // Second bytes 0x40–0xFE: every charset here takes its trail bytes from that range.
      for trail in 0x40...0xFE { keys.append(lead << 8 | trail) }
    }
    var pairs = [UInt16](repeating: 0, count: 0x10000)
    var sequences: [UInt8] = []
    sequences.reserveCapacity(keys.count * 2)
    for key in keys {
      sequences.append(UInt8(key >> 8))
      sequences.append(UInt8(key & 0xFF))
    }
    if let found = Self.characters(icuName, sequences, length: 2) {
      for (key, value) in zip(keys, found) where (value ?? 0) >= 0x80 { pairs[key] = UInt16(value ?? 0) }
    }
    self.pairs = pairs
    self.single = single
    self.singleLength = singleLength
    keepsASCII = (0..<0x80).allSatisfy { singleLength[$0] == 1 && single[$0] == UInt32($0) }
  }

  /// What ICU reads each sequence (`length` bytes each, end to end) as: its one character
  /// when that is plain (a BMP character other than U+FFFD and private use), else nil; nil
  /// for all when ICU fails. The sequences are decoded leniently in one call, each followed by
  /// a newline: ICU never takes one as part of a character, so each segment between newlines
  /// holds one sequence's result.
  private static func characters(_ icuName: String, _ sequences: [UInt8], length: Int) -> [UInt32?]? {
    let count = sequences.count / length
    var bytes = [UInt8](repeating: 0x0A, count: count * (length + 1))
    for index in 0..<count {
      for offset in 0..<length { bytes[index * (length + 1) + offset] = sequences[index * length + offset] }
    }
    guard case .decoded(var text, _)? = bytes.withUnsafeBufferPointer({ try? ICU.decode($0, charset: icuName, strict: false) })
    else { return nil }
    return text.withUTF8 { utf8 -> [UInt32?]? in
      guard let base = utf8.baseAddress else { return count == 0 ? [] : nil }
      var found: [UInt32?] = []
      found.reserveCapacity(count)
      var index = 0
      while index < utf8.count {
        var end = index
        while end < utf8.count, utf8[end] != 0x0A { end += 1 }
        guard end < utf8.count else { return nil }
        var value: UInt32?
        if end > index {
          let (scalar, length) = UTF8Scalar.decode(base, count: end, at: index)
          if index + length == end, scalar < 0x10000, scalar != 0xFFFD, !(0xE000...0xF8FF).contains(scalar) { value = scalar }
        }
        found.append(value)
        index = end + 1
      }
      // One segment per sequence, or the reading went wrong somewhere.
      return found.count == count ? found : nil
    }
  }

  /// The UTF-16 unit of one pair, 0 when it needs ICU (invalid, unmapped, private use).
  func unit(_ lead: UInt8, _ trail: UInt8) -> UInt16 { pairs[Int(lead) << 8 | Int(trail)] }

  /// The text, or nil when a byte sequence needs ICU (invalid, unmapped, private use, not
  /// two bytes long).
  func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    // The tables hold BMP scalars outside the surrogates (read from ICU's decode), so what
    // is written is valid UTF-8 and not validated again. A byte alone may take three bytes
    // (half-width katakana), and four are stored whatever its length.
    single.withUnsafeBufferPointer { single in
      singleLength.withUnsafeBufferPointer { singleLength in
        pairs.withUnsafeBufferPointer { pairs in
          UTF8Scalar.string(capacity: bytes.count * 3 + 4) { out -> Int? in
            guard let target = UnsafeMutableRawPointer(out.baseAddress), let source = bytes.baseAddress else { return 0 }
            let raw = UnsafeRawPointer(source)
            var written = 0
            var index = 0
            let count = bytes.count
            while index < count {
              // Eight ASCII bytes at a time.
              if keepsASCII, index &+ 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                  target.storeBytes(of: word, toByteOffset: written, as: UInt64.self)
                  written &+= 8
                  index &+= 8
                  continue
                }
              }
              let lead = Int(source[index])
              let length = Int(singleLength[lead])
              if length > 0 {
                target.storeBytes(of: single[lead], toByteOffset: written, as: UInt32.self)
                written &+= length
                index &+= 1
                continue
              }
              let unit = index &+ 1 < count ? pairs[lead << 8 | Int(source[index &+ 1])] : 0
              guard unit != 0 else { return nil }
              if unit < 0x800 {
                out[written] = UInt8(0xC0 | unit >> 6)
                out[written &+ 1] = UInt8(0x80 | unit & 0x3F)
                written &+= 2
              } else {
                out[written] = UInt8(0xE0 | unit >> 12)
                out[written &+ 1] = UInt8(0x80 | (unit >> 6) & 0x3F)
                out[written &+ 2] = UInt8(0x80 | unit & 0x3F)
                written &+= 3
              }
              index &+= 2
            }
            return written
          }
        }
      }
    }
  }
}
