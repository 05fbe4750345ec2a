import Foundation
import Testing
@testable import WinnowCore

/// The corpus stage's field is added where `RecordEncoder` says it goes.
@Suite struct CorpusRecordTests {
  func document() -> Document {
    var meta = Metadata()
    meta.title = "제목 \",\"sha256\":\" 안"
    meta.url = "https://example.com/a"
    meta.passthrough = [(key: "extra", value: RawJSON(Array(#"{"sha256":"not this one"}"#.utf8))), (key: "n", value: RawJSON(Array("7".utf8)))]
    return Document(id: "doc \"1\"", source: SourceInfo(path: "in/a.jsonl", format: .jsonl), text: "본문 ,\"sha256\":\" 본문", meta: meta)
  }

  @Test func corpusFieldGoesBetweenSourceAndHash() throws {
    var line = JSONWriter()
    CorpusDocumentLine.append(document(), to: &line)
    #expect(line.bytes.last == 0x0A)
    let (record, slot) = try #require(CorpusDocumentLine.split(Array(line.bytes.dropLast())))
    var out = JSONWriter()
    #expect(RecordEncoder.clean(record, corpusField: "dedup", cluster: "kept \"id\"", size: 3, at: slot, into: &out))
    #expect(out.bytes.last == 0x0A)
    let members = try JSONLineParser.parseObject(Array(out.bytes.dropLast()))
    #expect(members.map(\.key) == ["id", "text", "title", "url", "source", "dedup", "sha256", "extra", "n"])
    let dedup = try #require(members.first { $0.key == "dedup" })
    #expect(String(decoding: dedup.value, as: UTF8.self) == #"{"cluster":"kept \"id\"","size":3}"#)
    // Without the field, the record is the clean record `winnow run` writes without a corpus stage.
    var plain = JSONWriter()
    RecordEncoder.clean(document(), into: &plain)
    let field = Array(#","dedup":{"cluster":"kept \"id\"","size":3}"#.utf8)
    var withoutField = out.bytes
    withoutField.removeSubrange(slot..<(slot + field.count))
    #expect(Array(out.bytes[slot..<(slot + field.count)]) == field)
    #expect(withoutField == plain.bytes)
  }

  @Test func refusesLinesAndPlacesTheEncoderDidNotWrite() throws {
    #expect(CorpusDocumentLine.split(Array(#"{"id":"a","sha256":"b"}"#.utf8)) == nil)
    #expect(CorpusDocumentLine.split(Array("{}\t".utf8)) == nil)
    var line = JSONWriter()
    CorpusDocumentLine.append(document(), to: &line)
    let (record, slot) = try #require(CorpusDocumentLine.split(Array(line.bytes.dropLast())))
    var out = JSONWriter()
    for wrong in [0, slot - 1, slot + 1, record.count, record.count + 10] {
      #expect(!RecordEncoder.clean(record, corpusField: "dedup", cluster: "a", size: 1, at: wrong, into: &out))
    }
    #expect(out.bytes.isEmpty)
  }
}
