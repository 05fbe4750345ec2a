import Foundation

extension Runner {
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
      // Scratch files read by the later phases, never named in a manifest: not hashed.
      clean = try OutputFile(path: files.documents, hashed: false)
      do throws(RunError) {
        let records = try OutputFile(path: files.records, hashed: false)
        self.records = records
        ids = try OutputFile(path: files.ids, hashed: false)
        side = try OutputFile(path: files.side, hashed: false)
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

  /// The pass that cleans: every document stage on every document of `shard`, clean records
  /// and rejects written to `sinks` in input order (with a corpus stage, its records too).
  func documentPass(_ sinks: Sinks, shard: Shard, summary: inout RunSummary) throws(RunError) {
    let reader = InputReader(settings: pipeline.input)
    options.logger.debug(
      "pass over \(pipeline.input.paths.joined(separator: ", ")) with \(options.jobs) workers, shard \(shard), stages \(pipeline.stages.map(\.name).joined(separator: " → "))")
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
    let corpus = self.corpus
    var recordSeconds = 0.0
    var recordBytes = 0
    let stats: PassStats
    do throws(RunError) {
      stats = try pass(reader, shard: shard, work: { [self] batch in process(batch) }) { (result: inout BatchResult) throws(RunError) in
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
        progress.update(documents: summary.documents, bytes: summary.inputBytes, kept: summary.kept, phase: phase)
      }
      progress.clear()
    } catch {
      sinks.discard()
      throw error
    }
    if corpus != nil {
      summary.corpusStats = [("signature_seconds", recordSeconds), ("signature_bytes", Double(recordBytes))]
    }
    summary.skippedFiles = reader.skipped
    summary.inputFiles = reader.opened
    summary.inputHashes = reader.hashed
    summary.peakBatchesInFlight = stats.peakInFlight
    summary.maxBatchesInFlight = stats.maxInFlight
    summary.readSeconds = stats.readSeconds
  }
}
