#if canImport(Glibc)
import Glibc
#endif

/// Publication dates that a page keeps only in its scripts' data: a shop's or a CMS's state
/// objects (`"published_at":"2019-03-02T06:22:28+01:00"`, `"publishedDate":…`,
/// `"createdAt":…`), often as JSON escaped inside a string. The prefilter removes script
/// contents before parsing, so this reads the page's raw bytes, and only when nothing the
/// page shows or declares gave a date.
enum ScriptDates {
  /// JSON keys of a publication, case and `_`/`-` ignored; a creation key counts only when
  /// no publication key is found.
  static let publishedKeys: Set<[UInt8]> = Set(
    ["datepublished", "publishedat", "publisheddate", "publishdate", "publishedon", "pubdate", "publicationdate", "firstpublished"].map { Array($0.utf8) })
  static let createdKeys: Set<[UInt8]> = Set(["datecreated", "createdat", "createddate", "createdon"].map { Array($0.utf8) })

  /// The first date under a publication key, else the first under a creation key.
  static func find(in page: UnsafeBufferPointer<UInt8>, words: DateWords) -> FoundDate? {
    guard let base = page.baseAddress else { return nil }
    let count = page.count
    var created: FoundDate?
    var index = 0
    while index < count, let found = memchr(base + index, Int32(UInt8(ascii: "\"")), count - index) {
      let quote = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
      index = quote + 1
      // The key: letters, '_' and '-', at most 24 of them, folded.
      var key: [UInt8] = []
      var end = quote + 1
      while end < count, end - quote <= 25 {
        let byte = page[end]
        if byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") {
        } else if (byte | 0x20) &- 0x61 < 26 {
          key.append(byte | 0x20)
        } else {
          break
        }
        end += 1
      }
      guard key.count >= 6, end < count else { continue }
      let isPublished = publishedKeys.contains(key)
      guard isPublished || (created == nil && createdKeys.contains(key)) else { continue }
      // `"key"` or `\"key\"`, then ':' and the value's opening quote.
      var cursor = end
      if page[cursor] == UInt8(ascii: "\\") { cursor += 1 }
      guard cursor < count, page[cursor] == UInt8(ascii: "\"") else { continue }
      cursor += 1
      while cursor < count, page[cursor] == UInt8(ascii: " ") { cursor += 1 }
      guard cursor < count, page[cursor] == UInt8(ascii: ":") else { continue }
      cursor += 1
      while cursor < count, page[cursor] == UInt8(ascii: " ") { cursor += 1 }
      if cursor < count, page[cursor] == UInt8(ascii: "\\") { cursor += 1 }
      guard cursor < count, page[cursor] == UInt8(ascii: "\"") else { continue }
      cursor += 1
      var valueEnd = cursor
      while valueEnd < count, valueEnd - cursor < 40, page[valueEnd] != UInt8(ascii: "\""), page[valueEnd] != UInt8(ascii: "\\") { valueEnd += 1 }
      // Only machine dates: a year first ("2019-03-02…"), never a display string.
      guard valueEnd - cursor >= 10, page[cursor] &- 0x30 < 10, page[cursor + 4] == UInt8(ascii: "-") else { continue }
      guard let date = DateParsing.parseAny(String(decoding: UnsafeBufferPointer(rebasing: page[cursor..<valueEnd]), as: UTF8.self), words: words)
      else { continue }
      if isPublished { return date }
      created = date
      index = valueEnd
    }
    return created
  }
}
