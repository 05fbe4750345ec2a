import Foundation
import WinnowCore
import WinnowNative
import Yams

/// Stage `rules`: patterns from a YAML file, no code. Each rule matches lines (or the whole
/// text) with the matchers of the boilerplate packs (exact, prefix, suffix, contains, ICU
/// regex) and does one thing: drop the line, drop the document, or replace what matched.
/// Removed lines go into the audit trail as the boilerplate stage's do; every rule's hits
/// are counted in the run summary and manifest as `rule:<name>`.
struct RulesConfig: StageConfig {
  static let name = "rules"
  static let summary = "user rules from a YAML file: drop lines, drop documents or replace text by pattern (docs/PLUGINS.md)"
  static let reasons: [DropReason] = [
    .chosen("*the rule's `reason`*", "a `drop_document` rule with a `reason` matched (`rule`: its name)"),
    DropReason("rule_match", "a `drop_document` rule without a `reason` matched (`rule`: its name)"),
    DropReason("empty", "every line was removed by the rules file"),
  ]
  static let options: [OptionSpec] = [
    OptionSpec("file", .path, default: .string(""), "the rules file (YAML), relative to the pipeline file; required"),
    OptionSpec("name", .string, default: .string("rules"), "the stage's name in rejects, the audit trail, the run summary and the manifest"),
    OptionSpec("audit", .bool, default: .bool(false), "write the removed lines with their rule as 'removed' in each record"),
  ]

  let file: String
  let label: String
  let audit: Bool

  init(options: StageOptions) throws(OptionError) {
    file = options.string("file")
    if file.isEmpty { throw OptionError(option: "file", "'file' is required: a rules file such as rules/my-rules.yaml") }
    label = options.string("name")
    audit = options.bool("audit")
  }

  func build(_ context: StageContext) throws(OptionError) -> any DocumentStage {
    let path = context.resolve(file)
    let rules = try Self.cache.value(path: path, option: "file") { () throws(OptionError) in try Self.read(path) }
    return RulesStage(label: label, rules: rules, audit: audit)
  }

  /// Each rules file is read once per process, however many stages name it.
  private static let cache = RuleFileCache<[UserRule]>()

  private static func read(_ path: String) throws(OptionError) -> [UserRule] {
    guard let data = FileManager.default.contents(atPath: path), let yaml = String(data: data, encoding: .utf8) else {
      throw OptionError(option: "file", "cannot read rules file '\(path)'")
    }
    var loader = RuleLoader(path: path, yaml: yaml)
    let rules = loader.userRules()
    if !loader.errors.isEmpty {
      throw OptionError(option: "file", "errors in rules file:\n" + loader.errors.joined(separator: "\n"))
    }
    return rules
  }
}

/// One rule of a rules file.
struct UserRule: Sendable {
  enum Action: String, Sendable, CaseIterable {
    case dropLine = "drop_line"
    case dropDocument = "drop_document"
    case replace
  }

  /// Where a rule looks: each line, or the whole text at once (patterns across lines).
  enum Scope: String, Sendable, CaseIterable {
    case line, text
  }

  var matcher: LineRule
  var action: Action
  var scope: Scope = .line
  /// replace: the replacement, with $0…$9 for the match and its groups.
  var replacement = ""
  /// drop_document: the reason in the rejects file.
  var reason = "rule_match"
  /// drop_document by lines: how many lines must match.
  var minLines = 1

  var name: String { matcher.name }
}

extension RuleLoader {
  static let userRuleKeys = ["action", "scope", "with", "reason", "min_lines"]

  /// A rules file: `version: 1`, optional `description`, and `rules:`, a list of rules.
  mutating func userRules() -> [UserRule] {
    let root: Node
    do {
      guard let composed = try Yams.compose(yaml: yaml) else { error("the rules file is empty", nil, ""); return [] }
      root = composed
    } catch {
      errors.append("\(path): cannot parse YAML: \(error)")
      return []
    }
    guard let top = root.mapping else { error("a rules file is a mapping with 'version' and 'rules'", root, ""); return [] }
    var rules: [UserRule] = []
    var sawRules = false
    for (key, value) in top {
      switch key.string ?? "" {
      case "version":
        if value.int != 1 { error("unsupported version '\(value.string ?? "")'; the highest supported is 1", value, "version") }
      case "description", "language": break
      case "rules":
        sawRules = true
        guard let items = value.sequence else { error("expected a list of rules", value, "rules"); continue }
        for (index, item) in items.enumerated() {
          if let rule = userRule(item, "rules[\(index)]") { rules.append(rule) }
        }
      default: unknown(key, ["version", "description", "language", "rules"], "")
      }
    }
    if !sawRules { error("missing 'rules': a list such as '- {name: promo, action: drop_line, contains: [광고]}'", root, "") }
    var names = Set<String>()
    for rule in rules where !names.insert(rule.name).inserted {
      errors.append("\(path): [rules] two rules are named '\(rule.name)'; rule names are what the run summary counts")
    }
    return rules
  }

  mutating func userRule(_ node: Node, _ keyPath: String) -> UserRule? {
    guard let matcher = rule(node, keyPath, defaultName: keyPath, extraKeys: Self.userRuleKeys), let mapping = node.mapping else { return nil }
    func value(_ key: String) -> Node? { mapping.first { $0.key.string == key }?.value }
    guard let actionNode = value("action") else {
      error("a rule needs 'action': drop_line, drop_document or replace", node, keyPath + ".action")
      return nil
    }
    guard let action = UserRule.Action(rawValue: actionNode.string ?? "") else {
      error("unknown action '\(actionNode.string ?? "")'; expected drop_line, drop_document or replace", actionNode, keyPath + ".action")
      return nil
    }
    var rule = UserRule(matcher: matcher, action: action)
    if let scopeNode = value("scope") {
      guard let scope = UserRule.Scope(rawValue: scopeNode.string ?? "") else {
        error("unknown scope '\(scopeNode.string ?? "")'; expected line or text", scopeNode, keyPath + ".scope")
        return nil
      }
      if scope == .text && action == .dropLine {
        error("scope 'text' does not go with drop_line (a line rule looks at lines)", scopeNode, keyPath + ".scope")
        return nil
      }
      rule.scope = scope
    }
    if let with = value("with") {
      guard action == .replace else { error("'with' goes with action replace", with, keyPath + ".with"); return nil }
      rule.replacement = with.string ?? ""
    }
    if action == .replace {
      guard value("with") != nil else { error("a replace rule needs 'with' (the replacement; $1 for a group)", node, keyPath + ".with"); return nil }
      guard matcher.regex != nil, matcher.exact.isEmpty, matcher.prefixes.isEmpty, matcher.suffixes.isEmpty, matcher.contains.isEmpty else {
        error("a replace rule matches with 'regex' only", node, keyPath)
        return nil
      }
    }
    if rule.scope == .text, matcher.maxChars > 0 || matcher.minChars > 0 || !matcher.exact.isEmpty || !matcher.prefixes.isEmpty || !matcher.suffixes.isEmpty {
      error("with scope 'text' a rule matches with 'regex' or 'contains' only", node, keyPath)
      return nil
    }
    if let reason = value("reason") {
      guard action == .dropDocument, let word = reason.string, !word.isEmpty else {
        error("'reason' (a word) goes with action drop_document", reason, keyPath + ".reason")
        return nil
      }
      rule.reason = word
    }
    if let minLines = value("min_lines") {
      guard action == .dropDocument, rule.scope == .line, let number = minLines.int, number >= 1 else {
        error("'min_lines' (≥ 1) goes with action drop_document and scope line", minLines, keyPath + ".min_lines")
        return nil
      }
      rule.minLines = number
    }
    return rule
  }
}

struct RulesStage: DocumentStage {
  let label: String?
  let rules: [UserRule]
  let audit: Bool

  var name: String { label ?? "rules" }

  var counterNames: [String] { rules.map { "rule:" + $0.name } }

  /// The rules that look at each line, split off once.
  let lineRules: [UserRule]

  init(label: String, rules: [UserRule], audit: Bool) {
    self.label = label
    self.rules = rules
    self.audit = audit
    self.lineRules = rules.filter { $0.scope == .line }
  }

  func process(_ document: inout Document) -> Verdict {
    guard var text = document.text else { return .keep }
    document.audit = document.audit || audit
    // Whole-text rules first: a document dropped here is not worth the line rules.
    for rule in rules where rule.scope == .text {
      switch rule.action {
      case .dropDocument:
        if matchesText(rule.matcher, text) {
          document.count("rule:" + rule.name)
          return .drop(rule.reason, detail: "rules file rule '\(rule.name)' matched the text", rule: rule.name)
        }
      case .replace:
        guard let regex = rule.matcher.regex else { continue }
        if !rule.matcher.requires.isEmpty, !rule.matcher.requires.contains(where: { text.has($0) }) { continue }
        let (replaced, count) = regex.replaceAll(in: text, with: rule.replacement)
        if count > 0 {
          text = replaced
          document.count("rule:" + rule.name, count)
        }
      case .dropLine: continue
      }
    }
    guard !lineRules.isEmpty else {
      document.text = text
      return .keep
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var dropped = false
    var documentHits: [String: (count: Int, first: String)] = [:]
    for index in lines.indices {
      var line = lines[index]
      guard !line.isEmpty else { continue }
      // Counted once per line; again only when a replace changes it.
      var chars = line.unicodeScalars.count
      for rule in lineRules {
        switch rule.action {
        case .dropLine:
          guard rule.matcher.matches(line, chars: chars) else { continue }
          document.count("rule:" + rule.name)
          document.removed.append(RemovedLine(stage: name, rule: rule.name, text: line, zone: .body))
          line = ""
          dropped = true
        case .dropDocument:
          guard rule.matcher.matches(line, chars: chars) else { continue }
          let hits: (count: Int, first: String) = documentHits[rule.name].map { ($0.count + 1, $0.first) } ?? (1, line)
          documentHits[rule.name] = hits
          if hits.count >= rule.minLines {
            document.count("rule:" + rule.name)
            let shown = hits.first.unicodeScalars.count > 80 ? String(String.UnicodeScalarView(hits.first.unicodeScalars.prefix(80))) + "…" : hits.first
            let detail = rule.minLines > 1
              ? "rules file rule '\(rule.name)' matched \(hits.count) lines, the first '\(shown)'"
              : "rules file rule '\(rule.name)' matched the line '\(shown)'"
            return .drop(rule.reason, detail: detail, rule: rule.name)
          }
        case .replace:
          guard let regex = rule.matcher.regex, rule.matcher.maxChars == 0 || chars <= rule.matcher.maxChars, chars >= rule.matcher.minChars else { continue }
          if !rule.matcher.requires.isEmpty, !rule.matcher.requires.contains(where: { line.has($0) }) { continue }
          let (replaced, count) = regex.replaceAll(in: line, with: rule.replacement)
          if count > 0 {
            line = replaced
            chars = line.unicodeScalars.count
            document.count("rule:" + rule.name, count)
          }
        }
        if line.isEmpty { break }
      }
      lines[index] = line
    }
    if dropped {
      // Removing a line must not leave a run of blank lines where a paragraph was.
      var kept: [String] = []
      for line in lines where !(line.isEmpty && (kept.last?.isEmpty ?? true)) { kept.append(line) }
      while kept.last?.isEmpty == true { kept.removeLast() }
      text = kept.joined(separator: "\n")
    } else {
      text = lines.joined(separator: "\n")
    }
    document.text = text
    if text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) {
      return .drop("empty", detail: "every line was removed by the rules file")
    }
    return .keep
  }

  func matchesText(_ matcher: LineRule, _ text: String) -> Bool {
    if !matcher.containsMatcher.isEmpty, matcher.containsMatcher.occurs(in: text) { return true }
    if let regex = matcher.regex {
      if !matcher.requires.isEmpty, !matcher.requires.contains(where: { text.has($0) }) { return false }
      return regex.matches(text)
    }
    return false
  }
}
