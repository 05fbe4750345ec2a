import WinnowCore
import WinnowNative

/// Main-content extraction from a flattened HTML tree, in one walk over the nodes plus one
/// pass over the lines it produced. No re-serialisation, no regular expressions over markup.
///
/// 1. Walk the tree. Skip `script`, `style`, `nav`, `header`, `footer`, `aside`, `form`, … and
///    elements whose class/id tokens say menu, share, related, comment, ad, banner, copyright
///    (unless they also say article/content/body). Each block element and each `<br>` ends a
///    line; each line remembers its block's parent (the paragraph's container) and how much
///    of it is link text.
/// 2. Score containers as Readability does (a paragraph of ≥ 25 characters gives
///    1 + commas + length/100 to its container, half to the next ancestor, a third to the
///    one above), scale by (1 − link density), and double containers with a content hint
///    (`<article>`, `itemprop=articleBody`, known CMS ids). The best container, and siblings
///    scoring ≥ 20 % of it, are the article.
/// 3. The article's lines, less link-dense ones and the headline, are the text.
struct HTMLExtractor: Sendable {
  /// Tags that are never content, as a table indexed by `HTMLTree.Tag.rawValue`.
  let isDropTag: [Bool]
  var dropHints: Set<String>
  /// Drop hints that also match as a word's start.
  var prefixHints: [[UInt8]]
  var keepHints: Set<String>
  var contentHints: Set<String>
  var minParagraphChars: Int
  var maxLinkDensity: Double
  /// Drop the article's leading and trailing lines that are not paragraphs (kicker, deck,
  /// byline, "Share this", "Like this").
  var trimEdges = true

  init(dropTags: Set<String>, dropHints: Set<String>, keepHints: Set<String>, contentHints: Set<String>,
       minParagraphChars: Int, maxLinkDensity: Double, trimEdges: Bool = true) {
    self.isDropTag = Self.table(dropTags)
    self.dropHints = dropHints
    self.prefixHints = dropHints.filter { $0.utf8.count >= 6 || $0 == "share" }.sorted().map { Array($0.utf8) }
    self.keepHints = keepHints
    self.contentHints = contentHints
    self.minParagraphChars = minParagraphChars
    self.maxLinkDensity = maxLinkDensity
    self.trimEdges = trimEdges
  }

  static let blockTags: Set<String> = [
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "th", "tr",
    "table", "section", "article", "main", "dd", "dt", "dl", "figure", "figcaption", "address", "center",
    "body", "html", "hr", "caption", "tbody", "thead", "details", "summary",
  ]

  /// Tag sets as tables indexed by `HTMLTree.Tag.rawValue`.
  static func table(_ names: Set<String>) -> [Bool] {
    var table = [Bool](repeating: false, count: 256)
    for name in names {
      let tag = HTMLTree.Tag(name: name)
      if tag != .other { table[Int(tag.rawValue)] = true }
    }
    return table
  }

  static let isBlock = table(blockTags)
  static let isSilent = table(silentTags)

  struct Line {
    var text: String
    var chars: Int
    var linkChars: Int
    /// The block element that holds the line.
    var block: Int32
    var blockTag: HTMLTree.Tag
    /// Inside an element that is never content (nav, footer, a share bar): not scored, not
    /// output, but handed to `metadata` (bylines, dates and copyright lines live there).
    var chrome: Bool
  }

  struct Result {
    var lines: [String]
    var meta: HTMLMetadata
    /// Every other line of the page, in order, for the `metadata` stage: (text, before the
    /// article, inside the article but trimmed as an edge).
    var trail: [(text: String, leading: Bool, edge: Bool)] = []
  }

  static let silentTags: Set<String> = ["script", "style", "noscript", "template", "svg", "object", "embed", "head", "select", "textarea", "iframe", "button", "input"]

  /// At most this many chrome lines, each at most `maxTrailChars`, go to the metadata trail.
  static let maxTrailLines = 200
  static let maxTrailChars = 300

  func extract(_ tree: HTMLTree, dateWords: DateWords) -> Result {
    let nodes = tree.nodes
    let meta = HTMLMetadata.collect(tree, dateWords: dateWords)

    // Paragraphs under each element: a drop hint does not remove an element that holds three
    // or more paragraphs and also says article/content/body (a WordPress <body> or <div> whose
    // classes mention comments or sidebars).
    var paragraphs = [UInt16](repeating: 0, count: nodes.count)
    for index in nodes.indices where nodes[index].tag == .p {
      var ancestor = nodes[index].parent
      var depth = 0
      while ancestor >= 0, depth < 64 {
        paragraphs[Int(ancestor)] &+= 1
        ancestor = nodes[Int(ancestor)].parent
        depth += 1
      }
    }

    // 1. Lines.
    var lines: [Line] = []
    var hintCache: [UInt64: (value: String, words: HintWords)] = [:]
    var removed = [Bool](repeating: false, count: nodes.count)
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
    // Stack of open elements: (end index, is block, is link).
    var stack: [(end: Int32, block: Int32, link: Bool)] = []
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
          blockOf = stack.last(where: { $0.block >= 0 })?.block ?? -1
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
      if index >= chromeEnd, isRemoved(nodes[index], in: tree, paragraphs: Int(paragraphs[index]), cache: &hintCache) {
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
      if isBlock {
        flush()
        blockOf = Int32(index)
        currentBlock = blockOf
      }
      let isLink = tag == .a
      if isLink { linkDepth += 1 }
      stack.append((Int32(end), isBlock ? Int32(index) : -1, isLink))
      index += 1
    }
    flush()

    // 2. Scores. Totals per element: characters and link characters of the lines inside.
    var score = [Double](repeating: 0, count: nodes.count)
    var total = [Int](repeating: 0, count: nodes.count)
    var linkTotal = [Int](repeating: 0, count: nodes.count)
    for line in lines where line.block >= 0 && !line.chrome {
      // At most 64 ancestors: pathological nesting (thousands of open <div>s) stays linear.
      var ancestor = line.block
      var depth = 0
      while ancestor >= 0, depth < 64 {
        total[Int(ancestor)] += line.chars
        linkTotal[Int(ancestor)] += line.linkChars
        ancestor = nodes[Int(ancestor)].parent
        depth += 1
      }
      guard line.chars >= minParagraphChars, line.linkChars * 2 < line.chars else { continue }
      let commas = commaCount(line.text)
      let points = 1 + Double(commas) + min(Double(line.chars) / 100, 3)
      let tag = line.blockTag
      // Text directly in a div is its own container; a p/li/td gives to its parent.
      var container = (tag == .div || tag == .section || tag == .article || tag == .td || tag == .main) ? line.block : nodes[Int(line.block)].parent
      var share = 1.0
      var level = 0
      while container >= 0, level < 3 {
        score[Int(container)] += points * share
        level += 1
        share = level == 1 ? 0.5 : 1.0 / 3
        container = nodes[Int(container)].parent
      }
    }
    var best: Int32 = -1
    var bestScore = 0.0
    for i in 0..<nodes.count where score[i] > 0 {
      let density = total[i] > 0 ? Double(linkTotal[i]) / Double(total[i]) : 0
      var value = score[i] * (1 - density)
      if hasContentHint(nodes[i], in: tree) { value *= 2 }
      score[i] = value
      if value > bestScore { bestScore = value; best = Int32(i) }
    }
    guard best >= 0 else { return Result(lines: [], meta: meta, trail: trail(lines, output: [], edges: [])) }

    // A hinted container (<article>, articleBody, a CMS id) inside the winner that holds a
    // good share of its score is the article itself: the winner's extra is comments or lists.
    var hinted: Int32 = -1
    var hintedScore = 0.0
    for i in (Int(best) + 1)..<Int(nodes[Int(best)].end) where score[i] > hintedScore && hasContentHint(nodes[i], in: tree) && !removed[i] {
      hinted = Int32(i)
      hintedScore = score[i]
    }
    if hinted >= 0, hintedScore >= bestScore * 0.25 {
      best = hinted
      bestScore = hintedScore
    }

    // The article: the best container and its strong siblings.
    var chosen: [Range<Int>] = [Int(best)..<Int(nodes[Int(best)].end)]
    let parent = nodes[Int(best)].parent
    if parent >= 0 {
      var child = Int(parent) + 1
      let parentEnd = Int(nodes[Int(parent)].end)
      while child < parentEnd {
        if child != Int(best), nodes[child].kind == .element, !removed[child],
          score[child] >= max(bestScore * 0.2, 3)
        {
          chosen.append(child..<Int(nodes[child].end))
        }
        child = Int(nodes[child].end)
      }
    }

    // 3. Lines inside the article.
    let title = meta.title
    var kept: [Int] = []
    for (position, line) in lines.enumerated() where line.block >= 0 && !line.chrome {
      let block = Int(line.block)
      guard chosen.contains(where: { $0.contains(block) }) else { continue }
      if Double(line.linkChars) > Double(line.chars) * maxLinkDensity { continue }
      // Separators and counters ("·", "--", "6"): no letters, no content.
      if !line.text.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) { continue }
      if line.blockTag == .h1 || (title.map { line.text.sameText($0) } ?? false) { continue }
      kept.append(position)
    }
    var edges = Set<Int>()
    if trimEdges {
      let first = kept.firstIndex { isParagraph(lines[$0]) } ?? 0
      let last = kept.lastIndex { isParagraph(lines[$0]) } ?? kept.count - 1
      if first <= last {
        edges = Set(kept[..<first] + kept[(last + 1)...])
        kept = Array(kept[first...last])
      }
    }
    return Result(lines: kept.map { lines[$0].text }, meta: meta, trail: trail(lines, output: kept, edges: edges))
  }

  /// The page's other lines, for `metadata`: before the article's first output line they are
  /// its header, after the last its trailer.
  func trail(_ lines: [Line], output: [Int], edges: Set<Int>) -> [(text: String, leading: Bool, edge: Bool)] {
    let first = output.first ?? lines.count
    let last = output.last ?? lines.count
    let outputSet = Set(output)
    var result: [(text: String, leading: Bool, edge: Bool)] = []
    var leading = 0
    var trailing = 0
    for (position, line) in lines.enumerated() where !outputSet.contains(position) && line.chars <= Self.maxTrailChars {
      if position < first {
        guard leading < Self.maxTrailLines else { continue }
        leading += 1
      } else if position > last {
        guard trailing < Self.maxTrailLines else { continue }
        trailing += 1
      } else if !edges.contains(position) {
        continue  // link-dense or letterless lines inside the article
      }
      result.append((line.text, position < first, edges.contains(position)))
    }
    return result
  }

  /// Prose: twice the paragraph length, or a paragraph's length ending like a sentence.
  func isParagraph(_ line: Line) -> Bool {
    if line.chars >= 2 * minParagraphChars { return true }
    guard line.chars >= minParagraphChars, let last = line.text.unicodeScalars.last else { return false }
    return ".!?。！？…\"”»)）".unicodeScalars.contains(last)
  }

  /// What the words of one class/id/role value say; pages repeat the same values, so the
  /// answer is cached per page.
  struct HintWords {
    var drop = false
    var keep = false
  }

  func hintWords(_ value: String) -> HintWords {
    var result = HintWords()
    var word: [UInt8] = []
    func finish() {
      guard !word.isEmpty else { return }
      let text = String(decoding: word, as: UTF8.self)
      if dropHints.contains(text) || prefixHints.contains(where: { word.starts(with: $0) }) { result.drop = true }
      if keepHints.contains(text) { result.keep = true }
      word.removeAll(keepingCapacity: true)
    }
    for byte in value.utf8 {
      if byte &- 0x41 < 26 { word.append(byte | 0x20) } else if byte &- 0x61 < 26 || byte &- 0x30 < 10 || byte >= 0x80 { word.append(byte) } else { finish() }
    }
    finish()
    return result
  }

  /// Whether a node is chrome. Whole words count, and words that start with a hint of six
  /// letters or more, or "share" ("relatedposts", "commentlist", "sharedaddy"; not "reply" in
  /// "replyNewMessageContainer").
  func isRemoved(_ node: borrowing HTMLTree.Node, in tree: HTMLTree, paragraphs: Int, cache: inout [UInt64: (value: String, words: HintWords)]) -> Bool {
    if isDropTag[Int(node.tag.rawValue)] { return true }
    switch node.tag {
    case .html, .body, .main, .article: return false
    default: break
    }
    if node.attributeCount == 0 { return false }
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
      words.keep = words.keep || found.keep
    }
    guard words.drop else { return false }
    if paragraphs >= 3, words.keep { return false }
    return !hasContentHint(node, in: tree)
  }

  func hasContentHint(_ node: borrowing HTMLTree.Node, in tree: HTMLTree) -> Bool {
    if node.tag == .article { return true }
    if tree.attribute("itemprop", of: node)?.lowercased() == "articlebody" { return true }
    if let id = tree.attribute("id", of: node), contentHints.contains(id.lowercased()) { return true }
    if let classes = tree.attribute("class", of: node) {
      for name in classes.split(separator: " ") where contentHints.contains(name.lowercased()) { return true }
    }
    return false
  }
}

/// Commas in a line: ',', '，' (EF BC 8C) and '、' (E3 80 81), by bytes.
func commaCount(_ text: String) -> Int {
  var text = text
  return text.withUTF8 { bytes in
    var count = 0
    var index = 0
    // Eight bytes at a time while none is ',' or a lead byte of the other two (EF, E3).
    let raw = UnsafeRawBufferPointer(bytes)
    while index < bytes.count {
      if index + 8 <= bytes.count {
        let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        if !ByteSearch.has(word, 0x2C), !ByteSearch.has(word, 0xEF), !ByteSearch.has(word, 0xE3) {
          index += 8
          continue
        }
      }
      let byte = bytes[index]
      if byte == 0x2C {
        count += 1
      } else if index + 2 < bytes.count,
        (byte == 0xEF && bytes[index + 1] == 0xBC && bytes[index + 2] == 0x8C) || (byte == 0xE3 && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x81)
      {
        count += 1
      }
      index += 1
    }
    return count
  }
}

/// Appends text with HTML white-space collapsing (ASCII white space, NBSP, ideographic space).
/// Returns the number of bytes appended.
@discardableResult
func appendCollapsed(_ text: String, to out: inout [UInt8], pendingSpace: inout Bool) -> Int {
  var text = text
  return text.withUTF8 { appendCollapsed($0, to: &out, pendingSpace: &pendingSpace) }
}

@discardableResult
func appendCollapsed(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], pendingSpace: inout Bool) -> Int {
  let before = out.count
  // Runs of text are copied whole. A run goes on over a lone ASCII space between two
  // characters (already collapsed: most spaces in prose), so words are not copied one by one;
  // any other white space ends it. Eight bytes at a time are skipped while none is a control
  // (below 0x20), 0xC2 (NBSP's lead) or 0xE3 (U+3000's), and every space in them is a lone
  // one inside the eight.
  let ones: UInt64 = 0x0101_0101_0101_0101
  let highs: UInt64 = 0x8080_8080_8080_8080
  let raw = UnsafeRawBufferPointer(bytes)
  let count = bytes.count
  var index = 0
  var runStart = 0
  @inline(__always) func plain(_ byte: UInt8) -> Bool { byte > 0x20 && byte != 0xC2 && byte != 0xE3 }
  func flush(upTo end: Int) {
    guard end > runStart else { return }
    if pendingSpace { out.append(0x20); pendingSpace = false }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<end]))
  }
  while index < count {
    if index + 8 <= count {
      let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
      let below = (word &- ones &* 0x20) & ~word & highs
      if below == 0, !ByteSearch.has(word, 0xC2), !ByteSearch.has(word, 0xE3) {
        // Spaces, exactly (no borrow between bytes): none in the first or last byte, no two
        // side by side.
        let x = word ^ (ones &* 0x20)
        let spaces = ~(((x & ~highs) &+ ~highs) | x) & highs
        if spaces & 0x8000_0000_0000_0080 == 0, spaces & (spaces << 8) == 0 {
          index += 8
          continue
        }
      }
    }
    let byte = bytes[index]
    if plain(byte) {
      index += 1
      continue
    }
    var spaceWidth = 0
    if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
      spaceWidth = 1
    } else if byte == 0xC2, index + 1 < count, bytes[index + 1] == 0xA0 {
      spaceWidth = 2
    } else if byte == 0xE3, index + 2 < count, bytes[index + 1] == 0x80, bytes[index + 2] == 0x80 {
      spaceWidth = 3
    }
    if spaceWidth == 0 {
      index += 1
      continue
    }
    if byte == 0x20, index > runStart, index + 1 < count, plain(bytes[index + 1]) {
      index += 1  // a lone space inside the run: it stays as it is
      continue
    }
    flush(upTo: index)
    if !out.isEmpty { pendingSpace = true }
    index += spaceWidth
    runStart = index
  }
  flush(upTo: count)
  return out.count - before
}
