/// Dates written for readers rather than machines: "22. Oktober 2019", "October 22nd, 2019",
/// "22 de octubre de 2019", "22.10.2019", "Sun, 11 Oct 2020 07:34:36 GMT". Month names,
/// ordinal suffixes and connecting words come from a rule pack (`metadata.dates`), so no
/// language is built in: without them only the numeric forms are read.
extension DateParsing {
  /// The first date in `text`, machine (`2019-10-22`) or written. Meant for short texts
  /// (attribute values, date elements, lines near a headline): it tries every word start.
  /// `slashMonthFirst`: read "11/01/2023" as November 1 (see `dayFirst`).
  static func firstAny(in text: String, words: DateWords, slashMonthFirst: Bool = false) -> FoundDate? {
    let b = Array(text.utf8)
    let withNames = !words.monthNames.isEmpty
    var index = 0
    while index < b.count {
      let byte = b[index]
      if isDigit(byte) {
        if index == 0 || !isDigit(b[index - 1]) && !isASCIILetter(b[index - 1]) {
          if let found = parse(b, at: index, words: words) ?? dayFirst(b, at: index, words: words, slashMonthFirst: slashMonthFirst) { return found }
        }
      } else if withNames, isASCIILetter(byte) || byte >= 0xC0, index == 0 || startsWord(b, index) {
        if let found = monthFirst(b, at: index, words: words) { return found }
      }
      index += 1
    }
    return nil
  }

  /// A date in an attribute value (meta content, `datetime`, JSON-LD), machine or written.
  /// Slashed numeric dates there are month first: they come from software's US-English
  /// default format ("11/01/2023 12:43:42"), not from a writer.
  static func parseAny(_ text: String, words: DateWords) -> FoundDate? {
    parseValue(text, words: words) ?? firstAny(in: text, words: words, slashMonthFirst: true)
  }

  /// Day first: "22.10.2019", "22/10/2019", "22. Oktober 2019", "22nd October, 2019". Two
  /// numbers are read day first (month first with slashes when `slashMonthFirst`) unless
  /// that order is impossible and the other is not ("10/22/2019", "22/10/2019").
  static func dayFirst(_ b: [UInt8], at start: Int, words: DateWords, slashMonthFirst: Bool = false) -> FoundDate? {
    var i = start
    guard let first = digits(b, &i, min: 1, max: 2) else { return nil }
    if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "/") || b[i] == UInt8(ascii: "-") {
      let separator = b[i]
      var j = i + 1
      if separator == UInt8(ascii: ".") { skipBlanks(b, &j) }
      if let second = digits(b, &j, min: 1, max: 2), j < b.count, b[j] == separator {
        j += 1
        if separator == UInt8(ascii: ".") { skipBlanks(b, &j) }
        let yearStart = j
        var year = digits(b, &j, min: 4, max: 4)
        // "28.01.22": a two-digit year only in the strict dd.mm.yy shape, not in a version
        // number ("1.2.10") or a longer dotted run ("10.11.12.13").
        if year == nil, separator == UInt8(ascii: "."), i - start == 2, yearStart == i + 4 {
          var k = yearStart
          if let short = digits(b, &k, min: 2, max: 2), !(k + 1 < b.count && b[k] == UInt8(ascii: ".") && isDigit(b[k + 1])) {
            year = short < 50 ? 2000 + short : 1900 + short
            j = k
          }
        }
        guard let year, (1990...2100).contains(year) else { return nil }
        let monthFirst = slashMonthFirst && separator == UInt8(ascii: "/")
        var (day, month) = monthFirst ? (second, first) : (first, second)
        if month > 12, day <= 12 { (day, month) = (month, day) }
        return found(b, start: start, end: j, year: year, month: month, day: day, words: words)
      }
    }
    guard !words.monthNames.isEmpty else { return nil }
    var j = i
    _ = word(b, &j, words.ordinals)
    if j < b.count, b[j] == UInt8(ascii: ".") { j += 1 }
    skipBlanks(b, &j)
    skipConnector(b, &j, words)
    guard let month = monthName(b, &j, words) else { return nil }
    if j < b.count, b[j] == UInt8(ascii: ".") { j += 1 }
    if j < b.count, b[j] == UInt8(ascii: ",") { j += 1 }
    skipBlanks(b, &j)
    skipConnector(b, &j, words)
    guard let year = digits(b, &j, min: 4, max: 4), (1990...2100).contains(year) else { return nil }
    return found(b, start: start, end: j, year: year, month: month, day: first, words: words)
  }

  /// Month first: "October 22, 2019", "Oct. 22nd 2019", "Sep 15 2020 10:01:41 EDT".
  static func monthFirst(_ b: [UInt8], at start: Int, words: DateWords) -> FoundDate? {
    var j = start
    guard let month = monthName(b, &j, words) else { return nil }
    if j < b.count, b[j] == UInt8(ascii: ".") { j += 1 }
    skipBlanks(b, &j)
    guard let day = digits(b, &j, min: 1, max: 2) else { return nil }
    _ = word(b, &j, words.ordinals)
    if j < b.count, b[j] == UInt8(ascii: ",") { j += 1 }
    skipBlanks(b, &j)
    guard let year = digits(b, &j, min: 4, max: 4), (1990...2100).contains(year) else { return nil }
    return found(b, start: start, end: j, year: year, month: month, day: day, words: words)
  }

  private static func found(_ b: [UInt8], start: Int, end: Int, year: Int, month: Int, day: Int, words: DateWords) -> FoundDate? {
    guard (1...12).contains(month), day >= 1, day <= daysIn(month, year) else { return nil }
    if end < b.count, isDigit(b[end]) { return nil }
    var date = FoundDate(year: year, month: month, day: day, range: start..<end)
    var t = end
    // "am 25.08.2015 um 22:30", "October 22, 2019 at 3:30 pm": one short word may sit
    // between the date and its time.
    if t < b.count, b[t] == UInt8(ascii: ",") { t += 1 }
    readTime(b, after: t, words: words, into: &date)
    if date.hour == nil {
      var u = t
      skipBlanks(b, &u)
      let wordStart = u
      while u < b.count, isASCIILetter(b[u]), u - wordStart < 4 { u += 1 }
      if u > wordStart, u - wordStart < 4, u < b.count, b[u] == 0x20 {
        var timed = date
        readTime(b, after: u, words: words, into: &timed)
        if timed.hour != nil { date = timed }
      }
      if date.hour == nil { date.range = start..<end }
    }
    return date
  }

  /// A month name at `i` (ASCII letters compared without case), ending at a word boundary.
  static func monthName(_ b: [UInt8], _ i: inout Int, _ words: DateWords) -> Int? {
    guard i < b.count else { return nil }
    let head = lowerASCII(b[i])
    for (name, month) in words.monthNames where name[0] == head && i + name.count <= b.count {
      var same = true
      for offset in 1..<name.count where lowerASCII(b[i + offset]) != name[offset] { same = false; break }
      guard same else { continue }
      let end = i + name.count
      if end < b.count, isASCIILetter(b[end]) || (b[end] >= 0x80 && !isBlank(b, end)) { continue }
      i = end
      return month
    }
    return nil
  }

  static func skipConnector(_ b: [UInt8], _ i: inout Int, _ words: DateWords) {
    var j = i
    if word(b, &j, words.connectors), j < b.count, b[j] == 0x20 {
      i = j
      skipBlanks(b, &i)
    }
  }

  /// Spaces, tabs, line breaks, no-break spaces (U+00A0, C2 A0 in UTF-8) and the thin and
  /// narrow no-break spaces typographers put in dates (U+2009, U+202F: E2 80 89, E2 80 AF).
  static func skipBlanks(_ b: [UInt8], _ i: inout Int) {
    while i < b.count {
      if b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A {
        i += 1
      } else if isBlank(b, i) {
        i += 2
      } else if b[i] == 0xE2, i + 2 < b.count, b[i + 1] == 0x80, b[i + 2] == 0x89 || b[i + 2] == 0xAF {
        i += 3
      } else {
        return
      }
    }
  }

  @inline(__always) static func isBlank(_ b: [UInt8], _ i: Int) -> Bool {
    b[i] == 0xC2 && i + 1 < b.count && b[i + 1] == 0xA0
  }

  @inline(__always) static func isASCIILetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }

  @inline(__always) static func lowerASCII(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

  /// Whether a word starts at `i`: the byte before is no ASCII letter or digit, and no
  /// non-ASCII letter's last byte (a no-break space is a separator).
  @inline(__always) static func startsWord(_ b: [UInt8], _ i: Int) -> Bool {
    let before = b[i - 1]
    if isASCIILetter(before) || isDigit(before) { return false }
    if before >= 0x80 { return i >= 2 && isBlank(b, i - 2) }
    return true
  }

  /// A day in a URL path: "/2019/10/21/", "/2019-10-21-", "/20200316/" (a month alone
  /// names no day).
  static func inURL(_ url: String) -> FoundDate? {
    let b = Array(url.utf8)
    // Only the path: a host may hold digits, a query a timestamp.
    var pathStart = 0
    while pathStart + 1 < b.count, !(b[pathStart] == UInt8(ascii: "/") && b[pathStart + 1] == UInt8(ascii: "/")) { pathStart += 1 }
    if pathStart + 1 < b.count {
      pathStart += 2
      while pathStart < b.count, b[pathStart] != UInt8(ascii: "/") { pathStart += 1 }
    } else {
      pathStart = 0
    }
    var end = pathStart
    while end < b.count, b[end] != UInt8(ascii: "?"), b[end] != UInt8(ascii: "#") { end += 1 }
    var index = pathStart
    while index + 8 <= end {
      let boundary = b[index - (index > 0 ? 1 : 0)]
      if index > 0, isDigit(b[index]), !isDigit(boundary), !isASCIILetter(boundary) {
        var i = index
        if let year = digits(b, &i, min: 4, max: 4), (1990...2100).contains(year), i < end {
          let separator = b[i]
          if separator == UInt8(ascii: "/") || separator == UInt8(ascii: "-") || separator == UInt8(ascii: "_") {
            var j = i + 1
            // "/2017/7/12/": blog engines write month and day unpadded in paths.
            let least = separator == UInt8(ascii: "/") ? 1 : 2
            if let month = digits(b, &j, min: least, max: 2), j < end, b[j] == separator {
              j += 1
              if let day = digits(b, &j, min: least, max: 2), (1...12).contains(month), day >= 1, day <= daysIn(month, year) {
                return FoundDate(year: year, month: month, day: day, range: index..<j)
              }
            }
          }
        }
        // "/29-10-2021", "/23-01-2022-headline": day and month before the year, when the
        // order is plain (one of them past 12); "05-12-2019" may be either.
        do {
          var i = index
          if let first = digits(b, &i, min: 2, max: 2), i < end, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "_") || b[i] == UInt8(ascii: ".") {
            let separator = b[i]
            var j = i + 1
            if let second = digits(b, &j, min: 2, max: 2), j < end, b[j] == separator {
              j += 1
              let yearStart = j
              if let year = digits(b, &j, min: 4, max: 4), j - yearStart == 4, j == end || !isDigit(b[j]), (1990...2100).contains(year) {
                let (day, month) = first > 12 ? (first, second) : (second, first)
                if (first > 12) != (second > 12), (1...12).contains(month), day <= daysIn(month, year) {
                  return FoundDate(year: year, month: month, day: day, range: index..<j)
                }
              }
            }
          }
        }
        // "/20200316/": eight digits between separators.
        var k = index
        while k < end, isDigit(b[k]) { k += 1 }
        if k - index == 8, k == end || !isASCIILetter(b[k]) {
          func number(_ from: Int, _ count: Int) -> Int { b[from..<(from + count)].reduce(0) { $0 * 10 + Int($1 - 0x30) } }
          let year = number(index, 4)
          let month = number(index + 4, 2)
          let day = number(index + 6, 2)
          if (1990...2100).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month, year) {
            return FoundDate(year: year, month: month, day: day, range: index..<k)
          }
        }
      }
      index += 1
    }
    return nil
  }
}
