import Crypto
import Foundation
import WinnowNative

/// A document from the reader, or a record it could not read (bad JSON line, unreadable
/// file); the latter goes straight to the rejects file with stage 'read'.
public struct ReadItem: Sendable {
  public var document: Document
  public var drop: Drop?
  /// The record's position in the whole input, when the input says (`input.positioned`): a
  /// partition of a larger input read on its own keeps the positions of the whole.
  public var ordinal: UInt64?
  /// The file's path as opened, for a whole file read in full (txt, html).
  public var path: String?
  /// Lone surrogate escapes (`\ud800`) in a JSONL record, read as U+FFFD in its strings and
  /// written as `\ufffd` in its pass-through fields.
  public var loneSurrogates = 0

  public init(document: Document, drop: Drop?, ordinal: UInt64? = nil, path: String? = nil) {
    self.document = document
    self.drop = drop
    self.ordinal = ordinal
    self.path = path
  }
}

/// Yields every input document in a deterministic order: inputs in the order given, each
/// directory walked depth-first with entries sorted by their UTF-8 bytes, JSONL records in
/// line order. Never decodes bytes (that is the `decode` stage's job).
public final class InputReader: @unchecked Sendable {
  /// The reasons of the rejects it writes (stage 'read').
  public static let reasons: [DropReason] = [
    DropReason("bad_json", "a JSONL line is not a JSON object (detail: line and column)"),
    DropReason("missing_text", "a JSONL record has no string `text_field`"),
    DropReason("unreadable", "a file cannot be opened or read, or its name is not UTF-8 (`source.path_bytes`: the name's bytes, base64)"),
    DropReason("too_large", "a document is over `input.max_document_bytes`"),
    DropReason("not_a_regular_file", "a FIFO, socket or device in a walk or named as an input: never opened"),
    DropReason("bad_position", "a line of a `--positioned` input does not start with its ordinal, path and line (docs/DEDUP.md)"),
  ]

  public let settings: InputSettings
  /// Raw bytes read so far (compressed size is not counted).
  public private(set) var bytesRead: Int = 0
  /// Every file opened, in reading order (path as opened, path relative to its input root);
  /// "-" for standard input. The manifest lists and hashes them.
  public private(set) var opened: [(path: String, relative: String)] = []
  /// Size and SHA-256 of each whole plain file read (txt, html), taken from the bytes as
  /// read, so the manifest need not read those files a second time.
  public private(set) var hashed: [String: (size: Int, sha256: String)] = [:]

  private var pendingInputs: [String]
  private var walk: DirectoryWalk
  /// Entries of the walk rejected without being opened (FIFOs, names not UTF-8).
  private var pendingReject: ReadItem?
  private var records: (any RecordStream)?
  /// Whole files (not JSONL records) whose id (the relative path) this returns true for are
  /// passed over unread: the first pass of a learner that samples the corpus.
  public var skipWholeFile: (@Sendable (String) -> Bool)?

  public init(settings: InputSettings) {
    self.settings = settings
    self.pendingInputs = settings.paths
    self.walk = DirectoryWalk(followLinks: settings.followLinks)
  }

  /// Files a directory walk passed over, by reason; shown in the run summary.
  public var skipped: [String: Int] { walk.skipped.merging(passedOver) { $0 + $1 } }
  private var passedOver: [String: Int] = [:]

  public func next() -> ReadItem? {
    while true {
      if let records {
        if let item = records.next() {
          bytesRead += records.takeBytesRead()
          return item
        }
        bytesRead += records.takeBytesRead()
        if let warc = records as? WarcRecords {
          for (kind, count) in warc.skippedKinds { passedOver[kind, default: 0] += count }
        }
        self.records = nil
      }
      if let file = nextFile() {
        if let item = open(file) { return item }
        continue
      }
      if let item = pendingReject {
        pendingReject = nil
        return item
      }
      return nil
    }
  }

  // MARK: walking

  struct FileEntry {
    var path: String
    var relative: String
    var explicit: Bool
  }

  private func nextFile() -> FileEntry? {
    while pendingReject == nil {
      if let entry = walk.next() {
        switch entry {
        case .file(let path, let relative):
          return FileEntry(path: path, relative: relative, explicit: false)
        case .nameNotUTF8(let relative, let bytes):
          guard selected(relative) else { continue }
          pendingReject = rejected(
            relative, bytes, reason: "unreadable",
            detail: "the file name is not valid UTF-8 (its bytes are in source.path_bytes); not read")
        case .rejected(let relative, let bytes, let reason, let detail):
          pendingReject = rejected(relative, bytes, reason: reason, detail: detail)
        }
        continue
      }
      guard !pendingInputs.isEmpty else { return nil }
      let input = pendingInputs.removeFirst()
      if input == "-" { return FileEntry(path: "-", relative: "-", explicit: true) }
      var info = stat()
      if stat(input, &info) == 0 {
        switch DirectoryWalk.kind(ofMode: info.st_mode) {
        case .directory:
          walk.begin(root: input.hasSuffix("/") && input.count > 1 ? String(input.dropLast()) : input)
          continue
        case .special(let what):
          // Never opened: a FIFO without a writer would block; standard input reads a pipe.
          pendingReject = rejected(
            (input as NSString).lastPathComponent, nil, reason: "not_a_regular_file",
            detail: "\(input) is \(what): not opened (to read a pipe, give it on standard input: --input -)")
          continue
        default: break
        }
      }
      return FileEntry(path: input, relative: (input as NSString).lastPathComponent, explicit: true)
    }
    return nil
  }

  /// Whether a walk reads a file of this name (its extension and `input.formats`).
  private func selected(_ name: String) -> Bool {
    guard let detected = Self.format(ofFileNamed: name) else {
      passedOver["unsupported extension", default: 0] += 1
      return false
    }
    guard settings.formats.contains(detected.format) else {
      passedOver["format not selected", default: 0] += 1
      return false
    }
    return true
  }

  private func rejected(_ relative: String, _ bytes: [UInt8]?, reason: String, detail: String) -> ReadItem {
    let format = Self.format(ofFileNamed: relative)?.format ?? .txt
    return ReadItem(
      document: Document(id: relative, source: SourceInfo(path: relative, format: format, pathBytes: bytes)),
      drop: Drop(reason: reason, detail: detail))
  }

  // MARK: formats

  /// Format and compression from a file name: `.txt`, `.html`/`.htm`, `.jsonl`, each
  /// optionally `.gz` (or `.zst`: `gzip` then means compressed, read as a stream).
  public static func format(ofFileNamed name: String) -> (format: InputFormat, gzip: Bool)? {
    // By bytes (this runs for every input file): the last path component's text after its
    // last '.', none for a name that starts with it (as NSString.pathExtension, which also
    // weighs grapheme clusters: a combining mark before the dot no longer hides the extension).
    let slash = UInt8(ascii: "/")
    var bytes = Array(name.utf8)
    while bytes.count > 1, bytes.last == slash { bytes.removeLast() }
    if let last = bytes.lastIndex(of: slash) { bytes.removeSubrange(...last) }
    for index in bytes.indices where bytes[index] &- 0x41 < 26 { bytes[index] |= 0x20 }
    var gzip = false
    if bytes.count >= 3, bytes[(bytes.count - 3)...].elementsEqual(".gz".utf8) {
      gzip = true
      bytes.removeLast(3)
    } else if bytes.count >= 4, bytes[(bytes.count - 4)...].elementsEqual(".zst".utf8) {
      gzip = true
      bytes.removeLast(4)
    }
    guard let dot = bytes.lastIndex(of: UInt8(ascii: ".")), dot > 0 else { return nil }
    switch String(decoding: bytes[(dot + 1)...], as: UTF8.self) {
    case "txt", "text": return (.txt, gzip)
    case "html", "htm", "xhtml": return (.html, gzip)
    case "jsonl", "ndjson": return (.jsonl, gzip)
    case "warc": return (.warc, gzip)
    default: return nil
    }
  }

  private func open(_ file: FileEntry) -> ReadItem? {
    let detected = file.path == "-" ? nil : Self.format(ofFileNamed: file.path)
    if !file.explicit && !selected(file.path) { return nil }
    opened.append((file.path, file.relative))
    if file.path == "-" {
      return openStandardInput()
    }
    // A file named on the command line with an unknown extension is read as text (or as
    // `namedFileFormat`).
    let format = file.explicit ? settings.namedFileFormat ?? detected?.format ?? .txt : detected?.format ?? .txt
    if format == .warc {
      do {
        records = WarcRecords(file: try MappedFile(path: file.path), relative: file.relative, settings: settings)
      } catch {
        return unreadable(file, format: format, detail: "\(error)")
      }
      return nil
    }
    if format == .jsonl {
      do {
        let stream = try Self.openStream(file.path)
        records = JSONLRecords(stream: stream, relative: file.relative, settings: settings)
      } catch {
        return unreadable(file, format: format, detail: "\(error)")
      }
      return nil
    }
    if let skipWholeFile, skipWholeFile(file.relative) { return nil }
    return readWhole(file, format: format, gzip: detected?.gzip ?? false)
  }

  private func openStandardInput() -> ReadItem? {
    do {
      // zlib reads plain data through unchanged, so stdin may be gzip or not.
      let stream = try GzipReader(path: "-", descriptor: 0)
      var head = [UInt8](repeating: 0, count: 1 << 16)
      let count = try stream.read(into: &head)
      head.removeLast(head.count - count)
      let body = head.starts(with: [0xEF, 0xBB, 0xBF]) ? head.dropFirst(3) : head[...]
      let firstByte = body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
      if firstByte == UInt8(ascii: "{") || settings.positioned {
        records = JSONLRecords(stream: stream, relative: "-", settings: settings, prefix: head)
        return nil
      }
      var bytes = head
      try readRest(of: stream, into: &bytes)
      bytesRead += bytes.count
      let id = "-"
      let source = SourceInfo(path: "-", format: .txt)
      if bytes.count > settings.maxDocumentBytes {
        return ReadItem(document: Document(id: id, source: source), drop: tooLarge(bytes.count))
      }
      return ReadItem(document: Document(id: id, source: source, bytes: bytes), drop: nil)
    } catch {
      return ReadItem(
        document: Document(id: "-", source: SourceInfo(path: "-", format: .txt)),
        drop: Drop(reason: "unreadable", detail: "standard input: \(error)"))
    }
  }

  private func readRest(of stream: any ByteStream, into bytes: inout [UInt8]) throws(NativeError) {
    var chunk = [UInt8](repeating: 0, count: 1 << 17)
    while bytes.count <= settings.maxDocumentBytes {
      let count = try stream.read(into: &chunk)
      if count == 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
    }
  }

  private func readWhole(_ file: FileEntry, format: InputFormat, gzip: Bool) -> ReadItem {
    let source = SourceInfo(path: file.relative, format: format)
    if !gzip {
      switch readPlainFile(file.path) {
      case .success(let bytes):
        bytesRead += bytes.count
        hashed[file.path] = (bytes.count, Manifest.hex(SHA256.hash(data: bytes)))
        return ReadItem(document: Document(id: file.relative, source: source, bytes: bytes), drop: nil, path: file.path)
      case .failure(.tooLarge(let size)):
        return ReadItem(document: Document(id: file.relative, source: source), drop: tooLarge(size))
      case .failure(.system(let message)):
        return unreadable(file, format: format, detail: message)
      }
    }
    do {
      let stream = try Self.openStream(file.path)
      var bytes: [UInt8] = []
      try readRest(of: stream, into: &bytes)
      bytesRead += bytes.count
      if bytes.count > settings.maxDocumentBytes {
        return ReadItem(document: Document(id: file.relative, source: source), drop: tooLarge(bytes.count))
      }
      return ReadItem(document: Document(id: file.relative, source: source, bytes: bytes), drop: nil)
    } catch {
      return unreadable(file, format: format, detail: "\(error)")
    }
  }

  enum PlainReadError: Error {
    case tooLarge(Int)
    case system(String)
  }

  /// Reads a whole uncompressed file into an array of exactly its size.
  /// Opens `path` for reading without blocking on a FIFO that has no writer (opened
  /// non-blocking, then set back to blocking: a read there finds the end at once).
  /// A file opened for reading (see `openForReading`) as a stream, gunzipped when it is gzip;
  /// the descriptor is closed if the stream cannot be made.
  static func openStream(_ path: String) throws -> any ByteStream {
    let descriptor = try openForReading(path)
    do {
      return try openByteStream(path: path, descriptor: descriptor)
    } catch {
      close(descriptor)
      throw error
    }
  }

  static func openForReading(_ path: String) throws(NativeError) -> Int32 {
    let descriptor = Foundation.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else { throw NativeError(function: "open", code: errno, message: String(cString: strerror(errno))) }
    let flags = fcntl(descriptor, F_GETFL)
    if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
    return descriptor
  }

  private func readPlainFile(_ path: String) -> Result<[UInt8], PlainReadError> {
    let descriptor: Int32
    do {
      descriptor = try Self.openForReading(path)
    } catch {
      return .failure(.system(error.message))
    }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { return .failure(.system(String(cString: strerror(errno)))) }
    let size = Int(info.st_size)
    if size > settings.maxDocumentBytes { return .failure(.tooLarge(size)) }
    var failure: String?
    var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
      var filled = 0
      while filled < size, let base = buffer.baseAddress {
        let count = read(descriptor, base + filled, size - filled)
        if count < 0 {
          if errno == EINTR { continue }
          failure = String(cString: strerror(errno))
          break
        }
        if count == 0 { break }
        filled += count
      }
      initialized = filled  // a file that shrank while read: what was read
    }
    if let failure { return .failure(.system(failure)) }
    // Files that report size 0 but have content (/proc, pipes) are read as a stream.
    if size == 0 {
      var chunk = [UInt8](repeating: 0, count: 1 << 16)
      while bytes.count <= settings.maxDocumentBytes {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 { return .failure(.system(String(cString: strerror(errno)))) }
        if count == 0 { break }
        bytes.append(contentsOf: chunk[0..<count])
      }
      if bytes.count > settings.maxDocumentBytes { return .failure(.tooLarge(bytes.count)) }
    }
    return .success(bytes)
  }

  private func unreadable(_ file: FileEntry, format: InputFormat, detail: String) -> ReadItem {
    ReadItem(
      document: Document(id: file.relative, source: SourceInfo(path: file.relative, format: format)),
      drop: Drop(reason: "unreadable", detail: "\(file.path): \(detail)"))
  }

  private func tooLarge(_ size: Int) -> Drop {
    Drop(reason: "too_large", detail: "\(size) bytes > input.max_document_bytes (\(settings.maxDocumentBytes))")
  }
}

/// A file read as many documents: JSONL lines, WARC records.
protocol RecordStream: AnyObject {
  func next() -> ReadItem?
  /// Bytes read since the last call.
  func takeBytesRead() -> Int
}

/// Streams records from one JSONL file (plain or gzip), one line each.
final class JSONLRecords: RecordStream {
  private let stream: any ByteStream
  private let relative: String
  private let settings: InputSettings
  private var buffer: [UInt8]
  private var start = 0
  private var lineNumber = 0
  private var finished = false
  /// A read error ends the file; it is reported once as an `unreadable` reject.
  private var failure: NativeError?
  private var pendingBytes = 0
  private var chunk = [UInt8](repeating: 0, count: 1 << 20)

  /// Keys lifted into typed metadata when their value is a string.
  static let metadataKeys: Set<String> = ["title", "published", "outlet", "url", "lang"]

  init(stream: any ByteStream, relative: String, settings: InputSettings, prefix: [UInt8] = []) {
    self.stream = stream
    self.relative = relative
    self.settings = settings
    self.buffer = prefix
  }

  /// Skips a UTF-8 byte-order mark at the start of the file.
  private var checkedBOM = false

  func takeBytesRead() -> Int {
    defer { pendingBytes = 0 }
    return pendingBytes
  }

  func next() -> ReadItem? {
    while true {
      guard let line = nextLine() else {
        guard let failure else { return nil }
        self.failure = nil
        return ReadItem(
          document: Document(id: "\(relative):\(lineNumber + 1)", source: SourceInfo(path: relative, line: lineNumber + 1, format: .jsonl)),
          drop: Drop(reason: "unreadable", detail: "\(relative): read failed after line \(lineNumber): \(failure)"))
      }
      pendingBytes += line.bytes.count + 1
      if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) && !line.tooLong { continue }
      return record(line.bytes, tooLong: line.tooLong)
    }
  }

  private func nextLine() -> (bytes: [UInt8], tooLong: Bool)? {
    var skipping = false
    // Bytes before this offset hold no newline: each chunk is searched once, so a huge line
    // costs its length, not its length squared.
    var scanned = start
    while true {
      if !checkedBOM && (buffer.count >= 3 || finished) {
        checkedBOM = true
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
      }
      if let newline = buffer[max(start, scanned)...].firstIndex(of: 0x0A) {
        var line = Array(buffer[start..<newline])
        start = newline + 1
        if line.last == 0x0D { line.removeLast() }
        lineNumber += 1
        if skipping || line.count > settings.maxDocumentBytes { return ([], true) }
        return (line, false)
      }
      if finished {
        guard start < buffer.count || skipping else { return nil }
        let line = Array(buffer[start...])
        start = buffer.count
        lineNumber += 1
        return skipping || line.count > settings.maxDocumentBytes ? ([], true) : (line, false)
      }
      scanned = buffer.count
      if skipping || buffer.count - start > settings.maxDocumentBytes {
        // Drop the oversized line's head and keep scanning for its end.
        skipping = true
        pendingBytes += buffer.count - start
        buffer.removeAll(keepingCapacity: true)
        start = 0
        scanned = 0
      }
      if start > 0 {
        buffer.removeSubrange(0..<start)
        scanned -= start
        start = 0
      }
      do {
        let count = try stream.read(into: &chunk)
        if count == 0 { finished = true } else { buffer.append(contentsOf: chunk[0..<count]) }
      } catch {
        // The partial last line is not trusted: drop it with the error.
        finished = true
        failure = error
        buffer.removeAll()
        start = 0
        return nil
      }
    }
  }

  private func record(_ line: [UInt8], tooLong: Bool) -> ReadItem {
    // A line over the size limit is not kept, its position prefix with it: it is rejected as
    // too_large under this stream's own name and line.
    guard settings.positioned, !tooLong else { return record(line, tooLong: tooLong, path: relative, number: lineNumber, ordinal: nil) }
    // "ORDINAL TAB PATH TAB LINE TAB record": a partition's record with its place in the whole input.
    var fields: [ArraySlice<UInt8>] = []
    var start = 0
    for index in line.indices where line[index] == 0x09 && fields.count < 3 {
      fields.append(line[start..<index])
      start = index + 1
    }
    // A whole file (txt, html) instead of a record: LINE is '-' (`PositionedFile`).
    if fields.count == 3, fields[2].elementsEqual("-".utf8), !fields[1].isEmpty,
      let ordinal = UInt64(String(decoding: fields[0], as: UTF8.self))
    {
      return PositionedFile.item(line[start...], path: String(decoding: fields[1], as: UTF8.self), ordinal: ordinal, settings: settings)
    }
    guard fields.count == 3, let ordinal = UInt64(String(decoding: fields[0], as: UTF8.self)),
      let number = Int(String(decoding: fields[2], as: UTF8.self)), !fields[1].isEmpty
    else {
      return ReadItem(
        document: Document(id: "\(relative):\(lineNumber)", source: SourceInfo(path: relative, line: lineNumber, format: .jsonl), bytes: line),
        drop: Drop(reason: "bad_position", detail: "line \(lineNumber) does not start with 'ordinal TAB path TAB line TAB' (--positioned)"))
    }
    return record(Array(line[start...]), tooLong: tooLong, path: String(decoding: fields[1], as: UTF8.self), number: number, ordinal: ordinal)
  }

  private func record(_ line: [UInt8], tooLong: Bool, path relative: String, number lineNumber: Int, ordinal: UInt64?) -> ReadItem {
    let fallbackID = "\(relative):\(lineNumber)"
    let source = SourceInfo(path: relative, line: lineNumber, format: .jsonl)
    if tooLong {
      return ReadItem(
        document: Document(id: fallbackID, source: source),
        drop: Drop(reason: "too_large", detail: "line \(lineNumber) is longer than input.max_document_bytes (\(settings.maxDocumentBytes))"),
        ordinal: ordinal)
    }
    let members: [JSONLineParser.Member]
    let loneSurrogates: Int
    do {
      (members, loneSurrogates) = try JSONLineParser.parseRecord(line)
    } catch {
      return ReadItem(
        document: Document(id: fallbackID, source: source, bytes: line),
        drop: Drop(reason: "bad_json", detail: "line \(lineNumber), \(error)"), ordinal: ordinal)
    }
    var document = Document(id: fallbackID, source: source)
    var text: String?
    for member in members {
      if member.key == settings.textField {
        text = member.string ?? JSONLineParser.stringValue(member.value)
      } else if member.key == settings.idField {
        if let string = member.string ?? JSONLineParser.stringValue(member.value), !string.isEmpty {
          document.id = string
        } else if let first = member.value.first, (0x30...0x39).contains(first) || first == UInt8(ascii: "-") {
          document.id = String(decoding: member.value, as: UTF8.self)
        }
      } else if Self.metadataKeys.contains(member.key), let string = member.string ?? JSONLineParser.stringValue(member.value),
        !string.isEmpty
      {
        switch member.key {
        case "title": document.meta.title = string
        case "published": document.meta.published = string
        case "outlet": document.meta.outlet = string
        case "url": document.meta.url = string
        default: document.meta.lang = string
        }
      } else if member.key == "authors", let authors = Self.stringArray(member.value) {
        document.meta.authors = authors
      } else if loneSurrogates > 0, let repaired = JSONLineParser.replacingLoneSurrogates(in: member.value) {
        document.meta.passthrough.append((member.key, RawJSON(repaired.bytes)))
      } else {
        document.meta.passthrough.append((member.key, RawJSON(Array(member.value))))
      }
    }
    var item = ReadItem(document: document, drop: nil, ordinal: ordinal)
    item.loneSurrogates = loneSurrogates
    guard let text else {
      item.document.bytes = line
      item.drop = Drop(reason: "missing_text", detail: "line \(lineNumber) has no string field '\(settings.textField)'")
      return item
    }
    item.document.text = text
    return item
  }

  static func stringArray(_ raw: ArraySlice<UInt8>) -> [String]? {
    guard raw.first == UInt8(ascii: "[") else { return nil }
    let wrapped = Array("{\"a\":".utf8) + raw + [UInt8(ascii: "}")]
    guard let members = try? JSONLineParser.parseObject(wrapped), let array = members.first?.value else { return nil }
    // Split the array's elements by re-parsing each string in turn.
    var result: [String] = []
    var index = array.startIndex + 1
    while index < array.endIndex {
      let byte = array[index]
      if byte == UInt8(ascii: "\"") {
        var end = index + 1
        while end < array.endIndex, array[end] != UInt8(ascii: "\"") { end += array[end] == UInt8(ascii: "\\") ? 2 : 1 }
        guard end < array.endIndex, let string = JSONLineParser.stringValue(array[index...end]) else { return nil }
        if !string.isEmpty { result.append(string) }
        index = end + 1
      } else if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == 0x20 || byte == 0x09 {
        index += 1
      } else {
        return nil
      }
    }
    return result.isEmpty ? nil : result
  }
}
