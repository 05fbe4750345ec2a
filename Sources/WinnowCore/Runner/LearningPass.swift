import Foundation

extension Runner {
  /// Runs the first pass of every learning stage, in pipeline order.
  func learnAll() throws(RunError) -> [String] {
    // Stages that learn from the corpus get a first pass, each in pipeline order. Standard
    // input can be read only once: there the corpus rules are off, and the summary says so.
    var warnings: [String] = []
    let loaded = try loadLearnedStates(options.learnedStates)
    for (index, configured) in pipeline.stages.enumerated() where !loaded.contains(index) {
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

  /// The first pass for a learning stage: reads the whole input, runs the stages before it,
  /// and hands each surviving document to `learner`. Nothing is written. With a `shard`, only
  /// its documents (a partial state: `winnow learn state`); without `finish`, the learner is
  /// left unfinished.
  func learn(upTo stageIndex: Int, _ learner: any CorpusLearner, shard: Shard = .whole, finish: Bool = true) throws(RunError) {
    let reader = InputReader(settings: pipeline.input)
    // Files passed over unread would not count as positions: only for the whole input.
    if shard == .whole { reader.skipWholeFile = { !learner.wants(id: $0) } }
    // Keep the documents for the main pass when only per-document stages come before the
    // learner and it is the pipeline's only learner (another would need other stages done).
    let learners = pipeline.stages.filter { ($0.stage as? any LearningStage)?.learner != nil }.count
    let keep = finish && learners == 1 && options.learnedDocumentBytes > 0
      && !pipeline.stages[0..<stageIndex].contains { $0.stage is any BatchStage }
    let learned = keep ? LearnedDocuments(stageCount: stageIndex, maxBytes: options.learnedDocumentBytes) : nil
    let work: @Sendable (Batch) -> BatchResult = { [self] batch in learnBatch(batch, upTo: stageIndex, learner, keepingIn: learned) }
    _ = try pass(reader, shard: shard, work: work) { (result: inout BatchResult) throws(RunError) in
      if let failure = result.failure {
        throw RunError(failure + " (in the first pass, learning for stages[\(stageIndex)] '\(pipeline.stages[stageIndex].name)')")
      }
      if firstPassSeconds.count != pipeline.stages.count { firstPassSeconds = [Double](repeating: 0, count: pipeline.stages.count) }
      for (index, stage) in result.stages.enumerated() where index < firstPassSeconds.count { firstPassSeconds[index] += stage.seconds }
    }
    guard finish else { return }
    learner.finishLearning()
    learnedEntries = learned?.snapshot() ?? [:]
    learnedStageCount = learned?.stageCount ?? 0
    if let learned {
      options.logger.debug("first pass: \(learnedEntries.count) documents kept for the main pass (stages before '\(pipeline.stages[stageIndex].name)'), bound \(learned.maxBytes) bytes")
    }
  }

  /// A learning pass's work on one batch: the same stages as the main pass, up to the
  /// learner, then the learner sees the surviving documents. The stages' counts go to the
  /// first pass's seconds, or with a document kept for the main pass (`learned`), to its entry.
  func learnBatch(_ batch: Batch, upTo stageIndex: Int, _ learner: any CorpusLearner, keepingIn learned: LearnedDocuments?) -> BatchResult {
    let items = batch.items.filter { $0.drop == nil && learner.wants($0.document) }
    var done = BatchResult(stages: pipeline.stages.map { StageCounts(name: $0.name) })
    guard let learned else {
      var documents = items.map(\.document)
      var outcomes = [Outcome](repeating: .alive, count: documents.count)
      runStages(0..<stageIndex, &documents, &outcomes, from: [Int](repeating: 0, count: documents.count), &done)
      for (document, outcome) in zip(documents, outcomes) {
        if case .alive = outcome { learner.observe(document) }
      }
      return done
    }
    for item in items {
      var documents = [item.document]
      var outcomes = [Outcome.alive]
      var one = BatchResult(stages: pipeline.stages.map { StageCounts(name: $0.name) })
      runStages(0..<stageIndex, &documents, &outcomes, from: [0], &one)
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
    return done
  }
}
