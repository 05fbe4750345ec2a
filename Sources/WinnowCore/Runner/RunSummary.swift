/// Counts for one configured stage.
public struct StageCounts: Sendable, Equatable {
  public var name: String
  public var input = 0
  public var kept = 0
  public var dropped = 0
  public var droppedByReason: [String: Int] = [:]
  /// Counters the stage reported (e.g. "mojibake_repaired").
  public var counters: [String: Int] = [:]
  /// Time spent inside the stage, summed over workers (monotonic clock around each call).
  public var seconds = 0.0
  /// The same in the first pass over the input, when a later stage learns from the corpus
  /// (the stages before it run on the documents it reads).
  public var firstPassSeconds = 0.0

  public init(name: String) { self.name = name }

  mutating func merge(_ other: StageCounts) {
    input += other.input
    kept += other.kept
    dropped += other.dropped
    for (key, value) in other.droppedByReason { droppedByReason[key, default: 0] += value }
    for (key, value) in other.counters { counters[key, default: 0] += value }
    seconds += other.seconds
  }
}

/// What a run did; printed on stderr and returned to callers.
public struct RunSummary: Sendable {
  public var documents = 0
  public var kept = 0
  public var rejected = 0
  public var inputBytes = 0
  public var outputBytes = 0
  public var seconds = 0.0
  /// Records the reader could not read (bad JSON lines, unreadable files), by reason.
  public var readFailures: [String: Int] = [:]
  /// What the reader repaired in the records it read, by kind ("lone_surrogates": escapes
  /// of lone UTF-16 surrogates, which became U+FFFD).
  public var readRepairs: [String: Int] = [:]
  public var stages: [StageCounts] = []
  public var skippedFiles: [String: Int] = [:]
  /// Things the run did differently from what the configuration asked, and why.
  public var warnings: [String] = []
  public var outputPath = ""
  public var rejectsPath = ""
  /// SHA-256 of the output and rejects files as written.
  public var outputSHA256 = ""
  public var rejectsSHA256 = ""
  /// The files of a compressed or sharded output and rejects (empty for one plain file);
  /// SHA-256 above is then that of the JSONL content, in order.
  public var outputShards: [OutputShard] = []
  public var rejectsShards: [OutputShard] = []
  /// Every input file read, in order (path as opened, path relative to its input root).
  public var inputFiles: [(path: String, relative: String)] = []
  /// Sizes and SHA-256 of the input files hashed while they were read (the rest are hashed
  /// for the manifest afterwards).
  public var inputHashes: [String: (size: Int, sha256: String)] = [:]
  /// Documents by input size: bucket b holds sizes in [2^b, 2^(b+1)) bytes (0: empty).
  public var inputLengths: [Int: Int] = [:]
  /// Removed lines by "stage/rule", counted for the first `removedLinesPerRule` distinct
  /// lines of each rule (memory stays bounded; the report shows the most frequent).
  public var removedLineCounts = RemovedLineCounts()
  public var removedLines: [String: [String: Int]] { removedLineCounts.dictionary }
  public static let removedLinesPerRule = 500

  public static func lengthBucket(_ bytes: Int) -> Int {
    bytes <= 0 ? 0 : Int.bitWidth - bytes.leadingZeroBitCount
  }

  /// A batch's counts, merged in order of first appearance (rules by name), so which lines
  /// make the first `removedLinesPerRule` is the same every run.
  mutating func addRemoved(_ batch: RemovedLineCounts) {
    for (rule, counts) in batch.rules.sorted(by: { $0.key < $1.key }) {
      for entry in counts.entries {
        removedLineCounts.add(rule: rule, text: entry.text, hash: entry.hash, count: entry.count, limit: Self.removedLinesPerRule)
      }
    }
  }
  public var jobs = 1
  /// Most batches held between reader and writer at once, and the bound on it: memory
  /// depends on these and the batch size, never on the corpus size.
  public var peakBatchesInFlight = 0
  public var maxBatchesInFlight = 0
  /// CPU seconds the reader thread spent reading the input into documents (opening,
  /// decompressing, parsing), beside `seconds` of wall time for the whole run.
  public var readSeconds = 0.0
  /// CPU seconds spent compressing the clean and rejects outputs (`.jsonl.gz`, `.jsonl.zst`).
  public var compressSeconds = 0.0
  /// The corpus stage's figures (seconds per phase, bytes hashed, index size), written under
  /// the stage's name in the JSON summary.
  public var corpusStats: [(name: String, value: Double)] = []

  public var megabytesPerSecond: Double {
    seconds > 0 ? Double(inputBytes) / 1_000_000 / seconds : 0
  }

  /// A short table for people.
  public func render() -> String {
    func megabytes(_ bytes: Int) -> String {
      let value = Double(bytes) / 1_000_000
      return value < 10 ? String(format2(value)) + " MB" : String(Int(value.rounded())) + " MB"
    }
    var lines: [String] = []
    lines.append(
      "winnow: \(documents) documents, \(megabytes(inputBytes)) in \(format2(seconds)) s "
        + "(\(format2(megabytesPerSecond)) MB/s, \(jobs) jobs): kept \(kept), rejected \(rejected)")
    if !readFailures.isEmpty {
      lines.append("  read       rejected " + describe(readFailures))
    }
    if !readRepairs.isEmpty {
      lines.append("  read       repaired " + describe(readRepairs))
    }
    let width = max(10, stages.map(\.name.count).max() ?? 0)
    for stage in stages {
      var line = "  " + stage.name.padding(width) + " in \(stage.input)  kept \(stage.kept)  dropped \(stage.dropped)"
      line += "  \(format2(stage.seconds * 1000)) ms"
      if !stage.droppedByReason.isEmpty { line += " (" + describe(stage.droppedByReason) + ")" }
      if !stage.counters.isEmpty { line += "  " + describe(stage.counters) }
      lines.append(line)
    }
    if !skippedFiles.isEmpty {
      lines.append("  skipped files: " + describe(skippedFiles))
    }
    if let corpus = stages.last, !corpusStats.isEmpty {
      lines.append("  " + corpus.name + ": " + corpusStats.map { "\($0.name) \(statText($0.name, $0.value))" }.joined(separator: ", "))
    }
    for warning in warnings { lines.append("  warning: " + warning) }
    lines.append("  wrote \(outputPath) (\(kept) records), \(rejectsPath) (\(rejected) records)")
    return lines.joined(separator: "\n")
  }

  /// The summary as JSON, for scripts and benchmarks (`winnow run --summary-json FILE`).
  public func json() -> [String: Any] {
    var json: [String: Any] = [
      "documents": documents, "kept": kept, "rejected": rejected, "input_bytes": inputBytes,
      "output_bytes": outputBytes, "seconds": seconds, "jobs": jobs, "read_failures": readFailures, "read_repairs": readRepairs,
      "skipped_files": skippedFiles, "warnings": warnings, "output": outputPath, "rejects": rejectsPath,
      "peak_batches_in_flight": peakBatchesInFlight, "read_seconds": readSeconds,
      "compress_seconds": compressSeconds,
      "stages": stages.map { stage -> [String: Any] in
        [
          "name": stage.name, "in": stage.input, "kept": stage.kept, "dropped": stage.dropped,
          "dropped_by_reason": stage.droppedByReason, "counters": stage.counters, "seconds": stage.seconds,
          "first_pass_seconds": stage.firstPassSeconds,
        ]
      },
    ]
    if let corpus = stages.last, !corpusStats.isEmpty {
      json[corpus.name] = Dictionary(corpusStats.map { ($0.name, $0.name.hasSuffix("_seconds") ? $0.value as Any : Int($0.value) as Any) }) { a, _ in a }
    }
    return json
  }

  private func statText(_ name: String, _ value: Double) -> String {
    name.hasSuffix("_seconds") ? format2(value) : String(Int(value))
  }

  private func describe(_ counts: [String: Int]) -> String {
    counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
  }
}

func format2(_ value: Double) -> String {
  let hundredths = Int((value * 100).rounded())
  let fraction = hundredths % 100
  return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

extension String {
  func padding(_ width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}

/// Removed lines counted per rule, keyed by a byte hash of the text (String keys are hashed
/// through Unicode normalization, which showed in profiles of short runs), in the order they
/// were first seen.
public struct RemovedLineCounts: Sendable {
  public struct Entry: Sendable {
    public var text: String
    public var hash: UInt64
    public var count: Int
  }

  struct Rule: Sendable {
    var index: [UInt64: Int] = [:]
    var entries: [Entry] = []
  }

  var rules: [String: Rule] = [:]

  public init() {}

  public var isEmpty: Bool { rules.isEmpty }

  /// Counts a line; a line not yet seen is taken only while its rule has fewer than `limit`.
  public mutating func add(rule: String, text: String, hash: UInt64? = nil, count: Int = 1, limit: Int = .max) {
    let key = hash ?? text.byteHash()
    rules[rule, default: Rule()].add(text: text, hash: key, count: count, limit: limit)
  }

  public var dictionary: [String: [String: Int]] {
    rules.mapValues { rule in
      var lines: [String: Int] = [:]
      for entry in rule.entries { lines[entry.text, default: 0] += entry.count }
      return lines
    }
  }
}

extension RemovedLineCounts.Rule {
  mutating func add(text: String, hash: UInt64, count: Int, limit: Int) {
    // A hash shared by two different lines (astronomically rare) keeps them apart by text.
    if let at = index[hash], entries[at].text == text {
      entries[at].count += count
    } else if entries.count < limit {
      if index[hash] == nil { index[hash] = entries.count }
      entries.append(RemovedLineCounts.Entry(text: text, hash: hash, count: count))
    }
  }
}
