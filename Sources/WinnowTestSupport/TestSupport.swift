import Foundation
import Testing
import WinnowCore

/// A directory under the system's temporary directory, removed when released.
public final class TemporaryDirectory {
  public let path: String

  public init() throws {
    let base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("winnow-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    path = base.path
  }

  /// Writes `contents` to `name` (creating folders) and returns the full path.
  @discardableResult
  public func write(_ name: String, _ contents: String) throws -> String {
    try write(name, Array(contents.utf8))
  }

  @discardableResult
  public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let full = path + "/" + name
    try FileManager.default.createDirectory(
      atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    guard FileManager.default.createFile(atPath: full, contents: Data(bytes)) else {
      throw CocoaError(.fileWriteUnknown)
    }
    return full
  }

  public func read(_ name: String) throws -> String {
    try String(contentsOfFile: path + "/" + name, encoding: .utf8)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }
}

/// Reads a JSONL file into objects.
public func readJSONLines(_ path: String) throws -> [[String: Any]] {
  let text = try String(contentsOfFile: path, encoding: .utf8)
  return try text.split(separator: "\n").map { line in
    guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
      throw CocoaError(.propertyListReadCorrupt)
    }
    return object
  }
}

/// Stages for engine tests, so WinnowCore is tested without the real stages.
public enum FakeStages {
  /// `decode`: bytes → UTF-8 text (lossy), records "UTF-8".
  public struct DecodeConfig: StageConfig {
    public static let name = "decode"
    public static let summary = "test decode"
    public static let reasons = [DropReason("empty", "no bytes")]
    public static let input = StageInput.bytesOrText
    public static let options: [OptionSpec] = []
    public init(options: StageOptions) throws(OptionError) {}
    public func build(_ context: StageContext) throws(OptionError) -> any DocumentStage { Decode() }

    struct Decode: DocumentStage {
      func process(_ document: inout Document) -> Verdict {
        if let bytes = document.bytes {
          if bytes.isEmpty { return .drop("empty", detail: "0 bytes") }
          document.text = String(decoding: bytes, as: UTF8.self)
          document.bytes = nil
        }
        document.source.encoding = "UTF-8"
        return .keep
      }
    }
  }

  /// `keyword_filter`: drops documents containing `keyword`; options of every type.
  public struct KeywordFilterConfig: StageConfig {
    public static let name = "keyword_filter"
    public static let summary = "test filter"
    public static let reasons = [DropReason("keyword", "the text contains 'keyword'"), DropReason("too_short", "fewer than 'min_words' words")]
    public static let options: [OptionSpec] = [
      OptionSpec("keyword", .string, default: .string("spam"), "drop documents containing this"),
      OptionSpec("min_words", .int(0...1000), default: .int(0), "minimum words"),
      OptionSpec("max_ratio", .double(0...1), default: .double(0.5), "a ratio"),
      OptionSpec("mode", .choice(["strict", "lenient"]), default: .string("strict"), "a choice"),
      OptionSpec("enabled", .bool, default: .bool(true), "a switch"),
      OptionSpec("tags", .stringList(allowed: ["a", "b"]), default: .strings([]), "a list"),
      OptionSpec("rules", .path, default: .string("rules.yaml"), "a path"),
    ]
    let keyword: String
    let minWords: Int

    public init(options: StageOptions) throws(OptionError) {
      keyword = options.string("keyword")
      minWords = options.int("min_words")
      if keyword.count > 20 { throw OptionError(option: "keyword", "keyword is longer than 20 characters") }
    }

    public func build(_ context: StageContext) throws(OptionError) -> any DocumentStage {
      Filter(keyword: keyword, minWords: minWords)
    }

    struct Filter: DocumentStage {
      let keyword: String
      let minWords: Int
      func process(_ document: inout Document) -> Verdict {
        guard let text = document.text else { return .keep }
        if text.contains(keyword) { return .drop("keyword", detail: "contains '\(keyword)'", rule: keyword) }
        if text.split(separator: " ").count < minWords { return .drop("too_short") }
        document.count("seen")
        return .keep
      }
    }
  }

  /// `slow`: sleeps `microseconds` per document, so the reader can run ahead of the workers.
  public struct SlowConfig: StageConfig {
    public static let name = "slow"
    public static let summary = "test stage that takes its time"
    public static let reasons: [DropReason] = []
    public static let options: [OptionSpec] = [
      OptionSpec("microseconds", .int(0...1_000_000), default: .int(1000), "sleep per document")
    ]
    let microseconds: Int
    public init(options: StageOptions) throws(OptionError) { microseconds = options.int("microseconds") }
    public func build(_ context: StageContext) throws(OptionError) -> any DocumentStage { Slow(microseconds: microseconds) }

    struct Slow: DocumentStage {
      let microseconds: Int
      func process(_ document: inout Document) -> Verdict {
        usleep(UInt32(microseconds))
        return .keep
      }
    }
  }

  public static let registry = StageRegistry([DecodeConfig.self, KeywordFilterConfig.self, SlowConfig.self])
}

/// The `winnow` binary the end-to-end tests run: $WINNOW_BINARY, else the debug build.
public func winnowBinary() -> String {
  if let path = ProcessInfo.processInfo.environment["WINNOW_BINARY"], !path.isEmpty { return path }
  return packageRoot() + "/.build/debug/winnow"
}

/// The repository root (this file is Sources/WinnowTestSupport/TestSupport.swift).
public func packageRoot() -> String {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

/// The folder beside the repository that holds the five real scraped pages (`seeds/`) and the
/// command-line contract check: $WINNOW_SHARED, else `../shared`. A user's clone has none; CI
/// re-runs the tests with WINNOW_SHARED naming a folder that does not exist, as a user's clone.
public func sharedFolder() -> String {
  if let path = ProcessInfo.processInfo.environment["WINNOW_SHARED"], !path.isEmpty {
    return URL(fileURLWithPath: path).standardizedFileURL.path
  }
  return URL(fileURLWithPath: packageRoot() + "/../shared").standardizedFileURL.path
}

/// The five real scraped pages (`seeds/` in `sharedFolder()`), or nil when there is no such
/// folder: tests that need them are skipped by name there
/// (`.enabled(if: sharedSeeds != nil, sharedSeedsSkip)`), tests that only add them read the
/// samples alone.
public let sharedSeeds: String? = {
  let path = sharedFolder() + "/seeds"
  var isDirectory: ObjCBool = false
  return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue ? path : nil
}()

/// Why a seed test is skipped; `make test` and CI count the skipped tests by its first words.
public let sharedSeedsSkip = Comment(
  rawValue: "needs the real seed pages: \(sharedFolder())/seeds is not there (a user's clone has no ../shared; WINNOW_SHARED names another folder)")

public struct ProcessResult {
  public init(status: Int32, stdout: String, stderr: String) {
    self.status = status
    self.stdout = stdout
    self.stderr = stderr
  }

  public var status: Int32
  public var stdout: String
  public var stderr: String
  /// stdout as it came, for output that is not text.
  public var stdoutBytes: [UInt8] = []
}

/// Runs the winnow binary with `arguments`, in `directory`, feeding `input` on stdin.
public func runWinnow(_ arguments: [String], in directory: String? = nil, input: [UInt8]? = nil) throws -> ProcessResult {
  try runProcess(winnowBinary(), arguments, in: directory, input: input)
}

/// Runs `executable` with `arguments` in `directory` (nil: this process's), with `environment`
/// (nil: this process's), feeding `input` on stdin, and returns its exit status and output.
/// stdin is written and stderr read on threads of their own while stdout is read here: a child
/// that fills one pipe (64 KB) while its parent waits on another would wait for ever.
public func runProcess(
  _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil,
  input: [UInt8]? = nil
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
  if let environment { process.environment = environment }
  let out = Pipe(), err = Pipe(), inPipe = Pipe()
  process.standardOutput = out
  process.standardError = err
  process.standardInput = inPipe
  try process.run()
  let writer = inPipe.fileHandleForWriting
  let wrote = onThread {
    if let input { try? writer.write(contentsOf: Data(input)) }
    try? writer.close()
  }
  let errBytes = Bytes()
  let errReader = err.fileHandleForReading
  let readErr = onThread { errBytes.data = errReader.readDataToEndOfFile() }
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  readErr.wait()
  wrote.wait()
  process.waitUntilExit()
  var result = ProcessResult(
    status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errBytes.data, as: UTF8.self))
  result.stdoutBytes = [UInt8](outData)
  return result
}

/// Data filled by one thread and read by another after `wait()` on its semaphore.
private final class Bytes: @unchecked Sendable {
  var data = Data()
}

/// Runs `body` on a new thread (not a shared pool, whose threads blocked reads could use up);
/// the semaphore is signalled when it returns.
private func onThread(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
  let done = DispatchSemaphore(value: 0)
  let thread = Thread {
    body()
    done.signal()
  }
  thread.start()
  return done
}

/// Swift compares strings by canonical equivalence ("한" == "한" in NFD): tests of text
/// transformations compare bytes.
extension Optional where Wrapped == String {
  public var utf8Bytes: [UInt8]? { map { Array($0.utf8) } }
}

extension String {
  public var utf8Bytes: [UInt8] { Array(utf8) }
}

/// SHA-256 of bytes, hex, computed by /usr/bin/sha256sum (independent of winnow's own code).
public func sha256sum(_ data: Data) -> String {
  let result = try? runProcess("/usr/bin/sha256sum", [], input: [UInt8](data))
  return String((result?.stdout ?? "").prefix(64))
}
