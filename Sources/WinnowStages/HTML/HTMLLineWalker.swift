import WinnowCore
import WinnowNative

/// What the page holds under each element, counted once before any walk: the `<p>` elements
/// and the bytes of visible text. A drop hint does not remove an element that holds three or
/// more paragraphs and also says article/content/body (a WordPress <body> or <div> whose
/// classes mention comments or sidebars), nor one that holds half the page's text or more:
/// that is the page's wrapper (an ASP.NET <form>, Blogger's "widget Blog", an
/// "advertisement-off-canvas" pusher around the whole page), not its chrome. A weak hint
/// removes only a small element (under three paragraphs and a tenth of the page's text).
struct PageCensus {
  var paragraphs: [UInt16]
  var textUnder: [Int32]
  var pageText = 0
  /// The first `<h1>`, if the page has one.
  var headline: Int?
  /// The first `<main>`, if the page has one.
  var main: Int?
  /// The `<noscript>` elements that hold a page or an article (a copy for readers without
  /// scripts of text the page otherwise renders from a script); every other `<noscript>`
  /// (a tracking pixel, "enable JavaScript") is skipped: its text is not the page's.
  var contentNoscripts: Set<Int> = []

  init(_ tree: HTMLTree) {
    let nodes = tree.nodes
    paragraphs = [UInt16](repeating: 0, count: nodes.count)
    textUnder = [Int32](repeating: 0, count: nodes.count)
    var index = 0
    while index < nodes.count {
      defer { index += 1 }
      if nodes[index].tag == .noscript {
        if Self.holdsProse(index, in: tree) {
          contentNoscripts.insert(index)
        } else {
          index = Int(nodes[index].end) - 1
          continue
        }
      }
      if headline == nil, nodes[index].tag == .h1 { headline = index }
      if main == nil, nodes[index].tag == .main { main = index }
      let isText = nodes[index].kind == .text
      guard isText || nodes[index].tag == .p else { continue }
      let bytes = isText ? nodes[index].textCount : 0
      // JSON-LD text (a script's child) is not the page's visible text.
      if isText, nodes[index].parent >= 0, nodes[Int(nodes[index].parent)].tag == .script { continue }
      pageText += Int(bytes)
      var ancestor = nodes[index].parent
      var depth = 0
      while ancestor >= 0, depth < 64 {
        if isText { textUnder[Int(ancestor)] &+= bytes } else { paragraphs[Int(ancestor)] &+= 1 }
        ancestor = nodes[Int(ancestor)].parent
        depth += 1
      }
    }
  }

  /// A `<noscript>` holds prose: two paragraphs, or `noscriptProseBytes` of text.
  static func holdsProse(_ index: Int, in tree: HTMLTree) -> Bool {
    let nodes = tree.nodes
    var paragraphs = 0
    var bytes = 0
    for inside in index..<Int(nodes[index].end) {
      if nodes[inside].tag == .p { paragraphs += 1 }
      if nodes[inside].kind == .text { bytes += Int(nodes[inside].textCount) }
      if paragraphs >= 2 || bytes >= noscriptProseBytes { return true }
    }
    return false
  }

  static let noscriptProseBytes = 1000

  /// Holds the page's `<main>`.
  func holdsMain(_ index: Int, in tree: HTMLTree) -> Bool {
    guard let main else { return false }
    return main > index && main < Int(tree.nodes[index].end)
  }

  /// Holds the page's h1, or the page has none.
  func holdsHeadline(_ index: Int, in tree: HTMLTree) -> Bool {
    guard let headline else { return true }
    return headline >= index && headline < Int(tree.nodes[index].end)
  }

  /// Holds half the page's text or more.
  func isWrapper(_ index: Int) -> Bool { pageText > 0 && Int(textUnder[index]) * 2 >= pageText }

  /// Holds three paragraphs or a tenth of the page's text.
  func isLarge(_ index: Int) -> Bool { paragraphs[index] >= 3 || Int(textUnder[index]) * 10 >= pageText }
}

extension HTMLExtractor {
  /// The page as lines, and which elements were removed as chrome.
  struct Walk {
    var lines: [Line]
    var removed: [Bool]
    /// Elements a weak hint marks that were kept for their size (a large "banner", a
    /// "widget" of text): content when the scorer picks them, never added beside it.
    var suspect: [Bool]
    /// Elements in an article's `<header>`: its `<p>` prose is the lead, its headings and
    /// short lines (deck, date, byline) are not output.
    var lead: [Bool]
  }

  /// Walks the tree once. Scripts, styles and forms are skipped; elements that are chrome by
  /// tag (nav, header, footer, aside, …) or, with `hints`, by their class/id words give
  /// chrome lines (kept for `metadata`, never output). Each block element and each `<br>`
  /// ends a line; a line remembers its block and how much of it is link text.
  func walk(_ tree: HTMLTree, census: PageCensus, hints: Bool) -> Walk {
    let nodes = tree.nodes
    var lines: [Line] = []
    var hintCache: [UInt64: (value: String, words: HintWords)] = [:]
    var removed = [Bool](repeating: false, count: nodes.count)
    var suspect = [Bool](repeating: false, count: nodes.count)
    var lead = [Bool](repeating: false, count: nodes.count)
    // Two line buffers: the page's text, and the text of chrome elements inside it (an
    // inline share counter must not split or join the paragraph around it).
    var current: [UInt8] = []
    current.reserveCapacity(256)
    var currentLinkBytes = 0
    var chromeText: [UInt8] = []
    var chromeLinkBytes = 0
    var currentBlock: Int32 = -1
    var pendingSpace = false
    var chromePendingSpace = false

    func line(_ bytes: [UInt8], linkBytes: Int, chrome: Bool) {
      let text = String(decoding: bytes, as: UTF8.self)
      let chars = text.scalarCount
      let linkChars = bytes.isEmpty ? 0 : chars * linkBytes / bytes.count
      lines.append(Line(text: text, chars: chars, linkChars: linkChars, block: currentBlock,
                        blockTag: currentBlock >= 0 ? nodes[Int(currentBlock)].tag : .other, chrome: chrome))
    }

    func flushChrome() {
      if !chromeText.isEmpty { line(chromeText, linkBytes: chromeLinkBytes, chrome: true) }
      chromeText.removeAll(keepingCapacity: true)
      chromeLinkBytes = 0
      chromePendingSpace = false
    }

    func flush() {
      if !current.isEmpty { line(current, linkBytes: currentLinkBytes, chrome: false) }
      current.removeAll(keepingCapacity: true)
      currentLinkBytes = 0
      pendingSpace = false
      flushChrome()
    }

    // Elements before this index are chrome.
    var chromeEnd = 0
    // Stack of open elements: (end index, the element if a block, the block around it, is link).
    var stack: [(end: Int32, block: Int32, outer: Int32, link: Bool)] = []
    // Elements before this index are marked suspect already (a suspect's subtree is).
    var suspectEnd = 0
    var blockOf: Int32 = -1
    var linkDepth = 0
    var index = 0
    while index < nodes.count {
      // Leaving an inline chrome element ("<p>text <span class=share>…</span> text"): its
      // text is a line of its own, never joined to the article's.
      if index == chromeEnd { flushChrome() }
      while let top = stack.last, Int(top.end) <= index {
        stack.removeLast()
        if top.link { linkDepth -= 1 }
        if top.block >= 0 {
          flush()
          blockOf = top.outer
          currentBlock = blockOf
        }
      }
      let tag = nodes[index].tag
      if tag == .text {
        if index < chromeEnd {
          let added = tree.withText(index) { appendCollapsed($0, to: &chromeText, pendingSpace: &chromePendingSpace) }
          if linkDepth > 0 { chromeLinkBytes += added }
        } else {
          let added = tree.withText(index) { appendCollapsed($0, to: &current, pendingSpace: &pendingSpace) }
          if linkDepth > 0 { currentLinkBytes += added }
        }
        index += 1
        continue
      }
      let end = Int(nodes[index].end)
      let verdict = index >= chromeEnd ? classify(nodes[index], in: tree, census: census, index: index, hints: hints, cache: &hintCache) : .content
      if verdict == .lead { for inside in index..<end { lead[inside] = true } }
      if verdict == .suspect, end > suspectEnd {
        for inside in max(index, suspectEnd)..<end { suspect[inside] = true }
        suspectEnd = end
      }
      if verdict == .chrome {
        for skipped in index..<end { removed[skipped] = true }
        // Scripts, styles and forms hold no text worth keeping; other chrome is walked.
        if Self.isSilent[Int(tag.rawValue)] {
          index = end
          continue
        }
        flushChrome()
        chromeEnd = end
      }
      if tag == .br {
        flush()
        index += 1
        continue
      }
      let isBlock = Self.isBlock[Int(tag.rawValue)]
      let outer = blockOf
      if isBlock {
        flush()
        blockOf = Int32(index)
        currentBlock = blockOf
      }
      let isLink = tag == .a
      if isLink { linkDepth += 1 }
      stack.append((Int32(end), isBlock ? Int32(index) : -1, outer, isLink))
      index += 1
    }
    flush()
    return Walk(lines: lines, removed: removed, suspect: suspect, lead: lead)
  }

  /// What the words of one class/id/role value say; pages repeat the same values, so the
  /// answer is cached per page.
  struct HintWords {
    var drop = false
    var weak = false
    /// "header": the site's header, unless inside an article (its headline and lead).
    var header = false
    var keep = false
  }

  /// Reads a class/id value: tokens split on white space, words on anything but letters and
  /// digits ('-', '_', ':'), ASCII folded. A word after "no", "has", "with" or "without" says
  /// nothing ("no-sidebars"), and a token with the word "layout" names a layout
  /// ("c-fixed-sidebar-layout"); keep words count either way.
  func hintWords(_ value: String) -> HintWords {
    var result = HintWords()
    var token = HintWords()
    var length = 0
    var hash = HintTable.offset
    var prefixFlags: UInt8 = 0
    var afterLayoutPrefix = false  // "no-sidebars": the hint says nothing about this element
    var layout = false  // the token names a layout ("c-fixed-sidebar-layout")
    let table = hintTable
    func finishWord() {
      guard length > 0 else { return }
      let flags = table.flags(hash)
      if !afterLayoutPrefix {
        if flags & HintTable.drop != 0 {
          token.drop = true
        } else if flags & HintTable.weak != 0 {
          token.weak = true
        } else if flags & HintTable.header != 0 {
          token.header = true
        } else if prefixFlags & HintTable.prefixDrop != 0 {
          token.drop = true
        } else if prefixFlags & HintTable.prefixWeak != 0 {
          token.weak = true
        }
      }
      if flags & HintTable.keep != 0 { token.keep = true }
      if flags & HintTable.layoutWord != 0 { layout = true }
      afterLayoutPrefix = flags & HintTable.layoutPrefix != 0
      length = 0
      hash = HintTable.offset
      prefixFlags = 0
    }
    func finishToken() {
      finishWord()
      if !layout {
        result.drop = result.drop || token.drop
        result.weak = result.weak || token.weak
        result.header = result.header || token.header
      }
      result.keep = result.keep || token.keep
      token = HintWords()
      afterLayoutPrefix = false
      layout = false
    }
    for var byte in value.utf8 {
      if byte &- 0x41 < 26 { byte |= 0x20 }
      if byte &- 0x61 < 26 || byte &- 0x30 < 10 || byte >= 0x80 {
        hash = (hash ^ UInt64(byte)) &* HintTable.prime
        length += 1
        if length >= HintTable.shortestPrefix, prefixFlags == 0, length <= table.longestPrefix {
          prefixFlags = table.flags(hash) & (HintTable.prefixDrop | HintTable.prefixWeak)
        }
      } else if byte == 0x20 || byte == 0x09 || byte == 0x0A {
        finishToken()
      } else {
        finishWord()
      }
    }
    finishToken()
    return result
  }

  /// What an element is: content; chrome (its lines are never output); suspect, content
  /// a weak hint marks (see `Walk.suspect`); or lead, an article's header (see `Walk.lead`).
  enum Kind { case content, chrome, suspect, lead }

  /// Whether an element is chrome, by its tag, then by its class/id/role words (`hintWords`:
  /// whole words, and words that start with a hint of six letters or more, or "share":
  /// "relatedposts", "commentlist", "sharedaddy"; not "reply" in "replyNewMessageContainer").
  /// The class word "header" inside an article or `<main>` is the article's own header.

  func classify(_ node: borrowing HTMLTree.Node, in tree: HTMLTree, census: PageCensus, index: Int, hints: Bool,
                cache: inout [UInt64: (value: String, words: HintWords)]) -> Kind {
    if node.tag == .noscript, census.contentNoscripts.contains(index) { return .content }
    if Self.isSilent[Int(node.tag.rawValue)] { return .chrome }
    // A drop tag is the page's wrapper only when it holds the page (an ASP.NET <form> around
    // it all), not when a short page's text is mostly a form's labels.
    let wrapper = census.isWrapper(index)
    // An article's own <header> (inside the <article> or <main>, or holding the headline):
    // its prose paragraphs are the lead, its headings and short lines are not output.
    if hints, node.tag == .header,
      hasAncestor(node, tagged: [.article, .main], in: tree) || census.headline != nil && census.holdsHeadline(index, in: tree)
    {
      return .lead
    }
    if isDropTag[Int(node.tag.rawValue)] { return wrapper && Self.holdsPage(index, in: tree, census: census) ? .content : .chrome }
    guard hints else { return .content }
    switch node.tag {
    case .html, .body, .main, .article: return .content
    default: break
    }
    if node.attributeCount == 0 { return .content }
    var words = HintWords()
    for attribute in tree.attributes(of: node) where attribute.name == "class" || attribute.name == "id" || attribute.name == "role" {
      let found: HintWords
      // Keyed by a byte hash: a String key is hashed through Unicode normalization.
      let key = attribute.value.byteHash()
      if let cached = cache[key], cached.value == attribute.value {
        found = cached.words
      } else {
        found = hintWords(attribute.value)
        cache[key] = (attribute.value, found)
      }
      words.drop = words.drop || found.drop
      words.weak = words.weak || found.weak
      words.header = words.header || found.header
      words.keep = words.keep || found.keep
    }
    // A wrapper named for chrome is the page's only when the headline is inside it (a
    // pusher around the whole page), not when a consent dialog holds more text than the
    // article.
    if wrapper, !words.drop || census.holdsHeadline(index, in: tree) { return .content }
    if words.header, !words.weak, !words.drop, hasAncestor(node, tagged: [.article, .main], in: tree) { return .content }
    // Whatever its name, an element around the page's <main> is a wrapper, not chrome (a
    // "left-navigation_page-wrapper").
    if census.holdsMain(index, in: tree) { return .content }
    let weak = words.weak || words.header
    if !words.drop, weak, census.isLarge(index) { return hasContentHint(node, in: tree) ? .content : .suspect }
    guard words.drop || weak else { return .content }
    if census.paragraphs[index] >= 3, words.keep || holdsNamedContent(index, in: tree, census: census) { return .content }
    return hasContentHint(node, in: tree) ? .content : .chrome
  }

  /// Whether an element holds what a page's wrapper holds: the headline, or three texts of
  /// prose length among its first `pageScanNodes` nodes (posts in a forum's <form>).
  static func holdsPage(_ index: Int, in tree: HTMLTree, census: PageCensus) -> Bool {
    if census.headline != nil, census.holdsHeadline(index, in: tree) { return true }
    let nodes = tree.nodes
    var long = 0
    for inside in index..<min(Int(nodes[index].end), index + pageScanNodes) where nodes[inside].kind == .text && nodes[inside].textCount >= 200 {
      long += 1
      if long >= 3 { return true }
    }
    return false
  }

  /// Nodes read for `holdsPage`: wrappers nest, and each is read from its start, so the work
  /// stays linear on a hostile page of nested forms.
  static let pageScanNodes = 4096

  /// Whether most of an element's text is in one that a class or id names as the article's
  /// body ("entry-content", "article-body"; a bare `<article>` may be a comment): a drop word
  /// in a compound class of a box around it ("js-code-nav-container") does not remove it.
  /// Only the path of children that each hold more than half the element's text is read.
  func holdsNamedContent(_ index: Int, in tree: HTMLTree, census: PageCensus) -> Bool {
    let nodes = tree.nodes
    let half = Int(census.textUnder[index]) / 2
    var current = index
    while true {
      var child = current + 1
      let end = Int(nodes[current].end)
      var next: Int?
      while child < end {
        if nodes[child].kind == .element, Int(census.textUnder[child]) > half {
          next = child
          break
        }
        child = Int(nodes[child].end)
      }
      guard let next else { return false }
      if nodes[next].attributeCount > 0 {
        if tree.attribute("itemprop", of: nodes[next])?.lowercased() == "articlebody" { return true }
        for attribute in tree.attributes(of: nodes[next]) where attribute.name == "class" || attribute.name == "id" {
          for token in attribute.value.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A }) where holdsContentHint(token) {
            return true
          }
        }
      }
      current = next
    }
  }

  /// `<article>`, `itemprop=articleBody`, or an id or class token that holds a content hint
  /// between hyphens ("c-article-body", "td-post-content", "article__body" hold
  /// "article-body" and "post-content": '_' reads as '-').
  func hasContentHint(_ node: borrowing HTMLTree.Node, in tree: HTMLTree) -> Bool {
    if node.tag == .article { return true }
    if tree.attribute("itemprop", of: node)?.lowercased() == "articlebody" { return true }
    for attribute in tree.attributes(of: node) where attribute.name == "class" || attribute.name == "id" {
      for token in attribute.value.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A }) {
        if holdsContentHint(token) { return true }
      }
    }
    return false
  }

  func holdsContentHint(_ token: Substring.UTF8View.SubSequence) -> Bool {
    var word: [UInt8] = []
    word.reserveCapacity(token.count)
    for byte in token {
      let folded: UInt8 = byte &- 0x41 < 26 ? byte | 0x20 : (byte == UInt8(ascii: "_") ? UInt8(ascii: "-") : byte)
      if folded == UInt8(ascii: "-"), word.last == UInt8(ascii: "-") { continue }
      word.append(folded)
    }
    for hint in contentHintWords where hint.count <= word.count {
      var start = 0
      while start + hint.count <= word.count {
        if (start == 0 || word[start - 1] == UInt8(ascii: "-")),
          start + hint.count == word.count || word[start + hint.count] == UInt8(ascii: "-"),
          word[start..<(start + hint.count)].elementsEqual(hint)
        {
          return true
        }
        start += 1
      }
    }
    return false
  }

  func hasAncestor(_ node: borrowing HTMLTree.Node, tagged tags: [HTMLTree.Tag], in tree: HTMLTree) -> Bool {
    var ancestor = node.parent
    var depth = 0
    while ancestor >= 0, depth < 64 {
      if tags.contains(tree.nodes[Int(ancestor)].tag) { return true }
      ancestor = tree.nodes[Int(ancestor)].parent
      depth += 1
    }
    return false
  }
}

/// The hint words by the FNV-1a hash of their bytes, each with what it says, in one
/// open-addressing table: a class word is looked up with the hash made while reading it (no
/// String, no Set lookup per word), and its prefixes of six letters or more with the hashes
/// made on the way (64-bit hashes of a few hundred words: no collisions to resolve).
struct HintTable: Sendable {
  static let drop: UInt8 = 1, weak: UInt8 = 2, header: UInt8 = 4, keep: UInt8 = 8
  static let layoutPrefix: UInt8 = 16, layoutWord: UInt8 = 32, prefixDrop: UInt8 = 64, prefixWeak: UInt8 = 128
  static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
  static let prime: UInt64 = 0x100_0000_01b3
  /// Hints match as a word's start from this many letters ("share" too: "sharedaddy").
  static let shortestPrefix = 5

  private var hashes: [UInt64]
  private var values: [UInt8]
  private let mask: Int
  let longestPrefix: Int

  /// Words of a class token that say the hint after them describes the layout, not the element.
  static let layoutPrefixes = ["no", "has", "with", "without"]

  init(drop: Set<String>, weak: Set<String>, keep: Set<String>) {
    var entries: [UInt64: UInt8] = [:]
    func add(_ word: String, _ flag: UInt8) { entries[Self.hash(word), default: 0] |= flag }
    for word in drop { add(word, Self.drop) }
    for word in weak.subtracting(drop) { add(word, word == "header" ? Self.header : Self.weak) }
    for word in keep { add(word, Self.keep) }
    for word in Self.layoutPrefixes { add(word, Self.layoutPrefix) }
    add("layout", Self.layoutWord)
    var longest = 0
    for word in drop where word.utf8.count >= 6 || word == "share" {
      add(word, Self.prefixDrop)
      longest = max(longest, word.utf8.count)
    }
    for word in weak.subtracting(drop) where word.utf8.count >= 6 || word == "share" {
      add(word, Self.prefixWeak)
      longest = max(longest, word.utf8.count)
    }
    longestPrefix = longest
    var size = 64
    while size < entries.count * 4 { size *= 2 }
    mask = size - 1
    hashes = [UInt64](repeating: 0, count: size)
    values = [UInt8](repeating: 0, count: size)
    for (hash, value) in entries {
      var slot = Int(truncatingIfNeeded: hash) & mask
      while values[slot] != 0 { slot = (slot + 1) & mask }
      hashes[slot] = hash
      values[slot] = value
    }
  }

  static func hash(_ word: String) -> UInt64 {
    var hash = offset
    for byte in word.utf8 { hash = (hash ^ UInt64(byte)) &* prime }
    return hash
  }

  /// What the word with this hash says (0: nothing).
  @inline(__always) func flags(_ hash: UInt64) -> UInt8 {
    var slot = Int(truncatingIfNeeded: hash) & mask
    while values[slot] != 0 {
      if hashes[slot] == hash { return values[slot] }
      slot = (slot + 1) & mask
    }
    return 0
  }
}
