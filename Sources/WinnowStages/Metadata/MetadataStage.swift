import WinnowCore

/// Stage `metadata`: title, published date, authors and outlet from plain text (fields a
/// page's HTML metadata already gave are kept), and bylines and datelines out of the text.
///
/// It reads the page whatever ran before it (`PageLines`): the lines `boilerplate` removed
/// are on the document with their rule and zone (header: the headline, byline and date
/// lines; trailer: a closing byline, copyright), and it reads them around the text; run
/// before `boilerplate`, it finds the same lines in the text and names widgets and menus
/// among them with the rule pack's `lines` rules. Only `boilerplate`'s corpus pass (lines on
/// most of a site's pages) is not there in that order.
/// * title: `TextTitleChoice` (a repeated headline, else the first header line left once
///   chrome, site-wide lines, section and menu lines, bylines and dates are ruled out); its
///   copies leave the text;
/// * published: `TextDateChoice` (a labelled date, `수정` dates skipped; a byline's date; a
///   date alone below the headline or beside a closing byline; never a widget's);
/// * authors: an inline prefix (`[뉴스스페이스=김정영 기자]`), else byline lines in header,
///   text, trailer, else a byline closing the last paragraph;
/// * outlet: an inline prefix's outlet, else the copyright line.
struct MetadataConfig: StageConfig {
  static let name = "metadata"
  static let summary = "title, published date, authors and outlet from text; bylines and datelines removed from the text. Reads the lines 'boilerplate' removed from its records (rule and zone), so the two may run in either order"
  static let reasons: [DropReason] = [
    DropReason("empty", "nothing left once the headline and bylines are out"),
  ]
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
    var lineRules: (set: LineRuleSet, names: [String])?
    if !rulesPath.isEmpty {
      let path = context.resolve(rulesPath)
      let loaded = try RulePack.load(path, option: "rules")
      if loaded.metadata == nil { throw OptionError(option: "rules", "rule pack '\(rulesPath)' has no 'metadata' section") }
      pack = loaded
      if !loaded.lines.isEmpty {
        let sets = try BoilerplateConfig.lineSets.value(path: path, option: "rules") { (LineRuleSet(loaded.lines), LineRuleSet(loaded.tail)) }
        lineRules = (sets.lines, loaded.lines.map(\.name))
      }
    }
    return MetadataStage(rules: pack?.metadata ?? MetadataRules(), shape: pack?.body ?? BodyShape(),
                         minTitle: minTitle, maxTitle: maxTitle, removeBylines: removeBylines, lineRules: lineRules)
  }
}

struct MetadataStage: DocumentStage {
  let rules: MetadataRules
  let shape: BodyShape
  let minTitle: Int
  let maxTitle: Int
  let removeBylines: Bool
  let parser: BylineParser
  /// The pack's `lines` rules and their names, for lines around the body no stage has
  /// classified yet (`metadata` run before `boilerplate`).
  let lineRules: (set: LineRuleSet, names: [String])?

  init(rules: MetadataRules, shape: BodyShape, minTitle: Int, maxTitle: Int, removeBylines: Bool,
       lineRules: (set: LineRuleSet, names: [String])? = nil) {
    self.rules = rules
    self.shape = shape
    self.minTitle = minTitle
    self.maxTitle = maxTitle
    self.removeBylines = removeBylines
    self.lineRules = lineRules
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
    let page = PageLines(text: lines, removed: document.removed, shape: shape, lineRules: lineRules?.set, ruleNames: lineRules?.names ?? [])
    var drop = Set<Int>()

    // Byline lines, once for the title's choice and the authors.
    var bylines = [Bool](repeating: false, count: page.lines.count)
    var bylineNames: [(index: Int, names: [String])] = []
    for index in page.lines.indices {
      guard page.lines[index].rule != "spam", let names = parser.bylineLine(page.lines[index].text) else { continue }
      bylines[index] = true
      bylineNames.append((index, names))
    }

    // Title.
    var titleIndex: Int?
    if document.meta.title == nil, let found = chooseTitle(page, removed: document.removed, bylines: bylines) {
      document.meta.title = found.title
      titleIndex = found.index
    }
    if let title = document.meta.title {
      if titleIndex == nil { titleIndex = page.lines.firstIndex { $0.text.sameText(title) } }
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

    // Byline and date lines, in page order: header, text, trailer.
    var headerNames: [String] = []
    var textNames: [String] = []
    var trailerNames: [String] = []
    for (index, names) in bylineNames {
      if let textIndex = page.lines[index].textIndex, drop.contains(textIndex) { continue }
      switch page.region(index) {
      case .header: headerNames.append(contentsOf: names.filter { !headerNames.contains($0) })
      case .body: textNames.append(contentsOf: names.filter { !textNames.contains($0) })
      case .trailer: trailerNames.append(contentsOf: names.filter { !trailerNames.contains($0) })
      }
    }
    var dates = TextDateChoice()
    for index in page.lines.indices {
      let textIndex = page.lines[index].textIndex
      if let textIndex, drop.contains(textIndex) { continue }
      let isDateLine = dates.read(index, page: page, rules: rules, titleIndex: titleIndex, bylines: bylines)
      guard removeBylines, let textIndex, bylines[index] || isDateLine else { continue }
      drop.insert(textIndex)
      document.removed.append(RemovedLine(stage: "metadata", rule: bylines[index] ? "byline" : "dateline", text: String(page.lines[index].text), zone: .body))
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
    if document.meta.authors.isEmpty {
      for candidate in [prefixNames, headerNames, textNames, trailerNames, closingNames] where !candidate.isEmpty {
        document.meta.authors = candidate
        break
      }
    }
    if document.meta.published == nil, let best = dates.choose() {
      document.meta.published = best.iso(defaultZone: rules.dateWords.defaultZone)
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

}
