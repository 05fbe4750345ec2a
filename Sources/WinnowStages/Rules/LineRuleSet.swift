/// A rule list matched as one: the words of every rule's `contains` and `requires` are
/// found in a single scan of the line's bytes, instead of one scan per rule (and one
/// memchr/memcmp search per `requires` word, which Korean text, where most characters
/// share a lead byte, made slow). The first rule in list order that matches wins, as
/// with `LineRule.matches` called rule by rule; a test checks the two agree.
struct LineRuleSet: Sendable {
  let rules: [LineRule]
  /// Each word once, keyed by its first character with ASCII letters folded, with the rules
  /// whose `contains` (first mask) or `requires` (second mask) list it. `contains` words
  /// match without ASCII case (as `KeywordMatcher`), `requires` words byte for byte (as the
  /// byte search `LineRule.matches` runs): `exact` tells them apart.
  private var entries: [(word: [UInt8], exact: Bool, contains: UInt64, requires: UInt64)] = []
  /// The entries that may start at a position, as a range of `entries`.
  private var index = FirstCharacterIndex()
  /// Rules with a `contains` list, and rules whose regex is gated by `requires`.
  private var containsRules: UInt64 = 0
  private var requiresRules: UInt64 = 0
  /// Over 64 rules, or a word outside the Basic Multilingual Plane: rule by rule instead.
  private var oneByOne = false

  init(_ rules: [LineRule]) {
    self.rules = rules
    guard rules.count <= 64 else { oneByOne = true; return }
    var folded: [[UInt8]: UInt64] = [:]
    var exact: [[UInt8]: UInt64] = [:]
    for (index, rule) in rules.enumerated() {
      let bit = UInt64(1) << UInt64(index)
      bounds.append((rule.minChars, rule.maxChars > 0 ? rule.maxChars : Int.max))
      if !rule.exactHashes.isEmpty { exactRules |= bit }
      if !rule.prefixes.isEmpty || !rule.suffixes.isEmpty { affixRules |= bit }
      if rule.regex != nil { regexRules |= bit }
      if rule.outsideBody { outsideRules |= bit }
      for word in rule.contains where !word.isEmpty {
        folded[Self.folded(word), default: 0] |= bit
        containsRules |= bit
      }
      if rule.regex != nil, !rule.requires.isEmpty {
        requiresRules |= bit
        for word in rule.requires where !word.isEmpty { exact[Array(word.utf8), default: 0] |= bit }
      }
    }
    let words = folded.map { (word: $0.key, exact: false, contains: $0.value, requires: UInt64(0)) }
      + exact.map { (word: $0.key, exact: true, contains: UInt64(0), requires: $0.value) }
    // Sorted, so the tables are the same every run.
    let sorted = words.sorted { $0.word == $1.word ? (!$0.exact && $1.exact) : $0.word.lexicographicallyPrecedes($1.word) }
    var byFirst: [(first: UInt32, entries: [(word: [UInt8], exact: Bool, contains: UInt64, requires: UInt64)])] = []
    for entry in sorted {
      let folded = Self.folded(String(decoding: entry.word, as: UTF8.self))
      guard let first = String(decoding: folded, as: UTF8.self).unicodeScalars.first?.value, first < 0x10000 else {
        oneByOne = true
        return
      }
      if let at = byFirst.firstIndex(where: { $0.first == first }) {
        byFirst[at].entries.append(entry)
      } else {
        byFirst.append((first, [entry]))
      }
    }
    var groups: [(first: UInt32, seconds: [UInt32?], range: Range<Int>)] = []
    for (first, group) in byFirst {
      // The pair filter sees the text folded: so are the words' second characters here.
      let seconds = group.map { FirstCharacterIndex.second(of: Self.folded(String(decoding: $0.word, as: UTF8.self))) }
      groups.append((first, seconds, entries.count..<(entries.count + group.count)))
      entries.append(contentsOf: group)
    }
    index = FirstCharacterIndex(groups)
  }

  private static func folded(_ word: String) -> [UInt8] { word.utf8.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 } }

  /// Rules with `outside_body` and the others.
  private var outsideRules: UInt64 = 0
  /// Each rule's length bounds (characters, inclusive), and which rules have exact lines,
  /// affixes and a regex: the loops over a line's candidates read these, not the rules.
  private var bounds: [(min: Int, max: Int)] = []
  private var exactRules: UInt64 = 0
  private var affixRules: UInt64 = 0
  private var regexRules: UInt64 = 0

  /// The index of the first rule from `start` on that matches the line; with `outsideBody`,
  /// only among the rules whose `outside_body` is that.
  func firstMatch(_ line: String, chars: Int, hash: UInt64, outsideBody: Bool? = nil, from start: Int = 0) -> Int? {
    if oneByOne {
      return rules.indices.dropFirst(start).first {
        (outsideBody == nil || rules[$0].outsideBody == outsideBody) && rules[$0].matches(line, chars: chars, hash: hash)
      }
    }
    guard start < rules.count else { return nil }
    let all = (rules.count == 64 ? ~UInt64(0) : (UInt64(1) << UInt64(rules.count)) - 1) & ~((UInt64(1) << UInt64(start)) - 1)
    let eligible = outsideBody.map { $0 ? all & outsideRules : all & ~outsideRules } ?? all
    var candidates: UInt64 = 0
    bounds.withUnsafeBufferPointer { bounds in
      var rest = eligible
      while rest != 0 {
        let index = rest.trailingZeroBitCount
        rest &= rest &- 1
        if chars <= bounds[index].max, chars >= bounds[index].min { candidates |= UInt64(1) << UInt64(index) }
      }
    }
    if candidates == 0 { return nil }
    var containsHits: UInt64 = 0
    var requiresHits: UInt64 = 0
    if candidates & (containsRules | requiresRules) != 0 { (containsHits, requiresHits) = scan(line) }
    return rules.withUnsafeBufferPointer { rules -> Int? in
      while candidates != 0 {
        let index = candidates.trailingZeroBitCount
        candidates &= candidates &- 1
        let bit = UInt64(1) << UInt64(index)
        if exactRules & bit != 0, rules[index].exactHashes.contains(hash), rules[index].exact.contains(line) { return index }
        if affixRules & bit != 0, rules[index].affixMatch(line) { return index }
        if containsHits & bit != 0 { return index }
        if regexRules & bit != 0, let regex = rules[index].regex {
          if requiresRules & bit != 0, requiresHits & bit == 0 { continue }
          if regex.matches(line) { return index }
        }
      }
      return nil
    }
  }

  /// Which rules' `contains` words, and which rules' `requires` words, occur in the line.
  /// Every word at every position counts (not only the longest), so overlapping words of
  /// different rules are all seen.
  private func scan(_ line: String) -> (contains: UInt64, requires: UInt64) {
    var contains: UInt64 = 0
    var requires: UInt64 = 0
    var copy = line
    copy.withUTF8 { bytes in
      var next = 0
      while let (index, scalar, width) = self.index.nextFirst(bytes, from: next) {
        next = index + width
        if let candidates = self.index.candidates(bytes, at: index, first: scalar, width: width) {
          for position in candidates where entries[position].word.count <= bytes.count - index {
            let candidate = entries[position]
            var equal = true
            for offset in 0..<candidate.word.count {
              var byte = bytes[index + offset]
              if !candidate.exact, byte &- 0x41 < 26 { byte |= 0x20 }
              if byte != candidate.word[offset] { equal = false; break }
            }
            if equal {
              contains |= candidate.contains
              requires |= candidate.requires
            }
          }
        }
      }
    }
    return (contains, requires)
  }
}
