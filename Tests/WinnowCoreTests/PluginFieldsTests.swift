import Testing
@testable import WinnowCore

/// How a plugin's answer changes a document (docs/PLUGINS.md, "What an answer may change").
struct PluginFieldsTests {
  func document() -> Document {
    var document = Document(id: "a", source: SourceInfo(path: "a.jsonl", format: .jsonl), text: "본문")
    document.meta.title = "제목"
    document.meta.authors = ["홍길동"]
    document.meta.url = "https://example.com/a"
    document.meta.passthrough = [("site", RawJSON(Array("\"s\"".utf8))), ("title", RawJSON(Array("\"원래 제목\"".utf8)))]
    return document
  }

  func apply(_ json: String, to document: inout Document) throws {
    try PluginFields.apply(try JSONLineParser.parseObject(Array(json.utf8)), to: &document)
  }

  @Test func answersSetReplaceAndRemoveFieldsAndLeaveTheRest() throws {
    var document = document()
    try apply(#"{"id":"a","text":"새 본문","title":null,"authors":["김철수","이영희"],"score":0.5,"site":null,"source":{"path":"x"}}"#, to: &document)
    #expect(document.text.utf8Bytes == "새 본문".utf8Bytes)
    #expect(document.meta.title == nil)
    #expect(document.meta.authors == ["김철수", "이영희"])
    #expect(document.meta.url == "https://example.com/a")
    #expect(document.meta.passthrough.map(\.key) == ["title", "score"])
    #expect(document.meta.passthrough.last?.value.bytes == Array("0.5".utf8))
    // winnow's own fields are not the plugin's to change.
    #expect(document.source.path == "a.jsonl")
  }

  @Test func theRecordsOwnFieldsComeBackUnderTheirOwnNames() throws {
    var document = document()
    var writer = JSONWriter()
    PluginFields.writeRecord(document, into: &writer)
    let sent = String(decoding: writer.bytes, as: UTF8.self)
    #expect(sent.contains(#""input.title":"원래 제목""#))
    // Sent back unchanged: nothing changes, nothing is doubled.
    let before = document.meta
    try PluginFields.apply(try JSONLineParser.parseObject(Array(writer.bytes.dropLast())), to: &document)
    #expect(document.meta == before)
  }

  @Test func fieldsOfTheWrongTypeAreErrors() throws {
    var document = document()
    #expect(throws: PluginFieldError.self) { try apply(#"{"text":3}"#, to: &document) }
    #expect(throws: PluginFieldError.self) { try apply(#"{"title":["x"]}"#, to: &document) }
    #expect(throws: PluginFieldError.self) { try apply(#"{"authors":"x"}"#, to: &document) }
  }
}

extension Optional where Wrapped == String {
  fileprivate var utf8Bytes: [UInt8]? { map { Array($0.utf8) } }
}

extension String {
  fileprivate var utf8Bytes: [UInt8] { Array(utf8) }
}
