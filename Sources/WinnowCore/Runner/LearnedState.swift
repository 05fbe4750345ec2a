import Foundation

/// A learner whose first pass can be split: each part of the input gives partial counts
/// (`winnow learn state`), the parts are added up (`winnow learn merge`, or any engine that
/// sums the counts of equal keys), and the main pass loads the sum (`--learned`) instead of
/// making a first pass. Counts only: the sum of the parts is what one first pass over the
/// whole input would have counted, in any order.
public protocol MergeableLearner: CorpusLearner {
  /// The counts observed so far (before `finishLearning`), as (kind, key, count); kinds and
  /// keys hold no tab or newline.
  func stateEntries() -> [(kind: String, key: String, count: UInt64)]
  /// Adds counts read from a state (before `finishLearning`); a kind or key it does not
  /// know is an error.
  func add(kind: Substring, key: Substring, count: UInt64) throws(RunError)
  /// Whether an entry of the whole input's sum still matters after `finishLearning`: a final
  /// merge leaves out the rest (lines seen in too few documents), which keeps the file small.
  func keepsAfterLearning(kind: Substring, count: UInt64) -> Bool
}

/// The text form of learned states: one line per count, `STAGE TAB KIND TAB KEY TAB COUNT`,
/// STAGE the learning stage's index in the pipeline. Merging is adding the counts of lines
/// with equal STAGE, KIND and KEY, so concatenated states are a state and an engine can sum
/// them with a group-by. Each stage's part carries one line of kind `config` whose key is a
/// hash of the configuration it was learned under (the stages up to the learner, the input's
/// fields) with count 0, so a state is never loaded into another pipeline.
public enum LearnedState {
  public static let configKind = "config"

  public struct Entry: Sendable {
    public var stage: Int
    public var kind: Substring
    public var key: Substring
    public var count: UInt64
  }

  /// One line (without its newline); nil when it is not `STAGE TAB KIND TAB KEY TAB COUNT`.
  public static func parse(_ line: Substring) -> Entry? {
    let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
    guard fields.count == 4, let stage = Int(fields[0]), stage >= 0, !fields[1].isEmpty, let count = UInt64(fields[3]) else {
      return nil
    }
    return Entry(stage: stage, kind: fields[1], key: fields[2], count: count)
  }

  public static func line(stage: Int, kind: String, key: String, count: UInt64) -> String {
    "\(stage)\t\(kind)\t\(key)\t\(count)\n"
  }

  /// The hash a stage's part is learned under: stages 0...index (names and every option) and
  /// the input's text and id fields.
  public static func fingerprint(_ pipeline: Pipeline, stage index: Int) -> String {
    let stages = pipeline.stages[0...index].map { stage -> [String: Any] in
      ["name": stage.name, "options": stage.options.values.mapValues(Manifest.jsonValue)]
    }
    let object: [String: Any] = ["stages": stages, "text_field": pipeline.input.textField, "id_field": pipeline.input.idField]
    return String(Manifest.sha256Hex(Manifest.canonicalJSON(object)).prefix(16))
  }

  /// Reads state files ('-': standard input) and sums them: per stage, each (kind, key)'s
  /// count. `fingerprints` maps each learning stage to its configuration's hash.
  public static func sum(_ paths: [String], fingerprints: [Int: String]) throws(RunError) -> [Int: [String: UInt64]] {
    var sums: [Int: [String: UInt64]] = [:]
    for path in paths {
      let reader = try LineReader(path: path == "-" ? "/dev/stdin" : path)
      var number = 0
      while let raw = try reader.next() {
        number += 1
        let text = String(decoding: raw, as: UTF8.self)
        if text.isEmpty { continue }
        guard let entry = parse(text[...]) else {
          throw RunError("\(path):\(number): not a learned state line (expected 'stage TAB kind TAB key TAB count')")
        }
        guard let expected = fingerprints[entry.stage] else {
          throw RunError("\(path):\(number): stages[\(entry.stage)] is not a stage of this pipeline that learns from the corpus")
        }
        if entry.kind == configKind, entry.key != expected {
          throw RunError("\(path):\(number): stages[\(entry.stage)] was learned under another configuration (\(entry.key), this pipeline's is \(expected))")
        }
        let (sum, overflow) = sums[entry.stage, default: [:]][entry.kind + "\t" + entry.key, default: 0].addingReportingOverflow(entry.count)
        guard !overflow else { throw RunError("\(path):\(number): count overflows") }
        sums[entry.stage, default: [:]][entry.kind + "\t" + entry.key] = sum
      }
    }
    return sums
  }

  /// The learning stages of a pipeline whose state can be merged, in order.
  public static func learners(_ pipeline: Pipeline) -> [(index: Int, learner: any MergeableLearner)] {
    pipeline.stages.enumerated().compactMap { index, configured in
      guard let learner = (configured.stage as? any LearningStage)?.learner as? any MergeableLearner else { return nil }
      return (index, learner)
    }
  }
}

extension Runner {
  /// Loads merged state files into the pipeline's learners and finishes their learning: the
  /// stages they cover make no first pass. Returns those stages' indices.
  func loadLearnedStates(_ paths: [String]) throws(RunError) -> Set<Int> {
    guard !paths.isEmpty else { return [] }
    let learners = LearnedState.learners(pipeline)
    var fingerprints: [Int: String] = [:]
    for (index, _) in learners { fingerprints[index] = LearnedState.fingerprint(pipeline, stage: index) }
    let sums = try LearnedState.sum(paths, fingerprints: fingerprints)
    var loaded: Set<Int> = []
    for (index, learner) in learners {
      guard let counts = sums[index] else { continue }
      guard counts[LearnedState.configKind + "\t" + fingerprints[index]!] != nil else {
        throw RunError("the learned state for stages[\(index)] '\(pipeline.stages[index].name)' has no '\(LearnedState.configKind)' line")
      }
      for (kindKey, count) in counts {
        guard let tab = kindKey.firstIndex(of: "\t") else { continue }
        let kind = kindKey[..<tab]
        if kind == LearnedState.configKind { continue }
        try learner.add(kind: kind, key: kindKey[kindKey.index(after: tab)...], count: count)
      }
      learner.finishLearning()
      loaded.insert(index)
      options.logger.info("stage '\(pipeline.stages[index].name)': learned state loaded (\(counts.count - 1) counts), no first pass")
    }
    return loaded
  }

  /// `winnow learn state`: the counts the first learning stage without a loaded state (see
  /// `RunOptions.learnedStates`) observes on one shard of the input, in the state's text form.
  public func learnedState(shard: Shard) throws(RunError) -> [UInt8] {
    let loaded = try loadLearnedStates(options.learnedStates)
    guard let (index, learner) = LearnedState.learners(pipeline).first(where: { !loaded.contains($0.index) }) else {
      throw RunError(loaded.isEmpty ? "no stage of this pipeline learns from the corpus (such as 'boilerplate' with corpus_min_docs)"
        : "every learning stage's state is given (--learned): nothing left to learn")
    }
    if pipeline.input.paths.contains("-") && !pipeline.input.positioned {
      throw RunError("learning reads the input once per shard; standard input ('-') cannot be read that way unless each record carries its position (--positioned)")
    }
    try learn(upTo: index, learner, shard: shard, finish: false)
    var out = Array(LearnedState.line(stage: index, kind: LearnedState.configKind, key: LearnedState.fingerprint(pipeline, stage: index), count: 0).utf8)
    for entry in learner.stateEntries() {
      out += LearnedState.line(stage: index, kind: entry.kind, key: entry.key, count: entry.count).utf8
    }
    return out
  }
}

/// `winnow learn merge`: adds up states; with `final`, leaves out what the learners drop when
/// they finish (the result then is only for loading, not for merging with more parts).
public func mergeLearnedStates(_ pipeline: Pipeline, paths: [String], final: Bool, into write: ([UInt8]) throws -> Void) throws -> Int {
  let learners = LearnedState.learners(pipeline)
  var fingerprints: [Int: String] = [:]
  for (index, _) in learners { fingerprints[index] = LearnedState.fingerprint(pipeline, stage: index) }
  let sums = try LearnedState.sum(paths, fingerprints: fingerprints)
  var lines = 0
  for (index, learner) in learners {
    guard let counts = sums[index] else { continue }
    var out: [UInt8] = []
    // Sorted: the same state gives the same bytes.
    for (kindKey, count) in counts.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
      guard let tab = kindKey.firstIndex(of: "\t") else { continue }
      let kind = kindKey[..<tab]
      if final, kind != LearnedState.configKind, !learner.keepsAfterLearning(kind: kind, count: count) { continue }
      out += "\(index)\t\(kindKey)\t\(count)\n".utf8
      lines += 1
      if out.count >= 1 << 20 {
        try write(out)
        out.removeAll(keepingCapacity: true)
      }
    }
    try write(out)
  }
  return lines
}
