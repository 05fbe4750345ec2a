import Foundation
import Synchronization
import WinnowCore

/// Stage `exec`: any program as a stage. It runs once per worker and gets documents as
/// JSONL on stdin (`{"id","text",metadata…,"source",…}`); for each it writes one JSON line
/// on stdout, in order: the document (its `text` and metadata possibly changed, fields
/// added) or `{"drop": "reason"}`. The protocol is in docs/PLUGINS.md.
///
/// Faults cost a document, not the run: a program that dies is restarted and the document
/// it was working on is rejected as `plugin_crash`; an answer that is not JSON, has another
/// document's id, or does not come within `timeout_ms` rejects that document as
/// `plugin_error` or `timeout`, naming the plugin, the id and what came back, and the
/// program is restarted (its stream can no longer be trusted). After `max_restarts`
/// restarts the run stops.
struct ExecConfig: StageConfig {
  static let name = "exec"
  static let summary = "run a program as a stage: documents as JSONL on its stdin, one answer line each on its stdout (docs/PLUGINS.md)"
  static let reasons: [DropReason] = [
    .chosen("*the program's `drop`*", "the program answered `{\"id\": …, \"drop\": \"reason\", \"detail\": …}`"),
    DropReason("plugin_crash", "the program exited or was killed, or its output could not be read, while on the document (docs/PLUGINS.md)"),
    DropReason("plugin_error", "the program's answer is not a JSON object, has no `id` or another document's, or has a field winnow cannot use"),
    DropReason("plugin_failed", "the program could not be started, or failed `max_restarts` times and stopped the run"),
  ]
  static let options: [OptionSpec] = [
    OptionSpec("command", .stringList(allowed: nil), default: .strings([]),
               "the program and its arguments, run in the pipeline file's directory; required"),
    OptionSpec("name", .string, default: .string("exec"), "the stage's name in rejects, the run summary and the manifest"),
    OptionSpec("max_restarts", .int(0...1_000_000), default: .int(10),
               "restarts after a crash, a bad answer or a timeout before the run stops (counted per pass over the input)"),
    OptionSpec("startup_timeout_ms", .int(0...Int.max), default: .int(120_000),
               "the longest wait for a new program's first answer, start-up included (loading a model); 0: none"),
  ]

  let command: [String]
  let label: String
  let maxRestarts: Int
  let startupTimeout: Int

  init(options: StageOptions) throws(OptionError) {
    command = options.strings("command")
    if command.isEmpty { throw OptionError(option: "command", "'command' is required: the program and its arguments, such as [python3, filter.py]") }
    label = options.string("name")
    guard label.utf8.allSatisfy({ $0 > 0x20 && $0 != UInt8(ascii: "\"") }) else {
      throw OptionError(option: "name", "a stage name has no spaces or quotes")
    }
    maxRestarts = options.int("max_restarts")
    startupTimeout = options.int("startup_timeout_ms")
  }

  func build(_ context: StageContext) throws(OptionError) -> any DocumentStage {
    let directory = context.baseDirectory.isEmpty ? "." : context.baseDirectory
    guard let program = ExecConfig.findProgram(command[0], directory: directory) else {
      let place = command[0].contains("/") ? "(relative to the pipeline file's directory, '\(directory)')" : "on PATH"
      throw OptionError(option: "command", item: 0, "program '\(command[0])' not found or not executable \(place)")
    }
    // A program that exits while winnow writes to it must not kill winnow.
    signal(SIGPIPE, SIG_IGN)
    var arguments = command
    arguments[0] = program
    return ExecStage(label: label, arguments: arguments, directory: directory, maxRestarts: maxRestarts, startupTimeout: startupTimeout)
  }

  /// The program's path as `posix_spawnp` will find it, if it is there and executable.
  static func findProgram(_ name: String, directory: String) -> String? {
    if name.contains("/") {
      let path = name.hasPrefix("/") ? name : directory + "/" + name
      return access(path, X_OK) == 0 ? name : nil
    }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for entry in path.split(separator: ":") where access(entry + "/" + name, X_OK) == 0 { return name }
    return nil
  }
}

final class ExecStage: BatchStage, ExternalCode, @unchecked Sendable {
  let label: String?
  let arguments: [String]
  let directory: String
  let maxRestarts: Int
  /// Programs not in use by a worker; a worker takes one (or starts one) per batch.
  private let idle = Mutex<[PluginProcess]>([])
  private let restarts = Atomic<Int>(0)
  /// The longest answer line accepted.
  static let maxAnswerBytes = 256 << 20

  let startupTimeout: Int

  init(label: String, arguments: [String], directory: String, maxRestarts: Int, startupTimeout: Int) {
    self.label = label
    self.arguments = arguments
    self.directory = directory
    self.maxRestarts = maxRestarts
    self.startupTimeout = startupTimeout
  }

  /// Each pass over the input (the learning pass, the real one) has its own restart budget.
  func beginPass() {
    restarts.store(0, ordering: .relaxed)
  }

  deinit {
    for process in idle.withLock({ $0 }) { process.finish(grace: 2) }
  }

  var name: String { label ?? "exec" }

  /// The arguments that are files (the program when given as a path, a script).
  var codeFiles: [String] {
    arguments.compactMap { argument in
      let relative = argument.hasPrefix("./") ? String(argument.dropFirst(2)) : argument
      let path = argument.hasPrefix("/") ? argument : directory == "." ? relative : directory + "/" + relative
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
      return path
    }
  }

  /// One document on its own, for callers outside the runner (which hands batches to
  /// `process(batch:limits:)`), with the default limits; a stage that cannot go on drops it.
  func process(_ document: inout Document) -> Verdict {
    var one = [document]
    do throws(StageFailure) {
      let verdicts = try process(batch: &one, limits: StageLimits())
      document = one[0]
      return verdicts[0]
    } catch {
      return .drop("plugin_failed", detail: error.message)
    }
  }

  func process(batch documents: inout [Document], limits: StageLimits) throws(StageFailure) -> [Verdict] {
    var verdicts: [Verdict] = []
    verdicts.reserveCapacity(documents.count)
    /// The document a new program was last started for after an idle one ended.
    var retried = -1
    while verdicts.count < documents.count {
      var reused: PluginProcess?
      while reused == nil, let waiting = idle.withLock({ $0.popLast() }) {
        // One that exited while idle, or wrote a line nobody asked for, is replaced without
        // blaming a document it never saw.
        if waiting.isReusable() { reused = waiting } else { waiting.terminate() }
      }
      let process: PluginProcess
      if let reused {
        process = reused
      } else {
        process = try PluginProcess(arguments: arguments, directory: directory)
      }
      let before = verdicts.count
      switch exchange(process, &documents, from: verdicts.count, into: &verdicts, limits: limits) {
      case .done:
        idle.withLock { $0.append(process) }
      case .fault(let drop) where drop.reason == "plugin_crash" && reused != nil && verdicts.count == before && retried != before:
        // A program from the idle list that ends before answering anything may have ended
        // before it read this batch (a program may exit after some documents, to free memory):
        // a new one tries the same document, once, before anyone is blamed or a restart counted.
        process.terminate()
        retried = before
      case .fault(let drop):
        // The document being worked on goes to rejects; the program is replaced.
        process.terminate()
        verdicts.append(.drop(drop))
        let count = restarts.add(1, ordering: .relaxed).newValue
        if count > maxRestarts {
          throw StageFailure("plugin '\(name)' failed \(count) times (max_restarts: \(maxRestarts)); the last: \(drop.detail)")
        }
        FileHandle.standardError.write(Data("winnow: warning: stage '\(name)': \(drop.detail); restarting it (\(count) of max_restarts \(maxRestarts))\n".utf8))
      case .extraOutput(let detail):
        process.terminate()
        let count = restarts.add(1, ordering: .relaxed).newValue
        if count > maxRestarts { throw StageFailure("plugin '\(name)': \(detail)") }
        FileHandle.standardError.write(Data("winnow: warning: stage '\(name)': \(detail); restarting it\n".utf8))
      }
    }
    return verdicts
  }

  enum Exchange {
    case done
    /// The next document's answer failed: crash, bad answer or timeout.
    case fault(Drop)
    /// Every document answered, but more output followed.
    case extraOutput(String)
  }

  /// Writes documents[from...] to the program while reading its answers, until every one
  /// is answered or the program fails on one.
  func exchange(_ process: PluginProcess, _ documents: inout [Document], from: Int, into verdicts: inout [Verdict], limits: StageLimits) -> Exchange {
    var writer = JSONWriter(capacity: 1 << 16)
    for index in from..<documents.count { PluginFields.writeRecord(documents[index], into: &writer) }
    let bytes = writer.bytes
    var written = 0
    let timeout = limits.timeoutMilliseconds
    // A new program's first answer may also take its start-up time (startup_timeout_ms).
    let first = process.answered == 0
    let firstWait = first ? startupTimeout : timeout
    var deadline = firstWait > 0 ? monotonicMilliseconds() + firstWait : Int.max
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while verdicts.count < documents.count {
      var fds = [pollfd(fd: process.output, events: Int16(POLLIN), revents: 0)]
      if written < bytes.count, let input = process.input { fds.append(pollfd(fd: input, events: Int16(POLLOUT), revents: 0)) }
      let wait = deadline == Int.max ? -1 : Int32(clamping: max(0, deadline - monotonicMilliseconds()))
      let ready = poll(&fds, nfds_t(fds.count), wait)
      if ready < 0 {
        if errno == EINTR { continue }
        return .fault(fault("plugin_crash", documents[verdicts.count], "poll failed: \(String(cString: strerror(errno)))"))
      }
      if ready == 0 {
        let document = documents[verdicts.count]
        let limit = process.answered == 0 ? "startup_timeout_ms (\(startupTimeout)), its first answer" : "timeout_ms (\(timeout))"
        return .fault(Drop(reason: "timeout", detail: "plugin '\(name)' gave no answer for document '\(document.id)' within \(limit)"))
      }
      if fds.count > 1, fds[1].revents != 0, let input = process.input {
        let count = bytes.withUnsafeBufferPointer { buffer in write(input, buffer.baseAddress! + written, bytes.count - written) }
        if count > 0 {
          written += count
        } else if count < 0 && errno != EAGAIN && errno != EINTR {
          // The program closed its stdin (or died): what it still answers is read below.
          process.closeInput()
        }
      }
      if fds[0].revents != 0 {
        let count = chunk.withUnsafeMutableBufferPointer { read(process.output, $0.baseAddress, $0.count) }
        if count == 0 {
          let document = documents[verdicts.count]
          let partial = process.pending.isEmpty ? "" : "; its last output: " + preview(process.pending[...])
          return .fault(fault("plugin_crash", document, "\(process.exitDescription()) while on it\(partial)"))
        }
        if count < 0 {
          if errno == EAGAIN || errno == EINTR { continue }
          return .fault(fault("plugin_crash", documents[verdicts.count], "cannot read its output: \(String(cString: strerror(errno)))"))
        }
        process.pending.append(contentsOf: chunk[0..<count])
        var lineStart = 0
        while let newline = process.pending[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
          let line = process.pending[lineStart..<newline]
          lineStart = newline + 1
          if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
          guard verdicts.count < documents.count else {
            return .extraOutput("wrote a line after the last document's answer: \(preview(line))")
          }
          let index = verdicts.count
          switch answer(line, for: &documents[index]) {
          case .success(let verdict):
            verdicts.append(verdict)
            process.answered += 1
          case .failure(let drop): return .fault(drop)
          }
          deadline = timeout > 0 ? monotonicMilliseconds() + timeout : Int.max
        }
        process.pending.removeFirst(lineStart)
        if process.pending.count > Self.maxAnswerBytes {
          return .fault(fault("plugin_error", documents[verdicts.count], "answered with more than \(Self.maxAnswerBytes) bytes and no newline"))
        }
      }
    }
    if !process.pending.isEmpty { return .extraOutput("wrote more than one line per document: \(preview(process.pending[...]))") }
    return .done
  }

  /// Reads one answer line for `document`.
  func answer(_ line: ArraySlice<UInt8>, for document: inout Document) -> Result<Verdict, Drop> {
    let members: [JSONLineParser.Member]
    do {
      members = try JSONLineParser.parseObject(Array(line))
    } catch {
      return .failure(fault("plugin_error", document, "answered with a line that is not a JSON object (\(error)): \(preview(line))"))
    }
    let id = members.first { $0.key == "id" }.map { JSONLineParser.stringValue($0.value) ?? String(decoding: $0.value, as: UTF8.self) }
    guard let id else {
      return .failure(fault("plugin_error", document, "answered without an 'id' (every answer names its document: the document back, or {\"id\": …, \"drop\": \"reason\"}): \(preview(line))"))
    }
    if id != document.id {
      return .failure(fault("plugin_error", document, "answered for document '\(id)' when the answer for '\(document.id)' was due (answers come in input order): \(preview(line))"))
    }
    if let drop = members.first(where: { $0.key == "drop" }) {
      guard let reason = JSONLineParser.stringValue(drop.value), !reason.isEmpty else {
        return .failure(fault("plugin_error", document, "answered with a 'drop' that is not a non-empty string: \(preview(line))"))
      }
      let detail = members.first { $0.key == "detail" }.flatMap { JSONLineParser.stringValue($0.value) } ?? ""
      return .success(.drop(reason, detail: detail))
    }
    var changed = document
    do throws(PluginFieldError) {
      try PluginFields.apply(members, to: &changed)
    } catch {
      return .failure(fault("plugin_error", document, "answered with a field winnow cannot use (\(error.message)): \(preview(line))"))
    }
    document = changed
    return .success(.keep)
  }

  func fault(_ reason: String, _ document: Document, _ what: String) -> Drop {
    Drop(reason: reason, detail: "plugin '\(name)' on document '\(document.id)': \(what)")
  }

  /// The first 200 bytes of what came back, for a person.
  func preview(_ bytes: ArraySlice<UInt8>) -> String {
    let head = bytes.prefix(200)
    var text = String(decoding: head, as: UTF8.self)
    if bytes.count > head.count { text += "… (\(bytes.count) bytes)" }
    return text
  }
}

func monotonicMilliseconds() -> Int {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
}
