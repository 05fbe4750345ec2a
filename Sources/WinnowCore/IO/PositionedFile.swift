import Foundation

/// A whole page in a positioned partition (`winnow dedup signatures --positioned`, `winnow
/// learn state --positioned`): the line `ORDINAL TAB PATH TAB - TAB BASE64` carries the bytes
/// of one txt or html file (uncompressed) as read by an engine (Spark's `binaryFile`), PATH
/// being the file's path relative to its input root, as `winnow run` names it. The document
/// is the one `winnow run` reads from that file: its id and source path are PATH, its format
/// comes from PATH's extension.
enum PositionedFile {
  static func item(_ payload: ArraySlice<UInt8>, path: String, ordinal: UInt64, settings: InputSettings) -> ReadItem {
    let format = InputReader.format(ofFileNamed: path)?.format ?? .txt
    let source = SourceInfo(path: path, format: format)
    guard format != .jsonl else {
      return ReadItem(
        document: Document(id: path, source: source),
        drop: Drop(reason: "bad_position", detail: "'\(path)' is JSONL: its records are positioned one by one, not as a whole file"),
        ordinal: ordinal)
    }
    guard let bytes = Data(base64Encoded: Data(payload)) else {
      return ReadItem(
        document: Document(id: path, source: source),
        drop: Drop(reason: "bad_position", detail: "the bytes of '\(path)' are not valid base64 (--positioned whole file)"),
        ordinal: ordinal)
    }
    if bytes.count > settings.maxDocumentBytes {
      return ReadItem(
        document: Document(id: path, source: source),
        drop: Drop(reason: "too_large", detail: "\(bytes.count) bytes > input.max_document_bytes (\(settings.maxDocumentBytes))"),
        ordinal: ordinal)
    }
    return ReadItem(document: Document(id: path, source: source, bytes: [UInt8](bytes)), drop: nil, ordinal: ordinal)
  }
}
