import Foundation
import Testing
import WinnowTestSupport

/// `--report`: the numbers in the page are the manifest's.
@Suite(.serialized) struct ReportTests {
  let root = packageRoot()

  /// Every `data-key="…">N<` and `data-key="…" data-count="N"` in the page.
  func numbers(_ html: String) -> [String: Int] {
    var found: [String: Int] = [:]
    let pattern = try! NSRegularExpression(pattern: #"data-key="([^"]+)"(?: data-count="(\d+)")?[^>]*>(\d*)"#)
    for match in pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
      let key = String(html[Range(match.range(at: 1), in: html)!])
      let value = Range(match.range(at: 2), in: html).map { String(html[$0]) } ?? Range(match.range(at: 3), in: html).map { String(html[$0]) } ?? ""
      if let number = Int(value) { found[key] = number }
    }
    return found
  }

  @Test func reportNumbersMatchTheManifest() throws {
    let directory = try TemporaryDirectory()
    let result = try runWinnow(
      ["run", "pipelines/ko-news.yaml", "--output", directory.path + "/clean.jsonl", "--report", directory.path + "/report.html", "--quiet"],
      in: root)
    #expect(result.status == 0, "\(result.stderr)")
    let html = try directory.read("report.html")
    let manifest = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/clean.manifest.json"))) as? [String: Any])
    let counts = try #require(manifest["counts"] as? [String: Any])
    let n = numbers(html)
    for key in ["documents", "kept", "rejected"] {
      let count = try #require(counts[key] as? Int, "the manifest has no counts.\(key)")
      #expect(n[key] == count, "\(key)")
    }
    for stage in try #require(counts["stages"] as? [[String: Any]]) {
      let name = stage["name"] as! String
      for (reason, count) in stage["dropped_by_reason"] as? [String: Int] ?? [:] {
        #expect(n["drop.\(name).\(reason)"] == count, "\(name) \(reason)")
      }
      if name == "decode" {
        for (key, count) in stage["counters"] as? [String: Int] ?? [:] where key.hasPrefix("charset:") {
          #expect(n["charset." + key.dropFirst(8)] == count)
        }
      }
      if name == "boilerplate" {
        // Lines removed by a rule: the rule's counter (the samples have weather widgets).
        let weather = try #require((stage["counters"] as? [String: Int])?["rule:weather"], "no counter rule:weather")
        #expect(n["removed.boilerplate/weather"] == weather)
      }
    }
    // The histograms hold every document read and every record written.
    let input = n.filter { $0.key.hasPrefix("input.") }.values.reduce(0, +)
    let output = n.filter { $0.key.hasPrefix("output.") }.values.reduce(0, +)
    #expect(input == counts["documents"] as? Int)
    #expect(output == counts["kept"] as? Int)
    // Gates, duplicate groups, no scripts or remote resources.
    #expect(html.contains("data-key=\"gate.max_pii\">PASS"))
    #expect(html.contains("→ kept <b>bizdaily-battery-plant.html</b>"))
    for remote in ["<script", "src=", "href=", "@import", "url("] { #expect(!html.contains(remote), "\(remote)") }
  }
}
