/// The publication date of a page among the dates its lines print, in page order (header,
/// text, trailer; see `PageLines`), and which of those lines are datelines to remove.
///
/// * A date a publication label opens (`입력`, `등록`, `기사입력`, `승인`, … from the pack's
///   `published_labels`) comes first, wherever it stands; on a line that also prints a
///   modification date (`수정 …`), the labelled one is read, in either order; a line with a
///   modification date alone gives none.
/// * Then a date on a byline line.
/// * Then a line that is little more than a date (`2025.01.27 (금)`, `2025년 1월 25일`): in the
///   header only below the headline, in the trailer only beside a byline or at its top, in
///   the body only with a time. A time ranks it above a bare day.
/// * Never a date beside a widget's lines (the pack's `widget_rules`: weather, market
///   figures), above or below it: that is the day of the visit.
struct TextDateChoice {
  /// The best date so far and its rank (0: labelled; 1: a byline's, or alone with a time;
  /// 2: alone). The page and the rules are passed to each call: this is made per document,
  /// and holding them would copy the rules' dozen arrays and sets each time.
  private(set) var best: (priority: Int, date: FoundDate)?

  func choose() -> FoundDate? { best?.date }

  /// Reads line `index` of the page; true when it is one of the article's date lines.
  /// `titleIndex`: the headline's line; `bylines`: which lines are bylines.
  mutating func read(_ index: Int, page: PageLines, rules: MetadataRules, titleIndex: Int?, bylines: [Bool]) -> Bool {
    let text = page.lines[index].text
    let region = page.region(index)
    let byline = bylines[index]
    // In the body, a dateline is short (80 characters: 240 bytes of Hangul at most).
    let limit = region == .body && !byline ? 240 : 400
    guard text.utf8.count <= limit, Self.mayHoldYear(text) else { return false }
    if let rule = page.lines[index].rule, rule == "spam" || rules.widgetRules.contains(rule) { return false }
    if region == .body, !byline, text.scalarCount > 80 { return false }
    guard let found = Self.published(on: text, rules: rules) else { return false }
    if Self.isWidget(index, page: page, rules: rules) { return false }
    var priority = 0
    if !found.labelled {
      if byline {
        priority = 1
      } else {
        guard found.alone else { return false }
        switch region {
        case .header: if let titleIndex, index < titleIndex { return false }
        case .trailer: if !Self.nearByline(index, bylines), index - page.bodyEnd > 2 { return false }
        case .body: if found.date.hour == nil { return false }
        }
        priority = found.date.hour == nil ? 2 : 1
      }
    }
    if best.map({ priority < $0.priority }) ?? true { best = (priority, found.date) }
    return true
  }

  /// The line's publication date: the first one a publication label opens, else the first
  /// with no label (not a modification date). `alone`: little else on the line.
  static func published(on text: Substring, rules: MetadataRules) -> (date: FoundDate, labelled: Bool, alone: Bool)? {
    let string = String(text)
    let bytes = Array(string.utf8)
    var unlabelled: FoundDate?
    var previousEnd = 0
    var dateScalars = 0
    var modified = false
    for date in DateParsing.all(in: bytes, words: rules.dateWords, limit: 4) {
      let lead = String(decoding: bytes[previousEnd..<date.range.lowerBound], as: UTF8.self)
      previousEnd = date.range.upperBound
      dateScalars += String(decoding: bytes[date.range], as: UTF8.self).scalarCount
      if rules.publishedLabels.contains(where: { lead.has($0) }) { return (date, true, true) }
      if rules.modifiedLabels.contains(where: { lead.has($0) }) {
        modified = true
        continue
      }
      if unlabelled == nil { unlabelled = date }
    }
    guard let unlabelled else { return nil }
    // A modification date beside it adds its label's few letters.
    let rest = string.scalarCount - dateScalars
    return (unlabelled, false, rest <= (modified ? 20 : 12))
  }

  /// A widget's line, or a date next to one (over other date lines).
  static func isWidget(_ index: Int, page: PageLines, rules: MetadataRules) -> Bool {
    guard !rules.widgetRules.isEmpty else { return false }
    if let rule = page.lines[index].rule, rules.widgetRules.contains(rule) { return true }
    for step in [-1, 1] {
      var next = index + step
      while page.lines.indices.contains(next), isShortDate(page.lines[next].text, rules: rules) { next += step }
      if page.lines.indices.contains(next), let rule = page.lines[next].rule, rules.widgetRules.contains(rule) { return true }
    }
    return false
  }

  static func isShortDate(_ text: Substring, rules: MetadataRules) -> Bool {
    text.utf8.count <= 160 && mayHoldYear(text) && text.scalarCount <= 40 && DateParsing.first(in: String(text), words: rules.dateWords) != nil
  }

  /// Four ASCII digits in a row: every date read here starts with its year. A byte scan,
  /// before any string is made.
  static func mayHoldYear(_ text: Substring) -> Bool {
    func scan<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
      var run = 0
      for byte in bytes {
        if byte &- 0x30 < 10 {
          run += 1
          if run == 4 { return true }
        } else {
          run = 0
        }
      }
      return false
    }
    return text.utf8.withContiguousStorageIfAvailable { scan($0) } ?? scan(text.utf8)
  }

  static func nearByline(_ index: Int, _ bylines: [Bool]) -> Bool {
    (max(0, index - 2)...min(bylines.count - 1, index + 2)).contains { $0 != index && bylines[$0] }
  }
}

extension DateParsing {
  /// The dates in `bytes`, in order, at most `limit`.
  static func all(in bytes: [UInt8], words: DateWords, limit: Int) -> [FoundDate] {
    var found: [FoundDate] = []
    var index = 0
    while index + 4 <= bytes.count, found.count < limit {
      if isDigit(bytes[index]), index == 0 || !isDigit(bytes[index - 1]), let date = parse(bytes, at: index, words: words) {
        found.append(date)
        index = max(date.range.upperBound, index + 1)
        continue
      }
      index += 1
    }
    return found
  }
}
