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

/// `appendCollapsed` copies runs of text whole, and a run goes on over lone spaces: the same
/// bytes as collapsing white space one character at a time, for every mix of white space,
/// controls, Hangul, NBSP, U+3000 and look-alike lead bytes (© is C2 A9, 、 is E3 80 81).
@Suite struct AppendCollapsedTests {
  /// The reference: one character at a time.
  static func reference(_ text: String, into out: inout [UInt8], pendingSpace: inout Bool) {
    var word: [UInt8] = []
    func endWord() {
      guard !word.isEmpty else { return }
      if pendingSpace { out.append(0x20); pendingSpace = false }
      out.append(contentsOf: word)
      word.removeAll()
    }
    for scalar in text.unicodeScalars {
      if [0x20, 0x0A, 0x09, 0x0D, 0x0C, 0xA0, 0x3000].contains(scalar.value) {
        endWord()
        if !out.isEmpty { pendingSpace = true }
      } else {
        word.append(contentsOf: Array(String(scalar).utf8))
      }
    }
    endWord()
  }

  @Test func matchesCollapsingOneCharacterAtATime() {
    let pieces = ["가", "나다", "a", "bc", " ", "  ", "\n", "\t", "\r\n", "\u{0C}", "\u{01}", "\u{A0}", "\u{3000}", "©", "、", ".", "한국 경제"]
    var generator = SplitMix64(seed: 12345)
    func next() -> Int { Int(generator.next() >> 33) }
    for round in 0..<3000 {
      var text = ""
      for _ in 0..<(next() % 40) { text += pieces[next() % pieces.count] }
      let prefix: [UInt8] = round % 3 == 0 ? [] : Array("앞".utf8)
      let pending = round % 2 == 0
      var expected = prefix
      var expectedPending = pending
      Self.reference(text, into: &expected, pendingSpace: &expectedPending)
      var actual = prefix
      var actualPending = pending
      let added = appendCollapsed(text, to: &actual, pendingSpace: &actualPending)
      #expect(actual == expected && actualPending == expectedPending, "\(text.debugDescription)")
      #expect(added == actual.count - prefix.count)
    }
  }
}

/// `commaCount` skips eight bytes at a time: the same count as looking at every character.
@Suite struct CommaCountTests {
  @Test func matchesCountingEveryCharacter() {
    let pieces = ["가", ",", "，", "、", "ａ", "「", "a", " ", "나라,", "ｚ"]
    var generator = SplitMix64(seed: 99)
    for _ in 0..<2000 {
      var text = ""
      for _ in 0..<Int(generator.next() % 64) { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
      let expected = text.unicodeScalars.filter { $0 == "," || $0 == "，" || $0 == "、" }.count
      #expect(commaCount(text) == expected, "\(text)")
    }
  }
}

/// The one-pass check for headline class names finds what five substring searches found.
@Suite struct TitleClassTests {
  @Test func matchesTheSubstringSearches() {
    let pieces = ["t", "i", "T", "I", "it", "tit", "Tit", "TIT", "tIt", "head", "line", "headline", "sub", "ject", "subject", "-", "_", " ", "view", "기사"]
    var generator = SplitMix64(seed: 5)
    for _ in 0..<5000 {
      var value = ""
      for _ in 0...Int(generator.next() % 8) { value += pieces[Int(generator.next() % UInt64(pieces.count))] }
      let expected = value.has("tit") || value.has("Tit") || value.has("TIT") || value.has("headline") || value.has("subject")
      #expect(HTMLTitleChoice.mayNameTitle(value) == expected, "\(value)")
    }
    #expect(HTMLTitleChoice.isTitleClass("article-title") && !HTMLTitleChoice.isTitleClass("subtitle") && !HTMLTitleChoice.isTitleClass("tIt"))
  }
}
