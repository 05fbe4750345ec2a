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
  /// Merged learned states (`winnow learn merge`) loaded instead of the first passes of the
  /// stages they cover (`--learned`).
  public var learnedStates: [String] = []
  /// Where the run's phases, warnings and details go (`--log-level`).
  public var logger = Logger(label: "winnow", factory: { _ in SwiftLogNoOpLogHandler() })

  public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount, progress: Bool = false, batchDocuments: Int = 64, batchBytes: Int = 4 << 20) {
    self.jobs = max(1, jobs)
    self.progress = progress
    self.batchDocuments = max(1, batchDocuments)
    self.batchBytes = max(1, batchBytes)
  }
}

/// Runs a pipeline: the learning stages' first passes, the pass that cleans, then the corpus
/// stage's decision and filter, and the run's one commit. Every pass over the input runs on
/// the same machine (`pass`, in Pass.swift); a batch's work is in BatchExecution.swift.
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
      output.observer = finishing?.observer
      do throws(RunError) {
        try documentPass(Sinks(clean: output, rejects: rejects), shard: .whole, summary: &summary)
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
      try documentPass(sinks, shard: .whole, summary: &summary)
      try sinks.commitCorpusFiles()
      let outcome = try corpus.decide([files], jobs: options.jobs, log: log)
      try RunCancellation.check()
      try finishing?.observer?.corpusDecided(corpus, files: [files], decisions: outcome.decisions)
      let output = try OutputFile(path: pipeline.output.path, layout: pipeline.output.layout)
      output.observer = finishing?.observer
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

  func log(_ line: String) {
    options.logger.info("\(line)")
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
      summary.compressSeconds += output.compressSeconds
    }
    if let rejects {
      summary.compressSeconds += rejects.compressSeconds
      summary.rejectsSHA256 = rejects.sha256
      summary.rejectsShards = rejects.shards
    }
    if summary.rejectsPath.isEmpty { summary.rejectsPath = pipeline.output.rejects }
    summary.seconds = Date().timeIntervalSince(start)
    return summary
  }
}
