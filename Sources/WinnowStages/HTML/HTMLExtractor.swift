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
  /// Hints that remove only a small element (see `HTMLConfig.defaultWeakHints`).
  var weakHints: Set<String>
  /// Drop and weak hints that also match as a word's start, with whether each is weak.
  var prefixHints: [(word: [UInt8], weak: Bool)]
  var keepHints: Set<String>
  var contentHints: Set<String>
  var minParagraphChars: Int
  var maxLinkDensity: Double
  /// Drop the article's leading and trailing lines that are not paragraphs (kicker, deck,
  /// byline, "Share this", "Like this").
  var trimEdges = true

  init(dropTags: Set<String>, dropHints: Set<String>, weakHints: Set<String> = [], keepHints: Set<String>,
       contentHints: Set<String>, minParagraphChars: Int, maxLinkDensity: Double, trimEdges: Bool = true) {
    self.isDropTag = Self.table(dropTags)
    self.dropHints = dropHints
    self.weakHints = weakHints.subtracting(dropHints)
    func prefixes(_ hints: Set<String>) -> [[UInt8]] { hints.filter { $0.utf8.count >= 6 || $0 == "share" }.sorted().map { Array($0.utf8) } }
    self.prefixHints = prefixes(dropHints).map { ($0, false) } + prefixes(self.weakHints).map { ($0, true) }
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
    /// The pass that gave the text.
    var pass: Pass = .main
  }

  /// How the text was found. `main`: the scorer's container with class/id hints applied;
  /// `wide`: the scorer again with only tags as chrome (hints can hide an article: a theme's
  /// "sidebar-layout" wrapper, a "print-only" article copy); `paragraphs`: every prose line of
  /// the page outside chrome, in order.
  enum Pass: String, Sendable { case main, wide, paragraphs }

  /// The lines chosen as the article (indices into the walk's lines), and the leading and
  /// trailing ones trimmed as edges.
  struct Selection {
    var kept: [Int] = []
    var edges = Set<Int>()
    var chars = 0
  }

  static let silentTags: Set<String> = ["script", "style", "noscript", "template", "svg", "object", "embed", "head", "select", "textarea", "iframe", "button", "input"]

  /// At most this many chrome lines, each at most `maxTrailChars`, go to the metadata trail.
  static let maxTrailLines = 200
  static let maxTrailChars = 300

  /// A fallback runs when the main pass found nothing, or less than `fallbackShare` of the
  /// prose lines outside chrome (a scorer that picked one box of a page whose article is
  /// split, or whose article sits under a misleading class).
  static let fallbackShare = 0.25

  /// Siblings are taken from the best container's level and this many levels in all.
  static let siblingLevels = 2

  /// At most this many lines are trimmed at each edge of the article.
  static let maxEdgeLines = 4

  func extract(_ tree: HTMLTree, rules: MetadataRules) -> Result {
    let meta = HTMLMetadata.collect(tree, rules: rules)
    let census = PageCensus(tree)
    let main = walk(tree, census: census, hints: true)
    var walked = main
    var selection = select(main, in: tree, title: meta.title)
    var pass = Pass.main
    let prose = proseChars(main.lines)
    if Double(selection.chars) < Double(prose) * Self.fallbackShare || selection.kept.isEmpty {
      let wide = walk(tree, census: census, hints: false)
      let wideSelection = select(wide, in: tree, title: meta.title)
      if wideSelection.chars >= max(2 * selection.chars, 1) {
        walked = wide
        selection = wideSelection
        pass = .wide
      }
      if Double(selection.chars) < Double(prose) * Self.fallbackShare || selection.kept.isEmpty {
        // The prose of the main walk when it has some, else of the walk without hints.
        let source = prose > 0 ? main : wide
        let paragraphs = proseLines(source, title: meta.title)
        if paragraphs.chars > selection.chars {
          walked = source
          selection = paragraphs
          pass = .paragraphs
        }
      }
    }
    let lines = walked.lines
    return Result(lines: selection.kept.map { lines[$0].text }, meta: meta,
                  trail: trail(lines, output: selection.kept, edges: selection.edges), pass: pass)
  }

  /// Characters of the prose lines outside chrome: paragraphs (see `isParagraph`) with at
  /// most `maxLinkDensity` of link text.
  func proseChars(_ lines: [Line]) -> Int {
    var chars = 0
    for line in lines where !line.chrome && isProse(line) { chars += line.chars }
    return chars
  }

  func isProse(_ line: Line) -> Bool {
    isParagraph(line) && Double(line.linkChars) <= Double(line.chars) * maxLinkDensity
  }

  /// The paragraphs fallback: every line outside chrome that is prose, or a heading or list
  /// item between two prose lines, in page order, less the headline.
  func proseLines(_ walked: Walk, title: String?) -> Selection {
    let lines = walked.lines
    var selection = Selection()
    var candidates: [Int] = []
    for (position, line) in lines.enumerated() where !line.chrome && line.block >= 0 {
      if Double(line.linkChars) > Double(line.chars) * maxLinkDensity { continue }
      if !line.text.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) { continue }
      if line.blockTag == .h1 || (title.map { line.text.sameText($0) } ?? false) { continue }
      candidates.append(position)
    }
    guard let first = candidates.firstIndex(where: { isProse(lines[$0]) }),
      let last = candidates.lastIndex(where: { isProse(lines[$0]) })
    else { return selection }
    for position in candidates[first...last] {
      let line = lines[position]
      let shaped = isProse(line) || line.blockTag == .li || line.blockTag == .h2 || line.blockTag == .h3
        || line.blockTag == .h4 || line.blockTag == .p || line.blockTag == .blockquote
      guard shaped else { continue }
      selection.kept.append(position)
      selection.chars += line.chars
    }
    return selection
  }

  /// The main-content choice over one walk's lines.
  ///
  /// Containers are scored as Readability does, by length first: a paragraph line of
  /// `minParagraphChars` or more gives its container length/100 plus a quarter point per
  /// comma (at most one per 50 characters), half of that to the next ancestor and a third to
  /// the one above; scores are scaled by (1 − link density) and doubled for a content hint
  /// (`<article>`, `itemprop=articleBody`, known CMS ids). The best container, its siblings
  /// scoring ≥ 20 % of it and its prose siblings are the article; its lines, less link-dense
  /// ones, letterless ones and the headline, are the text, less non-paragraph edges.
  func select(_ walked: Walk, in tree: HTMLTree, title: String?) -> Selection {
    let nodes = tree.nodes
    let lines = walked.lines
    let removed = walked.removed
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
      // Length first: a list of short comma-holding lines (signatories, "Name, Place") must
      // not outscore the paragraphs beside it, as Readability's 1 + commas per line lets it.
      let tag = line.blockTag
      // A list item counts half: teaser lists (latest, breaking, most read) hold long lines too.
      let points = (Double(line.chars) / 100 + min(Double(commas), Double(line.chars) / 50) * 0.25) * (tag == .li ? 0.5 : 1)
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
    guard best >= 0 else { return Selection() }

    // A hinted container (<article>, articleBody, a CMS id) inside the winner that holds a
    // good share of its score is the article itself: the winner's extra is comments or lists.
    var hinted: Int32 = -1
    var hintedScore = 0.0
    for i in (Int(best) + 1)..<Int(nodes[Int(best)].end) where score[i] > hintedScore && hasContentHint(nodes[i], in: tree) && !removed[i] {
      hinted = Int32(i)
      hintedScore = score[i]
    }
    // (Not when the winner is itself hinted: libxml2 nests a listing's later <article>s inside
    // the first one when their markup is broken.)
    if hinted >= 0, hintedScore >= bestScore * 0.25, !hasContentHint(nodes[Int(best)], in: tree) {
      best = hinted
      bestScore = hintedScore
    }

    // The article: the best container, its strong or prose siblings, and the strong siblings
    // of its parent and the prose ones before it (a lead paragraph in the article's header, a
    // body split into several text blocks by a page builder).
    var chosen: [Range<Int>] = [Int(best)..<Int(nodes[Int(best)].end)]
    var inner = Int(best)
    for level in 0..<Self.siblingLevels {
      let parent = nodes[inner].parent
      guard parent >= 0 else { break }
      var child = Int(parent) + 1
      let parentEnd = Int(nodes[Int(parent)].end)
      while child < parentEnd {
        // A strong sibling, or prose (Readability's sibling paragraphs: 80 characters or more,
        // under a quarter of them in links).
        if child != inner, nodes[child].kind == .element, !removed[child],
          score[child] >= max(bestScore * 0.2, 3)
            || (total[child] >= 80 && linkTotal[child] * 4 < total[child] && (level == 0 || child < inner))
        {
          chosen.append(child..<Int(nodes[child].end))
        }
        child = Int(nodes[child].end)
      }
      inner = Int(parent)
    }

    // 3. Lines inside the article.
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
    kept = withoutCopies(kept, lines)
    var edges = Set<Int>()
    if trimEdges {
      let first = kept.firstIndex { isParagraph(lines[$0]) } ?? 0
      let last = kept.lastIndex { isParagraph(lines[$0]) } ?? kept.count - 1
      // A run of more than `maxEdgeLines` short lines is content (a schedule, a table, a
      // list before the first sentence), not a kicker, byline or share prompt.
      let head = first <= Self.maxEdgeLines ? first : 0
      let tail = kept.count - 1 - last <= Self.maxEdgeLines ? last : kept.count - 1
      if head <= tail {
        edges = Set(kept[..<head] + kept[(tail + 1)...])
        kept = Array(kept[head...tail])
      }
    }
    return Selection(kept: kept, edges: edges, chars: kept.reduce(0) { $0 + lines[$1].chars })
  }

  /// The kept lines less repeated text: a later copy of a long paragraph, and a long line that
  /// holds three of the other kept paragraphs (a page that carries its article a second time
  /// in one block, for print or a script-less reader).
  func withoutCopies(_ kept: [Int], _ lines: [Line]) -> [Int] {
    var seen = Set<UInt64>()
    var result: [Int] = []
    for position in kept {
      let line = lines[position]
      // Short lines repeat in real articles (an interview's recurring question, a recipe's
      // "Drink 20–30 minutes before your workout"); a long paragraph does not.
      if line.chars >= Self.copyMinParagraph, !seen.insert(line.text.byteHash()).inserted { continue }
      result.append(position)
    }
    let long = result.filter { lines[$0].chars >= Self.copyMinChars }
    guard !long.isEmpty else { return result }
    var copies = Set<Int>()
    for candidate in long {
      var held = 0
      for other in result where other != candidate && lines[other].chars >= 100 && lines[other].chars * 2 <= lines[candidate].chars {
        if lines[candidate].text.byteRange(of: lines[other].text) != nil {
          held += 1
          // Three paragraphs: a copy (one is a pull quote repeated from its paragraph).
          if held == 3 {
            copies.insert(candidate)
            break
          }
        }
      }
    }
    return copies.isEmpty ? result : result.filter { !copies.contains($0) }
  }

  /// A repeated line this long is a copy.
  static let copyMinParagraph = 150

  /// A line this long that holds other kept paragraphs may be a copy of the article.
  static let copyMinChars = 500

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
}
