import WinnowNative

/// A JSON syntax error with the 1-based column where it was found.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
  public var column: Int
  public var message: String
  public var description: String { "column \(column): \(message)" }
}

/// Parses one JSONL record: a top-level object whose members are kept as exact byte ranges,
/// so fields winnow does not use pass through unchanged. Validates the whole line.
public struct JSONLineParser {
  public struct Member {
    public var key: String
    /// The value's bytes, exactly as in the input.
    public var value: ArraySlice<UInt8>
    /// The string the value holds when it is a string, decoded while the line was parsed:
    /// what `stringValue(value)` gives, without reading the value a second time.
    public var string: String? = nil
  }

  let bytes: [UInt8]
  var index: Int
  /// `\uD800`–`\uDFFF` escapes that are not a high and low surrogate pair, read as U+FFFD.
  var loneSurrogates = 0
  /// The line is winnow's own output (the writer's records, seen by the gates): its strings'
  /// UTF-8 is valid by construction and is not checked again.
  var trusted = false

  init(bytes: [UInt8], index: Int) {
    self.bytes = bytes
    self.index = index
  }

  /// The top-level object's members. `trusted`: the line is winnow's own output, whose
  /// strings need no UTF-8 check (the JSON syntax is still checked).
  public static func parseObject(_ line: [UInt8], trusted: Bool = false) throws(JSONSyntaxError) -> [Member] {
    var parser = JSONLineParser(bytes: line, index: 0)
    parser.trusted = trusted
    return try parser.object()
  }

  /// The top-level object's members, and how many lone surrogate escapes the whole line
  /// holds (in any string: keys, values, nested ones).
  public static func parseRecord(_ line: [UInt8]) throws(JSONSyntaxError) -> (members: [Member], loneSurrogates: Int) {
    var parser = JSONLineParser(bytes: line, index: 0)
    let members = try parser.object()
    return (members, parser.loneSurrogates)
  }

  /// A raw JSON value (valid, as the parser passed it) with each lone surrogate escape
  /// (`\ud800` not followed by a low surrogate, `\udc00` not after a high one) written as
  /// `\ufffd`, and how many there were; nil when there is none. Strict readers (serde_json,
  /// JSON::PP) refuse lone surrogates, and the string they stand for is not Unicode.
  public static func replacingLoneSurrogates(in raw: ArraySlice<UInt8>) -> (bytes: [UInt8], replaced: Int)? {
    guard raw.contains(UInt8(ascii: "\\")) else { return nil }
    var out: [UInt8] = []
    var copied = raw.startIndex
    var replaced = 0
    var index = raw.startIndex
    func surrogate(at offset: Int) -> UInt32? {
      guard offset + 6 <= raw.endIndex, raw[offset] == UInt8(ascii: "\\"), raw[offset + 1] == UInt8(ascii: "u") else { return nil }
      var value: UInt32 = 0
      for byte in raw[(offset + 2)..<(offset + 6)] {
        switch byte {
        case 0x30...0x39: value = value << 4 | UInt32(byte - 0x30)
        case 0x41...0x46: value = value << 4 | UInt32(byte - 0x41 + 10)
        case 0x61...0x66: value = value << 4 | UInt32(byte - 0x61 + 10)
        default: return nil
        }
      }
      return (0xD800...0xDFFF).contains(value) ? value : nil
    }
    while index < raw.endIndex {
      guard raw[index] == UInt8(ascii: "\\") else { index += 1; continue }
      guard let unit = surrogate(at: index) else { index += 2; continue }  // any other escape
      if unit <= 0xDBFF, let low = surrogate(at: index + 6), low >= 0xDC00 {
        index += 12  // a pair
        continue
      }
      if out.isEmpty { out.reserveCapacity(raw.count) }
      out.append(contentsOf: raw[copied..<index])
      out.append(contentsOf: "\\ufffd".utf8)
      replaced += 1
      index += 6
      copied = index
    }
    guard replaced > 0 else { return nil }
    out.append(contentsOf: raw[copied...])
    return (out, replaced)
  }

  /// The string a raw JSON string value holds, or nil if the value is not a string.
  public static func stringValue(_ raw: ArraySlice<UInt8>) -> String? {
    guard raw.first == UInt8(ascii: "\"") else { return nil }
    var parser = JSONLineParser(bytes: Array(raw), index: 0)
    return try? parser.string()
  }

  mutating func fail(_ message: String) -> JSONSyntaxError {
    JSONSyntaxError(column: index + 1, message: message)
  }

  mutating func skipSpace() {
    while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D || bytes[index] == 0x0A {
      index += 1
    }
  }

  /// The top-level object, with its members' raw values.
  mutating func object() throws(JSONSyntaxError) -> [Member] {
    skipSpace()
    guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw fail("expected a JSON object '{'") }
    var captured: [Member]? = []
    try members(depth: 0, into: &captured)
    let members = captured ?? []
    skipSpace()
    if index != bytes.count { throw fail("unexpected text after the object") }
    return members
  }

  /// Parses an object starting at '{'; appends its members to `captured` when given.
  mutating func members(depth: Int, into captured: inout [Member]?) throws(JSONSyntaxError) {
    index += 1
    skipSpace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
    while true {
      skipSpace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key string") }
      let key = try string()
      skipSpace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after key") }
      index += 1
      skipSpace()
      let start = index
      var decoded: String?
      if captured != nil, index < bytes.count, bytes[index] == UInt8(ascii: "\""), depth + 1 < 512 {
        decoded = try string()  // what value(depth:) would parse, kept
      } else {
        try value(depth: depth + 1)
      }
      captured?.append(Member(key: key, value: bytes[start..<index], string: decoded))
      skipSpace()
      guard index < bytes.count else { throw fail("unterminated object") }
      if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
      if bytes[index] == UInt8(ascii: "}") { index += 1; return }
      throw fail("expected ',' or '}'")
    }
  }

  mutating func value(depth: Int) throws(JSONSyntaxError) {
    guard depth < 512 else { throw fail("nesting too deep") }
    guard index < bytes.count else { throw fail("expected a value") }
    switch bytes[index] {
    case UInt8(ascii: "\""): _ = try string()
    case UInt8(ascii: "{"):
      var ignored: [Member]? = nil
      try members(depth: depth, into: &ignored)
    case UInt8(ascii: "["):
      index += 1
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return }
      while true {
        skipSpace()
        try value(depth: depth + 1)
        skipSpace()
        guard index < bytes.count else { throw fail("unterminated array") }
        if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
        if bytes[index] == UInt8(ascii: "]") { index += 1; return }
        throw fail("expected ',' or ']'")
      }
    case UInt8(ascii: "t"): try literal("true")
    case UInt8(ascii: "f"): try literal("false")
    case UInt8(ascii: "n"): try literal("null")
    default: try number()
    }
  }

  mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
    let count = word.utf8CodeUnitCount
    let matches = word.withUTF8Buffer { expected in
      index + count <= bytes.count && bytes[index..<(index + count)].elementsEqual(expected)
    }
    guard matches else { throw fail("invalid literal") }
    index += count
  }

  mutating func number() throws(JSONSyntaxError) {
    let start = index
    if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
    func digits(_ parser: inout JSONLineParser) -> Int {
      let from = parser.index
      while parser.index < parser.bytes.count, (0x30...0x39).contains(parser.bytes[parser.index]) { parser.index += 1 }
      return parser.index - from
    }
    let integerStart = index
    let integerDigits = digits(&self)
    guard integerDigits > 0 else { index = start; throw fail("expected a value") }
    // Pass-through values are copied as they are, so they must be valid JSON: no 007.
    if integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0") {
      index = integerStart
      throw fail("number with a leading zero")
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard digits(&self) > 0 else { throw fail("invalid number") }
    }
    if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard digits(&self) > 0 else { throw fail("invalid number") }
    }
  }

  /// The first position from `start` on of a quote, a backslash or a byte under 0x20, eight
  /// bytes at a time (the zero-byte test marks the first such byte of a word exactly; only
  /// bytes after it can be marked falsely); the last bytes one by one; `bytes.count` if none.
  static func plainRunEnd(_ bytes: [UInt8], from start: Int) -> Int {
    bytes.withUnsafeBytes { raw in
      let ones: UInt64 = 0x0101_0101_0101_0101
      let highs: UInt64 = 0x8080_8080_8080_8080
      var index = start
      while index &+ 8 <= raw.count {
        let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        // A zero byte in word ^ repeated c marks c; (x - 0x20…) & ~x & 0x80… marks bytes < 0x20.
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let special = (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)) & highs
        if special != 0 { return index &+ UInt64(littleEndian: special).trailingZeroBitCount &>> 3 }
        index &+= 8
      }
      while index < raw.count {
        let byte = raw[index]
        if byte == 0x22 || byte == 0x5C || byte < 0x20 { return index }
        index &+= 1
      }
      return index
    }
  }

  /// Parses a string starting at the opening quote; validates UTF-8 and escapes.
  mutating func string() throws(JSONSyntaxError) -> String {
    index += 1
    var out: [UInt8] = []
    var runStart = index
    while true {
      // To the next quote, backslash or control character, eight bytes at a time.
      index = Self.plainRunEnd(bytes, from: index)
      guard index < bytes.count else { throw fail("unterminated string") }
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        if trusted && out.isEmpty {  // no escape: the string is the bytes as they are
          let text = bytes.withUnsafeBufferPointer { UTF8Scalar.string(trusting: UnsafeBufferPointer(rebasing: $0[runStart..<index])) }
          index += 1
          return text
        }
        out.append(contentsOf: bytes[runStart..<index])
        index += 1
        break
      }
      if byte < 0x20 { throw fail("control character in string") }
      if byte != UInt8(ascii: "\\") { index += 1; continue }
      out.append(contentsOf: bytes[runStart..<index])
      let escapeStart = index
      index += 1
      guard index < bytes.count else { throw fail("unterminated escape") }
      let escape = bytes[index]
      index += 1
      switch escape {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try hex4()
        if (0xD800...0xDBFF).contains(scalar) {
          // A high surrogate must be followed by a low one; a lone one becomes U+FFFD.
          if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
            let save = index
            index += 2
            let low = try hex4()
            if (0xDC00...0xDFFF).contains(low) {
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else {
              index = save
              scalar = 0xFFFD
              loneSurrogates += 1
            }
          } else {
            scalar = 0xFFFD
            loneSurrogates += 1
          }
        } else if (0xDC00...0xDFFF).contains(scalar) {
          scalar = 0xFFFD
          loneSurrogates += 1
        }
        out.append(contentsOf: String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8)
      default:
        index = escapeStart
        throw fail("invalid escape")
      }
      runStart = index
    }
    if trusted { return out.withUnsafeBufferPointer { UTF8Scalar.string(trusting: $0) } }
    guard let text = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
    return text
  }

  mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
    guard index + 4 <= bytes.count else { throw fail("invalid \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt32
      switch byte {
      case 0x30...0x39: digit = UInt32(byte - 0x30)
      case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
      case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
      default: throw fail("invalid \\u escape")
      }
      value = value << 4 | digit
      index += 1
    }
    return value
  }
}
