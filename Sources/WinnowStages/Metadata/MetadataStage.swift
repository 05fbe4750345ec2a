import WinnowCore

/// Stage `metadata`: title, published date, authors and outlet from plain text (fields a
/// page's HTML metadata already gave are kept), and bylines and datelines out of the text.
///
/// It reads the text and the lines `boilerplate` removed: the page header (where the
/// headline, byline and date line sit), the trailer (a closing byline) and copyright lines.
/// * title: a headline-shaped line repeated on the page, else the first headline-shaped
///   header line (not a byline, date or rule-matched line); its copies leave the text;
/// * published: a labelled date (`입력 2025.01.23 14:05`; `수정` dates are skipped), else a
///   date on a byline line or a date line with a time; a date alone with no time at the
///   top of a page is the site's date widget, not the article's;
/// * authors: an inline prefix (`[뉴스스페이스=김정영 기자]`), else byline lines in header,
///   text, trailer, else a byline closing the last paragraph;
/// * outlet: an inline prefix's outlet, else the copyright line.
struct MetadataConfig: StageConfig {
  static let name = "metadata"
  static let summary = "title, published date, authors and outlet from text; bylines and datelines removed from the text"
  static let options: [OptionSpec] = [
    OptionSpec("rules", .path, default: .string(""), "rule pack with a 'metadata' section (byline titles, date labels); empty: machine date formats only"),
    OptionSpec("min_title_chars", .int(1...1000), default: .int(10), "shortest headline, in characters"),
    OptionSpec("max_title_chars", .int(1...10_000), default: .int(200), "longest headline, in characters"),
    OptionSpec("remove_bylines", .bool, default: .bool(true), "remove byline and dateline lines and inline byline prefixes from the text"),
  ]

  let rulesPath: String
  let minTitle: Int
  let maxTitle: Int
  let removeBylines: Bool

  init(options: StageOptions) throws(OptionError) {
    rulesPath = options.string("rules")
    minTitle = options.int("min_title_chars")
    maxTitle = options.int("max_title_chars")
    removeBylines = options.bool("remove_bylines")
    if minTitle > maxTitle { throw OptionError(option: "min_title_chars", "min_title_chars (\(minTitle)) is above max_title_chars (\(maxTitle))") }
  }

  func build(_ context: StageContext) throws(OptionError) -> any DocumentStage {
    var pack: RulePack?
    if !rulesPath.isEmpty {
      pack = try RulePack.load(context.resolve(rulesPath), option: "rules")
      if pack?.metadata == nil { throw OptionError(option: "rules", "rule pack '\(rulesPath)' has no 'metadata' section") }
    }
    return MetadataStage(rules: pack?.metadata ?? MetadataRules(), shape: pack?.body ?? BodyShape(),
                         minTitle: minTitle, maxTitle: maxTitle, removeBylines: removeBylines)
  }
}

struct MetadataStage: DocumentStage {
  let rules: MetadataRules
  let shape: BodyShape
  let minTitle: Int
  let maxTitle: Int
  let removeBylines: Bool
  let parser: BylineParser

  init(rules: MetadataRules, shape: BodyShape, minTitle: Int, maxTitle: Int, removeBylines: Bool) {
    self.rules = rules
    self.shape = shape
    self.minTitle = minTitle
    self.maxTitle = maxTitle
    self.removeBylines = removeBylines
    parser = BylineParser(rules: rules)
  }

  func process(_ document: inout Document) -> Verdict {
    guard let text = document.text else { return .keep }
    // Nothing to find and nothing to remove: every field is known and the rules name no
    // byline words (the language-general pipeline on a page with full metadata).
    let meta = document.meta
    if rules.bylineTitles.isEmpty, meta.title != nil, meta.published != nil, !meta.authors.isEmpty, meta.outlet != nil {
      return removeTitleLines(&document, text)
    }
    var lines = text.lines.map { $0.trimmingSpaces }.filter { !$0.isEmpty }
    let removed = document.removed.filter { $0.zone != .tail }
    let header = removed.filter { $0.zone == .header }
    let trailer = removed.filter { $0.zone == .trailer }
    var drop = Set<Int>()

    // Title.
    if document.meta.title == nil, let title = findTitle(header: header, removed: removed, lines: lines) {
      document.meta.title = title
    }
    if let title = document.meta.title {
      for index in lines.indices where lines[index].sameText(title) {
        drop.insert(index)
        document.removed.append(RemovedLine(stage: "metadata", rule: "headline", text: title, zone: .body))
      }
    }

    // Authors and outlet from an inline prefix of the first paragraphs.
    var prefixNames: [String] = []
    var bareOutlet: String?
    for index in lines.indices.prefix(3) where !drop.contains(index) {
      guard let prefix = parser.inlinePrefix(lines[index]) else { continue }
      prefixNames = prefix.names
      if document.meta.outlet == nil, let outlet = prefix.outlet {
        if prefix.bareOutlet { bareOutlet = outlet } else { document.meta.outlet = outlet }
      }
      if removeBylines {
        let cut = String(lines[index].unicodeScalars.prefix(prefix.length))
        document.removed.append(RemovedLine(stage: "metadata", rule: "byline_prefix", text: cut, zone: .body))
        lines[index] = Substring(lines[index].unicodeScalars.dropFirst(prefix.length)).trimmingSpaces
        if lines[index].isEmpty { drop.insert(index) }
      }
      break
    }

    // Byline and date lines in the text.
    var textBylines: [String] = []
    var datelines: [(priority: Int, date: FoundDate)] = []
    for index in lines.indices where !drop.contains(index) {
      let line = lines[index]
      if let names = parser.bylineLine(line) {
        textBylines.append(contentsOf: names.filter { !textBylines.contains($0) })
        if let date = dateOnLine(line, byline: true) { datelines.append(date) }
        if removeBylines { drop.insert(index); document.removed.append(RemovedLine(stage: "metadata", rule: "byline", text: String(line), zone: .body)) }
      } else if line.scalarCount <= 80, let date = dateOnLine(line, byline: false) {
        datelines.append(date)
        if removeBylines { drop.insert(index); document.removed.append(RemovedLine(stage: "metadata", rule: "dateline", text: String(line), zone: .body)) }
      }
    }
    // A byline closing the last paragraph.
    var closingNames: [String] = []
    if let last = lines.indices.last(where: { !drop.contains($0) }), let closing = parser.trailingByline(lines[last]) {
      closingNames = closing.names
      if removeBylines {
        let keep = lines[last].scalarCount - closing.length
        document.removed.append(RemovedLine(stage: "metadata", rule: "byline_suffix", text: String(lines[last].unicodeScalars.dropFirst(keep)), zone: .body))
        lines[last] = Substring(lines[last].unicodeScalars.prefix(keep)).trimmingSpaces
      }
    }

    // Header and trailer lines.
    var headerNames: [String] = []
    var trailerNames: [String] = []
    for line in header {
      let value = line.text[...]
      if let names = parser.bylineLine(value) {
        headerNames.append(contentsOf: names.filter { !headerNames.contains($0) })
        if let date = dateOnLine(value, byline: true) { datelines.append(date) }
      } else if value.scalarCount <= 80, let date = dateOnLine(value, byline: false) {
        datelines.append(date)
      }
    }
    for line in trailer where line.rule != "spam" {
      if let names = parser.bylineLine(line.text[...]) { trailerNames.append(contentsOf: names.filter { !trailerNames.contains($0) }) }
    }
    if document.meta.authors.isEmpty {
      for candidate in [prefixNames, headerNames, textBylines, trailerNames, closingNames] where !candidate.isEmpty {
        document.meta.authors = candidate
        break
      }
    }
    if document.meta.published == nil, let best = datelines.min(by: { $0.priority < $1.priority }) {
      document.meta.published = best.date.iso(defaultZone: rules.dateWords.defaultZone)
    }
    if document.meta.outlet == nil {
      // The rule pack's copyright lines first, then any removed line that names a copyright.
      for line in document.removed where line.rule == "copyright" {
        if let outlet = parser.copyrightOutlet(line.text[...]) { document.meta.outlet = outlet; break }
      }
      if document.meta.outlet == nil {
        for line in document.removed where line.text.utf8.count <= 600 && rules.copyrightMatcher.occurs(in: line.text) {
          if let outlet = parser.copyrightOutlet(line.text[...]) { document.meta.outlet = outlet; break }
        }
      }
    }
    if document.meta.outlet == nil {
      for index in lines.indices.reversed() where !drop.contains(index) && lines[index].scalarCount <= 120 {
        if rules.copyrightMatcher.occurs(in: lines[index]), let outlet = parser.copyrightOutlet(lines[index]) {
          document.meta.outlet = outlet
          break
        }
      }
    }

    // A bare "[WORD]" tag names the outlet only when no copyright line did.
    if document.meta.outlet == nil { document.meta.outlet = bareOutlet }
    if drop.isEmpty && lines.count == 0 { return .keep }
    let kept = lines.indices.filter { !drop.contains($0) }.map { lines[$0] }
    document.text = kept.joined(separator: "\n\n")
    if kept.isEmpty { return .drop("empty", detail: "nothing left after removing headline and bylines") }
    return .keep
  }

  /// Only the headline's copies leave the text.
  func removeTitleLines(_ document: inout Document, _ text: String) -> Verdict {
    guard let title = document.meta.title, text.has(title) else { return .keep }
    let lines = text.lines
    let kept = lines.filter { $0.trimmingSpaces != title[...] }
    if kept.count == lines.count { return .keep }
    document.removed.append(RemovedLine(stage: "metadata", rule: "headline", text: title, zone: .body))
    document.text = kept.joined(separator: "\n\n")
    return kept.isEmpty ? .drop("empty", detail: "nothing left after removing headline and bylines") : .keep
  }

  /// Priority 0: labelled publication date; 1: date on a byline or with a time; nil for a
  /// modified date or a bare date (a widget).
  func dateOnLine(_ line: Substring, byline: Bool) -> (priority: Int, date: FoundDate)? {
    // Every date DateParsing finds starts with a four-digit year.
    guard line.hasASCIIDigit else { return nil }
    let text = String(line)
    guard let date = DateParsing.first(in: text, words: rules.dateWords) else { return nil }
    let before = text.utf8.prefix(date.range.lowerBound)
    let lead = String(decoding: before, as: UTF8.self)
    if rules.modifiedLabels.contains(where: { lead.has($0) }) && !rules.publishedLabels.contains(where: { lead.has($0) }) {
      // "수정 …" alone: look for a published date after it is not worth it; skip.
      return nil
    }
    if rules.publishedLabels.contains(where: { lead.has($0) }) { return (0, date) }
    // Without a label the line must be little more than the date.
    let bytes = Array(text.utf8)
    let rest = text.scalarCount - String(decoding: bytes[date.range], as: UTF8.self).scalarCount
    if byline { return (1, date) }
    if date.hour != nil, rest <= 12 { return (1, date) }
    return nil
  }

  func findTitle(header: [RemovedLine], removed: [RemovedLine], lines: [Substring]) -> String? {
    func headlineShaped(_ text: String) -> Bool {
      let count = text.scalarCount
      guard count >= minTitle, count <= maxTitle else { return false }
      if parser.bylineLine(text[...]) != nil { return false }
      if DateParsing.first(in: text, words: rules.dateWords) != nil, count <= 40 { return false }
      if text.has(" | ") || text.has(" > ") { return false }  // section labels and breadcrumbs
      return text.unicodeScalars.contains { $0.properties.isAlphabetic }
    }
    // A line the page repeats.
    for line in removed where line.rule == "repeated" && headlineShaped(line.text) {
      return line.text
    }
    for line in header where (line.rule == "before_body" || line.rule == "corpus_recurring") && headlineShaped(line.text) && !shape.isBodyStart(line.text, chars: line.text.scalarCount) {
      return line.text
    }
    return nil
  }
}
