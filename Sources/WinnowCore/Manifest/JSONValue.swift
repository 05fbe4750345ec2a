import Foundation

/// Any JSON value: the open-ended parts of the manifest (the configuration's options, the run's
/// counts, the gates), and the tree `Manifest.prettyJSON` writes a manifest from.
public enum JSONValue: Codable, Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// A value of the kinds `JSONSerialization` and `Manifest.prettyJSON` take: dictionaries
  /// with String keys, arrays, strings, booleans, integers, floating-point numbers; anything
  /// else, and a non-finite number, is null (as `prettyJSON` writes it).
  public init(_ value: Any) {
    // The common leaf types first: a cast to a concrete type is cheap, one to a protocol not.
    switch value {
    case let string as String: self = .string(string)
    case let number as Int: self = .int(number)
    case let number as Double: self = number.isFinite ? .double(number) : .null
    case let flag as Bool: self = .bool(flag)
    case let dictionary as [String: Any]: self = .object(dictionary.mapValues(JSONValue.init))
    case let array as [Any]: self = .array(array.map(JSONValue.init))
    case let number as any BinaryInteger: self = Int(exactly: number).map { .int($0) } ?? .double(Double(number))
    case let number as any BinaryFloatingPoint: self = Double(number).isFinite ? .double(Double(number)) : .null
    default: self = .null
    }
  }

  /// As `JSONSerialization` gives it: for `Manifest.prettyJSON` and readers of dictionaries.
  public var object: Any {
    switch self {
    case .null: NSNull()
    case .bool(let value): value
    case .int(let value): value
    case .double(let value): value
    case .string(let value): value
    case .array(let values): values.map(\.object)
    case .object(let members): members.mapValues(\.object)
    }
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int.self) {
      self = .int(value)
    } else if let value = try? container.decode(Double.self) {
      self = .double(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    if let tree = encoder as? JSONValueEncoder.NodeEncoder {
      tree.node.content = .value(self)
      return
    }
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .int(let value): try container.encode(value)
    case .double(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let values): try container.encode(values)
    case .object(let members): try container.encode(members)
    }
  }
}
