import ArgumentParser
import Foundation
import WinnowCore
import WinnowNative
import WinnowStages

/// What built this binary: version, git commit, and the native libraries' versions.
enum ToolInfo {
  static var fields: [String: String] {
    ["version": WinnowVersion.string, "commit": commit, "icu": ICU.version, "libxml2": LibXML2.version]
  }

  /// The commit of the checkout the binary was built in (found from the executable's own path:
  /// `.build/…/winnow` inside a git work tree), or "unknown" for a binary copied elsewhere.
  static let commit: String = {
    guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return "unknown" }
    var directory = (executable as NSString).deletingLastPathComponent
    while directory != "/" && !directory.isEmpty {
      let git = directory + "/.git"
      if let head = try? String(contentsOfFile: git + "/HEAD", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) {
        guard head.hasPrefix("ref: ") else { return head }
        let ref = String(head.dropFirst(5))
        if let hash = try? String(contentsOfFile: git + "/" + ref, encoding: .utf8) {
          return hash.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let packed = try? String(contentsOfFile: git + "/packed-refs", encoding: .utf8),
          let line = packed.split(separator: "\n").first(where: { $0.hasSuffix(" " + ref) })
        {
          return String(line.prefix { $0 != " " })
        }
        return "unknown"
      }
      directory = (directory as NSString).deletingLastPathComponent
    }
    return "unknown"
  }()
}

struct VerifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Re-run the run a manifest describes and check that its output is byte-identical.",
    discussion: """
      Checks that the pipeline file still gives the same configuration and that every input, plugin library \
      and exec stage script still has the recorded SHA-256, runs the pipeline again into a temporary directory, and compares the output and \
      rejects with the recorded SHA-256. When the output differs, names the first differing record. \
      Exit codes: 0 identical, 1 not identical (or the run failed), 2 bad manifest or usage.
      """)

  @Argument(help: "A manifest written by 'winnow run' (X.manifest.json beside the output X.jsonl).")
  var manifest: String

  @Option(name: .long, help: "Worker threads for the re-run (default: as recorded; the output does not depend on it).")
  var jobs: Int?

  func run() throws {
    guard let data = FileManager.default.contents(atPath: manifest), (try? JSONSerialization.jsonObject(with: data)) is [String: Any]
    else { throw ValidationError("cannot read '\(manifest)' as a JSON object") }
    guard let recorded = try? JSONDecoder().decode(RunManifest.self, from: data), let recordedOutput = recorded.output.sha256,
      let recordedRejects = recorded.rejects.sha256, let inputs = recorded.inputs,
      case .object(let config) = recorded.config, case .object(let input)? = config["input"], case .array(let pathValues)? = input["paths"]
    else { throw ValidationError("'\(manifest)' is not a winnow manifest (missing pipeline_file, config, inputs, output or rejects)") }
    let pipelineFile = recorded.pipelineFile
    let recordedConfig = recorded.configSHA256
    let paths = pathValues.compactMap { value -> String? in if case .string(let path) = value { path } else { nil } }

    // Relative paths in the manifest are relative to the directory the run started in.
    let enteredRunDirectory =
      !FileManager.default.fileExists(atPath: recorded.cwd) || FileManager.default.changeCurrentDirectoryPath(recorded.cwd)
    var problems: [String] = []
    if !enteredRunDirectory {
      problems.append("cannot enter the directory the run started in (\(recorded.cwd)): relative paths are checked from here")
    }
    // 1. The configuration.
    let loaded = try ConfigLoader(registry: BuiltinStages.registry).load(file: pipelineFile, overrides: ConfigOverrides(inputs: paths))
    let configHash = Manifest.sha256Hex(Manifest.canonicalJSON(Manifest.canonicalConfig(loaded)))
    if configHash != recordedConfig {
      problems.append("the configuration changed: '\(pipelineFile)' with all defaults now hashes to \(configHash), the manifest recorded \(recordedConfig) (a stage option, a default, or the stage list differs)")
    }
    // 2. The inputs.
    for entry in inputs {
      let path = entry.path
      guard path != "-", let sha = entry.sha256 else { continue }
      do {
        let now = try Manifest.hashFile(path)
        if now.sha256 != sha { problems.append("input '\(path)' changed: SHA-256 \(now.sha256), recorded \(sha)") }
      } catch {
        problems.append("input '\(path)' cannot be read: \(error)")
      }
    }
    // 3. The code outside winnow: plugin libraries and exec scripts.
    for entry in recorded.plugins ?? [] {
      let (path, sha) = (entry.path, entry.sha256)
      let kind = entry.kind == "exec" ? "exec stage '\(entry.stage ?? "?")' file" : "plugin library"
      if let now = try? Manifest.hashFile(path) {
        if now.sha256 != sha { problems.append("\(kind) '\(path)' changed: SHA-256 \(now.sha256), recorded \(sha)") }
      } else {
        problems.append("\(kind) '\(path)' cannot be read")
      }
    }
    if !problems.isEmpty {
      for problem in problems { printError("winnow verify: " + problem) }
      throw ExitCode(WinnowExit.runFailed)
    }
    // 4. Re-run into a temporary directory.
    let scratch = NSTemporaryDirectory() + "/winnow-verify-\(getpid())"
    try? FileManager.default.removeItem(atPath: scratch)
    RunCancellation.onStop { try? FileManager.default.removeItem(atPath: scratch) }
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    // The same file names (so the same compression) and shard limits as the recorded run.
    var pipeline = loaded
    func name(_ path: String, _ fallback: String) -> String {
      let last = (path as NSString).lastPathComponent
      return last.isEmpty ? fallback : last
    }
    pipeline.output.path = scratch + "/output/" + name(recorded.output.path, "clean.jsonl")
    pipeline.output.rejects = scratch + "/rejects/" + name(recorded.rejects.path, "rejects.jsonl")
    let recordedJobs = recorded.jobs ?? ProcessInfo.processInfo.activeProcessorCount
    let summary = try Runner(pipeline: pipeline, options: RunOptions(jobs: max(1, jobs ?? recordedJobs), progress: false)).run()
    var same = true
    if summary.outputSHA256 != recordedOutput {
      same = false
      printError("winnow verify: the output differs: SHA-256 \(summary.outputSHA256), recorded \(recordedOutput)")
      printError("  " + firstDifference(recorded: recorded.output, now: Self.paths(summary.outputShards, pipeline.output.path)))
    }
    if summary.rejectsSHA256 != recordedRejects {
      same = false
      printError("winnow verify: the rejects differ: SHA-256 \(summary.rejectsSHA256), recorded \(recordedRejects)")
      printError("  " + firstDifference(recorded: recorded.rejects, now: Self.paths(summary.rejectsShards, pipeline.output.rejects)))
    }
    // The files themselves, for a compressed or sharded output: the same split and bytes.
    for (name, section, now) in [("output", recorded.output, summary.outputShards), ("rejects", recorded.rejects, summary.rejectsShards)] {
      guard let shards = section.shards else { continue }
      if shards.count != now.count {
        same = false
        printError("winnow verify: the \(name) has \(now.count) files, the manifest recorded \(shards.count)")
        continue
      }
      for (old, new) in zip(shards, now) where old.sha256 != new.sha256 {
        same = false
        printError("winnow verify: \(name) file '\(old.path)' differs: SHA-256 \(new.sha256), recorded \(old.sha256)")
      }
    }
    guard same else { throw ExitCode(WinnowExit.runFailed) }
    let files = recorded.output.files.count > 1 ? " in \(recorded.output.files.count) shards" : ""
    print("winnow verify: identical: \(summary.kept) records\(files) (SHA-256 \(recordedOutput)) and \(summary.rejected) rejects, from \(inputs.count) inputs with the recorded SHA-256")
  }

  static func paths(_ shards: [OutputShard], _ path: String) -> [String] {
    shards.isEmpty ? [path] : shards.map(\.path)
  }

  /// The first record where the re-run's files and the recorded ones differ, when the
  /// recorded files are still there as they were written.
  func firstDifference(recorded section: RunManifest.Output, now: [String]) -> String {
    let files = section.files
    guard !files.isEmpty, !section.path.isEmpty else { return "the manifest does not name the recorded files" }
    // Each file as written: the shards' own SHA-256, or the one file's.
    let expected: [String?] = section.shards?.map(\.sha256) ?? [section.sha256]
    for (path, sha) in zip(files, expected) {
      guard let hashed = try? Manifest.hashFile(path), hashed.sha256 == sha else {
        return "the recorded file '\(path)' is no longer there as it was written, so records cannot be compared"
      }
    }
    let old = RecordLines(paths: files)
    let new = RecordLines(paths: now)
    var index = 0
    do {
      while true {
        let a = try old.next()
        let b = try new.next()
        if a == nil && b == nil { break }
        index += 1
        if a != b {
          func id(_ line: [UInt8]?) -> String {
            guard let line, let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { return "(none)" }
            return (object["id"] as? String).map { "'\($0)'" } ?? "(no id)"
          }
          return "first difference at record \(index): recorded \(id(a)), now \(id(b))"
        }
      }
    } catch {
      return "cannot read the files to compare records: \(error)"
    }
    return "the records are the same but the bytes are not (line endings?)"
  }
}
