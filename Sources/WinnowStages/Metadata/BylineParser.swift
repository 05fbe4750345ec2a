/// Bylines, datelines and copyright lines, with the words from a rule pack's `metadata`
/// section (`기자`, `입력`, `저작권자 ⓒ`).
struct BylineParser: Sendable {
  let rules: MetadataRules
  /// The byline titles that are only ASCII and Hangul syllables, as bytes, and the others.
  let plainTitles: [[UInt8]]
  let otherTitles: [String]

  init(rules: MetadataRules) {
    self.rules = rules
    plainTitles = rules.bylineTitles.filter { Self.isPlain($0[...]) }.map { Array($0.utf8) }
    otherTitles = rules.bylineTitles.filter { !Self.isPlain($0[...]) }
  }

  /// A name: 2–4 Hangul syllables not ending in a particle names never end in ("현장의",
  /// "기자는" are not names), a capitalised word of letters (Latin, Cyrillic…), or 2–4 Han
  /// characters.
  static func isName(_ word: Substring) -> Bool {
    let scalars = word.unicodeScalars
    let count = word.scalarCount
    guard count >= 2, count <= 12, let first = scalars.first, let last = scalars.last else { return false }
    if (0xAC00...0xD7A3).contains(first.value) {
      guard count <= 4, scalars.allSatisfy({ (0xAC00...0xD7A3).contains($0.value) }) else { return false }
      return !"의는을를에와과로들".unicodeScalars.contains(last)  // not 은 or 도: 하은, 지은 are names
    }
    if (0x4E00...0x9FFF).contains(first.value) { return count <= 4 && scalars.allSatisfy { (0x4E00...0x9FFF).contains($0.value) } }
    return first.properties.isUppercase && scalars.allSatisfy { $0.properties.isAlphabetic || $0 == "-" || $0 == "'" }
  }

  /// Names before a byline title in `words` ending at `titleIndex`: "김정영 기자",
  /// "김철수·이영희 기자", "김철수, 이영희 기자", "하동=강태오 기자".
  func names(before titleIndex: Int, in words: [Substring]) -> [String]? {
    guard titleIndex >= 1 else { return nil }
    var names: [String] = []
    var index = titleIndex - 1
    func parts(_ raw: Substring) -> [Substring]? {
      var word = raw
      if let equals = word.lastIndex(of: "=") { word = word[word.index(after: equals)...] }
      let split = word.split(whereSeparator: { $0 == "·" || $0 == "," || $0 == "ㆍ" || $0 == "/" })
      return split.allSatisfy(Self.isName) && !split.isEmpty ? split : nil
    }
    guard let last = parts(words[index]) else { return nil }
    names = last.map(String.init)
    // Earlier names joined by an explicit separator: "김철수, 이영희 기자", "김철수· 이영희 기자".
    while index >= 1, let separator = words[index - 1].last, separator == "," || separator == "·", names.count < 6,
      let earlier = parts(words[index - 1].dropLast())
    {
      names.insert(contentsOf: earlier.map(String.init), at: 0)
      index -= 1
    }
    return names
  }

  func isTitle(_ word: Substring) -> Bool {
    // Text of ASCII and precomposed Hangul syllables only is in NFC, so two such texts are
    // canonically equal exactly when their bytes are: String's `==` (which normalizes) is
    // needed only for other text.
    if Self.isPlain(word) {
      return plainTitles.contains { word.utf8.elementsEqual($0) } || otherTitles.contains { word == $0 }
    }
    return rules.bylineTitles.contains { word == $0 }
  }

  /// Only ASCII and Hangul syllables (U+AC00–D7A3).
  static func isPlain(_ text: Substring) -> Bool {
    text.unicodeScalars.allSatisfy { $0.value < 0x80 || (0xAC00...0xD7A3).contains($0.value) }
  }

  /// A line that is only a byline: credit prefix, names, a title, then an e-mail, a date,
  /// or nothing. Returns the names.
  func bylineLine(_ line: Substring) -> [String]? {
    // Up to 90 characters; 150 with an e-mail ("홍길동 기자 a@b.kr 기사입력 … 수정 …"). A
    // paragraph of that length mentioning a press conference (기자회견) is not parsed.
    let bytes = line.utf8.count
    guard bytes <= 360 || bytes <= 600 && line.has("@") else { return nil }
    let count = line.scalarCount
    guard count <= 90 || count <= 150 && line.has("@"), rules.titleMatcher.occurs(in: line) else { return nil }
    var words = line.spaceSeparatedWords
    // "[서울포스트 대전=송지민 기자]": up to two words before the names inside brackets.
    let head = line.unicodeScalars.first
    let bracketed = head == "[" || head == "(" || head == "【"
    // "글: 홍길동 기자", "[홍길동 기자]", "(홍길동 기자)", "홍길동 기자 =".
    if let first = words.first {
      let stripped = first.drop { $0 == "[" || $0 == "(" || $0 == "<" || $0 == "【" }
      if stripped.isEmpty { words.removeFirst() } else { words[0] = stripped }
    }
    if let first = words.first, first.hasSuffix(":") || first.hasSuffix("="),
      rules.creditPrefixes.contains(String(first.dropLast()))
    {
      words.removeFirst()
    }
    // One or more "NAMES TITLE" groups ("김철수 기자 a@b.kr, 이영희 기자 c@d.kr"); every other
    // word must be contact details, a date, a date label or a separator, never prose.
    var names: [String] = []
    var next = 0
    var index = 0
    while index < words.count {
      guard isTitle(words[index].trimmingTrailing(" ]).>=】,")) else { index += 1; continue }
      guard let found = self.names(before: index, in: words) else { return nil }
      var first = index - 1
      while first >= 1, let separator = words[first - 1].last, separator == "," || separator == "·" { first -= 1 }
      guard first >= next else { return nil }
      let outletWords = next == 0 && bracketed ? min(2, first) : 0
      for word in words[(next + outletWords)..<first] where !isContactOrDate(word) { return nil }
      names.append(contentsOf: found.filter { !names.contains($0) })
      next = index + 1
      index += 1
    }
    guard !names.isEmpty else { return nil }
    for word in words[next...] where !isContactOrDate(word) { return nil }
    return names
  }

  /// Words a byline line may hold besides names and titles.
  func isContactOrDate(_ word: Substring) -> Bool {
    let plain = word.trimmingTrailing(" ]).>=】,:")
    if plain.isEmpty || plain.has("@") || plain == "=" || plain == "|" || plain == "·" || plain == "/" { return true }
    // Numbers and dates ("2024년", "4월", "09:38:14", "(목)").
    if let first = plain.unicodeScalars.first, first.properties.numericType != nil { return true }
    let text = String(plain)
    if rules.publishedLabels.contains(text) || rules.modifiedLabels.contains(text) { return true }
    if plain.hasPrefix("(") || plain.hasSuffix(")") { return true }
    if rules.dateWords.pm.contains(text) || rules.dateWords.am.contains(text) { return true }
    if rules.dateWords.zoneNames.contains(where: { $0.name == text }) { return true }
    return false
  }

  struct Prefix {
    var length: Int
    var names: [String]
    var outlet: String?
    /// The outlet came from a bare "[WORD]" tag: weaker than a copyright line.
    var bareOutlet = false
  }

  /// An outlet candidate: letters and spaces, no digits, not a section tag ("앵커", "속보").
  func isOutletName(_ text: Substring) -> Bool {
    !text.isEmpty && text.scalarCount <= 30 && !rules.nonOutletTags.contains(String(text))
      && text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0 == " " || $0 == "·" || $0 == "&" }
  }

  /// An inline byline or outlet prefix at the start of a paragraph:
  /// "[뉴스스페이스=김정영 기자] ", "[비즈니스포스트] ", "(서울=연합뉴스) 홍길동 기자 = ".
  func inlinePrefix(_ line: Substring) -> Prefix? {
    // Prefixes by scalars, not Characters: grapheme breaking cost more than the rest here.
    guard let head = line.unicodeScalars.first,
      head == "[" || head == "(" || head == "【" || head == "<" || rules.titleMatcher.occurs(in: Substring(line.unicodeScalars.prefix(60)))
    else { return nil }
    guard let open = line.first, open == "[" || open == "(" || open == "【" || open == "<" else {
      return namesThenEquals(line, offset: 0, outlet: nil)
    }
    let close: Character = open == "[" ? "]" : open == "(" ? ")" : open == "<" ? ">" : "】"
    guard let end = line.prefix(48).firstIndex(of: close) else { return nil }
    let inside = line[line.index(after: line.startIndex)..<end]
    let afterIndex = line.index(after: end)
    let consumed = line[..<afterIndex].scalarCount
    let insideWords = inside.spaceSeparatedWords
    if let equals = inside.firstIndex(of: "=") {
      let left = inside[..<equals].trimmingSpaces
      let right = inside[inside.index(after: equals)...].trimmingSpaces
      let rightWords = right.spaceSeparatedWords
      if let titleIndex = rightWords.firstIndex(where: { isTitle($0) }), let names = names(before: titleIndex, in: rightWords) {
        // [OUTLET=NAME 기자]
        return Prefix(length: consumed + spaces(after: afterIndex, in: line), names: names, outlet: isOutletName(left) ? String(left) : nil)
      }
      // (CITY=OUTLET) NAME 기자 =
      // "(1달러=1,300원)" is no dateline: the outlet must be a name.
      guard isOutletName(right), isOutletName(left) else { return nil }
      let outlet = String(right)
      if let following = namesThenEquals(line[afterIndex...], offset: consumed, outlet: outlet) { return following }
      return Prefix(length: consumed + spaces(after: afterIndex, in: line), names: [], outlet: outlet)
    }
    if let titleIndex = insideWords.firstIndex(where: { isTitle($0) }), let names = names(before: titleIndex, in: insideWords) {
      // [OUTLET NAME 기자]: a word before the names is the outlet.
      let outlet = titleIndex - names.count == 1 && open == "[" && isOutletName(insideWords[0]) ? String(insideWords[0]) : nil
      return Prefix(length: consumed + spaces(after: afterIndex, in: line), names: names, outlet: outlet)  // [홍길동 기자]
    }
    // [비즈니스포스트]: an outlet name alone, one or two words, no digits.
    if open == "[", insideWords.count <= 2, isOutletName(inside), line[afterIndex...].scalarCount >= 20 {
      return Prefix(length: consumed + spaces(after: afterIndex, in: line), names: [], outlet: String(inside), bareOutlet: true)
    }
    return nil
  }

  /// "홍길동 기자 = " at `line`'s start (after an optional bracket already consumed).
  func namesThenEquals(_ line: Substring, offset: Int, outlet: String?) -> Prefix? {
    // No '=' byte, no "=" Character: most paragraphs leave here without grapheme breaking.
    guard line.has("=") else { return nil }
    let head = line.prefix(40)
    guard let equals = head.firstIndex(of: "=") else { return nil }
    let words = head[..<equals].spaceSeparatedWords
    guard let last = words.last, isTitle(last), var names = names(before: words.count - 1, in: words) else { return nil }
    // News agencies write several reporters with spaces: "홍길동 김영희 기자 =". Every word
    // before the title here is a name (2–4 Hangul syllables).
    let hangulName: (Substring) -> Bool = { word in
      (2...4).contains(word.scalarCount) && word.unicodeScalars.allSatisfy { (0xAC00...0xD7A3).contains($0.value) }
    }
    if names.count == 1, words.count >= 3, words.count <= 5, words.dropLast().allSatisfy(hangulName) {
      names = words.dropLast().map(String.init)
    }
    let after = line.index(after: equals)
    return Prefix(length: offset + line[..<after].scalarCount + spaces(after: after, in: line), names: names, outlet: outlet)
  }

  func spaces(after index: Substring.Index, in line: Substring) -> Int {
    line[index...].unicodeScalars.prefix { $0 == " " || $0 == "\u{A0}" }.count
  }

  /// A byline at the end of a paragraph: "… 말했다. 이근호 기자". Returns the names and the
  /// number of characters to cut.
  func trailingByline(_ line: Substring) -> (names: [String], length: Int)? {
    guard rules.titleMatcher.occurs(in: line) else { return nil }
    let words = line.spaceSeparatedWords
    guard words.count >= 3 else { return nil }
    var titleIndex = words.count - 1
    // "… 기자 email@x" also.
    if words[titleIndex].has("@") { titleIndex -= 1 }
    guard isTitle(words[titleIndex]), let names = names(before: titleIndex, in: words) else { return nil }
    var firstIndex = titleIndex - 1
    while firstIndex >= 1, let separator = words[firstIndex - 1].last, separator == "," || separator == "·" { firstIndex -= 1 }
    let firstName = words[firstIndex]
    let before = line[..<firstName.startIndex].trimmingSpaces
    guard let last = before.last, ".!?。”\"'’".contains(last) else { return nil }
    return (names, line[before.endIndex...].scalarCount)
  }

  /// "저작권자 ⓒ 믜디일보, 무단 전재 및 재배포 금지" → "믜디일보".
  func copyrightOutlet(_ line: Substring) -> String? {
    var rest = line
    var found = false
    for marker in ["ⓒ", "©", "(c)", "(C)", "Copyright", "copyright", "COPYRIGHT"] {
      if let range = rest.byteRange(of: marker) {
        rest = rest[range.upperBound...]
        found = true
        while let next = rest.first, next == " " || next == "ⓒ" || next == "©" || next == ":" { rest = rest.dropFirst() }
      }
    }
    guard found else { return nil }
    // Skip a year: "ⓒ 2025 …".
    if rest.prefix(4).allSatisfy(\.isNumber), rest.count > 4 { rest = rest.dropFirst(4).drop { $0 == " " || $0 == "," || $0 == "." } }
    // Up to the first of , . & | ( < [ / (ASCII: found by bytes, not by Characters).
    let stop = rest.utf8.firstIndex { byte in
      switch byte {
      case UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "("), UInt8(ascii: "<"),
        UInt8(ascii: "["), UInt8(ascii: "/"):
        return true
      default: return false
      }
    }
    var name = String(rest[..<(stop ?? rest.endIndex)])
    for stop in [" 무단", " All", " all", " 저작권", " Inc", " 허가", " 재배포"] {
      if let range = name.byteRange(of: stop) { name = String(name[..<range.lowerBound]) }
    }
    name = name.trimmed
    guard !name.isEmpty, name.scalarCount <= 30, !name.has("@") else { return nil }
    return name
  }
}

extension Substring {
  /// Drops trailing characters found in `characters` (single-scalar characters; compared by
  /// scalar, which grapheme breaking made costly).
  func trimmingTrailing(_ characters: String) -> Substring {
    var scalars = unicodeScalars
    while let last = scalars.last, characters.unicodeScalars.contains(last) { scalars.removeLast() }
    return Substring(scalars)
  }
}
