import Foundation
import WinnowCore
import WinnowNative
import Yams

/// A line matcher from a rule pack: literal lists (fast) and an optional ICU regular
/// expression, gated by line length so long paragraphs never reach a regex meant for
/// widgets. A class: rule lists are walked for every line, and copying a struct of arrays
/// and sets cost a retain and release per field per rule per line. Only the loader sets
/// its fields, before the rule is shared.
final class LineRule: @unchecked Sendable {
  init(name: String) { self.name = name }

  var name: String
  var exact: Set<String> = [] {
    didSet { exactHashes = Set(exact.map { $0.byteHash() }) }
  }
  /// Byte hashes of `exact` (`byteHash`; Swift's String hashing normalizes first, which is slow).
  var exactHashes: Set<UInt64> = []
  var prefixes: [String] = []
  var suffixes: [String] = []
  var contains: [String] = [] {
    didSet { containsMatcher = KeywordMatcher(contains) }
  }
  /// `contains` as one multi-word matcher (ASCII case-insensitive).
  var containsMatcher = KeywordMatcher([])
  var regex: ICURegex?
  /// The rule applies only to lines of at most this many characters (0: any length).
  var maxChars = 0
  /// The rule applies only to lines of at least this many characters.
  var minChars = 0
  /// The regex runs only on lines that contain one of these (a cheap byte search first).
  var requires: [String] = []
  /// Applies only to lines before the body's start or after its end (menus look like short
  /// sub-headings, which stay inside a body).
  var outsideBody = false

  /// Whether the line's UTF-8 starts with one of `prefixes` or ends with one of `suffixes`,
  /// byte for byte (no Unicode equivalence: the rule's own bytes).
  func affixMatch(_ line: String) -> Bool {
    if prefixes.isEmpty && suffixes.isEmpty { return false }
    var line = line
    return line.withUTF8 { bytes in
      func has(_ affix: String, atEnd: Bool) -> Bool {
        var affix = affix
        return affix.withUTF8 { affix in
          guard affix.count <= bytes.count else { return false }
          guard let base = bytes.baseAddress, let other = affix.baseAddress else { return affix.isEmpty }
          return memcmp(atEnd ? base + (bytes.count - affix.count) : base, other, affix.count) == 0
        }
      }
      return prefixes.contains { has($0, atEnd: false) } || suffixes.contains { has($0, atEnd: true) }
    }
  }

  func matches(_ line: String, chars: Int, hash: UInt64? = nil) -> Bool {
    if maxChars > 0, chars > maxChars { return false }
    if chars < minChars { return false }
    if !exactHashes.isEmpty, exactHashes.contains(hash ?? line.byteHash()), exact.contains(line) { return true }
    if affixMatch(line) { return true }
    if !containsMatcher.isEmpty, containsMatcher.occurs(in: line) { return true }
    if let regex {
      if !requires.isEmpty, !requires.contains(where: { line.has($0) }) { return false }
      if regex.matches(line) { return true }
    }
    return false
  }
}

/// What a line of prose looks like in a language: long enough and ending like a sentence.
/// Character lists are arrays: a dozen comparisons cost less than hashing a scalar.
struct BodyShape: Sendable {
  var minChars = 30
  /// Last characters (after closing quotes and brackets) that end a sentence.
  var endings: [Unicode.Scalar] = [".", "!", "?", "。", "！", "？"]
  /// Endings of the first body paragraph: stricter, because headlines end in '?', '!' or a
  /// bare verb but almost never in a full stop.
  var startEndings: [Unicode.Scalar] = [".", "。"]
  /// Closing characters skipped before looking at the ending.
  var closers: [Unicode.Scalar] = ["\"", "'", "”", "’", ")", "）", "」", "』", "]", "»", "〉", "》"]
  /// A paragraph may end with a short tail after its last sentence (a byline, "… 했다. 홍길동
  /// 기자"): an ending this many characters from the end still counts.
  var tailAllowance = 12

  func isBody(_ line: String, chars: Int) -> Bool { ending(line, chars: chars, endings, allowTail: true) }

  func isBodyStart(_ line: String, chars: Int) -> Bool { ending(line, chars: chars, startEndings, allowTail: false) }

  private func ending(_ line: String, chars: Int, _ accepted: [Unicode.Scalar], allowTail: Bool) -> Bool {
    guard chars >= minChars else { return false }
    let scalars = line.unicodeScalars
    var index = scalars.endIndex
    var seen = 0
    var sawSpace = false
    while index > scalars.startIndex {
      index = scalars.index(before: index)
      let character = scalars[index]
      if closers.contains(character) { continue }
      if character == " " { sawSpace = true; seen += 1; continue }
      if accepted.contains(character) { return seen == 0 || sawSpace }
      seen += 1
      if !allowTail || seen > tailAllowance { return false }
    }
    return false
  }
}

/// Spam vocabulary: a line with `lineMinKeywords` keyword hits, or a short non-prose line with
/// one, is spam.
struct SpamRules: Sendable {
  var keywords: [String] = []
  var lineMinKeywords = 2
  var shortLineChars = 40
}

/// A language's words for bylines, date labels and copyright lines.
struct MetadataRules: Sendable {
  var bylineTitles: [String] = [] {
    didSet { titleMatcher = KeywordMatcher(bylineTitles) }
  }
  var titleMatcher = KeywordMatcher([])
  var publishedLabels: [String] = [] {
    didSet {
      publishedMatcher = KeywordMatcher(publishedLabels)
      lowerPublishedLabels = publishedLabels.map { $0.lowercased() }
    }
  }
  /// `publishedLabels` as one matcher: whether a long text holds a label at all.
  var publishedMatcher = KeywordMatcher([])
  var modifiedLabels: [String] = [] {
    didSet { lowerModifiedLabels = modifiedLabels.map { $0.lowercased() } }
  }
  /// The labels lowercased once, for texts lowercased to be compared with them.
  private(set) var lowerPublishedLabels: [String] = []
  private(set) var lowerModifiedLabels: [String] = []
  var copyrightMarkers: [String] = ["Copyright", "copyright", "COPYRIGHT", "ⓒ", "©", "(c)", "(C)"] {
    didSet { copyrightMatcher = KeywordMatcher(copyrightMarkers) }
  }
  var copyrightMatcher = KeywordMatcher(["copyright", "ⓒ", "©", "(c)"])
  /// Words before a name in a credit line ("글: 홍길동 기자").
  var creditPrefixes: [String] = []
  /// Bracketed tags that open a paragraph but name no outlet ("[앵커]", "[속보]").
  var nonOutletTags: Set<String> = []
  /// Words before an author's name in a page's byline element ("By", "Von", "View all posts
  /// by"), longest first; compared without ASCII case.
  var bylinePrefixes: [String] = []
  /// Words that end the name in a byline element ("X am Samstag", "X on Monday").
  var bylineStops: Set<String> = []
  /// Lowercase words inside names ("van", "de"): a name read from running text is otherwise
  /// capitalised word by word.
  var nameParticles: Set<String> = []
  /// Words a byline element may hold without any name ("Posted", "By", "Veröffentlicht"):
  /// the prefixes' first words and the date labels, lowercased. Set by the loader.
  var bylineLabels: Set<String> = []
  /// Section and menu names ("경제", "IT·과학"): a header line made only of them is the site's
  /// navigation, never a headline.
  var sectionNames: Set<String> = [] {
    didSet { sectionHashes = Set(sectionNames.map { $0.byteHash() }) }
  }
  /// Byte hashes of `sectionNames` (String's hashing normalizes, which is slow for Hangul).
  var sectionHashes: Set<UInt64> = []
  /// Names of the pack's `lines` rules whose lines are widgets (weather, market figures, a
  /// clock): a date beside them is the day of the visit, not of the article.
  var widgetRules: Set<String> = []
  var dateWords = DateWords()
}

/// A rule pack file (`pipelines/rules/*.yaml`), loaded once with every error collected and
/// reported as `file:line:col: [key.path] message`.
struct RulePack: Sendable {
  var path: String
  var body = BodyShape()
  var lines: [LineRule] = []
  /// Markers after which the rest of the page is other content.
  var tail: [LineRule] = []
  /// Start markers of blocks dropped up to (and including) their end marker.
  var blocks: [(name: String, start: LineRule, end: LineRule)] = []
  /// Drop a short non-prose line that occurs more than once in a page (repeated headlines,
  /// site names); 0 turns it off.
  var repeatedMaxChars = 0
  var spam: SpamRules?
  var metadata: MetadataRules?

  static let topKeys = ["version", "language", "description", "body", "lines", "tail", "blocks", "repeated", "spam", "metadata"]

  /// Loads `path` once per process (see `RuleFileCache`): stages that share a pack share it.
  static func load(_ path: String, option: String) throws(OptionError) -> RulePack {
    try cache.value(path: path, option: option) { () throws(OptionError) in try read(path, option: option) }
  }

  private static let cache = RuleFileCache<RulePack>()

  private static func read(_ path: String, option: String) throws(OptionError) -> RulePack {
    guard let data = FileManager.default.contents(atPath: path), let yaml = String(data: data, encoding: .utf8) else {
      throw OptionError(option: option, "cannot read rule pack '\(path)'")
    }
    var loader = RuleLoader(path: path, yaml: yaml)
    let pack = loader.load()
    if !loader.errors.isEmpty {
      throw OptionError(option: option, "errors in rule pack:\n" + loader.errors.joined(separator: "\n"))
    }
    return pack
  }
}

struct RuleLoader {
  let path: String
  let yaml: String
  var errors: [String] = []

  mutating func error(_ message: String, _ node: Node?, _ keyPath: String) {
    let mark = node?.mark
    let place = mark.map { "\(path):\($0.line):\($0.column)" } ?? path
    errors.append("\(place): [\(keyPath)] \(message)")
  }

  mutating func load() -> RulePack {
    var pack = RulePack(path: path)
    let root: Node
    do {
      guard let composed = try Yams.compose(yaml: yaml) else { error("rule pack is empty", nil, ""); return pack }
      root = composed
    } catch {
      errors.append("\(path): cannot parse YAML: \(error)")
      return pack
    }
    guard let top = root.mapping else { error("a rule pack is a mapping", root, ""); return pack }
    for (key, value) in top {
      let name = key.string ?? ""
      switch name {
      case "version":
        if value.int != 1 { error("unsupported version '\(value.string ?? "")'; the highest supported is 1", value, name) }
      case "language", "description": break
      case "body":
        guard let body = value.mapping else { error("expected a mapping", value, name); continue }
        for (bodyKey, bodyValue) in body {
          switch bodyKey.string ?? "" {
          case "min_chars":
            if let number = bodyValue.int, number >= 1 { pack.body.minChars = number } else { error("expected an integer ≥ 1", bodyValue, "body.min_chars") }
          case "endings": pack.body.endings = strings(bodyValue, "body.endings").compactMap(\.unicodeScalars.first)
          case "start_endings": pack.body.startEndings = strings(bodyValue, "body.start_endings").compactMap(\.unicodeScalars.first)
          case "tail_allowance":
            if let number = bodyValue.int, number >= 0 { pack.body.tailAllowance = number } else { error("expected an integer ≥ 0", bodyValue, "body.tail_allowance") }
          case "closers": pack.body.closers = strings(bodyValue, "body.closers").compactMap(\.unicodeScalars.first)
          default: unknown(bodyKey, ["min_chars", "endings", "start_endings", "closers", "tail_allowance"], "body")
          }
        }
      case "lines": pack.lines = ruleList(value, name)
      case "tail": pack.tail = ruleList(value, name)
      case "blocks":
        guard let items = value.sequence else { error("expected a list", value, name); continue }
        for (index, item) in items.enumerated() {
          let keyPath = "blocks[\(index)]"
          guard let mapping = item.mapping else { error("expected a mapping with name, start, end", item, keyPath); continue }
          var blockName = "block\(index)"
          var start: LineRule?
          var end: LineRule?
          for (blockKey, blockValue) in mapping {
            switch blockKey.string ?? "" {
            case "name": blockName = blockValue.string ?? blockName
            case "start": start = rule(blockValue, keyPath + ".start", defaultName: blockName)
            case "end": end = rule(blockValue, keyPath + ".end", defaultName: blockName)
            default: unknown(blockKey, ["name", "start", "end"], keyPath)
            }
          }
          if let start, let end { pack.blocks.append((blockName, start, end)) } else { error("a block needs 'start' and 'end'", item, keyPath) }
        }
      case "repeated":
        guard let mapping = value.mapping else { error("expected a mapping", value, name); continue }
        for (repeatedKey, repeatedValue) in mapping {
          if repeatedKey.string == "max_chars", let number = repeatedValue.int, number >= 0 {
            pack.repeatedMaxChars = number
          } else {
            unknown(repeatedKey, ["max_chars"], name)
          }
        }
      case "spam": pack.spam = spamRules(value)
      case "metadata": pack.metadata = metadataRules(value)
      default: unknown(key, RulePack.topKeys, "")
      }
    }
    return pack
  }

  mutating func spamRules(_ node: Node) -> SpamRules? {
    guard let mapping = node.mapping else { error("expected a mapping", node, "spam"); return nil }
    var rules = SpamRules()
    for (key, value) in mapping {
      let name = key.string ?? ""
      switch name {
      case "keywords": rules.keywords = strings(value, "spam.keywords")
      case "line_min_keywords":
        if let number = value.int, number >= 1 { rules.lineMinKeywords = number } else { error("expected an integer ≥ 1", value, "spam." + name) }
      case "short_line_chars":
        if let number = value.int, number >= 0 { rules.shortLineChars = number } else { error("expected an integer ≥ 0", value, "spam." + name) }
      default: unknown(key, ["keywords", "line_min_keywords", "short_line_chars"], "spam")
      }
    }
    return rules
  }

  mutating func metadataRules(_ node: Node) -> MetadataRules? {
    guard let mapping = node.mapping else { error("expected a mapping", node, "metadata"); return nil }
    var rules = MetadataRules()
    let keys = ["byline_titles", "published_labels", "modified_labels", "copyright_markers", "credit_prefixes", "non_outlet_tags", "byline_prefixes", "byline_stops", "name_particles", "section_names", "widget_rules", "dates"]
    for (key, value) in mapping {
      let name = key.string ?? ""
      switch name {
      case "byline_titles": rules.bylineTitles = strings(value, "metadata." + name)
      case "published_labels": rules.publishedLabels = strings(value, "metadata." + name)
      case "modified_labels": rules.modifiedLabels = strings(value, "metadata." + name)
      case "copyright_markers": rules.copyrightMarkers = strings(value, "metadata." + name)
      case "credit_prefixes": rules.creditPrefixes = strings(value, "metadata." + name)
      case "non_outlet_tags": rules.nonOutletTags = Set(strings(value, "metadata." + name))
      case "byline_prefixes": rules.bylinePrefixes = strings(value, "metadata." + name).sorted { $0.utf8.count > $1.utf8.count }
      case "byline_stops": rules.bylineStops = Set(strings(value, "metadata." + name).map { $0.lowercased() })
      case "name_particles": rules.nameParticles = Set(strings(value, "metadata." + name))
      case "section_names": rules.sectionNames = Set(strings(value, "metadata." + name))
      case "widget_rules": rules.widgetRules = Set(strings(value, "metadata." + name))
      case "dates":
        guard let dates = value.mapping else { error("expected a mapping", value, "metadata.dates"); continue }
        for (dateKey, dateValue) in dates {
          let dateName = dateKey.string ?? ""
          let keyPath = "metadata.dates." + dateName
          switch dateName {
          case "year": rules.dateWords.year = strings(dateValue, keyPath)
          case "month": rules.dateWords.month = strings(dateValue, keyPath)
          case "day": rules.dateWords.day = strings(dateValue, keyPath)
          case "hour": rules.dateWords.hour = strings(dateValue, keyPath)
          case "minute": rules.dateWords.minute = strings(dateValue, keyPath)
          case "pm": rules.dateWords.pm = strings(dateValue, keyPath)
          case "am": rules.dateWords.am = strings(dateValue, keyPath)
          case "months":
            guard let lists = dateValue.sequence, lists.count == 12 else {
              error("expected twelve lists of month names, January first", dateValue, keyPath)
              continue
            }
            rules.dateWords.setMonths(lists.enumerated().map { strings($1, "\(keyPath)[\($0)]") })
          case "ordinals": rules.dateWords.ordinals = strings(dateValue, keyPath)
          case "connectors": rules.dateWords.connectors = strings(dateValue, keyPath)
          case "zone":
            let zone = dateValue.string ?? ""
            if !DateParsing.isOffset(zone) { error("'\(zone)' is not an offset like +09:00", dateValue, keyPath) } else { rules.dateWords.defaultZone = zone }
          case "zone_names":
            guard let names = dateValue.mapping else { error("expected a mapping of zone names to offsets (KST: \"+09:00\")", dateValue, keyPath); continue }
            for (zoneName, zoneValue) in names {
              let offset = zoneValue.string ?? ""
              if let zone = zoneName.string, !zone.isEmpty, DateParsing.isOffset(offset) {
                rules.dateWords.zoneNames.append((zone, offset))
              } else {
                error("'\(offset)' is not an offset like +09:00", zoneValue, keyPath + "." + (zoneName.string ?? ""))
              }
            }
          default: unknown(dateKey, ["year", "month", "day", "hour", "minute", "pm", "am", "months", "ordinals", "connectors", "zone", "zone_names"], "metadata.dates")
          }
        }
      default: unknown(key, keys, "metadata")
      }
    }
    rules.bylineLabels = Set((rules.publishedLabels + rules.modifiedLabels).map { $0.lowercased() })
    for prefix in rules.bylinePrefixes { if let first = prefix.split(separator: " ").first { rules.bylineLabels.insert(String(first)) } }
    return rules
  }

  mutating func unknown(_ key: Node, _ allowed: [String], _ path: String) {
    let word = key.string ?? ""
    let hint = nearestName(to: word, in: allowed).map { "; did you mean '\($0)'?" } ?? ""
    error("unknown key '\(word)'\(hint)", key, path.isEmpty ? word : path + "." + word)
  }

  mutating func strings(_ node: Node, _ keyPath: String) -> [String] {
    if let scalar = node.scalar { return [scalar.string] }
    guard let items = node.sequence else { error("expected a string or a list of strings", node, keyPath); return [] }
    var result: [String] = []
    for (index, item) in items.enumerated() {
      if let scalar = item.scalar { result.append(scalar.string) } else { error("expected a string", item, "\(keyPath)[\(index)]") }
    }
    return result
  }

  mutating func ruleList(_ node: Node, _ keyPath: String) -> [LineRule] {
    guard let items = node.sequence else { error("expected a list of rules", node, keyPath); return [] }
    return items.enumerated().compactMap { index, item in rule(item, "\(keyPath)[\(index)]", defaultName: "\(keyPath)[\(index)]") }
  }

  static let ruleKeys = ["name", "exact", "prefix", "suffix", "contains", "regex", "requires", "max_chars", "min_chars", "ignore_case", "outside_body"]

  /// `extraKeys`: keys the caller reads itself (the `rules` stage's action and reason).
  mutating func rule(_ node: Node, _ keyPath: String, defaultName: String, extraKeys: [String] = []) -> LineRule? {
    guard let mapping = node.mapping else { error("expected a rule mapping (name, exact/prefix/suffix/contains/regex)", node, keyPath); return nil }
    let rule = LineRule(name: defaultName)
    var pattern: (String, Node)?
    var ignoreCase = false
    for (key, value) in mapping {
      let name = key.string ?? ""
      switch name {
      case "name": rule.name = value.string ?? defaultName
      case "exact": rule.exact = Set(strings(value, keyPath + ".exact"))
      case "prefix": rule.prefixes = strings(value, keyPath + ".prefix")
      case "suffix": rule.suffixes = strings(value, keyPath + ".suffix")
      case "contains": rule.contains = strings(value, keyPath + ".contains")
      case "requires": rule.requires = strings(value, keyPath + ".requires")
      case "regex": if let text = value.string { pattern = (text, value) } else { error("expected a string", value, keyPath + ".regex") }
      case "max_chars":
        if let number = value.int, number >= 0 { rule.maxChars = number } else { error("expected an integer ≥ 0", value, keyPath + ".max_chars") }
      case "min_chars":
        if let number = value.int, number >= 0 { rule.minChars = number } else { error("expected an integer ≥ 0", value, keyPath + ".min_chars") }
      case "ignore_case":
        if let flag = value.bool { ignoreCase = flag } else { error("expected true or false", value, keyPath + ".ignore_case") }
      case "outside_body":
        if let flag = value.bool { rule.outsideBody = flag } else { error("expected true or false", value, keyPath + ".outside_body") }
      default:
        if !extraKeys.contains(name) { unknown(key, RuleLoader.ruleKeys + extraKeys, keyPath) }
      }
    }
    if let (text, place) = pattern {
      do {
        rule.regex = try ICURegex(text, caseInsensitive: ignoreCase)
      } catch {
        self.error(error.message, place, keyPath + ".regex")
      }
    }
    if !rule.requires.isEmpty, pattern == nil {
      error("'requires' only gates a 'regex'; this rule has none", node, keyPath + ".requires")
    }
    if rule.exact.isEmpty, rule.prefixes.isEmpty, rule.suffixes.isEmpty, rule.contains.isEmpty, rule.regex == nil, pattern == nil {
      error("a rule needs one of exact, prefix, suffix, contains, regex", node, keyPath)
    }
    return rule
  }
}
