import WinnowNative

/// Repairs text that was decoded with the wrong code page before it reached winnow: UTF-8 or
/// CP949/EUC-KR bytes read as Latin-1 or windows-1252 (`ì•ˆë…•` → `안녕`, `¼Ò¸®¿¤` →
/// `소리엘`). Each run of characters that windows-1252/Latin-1 can encode is turned back
/// into those bytes and decoded as UTF-8, then CP949; the repair is kept only when it
/// decodes without error and is clearly more plausible than the run it replaces.
struct MojibakeRepair: Sendable {
  let plausibility: TextPlausibility

  /// windows-1252's 0x80–0x9F row, as Unicode.
  static let cp1252High: [UInt32: UInt8] = {
    let codes: [UInt32] = [
      0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
      0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]
    var table: [UInt32: UInt8] = [:]
    for (index, code) in codes.enumerated() { table[code] = UInt8(0x80 + index) }
    return table
  }()

  /// The byte a scalar came from if the text was bytes read as windows-1252 (or Latin-1).
  @inline(__always)
  static func byte(for scalar: Unicode.Scalar) -> UInt8? {
    let value = scalar.value
    if value < 0x100 { return UInt8(value) }
    return cp1252High[value]
  }

  /// The repaired text and how many runs were repaired, or nil when nothing changed.
  func repair(_ text: String) -> (text: String, repaired: Int)? {
    // Mojibake of any multi-byte encoding contains U+0080–U+00FF (UTF-8 lead C2/C3).
    guard text.utf8.contains(where: { $0 == 0xC2 || $0 == 0xC3 }) else { return nil }
    var output = String.UnicodeScalarView()
    var run: [Unicode.Scalar] = []
    var repaired = 0
    func flush() {
      defer { run.removeAll(keepingCapacity: true) }
      let highCount = run.reduce(0) { $0 + ($1.value >= 0x80 ? 1 : 0) }
      if highCount >= 2, let fixed = repairRun(run) {
        output.append(contentsOf: fixed.unicodeScalars)
        repaired += 1
      } else {
        output.append(contentsOf: run)
      }
    }
    for scalar in text.unicodeScalars {
      if Self.byte(for: scalar) != nil {
        run.append(scalar)
      } else {
        flush()
        output.append(scalar)
      }
    }
    flush()
    return repaired > 0 ? (String(output), repaired) : nil
  }

  private func repairRun(_ run: [Unicode.Scalar]) -> String? {
    let bytes = run.compactMap(Self.byte(for:))
    let before = plausibility.score(plausibility.counts(run))
    // UTF-8 read as Latin-1: a valid multi-byte UTF-8 sequence is strong evidence already.
    if let text = String(validating: bytes, as: UTF8.self), text.unicodeScalars.count < run.count {
      let after = plausibility.score(text)
      if after >= 0.8 && after > before + 0.2 { return text }
    }
    // CP949/EUC-KR read as Latin-1: require Hangul, and clearly better text.
    let outcome = bytes.withUnsafeBufferPointer { try? ICU.decode($0, charset: "windows-949-2000", strict: true) }
    if case .decoded(let text, _)? = outcome {
      let counts = plausibility.counts(text)
      let hangul = counts.count(.hangulCommon)
      let after = plausibility.score(counts)
      if hangul >= 2 && after >= 0.8 && after > before + 0.3 { return text }
    }
    return nil
  }
}
