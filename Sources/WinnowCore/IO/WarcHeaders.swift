import Foundation
import WinnowNative

/// The header blocks of a WARC `response` record, parsed on bytes: the WARC header, then the
/// HTTP response it carries. Field names are matched without regard to ASCII case, values are
/// trimmed of spaces and tabs (HTTP's optional whitespace); a String is made only for the
/// values winnow keeps.

/// The fields of a WARC record header winnow reads. The ranges index the bytes it was
/// parsed from (valid while they are: `WarcRecords` reads them before it reads on).
struct WarcHeader {
  var type = ""
  var contentLength: Int?
  /// `Content-Type: application/http…`: the block is an HTTP message.
  var isHTTP = false
  var recordID: Range<Int>?
  var targetURI: Range<Int>?
  var date: Range<Int>?

  init(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
    var lines = HeaderLines(bytes, range)
    _ = lines.next()  // WARC/1.x
    while let line = lines.next() {
      guard let (name, value) = HeaderLines.field(bytes, line) else { continue }
      if HeaderLines.name(bytes, name, is: "warc-type") {
        type = String(decoding: UnsafeBufferPointer(rebasing: bytes[value]), as: UTF8.self)
      } else if HeaderLines.name(bytes, name, is: "content-length") {
        contentLength = HeaderLines.decimal(bytes, value)
      } else if HeaderLines.name(bytes, name, is: "warc-record-id") {
        recordID = Self.unbracketed(bytes, value)
      } else if HeaderLines.name(bytes, name, is: "warc-target-uri") {
        targetURI = Self.unbracketed(bytes, value)
      } else if HeaderLines.name(bytes, name, is: "warc-date") {
        date = value
      } else if HeaderLines.name(bytes, name, is: "content-type") {
        isHTTP = HeaderLines.hasPrefix(bytes, value, "application/http")
      }
    }
  }

  /// `<urn:uuid:…>` → `urn:uuid:…` (WARC 1.0 brackets its URIs).
  static func unbracketed(_ bytes: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) -> Range<Int> {
    guard value.count >= 2, bytes[value.lowerBound] == UInt8(ascii: "<"), bytes[value.upperBound - 1] == UInt8(ascii: ">") else { return value }
    return (value.lowerBound + 1)..<(value.upperBound - 1)
  }

  /// The text of a field's value.
  static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ value: Range<Int>?) -> String? {
    value.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
  }
}

/// An HTTP response in a WARC `response` record: status, the headers winnow needs, where the
/// body is.
struct HTTPResponse {
  var status = 0
  var mediaType = ""
  var charset: String?
  var chunked = false
  var encoding = ""
  /// The body's bytes in the block.
  var body: Range<Int>

  struct Problem: Error { var message: String }

  init?(_ bytes: UnsafeBufferPointer<UInt8>, _ block: Range<Int>) {
    guard HeaderLines.hasPrefix(bytes, block, "HTTP/") else { return nil }
    // The header ends at a blank line (CRLF CRLF, or LF LF from lax servers); a response
    // may have headers only.
    var end = block.upperBound
    body = block.upperBound..<block.upperBound
    var index = block.lowerBound
    while let newline = HeaderLines.find(0x0A, bytes, index..<block.upperBound) {
      let next = newline + 1
      if next < block.upperBound, bytes[next] == 0x0A {
        end = newline
        body = (next + 1)..<block.upperBound
        break
      }
      if next + 1 < block.upperBound, bytes[next] == 0x0D, bytes[next + 1] == 0x0A {
        end = newline
        body = (next + 2)..<block.upperBound
        break
      }
      index = next
    }
    var lines = HeaderLines(bytes, block.lowerBound..<end)
    guard let statusLine = lines.next(), let code = Self.statusCode(bytes, statusLine) else { return nil }
    status = code
    while let line = lines.next() {
      guard let (name, value) = HeaderLines.field(bytes, line) else { continue }
      if HeaderLines.name(bytes, name, is: "content-type") {
        contentType(bytes, value)
      } else if HeaderLines.name(bytes, name, is: "transfer-encoding") {
        chunked = HeaderLines.contains(bytes, value, "chunked")
      } else if HeaderLines.name(bytes, name, is: "content-encoding") {
        encoding = HeaderLines.lowercased(bytes, value)
      }
    }
  }

  /// `HTTP/1.1 200 OK` → 200.
  private static func statusCode(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Int? {
    guard let space = HeaderLines.find(0x20, bytes, line) else { return nil }
    var start = space
    while start < line.upperBound, bytes[start] == 0x20 { start += 1 }
    var stop = start
    while stop < line.upperBound, bytes[stop] != 0x20 { stop += 1 }
    return HeaderLines.decimal(bytes, start..<stop)
  }

  /// `text/html; charset="euc-kr"` → media type `text/html`, charset `euc-kr`.
  private mutating func contentType(_ bytes: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) {
    mediaType = ""
    charset = nil
    var first = true
    var index = value.lowerBound
    while index < value.upperBound {
      let stop = HeaderLines.find(UInt8(ascii: ";"), bytes, index..<value.upperBound) ?? value.upperBound
      defer { index = stop + 1 }
      guard stop > index else { continue }
      let piece = HeaderLines.trimmed(bytes, index..<stop)
      if first {
        first = false
        mediaType = HeaderLines.lowercased(bytes, piece)
        continue
      }
      guard let equals = HeaderLines.find(UInt8(ascii: "="), bytes, index..<stop), equals > index, equals + 1 < stop,
        HeaderLines.name(bytes, HeaderLines.trimmed(bytes, index..<equals), is: "charset")
      else { continue }
      var low = equals + 1, high = stop
      func quoteOrSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x22 || byte == 0x27 }
      while low < high, quoteOrSpace(bytes[low]) { low += 1 }
      while high > low, quoteOrSpace(bytes[high - 1]) { high -= 1 }
      if high > low { charset = WarcHeader.text(bytes, low..<high) }
    }
  }

  /// The body as the server meant it: de-chunked, then gunzipped or inflated (by `inflater`,
  /// made on first use).
  func decodedBody(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int, inflater: (_ gzip: Bool) -> Inflater) -> Result<[UInt8], Problem> {
    var joined: [UInt8]?
    if chunked {
      guard let dechunked = Self.dechunk(bytes, body, limit: limit) else { return .failure(Problem(message: "the chunked HTTP body cannot be read")) }
      joined = dechunked
    }
    switch encoding {
    case "", "identity": return .success(joined ?? Array(bytes[body]))
    case "gzip", "x-gzip", "deflate":
      let decoder = inflater(encoding != "deflate")
      let inflated: [UInt8]?
      if let joined {
        inflated = joined.withUnsafeBytes { decoder.inflateAll($0, limit: limit) }
      } else {
        inflated = decoder.inflateAll(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[body]), limit: limit)
      }
      guard let inflated else { return .failure(Problem(message: "the HTTP body's Content-Encoding \(encoding) cannot be decoded")) }
      return .success(inflated)
    default:
      return .failure(Problem(message: "HTTP Content-Encoding '\(encoding)' is not supported"))
    }
  }

  /// `size CRLF data CRLF … 0 CRLF CRLF`; nil when a size line is not hex or data is short.
  static func dechunk(_ bytes: UnsafeBufferPointer<UInt8>, _ body: Range<Int>, limit: Int) -> [UInt8]? {
    var output: [UInt8] = []
    output.reserveCapacity(min(limit, body.count))
    var index = body.lowerBound
    while index < body.upperBound {
      guard let newline = HeaderLines.find(0x0A, bytes, index..<body.upperBound) else { return nil }
      var sizeEnd = newline
      if sizeEnd > index, bytes[sizeEnd - 1] == 0x0D { sizeEnd -= 1 }
      if let semicolon = HeaderLines.find(UInt8(ascii: ";"), bytes, index..<sizeEnd) { sizeEnd = semicolon }
      guard let size = HeaderLines.hexadecimal(bytes, HeaderLines.trimmed(bytes, index..<sizeEnd)) else { return nil }
      if size == 0 { return output }
      let start = newline + 1
      guard size <= body.upperBound - start else { return nil }
      output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<(start + size)]))
      if output.count > limit { return output }
      index = start + size
      if index < body.upperBound, bytes[index] == 0x0D { index += 1 }
      if index < body.upperBound, bytes[index] == 0x0A { index += 1 }
    }
    // No last chunk: what came is taken (servers cut off mid-stream).
    return output
  }
}

/// The non-empty lines of a header block (LF or CRLF ends), and byte helpers for its fields.
struct HeaderLines: IteratorProtocol {
  private let bytes: UnsafeBufferPointer<UInt8>
  private var index: Int
  private let end: Int

  init(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
    self.bytes = bytes
    index = range.lowerBound
    end = range.upperBound
  }

  /// The next line without its line end.
  mutating func next() -> Range<Int>? {
    while index < end {
      let newline = Self.find(0x0A, bytes, index..<end) ?? end
      var stop = newline
      if stop > index, bytes[stop - 1] == 0x0D { stop -= 1 }
      let line = index..<stop
      index = newline + 1
      if !line.isEmpty { return line }
    }
    return nil
  }

  /// `Name: value` → the name and the trimmed value; nil without a colon.
  static func field(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> (name: Range<Int>, value: Range<Int>)? {
    guard let colon = find(UInt8(ascii: ":"), bytes, line) else { return nil }
    return (line.lowerBound..<colon, trimmed(bytes, (colon + 1)..<line.upperBound))
  }

  static func find(_ byte: UInt8, _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
    guard !range.isEmpty, let base = bytes.baseAddress else { return nil }
    guard let hit = memchr(base + range.lowerBound, Int32(byte), range.count) else { return nil }
    return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
  }

  /// Without spaces and tabs at either end.
  static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
    var low = range.lowerBound, high = range.upperBound
    while low < high, bytes[low] == 0x20 || bytes[low] == 0x09 { low += 1 }
    while high > low, bytes[high - 1] == 0x20 || bytes[high - 1] == 0x09 { high -= 1 }
    return low..<high
  }

  @inline(__always) static func lower(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

  /// The bytes are `name` (lowercase ASCII), ignoring ASCII case.
  static func name(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, is name: StaticString) -> Bool {
    range.count == name.utf8CodeUnitCount && hasPrefix(bytes, range, name)
  }

  /// The bytes start with `prefix` (lowercase ASCII), ignoring ASCII case.
  static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ prefix: StaticString) -> Bool {
    let count = prefix.utf8CodeUnitCount
    guard range.count >= count else { return false }
    let wanted = prefix.utf8Start
    for offset in 0..<count where lower(bytes[range.lowerBound + offset]) != lower(wanted[offset]) { return false }
    return true
  }

  /// The bytes contain `word` (lowercase ASCII), ignoring ASCII case.
  static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: StaticString) -> Bool {
    let count = word.utf8CodeUnitCount
    guard range.count >= count else { return false }
    for start in range.lowerBound...(range.upperBound - count) where hasPrefix(bytes, start..<range.upperBound, word) { return true }
    return false
  }

  static func lowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
    String(unsafeUninitializedCapacity: range.count) { out in
      for offset in 0..<range.count { out[offset] = lower(bytes[range.lowerBound + offset]) }
      return range.count
    }
  }

  /// ASCII decimal digits (nothing else) → their value; nil when empty, not digits, or too large.
  static func decimal(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
    guard !range.isEmpty else { return nil }
    let digits = withoutLeadingZeros(bytes, range)
    guard digits.count <= 18 else { return nil }
    var value = 0
    for index in digits {
      let digit = bytes[index] &- 0x30
      guard digit < 10 else { return nil }
      value = value * 10 + Int(digit)
    }
    return value
  }

  /// ASCII hex digits (nothing else) → their value; nil when empty, not hex, or too large.
  static func hexadecimal(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
    guard !range.isEmpty else { return nil }
    let digits = withoutLeadingZeros(bytes, range)
    guard digits.count <= 15 else { return nil }
    var value = 0
    for index in digits {
      let byte = lower(bytes[index])
      let digit: UInt8
      if byte &- 0x30 < 10 { digit = byte &- 0x30 } else if byte &- 0x61 < 6 { digit = byte &- 0x61 + 10 } else { return nil }
      value = value << 4 | Int(digit)
    }
    return value
  }

  private static func withoutLeadingZeros(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
    var start = range.lowerBound
    while start < range.upperBound - 1, bytes[start] == 0x30 { start += 1 }
    return start..<range.upperBound
  }
}
