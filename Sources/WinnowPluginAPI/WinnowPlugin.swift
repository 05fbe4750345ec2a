internal import CWinnowPlugin
import Foundation

/// A stage type a plugin library adds to winnow. Declare its options as built-in stages do:
/// winnow checks a pipeline's values against them (unknown keys, types, ranges) and reports
/// problems with file, line and key before `init` is called.
///
/// `process` is called from several threads at once, one document each: keep the stage free
/// of shared mutable state.
public protocol PluginStage: Sendable {
  /// The name pipelines use (`- word_count: {…}`), snake_case.
  static var name: String { get }
  /// One line for `winnow stages`.
  static var summary: String { get }
  static var options: [PluginOption] { get }
  /// Makes the stage from checked options (defaults filled in). Throw `PluginOptionError` for
  /// a value that is well-typed but unusable; winnow shows it at the option's place.
  init(options: PluginOptions, context: PluginContext) throws(PluginOptionError)
  func process(_ document: inout PluginDocument) -> PluginVerdict
}

/// One declared option.
public struct PluginOption: Sendable {
  public enum Kind: Sendable {
    case bool
    case int(ClosedRange<Int>)
    case double(ClosedRange<Double>)
    case string
    /// One of these words.
    case choice([String])
    case strings
    /// A path; winnow resolves it against the pipeline file's directory.
    case path
  }

  public let name: String
  public let kind: Kind
  public let defaultValue: PluginValue
  public let summary: String

  public init(_ name: String, _ kind: Kind, default defaultValue: PluginValue, _ summary: String) {
    self.name = name
    self.kind = kind
    self.defaultValue = defaultValue
    self.summary = summary
  }
}

public enum PluginValue: Sendable, Equatable {
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case strings([String])
}

/// A stage's option values, every declared option present.
public struct PluginOptions: Sendable {
  public let values: [String: PluginValue]

  public func bool(_ name: String) -> Bool {
    if case .bool(let value)? = values[name] { return value }
    preconditionFailure("option '\(name)' is not a declared bool")
  }

  public func int(_ name: String) -> Int {
    if case .int(let value)? = values[name] { return value }
    preconditionFailure("option '\(name)' is not a declared int")
  }

  public func double(_ name: String) -> Double {
    if case .double(let value)? = values[name] { return value }
    if case .int(let value)? = values[name] { return Double(value) }
    preconditionFailure("option '\(name)' is not a declared number")
  }

  public func string(_ name: String) -> String {
    if case .string(let value)? = values[name] { return value }
    preconditionFailure("option '\(name)' is not a declared string, choice or path")
  }

  public func strings(_ name: String) -> [String] {
    if case .strings(let value)? = values[name] { return value }
    preconditionFailure("option '\(name)' is not a declared list")
  }
}

public struct PluginContext: Sendable {
  /// The directory of the pipeline file.
  public let baseDirectory: String

  /// `path` relative to the pipeline file.
  public func resolve(_ path: String) -> String {
    path.hasPrefix("/") ? path : baseDirectory + "/" + path
  }
}

/// An option value the stage refuses; winnow reports it at the option's place in the file.
public struct PluginOptionError: Error, Sendable {
  /// The option's name; nil for the stage as a whole.
  public var option: String?
  public var message: String

  public init(option: String?, _ message: String) {
    self.option = option
    self.message = message
  }
}

/// A document as a plugin stage sees it.
public struct PluginDocument {
  public let id: String
  /// The text (UTF-8, NFC after `normalize`). Set it to change the document's text.
  public var text: String {
    didSet { textChanged = true }
  }
  /// `{"title":…,"published":…,"authors":[…],"outlet":…,"url":…,"lang":…, other fields}` with
  /// only the fields that are set.
  public let metadataJSON: String
  var textChanged = false
  var fields: [(String, String)] = []

  init(id: String, text: String, metadataJSON: String) {
    self.id = id
    self.text = text
    self.metadataJSON = metadataJSON
  }

  /// The metadata, decoded (strings, numbers, lists).
  public var metadata: [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(metadataJSON.utf8))) as? [String: Any] ?? [:]
  }

  /// Sets a field of the output record: `title`, `published`, `outlet`, `url`, `lang`
  /// (strings) and `authors` (strings) set winnow's metadata, `nil` removes one; `text` sets
  /// the text; any other name adds a field — except `id`, `source`, `sha256`, `removed` and
  /// `dedup`, which are winnow's and are ignored.
  public mutating func set(_ field: String, _ value: PluginValue?) {
    if field == "text", case .string(let string)? = value {
      text = string
      return
    }
    fields.removeAll { $0.0 == field }
    fields.append((field, value.map(JSONText.encode) ?? "null"))
  }
}

public enum PluginVerdict: Sendable, Equatable {
  case keep
  /// `reason`: short snake_case ("too_few_words"); `detail`: for a person.
  case drop(reason: String, detail: String = "")
}

/// Registers a plugin's stage types with winnow. A plugin library exports the two entry
/// points of winnow_plugin.h, in Swift:
///
/// ```swift
/// @_cdecl("winnow_plugin_api_version")
/// public func winnowPluginAPIVersion() -> UInt32 { WinnowPlugin.apiVersion }
///
/// @_cdecl("winnow_plugin_register")
/// public func winnowPluginRegister(_ host: UnsafeRawPointer?) -> Int32 {
///   WinnowPlugin.register([WordCount.self], host: host)
/// }
/// ```
public enum WinnowPlugin {
  /// The interface version this module speaks; winnow refuses a plugin built against
  /// another one.
  public static let apiVersion = UInt32(WINNOW_PLUGIN_API_VERSION)

  /// Registers `stages` with the host; returns what `winnow_plugin_register` returns.
  public static func register(_ stages: [any PluginStage.Type], host: UnsafeRawPointer?) -> Int32 {
    guard let host = host?.assumingMemoryBound(to: winnow_host.self).pointee else { return 1 }
    for stage in stages {
      let status = register(stage, host: host)
      if status != 0 { return status }
    }
    return 0
  }

  static func register(_ stage: any PluginStage.Type, host: winnow_host) -> Int32 {
    let declared = stage.options
    // The strings live until register_stage returns: winnow copies what it keeps.
    var strings: [UnsafeMutablePointer<CChar>?] = []
    defer { strings.forEach { free($0) } }
    func c(_ string: String) -> UnsafePointer<CChar>? {
      let copy = strdup(string)
      strings.append(copy)
      return UnsafePointer(copy)
    }
    var specs = declared.map { option -> winnow_option_spec in
      var spec = winnow_option_spec()
      spec.name = c(option.name)
      spec.summary = c(option.summary)
      spec.default_json = c(JSONText.encode(option.defaultValue))
      switch option.kind {
      case .bool: spec.type = Int32(WINNOW_OPTION_BOOL)
      case .int(let range):
        spec.type = Int32(WINNOW_OPTION_INT)
        spec.int_min = Int64(range.lowerBound)
        spec.int_max = Int64(range.upperBound)
      case .double(let range):
        spec.type = Int32(WINNOW_OPTION_DOUBLE)
        spec.double_min = range.lowerBound
        spec.double_max = range.upperBound
      case .string: spec.type = Int32(WINNOW_OPTION_STRING)
      case .choice(let words):
        spec.type = Int32(WINNOW_OPTION_CHOICE)
        spec.choices = c(words.joined(separator: "|"))
      case .strings: spec.type = Int32(WINNOW_OPTION_STRING_LIST)
      case .path: spec.type = Int32(WINNOW_OPTION_PATH)
      }
      return spec
    }
    let retained = Unmanaged.passRetained(StageTypeBox(stage))
    let box = retained.toOpaque()
    let status = specs.withUnsafeMutableBufferPointer { buffer in
      var type = winnow_stage_type()
      type.name = c(stage.name)
      type.summary = c(stage.summary)
      type.options = UnsafePointer(buffer.baseAddress)
      type.option_count = Int32(buffer.count)
      type.context = box
      type.create = { context, json, length, directory, errorOption, errorMessage in
        guard let context, let json else { return nil }
        let box = Unmanaged<StageTypeBox>.fromOpaque(context).takeUnretainedValue()
        let data = Data(bytes: json, count: length)
        let options = PluginOptions(values: JSONText.decodeOptions(data, declared: box.type.options))
        let baseDirectory = directory.map { String(cString: $0) } ?? "."
        do throws(PluginOptionError) {
          let stage = try box.type.init(options: options, context: PluginContext(baseDirectory: baseDirectory))
          return Unmanaged.passRetained(StageBox(stage)).toOpaque()
        } catch {
          errorOption?.pointee = error.option.map { strdup($0) } ?? nil
          errorMessage?.pointee = strdup(error.message)
          return nil
        }
      }
      type.process = { instance, document in
        guard let instance, let document else { return 1 }
        let stage = Unmanaged<StageBox>.fromOpaque(instance).takeUnretainedValue().stage
        return WinnowPlugin.process(stage, document)
      }
      type.destroy = { instance in
        guard let instance else { return }
        Unmanaged<StageBox>.fromOpaque(instance).release()
      }
      return host.register_stage(host.context, &type)
    }
    // Registered, the box lives as long as the process (winnow keeps the type); refused, it goes.
    if status != 0 { retained.release() }
    return status
  }

  static func process(_ stage: any PluginStage, _ document: UnsafeMutablePointer<winnow_document>) -> Int32 {
    let input = document.pointee
    func string(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> String {
      guard let pointer else { return "" }
      return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
    var plugin = PluginDocument(
      id: string(input.id, input.id_length), text: string(input.text, input.text_length),
      metadataJSON: string(input.meta_json, input.meta_json_length))
    let verdict = stage.process(&plugin)
    if case .drop(let reason, let detail) = verdict {
      document.pointee.drop_reason = strdup(reason)
      document.pointee.drop_detail = strdup(detail)
      return 0
    }
    if plugin.textChanged {
      var text = plugin.text
      text.withUTF8 { bytes in
        let copy = malloc(max(bytes.count, 1))!.assumingMemoryBound(to: CChar.self)
        if let base = bytes.baseAddress { memcpy(copy, base, bytes.count) }
        document.pointee.text_out = copy
        document.pointee.text_out_length = bytes.count
      }
    }
    if !plugin.fields.isEmpty {
      let json = "{" + plugin.fields.map { JSONText.encode(.string($0.0)) + ":" + $0.1 }.joined(separator: ",") + "}"
      var bytes = Array(json.utf8)
      document.pointee.fields_out = bytes.withUnsafeMutableBufferPointer { buffer in
        let copy = malloc(buffer.count)!.assumingMemoryBound(to: CChar.self)
        memcpy(copy, buffer.baseAddress!, buffer.count)
        return copy
      }
      document.pointee.fields_out_length = bytes.count
    }
    return 0
  }
}

final class StageTypeBox: @unchecked Sendable {
  let type: any PluginStage.Type
  init(_ type: any PluginStage.Type) { self.type = type }
}

final class StageBox: @unchecked Sendable {
  let stage: any PluginStage
  init(_ stage: any PluginStage) { self.stage = stage }
}

/// The little JSON the interface needs.
enum JSONText {
  static func encode(_ value: PluginValue) -> String {
    switch value {
    case .bool(let flag): flag ? "true" : "false"
    case .int(let number): String(number)
    case .double(let number): number.isFinite ? String(number) : "null"
    case .string(let string): quote(string)
    case .strings(let strings): "[" + strings.map(quote).joined(separator: ",") + "]"
    }
  }

  static func quote(_ string: String) -> String {
    var out = "\""
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// The host's options object, typed by the declarations.
  static func decodeOptions(_ data: Data, declared: [PluginOption]) -> [String: PluginValue] {
    let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    var values: [String: PluginValue] = [:]
    for option in declared {
      let raw = object[option.name]
      switch option.kind {
      case .bool: values[option.name] = (raw as? Bool).map { .bool($0) } ?? option.defaultValue
      case .int: values[option.name] = (raw as? NSNumber).map { .int($0.intValue) } ?? option.defaultValue
      case .double: values[option.name] = (raw as? NSNumber).map { .double($0.doubleValue) } ?? option.defaultValue
      case .string, .choice, .path: values[option.name] = (raw as? String).map { .string($0) } ?? option.defaultValue
      case .strings: values[option.name] = (raw as? [String]).map { .strings($0) } ?? option.defaultValue
      }
    }
    return values
  }
}
