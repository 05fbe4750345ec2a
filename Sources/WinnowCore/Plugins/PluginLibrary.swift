import CWinnowPlugin
import Foundation
import Synchronization

/// Why a plugin library could not be loaded; the config loader adds the file and position.
public struct PluginError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Loads stage plugin libraries (`plugins:` in a pipeline file) through the C interface in
/// `winnow_plugin.h`: `dlopen`, check `winnow_plugin_api_version`, then let
/// `winnow_plugin_register` register its stage types. A library is opened once per process
/// and never closed (its stages may be in use on any thread).
public enum PluginLibrary {
  public static let apiVersion = UInt32(WINNOW_PLUGIN_API_VERSION)
  static let versionSymbol = "winnow_plugin_api_version"
  static let registerSymbol = "winnow_plugin_register"

  private static let loaded = Mutex<[String: [StageType]]>([:])

  /// The reasons a plugin library's stage drops documents with.
  static let reasons: [DropReason] = [
    .chosen("*its `drop_reason`*", "the stage set `drop_reason` (`plugin_drop` when it is empty)"),
    DropReason("plugin_drop", "the stage set an empty `drop_reason`"),
    DropReason("plugin_error", "the stage failed on the document, or returned text that is not UTF-8 or fields winnow cannot use"),
  ]

  /// The stage types `path` registers.
  public static func load(_ path: String) throws(PluginError) -> [StageType] {
    guard FileManager.default.fileExists(atPath: path) else {
      throw PluginError("no such file '\(path)'")
    }
    // dlopen searches the library path for a name without '/': give it the full path.
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    let key = (absolute as NSString).resolvingSymlinksInPath
    if let types = loaded.withLock({ $0[key] }) { return types }
    guard let handle = dlopen(key, RTLD_NOW | RTLD_LOCAL) else {
      throw PluginError("cannot load '\(path)': \(dlerror().map { String(cString: $0) } ?? "dlopen failed")")
    }
    guard let versionAddress = dlsym(handle, versionSymbol) else {
      throw PluginError("'\(path)' is not a winnow plugin: it exports no '\(versionSymbol)' (see docs/PLUGINS.md)")
    }
    let version = unsafeBitCast(versionAddress, to: winnow_plugin_api_version_fn.self)()
    guard version == apiVersion else {
      throw PluginError("'\(path)' was built against plugin API version \(version); this winnow speaks version \(apiVersion): rebuild the plugin against this winnow's WinnowPluginAPI")
    }
    guard let registerAddress = dlsym(handle, registerSymbol) else {
      throw PluginError("'\(path)' exports '\(versionSymbol)' but not '\(registerSymbol)' (see docs/PLUGINS.md)")
    }
    let register = unsafeBitCast(registerAddress, to: winnow_plugin_register_fn.self)
    let registration = Registration(library: path)
    let context = Unmanaged.passRetained(registration)
    defer { context.release() }
    var host = winnow_host(
      api_version: apiVersion, context: context.toOpaque(),
      register_stage: { context, type in
        guard let context, let type else { return 1 }
        return Unmanaged<Registration>.fromOpaque(context).takeUnretainedValue().add(type.pointee)
      },
      fail: { context, message in
        guard let context, let message else { return }
        Unmanaged<Registration>.fromOpaque(context).takeUnretainedValue().failure = String(cString: message)
      })
    let status = register(&host)
    if let problem = registration.problems.first {
      throw PluginError(problem + (registration.problems.count > 1 ? " (and \(registration.problems.count - 1) more)" : ""))
    }
    guard status == 0 else {
      throw PluginError("'\(registerSymbol)' failed (\(status))" + (registration.failure.map { ": \($0)" } ?? ""))
    }
    guard !registration.types.isEmpty else { throw PluginError("'\(path)' registered no stage types") }
    loaded.withLock { $0[key] = registration.types }
    return registration.types
  }

  /// Collects what one library's `winnow_plugin_register` registers.
  final class Registration {
    let library: String
    var types: [StageType] = []
    var problems: [String] = []
    var failure: String?

    init(library: String) { self.library = library }

    func add(_ type: winnow_stage_type) -> Int32 {
      let name = type.name.map { String(cString: $0) } ?? ""
      guard isSnakeCase(name) else {
        problems.append("a stage type's name '\(name)' is not snake_case (a-z, 0-9, _)")
        return 1
      }
      guard types.allSatisfy({ $0.name != name }) else {
        problems.append("stage '\(name)' is registered twice")
        return 1
      }
      guard type.create != nil, type.process != nil else {
        problems.append("stage '\(name)' has no create or process function")
        return 1
      }
      var options: [OptionSpec] = []
      for index in 0..<Int(max(0, type.option_count)) {
        guard let spec = type.options?[index] else { break }
        do throws(PluginError) {
          options.append(try optionSpec(spec))
        } catch {
          problems.append("stage '\(name)': \(error.message)")
          return 1
        }
      }
      if let clash = options.first(where: { option in StageLimits.options.contains { $0.name == option.name } }) {
        problems.append("stage '\(name)': option '\(clash.name)' is one every stage takes already")
        return 1
      }
      let stageType = PluginStageType(type: type, name: name)
      let declared = options
      types.append(
        StageType(
          name: name, summary: type.summary.map { String(cString: $0) } ?? "", options: options, input: .text,
          reasons: PluginLibrary.reasons, plugin: library,
          make: { options, context throws(OptionError) in try stageType.make(options, specs: declared, context) }))
      return 0
    }

    func optionSpec(_ spec: winnow_option_spec) throws(PluginError) -> OptionSpec {
      let name = spec.name.map { String(cString: $0) } ?? ""
      guard isSnakeCase(name) else { throw PluginError("option name '\(name)' is not snake_case") }
      let summary = spec.summary.map { String(cString: $0) } ?? ""
      let defaultJSON = spec.default_json.map { String(cString: $0) } ?? ""
      let type: OptionType
      switch Int(spec.type) {
      case Int(WINNOW_OPTION_BOOL): type = .bool
      case Int(WINNOW_OPTION_INT):
        guard spec.int_min <= spec.int_max else { throw PluginError("option '\(name)': int_min > int_max") }
        type = .int(Int(spec.int_min)...Int(spec.int_max))
      case Int(WINNOW_OPTION_DOUBLE):
        guard spec.double_min <= spec.double_max else { throw PluginError("option '\(name)': double_min > double_max") }
        type = .double(spec.double_min...spec.double_max)
      case Int(WINNOW_OPTION_STRING): type = .string
      case Int(WINNOW_OPTION_CHOICE):
        let words = (spec.choices.map { String(cString: $0) } ?? "").split(separator: "|").map(String.init)
        guard !words.isEmpty else { throw PluginError("option '\(name)': a choice needs 'choices'") }
        type = .choice(words)
      case Int(WINNOW_OPTION_STRING_LIST): type = .stringList(allowed: nil)
      case Int(WINNOW_OPTION_PATH): type = .path
      default: throw PluginError("option '\(name)': unknown type \(spec.type)")
      }
      guard let value = PluginJSON.optionValue(defaultJSON, type: type) else {
        throw PluginError("option '\(name)': default '\(defaultJSON)' is not a valid \(type.description)")
      }
      return OptionSpec(name, type, default: value, summary)
    }
  }
}

func isSnakeCase(_ name: String) -> Bool {
  guard let first = name.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
  return name.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") }
}

/// A plugin's stage type: its context and C functions (the strings of the registration are
/// the plugin's and may be gone; they were copied).
final class PluginStageType: @unchecked Sendable {
  let name: String
  let context: UnsafeMutableRawPointer?
  let create: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int, UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> UnsafeMutableRawPointer?
  let process: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<winnow_document>?) -> Int32
  let destroy: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?

  init(type: winnow_stage_type, name: String) {
    self.name = name
    self.context = type.context
    self.create = type.create!
    self.process = type.process!
    self.destroy = type.destroy
  }

  /// Makes a stage: the options as a JSON object (paths resolved against the pipeline file),
  /// handed to the plugin's `create`.
  func make(_ options: StageOptions, specs: [OptionSpec], _ context: StageContext) throws(OptionError) -> any DocumentStage {
    var json = JSONWriter(capacity: 256)
    json.raw("{")
    var first = true
    for spec in specs {
      guard var value = options.values[spec.name] else { continue }
      if spec.type == .path, case .string(let path) = value, !path.isEmpty { value = .string(context.resolve(path)) }
      json.key(spec.name, first: &first)
      PluginJSON.write(value, into: &json)
    }
    json.raw("}")
    var errorOption: UnsafeMutablePointer<CChar>?
    var errorMessage: UnsafeMutablePointer<CChar>?
    let bytes = json.bytes
    let created = bytes.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        create(self.context, chars.baseAddress, chars.count, context.baseDirectory, &errorOption, &errorMessage)
      }
    }
    defer {
      free(errorOption)
      free(errorMessage)
    }
    guard let created else {
      let message = errorMessage.map { String(cString: $0) } ?? "the plugin refused these options"
      throw OptionError(option: errorOption.map { String(cString: $0) }, message)
    }
    return PluginStage(type: self, instance: created)
  }
}

/// A stage made by a plugin: each document crosses as a `winnow_document`.
final class PluginStage: DocumentStage, @unchecked Sendable {
  let type: PluginStageType
  let instance: UnsafeMutableRawPointer

  init(type: PluginStageType, instance: UnsafeMutableRawPointer) {
    self.type = type
    self.instance = instance
  }

  deinit { type.destroy?(instance) }

  func process(_ document: inout Document) -> Verdict {
    var id = document.id
    var text = document.text ?? ""
    var meta = JSONWriter(capacity: 256)
    PluginFields.writeMetadata(document.meta, into: &meta)
    var record = winnow_document()
    let status: Int32 = id.withUTF8 { idBytes in
      text.withUTF8 { textBytes in
        meta.bytes.withUnsafeBufferPointer { metaBytes in
          withUnsafePointer(to: CChar(0)) { empty in
            record.id = idBytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? empty
            record.id_length = idBytes.count
            record.text = textBytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? empty
            record.text_length = textBytes.count
            record.meta_json = metaBytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? empty
            record.meta_json_length = metaBytes.count
            return type.process(instance, &record)
          }
        }
      }
    }
    defer {
      free(record.text_out)
      free(record.fields_out)
      free(record.drop_reason)
      free(record.drop_detail)
    }
    let plugin = type.name
    guard status == 0 else { return .drop("plugin_error", detail: "stage '\(plugin)' failed on this document (\(status))") }
    if let reason = record.drop_reason {
      let word = String(cString: reason)
      return .drop(word.isEmpty ? "plugin_drop" : word, detail: record.drop_detail.map { String(cString: $0) } ?? "")
    }
    if let out = record.text_out {
      let buffer = UnsafeRawBufferPointer(start: out, count: record.text_out_length)
      guard let string = String(validating: buffer.bindMemory(to: UInt8.self), as: UTF8.self) else {
        return .drop("plugin_error", detail: "stage '\(plugin)' returned text that is not valid UTF-8")
      }
      document.text = string
    }
    if let out = record.fields_out {
      let bytes = Array(UnsafeRawBufferPointer(start: out, count: record.fields_out_length))
      do {
        let members = try JSONLineParser.parseObject(bytes)
        try PluginFields.apply(members, to: &document, allowText: false)
      } catch {
        return .drop("plugin_error", detail: "stage '\(plugin)' returned fields that winnow cannot use: \(error)")
      }
    }
    return .keep
  }
}
