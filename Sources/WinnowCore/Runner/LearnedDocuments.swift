import Synchronization

/// Documents the first pass already took through the stages before a learning stage, kept
/// for the main pass so their share of the corpus is not decoded and parsed twice (with the
/// default 25% sample, a quarter of the work before the learner). Keyed by the file's path as
/// read: whole files only (txt, html), never JSONL records or standard input. Bounded in
/// bytes: past the bound, documents are taken through those stages again, with the same
/// result. The stage counts each document made travel with it, so the main pass's summary is
/// the same either way.
final class LearnedDocuments: Sendable {
  struct Entry: Sendable {
    var document: Document
    /// Counts of stages 0..<stages.count for this document alone.
    var stages: [StageCounts]
  }

  /// How many stages the entries went through (those before the learner).
  let stageCount: Int
  let maxBytes: Int
  private let state = Mutex<(entries: [String: Entry], bytes: Int)>(([:], 0))

  init(stageCount: Int, maxBytes: Int) {
    self.stageCount = stageCount
    self.maxBytes = maxBytes
  }

  /// Keeps an entry if the bound allows; false when it is full.
  func insert(_ path: String, _ entry: Entry) -> Bool {
    let size = Self.size(of: entry.document)
    return state.withLock { state in
      guard state.bytes + size <= maxBytes, state.entries[path] == nil else { return false }
      state.entries[path] = entry
      state.bytes += size
      return true
    }
  }

  /// The entries, for the main pass to read without locking.
  func snapshot() -> [String: Entry] { state.withLock { $0.entries } }

  static func size(of document: Document) -> Int {
    (document.text?.utf8.count ?? 0) + (document.bytes?.count ?? 0) + document.removed.reduce(0) { $0 + $1.text.utf8.count + 64 } + 512
  }
}
