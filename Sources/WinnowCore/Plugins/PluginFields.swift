/// A plugin answer's field winnow cannot use.
public struct PluginFieldError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// How plugin stages (exec programs and plugin libraries) see a document's fields and change
/// them. One rule for both kinds:
///
/// * `text` (a string) replaces the text;
/// * `title`, `published`, `outlet`, `url`, `lang` (strings) and `authors` (a list of strings)
///   replace the metadata; `null` removes a field;
/// * any other field is set as the record's own field (written to the output as given);
/// * a field the answer leaves out is left as it was;
/// * `id` must be the document's (checked by the caller); `source`, `sha256`, `removed` and
///   `dedup` are winnow's and are ignored.
public enum PluginFields {
  static let typed: Set<String> = ["title", "published", "outlet", "url", "lang", "authors"]
  static let ignored: Set<String> = ["id", "source", "sha256", "removed", "dedup", "drop", "detail"]

  /// The typed metadata and the record's own fields, as a JSON object.
  public static func writeMetadata(_ meta: Metadata, into writer: inout JSONWriter) {
    var first = true
    writer.raw("{")
    writeMetadataMembers(meta, into: &writer, first: &first)
    writer.raw("}")
  }

  static func writeMetadataMembers(_ meta: Metadata, into writer: inout JSONWriter, first: inout Bool) {
    RecordEncoder.typedMetadata(meta, into: &writer, first: &first)
    RecordEncoder.passthrough(meta, into: &writer, first: &first)
  }

  /// The line an exec stage sends: `{"id","text",metadata…,"source",own fields…}` and "\n".
  public static func writeRecord(_ document: Document, into writer: inout JSONWriter) {
    var first = true
    writer.raw("{")
    writer.key("id", first: &first)
    writer.string(document.id)
    writer.key("text", first: &first)
    writer.string(document.text ?? "")
    writeMetadataMembers(document.meta, into: &writer, first: &first)
    writer.key("source", first: &first)
    RecordEncoder.source(document.source, into: &writer)
    writer.raw("}\n")
  }

  /// Applies an answer's fields to `document` (see the type's rules). `allowText`: whether
  /// `text` may be among them (a library plugin sets text separately).
  public static func apply(_ members: [JSONLineParser.Member], to document: inout Document, allowText: Bool = true) throws(PluginFieldError) {
    for member in members {
      let key = member.key
      let isNull = member.value.elementsEqual("null".utf8)
      if key == "text" && allowText {
        guard let text = JSONLineParser.stringValue(member.value) else { throw PluginFieldError("'text' is not a string") }
        document.text = text
      } else if typed.contains(key) {
        if key == "authors" {
          if isNull {
            document.meta.authors = []
          } else if member.value.elementsEqual("[]".utf8) {
            document.meta.authors = []
          } else if let authors = JSONLRecords.stringArray(member.value) {
            document.meta.authors = authors
          } else {
            throw PluginFieldError("'authors' is not a list of strings")
          }
          continue
        }
        var string: String?
        if !isNull {
          guard let value = JSONLineParser.stringValue(member.value) else { throw PluginFieldError("'\(key)' is not a string or null") }
          string = value.isEmpty ? nil : value
        }
        switch key {
        case "title": document.meta.title = string
        case "published": document.meta.published = string
        case "outlet": document.meta.outlet = string
        case "url": document.meta.url = string
        default: document.meta.lang = string
        }
      } else if ignored.contains(key) || key == "text" {
        continue
      } else {
        // "input.title" is how a record's own field named like a winnow field is written.
        var name = key
        if key.hasPrefix("input."), RecordEncoder.reservedKeys.contains(String(key.dropFirst(6))) { name = String(key.dropFirst(6)) }
        document.meta.passthrough.removeAll { $0.key == name }
        guard !isNull else { continue }
        // A plugin's lone surrogate escapes are written as \ufffd, as the reader's are.
        if let repaired = JSONLineParser.replacingLoneSurrogates(in: member.value) {
          document.meta.passthrough.append((name, RawJSON(repaired.bytes)))
          document.count("lone_surrogates", repaired.replaced)
        } else {
          document.meta.passthrough.append((name, RawJSON(Array(member.value))))
        }
      }
    }
  }
}

/// Option values as JSON, both ways, for plugin libraries.
enum PluginJSON {
  static func write(_ value: OptionValue, into writer: inout JSONWriter) {
    switch value {
    case .bool(let flag): flag ? writer.raw("true") : writer.raw("false")
    case .int(let number): writer.int(number)
    case .double(let number): writer.raw(Array(String(number).utf8))
    case .string(let string): writer.string(string)
    case .strings(let strings):
      writer.raw("[")
      for (index, string) in strings.enumerated() {
        if index > 0 { writer.raw(",") }
        writer.string(string)
      }
      writer.raw("]")
    }
  }

  /// A default given as JSON, if it is a valid value of `type`.
  static func optionValue(_ json: String, type: OptionType) -> OptionValue? {
    guard let members = try? JSONLineParser.parseObject(Array("{\"v\":\(json)}".utf8)), let raw = members.first?.value else { return nil }
    let text = String(decoding: raw, as: UTF8.self)
    switch type {
    case .bool: return text == "true" ? .bool(true) : text == "false" ? .bool(false) : nil
    case .int(let range):
      guard let number = Int(text), range.contains(number) else { return nil }
      return .int(number)
    case .double(let range):
      guard let number = Double(text), range.contains(number) else { return nil }
      return .double(number)
    case .string, .path:
      // An empty string is allowed as a default ("not set"); a pipeline cannot write one.
      return JSONLineParser.stringValue(raw).map { .string($0) }
    case .choice(let words):
      guard let word = JSONLineParser.stringValue(raw), words.contains(word) else { return nil }
      return .string(word)
    case .stringList:
      if raw.elementsEqual("[]".utf8) { return .strings([]) }
      return JSONLRecords.stringArray(raw).map { .strings($0) }
    }
  }
}
