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

/// Evaluates data-quality gates over a clean JSONL file, in one pass. `winnow run` measures
/// the same while it writes its output (`GateCollector` as the writer's observer).
public enum GateEvaluator {
  public static func evaluate(file: String, gates: GateSettings, counts: GateCounts?) throws(RunError) -> [GateResult] {
    try evaluate(files: [file], gates: gates, counts: counts)
  }

  /// The gates over one output read from several files in order (its shards), each plain,
  /// gzip or Zstandard.
  public static func evaluate(files: [String], gates: GateSettings, counts: GateCounts?) throws(RunError) -> [GateResult] {
    let collector = try GateCollector(gates: gates)
    let lines = RecordLines(paths: files)
    while let bytes = try lines.next() { try collector.add(line: bytes) }
    return try collector.results(counts: counts)
  }

  /// The letters of `text` (Unicode's Alphabetic property), how many are of `script` (ASCII
  /// letters are Latin), and the text's length in scalars.
  /// ASCII and Hangul syllables, most of a Korean crawl, are answered without asking the
  /// property tables (A–Z and a–z are the only alphabetic ASCII; every syllable is alphabetic).
  static func scriptLetters(_ text: String, script: Script) -> (letters: Int, matching: Int, scalars: Int) {
    let measured = measure(text, script: script, normalizer: nil)
    return (measured.letters, measured.matching, measured.scalars)
  }

  /// `scriptLetters`, and whether every scalar is stable under `normalizer`
  /// (`ICUNormalizer.isStable`, read in the same pass; true without one).
  static func measure(_ text: String, script: Script, normalizer: ICUNormalizer?)
    -> (letters: Int, matching: Int, scalars: Int, stable: Bool)
  {
    var text = text
    return text.withUTF8 { utf8 -> (letters: Int, matching: Int, scalars: Int, stable: Bool) in
      guard let base = utf8.baseAddress else { return (0, 0, 0, true) }
      guard let normalizer else { return measure(base, count: utf8.count, script: script, stable: nil, syllablesStable: true) }
      return normalizer.withStableTable {
        measure(base, count: utf8.count, script: script, stable: $0, syllablesStable: normalizer.syllablesStable)
      }
    }
  }

  /// `measure` over valid UTF-8; `stable` is the normalizer's bitmap of stable BMP scalars,
  /// `syllablesStable` whether it holds every Hangul syllable.
  private static func measure(_ base: UnsafePointer<UInt8>, count: Int, script: Script, stable: UnsafePointer<UInt8>?,
                              syllablesStable: Bool)
    -> (letters: Int, matching: Int, scalars: Int, stable: Bool)
  {
    // ASCII letters are Latin (`Script.contains` answers for the rest), as `quality` counts them.
    let asciiMatches = script == .latin || script == .any
    // Every Hangul syllable is alphabetic; whether the script holds them is one answer.
    let syllablesMatch = script.contains(0xAC00) && script.contains(0xD7A3)
    var letters = 0, matching = 0, scalars = 0, asciiLetters = 0, syllables = 0
    // A set bit: some scalar was not stable.
    var unstable: UInt8 = 0
    @inline(__always) func unstableBit(_ value: UInt32, _ stable: UnsafePointer<UInt8>) -> UInt8 {
      value < 0x10000 ? ~(stable[Int(value >> 3)] >> UInt8(value & 7)) & 1 : 1
    }
    var index = 0
    while index < count {
      // Eight ASCII bytes at a time.
      while index &+ 8 <= count {
        let word = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self)
        guard word & 0x8080_8080_8080_8080 == 0 else { break }
        asciiLetters &+= UTF8Scalar.asciiLetters(in: word)
        scalars &+= 8
        index &+= 8
      }
      guard index < count else { break }
      let lead = base[index]
      if lead < 0x80 {
        scalars &+= 1
        if (0x61...0x7A).contains(lead | 0x20) { asciiLetters &+= 1 }
        index &+= 1
        continue
      }
      // A run of Hangul syllables (U+AC00–U+D7A3: EA B0 80 – ED 9E A3), most of a Korean
      // text, told from their bytes when no syllable needs a stability lookup (else each is
      // decoded below like any other scalar). Valid UTF-8: EB and EC lead only syllables
      // (U+B000–U+CFFF); EA from B0 on, and ED up to 9E A3, the rest.
      if stable == nil || syllablesStable {
        let runStart = index
        while index &+ 3 <= count {
          let lead = base[index]
          if lead &- 0xEB < 2 {
            index &+= 3
            continue
          }
          let second = base[index &+ 1]
          guard lead == 0xEA && second >= 0xB0 || lead == 0xED && (second < 0x9E || second == 0x9E && base[index &+ 2] <= 0xA3) else { break }
          index &+= 3
        }
        syllables &+= (index &- runStart) / 3
      }
      guard index < count, base[index] >= 0x80 else { continue }
      // The text is valid UTF-8 (a String).
      let (value, length) = UTF8Scalar.decode(base, count: count, at: index)
      index &+= length
      scalars &+= 1
      if let stable { unstable |= unstableBit(value, stable) }
      if Unicode.Scalar(value)?.properties.isAlphabetic == true {
        letters &+= 1
        if script.contains(value) { matching &+= 1 }
      }
    }
    let allStable = unstable == 0
    scalars &+= syllables
    letters &+= asciiLetters &+ syllables
    if asciiMatches { matching &+= asciiLetters }
    if syllablesMatch { matching &+= syllables }
    return (letters, matching, scalars, allStable)
  }

  /// Rules that name content (weather, share bars, copyright …), not the structural guesses
  /// about where the body starts and ends, which would fire on any text's first line.
  static func isContentRule(_ rule: String) -> Bool {
    !(rule == "before_body" || rule == "after_body" || rule == "repeated" || rule.hasSuffix(".after") || rule.hasPrefix("corpus"))
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
