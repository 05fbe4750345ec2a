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
///
/// Speed: one buffer of decompressed bytes, each gzip member inflated into it in place (at
/// once by libdeflate when it fits 1 MiB, else streamed by one zlib stream reset per member);
/// headers parsed on those bytes; a document's body is the one copy made.
final class WarcRecords: RecordStream {
  private let relative: String
  private let settings: InputSettings
  private let file: MappedFile
  private let gzip: Bool
  private let inflater = Inflater()
  private let wholeInflater = WholeInflater()
  /// For HTTP bodies sent gzip- or deflate-encoded (made on first use).
  private var gzipBodies: Inflater?
  private var deflateBodies: Inflater?
  /// The next byte of the file to read.
  private var inPosition = 0
  private var memberOpen = false
  /// Where gzip members began: decompressed position, offset in the file (those before the
  /// current record's member are let go).
  private var memberStarts: [(out: Int, at: Int)] = []
  /// Decompressed bytes so far.
  private var produced = 0
  /// Decompressed bytes: `storage[0..<filled]`, `storage[0]` at position `bufferBase`. Bytes
  /// move to the front only between records (`compact`), so positions within a record hold.
  private var storage = [UInt8](repeating: 0, count: 1 << 20)
  private var filled = 0
  /// The first byte of `storage` not yet parsed.
  private var head = 0
  private var bufferBase = 0
  private enum SourceState: Equatable { case more, end, truncated, corrupt(String) }
  private var state = SourceState.more
  /// Set after a corrupt record: candidates that do not start a record are passed over
  /// quietly until one does.
  private var resyncing = false
  private var pendingBytes = 0
  /// Records passed over, by kind ("warc request", "warc response non-text", …).
  private(set) var skippedKinds: [String: Int] = [:]

  /// The longest WARC or HTTP header read.
  static let maxHeaderBytes = 1 << 20
  /// Bytes inflated or copied into `storage` at a time.
  static let fillBytes = 1 << 18
  /// The room a gzip member is given to be inflated at once.
  static let wholeMemberBytes = 1 << 20

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

  /// Appends decompressed bytes to `storage`; false when no more come (`state` says why).
  private func fill() -> Bool {
    while state == .more {
      if storage.count - filled < Self.fillBytes {
        storage.append(contentsOf: repeatElement(0, count: max(storage.count, Self.fillBytes)))
      }
      if !gzip {
        guard inPosition < file.count else { state = .end; return false }
        let count = min(file.count - inPosition, Self.fillBytes)
        file.withBytes(inPosition..<(inPosition + count)) { input in
          storage.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: filled).copyMemory(from: input.baseAddress!, byteCount: count) }
        }
        filled += count
        produced += count
        pendingBytes += count
        inPosition += count
        return true
      }
      if !memberOpen {
        // NUL padding after the last member is the end, as gzip(1) reads it.
        guard inPosition < file.count, file[inPosition] != 0 else { state = .end; return false }
        memberStarts.append((produced, inPosition))
        // A member (a record, as crawlers write them) that fits the room left is inflated at
        // once; one that does not, or is damaged, is streamed through zlib from its start.
        if storage.count - filled < Self.wholeMemberBytes {
          storage.append(contentsOf: repeatElement(0, count: max(storage.count, Self.wholeMemberBytes)))
        }
        let whole = file.withBytes(inPosition..<file.count) { input in
          storage.withUnsafeMutableBytes { wholeInflater.inflate(.gzip, input, into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
        }
        if let (consumed, made) = whole {
          inPosition += consumed
          pendingBytes += consumed
          filled += made
          produced += made
          if made > 0 { return true }
          continue
        }
        guard inflater.reset() else { state = .corrupt("inflateInit2 failed"); return false }
        memberOpen = true
      }
      let (consumed, made, status) = file.withBytes(inPosition..<file.count) { input in
        storage.withUnsafeMutableBytes { inflater.inflate(input, into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
      }
      inPosition += consumed
      pendingBytes += consumed
      filled += made
      produced += made
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

  /// Lets go of the bytes before `head` (all of them once read, else past the first MiB):
  /// between records, or while passing over a record's block.
  private func compact() {
    if head == filled {
      bufferBase += head
      head = 0
      filled = 0
    } else if head > (1 << 20) {
      storage.withUnsafeMutableBytes { raw in
        raw.baseAddress!.copyMemory(from: raw.baseAddress! + head, byteCount: filled - head)
      }
      bufferBase += head
      filled -= head
      head = 0
    }
  }

  /// Between records: lets go of the gzip member starts before the member `head` is in.
  private func forgetMembers() {
    if memberStarts.count > 4096, let current = memberIndex(of: bufferBase + head), current > 0 {
      memberStarts.removeFirst(current)
    }
  }

  /// The index in `memberStarts` of the member holding decompressed position `position`.
  private func memberIndex(of position: Int) -> Int? {
    var low = 0, high = memberStarts.count - 1
    var found: Int?
    while low <= high {
      let middle = (low + high) / 2
      if memberStarts[middle].out <= position { found = middle; low = middle + 1 } else { high = middle - 1 }
    }
    return found
  }

  /// The offset in the file of the record that begins at decompressed position `position`:
  /// its gzip member's, or the position itself.
  private func offset(of position: Int) -> Int {
    guard gzip else { return position }
    return memberIndex(of: position).map { memberStarts[$0].at } ?? 0
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
    filled = 0
    head = 0
    produced = gzip ? produced : next
    bufferBase = produced
  }

  /// Where CR LF CR LF is in `storage[from..<filled]`.
  private func headerEnd(from: Int) -> Int? {
    storage.withUnsafeBufferPointer { bytes -> Int? in
      var index = from
      while let hit = HeaderLines.find(0x0D, bytes, index..<filled) {
        guard hit + 4 <= filled else { return nil }
        if bytes[hit + 1] == 0x0A && bytes[hit + 2] == 0x0D && bytes[hit + 3] == 0x0A { return hit }
        index = hit + 1
      }
      return nil
    }
  }

  private func startsWithWARC(_ index: Int) -> Bool {
    filled - index >= 5 && storage[index..<(index + 5)].elementsEqual("WARC/".utf8)
  }

  // MARK: records

  func next() -> ReadItem? {
    while true {
      compact()
      forgetMembers()
      // Blank lines between records.
      while true {
        if head == filled {
          compact()
          if !fill() { break }
        }
        guard head < filled, storage[head] == 0x0D || storage[head] == 0x0A else { break }
        head += 1
      }
      if head == filled {
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
      var found: Int?
      while found == nil {
        if let end = headerEnd(from: max(head, searched - 3)) {
          found = end
          break
        }
        searched = filled
        if filled - head > Self.maxHeaderBytes || !fill() { break }
      }
      guard let headerEnd = found, startsWithWARC(head) else {
        let problem: String
        let begun = storage[head..<min(filled, head + 5)].elementsEqual("WARC/".utf8.prefix(min(5, filled - head)))
        switch state {
        case .corrupt(let message): problem = "corrupt gzip data: \(message)"
        case _ where found != nil || !begun: problem = "not a WARC record header"
        case .truncated, .end: problem = "truncated WARC header"
        case .more: problem = "WARC header longer than \(Self.maxHeaderBytes) bytes"
        }
        let item = resyncing ? nil : reject(at: start, problem)
        recover(from: start)
        if let item { return item }
        continue
      }
      let header = storage.withUnsafeBufferPointer { WarcHeader($0, head..<headerEnd) }
      guard let length = header.contentLength else {
        let item = resyncing ? nil : reject(at: start, "WARC header without a valid Content-Length")
        recover(from: start)
        if let item { return item }
        continue
      }
      let blockStart = headerEnd + 4
      let isResponse = header.type == "response"
      let keep = isResponse && length <= settings.maxDocumentBytes + Self.maxHeaderBytes
      if !keep {
        // Passed over without keeping its block (its header is read before the bytes go).
        let tooLarge = isResponse ? tooLarge(header, length: length, at: start) : nil
        var remaining = length
        head = blockStart
        while remaining > 0 {
          let available = min(remaining, filled - head)
          head += available
          remaining -= available
          if remaining > 0 {
            compact()
            if !fill() { break }
          }
        }
        if remaining > 0 {
          let item = failure(at: start, remaining: remaining)
          if let item { return item }
          continue
        }
        resyncing = false
        if let tooLarge { return tooLarge }
        skippedKinds["warc \(header.type.isEmpty ? "record without WARC-Type" : header.type)", default: 0] += 1
        continue
      }
      while filled - blockStart < length {
        if !fill() { break }
      }
      if filled - blockStart < length {
        head = filled
        if let item = failure(at: start, remaining: length - (filled - blockStart)) { return item }
        continue
      }
      // A record ends with CRLF CRLF: anything else after the block means its Content-Length
      // is wrong (the block ran into the next record, or stopped short of its own end).
      let after = blockStart + length
      while filled < after + 4 && fill() {}
      let tail = storage[after..<min(filled, after + 4)]
      guard tail.isEmpty || tail.starts(with: [0x0D, 0x0A]) || tail.starts(with: [0x0A]) || tail.starts(with: "WARC/".utf8.prefix(tail.count)) else {
        let item = resyncing ? nil : reject(at: start, "the record's Content-Length (\(length)) does not end at a record boundary")
        recover(from: start)
        if let item { return item }
        continue
      }
      head = after
      resyncing = false
      if let item = response(header, block: blockStart..<after, at: start) { return item }
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

  private func reject(at start: Int, _ problem: String) -> ReadItem {
    let at = offset(of: start)
    var source = SourceInfo(path: relative, format: .warc)
    source.offset = at
    return ReadItem(document: Document(id: "\(relative)@\(at)", source: source), drop: Drop(reason: "unreadable", detail: "\(problem) (record at byte \(at))"))
  }

  /// A response record's document before its body: id, source, url, fetched.
  private func makeDocument(_ header: WarcHeader, format: InputFormat, at start: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Document {
    var source = SourceInfo(path: relative, format: format)
    source.record = WarcHeader.text(bytes, header.recordID)
    source.offset = offset(of: start)
    var document = Document(id: source.record ?? "\(relative)@\(source.offset ?? 0)", source: source)
    if let uri = WarcHeader.text(bytes, header.targetURI), !uri.isEmpty { document.meta.url = uri }
    if let date = WarcHeader.text(bytes, header.date), !date.isEmpty {
      var writer = JSONWriter(capacity: date.utf8.count + 2)
      writer.string(date)
      document.meta.passthrough.append((key: "fetched", value: RawJSON(writer.bytes)))
    }
    return document
  }

  /// A response over `input.max_document_bytes`, its block not read.
  private func tooLarge(_ header: WarcHeader, length: Int, at start: Int) -> ReadItem {
    let document = storage.withUnsafeBufferPointer { bytes in
      var source = SourceInfo(path: relative, format: .html)
      source.record = WarcHeader.text(bytes, header.recordID)
      source.offset = offset(of: start)
      return Document(id: source.record ?? "\(relative)@\(source.offset ?? 0)", source: source)
    }
    return ReadItem(
      document: document,
      drop: Drop(reason: "too_large", detail: "\(length) bytes > input.max_document_bytes (\(settings.maxDocumentBytes))"))
  }

  /// A response record's document, or nil when it is passed over (counted).
  private func response(_ header: WarcHeader, block: Range<Int>, at start: Int) -> ReadItem? {
    guard header.type == "response" else {
      skippedKinds["warc \(header.type.isEmpty ? "record without WARC-Type" : header.type)", default: 0] += 1
      return nil
    }
    guard header.isHTTP else {
      skippedKinds["warc response not HTTP", default: 0] += 1
      return nil
    }
    return storage.withUnsafeBufferPointer { bytes -> ReadItem? in
      guard let http = HTTPResponse(bytes, block) else {
        var source = SourceInfo(path: relative, format: .html)
        source.record = WarcHeader.text(bytes, header.recordID)
        source.offset = offset(of: start)
        return ReadItem(
          document: Document(id: source.record ?? "\(relative)@\(source.offset ?? 0)", source: source),
          drop: Drop(reason: "unreadable", detail: "the HTTP response header cannot be read (record at byte \(offset(of: start)))"))
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
      var document = makeDocument(header, format: format, at: start, bytes)
      document.source.declaredCharset = http.charset
      let limit = settings.maxDocumentBytes
      switch http.decodedBody(bytes, limit: limit, inflater: bodyInflater) {
      case .success(let body):
        if body.count > limit {
          return ReadItem(document: document, drop: Drop(reason: "too_large", detail: "\(body.count) bytes > input.max_document_bytes (\(limit))"))
        }
        document.bytes = body
        return ReadItem(document: document, drop: nil)
      case .failure(let problem):
        return ReadItem(document: document, drop: Drop(reason: "unreadable", detail: "\(problem.message) (record at byte \(offset(of: start)))"))
      }
    }
  }

  /// The inflater for gzip (`gzip`) or deflate HTTP bodies.
  private func bodyInflater(gzip: Bool) -> Inflater {
    if gzip {
      if let gzipBodies { return gzipBodies }
      let made = Inflater(gzip: true)
      gzipBodies = made
      return made
    }
    if let deflateBodies { return deflateBodies }
    let made = Inflater(gzip: false)
    deflateBodies = made
    return made
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
