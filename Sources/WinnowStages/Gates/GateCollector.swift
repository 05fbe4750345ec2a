import Foundation
import WinnowCore
import WinnowNative

/// What the gates measure, gathered one record at a time: from a file (`winnow check`) or
/// from the writer while `winnow run` writes its output (as its `OutputObserver`), so a run's
/// gates cost no second read of the output.
public final class GateCollector: OutputObserver {
  let gates: GateSettings
  private let normalizer = try? ICUNormalizer(form: .nfc)
  private let pii = PIIStage(email: true, phone: true, rrn: true)
  /// The residual-boilerplate gate's count for one text: the pack's content-rule hits (a
  /// closure over the stage, so a record does not copy the stage's struct).
  private let residualHits: ((String) -> Int)?
  private let script: Script
  private let required: [String]
  private let checkPII: Bool
  private let nearDuplicates: NearDuplicateGate?

  private var lineNumber = 0
  private var records = 0
  private var invalid: [String] = []
  private var piiCount = 0
  private var piiIDs: [String] = []
  private var residual = 0
  private var residualIDs: [String] = []
  private var lengths: [Int] = []
  private var inScript = 0
  private var notInScript: [String] = []
  private var complete = 0
  private var incomplete: [String] = []

  /// Records that winnow's own writer made (a run's observer): their strings are valid
  /// UTF-8 by construction and are not checked again.
  private let trusted: Bool

  /// `trusted`: the records come from winnow's writer (`winnow run`), not from a file.
  public init(gates: GateSettings, trusted: Bool = false) throws(RunError) {
    self.gates = gates
    self.trusted = trusted
    let o = gates.options
    let rulesPath = o.string("boilerplate_rules")
    if !rulesPath.isEmpty {
      var values = StageOptions.defaults(for: BoilerplateConfig.options).values
      values["rules"] = .string(rulesPath)
      values["corpus_min_docs"] = .int(0)
      let stage: any DocumentStage
      do {
        stage = try BoilerplateConfig(options: StageOptions(values)).build(StageContext(baseDirectory: ""))
      } catch {
        throw RunError("gate boilerplate_rules: cannot load '\(rulesPath)': \(error.message)")
      }
      guard let rules = stage as? BoilerplateStage else { throw RunError("gate boilerplate_rules: '\(rulesPath)' did not make a boilerplate stage") }
      residualHits = { rules.ruleHits($0, counting: GateEvaluator.isContentRule) }
    } else {
      residualHits = nil
    }
    script = Script(rawValue: o.string("script")) ?? .any
    required = o.strings("required_fields")
    checkPII = o.int("max_pii") >= 0
    nearDuplicates = gates.configured.contains("max_near_duplicate_ratio") ? try NearDuplicateGate() : nil
  }

  // MARK: OutputObserver

  public func observe(records bytes: [UInt8]) throws(RunError) {
    var lines: [[UInt8]] = []
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      var start = 0
      while start < buffer.count {
        let end = memchr(base + start, 0x0A, buffer.count - start).map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? buffer.count
        lines.append(Array(buffer[start..<end]))
        start = end + 1
      }
    }
    for line in lines { try add(line: line) }
  }

  public func corpusDecided(_ stage: any CorpusStage, files: [CorpusFiles], decisions: [CorpusDecision]) throws(RunError) {
    try nearDuplicates?.corpusDecided(stage, files: files, decisions: decisions)
  }

  // MARK: records

  /// One line of the JSONL (without its newline).
  func add(line bytes: [UInt8]) throws(RunError) {
    lineNumber += 1
    if bytes.isEmpty { return }
    records += 1
    let members: [JSONLineParser.Member]
    do { members = try JSONLineParser.parseObject(bytes, trusted: trusted) } catch {
      invalid.append("line \(lineNumber): not JSON (\(error))")
      return
    }
    // Top-level strings come decoded by the parser.
    func string(_ key: String) -> String? { members.first { $0.key == key }?.string }
    // A line that parses is valid UTF-8: the parser validates every string, and JSON's
    // syntax outside strings is ASCII.
    let id = string("id") ?? "line \(lineNumber)"
    let text = string("text") ?? ""
    // The script's letters, the length and NFC's quick check in one pass over the text.
    let measured = GateEvaluator.measure(text, script: script, normalizer: normalizer)
    if text.isEmpty {
      invalid.append(id)
    } else if let normalizer, !measured.stable, (try? normalizer.normalize(text)).map({ Array($0.utf8) != Array(text.utf8) }) ?? true {
      invalid.append(id)
    }
    if checkPII {
      let (_, found) = pii.redact(text)
      let total = found.email + found.phone + found.rrn
      if total > 0 {
        piiCount += total
        piiIDs.append(id)
      }
    }
    if let residualHits {
      let hits = residualHits(text)
      if hits > 0 {
        residual += hits
        residualIDs.append(id)
      }
    }
    if script != .any {
      if measured.letters > 0 && measured.matching * 2 >= measured.letters { inScript += 1 } else { notInScript.append(id) }
    }
    lengths.append(measured.scalars)
    if !required.isEmpty {
      let present = required.allSatisfy { key in
        guard let member = members.first(where: { $0.key == key }) else { return false }
        let raw = member.value
        return !(raw.elementsEqual("\"\"".utf8) || raw.elementsEqual("[]".utf8) || raw.elementsEqual("null".utf8))
      }
      if present { complete += 1 } else { incomplete.append(id) }
    }
    try nearDuplicates?.add(id: id, text: text)
  }

  // MARK: results

  /// Every configured gate's outcome; `counts` (the run's) for the drop-ratio gates.
  public func results(counts: GateCounts?) throws(RunError) -> [GateResult] {
    let o = gates.options
    let format = GateEvaluator.format
    var results: [GateResult] = []
    func add(_ name: String, _ passed: Bool, _ value: String, _ threshold: String, _ offenders: [String] = []) {
      results.append(GateResult(name: name, passed: passed, value: value, threshold: threshold, offenders: Array(offenders.prefix(5))))
    }
    let minimum = o.int("min_documents")
    if gates.configured.contains("min_documents") || minimum > 0 {
      add("min_documents", records >= minimum, String(records), ">= \(minimum)")
    }
    if let counts {
      let maxDrop = o.double("max_drop_ratio")
      if gates.configured.contains("max_drop_ratio") {
        let ratio = counts.documents > 0 ? Double(counts.rejected) / Double(counts.documents) : 0
        add("max_drop_ratio", ratio <= maxDrop + 1e-12, format(ratio), "<= \(format(maxDrop))")
      }
      if gates.configured.contains("max_stage_drop_ratio") {
        let limit = o.double("max_stage_drop_ratio")
        var worst = (name: "", ratio: 0.0)
        for stage in counts.stages where stage.input > 0 {
          let ratio = Double(stage.dropped) / Double(stage.input)
          if ratio > worst.ratio { worst = (stage.name, ratio) }
        }
        add("max_stage_drop_ratio", worst.ratio <= limit + 1e-12, worst.name.isEmpty ? "0" : "\(format(worst.ratio)) (\(worst.name))",
            "<= \(format(limit))")
      }
    } else {
      for name in ["max_drop_ratio", "max_stage_drop_ratio"] where gates.configured.contains(name) {
        add(name, false, "unknown", "needs the run's counts: pass --manifest (or use gates: in the pipeline)")
      }
    }
    if o.bool("valid_text") {
      add("valid_text", invalid.isEmpty, "\(invalid.count) records with empty, invalid or non-NFC text", "0", invalid)
    }
    if checkPII {
      add("max_pii", piiCount <= o.int("max_pii"), "\(piiCount) matches in \(piiIDs.count) records", "<= \(o.int("max_pii"))", piiIDs)
    }
    if residualHits != nil {
      let limit = o.int("max_residual_boilerplate")
      add("max_residual_boilerplate", residual <= limit, "\(residual) lines in \(residualIDs.count) records", "<= \(limit)", residualIDs)
    }
    if let nearDuplicates {
      let nearLimit = o.double("max_near_duplicate_ratio")
      let (dropped, ids) = try nearDuplicates.finish()
      let ratio = records > 0 ? Double(dropped) / Double(records) : 0
      add("max_near_duplicate_ratio", ratio <= nearLimit + 1e-12, format(ratio), "<= \(format(nearLimit))", ids)
    }
    let minMedian = o.int("min_median_chars")
    if gates.configured.contains("min_median_chars") {
      lengths.sort()
      let median = lengths.isEmpty ? 0 : lengths[lengths.count / 2]
      add("min_median_chars", median >= minMedian, String(median), ">= \(minMedian)")
    }
    if script != .any {
      let share = records > 0 ? Double(inScript) / Double(records) : 0
      let limit = o.double("min_script_share")
      add("min_script_share", share >= limit - 1e-12, "\(format(share)) \(script.rawValue)", ">= \(format(limit))", notInScript)
    }
    if !required.isEmpty {
      let share = records > 0 ? Double(complete) / Double(records) : 0
      let limit = o.double("min_required_share")
      add("required_fields", share >= limit - 1e-12, "\(format(share)) have \(required.joined(separator: ", "))", ">= \(format(limit))", incomplete)
    }
    return results
  }
}
