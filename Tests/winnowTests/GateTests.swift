import Foundation
import Testing
import WinnowTestSupport

/// Data-quality gates: `gates:` in a pipeline and `winnow check` on any JSONL.
@Suite(.serialized) struct GateTests {
  let root = packageRoot()

  /// A JSONL with one problem per record, and two clean ones.
  static let bad = [
    #"{"id":"ok-1","text":"서울시는 다음 달부터 시내버스 요금을 조정한다고 밝혔다. 시는 운송 원가가 크게 올랐다고 설명했다.","title":"버스 요금","published":"2025-01-02"}"#,
    #"{"id":"email","text":"문의는 reporter@example.com 으로 보내 주세요. 시는 운송 원가가 크게 올랐다고 설명했다.","title":"t","published":"2025-01-02"}"#,
    #"{"id":"weather","text":"흐림서울 16.5℃\n시는 운송 원가가 크게 올랐다고 설명했다. 교통카드 기준 요금이 오른다.","title":"t","published":"2025-01-02"}"#,
    #"{"id":"empty","text":"","title":"t","published":"2025-01-02"}"#,
    "{\"id\":\"nfd\",\"text\":\"\u{1112}\u{1161}\u{11AB}\u{1100}\u{116E}\u{11A8} 사람들은 모두 같은 문장을 읽었다.\",\"title\":\"t\",\"published\":\"2025-01-02\"}",
    #"{"id":"english","text":"This record is written in English only, which the Korean gate does not expect here.","title":"t"}"#,
    #"{"id":"ok-1-copy","text":"서울시는 다음 달부터 시내버스 요금을 조정한다고 밝혔다. 시는 운송 원가가 크게 올랐다고 설명했다.","title":"버스 요금","published":"2025-01-02"}"#,
  ].joined(separator: "\n") + "\n"

  static let gates = """
    min_documents: 10
    valid_text: true
    max_pii: 0
    boilerplate_rules: \(packageRoot())/pipelines/rules/ko-news.yaml
    max_residual_boilerplate: 0
    max_near_duplicate_ratio: 0.05
    script: Hangul
    min_script_share: 0.95
    required_fields: [title, published]
    min_required_share: 1
    """

  @Test func checkNamesEveryFailingGateWithValueLimitAndRecords() throws {
    let directory = try TemporaryDirectory()
    let file = try directory.write("bad.jsonl", Self.bad)
    let gates = try directory.write("gates.yaml", Self.gates)
    let result = try runWinnow(["check", file, "--gates", gates, "--json", "--junit", directory.path + "/gates.xml"])
    #expect(result.status == 1, "\(result.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(json["passed"] as? Bool == false)
    let gatesList = try #require(json["gates"] as? [[String: Any]])
    var byName: [String: [String: Any]] = [:]
    for gate in gatesList { byName[gate["name"] as! String] = gate }
    func offenders(_ name: String) -> [String] { byName[name]?["offenders"] as? [String] ?? [] }
    #expect(byName["min_documents"]?["passed"] as? Bool == false)
    #expect(byName["min_documents"]?["value"] as? String == "7")
    #expect(offenders("valid_text").sorted() == ["empty", "nfd"])
    #expect(offenders("max_pii") == ["email"])
    #expect(offenders("max_residual_boilerplate") == ["weather"])
    #expect(byName["max_near_duplicate_ratio"]?["passed"] as? Bool == false)
    #expect(offenders("max_near_duplicate_ratio") == ["ok-1-copy"])
    #expect(offenders("min_script_share").contains("english"))
    #expect(offenders("required_fields") == ["english"])
    // The table names value and limit; JUnit has one test case per gate.
    #expect(result.stderr.contains("FAIL  max_pii"))
    #expect(result.stderr.contains("(limit <= 0)"))
    let xml = try directory.read("gates.xml")
    #expect(xml.components(separatedBy: "<testcase ").count - 1 == gatesList.count)
    #expect(xml.contains("failures=\"\(gatesList.filter { $0["passed"] as? Bool == false }.count)\""))
    let parse = try runProcess(
      "/usr/bin/env", ["python3", "-c", "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])", directory.path + "/gates.xml"])
    #expect(parse.status == 0, "JUnit XML does not parse: \(parse.stderr)")
  }

  @Test func pipelineGatesPassOnTheSamplesAndFailTheRunWhenTheyFail() throws {
    let directory = try TemporaryDirectory()
    let ok = try runWinnow(["run", "pipelines/ko-news.yaml", "--output", directory.path + "/clean.jsonl", "--quiet"], in: root)
    #expect(ok.status == 0, "\(ok.stderr)")
    let manifest = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/clean.manifest.json"))) as? [String: Any])
    #expect((manifest["gates"] as? [String: Any])?["passed"] as? Bool == true)
    // The same output through `winnow check` with the pipeline's gates and the run's counts.
    let check = try runWinnow(
      ["check", directory.path + "/clean.jsonl", "--gates", "pipelines/ko-news.yaml", "--manifest", directory.path + "/clean.manifest.json"],
      in: root)
    #expect(check.status == 0, "\(check.stderr)")
    #expect(check.stderr.contains("all 10 gates passed"))
    // A gate the samples cannot meet: the run writes its output and exits 1.
    let strict = try String(contentsOfFile: root + "/pipelines/ko-news.yaml", encoding: .utf8)
      .replacingOccurrences(of: "min_documents: 1\n", with: "min_documents: 1000\n")
      .replacingOccurrences(of: "../samples", with: root + "/samples").replacingOccurrences(of: "rules/", with: root + "/pipelines/rules/")
    let file = try directory.write("strict.yaml", strict)
    let failed = try runWinnow(["run", file, "--output", directory.path + "/strict.jsonl", "--quiet"])
    #expect(failed.status == 1)
    #expect(failed.stderr.contains("FAIL  min_documents"))
    #expect(failed.stderr.contains("1 gate(s) failed"))
    #expect(FileManager.default.fileExists(atPath: directory.path + "/strict.jsonl"))
  }

  @Test func badGatesAreConfigErrorsWithTheirPlace() throws {
    let directory = try TemporaryDirectory()
    let file = try directory.write("x.jsonl", "{\"id\":\"a\",\"text\":\"가\"}\n")
    let gates = try directory.write("g.yaml", "min_documents: 1\nmax_pi: 0\n")
    let result = try runWinnow(["check", file, "--gates", gates])
    #expect(result.status == 2)
    #expect(result.stderr.contains("g.yaml:2:1: error"), "\(result.stderr)")
    #expect(result.stderr.contains("unknown gate 'max_pi'; did you mean 'max_pii'?"), "\(result.stderr)")
  }

  /// `winnow run` measures its gates while it writes the output; `winnow check` reads the
  /// file. Both give the same gates, offenders included: with a dedup stage whose records the
  /// near-duplicate gate takes over (only its threshold differs), and with none.
  @Test func runGatesEqualCheckGatesOnTheSameOutput() throws {
    let directory = try TemporaryDirectory()
    // Each story its own syllables (a fixed sequence), so stories share no more than chance.
    func sentence(_ story: Int, _ number: Int) -> String {
      let syllables = (0..<30).map { (at: Int) -> Unicode.Scalar in
        let mixed = (UInt64(story * 1_000 + number) << 8 | UInt64(at)) &* 0x9E37_79B9_7F4A_7C15
        return Unicode.Scalar(0xAC00 + UInt32((mixed >> 40) % 11_172))!
      }
      return String(String.UnicodeScalarView(syllables)) + "."
    }
    var lines: [String] = []
    for story in 0..<6 {
      let base = (1...24).map { sentence(story, $0) }
      lines.append(#"{"id":"s\#(story)","text":"\#(base.joined(separator: " "))","title":"t"}"#)
      // A copy with its last sentence rewritten: Jaccard near 0.9, under the run's 0.99.
      let copy = base.dropLast() + [sentence(story + 100, 1)]
      if story % 2 == 0 { lines.append(#"{"id":"s\#(story)-copy","text":"\#(copy.joined(separator: " "))","title":"t"}"#) }
    }
    let input = try directory.write("in/docs.jsonl", lines.joined(separator: "\n") + "\n")
    let gates = """
      gates:
        min_documents: 1
        max_drop_ratio: 0.5
        valid_text: true
        max_pii: 0
        max_near_duplicate_ratio: 0.01
        min_median_chars: 100
        script: Hangul
        min_script_share: 0.9
        required_fields: [title]
      """
    for stages in ["  - decode: {}\n  - dedup: {threshold: 0.99}", "  - decode: {}"] {
      let pipeline = try directory.write(
        "p.yaml", "version: 1\ninput: {path: \(input), formats: [jsonl]}\noutput: {path: \(directory.path)/out/clean.jsonl}\nstages:\n\(stages)\n\(gates)\n")
      let run = try runWinnow(["run", pipeline, "--quiet"])
      #expect(run.status == 1, "\(run.stderr)")
      let manifest = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/out/clean.manifest.json"))) as? [String: Any])
      let measured = try #require(manifest["gates"] as? [String: Any])
      let check = try runWinnow(["check", directory.path + "/out/clean.jsonl", "--gates", pipeline, "--manifest", directory.path + "/out/clean.manifest.json", "--json"])
      let checked = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
      func canonical(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
      }
      #expect(try canonical(measured) == canonical(checked), "\(stages)")
      let near = (measured["gates"] as? [[String: Any]])?.first { $0["name"] as? String == "max_near_duplicate_ratio" }
      #expect(near?["offenders"] as? [String] == ["s0-copy", "s2-copy", "s4-copy"], "\(stages)")
    }
  }
}
