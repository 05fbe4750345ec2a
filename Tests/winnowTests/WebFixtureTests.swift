import Foundation
import Testing
import WinnowTestSupport

/// pipelines/web.yaml on hand-written pages in the shapes of common CMSs and languages
/// (Fixtures/web, see its README): the article body by lines, and the page's metadata.
@Suite(.serialized) struct WebFixtureTests {
  let root = packageRoot()

  struct Score {
    var matched = 0, produced = 0, expected = 0
    var precision: Double { Double(matched) / Double(max(1, produced)) }
    var recall: Double { Double(matched) / Double(max(1, expected)) }
  }

  @Test func webPipelineExtractsArticlesFromCMSPages() throws {
    let fixtures = root + "/Tests/winnowTests/Fixtures/web"
    let directory = try TemporaryDirectory()
    let result = try runWinnow(
      ["run", "pipelines/web.yaml", "--input", fixtures, "--output", directory.path + "/clean.jsonl", "--quiet"], in: root)
    #expect(result.status == 0, "\(result.stderr)")
    var records: [String: [String: Any]] = [:]
    for record in try readJSONLines(directory.path + "/clean.jsonl") { records[record["id"] as? String ?? ""] = record }
    let pages = try FileManager.default.contentsOfDirectory(atPath: fixtures).filter { $0.hasSuffix(".expected.json") }.sorted()
    #expect(pages.count >= 14)
    var total = Score()
    var authorsRight = 0
    for page in pages {
      let id = page.replacingOccurrences(of: ".expected.json", with: ".html")
      let data = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/" + page))
      let want = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
      let got = try #require(records[id], "\(id) was dropped")
      let expectedLines = try #require(want["text_lines"] as? [String])
      let lines = (got["text"] as? String ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      var remaining: [String: Int] = [:]
      for line in expectedLines { remaining[line, default: 0] += 1 }
      var score = Score(expected: expectedLines.reduce(0) { $0 + $1.count })
      for line in lines {
        score.produced += line.count
        if let left = remaining[line], left > 0 { remaining[line] = left - 1; score.matched += line.count }
      }
      total.matched += score.matched
      total.produced += score.produced
      total.expected += score.expected
      #expect(score.recall == 1, "\(id): body lines lost, recall \(score.recall)")
      #expect(score.precision >= 0.85, "\(id): precision \(score.precision)")
      #expect(got["title"] as? String == want["title"] as? String, "\(id): title")
      #expect(got["published"] as? String == want["published"] as? String, "\(id): published")
      if got["authors"] as? [String] == want["authors"] as? [String] { authorsRight += 1 }
    }
    #expect(total.recall == 1)
    #expect(total.precision >= 0.97, "precision \(total.precision)")
    // Known miss: a role word before the name in microdata ("记者 陈晓雯").
    #expect(authorsRight >= pages.count - 1, "authors right on \(authorsRight) of \(pages.count)")
  }
}
