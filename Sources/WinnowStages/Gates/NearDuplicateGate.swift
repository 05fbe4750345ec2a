import Foundation
import WinnowCore

/// The near-duplicate gate: the share of records that `dedup` with its defaults (char 5-grams,
/// 128 signature values, threshold 0.8, keep the first) would drop from the output, and their ids.
///
/// Records are added as the output is written, each as `dedup` records it (signature, exact
/// hash, shingle set) into scratch files; `finish` runs dedup's decision over them. When the
/// run's own last stage is a `dedup` whose records are the ones the defaults would make (same
/// shingles, normalization, permutations, seed, hash and set limit: only bands, threshold and
/// the exact check may differ), its records of the kept documents are used instead, and no
/// signature is computed twice.
final class NearDuplicateGate {
  let dedup: DedupStage
  private let scratch: String
  private var files: CorpusFiles
  private var records: UnsafeMutablePointer<FILE>?
  private var side: UnsafeMutablePointer<FILE>?
  private var ids: UnsafeMutablePointer<FILE>?
  private var sideBytes: UInt64 = 0
  private var stopToken: Int?
  /// Records added (or taken from the run's dedup).
  private(set) var count = 0
  /// Set when the run's dedup records were used: the answer is known before the output is.
  private var reused: (dropped: Int, ids: [String])?

  init() throws(RunError) {
    let built: any DocumentStage
    do {
      built = try DedupConfig(options: StageOptions.defaults(for: DedupConfig.options)).build(StageContext(baseDirectory: "."))
    } catch {
      throw RunError("cannot build the dedup check: \(error.message)")
    }
    guard let stage = built as? DedupStage else { throw RunError("cannot build the dedup check") }
    dedup = stage
    scratch = NSTemporaryDirectory() + "/winnow-gates-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    files = CorpusFiles(records: scratch + "/records", ids: scratch + "/ids", documents: "", side: scratch + "/side")
  }

  deinit { removeScratch() }

  private func removeScratch() {
    for handle in [records, side, ids] { if let handle { fclose(handle) } }
    records = nil
    side = nil
    ids = nil
    try? FileManager.default.removeItem(atPath: scratch)
    if let stopToken { RunCancellation.remove(stopToken) }
    stopToken = nil
  }

  private func openScratch() throws(RunError) {
    let directory = scratch
    stopToken = RunCancellation.onStop { try? FileManager.default.removeItem(atPath: directory) }
    do { try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true) } catch {
      throw RunError("cannot create '\(scratch)': \(error.localizedDescription)")
    }
    func open(_ path: String) throws(RunError) -> UnsafeMutablePointer<FILE> {
      guard let handle = fopen(path, "wb") else { throw RunError("cannot write '\(path)': \(String(cString: strerror(errno)))") }
      setvbuf(handle, nil, _IOFBF, 1 << 18)
      return handle
    }
    records = try open(files.records)
    side = try open(files.side)
    ids = try open(files.ids)
    try write(dedup.recordsHeader(shard: .whole), to: records, files.records)
  }

  private func write(_ bytes: [UInt8], to handle: UnsafeMutablePointer<FILE>?, _ path: String) throws(RunError) {
    guard let handle, !bytes.isEmpty else { return }
    if bytes.withUnsafeBytes({ fwrite($0.baseAddress, 1, $0.count, handle) }) != bytes.count {
      throw RunError("cannot write '\(path)': \(String(cString: strerror(errno)))")
    }
  }

  /// One output record, in output order.
  func add(id: String, text: String) throws(RunError) {
    defer { count += 1 }
    guard reused == nil else { return }
    if records == nil { try openScratch() }
    var record: [UInt8] = []
    var set: [UInt8] = []
    let document = Document(id: id, source: SourceInfo(path: id, format: .txt), text: text)
    _ = dedup.record(document, ordinal: UInt64(count), into: &record, side: &set)
    dedup.rebase(&record, sideBase: sideBytes)
    sideBytes += UInt64(set.count)
    var line = JSONWriter(capacity: 32 + id.utf8.count)
    line.raw(Array("\(count)\t".utf8))
    line.string(id)
    line.raw("\n")
    try write(record, to: records, files.records)
    try write(set, to: side, files.side)
    try write(line.bytes, to: ids, files.ids)
  }

  /// The run's corpus stage decided: when it is a `dedup` with the records the gate's
  /// defaults make, the gate is answered from its records of the documents it keeps.
  func corpusDecided(_ stage: any CorpusStage, files shards: [CorpusFiles], decisions: [CorpusDecision]) throws(RunError) {
    guard count == 0, reused == nil, let run = stage as? DedupStage, run.config.near, shards.count == 1,
      Self.recordSettings(run.settings) == Self.recordSettings(dedup.settings)
    else { return }
    let shard = shards[0]
    try openScratch()
    // The kept documents' records, as they are (positions in the run's side file), with the
    // gate's header; their ids beside.
    let recordSize = DedupRecord.size(perms: run.config.perms)
    let headerSize = run.recordsHeader(shard: .whole).count
    guard let input = fopen(shard.records, "rb") else { throw RunError("cannot read '\(shard.records)': \(String(cString: strerror(errno)))") }
    defer { fclose(input) }
    let idLines = try LineReader(path: shard.ids)
    var header = [UInt8](repeating: 0, count: headerSize)
    var record = [UInt8](repeating: 0, count: recordSize)
    guard fread(&header, 1, headerSize, input) == headerSize else { throw RunError("'\(shard.records)' is not a dedup records file") }
    var next = 0
    var kept = 0
    while let line = try idLines.next() {
      guard fread(&record, 1, recordSize, input) == recordSize else {
        throw RunError("'\(shard.records)' has fewer records than '\(shard.ids)'")
      }
      guard let tab = line.firstIndex(of: 0x09), let ordinal = UInt64(String(decoding: line[..<tab], as: UTF8.self)) else {
        throw RunError("'\(shard.ids)': malformed line (expected ordinal, tab, JSON string)")
      }
      while next < decisions.count, decisions[next].ordinal < ordinal { next += 1 }
      if next < decisions.count, decisions[next].ordinal == ordinal, !decisions[next].keep { continue }
      try write(record, to: records, files.records)
      try write(line + [0x0A], to: ids, files.ids)
      kept += 1
    }
    fclose(records)
    fclose(ids)
    fclose(side)
    records = nil
    ids = nil
    side = nil
    let outcome = try dedup.decide([CorpusFiles(records: files.records, ids: files.ids, documents: "", side: shard.side)], jobs: 1, log: { _ in })
    reused = (outcome.decisions.filter { !$0.keep }.count, try droppedIDs(outcome.decisions))
    removeScratch()
  }

  /// The records' settings without those that only shape the decision.
  static func recordSettings(_ settings: String) -> [Substring] {
    let decisionOnly = ["bands=", "rows=", "threshold=", "exact=", "near="]
    return settings.split(separator: "\n").filter { line in !decisionOnly.contains { line.hasPrefix($0) } }
  }

  /// How many records dedup would drop, and the first five of their ids.
  func finish() throws(RunError) -> (dropped: Int, ids: [String]) {
    if let reused { return reused }
    guard records != nil else { return (0, []) }
    defer { removeScratch() }
    for (handle, path) in [(records, files.records), (side, files.side), (ids, files.ids)] {
      if let handle, fclose(handle) != 0 { throw RunError("cannot write '\(path)': \(String(cString: strerror(errno)))") }
    }
    records = nil
    side = nil
    ids = nil
    let outcome = try dedup.decide([files], jobs: 1, log: { _ in })
    return (outcome.decisions.filter { !$0.keep }.count, try droppedIDs(outcome.decisions))
  }

  /// The ids of the first five dropped records, in output order, from the scratch ids file.
  private func droppedIDs(_ decisions: [CorpusDecision]) throws(RunError) -> [String] {
    let wanted = Set(decisions.filter { !$0.keep }.prefix(5).map(\.ordinal))
    guard !wanted.isEmpty else { return [] }
    var found: [String] = []
    let lines = try LineReader(path: files.ids)
    while found.count < wanted.count, let line = try lines.next() {
      guard let tab = line.firstIndex(of: 0x09), let ordinal = UInt64(String(decoding: line[..<tab], as: UTF8.self)),
        wanted.contains(ordinal), let id = JSONLineParser.stringValue(line[(tab + 1)...])
      else { continue }
      found.append(id)
    }
    return found
  }
}
