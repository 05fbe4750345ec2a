/// The author candidates of a page and how they are cleaned and picked: JSON-LD `author`
/// (a string, a Person, an array, or an `@id` pointing at a Person elsewhere in the `@graph`),
/// `<meta name=author>`, the byline Yoast writes into `twitter:data1`, microdata
/// `itemprop=author`, an element whose class names a byline, and `rel=author` links. Byline
/// words ("By", "Von", "View all posts by") come from the rule pack.
struct HTMLAuthors {
  let prefixes: [String]
  let stops: Set<String>
  var ld: [String] = []
  /// `@id`s of JSON-LD authors given by reference, and the Persons' names by `@id`.
  var ldReferences: [String] = []
  var persons: [String: String] = [:]
  var meta: [String] = []
  var twitterLabel: String?
  var twitterData: String?
  var itemprop: [String] = []
  var byline: [String] = []
  var rel: [String] = []
  /// A byline in the text after the headline ("By Jane Doe").
  var text: [String] = []
  /// A byline further down the page ("Autor: X" at the article's foot).
  var late: [String] = []
  /// The byline prefixes' UTF-8 bytes: a text far from the headline is compared with them
  /// byte by byte before any String is made of it.
  let prefixBytes: [[UInt8]]
  /// The first bytes of the prefixes, ASCII folded: a text whose first byte is ASCII and none
  /// of these opens with no prefix, and is not lowercased to be compared with them.
  let prefixFirstBytes: [Bool]

  /// Words a byline element holds without a name ("Posted", "By", "Veröffentlicht"), lowercased
  /// (`MetadataRules.bylineLabels`).
  let labels: Set<String>

  let particles: Set<String>

  init(prefixes: [String], stops: Set<String> = [], labels: Set<String> = [], particles: Set<String> = []) {
    self.prefixes = prefixes
    self.stops = stops
    self.labels = labels
    self.particles = particles
    self.prefixBytes = prefixes.map { Array($0.utf8) }
    var firstBytes = [Bool](repeating: false, count: 256)
    for prefix in prefixes { if let first = prefix.utf8.first { firstBytes[Int(DateParsing.lowerASCII(first))] = true } }
    self.prefixFirstBytes = firstBytes
  }

  /// Whether `value` may open with a prefix, by its first byte: an ASCII byte lowercases to
  /// an ASCII byte, so it must open a prefix as it is or folded (the prefixes and the pages'
  /// text are compared as written, precomposed).
  private func mayOpenWithPrefix(_ value: String) -> Bool {
    guard let first = value.utf8.first else { return false }
    return first >= 0x80 || prefixFirstBytes[Int(DateParsing.lowerASCII(first))]
  }

  /// Whether a text far from the headline may open a byline: its first byte other than white
  /// space opens a byline word, as a capital when it is ASCII ("Von X", "Autor:"); a
  /// lowercase "by" or "von" there is a credit or prose ("Theme: Graphy by X", "Leasing von
  /// Firmenwagen").
  func mayOpenByline(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let start = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else { return false }
    let first = bytes[start]
    if first < 0x80, first &- 0x41 >= 26 { return false }
    for prefix in prefixBytes where prefix.count <= bytes.count - start {
      var matches = true
      for offset in prefix.indices where DateParsing.lowerASCII(bytes[start + offset]) != prefix[offset] {
        matches = false
        break
      }
      guard matches else { continue }
      // A whole word: a space, a colon or the end follows ("Von X", "Autor:"), not "Vonovia".
      let next = start + prefix.count
      if next == bytes.count || bytes[next] == 0x20 || bytes[next] == UInt8(ascii: ":") || prefix.last == UInt8(ascii: ":") { return true }
    }
    return false
  }

  func choose(outlet: String?) -> [String] {
    var resolved = ld
    if resolved.isEmpty { resolved = ldReferences.compactMap { persons[$0] }.flatMap { split($0) } }
    // Yoast's "Written by" / "Verfasst von" pair; the second pair is the reading time.
    var twitter: [String] = []
    if twitterLabel != nil, let data = twitterData, !data.contains(where: \.isNumber) { twitter = split(data) }
    for candidate in [resolved, meta, twitter, itemprop, byline, rel, text, late] {
      var seen = Set<String>()
      let names = candidate.map { Self.trimmingMarks(HTMLMetadata.collapseSpaces($0).trimmed) }.filter { Self.isName($0) && $0 != outlet && seen.insert($0).inserted }
      if !names.isEmpty { return names }
    }
    return []
  }

  /// A name without the arrows and marks a theme sets after it ("r23 »", "Jane Doe ›"):
  /// trailing characters that are neither letters, digits, nor the period or parenthesis
  /// that end "Jr." or "(dpa)".
  static func trimmingMarks(_ name: String) -> String {
    var scalars = Substring(name).unicodeScalars
    while let last = scalars.last, !last.properties.isAlphabetic, last.properties.numericType == nil, last != ".", last != ")" {
      scalars.removeLast()
    }
    return String(scalars).trimmed
  }

  mutating func readLD(_ value: JSONValue) {
    switch value {
    case .string(let name): ld.append(contentsOf: split(name))
    case .array(let items): for item in items { readLD(item) }
    case .object:
      // An organisation is a publisher, not an author.
      if Self.isOrganization(value) { return }
      if let name = value["name"]?.string { ld.append(contentsOf: split(name)) } else if let id = value["@id"]?.string { ldReferences.append(id) }
    case .other: break
    }
  }

  /// Remembers a JSON-LD Person's name by its `@id`.
  mutating func notePerson(_ object: JSONValue) {
    guard let id = object["@id"]?.string, let name = object["name"]?.string, !Self.isOrganization(object) else { return }
    let type = object["@type"]
    let isPerson = type?.string == "Person" || { if case .array(let types) = type { return types.contains { $0.string == "Person" } } else { return false } }()
    if isPerson, persons[id] == nil { persons[id] = name }
  }

  static func isOrganization(_ value: JSONValue) -> Bool {
    guard let type = value["@type"]?.string else { return false }
    return type == "Organization" || type == "NewsMediaOrganization" || type == "Corporation"
  }

  /// A byline element's text as names: prefix words removed, cut before a date, a separator
  /// or a line of other words ("Von R. R. am 12.3.2014", "By X | 3 min read").
  func cleanByline(_ text: String) -> [String] {
    // Separators left before the name ("| X", "— X") go first.
    var value = String(HTMLMetadata.collapseSpaces(text).unicodeScalars.drop { !$0.properties.isAlphabetic })
    // "Posted on September 21, 2020 by X": the name follows a byline word inside the text
    // when what precedes it is a date or another byline word, not a name ("Walter von Aachen").
    let lower = value.lowercased()
    for prefix in prefixes where prefix.utf8.count >= 2 {
      guard let range = lower.byteRange(of: " " + prefix + " ", backwards: true) else { continue }
      let head = lower[..<range.lowerBound]
      guard head.contains(where: \.isNumber) || prefixes.contains(where: { head.hasPrefix($0) }) else { continue }
      let offset = lower.utf8.distance(from: lower.startIndex, to: range.upperBound)
      value = String(decoding: value.utf8.dropFirst(offset), as: UTF8.self)
      break
    }
    for stop in [" | ", " - ", " – ", " — ", " · ", " • ", " / ", "|", "•", "\n"] {
      if let range = value.byteRange(of: stop), range.lowerBound > value.startIndex {
        value = String(value[..<range.lowerBound]).trimmed
      }
    }
    // Cut before the first word that starts with a digit (a date, a time), not inside a
    // user name ("Bo2man").
    var previous: Character = " "
    for (offset, character) in value.enumerated() {
      if character.isNumber, previous == " " || previous == "," || previous == "(" {
        value = String(value.prefix(offset))
        break
      }
      previous = character
    }
    value = value.trimmed
    // A trailing connector before the cut date ("Von R. R. am", "by X on").
    if let space = value.lastIndex(of: " ") {
      let last = value[value.index(after: space)...]
      if last.count <= 3, last.first?.isLowercase == true { value = String(value[..<space]).trimmed }
    }
    while let last = value.last, last == "," || last == ":" || last == "-" { value.removeLast() }
    // "X am Samstag": a stop word ends the name (after the prefix words, which may hold one:
    // "View all posts by").
    value = stripPrefixes(value)
    let words = value.split(separator: " ")
    if let stop = words.dropFirst().firstIndex(where: { stops.contains($0.lowercased()) }) { value = words[..<stop].joined(separator: " ") }
    // Only names: a byline element that held something else leaves the next one its chance.
    return split(value).filter { Self.isName($0) && !labels.contains($0.lowercased()) }
  }

  /// A text that is only a byline word ("By", "Von:").
  func isBylineWord(_ value: String) -> Bool {
    guard mayOpenWithPrefix(value) else { return false }
    var lower = value.lowercased()
    if lower.hasSuffix(":") { lower.removeLast() }
    return prefixes.contains(lower)
  }

  /// A text that opens with a byline word and a space or colon ("By Jane Doe").
  func startsWithBylineWord(_ value: String) -> Bool {
    guard mayOpenWithPrefix(value) else { return false }
    let lower = value.lowercased()
    // Compared as bytes: a space or a colon after the prefix's bytes ends a character there.
    for prefix in prefixes where lower.utf8.starts(with: prefix.utf8) {
      let next = lower.utf8.dropFirst(prefix.utf8.count).first
      if next == 0x20 || next == UInt8(ascii: ":") { return true }
    }
    return false
  }

  /// Every word of a name read from running text starts with a capital, but for the pack's
  /// name particles ("Ludwig van Beethoven"): "Montag bis Freitag" is not a name.
  func isCapitalized(_ name: String) -> Bool {
    name.split(separator: " ").allSatisfy { word in
      guard let first = word.unicodeScalars.first else { return false }
      return first.properties.isUppercase || particles.contains(String(word))
    }
  }

  /// A person's full name, as a byline far from the headline must be: two to four words,
  /// each capitalized (no particles: "Von Grätzltelefon zu Cloud-Lösungen" is a heading),
  /// no label ("Illustrator: X"). A desk or a party ("Newsletter", "SPÖ") is one word.
  /// Also the name after a date line below the headline ("11.12.2019 - Amelie Loevenich").
  func isFullName(_ name: String) -> Bool {
    let words = name.split(separator: " ")
    guard words.count >= 2, words.count <= 4, !name.contains(":") else { return false }
    // Words of letters, with the periods, hyphens and apostrophes of "R. R.", "Rendi-Wagner"
    // and "O'Sullivan" ("DJV/FWR) Berlin" is an agency's line).
    return words.allSatisfy { word in
      word.unicodeScalars.first?.properties.isUppercase == true
        && word.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0 == "." || $0 == "-" || $0 == "'" || $0 == "’" }
    }
  }

  /// Names in a byline value: prefix words removed, split at commas and " and "/"&".
  func split(_ text: String) -> [String] {
    let value = stripPrefixes(text)
    let separated = value.replacingBytes(of: " and ", with: ",").replacingBytes(of: " & ", with: ",").replacingBytes(of: " und ", with: ",")
    return separated.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
  }

  /// The text without the byline words it starts with ("By", "Von", "Autor:").
  func stripPrefixes(_ text: String) -> String {
    var value = HTMLMetadata.collapseSpaces(text).trimmed
    var stripping = true
    while stripping {
      stripping = false
      let lower = value.lowercased()
      for prefix in prefixes where lower.hasPrefix(prefix) {
        let rest = value.utf8.dropFirst(prefix.utf8.count)
        // The prefix is a whole word: a space, a colon or the end follows.
        guard let next = rest.first, next == 0x20 || next == UInt8(ascii: ":") || prefix.hasSuffix(":") else { continue }
        value = String(decoding: rest, as: UTF8.self).trimmed
        if value.hasPrefix(":") { value = String(value.dropFirst()).trimmed }
        stripping = !value.isEmpty
        break
      }
    }
    return value
  }

  /// A person's or desk's name: 1–6 words, at most 60 characters, no word of digits, no
  /// address.
  static func isName(_ value: String) -> Bool {
    let count = value.unicodeScalars.count
    // A colon left inside is a label's ("Foto: X", "Illustrator: X"), not a name's.
    guard count >= 2, count <= 60, !value.has("@"), !value.has("http"), !value.has(":") else { return false }
    guard let first = value.unicodeScalars.first, first.properties.isAlphabetic else { return false }
    // Digits inside a user name ("Bo2man") but no word of digits (a date, a count).
    let words = value.split(separator: " ")
    if words.contains(where: { $0.unicodeScalars.first?.properties.numericType != nil }) { return false }
    return words.count <= 6
  }

  /// Class or id words of a byline element: "author", "byline", "autor", "auteur", or the
  /// hCard name "fn" (not "author-bio", "author-avatar", "authors-list" boxes).
  static func isBylineClass(_ value: String) -> Bool {
    guard mayNameByline(value) else { return false }
    let lower = value.lowercased()
    let words = lower.split { !($0.isLetter || $0.isNumber) }
    if words.contains(where: { $0 == "bio" || $0 == "avatar" || $0 == "image" || $0 == "img" || $0 == "photo" || $0 == "description" || $0 == "desc" }) {
      return false
    }
    return words.contains { $0 == "fn" || $0.hasPrefix("author") || $0.hasPrefix("byline") || $0.hasPrefix("autor") || $0 == "auteur" }
  }

  /// Whether the value holds "aut", "byl" or "fn" in any ASCII case: one pass over the bytes
  /// before any String is lowercased (this runs for every element with a class or id).
  static func mayNameByline(_ value: String) -> Bool {
    var value = value
    return value.withUTF8 { bytes in
      guard bytes.count >= 2 else { return false }
      for index in 0..<(bytes.count - 1) {
        // 'a', 'b' or 'f' in either case, before the letters are folded.
        let folded = bytes[index] | 0x20
        guard folded == UInt8(ascii: "a") || folded == UInt8(ascii: "b") || folded == UInt8(ascii: "f") else { continue }
        let first = DateParsing.lowerASCII(bytes[index])
        let second = DateParsing.lowerASCII(bytes[index + 1])
        if first == UInt8(ascii: "f"), second == UInt8(ascii: "n") { return true }
        guard index + 2 < bytes.count else { continue }
        let third = DateParsing.lowerASCII(bytes[index + 2])
        if first == UInt8(ascii: "a"), second == UInt8(ascii: "u"), third == UInt8(ascii: "t") { return true }
        if first == UInt8(ascii: "b"), second == UInt8(ascii: "y"), third == UInt8(ascii: "l") { return true }
      }
      return false
    }
  }
}
