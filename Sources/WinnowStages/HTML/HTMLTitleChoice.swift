/// The headline candidates of a page and how one is picked. The visible headline is usually
/// the page's h1, while `og:title` and `<title>` add the site's name or rephrase it for
/// search; but the first h1 is sometimes the site's logo. So an h1 wins when the page's
/// titles hold it (as a whole part, "Headline | Site", or inside) and it is not the site's
/// name at their edge; a lone h1 wins too; else `og:title`, JSON-LD `headline`, a
/// title-classed element or `<title>`, with the site's name removed.
struct HTMLTitleChoice {
  var og: String?
  var ld: String?
  var page: String?
  /// An element whose class or id names a headline ("article-title", "headline").
  var element: String?
  var h1s: [String] = []
  /// The parts of h1s made of several elements (kicker and headline).
  var h1Pieces: [String] = []
  var h2s: [String] = []
  /// On a page with no h1 or h2: the first text of the body that `og:title`, JSON-LD's
  /// headline or a part of `<title>` is, as written ("Site - Headline" → "Headline").
  var visible: String?
  /// The titles' parts of at least 10 characters, made when the first body text is compared.
  private var titleParts: [String]?

  /// Separators between a headline and a site's name in titles.
  static let separators = [" | ", "｜", " - ", " – ", " — ", " :: ", " · ", " » ", " › ", " • ", " ⋆ ", " // ", " / ", ": ", " : "]

  func choose(outlet: String?) -> String? {
    let collapse = HTMLMetadata.collapseSpaces
    var titles: [String] = []
    for value in [og, ld, page] {
      if let value = value.map(collapse), !value.isEmpty, !titles.contains(value) { titles.append(value) }
    }
    let headings = h1s.map(collapse).filter { !$0.isEmpty && $0 != outlet }
    func isSiteName(_ heading: String) -> Bool {
      if heading == outlet { return true }
      let count = heading.unicodeScalars.count
      return titles.contains { title in
        title != heading && (title.hasPrefix(heading) || title.hasSuffix(heading)) && count * 2 < title.unicodeScalars.count
      }
    }
    // Most news pages: the h1 is one of the titles as written.
    for heading in headings where titles.contains(where: { Self.same($0, heading) }) && !isSiteName(heading) { return heading }
    // Compared loosely: titles straighten quotes and dashes the h1 keeps ("d’intérêts").
    // Arrays and bytes, not a Set: hashing a String normalizes it (slow for Hangul).
    var looseParts: [String] = []
    for title in titles { looseParts.append(contentsOf: Self.parts(of: title).map(Self.loose)) }
    func isPart(_ key: String) -> Bool { looseParts.contains { Self.same($0, key) } }
    let looseTitles = titles.map(Self.loose)
    let headingKeys = headings.map(Self.loose)
    // The site's name: the outlet, or a short part at the start or end of a longer title.
    let looseOutlet = outlet.map(Self.loose)
    /// A lone h1 that is part of the outlet's name is its logo. (Testing it against the short
    /// edge parts of titles lost more headlines than logos: "Headline - Subheadline".)
    func isLogo(_ heading: String) -> Bool {
      guard let looseOutlet else { return false }
      return looseOutlet.has(Self.loose(heading))
    }
    for (heading, key) in zip(headings, headingKeys) where isPart(key) && !isSiteName(heading) { return heading }
    for (heading, key) in zip(headings, headingKeys) where looseTitles.contains(where: { $0.has(key) }) && !isSiteName(heading) { return heading }
    for piece in h1Pieces.map(collapse) where piece.unicodeScalars.count >= 10 && !isSiteName(piece) {
      let key = Self.loose(piece)
      if isPart(key) || looseTitles.contains(where: { $0.has(key) }) { return piece }
    }
    for heading in h2s.map(collapse) where heading.unicodeScalars.count >= 10 && isPart(Self.loose(heading)) && !isSiteName(heading) {
      return heading
    }
    if headings.count == 1, !isLogo(headings[0]) { return headings[0] }
    if let visible { return visible }
    let page = self.page.map(collapse).flatMap { $0.isEmpty || $0 == outlet ? nil : $0 }
    let h1 = headings.first
    for candidate in [og.map(collapse), ld.map(collapse), element.map(collapse), page] {
      guard let candidate, !candidate.isEmpty else { continue }
      let stripped = Self.stripSiteSuffix(candidate, outlet: outlet, h1: h1)
      if !stripped.isEmpty { return stripped }
    }
    return h1 ?? headings.first
  }

  /// `text` (a body text node's) collapsed, when it is one of the titles or a whole part of
  /// one, of 10 characters or more (a site's name is shorter).
  mutating func visibleTitle(_ text: String) -> String? {
    if titleParts == nil {
      var parts: [String] = []
      for title in [og, ld, page].compactMap({ $0.map(HTMLMetadata.collapseSpaces) }) {
        for part in Self.parts(of: title) where part.unicodeScalars.count >= 10 && !parts.contains(where: { Self.same($0, part) }) {
          parts.append(part)
        }
      }
      titleParts = parts
    }
    guard let parts = titleParts, !parts.isEmpty, text.utf8.count >= 10 else { return nil }
    let collapsed = HTMLMetadata.collapseSpaces(text).trimmed
    return parts.contains { Self.same($0, collapsed) } ? collapsed : nil
  }

  /// Byte equality: the texts compared here come from one page and one normalization.
  static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

  /// A comparison key: ASCII and Latin-1 letters lowercased, typographic quotes, dashes,
  /// ellipses and no-break spaces written plainly. By bytes: it runs on every heading and
  /// title of every page.
  static func loose(_ text: String) -> String {
    var text = text
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    text.withUTF8 { b in
      var i = 0
      while i < b.count {
        let c = b[i]
        if c < 0x80 {
          out.append(c &- 0x41 < 26 ? c | 0x20 : c == UInt8(ascii: "`") ? UInt8(ascii: "'") : c)
          i += 1
        } else if c == 0xC2, i + 1 < b.count, b[i + 1] == 0xAB || b[i + 1] == 0xBB || b[i + 1] == 0xA0 || b[i + 1] == 0xB4 {
          // « » → ", NBSP → space, ´ → '
          out.append(b[i + 1] == 0xA0 ? 0x20 : b[i + 1] == 0xB4 ? 0x27 : 0x22)
          i += 2
        } else if c == 0xC3, i + 1 < b.count, b[i + 1] >= 0x80, b[i + 1] <= 0x9E, b[i + 1] != 0x97 {
          // Latin-1 capitals À–Þ (not ×): the small letter is 0x20 further.
          out.append(0xC3)
          out.append(b[i + 1] + 0x20)
          i += 2
        } else if c == 0xCA, i + 1 < b.count, b[i + 1] == 0xBC {
          out.append(0x27)  // ʼ
          i += 2
        } else if c == 0xE2, i + 2 < b.count, b[i + 1] == 0x80 {
          switch b[i + 2] {
          case 0x98, 0x99: out.append(0x27)  // ‘ ’
          case 0x9C, 0x9D, 0x9E, 0xB3: out.append(0x22)  // “ ” „ ″
          case 0x90, 0x91, 0x93, 0x94: out.append(0x2D)  // ‐ ‑ – —
          case 0xA6: out.append(contentsOf: [0x2E, 0x2E, 0x2E])  // …
          default: out.append(contentsOf: b[i...(i + 2)])
          }
          i += 3
        } else {
          out.append(c)
          i += 1
        }
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// A title and each part of it between separators: "A | B - C" → A | B - C, A, B - C, B, C.
  /// Split by bytes (Foundation's `components(separatedBy:)` cost more than the rest of the
  /// title choice on a profile).
  static func parts(of title: String) -> [String] {
    var found = [title]
    let bytes = Array(title.utf8)
    for separator in separators where title.has(separator) {
      let pattern = Array(separator.utf8)
      bytes.withUnsafeBufferPointer { haystack in
        pattern.withUnsafeBufferPointer { needle in
          var start = 0
          while true {
            let hit = ByteSearch.find(haystack, needle, from: start)
            let piece = String(decoding: haystack[start..<(hit ?? haystack.count)], as: UTF8.self).trimmed
            if !piece.isEmpty { found.append(piece) }
            guard let hit else { break }
            start = hit + needle.count
          }
        }
      }
    }
    return found
  }

  /// "Headline - Site", "Headline | Site": the suffix goes when it is the outlet, when the
  /// rest is the page's h1, or when it is a short name after a separator and the headline is
  /// at least as long. "Site | Headline": a short name before a bar-like separator goes.
  static func stripSiteSuffix(_ title: String, outlet: String?, h1: String?) -> String {
    for separator in separators where separator != ": " && separator != " / " {
      guard title.has(separator), let range = title.byteRange(of: separator, backwards: true) else { continue }
      let head = String(title[..<range.lowerBound]).trimmed
      let tail = String(title[range.upperBound...]).trimmed
      if head.isEmpty { continue }
      if let outlet, tail == outlet || outlet.contains(tail) || tail.contains(outlet) { return stripSiteSuffix(head, outlet: outlet, h1: h1) }
      if let h1, head == h1 { return head }
      if tail.split(separator: " ").count <= 4, tail.unicodeScalars.count <= 40, head.unicodeScalars.count >= tail.unicodeScalars.count {
        return head
      }
    }
    for separator in [" | ", "｜", " :: ", " » ", " // ", " - ", " – ", " — "] {
      guard title.has(separator), let range = title.byteRange(of: separator) else { continue }
      let head = String(title[..<range.lowerBound]).trimmed
      let rest = String(title[range.upperBound...]).trimmed
      if let outlet, head == outlet { return rest }
      let barLike = separator == " | " || separator == "｜" || separator == " :: " || separator == " » " || separator == " // "
      if barLike, head.split(separator: " ").count <= 2, head.unicodeScalars.count <= 15, rest.unicodeScalars.count >= 3 * head.unicodeScalars.count {
        return rest
      }
    }
    return title.trimmed
  }

  /// Class or id words that name a headline element: "view_title", "article-title",
  /// "headline", "news_tit" (not "subtitle", "title-sub" decks).
  static func isTitleClass(_ value: String) -> Bool {
    guard mayNameTitle(value) else { return false }
    let words = value.lowercased().split { !($0.isLetter || $0.isNumber) }
    if words.contains(where: { $0 == "sub" || $0.hasPrefix("subtitle") || $0 == "deck" }) { return false }
    return words.contains { $0 == "title" || $0 == "headline" || $0 == "tit" || $0 == "subject" || $0.hasSuffix("title") && !$0.hasPrefix("sub") }
  }

  /// Whether the value holds "tit", "Tit", "TIT", "headline" or "subject": one pass over the
  /// bytes (this runs for every element with a class or id).
  static func mayNameTitle(_ value: String) -> Bool {
    var value = value
    return value.withUTF8 { bytes in
      func at(_ index: Int, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        return true
      }
      for index in bytes.indices {
        switch bytes[index] {
        case UInt8(ascii: "t"): if at(index, "tit") { return true }
        case UInt8(ascii: "T"): if at(index, "Tit") || at(index, "TIT") { return true }
        case UInt8(ascii: "h"): if at(index, "headline") { return true }
        case UInt8(ascii: "s"): if at(index, "subject") { return true }
        default: break
        }
      }
      return false
    }
  }
}
