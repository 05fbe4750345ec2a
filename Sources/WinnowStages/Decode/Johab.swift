import WinnowNative

/// Johab (KS X 1001:1998 annex 3, Windows code page 1361), which ICU does not ship.
/// Hangul is a bit-packed 16-bit code (1 iiiii mmmmm fffff); symbols and hanja are the
/// KS X 1001 rows of EUC-KR moved by a fixed formula, so they decode through ICU's CP949.
enum Johab {
  /// 5-bit initial code → index in U+1100 order (nil: filler or unused).
  static let initial: [Int?] = {
    var table = [Int?](repeating: nil, count: 32)
    for index in 0..<19 { table[index + 2] = index }
    return table
  }()
  static let medialCodes = [3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 18, 19, 20, 21, 22, 23, 26, 27, 28, 29]
  static let finalCodes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]
  static let medial: [Int?] = table(medialCodes)
  static let final: [Int?] = table(finalCodes)

  /// Compatibility jamo (U+3131…) for lone consonants and vowels.
  static let initialJamo: [UInt32] = [0x3131, 0x3132, 0x3134, 0x3137, 0x3138, 0x3139, 0x3141, 0x3142, 0x3143, 0x3145, 0x3146, 0x3147, 0x3148, 0x3149, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E]
  static let finalJamo: [UInt32] = [0, 0x3131, 0x3132, 0x3133, 0x3134, 0x3135, 0x3136, 0x3137, 0x3139, 0x313A, 0x313B, 0x313C, 0x313D, 0x313E, 0x313F, 0x3140, 0x3141, 0x3142, 0x3144, 0x3145, 0x3146, 0x3147, 0x3148, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E]

  private static func table(_ codes: [Int]) -> [Int?] {
    var table = [Int?](repeating: nil, count: 32)
    for (index, code) in codes.enumerated() { table[code] = index }
    return table
  }

  /// Decodes Johab bytes. Strict: nil at the first bad sequence. Otherwise bad sequences
  /// become U+FFFD and are counted.
  static func decode(_ bytes: UnsafeBufferPointer<UInt8>, strict: Bool) -> (text: String, substitutions: Int)? {
    var substitutions = 0
    var failed = false
    // At most three UTF-8 bytes per byte (a U+FFFD for one bad byte).
    let text = String(unsafeUninitializedCapacity: bytes.count * 3 + 4) { output in
      var written = 0
      func append(_ scalar: Unicode.Scalar) {
        for unit in UTF8.encode(scalar)! {
          output[written] = unit
          written += 1
        }
      }
      var index = 0
      func bad() -> Bool {
        if strict { return false }
        append("\u{FFFD}")
        substitutions += 1
        index += 1
        return true
      }
      while index < bytes.count {
        let lead = bytes[index]
        if lead < 0x80 {
          output[written] = lead
          written += 1
          index += 1
          continue
        }
        guard index + 1 < bytes.count else {
          if bad() { continue } else { failed = true; return 0 }
        }
        if let scalar = decodePair(lead, bytes[index + 1]) {
          append(scalar)
          index += 2
        } else if !bad() {
          failed = true
          return 0
        }
      }
      return written
    }
    return failed ? nil : (text, substitutions)
  }

  static func decodePair(_ lead: UInt8, _ trail: UInt8) -> Unicode.Scalar? {
    if (0x84...0xD3).contains(lead) {
      guard (0x41...0x7E).contains(trail) || (0x81...0xFE).contains(trail) else { return nil }
      let code = Int(lead) << 8 | Int(trail)
      let i = code >> 10 & 0x1F, m = code >> 5 & 0x1F, f = code & 0x1F
      let fillI = i == 1, fillM = m == 2, fillF = f == 1
      if let ii = initial[i], let mm = medial[m], let ff = final[f] {
        return Unicode.Scalar(UInt32(0xAC00 + (ii * 21 + mm) * 28 + ff))
      }
      // Lone jamo: exactly one of initial, medial, final is present.
      if let ii = initial[i], fillM, fillF { return Unicode.Scalar(initialJamo[ii]) }
      if fillI, let mm = medial[m], fillF { return Unicode.Scalar(UInt32(0x314F + mm)) }
      if fillI, fillM, let ff = final[f], ff > 0 { return Unicode.Scalar(finalJamo[ff]) }
      return nil
    }
    // Symbols (D9–DE) and hanja (E0–F9): two KS X 1001 rows per lead byte.
    let rowBase: Int
    switch lead {
    case 0xD9...0xDE: rowBase = (Int(lead) - 0xD9) * 2 + 0x21
    case 0xE0...0xF9: rowBase = (Int(lead) - 0xE0) * 2 + 0x4A
    default: return nil
    }
    let row: Int, column: Int
    switch trail {
    case 0x31...0x7E: row = rowBase; column = Int(trail) - 0x31 + 0x21
    case 0x91...0xA0: row = rowBase; column = Int(trail) - 0x91 + 0x6F
    case 0xA1...0xFE: row = rowBase + 1; column = Int(trail) - 0xA1 + 0x21
    default: return nil
    }
    // The pairs CP949 maps plainly come from the table read from ICU; the rest from ICU.
    let unit = DoubleByteDecoder.cp949.unit(UInt8(row | 0x80), UInt8(column | 0x80))
    if unit != 0 { return Unicode.Scalar(unit) }
    let pair: [UInt8] = [UInt8(row | 0x80), UInt8(column | 0x80)]
    // CP949 rather than EUC-KR: ICU's EUC-KR lacks KS X 1001:1998's € and ® (A2E6, A2E7).
    let outcome = pair.withUnsafeBufferPointer { try? ICU.decode($0, charset: "windows-949-2000", strict: true) }
    guard case .decoded(let text, _)? = outcome, text.unicodeScalars.count == 1 else { return nil }
    return text.unicodeScalars.first
  }
}
