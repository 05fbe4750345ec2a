/// A stage that needs the whole corpus before it can decide about any document
/// (near-duplicate removal). It runs in phases over compact per-document records, never over
/// the corpus held in memory:
///
/// 1. **record**: on the worker threads, for every document that reached it, the stage writes
///    a fixed-size record (hashes, signature); the runner writes the records, the documents'
///    ids and their clean records to files, in input order.
/// 2. **decide**: after the pass, the stage reads the record files and decides which
///    documents to keep (`CorpusOutcome`).
/// 3. **filter** (the runner's `CorpusFilter`): the clean records are copied to the output with
///    the stage's field added, and the dropped ones go to the rejects file.
///
/// The phases can also run as separate processes with files between them (`winnow dedup`),
/// and then give the same output as one `winnow run`. A corpus stage is the pipeline's last.
public protocol CorpusStage: DocumentStage {
  /// The field added to every kept record, e.g. "dedup" → `"dedup":{"cluster":…,"size":…}`.
  var field: String { get }
  /// Bytes at the start of a records file: format, the options that shape the records (so
  /// files from different settings are never mixed), the shard.
  func recordsHeader(shard: Shard) -> [UInt8]
  /// Called from any worker thread for a document that reached this stage: appends its
  /// fixed-size record to `records` and any variable-size data to `side` (positions in `side`
  /// are relative to the batch until `rebase`), and returns how many text bytes it looked at.
  func record(_ document: Document, ordinal: UInt64, into records: inout [UInt8], side: inout [UInt8]) -> Int
  /// Called on the writer thread before a batch's records are written: `sideBase` is where
  /// the batch's side bytes start in the side file.
  func rebase(_ records: inout [UInt8], sideBase: UInt64)
  /// Reads every shard's records and decides; `progress` receives one line per phase.
  func decide(_ files: [CorpusFiles], jobs: Int, log: (String) -> Void) throws(RunError) -> CorpusOutcome
}

extension CorpusStage {
  /// The default for single-document runs: a corpus stage keeps every document it sees one at
  /// a time; the runner treats it specially.
  public func process(_ document: inout Document) -> Verdict { .keep }
}

/// Which part of the input a process works on: documents whose input ordinal ≡ index mod count.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
  public var index: Int
  public var count: Int

  public init(index: Int, count: Int) {
    self.index = index
    self.count = count
  }

  public static let whole = Shard(index: 0, count: 1)

  public func contains(_ ordinal: UInt64) -> Bool {
    count == 1 || Int(ordinal % UInt64(count)) == index
  }

  public var description: String { "\(index)/\(count)" }

  /// Parses "i/N" (0 ≤ i < N).
  public init?(parsing text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, index >= 0, index < count
    else { return nil }
    self.init(index: index, count: count)
  }
}

/// The files one shard's record pass wrote.
public struct CorpusFiles: Sendable, Equatable {
  /// Fixed-size records after `recordsHeader`, one per document, in input order.
  public var records: String
  /// One line per document: its input ordinal, a tab, its id as a JSON string.
  public var ids: String
  /// The documents' clean records, in the same order, as `CorpusDocumentLine` writes them.
  public var documents: String
  /// Variable-size data the records point into (dedup: shingle sets).
  public var side: String

  public init(records: String, ids: String, documents: String, side: String) {
    self.records = records
    self.ids = ids
    self.documents = documents
    self.side = side
  }

  /// The files of shard `shard` in `directory`.
  public static func inDirectory(_ directory: String, shard: Shard) -> CorpusFiles {
    let suffix = String(format4(shard.index)) + "-of-" + format4(shard.count)
    return CorpusFiles(
      records: directory + "/records-\(suffix).bin", ids: directory + "/ids-\(suffix).tsv",
      documents: directory + "/documents-\(suffix).jsonl", side: directory + "/side-\(suffix).bin")
  }
}

/// A line of a shard's documents file: the clean record of a document that reached the corpus
/// stage, a tab, and where the stage's field goes in the record (`RecordEncoder.cleanRecord`),
/// so the filter adds the field where the encoder says, without looking into the record.
enum CorpusDocumentLine {
  static func append(_ document: Document, to writer: inout JSONWriter) {
    let slot = RecordEncoder.cleanRecord(document, into: &writer)
    writer.raw("\t")
    writer.int(slot)
    writer.raw("\n")
  }

  /// The record and the field's place in it, or nil when the line has no place at its end.
  static func split(_ line: [UInt8]) -> (record: ArraySlice<UInt8>, slot: Int)? {
    var tab = line.count - 1
    var slot = 0
    var scale = 1
    while tab >= 0, line[tab] >= 0x30, line[tab] <= 0x39, scale <= 1_000_000_000_000 {
      slot += Int(line[tab] - 0x30) * scale
      scale *= 10
      tab -= 1
    }
    guard tab >= 0, tab < line.count - 1, line[tab] == 0x09 else { return nil }
    return (line[..<tab], slot)
  }
}

func format4(_ value: Int) -> String {
  let text = String(value)
  return text.count >= 5 ? text : String(repeating: "0", count: 5 - text.count) + text
}

/// What a corpus stage decided about one document in a group of two or more; documents it
/// says nothing about are kept on their own (`size` 1).
public struct CorpusDecision: Sendable, Equatable {
  public var ordinal: UInt64
  public var keep: Bool
  /// The id of the document its group keeps (itself when kept).
  public var cluster: String
  public var size: Int
  /// For dropped documents: "duplicate", "near_duplicate".
  public var reason: String
  /// For dropped documents: similarity to the kept one.
  public var similarity: Double
  /// How `similarity` was found: "exact" (the shingle sets) or "estimate" (the signatures).
  public var method: String

  public init(
    ordinal: UInt64, keep: Bool, cluster: String, size: Int, reason: String = "", similarity: Double = 1, method: String = "exact"
  ) {
    self.ordinal = ordinal
    self.keep = keep
    self.cluster = cluster
    self.size = size
    self.reason = reason
    self.similarity = similarity
    self.method = method
  }
}

public struct CorpusOutcome: Sendable {
  /// Sorted by ordinal.
  public var decisions: [CorpusDecision]
  /// Figures for the run summary (seconds per phase, index size), in a stable order.
  public var stats: [(name: String, value: Double)]

  public init(decisions: [CorpusDecision], stats: [(name: String, value: Double)]) {
    self.decisions = decisions
    self.stats = stats
  }
}
