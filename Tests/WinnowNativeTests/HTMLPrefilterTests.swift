import Testing
@testable import WinnowNative

@Suite struct HTMLPrefilterTests {
  func strip(_ html: String) -> String {
    var copy = html
    return copy.withUTF8 { bytes in HTMLPrefilter.strip(bytes).map { String(decoding: $0, as: UTF8.self) } } ?? html
  }

  @Test func removesScriptStyleSVGAndCommentContentButKeepsTheirTags() {
    let page = "<html><head><style>p { color: red }</style><script src=x.js></script><SCRIPT>if (a < b) { x = '</p>' }</SCRIPT ></head>"
      + "<body><!-- a comment <p>hidden</p> --><p>Text</p><svg viewBox=\"0 0 1 1\"><title>icon</title><path d=\"M0\"/></svg></body></html>"
    #expect(strip(page) == "<html><head><style></style><script></script><SCRIPT></SCRIPT ></head>"
      + "<body><p>Text</p><svg></svg></body></html>")
  }

  @Test func dropsTheAttributesNoStageReads() {
    // Kept in any case: class, id, itemprop, property, name, content, datetime, type, rel,
    // role, and href on <link> only; dropped with the blanks before them: the rest.
    let page = "<link REL=canonical HREF=\"https://x.example/2020/01/02/a\" media=all>"
      + "<div  style=\"color: red\" CLASS=\"post\" data-id='7' id=main hidden><a href=\"/next\" title=Next>Next</a>"
      + "<img srcset=\"a.jpg 1x, b.jpg 2x\" src=a.jpg alt=\"A photo\"><time datetime=2020-01-02 itemprop=datePublished>2 Jan</time>"
      + "<meta property=og:title content=\"T\" data-rh=true><span onclick=\"go('x > y')\" role=note>R</span></div>"
    #expect(strip(page) == "<link REL=canonical HREF=\"https://x.example/2020/01/02/a\">"
      + "<div CLASS=\"post\" id=main><a>Next</a>"
      + "<img><time datetime=2020-01-02 itemprop=datePublished>2 Jan</time>"
      + "<meta property=og:title content=\"T\"><span role=note>R</span></div>")
  }

  @Test func keepsJSONLDTitlesTextareasAndQuotedAngleBrackets() {
    let page = "<script type=\"application/ld+json\">{\"headline\":\"A <b>\"}</script><title>How <script> tags work</title>"
      + "<div data-x=\"<script>\" title='a > b'>Text</div><textarea><style>kept</style></textarea>"
    #expect(strip(page) == page)
    // A '<' or '>' inside a quoted value starts or ends nothing (the unread attribute goes,
    // the read one stays whole).
    #expect(strip("<div data-x=\"<script>\" class='a > b'>Text</div><p>After</p>") == "<div class='a > b'>Text</div><p>After</p>")
  }

  @Test func leavesUnterminatedPartsForTheParser() {
    #expect(strip("<p>One</p><!-- never closed <p>Two</p>") == "<p>One</p><!-- never closed <p>Two</p>")
    #expect(strip("<p>One</p><script>var a = 1;") == "<p>One</p><script>var a = 1;")
    #expect(strip("<p>One</p><div class=\"never closed") == "<p>One</p><div class=\"never closed")
  }

  @Test func theTreeIsTheSameWithAndWithoutTheRemovedParts() throws {
    let page = """
      <html><head><title>T</title><script type="application/ld+json">{"@type":"NewsArticle","headline":"H"}</script>
      <script>document.write("<p>not text</p>")</script><style>.a{}</style></head>
      <body><p>First <!-- x --> paragraph</p><svg><text>label</text></svg><p>Second</p></body></html>
      """
    let filtered = try HTMLTree(utf8: page)
    let handMade = try HTMLTree(utf8: """
      <html><head><title>T</title><script type="application/ld+json">{"@type":"NewsArticle","headline":"H"}</script>
      <script></script><style></style></head>
      <body><p>First  paragraph</p><svg></svg><p>Second</p></body></html>
      """)
    #expect(filtered.nodes.map(\.tag) == handMade.nodes.map(\.tag))
    #expect(filtered.nodes.indices.filter { filtered.nodes[$0].kind == .text }.map { filtered.text($0) }
      == handMade.nodes.indices.filter { handMade.nodes[$0].kind == .text }.map { handMade.text($0) })
  }
}
