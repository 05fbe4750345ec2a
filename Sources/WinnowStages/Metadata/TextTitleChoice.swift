import WinnowCore

/// The headline of a plain-text page, scored among the header's lines rather than taken as
/// the first one shaped like a headline:
/// * a headline-shaped line the page repeats (above its photos) wins;
/// * never a headline: a line some rule claimed (widgets, menus, share bars, spam, lines on
///   most of the site's pages, learned by `boilerplate`'s corpus pass: `corpus_repeated`), a
///   menu or section line (`isSectionLine`), a byline or date line, a breadcrumb, a line
///   shorter or longer than `min_title_chars`/`max_title_chars`;
/// * of the lines left, the headline is the first: it stands above its deck lines and the
///   byline/dateline block, below the site's menus and section labels, which the rules above
///   rule out whether they come before or after it; a first line shaped like a label (one
///   or two words, letters only: a section the pack does not list) gives way to a longer one.
extension MetadataStage {
  /// Rules that do not rule a line out as the headline: the body span's, the page's own
  /// repetitions (a headline printed again above a photo), and lines on some of the site's
  /// pages but not most (an article's headline is in its neighbours' related lists).
  static let headlineRules: Set<String> = ["before_body", "repeated", "corpus_recurring"]

  /// `bylines`: which of the page's lines are byline lines.
  func chooseTitle(_ page: PageLines, removed: [RemovedLine], bylines: [Bool]) -> (title: String, index: Int?)? {
    // A line the page repeats.
    for line in removed where line.zone != .tail && line.rule == "repeated" && headlineShaped(line.text[...], byline: nil) {
      return (line.text, page.lines.firstIndex { $0.rule == "repeated" && $0.text.sameText(line.text) })
    }
    let header = 0..<min(page.bodyStart, page.lines.count)
    guard !header.isEmpty else { return nil }
    var first: Int?
    for index in header {
      let line = page.lines[index]
      // The byline/dateline block below the headline ends the search (a widget's date does not).
      if first != nil, bylines[index] || !rules.widgetRules.contains(line.rule ?? "") && isDate(line.text) { break }
      if let rule = line.rule, !Self.headlineRules.contains(rule) { continue }
      guard !bylines[index], headlineShaped(line.text, byline: false) else { continue }
      guard let chosen = first else {
        first = index
        continue
      }
      // A first line shaped like a label (a section name the pack does not list) gives way
      // to a longer line below it.
      if isLabelShaped(page.lines[chosen].text), line.text.scalarCount > page.lines[chosen].text.scalarCount { first = index }
      break
    }
    return first.map { (String(page.lines[$0].text), $0) }
  }

  /// Short, one or two words, letters only (no punctuation, digits or quotes): "커버스토리
  /// 반도체·디스플레이", a section label rather than a headline.
  func isLabelShaped(_ text: Substring) -> Bool {
    guard text.scalarCount <= 16 else { return false }
    let words = text.unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\u{A0}" })
    return words.count <= 2 && words.allSatisfy { $0.allSatisfy { $0.properties.isAlphabetic || $0 == "·" || $0 == "ㆍ" } }
  }

  /// `byline`: whether the line is a byline, when known (nil: it is parsed).
  func headlineShaped(_ text: Substring, byline: Bool?) -> Bool {
    let count = text.scalarCount
    guard count >= minTitle, count <= maxTitle else { return false }
    if text.has(" | ") || text.has(" > ") { return false }  // section labels and breadcrumbs
    if byline ?? (parser.bylineLine(text) != nil) { return false }
    if isDate(text) { return false }
    if isSectionLine(text) { return false }
    return text.unicodeScalars.contains { $0.properties.isAlphabetic }
  }

  /// A line mostly made of dates ("입력 2025.01.27 14:05 | 수정 …").
  func isDate(_ text: Substring) -> Bool {
    guard text.utf8.count <= 480, TextDateChoice.mayHoldYear(text) else { return false }
    let count = text.scalarCount
    guard count <= 120 else { return false }
    let bytes = Array(text.utf8)
    let dates = DateParsing.all(in: bytes, words: rules.dateWords, limit: 4)
    let dateScalars = dates.reduce(0) { $0 + String(decoding: bytes[$1.range], as: UTF8.self).scalarCount }
    return !dates.isEmpty && (count <= 40 || dateScalars * 2 >= count)
  }

  /// No ASCII digit or punctuation (but the separators '|', '>', '/') and no general
  /// punctuation (U+2000–U+203F: quotes, '…'): a byte scan before words are split.
  static func mayBeWords(_ text: Substring) -> Bool {
    let scan: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes in
      var index = 0
      while index < bytes.count {
        let byte = bytes[index]
        if byte < 0x80 {
          let letter = (byte | 0x20) &- 0x61 < 26
          if !(letter || byte == 0x20 || byte == UInt8(ascii: "|") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/")) { return false }
        } else if byte == 0xE2, index + 1 < bytes.count, bytes[index + 1] == 0x80 {
          return false
        }
        index += 1
      }
      return true
    }
    return scan ?? true
  }

  /// A line of the site's navigation: words only (no punctuation, digits or quotes), at
  /// least half of them the pack's section names ("경제 IT·과학 국제", "기업과산업  지방자치",
  /// "사회 글로벌 커버스토리 지역"), a name counting when it is one or each of its '·' parts is.
  /// Menus hold names no pack lists; headlines hold punctuation or few such names.
  func isSectionLine(_ text: Substring) -> Bool {
    guard !rules.sectionHashes.isEmpty, text.utf8.count <= 180, Self.mayBeWords(text) else { return false }
    var words = 0
    var names = 0
    // By scalars: splitting by Characters breaks graphemes, which costs more than the rest.
    for word in text.unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\u{A0}" || $0 == "|" || $0 == ">" || $0 == "/" }) {
      guard word.allSatisfy({ $0.properties.isAlphabetic || $0 == "·" || $0 == "ㆍ" }) else { return false }
      words += 1
      if rules.sectionHashes.contains(Substring(word).byteHash()) {
        names += 1
      } else {
        let parts = word.split(whereSeparator: { $0 == "·" || $0 == "ㆍ" })
        if parts.count > 1, parts.allSatisfy({ rules.sectionHashes.contains(Substring($0).byteHash()) }) { names += 1 }
      }
    }
    return names > 0 && names * 2 >= words
  }
}
