import Foundation

extension Runner {
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
      try documentPass(sinks, shard: shard, summary: &summary)
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

  static func shardRejectsPath(_ directory: String, shard: Shard) -> String {
    directory + "/rejects-\(format4(shard.index))-of-\(format4(shard.count)).jsonl"
  }
}
