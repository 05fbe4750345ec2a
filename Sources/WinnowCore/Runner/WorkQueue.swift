import Foundation

/// The runner's hand-off points: a bounded queue of batches for the workers and a reorder
/// buffer for the writer. `maxInFlight` tickets bound the batches between reader and writer.
final class WorkQueue: @unchecked Sendable {
  private let condition = NSCondition()
  /// Batches not yet taken by a worker, from `pendingHead` on. A taken batch's slot is
  /// emptied at once: a popped batch held here would keep its documents' bytes alive until
  /// the array is compacted, memory growing with the input instead of the batches in flight.
  private var pending: [Runner.Batch?] = []
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

  /// Batches the queue itself still holds (waiting for a worker, or done and waiting for the
  /// writer): what a test checks to prove taken batches are let go.
  var batchesHeld: Int {
    condition.lock()
    defer { condition.unlock() }
    return pending[pendingHead...].count { $0 != nil } + done.count
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
        guard let batch = pending[pendingHead].take() else { preconditionFailure("a pending batch taken twice") }
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
