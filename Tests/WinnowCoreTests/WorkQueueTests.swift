import Testing

@testable import WinnowCore

@Suite struct WorkQueueTests {
  /// A batch a worker took is no longer the queue's: the queue holds only what waits for a
  /// worker or for the writer, so a long run's memory is its batches in flight, not its input.
  @Test func takenAndWrittenBatchesAreLetGo() {
    let queue = WorkQueue(maxInFlight: 3)
    for sequence in 0..<200 {
      queue.push(Runner.Batch(sequence: sequence, items: []))
      #expect(queue.batchesHeld == 1)
      let batch = queue.pop()
      #expect(batch?.sequence == sequence)
      #expect(queue.batchesHeld == 0)
      queue.complete(sequence, Runner.BatchResult(stages: []))
      #expect(queue.batchesHeld == 1)
      #expect(queue.nextInOrder() != nil)
      queue.release()
      #expect(queue.batchesHeld == 0)
    }
    queue.finishInput(batches: 200)
    #expect(queue.pop() == nil)
    #expect(queue.nextInOrder() == nil)
  }
}
