import Foundation
import WinnowNative

/// Metadata a page declares: Open Graph and other `<meta>` tags, JSON-LD, microdata,
/// `<time datetime>`, `<h1>` and `<title>`. Collected in one pass over the element nodes.
struct HTMLMetadata: Sendable, Equatable {
  var title: String?
  var published: FoundDate?
  var authors: [String] = []
  var outlet: String?

  static func collect(_ tree: HTMLTree, dateWords: DateWords) -> HTMLMetadata {
    let nodes = tree.nodes
    var ogTitle: String?
    var h1: String?
    var titleElement: String?
    var pageTitle: String?
    var ldHeadline: String?
    var metaDate: FoundDate?
    var ldDate: FoundDate?
    var itempropDate: FoundDate?
    var timeDate: FoundDate?
    var metaAuthors: [String] = []
    var ldAuthors: [String] = []
    var itempropAuthors: [String] = []
    var relAuthors: [String] = []
    var siteName: String?
    var ldPublisher: String?

    func text(of index: Int) -> String {
      var out: [UInt8] = []
      var pending = false
      for child in (index + 1)..<Int(nodes[index].end) where nodes[child].kind == .text {
        _ = tree.withText(child) { appendCollapsed($0, to: &out, pendingSpace: &pending) }
      }
      return String(decoding: out, as: UTF8.self)
    }

    for index in nodes.indices where nodes[index].kind == .element {
      let node = nodes[index]
      switch node.tag {
      case .meta:
        let key = (tree.attribute("property", of: node) ?? tree.attribute("name", of: node) ?? tree.attribute("itemprop", of: node) ?? "").lowercased()
        guard let content = tree.attribute("content", of: node)?.trimmed, !content.isEmpty else { continue }
        switch key {
        case "og:title", "twitter:title": if ogTitle == nil { ogTitle = content }
        case "og:site_name": if siteName == nil { siteName = content }
        case "article:published_time", "og:published_time", "article:published", "pubdate", "publishdate",
          "date", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date", "datepublished":
          if metaDate == nil { metaDate = DateParsing.parseValue(content, words: dateWords) }
        case "author", "article:author", "byl", "dc.creator", "sailthru.author", "parsely-author":
          if !content.hasPrefix("http") { metaAuthors.append(contentsOf: splitAuthors(content)) }
        default: break
        }
      case .title:
        if pageTitle == nil { pageTitle = text(of: index) }
      case .h1:
        if h1 == nil { let value = text(of: index); if !value.isEmpty { h1 = value } }
      case .a:
        if relAuthors.isEmpty, tree.attribute("rel", of: node)?.lowercased().split(separator: " ").contains("author") == true {
          let value = text(of: index)
          if !value.isEmpty, value.unicodeScalars.count <= 60 { relAuthors = splitAuthors(value) }
        }
      case .time:
        if timeDate == nil, let value = tree.attribute("datetime", of: node) { timeDate = DateParsing.parseValue(value, words: dateWords) }
      case .script:
        guard index + 1 < nodes.count, nodes[index + 1].kind == .text, nodes[index + 1].parent == Int32(index),
          let json = JSONValue.parse(tree.text(index + 1))
        else { continue }
        for object in json.objects() {
          if ldHeadline == nil, let headline = object["headline"]?.string { ldHeadline = headline.trimmed }
          if ldDate == nil, let value = object["datePublished"]?.string { ldDate = DateParsing.parseValue(value, words: dateWords) }
          if ldAuthors.isEmpty, let author = object["author"] { ldAuthors = names(in: author) }
          if ldPublisher == nil, let publisher = object["publisher"] { ldPublisher = publisher["name"]?.string ?? publisher.string }
        }
      default: break
      }
      if titleElement == nil, node.tag != .title, node.tag != .meta, let classes = tree.attribute("class", of: node) ?? tree.attribute("id", of: node),
        Self.isTitleClass(classes)
      {
        let value = text(of: index)
        let count = value.unicodeScalars.count
        if count >= 8, count <= 300 { titleElement = value }
      }
      if node.tag != .meta, let itemprop = tree.attribute("itemprop", of: node)?.lowercased() {
        if itemprop == "datepublished", itempropDate == nil {
          let value = tree.attribute("datetime", of: node) ?? tree.attribute("content", of: node) ?? text(of: index)
          itempropDate = DateParsing.parseValue(value, words: dateWords)
        } else if itemprop == "author", itempropAuthors.isEmpty {
          let value = text(of: index)
          if !value.isEmpty { itempropAuthors = splitAuthors(value) }
        }
      }
    }

    var result = HTMLMetadata()
    result.outlet = (siteName ?? ldPublisher).map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 }
    // A <title> that is only the site's name is no headline.
    if let page = pageTitle.map(collapseSpaces), let outlet = result.outlet, page == outlet { pageTitle = nil }
    var title = (ogTitle ?? ldHeadline ?? h1 ?? titleElement ?? pageTitle).map(collapseSpaces)
    if let chosen = title { title = stripSiteSuffix(chosen, outlet: result.outlet, h1: h1.map(collapseSpaces)) }
    result.title = title.flatMap { $0.isEmpty ? nil : $0 }
    result.published = metaDate ?? ldDate ?? itempropDate ?? timeDate
    let authors = !ldAuthors.isEmpty ? ldAuthors : !metaAuthors.isEmpty ? metaAuthors : !itempropAuthors.isEmpty ? itempropAuthors : relAuthors
    var seen = Set<String>()
    result.authors = authors.map(\.trimmed).filter { !$0.isEmpty && seen.insert($0).inserted }
    return result
  }

  static func names(in value: JSONValue) -> [String] {
    switch value {
    case .string(let name): return splitAuthors(name)
    case .array(let items): return items.flatMap { names(in: $0) }
    case .object:
      // An organisation is a publisher, not an author.
      if let type = value["@type"]?.string, type == "Organization" || type == "NewsMediaOrganization" { return [] }
      return value["name"]?.string.map { [$0.trimmed] } ?? []
    case .other: return []
    }
  }

  static func splitAuthors(_ text: String) -> [String] {
    var value = text.trimmed
    for prefix in ["By ", "by ", "BY "] where value.hasPrefix(prefix) { value = String(value.dropFirst(prefix.count)) }
    let separated = value.replacingOccurrences(of: " and ", with: ",").replacingOccurrences(of: " & ", with: ",")
    return separated.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
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

  static func collapseSpaces(_ text: String) -> String {
    var out: [UInt8] = []
    var pending = false
    appendCollapsed(text, to: &out, pendingSpace: &pending)
    return String(decoding: out, as: UTF8.self)
  }

  /// "Headline - Site", "Headline | Site": the suffix goes when it is the outlet, when the
  /// rest is the page's h1, or when it is a short name after a bar-like separator and the
  /// headline is at least twice as long.
  static func stripSiteSuffix(_ title: String, outlet: String?, h1: String?) -> String {
    for separator in [" | ", "｜", " - ", " – ", " — ", " :: ", " · ", " : "] {
      guard title.has(separator), let range = title.byteRange(of: separator, backwards: true) else { continue }
      let head = String(title[..<range.lowerBound]).trimmed
      let tail = String(title[range.upperBound...]).trimmed
      if head.isEmpty { continue }
      if let outlet, tail == outlet || outlet.contains(tail) || tail.contains(outlet) { return head }
      if let h1, head == h1 { return head }
      if tail.split(separator: " ").count <= 4, tail.unicodeScalars.count <= 40,
        head.unicodeScalars.count >= 2 * tail.unicodeScalars.count
      {
        return head
      }
    }
    // "Site - Headline": a short site name first.
    for separator in [" | ", "｜", " - ", " – ", " — ", " :: ", " : "] {
      guard title.has(separator), let range = title.byteRange(of: separator) else { continue }
      let head = String(title[..<range.lowerBound]).trimmed
      let rest = String(title[range.upperBound...]).trimmed
      if let outlet, head == outlet { return rest }
      if head.split(separator: " ").count <= 2, head.unicodeScalars.count <= 15, rest.unicodeScalars.count >= 3 * head.unicodeScalars.count {
        return rest
      }
    }
    return title.trimmed
  }
}

extension String {
  var trimmed: String {
    var scalars = Substring(self).unicodeScalars
    while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
    while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
    return String(scalars)
  }
}
