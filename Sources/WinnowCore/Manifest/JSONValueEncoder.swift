/// Encodes an `Encodable` value as a `JSONValue` tree, without going through JSON text: the
/// manifest is written from the tree by `Manifest.prettyJSON` (its bytes do not depend on
/// Foundation's JSON writer), and a run over thousands of files lists thousands of inputs.
enum JSONValueEncoder {
  static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
    let root = Node()
    try value.encode(to: NodeEncoder(node: root, codingPath: []))
    return root.value
  }

  /// A value being built: containers fill their node as the value encodes itself.
  final class Node {
    enum Content {
      case unset
      case value(JSONValue)
      case object([String: Node])
      case array([Node])
    }

    var content = Content.unset

    var value: JSONValue {
      switch content {
      case .unset: .null
      case .value(let value): value
      case .object(let members): .object(members.mapValues(\.value))
      case .array(let items): .array(items.map(\.value))
      }
    }

    func member(_ key: String) -> Node {
      let child = Node()
      if case .object(var members) = content {
        content = .unset  // keeps `members` uniquely referenced while it grows
        members[key] = child
        content = .object(members)
      } else {
        content = .object([key: child])
      }
      return child
    }

    func append() -> Node {
      let child = Node()
      if case .array(var items) = content {
        content = .unset
        items.append(child)
        content = .array(items)
      } else {
        content = .array([child])
      }
      return child
    }

    var count: Int {
      if case .array(let items) = content { return items.count }
      return 0
    }
  }

  struct NodeEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
      if case .object = node.content {} else { node.content = .object([:]) }
      return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
      if case .array = node.content {} else { node.content = .array([]) }
      return Unkeyed(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
      Single(node: node, codingPath: codingPath)
    }
  }

  /// How each primitive becomes a value (a non-finite number: null, as `prettyJSON` writes it).
  static func number(_ value: Double) -> JSONValue { value.isFinite ? .double(value) : .null }
  static func integer<I: BinaryInteger>(_ value: I) -> JSONValue { Int(exactly: value).map { .int($0) } ?? .double(Double(value)) }

  struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    func put(_ value: JSONValue, _ key: Key) { node.member(key.stringValue).content = .value(value) }

    mutating func encodeNil(forKey key: Key) throws { put(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(number(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(number(Double(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(.int(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(integer(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(integer(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(integer(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(integer(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(integer(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(integer(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(integer(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(integer(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(integer(value), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
      try value.encode(to: NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
      NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
      NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.member("super"), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
      NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
    }
  }

  struct Unkeyed: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    func put(_ value: JSONValue) { node.append().content = .value(value) }

    mutating func encodeNil() throws { put(.null) }
    mutating func encode(_ value: Bool) throws { put(.bool(value)) }
    mutating func encode(_ value: String) throws { put(.string(value)) }
    mutating func encode(_ value: Double) throws { put(number(value)) }
    mutating func encode(_ value: Float) throws { put(number(Double(value))) }
    mutating func encode(_ value: Int) throws { put(.int(value)) }
    mutating func encode(_ value: Int8) throws { put(integer(value)) }
    mutating func encode(_ value: Int16) throws { put(integer(value)) }
    mutating func encode(_ value: Int32) throws { put(integer(value)) }
    mutating func encode(_ value: Int64) throws { put(integer(value)) }
    mutating func encode(_ value: UInt) throws { put(integer(value)) }
    mutating func encode(_ value: UInt8) throws { put(integer(value)) }
    mutating func encode(_ value: UInt16) throws { put(integer(value)) }
    mutating func encode(_ value: UInt32) throws { put(integer(value)) }
    mutating func encode(_ value: UInt64) throws { put(integer(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
      try value.encode(to: NodeEncoder(node: node.append(), codingPath: codingPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
      NodeEncoder(node: node.append(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
      NodeEncoder(node: node.append(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.append(), codingPath: codingPath) }
  }

  struct Single: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    func put(_ value: JSONValue) { node.content = .value(value) }

    mutating func encodeNil() throws { put(.null) }
    mutating func encode(_ value: Bool) throws { put(.bool(value)) }
    mutating func encode(_ value: String) throws { put(.string(value)) }
    mutating func encode(_ value: Double) throws { put(number(value)) }
    mutating func encode(_ value: Float) throws { put(number(Double(value))) }
    mutating func encode(_ value: Int) throws { put(.int(value)) }
    mutating func encode(_ value: Int8) throws { put(integer(value)) }
    mutating func encode(_ value: Int16) throws { put(integer(value)) }
    mutating func encode(_ value: Int32) throws { put(integer(value)) }
    mutating func encode(_ value: Int64) throws { put(integer(value)) }
    mutating func encode(_ value: UInt) throws { put(integer(value)) }
    mutating func encode(_ value: UInt8) throws { put(integer(value)) }
    mutating func encode(_ value: UInt16) throws { put(integer(value)) }
    mutating func encode(_ value: UInt32) throws { put(integer(value)) }
    mutating func encode(_ value: UInt64) throws { put(integer(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
      // A JSONValue is itself: no need to go through its Encodable conformance.
      if let json = value as? JSONValue {
        node.content = .value(json)
        return
      }
      try value.encode(to: NodeEncoder(node: node, codingPath: codingPath))
    }
  }
}
