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

  func filtered(_ html: String) -> (page: String, values: [String]) {
    var copy = html
    return copy.withUTF8 { bytes in
      let result = HTMLPrefilter.filter(bytes, referencing: true)
      let page = result.bytes.map { String(decoding: $0, as: UTF8.self) } ?? html
      return (page, result.values.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) })
    }
  }

  @Test func referencesTheValuesLibxml2WouldCopyAsWritten() {
    // Quoted, twelve bytes or more, no '&' and no NUL: referenced (DEL and the index); the
    // rest stays as written, and unread attributes go as before.
    let page = "<div class=\"post entry-body\" id=main data-x=\"1\"><p class='a&amp;b c-long' itemprop=\"articleBody\" role=\"x\">Text</p></div>"
    let result = filtered(page)
    #expect(result.page == "<div class=\"\u{7F}0\" id=main><p class='a&amp;b c-long' itemprop=\"articleBody\" role=\"x\">Text</p></div>")
    #expect(result.values == ["post entry-body"])
    // A value left as written that starts with DEL or a character reference could read as a
    // reference: that page has none.
    #expect(filtered("<p class=\"&#127;0\" id=\"long-enough-id\">T</p>").values.isEmpty)
    #expect(filtered("<p class=\"\u{7F}0000-and-more\" id=\"long-enough-id\">T</p>").values == ["\u{7F}0000-and-more", "long-enough-id"])
    #expect(filtered("<p class=\u{7F}0 id=\"long-enough-id\">T</p>").values.isEmpty)
  }

  @Test func theTreeIsTheSameWithAndWithoutReferences() throws {
    let pages = [
      "<html><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">"
        + "<meta property=\"og:title\" content=\"Caf\u{E9} \u{D55C}\u{AE00} \u{1F600} &quot;quoted&quot;\">"
        + "<link rel=\"canonical\" href=\"https://x.example/2020/01/02/a?b=1&amp;c=2\"><title>T</title>"
        + "<script type=\"application/ld+json\">{\"headline\":\"H\"}</script></head>"
        + "<body class=\"home page-template\" id='top'><div class=\"a\" class=\"second value\" CLASS=\"third one\">"
        + "<p class=\"line\nbreak\r\nand\ttab\" id=\"x\u{7F}y-not-first\">One</p>"
        + "<span>Two</span><time datetime=\"2020-01-02T03:04:05Z\">Jan</time>"
        + "<a rel=author class=\"by <b> & > line\" href=\"/a\">Jane</a><div class=\"\" id=\"\">Three</div>"
        + "<p class=\"nul\u{0}inside value\">Four</p></div></body></html>",
      "<div " + (0..<300).map { "class=\"column-\($0)-long\"" }.joined(separator: " ") + " id=\"after-the-limit\">Many</div><p class=\"never closed",
      "<span class=\"&#127;x\" id=\"\u{7F}12\">Two</span><p class=\"referenced-if-not-ambiguous\">T</p>",
      "<p class='single quoted value' id=unquoted-value-here role=\"main-role\">Text &amp; more</p><p class=\"x\">",
    ]
    for page in pages {
      let referenced = try HTMLTree(utf8: page, referencing: true)
      let plain = try HTMLTree(utf8: page, referencing: false)
      #expect(referenced.nodes.map { [Int($0.kind.rawValue), Int($0.tag.rawValue), Int($0.parent), Int($0.end), Int($0.textStart), Int($0.textCount), Int($0.attributeStart), Int($0.attributeCount)] }
        == plain.nodes.map { [Int($0.kind.rawValue), Int($0.tag.rawValue), Int($0.parent), Int($0.end), Int($0.textStart), Int($0.textCount), Int($0.attributeStart), Int($0.attributeCount)] })
      #expect(referenced.attributes.map(\.name) == plain.attributes.map(\.name))
      #expect(referenced.attributes.map(\.value) == plain.attributes.map(\.value))
      #expect(referenced.textBytes == plain.textBytes)
      #expect(referenced.attributesDropped == plain.attributesDropped)
      #expect(!referenced.attributes.isEmpty)
    }
  }
}
