import Testing
import WinnowCore
import WinnowTestSupport
@testable import WinnowStages

/// `decode`'s `fix_text` fixes, each alone and together, on text we wrote.
@Suite struct TextFixesTests {
  func fixed(_ text: String, _ fixes: [String], format: InputFormat = .jsonl) throws -> (Document, Verdict) {
    let stage = try decodeStage(["fix_text": .strings(fixes)])
    var document = Document(id: "t", source: SourceInfo(path: "t", format: format), text: text)
    let verdict = try stage.process(&document)
    return (document, verdict)
  }

  func counter(_ document: Document, _ name: String) -> Int {
    document.counters.filter { $0.0 == name }.reduce(0) { $0 + $1.1 }
  }

  @Test func noFixesByDefault() throws {
    let text = "“Quoted” ﬁne ＡＢＣ &amp; \u{1A}end"
    var document = Document(id: "t", source: SourceInfo(path: "t", format: .jsonl), text: text)
    #expect(try decodeStage().process(&document) == .keep)
    #expect(document.text.utf8Bytes == text.utf8Bytes)
  }

  @Test func quotes() throws {
    let (document, _) = try fixed("‘single’ and “double” „low‟ ‛rev", ["quotes"])
    #expect(document.text == "'single' and \"double\" \"low\" 'rev")
    #expect(counter(document, "text_fix:quotes") == 7)
  }

  @Test func ligaturesAndTheApostropheOfN() throws {
    let (document, _) = try fixed("ﬁnal ﬂow oﬃce Ĳssel ǉubav", ["ligatures"])
    #expect(document.text == "final flow office IJssel ljubav")
    #expect(counter(document, "text_fix:ligatures") == 5)
    // ŉ is ʼn; with the quote fix its apostrophe is straight too.
    #expect(try fixed("rock ŉ roll", ["ligatures"]).0.text == "rock \u{2BC}n roll")
    #expect(try fixed("rock ŉ roll", ["ligatures", "quotes"]).0.text == "rock 'n roll")
  }

  @Test func widthMakesFullWidthASCIIAndJoinsHalfWidthKana() throws {
    // ｶﾞ is half-width KA and a sound mark: one character, ガ.
    let (document, _) = try fixed("ＡＢＣ１２３，　ｶﾞｲﾄﾞ ￥", ["width"])
    #expect(document.text == "ABC123, ガイド ¥")
    #expect(counter(document, "text_fix:width") == 14)
    // Full-width forms that are not ASCII variants, Hangul, and half-width Hangul letters
    // (whose compatibility form is a conjoining jamo) stay.
    #expect(try fixed("한국어 「引用」 ﾡ", ["width"]).0.text == "한국어 「引用」 ﾡ")
  }

  @Test func controlsKeepTabNewlineFormFeedAndCarriageReturn() throws {
    let (document, _) = try fixed("a\u{1A}b\u{7F}c\u{FEFF}d\t\n\u{0C}\r\u{01}e", ["controls"])
    #expect(document.text == "abcd\t\n\u{0C}\re")
    #expect(counter(document, "text_fix:controls") == 4)
  }

  @Test func entitiesDecodedOnceAndOnlyWhenWellFormed() throws {
    let (document, _) = try fixed("Tom &amp; Jerry &frac14; &#233;t&#xE9; &#150; &amp;lt; &nosuch; &amp &#0; &#xD800;", ["entities"])
    #expect(document.text == "Tom & Jerry ¼ été – &lt; &nosuch; &amp &#0; &#xD800;")
    #expect(counter(document, "text_fix:entities") == 6)
  }

  /// ftfy's order: a reference hides mojibake ("Î&frac14;" is "Î¼", UTF-8 of μ read as Latin-1).
  @Test func entitiesComeBeforeMojibakeRepair() throws {
    let (document, _) = try fixed("Preis: 5 Î&frac14;g pro Tag, gemessen in Î&frac14;g", ["entities"])
    #expect(document.text == "Preis: 5 μg pro Tag, gemessen in μg")
  }

  @Test func pagesAreLeftToTheHTMLStage() throws {
    let page = "<html><body><p>“a” &amp; ﬁ</p></body></html>"
    let all = TextFixes.Fix.allCases.map(\.rawValue)
    #expect(try fixed(page, all).0.text == page)
    // An HTML file's bytes, however they start.
    var document = Document(id: "p", source: SourceInfo(path: "p", format: .html), bytes: Array("<p>“a” &amp; ﬁ</p>".utf8))
    #expect(try decodeStage(["fix_text": .strings(all)]).process(&document) == .keep)
    #expect(document.text == "<p>“a” &amp; ﬁ</p>")
  }

  @Test func aRecordsTitleIsFixedToo() throws {
    let stage = try decodeStage(["fix_text": .strings(["quotes", "entities"])])
    var document = Document(id: "t", source: SourceInfo(path: "t", format: .jsonl), text: "body")
    document.meta.title = "“Q&amp;A”"
    #expect(try stage.process(&document) == .keep)
    #expect(document.meta.title == "\"Q&A\"")
  }

  @Test func anUnknownFixIsAnErrorAtItsPlace() throws {
    let directory = try TemporaryDirectory()
    let file = try directory.write("p.yaml", "version: 1\ninput: {path: .}\noutput: {path: o.jsonl}\nstages:\n  - decode: {fix_text: [quotes, qoutes]}\n")
    do {
      _ = try ConfigLoader(registry: BuiltinStages.registry).load(file: file)
      Issue.record("no error")
    } catch {
      #expect(error.description.contains("p.yaml:5:33: error: [stages[0].decode.fix_text[1]]"), "\(error.description)")
      #expect(error.description.contains("unknown value 'qoutes'; did you mean 'quotes'?"), "\(error.description)")
    }
  }
}
