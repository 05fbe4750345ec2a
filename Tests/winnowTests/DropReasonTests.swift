import Foundation
import Testing
import WinnowTestSupport

/// Every reject a run writes carries a reason its stage declares: the declarations are what
/// README.md's reason table and docs/STAGES.md are generated from.
@Suite struct DropReasonTests {
  let root = packageRoot()

  /// The declared reasons by stage, read from the table `winnow stages --markdown` generates
  /// ("every stage" applies to all); a stage whose words the pipeline chooses is in `open`.
  func declaredReasons() throws -> (names: [String: Set<String>], open: Set<String>) {
    let markdown = try runWinnow(["stages", "--markdown"]).stdout
    let table = try #require(markdown.components(separatedBy: "| stage | reason | when |\n").last)
    var names: [String: Set<String>] = [:]
    var open: Set<String> = []
    for row in table.split(separator: "\n").dropFirst() {
      guard row.hasPrefix("| ") else { break }
      let cells = row.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      let stage = cells[1], reason = cells[2]
      if reason.hasPrefix("`") && reason.hasSuffix("`") {
        names[stage, default: []].insert(String(reason.dropFirst().dropLast()))
      } else {
        open.insert(stage)
      }
    }
    return (names, open)
  }

  /// Odd inputs that reach many reasons: empty and blank files, NUL bytes, bad JSONL lines,
  /// a page with nothing but a menu, a short note, documents for the rules file and the exec
  /// program below.
  func writeOddInputs(_ directory: TemporaryDirectory) throws {
    try directory.write("odd/empty.txt", "")
    try directory.write("odd/blank.txt", "  \n\t\n")
    try directory.write("odd/nul.txt", Array("이진 파일".utf8) + [UInt8](repeating: 0, count: 200) + Array("끝".utf8))
    try directory.write(
      "odd/lines.jsonl",
      "{\"id\":\"j1\",\"text\":\"정상적인 문장입니다.\"}\nnot json\n{\"id\":\"j2\"}\n{\"id\":\"j3\",\"text\":\"\"}\n")
    try directory.write("odd/menu.html", "<html><body><nav><ul><li><a href=\"/\">홈</a></li><li><a href=\"/n\">뉴스</a></li></ul></nav></body></html>")
    try directory.write("odd/short.txt", "짧은 글.\n")
    try directory.write("odd/advert.txt", "[광고] 오늘만 특가입니다. 지금 바로 구매하세요.\n")
    try directory.write("odd/promo.txt", "PROMO 지금 바로 구매하세요.\n")
    try directory.write("odd/gone.txt", "DELETEME\nDELETEME\n")
    try directory.write("odd/word.txt", "VERDICT 이 문서는 프로그램이 버립니다.\n")
    try directory.write("odd/garbage.txt", "GARBAGE 이 문서에는 엉터리 답이 옵니다.\n")
    try directory.write("odd/crash.txt", "CRASH 이 문서에서 프로그램이 멈춥니다.\n")
  }

  @Test func everyRejectOfTheReferencePipelinesHasADeclaredReason() throws {
    let (declared, open) = try declaredReasons()
    let directory = try TemporaryDirectory()
    try writeOddInputs(directory)
    try directory.write(
      "rules.yaml",
      """
      version: 1
      rules:
        - {name: advertorial, action: drop_document, reason: advertorial, regex: '^\\[광고\\]'}
        - {name: promo, action: drop_document, contains: [PROMO]}
        - {name: deleteme, action: drop_line, contains: [DELETEME]}

      """)
    // Keeps every document, but for three words: a drop of its own, a line that is not JSON,
    // and an exit while on the document.
    try directory.write(
      "judge.sh",
      """
      while IFS= read -r line; do
        id=$(printf '%s' "$line" | sed -E 's/^\\{"id":"([^"]*)".*/\\1/')
        case "$line" in
          *VERDICT*) printf '{"id":"%s","drop":"judged_off"}\\n' "$id" ;;
          *GARBAGE*) echo 'not an answer' ;;
          *CRASH*) exit 3 ;;
          *) printf '%s\\n' "$line" ;;
        esac
      done

      """)
    try directory.write(
      "extra.yaml",
      """
      version: 1
      input: {path: odd}
      output: {path: out/extra.jsonl}
      stages:
        - decode: {}
        - normalize: {}
        - rules: {file: rules.yaml}
        - exec: {command: [sh, judge.sh]}
        - quality: {min_chars: 20}

      """)
    // Every stage in these pipelines goes by its type's name (none is renamed with `name:`).
    var runs: [(String, [String])] = []
    for pipeline in ["pipelines/ko-news.yaml", "pipelines/web.yaml"] {
      let output = directory.path + "/" + (pipeline as NSString).lastPathComponent + ".jsonl"
      runs.append(
        (output, ["run", pipeline, "--input", "samples", "--input", "Tests/winnowTests/Fixtures/web", "--input", directory.path + "/odd",
                  "--output", output, "--quiet", "--no-gates"]))
    }
    runs.append((directory.path + "/out/extra.jsonl", ["run", directory.path + "/extra.yaml", "--quiet", "--no-gates"]))
    var seen: Set<String> = []
    for (output, arguments) in runs {
      let result = try runWinnow(arguments, in: root)
      #expect(result.status == 0, "\(arguments[1]): \(result.stderr)")
      for reject in try readJSONLines(String(output.dropLast(".jsonl".count)) + ".rejects.jsonl") {
        let stage = reject["stage"] as? String ?? "", reason = reject["reason"] as? String ?? ""
        seen.insert("\(stage) \(reason)")
        if open.contains(stage) { continue }
        let allowed = (declared[stage] ?? []).union(stage == "read" ? [] : declared["every stage"] ?? [])
        #expect(allowed.contains(reason), "\(arguments[1]): stage '\(stage)' dropped with '\(reason)', which it does not declare")
      }
    }
    // The inputs reach these, so the check above is not run on an empty list.
    for expected in [
      "read bad_json", "read missing_text", "decode empty", "decode binary", "html empty", "spam spam", "quality quality",
      "dedup duplicate", "rules advertorial", "rules rule_match", "rules empty", "exec judged_off", "exec plugin_error",
      "exec plugin_crash",
    ] {
      #expect(seen.contains(expected), "no reject '\(expected)' in \(seen.sorted())")
    }
  }
}
