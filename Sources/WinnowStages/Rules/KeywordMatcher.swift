/// Counts keyword occurrences in one pass over a line's UTF-8 bytes: a 64K-bit table of the
/// keywords' first characters rejects almost every position at once; the rest compare bytes
/// (ASCII case-insensitively) against the keywords that start with that character.
struct KeywordMatcher: Sendable {
  private var firstCharacters = [UInt64](repeating: 0, count: 1024)
  private var byFirst: [UInt32: [[UInt8]]] = [:]

  init(_ keywords: [String]) {
    for keyword in keywords where !keyword.isEmpty {
      // ASCII letters are folded, as in the text; other scripts match as written.
      let bytes = keyword.utf8.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }
      guard let first = String(decoding: bytes, as: UTF8.self).unicodeScalars.first, first.value < 0x10000 else { continue }
      firstCharacters[Int(first.value >> 6)] |= 1 << (first.value & 63)
      byFirst[first.value, default: []].append(bytes)
    }
  }

  var isEmpty: Bool { byFirst.isEmpty }

  /// Whether any keyword occurs in `text`.
  func occurs<S: StringProtocol>(in text: S) -> Bool { count(in: Substring(text), stopAtFirst: true) > 0 }

  /// Occurrences, and how many different keywords occurred.
  func count(in line: Substring, stopAtFirst: Bool = false) -> Int { counts(in: line, stopAtFirst: stopAtFirst).occurrences }

  func counts(in line: Substring, stopAtFirst: Bool = false) -> (occurrences: Int, distinct: Int) {
    var seen: [[UInt8]] = []
    var copy = line
    return copy.withUTF8 { bytes in
      var count = 0
      var index = 0
      while index < bytes.count {
        let lead = bytes[index]
        var scalar: UInt32
        var width: Int
        if lead < 0x80 {
          scalar = UInt32(lead &- 0x41 < 26 ? lead | 0x20 : lead)
          width = 1
        } else if lead >= 0xE0, lead < 0xF0, index + 2 < bytes.count {
          scalar = (UInt32(lead & 0x0F) << 12) | (UInt32(bytes[index + 1] & 0x3F) << 6) | UInt32(bytes[index + 2] & 0x3F)
          width = 3
        } else if lead >= 0xC0, lead < 0xE0, index + 1 < bytes.count {
          scalar = (UInt32(lead & 0x1F) << 6) | UInt32(bytes[index + 1] & 0x3F)
          width = 2
        } else {
          index += 1
          continue
        }
        if scalar < 0x10000, firstCharacters[Int(scalar >> 6)] & (1 << (scalar & 63)) != 0, let candidates = byFirst[scalar] {
          var matched = 0
          var matchedKeyword: [UInt8] = []
          for keyword in candidates where keyword.count <= bytes.count - index {
            var equal = true
            for offset in 0..<keyword.count {
              var byte = bytes[index + offset]
              if byte &- 0x41 < 26 { byte |= 0x20 }
              if byte != keyword[offset] { equal = false; break }
            }
            if equal, keyword.count > matched { matched = keyword.count; matchedKeyword = keyword }
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
