#if canImport(Glibc)
import Glibc
#endif

extension StringProtocol {
  /// Whether `needle` occurs in this text, by UTF-8 bytes (memchr + memcmp). Foundation's `contains`
  /// folds and compares grapheme by grapheme, and was most of a run's time when rule packs
  /// used it; rule matching is byte-exact by design.
  func has<Needle: StringProtocol>(_ needle: Needle) -> Bool {
    let found: Bool? = utf8.withContiguousStorageIfAvailable { haystack in
      needle.utf8.withContiguousStorageIfAvailable { pattern in
        ByteSearch.contains(haystack, pattern)
      } ?? ByteSearch.contains(haystack, UnsafeBufferPointer(start: nil, count: 0), fallback: Array(needle.utf8))
    }
    return found ?? ByteSearch.contains(Array(utf8), Array(needle.utf8))
  }
}

enum ByteSearch {
  static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>, fallback: [UInt8]? = nil) -> Bool {
    if let fallback { return fallback.withUnsafeBufferPointer { contains(haystack, $0) } }
    if needle.count == 0 { return true }
    return find(haystack, needle, from: 0) != nil
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

  static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    haystack.withUnsafeBufferPointer { h in needle.withUnsafeBufferPointer { n in contains(h, n) } }
  }

  /// Occurrences of `needle`, not overlapping.
  static func count(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Int {
    var count = 0
    var offset = 0
    while let found = find(haystack, needle, from: offset) {
      count += 1
      offset = found + needle.count
    }
    return count
  }
}
