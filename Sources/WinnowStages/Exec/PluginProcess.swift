import CSpawn
import Foundation
import WinnowCore

/// One running plugin program: its stdin and stdout as non-blocking pipes, its stderr
/// shared with winnow's. `exchange` streams a run of documents through it.
/// Used by one worker at a time (the stage hands it out from its idle list).
final class PluginProcess: @unchecked Sendable {
  let pid: pid_t
  /// Our end of the program's stdin (nil once closed).
  private(set) var input: Int32?
  /// Our end of the program's stdout (-1 once closed).
  private(set) var output: Int32
  /// Bytes read from stdout and not yet a whole line.
  var pending: [UInt8] = []
  /// Answers read from this program so far: its first answer may take its start-up time.
  var answered = 0
  private var reaped = false
  private var status: Int32 = 0

  /// Starts `arguments` in `directory` with SIGINT, SIGTERM and SIGPIPE at their defaults
  /// (winnow handles or ignores them itself; a plugin should not inherit that).
  init(arguments: [String], directory: String) throws(StageFailure) {
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var child: pid_t = 0
    var toChild: Int32 = -1
    var fromChild: Int32 = -1
    let result = winnow_spawn(argv, directory, &child, &toChild, &fromChild)
    guard result == 0 else { throw StageFailure("cannot start \(arguments[0]): \(String(cString: strerror(result)))") }
    pid = child
    input = toChild
    output = fromChild
  }

  deinit {
    finish(grace: 0)
  }

  func closeInput() {
    if let input { Glibc.close(input) }
    input = nil
  }

  /// Closes stdin and waits up to `grace` seconds for the program to exit, then kills it.
  /// Closes stdout. Does nothing the second time.
  func finish(grace: Double) {
    closeInput()
    if !reaped {
      let until = Date().addingTimeInterval(grace)
      while !reap(wait: false), Date() < until { usleep(2000) }
      if !reaped {
        kill(-pid, SIGKILL)
        _ = reap(wait: true)
      }
    }
    closeOutput()
  }

  /// Kills the program and what it started (after a fault: its stream can no longer be
  /// trusted), and closes both pipes.
  func terminate() {
    closeInput()
    if !reaped {
      kill(-pid, SIGKILL)
      _ = reap(wait: true)
    }
    closeOutput()
  }

  private func closeOutput() {
    if output >= 0 { Glibc.close(output) }
    output = -1
  }

  /// Whether the program is still there to take a batch: not exited, and nothing waiting on
  /// its stdout (an answer no document asked for means its stream is off by a line).
  func isReusable() -> Bool {
    guard !reap(wait: false), output >= 0, pending.isEmpty else { return false }
    var fd = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
    return poll(&fd, 1, 0) == 0
  }

  @discardableResult
  func reap(wait: Bool) -> Bool {
    if reaped { return true }
    var raw: Int32 = 0
    let result = waitpid(pid, &raw, wait ? 0 : WNOHANG)
    if result == pid || (result < 0 && errno == ECHILD) {
      reaped = true
      status = raw
    }
    return reaped
  }

  /// "exited with status 1", "killed by signal 11 (SIGSEGV)", once the program has ended.
  func exitDescription() -> String {
    // The program closed its stdout; give it a moment to finish exiting.
    for _ in 0..<250 where !reap(wait: false) { usleep(2000) }
    guard reaped else { return "closed its output but is still running" }
    let signal = status & 0x7F
    if signal == 0 { return "exited with status \((status >> 8) & 0xFF)" }
    let name = strsignal(signal).map { String(cString: $0) } ?? "signal"
    return "killed by signal \(signal) (\(name))"
  }
}
