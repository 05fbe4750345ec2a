import WinnowCore

/// Stage `spam`: gambling, adult, loan and link-farm spam, from a keyword pack
/// (`pipelines/rules/spam-ko.yaml`). A line is spam when it has `line_min_keywords` keyword
/// hits, or one hit and is short and not prose (brand lists, "골드시티카지노"), or is mostly
/// URLs. Spam lines are removed; a document whose lines (counting the page chrome that
/// `boilerplate` removed, but not other pages' content after a tail marker) are mostly spam
/// is dropped with reason `spam`.
struct SpamConfig: StageConfig {
  static let name = "spam"
  static let summary = "remove spam lines (keyword packs, URL density); drop documents that are mostly spam"
  static let reasons: [DropReason] = [
    DropReason("spam", "spam lines are over `max_spam_share` of the page's characters, or keywords are all over and less than half the text is left without them (detail: share and keyword hits)"),
  ]
  static let options: [OptionSpec] = [
    OptionSpec("rules", .path, default: .string(""), "rule pack with a 'spam' section (keywords); required"),
    OptionSpec("max_spam_share", .double(0...1), default: .double(0.3),
               "drop the document when spam lines are more than this share of its characters"),
    OptionSpec("max_url_share", .double(0...1), default: .double(0.5),
               "a line whose characters are more than this share URLs is link-farm spam"),
    OptionSpec("min_keyword_documents", .int(1...Int.max), default: .int(3),
               "a document with this many keyword hits in all is spam whatever the share"),
  ]

  let rulesPath: String
  let maxSpamShare: Double
  let maxURLShare: Double
  let minKeywordDocument: Int

  init(options: StageOptions) throws(OptionError) {
    rulesPath = options.string("rules")
    if rulesPath.isEmpty { throw OptionError(option: "rules", "'rules' is required: a rule pack such as rules/spam-ko.yaml") }
    maxSpamShare = options.double("max_spam_share")
    maxURLShare = options.double("max_url_share")
    minKeywordDocument = options.int("min_keyword_documents")
  }

  func build(_ context: StageContext) throws(OptionError) -> any DocumentStage {
    let path = context.resolve(rulesPath)
    let pack = try RulePack.load(path, option: "rules")
    guard let spam = pack.spam, !spam.keywords.isEmpty else {
      throw OptionError(option: "rules", "rule pack '\(rulesPath)' has no 'spam' section with keywords")
    }
    // One matcher per pack and process, however many stages use it.
    let keywords = try Self.matchers.value(path: path, option: "rules") { KeywordMatcher(spam.keywords) }
    return SpamStage(rules: spam, shape: pack.body, maxSpamShare: maxSpamShare, maxURLShare: maxURLShare,
                     minKeywordDocument: minKeywordDocument, keywords: keywords)
  }

  private static let matchers = RuleFileCache<KeywordMatcher>()
}

struct SpamStage: DocumentStage {
  let rules: SpamRules
  let shape: BodyShape
  let maxSpamShare: Double
  let maxURLShare: Double
  let minKeywordDocument: Int
  let keywords: KeywordMatcher

  func hits(_ line: Substring) -> (occurrences: Int, distinct: Int) { keywords.counts(in: line) }

  static func urlShare(_ line: Substring) -> Double {
    guard line.has("http") || line.has("www.") else { return 0 }
    var urlChars = 0
    for word in line.split(separator: " ") where word.hasPrefix("http://") || word.hasPrefix("https://") || word.hasPrefix("www.") {
      urlChars += word.scalarCount
    }
    return Double(urlChars) / Double(max(1, line.scalarCount))
  }

  enum Kind { case none, keyword, links }

  /// A line is spam with `lineMinKeywords` different keywords (one word repeated is news
  /// about it: "카지노 매출 … 카지노 입장객"), or one keyword on a short non-prose line.
  func classify(_ line: Substring, chars: Int) -> (Kind, hits: Int) {
    let (count, distinct) = hits(line)
    if distinct >= rules.lineMinKeywords { return (.keyword, count) }
    if count >= 1, chars <= rules.shortLineChars, !shape.isBody(String(line), chars: chars) { return (.keyword, count) }
    if chars >= 20, Self.urlShare(line) > maxURLShare { return (.links, count) }
    return (.none, count)
  }

  func process(_ document: inout Document) -> Verdict {
    guard let text = document.text else { return .keep }
    let lines = text.lines
    var kept: [Substring] = []
    var spamChars = 0
    var totalChars = 0
    var totalHits = 0
    var removedLines = 0
    var keptChars = 0
    for line in lines {
      let chars = line.scalarCount
      totalChars += chars
      let (kind, count) = classify(line, chars: chars)
      totalHits += count
      if kind == .none {
        kept.append(line)
        keptChars += chars
      } else {
        spamChars += chars
        removedLines += 1
        document.removed.append(RemovedLine(stage: "spam", rule: kind == .links ? "link_farm" : "keywords", text: String(line), zone: .body))
      }
    }
    let textChars = totalChars
    // Page chrome counts too: a spam page's casino menu is spam evidence.
    for index in document.removed.indices where document.removed[index].stage != "spam" && document.removed[index].zone != .tail {
      let line = document.removed[index]
      let chars = line.text.scalarCount
      totalChars += chars
      let (kind, count) = classify(line.text[...], chars: chars)
      totalHits += count
      if kind != .none {
        spamChars += chars
        // Named as spam, so no later stage takes it for a headline or byline.
        document.removed[index].rule = "spam"
      }
    }
    document.count("spam_lines", removedLines)
    let share = Double(spamChars) / Double(max(1, totalChars))
    // Mostly spam: by share of the whole page, or keywords all over and less than half of
    // the text left once spam lines are out.
    if share > maxSpamShare || (totalHits >= minKeywordDocument && Double(keptChars) < Double(textChars) * 0.5) {
      return .drop("spam", detail: "spam is \(Int((share * 100).rounded()))% of the page's characters, \(totalHits) keyword hits")
    }
    if removedLines > 0 {
      document.text = kept.joined(separator: "\n\n")
      if kept.isEmpty { return .drop("spam", detail: "every line was spam") }
    }
    return .keep
  }
}

