import Foundation
import Testing
import WinnowCore
import WinnowTestSupport
@testable import WinnowStages

func extractHTML(_ html: String, _ overrides: [String: OptionValue] = [:]) throws -> (Verdict, Document) {
  var document = textDocument(html, format: .html, path: "site/page.html")
  let verdict = try makeStage(HTMLConfig.self, overrides).process(&document)
  return (verdict, document)
}

let paragraph1 = "The city council voted on Tuesday to extend the night bus service to the northern districts, a change residents had requested for years."
let paragraph2 = "Officials said the new routes, which start next month, will cost about two million euros a year and will be reviewed after twelve months."
let paragraph3 = "Residents of the northern districts welcomed the decision, although some said the buses should run more often at weekends."

@Suite struct HTMLStageTests {
  @Test func keepsArticleParagraphsAndDropsChrome() throws {
    let html = """
      <html><head><title>Night buses extended | City Times</title>
      <meta property="og:site_name" content="City Times"><script>var x = "<p>not text</p>";</script><style>p{}</style></head>
      <body><header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
      <div class="share-bar">Share on Facebook Share on X</div>
      <article><h1>Night buses extended</h1><p>\(paragraph1)</p><p>\(paragraph2)</p>
      <div class="related-articles"><a href="/a">Another story about buses that is long enough to count</a></div>
      <p>\(paragraph3)</p></article>
      <aside><p>Most read: a sidebar paragraph that is long enough to be scored, but it is in an aside.</p></aside>
      <div id="comments"><p>I think this is a great decision and I hope they do more of it soon, really.</p></div>
      <footer>Copyright 2025 City Times</footer></body></html>
      """
    let (verdict, document) = try extractHTML(html)
    #expect(verdict == .keep)
    #expect(document.text.paragraphs == [paragraph1, paragraph2, paragraph3])
    #expect(document.meta.title == "Night buses extended")
    #expect(document.meta.outlet == "City Times")
  }

  @Test func choosesDenseContainerOverLinkHeavySidebar() throws {
    let links = (1...30).map { "<li><a href=\"/s\($0)\">Sidebar story number \($0) with a long enough headline</a></li>" }.joined()
    let html = """
      <html><body><div><div><ul>\(links)</ul></div>
      <div><div><p>\(paragraph1)</p><p>\(paragraph2)</p><p>\(paragraph3)</p></div></div></div></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [paragraph1, paragraph2, paragraph3])
  }

  @Test func splitsBreakSeparatedTextIntoParagraphsAndDecodesEntities() throws {
    let html = "<html><body><div id=\"articleBodyContents\">First &amp; foremost, the council&#39;s plan &quot;works&quot;, officials said today.<br><br>Second&nbsp;paragraph follows here with enough words to be a paragraph.</div></body></html>"
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [
      "First & foremost, the council's plan \"works\", officials said today.",
      "Second paragraph follows here with enough words to be a paragraph.",
    ])
  }

  @Test func liftsMetadataFromJSONLDAndMetaTags() throws {
    let html = """
      <html><head><title>Ignored title - Site</title>
      <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"NewsArticle","headline":"JSON-LD headline",
      "datePublished":"2025-01-23T14:05:00+09:00","author":[{"@type":"Person","name":"김정영"},{"@type":"Person","name":"이근호"}],
      "publisher":{"@type":"Organization","name":"뉴스스페이스"}}]}</script></head>
      <body><article><p>\(paragraph1)</p></article></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.meta.title == "JSON-LD headline")
    #expect(document.meta.published == "2025-01-23T14:05:00+09:00")
    #expect(document.meta.authors == ["김정영", "이근호"])
    #expect(document.meta.outlet == "뉴스스페이스")
  }

  @Test func publishedFromTimeElementGetsTheDefaultZone() throws {
    let html = "<html><body><article><time datetime=\"2025-03-02 11:20\">March 2</time><p>\(paragraph1)</p></article></body></html>"
    let (_, withZone) = try extractHTML(html, ["default_timezone": .string("+09:00")])
    #expect(withZone.meta.published == "2025-03-02T11:20:00+09:00")
    let (_, bare) = try extractHTML(html)
    #expect(bare.meta.published == "2025-03-02T11:20:00")
    let (_, utc) = try extractHTML(html.replacingOccurrences(of: "2025-03-02 11:20", with: "2025-03-02T02:20:00Z"))
    #expect(utc.meta.published == "2025-03-02T02:20:00+00:00")
  }

  @Test func inlineChromeNeitherSplitsNorJoinsTheParagraph() throws {
    let html = "<html><body><article><p>\(paragraph1) <span class=\"share-count\">Share 12</span> \(paragraph2)</p><p>\(paragraph3)</p></article></body></html>"
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [paragraph1 + " " + paragraph2, paragraph3])
    #expect(document.removed.contains { $0.text == "Share 12" && $0.rule == "page_chrome" })
  }

  @Test func pageWithNoContentIsDroppedAsEmpty() throws {
    let (verdict, _) = try extractHTML("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    #expect(verdict == .drop("empty", detail: "no main content found in the page"))
  }

  @Test func plainTextPassesThrough() throws {
    var document = textDocument("<b>not html</b> just a line")
    #expect(try makeStage(HTMLConfig.self).process(&document) == .keep)
    #expect(document.text == "<b>not html</b> just a line")
  }

  @Test func brokenMarkupStillYieldsText() throws {
    let (_, document) = try extractHTML("<html><body><div class=content><p>\(paragraph1)<p>\(paragraph2)</div></div></span><p>\(paragraph3)")
    #expect(document.text.paragraphs.contains(paragraph1))
    #expect(document.text.paragraphs.contains(paragraph2))
  }

  @Test func rejectsABadTimezone() {
    var values = StageOptions.defaults(for: HTMLConfig.options).values
    values["default_timezone"] = .string("KST")
    #expect(throws: OptionError.self) { try HTMLConfig(options: StageOptions(values)) }
  }
}

/// A document whose stage deadline has passed stops parsing part-way (libxml2's parser is
/// stopped from the SAX callbacks) and is dropped with reason "timeout".
@Suite struct HTMLDeadlineTests {
  @Test func pastDeadlineStopsParsing() throws {
    let stage = try makeStage(HTMLConfig.self)
    let page = "<html><body><article>" + String(repeating: "<p>서울시는 다음 달부터 요금을 조정한다고 밝혔다.</p>", count: 2000) + "</article></body></html>"
    var late = textDocument(page, format: .html, path: "site/page.html")
    late.deadline = 1
    #expect(stage.process(&late) == .drop("timeout", detail: "parsing stopped at the stage's timeout_ms"))
    var onTime = textDocument(page, format: .html, path: "site/page.html")
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    onTime.deadline = UInt64(now.tv_sec + 60) * 1_000_000_000
    #expect(stage.process(&onTime) == .keep)
  }
}
