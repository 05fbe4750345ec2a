import WinnowCore

/// Stage `pii`: replaces e-mail addresses with `<EMAIL>`, phone numbers (Korean mobile and
/// landline, `+82`, `1588-` service numbers) with `<PHONE>`, and resident registration
/// numbers (`YYMMDD-NNNNNNN` with a valid date and sex digit) with `<RRN>`. One byte scan,
/// no regex engine; counts per kind go to the run summary.
struct PIIConfig: StageConfig {
  static let name = "pii"
  static let summary = "redact e-mail addresses, phone numbers and resident registration numbers"
  /// It redacts; it never drops a document.
  static let reasons: [DropReason] = []
  static let options: [OptionSpec] = [
    OptionSpec("redact", .stringList(allowed: ["email", "phone", "rrn"]), default: .strings(["email", "phone", "rrn"]), "kinds to redact"),
  ]

  let kinds: Set<String>

  init(options: StageOptions) throws(OptionError) {
    kinds = Set(options.strings("redact"))
  }

  func build(_ context: StageContext) throws(OptionError) -> any DocumentStage {
    PIIStage(email: kinds.contains("email"), phone: kinds.contains("phone"), rrn: kinds.contains("rrn"))
  }
}

struct PIIStage: DocumentStage {
  let email: Bool
  let phone: Bool
  let rrn: Bool

  func process(_ document: inout Document) -> Verdict {
    guard let text = document.text else { return .keep }
    let (output, counts) = redact(text)
    if counts.email + counts.phone + counts.rrn > 0 {
      document.text = output
      document.count("email", counts.email)
      document.count("phone", counts.phone)
      document.count("rrn", counts.rrn)
    }
    return .keep
  }

  func redact(_ text: String) -> (String, (email: Int, phone: Int, rrn: Int)) {
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    var counts = (email: 0, phone: 0, rrn: 0)
    var copied = 0
    var index = 0
    // The bytes since the last match, then `token` for `start..<end`; the output is made
    // only once there is a match.
    func replace(_ start: Int, _ end: Int, with token: String) {
      if copied == 0 { out.reserveCapacity(bytes.count) }
      out.append(contentsOf: bytes[copied..<start])
      out.append(contentsOf: token.utf8)
      copied = end
      index = end
    }
    while index < bytes.count {
      // Eight bytes at a time past text that cannot start one: no '(', '+', digit or '@';
      // else on to the first byte that can.
      if index + 8 <= bytes.count {
        let starts = PIIScanner.possibleStarts(bytes, at: index)
        if starts == 0 {
          index += 8
          continue
        }
        index += UInt64(littleEndian: starts).trailingZeroBitCount >> 3
      }
      let byte = bytes[index]
      if email, byte == UInt8(ascii: "@"), let (start, end) = PIIScanner.email(bytes, at: index), start >= copied {
        replace(start, end, with: "<EMAIL>")
        counts.email += 1
        continue
      }
      let boundary = index == 0 || !PIIScanner.isWordByte(bytes[index - 1])
      if boundary, PIIScanner.isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "(") {
        if rrn, let end = PIIScanner.rrn(bytes, at: index) {
          replace(index, end, with: "<RRN>")
          counts.rrn += 1
          continue
        }
        if phone, let end = PIIScanner.phone(bytes, at: index) {
          replace(index, end, with: "<PHONE>")
          counts.phone += 1
          continue
        }
      }
      index += 1
    }
    if copied == 0 { return (text, counts) }
    out.append(contentsOf: bytes[copied...])
    return (String(decoding: out, as: UTF8.self), counts)
  }
}

enum PIIScanner {
  @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
  @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20) &- 0x61 < 26 }
  @inline(__always) static func isWordByte(_ b: UInt8) -> Bool { isAlnum(b) || b == UInt8(ascii: "_") }

  /// Whether none of the eight bytes at `at` is in 0x28...0x40, the range that holds every
  /// byte a match starts with ('(', '+', digits, '@'). Bytes of 0x80 and above never count.
  @inline(__always) static func quiet(_ b: [UInt8], at: Int) -> Bool { possibleStarts(b, at: at) == 0 }

  /// The high bit of each of the eight bytes at `at` in 0x28...0x40 (`quiet`'s range).
  @inline(__always) static func possibleStarts(_ b: [UInt8], at: Int) -> UInt64 {
    let word = b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt64.self) }
    return ByteSearch.betweenMask(word, above: 0x27, below: 0x41)
  }

  /// The e-mail around the '@' at `at`: local part of [A-Za-z0-9._%+-], domain of labels
  /// with a final label of two or more letters.
  static func email(_ b: [UInt8], at: Int) -> (Int, Int)? {
    var start = at
    while start > 0 {
      let c = b[start - 1]
      if isAlnum(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "%") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
        start -= 1
      } else {
        break
      }
    }
    while start < at, b[start] == UInt8(ascii: ".") { start += 1 }
    guard start < at else { return nil }
    var end = at + 1
    var lastDot = -1
    while end < b.count {
      let c = b[end]
      if isAlnum(c) || c == UInt8(ascii: "-") { end += 1 } else if c == UInt8(ascii: "."), end + 1 < b.count, isAlnum(b[end + 1]) { lastDot = end; end += 1 } else { break }
    }
    guard lastDot > at + 1 else { return nil }
    let tld = b[(lastDot + 1)..<end]
    guard tld.count >= 2, tld.allSatisfy({ ($0 | 0x20) &- 0x61 < 26 }) else { return nil }
    return (start, end)
  }

  static func digits(_ b: [UInt8], _ i: inout Int) -> Int {
    let start = i
    while i < b.count, isDigit(b[i]) { i += 1 }
    return i - start
  }

  static func value(_ b: [UInt8], _ range: Range<Int>) -> Int {
    b[range].reduce(0) { $0 * 10 + Int($1 - 0x30) }
  }

  /// YYMMDD-SNNNNNN with a real month and day and S in 1–8.
  static func rrn(_ b: [UInt8], at: Int) -> Int? {
    var i = at
    guard digits(b, &i) == 6, i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: " ") else { return nil }
    let month = value(b, (at + 2)..<(at + 4))
    let day = value(b, (at + 4)..<(at + 6))
    guard (1...12).contains(month), (1...31).contains(day) else { return nil }
    i += 1
    let second = i
    guard digits(b, &i) == 7, (1...8).contains(Int(b[second] - 0x30)) else { return nil }
    if i < b.count, isWordByte(b[i]) { return nil }
    return i
  }

  @inline(__always) static func isSeparator(_ c: UInt8) -> Bool {
    c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: " ") || c == UInt8(ascii: ")")
  }

  /// Korean phone numbers: 010-1234-5678, 01012345678, 02-123-4567, (031) 123-4567,
  /// +82 10-1234-5678, +82-2-123-4567, 1588-1234.
  static func phone(_ b: [UInt8], at: Int) -> Int? {
    var i = at
    var international = false
    if b[i] == UInt8(ascii: "+") {
      guard i + 2 < b.count, b[i + 1] == UInt8(ascii: "8"), b[i + 2] == UInt8(ascii: "2") else { return nil }
      international = true
      i += 3
      if i < b.count, b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "-") { i += 1 }
      if i + 2 < b.count, b[i] == UInt8(ascii: "("), b[i + 1] == UInt8(ascii: "0"), b[i + 2] == UInt8(ascii: ")") { i += 3 }
    }
    var parenthesised = false
    if i < b.count, b[i] == UInt8(ascii: "(") { parenthesised = true; i += 1 }
    let firstStart = i
    let first = digits(b, &i)
    guard first > 0 else { return nil }
    if parenthesised { guard i < b.count, b[i] == UInt8(ascii: ")") else { return nil } }
    // Unseparated mobile: 01012345678.
    if !international, !parenthesised, first == 11, b[firstStart] == UInt8(ascii: "0"), b[firstStart + 1] == UInt8(ascii: "1") {
      return i < b.count && isWordByte(b[i]) ? nil : i
    }
    // Service numbers: 154x–159x, 16xx, 18xx (1588-1234); not 1950-1953 or 1500-2000.
    let prefix = first == 4 ? Int(b[firstStart + 1] - 0x30) * 10 + Int(b[firstStart + 2] - 0x30) : 0
    if !international, !parenthesised, first == 4, b[firstStart] == UInt8(ascii: "1"),
      (54...59).contains(prefix) || (60...69).contains(prefix) || (80...89).contains(prefix)
    {
      guard i + 1 < b.count, b[i] == UInt8(ascii: "-") else { return nil }
      var j = i + 1
      guard digits(b, &j) == 4, !(j < b.count && isWordByte(b[j])) else { return nil }
      return j
    }
    if international {
      guard (1...2).contains(first), b[firstStart] != UInt8(ascii: "0") else { return nil }
    } else {
      guard (2...4).contains(first), b[firstStart] == UInt8(ascii: "0"), b[firstStart + 1] != UInt8(ascii: "0") else { return nil }
    }
    // A space separates groups only in mobile and +82 numbers ("010 1234 5678"); "02 2023 2024"
    // is more likely years than a landline.
    let mobile = international || (first == 3 && b[firstStart + 1] == UInt8(ascii: "1"))
    guard i < b.count, isSeparator(b[i]), b[i] != UInt8(ascii: " ") || mobile || parenthesised else { return nil }
    i += 1
    if i < b.count, b[i] == UInt8(ascii: " ") { i += 1 }
    let second = digits(b, &i)
    guard (3...4).contains(second), i < b.count, isSeparator(b[i]), b[i] != UInt8(ascii: ")"),
      b[i] != UInt8(ascii: " ") || mobile
    else { return nil }
    i += 1
    let third = digits(b, &i)
    guard third == 4, !(i < b.count && isWordByte(b[i])) else { return nil }
    return i
  }
}
