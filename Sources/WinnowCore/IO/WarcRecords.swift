import Foundation
import WinnowNative

/// Documents from a WARC file (`.warc`, or `.warc.gz` with one gzip member per record, as
/// crawlers write them; told by the first bytes): each `response` record whose HTTP payload is
/// HTML (`text/html`, `application/xhtml+xml`) or text (`text/plain`) with a 2xx status is a
/// document. `WARC-Target-URI` → `url`, `WARC-Date` → `fetched`, `WARC-Record-ID` → the id
/// and `source.record`, the record's byte offset in the file → `source.offset`, the HTTP
/// `Content-Type` charset → the charset `decode` verifies first. Chunked and gzip/deflate HTTP
/// bodies are decoded. Other records are skipped and counted by kind. A truncated or corrupt
/// record is a reject (`read`, `unreadable`) with its offset, and reading goes on at the next
/// record (the next gzip member, or the next line starting `WARC/`).
final class WarcRecords: RecordStream {
  private let relative: String
  private let settings: InputSettings
  private let file: MappedFile
  private let gzip: Bool
  private let inflater = Inflater()
  /// The next byte of the file to read.
  private var inPosition = 0
  private var memberOpen = false
  /// Where gzip members began: decompressed position, offset in the file.
  private var memberStarts: [(out: Int, at: Int)] = []
  /// Decompressed bytes so far.
  private var produced = 0
  private var buffer: [UInt8] = []
  /// The first byte of `buffer` not yet parsed; `bufferBase` is `buffer[0]`'s position.
  private var head = 0
  private var bufferBase = 0
  private enum SourceState: Equatable { case more, end, truncated, corrupt(String) }
  private var state = SourceState.more
  /// Set after a corrupt record: candidates that do not start a record are passed over
  /// quietly until one does.
  private var resyncing = false
  private var chunk = [UInt8](repeating: 0, count: 1 << 18)
  private var pendingBytes = 0
  /// Records passed over, by kind ("warc request", "warc response non-text", …).
  private(set) var skippedKinds: [String: Int] = [:]

  /// The longest WARC or HTTP header read.
  static let maxHeaderBytes = 1 << 20

  init(file: MappedFile, relative: String, settings: InputSettings) {
    self.file = file
    self.relative = relative
    self.settings = settings
    gzip = file.count >= 2 && file[0] == 0x1F && file[1] == 0x8B
  }

  func takeBytesRead() -> Int {
    defer { pendingBytes = 0 }
    return pendingBytes
  }

  // MARK: bytes

  /// Appends decompressed bytes to `buffer`; false when no more come (`state` says why).
  private func fill() -> Bool {
    if head > (1 << 20) && head * 2 > buffer.count {
      buffer.removeSubrange(0..<head)
      bufferBase += head
      head = 0
    }
    while state == .more {
      if !gzip {
        guard inPosition < file.count else { state = .end; return false }
        let end = min(file.count, inPosition + (1 << 20))
        file.withBytes(inPosition..<end) { buffer.append(contentsOf: $0) }
        produced += end - inPosition
        pendingBytes += end - inPosition
        inPosition = end
        return true
      }
      if !memberOpen {
        // NUL padding after the last member is the end, as gzip(1) reads it.
        guard inPosition < file.count, file[inPosition] != 0 else { state = .end; return false }
        memberStarts.append((produced, inPosition))
        guard inflater.reset() else { state = .corrupt("inflateInit2 failed"); return false }
        memberOpen = true
      }
      let (consumed, made, status) = file.withBytes(inPosition..<file.count) { input in
        chunk.withUnsafeMutableBytes { inflater.inflate(input, into: $0) }
      }
      inPosition += consumed
      pendingBytes += consumed
      if made > 0 {
        buffer.append(contentsOf: chunk[0..<made])
        produced += made
      }
      switch status {
      case .end: memberOpen = false
      case .truncated: state = .truncated
      case .corrupt(let message): state = .corrupt(message)
      case nil: if consumed == 0 && made == 0 { state = .truncated }
      }
      if made > 0 { return true }
    }
    return false
  }

  /// The offset in the file of the record that begins at decompressed position `position`:
  /// its gzip member's, or the position itself.
  private func offset(of position: Int) -> Int {
    guard gzip else { return position }
    var low = 0, high = memberStarts.count - 1, found = 0
    while low <= high {
      let middle = (low + high) / 2
      if memberStarts[middle].out <= position { found = memberStarts[middle].at; low = middle + 1 } else { high = middle - 1 }
    }
    return found
  }

  /// Goes on after a corrupt record that began at decompressed position `start`: at the next
  /// gzip member, or the next line starting `WARC/`.
  private func recover(from start: Int) {
    resyncing = true
    let from = offset(of: start) + 1
    let magic: [UInt8] = gzip ? [0x1F, 0x8B, 0x08] : Array("\nWARC/".utf8)
    var next = file.count
    file.withBytes(min(from, file.count)..<file.count) { bytes in
      var index = bytes.startIndex
      while index + magic.count <= bytes.endIndex {
        guard let hit = bytes[index...].firstIndex(of: magic[0]), hit + magic.count <= bytes.endIndex else { break }
        if bytes[hit..<(hit + magic.count)].elementsEqual(magic) {
          next = from + (hit - bytes.startIndex) + (gzip ? 0 : 1)
          break
        }
        index = hit + 1
      }
    }
    inPosition = next
    memberOpen = false
    state = next < file.count ? .more : .end
    buffer.removeAll(keepingCapacity: true)
    head = 0
    produced = gzip ? produced : next
    bufferBase = produced
  }

  // MARK: records

  func next() -> ReadItem? {
    while true {
      // Blank lines between records.
      while true {
        if head == buffer.count && !fill() { break }
        guard head < buffer.count, buffer[head] == 0x0D || buffer[head] == 0x0A else { break }
        head += 1
      }
      if head == buffer.count {
        switch state {
        case .more, .end: return nil
        case .truncated:
          state = .end
          if resyncing { return nil }
          return reject(at: bufferBase + head, "the file ends inside a gzip member")
        case .corrupt(let message):
          let at = bufferBase + head
          let item = resyncing ? nil : reject(at: at, "corrupt gzip data: \(message)")
          recover(from: at)
          if let item { return item }
          continue
        }
      }
      let start = bufferBase + head
      // The WARC header block.
      var searched = head
      var headerEnd: Int?
      while headerEnd == nil {
        if let found = Self.find(Self.crlfcrlf, in: buffer, from: max(head, searched - 3)) {
          headerEnd = found
          break
        }
        searched = buffer.count
        if buffer.count - head > Self.maxHeaderBytes || !fill() { break }
      }
      guard let headerEnd, buffer[head..<min(buffer.count, head + 5)].elementsEqual("WARC/".utf8) else {
        let problem: String
        switch state {
        case .corrupt(let message): problem = "corrupt gzip data: \(message)"
        case _ where headerEnd != nil || !buffer[head..<min(buffer.count, head + 5)].elementsEqual("WARC/".prefix(min(5, buffer.count - head)).utf8):
          problem = "not a WARC record header"
        case .truncated, .end: problem = "truncated WARC header"
        case .more: problem = "WARC header longer than \(Self.maxHeaderBytes) bytes"
        }
        let item = resyncing ? nil : reject(at: start, problem)
        recover(from: start)
        if let item { return item }
        continue
      }
      let header = WarcHeader(buffer[head..<headerEnd])
      guard let length = header.contentLength else {
        let item = resyncing ? nil : reject(at: start, "WARC header without a valid Content-Length")
        recover(from: start)
        if let item { return item }
        continue
      }
      let blockStart = headerEnd + 4
      let keep = header.type == "response" && length <= settings.maxDocumentBytes + Self.maxHeaderBytes
      if !keep {
        // Passed over without keeping its block.
        var remaining = length
        head = blockStart
        while remaining > 0 {
          let available = min(remaining, buffer.count - head)
          head += available
          remaining -= available
          if remaining > 0 && !fill() { break }
        }
        if remaining > 0 {
          let item = failure(at: start, remaining: remaining)
          if let item { return item }
          continue
        }
        resyncing = false
        if header.type == "response" {
          return tooLarge(header, length: length, at: start)
        }
        skippedKinds["warc \(header.type.isEmpty ? "record without WARC-Type" : header.type)", default: 0] += 1
        continue
      }
      while buffer.count - blockStart < length {
        if !fill() { break }
      }
      if buffer.count - blockStart < length {
        head = buffer.count
        if let item = failure(at: start, remaining: length - (buffer.count - blockStart)) { return item }
        continue
      }
      // A record ends with CRLF CRLF: anything else after the block means its Content-Length
      // is wrong (the block ran into the next record, or stopped short of its own end).
      let after = blockStart + length
      while buffer.count < after + 4 && fill() {}
      let tail = buffer[after..<min(buffer.count, after + 4)]
      guard tail.isEmpty || tail.starts(with: [0x0D, 0x0A]) || tail.starts(with: [0x0A]) || tail.starts(with: "WARC/".utf8.prefix(tail.count)) else {
        let item = resyncing ? nil : reject(at: start, "the record's Content-Length (\(length)) does not end at a record boundary")
        recover(from: start)
        if let item { return item }
        continue
      }
      let block = buffer[blockStart..<after]
      head = after
      resyncing = false
      if let item = response(header, block: block, at: start) { return item }
    }
  }

  /// The block of the record at `start` ended early: a reject, then on at the next record.
  private func failure(at start: Int, remaining: Int) -> ReadItem? {
    let problem: String
    switch state {
    case .corrupt(let message): problem = "corrupt gzip data: \(message)"
    default: problem = "truncated record: \(remaining) bytes of its block missing"
    }
    let item = resyncing ? nil : reject(at: start, problem)
    if case .corrupt = state { recover(from: start) } else { state = .end }
    return item
  }

  private func source(_ header: WarcHeader?, format: InputFormat, at start: Int) -> SourceInfo {
    var source = SourceInfo(path: relative, format: format)
    source.record = header?.recordID
    source.offset = offset(of: start)
    return source
  }

  private func reject(at start: Int, _ problem: String) -> ReadItem {
    let at = offset(of: start)
    var source = SourceInfo(path: relative, format: .warc)
    source.offset = at
    return ReadItem(document: Document(id: "\(relative)@\(at)", source: source), drop: Drop(reason: "unreadable", detail: "\(problem) (record at byte \(at))"))
  }

  private func tooLarge(_ header: WarcHeader, length: Int, at start: Int) -> ReadItem {
    let source = source(header, format: .html, at: start)
    return ReadItem(
      document: Document(id: header.recordID ?? "\(relative)@\(source.offset ?? 0)", source: source),
      drop: Drop(reason: "too_large", detail: "\(length) bytes > input.max_document_bytes (\(settings.maxDocumentBytes))"))
  }

  /// A response record's document, or nil when it is passed over (counted).
  private func response(_ header: WarcHeader, block: ArraySlice<UInt8>, at start: Int) -> ReadItem? {
    guard header.type == "response" else {
      skippedKinds["warc \(header.type.isEmpty ? "record without WARC-Type" : header.type)", default: 0] += 1
      return nil
    }
    guard header.contentType.lowercased().hasPrefix("application/http") else {
      skippedKinds["warc response not HTTP", default: 0] += 1
      return nil
    }
    let id = header.recordID ?? "\(relative)@\(offset(of: start))"
    guard let http = HTTPResponse(block) else {
      return ReadItem(document: Document(id: id, source: source(header, format: .html, at: start)), drop: Drop(reason: "unreadable", detail: "the HTTP response header cannot be read (record at byte \(offset(of: start)))"))
    }
    guard (200..<300).contains(http.status) else {
      skippedKinds["warc response status \(http.status / 100)xx", default: 0] += 1
      return nil
    }
    let format: InputFormat
    switch http.mediaType {
    case "text/html", "application/xhtml+xml": format = .html
    case "text/plain": format = .txt
    default:
      skippedKinds["warc response not text", default: 0] += 1
      return nil
    }
    var source = source(header, format: format, at: start)
    source.declaredCharset = http.charset
    var document = Document(id: id, source: source)
    if let uri = header.targetURI, !uri.isEmpty { document.meta.url = uri }
    if let date = header.date, !date.isEmpty {
      var writer = JSONWriter(capacity: date.utf8.count + 2)
      writer.string(date)
      document.meta.passthrough.append((key: "fetched", value: RawJSON(writer.bytes)))
    }
    switch http.body(limit: settings.maxDocumentBytes) {
    case .success(let body):
      if body.count > settings.maxDocumentBytes {
        return ReadItem(document: document, drop: Drop(reason: "too_large", detail: "\(body.count) bytes > input.max_document_bytes (\(settings.maxDocumentBytes))"))
      }
      document.bytes = body
      return ReadItem(document: document, drop: nil)
    case .failure(let problem):
      return ReadItem(document: document, drop: Drop(reason: "unreadable", detail: "\(problem.message) (record at byte \(offset(of: start)))"))
    }
  }

  static let crlfcrlf: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]

  static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
    var index = max(from, haystack.startIndex)
    while index + needle.count <= haystack.endIndex {
      guard let hit = haystack[index...].firstIndex(of: needle[0]) else { return nil }
      if hit + needle.count > haystack.endIndex { return nil }
      var matches = true
      for offset in 1..<needle.count where haystack[hit + offset] != needle[offset] {
        matches = false
        break
      }
      if matches { return hit }
      index = hit + 1
    }
    return nil
  }
}

/// The fields of a WARC record header winnow reads.
struct WarcHeader {
  var type = ""
  var contentLength: Int?
  var recordID: String?
  var targetURI: String?
  var date: String?
  var contentType = ""

  init(_ bytes: ArraySlice<UInt8>) {
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true).makeIterator()
    _ = lines.next()  // WARC/1.x
    while let raw = lines.next() {
      var line = raw
      if line.last == 0x0D { line = line.dropLast() }
      guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
      let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased()
      let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
      switch name {
      case "warc-type": type = value
      case "content-length": contentLength = Int(value).flatMap { $0 >= 0 ? $0 : nil }
      case "warc-record-id": recordID = Self.unbracketed(value)
      case "warc-target-uri": targetURI = Self.unbracketed(value)
      case "warc-date": date = value
      case "content-type": contentType = value
      default: break
      }
    }
  }

  /// `<urn:uuid:…>` → `urn:uuid:…` (WARC 1.0 brackets its URIs).
  static func unbracketed(_ value: String) -> String {
    value.hasPrefix("<") && value.hasSuffix(">") ? String(value.dropFirst().dropLast()) : value
  }
}

/// An HTTP response in a WARC `response` record: status, the headers winnow needs, the body.
struct HTTPResponse {
  var status = 0
  var mediaType = ""
  var charset: String?
  var chunked = false
  var encoding = ""
  var body: ArraySlice<UInt8>

  struct Problem: Error { var message: String }

  init?(_ block: ArraySlice<UInt8>) {
    // The header ends at a blank line (CRLF CRLF, or LF LF from lax servers).
    var end: Int?
    var bodyStart = block.endIndex
    var index = block.startIndex
    while index < block.endIndex {
      guard let newline = block[index...].firstIndex(of: 0x0A) else { break }
      let next = newline + 1
      if next < block.endIndex, block[next] == 0x0A { end = newline; bodyStart = next + 1; break }
      if next + 1 < block.endIndex, block[next] == 0x0D, block[next + 1] == 0x0A { end = newline; bodyStart = next + 2; break }
      index = next
    }
    guard let end else {
      // A response with headers only.
      guard block.starts(with: "HTTP/".utf8) else { return nil }
      bodyStart = block.endIndex
      self.body = block[bodyStart...]
      guard parse(block[block.startIndex..<block.endIndex]) else { return nil }
      return
    }
    body = block[bodyStart...]
    guard block.starts(with: "HTTP/".utf8), parse(block[block.startIndex..<end]) else { return nil }
  }

  private mutating func parse(_ header: ArraySlice<UInt8>) -> Bool {
    var lines = header.split(separator: 0x0A).makeIterator()
    guard let statusLine = lines.next() else { return false }
    let parts = statusLine.split(separator: 0x20, maxSplits: 2)
    guard parts.count >= 2, let code = Int(String(decoding: parts[1], as: UTF8.self)) else { return false }
    status = code
    while let raw = lines.next() {
      var line = raw
      if line.last == 0x0D { line = line.dropLast() }
      guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
      let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased()
      let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
      switch name {
      case "content-type":
        let pieces = value.split(separator: ";")
        mediaType = pieces.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        for piece in pieces.dropFirst() {
          let pair = piece.split(separator: "=", maxSplits: 1)
          if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" {
            let label = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
            if !label.isEmpty { charset = label }
          }
        }
      case "transfer-encoding": chunked = value.lowercased().contains("chunked")
      case "content-encoding": encoding = value.lowercased()
      default: break
      }
    }
    return true
  }

  /// The body as the server meant it: de-chunked, then gunzipped or inflated.
  func body(limit: Int) -> Result<[UInt8], Problem> {
    var bytes = Array(body)
    if chunked {
      guard let joined = Self.dechunk(body, limit: limit) else { return .failure(Problem(message: "the chunked HTTP body cannot be read")) }
      bytes = joined
    }
    switch encoding {
    case "", "identity": return .success(bytes)
    case "gzip", "x-gzip", "deflate":
      guard let inflated = Inflater.inflateAll(bytes, gzip: encoding != "deflate", limit: limit) else {
        return .failure(Problem(message: "the HTTP body's Content-Encoding \(encoding) cannot be decoded"))
      }
      return .success(inflated)
    default:
      return .failure(Problem(message: "HTTP Content-Encoding '\(encoding)' is not supported"))
    }
  }

  /// `size CRLF data CRLF … 0 CRLF CRLF`; nil when a size line is not hex or data is short.
  static func dechunk(_ body: ArraySlice<UInt8>, limit: Int) -> [UInt8]? {
    var output: [UInt8] = []
    var index = body.startIndex
    while index < body.endIndex {
      guard let newline = body[index...].firstIndex(of: 0x0A) else { return nil }
      var sizeField = body[index..<newline]
      if sizeField.last == 0x0D { sizeField = sizeField.dropLast() }
      if let semicolon = sizeField.firstIndex(of: UInt8(ascii: ";")) { sizeField = sizeField[..<semicolon] }
      let text = String(decoding: sizeField, as: UTF8.self).trimmingCharacters(in: .whitespaces)
      guard let size = Int(text, radix: 16), size >= 0 else { return nil }
      if size == 0 { return output }
      let start = newline + 1
      guard start + size <= body.endIndex else { return nil }
      output.append(contentsOf: body[start..<(start + size)])
      if output.count > limit { return output }
      index = start + size
      if index < body.endIndex, body[index] == 0x0D { index += 1 }
      if index < body.endIndex, body[index] == 0x0A { index += 1 }
    }
    // No last chunk: what came is taken (servers cut off mid-stream).
    return output
  }
}

/// A file mapped read-only into memory (the WARC reader's input). Unmaps on deinit.
final class MappedFile {
  private let base: UnsafeRawPointer?
  let count: Int

  init(path: String) throws(NativeError) {
    let descriptor = try InputReader.openForReading(path)
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw NativeError(function: "fstat", code: errno, message: String(cString: strerror(errno))) }
    count = Int(info.st_size)
    guard count > 0 else { base = nil; return }
    let mapped = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0)
    guard let mapped, mapped != MAP_FAILED else { throw NativeError(function: "mmap", code: errno, message: String(cString: strerror(errno))) }
    madvise(mapped, count, MADV_SEQUENTIAL)
    base = UnsafeRawPointer(mapped)
  }

  subscript(index: Int) -> UInt8 { base!.load(fromByteOffset: index, as: UInt8.self) }

  func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    body(UnsafeRawBufferPointer(start: base.map { $0 + range.lowerBound }, count: range.count))
  }

  deinit {
    if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
  }
}
