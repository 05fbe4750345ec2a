import Foundation
import Testing
import WinnowTestSupport

/// `runProcess` (behind `runWinnow`): a child's pipes are served at the same time, so a child
/// that fills one while its parent waits on another does not hang the tests.
@Suite struct ProcessHelperTests {
  /// 200 KB on stderr before a word on stdout. Read one pipe to its end before the other and the
  /// child blocks once stderr's 64 KB pipe buffer is full, while the test waits for stdout's end:
  /// `timeout` kills the child after 60 s, so such a helper fails this test (killed, stderr cut
  /// at 65,536 bytes) instead of hanging the run. SIGKILL, since children of the test process
  /// start with SIGTERM blocked.
  @Test func aChildThatFillsStandardErrorFirstIsReadToTheEnd() throws {
    let result = try runProcess(
      "/usr/bin/timeout", ["-s", "KILL", "60", "/bin/sh", "-c", "head -c 204800 /dev/zero | tr '\\0' e >&2; printf done"])
    #expect(result.status == 0)
    #expect(result.stdout == "done")
    #expect(result.stderr.utf8.count == 204_800)
    #expect(result.stderr.utf8.allSatisfy { $0 == UInt8(ascii: "e") })
  }

  /// 1.1 MB through `cat` while it also writes 200 KB to stderr: stdin is written while both
  /// outputs are read.
  @Test func aChildThatAnswersBeforeReadingAllItsInputGetsItAll() throws {
    let input = Array((0..<100_000).map { "line \($0)\n" }.joined().utf8)
    let result = try runProcess(
      "/usr/bin/timeout", ["-s", "KILL", "60", "/bin/sh", "-c", "head -c 204800 /dev/zero >&2; cat"], input: input)
    #expect(result.status == 0)
    #expect(result.stderr.utf8.count == 204_800)
    #expect(Array(result.stdout.utf8) == input)
  }
}
