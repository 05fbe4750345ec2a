/// Counts keyword occurrences in one pass over a line's UTF-8 bytes: a 64K-bit table of the
/// keywords' first characters rejects almost every position at once; the rest find the
/// keywords that start with that character in a small open-addressing table (no String or
/// Dictionary hashing in the loop) and compare bytes (ASCII case-insensitively).
struct KeywordMatcher: Sendable {
  /// Keywords, folded, grouped by first character.
  private var keywords: [[UInt8]] = []
  /// The keywords that may start at a position, as a range of `keywords`.
  private var index = FirstCharacterIndex()

  init(_ keywords: [String]) {
    var byFirst: [UInt32: [[UInt8]]] = [:]
    for keyword in keywords where !keyword.isEmpty {
      // ASCII letters are folded, as in the text; other scripts match as written.
      let bytes = keyword.utf8.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }
      guard let first = String(decoding: bytes, as: UTF8.self).unicodeScalars.first, first.value < 0x10000 else { continue }
      byFirst[first.value, default: []].append(bytes)
    }
    guard !byFirst.isEmpty else { return }
    var groups: [(first: UInt32, seconds: [UInt32?], range: Range<Int>)] = []
    for (first, words) in byFirst.sorted(by: { $0.key < $1.key }) {
      groups.append((first, words.map(FirstCharacterIndex.second(of:)), self.keywords.count..<(self.keywords.count + words.count)))
      self.keywords.append(contentsOf: words)
    }
    index = FirstCharacterIndex(groups)
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
      var next = 0
      while let (index, scalar, width) = self.index.nextFirst(bytes, from: next) {
        next = index + width
        if let candidates = self.index.candidates(bytes, at: index, first: scalar, width: width) {
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
            next = index + matched
          }
        }
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
  if lead &- 0xE0 < 0x10, index &+ 2 < bytes.count {
    return ((UInt32(lead & 0x0F) << 12) | (UInt32(bytes[index &+ 1] & 0x3F) << 6) | UInt32(bytes[index &+ 2] & 0x3F), 3)
  }
  if lead &- 0xC0 < 0x20, index &+ 1 < bytes.count { return ((UInt32(lead & 0x1F) << 6) | UInt32(bytes[index &+ 1] & 0x3F), 2) }
  return nil
}

/// Which words may start at a position of a line: a 64K-bit table of the words' first
/// characters rejects almost every position at once; a second filter on the first two
/// characters (words of one character pass through `singleCharacters`) rejects most of the rest
/// (common Korean syllables start many words, few of ours); then open addressing on the first
/// character gives the range of its words in the owner's array, with no String or Dictionary
/// hashing in a scan's loop. `KeywordMatcher` and `LineRuleSet` find words through it.
struct FirstCharacterIndex: Sendable {
  /// Allocated even with no words: the first lookup needs no check that they exist.
  private var firstCharacters = [UInt64](repeating: 0, count: 1024)
  private var singleCharacters: [UInt64] = []
  private var pairs: [UInt64] = []
  /// The character + 1 (0: an empty slot), and its words' range.
  private var scalars: [UInt32] = []
  private var ranges: [Range<Int>] = []
  private var mask = 0

  init() {}

  /// `groups`: each first character (ASCII letters folded, in the Basic Multilingual Plane),
  /// the second character of each of its words (`second(of:)`), and its words' range.
  init(_ groups: [(first: UInt32, seconds: [UInt32?], range: Range<Int>)]) {
    guard !groups.isEmpty else { return }
    singleCharacters = [UInt64](repeating: 0, count: 1024)
    pairs = [UInt64](repeating: 0, count: 1024)
    var size = 8
    while size < groups.count * 2 { size *= 2 }
    mask = size - 1
    scalars = [UInt32](repeating: 0, count: size)
    ranges = [Range<Int>](repeating: 0..<0, count: size)
    for (first, seconds, range) in groups {
      firstCharacters[Int(first >> 6)] |= 1 << (first & 63)
      for second in seconds {
        if let second {
          let pair = Self.pair(first, second)
          pairs[pair >> 6] |= 1 << UInt64(pair & 63)
        } else {
          singleCharacters[Int(first >> 6)] |= 1 << (first & 63)
        }
      }
      var slot = Self.slot(first, mask: mask)
      while scalars[slot] != 0 { slot = (slot + 1) & mask }
      scalars[slot] = first + 1
      ranges[slot] = range
    }
  }

  /// A word's second character for the pair filter; nil for a word of one character or one
  /// whose second character is outside the Basic Multilingual Plane (let through).
  static func second(of word: [UInt8]) -> UInt32? {
    let scalars = Array(String(decoding: word, as: UTF8.self).unicodeScalars.prefix(2))
    return scalars.count < 2 || scalars[1].value >= 0x10000 ? nil : scalars[1].value
  }

  @inline(__always)
  static func pair(_ first: UInt32, _ second: UInt32) -> Int {
    Int(((first &* 0x9E37_79B1) ^ (second &* 0x85EB_CA77)) >> 16) & 0xFFFF
  }

  @inline(__always)
  static func slot(_ scalar: UInt32, mask: Int) -> Int { Int((scalar &* 0x9E37_79B1) >> 16) & mask }

  /// The first position from `start` on whose character (folded, of `width` bytes) is some
  /// word's first character, stepping as `foldedScalar` does (a byte at a time over what it
  /// cannot decode); nil at the end. The scans' inner loop: one table test per character.
  @inline(__always)
  func nextFirst(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (index: Int, first: UInt32, width: Int)? {
    firstCharacters.withUnsafeBufferPointer { table -> (index: Int, first: UInt32, width: Int)? in
      guard let bits = table.baseAddress else { return nil }
      var index = start
      while index < bytes.count {
        guard let (scalar, width) = foldedScalar(bytes, at: index) else {
          index &+= 1
          continue
        }
        if bits[Int(scalar &>> 6)] & (1 &<< UInt64(scalar & 63)) != 0 { return (index, scalar, width) }
        index &+= width
      }
      return nil
    }
  }

  /// The words that may start at `index`, where `first` (folded) of `width` bytes begins.
  @inline(__always)
  func candidates(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, first: UInt32, width: Int) -> Range<Int>? {
    guard firstCharacters[Int(first >> 6)] & (1 << (first & 63)) != 0,
      singleCharacters[Int(first >> 6)] & (1 << (first & 63)) != 0
        || (index + width < bytes.count && foldedScalar(bytes, at: index + width).map { second in
          let pair = Self.pair(first, second.0)
          return pairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0
        } == true)
    else { return nil }
    var slot = Self.slot(first, mask: mask)
    while true {
      let stored = scalars[slot]
      if stored == first + 1 { return ranges[slot] }
      if stored == 0 { return nil }
      slot = (slot + 1) & mask
    }
  }
}
