import Foundation
import Testing
import WinnowCore
import WinnowTestSupport
@testable import WinnowStages

/// The html stage with the web pipeline's rule pack (month names, byline words).
func extractWebHTML(_ html: String) throws -> Document {
  var document = textDocument(html, format: .html, path: "site/page.html")
  _ = try makeStage(HTMLConfig.self, ["rules": .string("rules/web-metadata.yaml")]).process(&document)
  return document
}

func webDateWords() throws -> DateWords {
  let pack = try RulePack.load(packageRoot() + "/pipelines/rules/web-metadata.yaml", option: "rules")
  return try #require(pack.metadata).dateWords
}

@Suite struct HTMLMetadataTests {
  let body = "<p>\(paragraph1)</p><p>\(paragraph2)</p>"

  /// A page with no h1 or h2: the headline is the body text `<title>` holds as a part, and a
  /// written Korean date under it is the page's, not the clock's above it.
  @Test func findsTheHeadlineInAPlainElementByItsTitle() throws {
    let html = """
      <html><head><meta charset="utf-8"><title>한빛일보 - 시내버스 노선 개편안 발표</title></head><body>
      <div><p>한빛일보</p><p>2025.12.24 (수) 08:04</p><p>코스피 2491.35 ▲21.12</p>
      <div class="m"><a href="/1">경제</a> <a href="/2">사회</a></div>
      <p>시내버스 노선 개편안 발표</p><p>수정 2025년 1월 28일  입력 2025년 10월 11일</p>
      <div class="txt"><p>\(koBody1)</p><p>\(koBody2)</p></div></div></body></html>
      """
    var document = textDocument(html, format: .html, path: "site/page.html")
    _ = try makeStage(HTMLConfig.self, ["rules": .string("rules/ko-news.yaml")]).process(&document)
    #expect(document.meta.title == "시내버스 노선 개편안 발표")
    #expect(document.meta.published == "2025-10-11")
  }

  @Test func readsDatePublishedAndAuthorReferenceInsideGraph() throws {
    let html = """
      <html><head><script type="application/ld+json">{"@context":"https://schema.org","@graph":[
      {"@type":"WebPage","@id":"https://x.example/a#page","name":"A page"},
      {"@type":"Article","headline":"Night buses extended","datePublished":"2019-10-22T08:00:00+02:00",
       "dateModified":"2020-01-05T10:00:00+01:00","author":{"@id":"https://x.example/#/person/1"}},
      {"@type":["Person"],"@id":"https://x.example/#/person/1","name":"Jane Doe"}]}</script></head>
      <body><article>\(body)</article></body></html>
      """
    let document = try extractWebHTML(html)
    #expect(document.meta.published == "2019-10-22T08:00:00+02:00")
    #expect(document.meta.authors == ["Jane Doe"])
  }

  @Test func modificationDateIsOnlyALastResort() throws {
    let both = """
      <html><head><meta property="article:modified_time" content="2020-01-05T10:00:00+00:00">
      <meta property="article:published_time" content="2018-02-28T20:00:18+00:00"></head><body><article>\(body)</article></body></html>
      """
    #expect(try extractWebHTML(both).meta.published == "2018-02-28T20:00:18+00:00")
    let modifiedOnly = "<html><head><meta property=\"og:updated_time\" content=\"2017-04-05T19:05:44Z\"></head><body><article>\(body)</article></body></html>"
    #expect(try extractWebHTML(modifiedOnly).meta.published == "2017-04-05T19:05:44+00:00")
  }

  @Test func datesThePageByItsCanonicalURL() throws {
    let html = """
      <html><head><link rel="canonical" href="https://blog.example/2019/10/21/interning-of-small-integers/"></head>
      <body><article><h1>Interning of small integers</h1>\(body)</article></body></html>
      """
    #expect(try extractWebHTML(html).meta.published == "2019-10-21")
    #expect(DateParsing.inURL("https://news.example/news/20200316/rockland-declares")?.iso(defaultZone: nil) == "2020-03-16")
    // A month alone is no day; a host's or query's digits are not the path's.
    #expect(DateParsing.inURL("https://news.example/2020/04/story") == nil)
    #expect(DateParsing.inURL("https://news.example/story?id=20200316") == nil)
  }

  @Test func readsAWrittenDateAfterTheHeadline() throws {
    let html = """
      <html><body><div class="clock">Montag, 3. Januar 2022</div><article><h1>Night buses extended</h1>
      <p>Veröffentlicht am 5. April 2017</p>\(body)</article></body></html>
      """
    #expect(try extractWebHTML(html).meta.published == "2017-04-05")
  }

  @Test func prefersThePrintedLocalDayOverAUTCTimestampsNextDay() throws {
    func published(_ utc: String, _ printed: String) throws -> String? {
      let html = """
        <html><head><meta property="article:published_time" content="\(utc)"></head><body><article>
        <h1>Night buses extended</h1><p class="date">\(printed)</p>\(body)</article></body></html>
        """
      return try extractWebHTML(html).meta.published
    }
    // 23:15 UTC is the next morning in Italy: the page prints the local day.
    #expect(try published("2020-12-05T23:15:0Z", "Domenica 06 Dicembre 2020") == "2020-12-06")
    // At 12:32 UTC no zone where news is written is on the day before: a teaser's date.
    #expect(try published("2020-12-06T12:32:58+00:00", "05/12/2020 - 15:10") == "2020-12-06T12:32:58+00:00")
  }

  @Test func readsWrittenDatesWithThePacksWords() throws {
    let words = try webDateWords()
    func day(_ text: String) -> String? { DateParsing.firstAny(in: text, words: words)?.iso(defaultZone: nil) }
    #expect(day("Veröffentlicht am 22. Oktober 2019") == "2019-10-22")
    #expect(day("Posted on October 22nd, 2019") == "2019-10-22")
    #expect(day("jeudi 13 juin 2019") == "2019-06-13")
    #expect(day("22 de octubre de 2019") == "2019-10-22")
    #expect(day("am 25.08.2015 22:30") == "2015-08-25T22:30:00")
    #expect(day("22/10/2019") == "2019-10-22")
    #expect(day("10/22/2019") == "2019-10-22")
    #expect(day("Schnee im März") == nil)
    // Attribute values: slashed dates are month first, RFC 2822 zones are read.
    #expect(DateParsing.parseAny("11/01/2023 12:43:42", words: words)?.iso(defaultZone: nil) == "2023-11-01T12:43:42")
    #expect(DateParsing.parseAny("Sun, 11 Oct 2020 07:34:36 GMT", words: words)?.iso(defaultZone: nil) == "2020-10-11T07:34:36+00:00")
    #expect(DateParsing.parseAny("Fri, 01 May 2020 23:00:00 -0400", words: words)?.iso(defaultZone: nil) == "2020-05-01T23:00:00-04:00")
  }

  @Test func stripsTheSiteNameFromTitles() {
    #expect(HTMLTitleChoice.stripSiteSuffix("Laufen im Winter - Helge.at", outlet: nil, h1: nil) == "Laufen im Winter")
    #expect(HTMLTitleChoice.stripSiteSuffix("Solopreneur Social Media: LinkedIn | DoSchu.Com", outlet: nil, h1: nil) == "Solopreneur Social Media: LinkedIn")
    #expect(HTMLTitleChoice.stripSiteSuffix("Nachrichten | Wie Firmen ihre Beschäftigten schützen", outlet: nil, h1: nil) == "Wie Firmen ihre Beschäftigten schützen")
    // A dash after a short first word is part of the headline, not a site's name.
    #expect(HTMLTitleChoice.stripSiteSuffix("Korsetts – Shops, Designer, online kaufen und mehr", outlet: nil, h1: nil) == "Korsetts – Shops, Designer, online kaufen und mehr")
  }

  @Test func prefersTheHeadlineH1OverTheSiteLogoH1() throws {
    let html = """
      <html><head><title>Was ist virales Marketing? | DimidoBlog</title></head>
      <body><h1>DimidoBlog</h1><article><h2>Was ist virales Marketing?</h2>\(body)</article></body></html>
      """
    #expect(try extractWebHTML(html).meta.title == "Was ist virales Marketing?")
    let rephrased = """
      <html><head><meta property="og:title" content="Leasing oder Finanzierung » Der große Vergleich | FINANZCHECK.de"></head>
      <body><article><h1>Leasing oder Finanzierung</h1>\(body)</article></body></html>
      """
    #expect(try extractWebHTML(rephrased).meta.title == "Leasing oder Finanzierung")
  }

  @Test func stripsBylineWordsFromBylineElements() throws {
    func authors(_ byline: String) throws -> [String] {
      try extractWebHTML("<html><body><article><h1>Night buses extended</h1><div class=\"byline\">\(byline)</div>\(body)</article></body></html>").meta.authors
    }
    #expect(try authors("Von Roland Brockmann am 12.03.2020") == ["Roland Brockmann"])
    #expect(try authors("View all posts by Daniel\u{A0}Lemire") == ["Daniel Lemire"])
    #expect(try authors("Posted on September 21, 2020 by Adi Tzlil") == ["Adi Tzlil"])
    #expect(try authors("| <span class=\"author vcard\">Klaus Quibeldey-Cirkel</span>") == ["Klaus Quibeldey-Cirkel"])
  }

  @Test func readsABylineInTheTextAfterTheHeadline() throws {
    func authors(_ text: String) throws -> [String] {
      try extractWebHTML("<html><body><article><h1>Night buses extended</h1>\(text)\(body)</article></body></html>").meta.authors
    }
    #expect(try authors("<p><span>By</span> <a href=\"/a\">Jane Doe</a></p>") == ["Jane Doe"])
    #expect(try authors("<p>Von Ludwig van Beethoven</p>") == ["Ludwig van Beethoven"])
    #expect(try authors("<p>Von Montag bis Freitag</p>").isEmpty)
  }

  @Test func keepsDigitsInsideUserNamesButCutsDates() throws {
    let html = "<html><body><article><h1>Night buses extended</h1><div class=\"author\">Author: Bo2man am 29.12.2010, 13:36 Uhr</div>\(body)</article></body></html>"
    let document = try extractWebHTML(html)
    #expect(document.meta.authors == ["Bo2man"])
    #expect(document.meta.published == "2010-12-29T13:36:00")
  }

  @Test func leavesBylineElementsToTheTextStageWithoutAPack() throws {
    let html = "<html><body><article><h1>헤드라인 제목입니다</h1><div class=\"byline\">글: 한채연 기자</div>\(body)</article></body></html>"
    let (_, document) = try extractHTML(html)
    #expect(document.meta.authors.isEmpty)
  }

  /// Sixty short texts, as a long article puts between its headline and its foot.
  var filler: String { (1...61).map { "<p>Absatz \($0) mit etwas Text.</p>" }.joined() }

  @Test func readsALabelledDateAnywhereOnThePage() throws {
    let html = """
      <html><body><article><h1>Night buses extended</h1>\(body)\(filler)</article>
      <footer><p>Letzte Änderung: 31.10.2023 - 14:49:39<br>Erschienen am: 01.11.2023</p></footer></body></html>
      """
    #expect(try extractWebHTML(html).meta.published == "2023-11-01")
  }

  @Test func readsAShortDateTextAsTheLastResort() throws {
    func published(_ html: String) throws -> String? { try extractWebHTML(html).meta.published }
    // Far enough above the headline not to be its kicker line.
    let menu = "<nav>" + (1...5).map { "<a href=\"/s\($0)\">Section</a>" }.joined() + "</nav>"
    // A date alone, far from the headline; a sidebar's date before the headline only when
    // nothing follows it.
    #expect(try published("<html><body><aside><span>13.10.19</span></aside>\(menu)<h1>Night buses extended</h1>\(body)\(filler)<p><em> 01.11.2023 11:35 </em></p></body></html>")
      == "2023-11-01T11:35:00")
    #expect(try published("<html><body><aside><span>13.10.2019</span></aside>\(menu)<h1>Night buses extended</h1>\(body)</body></html>") == "2019-10-13")
    // A sentence that mentions a day is no date line.
    #expect(try published("<html><body><h1>Night buses extended</h1>\(body)\(filler)<p>Die Sitzung vom 12.03.2020 wurde vertagt.</p></body></html>") == nil)
    // A modification label keeps its date a modification: still the last resort.
    #expect(try published("<html><body><h1>Night buses extended</h1>\(body)\(filler)<p>Zuletzt aktualisiert: 12.03.2020</p></body></html>") == "2020-03-12")
  }

  @Test func readsABylineAtTheArticlesFoot() throws {
    func authors(_ foot: String) throws -> [String] {
      try extractWebHTML("<html><body><article><h1>Night buses extended</h1>\(body)\(filler)\(foot)</article></body></html>").meta.authors
    }
    #expect(try authors("<p><strong>Autor:</strong> <a href=\"/p/1\">Klaus Friedrich</a></p>") == ["Klaus Friedrich"])
    #expect(try authors("<p><em>Von <span>Cosima Künzel</span></em></p>") == ["Cosima Künzel"])
    #expect(try authors("<div>Ein Artikel von <strong>Pamela Sladky</strong> | 27.01.2022 - 12:45</div>") == ["Pamela Sladky"])
    // Only a full name there: not a heading, a desk, or a label.
    #expect(try authors("<h3>Von Grätzltelefon zu Cloud-Lösungen</h3>").isEmpty)
    #expect(try authors("<p>Von Einheimischen und Gästen geschätzt</p>").isEmpty)
    #expect(try authors("<p>Von Newsletter</p>").isEmpty)
    // Lowercase byline words there are credits or prose.
    #expect(try authors("<p>Theme: <a href=\"/t\">Graphy</a> by Themegraphy</p>").isEmpty)
    #expect(try authors("<p><a href=\"/cc\">CC BY-SA</a> by <a href=\"/r\">Roland Alton</a></p>").isEmpty)
  }

  @Test func readsUTCMidnightEastOfUTCAsTheNextDay() throws {
    func published(_ time: String, printed: String = "") throws -> String? {
      try extractWebHTML("<html><head><meta property=\"article:published_time\" content=\"\(time)\"></head><body><article><h1>Night buses extended</h1>\(printed)\(body)</article></body></html>").meta.published
    }
    #expect(try published("2022-11-06T23:00:00.000Z") == "2022-11-07")
    #expect(try published("2022-12-31T22:00:00Z") == "2023-01-01")
    // An hour of publication, or a printed day that agrees with the UTC one.
    #expect(try published("2022-11-06T23:14:00Z") == "2022-11-06T23:14:00+00:00")
    #expect(try published("2022-11-06T23:00:00Z", printed: "<p class=\"date\">6. November 2022</p>") == "2022-11-06T23:00:00+00:00")
  }

  @Test func bylineElementsWithoutDatesMarksOrInterviewLabels() throws {
    func authors(_ inner: String) throws -> [String] {
      try extractWebHTML("<html><body><article><h1>Night buses extended</h1>\(inner)\(body)</article></body></html>").meta.authors
    }
    // A <time> named after the byline box holds its date.
    #expect(try authors("<time class=\"article-author-date\" datetime=\"2021-11-04\">Donnerstag,  4. November 2021</time>").isEmpty)
    #expect(try authors("<a class=\"username\" rel=\"author\" href=\"/u/5\">r23 »</a>") == ["r23"])
    #expect(try authors("<div class=\"author\"><a href=\"/s\">Interview: Julia Lauter</a></div>") == ["Julia Lauter"])
    // Another label's colon marks a credit, not a name.
    #expect(try authors("<div class=\"author\">Foto: Ingo Schneider</div>").isEmpty)
    // Only with its colon: "Interview mit X" opens no byline in the text.
    #expect(try authors("<p>Interview mit Angela Merkel</p>").isEmpty)
  }

  @Test func readsADayBeforeItsMonthAndYearInTheURL() {
    #expect(DateParsing.inURL("https://x.example/meldungen/29-10-2021").map { [$0.year, $0.month, $0.day] } == [2021, 10, 29])
    #expect(DateParsing.inURL("https://x.example/news/23-01-2022-wierer-wins/17.html").map { [$0.year, $0.month, $0.day] } == [2022, 1, 23])
    #expect(DateParsing.inURL("https://x.example/news/12-23-2022-story").map { [$0.year, $0.month, $0.day] } == [2022, 12, 23])
    // Either order reads: no day.
    #expect(DateParsing.inURL("https://x.example/news/05-12-2019-story") == nil)
    #expect(DateParsing.inURL("https://x.example/item/31-12-20190") == nil)
  }

  @Test func aLineBreakInsideAHeadlineSeparatesItsWords() throws {
    let html = "<html><body><article><h1><span><small>Einheit der Woche</small><br>Lagen-Pyramide mit GA2</span></h1>\(body)</article></body></html>"
    #expect(try extractWebHTML(html).meta.title == "Einheit der Woche Lagen-Pyramide mit GA2")
  }

  @Test func readsANameAfterTheDateBelowTheHeadline() throws {
    func meta(_ line: String) throws -> Metadata {
      try extractWebHTML("<html><body><article><h1>Night buses extended</h1><p class=\"text-muted\">\(line)</p>\(body)</article></body></html>").meta
    }
    #expect(try meta("11.12.2019 - Amelie Loevenich").authors == ["Amelie Loevenich"])
    #expect(try meta("11.12.2019 - Amelie Loevenich").published == "2019-12-11")
    #expect(try meta("11.12.2019 - Pressemitteilung").authors.isEmpty)
    #expect(try meta("11.12.2019 - Bei der Sitzung").authors.isEmpty)
    #expect(try meta("11.12.2019 (DJV/FWR) Berlin/Ratingen").authors.isEmpty)
  }
  @Test func readsUnpaddedDaysInAPathAndPrefersAnEarlierPathDay() throws {
    #expect(DateParsing.inURL("https://blog.example/home/2017/7/12/montauk").map { [$0.year, $0.month, $0.day] } == [2017, 7, 12])
    // Unpadded only between slashes; "2017-7-1234" is no day.
    #expect(DateParsing.inURL("https://blog.example/2017-7-12-story") == nil)
    #expect(DateParsing.inURL("https://blog.example/2017/7/1234") == nil)
    // A page re-stamped two years after its path's day was first published on that day; a
    // path one day off the declared timestamp is the zone's, and the declaration wins.
    func page(_ path: String, _ declared: String) -> String {
      """
      <html><head><link rel="canonical" href="https://blog.example\(path)">
      <meta itemprop="datePublished" content="\(declared)"></head>
      <body><article><h1>Montauk</h1>\(body)</article></body></html>
      """
    }
    #expect(try extractWebHTML(page("/home/2017/7/12/montauk", "2019-06-17T18:28:00+0200")).meta.published == "2017-07-12")
    #expect(try extractWebHTML(page("/2020/02/18/ciencia/story", "2020-02-19T07:00:00+01:00")).meta.published == "2020-02-19T07:00:00+01:00")
  }

  @Test func readsADateThatIsAPartOfTheTitleOfItsOwn() throws {
    func page(_ title: String) -> String {
      """
      <html><head><title>\(title)</title></head><body><div class="teaser"><span class="headline-date">16.02.2022</span></div>
      <h1>Autonomous weapons</h1>\(body)<div class="teaser"><span class="headline-date">16.02.2022</span></div></body></html>
      """
    }
    #expect(try extractWebHTML(page("Weltweit | Autonomous weapons | 02.11.2021")).meta.published == "2021-11-02")
    // A date the headline mentions is no publication date.
    #expect(try extractWebHTML(page("Results of 2020/7/11-12 and the eighteen winners")).meta.published == "2022-02-16")
  }

  @Test func aLinkNamedForAPublicationIsAnotherItemsDate() throws {
    let html = """
      <html><body><h1>Border crossings</h1><p><em>10.11.2021</em></p>\(body)
      <ul><li><a class="Publication pdf" href="/pm_34.pdf">Nr. 34 vom 08. November 2021</a></li></ul></body></html>
      """
    #expect(try extractWebHTML(html).meta.published == "2021-11-10")
  }

  @Test func readsAPublicationDateFromScriptDataOnlyWhenThePageGivesNone() throws {
    let state = #"<script>var meta = {"product":{"title":"Coffee","created_at":"2019-03-02T06:27:24+01:00","published_at":"2019-03-01T06:22:28+01:00"}};</script>"#
    #expect(try extractWebHTML("<html><head>\(state)</head><body><h1>Coffee</h1>\(body)</body></html>").meta.published == "2019-03-01T06:22:28+01:00")
    // JSON escaped in a string; a creation key when there is no publication key.
    let escaped = #"<script>window.__STATE__ = "{\"createdAt\":\"2022-01-31T15:58:43+01:00\",\"name\":null}";</script>"#
    #expect(try extractWebHTML("<html><head>\(escaped)</head><body><h1>Athletes</h1>\(body)</body></html>").meta.published == "2022-01-31T15:58:43+01:00")
    // What the page declares wins; display strings and other keys are not read.
    let declared = #"<meta property="article:published_time" content="2020-05-05T10:00:00+00:00">"#
    #expect(try extractWebHTML("<html><head>\(declared)\(state)</head><body><h1>Coffee</h1>\(body)</body></html>").meta.published == "2020-05-05T10:00:00+00:00")
    let display = #"<script>var s = {"publishedDate":"March 2, 2019","updated_at":"2019-03-02T06:27:24Z"};</script>"#
    #expect(try extractWebHTML("<html><head>\(display)</head><body><h1>Coffee</h1>\(body)</body></html>").meta.published == nil)
  }
}
