import Foundation

public struct RunOptions: Sendable {
  /// Worker threads for document stages.
  public var jobs: Int
  /// Progress lines on stderr while running (only when stderr is a terminal).
  public var progress: Bool
  /// Documents per batch handed to a worker.
  public var batchDocuments: Int
  /// Raw bytes per batch: with `jobs`, bounds how much input is in memory at once.
  public var batchBytes: Int

  public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount, progress: Bool = false, batchDocuments: Int = 64, batchBytes: Int = 4 << 20) {
    self.jobs = max(1, jobs)
    self.progress = progress
    self.batchDocuments = max(1, batchDocuments)
    self.batchBytes = max(1, batchBytes)
  }
}

/// Runs a pipeline: a reader thread fills batches, `jobs` workers run the document stages
/// on them, and the calling thread writes results in input order. At most `3 × jobs`
/// batches are in flight, so memory is bounded by batch size, not corpus size.
public final class Runner: @unchecked Sendable {
  let pipeline: Pipeline
  let options: RunOptions

  public init(pipeline: Pipeline, options: RunOptions) {
    self.pipeline = pipeline
    self.options = options
  }

  struct Batch {
    var sequence: Int
    var items: [ReadItem]
  }

  struct BatchResult {
    var clean = JSONWriter(capacity: 1 << 16)
    var rejects = JSONWriter(capacity: 1 << 12)
    var kept = 0
    var rejected = 0
    var inputBytes = 0
    var readFailures: [String: Int] = [:]
    var stages: [StageCounts]
  }

  public func run() throws(RunError) -> RunSummary {
    let start = Date()
    // Stages that learn from the corpus get a first pass, each in pipeline order. Standard
    // input can be read only once: there the corpus rules are off, and the summary says so.
    var warnings: [String] = []
    for (index, configured) in pipeline.stages.enumerated() {
      if let learning = configured.stage as? any LearningStage, let learner = learning.learner {
        if pipeline.input.paths.contains("-") {
          warnings.append("stage '\(configured.name)' learns from the whole corpus, which needs input that can be read twice; with standard input its corpus rule is off")
          continue
        }
        learn(upTo: index, learner)
      }
    }
    let output = try OutputFile(path: pipeline.output.path)
    let rejects: OutputFile
    do {
      rejects = try OutputFile(path: pipeline.output.rejects)
    } catch {
      output.discard()
      throw error
    }
    let reader = InputReader(settings: pipeline.input)
    let queue = WorkQueue(maxInFlight: options.jobs * 3)

    // Reader: batches of documents in input order.
    let readerThread = Thread { [options] in
      var sequence = 0
      var items: [ReadItem] = []
      var bytes = 0
      func flush() {
        guard !items.isEmpty else { return }
        queue.push(Batch(sequence: sequence, items: items))
        sequence += 1
        items = []
        bytes = 0
      }
      while let item = reader.next() {
        bytes += item.document.bytes?.count ?? item.document.text?.utf8.count ?? 0
        items.append(item)
        if items.count >= options.batchDocuments || bytes >= options.batchBytes { flush() }
        if queue.isCancelled { break }
      }
      flush()
      queue.finishInput(batches: sequence)
    }
    readerThread.stackSize = 8 << 20
    readerThread.start()

    for _ in 0..<options.jobs {
      let worker = Thread { [self] in
        while let batch = queue.pop() {
          queue.complete(batch.sequence, process(batch))
        }
      }
      worker.stackSize = 8 << 20
      worker.start()
    }

    var summary = RunSummary()
    summary.jobs = options.jobs
    summary.stages = pipeline.stages.map { StageCounts(name: $0.name) }
    var lastProgress = Date()
    let showProgress = options.progress && isatty(2) == 1
    do throws(RunError) {
      while let result = queue.nextInOrder() {
        try output.write(result.clean.bytes, records: result.kept)
        try rejects.write(result.rejects.bytes, records: result.rejected)
        summary.kept += result.kept
        summary.rejected += result.rejected
        summary.documents += result.kept + result.rejected
        summary.inputBytes += result.inputBytes
        for (key, value) in result.readFailures { summary.readFailures[key, default: 0] += value }
        for index in summary.stages.indices { summary.stages[index].merge(result.stages[index]) }
        queue.release()
        if showProgress, Date().timeIntervalSince(lastProgress) >= 1 {
          lastProgress = Date()
          let seconds = lastProgress.timeIntervalSince(start)
          let rate = seconds > 0 ? Double(summary.inputBytes) / 1_000_000 / seconds : 0
          FileHandle.standardError.write(Data(
            "\rwinnow: \(summary.documents) documents, \(summary.inputBytes / 1_000_000) MB, \(format2(rate)) MB/s, kept \(summary.kept)   ".utf8))
        }
      }
      if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
      // Rejects first; if the output's rename then fails, the rejects go too, so a failed
      // run leaves nothing that looks finished.
      try rejects.commit()
      do throws(RunError) {
        try output.commit()
      } catch {
        unlink(rejects.path)
        throw error
      }
    } catch {
      queue.cancel()
      output.discard()
      rejects.discard()
      throw error
    }
    summary.skippedFiles = reader.skipped
    summary.warnings = warnings
    summary.peakBatchesInFlight = queue.peakInFlight
    summary.maxBatchesInFlight = queue.maxInFlight
    summary.outputBytes = output.bytes
    summary.outputPath = pipeline.output.path
    summary.rejectsPath = pipeline.output.rejects
    summary.seconds = Date().timeIntervalSince(start)
    return summary
  }

  /// The first pass for a learning stage: reads the whole input, runs the stages before it,
  /// and hands each surviving document to `learner`. Nothing is written.
  func learn(upTo stageIndex: Int, _ learner: any CorpusLearner) {
    let reader = InputReader(settings: pipeline.input)
    let queue = WorkQueue(maxInFlight: options.jobs * 3)
    let readerThread = Thread { [options] in
      var sequence = 0
      var items: [ReadItem] = []
      var bytes = 0
      while let item = reader.next() {
        bytes += item.document.bytes?.count ?? item.document.text?.utf8.count ?? 0
        items.append(item)
        if items.count >= options.batchDocuments || bytes >= options.batchBytes {
          queue.push(Batch(sequence: sequence, items: items))
          sequence += 1
          items = []
          bytes = 0
        }
      }
      if !items.isEmpty {
        queue.push(Batch(sequence: sequence, items: items))
        sequence += 1
      }
      queue.finishInput(batches: sequence)
    }
    readerThread.stackSize = 8 << 20
    readerThread.start()
    for _ in 0..<options.jobs {
      let worker = Thread { [self] in
        while let batch = queue.pop() {
          for item in batch.items where item.drop == nil && learner.wants(item.document) {
            var document = item.document
            var kept = true
            for configured in pipeline.stages[..<stageIndex] {
              if case .drop = configured.stage.process(&document) { kept = false; break }
            }
            if kept { learner.observe(document) }
          }
          queue.complete(batch.sequence, BatchResult(stages: []))
        }
      }
      worker.stackSize = 8 << 20
      worker.start()
    }
    while queue.nextInOrder() != nil { queue.release() }
    learner.finishLearning()
  }

  /// Runs every stage over one batch and encodes the results.
  func process(_ batch: Batch) -> BatchResult {
    var result = BatchResult(stages: pipeline.stages.map { StageCounts(name: $0.name) })
    for item in batch.items {
      var document = item.document
      let original: RecordEncoder.OriginalContent =
        document.bytes.map { .bytes($0) } ?? document.text.map { .text($0) } ?? .none
      result.inputBytes += document.bytes?.count ?? document.text?.utf8.count ?? 0
      if let drop = item.drop {
        RecordEncoder.reject(document, stage: "read", drop: drop, original: original, into: &result.rejects)
        result.rejected += 1
        result.readFailures[drop.reason, default: 0] += 1
        continue
      }
      var dropped = false
      for (index, configured) in pipeline.stages.enumerated() {
        result.stages[index].input += 1
        let started = monotonicNanoseconds()
        let verdict = configured.stage.process(&document)
        result.stages[index].seconds += Double(monotonicNanoseconds() &- started) / 1e9
        if !document.counters.isEmpty {
          for (name, count) in document.counters { result.stages[index].counters[name, default: 0] += count }
          document.counters.removeAll(keepingCapacity: true)
        }
        if case .drop(let drop) = verdict {
          result.stages[index].dropped += 1
          result.stages[index].droppedByReason[drop.reason, default: 0] += 1
          RecordEncoder.reject(document, stage: configured.name, drop: drop, original: original, into: &result.rejects)
          result.rejected += 1
          dropped = true
          break
        }
        result.stages[index].kept += 1
      }
      if !dropped {
        RecordEncoder.clean(document, into: &result.clean)
        result.kept += 1
      }
    }
    return result
  }
}

@inline(__always)
func monotonicNanoseconds() -> UInt64 {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}

/// The runner's hand-off points: a bounded queue of batches for the workers and a reorder
/// buffer for the writer. `maxInFlight` tickets bound the batches between reader and writer.
final class WorkQueue: @unchecked Sendable {
  private let condition = NSCondition()
  private var pending: [Runner.Batch] = []
  private var pendingHead = 0
  private var done: [Int: Runner.BatchResult] = [:]
  private var nextToWrite = 0
  private var totalBatches: Int?
  private var inFlight = 0
  let maxInFlight: Int
  /// The most batches ever in flight at once (reported, and checked by a test).
  private(set) var peakInFlight = 0
  private var cancelled = false

  /// Read from the reader thread: under the lock.
  var isCancelled: Bool {
    condition.lock()
    defer { condition.unlock() }
    return cancelled
  }

  init(maxInFlight: Int) {
    self.maxInFlight = max(2, maxInFlight)
  }

  /// Blocks while `maxInFlight` batches are between reader and writer.
  func push(_ batch: Runner.Batch) {
    condition.lock()
    while inFlight >= maxInFlight && !cancelled { condition.wait() }
    inFlight += 1
    peakInFlight = max(peakInFlight, inFlight)
    pending.append(batch)
    condition.broadcast()
    condition.unlock()
  }

  func finishInput(batches: Int) {
    condition.lock()
    totalBatches = batches
    condition.broadcast()
    condition.unlock()
  }

  /// The next batch to process, or nil when input is finished.
  func pop() -> Runner.Batch? {
    condition.lock()
    defer { condition.unlock() }
    while true {
      if cancelled { return nil }
      if pendingHead < pending.count {
        let batch = pending[pendingHead]
        pendingHead += 1
        if pendingHead > 64 && pendingHead * 2 > pending.count {
          pending.removeFirst(pendingHead)
          pendingHead = 0
        }
        return batch
      }
      if totalBatches != nil { return nil }
      condition.wait()
    }
  }

  func complete(_ sequence: Int, _ result: Runner.BatchResult) {
    condition.lock()
    done[sequence] = result
    condition.broadcast()
    condition.unlock()
  }

  /// The next result in input order; nil when every batch has been written.
  func nextInOrder() -> Runner.BatchResult? {
    condition.lock()
    defer { condition.unlock() }
    while true {
      if let result = done.removeValue(forKey: nextToWrite) {
        nextToWrite += 1
        return result
      }
      if let totalBatches, nextToWrite >= totalBatches { return nil }
      if cancelled { return nil }
      condition.wait()
    }
  }

  /// The writer is done with one batch: let the reader read another.
  func release() {
    condition.lock()
    inFlight -= 1
    condition.broadcast()
    condition.unlock()
  }

  func cancel() {
    condition.lock()
    cancelled = true
    condition.broadcast()
    condition.unlock()
  }
}
