import Foundation
import WinnowCore

/// The separate phases of `winnow dedup`, for running them as shards on several machines.
public enum DedupPhases {
  /// The pipeline's dedup stage, or an error naming the problem.
  static func stage(_ pipeline: Pipeline) throws(RunError) -> DedupStage {
    guard let stage = pipeline.stages.last?.stage as? DedupStage else {
      throw RunError("'\(pipeline.file)' has no 'dedup' stage at its end")
    }
    return stage
  }

  /// The shards' files found in `directory`, sorted by shard.
  public static func shardFiles(_ directory: String) throws(RunError) -> [CorpusFiles] {
    let names: [String]
    do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
      throw RunError("cannot list '\(directory)': \(error.localizedDescription)")
    }
    var shards: [Shard] = []
    for name in names where name.hasPrefix("records-") && name.hasSuffix(".bin") {
      let middle = name.dropFirst("records-".count).dropLast(".bin".count).replacingOccurrences(of: "-of-", with: "/")
      if let shard = Shard(parsing: middle.split(separator: "/").map { String(Int($0) ?? -1) }.joined(separator: "/")) {
        shards.append(shard)
      }
    }
    guard !shards.isEmpty else {
      throw RunError("no records in '\(directory)': run 'winnow dedup signatures --shard i/N --work \(directory)' first")
    }
    return shards.sorted { $0.index < $1.index }.map { CorpusFiles.inDirectory(directory, shard: $0) }
  }

  public static func bandsPath(_ directory: String, band: Int) -> String {
    directory + "/pairs-band-\(band).bin"
  }

  public static func decisionsPath(_ directory: String) -> String {
    directory + "/decisions.jsonl"
  }

  /// How many bands the pipeline's dedup stage uses (0 with near: false).
  public static func bands(_ pipeline: Pipeline) throws(RunError) -> Int {
    let stage = try stage(pipeline)
    return stage.config.near ? stage.config.bands : 0
  }

  /// Phase 2 for one band: returns the number of candidate pairs written.
  public static func buckets(_ pipeline: Pipeline, directory: String, band: Int) throws(RunError) -> Int {
    let stage = try stage(pipeline)
    let files = try shardFiles(directory)
    return try stage.bucketPhase(files: files, band: band, output: bandsPath(directory, band: band))
  }

  /// One shard's records split by group (see `DedupStage.subsetPhase`).
  public static func subset(_ pipeline: Pipeline, directory: String, shard: Shard, groups: [UInt64: Int], groupCount: Int, output: String) throws(RunError) -> [Int] {
    let stage = try stage(pipeline)
    return try stage.subsetPhase(files: CorpusFiles.inDirectory(directory, shard: shard), groups: groups, groupCount: groupCount, output: output)
  }

  /// One shard's bucket keys to `write` (see `DedupStage.keysPhase`).
  public static func keys(
    _ pipeline: Pipeline, directory: String, shard: Shard, exact: Bool = false, columns: Bool = false, write: ([UInt8]) -> Void
  ) throws(RunError) -> Int {
    let stage = try stage(pipeline)
    return try stage.keysPhase(files: [CorpusFiles.inDirectory(directory, shard: shard)], exact: exact, columns: columns, write: write)
  }

  /// Every band's pairs from another engine ('band TAB ordinal TAB ordinal' lines), read from
  /// `path`.
  public static func pairs(_ pipeline: Pipeline, directory: String, from path: String) throws(RunError) -> Int {
    let stage = try stage(pipeline)
    return try stage.pairsPhase(lines: try LineReader(path: path)) { bandsPath(directory, band: $0) }
  }

  /// A band's pairs from another engine, read from `path` ("-": standard input).
  public static func pairs(_ pipeline: Pipeline, directory: String, band: Int, from path: String) throws(RunError) -> Int {
    let stage = try stage(pipeline)
    return try stage.pairsPhase(band: band, lines: try LineReader(path: path), output: bandsPath(directory, band: band))
  }

  /// Phase 3: returns the number of documents and of decisions written.
  public static func clusters(_ pipeline: Pipeline, directory: String) throws(RunError) -> (documents: Int, decisions: Int) {
    let stage = try stage(pipeline)
    // A failed clusters phase must not leave an older run's decisions for filter to use.
    unlink(decisionsPath(directory))
    let files = try shardFiles(directory)
    var paths: [Int: String] = [:]
    if stage.config.near {
      for band in 0..<stage.config.bands {
        let path = bandsPath(directory, band: band)
        if FileManager.default.fileExists(atPath: path) { paths[band] = path }
      }
    }
    // Pairs from before the latest signatures phase belong to other records.
    try requireNewer(Array(paths.values), than: files.map(\.records), phase: "buckets")
    return try stage.clusterPhase(files: files, edgePaths: paths, output: decisionsPath(directory))
  }

  /// Before `filter`: the decisions must come from the records and pairs now in `directory`.
  public static func checkDecisions(_ directory: String) throws(RunError) {
    let decisions = decisionsPath(directory)
    guard FileManager.default.fileExists(atPath: decisions) else {
      throw RunError("no '\(decisions)': run 'winnow dedup clusters' first")
    }
    let files = try shardFiles(directory)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    let pairs = names.filter { $0.hasPrefix("pairs-band-") }.map { directory + "/" + $0 }
    try requireNewer([decisions], than: files.map(\.records) + pairs, phase: "clusters")
  }

  /// Each of `files` must be at least as new as every one of `inputs` (as make decides).
  static func requireNewer(_ files: [String], than inputs: [String], phase: String) throws(RunError) {
    func modified(_ path: String) -> Date? {
      (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
    guard let newestInput = inputs.compactMap(modified).max() else { return }
    for file in files {
      if let date = modified(file), date < newestInput {
        throw RunError("'\(file)' is older than the records it should come from (a signatures phase ran since): run 'winnow dedup \(phase)' again")
      }
    }
  }
}
