/// Appends JSON to a byte buffer: strings escaped per RFC 8259, non-ASCII kept as UTF-8.
/// Hand-written so key order is fixed and output is byte-identical on every platform.
public struct JSONWriter {
  public var bytes: [UInt8] = []

  public init(capacity: Int = 256) {
    bytes.reserveCapacity(capacity)
  }

  public mutating func raw(_ text: StaticString) {
    text.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  public mutating func raw(_ data: [UInt8]) {
    bytes.append(contentsOf: data)
  }

  private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

  public mutating func string(_ value: String) {
    var value = value
    value.withUTF8 { appendEscaped($0) }
  }

  public mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
    bytes.append(UInt8(ascii: "\""))
    var start = 0
    var index = 0
    let count = utf8.count
    guard let base = utf8.baseAddress else {
      bytes.append(UInt8(ascii: "\""))
      return
    }
    let raw = UnsafeRawPointer(base)
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    while index < count {
      // Eight bytes at a time while no control character, quote or backslash is among them.
      if index + 8 <= count {
        let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let control = (word &- ones &* 0x20) & ~word & highs
        if control | ((quote &- ones) & ~quote & highs) | ((backslash &- ones) & ~backslash & highs) == 0 {
          index += 8
          continue
        }
      }
      let byte = utf8[index]
      guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
        index += 1
        continue
      }
      if start < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index])) }
      index += 1
      start = index
      bytes.append(UInt8(ascii: "\\"))
      switch byte {
      case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
      case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
      case 0x0A: bytes.append(UInt8(ascii: "n"))
      case 0x09: bytes.append(UInt8(ascii: "t"))
      case 0x0D: bytes.append(UInt8(ascii: "r"))
      default:
        bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]])
      }
    }
    if start < count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...])) }
    bytes.append(UInt8(ascii: "\""))
  }

  public mutating func int(_ value: Int) {
    bytes.append(contentsOf: String(value).utf8)
  }

  /// A fraction in 0…1 with at most two decimals ("0.97", "1"): stable across platforms.
  public mutating func fraction(_ value: Double) {
    let hundredths = Int((min(max(value, 0), 1) * 100).rounded())
    if hundredths == 100 { raw("1"); return }
    if hundredths == 0 { raw("0"); return }
    var text = "0." + (hundredths < 10 ? "0" : "") + String(hundredths)
    if text.hasSuffix("0") { text.removeLast() }
    bytes.append(contentsOf: text.utf8)
  }

  /// Writes `"key":` after a comma when `first` is false.
  public mutating func key(_ name: String, first: inout Bool) {
    if !first { bytes.append(UInt8(ascii: ",")) }
    first = false
    string(name)
    bytes.append(UInt8(ascii: ":"))
  }
}

/// Standard base64 with padding, for bytes that are not text.
public func base64(_ data: [UInt8]) -> String {
  let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
  var out: [UInt8] = []
  out.reserveCapacity((data.count + 2) / 3 * 4)
  var index = 0
  while index + 2 < data.count {
    let n = UInt32(data[index]) << 16 | UInt32(data[index + 1]) << 8 | UInt32(data[index + 2])
    out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
    index += 3
  }
  let rest = data.count - index
  if rest == 1 {
    let n = UInt32(data[index]) << 16
    out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
  } else if rest == 2 {
    let n = UInt32(data[index]) << 16 | UInt32(data[index + 1]) << 8
    out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], UInt8(ascii: "=")]
  }
  return String(decoding: out, as: UTF8.self)
}
