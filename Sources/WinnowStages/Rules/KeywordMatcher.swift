/// Counts keyword occurrences in one pass over a line's UTF-8 bytes: a 64K-bit table of the
/// keywords' first characters rejects almost every position at once; the rest find the
/// keywords that start with that character in a small open-addressing table (no String or
/// Dictionary hashing in the loop) and compare bytes (ASCII case-insensitively).
struct KeywordMatcher: Sendable {
  private var firstCharacters: [UInt64] = []
  /// A second filter on the first two characters (keywords of one character pass it
  /// through `singleCharacters`): common Korean syllables start many words, few keywords.
  private var pairs: [UInt64] = []
  private var singleCharacters: [UInt64] = []
  /// Keywords, folded, grouped by first character.
  private var keywords: [[UInt8]] = []
  /// Open addressing on the first character: `slotScalars[i]` is the character + 1 (0:
  /// empty), `slotRanges[i]` its keywords' range in `keywords`.
  private var slotScalars: [UInt32] = []
  private var slotRanges: [Range<Int>] = []
  private var slotMask = 0

  init(_ keywords: [String]) {
    var byFirst: [UInt32: [[UInt8]]] = [:]
    for keyword in keywords where !keyword.isEmpty {
      // ASCII letters are folded, as in the text; other scripts match as written.
      let bytes = keyword.utf8.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }
      guard let first = String(decoding: bytes, as: UTF8.self).unicodeScalars.first, first.value < 0x10000 else { continue }
      byFirst[first.value, default: []].append(bytes)
    }
    guard !byFirst.isEmpty else { return }
    firstCharacters = [UInt64](repeating: 0, count: 1024)
    pairs = [UInt64](repeating: 0, count: 1024)
    singleCharacters = [UInt64](repeating: 0, count: 1024)
    var size = 8
    while size < byFirst.count * 2 { size *= 2 }
    slotMask = size - 1
    slotScalars = [UInt32](repeating: 0, count: size)
    slotRanges = [Range<Int>](repeating: 0..<0, count: size)
    for (first, words) in byFirst.sorted(by: { $0.key < $1.key }) {
      firstCharacters[Int(first >> 6)] |= 1 << (first & 63)
      for word in words {
        let scalars = Array(String(decoding: word, as: UTF8.self).unicodeScalars.prefix(2))
        if scalars.count < 2 || scalars[1].value >= 0x10000 {
          singleCharacters[Int(first >> 6)] |= 1 << (first & 63)
        } else {
          let pair = Self.pair(first, scalars[1].value)
          pairs[pair >> 6] |= 1 << UInt64(pair & 63)
        }
      }
      var slot = Self.slot(first, mask: slotMask)
      while slotScalars[slot] != 0 { slot = (slot + 1) & slotMask }
      slotScalars[slot] = first + 1
      slotRanges[slot] = self.keywords.count..<(self.keywords.count + words.count)
      self.keywords.append(contentsOf: words)
    }
  }

  /// The bit of a first-two-characters filter (also used by `LineRuleSet`).
  @inline(__always)
  static func pair(_ first: UInt32, _ second: UInt32) -> Int {
    Int(((first &* 0x9E37_79B1) ^ (second &* 0x85EB_CA77)) >> 16) & 0xFFFF
  }

  /// The home slot of a first character in an open-addressing table of `mask + 1` slots.
  @inline(__always)
  static func slot(_ scalar: UInt32, mask: Int) -> Int { Int((scalar &* 0x9E37_79B1) >> 16) & mask }

  @inline(__always)
  private func range(of scalar: UInt32) -> Range<Int>? {
    var slot = Self.slot(scalar, mask: slotMask)
    while true {
      let stored = slotScalars[slot]
      if stored == scalar + 1 { return slotRanges[slot] }
      if stored == 0 { return nil }
      slot = (slot + 1) & slotMask
    }
  }

  var isEmpty: Bool { keywords.isEmpty }

  /// Whether any keyword occurs in `text`.
  func occurs<S: StringProtocol>(in text: S) -> Bool { count(in: Substring(text), stopAtFirst: true) > 0 }

  /// Occurrences, and how many different keywords occurred.
  func count(in line: Substring, stopAtFirst: Bool = false) -> Int { counts(in: line, stopAtFirst: stopAtFirst).occurrences }

  func counts(in line: Substring, stopAtFirst: Bool = false) -> (occurrences: Int, distinct: Int) {
    guard !keywords.isEmpty else { return (0, 0) }
    var seen: [Int] = []
    var copy = line
    return copy.withUTF8 { bytes in
      var count = 0
      var index = 0
      while index < bytes.count {
        guard let (scalar, width) = foldedScalar(bytes, at: index) else {
          index += 1
          continue
        }
        if firstCharacters[Int(scalar >> 6)] & (1 << (scalar & 63)) != 0,
          singleCharacters[Int(scalar >> 6)] & (1 << (scalar & 63)) != 0
            || (index + width < bytes.count && foldedScalar(bytes, at: index + width).map { second in
              let pair = Self.pair(scalar, second.0)
              return pairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0
            } == true),
          let candidates = range(of: scalar)
        {
          var matched = 0
          var matchedKeyword = -1
          for candidate in candidates {
            let keyword = keywords[candidate]
            guard keyword.count <= bytes.count - index, keyword.count > matched else { continue }
            var equal = true
            for offset in width..<keyword.count {
              var byte = bytes[index + offset]
              if byte &- 0x41 < 26 { byte |= 0x20 }
              if byte != keyword[offset] { equal = false; break }
            }
            if equal { matched = keyword.count; matchedKeyword = candidate }
          }
          if matched > 0 {
            count += 1
            if !seen.contains(matchedKeyword) { seen.append(matchedKeyword) }
            if stopAtFirst { return (count, seen.count) }
            index += matched
            continue
          }
        }
        index += width
      }
      return (count, seen.count)
    }
  }
}

/// The character at `index` of UTF-8 bytes (ASCII letters folded to lower case) and its
/// width; nil for a 4-byte or broken sequence. The keyword scans' decoder.
@inline(__always)
func foldedScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int)? {
  let lead = bytes[index]
  if lead < 0x80 { return (UInt32(lead &- 0x41 < 26 ? lead | 0x20 : lead), 1) }
  if lead >= 0xE0, lead < 0xF0, index + 2 < bytes.count {
    return ((UInt32(lead & 0x0F) << 12) | (UInt32(bytes[index + 1] & 0x3F) << 6) | UInt32(bytes[index + 2] & 0x3F), 3)
  }
  if lead >= 0xC0, lead < 0xE0, index + 1 < bytes.count { return ((UInt32(lead & 0x1F) << 6) | UInt32(bytes[index + 1] & 0x3F), 2) }
  return nil
}
