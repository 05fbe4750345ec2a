import Foundation
import Synchronization

/// A request to stop (SIGINT/SIGTERM), and what makes a stopped command leave nothing that
/// looks finished.
///
/// The first signal asks to stop: the runner checks between batches and phases and fails the
/// run cleanly. Whatever the command is doing (opening a FIFO, walking a directory, reading
/// a huge pipeline file), `stopNow` ends the process a moment later: it runs the registered
/// stop actions (remove `.partial` files and scratch folders, write an interrupted manifest)
/// and exits 128 + the signal. A run that has reached its final renames (`commit`) is
/// finished: those renames and the manifest are done under the same lock, so a signal either
/// stops the run before them (nothing is in place) or is too late (all of it is, exit 0).
public enum RunCancellation {
  private static let requested = Atomic<Int32>(0)
  // Recursive: the commit's renames remove their own stop actions.
  private static let lock = NSRecursiveLock()
  /// Under `lock`.
  nonisolated(unsafe) private static var actions: [Int: @Sendable () -> Void] = [:]
  nonisolated(unsafe) private static var nextAction = 0
  nonisolated(unsafe) private static var committed = false

  /// The signal that asked to stop, or 0.
  public static var signal: Int32 { requested.load(ordering: .acquiring) }
  public static var isRequested: Bool { signal != 0 }

  public static func request(signal: Int32) {
    requested.store(signal, ordering: .releasing)
  }

  /// "SIGINT", "SIGTERM".
  public static var signalName: String {
    signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
  }

  static func check() throws(RunError) {
    if isRequested { throw RunError("interrupted by \(signalName): nothing was written") }
  }

  /// Registers what undoes unfinished work if the process is stopped: call it before making
  /// the file or folder, so a stop cannot fall between the two. Returns a token for `remove`.
  @discardableResult
  public static func onStop(_ action: @escaping @Sendable () -> Void) -> Int {
    lock.lock()
    defer { lock.unlock() }
    nextAction += 1
    actions[nextAction] = action
    return nextAction
  }

  /// The work `token` guarded is finished or undone.
  public static func remove(_ token: Int) {
    lock.lock()
    defer { lock.unlock() }
    actions[token] = nil
  }

  /// True once `commit` has run: the command's outputs are in place.
  public static var isCommitted: Bool {
    lock.lock()
    defer { lock.unlock() }
    return committed
  }

  /// Puts a finished run in place (`body`: the final renames and the manifest) unless a stop
  /// was asked first, in which case it throws and `body` does not run.
  public static func commit(_ body: () throws(RunError) -> Void) throws(RunError) {
    lock.lock()
    defer { lock.unlock() }
    try check()
    try body()
    committed = true
  }

  /// Stops the process now, after the stop actions (newest first), with 128 + the signal.
  /// Returns only when the run already committed: it is finished and ends on its own.
  public static func stopNow() {
    lock.lock()
    if committed {
      lock.unlock()
      return
    }
    for key in actions.keys.sorted(by: >) { actions[key]?() }
    let message = "winnow: interrupted by \(signalName): nothing was written\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    // The lock stays held: no other thread registers or makes anything from here on.
    _exit(128 + max(1, signal))
  }
}

/// What `winnow run` does around a run's final renames (`Runner.run(finishing:)`).
public struct RunFinishing {
  /// Before the renames, while a signal still stops the run: the summary is final and the
  /// output is complete at the given temporary paths (one file, or its shards: the manifest
  /// is built and gates read it here).
  public var prepare: (RunSummary, [String]) throws(RunError) -> Void
  /// With the renames, under the commit lock: quick work that must be in place for the run
  /// to count as finished (writing the manifest).
  public var commit: (RunSummary) throws(RunError) -> Void
  /// Sees the output as it is written (the gates), before `prepare`.
  public var observer: (any OutputObserver)?

  public init(
    prepare: @escaping (RunSummary, [String]) throws(RunError) -> Void, commit: @escaping (RunSummary) throws(RunError) -> Void,
    observer: (any OutputObserver)? = nil
  ) {
    self.prepare = prepare
    self.commit = commit
    self.observer = observer
  }
}
