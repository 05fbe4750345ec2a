import Foundation
import Testing
import WinnowTestSupport

/// `langid` through the binary: lang and lang_score in clean records, reason `language` in
/// the rejects, counts by language in the summary.
@Suite struct LangIDEndToEndTests {
  @Test func keepsKoreanAndRejectsTheRestWithReasonLanguage() throws {
    let directory = try TemporaryDirectory()
    let root = packageRoot()
    let english = "The city council said on Monday that subway fares will rise next year because the operator has run deficits for a decade."
    _ = try directory.write("in/feed.jsonl", "{\"id\":\"en-1\",\"text\":\"\(english)\"}\n")
    for name in ["cp949-food-festival.txt", "euckr-harbor-ferry.html", "utf16le-subway-fare.txt"] {
      try FileManager.default.copyItem(atPath: root + "/samples/" + name, toPath: directory.path + "/in/" + name)
    }
    _ = try directory.write(
      "p.yaml", "version: 1\ninput: {path: in}\noutput: {path: out/clean.jsonl}\nstages:\n  - decode: {}\n  - html: {}\n  - normalize: {}\n  - langid: {languages: [ko], min_score: 0.5}\n")
    let result = try runWinnow(["run", "p.yaml", "--quiet", "--summary-json", "summary.json"], in: directory.path)
    #expect(result.status == 0, "\(result.stderr)")
    let kept = try readJSONLines(directory.path + "/out/clean.jsonl")
    #expect(kept.compactMap { $0["id"] as? String }.sorted() == ["cp949-food-festival.txt", "euckr-harbor-ferry.html", "utf16le-subway-fare.txt"])
    for row in kept {
      #expect(row["lang"] as? String == "ko")
      #expect((row["lang_score"] as? Double ?? 0) >= 0.5)
    }
    let rejects = try readJSONLines(directory.path + "/out/clean.rejects.jsonl")
    #expect(rejects.map { "\($0["id"] ?? "") \($0["stage"] ?? "") \($0["reason"] ?? "")" } == ["en-1 langid language"])
    let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/summary.json"))) as? [String: Any])
    let stage = try #require((summary["stages"] as? [[String: Any]])?.last)
    #expect(stage["name"] as? String == "langid")
    #expect((stage["counters"] as? [String: Int]) == ["lang:ko": 3, "lang:en": 1])
  }
}
