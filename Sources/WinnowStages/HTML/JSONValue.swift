/// A small JSON tree for JSON-LD blocks inside pages. Tolerant: a malformed block yields nil,
/// never an error, because a page's broken metadata must not stop its text.
indirect enum JSONValue: Sendable {
  case object([(String, JSONValue)])
  case array([JSONValue])
  case string(String)
  case other

  subscript(key: String) -> JSONValue? {
    if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
    return nil
  }

  var string: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// Objects in this value, depth first (for `@graph` arrays and nested nodes).
  func objects(limit: Int = 200) -> [JSONValue] {
    var found: [JSONValue] = []
    func visit(_ value: JSONValue, depth: Int) {
      guard found.count < limit, depth < 8 else { return }
      switch value {
      case .object(let members):
        found.append(value)
        for (_, member) in members { visit(member, depth: depth + 1) }
      case .array(let items):
        for item in items { visit(item, depth: depth + 1) }
      default: break
      }
    }
    visit(self, depth: 0)
    return found
  }

  static func parse(_ text: String) -> JSONValue? {
    var parser = Parser(bytes: Array(text.utf8))
    parser.skipSpace()
    let value = parser.value(depth: 0)
    return value
  }

  private struct Parser {
    let bytes: [UInt8]
    var index = 0

    mutating func skipSpace() {
      while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
        index += 1
      }
    }

    mutating func value(depth: Int) -> JSONValue? {
      guard depth < 64, index < bytes.count else { return nil }
      switch bytes[index] {
      case UInt8(ascii: "{"):
        index += 1
        var members: [(String, JSONValue)] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
          skipSpace()
          guard let key = string() else { return nil }
          skipSpace()
          guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
          index += 1
          skipSpace()
          guard let member = value(depth: depth + 1) else { return nil }
          members.append((key, member))
          skipSpace()
          guard index < bytes.count else { return nil }
          if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
          if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
          return nil
        }
      case UInt8(ascii: "["):
        index += 1
        var items: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
        while true {
          skipSpace()
          guard let item = value(depth: depth + 1) else { return nil }
          items.append(item)
          skipSpace()
          guard index < bytes.count else { return nil }
          if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
          if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
          return nil
        }
      case UInt8(ascii: "\""):
        return string().map { .string($0) }
      default:
        // Numbers, true, false, null: skipped to the next delimiter.
        while index < bytes.count, !",]} \n\r\t".utf8.contains(bytes[index]) { index += 1 }
        return .other
      }
    }

    mutating func string() -> String? {
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
      index += 1
      var out: [UInt8] = []
      while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\"") { index += 1; return String(decoding: out, as: UTF8.self) }
        if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
          let escaped = bytes[index + 1]
          index += 2
          switch escaped {
          case UInt8(ascii: "n"): out.append(0x0A)
          case UInt8(ascii: "t"): out.append(0x09)
          case UInt8(ascii: "r"): out.append(0x0D)
          case UInt8(ascii: "b"), UInt8(ascii: "f"): out.append(0x20)
          case UInt8(ascii: "u"):
            guard index + 4 <= bytes.count, var code = hex(index, 4) else { return nil }
            index += 4
            if (0xD800..<0xDC00).contains(code), index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"),
              bytes[index + 1] == UInt8(ascii: "u"), let low = hex(index + 2, 4), (0xDC00..<0xE000).contains(low)
            {
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
              index += 6
            }
            let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
          default: out.append(escaped)
          }
          continue
        }
        out.append(byte)
        index += 1
      }
      return nil
    }

    func hex(_ start: Int, _ count: Int) -> UInt32? {
      var value: UInt32 = 0
      for offset in 0..<count {
        let byte = bytes[start + offset]
        let digit: UInt32
        switch byte {
        case 0x30...0x39: digit = UInt32(byte - 0x30)
        case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
        case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
        default: return nil
        }
        value = value << 4 | digit
      }
      return value
    }
  }
}
