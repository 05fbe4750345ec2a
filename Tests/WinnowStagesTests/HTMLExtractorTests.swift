import Testing
import WinnowCore
import WinnowNative
@testable import WinnowStages

/// The content choice on page shapes seen on real sites: wrappers whose classes say "widget"
/// or "advertisement", page builders, article headers, listings, copies, and the fallbacks.
@Suite struct HTMLExtractorTests {
  let p1 = "The regional rail operator announced on Monday that the coastal line will reopen in spring, after two years of repairs to the sea wall."
  let p2 = "Engineers replaced more than four kilometres of track and rebuilt three bridges, the company said, at a cost of about ninety million euros."
  let p3 = "Commuters who have relied on replacement buses since the storm said they were relieved, although fares will rise by five percent."
  let lead = "The coastal line reopens in spring after two years of work, the operator said on Monday."

  func counters(_ document: Document) -> [String: Int] {
    Dictionary(document.counters.map { ($0.name, $0.count) }, uniquingKeysWith: +)
  }

  @Test func aWrapperHoldingMostOfThePageIsNotChromeWhateverItsClassSays() throws {
    // Blogger's post widget, an ad-framework "pusher" and an ASP.NET form around everything.
    for open in ["<div class=\"widget Blog\" id=\"Blog1\">", "<div class=\"m-advertisement-off-canvas--pusher\">", "<form id=\"aspnetForm\">"] {
      let close = open.hasPrefix("<form") ? "</form>" : "</div>"
      let html = "<html><body>\(open)<div class=\"post-body\"><p>\(p1)</p><p>\(p2)</p><p>\(p3)</p></div>\(close)</body></html>"
      let (verdict, document) = try extractHTML(html)
      #expect(verdict == .keep, "\(open)")
      #expect(document.text.paragraphs == [p1, p2, p3], "\(open)")
    }
  }

  @Test func weakHintsRemoveSmallElementsOnly() throws {
    // A share bar (weak "share", small) goes; an Elementor text block ("widget", three
    // paragraphs) stays; a strong hint (comments) goes even when large.
    let comments = (1...3).map { "<p>Comment number \($0) says the trains were always late before the storm anyway.</p>" }.joined()
    let html = """
      <html><body><div class="share-tools">Share this article on every network you use today</div>
      <div class="elementor-widget-container"><p>\(p1)</p><p>\(p2)</p><p>\(p3)</p></div>
      <div class="comments">\(comments)</div></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [p1, p2, p3])
  }

  @Test func layoutWordsBeforeOrAroundAHintAreNoHint() throws {
    let html = """
      <html><body class="single no-sidebars"><div class="o-row c-fixed-sidebar-layout"><div class="c-article__content">
      <p>\(p1)</p><p>\(p2)</p><p>\(p3)</p></div></div>
      <div class="sidebar"><p>Our sidebar paragraph is long enough to be scored, but it is a sidebar of course.</p></div></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [p1, p2, p3])
  }

  @Test func hintWordsSkipLayoutWordsAndStateClassesAndMatchLongPrefixes() throws {
    let extractor = try makeExtractor()
    #expect(extractor.hintWords("no-sidebars").drop == false)
    #expect(extractor.hintWords("has-sidebar main").drop == false)
    #expect(extractor.hintWords("c-fixed-sidebar-layout").drop == false)
    #expect(extractor.hintWords("sidebar-right").drop == true)
    #expect(extractor.hintWords("relatedPosts").drop == true)  // a prefix of six letters or more
    #expect(extractor.hintWords("share_buttons").weak == true)
    #expect(extractor.hintWords("field-label-hidden font-serif no-print").weak == false)
    #expect(extractor.hintWords("article__header").header == true)
  }

  @Test func hintWordsByHashAgreeWithAPlainWordByWordReading() throws {
    // The reference: split tokens on white space, words on anything else, compare Strings.
    let extractor = try makeExtractor()
    let drop = Set(HTMLConfig.defaultDropHints), weak = Set(HTMLConfig.defaultWeakHints).subtracting(drop)
    let keep = Set(HTMLConfig.defaultKeepHints)
    func reference(_ value: String) -> HTMLExtractor.HintWords {
      var result = HTMLExtractor.HintWords()
      for token in value.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
        let words = token.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) && $0.isASCII }).map(String.init)
        var token = HTMLExtractor.HintWords()
        for (index, word) in words.enumerated() {
          if index > 0, ["no", "has", "with", "without"].contains(words[index - 1]) {
          } else if drop.contains(word) {
            token.drop = true
          } else if weak.contains(word) {
            if word == "header" { token.header = true } else { token.weak = true }
          } else if let hint = (drop.union(weak)).filter({ $0.count >= 6 || $0 == "share" }).sorted().first(where: { word.hasPrefix($0) }) {
            if drop.contains(hint) { token.drop = true } else { token.weak = true }
          }
          if keep.contains(word) { token.keep = true }
        }
        if !words.contains("layout") {
          result.drop = result.drop || token.drop
          result.weak = result.weak || token.weak
          result.header = result.header || token.header
        }
        result.keep = result.keep || token.keep
      }
      return result
    }
    let pieces = Array(drop.union(weak).union(keep)) + ["no", "has", "with", "layout", "col", "md", "6", "x", "sharedaddy", "relatedposts",
      "widgets", "ad", "header", "Über", "share_buttons", "commentList", "a-b"]
    var generator = SplitMix64(seed: 7)
    for _ in 0..<3_000 {
      var value = ""
      for _ in 0..<Int(generator.next() % 6) {
        let piece = pieces[Int(generator.next() % UInt64(pieces.count))]
        let separator = [" ", "-", "_", "--", "  ", "__", ":"][Int(generator.next() % 7)]
        value += (generator.next() % 3 == 0 ? piece.uppercased() : piece) + separator
      }
      let fast = extractor.hintWords(value), plain = reference(value)
      #expect(fast.drop == plain.drop && fast.weak == plain.weak && fast.header == plain.header && fast.keep == plain.keep, "\(value)")
    }
  }

  @Test func anArticlesHeaderGivesItsLeadParagraphNotItsHeadlineOrByline() throws {
    // Headline, lead and byline in the article's <header>: the lead is a paragraph of the
    // story (trafilatura's set labels it so); the headline and the byline are not.
    let html = """
      <html><body><header class="site"><nav><a href="/">Home</a></nav></header>
      <article><header><h1>Coastal line to reopen</h1><p class="lead">\(lead)</p><div class="byline">By Ana Ruiz</div></header>
      <div class="body"><p>\(p1)</p><p>\(p2)</p><p>\(p3)</p></div></article></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [lead, p1, p2, p3])
  }

  @Test func aListOfShortCommaLinesDoesNotOutscoreTheParagraphs() throws {
    let names = (1...60).map { "Person Number\($0), University of Somewhere" }.joined(separator: "<br>")
    let html = """
      <html><body><div class="letter"><p>\(p1)</p><p>\(p2)</p><p>\(p3)</p></div>
      <table><tr><td>\(names)</td></tr></table></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs.prefix(3) == [p1, p2, p3][...])
  }

  @Test func pageBuilderTextBlocksWithTheContainersClassAreOneArticle() throws {
    // Two text blocks in separate builder sections, with a button row between them.
    let html = """
      <html><body><section class="row"><div class="col"><div class="et_pb_text_inner"><p>\(p1)</p><p>\(p2)</p></div></div></section>
      <section class="row"><div class="col"><a href="/signup">Sign up</a> <a href="/login">Log in</a></div></section>
      <section class="row"><div class="col"><div class="et_pb_text_inner"><p>\(p3)</p></div></div></section></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [p1, p2, p3])
  }

  @Test func aCopyOfTheArticleInOneBlockAndRepeatedLongParagraphsAreDropped() throws {
    let long = p2 + " The work was planned over three winters so that freight trains could keep using the inland route."
    let copy = [p1, long, p3].joined(separator: " ") + " And a closing remark that is only in the copy, for readers without scripts."
    let question = "What did you like most about it?"
    let html = """
      <html><body><div class="story"><p>\(p1)</p><p>\(question)</p><p>\(long)</p><p>\(question)</p><p>\(p3)</p><p>\(long)</p>
      <div class="copy">\(copy)</div></div></body></html>
      """
    let (_, document) = try extractHTML(html)
    // The short question repeats (an interview does that); the long paragraph and the
    // block holding three paragraphs are copies.
    #expect(document.text.paragraphs == [p1, question, long, question, p3])
  }

  @Test func nestedArticlesInsideTheChosenArticleAreOtherStories() throws {
    // Unclosed markup: libxml2 nests the listing's posts inside the first <article>.
    let other = "Another post of the blog, with a teaser paragraph long enough to count as prose for the scorer."
    let html = """
      <html><body><article class="post"><p>\(p1)</p><p>\(p2)</p><p>\(p3)</p>
      <article class="post"><p>\(other)</p></article></article></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [p1, p2, p3])
  }

  @Test func aLongRunOfShortLinesBeforeTheFirstParagraphIsContent() throws {
    let rows = (1...6).map { "Stage \($0): round \($0) at the circuit" }
    let html = "<html><body><div class=\"entry\"><p>\(rows.joined(separator: "<br>"))</p><p>\(p1)</p><p>\(p2)</p></div></body></html>"
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == rows + [p1, p2])
    // Up to four short lines (kicker, byline, date) are still trimmed.
    let short = "<html><body><div class=\"entry\"><p>Rail</p><p>By Ana Ruiz</p><p>\(p1)</p><p>\(p2)</p></div></body></html>"
    #expect(try extractHTML(short).1.text.paragraphs == [p1, p2])
  }

  @Test func contentHintsMatchInsideClassTokens() throws {
    let extractor = try makeExtractor()
    let tree = try HTMLTree(utf8: "<div class=\"c-article-body\"></div><div class=\"td-post_content x\"></div><div class=\"articlebodyx\"></div>")
    let divs = tree.nodes.indices.filter { tree.nodes[$0].tag == .div }
    #expect(divs.map { extractor.hasContentHint(tree.nodes[$0], in: tree) } == [true, true, false])
  }

  @Test func whenHintsHideTheArticleTheWidePassFindsItAndIsCounted() throws {
    // The article sits in a box whose class says "sidebar"; two footers hold the rest of the
    // page's text. The main pass finds nothing; the pass with tags only finds the article.
    let legal = (1...3).map { "<p>Legal notice number \($0) about the terms of use of this website and its cookies.</p>" }.joined()
    let html = """
      <html><body><div class="sidebar-box"><p>\(p1)</p><p>\(p2)</p><p>\(p3)</p></div>
      <footer>\(legal)</footer><footer>\(legal)</footer></body></html>
      """
    let (verdict, document) = try extractHTML(html)
    #expect(verdict == .keep)
    #expect(document.text.paragraphs == [p1, p2, p3])
    #expect(counters(document)["fallback_wide"] == 1)
  }

  @Test func whenNoContainerHoldsEnoughTheParagraphsFallbackTakesThePagesProse() throws {
    // Each paragraph deep in a nest of its own: the scorer's best container holds one of
    // eight, under a quarter of the page's prose.
    let paragraphs = (1...8).map { "Paragraph \($0) of the report says the coastal line reopens in spring after two years of repairs." }
    let nests = paragraphs.map { "<div><div><div><div><div><p>\($0)</p></div></div></div></div></div>" }.joined()
    let (verdict, document) = try extractHTML("<html><body>\(nests)</body></html>")
    #expect(verdict == .keep)
    #expect(document.text.paragraphs == paragraphs)
    #expect(counters(document)["fallback_paragraphs"] == 1)
  }

  @Test func whenOnlyChromeHoldsProseItsProseIsTheTextAndCounted() throws {
    // A stub page: the lead sits in an <aside>, the rest (most of its text) is navigation.
    let menu = (1...12).map { "<li><a href=\"/s\($0)\">Section number \($0) of the site</a></li>" }.joined()
    let html = """
      <html><body><h1>Coastal line to reopen</h1><aside><p>\(lead) The operator will publish the timetable next week.</p></aside>
      <nav><ul>\(menu)</ul></nav></body></html>
      """
    let (verdict, document) = try extractHTML(html)
    #expect(verdict == .keep)
    #expect(document.text.paragraphs == ["\(lead) The operator will publish the timetable next week."])
    #expect(counters(document)["fallback_chrome"] == 1)
  }

  @Test func aPageWithNoTextLeftIsEmpty() throws {
    let (verdict, _) = try extractHTML("<html><body><nav><a href=\"/\">Home</a></nav><script>var a = 1;</script></body></html>")
    #expect(verdict == .drop("empty", detail: "no main content found in the page"))
  }

  @Test func aFormOrAConsentDialogWithMoreTextThanAShortArticleIsNotItsWrapper() throws {
    let labels = (1...6).map { "<div><label>Field number \($0) of the mailing list form (required)</label><input name=\"f\($0)\"></div>" }.joined()
    let form = "<div class=\"aside\"><form action=\"/subscribe\">\(labels)<p>Receive the monthly letter and the calls to action, at most three mails a month.</p></form></div>"
    let services = (1...8).map { "<p>Service \($0) stores an identifier for analysis and statistics, to measure reach and improve the offer, for one year.</p>" }.joined()
    let dialog = "<div class=\"sp-dsgvo-privacy-popup\"><div class=\"sp-dsgvo-privacy-content\">\(services)</div></div>"
    for chrome in [form, dialog] {
      let html = "<html><body><h1>Coastal line</h1><article><p>\(lead)</p></article>\(chrome)</body></html>"
      let (_, document) = try extractHTML(html)
      #expect(document.text.paragraphs == [lead], "\(chrome.prefix(40))")
    }
    // A forum's <form> around its posts (and no headline inside) is still the page's wrapper.
    let posts = [p1, p2, p3].map { "<div class=\"post\"><div>\($0) \($0)</div></div>" }.joined()
    let (_, forum) = try extractHTML("<html><body><h1>Thread</h1><form id=\"HtmlForm1\">\(posts)<input type=\"submit\"></form></body></html>")
    #expect(forum.text.paragraphs == [p1, p2, p3].map { "\($0) \($0)" })
  }

  @Test func pageBuilderBlocksWithPositionModifiersAreOneArticle() throws {
    let html = """
      <html><body><div class="grid"><div class="grid-box-first grid-box-markdown grid-box"><p>\(p1)</p></div>
      <div class="grid-box-markdown grid-box"><p>\(p2)</p><p>\(p3)</p></div></div>
      <div class="grid"><div class="grid-box-markdown grid-box grid-box-last"><p>\(lead) \(lead)</p></div></div></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [p1, p2, p3, "\(lead) \(lead)"])
  }

  @Test func rubyAnnotationsAreNotText() throws {
    let html = "<html><body><article><p><ruby>子<rt>こ</rt></ruby>どもへの<ruby>虐待<rp>(</rp><rt>ぎゃくたい</rt><rp>)</rp></ruby>をなくすための<ruby>法律<rt>ほうりつ</rt></ruby>ができました。\(p1)</p></article></body></html>"
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == ["子どもへの虐待をなくすための法律ができました。\(p1)"])
  }

  @Test func theFirstOfSeveralArticlesOfOneClassIsThePagesOwn() throws {
    // A thread: the question, then a longer reply in an <article> of the same class.
    let reply = [p2, p3, p1].map { "<p>\($0)</p>" }.joined()
    let html = """
      <html><body><h1>Thread</h1><div class="post"><article class="message-body"><p>\(lead)</p><p>\(p1)</p></article></div>
      <div class="post"><article class="message-body">\(reply)</article></div></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [lead, p1])
  }

  @Test func aDropWordInABoxAroundANamedArticleBodyDoesNotRemoveIt() throws {
    // "nav" in a compound class of the box around a readme whose class names the body.
    let html = """
      <html><body><nav><a href="/">Code</a> <a href="/issues">Issues</a></nav><div class="Box js-code-nav-container">
      <article class="markdown-body entry-content"><p>\(p1)</p><p>\(p2)</p><p>\(p3)</p></article></div>
      <footer><p>\(lead) \(lead)</p><p>\(lead) \(lead)</p><p>\(lead) \(lead)</p></footer></body></html>
      """
    let (_, document) = try extractHTML(html)
    #expect(document.text.paragraphs == [p1, p2, p3])
  }
}

func makeExtractor() throws -> HTMLExtractor {
  try HTMLConfig(options: StageOptions.defaults(for: HTMLConfig.options)).extractor
}
