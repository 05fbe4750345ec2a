import WinnowCore

/// Stage `boilerplate`: removes the page chrome around and inside an article, line by line,
/// with rules from a rule pack (`pipelines/rules/*.yaml`):
///
/// * `tail` markers ("관련기사", "댓글 (0)") drop the rest of the page, but only once a
///   body paragraph has been seen and less prose follows the marker than precedes it, so a
///   related-articles box in the middle of a story does not cut the story;
/// * `blocks` drop from a start marker to an end marker;
/// * `lines` drop single lines (weather widgets, share bars, copyright, captions, banners);
/// * `repeated`: a short non-prose line that occurs twice in a page (repeated headline,
///   site name);
/// * the body span: lines before the first and after the last prose line (the pack's `body`
///   shape) are header and trailer;
/// * with `corpus_min_docs`, lines seen in that many documents of the same site (and
///   `corpus_min_share` of them), learned in a first pass over the corpus as CCNet does
///   with paragraph hashes.
///
/// Every removed line is recorded on the document with its rule and zone (header, body,
/// trailer, tail): `metadata` reads the headline, byline and date lines there, so a date
/// line this stage removes (`date_alone`) is still the article's date; the records are
/// written to the output when `audit` is on.
struct BoilerplateConfig: StageConfig {
  static let name = "boilerplate"
  static let summary = "remove page chrome line by line with a rule pack (widgets, menus, share bars, related lists, comments, copyright); each removed line is recorded with its rule for 'metadata'"
  static let reasons: [DropReason] = [
    DropReason("empty", "every line was boilerplate"),
  ]
  static let options: [OptionSpec] = [
    OptionSpec("rules", .path, default: .string(""), "rule pack file (YAML), relative to the pipeline file; required"),
    OptionSpec("body_span", .bool, default: .bool(true), "drop lines before the first and after the last prose line"),
    OptionSpec("audit", .bool, default: .bool(false), "write the removed lines with their rule as 'removed' in each record"),
    OptionSpec("corpus_min_docs", .int(0...1_000_000_000), default: .int(0),
               "a line in at least this many documents of one site is boilerplate (0: off); needs a first pass over the input"),
    OptionSpec("corpus_min_share", .double(0...1), default: .double(0.05),
               "…and in at least this share of that site's documents"),
    OptionSpec("corpus_sample", .double(0.01...1), default: .double(1),
               "share of documents the first pass reads, chosen by a hash of the id (CCNet learns from a sample too)"),
    OptionSpec("corpus_max_chars", .int(1...10_000), default: .int(200),
               "only lines up to this many characters are counted across the corpus (bounds memory)"),
  ]

  let rulesPath: String
  let bodySpan: Bool
  let audit: Bool
  let corpus: CorpusLineSettings

  init(options: StageOptions) throws(OptionError) {
    rulesPath = options.string("rules")
    if rulesPath.isEmpty { throw OptionError(option: "rules", "'rules' is required: a rule pack such as rules/ko-news.yaml") }
    bodySpan = options.bool("body_span")
    audit = options.bool("audit")
    corpus = CorpusLineSettings(minDocs: options.int("corpus_min_docs"), minShare: options.double("corpus_min_share"),
                                maxChars: options.int("corpus_max_chars"), sample: options.double("corpus_sample"))
  }

  func build(_ context: StageContext) throws(OptionError) -> any DocumentStage {
    let path = context.resolve(rulesPath)
    let pack = try RulePack.load(path, option: "rules")
    // The matchers of a pack are made once per process too, however many stages use it.
    let sets = try Self.lineSets.value(path: path, option: "rules") { (LineRuleSet(pack.lines), LineRuleSet(pack.tail)) }
    return BoilerplateStage(pack: pack, bodySpan: bodySpan, audit: audit,
                            corpus: corpus.minDocs > 0 ? CorpusLineCounts(corpus) : nil, sets: sets)
  }

  /// Shared with `metadata`, which reads the same pack's line rules.
  static let lineSets = RuleFileCache<(lines: LineRuleSet, tail: LineRuleSet)>()
}

struct BoilerplateStage: DocumentStage {
  let pack: RulePack
  let bodySpan: Bool
  let audit: Bool
  let corpus: CorpusLineCounts?
  /// `pack.lines` and `pack.tail`, each matched in one scan per line.
  let lineSet: LineRuleSet
  let tailSet: LineRuleSet
  /// Some line rules apply only outside the body.
  let hasOutside: Bool

  init(pack: RulePack, bodySpan: Bool, audit: Bool, corpus: CorpusLineCounts?, sets: (lines: LineRuleSet, tail: LineRuleSet)? = nil) {
    self.pack = pack
    self.bodySpan = bodySpan
    self.audit = audit
    self.corpus = corpus
    lineSet = sets?.lines ?? LineRuleSet(pack.lines)
    tailSet = sets?.tail ?? LineRuleSet(pack.tail)
    hasOutside = pack.lines.contains(where: \.outsideBody)
  }

  struct Line {
    var text: Substring
    var chars: Int
    var body: Bool
    var start: Bool
    /// The line as a String and its byte hash, made once for all the rules.
    var string: String
    var hash: UInt64
    var rule: String?
    var zone: RemovedLine.Zone = .body
  }

  static func lines(of text: String, shape: BodyShape) -> [Line] {
    text.lines.compactMap { raw in
      let line = raw.trimmingSpaces
      if line.isEmpty { return nil }
      let chars = line.scalarCount
      let string = String(line)
      return Line(text: line, chars: chars, body: shape.isBody(string, chars: chars), start: shape.isBodyStart(string, chars: chars),
                  string: string, hash: line.byteHash())
    }
  }

  func process(_ document: inout Document) -> Verdict {
    guard let text = document.text else { return .keep }
    var lines = Self.lines(of: text, shape: pack.body)
    classify(&lines, group: corpus.map { _ in CorpusLineCounts.group(of: document) })
    var kept: [Substring] = []
    // Counted per rule, then one counter each (not a "rule:" string made per removed line).
    var perRule: [(rule: String, count: Int)] = []
    for line in lines {
      if let rule = line.rule {
        document.removed.append(RemovedLine(stage: "boilerplate", rule: rule, text: String(line.text), zone: line.zone))
        if let at = perRule.firstIndex(where: { $0.rule == rule }) { perRule[at].count += 1 } else { perRule.append((rule, 1)) }
      } else {
        kept.append(line.text)
      }
    }
    for (rule, count) in perRule { document.count("rule:" + rule, count) }
    document.audit = document.audit || audit
    document.text = kept.joined(separator: "\n\n")
    if kept.isEmpty { return .drop("empty", detail: "every line was boilerplate") }
    return .keep
  }

  /// Lines of `text` the rule pack would remove by a rule for which `counts` is true, without
  /// changing or recording anything (the residual-boilerplate gate reads the output this way).
  func ruleHits(_ text: String, counting counts: (String) -> Bool) -> Int {
    var lines = Self.lines(of: text, shape: pack.body)
    classify(&lines, group: nil)
    return lines.reduce(0) { $0 + ($1.rule.map(counts) == true ? 1 : 0) }
  }

  func classify(_ lines: inout [Line], group: UInt64?) {
    // Tail markers.
    var proseBefore = 0
    let proseTotal = lines.reduce(0) { $0 + ($1.body ? $1.chars : 0) }
    tailSearch: for index in lines.indices {
      if lines[index].body { proseBefore += lines[index].chars; continue }
      guard proseBefore > 0 else { continue }
      var next = 0
      while let ruleIndex = tailSet.firstMatch(lines[index].string, chars: lines[index].chars, hash: lines[index].hash, from: next) {
        next = ruleIndex + 1
        let rule = pack.tail[ruleIndex]
        // Other pages' teasers after the marker: less prose than before it, and at most two
        // paragraph-length prose lines (headline lists are short) or under a fifth of the
        // page's prose. A related box inside a story has the story's own paragraphs after it.
        let proseAfter = proseTotal - proseBefore
        let paragraphsAfter = lines[(index + 1)...].reduce(0) { $0 + ($1.body && $1.chars >= 2 * pack.body.minChars ? 1 : 0) }
        if proseAfter < proseBefore, paragraphsAfter <= 2 || proseAfter * 5 < proseTotal {
          for rest in index..<lines.count {
            lines[rest].rule = rest == index ? rule.name : rule.name + ".after"
            lines[rest].zone = .tail
          }
          break tailSearch
        }
      }
    }
    // Blocks.
    var open: (name: String, end: LineRule)?
    for index in lines.indices where lines[index].rule == nil {
      let line = lines[index].string
      if let block = open {
        lines[index].rule = block.name
        if block.end.matches(line, chars: lines[index].chars) { open = nil }
        continue
      }
      for block in pack.blocks where block.start.matches(line, chars: lines[index].chars) {
        lines[index].rule = block.name
        if !block.end.matches(line, chars: lines[index].chars) { open = (block.name, block.end) }
        break
      }
    }
    // Single lines.
    for index in lines.indices where lines[index].rule == nil {
      if let ruleIndex = lineSet.firstMatch(lines[index].string, chars: lines[index].chars, hash: lines[index].hash, outsideBody: false) {
        lines[index].rule = pack.lines[ruleIndex].name
      }
      if lines[index].rule == nil, let corpus, let group, let share = corpus.share(lines[index].text, group: group) {
        // On most of a site's pages: chrome. On some: a recurring line (a series' headline),
        // which `metadata` may still take for a title.
        lines[index].rule = share >= 0.5 ? "corpus_repeated" : "corpus_recurring"
      }
    }
    // Repeated short lines.
    if pack.repeatedMaxChars > 0 {
      var seen: [UInt64: Int] = [:]
      for line in lines where !line.body && line.chars <= pack.repeatedMaxChars { seen[line.hash, default: 0] += 1 }
      if seen.values.contains(where: { $0 > 1 }) {
        for index in lines.indices where lines[index].rule == nil && !lines[index].body && lines[index].chars <= pack.repeatedMaxChars {
          if (seen[lines[index].hash] ?? 0) > 1 { lines[index].rule = "repeated" }
        }
      }
    }
    // Zones and the body span.
    let first = lines.firstIndex { $0.rule == nil && $0.start }
    let last = lines.lastIndex { $0.rule == nil && $0.body }
    for index in lines.indices where lines[index].zone != .tail {
      let before = first.map { index < $0 } ?? false
      let after = last.map { index > $0 } ?? false
      guard before || after else { continue }
      lines[index].zone = before ? .header : .trailer
      if lines[index].rule == nil, hasOutside,
        let ruleIndex = lineSet.firstMatch(lines[index].string, chars: lines[index].chars, hash: lines[index].hash, outsideBody: true)
      {
        lines[index].rule = pack.lines[ruleIndex].name
      }
      if bodySpan, lines[index].rule == nil { lines[index].rule = before ? "before_body" : "after_body" }
    }
  }
}

extension Substring {
  /// Without leading and trailing spaces, tabs and NBSPs.
  var trimmingSpaces: Substring {
    // By bytes: ' ', '\t', '\r', NBSP (C2 A0), ideographic space (E3 80 80).
    let bytes = utf8
    var start = bytes.startIndex
    var end = bytes.endIndex
    while start != end {
      let byte = bytes[start]
      if byte == 0x20 || byte == 0x09 || byte == 0x0D {
        start = bytes.index(after: start)
      } else if byte == 0xC2, bytes.index(after: start) != end, bytes[bytes.index(after: start)] == 0xA0 {
        start = bytes.index(start, offsetBy: 2)
      } else if byte == 0xE3, bytes.distance(from: start, to: end) >= 3,
        bytes[bytes.index(after: start)] == 0x80, bytes[bytes.index(start, offsetBy: 2)] == 0x80
      {
        start = bytes.index(start, offsetBy: 3)
      } else {
        break
      }
    }
    while start != end {
      let last = bytes.index(before: end)
      let byte = bytes[last]
      if byte == 0x20 || byte == 0x09 || byte == 0x0D {
        end = last
      } else if byte == 0xA0, bytes.distance(from: start, to: end) >= 2, bytes[bytes.index(end, offsetBy: -2)] == 0xC2 {
        end = bytes.index(end, offsetBy: -2)
      } else if byte == 0x80, bytes.distance(from: start, to: end) >= 3,
        bytes[bytes.index(end, offsetBy: -2)] == 0x80, bytes[bytes.index(end, offsetBy: -3)] == 0xE3
      {
        end = bytes.index(end, offsetBy: -3)
      } else {
        break
      }
    }
    return self[start..<end]
  }

}
