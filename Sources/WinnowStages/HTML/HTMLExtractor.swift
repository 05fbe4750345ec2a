import WinnowCore
import WinnowNative

/// Main-content extraction from a flattened HTML tree: one walk over the nodes (two on the
/// pages a fallback runs for), then one pass over the lines it produced. No re-serialisation,
/// no regular expressions over markup.
///
/// 1. Walk the tree (`walk`, HTMLLineWalker.swift). Scripts, styles and forms are skipped;
///    nav, header, footer, aside and elements whose class/id words are drop hints (menu,
///    related, comment, sidebar, …) are chrome, and so are small elements with weak hints
///    (share, ad, widget, caption, …); an element holding half the page's text is never
///    chrome. Each block element and each `<br>` ends a line.
/// 2. Score containers by their paragraphs' length (and commas), scaled by (1 − link density),
///    doubled for a content hint (`<article>`, `itemprop=articleBody`, CMS classes). The best
///    container, widened to the box that adds no prose to it, its strong and prose siblings
///    (up six levels, prose before it only above the first), and the blocks elsewhere with
///    its class (page builders) are the article (`select`).
/// 3. Its lines, less link-dense ones, the headline, nested `<article>`s, copies and the
///    short lines at its edges, are the text (beside the container, prose, and headings and
///    list items between prose).
/// 4. When that is nothing, or under a quarter of the page's prose (and the article is not
///    one of several `<article>`s of one class), the walk is redone with tags only as chrome
///    (`wide`), then every prose line outside chrome is taken (`paragraphs`); when there is
///    none, the prose lines in chrome (`chrome`). A JSON-LD `articleBody` twice as long as
///    what was found is taken instead (`articlebody`).
///
/// An article's `<header>` gives its prose paragraphs (the lead), and a `<noscript>` that
/// holds prose is read like any element (a page's copy for readers without scripts).
struct HTMLExtractor: Sendable {
  /// Tags that are never content, as a table indexed by `HTMLTree.Tag.rawValue`.
  let isDropTag: [Bool]
  /// The drop, weak and keep hint words by hash (see `hintWords`).
  let hintTable: HintTable
  /// The content hints (ids and classes of article containers) as bytes, '_' read as '-'.
  var contentHintWords: [[UInt8]]
  var minParagraphChars: Int
  var maxLinkDensity: Double
  /// Drop the article's leading and trailing lines that are not paragraphs (kicker, deck,
  /// byline, "Share this", "Like this").
  var trimEdges = true

  init(dropTags: Set<String>, dropHints: Set<String>, weakHints: Set<String> = [], keepHints: Set<String>,
       contentHints: Set<String>, minParagraphChars: Int, maxLinkDensity: Double, trimEdges: Bool = true) {
    self.isDropTag = Self.table(dropTags)
    self.hintTable = HintTable(drop: dropHints, weak: weakHints, keep: keepHints)
    self.contentHintWords = contentHints.sorted().map { Array($0.replacingOccurrences(of: "_", with: "-").utf8) }
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
  /// the page outside chrome, in order; `chrome`: the prose lines in chrome, when the page has
  /// no other (a stub whose lead is in its `<header>`).
  enum Pass: String, Sendable { case main, wide, paragraphs, chrome, articlebody }

  /// The lines chosen as the article (indices into the walk's lines), and the leading and
  /// trailing ones trimmed as edges.
  struct Selection {
    var kept: [Int] = []
    var edges = Set<Int>()
    var chars = 0
    /// The scorer's container (`select` only).
    var core = -1
  }

  /// Whether a class value holds every word of `signature` ("grid-box-first grid-box" holds
  /// "grid-box"'s): a page builder's position and colour modifiers on the same block.
  static func holdsAllWords(of signature: String, in classes: String) -> Bool {
    let words = classes.split(separator: " ")
    return signature.split(separator: " ").allSatisfy { words.contains($0) }
  }

  static let silentTags: Set<String> = ["script", "style", "noscript", "template", "svg", "object", "embed", "head", "select", "textarea", "iframe", "button", "input"]

  /// At most this many chrome lines, each at most `maxTrailChars`, go to the metadata trail.
  static let maxTrailLines = 200
  static let maxTrailChars = 300

  /// A fallback runs when the main pass found nothing, or less than `fallbackShare` of the
  /// prose lines outside chrome (a scorer that picked one box of a page whose article is
  /// split, or whose article sits under a misleading class).
  static let fallbackShare = 0.25

  /// The best container is widened to an ancestor at most this many levels up whose prose
  /// is at most `climbGrowth` times its own: with 1, a wrapper that adds no prose (only
  /// links, captions, bylines), so that siblings are looked for from the article's own box.
  /// (Growth of 1.5 took more of the trafilatura set's leads and more of the AEB's
  /// boilerplate: F1 +0.002 and −0.006.)
  static let climbLevels = 3
  static let climbGrowth = 1.0

  /// The paragraphs fallback also needs the article found so far to be shorter than this: a
  /// longer one is the article of a page whose other prose is a listing of other stories.
  static let paragraphsFallbackChars = 500

  /// An earlier <article> of the best one's class is the page's own from this share of its
  /// score.
  static let firstArticleShare = 0.15

  /// Siblings are taken from the best container's level and this many levels in all (above
  /// the first, prose before the container only: a lead in the page's header band, six
  /// levels of wrappers above the body on some themes).
  static let siblingLevels = 6

  func extract(_ tree: HTMLTree, rules: MetadataRules) -> Result {
    let census = PageCensus(tree)
    let meta = HTMLMetadata.collect(tree, census: census, rules: rules)
    let main = walk(tree, census: census, hints: true)
    var walked = main
    var selection = select(main, in: tree, title: meta.title)
    var pass = Pass.main
    let prose = proseChars(main.lines)
    // The article of a page of several (a story and the next ones infinite scroll appended)
    // is a small part of the page's prose by design: no fallback for it.
    let settled = selection.chars >= Self.paragraphsFallbackChars && isOneOfSeveralArticles(selection.core, in: tree, census: census)
    if !settled && Double(selection.chars) < Double(prose) * Self.fallbackShare || selection.kept.isEmpty {
      let wide = walk(tree, census: census, hints: false)
      let wideSelection = select(wide, in: tree, title: meta.title)
      if wideSelection.chars >= max(2 * selection.chars, 1) {
        walked = wide
        selection = wideSelection
        pass = .wide
      }
      if (Double(selection.chars) < Double(prose) * Self.fallbackShare && selection.chars < Self.paragraphsFallbackChars) || selection.kept.isEmpty {
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
    if selection.kept.isEmpty {
      // No text outside chrome at all: the prose that is left anywhere (a lead in a <header>,
      // a post in an <aside>), so that only a page with no text is empty.
      let any = proseLines(main, title: meta.title, chrome: true)
      if !any.kept.isEmpty {
        walked = main
        selection = any
        pass = .chrome
      }
    }
    // The page's JSON-LD says the article is much longer than what the markup gave (a body
    // rendered by a script, a paywalled page that ships its text for search engines): its
    // `articleBody`, as paragraphs.
    // (Characters are at most bytes: a body too short in bytes is not split at all.)
    if let body = meta.articleBody, body.utf8.count >= max(Self.articleBodyMinChars, 2 * selection.chars) {
      let paragraphs = Self.paragraphs(ofArticleBody: body)
      let chars = paragraphs.reduce(0) { $0 + $1.scalarCount }
      if chars >= Self.articleBodyMinChars, chars >= 2 * selection.chars {
        return Result(lines: paragraphs, meta: meta, trail: trail(walked.lines, output: [], edges: []), pass: .articlebody)
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
  /// item between two prose lines, in page order, less the headline. With `chrome`, the last
  /// resort: the prose lines of the whole page, chrome included.
  func proseLines(_ walked: Walk, title: String?, chrome: Bool = false) -> Selection {
    let lines = walked.lines
    var selection = Selection()
    var candidates: [Int] = []
    for (position, line) in lines.enumerated() where (chrome || !line.chrome) && line.block >= 0 {
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
      // (From chrome, prose lines only: a menu's short items between two paragraphs are not.)
      let shaped = isProse(line) || !chrome && (line.blockTag == .li || line.blockTag == .h2 || line.blockTag == .h3
        || line.blockTag == .h4 || line.blockTag == .p || line.blockTag == .blockquote)
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
  /// (`<article>`, `itemprop=articleBody`, known CMS ids). The best container, widened to the
  /// box that adds no prose to it, its siblings scoring ≥ 20 % of it, its prose siblings and
  /// the blocks that carry its class are the article; its lines, less link-dense ones,
  /// letterless ones, nested articles, copies and the headline, are the text, less the short
  /// lines at its edges.
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

    // Of several <article>s of one class (a thread's posts, stories appended by infinite
    // scroll), the first that holds a real text is the page's own: a question before its
    // replies, the story before the next ones.
    if nodes[Int(best)].tag == .article, let signature = tree.attribute("class", of: nodes[Int(best)]) {
      for i in 0..<Int(best) where nodes[i].tag == .article && score[i] >= bestScore * Self.firstArticleShare && Int(nodes[i].end) <= Int(best)
        && tree.attribute("class", of: nodes[i]) == signature
      {
        best = Int32(i)
        bestScore = score[i]
        break
      }
    }

    // The same when the best container is inside one of several <article>s of one class: an
    // earlier one whose best container holds a real text is the page's own.
    if nodes[Int(best)].tag != .article, let outer = enclosingArticle(Int(best), in: tree),
      let signature = tree.attribute("class", of: nodes[outer]), !signature.isEmpty
    {
      var index = 0
      search: while index < outer {
        if nodes[index].tag == .article, Int(nodes[index].end) <= outer, tree.attribute("class", of: nodes[index]) == signature {
          var inner = -1
          var innerScore = 0.0
          for inside in index..<Int(nodes[index].end) where score[inside] > innerScore && !removed[inside] {
            inner = inside
            innerScore = score[inside]
          }
          if inner >= 0, innerScore >= bestScore * Self.firstArticleShare {
            best = Int32(inner)
            bestScore = innerScore
            break search
          }
          index = Int(nodes[index].end)
          continue
        }
        index += 1
      }
    }

    // Up to the ancestor that adds no prose to the best container's (see `climbGrowth`): the
    // article's own box, whose siblings are then the article's other blocks.
    let bestProse = total[Int(best)] - linkTotal[Int(best)]
    let core = Int(best)..<Int(nodes[Int(best)].end)
    // Inside an <article>, a nested <article> is another story (libxml2 nests a listing's
    // later posts in the first when their markup is broken; related stories, comments).
    var nested: [Range<Int>] = []
    if nodes[core.lowerBound].tag == .article {
      var index = core.lowerBound + 1
      while index < core.upperBound {
        if nodes[index].tag == .article {
          nested.append(index..<Int(nodes[index].end))
          index = Int(nodes[index].end)
        } else {
          index += 1
        }
      }
    }
    for _ in 0..<Self.climbLevels {
      let parent = Int(nodes[Int(best)].parent)
      guard parent >= 0, !removed[parent], nodes[parent].tag != .body, nodes[parent].tag != .html else { break }
      let prose = total[parent] - linkTotal[parent]
      guard Double(prose) <= Double(bestProse) * Self.climbGrowth, linkTotal[parent] * 4 <= total[parent],
        !holdsOtherArticle(parent, besides: Int(best), in: tree)
      else { break }
      best = Int32(parent)
    }
    // The article: that box, its strong or prose siblings, and, up `siblingLevels` levels,
    // the strong siblings of its ancestors and the prose ones before it (a lead paragraph in
    // the article's header, a body split into several text blocks).
    var chosen: [Range<Int>] = [Int(best)..<Int(nodes[Int(best)].end)]
    var inner = Int(best)
    func isProseBlock(_ element: Int) -> Bool { total[element] >= 80 && linkTotal[element] * 4 < total[element] }
    for level in 0..<Self.siblingLevels {
      let parent = nodes[inner].parent
      guard parent >= 0 else { break }
      var child = Int(parent) + 1
      let parentEnd = Int(nodes[Int(parent)].end)
      while child < parentEnd {
        // A strong sibling, or prose (Readability's sibling paragraphs: 80 characters or more,
        // under a quarter of them in links): beside the container itself anywhere, further up
        // only before it (a lead above the body); never an element a weak hint marks.
        if child != inner, nodes[child].kind == .element, !removed[child], !holdsOtherArticle(child, besides: inner, in: tree),
          score[child] >= max(bestScore * 0.2, 3) || (isProseBlock(child) && (level == 0 || child < inner) && !walked.suspect[child])
        {
          chosen.append(child..<Int(nodes[child].end))
        }
        child = Int(nodes[child].end)
      }
      inner = Int(parent)
    }

    // Page builders (Elementor, Divi, WPBakery) give every text block of an article the same
    // class, in sections of their own: blocks elsewhere with the scorer's container's class,
    // holding prose, are the article's too.
    // Which elements the chosen subtrees hold, by index: one look per line or element, not one
    // per chosen subtree (a page of 400k prose blocks side by side chooses 400k of them).
    var isChosen = [Bool](repeating: false, count: nodes.count)
    for range in chosen { for index in range { isChosen[index] = true } }
    if let signature = tree.attribute("class", of: nodes[core.lowerBound]), !signature.isEmpty, nodes[core.lowerBound].tag != .article {
      var index = 0
      while index < nodes.count {
        if isChosen[index] {
          index += 1
          continue
        }
        if nodes[index].kind == .element, !removed[index], total[index] >= 80, linkTotal[index] * 4 < total[index],
          let classes = tree.attribute("class", of: nodes[index]), classes == signature || Self.holdsAllWords(of: signature, in: classes)
        {
          // Another <article> of that class is another post (a forum's replies), not more of this.
          if nodes[index].tag == .article || enclosingArticle(index, in: tree) != enclosingArticle(core.lowerBound, in: tree) {
            index = Int(nodes[index].end)
            continue
          }
          for inside in index..<Int(nodes[index].end) { isChosen[inside] = true }
          index = Int(nodes[index].end)
          continue
        }
        index += 1
      }
    }
    for range in nested { for index in range { isChosen[index] = false } }

    // 3. Lines inside the article.
    var kept: [Int] = []
    var tentative = Set<Int>()
    for (position, line) in lines.enumerated() where line.block >= 0 && !line.chrome {
      let block = Int(line.block)
      guard isChosen[block] else { continue }
      if Double(line.linkChars) > Double(line.chars) * maxLinkDensity { continue }
      // Around the scorer's container (widened to or beside it), prose only: the box's
      // bylines, dates and share prompts stay out, and so do list items with a link (teaser
      // lists: a linked headline, then its summary).
      // A heading or a plain list item beside the container is kept between two prose lines
      // of the article (a body split into blocks with sub-headings between them), never at
      // its edges.
      var between = false
      if !core.contains(block), !isParagraph(line) || (line.blockTag == .li && line.linkChars > 0) {
        switch line.blockTag {
        case .h2, .h3, .h4, .li: guard line.linkChars == 0 else { continue }
        default: continue
        }
        between = true
      }
      // In the article's header, sentences only: a deck is a headline-like line without a
      // full stop, as long as a headline (up to four paragraph minimums).
      if walked.lead[block], line.blockTag != .p || !endsLikeSentence(line) && line.chars <= 4 * minParagraphChars || Self.isNamedDeck(block, in: tree) {
        continue
      }
      // Separators and counters ("·", "--", "6"): no letters, no content.
      if !line.text.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) { continue }
      if line.blockTag == .h1 || (title.map { line.text.sameText($0) } ?? false) { continue }
      if between { tentative.insert(position) }
      kept.append(position)
    }
    if !tentative.isEmpty {
      let firstSure = kept.firstIndex { !tentative.contains($0) }
      let lastSure = kept.lastIndex { !tentative.contains($0) }
      kept = kept.enumerated().filter { item in
        !tentative.contains(item.element) || (firstSure.map { $0 < item.offset } ?? false) && (lastSure.map { $0 > item.offset } ?? false)
      }.map(\.element)
    }
    kept = withoutCopies(kept, lines)
    var edges = Set<Int>()
    if trimEdges {
      // Short lines at the edges are a kicker, byline, date or share prompt, each a block of
      // its own; a list, a table or a block of <br> lines (a schedule) is content.
      var linesInBlock: [Int32: Int] = [:]
      for position in kept { linesInBlock[lines[position].block, default: 0] += 1 }
      func isEdge(_ position: Int) -> Bool {
        let line = lines[position]
        if isParagraph(line) { return false }
        switch line.blockTag {
        case .li, .td, .th, .dd, .dt: return false
        default: return (linesInBlock[line.block] ?? 0) < 3
        }
      }
      let head = kept.firstIndex { !isEdge($0) } ?? 0
      let tail = kept.lastIndex { !isEdge($0) } ?? kept.count - 1
      if head <= tail {
        edges = Set(kept[..<head] + kept[(tail + 1)...])
        kept = Array(kept[head...tail])
      }
    }
    return Selection(kept: kept, edges: edges, chars: kept.reduce(0) { $0 + lines[$1].chars }, core: core.lowerBound)
  }

  /// Whether the container is inside one of several `<article>`s of one class that hold prose
  /// (stories appended by infinite scroll, a listing's teasers): the page's other prose is
  /// theirs, not a part of this article that the scorer missed.
  func isOneOfSeveralArticles(_ element: Int, in tree: HTMLTree, census: PageCensus) -> Bool {
    guard element >= 0, let article = enclosingArticle(element, in: tree),
      let signature = tree.attribute("class", of: tree.nodes[article]), !signature.isEmpty
    else { return false }
    for index in tree.nodes.indices where index != article && tree.nodes[index].tag == .article
      && census.textUnder[index] >= Self.otherArticleChars && tree.attribute("class", of: tree.nodes[index]) == signature
    {
      return true
    }
    return false
  }

  /// Bytes of text an `<article>` holds to count as another story.
  static let otherArticleChars: Int32 = 200

  /// Whether an element's class names it the deck ("deck", "article__dek"): never the lead,
  /// even when it is written as a sentence.
  static func isNamedDeck(_ element: Int, in tree: HTMLTree) -> Bool {
    guard let classes = tree.attribute("class", of: tree.nodes[element]) else { return false }
    return classes.lowercased().split { !($0.isLetter || $0.isNumber) }.contains { $0 == "deck" || $0 == "dek" }
  }

  /// A JSON-LD `articleBody` counts when it holds this many characters (and twice the markup's).
  static let articleBodyMinChars = 500

  /// An `articleBody`'s paragraphs: its lines, spaces collapsed (some pages put markup there:
  /// those are not read as text).
  static func paragraphs(ofArticleBody body: String) -> [String] {
    if body.utf8.contains(UInt8(ascii: "<")), body.contains("</p>") || body.contains("<br") { return [] }
    return body.split(whereSeparator: \.isNewline).map { HTMLMetadata.collapseSpaces(String($0)).trimmed }.filter { !$0.isEmpty }
  }

  /// The nearest `<article>` an element is in (itself included), if any.
  func enclosingArticle(_ element: Int, in tree: HTMLTree) -> Int? {
    var index = element
    var depth = 0
    while index >= 0, depth < 64 {
      if tree.nodes[index].tag == .article { return index }
      index = Int(tree.nodes[index].parent)
      depth += 1
    }
    return nil
  }

  /// Whether an element holds an `<article>` below it, outside `besides`' subtree: a listing of other
  /// stories (teasers with prose of their own), not more of this one.
  func holdsOtherArticle(_ element: Int, besides inner: Int, in tree: HTMLTree) -> Bool {
    let nodes = tree.nodes
    let skip = inner..<Int(nodes[inner].end)
    var index = element + 1
    let end = Int(nodes[element].end)
    while index < end {
      if skip.contains(index) {
        index = skip.upperBound
        continue
      }
      if nodes[index].tag == .article { return true }
      index += 1
    }
    return false
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
    // Each search (linear: `ByteSearch.occurs`) costs both lines' bytes; past a budget the rest of
    // the long lines are kept as they are (a page of 100k long paragraphs would otherwise
    // make 10^10 searches; an article carried twice makes a few hundred).
    var budget = Self.copySearchBytes
    search: for candidate in long {
      var held = 0
      for other in result where other != candidate && lines[other].chars >= 100 && lines[other].chars * 2 <= lines[candidate].chars {
        budget -= lines[candidate].text.utf8.count + lines[other].text.utf8.count
        if budget < 0 { break search }
        if Self.holds(lines[candidate].text, lines[other].text) {
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

  /// Bytes searched for paragraphs inside long lines, at most, per page.
  static let copySearchBytes = 256 << 20

  /// Whether `line` holds `part`'s bytes.
  static func holds(_ line: String, _ part: String) -> Bool {
    var line = line
    var part = part
    return line.withUTF8 { haystack in part.withUTF8 { ByteSearch.occurs($0, in: haystack) } }
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
    return endsLikeSentence(line)
  }

  /// A paragraph's length, ending like a sentence.
  func endsLikeSentence(_ line: Line) -> Bool {
    guard line.chars >= minParagraphChars, let last = line.text.unicodeScalars.last else { return false }
    return ".!?。！？…\"”»)）".unicodeScalars.contains(last)
  }
}
