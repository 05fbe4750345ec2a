#if canImport(Glibc)
import Glibc
#endif

extension StringProtocol {
  /// Whether the text holds an ASCII digit.
  var hasASCIIDigit: Bool {
    utf8.withContiguousStorageIfAvailable { ByteSearch.hasDigit($0) } ?? utf8.contains { $0 &- 0x30 < 10 }
  }

  /// Whether `needle` occurs in this text, by UTF-8 bytes (memchr + memcmp). Foundation's `contains`
  /// folds and compares grapheme by grapheme, and was most of a run's time when rule packs
  /// used it; rule matching is byte-exact by design.
  func has<Needle: StringProtocol>(_ needle: Needle) -> Bool {
    let found: Bool?? = utf8.withContiguousStorageIfAvailable { haystack in
      needle.utf8.withContiguousStorageIfAvailable { ByteSearch.find(haystack, $0, from: 0) != nil }
    }
    return (found ?? nil) ?? ByteSearch.contains(Array(utf8), Array(needle.utf8))
  }
}

enum ByteSearch {
  /// Whether any of the eight bytes of `word` is `byte` (exact: the classic zero-byte test
  /// on `word ^ byte×8` errs only in which byte it marks, never in whether one is marked).
  @inline(__always)
  static func has(_ word: UInt64, _ byte: UInt8) -> Bool {
    let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
    return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
  }

  /// The offset of the first `needle` at or after `from`: memchr for its first byte, then
  /// memcmp (glibc's memmem is not visible to Swift without _GNU_SOURCE).
  static func find(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
    guard let h = haystack.baseAddress, let n = needle.baseAddress, needle.count > 0 else { return nil }
    let first = Int32(n[0])
    var offset = from
    let last = haystack.count - needle.count
    while offset <= last {
      guard let hit = memchr(h + offset, first, last - offset + 1) else { return nil }
      let position = h.distance(to: hit.assumingMemoryBound(to: UInt8.self))
      if memcmp(h + position, n, needle.count) == 0 { return position }
      offset = position + 1
    }
    return nil
  }

  /// Whether any of the eight bytes of `word` lies strictly between `above` and `below`
  /// (SWAR "has between", exact for each byte; `above` < 128, `below` ≤ 128, so bytes of
  /// 0x80 and up never count).
  @inline(__always)
  static func hasBetween(_ word: UInt64, above: UInt8, below: UInt8) -> Bool {
    betweenMask(word, above: above, below: below) != 0
  }

  /// The high bit of each byte of `word` that lies strictly between `above` and `below`
  /// (each byte on its own: no borrow or carry crosses a byte).
  @inline(__always)
  static func betweenMask(_ word: UInt64, above: UInt8, below: UInt8) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let low = word & (ones &* 0x7F)
    return ((ones &* (127 + UInt64(below))) &- low) & ~word & (low &+ ones &* (127 - UInt64(above))) & (ones &* 0x80)
  }

  /// Whether the bytes hold an ASCII digit: eight bytes at a time.
  static func hasDigit(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let raw = UnsafeRawBufferPointer(bytes)
    var index = 0
    while index + 8 <= bytes.count {
      if hasBetween(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self), above: 0x2F, below: 0x3A) { return true }
      index += 8
    }
    while index < bytes.count {
      if bytes[index] &- 0x30 < 10 { return true }
      index += 1
    }
    return false
  }

  static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    needle.isEmpty || haystack.withUnsafeBufferPointer { h in needle.withUnsafeBufferPointer { n in find(h, n, from: 0) != nil } }
  }

  /// Whether `needle` occurs in `haystack`, in time linear in both (Knuth–Morris–Pratt):
  /// `find` compares the whole needle at each hit of its first byte, which is quadratic for
  /// long needles in repetitive text (a run of one letter).
  static func occurs(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
    let m = needle.count
    guard m > 0 else { return true }
    guard m <= haystack.count else { return false }
    // failure[i]: the length of the longest proper border of needle[0...i].
    var failure = [Int](repeating: 0, count: m)
    var border = 0
    for i in 1..<max(1, m) {
      while border > 0, needle[i] != needle[border] { border = failure[border - 1] }
      if needle[i] == needle[border] { border += 1 }
      failure[i] = border
    }
    var matched = 0
    for byte in haystack {
      while matched > 0, byte != needle[matched] { matched = failure[matched - 1] }
      if byte == needle[matched] {
        matched += 1
        if matched == m { return true }
      }
    }
    return false
  }
}

extension StringProtocol where SubSequence == Substring {
  /// Non-empty lines, split on '\n' by bytes. `split(separator:)` on a String walks
  /// Characters (grapheme breaking), which cost more than the rules themselves.
  var lines: [Substring] {
    let utf8 = self.utf8
    // memchr over contiguous bytes; offsets become indices in O(1) on native UTF-8 strings.
    let found: [Substring]? = utf8.withContiguousStorageIfAvailable { bytes in
      guard let base = bytes.baseAddress else { return [] }
      var result: [Substring] = []
      var start = 0
      while start < bytes.count {
        let end = memchr(base + start, 0x0A, bytes.count - start).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? bytes.count
        if end > start {
          let from = utf8.index(utf8.startIndex, offsetBy: start)
          result.append(self[from..<utf8.index(from, offsetBy: end - start)])
        }
        start = end + 1
      }
      return result
    }
    if let found { return found }
    var result: [Substring] = []
    var start = utf8.startIndex
    var index = start
    while index != utf8.endIndex {
      if utf8[index] == 0x0A {
        if start != index { result.append(self[start..<index]) }
        start = utf8.index(after: index)
      }
      index = utf8.index(after: index)
    }
    if start != utf8.endIndex { result.append(self[start..<utf8.endIndex]) }
    return result
  }

}

extension StringProtocol where SubSequence == Substring {
  /// Words split on spaces and tabs, by bytes.
  var spaceSeparatedWords: [Substring] {
    var result: [Substring] = []
    let bytes = utf8
    var start = bytes.startIndex
    var index = start
    while index != bytes.endIndex {
      let byte = bytes[index]
      if byte == 0x20 || byte == 0x09 {
        if start != index { result.append(self[start..<index]) }
        start = bytes.index(after: index)
      }
      index = bytes.index(after: index)
    }
    if start != bytes.endIndex { result.append(self[start..<bytes.endIndex]) }
    return result
  }

  /// The first or last occurrence of `needle`, by bytes.
  func byteRange(of needle: String, backwards: Bool = false) -> Range<Index>? {
    var needle = needle
    let utf8 = self.utf8
    let found: Int? = needle.withUTF8 { n in
      func search(_ h: UnsafeBufferPointer<UInt8>) -> Int? {
        var hit = ByteSearch.find(h, n, from: 0)
        while backwards, let current = hit, let next = ByteSearch.find(h, n, from: current + 1) { hit = next }
        return hit
      }
      // A String's bytes are read in place; other views are copied once.
      return utf8.withContiguousStorageIfAvailable(search) ?? Array(utf8).withUnsafeBufferPointer(search)
    }
    guard let offset = found else { return nil }
    let lower = utf8.index(utf8.startIndex, offsetBy: offset)
    return lower..<utf8.index(lower, offsetBy: needle.utf8.count)
  }
}

extension StringProtocol {
  /// The number of Unicode scalars, counted on the UTF-8 bytes (every byte that is not a
  /// continuation byte starts one); much cheaper than `unicodeScalars.count`.
  var scalarCount: Int {
    let counted: Int? = utf8.withContiguousStorageIfAvailable { bytes in
      // Bytes that start a character: all but continuation bytes (10xxxxxx), eight at a time.
      let raw = UnsafeRawBufferPointer(bytes)
      var continuation = 0
      var offset = 0
      // Each byte lane of `lanes` counts the continuation bytes in its position, up to 255
      // words per round; the lanes are summed once per round (no popcount per word: the
      // baseline x86-64 target has no POPCNT instruction).
      while offset + 8 <= raw.count {
        var lanes: UInt64 = 0
        var words = 0
        while offset + 8 <= raw.count, words < 255 {
          let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
          lanes &+= (word & ~(word << 1) & 0x8080_8080_8080_8080) >> 7
          offset += 8
          words += 1
        }
        let pairs = (lanes & 0x00FF_00FF_00FF_00FF) &+ ((lanes >> 8) & 0x00FF_00FF_00FF_00FF)
        continuation += Int(truncatingIfNeeded: (pairs &* 0x0001_0001_0001_0001) >> 48)
      }
      while offset < raw.count {
        if raw[offset] & 0xC0 == 0x80 { continuation += 1 }
        offset += 1
      }
      return raw.count - continuation
    }
    return counted ?? unicodeScalars.count
  }
}

extension StringProtocol {
  /// The same text: equal bytes, or canonically equal (String's `==`) when the byte counts are
  /// close enough for that to be possible (an NFD Hangul syllable is up to three times as
  /// long). Most lines compared with a title are much longer or shorter, and String's `==`
  /// normalizes both sides when they differ.
  func sameText<Other: StringProtocol>(_ other: Other) -> Bool {
    let count = utf8.count
    let otherCount = other.utf8.count
    if count == otherCount, utf8.elementsEqual(other.utf8) { return true }
    guard count <= otherCount * 3, otherCount <= count * 3 else { return false }
    return String(self) == String(other)
  }
}

extension String {
  /// Every occurrence of `needle` replaced by `replacement`, left to right, by UTF-8 bytes
  /// (Foundation's `replacingOccurrences` bridges and compares with Unicode rules).
  func replacingBytes(of needle: String, with replacement: String) -> String {
    var copy = self
    var needle = needle
    return copy.withUTF8 { haystack in
      needle.withUTF8 { pattern -> String in
        guard var hit = ByteSearch.find(haystack, pattern, from: 0) else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(haystack.count)
        var copied = 0
        while true {
          out.append(contentsOf: UnsafeBufferPointer(rebasing: haystack[copied..<hit]))
          out.append(contentsOf: replacement.utf8)
          copied = hit + pattern.count
          guard let next = ByteSearch.find(haystack, pattern, from: copied) else { break }
          hit = next
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: haystack[copied...]))
        return String(decoding: out, as: UTF8.self)
      }
    }
  }
}

extension StringProtocol {
  /// The first occurrence of `needle`, by UTF-8 bytes (Foundation's `range(of:)` compares
  /// with folding and was a profile's top item where it ran per line). Byte-exact.
  func byteRange(of needle: String) -> Range<String.Index>? {
    var needle = needle
    let utf8 = self.utf8
    let found: Int? = needle.withUTF8 { n in
      utf8.withContiguousStorageIfAvailable { ByteSearch.find($0, n, from: 0) }
        ?? Array(utf8).withUnsafeBufferPointer { ByteSearch.find($0, n, from: 0) }
    }
    guard let found else { return nil }
    let lower = utf8.index(utf8.startIndex, offsetBy: found)
    return lower..<utf8.index(lower, offsetBy: needle.utf8.count)
  }
}
