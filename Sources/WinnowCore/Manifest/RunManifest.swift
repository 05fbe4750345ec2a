import Foundation

/// The model of `manifest.json`, for finished and interrupted runs alike: what a run read,
/// with which configuration and tool, and what it wrote (`Manifest.build`,
/// `Manifest.interrupted`). Fields an interrupted run cannot know are nil and left out.
public struct RunManifest: Codable, Sendable, Equatable {
  public var manifestVersion = 1
  /// The tool: version, commit, ICU and libxml2 versions (`ToolInfo.fields`).
  public var winnow: [String: String]
  public var command: [String]
  public var cwd: String
  public var pipelineFile: String
  /// `Manifest.canonicalConfig`, and the SHA-256 of its canonical JSON.
  public var config: JSONValue
  public var configSHA256: String
  public var inputs: [Input]?
  public var plugins: [Plugin]?
  public var output: Output
  public var rejects: Output
  /// `RunSummary.json()` without what is recorded elsewhere in the manifest.
  public var counts: JSONValue?
  /// Every `seed` option, keyed by "stages[i].name.option".
  public var seeds: [String: JSONValue]?
  public var jobs: Int?
  public var timings: Timings?
  public var warnings: [String]?
  /// The gates' results, or why they were not checked.
  public var gates: JSONValue?
  public var interrupted: Bool
  /// The signal that stopped an interrupted run.
  public var signal: String?
  public var finished: String

  /// An input file: its size and SHA-256, or a note saying why it has none.
  public struct Input: Codable, Sendable, Equatable {
    public var path: String
    public var size: Int?
    public var sha256: String?
    public var note: String?
  }

  /// Code outside winnow that shaped the output: a plugin library, or a file an exec stage's
  /// command names.
  public struct Plugin: Codable, Sendable, Equatable {
    public var kind: String
    public var stage: String?
    public var path: String
    public var size: Int
    public var sha256: String
  }

  /// The output or the rejects file: what was written, or `written: false`.
  public struct Output: Codable, Sendable, Equatable {
    public var path: String
    public var sha256: String?
    public var records: Int?
    public var bytes: Int?
    public var written: Bool?
    /// A compressed or sharded output's files, each with its own SHA-256 (`sha256` is of the
    /// JSONL they hold); nil for one plain file.
    public var shards: [OutputShard]?

    /// The files as written: the shards, or the one file.
    public var files: [String] { shards?.map(\.path) ?? [path] }
  }

  public struct Timings: Codable, Sendable, Equatable {
    public var seconds: Double
    /// Seconds by stage name.
    public var stages: [String: Double]
  }

  enum CodingKeys: String, CodingKey {
    case manifestVersion = "manifest_version"
    case winnow, command, cwd
    case pipelineFile = "pipeline_file"
    case config
    case configSHA256 = "config_sha256"
    case inputs, plugins, output, rejects, counts, seeds, jobs, timings, warnings, gates, interrupted, signal, finished
  }

  /// The manifest as a JSON tree, as `Manifest.prettyJSON` writes it.
  public func jsonValue() throws(RunError) -> JSONValue {
    do {
      return try JSONValueEncoder.encode(self)
    } catch {
      throw RunError("cannot encode the manifest: \(error)")
    }
  }

  /// Reads a manifest file.
  public static func read(_ path: String) throws(RunError) -> RunManifest {
    guard let data = FileManager.default.contents(atPath: path) else { throw RunError("cannot read '\(path)'") }
    do {
      return try JSONDecoder().decode(RunManifest.self, from: data)
    } catch {
      throw RunError("'\(path)' is not a winnow manifest: \(error)")
    }
  }
}
