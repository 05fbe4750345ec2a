import Foundation

extension Runner {
  /// What one pass over the input did to the queue between its threads (for the summary).
  struct PassStats {
    var peakInFlight: Int
    var maxInFlight: Int
    /// CPU seconds of the reader thread: files opened, decompressed and parsed into documents.
    var readSeconds: Double
  }

  /// The reader thread's CPU time, written by it before it ends the input (under the queue's
  /// lock) and read by the writer after the last batch.
  final class ReaderClock: @unchecked Sendable {
    var seconds = 0.0
  }

  /// One pass over the input, the machine every pass runs on (the main pass, the learning
  /// passes, the shards' record passes): a reader thread cuts `reader`'s documents of `shard`
  /// into batches in input order, `jobs` worker threads run `work` on them, and the calling
  /// thread hands each result to `write` in input order. At most `3 × jobs` batches are in
  /// flight, so memory is bounded by batch size, not corpus size. A stop request
  /// (`RunCancellation`) or an error thrown by `write` ends the pass between two batches.
  func pass(
    _ reader: InputReader, shard: Shard, work: @escaping @Sendable (Batch) -> BatchResult,
    write: (inout BatchResult) throws(RunError) -> Void
  ) throws(RunError) -> PassStats {
    beginPass()
    let queue = WorkQueue(maxInFlight: options.jobs * 3)
    let clock = ReaderClock()

    // Reader: batches of documents in input order, each with its ordinal in the whole input.
    let readerThread = Thread { [options, pipeline] in
      let started = threadCPUSeconds()
      var sequence = 0
      var items: [ReadItem] = []
      var ordinals: [UInt64] = []
      var ordinal: UInt64 = 0
      var bytes = 0
      func flush() {
        guard !items.isEmpty else { return }
        queue.push(Batch(sequence: sequence, items: items, ordinals: ordinals))
        sequence += 1
        items = []
        ordinals = []
        bytes = 0
      }
      // Records that carry their position in a larger input (input.positioned) are a
      // partition already: all of them are this shard's.
      let partition = pipeline.input.positioned
      while let item = reader.next() {
        defer { ordinal += 1 }
        guard partition || shard.contains(ordinal) else { continue }
        bytes += item.document.bytes?.count ?? item.document.text?.utf8.count ?? 0
        items.append(item)
        ordinals.append(item.ordinal ?? ordinal)
        if items.count >= options.batchDocuments || bytes >= options.batchBytes { flush() }
        if queue.isCancelled { break }
      }
      flush()
      clock.seconds = threadCPUSeconds() - started
      queue.finishInput(batches: sequence)
    }
    readerThread.stackSize = 8 << 20
    readerThread.start()

    for _ in 0..<options.jobs {
      let worker = Thread {
        while let batch = queue.pop() {
          queue.complete(batch.sequence, work(batch))
        }
      }
      worker.stackSize = 8 << 20
      worker.start()
    }

    // Writer: here, in input order.
    do throws(RunError) {
      while var result = queue.nextInOrder() {
        try write(&result)
        queue.release()
        try RunCancellation.check()
      }
    } catch {
      queue.cancel()
      throw error
    }
    return PassStats(peakInFlight: queue.peakInFlight, maxInFlight: queue.maxInFlight, readSeconds: clock.seconds)
  }

  /// Tells the batch stages a pass over the input begins (each pass has its own fault budget).
  func beginPass() {
    for configured in pipeline.stages {
      (configured.stage as? any BatchStage)?.beginPass()
    }
  }
}
