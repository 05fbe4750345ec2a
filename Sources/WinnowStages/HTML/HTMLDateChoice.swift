/// The publication date candidates of a page and the order they are trusted in: what the
/// page declares for machines (JSON-LD, meta tags, microdata, `<time class=published>`),
/// then a day in its canonical URL, then dates written for readers (a date element, a short
/// line after the headline), and a modification date only when nothing else is known.
struct HTMLDateChoice {
  var ld: FoundDate?
  var ldCreated: FoundDate?
  var ldModified: FoundDate?
  var meta: FoundDate?
  var itemprop: FoundDate?
  /// `<time datetime>` whose class says published, and any other `<time datetime>` after
  /// and before the headline.
  var timePublished: FoundDate?
  var timeAfter: FoundDate?
  var timeBefore: FoundDate?
  var url: FoundDate?
  /// A date in the page's `<title>` ("… | 02.11.2021").
  var title: FoundDate?
  /// Text of elements whose class names a publication ("entry-date published", "posted-on"),
  /// and of those whose class names a date only ("date", "meta"), before and after the h1.
  var classPublished: FoundDate?
  var classDateBefore: FoundDate?
  var classDateAfter: FoundDate?
  /// A short text soon after the first h1, and one just before it.
  var near: FoundDate?
  var kicker: FoundDate?
  var modified: FoundDate?
  /// Anywhere on the page, past the headline's neighbourhood: a short text whose date a
  /// publication label opens ("Erschienen am: 01.11.2023" in a footer), and the first short
  /// text that is little more than a date (a list of facts, a forum post's header). The
  /// last resorts, after what machines are told.
  var labelled: FoundDate?
  /// `loose` after the headline, `looseBefore` before it (a sidebar's news list comes first
  /// on many pages, a forum thread's first post after its title).
  var loose: FoundDate?
  var looseBefore: FoundDate?
  /// Texts read for `labelled` and `loose`; past a cap, a page of dates (archives, tables)
  /// has said what it can.
  var lateReads = 0
  /// Both `labelled` and `loose` are known: short texts are no longer read.
  var lateFound = false

  func choose() -> FoundDate? {
    let order: [FoundDate?] = [
      meta, ld, itemprop, timePublished, url, title, classPublished, timeAfter, classDateAfter, near, kicker, timeBefore, classDateBefore, ldCreated,
      labelled, ldModified, modified, loose, looseBefore,
    ]
    guard let best = order.lazy.compactMap({ $0 }).first else { return nil }
    // A path's day weeks before the declared one is the original publication of a page
    // republished or re-stamped since ("/2017/7/12/…" with datePublished 2019-06-17).
    if let url, url.dayNumber < best.dayNumber - 7 { return url }
    // A UTC timestamp's day is often the day after (or before) the one the site printed in
    // its own zone: a day the page writes for readers, one day off, is the local one.
    // Only when the zones in use could shift the day: the day before needs an hour before
    // 10:00 UTC (zones reach UTC-10 where news is written), the day after one from 10:00
    // (UTC+14 at most).
    if best.zone == "+00:00", let hour = best.hour {
      let local: [FoundDate?] = [url, classPublished, timeAfter, classDateAfter, near, kicker, classDateBefore]
      for candidate in local {
        guard let candidate, candidate.zone != "+00:00" else { continue }
        let distance = candidate.dayNumber - best.dayNumber
        if distance == 0 { return best }
        if distance == -1 && hour < 10 || distance == 1 && hour >= 10 { return candidate }
      }
      // With no printed day to say otherwise, 22:00 or 23:00 sharp in UTC is a day stored as
      // local midnight east of UTC ("2022-11-06T23:00:00Z" for 7 November in Berlin), not an
      // hour of publication.
      if hour >= 22, best.minute ?? 0 == 0, best.second ?? 0 == 0 { return Self.dayAfter(best) }
    }
    return best
  }

  /// The day after a date's, without a time.
  static func dayAfter(_ date: FoundDate) -> FoundDate {
    var next = FoundDate(year: date.year, month: date.month, day: date.day + 1, range: date.range)
    if next.day > DateParsing.daysIn(date.month, date.year) {
      next.day = 1
      next.month += 1
      if next.month > 12 {
        next.month = 1
        next.year += 1
      }
    }
    return next
  }

  enum ClassKind { case none, published, date, modified, comments }

  func hasClassDate(_ kind: ClassKind, afterHeadline: Bool) -> Bool {
    kind == .published ? classPublished != nil : afterHeadline ? classDateAfter != nil : classDateBefore != nil
  }

  mutating func noteClassDate(_ date: FoundDate, kind: ClassKind, afterHeadline: Bool) {
    if kind == .published { classPublished = date } else if afterHeadline { classDateAfter = date } else { classDateBefore = date }
  }

  /// The date in a short line, unless a modification label comes before it ("Aktualisiert:
  /// 30.12.2016"): that one is kept as a modification date, the last resort.
  /// On a line that prints both, the date after a modification date is read too ("수정
  /// 2025.01.28 입력 2025.01.27").
  mutating func readLine(_ line: String, rules: MetadataRules) -> FoundDate? {
    guard let found = DateParsing.firstAny(in: line, words: rules.dateWords) else { return nil }
    if !rules.modifiedLabels.isEmpty {
      let lead = String(decoding: line.utf8.prefix(found.range.lowerBound), as: UTF8.self).lowercased()
      if rules.lowerModifiedLabels.contains(where: { lead.has($0) }) {
        if modified == nil { modified = found }
        let rest = String(decoding: line.utf8.dropFirst(found.range.upperBound), as: UTF8.self)
        guard rest.hasASCIIDigit, var next = DateParsing.firstAny(in: rest, words: rules.dateWords) else { return nil }
        let nextLead = String(decoding: rest.utf8.prefix(next.range.lowerBound), as: UTF8.self).lowercased()
        if rules.lowerModifiedLabels.contains(where: { nextLead.has($0) }) { return nil }
        next.range = (next.range.lowerBound + found.range.upperBound)..<(next.range.upperBound + found.range.upperBound)
        return next
      }
    }
    return found
  }

  /// In a longer text (a byline box with an e-mail and two dates, "홍길동 기자 … 기사입력
  /// 2025년 01월 27일 (월) 오후 3:12 수정 …"): the date a publication label opens, if any.
  func readLabelled(_ line: String, rules: MetadataRules) -> FoundDate? {
    guard !rules.publishedLabels.isEmpty, rules.publishedMatcher.occurs(in: line) else { return nil }
    var offset = 0
    var rest = line
    for _ in 0..<4 {
      guard rest.hasASCIIDigit, var found = DateParsing.firstAny(in: rest, words: rules.dateWords) else { return nil }
      let lead = String(decoding: rest.utf8.prefix(found.range.lowerBound), as: UTF8.self).lowercased()
      if rules.lowerPublishedLabels.contains(where: { lead.has($0) }) {
        found.range = (found.range.lowerBound + offset)..<(found.range.upperBound + offset)
        return found
      }
      offset += found.range.upperBound
      rest = String(decoding: rest.utf8.dropFirst(found.range.upperBound), as: UTF8.self)
    }
    return nil
  }

  /// A date that is a part of the page's title of its own ("Weltweit | Headline | 02.11.2021"),
  /// not one the headline mentions ("Results (2020/7/11-12, …)").
  mutating func readTitle(_ text: String, rules: MetadataRules) {
    for part in text.split(separator: "|").flatMap({ $0.components(separatedBy: " - ") }).flatMap({ $0.components(separatedBy: " – ") })
    where part.utf8.contains(where: { $0 &- 0x30 < 10 }) {
      guard let found = DateParsing.firstAny(in: part, words: rules.dateWords) else { continue }
      if Array(part.utf8).withUnsafeBufferPointer({ Self.wordBytes($0, outside: found.range) }) <= 16 {
        self.title = found
        return
      }
    }
  }

  /// A short text anywhere on the page (outside comment threads), read for `labelled` and
  /// `loose` until both are found. Only texts of at most 120 bytes whose digits may make a
  /// date are parsed, 40 at most, so a page's many short texts cost a byte scan each.
  mutating func readLate(_ bytes: UnsafeBufferPointer<UInt8>, afterHeadline: Bool, rules: MetadataRules) {
    guard bytes.count <= 120, lateReads < 40, !lateFound, Self.mayHoldDate(bytes) else { return }
    lateReads += 1
    let line = String(decoding: bytes, as: UTF8.self)
    guard let found = readLine(line, rules: rules) else { return }
    if labelled == nil, !rules.publishedLabels.isEmpty {
      let lead = String(decoding: line.utf8.prefix(found.range.lowerBound), as: UTF8.self).lowercased()
      if rules.lowerPublishedLabels.contains(where: { lead.has($0) }) { labelled = found }
    }
    // Little more than a date: at most 16 bytes of other words ("am 20.09.2020", "2021-10-16 |
    // Botschaft"), not a sentence that mentions one.
    if Self.wordBytes(bytes, outside: found.range) <= 16 {
      if afterHeadline { if loose == nil { loose = found } } else if looseBefore == nil { looseBefore = found }
    }
    lateFound = labelled != nil && loose != nil
  }

  /// Bytes other than white space outside `range`.
  static func wordBytes(_ bytes: UnsafeBufferPointer<UInt8>, outside range: Range<Int>) -> Int {
    var count = 0
    for index in bytes.indices where !range.contains(index) {
      let byte = bytes[index]
      if byte != 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D, byte != 0xC2, byte != 0xA0 { count += 1 }
    }
    return count
  }

  /// Whether a text may hold a dated day, by its digits alone: a run of four (a year), or
  /// three runs joined by '.', '/' or '-' ("26.10.13"). Prices, counts, phone numbers and
  /// times are left unparsed.
  static func mayHoldDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var run = 0
    var joinedRuns = 0
    var previous: UInt8 = 0x20
    for byte in bytes {
      if DateParsing.isDigit(byte) {
        if run == 0 { joinedRuns = previous == UInt8(ascii: ".") || previous == UInt8(ascii: "/") || previous == UInt8(ascii: "-") ? joinedRuns + 1 : 1 }
        run += 1
        if joinedRuns >= 3 { return true }
      } else {
        if run == 4 { return true }
        if run > 0, byte != UInt8(ascii: "."), byte != UInt8(ascii: "/"), byte != UInt8(ascii: "-") { joinedRuns = 0 }
        run = 0
      }
      previous = byte
    }
    return run == 4
  }

  /// What a class or id value says about an element's date: words of a publication
  /// ("published", "pubdate", "posted", "entry-date", "post-date"), of a date ("date", "time",
  /// "datum", "fecha", "meta", "byline", "info", "created", Drupal's "submitted"), of a modification ("updated", "modified"), or of a
  /// comment thread. One pass over the bytes, ASCII case folded (this runs for every element
  /// with a class).
  static func classKind(_ value: String) -> ClassKind {
    var value = value
    return value.withUTF8 { bytes -> ClassKind in
      var published = false
      var date = false
      var modified = false
      func at(_ index: Int, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where DateParsing.lowerASCII(bytes[index + offset]) != word.utf8Start[offset] { return false }
        return true
      }
      // Every word has four letters or more, and its second letter (any case) is checked
      // before the word is compared.
      for index in bytes.indices {
        guard index + 4 <= bytes.count else { break }
        let second = bytes[index + 1] | 0x20
        switch bytes[index] | 0x20 {
        case UInt8(ascii: "p") where second == UInt8(ascii: "u") || second == UInt8(ascii: "o"):
          if at(index, "publish") || at(index, "publication") || at(index, "pubdate") || at(index, "posted") || at(index, "post-date") || at(index, "post_date")
            || at(index, "postdate")
          {
            published = true
          }
        case UInt8(ascii: "e") where second == UInt8(ascii: "n"): if at(index, "entry-date") || at(index, "entry_date") { published = true }
        case UInt8(ascii: "d") where second == UInt8(ascii: "a"): if at(index, "date") || at(index, "datum") { date = true }
        case UInt8(ascii: "s") where second == UInt8(ascii: "u"): if at(index, "submitted") { date = true }
        case UInt8(ascii: "i") where second == UInt8(ascii: "n"): if at(index, "info") { date = true }
        case UInt8(ascii: "f") where second == UInt8(ascii: "e"): if at(index, "fecha") { date = true }
        case UInt8(ascii: "t") where second == UInt8(ascii: "i"): if at(index, "time") { date = true }
        case UInt8(ascii: "m") where second == UInt8(ascii: "o") || second == UInt8(ascii: "e"):
          if at(index, "modif") { modified = true } else if at(index, "meta") { date = true }
        case UInt8(ascii: "b") where second == UInt8(ascii: "y"): if at(index, "byline") { date = true }
        // A byline often carries the date: "Author: X am 29.12.2010".
        case UInt8(ascii: "a") where second == UInt8(ascii: "r") || second == UInt8(ascii: "u"):
          if at(index, "article-date") || at(index, "article_date") { published = true } else if at(index, "author") { date = true }
        case UInt8(ascii: "u") where second == UInt8(ascii: "p"): if at(index, "updated") { modified = true }
        case UInt8(ascii: "c") where second == UInt8(ascii: "o") || second == UInt8(ascii: "r"):
          if at(index, "comment") { return .comments }
          if at(index, "created") { date = true }
        default: break
        }
      }
      if modified { return .modified }
      return published ? .published : date ? .date : .none
    }
  }
}
