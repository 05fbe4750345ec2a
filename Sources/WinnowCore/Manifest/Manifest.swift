import Crypto
import Foundation

/// `manifest.json`: what a run read, with which configuration and tool, and what it wrote, so
/// the run can be checked or repeated later (`winnow verify`).
public enum Manifest {
  /// The configuration with every default filled in, as JSON-ready values: the input settings
  /// and every stage with all its options. Output paths are not part of it (they are recorded
  /// apart), so the same configuration written elsewhere has the same hash.
  public static func canonicalConfig(_ pipeline: Pipeline) -> [String: Any] {
    let input = pipeline.input
    var inputFields: [String: Any] = [
      "paths": input.paths, "formats": input.formats.map(\.rawValue), "text_field": input.textField,
      "id_field": input.idField, "max_document_bytes": input.maxDocumentBytes,
    ]
    // Only when set: the configurations of earlier runs keep their hash.
    if input.followLinks { inputFields["follow_links"] = true }
    return [
      "input": inputFields,
      "stages": pipeline.stages.map { stage -> [String: Any] in
        ["name": stage.name, "options": stage.options.values.mapValues(jsonValue)]
      },
    ]
  }

  static func jsonValue(_ value: OptionValue) -> Any {
    switch value {
    case .bool(let value): value
    case .int(let value): value
    case .double(let value): value
    case .string(let value): value
    case .strings(let values): values
    }
  }

  /// JSON with sorted keys and no extra spaces: the same bytes for the same value.
  public static func canonicalJSON(_ object: Any) -> Data {
    (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
  }

  public static func sha256Hex<D: DataProtocol>(_ data: D) -> String { hex(SHA256.hash(data: data)) }

  /// Lower-case hex of a digest.
  public static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
    var out = [UInt8]()
    out.reserveCapacity(64)
    let digits = Array("0123456789abcdef".utf8)
    for byte in digest {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Size and SHA-256 of a file, read in 1 MiB pieces.
  public static func hashFile(_ path: String) throws(RunError) -> (size: Int, sha256: String) {
    guard let handle = fopen(path, "rb") else { throw RunError("cannot read '\(path)': \(String(cString: strerror(errno)))") }
    defer { fclose(handle) }
    var hasher = SHA256()
    // No bigger than the file (a run over thousands of small pages hashes each one), and
    // not zeroed first: fread fills what is used.
    var info = stat()
    let known = fstat(fileno(handle), &info) == 0 ? Int(info.st_size) : 1 << 20
    let capacity = min(1 << 20, max(4096, known + 1))
    var buffer = [UInt8](unsafeUninitializedCapacity: capacity) { _, count in count = capacity }
    var size = 0
    while true {
      try RunCancellation.check()  // tens of gigabytes of input take a while
      let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
      if count > 0 {
        hasher.update(data: buffer[0..<count])
        size += count
      }
      if count < buffer.count {
        if ferror(handle) != 0 { throw RunError("cannot read '\(path)': \(String(cString: strerror(errno)))") }
        break
      }
    }
    return (size, hex(hasher.finalize()))
  }

  /// The manifest of a finished run.
  public static func build(
    pipeline: Pipeline, summary: RunSummary, command: [String], tool: [String: String], interrupted: Bool = false
  ) throws(RunError) -> RunManifest {
    var inputs: [RunManifest.Input] = []
    var seen = Set<String>()
    for file in summary.inputFiles where seen.insert(file.path).inserted {
      if file.path == "-" {
        inputs.append(RunManifest.Input(path: "-", note: "standard input: not hashed"))
      } else {
        if let (size, sha) = summary.inputHashes[file.path] {
          inputs.append(RunManifest.Input(path: file.path, size: size, sha256: sha))
        } else {
          do {
            let (size, sha) = try hashFile(file.path)
            inputs.append(RunManifest.Input(path: file.path, size: size, sha256: sha))
          } catch {
            // An input the run could not read (its documents are rejected as unreadable):
            // recorded, not hashed, and the run goes on.
            inputs.append(RunManifest.Input(path: file.path, note: "not hashed: \(error.message)"))
          }
        }
      }
    }
    // The code and data outside winnow that shaped the output: plugin libraries, the files an
    // exec stage's command names (its script) and model files (langid's fastText model), each
    // with its hash.
    var plugins: [RunManifest.Plugin] = []
    for path in pipeline.plugins {
      let (size, sha) = try hashFile(path)
      plugins.append(RunManifest.Plugin(kind: "library", path: path, size: size, sha256: sha))
    }
    for stage in pipeline.stages {
      guard let external = stage.stage as? any ExternalCode else { continue }
      for path in external.codeFiles {
        guard let (size, sha) = try? hashFile(path) else { continue }
        plugins.append(RunManifest.Plugin(kind: external.codeKind, stage: stage.name, path: path, size: size, sha256: sha))
      }
    }
    var seeds: [String: JSONValue] = [:]
    for (index, stage) in pipeline.stages.enumerated() {
      for (name, value) in stage.options.values where name == "seed" || name.hasSuffix("_seed") {
        seeds["stages[\(index)].\(stage.name).\(name)"] = JSONValue(jsonValue(value))
      }
    }
    var counts = summary.json()
    for key in ["output", "rejects", "seconds", "jobs", "peak_batches_in_flight", "warnings"] { counts.removeValue(forKey: key) }
    var manifest = started(pipeline, command: command, tool: tool, interrupted: interrupted)
    manifest.inputs = inputs
    manifest.plugins = plugins
    manifest.output = RunManifest.Output(path: summary.outputPath, sha256: summary.outputSHA256, records: summary.kept, bytes: summary.outputBytes)
    manifest.rejects = RunManifest.Output(path: summary.rejectsPath, sha256: summary.rejectsSHA256, records: summary.rejected)
    // Compressed or sharded: every file with its own SHA-256 (sha256 above is the JSONL's).
    if !summary.outputShards.isEmpty { manifest.output.shards = summary.outputShards }
    if !summary.rejectsShards.isEmpty { manifest.rejects.shards = summary.rejectsShards }
    manifest.counts = JSONValue(counts)
    manifest.seeds = seeds
    manifest.jobs = summary.jobs
    manifest.timings = RunManifest.Timings(
      seconds: summary.seconds, stages: Dictionary(summary.stages.map { ($0.name, $0.seconds) }) { a, _ in a })
    manifest.warnings = summary.warnings
    return manifest
  }

  /// The manifest of a run stopped (by `signal`) before its commit: nothing was written.
  public static func interrupted(_ pipeline: Pipeline, command: [String], tool: [String: String], signal: String) -> RunManifest {
    var manifest = started(pipeline, command: command, tool: tool, interrupted: true)
    manifest.signal = signal
    manifest.output.written = false
    manifest.rejects.written = false
    return manifest
  }

  /// What every manifest holds: the tool, the command, the configuration, the paths.
  static func started(_ pipeline: Pipeline, command: [String], tool: [String: String], interrupted: Bool) -> RunManifest {
    let config = canonicalConfig(pipeline)
    return RunManifest(
      winnow: tool, command: command, cwd: FileManager.default.currentDirectoryPath, pipelineFile: pipeline.file,
      config: JSONValue(config), configSHA256: sha256Hex(canonicalJSON(config)),
      output: RunManifest.Output(path: pipeline.output.path), rejects: RunManifest.Output(path: pipeline.output.rejects),
      interrupted: interrupted, finished: ISO8601DateFormatter().string(from: Date()))
  }

  /// Indented JSON with sorted keys, written by hand: Foundation's JSONSerialization took
  /// a tenth of a short run's time on a manifest listing thousands of input files.
  /// Strings, integers, floating-point numbers, booleans, NSNull, arrays and dictionaries with
  /// String keys, keys sorted by Swift's String order; anything else (and a non-finite number)
  /// is written as null.
  public static func prettyJSON(_ value: Any) -> [UInt8] { prettyJSON(JSONValue(value)) }

  /// `prettyJSON` of a tree (the one writer: a value given as `Any` becomes a tree first).
  public static func prettyJSON(_ value: JSONValue) -> [UInt8] {
    var writer = JSONWriter(capacity: 1 << 16)
    appendJSON(value, indent: 0, to: &writer)
    writer.raw("\n")
    return writer.bytes
  }

  private static func appendJSON(_ value: JSONValue, indent: Int, to writer: inout JSONWriter) {
    func newline(_ level: Int) {
      writer.raw("\n")
      writer.bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }
    switch value {
    case .object(let members):
      if members.isEmpty { writer.raw("{}"); return }
      writer.raw("{")
      for (index, (key, item)) in members.sorted(by: { $0.key < $1.key }).enumerated() {
        if index > 0 { writer.raw(",") }
        newline(indent + 1)
        writer.string(key)
        writer.raw(" : ")
        appendJSON(item, indent: indent + 1, to: &writer)
      }
      newline(indent)
      writer.raw("}")
    case .array(let items):
      if items.isEmpty { writer.raw("[]"); return }
      writer.raw("[")
      for (index, item) in items.enumerated() {
        if index > 0 { writer.raw(",") }
        newline(indent + 1)
        appendJSON(item, indent: indent + 1, to: &writer)
      }
      newline(indent)
      writer.raw("]")
    case .string(let string): writer.string(string)
    case .bool(let flag): writer.raw(flag ? "true" : "false")
    case .int(let number): writer.bytes.append(contentsOf: String(number).utf8)
    case .double(let number): appendNumber(number, to: &writer)
    case .null: writer.raw("null")
    }
  }

  /// A whole number below 10^15 without a fraction, others as Swift writes them, a
  /// non-finite one as null.
  private static func appendNumber(_ number: Double, to writer: inout JSONWriter) {
    if !number.isFinite {
      writer.raw("null")
    } else if number == number.rounded(), abs(number) < 1e15 {
      writer.bytes.append(contentsOf: String(Int64(number)).utf8)
    } else {
      writer.bytes.append(contentsOf: String(number).utf8)
    }
  }

  /// Writes the manifest (pretty, sorted keys) under a temporary name, then renames it.
  public static func write(_ manifest: RunManifest, to path: String) throws(RunError) {
    let tree = try manifest.jsonValue()
    do {
      let data = Data(prettyJSON(tree))
      let temporary = path + ".partial"
      try data.write(to: URL(fileURLWithPath: temporary))
      guard rename(temporary, path) == 0 else { throw RunError("cannot rename '\(temporary)' to '\(path)': \(String(cString: strerror(errno)))") }
    } catch let error as RunError {
      throw error
    } catch {
      throw RunError("cannot write manifest '\(path)': \(error.localizedDescription)")
    }
  }

  /// `X.jsonl` (or `X.jsonl.gz`, `X.jsonl.zst`) → `X.manifest.json`, beside the output.
  public static func defaultPath(forOutput output: String) -> String {
    var base = output
    for suffix in [".gz", ".zst"] where base.hasSuffix(".jsonl" + suffix) { base.removeLast(suffix.count) }
    return (base.hasSuffix(".jsonl") ? String(base.dropLast(6)) : base) + ".manifest.json"
  }
}
