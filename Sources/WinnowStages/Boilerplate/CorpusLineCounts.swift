import Synchronization
import WinnowCore

struct CorpusLineSettings: Sendable {
  var minDocs: Int
  var minShare: Double
  var maxChars: Int
  /// Share of documents the first pass reads (chosen by a hash of the id, so the same every run).
  var sample: Double = 1
}

/// Line frequencies per site, learned in a first pass (CCNet's paragraph-hash dedup, per
/// site instead of per shard): a line found in `minDocs` documents of one site, and in
/// `minShare` of them, is that site's boilerplate. Memory: one 8-byte key and a 4-byte count
/// per distinct short line (lines longer than `maxChars` are never counted).
final class CorpusLineCounts: CorpusLearner, @unchecked Sendable {
  let settings: CorpusLineSettings
  /// Counts while learning: documents per site, and per (site, line) key (`CorpusLineState`
  /// writes and adds them).
  let learning = Mutex<(lines: [UInt64: UInt32], groups: [UInt64: UInt32])>(([:], [:]))
  /// Written once by `finishLearning`, before the second pass's workers start; read-only after.
  private var groupSizes: [UInt64: UInt32] = [:]
  private var lineCounts: [UInt64: UInt32] = [:]

  init(_ settings: CorpusLineSettings) {
    self.settings = settings
  }

  /// The site a document belongs to: its JSONL file, or the directory holding it.
  static func group(of document: Document) -> UInt64 {
    if document.source.line != nil { return fnv1a(document.source.path.utf8) }
    let path = document.source.path
    if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) { return fnv1a(path.utf8[..<slash]) }
    return fnv1a("".utf8)
  }

  static func fnv1a<C: Collection>(_ bytes: C, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 where C.Element == UInt8 {
    // Through contiguous storage when there is one: iterating a String's UTF8View costs
    // more than the hash itself.
    if let hash = bytes.withContiguousStorageIfAvailable({ buffer in
      var hash = seed
      for byte in buffer { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
      return hash
    }) {
      return hash
    }
    var hash = seed
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    return hash
  }

  func key(_ line: Substring, group: UInt64) -> UInt64 { line.byteHash(seed: group ^ 0x9e37_79b9_7f4a_7c15) }

  /// A deterministic sample: a hash of the id below `sample` (`wants(_ document:)` asks this).
  func wants(id: String) -> Bool {
    settings.sample >= 1 || Double(Self.fnv1a(id.utf8) % 10_000) < settings.sample * 10_000
  }

  func observe(_ document: Document) {
    guard let text = document.text else { return }
    let group = Self.group(of: document)
    var keys = Set<UInt64>()
    for raw in text.lines {
      let line = raw.trimmingSpaces
      if line.isEmpty || line.scalarCount > settings.maxChars { continue }
      keys.insert(key(line, group: group))
    }
    learning.withLock { state in
      state.groups[group, default: 0] += 1
      for key in keys { state.lines[key, default: 0] += 1 }
    }
  }

  func finishLearning() {
    learning.withLock { state in
      let minDocs = self.minDocs
      groupSizes = state.groups
      lineCounts = state.lines.filter { $0.value >= minDocs }
      state = ([:], [:])
    }
  }

  /// The documents a line needs to be counted boilerplate. With a sample, `minDocs` is
  /// scaled to the sample (at least 2 sampled documents).
  var minDocs: UInt32 {
    UInt32(clamping: max(2, Int((Double(settings.minDocs) * min(1, settings.sample)).rounded(.up))))
  }

  func isBoilerplate(_ line: Substring, group: UInt64) -> Bool { share(line, group: group) != nil }

  /// The share of its site's documents that have this line, when it is boilerplate.
  func share(_ line: Substring, group: UInt64) -> Double? {
    guard line.scalarCount <= settings.maxChars else { return nil }
    let key = key(line, group: group)
    guard let count = lineCounts[key], let size = groupSizes[group], size > 0 else { return nil }
    let share = Double(count) / Double(size)
    return share >= settings.minShare ? share : nil
  }
}

extension BoilerplateStage: LearningStage {
  var learner: (any CorpusLearner)? { corpus }
}
