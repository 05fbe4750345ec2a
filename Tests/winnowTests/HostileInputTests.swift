import Foundation
import Testing
import WinnowTestSupport

/// Hostile input ends as a reject with a reason or a clear config error: no crash, no hang,
/// bounded memory. Each case runs the built binary with a time limit.
@Suite(.serialized) struct HostileInputTests {
  static let pipeline = """
    version: 1
    input: {path: in, max_document_bytes: 1048576}
    output: {path: out/clean.jsonl}
    stages:
      - decode: {}
      - html: {}
      - normalize: {}
      - quality: {min_chars: 10, min_words: 1, min_sentences: 0}
    """

  /// Runs winnow on `directory` with the pipeline above; returns its rejects by id.
  func run(_ directory: TemporaryDirectory) throws -> (status: Int32, rejects: [String: String], kept: [String], stderr: String) {
    try directory.write("p.yaml", Self.pipeline)
    let result = try runWinnow(["run", "p.yaml", "--quiet", "--jobs", "2"], in: directory.path)
    var rejects: [String: String] = [:]
    for row in (try? readJSONLines(directory.path + "/out/clean.rejects.jsonl")) ?? [] {
      rejects[row["id"] as? String ?? "?"] = "\(row["stage"] ?? "") \(row["reason"] ?? "")"
    }
    let kept = ((try? readJSONLines(directory.path + "/out/clean.jsonl")) ?? []).compactMap { $0["id"] as? String }
    return (result.status, rejects, kept, result.stderr)
  }

  @Test func brokenBytesBinariesAndDeepMarkupAreRejectedOrCleaned() throws {
    let directory = try TemporaryDirectory()
    let sentence = "서울 시내버스 요금이 다음 달부터 오른다. "
    try directory.write("in/trunc-utf8.txt", Array(String(repeating: sentence, count: 20).utf8) + Array("서".utf8).prefix(2))
    try directory.write("in/nul.txt", Array(repeating: Array("abc\0\0\0def".utf8), count: 100).flatMap { $0 })
    try directory.write("in/image.html", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
    try directory.write(
      "in/deep.html",
      "<html><body>" + String(repeating: "<div>", count: 100_000) + String(repeating: "본문 문장입니다. ", count: 50)
        + String(repeating: "</div>", count: 100_000) + "</body></html>")
    try directory.write("in/empty.txt", "")
    try directory.write("in/half.jsonl", "{\"id\":\"a\",\"text\":\"정상 문서입니다. 끝까지 읽힌다.\"}\n{\"id\":\"b\",\"text\":\"잘린\n[1,2]\n{\"id\":\"d\",\"text\":\"마지막")
    let result = try run(directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.rejects["nul.txt"] == "decode binary")
    #expect(result.rejects["image.html"] == "decode binary")
    #expect(result.rejects["empty.txt"] == "decode empty")
    #expect(result.rejects["half.jsonl:2"] == "read bad_json")
    #expect(result.rejects["half.jsonl:3"] == "read bad_json")
    #expect(result.rejects["half.jsonl:4"] == "read bad_json")
    #expect(result.kept.contains("a"))
    // The truncated character is replaced, the text kept; the deep page ends one way or the other.
    #expect(result.kept.contains("trunc-utf8.txt"))
    #expect(result.kept.contains("deep.html") || result.rejects["deep.html"] != nil)
  }

  @Test func hugeLinesAndCompressionBombsStopAtTheSizeLimit() throws {
    let directory = try TemporaryDirectory()
    // A 100 MB single line, as JSONL and as plain text.
    let line = Array("{\"id\":\"big\",\"text\":\"".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 100_000_000) + Array("\"}\n{\"id\":\"after\",\"text\":\"뒤에 오는 정상 문서입니다.\"}\n".utf8)
    try directory.write("in/longline.jsonl", line)
    try directory.write("in/longline.txt", [UInt8](repeating: UInt8(ascii: "b"), count: 100_000_000))
    // 64 MiB of one byte, gzipped to about 64 KB: a bomb for a 1 MiB limit.
    let gzip = Process()
    gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
    gzip.arguments = ["-c", "head -c 67108864 /dev/zero | tr '\\0' a | gzip -9 > '\(directory.path)/in/bomb.jsonl.gz'; head -c 67108864 /dev/zero | gzip -9 > '\(directory.path)/in/bomb.txt.gz'"]
    try gzip.run()
    gzip.waitUntilExit()
    let result = try run(directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.rejects["longline.jsonl:1"] == "read too_large")
    #expect(result.kept.contains("after"))
    #expect(result.rejects["longline.txt"] == "read too_large")
    #expect(result.rejects["bomb.jsonl.gz:1"] == "read too_large")
    #expect(result.rejects["bomb.txt.gz"] == "read too_large")
  }

  /// A pattern that backtracks without end (`^(a+)+$` on forty a's and a '!': 2^40 steps) is
  /// stopped at the stage's timeout_ms; the document is rejected and the run goes on.
  @Test func aRegexThatNeverEndsIsStoppedAtTheTimeout() throws {
    let directory = try TemporaryDirectory()
    try directory.write("in/evil.txt", "정상 문단입니다. 문장이 이어집니다.\n\n" + String(repeating: "a", count: 40) + "!\n")
    try directory.write("in/fine.txt", "정상 문서입니다. 아무 문제 없습니다.\n")
    try directory.write("evil.yaml", "version: 1\nrules:\n  - {name: evil, action: drop_line, regex: '^(a+)+$'}\n")
    let file = try directory.write("p.yaml", "version: 1\ninput: {path: in}\noutput: {path: out/c.jsonl}\nstages:\n  - decode: {}\n  - rules: {file: evil.yaml, timeout_ms: 300}\n")
    let started = Date()
    let result = try runWinnow(["run", file])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(Date().timeIntervalSince(started) < 20)
    let rejects = try readJSONLines(directory.path + "/out/c.rejects.jsonl")
    #expect(rejects.map { "\($0["id"] ?? "") \($0["stage"] ?? "") \($0["reason"] ?? "")" } == ["evil.txt rules timeout"])
    #expect((rejects.first?["detail"] as? String ?? "").hasSuffix("> stages[1].rules.timeout_ms (300)"))
    #expect(try readJSONLines(directory.path + "/out/c.jsonl").map { $0["id"] as? String } == ["fine.txt"])
  }

  @Test func hostileConfigsAreConfigErrors() throws {
    let directory = try TemporaryDirectory()
    // "Billion laughs": nine levels of aliases.
    var yaml = "version: 1\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
    for (previous, name) in zip(names, names.dropFirst()) {
      yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
    }
    yaml += "stages: *i\n"
    try directory.write("laughs.yaml", yaml)
    let laughs = try runWinnow(["validate", "laughs.yaml"], in: directory.path)
    #expect(laughs.status == 2)
    #expect(laughs.stderr.contains("laughs.yaml:"))
    // Missing files: input, rule pack.
    try directory.write("missing.yaml", "version: 1\ninput: {path: nowhere}\noutput: {path: o.jsonl}\nstages:\n  - decode: {}\n  - boilerplate: {rules: no-such-pack.yaml}\n")
    let missing = try runWinnow(["validate", "missing.yaml"], in: directory.path)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("missing.yaml:2:15: error: [input.path] input 'nowhere' does not exist"), "\(missing.stderr)")
    #expect(missing.stderr.contains("no-such-pack.yaml"), "\(missing.stderr)")
  }
}
