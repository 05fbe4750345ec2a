import Crypto

/// Encodes output and reject records as single JSON lines with keys in a fixed order.
public enum RecordEncoder {
  /// Keys winnow itself writes in clean records; pass-through fields with these names are
  /// written as `input.<name>` so they never shadow them.
  public static let reservedKeys: Set<String> = [
    "id", "text", "title", "published", "authors", "outlet", "url", "lang", "lang_score", "source", "dedup", "sha256", "removed",
  ]

  /// `{"id","text","title","published","authors","outlet","url","lang","source","sha256",…}`
  /// and a newline.
  public static func clean(_ document: Document, into writer: inout JSONWriter) {
    cleanRecord(document, into: &writer)
    writer.raw("\n")
  }

  /// A clean record without its newline. Returns where a corpus stage's field goes in it
  /// (bytes from the record's start: before "sha256"), for `clean(_:corpusField:…)`.
  @discardableResult
  public static func cleanRecord(_ document: Document, into writer: inout JSONWriter) -> Int {
    let start = writer.bytes.count
    let text = document.text ?? ""
    var first = true
    writer.raw("{")
    writer.key("id", first: &first)
    writer.string(document.id)
    writer.key("text", first: &first)
    writer.string(text)
    let meta = document.meta
    typedMetadata(meta, into: &writer, first: &first)
    writer.key("source", first: &first)
    source(document.source, into: &writer)
    let corpusFieldSlot = writer.bytes.count - start
    writer.key("sha256", first: &first)
    writer.string(sha256Hex(text))
    if document.audit {
      writer.key("removed", first: &first)
      writer.raw("[")
      for (index, line) in document.removed.enumerated() {
        if index > 0 { writer.raw(",") }
        writer.raw("{\"stage\":")
        writer.string(line.stage)
        writer.raw(",\"rule\":")
        writer.string(line.rule)
        writer.raw(",\"zone\":")
        writer.string(line.zone.rawValue)
        writer.raw(",\"line\":")
        writer.string(line.text)
        writer.raw("}")
      }
      writer.raw("]")
    }
    passthrough(meta, into: &writer, first: &first)
    writer.raw("}")
    return corpusFieldSlot
  }

  /// A clean record written by `cleanRecord`, with a corpus stage's field added where
  /// `cleanRecord` said it goes (`"dedup":{"cluster":…,"size":…}` between "source" and
  /// "sha256"), and a newline. False when `slot` is not such a place in `record`.
  public static func clean(
    _ record: ArraySlice<UInt8>, corpusField field: String, cluster: String, size: Int, at slot: Int, into writer: inout JSONWriter
  ) -> Bool {
    let at = record.startIndex + slot
    guard slot > 0, at + 1 < record.endIndex, record[at] == UInt8(ascii: ","), record[at + 1] == UInt8(ascii: "\"") else {
      return false
    }
    writer.bytes.append(contentsOf: record[..<at])
    writer.raw(",")
    var first = true
    writer.string(field)
    writer.raw(":{")
    writer.key("cluster", first: &first)
    writer.string(cluster)
    writer.key("size", first: &first)
    writer.int(size)
    writer.raw("}")
    writer.bytes.append(contentsOf: record[at...])
    writer.raw("\n")
    return true
  }

  /// `{"id","source","stage","reason","rule","detail","text"|"bytes_base64",…}`: the
  /// original content, so nothing dropped is lost.
  public static func reject(_ document: Document, stage: String, drop: Drop, original: OriginalContent, into writer: inout JSONWriter) {
    var first = true
    writer.raw("{")
    writer.key("id", first: &first)
    writer.string(document.id)
    writer.key("source", first: &first)
    source(document.source, into: &writer)
    writer.key("stage", first: &first)
    writer.string(stage)
    writer.key("reason", first: &first)
    writer.string(drop.reason)
    if let rule = drop.rule { writer.key("rule", first: &first); writer.string(rule) }
    writer.key("detail", first: &first)
    writer.string(drop.detail)
    switch original {
    case .text(let text):
      writer.key("text", first: &first)
      writer.string(text)
    case .bytes(let bytes):
      if let text = String(validating: bytes, as: UTF8.self) {
        writer.key("text", first: &first)
        writer.string(text)
      } else {
        writer.key("bytes_base64", first: &first)
        writer.string(base64(bytes))
      }
    case .none:
      break
    }
    passthrough(document.meta, into: &writer, first: &first)
    writer.raw("}\n")
  }

  /// What a document held when it was read.
  public enum OriginalContent: Sendable {
    case text(String)
    case bytes([UInt8])
    case none

    public var byteCount: Int {
      switch self {
      case .text(let text): text.utf8.count
      case .bytes(let bytes): bytes.count
      case .none: 0
      }
    }
  }

  static func source(_ source: SourceInfo, into writer: inout JSONWriter) {
    var first = true
    writer.raw("{")
    writer.key("path", first: &first)
    writer.string(source.path)
    if let bytes = source.pathBytes { writer.key("path_bytes", first: &first); writer.string(base64(bytes)) }
    if let line = source.line { writer.key("line", first: &first); writer.int(line) }
    if let record = source.record { writer.key("record", first: &first); writer.string(record) }
    if let offset = source.offset { writer.key("offset", first: &first); writer.int(offset) }
    writer.key("format", first: &first)
    writer.string(source.format.rawValue)
    if let encoding = source.encoding { writer.key("encoding", first: &first); writer.string(encoding) }
    if let confidence = source.confidence { writer.key("confidence", first: &first); writer.fraction(confidence) }
    writer.raw("}")
  }

  /// `title`, `published`, `authors`, `outlet`, `url`, `lang`: those that are set, in that order.
  static func typedMetadata(_ meta: Metadata, into writer: inout JSONWriter, first: inout Bool) {
    if let title = meta.title, !title.isEmpty { writer.key("title", first: &first); writer.string(title) }
    if let published = meta.published, !published.isEmpty { writer.key("published", first: &first); writer.string(published) }
    if !meta.authors.isEmpty {
      writer.key("authors", first: &first)
      writer.raw("[")
      for (index, author) in meta.authors.enumerated() {
        if index > 0 { writer.raw(",") }
        writer.string(author)
      }
      writer.raw("]")
    }
    if let outlet = meta.outlet, !outlet.isEmpty { writer.key("outlet", first: &first); writer.string(outlet) }
    if let url = meta.url, !url.isEmpty { writer.key("url", first: &first); writer.string(url) }
    if let lang = meta.lang, !lang.isEmpty {
      writer.key("lang", first: &first)
      writer.string(lang)
      if let score = meta.langScore { writer.key("lang_score", first: &first); writer.fraction(score) }
    }
  }

  static func passthrough(_ meta: Metadata, into writer: inout JSONWriter, first: inout Bool) {
    for (key, value) in meta.passthrough {
      writer.key(reservedKeys.contains(key) ? "input." + key : key, first: &first)
      writer.raw(value.bytes)
    }
  }

  static func sha256Hex(_ text: String) -> String {
    var text = text
    return Manifest.hex(text.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) })
  }
}
