import Foundation
import Yams

/// Command-line values that override the pipeline file.
public struct ConfigOverrides: Sendable {
  public var inputs: [String] = []
  public var output: String?
  public var rejects: String?

  public init(inputs: [String] = [], output: String? = nil, rejects: String? = nil) {
    self.inputs = inputs
    self.output = output
    self.rejects = rejects
  }
}

/// Reads a pipeline file, checks every key, builds every stage, and reports all problems at
/// once as a `ConfigError`.
public struct ConfigLoader {
  public static let supportedVersion = 1

  let registry: StageRegistry

  public init(registry: StageRegistry) {
    self.registry = registry
  }

  public func load(file: String, overrides: ConfigOverrides = ConfigOverrides()) throws(ConfigError) -> Pipeline {
    guard let data = FileManager.default.contents(atPath: file) else {
      throw ConfigError([Diagnostic(file: file, keyPath: "", message: "cannot read pipeline file")])
    }
    guard let yaml = String(data: data, encoding: .utf8) else {
      throw ConfigError([Diagnostic(file: file, keyPath: "", message: "pipeline file is not valid UTF-8")])
    }
    return try load(yaml: yaml, file: file, overrides: overrides)
  }

  /// A gates file for `winnow check`: a mapping of gates, as a pipeline's `gates:` section.
  public func loadGates(file: String) throws(ConfigError) -> GateSettings {
    guard let data = FileManager.default.contents(atPath: file), let yaml = String(data: data, encoding: .utf8) else {
      throw ConfigError([Diagnostic(file: file, keyPath: "", message: "cannot read gates file")])
    }
    var session = ValidationSession(file: file, yaml: yaml, registry: registry)
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch let yamlError as YamlError {
      session.reportYAMLError(yamlError)
      throw ConfigError(session.diagnostics)
    } catch {
      throw ConfigError([Diagnostic(file: file, keyPath: "", message: "cannot parse YAML: \(error)")])
    }
    guard let root else { throw ConfigError([Diagnostic(file: file, keyPath: "", message: "gates file is empty")]) }
    // Either the gates themselves, or a pipeline-like file with a `gates:` key.
    var node = root
    if case .mapping(let map) = root, let inner = map["gates"] { node = inner }
    let gates = session.validateGates(node, path: "")
    if let gates, session.diagnostics.isEmpty { return gates }
    throw ConfigError(session.diagnostics)
  }

  /// The plugin libraries a pipeline file names under `plugins:`, resolved, without loading
  /// them or checking the rest of the file (`winnow stages --pipeline`).
  public func pluginPaths(file: String) throws(ConfigError) -> [String] {
    guard let data = FileManager.default.contents(atPath: file), let yaml = String(data: data, encoding: .utf8) else {
      throw ConfigError([Diagnostic(file: file, keyPath: "", message: "cannot read pipeline file")])
    }
    var session = ValidationSession(file: file, yaml: yaml, registry: registry)
    guard case .mapping(let top)? = try? Yams.compose(yaml: yaml), let node = session.value(top, "plugins") else { return [] }
    guard case .sequence(let items) = node else {
      session.error("expected a list of plugin libraries", at: node, "plugins")
      throw ConfigError(session.diagnostics)
    }
    return items.compactMap { $0.scalar?.string }.map { session.resolve($0) }
  }

  public func load(yaml: String, file: String, overrides: ConfigOverrides = ConfigOverrides()) throws(ConfigError) -> Pipeline {
    var session = ValidationSession(file: file, yaml: yaml, registry: registry)
    let pipeline = session.validate(overrides: overrides)
    if let pipeline, session.diagnostics.isEmpty { return pipeline }
    throw ConfigError(session.diagnostics)
  }
}

/// `out/clean.jsonl` → `out/clean.rejects.jsonl`.
func defaultRejectsPath(for output: String) -> String {
  var base = output
  // A compressed output has compressed rejects (clean.jsonl.zst → clean.rejects.jsonl.zst).
  var compression = ""
  for suffix in [".gz", ".zst"] where base.hasSuffix(suffix) && base.dropLast(suffix.count).hasSuffix(".jsonl") {
    base.removeLast(suffix.count)
    compression = suffix
  }
  for suffix in [".jsonl", ".json"] where base.hasSuffix(suffix) {
    base.removeLast(suffix.count)
    break
  }
  return base + ".rejects.jsonl" + compression
}

/// Folds "." and "dir/.." out of a path without touching the file system
/// ("pipelines/../out/x" → "out/x").
func normalizePath(_ path: String) -> String {
  let absolute = path.hasPrefix("/")
  var parts: [Substring] = []
  for part in path.split(separator: "/") {
    if part == "." { continue }
    if part == "..", let last = parts.last, last != ".." {
      parts.removeLast()
    } else if part == ".." && absolute {
      continue
    } else {
      parts.append(part)
    }
  }
  let joined = parts.joined(separator: "/")
  return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
}

/// One pass over a pipeline file, collecting diagnostics.
struct ValidationSession {
  let file: String
  let lines: [Substring]
  let yaml: String
  /// The built-in stages, and those of the pipeline's `plugins:` once they are loaded.
  var registry: StageRegistry
  var diagnostics: [Diagnostic] = []
  /// Files named by `path` options, resolved, with their key paths.
  var optionFiles: [(path: String, key: String)] = []

  /// Paths in the file resolve against the file's directory.
  var baseDirectory: String {
    let directory = (file as NSString).deletingLastPathComponent
    return directory.isEmpty ? "." : directory
  }

  init(file: String, yaml: String, registry: StageRegistry) {
    self.file = file
    self.yaml = yaml
    self.lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
    self.registry = registry
  }

  mutating func error(_ message: String, at node: Node?, _ keyPath: String) {
    let mark = node?.mark
    let sourceLine = mark.flatMap { $0.line - 1 < lines.count ? String(lines[$0.line - 1]) : nil }
    diagnostics.append(
      Diagnostic(file: file, line: mark?.line, column: mark?.column, keyPath: keyPath, message: message, sourceLine: sourceLine))
  }

  mutating func error(_ message: String, line: Int, column: Int, _ keyPath: String) {
    let sourceLine = line - 1 < lines.count && line >= 1 ? String(lines[line - 1]) : nil
    diagnostics.append(Diagnostic(file: file, line: line, column: column, keyPath: keyPath, message: message, sourceLine: sourceLine))
  }

  mutating func validate(overrides: ConfigOverrides) -> Pipeline? {
    let root: Node
    do {
      guard let composed = try Yams.compose(yaml: yaml) else {
        error("pipeline file is empty; it needs at least 'version: 1' and 'stages'", at: nil, "")
        return nil
      }
      root = composed
    } catch let yamlError as YamlError {
      reportYAMLError(yamlError)
      return nil
    } catch {
      self.error("cannot parse YAML: \(error)", at: nil, "")
      return nil
    }
    guard let top = mapping(root, "") else { return nil }

    let topKeys = ["version", "plugins", "input", "output", "stages", "gates"]
    checkKeys(top, allowed: topKeys, path: "")

    // version
    if let versionNode = value(top, "version") {
      if let version = versionNode.int {
        if version > ConfigLoader.supportedVersion {
          error("pipeline version \(version) is newer than this winnow supports (highest: \(ConfigLoader.supportedVersion))", at: versionNode, "version")
        } else if version < 1 {
          error("version must be 1", at: versionNode, "version")
        }
      } else {
        error("version must be a whole number (1)", at: versionNode, "version")
      }
    } else {
      error("missing required key 'version' (add 'version: \(ConfigLoader.supportedVersion)')", at: root, "")
    }

    var plugins: [String] = []
    if let pluginsNode = value(top, "plugins") {
      guard let loaded = loadPlugins(pluginsNode) else { return nil }
      plugins = loaded
    }
    let input = validateInput(value(top, "input"), overrides: overrides, root: root)
    let output = validateOutput(value(top, "output"), overrides: overrides, root: root)
    let stages = validateStages(value(top, "stages"), root: root)
    var gates: GateSettings?
    if let gatesNode = value(top, "gates") {
      gates = validateGates(gatesNode, path: "gates")
      if gates == nil { return nil }
    }

    guard let input, let output, let stages else { return nil }
    var pipeline = Pipeline(file: file, input: input, output: output, stages: stages, gates: gates, plugins: plugins)
    pipeline.optionFiles = optionFiles
    if case .string(let rules)? = gates?.options.values["boilerplate_rules"], !rules.isEmpty {
      pipeline.optionFiles.append((rules, "gates.boilerplate_rules"))
    }
    return pipeline
  }

  /// `plugins: [lib/libMyStages.so]`: opens each library and adds its stage types to the
  /// registry, so the stages below validate like built-ins. Returns the resolved paths.
  mutating func loadPlugins(_ node: Node) -> [String]? {
    guard case .sequence(let sequence) = node else {
      error("expected a list of plugin libraries such as [plugins/libMyStages.so]", at: node, "plugins")
      return nil
    }
    var paths: [String] = []
    var ok = true
    for (index, item) in sequence.enumerated() {
      let keyPath = "plugins[\(index)]"
      guard let raw = item.scalar?.string, !raw.isEmpty, item.null == nil else {
        error("expected the path of a plugin library", at: item, keyPath)
        ok = false
        continue
      }
      let path = resolve(raw)
      do throws(PluginError) {
        for type in try PluginLibrary.load(path) where !registry.add(type) {
          let owner = registry.stage(named: type.name)?.plugin.map { "the plugin '\($0)'" } ?? "a built-in stage"
          error("plugin '\(raw)' registers a stage '\(type.name)', a name \(owner) already has", at: item, keyPath)
          ok = false
        }
        paths.append(path)
      } catch {
        let hint = FileManager.default.fileExists(atPath: path) ? "" : " (paths are relative to the pipeline file; the example plugin is built by 'make plugins')"
        self.error("plugin '\(raw)': \(error.message)\(hint)", at: item, keyPath)
        ok = false
      }
    }
    return ok ? paths : nil
  }

  /// A `gates:` mapping (or a whole gates file): each key a gate of `GateSpecs`.
  mutating func validateGates(_ node: Node, path: String) -> GateSettings? {
    var values = StageOptions.defaults(for: GateSpecs.options).values
    var configured: [String] = []
    guard let map = mapping(node, path) else { return nil }
    var ok = true
    for (keyNode, valueNode) in map {
      let key = keyNode.scalar?.string ?? ""
      guard let spec = GateSpecs.options.first(where: { $0.name == key }) else {
        error("unknown gate '\(key)'" + suggestion(for: key, in: GateSpecs.options.map(\.name)), at: keyNode, path)
        ok = false
        continue
      }
      if let value = parseOption(valueNode, spec: spec, path: path.isEmpty ? key : "\(path).\(key)") {
        values[key] = value
        configured.append(key)
      } else {
        ok = false
      }
    }
    if case .string(let rules)? = values["boilerplate_rules"], !rules.isEmpty {
      let resolved = rules.hasPrefix("/") ? rules : baseDirectory + "/" + rules
      if !FileManager.default.fileExists(atPath: resolved), let node = value(map, "boilerplate_rules") {
        error("boilerplate_rules: no such file '\(resolved)'", at: node, path.isEmpty ? "boilerplate_rules" : "\(path).boilerplate_rules")
        ok = false
      }
      values["boilerplate_rules"] = .string(resolved)
    }
    return ok ? GateSettings(options: StageOptions(values), configured: configured, baseDirectory: baseDirectory) : nil
  }

  // MARK: sections

  mutating func validateInput(_ node: Node?, overrides: ConfigOverrides, root: Node) -> InputSettings? {
    var settings = InputSettings()
    let path = "input"
    var configuredPaths: [(String, Node)] = []
    if let node {
      guard let map = mapping(node, path) else { return nil }
      checkKeys(map, allowed: ["path", "formats", "text_field", "id_field", "max_document_bytes", "follow_links"], path: path)
      if let pathNode = value(map, "path") {
        if let single = pathNode.scalar?.string {
          configuredPaths = [(single, pathNode)]
        } else if case .sequence(let sequence) = pathNode {
          for (index, item) in sequence.enumerated() {
            if let string = item.scalar?.string {
              configuredPaths.append((string, item))
            } else {
              error("expected a path", at: item, "\(path).path[\(index)]")
            }
          }
        } else {
          error("expected a path or a list of paths", at: pathNode, "\(path).path")
        }
      }
      if let formatsNode = value(map, "formats") {
        let names = InputFormat.allCases.map(\.rawValue)
        if let list = stringList(formatsNode, "\(path).formats", allowed: names) {
          settings.formats = list.compactMap(InputFormat.init(rawValue:))
        }
      }
      if let field = value(map, "text_field") {
        if let string = nonEmptyString(field, "\(path).text_field") { settings.textField = string }
      }
      if let field = value(map, "id_field") {
        if let string = nonEmptyString(field, "\(path).id_field") { settings.idField = string }
      }
      if let follow = value(map, "follow_links") {
        if follow.scalar != nil, let flag = follow.bool {
          settings.followLinks = flag
        } else {
          error("expected true or false, got \(describe(follow))", at: follow, "\(path).follow_links")
        }
      }
      if let limit = value(map, "max_document_bytes") {
        if let number = limit.int, number >= 1 {
          settings.maxDocumentBytes = number
        } else {
          error("expected a whole number of bytes ≥ 1, got '\(limit.scalar?.string ?? "?")'", at: limit, "\(path).max_document_bytes")
        }
      }
    }
    if !overrides.inputs.isEmpty {
      settings.paths = overrides.inputs
      for input in overrides.inputs where input != "-" && !FileManager.default.fileExists(atPath: input) {
        diagnostics.append(Diagnostic(file: input, keyPath: "--input", message: "input does not exist"))
      }
    } else {
      if configuredPaths.isEmpty {
        error("no input: set 'input.path' or pass --input", at: node ?? root, node == nil ? "" : path)
      }
      for (raw, node) in configuredPaths {
        let resolved = raw == "-" ? raw : resolve(raw)
        if resolved != "-" && !FileManager.default.fileExists(atPath: resolved) {
          error("input '\(raw)' does not exist (resolved to '\(resolved)'; paths are relative to the pipeline file)", at: node, "\(path).path")
        }
        settings.paths.append(resolved)
      }
    }
    return settings
  }

  mutating func validateOutput(_ node: Node?, overrides: ConfigOverrides, root: Node) -> OutputSettings? {
    var outputPath: String?
    var rejectsPath: String?
    var layout = OutputLayout()
    if let node {
      guard let map = mapping(node, "output") else { return nil }
      checkKeys(map, allowed: ["path", "rejects", "max_bytes", "max_records"], path: "output")
      for key in ["max_bytes", "max_records"] {
        guard let limit = value(map, key) else { continue }
        if limit.scalar != nil, let number = limit.int, number >= 1 {
          if key == "max_bytes" { layout.maxBytes = number } else { layout.maxRecords = number }
        } else {
          error("expected a whole number ≥ 1, got \(describe(limit))", at: limit, "output.\(key)")
        }
      }
      if let pathNode = value(map, "path"), let string = nonEmptyString(pathNode, "output.path") {
        outputPath = resolve(string)
      }
      if let rejectsNode = value(map, "rejects"), let string = nonEmptyString(rejectsNode, "output.rejects") {
        rejectsPath = resolve(string)
      }
    }
    if let override = overrides.output { outputPath = override }
    if let override = overrides.rejects { rejectsPath = override }
    guard let outputPath else {
      error("no output: set 'output.path' or pass --output", at: node ?? root, node == nil ? "" : "output")
      return nil
    }
    // Rejects default to a file beside the output (clean.jsonl → clean.rejects.jsonl), also
    // when --output moves the output: nothing is dropped without a record, and a run never
    // overwrites another run's rejects.
    let rejects = (overrides.output != nil ? overrides.rejects : rejectsPath) ?? defaultRejectsPath(for: outputPath)
    if rejects == outputPath {
      let fromFlags = [overrides.output.map { _ in "--output" }, overrides.rejects.map { _ in "--rejects" }].compactMap { $0 }
      if fromFlags.isEmpty {
        error("'output.rejects' must differ from 'output.path'", at: node ?? root, "output.rejects")
      } else {
        // Given on the command line: named by its flags, not placed at a line of the file.
        let other = fromFlags.count == 2 ? "" : fromFlags == ["--output"] ? " as output.rejects" : " as output.path"
        diagnostics.append(Diagnostic(
          file: file, keyPath: fromFlags.joined(separator: " "),
          message: "\(fromFlags.joined(separator: " and ")) name\(fromFlags.count == 1 ? "s" : "") the same file '\(clippedForDiagnostic(rejects))'\(other); the rejects need a file of their own"))
      }
    }
    return OutputSettings(path: outputPath, rejects: rejects, layout: layout)
  }

  mutating func validateStages(_ node: Node?, root: Node) -> [PipelineStage]? {
    guard let node else {
      error("missing required key 'stages' (a list such as '- decode: {}')", at: root, "")
      return nil
    }
    guard case .sequence(let sequence) = node else {
      error("expected a list of stages", at: node, "stages")
      return nil
    }
    var stages: [PipelineStage] = []
    var sawDecode = false
    var ok = true
    for (index, entry) in sequence.enumerated() {
      let entryPath = "stages[\(index)]"
      let nameNode: Node
      var optionsNode: Node?
      switch entry {
      case .scalar:
        nameNode = entry
      case .mapping(let map):
        guard map.count == 1, let pair = map.first else {
          error("a stage entry has exactly one key, the stage's name (found \(map.count))", at: entry, entryPath)
          ok = false
          continue
        }
        nameNode = pair.key
        optionsNode = pair.value
      default:
        error("expected a stage such as '- decode: {}'", at: entry, entryPath)
        ok = false
        continue
      }
      let name = nameNode.scalar?.string ?? ""
      guard let type = registry.stage(named: name) else {
        error("unknown stage '\(name)'" + suggestion(for: name, in: registry.names), at: nameNode, entryPath)
        ok = false
        continue
      }
      if type.input == .text && !sawDecode {
        error("stage '\(name)' needs decoded text; put 'decode' before it", at: nameNode, entryPath)
        ok = false
      }
      if name == "decode" { sawDecode = true }
      guard let built = buildStage(type, options: optionsNode, nameNode: nameNode, path: "\(entryPath).\(name)") else {
        ok = false
        continue
      }
      if built.stage is any CorpusStage, index != sequence.count - 1 {
        error("stage '\(name)' needs the whole corpus and must be the pipeline's last stage", at: nameNode, entryPath)
        ok = false
      }
      stages.append(built)
    }
    if sequence.isEmpty {
      error("the pipeline has no stages; add at least '- decode: {}'", at: node, "stages")
      return nil
    }
    return ok ? stages : nil
  }

  mutating func buildStage(_ type: StageType, options node: Node?, nameNode: Node, path: String) -> PipelineStage? {
    let specs = type.options + StageLimits.options.filter { limit in !type.options.contains { $0.name == limit.name } }
    var values = StageOptions.defaults(for: specs).values
    var optionNodes: [String: Node] = [:]
    var ok = true
    if let node, node.null == nil {
      guard let map = mapping(node, path) else { return nil }
      let names = specs.map(\.name)
      for (keyNode, valueNode) in map {
        let key = keyNode.scalar?.string ?? ""
        guard let spec = specs.first(where: { $0.name == key }) else {
          if names.isEmpty {
            error("unknown key '\(key)'; stage '\(type.name)' takes no options", at: keyNode, path)
          } else {
            error("unknown key '\(key)'" + suggestion(for: key, in: names), at: keyNode, path)
          }
          ok = false
          continue
        }
        optionNodes[key] = valueNode
        if let value = parseOption(valueNode, spec: spec, path: "\(path).\(key)") {
          values[key] = value
        } else {
          ok = false
        }
      }
    }
    guard ok else { return nil }
    let options = StageOptions(values)
    let context = StageContext(baseDirectory: baseDirectory)
    for spec in specs where spec.type == .path {
      if case .string(let file)? = values[spec.name], !file.isEmpty { optionFiles.append((context.resolve(file), "\(path).\(spec.name)")) }
    }
    do throws(OptionError) {
      let stage = try type.make(options, context)
      let limits = StageLimits(maxBytes: options.int("max_bytes"), timeoutMilliseconds: options.int("timeout_ms"))
      return PipelineStage(name: stage.label ?? type.name, options: options, stage: stage, limits: limits)
    } catch {
      var place = error.option.flatMap { optionNodes[$0] } ?? nameNode
      var keyPath = error.option.map { "\(path).\($0)" } ?? path
      if let item = error.item, case .sequence(let sequence) = place, item < sequence.count {
        place = sequence[item]
        keyPath += "[\(item)]"
      }
      self.error(error.message, at: place, keyPath)
      return nil
    }
  }

  // MARK: typed values

  mutating func parseOption(_ node: Node, spec: OptionSpec, path: String) -> OptionValue? {
    let shown = clippedForDiagnostic(node.scalar?.string ?? describe(node))
    switch spec.type {
    case .bool:
      if node.scalar != nil, let value = node.bool { return .bool(value) }
      error("expected true or false, got '\(shown)'", at: node, path)
    case .int(let range):
      if node.scalar != nil, let value = node.int {
        if range.contains(value) { return .int(value) }
        error("\(value) is out of range; expected \(spec.type.description)", at: node, path)
      } else {
        error("expected a whole number, got '\(shown)'", at: node, path)
      }
    case .double(let range):
      if node.scalar != nil, let value = node.float ?? node.int.map(Double.init) {
        if range.contains(value) { return .double(value) }
        error("\(formatNumber(value)) is out of range; expected \(spec.type.description)", at: node, path)
      } else {
        error("expected a number, got '\(shown)'", at: node, path)
      }
    case .string, .path:
      if let string = nonEmptyString(node, path) { return .string(string) }
    case .choice(let words):
      if let string = node.scalar?.string {
        if let match = words.first(where: { $0.caseInsensitiveCompare(string) == .orderedSame }) { return .string(match) }
        error("unknown value '\(string)'" + suggestion(for: string, in: words), at: node, path)
      } else {
        error("expected one of: \(words.joined(separator: ", "))", at: node, path)
      }
    case .stringList(let allowed):
      if let list = stringList(node, path, allowed: allowed) { return .strings(list) }
    }
    return nil
  }

  mutating func stringList(_ node: Node, _ path: String, allowed: [String]?) -> [String]? {
    guard case .sequence(let sequence) = node else {
      error("expected a list such as [a, b]", at: node, path)
      return nil
    }
    var result: [String] = []
    var ok = true
    for (index, item) in sequence.enumerated() {
      guard let string = item.scalar?.string, !string.isEmpty else {
        error("expected a string", at: item, "\(path)[\(index)]")
        ok = false
        continue
      }
      if let allowed {
        if let match = allowed.first(where: { $0.caseInsensitiveCompare(string) == .orderedSame }) {
          result.append(match)
        } else {
          error("unknown value '\(string)'" + suggestion(for: string, in: allowed), at: item, "\(path)[\(index)]")
          ok = false
        }
      } else {
        result.append(string)
      }
    }
    return ok ? result : nil
  }

  mutating func nonEmptyString(_ node: Node, _ path: String) -> String? {
    if let string = node.scalar?.string, !string.isEmpty, node.null == nil { return string }
    error("expected a non-empty string, got \(describe(node))", at: node, path)
    return nil
  }

  // MARK: helpers

  mutating func mapping(_ node: Node, _ path: String) -> Node.Mapping? {
    if case .mapping(let map) = node { return map }
    error("expected a mapping of keys to values, got \(describe(node))", at: node, path)
    return nil
  }

  func value(_ map: Node.Mapping, _ key: String) -> Node? {
    map.first { $0.key.scalar?.string == key }?.value
  }

  mutating func checkKeys(_ map: Node.Mapping, allowed: [String], path: String) {
    var seen: Set<String> = []
    for (keyNode, _) in map {
      let key = keyNode.scalar?.string ?? describe(keyNode)
      if !allowed.contains(key) {
        error("unknown key '\(key)'" + suggestion(for: key, in: allowed), at: keyNode, path)
      } else if !seen.insert(key).inserted {
        error("duplicate key '\(key)'", at: keyNode, path)
      }
    }
  }

  func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let scalar): scalar.string.isEmpty || node.null != nil ? "nothing" : "'\(clippedForDiagnostic(scalar.string))'"
    case .mapping: "a mapping"
    case .sequence: "a list"
    default: "an alias"
    }
  }

  func resolve(_ path: String) -> String {
    if path.hasPrefix("/") { return path }
    return normalizePath(baseDirectory == "." ? path : baseDirectory + "/" + path)
  }

  mutating func reportYAMLError(_ yamlError: YamlError) {
    switch yamlError {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
      error("invalid YAML: \(text)", line: mark.line, column: mark.column, "")
    case .duplicatedKeysInMapping(let duplicates, let context):
      error("duplicate key(s) \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", "))",
        line: context.mark.line, column: context.mark.column, "")
    default:
      error("invalid YAML: \(yamlError)", at: nil, "")
    }
  }
}
