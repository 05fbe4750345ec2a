import Foundation
import Testing
import WinnowTestSupport

/// Hostile inputs aimed at the stages (issue 16, second round): shapes that cost a stage time
/// quadratic in their size, and records whose pass-through fields hold lone surrogates. Each
/// runs the built binary. Sizes prove the point in a debug build without taking long; time is
/// asserted only against generous bounds (the machine's speed varies by a third), and the
/// 64 MiB measurements are `harness/benchmarks/hostile_shapes.py`'s.
@Suite(.serialized) struct HostileInputStageTests {
  /// Runs `pipeline` (with `in/` as input and `out/clean.jsonl` as output) in `directory`.
  func run(_ directory: TemporaryDirectory, _ pipeline: String) throws -> Run {
    try directory.write("p.yaml", pipeline)
    let started = Date()
    let result = try runWinnow(["run", "p.yaml", "--quiet", "--jobs", "1", "--summary-json", "summary.json"], in: directory.path)
    let seconds = Date().timeIntervalSince(started)
    let summary = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/summary.json")))) as? [String: Any] ?? [:]
    return Run(status: result.status, stderr: result.stderr, seconds: seconds, summary: summary,
               kept: (try? readJSONLines(directory.path + "/out/clean.jsonl")) ?? [],
               rejects: (try? readJSONLines(directory.path + "/out/clean.rejects.jsonl")) ?? [])
  }

  struct Run {
    var status: Int32
    var stderr: String
    var seconds: Double
    var summary: [String: Any]
    var kept: [[String: Any]]
    var rejects: [[String: Any]]

    /// A stage's counter in the run summary.
    func counter(_ stage: String, _ name: String) -> Int? {
      let stages = summary["stages"] as? [[String: Any]] ?? []
      return (stages.first { $0["name"] as? String == stage }?["counters"] as? [String: Any])?[name] as? Int
    }

    /// "stage reason" of each reject.
    var reasons: [String] { rejects.map { "\($0["stage"] ?? "") \($0["reason"] ?? "")" } }

    /// The milliseconds a timeout reject's detail gives ("812 ms > stages[1].html.timeout_ms (200)").
    var timeoutMilliseconds: Int? {
      (rejects.first?["detail"] as? String)?.split(separator: " ").first.flatMap { Int($0) }
    }
  }

  static func pipeline(_ stages: String, input: String = "{path: in}") -> String {
    "version: 1\ninput: \(input)\noutput: {path: out/clean.jsonl}\nstages:\n" + stages
  }

  // MARK: normalize (item 5)

  /// `a` and 200,000 alternating U+0301/U+0316: ICU's reordering of one run of marks was
  /// quadratic (100k: 2.8 s, 400k: 47 s, 1M: 246 s in a release build). Stream-Safe (a joiner
  /// after every 30 marks) it takes milliseconds; the joiners are counted.
  @Test func aLongRunOfCombiningMarksIsNormalizedInLinearTime() throws {
    let directory = try TemporaryDirectory()
    try directory.write("in/marks.txt", "a" + String(repeating: "\u{301}\u{316}", count: 100_000) + "\n끝 문장입니다.")
    try directory.write("in/plain.txt", "Cafe\u{301} 문장입니다.")
    let run = try run(directory, Self.pipeline("  - decode: {}\n  - normalize: {}\n"))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.seconds < 30)
    #expect(run.reasons == [])
    #expect(run.counter("normalize", "combining_joiners") == 6_666)
    let texts = Dictionary(uniqueKeysWithValues: run.kept.map { ($0["id"] as? String ?? "", $0["text"] as? String ?? "") })
    #expect(texts["marks.txt"].map { $0.unicodeScalars.filter { $0 == "\u{34F}" }.count } == 6_666)
    #expect(texts["plain.txt"].map { Array($0.utf8) } == Array("Café 문장입니다.".utf8))
  }

  /// normalize checks the deadline between pieces of about 64K characters: a 6 MB text with
  /// `timeout_ms: 50` is rejected as `normalize timeout` about then, not when ICU is done.
  @Test func normalizeStopsAtItsTimeout() throws {
    let directory = try TemporaryDirectory()
    try directory.write("in/nfd.txt", String(repeating: "e\u{301}\u{1112}\u{1161}\u{11AB} ", count: 600_000))
    let run = try run(directory, Self.pipeline("  - decode: {}\n  - normalize: {timeout_ms: 50}\n"))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.reasons == ["normalize timeout"])
    // Within twice the limit and generous slack for a loaded machine and a debug build.
    #expect((run.timeoutMilliseconds ?? .max) < 2 * 50 + 3_000, "\(run.rejects.first?["detail"] ?? "")")
  }

  // MARK: html (item 6)

  /// One `<div>` with 100,000 attributes: libxml2 compares each with every earlier one
  /// (10 s; 300k: 90 s). Past 256 they are dropped before parsing, and counted.
  @Test func aTagWithManyAttributesIsParsedInLinearTime() throws {
    let directory = try TemporaryDirectory()
    let attributes = (0..<100_000).map { "a\($0)=\"v\"" }.joined(separator: " ")
    let paragraph = String(repeating: "The text of the page goes on for a while, and says something. ", count: 4)
    try directory.write("in/attributes.html", "<html><body><div \(attributes)><p>\(paragraph)</p></div></body></html>")
    let run = try run(directory, Self.pipeline("  - decode: {}\n  - html: {}\n"))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.seconds < 30)
    #expect(run.counter("html", "attributes_dropped") == 100_000 - 256)
    #expect((run.kept.first?["text"] as? String)?.hasPrefix("The text of the page") == true, "\(run.reasons)")
  }

  /// libxml2 looks through its stack of open elements for each end tag and each `<body>`:
  /// open `<div>`s and then end tags nothing matches were quadratic (1 MB: 73 s in a debug
  /// build). Parsing ends at depth 256; under it, the same shapes are linear.
  @Test func deepNestingAndUnmatchedEndTagsAreParsedInLinearTime() throws {
    let directory = try TemporaryDirectory()
    let text = "<p>" + String(repeating: "Text before the deep part of the page, long enough. ", count: 3) + "</p>"
    try directory.write("in/deep.html", "<html><body>" + text + String(repeating: "<div>", count: 100_000) + String(repeating: "</x>", count: 100_000))
    try directory.write("in/ends.html", "<html><body>" + String(repeating: "<div>", count: 250) + text + String(repeating: "</x><body>", count: 100_000))
    try directory.write("in/spans.html", "<html><body>" + text + String(repeating: "<span itemprop=\"author\">", count: 50_000) + "x")
    let run = try run(directory, Self.pipeline("  - decode: {}\n  - html: {}\n"))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.seconds < 30)
    #expect(run.counter("html", "depth_limited") == 2)
    #expect(Set(run.kept.compactMap { $0["id"] as? String }) == ["deep.html", "ends.html", "spans.html"], "\(run.reasons)")
  }

  /// Prose blocks side by side (the article's siblings), long paragraphs beside shorter ones
  /// (searched for copies), a long run of one letter: linear in the extractor too.
  @Test func pagesOfManyBlocksAreExtractedInLinearTime() throws {
    let directory = try TemporaryDirectory()
    let sentence = "The quick brown fox jumps over the lazy dog, and the dog sleeps on. "
    try directory.write("in/siblings.html", "<html><body>" + String(repeating: "<div><p>\(sentence)\(sentence)</p></div>", count: 20_000) + "</body></html>")
    try directory.write("in/copies.html", "<html><body><article>"
      + String(repeating: "<p>" + String(repeating: sentence, count: 8) + "</p><p>" + String(repeating: sentence, count: 2) + "</p>", count: 300)
      + "</article></body></html>")
    try directory.write("in/run.html", "<html><body><p>" + String(repeating: "a", count: 1_000_000) + "</p><p>" + String(repeating: "a", count: 400_000) + "b</p></body></html>")
    let run = try run(directory, Self.pipeline("  - decode: {}\n  - html: {}\n"))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.seconds < 60)
    #expect(run.kept.count == 3, "\(run.reasons)")
  }

  /// The html stage checks its deadline on the parser's events: an 8 MB page with
  /// `timeout_ms: 100` is rejected as `html timeout` about then.
  @Test func htmlStopsAtItsTimeout() throws {
    let directory = try TemporaryDirectory()
    try directory.write("in/big.html", "<html><body>" + String(repeating: "<p>A paragraph of the page.</p><b>x</b>", count: 200_000) + "</body></html>")
    let run = try run(directory, Self.pipeline("  - decode: {}\n  - html: {timeout_ms: 100}\n"))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.reasons == ["html timeout"])
    #expect((run.timeoutMilliseconds ?? .max) < 2 * 100 + 3_000, "\(run.rejects.first?["detail"] ?? "")")
  }

  // MARK: lone surrogates (item 7)

  /// `\ud800`/`\udfff` escapes anywhere in a record (pass-through values, list entries,
  /// nested objects, keys, title, text; kept and rejected records) come out as U+FFFD: every
  /// line is valid UTF-8 and JSON a strict reader takes, and the repairs are counted.
  @Test func loneSurrogatesBecomeReplacementCharactersInEveryOutputLine() throws {
    let directory = try TemporaryDirectory()
    let records = [
      #"{"id":"a","text":"본문 \ud800 입니다.","title":"t\udfff","extra":"x\ud800y","list":["\udc00",1,"ok \ud83d\ude00"],"nested":{"deep":{"v":"\udbff\u0041"}},"\ud800key":true}"#,
      #"{"id":"b","text":"  ","extra":["\ud800\ud800"]}"#,
      #"{"id":"c","extra":"\udfff no text"}"#,
      #"{"id":"d","text":"정상 문서입니다.","escaped":"\\ud800 is text","pair":"\ud83d\ude00"}"#,
    ]
    try directory.write("in/records.jsonl", records.joined(separator: "\n") + "\n")
    let run = try run(directory, Self.pipeline("  - decode: {max_invalid_ratio: 0.5}\n  - normalize: {}\n"))
    #expect(run.status == 0, "\(run.stderr)")
    // a: 6 (text, title, extra, list, nested, key); b: 2; c: 1; d: none (an escaped
    // backslash, and a pair).
    #expect((run.summary["read_repairs"] as? [String: Any])?["lone_surrogates"] as? Int == 9)
    #expect(run.reasons.sorted() == ["decode empty", "read missing_text"])
    var lines: [Substring] = []
    for name in ["out/clean.jsonl", "out/clean.rejects.jsonl"] {
      let bytes = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/" + name))
      #expect(String(validating: Array(bytes), as: UTF8.self) != nil, "\(name) is not valid UTF-8")
      lines += String(decoding: bytes, as: UTF8.self).split(separator: "\n")
    }
    #expect(lines.count == 4)
    for line in lines {
      #expect(Self.loneSurrogateEscapes(line) == 0, "\(line)")
      #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(line)")
    }
    let kept = Dictionary(uniqueKeysWithValues: run.kept.map { ($0["id"] as? String ?? "", $0) })
    #expect(kept["a"]?["extra"] as? String == "x\u{FFFD}y")
    #expect((kept["a"]?["list"] as? [Any])?.first as? String == "\u{FFFD}")
    #expect(((kept["a"]?["nested"] as? [String: Any])?["deep"] as? [String: Any])?["v"] as? String == "\u{FFFD}A")
    #expect(kept["a"]?["\u{FFFD}key"] as? Bool == true)
    #expect(kept["d"]?["escaped"] as? String == "\\ud800 is text")
    #expect(kept["d"]?["pair"] as? String == "😀")
  }

  /// `\uD800`–`\uDFFF` escapes in a JSON line that are not a high surrogate followed by a
  /// low one (an escaped backslash before `u` is no escape).
  static func loneSurrogateEscapes(_ line: Substring) -> Int {
    let bytes = Array(line.utf8)
    func unit(at index: Int) -> UInt32? {
      guard index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] | 0x20 == UInt8(ascii: "u") else { return nil }
      return UInt32(String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16)
    }
    var lone = 0
    var index = 0
    while index < bytes.count {
      guard bytes[index] == UInt8(ascii: "\\") else { index += 1; continue }
      guard let value = unit(at: index), (0xD800...0xDFFF).contains(value) else { index += 2; continue }
      if value <= 0xDBFF, let low = unit(at: index + 6), (0xDC00...0xDFFF).contains(low) {
        index += 12
      } else {
        lone += 1
        index += 6
      }
    }
    return lone
  }
}
