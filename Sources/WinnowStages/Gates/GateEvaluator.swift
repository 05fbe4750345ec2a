import Foundation
import WinnowCore
import WinnowNative

/// One gate's outcome.
public struct GateResult: Sendable {
  public var name: String
  public var passed: Bool
  /// What was measured, and the limit, as shown to people ("0.62" vs "<= 0.60").
  public var value: String
  public var threshold: String
  /// Up to five ids of records that fail it.
  public var offenders: [String]
}

/// The run's counts, when known (after `winnow run`, or from a manifest): drop-ratio gates
/// need them.
public struct GateCounts: Sendable {
  public var documents: Int
  public var rejected: Int
  /// Stage name, documents in, dropped.
  public var stages: [(name: String, input: Int, dropped: Int)]

  public init(documents: Int, rejected: Int, stages: [(name: String, input: Int, dropped: Int)]) {
    self.documents = documents
    self.rejected = rejected
    self.stages = stages
  }
}

/// Evaluates data-quality gates over a clean JSONL file, in one pass (plus a MinHash re-check
/// when the near-duplicate gate is on).
public enum GateEvaluator {
  public static func evaluate(file: String, gates: GateSettings, counts: GateCounts?) throws(RunError) -> [GateResult] {
    try evaluate(files: [file], gates: gates, counts: counts)
  }

  /// The gates over one output read from several files in order (its shards), each plain,
  /// gzip or Zstandard.
  public static func evaluate(files: [String], gates: GateSettings, counts: GateCounts?) throws(RunError) -> [GateResult] {
    let o = gates.options
    var results: [GateResult] = []
    func add(_ name: String, _ passed: Bool, _ value: String, _ threshold: String, _ offenders: [String] = []) {
      results.append(GateResult(name: name, passed: passed, value: value, threshold: threshold, offenders: Array(offenders.prefix(5))))
    }
    let normalizer = try? ICUNormalizer(form: .nfc)
    let pii = PIIStage(email: true, phone: true, rrn: true)
    let boilerplate: (any DocumentStage)?
    let rulesPath = o.string("boilerplate_rules")
    if !rulesPath.isEmpty {
      var values = StageOptions.defaults(for: BoilerplateConfig.options).values
      values["rules"] = .string(rulesPath)
      values["corpus_min_docs"] = .int(0)
      do {
        boilerplate = try BoilerplateConfig(options: StageOptions(values)).build(StageContext(baseDirectory: ""))
      } catch {
        throw RunError("gate boilerplate_rules: cannot load '\(rulesPath)': \(error.message)")
      }
    } else {
      boilerplate = nil
    }
    let script = Script(rawValue: o.string("script")) ?? .any
    let required = o.strings("required_fields")

    var records = 0
    var invalid: [String] = []
    var piiCount = 0
    var piiIDs: [String] = []
    var residual = 0
    var residualIDs: [String] = []
    var lengths: [Int] = []
    var inScript = 0
    var notInScript: [String] = []
    var complete = 0
    var incomplete: [String] = []

    let lines = RecordLines(paths: files)
    var lineNumber = 0
    while let bytes = try lines.next() {
      lineNumber += 1
      if bytes.isEmpty { continue }
      records += 1
      let members: [JSONLineParser.Member]
      do { members = try JSONLineParser.parseObject(bytes) } catch {
        invalid.append("line \(lineNumber): not JSON (\(error))")
        continue
      }
      func string(_ key: String) -> String? { members.first { $0.key == key }.flatMap { JSONLineParser.stringValue($0.value) } }
      let id = string("id") ?? "line \(lineNumber)"
      guard String(validating: bytes, as: UTF8.self) != nil else {
        invalid.append(id)
        continue
      }
      let text = string("text") ?? ""
      if text.isEmpty {
        invalid.append(id)
      } else if let normalizer, !normalizer.isNormalized(text), (try? normalizer.normalize(text)).map({ Array($0.utf8) != Array(text.utf8) }) ?? true {
        invalid.append(id)
      }
      lengths.append(text.unicodeScalars.count)
      if o.int("max_pii") >= 0 {
        let (_, found) = pii.redact(text)
        let total = found.email + found.phone + found.rrn
        if total > 0 {
          piiCount += total
          piiIDs.append(id)
        }
      }
      if let boilerplate {
        var document = Document(id: id, source: SourceInfo(path: id, format: .txt), text: text)
        _ = boilerplate.process(&document)
        let hits = document.removed.filter { Self.isContentRule($0.rule) }.count
        if hits > 0 {
          residual += hits
          residualIDs.append(id)
        }
      }
      if script != .any {
        let (letters, matching) = scriptLetters(text, script: script)
        if letters > 0 && matching * 2 >= letters { inScript += 1 } else { notInScript.append(id) }
      }
      if !required.isEmpty {
        let present = required.allSatisfy { key in
          guard let member = members.first(where: { $0.key == key }) else { return false }
          let raw = member.value
          return !(raw.elementsEqual("\"\"".utf8) || raw.elementsEqual("[]".utf8) || raw.elementsEqual("null".utf8))
        }
        if present { complete += 1 } else { incomplete.append(id) }
      }
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
    if o.int("max_pii") >= 0 {
      add("max_pii", piiCount <= o.int("max_pii"), "\(piiCount) matches in \(piiIDs.count) records", "<= \(o.int("max_pii"))", piiIDs)
    }
    if boilerplate != nil {
      let limit = o.int("max_residual_boilerplate")
      add("max_residual_boilerplate", residual <= limit, "\(residual) lines in \(residualIDs.count) records", "<= \(limit)", residualIDs)
    }
    let nearLimit = o.double("max_near_duplicate_ratio")
    if gates.configured.contains("max_near_duplicate_ratio") {
      let (ratio, ids) = try nearDuplicates(files: files, records: records)
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

  /// The letters of `text` (Unicode's Alphabetic property) and how many are of `script`.
  /// ASCII and Hangul syllables, most of a Korean crawl, are answered without asking the
  /// property tables (A–Z and a–z are the only alphabetic ASCII; every syllable is alphabetic).
  static func scriptLetters(_ text: String, script: Script) -> (letters: Int, matching: Int) {
    var letters = 0
    var matching = 0
    for scalar in text.unicodeScalars {
      let value = scalar.value
      let alphabetic: Bool
      if value < 0x80 {
        alphabetic = (0x61...0x7A).contains(value | 0x20)
      } else if value >= 0xAC00 && value <= 0xD7A3 {
        alphabetic = true
      } else {
        alphabetic = scalar.properties.isAlphabetic
      }
      if alphabetic {
        letters += 1
        if script.contains(value) { matching += 1 }
      }
    }
    return (letters, matching)
  }

  /// Rules that name content (weather, share bars, copyright …), not the structural guesses
  /// about where the body starts and ends, which would fire on any text's first line.
  static func isContentRule(_ rule: String) -> Bool {
    !(rule == "before_body" || rule == "after_body" || rule == "repeated" || rule.hasSuffix(".after") || rule.hasPrefix("corpus"))
  }

  /// The share of records `dedup` (defaults, threshold 0.8) would drop, and their ids.
  static func nearDuplicates(files: [String], records: Int) throws(RunError) -> (Double, [String]) {
    guard records > 0 else { return (0, []) }
    let scratch = NSTemporaryDirectory() + "/winnow-gates-\(getpid())"
    try? FileManager.default.removeItem(atPath: scratch)
    let stopToken = RunCancellation.onStop { try? FileManager.default.removeItem(atPath: scratch) }
    defer {
      try? FileManager.default.removeItem(atPath: scratch)
      RunCancellation.remove(stopToken)
    }
    do { try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true) } catch {
      throw RunError("cannot create '\(scratch)': \(error.localizedDescription)")
    }
    let decode: any DocumentStage
    let dedup: any DocumentStage
    do {
      decode = try DecodeConfig(options: StageOptions.defaults(for: DecodeConfig.options)).build(StageContext(baseDirectory: "."))
      dedup = try DedupConfig(options: StageOptions.defaults(for: DedupConfig.options)).build(StageContext(baseDirectory: "."))
    } catch {
      throw RunError("cannot build the dedup check: \(error.message)")
    }
    var input = InputSettings(paths: files, formats: [.jsonl])
    input.namedFileFormat = .jsonl  // a run's output is checked under its temporary name
    let pipeline = Pipeline(
      file: "(gates)", input: input,
      output: OutputSettings(path: scratch + "/kept.jsonl", rejects: scratch + "/dropped.jsonl"),
      stages: [
        PipelineStage(name: "decode", options: StageOptions.defaults(for: DecodeConfig.options), stage: decode),
        PipelineStage(name: "dedup", options: StageOptions.defaults(for: DedupConfig.options), stage: dedup),
      ])
    let summary = try Runner(pipeline: pipeline, options: RunOptions(progress: false)).run()
    let dropped = summary.stages.last?.dropped ?? 0
    var ids: [String] = []
    if let text = try? String(contentsOfFile: scratch + "/dropped.jsonl", encoding: .utf8) {
      for line in text.split(separator: "\n") where ids.count < 5 {
        if let members = try? JSONLineParser.parseObject(Array(line.utf8)),
          members.first(where: { $0.key == "stage" }).flatMap({ JSONLineParser.stringValue($0.value) }) == "dedup",
          let id = members.first(where: { $0.key == "id" }).flatMap({ JSONLineParser.stringValue($0.value) })
        {
          ids.append(id)
        }
      }
    }
    return (Double(dropped) / Double(records), ids)
  }

  static func format(_ value: Double) -> String {
    String(format: "%.4g", value)
  }

  // MARK: reports

  /// A table for people.
  public static func table(_ results: [GateResult]) -> String {
    let width = max(24, results.map(\.name.count).max() ?? 0)
    var lines = ["gates:"]
    for result in results {
      var line = "  " + (result.passed ? "PASS  " : "FAIL  ") + result.name.padding(toLength: width, withPad: " ", startingAt: 0)
        + " " + result.value + "  (limit " + result.threshold + ")"
      if !result.passed && !result.offenders.isEmpty { line += "\n        e.g. " + result.offenders.joined(separator: ", ") }
      lines.append(line)
    }
    let failed = results.filter { !$0.passed }.count
    lines.append(failed == 0 ? "  all \(results.count) gates passed" : "  \(failed) of \(results.count) gates failed")
    return lines.joined(separator: "\n")
  }

  public static func json(_ results: [GateResult]) -> [String: Any] {
    [
      "passed": results.allSatisfy(\.passed),
      "gates": results.map { ["name": $0.name, "passed": $0.passed, "value": $0.value, "threshold": $0.threshold, "offenders": $0.offenders] as [String: Any] },
    ]
  }

  /// JUnit XML: one test case per gate, so CI systems list each gate.
  public static func junit(_ results: [GateResult], suite: String) -> String {
    func escape(_ text: String) -> String {
      text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
    let failures = results.filter { !$0.passed }.count
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    xml += "<testsuites tests=\"\(results.count)\" failures=\"\(failures)\">\n"
    xml += "  <testsuite name=\"\(escape(suite))\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"0\">\n"
    for result in results {
      xml += "    <testcase classname=\"winnow.gates\" name=\"\(escape(result.name))\""
      if result.passed {
        xml += "><system-out>\(escape(result.value)) (limit \(escape(result.threshold)))</system-out></testcase>\n"
      } else {
        let detail = "\(result.value) (limit \(result.threshold))" + (result.offenders.isEmpty ? "" : "; e.g. " + result.offenders.joined(separator: ", "))
        xml += ">\n      <failure message=\"\(escape(detail))\" type=\"gate\">\(escape(detail))</failure>\n    </testcase>\n"
      }
    }
    xml += "  </testsuite>\n</testsuites>\n"
    return xml
  }
}
