import Foundation
import Testing
import WinnowTestSupport

/// The five real pages in ../shared/seeds through pipelines/ko-news.yaml against the clean
/// text and metadata written by hand in Golden/seeds (as seed line numbers and cuts, so the
/// seeds' text is not copied into the repository).
@Suite(.serialized) struct SeedGoldenTests {
  let root = packageRoot()

  struct Expected {
    var seed: String
    var text: String
    var fields: [String: Any]
  }

  /// Builds the expected text from the seed's lines as `render.py` does, then applies the
  /// `normalize` stage's space clean-up (NBSP → space, runs of spaces → one).
  func expected(_ path: String, seeds: String) throws -> Expected {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let spec = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let seed = try #require(spec["seed"] as? String)
    let source = try String(contentsOfFile: seeds + "/" + seed, encoding: .utf8)
    let lines = source.components(separatedBy: "\n")
    func strip(_ text: String) -> String {
      var scalars = Substring(text).unicodeScalars
      while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
      while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
      return String(scalars)
    }
    var paragraphs: [String] = []
    for entry in try #require(spec["lines"] as? [[String: Any]]) {
      let number = try #require(entry["line"] as? Int)
      var scalars = Array(strip(lines[number - 1]).unicodeScalars)
      if let cut = entry["cut_prefix"] as? Int { scalars.removeFirst(cut) }
      if let cut = entry["cut_suffix"] as? Int { scalars.removeLast(cut) }
      var text = strip(String(String.UnicodeScalarView(scalars)))
      for pair in entry["redact"] as? [[String]] ?? [] { text = text.replacingOccurrences(of: pair[0], with: pair[1]) }
      paragraphs.append(tidy(text))
    }
    var fields: [String: Any] = [:]
    if let title = spec["title"] as? [String: Any], let number = title["line"] as? Int {
      var value = strip(lines[number - 1])
      if let suffix = spec["title_strip_suffix"] as? String, value.hasSuffix(suffix) { value = strip(String(value.dropLast(suffix.count))) }
      fields["title"] = tidy(value)
    }
    for key in ["published", "authors", "outlet"] { if let value = spec[key] { fields[key] = value } }
    return Expected(seed: seed, text: paragraphs.joined(separator: "\n\n"), fields: fields)
  }

  func tidy(_ text: String) -> String {
    var out = ""
    var space = false
    for scalar in text.unicodeScalars {
      if scalar == " " || scalar == "\u{A0}" { space = true; continue }
      if space, !out.isEmpty { out.append(" ") }
      space = false
      out.unicodeScalars.append(scalar)
    }
    return out
  }

  @Test(.enabled(if: sharedSeeds != nil, sharedSeedsSkip)) func seedsMatchHandWrittenGolden() throws {
    let seeds = try #require(sharedSeeds)
    let directory = try TemporaryDirectory()
    let result = try runWinnow(
      ["run", "pipelines/ko-news.yaml", "--input", seeds, "--output", directory.path + "/clean.jsonl", "--quiet"], in: root)
    #expect(result.status == 0, "\(result.stderr)")
    var records: [String: [String: Any]] = [:]
    for record in try readJSONLines(directory.path + "/clean.jsonl") { records[record["id"] as? String ?? ""] = record }
    let golden = root + "/Tests/winnowTests/Golden/seeds"
    let files = try FileManager.default.contentsOfDirectory(atPath: golden).filter { $0.hasSuffix(".expected.json") }.sorted()
    #expect(files.count == 5)
    for file in files {
      let want = try expected(golden + "/" + file, seeds: seeds)
      let got = try #require(records[want.seed], "\(want.seed) was dropped")
      let text = got["text"] as? String ?? ""
      // Compare bytes: Swift's == on String is canonical equivalence.
      let same = Array(text.utf8) == Array(want.text.utf8)
      #expect(same, "\(want.seed): text differs\n--- want\n\(want.text)\n--- got\n\(text)")
      for key in ["title", "published", "outlet"] {
        #expect(got[key] as? String == want.fields[key] as? String, "\(want.seed): \(key)")
      }
      #expect(got["authors"] as? [String] == want.fields["authors"] as? [String], "\(want.seed): authors")
    }
  }
}
