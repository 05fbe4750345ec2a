import WinnowCore

/// The corpus line counts as a learned state (`winnow learn state` / `merge`, `--learned`):
/// `site` entries count a site's documents, `line` entries the documents of a site that have
/// a line; keys are the 64-bit hashes in hex (the site's, and the line's within its site).
extension CorpusLineCounts: MergeableLearner {
  func stateEntries() -> [(kind: String, key: String, count: UInt64)] {
    learning.withLock { state in
      state.groups.map { ("site", String($0.key, radix: 16), UInt64($0.value)) }
        + state.lines.map { ("line", String($0.key, radix: 16), UInt64($0.value)) }
    }
  }

  func add(kind: Substring, key: Substring, count: UInt64) throws(RunError) {
    guard let hash = UInt64(key, radix: 16) else { throw RunError("boilerplate: learned state key '\(key)' is not a 64-bit hex hash") }
    let count = UInt32(clamping: count)
    switch kind {
    case "site": learning.withLock { $0.groups[hash, default: 0] = $0.groups[hash, default: 0].addingSaturating(count) }
    case "line": learning.withLock { $0.lines[hash, default: 0] = $0.lines[hash, default: 0].addingSaturating(count) }
    default: throw RunError("boilerplate: unknown learned state kind '\(kind)' (expected 'site' or 'line')")
    }
  }

  func keepsAfterLearning(kind: Substring, count: UInt64) -> Bool {
    kind != "line" || count >= UInt64(minDocs)
  }
}

extension UInt32 {
  fileprivate func addingSaturating(_ other: UInt32) -> UInt32 {
    let (sum, overflow) = addingReportingOverflow(other)
    return overflow ? .max : sum
  }
}
