import Foundation
import WinnowNative

/// Metadata a page declares: Open Graph and other `<meta>` tags, JSON-LD, microdata,
/// `<time datetime>`, the canonical URL, headings, `<title>`, and byline and date elements
/// named by their class. Collected in one pass over the element nodes; `HTMLTitleChoice`,
/// `HTMLDateChoice` and `HTMLAuthors` pick among the candidates.
struct HTMLMetadata: Sendable, Equatable {
  var title: String?
  var published: FoundDate?
  var authors: [String] = []
  var outlet: String?
  /// The article's text as the page's JSON-LD gives it (`articleBody`), not output as
  /// metadata: the extractor's evidence when the markup hides the article.
  var articleBody: String?

  /// Meta names (`name`, `property`, `itemprop`, lowercased) of a publication date, after
  /// htmldate's and trafilatura's lists.
  static let publishedKeys: Set<String> = [
    "article:published_time", "og:published_time", "article:published", "og:article:published_time",
    "published_time", "published-date", "publish-date", "publish_date", "publishdate", "pubdate", "date",
    "dc.date", "dc.date.issued", "dc.date.created", "dcterms.created", "dcterms.date", "dcterms.issued",
    "sailthru.date", "parsely-pub-date", "datepublished", "datecreated", "citation_publication_date",
    "citation_date", "citation_online_date", "originalpublicationdate", "article_date_original", "og:pubdate",
    "rnews:datepublished", "release_date", "article.published", "date_published", "publication_date",
    "cxenseparse:recs:publishtime", "dc.date.published", "prism.publicationdate",
  ]
  /// Meta names of a modification date: the last resort for a page's date.
  static let modifiedKeys: Set<String> = [
    "article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified", "modified",
    "lastmod", "updated_time", "article:modified", "dc.date.modified", "dateupdate", "dateupdated",
  ]
  static let authorKeys: Set<String> = [
    "author", "article:author", "byl", "dc.creator", "dcterms.creator", "sailthru.author", "parsely-author",
    "citation_author", "og:article:author", "book:author",
  ]

  /// `census` says which `<noscript>`s hold prose; the others are not read.
  static func collect(_ tree: HTMLTree, census: PageCensus, rules: MetadataRules) -> HTMLMetadata {
    let nodes = tree.nodes
    let words = rules.dateWords
    var titles = HTMLTitleChoice()
    var dates = HTMLDateChoice()
    var authors = HTMLAuthors(prefixes: rules.bylinePrefixes, stops: rules.bylineStops, labels: rules.bylineLabels, particles: rules.nameParticles)
    var siteName: String?
    var ldPublisher: String?
    var ldBody: String?
    /// Elements inside a comment thread are skipped for dates and bylines (up to this index).
    var commentsEnd = 0
    /// The first h1's subtree ends here; dates in short texts after it are the article's.
    var headlineEnd: Int?
    var textsAfterHeadline = 0
    var textsBeforeHeadline = 0
    var lastDigitText: (node: Int, text: Int)?
    /// Date elements read without finding a date; past a few, the rest are lists' and widgets'.
    var dateElementsRead = 0
    /// The previous text after the headline was a byline word alone ("By").
    var afterBylineWord = false
    let readsBylines = !rules.bylinePrefixes.isEmpty
    // Dates in short texts follow the first h1, or the first h2 on a page with no h1 (blogs
    // that keep h1 for the site's name have one anyway).
    let headlineTag: HTMLTree.Tag = nodes.contains { $0.tag == .h1 } ? .h1 : .h2
    // With no h1 or h2 at all, the headline is the first text of the body that one of the
    // page's titles holds as a whole part (a `<div>` or `<p>` under the menus).
    var seekVisibleTitle = headlineTag == .h2 && !nodes.contains { $0.tag == .h2 }
    /// Past `<head>` (where the titles are), body texts are compared with them.
    var headEnd = nodes.prefix(8).contains { $0.tag == .head } ? Int.max : 0

    // Nodes visited and bytes read by `text(of:)`, at most: elements nested in one another
    // (256 `<span itemprop=author>` around the page) read the same subtree once each, and a
    // page that spends this is hostile. Past it, texts of elements are empty.
    var textBudget = 4 * (nodes.count + tree.textBytes.count) + 1_000_000

    /// `spaced`: a space between text nodes, for bylines and date lines whose parts sit in
    /// adjacent elements ("Veröffentlicht von<a>X</a>"); a headline's are joined as written.
    func text(of index: Int, spaced: Bool = false) -> String {
      var out: [UInt8] = []
      var pending = false
      textBudget -= Int(nodes[index].end) - index
      guard textBudget >= 0 else { return "" }
      for child in (index + 1)..<Int(nodes[index].end) {
        // A line break separates words even in a headline ("<small>Kicker</small><br>Headline").
        guard nodes[child].kind == .text else {
          if nodes[child].tag == .br, !out.isEmpty { pending = true }
          continue
        }
        if spaced, !out.isEmpty { pending = true }
        textBudget -= tree.withText(child) { appendCollapsed($0, to: &out, pendingSpace: &pending) }
        guard textBudget >= 0 else { return "" }
      }
      return String(decoding: out, as: UTF8.self)
    }

    /// A date in one of the last few texts before the headline is its kicker's.
    func noteKicker() {
      guard let last = lastDigitText, textsBeforeHeadline - last.text < 4 else { return }
      dates.kicker = dates.readLine(tree.text(last.node), rules: rules)
    }

    // A `<noscript>` that holds no prose (a tracking pixel, "enable JavaScript") is not read.
    var skipUntil = 0
    for index in nodes.indices {
      guard index >= skipUntil else { continue }
      let node = nodes[index]
      if node.tag == .noscript, !census.contentNoscripts.contains(index) {
        skipUntil = Int(node.end)
        continue
      }
      if node.kind == .text {
        if index >= commentsEnd { tree.withText(index) { dates.readLate($0, afterHeadline: headlineEnd != nil, rules: rules) } }
        guard let end = headlineEnd else {
          if seekVisibleTitle, index >= headEnd, node.parent >= 0, nodes[Int(node.parent)].tag != .title, nodes[Int(node.parent)].tag != .a,
            let visible = titles.visibleTitle(tree.withText(index, { $0.count <= 600 ? String(decoding: $0, as: UTF8.self) : "" }))
          {
            titles.visible = visible
            seekVisibleTitle = false
            headlineEnd = index + 1
            noteKicker()
            continue
          }
          // A kicker line just above the headline ("24. April 2020 | Pressemitteilungen"):
          // short texts with a digit are remembered, and read only when the headline comes.
          textsBeforeHeadline += 1
          if tree.withText(index, { $0.count <= 60 && ByteSearch.hasDigit($0) }) { lastDigitText = (index, textsBeforeHeadline) }
          continue
        }
        // A short text soon after the headline: "Veröffentlicht am 5. April 2017", "by X on …",
        // or a paragraph opening with its date ("27.1.2022 - Bei der …").
        guard index >= end, index >= commentsEnd else { continue }
        textsAfterHeadline += 1
        // Past the first 60 texts, a byline is the article's foot ("Autor: X", "Text: X") or
        // the next article's: kept apart, the last resort.
        let nearHeadline = textsAfterHeadline <= 60
        // A byline in plain text: "By Jane Doe", or "By" and the name in the next element.
        if readsBylines, authors.text.isEmpty, nearHeadline || authors.late.isEmpty,
          tree.withText(index, { $0.count <= 80 && $0.count >= 2 && (nearHeadline || afterBylineWord || authors.mayOpenByline($0)) })
        {
          let value = tree.text(index).trimmed
          var names: [String] = []
          if afterBylineWord {
            names = authors.cleanByline(value).filter(authors.isCapitalized)
            afterBylineWord = false
          } else if authors.isBylineWord(value) {
            afterBylineWord = true
          } else if authors.startsWithBylineWord(value) {
            names = authors.cleanByline(value).filter(authors.isCapitalized)
          }
          if nearHeadline { authors.text = names } else { authors.late = names.filter(authors.isFullName) }
        }
        guard nearHeadline, dates.near == nil else { continue }
        let found: FoundDate? = tree.withText(index) { bytes in
          if bytes.count <= 120 {
            guard ByteSearch.hasDigit(bytes) else { return nil }
            return dates.readLine(String(decoding: bytes, as: UTF8.self), rules: rules)
          }
          // A byline box's longer text: its labelled date.
          if bytes.count <= 400, ByteSearch.hasDigit(bytes), let labelled = dates.readLabelled(String(decoding: bytes, as: UTF8.self), rules: rules) {
            return labelled
          }
          let head = UnsafeBufferPointer(rebasing: bytes[0..<40])
          guard ByteSearch.hasDigit(head), let date = dates.readLine(String(decoding: head, as: UTF8.self), rules: rules),
            date.range.lowerBound < 4
          else { return nil }
          return date
        }
        guard let found else { continue }
        dates.near = found
        // "11.12.2019 - Amelie Loevenich": a date line just below the headline that goes on
        // with a full name is the byline.
        if readsBylines, authors.text.isEmpty, textsAfterHeadline <= 8 {
          let rest: String = tree.withText(index) { bytes in
            guard bytes.count <= 80, found.range.upperBound <= bytes.count,
              bytes[0..<found.range.lowerBound].allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
            else { return "" }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[found.range.upperBound...]), as: UTF8.self)
          }
          if !rest.isEmpty { authors.text = authors.cleanByline(rest).filter(authors.isFullName) }
        }
        continue
      }
      switch node.tag {
      case .head: if headEnd == .max { headEnd = Int(node.end) }
      case .meta:
        let key = (tree.attribute("property", of: node) ?? tree.attribute("name", of: node) ?? tree.attribute("itemprop", of: node) ?? "").lowercased()
        guard let content = tree.attribute("content", of: node)?.trimmed, !content.isEmpty else { continue }
        switch key {
        case "og:title", "twitter:title": if titles.og == nil { titles.og = content }
        case "og:site_name": if siteName == nil { siteName = content }
        case "og:url": if dates.url == nil { dates.url = DateParsing.inURL(content) }
        case "twitter:label1": authors.twitterLabel = content
        case "twitter:data1": authors.twitterData = content
        default:
          if Self.publishedKeys.contains(key) {
            if dates.meta == nil { dates.meta = DateParsing.parseAny(content, words: words) }
          } else if Self.modifiedKeys.contains(key) {
            if dates.modified == nil { dates.modified = DateParsing.parseAny(content, words: words) }
          } else if Self.authorKeys.contains(key), !content.hasPrefix("http") {
            authors.meta.append(contentsOf: authors.split(content))
          }
        }
      case .link:
        if dates.url == nil, let rel = tree.attribute("rel", of: node), rel.lowercased() == "canonical", let href = tree.attribute("href", of: node) {
          dates.url = DateParsing.inURL(href)
        }
      case .title:
        if titles.page == nil {
          let value = text(of: index)
          titles.page = value
          if value.utf8.count <= 300 { dates.readTitle(value, rules: rules) }
        }
      case .h1:
        let value = text(of: index)
        if !value.isEmpty, titles.h1s.count < 6 {
          titles.h1s.append(value)
          // "<h1><span>Kicker</span> <span>Headline</span></h1>": its parts, for a page whose
          // titles hold only the headline.
          var pieces: [String] = []
          var child = index + 1
          while child < Int(node.end), pieces.count < 4 {
            let piece = nodes[child].kind == .text ? tree.text(child) : text(of: child)
            let trimmed = piece.trimmed
            if !trimmed.isEmpty { pieces.append(trimmed) }
            child = Int(nodes[child].end)
          }
          if pieces.count >= 2 { titles.h1Pieces.append(contentsOf: pieces) }
        }
        if headlineEnd == nil, headlineTag == .h1, !value.isEmpty { headlineEnd = Int(node.end); noteKicker() }
      case .h2:
        if titles.h2s.count < 6 {
          let value = text(of: index)
          if !value.isEmpty { titles.h2s.append(value) }
          if headlineEnd == nil, headlineTag == .h2, !value.isEmpty { headlineEnd = Int(node.end); noteKicker() }
        }
      case .a:
        if tree.attribute("rel", of: node)?.lowercased().split(separator: " ").contains("author") == true {
          let value = text(of: index)
          if authors.rel.isEmpty, !value.isEmpty, value.unicodeScalars.count <= 60 { authors.rel = authors.split(value) }
        }
      case .time:
        if let value = tree.attribute("datetime", of: node), let found = DateParsing.parseAny(value, words: words) {
          let classes = tree.attribute("class", of: node) ?? tree.attribute("itemprop", of: node) ?? ""
          switch HTMLDateChoice.classKind(classes) {
          case .modified: if dates.modified == nil { dates.modified = found }
          case .published: if dates.timePublished == nil { dates.timePublished = found }
          default:
            // A <time> before the headline is often the site's clock ("today is …").
            if index >= commentsEnd {
              if headlineEnd != nil { if dates.timeAfter == nil { dates.timeAfter = found } } else if dates.timeBefore == nil { dates.timeBefore = found }
            }
          }
        }
      case .script:
        guard index + 1 < nodes.count, nodes[index + 1].kind == .text, nodes[index + 1].parent == Int32(index),
          let json = JSONValue.parse(tree.text(index + 1))
        else { continue }
        for object in json.objects() {
          if ldBody == nil, let body = object["articleBody"]?.string, !body.isEmpty { ldBody = body }
          if titles.ld == nil, let headline = object["headline"]?.string { titles.ld = headline.trimmed }
          if dates.ld == nil, let value = object["datePublished"]?.string { dates.ld = DateParsing.parseAny(value, words: words) }
          if dates.ldCreated == nil, let value = object["dateCreated"]?.string { dates.ldCreated = DateParsing.parseAny(value, words: words) }
          if dates.ldModified == nil, let value = object["dateModified"]?.string { dates.ldModified = DateParsing.parseAny(value, words: words) }
          if authors.ld.isEmpty, authors.ldReferences.isEmpty, let author = object["author"] ?? object["creator"] {
            authors.readLD(author)
          }
          authors.notePerson(object)
          if ldPublisher == nil, let publisher = object["publisher"] { ldPublisher = publisher["name"]?.string ?? publisher.string }
        }
      default: break
      }
      guard node.tag != .meta, node.tag != .title, node.tag != .script else { continue }
      if let classes = tree.attribute("class", of: node) ?? tree.attribute("id", of: node) {
        if titles.element == nil, HTMLTitleChoice.isTitleClass(classes) {
          let value = text(of: index)
          let count = value.unicodeScalars.count
          if count >= 8, count <= 300 { titles.element = value }
        }
        let kind = HTMLDateChoice.classKind(classes)
        if kind == .comments {
          // A thread, not a page-wide wrapper that only mentions comments ("comments-open").
          if node.tag != .body, node.tag != .html, Int(node.end) - index < nodes.count / 2 { commentsEnd = max(commentsEnd, Int(node.end)) }
        } else if index >= commentsEnd, Int(node.end) - index <= 24 {
          // A link whose class names a date leads to another item ("Publication": a list of
          // releases); the page's own date sits in a span, a time or a paragraph.
          if kind == .published || kind == .date, node.tag != .a, dateElementsRead < 12, !dates.hasClassDate(kind, afterHeadline: headlineEnd != nil) {
            dateElementsRead += 1
            let value = text(of: index, spaced: true)
            if value.utf8.count <= 200, let found = dates.readLine(value, rules: rules) {
              dates.noteClassDate(found, kind: kind, afterHeadline: headlineEnd != nil)
            }
          }
          // A byline element's text needs the pack's byline words to be cleaned; without them
          // the text stage's byline parser reads it (Korean "글: 홍길동 기자").
          // A <time> inside the byline box, named after it ("article-author-date"), holds the
          // date ("Donnerstag, 4. November 2021"), never the name.
          if readsBylines, authors.byline.isEmpty, node.tag != .time, HTMLAuthors.isBylineClass(classes) {
            let value = text(of: index, spaced: true)
            if value.unicodeScalars.count <= 120 { authors.byline = authors.cleanByline(value) }
          }
        }
      }
      if let itemprop = tree.attribute("itemprop", of: node)?.lowercased() {
        switch itemprop {
        case "datepublished", "datecreated":
          if dates.itemprop == nil {
            let value = tree.attribute("datetime", of: node) ?? tree.attribute("content", of: node) ?? text(of: index)
            dates.itemprop = DateParsing.parseAny(value, words: words)
          }
        case "datemodified":
          if dates.modified == nil {
            let value = tree.attribute("datetime", of: node) ?? tree.attribute("content", of: node) ?? text(of: index)
            dates.modified = DateParsing.parseAny(value, words: words)
          }
        case "author", "creator":
          if authors.itemprop.isEmpty {
            // <span itemprop="author"><meta itemprop="name" content="…"></span> holds no text.
            var value = text(of: index)
            if value.isEmpty {
              for child in (index + 1)..<Int(node.end) where nodes[child].kind == .element && nodes[child].tag == .meta {
                if tree.attribute("itemprop", of: nodes[child]) == "name", let name = tree.attribute("content", of: nodes[child]) { value = name; break }
              }
            }
            if !value.isEmpty, value.unicodeScalars.count <= 120 { authors.itemprop = authors.cleanByline(value) }
          }
        default: break
        }
      }
    }

    var result = HTMLMetadata()
    result.outlet = (siteName ?? ldPublisher).map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 }
    result.title = titles.choose(outlet: result.outlet)
    result.published = dates.choose()
    result.authors = authors.choose(outlet: result.outlet)
    result.articleBody = ldBody
    return result
  }

  static func collapseSpaces(_ text: String) -> String {
    var out: [UInt8] = []
    var pending = false
    appendCollapsed(text, to: &out, pendingSpace: &pending)
    return String(decoding: out, as: UTF8.self)
  }
}

extension String {
  var trimmed: String {
    // Most values end in neither white space nor a non-ASCII character at either end: ASCII
    // past the space is never white space, and they are returned as they are.
    if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 { return self }
    // ASCII white space is cut as bytes; past it, a non-ASCII end is read as scalars.
    var start = utf8.startIndex
    var end = utf8.endIndex
    func asciiSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
    while start < end, asciiSpace(utf8[start]) { start = utf8.index(after: start) }
    while start < end, asciiSpace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
    if start < end, utf8[start] < 0x80, utf8[utf8.index(before: end)] < 0x80 { return String(self[start..<end]) }
    var scalars = self[start..<end].unicodeScalars
    while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
    while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
    return String(scalars)
  }
}
