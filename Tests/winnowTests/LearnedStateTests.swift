import Foundation
import Testing
import WinnowTestSupport

/// `winnow learn state|merge` and `--learned`: a learning stage's first pass split by shard,
/// added up, and loaded by the main pass, against one `winnow run` that learns by itself.
@Suite(.serialized) struct LearnedStateTests {
  /// Two sites' pages (txt files in two directories) sharing chrome lines that only the
  /// corpus rule removes, and a JSONL feed.
  static func crawl(in directory: TemporaryDirectory) throws {
    var words: [String] = []
    for index in 0..<400 {
      var word = ""
      for position in 0..<(2 + index % 3) {
        word.unicodeScalars.append(Unicode.Scalar(UInt32(0xAC00 + (index * 131 + position * 977) % 11172))!)
      }
      words.append(word)
    }
    func sentence(_ seed: Int) -> String { (0..<14).map { words[($0 * 37 + seed * 101) % 400] }.joined(separator: " ") + "다." }
    for site in 0..<2 {
      let chrome = (0..<3).map { "\(words[site * 50 + $0]) \(words[site * 50 + $0 + 7]) \(words[site * 50 + $0 + 13])" }
      for page in 0..<12 {
        let body = (0..<4).map { sentence(site * 100 + page * 7 + $0) }
        try directory.write("in/site\(site)/p\(page).txt", ([chrome[0], chrome[1]] + body + [chrome[2]]).joined(separator: "\n\n"))
      }
    }
    let feed = (0..<6).map { "{\"id\":\"f\($0)\",\"text\":\"\(sentence(900 + $0))\\n\\n\(sentence(950 + $0))\"}" }
    try directory.write("in/feed.jsonl", feed.joined(separator: "\n") + "\n")
    // The reference pipeline's rule pack: its own rules do not touch these lines.
    let pack = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("pipelines/rules/ko-news.yaml").path
    try directory.write(
      "p.yaml",
      "version: 1\ninput: {path: in}\noutput: {path: out/clean.jsonl, rejects: out/rejects.jsonl}\nstages:\n  - decode: {}\n"
        + "  - boilerplate: {rules: \(pack), body_span: false, corpus_min_docs: 5, corpus_min_share: 0.2}\n  - dedup: {}\n")
  }

  @Test func shardStatesMergedAndLoadedGiveTheRunsOutput() throws {
    let directory = try TemporaryDirectory()
    try Self.crawl(in: directory)
    let single = try runWinnow(["run", "p.yaml", "--quiet", "--jobs", "1", "--summary-json", "summary.json"], in: directory.path)
    #expect(single.status == 0, "\(single.stderr)")
    let summary = try String(contentsOfFile: directory.path + "/summary.json", encoding: .utf8)
    #expect(summary.contains("rule:corpus_repeated"), "the corpus rule removed nothing: the test would not see a state that is wrong")
    // Three shards' states, merged, equal the whole input's state.
    var parts: [String] = []
    for index in 0..<3 {
      let state = try runWinnow(["learn", "state", "p.yaml", "--shard", "\(index)/3", "--out", "part\(index)"], in: directory.path)
      #expect(state.status == 0, "\(state.stderr)")
      parts.append("part\(index)")
    }
    let whole = try runWinnow(["learn", "state", "p.yaml", "--out", "whole"], in: directory.path)
    #expect(whole.status == 0, "\(whole.stderr)")
    let merged = try runWinnow(["learn", "merge", "p.yaml"] + parts, in: directory.path)
    let same = try runWinnow(["learn", "merge", "p.yaml", "whole"], in: directory.path)
    #expect(merged.status == 0 && same.status == 0, "\(merged.stderr) \(same.stderr)")
    #expect(merged.stdout == same.stdout)
    #expect(merged.stdout.contains("\tline\t") && merged.stdout.contains("\tsite\t"))
    // The main pass with the final state writes what the run wrote.
    let final = try runWinnow(["learn", "merge", "p.yaml", "--final", "--out", "learned"] + parts, in: directory.path)
    #expect(final.status == 0, "\(final.stderr)")
    let finalText = try String(contentsOfFile: directory.path + "/learned", encoding: .utf8)
    #expect(finalText.split(separator: "\n").count < merged.stdout.split(separator: "\n").count)
    for index in 0..<2 {
      let result = try runWinnow(
        ["dedup", "signatures", "p.yaml", "--shard", "\(index)/2", "--work", "w", "--quiet", "--jobs", "1", "--learned", "learned"],
        in: directory.path)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(!result.stderr.contains("first pass"))
    }
    for band in 0..<16 { _ = try runWinnow(["dedup", "buckets", "p.yaml", "--band", "\(band)", "--work", "w", "--quiet"], in: directory.path) }
    _ = try runWinnow(["dedup", "clusters", "p.yaml", "--work", "w", "--quiet"], in: directory.path)
    var clean: [String] = []
    for index in 0..<2 {
      let result = try runWinnow(
        ["dedup", "filter", "p.yaml", "--shard", "\(index)/2", "--work", "w", "--quiet", "--output", "c\(index).jsonl", "--rejects", "r\(index).jsonl"],
        in: directory.path)
      #expect(result.status == 0, "\(result.stderr)")
      clean += try String(contentsOfFile: directory.path + "/c\(index).jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
    }
    let want = try String(contentsOfFile: directory.path + "/out/clean.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
    #expect(clean.sorted() == want.sorted())
  }

  @Test func stateOfAnotherConfigurationIsRefused() throws {
    let directory = try TemporaryDirectory()
    try Self.crawl(in: directory)
    let state = try runWinnow(["learn", "state", "p.yaml", "--out", "s"], in: directory.path)
    #expect(state.status == 0, "\(state.stderr)")
    let other = try String(contentsOfFile: directory.path + "/p.yaml", encoding: .utf8).replacingOccurrences(of: "corpus_min_docs: 5", with: "corpus_min_docs: 6")
    try directory.write("q.yaml", other)
    let result = try runWinnow(["run", "q.yaml", "--quiet", "--learned", "s"], in: directory.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("learned under another configuration"), "\(result.stderr)")
  }
}
