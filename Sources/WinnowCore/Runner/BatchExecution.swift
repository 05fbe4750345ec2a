import Foundation
import WinnowNative

/// A batch's work on a worker thread: the stages over its documents (per-document stages one
/// document at a time, batch stages on all of them at once), their counts, and the records.
extension Runner {
  /// Documents read in a row, handed to one worker.
  struct Batch {
    var sequence: Int
    var items: [ReadItem]
    /// Each item's position in the whole input (for sharding and corpus stages).
    var ordinals: [UInt64] = []
  }

  /// What a worker made of one batch, written by the pass's writer in input order.
  struct BatchResult {
    var clean = JSONWriter(capacity: 1 << 16)
    var rejects = JSONWriter(capacity: 1 << 12)
    var kept = 0
    var rejected = 0
    var inputBytes = 0
    var readFailures: [String: Int] = [:]
    var readRepairs: [String: Int] = [:]
    var stages: [StageCounts]
    /// The corpus stage's records and the documents' ids, for the clean records in `clean`.
    var records: [UInt8] = []
    var side: [UInt8] = []
    var ids = JSONWriter(capacity: 0)
    var recordSeconds = 0.0
    var recordBytes = 0
    var inputLengths: [Int: Int] = [:]
    var removedLines = RemovedLineCounts()
    /// A stage that cannot go on (a plugin over its restart limit): the run stops.
    var failure: String?
  }

  /// What became of one document of a batch.
  enum Outcome {
    case alive
    case dropped(stage: String, Drop)
    case unread(Drop)
  }

  /// Runs every stage over one batch and encodes the results. Runs of per-document stages
  /// take one document at a time through all of them (it stays in cache); a `BatchStage`
  /// gets the batch's surviving documents at once.
  func process(_ batch: Batch) -> BatchResult {
    var result = BatchResult(stages: pipeline.stages.map { StageCounts(name: $0.name) })
    let corpus = self.corpus
    let documentStages = corpus == nil ? pipeline.stages.count : pipeline.stages.count - 1
    var documents: [Document] = []
    var originals: [RecordEncoder.OriginalContent] = []
    var outcomes: [Outcome] = []
    documents.reserveCapacity(batch.items.count)
    for item in batch.items {
      let document = item.document
      originals.append(document.bytes.map { .bytes($0) } ?? document.text.map { .text($0) } ?? .none)
      result.inputBytes += document.bytes?.count ?? document.text?.utf8.count ?? 0
      outcomes.append(item.drop.map { .unread($0) } ?? .alive)
      if item.loneSurrogates > 0 { result.readRepairs["lone_surrogates", default: 0] += item.loneSurrogates }
      documents.append(document)
    }
    // Documents the first pass took through the stages before the learner start at the
    // learner, with the counts they made then.
    var starts = [Int](repeating: 0, count: documents.count)
    if !learnedEntries.isEmpty {
      for (position, item) in batch.items.enumerated() where item.drop == nil {
        guard let path = item.path, let entry = learnedEntries[path] else { continue }
        documents[position] = entry.document
        for index in entry.stages.indices { result.stages[index].merge(entry.stages[index]) }
        starts[position] = learnedStageCount
      }
    }
    runStages(0..<documentStages, &documents, &outcomes, from: starts, &result)
    for position in documents.indices {
      let document = documents[position]
      let original = originals[position]
      switch outcomes[position] {
      case .unread(let drop):
        RecordEncoder.reject(document, stage: "read", drop: drop, original: original, into: &result.rejects)
        result.rejected += 1
        result.readFailures[drop.reason, default: 0] += 1
        continue
      case .dropped(let stage, let drop):
        RecordEncoder.reject(document, stage: stage, drop: drop, original: original, into: &result.rejects)
        result.rejected += 1
      case .alive:
        if let corpus {
          let ordinal = position < batch.ordinals.count ? batch.ordinals[position] : UInt64(position)
          result.stages[documentStages].input += 1
          let started = monotonicNanoseconds()
          result.recordBytes += corpus.record(document, ordinal: ordinal, into: &result.records, side: &result.side)
          let seconds = Double(monotonicNanoseconds() &- started) / 1e9
          result.recordSeconds += seconds
          result.stages[documentStages].seconds += seconds
          result.stages[documentStages].kept += 1
          result.ids.raw(Array(String(ordinal).utf8))
          result.ids.raw("\t")
          result.ids.string(document.id)
          result.ids.raw("\n")
          CorpusDocumentLine.append(document, to: &result.clean)
        } else {
          RecordEncoder.clean(document, into: &result.clean)
        }
        result.kept += 1
      }
      // For the run report: what the document was before, and which lines went.
      result.inputLengths[RunSummary.lengthBucket(original.byteCount), default: 0] += 1
      // A document's removed lines mostly share a few rules: their "stage/rule" keys are
      // made once per document, not once per line.
      var keys: [(stage: String, rule: String, key: String)] = []
      for line in document.removed {
        let key: String
        if let known = keys.first(where: { $0.stage == line.stage && $0.rule == line.rule }) {
          key = known.key
        } else {
          key = line.stage + "/" + line.rule
          keys.append((line.stage, line.rule, key))
        }
        result.removedLines.add(rule: key, text: line.text)
      }
    }
    return result
  }

  /// Runs `stages` over a batch's documents that are still alive, each from its index in
  /// `starts` on: runs of per-document stages one document at a time, a `BatchStage` on all
  /// of them at once.
  func runStages(_ stages: Range<Int>, _ documents: inout [Document], _ outcomes: inout [Outcome], from starts: [Int], _ result: inout BatchResult) {
    var index = stages.lowerBound
    while index < stages.upperBound {
      if let stage = pipeline.stages[index].stage as? any BatchStage {
        runBatchStage(index, stage, &documents, &outcomes, from: starts, &result)
        index += 1
        continue
      }
      var end = index + 1
      while end < stages.upperBound, !(pipeline.stages[end].stage is any BatchStage) { end += 1 }
      for position in documents.indices {
        guard case .alive = outcomes[position] else { continue }
        let first = max(index, starts[position])
        guard first < end else { continue }
        for stageIndex in first..<end {
          if let drop = runStage(stageIndex, &documents[position], &result) {
            outcomes[position] = .dropped(stage: pipeline.stages[stageIndex].name, drop)
            break
          }
        }
      }
      index = end
    }
  }

  /// The `max_bytes` limit of stage `index`, checked before the stage sees the document.
  func overLimit(_ index: Int, _ document: Document) -> Drop? {
    let configured = pipeline.stages[index]
    let limit = configured.limits.maxBytes
    guard limit > 0 else { return nil }
    let size = document.bytes?.count ?? document.text?.utf8.count ?? 0
    guard size > limit else { return nil }
    return Drop(reason: "too_large", detail: "\(size) bytes > stages[\(index)].\(configured.name).max_bytes (\(limit))")
  }

  /// Counts a stage's verdict on one document: kept, or dropped by reason.
  func count(_ verdict: Verdict, stage index: Int, _ document: inout Document, _ result: inout BatchResult) -> Drop? {
    if !document.counters.isEmpty {
      for (name, count) in document.counters { result.stages[index].counters[name, default: 0] += count }
      document.counters.removeAll(keepingCapacity: true)
    }
    guard case .drop(let drop) = verdict else {
      result.stages[index].kept += 1
      return nil
    }
    result.stages[index].dropped += 1
    result.stages[index].droppedByReason[drop.reason, default: 0] += 1
    return drop
  }

  /// Runs per-document stage `index` on one document; the drop, if it dropped it.
  func runStage(_ index: Int, _ document: inout Document, _ result: inout BatchResult) -> Drop? {
    let configured = pipeline.stages[index]
    let limits = configured.limits
    result.stages[index].input += 1
    if let drop = overLimit(index, document) { return count(.drop(drop), stage: index, &document, &result) }
    let started = monotonicNanoseconds()
    document.deadline = limits.timeoutMilliseconds > 0 ? started &+ UInt64(limits.timeoutMilliseconds) &* 1_000_000 : nil
    ICURegex.setThreadDeadline(document.deadline)
    var verdict = configured.stage.process(&document)
    ICURegex.setThreadDeadline(nil)
    document.deadline = nil
    let elapsed = monotonicNanoseconds() &- started
    result.stages[index].seconds += Double(elapsed) / 1e9
    var timedOut = false
    if case .drop(let drop) = verdict, drop.reason == "timeout" { timedOut = true }
    if timedOut || (limits.timeoutMilliseconds > 0 && elapsed > UInt64(limits.timeoutMilliseconds) &* 1_000_000) {
      verdict = .drop(Drop(
        reason: "timeout",
        detail: "\(elapsed / 1_000_000) ms > stages[\(index)].\(configured.name).timeout_ms (\(limits.timeoutMilliseconds))"))
    }
    return count(verdict, stage: index, &document, &result)
  }

  /// Runs batch stage `index` on the batch's surviving documents at once.
  func runBatchStage(
    _ index: Int, _ stage: any BatchStage, _ documents: inout [Document], _ outcomes: inout [Outcome], from starts: [Int],
    _ result: inout BatchResult
  ) {
    let configured = pipeline.stages[index]
    var positions: [Int] = []
    for position in documents.indices where starts[position] <= index {
      guard case .alive = outcomes[position] else { continue }
      result.stages[index].input += 1
      if let drop = overLimit(index, documents[position]) {
        _ = count(.drop(drop), stage: index, &documents[position], &result)
        outcomes[position] = .dropped(stage: configured.name, drop)
      } else {
        positions.append(position)
      }
    }
    guard !positions.isEmpty, result.failure == nil else { return }
    var group = positions.map { documents[$0] }
    let started = monotonicNanoseconds()
    let verdicts: [Verdict]
    do throws(StageFailure) {
      verdicts = try stage.process(batch: &group, limits: configured.limits)
    } catch {
      result.failure = "stages[\(index)] '\(configured.name)': \(error.message)"
      for position in positions { outcomes[position] = .dropped(stage: configured.name, Drop(reason: "plugin_failed", detail: error.message)) }
      return
    }
    result.stages[index].seconds += Double(monotonicNanoseconds() &- started) / 1e9
    for (offset, position) in positions.enumerated() {
      documents[position] = group[offset]
      let verdict = offset < verdicts.count ? verdicts[offset] : .drop("plugin_error", detail: "no verdict for this document")
      if let drop = count(verdict, stage: index, &documents[position], &result) {
        outcomes[position] = .dropped(stage: configured.name, drop)
      }
    }
  }
}

func monotonicNanoseconds() -> UInt64 {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}

/// CPU seconds the calling thread has used (for the summary's read and compression times,
/// which a shared core's other threads would inflate as wall time).
func threadCPUSeconds() -> Double {
  var now = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
  return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
