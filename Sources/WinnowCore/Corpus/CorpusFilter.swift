import Foundation

/// The last phase of a corpus stage: copies one shard's clean records to the output with the
/// stage's field added, and writes the dropped ones to the rejects file, in input order.
public enum CorpusFilter {
  public struct Counts: Sendable, Equatable {
    public var kept = 0
    public var dropped = 0
    public var droppedByReason: [String: Int] = [:]
    public var seconds = 0.0
  }

  /// `decisions` sorted by ordinal; those of other shards are skipped.
  static func run(
    files: CorpusFiles, decisions: [CorpusDecision], field: String, stageName: String,
    output: OutputFile, rejects: OutputFile
  ) throws(RunError) -> Counts {
    let started = monotonicNanoseconds()
    var counts = Counts()
    let documents = try LineReader(path: files.documents)
    let ids = try LineReader(path: files.ids)
    var next = 0
    var clean = JSONWriter(capacity: 1 << 20)
    var dropped = JSONWriter(capacity: 1 << 16)
    var keptInBuffer = 0
    var droppedInBuffer = 0
    while let idLine = try ids.next() {
      guard let line = try documents.next() else {
        throw RunError("'\(files.documents)' has fewer records than '\(files.ids)': the shard's files do not belong together")
      }
      guard let tab = idLine.firstIndex(of: 0x09), let ordinal = UInt64(String(decoding: idLine[..<tab], as: UTF8.self)),
        let id = JSONLineParser.stringValue(idLine[(tab + 1)...])
      else {
        throw RunError("'\(files.ids)': malformed line (expected ordinal, tab, JSON string)")
      }
      while next < decisions.count, decisions[next].ordinal < ordinal { next += 1 }
      let decision = next < decisions.count && decisions[next].ordinal == ordinal ? decisions[next] : nil
      guard let (record, slot) = CorpusDocumentLine.split(line) else {
        throw RunError("'\(files.documents)': a line without the place of the corpus stage's field: not written by this winnow")
      }
      if let decision, !decision.keep {
        try reject(Array(record), decision: decision, stageName: stageName, into: &dropped, file: files.documents)
        counts.dropped += 1
        counts.droppedByReason[decision.reason, default: 0] += 1
        droppedInBuffer += 1
      } else {
        let added = RecordEncoder.clean(
          record, corpusField: field, cluster: decision?.cluster ?? id, size: decision?.size ?? 1, at: slot, into: &clean)
        guard added else { throw RunError("'\(files.documents)': a record without \"sha256\" where its line says: not written by winnow") }
        counts.kept += 1
        keptInBuffer += 1
      }
      if clean.bytes.count >= 1 << 20 {
        try output.write(clean.bytes, records: keptInBuffer)
        clean.bytes.removeAll(keepingCapacity: true)
        keptInBuffer = 0
      }
      if dropped.bytes.count >= 1 << 16 {
        try rejects.write(dropped.bytes, records: droppedInBuffer)
        dropped.bytes.removeAll(keepingCapacity: true)
        droppedInBuffer = 0
      }
    }
    if try documents.next() != nil {
      throw RunError("'\(files.documents)' has more records than '\(files.ids)': the shard's files do not belong together")
    }
    try output.write(clean.bytes, records: keptInBuffer)
    try rejects.write(dropped.bytes, records: droppedInBuffer)
    counts.seconds = Double(monotonicNanoseconds() &- started) / 1e9
    return counts
  }

  /// A reject row for a clean record the corpus stage dropped: the same fields as other
  /// rejects (id, source, stage, reason, detail, text, pass-through fields), plus the id of
  /// the document kept instead, the estimated similarity to it, and the metadata fields of
  /// the clean record. `text` is the cleaned text (what was compared), not the raw input.
  static func reject(_ line: [UInt8], decision: CorpusDecision, stageName: String, into writer: inout JSONWriter, file: String)
    throws(RunError)
  {
    let members: [JSONLineParser.Member]
    do {
      members = try JSONLineParser.parseObject(line)
    } catch {
      throw RunError("'\(file)': a record is not valid JSON (\(error)): not written by winnow")
    }
    func value(_ key: String) -> ArraySlice<UInt8>? { members.first { $0.key == key }?.value }
    var first = true
    writer.raw("{")
    writer.key("id", first: &first)
    writer.raw(Array(value("id") ?? ArraySlice("\"\"".utf8)))
    if let source = value("source") {
      writer.key("source", first: &first)
      writer.raw(Array(source))
    }
    writer.key("stage", first: &first)
    writer.string(stageName)
    writer.key("reason", first: &first)
    writer.string(decision.reason)
    writer.key("detail", first: &first)
    let similarity = formatSimilarity(decision.similarity)
    let how = decision.reason == "duplicate" ? "same normalized text" : decision.method == "exact" ? "exact" : "estimated from signatures"
    writer.string("Jaccard similarity \(similarity) (\(how)) with the kept document \(decision.cluster)")
    writer.key("kept", first: &first)
    writer.string(decision.cluster)
    writer.key("similarity", first: &first)
    writer.raw(Array(similarity.utf8))
    if let text = value("text") {
      writer.key("text", first: &first)
      writer.raw(Array(text))
    }
    // The metadata found for it, so a dropped copy's title and date are not lost.
    for key in ["title", "published", "authors", "outlet", "url", "lang", "lang_score"] {
      if let field = value(key) {
        writer.key(key, first: &first)
        writer.raw(Array(field))
      }
    }
    // Pass-through fields come after "sha256" in a clean record.
    if let hash = members.firstIndex(where: { $0.key == "sha256" }) {
      for member in members[(hash + 1)...] {
        writer.key(member.key, first: &first)
        writer.raw(Array(member.value))
      }
    }
    writer.raw("}\n")
  }

  /// Three decimals, trailing zeros dropped ("0.875", "1"): the same bytes on every platform.
  static func formatSimilarity(_ value: Double) -> String {
    let thousandths = Int((min(max(value, 0), 1) * 1000).rounded())
    if thousandths == 1000 { return "1" }
    if thousandths == 0 { return "0" }
    var text = String(thousandths)
    text = String(repeating: "0", count: 3 - text.count) + text
    while text.hasSuffix("0") { text.removeLast() }
    return "0." + text
  }

}

/// The decisions file between `winnow dedup clusters` and `winnow dedup filter`: one JSON
/// object per document in a group of two or more, sorted by ordinal.
public enum CorpusDecisionsFile {
  public static func write(_ decisions: [CorpusDecision], to path: String) throws(RunError) {
    let file = try OutputFile(path: path)
    var writer = JSONWriter(capacity: 1 << 16)
    for decision in decisions {
      var first = true
      writer.raw("{")
      writer.key("ordinal", first: &first)
      writer.raw(Array(String(decision.ordinal).utf8))
      writer.key("keep", first: &first)
      writer.raw(decision.keep ? "true" : "false")
      writer.key("cluster", first: &first)
      writer.string(decision.cluster)
      writer.key("size", first: &first)
      writer.int(decision.size)
      if !decision.keep {
        writer.key("reason", first: &first)
        writer.string(decision.reason)
        writer.key("similarity", first: &first)
        writer.raw(Array(CorpusFilter.formatSimilarity(decision.similarity).utf8))
        writer.key("method", first: &first)
        writer.string(decision.method)
      }
      writer.raw("}\n")
      if writer.bytes.count >= 1 << 16 {
        try file.write(writer.bytes, records: 0)
        writer.bytes.removeAll(keepingCapacity: true)
      }
    }
    try file.write(writer.bytes, records: decisions.count)
    try file.commit()
  }

  /// Which documents a shard holds, from its ids file: the range of their positions, and
  /// whether they are the positions `i` mod `N` (a shard that read the whole input) or a
  /// partition's own (`signatures --positioned`: a contiguous part of the input).
  public struct Positions: Sendable {
    public var range: ClosedRange<UInt64>?
    public var shard: Shard
    public var modulo: Bool

    public init(ids path: String, shard: Shard) throws(RunError) {
      self.shard = shard
      let reader = try LineReader(path: path)
      var low = UInt64.max
      var high = UInt64.min
      var modulo = true
      while let line = try reader.next() {
        guard let tab = line.firstIndex(of: 0x09), let ordinal = UInt64(String(decoding: line[..<tab], as: UTF8.self)) else {
          throw RunError("'\(path)': malformed line (expected ordinal, tab, JSON string)")
        }
        low = min(low, ordinal)
        high = max(high, ordinal)
        if !shard.contains(ordinal) { modulo = false }
      }
      range = low <= high ? low...high : nil
      self.modulo = modulo
    }

    func holds(_ ordinal: UInt64) -> Bool {
      guard let range, range.contains(ordinal) else { return false }
      return !modulo || shard.contains(ordinal)
    }
  }

  /// Reads the decisions of the documents a shard may hold (the filter matches them to its
  /// ids; this only keeps memory to the shard's share).
  public static func read(_ path: String, for positions: Positions) throws(RunError) -> [CorpusDecision] {
    let reader = try LineReader(path: path)
    var decisions: [CorpusDecision] = []
    var lineNumber = 0
    while let line = try reader.next() {
      lineNumber += 1
      func bad(_ why: String) -> RunError { RunError("\(path):\(lineNumber): \(why)") }
      let members: [JSONLineParser.Member]
      do { members = try JSONLineParser.parseObject(line) } catch { throw bad("not valid JSON (\(error))") }
      func raw(_ key: String) -> ArraySlice<UInt8>? { members.first { $0.key == key }?.value }
      guard let ordinalRaw = raw("ordinal"), let ordinal = UInt64(String(decoding: ordinalRaw, as: UTF8.self)) else {
        throw bad("missing or bad 'ordinal'")
      }
      guard positions.holds(ordinal) else { continue }
      guard let keepRaw = raw("keep"), let cluster = raw("cluster").flatMap(JSONLineParser.stringValue),
        let sizeRaw = raw("size"), let size = Int(String(decoding: sizeRaw, as: UTF8.self))
      else { throw bad("missing 'keep', 'cluster' or 'size'") }
      let keep = String(decoding: keepRaw, as: UTF8.self) == "true"
      var decision = CorpusDecision(ordinal: ordinal, keep: keep, cluster: cluster, size: size)
      if !keep {
        guard let reason = raw("reason").flatMap(JSONLineParser.stringValue),
          let similarityRaw = raw("similarity"), let similarity = Double(String(decoding: similarityRaw, as: UTF8.self))
        else { throw bad("a dropped document needs 'reason' and 'similarity'") }
        decision.reason = reason
        decision.similarity = similarity
        decision.method = raw("method").flatMap(JSONLineParser.stringValue) ?? "estimate"
      }
      if let last = decisions.last, last.ordinal >= ordinal { throw bad("ordinals are not increasing") }
      decisions.append(decision)
    }
    return decisions
  }
}
