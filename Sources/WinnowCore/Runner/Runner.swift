import Foundation
import Logging
import WinnowNative

public struct RunOptions: Sendable {
  /// Worker threads for document stages.
  public var jobs: Int
  /// Progress lines on stderr while running (only when stderr is a terminal).
  public var progress: Bool
  /// Documents per batch handed to a worker.
  public var batchDocuments: Int
  /// Raw bytes per batch: with `jobs`, bounds how much input is in memory at once.
  public var batchBytes: Int
  /// Bytes of documents the first pass keeps for the main pass (`LearnedDocuments`).
  public var learnedDocumentBytes = 256 << 20
  /// Where the run's phases, warnings and details go (`--log-level`).
  public var logger = Logger(label: "winnow", factory: { _ in SwiftLogNoOpLogHandler() })

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
  /// Seconds each stage spent in first passes (learning), set before the main pass.
  var firstPassSeconds: [Double] = []
  /// Documents the first pass took through the stages before the learner (the first
  /// `learnedStageCount`), read by the main pass's workers.
  var learnedEntries: [String: LearnedDocuments.Entry] = [:]
  var learnedStageCount = 0

  public init(pipeline: Pipeline, options: RunOptions) {
    self.pipeline = pipeline
    self.options = options
  }

  struct Batch {
    var sequence: Int
    var items: [ReadItem]
    /// Each item's position in the whole input (for sharding and corpus stages).
    var ordinals: [UInt64] = []
  }

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

  /// The corpus stage, when the pipeline ends with one (checked by the config loader).
  var corpus: (any CorpusStage)? { pipeline.stages.last?.stage as? any CorpusStage }

  /// Runs the whole pipeline. With a corpus stage, the clean records of the document stages
  /// go to a scratch directory beside the output first (with the stage's per-document
  /// records), then the corpus stage decides, and its filter writes the output.
  ///
  /// With `finishing` (winnow run), the output and rejects are complete under their temporary
  /// names when `finishing.prepare` sees them (the manifest and gates are made then, and a
  /// signal still stops the run), and the renames and `finishing.commit` (the manifest) are
  /// done together as the run's one commit point (`RunCancellation.commit`).
  public func run(finishing: RunFinishing? = nil) throws(RunError) -> RunSummary {
    let start = Date()
    let warnings = try learnAll()
    try RunCancellation.check()
    var summary = RunSummary()
    guard let corpus else {
      let (output, rejects) = try openOutputs()
      do throws(RunError) {
        try pass(Sinks(clean: output, rejects: rejects), shard: .whole, summary: &summary, start: start)
        try RunCancellation.check()
        return try commit(summary, warnings: warnings, start: start, rejects: rejects, output: output, finishing: finishing)
      } catch {
        output.discard()
        rejects.discard()
        throw error
      }
    }
    removeAbandonedScratch()
    let scratch = scratchDirectory()
    let scratchToken = RunCancellation.onStop { try? FileManager.default.removeItem(atPath: scratch) }
    defer {
      try? FileManager.default.removeItem(atPath: scratch)
      RunCancellation.remove(scratchToken)
    }
    do {
      try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    } catch {
      throw RunError("cannot create directory '\(scratch)' for the corpus stage's intermediate files: \(error.localizedDescription)")
    }
    let files = CorpusFiles.inDirectory(scratch, shard: .whole)
    let rejects = try OutputFile(path: pipeline.output.rejects, layout: pipeline.output.layout)
    do throws(RunError) {
      let sinks = try Sinks(corpus: corpus, files: files, shard: .whole, rejects: rejects)
      try pass(sinks, shard: .whole, summary: &summary, start: start)
      try sinks.commitCorpusFiles()
      let outcome = try corpus.decide([files], jobs: options.jobs, log: log)
      try RunCancellation.check()
      let output = try OutputFile(path: pipeline.output.path, layout: pipeline.output.layout)
      do throws(RunError) {
        let counts = try CorpusFilter.run(
          files: files, decisions: outcome.decisions, field: corpus.field, stageName: pipeline.stages.last!.name,
          output: output, rejects: rejects)
        apply(counts, outcome: outcome, to: &summary)
        try RunCancellation.check()
        return try commit(summary, warnings: warnings, start: start, rejects: rejects, output: output, finishing: finishing)
      } catch {
        output.discard()
        throw error
      }
    } catch {
      rejects.discard()
      throw error
    }
  }

  /// `winnow dedup signatures`: the document stages and the corpus stage's records for one
  /// shard, written to `directory` (clean records, ids, records, and the shard's rejects).
  public func recordPass(directory: String, shard: Shard) throws(RunError) -> RunSummary {
    guard let corpus else { throw RunError("the pipeline has no corpus stage (such as 'dedup') at its end") }
    let start = Date()
    let warnings = try learnAll()
    var summary = RunSummary()
    let files = CorpusFiles.inDirectory(directory, shard: shard)
    let rejects = try OutputFile(path: Self.shardRejectsPath(directory, shard: shard))
    do throws(RunError) {
      let sinks = try Sinks(corpus: corpus, files: files, shard: shard, rejects: rejects)
      try pass(sinks, shard: shard, summary: &summary, start: start)
      try sinks.commitCorpusFiles()
      try rejects.commit()
    } catch {
      rejects.discard()
      throw error
    }
    summary.outputPath = files.documents
    summary.rejectsPath = rejects.path
    return finish(summary, warnings: warnings, start: start, output: nil)
  }

  /// `winnow dedup filter`: one shard's output and rejects from the files of its record pass
  /// and the decisions of `winnow dedup clusters`.
  public func filterPass(directory: String, shard: Shard, decisions path: String) throws(RunError) -> RunSummary {
    guard let corpus else { throw RunError("the pipeline has no corpus stage (such as 'dedup') at its end") }
    let start = Date()
    var summary = RunSummary()
    summary.jobs = 1
    let files = CorpusFiles.inDirectory(directory, shard: shard)
    let decisions = try CorpusDecisionsFile.read(path, for: try CorpusDecisionsFile.Positions(ids: files.ids, shard: shard))
    let (output, rejects) = try openOutputs()
    do throws(RunError) {
      // The document stages' rejects of this shard first, as `winnow run` writes them.
      let earlier = try LineReader(path: Self.shardRejectsPath(directory, shard: shard))
      var count = 0
      var buffer: [UInt8] = []
      while let line = try earlier.next() {
        buffer += line
        buffer.append(0x0A)
        count += 1
        if buffer.count >= 1 << 20 {
          try rejects.write(buffer, records: count)
          buffer.removeAll(keepingCapacity: true)
          count = 0
        }
      }
      try rejects.write(buffer, records: count)
      let counts = try CorpusFilter.run(
        files: files, decisions: decisions, field: corpus.field, stageName: pipeline.stages.last!.name,
        output: output, rejects: rejects)
      summary.stages = [StageCounts(name: pipeline.stages.last!.name)]
      summary.stages[0].input = counts.kept + counts.dropped
      summary.stages[0].kept = counts.kept
      summary.stages[0].dropped = counts.dropped
      summary.stages[0].droppedByReason = counts.droppedByReason
      summary.stages[0].seconds = counts.seconds
      summary.kept = counts.kept
      summary.rejected = rejects.records
      summary.documents = summary.kept + summary.rejected
      try commit(rejects: rejects, output: output)
    } catch {
      output.discard()
      rejects.discard()
      throw error
    }
    return finish(summary, warnings: [], start: start, output: output, rejects: rejects)
  }

  /// The output and rejects files, both or neither.
  func openOutputs() throws(RunError) -> (output: OutputFile, rejects: OutputFile) {
    let output = try OutputFile(path: pipeline.output.path, layout: pipeline.output.layout)
    do {
      return (output, try OutputFile(path: pipeline.output.rejects, layout: pipeline.output.layout))
    } catch {
      output.discard()
      throw error
    }
  }

  static func shardRejectsPath(_ directory: String, shard: Shard) -> String {
    directory + "/rejects-\(format4(shard.index))-of-\(format4(shard.count)).jsonl"
  }

  /// Where a run keeps its corpus stage's intermediate files: beside the output (so on the
  /// same disk), named after it and this process, removed when the run ends.
  func scratchDirectory() -> String {
    let output = pipeline.output.path
    let directory = (output as NSString).deletingLastPathComponent
    let name = "." + (output as NSString).lastPathComponent + ".winnow-\(getpid())"
    return directory.isEmpty ? name : directory + "/" + name
  }

  /// Scratch directories of earlier runs on the same output whose process is gone (killed
  /// hard, or the machine went down): removed so they do not pile up.
  func removeAbandonedScratch() {
    let output = pipeline.output.path
    let directory = (output as NSString).deletingLastPathComponent
    let prefix = "." + (output as NSString).lastPathComponent + ".winnow-"
    let base = directory.isEmpty ? "." : directory
    for name in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] where name.hasPrefix(prefix) {
      guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(atPath: base + "/" + name) }
    }
  }

  func log(_ line: String) {
    options.logger.info("\(line)")
  }

  /// Runs the first pass of every learning stage, in pipeline order.
  func learnAll() throws(RunError) -> [String] {
    // Stages that learn from the corpus get a first pass, each in pipeline order. Standard
    // input can be read only once: there the corpus rules are off, and the summary says so.
    var warnings: [String] = []
    for (index, configured) in pipeline.stages.enumerated() {
      if let learning = configured.stage as? any LearningStage, let learner = learning.learner {
        if pipeline.input.paths.contains("-") {
          warnings.append("stage '\(configured.name)' learns from the whole corpus, which needs input that can be read twice; with standard input its corpus rule is off")
          options.logger.warning("\(warnings.last!)")
          continue
        }
        let started = Date()
        options.logger.info("stage '\(configured.name)': first pass over the input to learn from the corpus")
        try learn(upTo: index, learner)
        options.logger.info("stage '\(configured.name)': learned in \(format2(Date().timeIntervalSince(started))) s")
      }
    }
    return warnings
  }

  /// The end of `run`: both files closed, the summary finished, then `finishing`'s
  /// preparation and the renames with its commit, under `RunCancellation.commit`.
  func commit(
    _ summary: RunSummary, warnings: [String], start: Date, rejects: OutputFile, output: OutputFile, finishing: RunFinishing?
  ) throws(RunError) -> RunSummary {
    guard let finishing else {
      try commit(rejects: rejects, output: output)
      return finish(summary, warnings: warnings, start: start, output: output, rejects: rejects)
    }
    try rejects.close()
    try output.close()
    let finished = finish(summary, warnings: warnings, start: start, output: output, rejects: rejects)
    try finishing.prepare(finished, output.temporaryPaths)
    try RunCancellation.commit { () throws(RunError) in
      try commit(rejects: rejects, output: output)
      do throws(RunError) {
        try finishing.commit(finished)
      } catch {
        // Without its manifest the run is not finished: nothing of it stays in place.
        unlink(output.path)
        unlink(rejects.path)
        throw error
      }
    }
    return finished
  }

  /// Rejects first; if the output's rename then fails, the rejects go too, so a failed run
  /// leaves nothing that looks finished.
  func commit(rejects: OutputFile, output: OutputFile) throws(RunError) {
    try rejects.commit()
    do throws(RunError) {
      try output.commit()
    } catch {
      unlink(rejects.path)
      throw error
    }
  }

  func apply(_ counts: CorpusFilter.Counts, outcome: CorpusOutcome, to summary: inout RunSummary) {
    let last = summary.stages.count - 1
    summary.stages[last].kept = counts.kept
    summary.stages[last].dropped = counts.dropped
    summary.stages[last].droppedByReason = counts.droppedByReason
    summary.stages[last].seconds += outcome.stats.filter { $0.name.hasSuffix("_seconds") }.map(\.value).reduce(0, +)
    summary.stages[last].seconds += counts.seconds
    summary.kept = counts.kept
    summary.rejected += counts.dropped
    summary.corpusStats += outcome.stats
    summary.corpusStats.append(("filter_seconds", counts.seconds))
  }

  func finish(_ summary: RunSummary, warnings: [String], start: Date, output: OutputFile?, rejects: OutputFile? = nil) -> RunSummary {
    var summary = summary
    summary.warnings = warnings
    if let output {
      summary.outputBytes = output.bytes
      summary.outputPath = output.path
      summary.outputSHA256 = output.sha256
      summary.outputShards = output.shards
    }
    if let rejects {
      summary.rejectsSHA256 = rejects.sha256
      summary.rejectsShards = rejects.shards
    }
    if summary.rejectsPath.isEmpty { summary.rejectsPath = pipeline.output.rejects }
    summary.seconds = Date().timeIntervalSince(start)
    return summary
  }

  /// Where one pass writes.
  struct Sinks {
    /// Clean records: the output, or the corpus stage's documents file.
    var clean: OutputFile
    var rejects: OutputFile
    var records: OutputFile?
    var ids: OutputFile?
    var side: OutputFile?

    init(clean: OutputFile, rejects: OutputFile) {
      self.clean = clean
      self.rejects = rejects
    }

    init(corpus: any CorpusStage, files: CorpusFiles, shard: Shard, rejects: OutputFile) throws(RunError) {
      self.rejects = rejects
      clean = try OutputFile(path: files.documents)
      do throws(RunError) {
        let records = try OutputFile(path: files.records)
        self.records = records
        ids = try OutputFile(path: files.ids)
        side = try OutputFile(path: files.side)
        try records.write(corpus.recordsHeader(shard: shard), records: 0)
      } catch {
        clean.discard()
        records?.discard()
        ids?.discard()
        throw error
      }
    }

    func commitCorpusFiles() throws(RunError) {
      try clean.commit()
      try records?.commit()
      try ids?.commit()
      try side?.commit()
    }

    func discard() {
      clean.discard()
      records?.discard()
      ids?.discard()
      side?.discard()
    }
  }

  /// One pass over the input: reader thread, `jobs` workers, writing in input order here.
  func pass(_ sinks: Sinks, shard: Shard, summary: inout RunSummary, start: Date) throws(RunError) {
    beginPass()
    let reader = InputReader(settings: pipeline.input)
    let queue = WorkQueue(maxInFlight: options.jobs * 3)
    options.logger.debug(
      "pass over \(pipeline.input.paths.joined(separator: ", ")) with \(options.jobs) workers, shard \(shard), stages \(pipeline.stages.map(\.name).joined(separator: " → "))")

    // Reader: batches of documents in input order, each with its ordinal in the whole input.
    let readerThread = Thread { [options, pipeline] in
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

    summary.jobs = options.jobs
    summary.stages = pipeline.stages.map { stage in
      // Counters a stage always reports (a rules file's rules), so one that never fired shows 0.
      var counts = StageCounts(name: stage.name)
      for name in stage.stage.counterNames { counts.counters[name] = 0 }
      return counts
    }
    for index in summary.stages.indices where index < firstPassSeconds.count { summary.stages[index].firstPassSeconds = firstPassSeconds[index] }
    let progress = ProgressLine(enabled: options.progress, totalBytes: options.progress ? ProgressLine.inputSize(pipeline.input) : nil)
    let phase = corpus == nil ? "cleaning" : "cleaning and signatures"
    var recordSeconds = 0.0
    var recordBytes = 0
    do throws(RunError) {
      while var result = queue.nextInOrder() {
        if let failure = result.failure { throw RunError(failure) }
        try sinks.clean.write(result.clean.bytes, records: result.kept)
        try sinks.rejects.write(result.rejects.bytes, records: result.rejected)
        if let side = sinks.side, let corpus {
          corpus.rebase(&result.records, sideBase: UInt64(side.bytes))
          try side.write(result.side, records: 0)
        }
        try sinks.records?.write(result.records, records: result.kept)
        try sinks.ids?.write(result.ids.bytes, records: result.kept)
        summary.kept += result.kept
        summary.rejected += result.rejected
        summary.documents += result.kept + result.rejected
        summary.inputBytes += result.inputBytes
        recordSeconds += result.recordSeconds
        recordBytes += result.recordBytes
        for (key, value) in result.readFailures { summary.readFailures[key, default: 0] += value }
        for (key, value) in result.readRepairs { summary.readRepairs[key, default: 0] += value }
        for index in summary.stages.indices { summary.stages[index].merge(result.stages[index]) }
        for (bucket, count) in result.inputLengths { summary.inputLengths[bucket, default: 0] += count }
        summary.addRemoved(result.removedLines)
        queue.release()
        progress.update(documents: summary.documents, bytes: summary.inputBytes, kept: summary.kept, phase: phase)
        try RunCancellation.check()
      }
      progress.clear()
    } catch {
      queue.cancel()
      sinks.discard()
      throw error
    }
    if corpus != nil {
      summary.corpusStats = [("signature_seconds", recordSeconds), ("signature_bytes", Double(recordBytes))]
    }
    summary.skippedFiles = reader.skipped
    summary.inputFiles = reader.opened
    summary.inputHashes = reader.hashed
    summary.peakBatchesInFlight = queue.peakInFlight
    summary.maxBatchesInFlight = queue.maxInFlight
  }

  /// The first pass for a learning stage: reads the whole input, runs the stages before it,
  /// and hands each surviving document to `learner`. Nothing is written.
  func learn(upTo stageIndex: Int, _ learner: any CorpusLearner) throws(RunError) {
    beginPass()
    let reader = InputReader(settings: pipeline.input)
    reader.skipWholeFile = { !learner.wants(id: $0) }
    // Keep the documents for the main pass when only per-document stages come before the
    // learner and it is the pipeline's only learner (another would need other stages done).
    let learners = pipeline.stages.filter { ($0.stage as? any LearningStage)?.learner != nil }.count
    let keep = learners == 1 && options.learnedDocumentBytes > 0
      && !pipeline.stages[0..<stageIndex].contains { $0.stage is any BatchStage }
    let learned = keep ? LearnedDocuments(stageCount: stageIndex, maxBytes: options.learnedDocumentBytes) : nil
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
          // The same stages as the real pass. Their counts go to the first pass's seconds, or
          // with a document kept for the main pass, to its entry.
          let items = batch.items.filter { $0.drop == nil && learner.wants($0.document) }
          var done = BatchResult(stages: pipeline.stages.map { StageCounts(name: $0.name) })
          if let learned {
            for item in items {
              var documents = [item.document]
              var outcomes = [Outcome.alive]
              var one = BatchResult(stages: pipeline.stages.map { StageCounts(name: $0.name) })
              runStages(0..<stageIndex, &documents, &outcomes, &one)
              if let failure = one.failure { done.failure = failure }
              guard case .alive = outcomes[0] else {
                for index in 0..<stageIndex { done.stages[index].merge(one.stages[index]) }
                continue
              }
              learner.observe(documents[0])
              let entry = LearnedDocuments.Entry(document: documents[0], stages: Array(one.stages[0..<stageIndex]))
              if let path = item.path, learned.insert(path, entry) { continue }
              for index in 0..<stageIndex { done.stages[index].merge(one.stages[index]) }
            }
          } else {
            var documents = items.map(\.document)
            var outcomes = [Outcome](repeating: .alive, count: documents.count)
            runStages(0..<stageIndex, &documents, &outcomes, &done)
            for (document, outcome) in zip(documents, outcomes) {
              if case .alive = outcome { learner.observe(document) }
            }
          }
          queue.complete(batch.sequence, done)
        }
      }
      worker.stackSize = 8 << 20
      worker.start()
    }
    while let result = queue.nextInOrder() {
      if let failure = result.failure {
        queue.cancel()
        throw RunError(failure + " (in the first pass, learning for stages[\(stageIndex)] '\(pipeline.stages[stageIndex].name)')")
      }
      if firstPassSeconds.count != pipeline.stages.count { firstPassSeconds = [Double](repeating: 0, count: pipeline.stages.count) }
      for (index, stage) in result.stages.enumerated() where index < firstPassSeconds.count { firstPassSeconds[index] += stage.seconds }
      queue.release()
      if RunCancellation.isRequested { queue.cancel() }
    }
    learner.finishLearning()
    learnedEntries = learned?.snapshot() ?? [:]
    learnedStageCount = learned?.stageCount ?? 0
    if let learned {
      options.logger.debug("first pass: \(learnedEntries.count) documents kept for the main pass (stages before '\(pipeline.stages[stageIndex].name)'), bound \(learned.maxBytes) bytes")
    }
  }

  /// Tells the batch stages a pass over the input begins (each pass has its own fault budget).
  func beginPass() {
    for configured in pipeline.stages {
      (configured.stage as? any BatchStage)?.beginPass()
    }
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
    // Documents the first pass took through the stages before the learner continue from
    // there, with the counts they made then.
    var resumed: [Int] = []
    let learnedStages = learnedStageCount
    if !learnedEntries.isEmpty {
      for (position, item) in batch.items.enumerated() where item.drop == nil {
        guard let path = item.path, let entry = learnedEntries[path] else { continue }
        documents[position] = entry.document
        for index in entry.stages.indices { result.stages[index].merge(entry.stages[index]) }
        outcomes[position] = .unread(Drop(reason: "resumed"))  // passed over by the stages before the learner
        resumed.append(position)
      }
    }
    if resumed.isEmpty {
      runStages(0..<documentStages, &documents, &outcomes, &result)
    } else {
      runStages(0..<learnedStages, &documents, &outcomes, &result)
      for position in resumed { outcomes[position] = .alive }
      runStages(learnedStages..<documentStages, &documents, &outcomes, &result)
    }
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
        }
        RecordEncoder.clean(document, into: &result.clean)
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

  /// Runs `stages` over a batch's documents that are still alive: runs of per-document
  /// stages one document at a time, a `BatchStage` on all of them at once.
  func runStages(_ stages: Range<Int>, _ documents: inout [Document], _ outcomes: inout [Outcome], _ result: inout BatchResult) {
    var index = stages.lowerBound
    while index < stages.upperBound {
      if let stage = pipeline.stages[index].stage as? any BatchStage {
        runBatchStage(index, stage, &documents, &outcomes, &result)
        index += 1
        continue
      }
      var end = index + 1
      while end < stages.upperBound, !(pipeline.stages[end].stage is any BatchStage) { end += 1 }
      for position in documents.indices {
        guard case .alive = outcomes[position] else { continue }
        for stageIndex in index..<end {
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
  func runBatchStage(_ index: Int, _ stage: any BatchStage, _ documents: inout [Document], _ outcomes: inout [Outcome], _ result: inout BatchResult) {
    let configured = pipeline.stages[index]
    var positions: [Int] = []
    for position in documents.indices {
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
