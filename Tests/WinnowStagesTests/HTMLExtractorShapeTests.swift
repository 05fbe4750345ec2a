import Testing
import WinnowCore
import WinnowNative
@testable import WinnowStages

/// More page shapes from real sites, in the same suite: an article only in `<noscript>`, a
/// lead in the article's `<header>`, a navigation wrapper around `<main>`, infinite-scroll
/// pages, JSON-LD bodies, sub-headings between blocks, and the web boilerplate rule pack.
extension HTMLExtractorTests {
  var p4: String { "The operator also plans to add two early trains on weekdays, which union representatives said would need more staff at the depots." }

  /// Paragraphs about another story, for listings and infinite scroll.
  func otherStory(_ n: Int, paragraphs: Int) -> String {
    (1...paragraphs).map {
      "<p>Story \(n), paragraph \($0): the museum on the harbour reopened its east wing after a long renovation, and visitors queued all morning.</p>"
    }.joined()
  }

  @Test func aNoscriptThatHoldsTheArticleIsRead() throws {
    // The body ships in a script template for JavaScript readers and again in <noscript>;
    // the tracking pixel's and "enable JavaScript" noscripts stay out.
    let html = """
      <html><head><title>Rail line reopens</title></head><body>
      <noscript><img src="pixel.gif"></noscript><noscript>Please enable JavaScript to use this site.</noscript>
      <div class="post" itemprop="articleBody"><script type="text/template"><p>\(p1)</p></script>
      <noscript><p>\(p1)</p><p>\(p2)</p><p>\(p3)</p></noscript></div></body></html>
      """
    let (verdict, document) = try extractHTML(html)
    #expect(verdict == .keep)
    #expect(document.text.paragraphs == [p1, p2, p3])
  }

  @Test func aWholePageInsideNoscriptIsRead() throws {
    let html = """
      <html><body><noscript><div id="page"><h1>Rail line reopens</h1><div id="text"><p>\(p1)</p><p>\(p2)</p><p>\(p3)</p></div>
      </div></noscript></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [p1, p2, p3])
    #expect(document.meta.title == "Rail line reopens")
  }

  @Test func theArticleHeadersProseIsTheLeadItsDeckAndBylineAreNot() throws {
    let lead = "After two years of repairs to the sea wall, trains return to the coast in spring, the operator said."
    let deck = "Trains return to the coast in spring after two years of work on the sea wall"
    let html = """
      <html><body><header class="site"><p>The best regional news site, with the latest stories from every town and village.</p></header>
      <article><header><h1>Rail line reopens</h1><h2>The coastal line is back in spring</h2><p class="deck">\(deck)</p><p class="lead">\(lead)</p>
      <p>By Jane Doe</p></header><div class="body"><p>\(p1)</p><p>\(p2)</p><p>\(p3)</p></div></article></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [lead, p1, p2, p3])
    // A deck its class names is not the lead, even written as a sentence.
    let named = html.replacingOccurrences(of: "<p class=\"lead\">", with: "<p class=\"article__dek\">")
    let (_, withDeck) = try extractHTML(named)
    #expect(withDeck.text.paragraphs == [p1, p2, p3])
  }

  @Test func aWrapperNamedForNavigationAroundMainIsNotChrome() throws {
    let html = """
      <html><body><header><h1>Rail line reopens</h1></header>
      <div id="left-navigation_page-wrapper"><ul><li><a href="/a">Home</a></li><li><a href="/b">Trains</a></li></ul>
      <main><div class="text"><p>\(p1)</p><p>\(p2)</p><p>\(p3)</p></div></main></div></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [p1, p2, p3])
    #expect(!counters(document).keys.contains { $0.hasPrefix("fallback_") })
  }

  @Test func theFirstOfSeveralArticlesIsThePageWithNoFallbackToTheLongestOne() throws {
    // Infinite scroll appended three longer stories of the same class after the page's own.
    // (Each in a block of its own, as scrolling scripts add them.)
    let mine = "<div class=\"block\"><article class=\"entry\"><h1>Rail line reopens</h1><div class=\"entry-text\"><p>\(p1)</p><p>\(p2)</p><p>\(p3)</p><p>\(p4)</p></div></article></div>"
    let others = (1...3).map { "<div class=\"block\"><article class=\"entry\"><h2>Other story \($0)</h2><div class=\"entry-text\">\(otherStory($0, paragraphs: 8))</div></article></div>" }
    let html = "<html><body><main>\(mine)\(others.joined())</main></body></html>"
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [p1, p2, p3, p4])
    #expect(counters(document)["fallback_wide"] == nil)
  }

  @Test func anEarlierArticleOfTheSameClassWinsWhenTheBestBoxIsInsideALaterOne() throws {
    let mine = "<li><article class=\"list-item\"><div class=\"detail\"><p>\(p1)</p><p>\(p2)</p><p>\(p3)</p></div></article></li>"
    let other = "<li><article class=\"list-item\"><div class=\"detail\">\(otherStory(1, paragraphs: 6))</div></article></li>"
    let html = "<html><body><main><ul>\(mine)\(other)</ul></main></body></html>"
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [p1, p2, p3])
  }

  @Test func aJSONLDArticleBodyMuchLongerThanTheMarkupIsTheText() throws {
    let body = [p1, p2, p3, p4].joined(separator: "\\n")
    let html = """
      <html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"Rail line reopens","articleBody":"\(body)"}</script></head>
      <body><div id="app"><p>Subscribers can read the whole story in the app, which loads it when the page opens.</p></div></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [p1, p2, p3, p4])
    #expect(counters(document)["fallback_articlebody"] == 1)
    // A body no longer than what the markup holds changes nothing.
    let same = html.replacingOccurrences(of: "<p>Subscribers", with: "<p>\(p1)</p><p>\(p2)</p><p>\(p3)</p><p>\(p4)</p><p>Subscribers")
    let (_, kept) = try extractHTML(same)
    #expect(counters(kept)["fallback_articlebody"] == nil)
  }

  @Test func subheadingsBetweenTheArticlesBlocksAreKeptButNotAfterTheLast() throws {
    let html = """
      <html><body><article><div class="part"><p>\(p1)</p><p>\(p2)</p><p>\(p3)</p></div>
      <h3>What comes next</h3><div class="part-two"><p>\(p4)</p></div><h3>More stories</h3></article></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [p1, p2, p3, "What comes next", p4])
  }

  @Test func theWebBoilerplatePackDropsSiteLinesAndKeepsProseThatMentionsTheirWords() throws {
    let text = [
      p1, "Subscribe to our newsletter", p2, "Share this article", p3,
      "We have found no evidence to corroborate this claim, the ministry said in a statement on Friday.",
      "The photo agency holds the copyright, and the museum licensed the pictures for the exhibition.",
      "Advertisement", "© 2021 Example Media Group. All rights reserved.", "Related articles", p4, "Comments (12)",
      "I rode that line every day before the storm and it was always late.",
    ].joined(separator: "\n\n")
    let (_, document) = try clean(text, ["rules": .string("rules/web-boilerplate.yaml"), "body_span": .bool(false)])
    #expect(document.text.paragraphs == [
      p1, p2, p3, "We have found no evidence to corroborate this claim, the ministry said in a statement on Friday.",
      "The photo agency holds the copyright, and the museum licensed the pictures for the exhibition.", p4,
    ])
  }
}
