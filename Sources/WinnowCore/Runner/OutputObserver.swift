/// Sees a run's output while it is written, so checks over the output (the gates) need no
/// second read of it: the writer hands every clean record to `observe` as it writes it.
public protocol OutputObserver: AnyObject {
  /// Whole clean records (JSONL lines, each ending in a newline) in output order, as written.
  func observe(records: [UInt8]) throws(RunError)
  /// A corpus stage has decided and its files are still in place, before the output is
  /// written: `decisions` sorted by ordinal (documents without one are kept).
  func corpusDecided(_ stage: any CorpusStage, files: [CorpusFiles], decisions: [CorpusDecision]) throws(RunError)
}
