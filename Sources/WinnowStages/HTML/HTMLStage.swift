import WinnowCore
import WinnowNative

/// Stage `html`: parses HTML with libxml2 (recovering from broken markup, never fetching
/// anything), keeps the main content's paragraphs, and lifts title, published date, authors
/// and outlet from the page's metadata. Plain-text documents pass through untouched.
///
/// The content choice follows Readability's scoring (see `HTMLExtractor`); the default hint
/// lists are the class/id words and CMS containers seen on news and blog pages, with the
/// Korean CMS containers (`article-view-content-div`, `articleBodyContents`, `dic_area`, …)
/// among the content hints.
///
/// Hostile markup is bounded before it costs quadratic time in libxml2: attributes past 256
/// in one tag are dropped (counter `attributes_dropped`), and parsing ends at an element
/// nested 256 deep (counter `depth_limited`; the text up to it is kept). The parser and the
/// extraction check the stage's `timeout_ms` as they go (reason `timeout`).
struct HTMLConfig: StageConfig {
  static let name = "html"
  static let summary = "extract the main content of HTML pages (libxml2) and their title, date, authors, outlet"
  static let reasons: [DropReason] = [
    DropReason("empty", "the page has no main content (menus only, \"deleted article\")"),
    DropReason("unparsable_html", "libxml2 gave up on the page"),
  ]

  /// Words of elements that are chrome whatever they hold (menus, comment threads, related
  /// lists, footers, sidebars): removed unless they wrap half the page.
  static let defaultDropHints = [
    "menu", "nav", "navbar", "navigation", "gnb", "lnb", "related", "relate", "recommend", "recommended",
    "popular", "ranking", "comment", "comments", "reply", "replies", "copyright", "footer", "sidebar",
    "breadcrumb", "breadcrumbs", "pagination", "cookie", "consent", "newsletter", "subscribe", "subscription",
    "signup", "login", "gdpr", "dsgvo", "rgpd",
    // The same words in the class names of other languages' CMSs.
    "comentario", "comentarios", "relacionadas", "relacionados", "kommentar", "kommentare", "commentaire",
    "commentaires", "commenti", "correlati", "reacties", "gerelateerd",
  ]
  /// Words that mark chrome on small elements only (a share bar, an ad slot, a caption, a tag
  /// list): an element holding three paragraphs or a tenth of the page's text is not removed
  /// for them. Page builders and CMSs put them on content too (Elementor's "widget", Blogger's
  /// "widget Blog", WordPress's "tag-…" post classes). State and utility classes ("hidden",
  /// "no-print", "font-serif") say nothing about content and are no hints at all.
  static let defaultWeakHints = [
    "share", "sharing", "sns", "social", "ad", "ads", "advert", "advertisement", "adsbygoogle", "banner", "sponsor",
    "sponsored", "promo", "header", "widget", "tags", "tag", "byline", "bio", "caption", "modal", "popup", "skip",
    "toolbar", "adv", "tip", "tips", "desc", "photo", "pic", "image", "img", "credit", "figure", "likes", "meta", "kicker", "author",
    "compartir", "publicidad", "publi", "teilen", "werbung", "anzeige", "partage", "partager", "publicite",
    "condividi", "pubblicita", "delen", "advertentie", "compartilhar",
  ]
  static let defaultKeepHints = ["article", "content", "body", "main", "entry", "post", "story", "text", "cuerpo", "artikel", "corpo", "contenu"]
  static let defaultContentHints = [
    "articlebody", "article-body", "article_body", "articlebodycontents", "article-view-content-div",
    "article_view", "article-content", "article_content", "articletxt", "article_txt", "news_body_area",
    "newsct_article", "dic_area", "news_view", "view_con", "cont_newstext", "entry-content", "post-content",
    "post-body", "story-body", "main-content", "content-body",
  ]

  static let options: [OptionSpec] = [
    OptionSpec("content_hints", .stringList(allowed: nil), default: .strings(defaultContentHints),
               "ids/classes of containers that hold an article (score doubled)"),
    OptionSpec("drop_hints", .stringList(allowed: nil), default: .strings(defaultDropHints),
               "class/id words of elements that are never content"),
    OptionSpec("weak_hints", .stringList(allowed: nil), default: .strings(defaultWeakHints),
               "class/id words of elements that are not content when they are small (under three paragraphs and a tenth of the page's text)"),
    OptionSpec("keep_hints", .stringList(allowed: nil), default: .strings(defaultKeepHints),
               "class/id words that protect an element from drop_hints"),
    OptionSpec("min_paragraph_chars", .int(1...10_000), default: .int(25),
               "characters for a line to count as a paragraph when scoring (Readability: 25)"),
    OptionSpec("max_link_density", .double(0...1), default: .double(0.5),
               "share of a line's characters in links above which the line is dropped"),
    OptionSpec("trim_edges", .bool, default: .bool(true),
               "drop the article's leading and trailing lines that are not paragraphs (kicker, deck, byline, share prompts)"),
    OptionSpec("apply_to", .choice(["auto", "html", "all"]), default: .string("auto"),
               "auto: HTML inputs and text that starts like HTML; html: HTML inputs only; all: every document"),
    OptionSpec("default_timezone", .string, default: .string(""),
               "offset written for page times without a zone, e.g. \"+09:00\" (empty: none)"),
    OptionSpec("rules", .path, default: .string(""),
               "rule pack whose 'metadata' section gives month names, date labels and byline prefixes for written dates and bylines (empty: machine formats only)"),
  ]

  let extractor: HTMLExtractor
  let applyTo: String
  let zone: String?
  let rulesPath: String

  init(options: StageOptions) throws(OptionError) {
    extractor = HTMLExtractor(
      dropTags: ["script", "style", "noscript", "iframe", "form", "nav", "header", "footer", "aside", "button",
                 "select", "textarea", "input", "figcaption", "svg", "template", "object", "embed", "head"],
      dropHints: Set(options.strings("drop_hints").map { $0.lowercased() }),
      weakHints: Set(options.strings("weak_hints").map { $0.lowercased() }),
      keepHints: Set(options.strings("keep_hints").map { $0.lowercased() }),
      contentHints: Set(options.strings("content_hints").map { $0.lowercased() }),
      minParagraphChars: options.int("min_paragraph_chars"),
      maxLinkDensity: options.double("max_link_density"), trimEdges: options.bool("trim_edges"))
    applyTo = options.string("apply_to")
    let zone = options.string("default_timezone")
    if !zone.isEmpty, !DateParsing.isOffset(zone) {
      throw OptionError(option: "default_timezone", "'\(zone)' is not an offset like +09:00")
    }
    self.zone = zone.isEmpty ? nil : zone
    rulesPath = options.string("rules")
  }

  func build(_ context: StageContext) throws(OptionError) -> any DocumentStage {
    HTMLTree.initialize  // on the configuring thread, before workers start
    var rules = MetadataRules()
    if !rulesPath.isEmpty {
      let pack = try RulePack.load(context.resolve(rulesPath), option: "rules")
      guard let metadata = pack.metadata else { throw OptionError(option: "rules", "rule pack '\(rulesPath)' has no 'metadata' section") }
      rules = metadata
    }
    // The stage's own option wins over the pack's zone.
    if let zone { rules.dateWords.defaultZone = zone }
    return HTMLStage(extractor: extractor, applyTo: applyTo, rules: rules)
  }
}

struct HTMLStage: DocumentStage {
  let extractor: HTMLExtractor
  let applyTo: String
  let rules: MetadataRules
  var zone: String? { rules.dateWords.defaultZone }

  /// A date from the page's script data, read only when its markup and text gave none.
  func scriptDate(_ text: String) -> FoundDate? {
    var text = text
    return text.withUTF8 { ScriptDates.find(in: $0, words: rules.dateWords) }
  }

  func process(_ document: inout Document) -> Verdict {
    guard let text = document.text else { return .keep }
    switch applyTo {
    case "html": guard document.source.format == .html else { return .keep }
    case "auto": guard document.source.format == .html || Self.looksLikeHTML(text) else { return .keep }
    default: break
    }
    let tree: HTMLTree
    do {
      tree = try HTMLTree(utf8: text, deadline: document.deadline)
    } catch {
      if error.function == "deadline" { return .drop("timeout", detail: "parsing stopped at the stage's timeout_ms") }
      return .drop("unparsable_html", detail: "\(error)")
    }
    document.count("attributes_dropped", tree.attributesDropped)
    if tree.depthLimited { document.count("depth_limited") }
    let result = extractor.extract(tree, rules: rules)
    if document.meta.title == nil { document.meta.title = result.meta.title }
    if document.meta.published == nil, let date = result.meta.published ?? scriptDate(text) { document.meta.published = date.iso(defaultZone: zone) }
    if document.meta.authors.isEmpty { document.meta.authors = result.meta.authors }
    if document.meta.outlet == nil { document.meta.outlet = result.meta.outlet }
    document.count("pages")
    if result.pass != .main { document.count("fallback_\(result.pass.rawValue)") }
    for line in result.trail {
      let rule = line.edge ? (line.leading ? "before_body" : "after_body") : "page_chrome"
      document.removed.append(RemovedLine(stage: "html", rule: rule, text: line.text, zone: line.leading ? .header : .trailer))
    }
    if result.lines.isEmpty {
      document.text = ""
      return .drop("empty", detail: "no main content found in the page")
    }
    document.text = result.lines.joined(separator: "\n\n")
    return .keep
  }

  /// Text (for example a JSONL field) that starts with a tag or doctype after white space.
  static func looksLikeHTML(_ text: String) -> Bool {
    var utf8 = text.utf8.prefix(512).drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
    guard utf8.first == UInt8(ascii: "<") else { return false }
    utf8 = utf8.dropFirst()
    let head = String(decoding: utf8.prefix(9), as: UTF8.self).lowercased()
    return head.hasPrefix("!doctype") || head.hasPrefix("html") || head.hasPrefix("head") || head.hasPrefix("body")
      || head.hasPrefix("meta") || head.hasPrefix("div") || head.hasPrefix("p>") || head.hasPrefix("!--")
  }
}
