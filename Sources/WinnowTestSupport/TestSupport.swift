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

/// The five real scraped pages beside the repository (`../shared/seeds`), or nil in a user's
/// clone, which has no `../shared`: tests that need them are skipped by name there
/// (`.enabled(if: sharedSeeds != nil, sharedSeedsSkip)`), tests that only add them read the
/// samples alone.
public let sharedSeeds: String? = {
  let path = URL(fileURLWithPath: packageRoot() + "/../shared/seeds").standardizedFileURL.path
  var isDirectory: ObjCBool = false
  return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue ? path : nil
}()

/// Why a seed test is skipped.
public let sharedSeedsSkip: Comment = "../shared/seeds is not beside this clone (a user's clone has none): skipped"

public struct ProcessResult {
  public init(status: Int32, stdout: String, stderr: String) {
    self.status = status
    self.stdout = stdout
    self.stderr = stderr
  }

  public var status: Int32
  public var stdout: String
  public var stderr: String
}

/// Runs the winnow binary with `arguments`, in `directory`, feeding `input` on stdin.
public func runWinnow(_ arguments: [String], in directory: String? = nil, input: [UInt8]? = nil) throws -> ProcessResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: winnowBinary())
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
  let out = Pipe(), err = Pipe(), inPipe = Pipe()
  process.standardOutput = out
  process.standardError = err
  process.standardInput = inPipe
  try process.run()
  if let input { inPipe.fileHandleForWriting.write(Data(input)) }
  try inPipe.fileHandleForWriting.close()
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return ProcessResult(
    status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self))
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
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
  let input = Pipe(), output = Pipe()
  process.standardInput = input
  process.standardOutput = output
  try? process.run()
  input.fileHandleForWriting.write(data)
  try? input.fileHandleForWriting.close()
  let result = output.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return String(String(decoding: result, as: UTF8.self).prefix(64))
}
