/// Bylines, datelines and copyright lines, with the words from a rule pack's `metadata`
/// section (`기자`, `입력`, `저작권자 ⓒ`).
struct BylineParser: Sendable {
  let rules: MetadataRules

  /// A name: 2–12 letters, no digits (Korean names are 2–4 syllables; Latin names longer).
  static func isName(_ word: Substring) -> Bool {
    let count = word.unicodeScalars.count
    guard count >= 2, count <= 12 else { return false }
    return word.unicodeScalars.allSatisfy { $0.properties.isAlphabetic }
  }

  /// Names before a byline title in `words` ending at `titleIndex`: "김정영 기자", "김철수·이영희 기자".
  func names(before titleIndex: Int, in words: [Substring]) -> [String]? {
    guard titleIndex >= 1 else { return nil }
    var names: [String] = []
    var index = titleIndex - 1
    // One word, possibly joined by '·' or ',': the common case. "하동=강태오": the place goes.
    var word = words[index]
    if let equals = word.lastIndex(of: "=") { word = word[word.index(after: equals)...] }
    for part in word.split(whereSeparator: { $0 == "·" || $0 == "," || $0 == "ㆍ" || $0 == "/" }) {
      guard Self.isName(part) else { return nil }
      names.append(String(part))
    }
    // "김철수 이영희 기자": a second name word just before.
    index -= 1
    if index >= 0, words[index].unicodeScalars.count <= 4, Self.isName(words[index]), titleIndex - index == 2,
      words[index].unicodeScalars.allSatisfy({ (0xAC00...0xD7A3).contains($0.value) })
    {
      names.insert(String(words[index]), at: 0)
    }
    return names.isEmpty ? nil : names
  }

  func isTitle(_ word: Substring) -> Bool {
    rules.bylineTitles.contains { word == $0 }
  }

  /// A line that is only a byline: credit prefix, names, a title, then an e-mail, a date,
  /// or nothing. Returns the names.
  func bylineLine(_ line: Substring) -> [String]? {
    guard line.utf8.count <= 360, rules.bylineTitles.contains(where: { line.has($0) }), line.unicodeScalars.count <= 90 else { return nil }
    var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
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
    guard let titleIndex = words.firstIndex(where: { isTitle($0.trimmingTrailing(" ]).>=】")) }), titleIndex <= 6,
      let names = names(before: titleIndex, in: words)
    else { return nil }
    // What follows the title must be contact details or a date, not prose.
    for word in words[(titleIndex + 1)...] {
      let plain = word.trimmingTrailing(" ]).>=】,")
      if plain.isEmpty || plain.has("@") || plain == "=" { continue }
      if plain.unicodeScalars.allSatisfy({ $0.properties.numericType != nil || ".:-/()".unicodeScalars.contains($0) }) { continue }
      if rules.publishedLabels.contains(String(plain)) || rules.modifiedLabels.contains(String(plain)) { continue }
      if plain.hasPrefix("(") || plain.hasSuffix(")") { continue }
      if rules.dateWords.pm.contains(String(plain)) || rules.dateWords.am.contains(String(plain)) { continue }
      return nil
    }
    return names
  }

  struct Prefix {
    var length: Int
    var names: [String]
    var outlet: String?
  }

  /// An inline byline or outlet prefix at the start of a paragraph:
  /// "[뉴스스페이스=김정영 기자] ", "[비즈니스포스트] ", "(서울=연합뉴스) 홍길동 기자 = ".
  func inlinePrefix(_ line: Substring) -> Prefix? {
    guard let head = line.unicodeScalars.first, head == "[" || head == "(" || head == "【" || head == "<" || rules.bylineTitles.contains(where: { line.prefix(60).has($0) }) else { return nil }
    guard let open = line.first, open == "[" || open == "(" || open == "【" || open == "<" else {
      return namesThenEquals(line, offset: 0, outlet: nil)
    }
    let close: Character = open == "[" ? "]" : open == "(" ? ")" : open == "<" ? ">" : "】"
    guard let end = line.prefix(48).firstIndex(of: close) else { return nil }
    let inside = line[line.index(after: line.startIndex)..<end]
    let afterIndex = line.index(after: end)
    let consumed = line[..<afterIndex].unicodeScalars.count
    let insideWords = inside.split(separator: " ")
    if let equals = inside.firstIndex(of: "=") {
      let left = inside[..<equals].trimmingSpaces
      let right = inside[inside.index(after: equals)...].trimmingSpaces
      let rightWords = right.split(separator: " ")
      if let titleIndex = rightWords.firstIndex(where: { isTitle($0) }), let names = names(before: titleIndex, in: rightWords) {
        // [OUTLET=NAME 기자]
        return Prefix(length: consumed + spaces(after: afterIndex, in: line), names: names, outlet: left.isEmpty ? nil : String(left))
      }
      // (CITY=OUTLET) NAME 기자 =
      let outlet = right.isEmpty ? nil : String(right)
      if let following = namesThenEquals(line[afterIndex...], offset: consumed, outlet: outlet) { return following }
      return Prefix(length: consumed + spaces(after: afterIndex, in: line), names: [], outlet: outlet)
    }
    if let titleIndex = insideWords.firstIndex(where: { isTitle($0) }), let names = names(before: titleIndex, in: insideWords) {
      return Prefix(length: consumed + spaces(after: afterIndex, in: line), names: names, outlet: nil)  // [홍길동 기자]
    }
    // [비즈니스포스트]: an outlet name alone, one or two words, no digits.
    if open == "[", insideWords.count <= 2, !inside.isEmpty,
      inside.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0 == " " }),
      line[afterIndex...].unicodeScalars.count >= 20
    {
      return Prefix(length: consumed + spaces(after: afterIndex, in: line), names: [], outlet: String(inside))
    }
    return nil
  }

  /// "홍길동 기자 = " at `line`'s start (after an optional bracket already consumed).
  func namesThenEquals(_ line: Substring, offset: Int, outlet: String?) -> Prefix? {
    let head = line.prefix(40)
    guard let equals = head.firstIndex(of: "=") else { return nil }
    let words = head[..<equals].split(separator: " ")
    guard let last = words.last, isTitle(last), let names = names(before: words.count - 1, in: words) else { return nil }
    let after = line.index(after: equals)
    return Prefix(length: offset + line[..<after].unicodeScalars.count + spaces(after: after, in: line), names: names, outlet: outlet)
  }

  func spaces(after index: Substring.Index, in line: Substring) -> Int {
    line[index...].unicodeScalars.prefix { $0 == " " || $0 == "\u{A0}" }.count
  }

  /// A byline at the end of a paragraph: "… 말했다. 이근호 기자". Returns the names and the
  /// number of characters to cut.
  func trailingByline(_ line: Substring) -> (names: [String], length: Int)? {
    guard rules.bylineTitles.contains(where: { line.has($0) }) else { return nil }
    let words = line.split(separator: " ", omittingEmptySubsequences: true)
    guard words.count >= 3 else { return nil }
    var titleIndex = words.count - 1
    // "… 기자 email@x" also.
    if words[titleIndex].has("@") { titleIndex -= 1 }
    guard isTitle(words[titleIndex]), let names = names(before: titleIndex, in: words) else { return nil }
    let firstName = words[titleIndex - (names.count > 1 && !words[titleIndex - 1].has("·") ? 2 : 1)]
    let before = line[..<firstName.startIndex].trimmingSpaces
    guard let last = before.last, ".!?。”\"'’".contains(last) else { return nil }
    return (names, line[before.endIndex...].unicodeScalars.count)
  }

  /// "저작권자 ⓒ 믜디일보, 무단 전재 및 재배포 금지" → "믜디일보".
  func copyrightOutlet(_ line: Substring) -> String? {
    var rest = line
    var found = false
    for marker in ["ⓒ", "©", "(c)", "(C)", "Copyright", "copyright", "COPYRIGHT"] {
      if let range = rest.range(of: marker) {
        rest = rest[range.upperBound...]
        found = true
        while let next = rest.first, next == " " || next == "ⓒ" || next == "©" || next == ":" { rest = rest.dropFirst() }
      }
    }
    guard found else { return nil }
    // Skip a year: "ⓒ 2025 …".
    if rest.prefix(4).allSatisfy(\.isNumber), rest.count > 4 { rest = rest.dropFirst(4).drop { $0 == " " || $0 == "," || $0 == "." } }
    var name = ""
    for character in rest {
      if ",.&|(<[/".contains(character) { break }
      name.append(character)
    }
    for stop in [" 무단", " All", " all", " 저작권", " Inc", " 허가", " 재배포"] {
      if let range = name.range(of: stop) { name = String(name[..<range.lowerBound]) }
    }
    name = name.trimmed
    guard !name.isEmpty, name.unicodeScalars.count <= 30, !name.has("@") else { return nil }
    return name
  }
}

extension Substring {
  func trimmingTrailing(_ characters: String) -> Substring {
    var result = self
    while let last = result.last, characters.contains(last) { result = result.dropLast() }
    return result
  }
}
