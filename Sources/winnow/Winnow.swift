import ArgumentParser
import Foundation
import WinnowCore
import WinnowStages

/// Exit codes (documented in README.md): 0 success, 1 the run failed, 2 invalid config or usage.
enum WinnowExit {
  static let success: Int32 = 0
  static let runFailed: Int32 = 1
  static let invalid: Int32 = 2
}

struct Winnow: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "winnow",
    abstract: "Turn raw scraped news and web pages into clean, deduplicated JSONL.",
    discussion: "Exit codes: 0 success, 1 the run failed, 2 invalid pipeline or usage.",
    version: WinnowVersion.string,
    subcommands: [RunCommand.self, ValidateCommand.self, CheckCommand.self, VerifyCommand.self, StagesCommand.self, DedupCommand.self, LearnCommand.self]
  )
}

enum WinnowVersion {
  static let string = "0.1.0"
}

func printError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// SIGINT and SIGTERM ask the command to stop: a run stops at the next batch, removes what it
/// was writing and exits 130 (SIGINT) or 143 (SIGTERM). Whatever a command is doing, it is
/// stopped the same way `grace` seconds later (a FIFO being opened, a directory being walked,
/// a huge pipeline being validated); a second signal stops it at once. A run that already put
/// its output in place finishes (`RunCancellation`).
enum Signals {
  nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []
  static let grace = 1.0

  static func install() {
    for number in [SIGINT, SIGTERM] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        if RunCancellation.isRequested {
          RunCancellation.stopNow()
          return
        }
        RunCancellation.request(signal: number)
        FileHandle.standardError.write(Data("\nwinnow: \(number == SIGINT ? "SIGINT" : "SIGTERM"): stopping (again to stop at once)\n".utf8))
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) { RunCancellation.stopNow() }
      }
      source.resume()
      sources.append(source)
    }
  }
}

@main
enum Main {
  static func main() {
    Signals.install()
    do {
      var command = try Winnow.parseAsRoot()
      try command.run()
    } catch where RunCancellation.isRequested && !RunCancellation.isCommitted {
      // Whatever failed, the signal came first: stopped, not failed.
      RunCancellation.stopNow()
    } catch let error as ConfigError {
      printError(error.description)
      let count = Set(error.diagnostics.map(\.description)).count
      printError("\(count) error\(count == 1 ? "" : "s") in pipeline; nothing was run")
      exit(WinnowExit.invalid)
    } catch let error as RunError {
      printError("winnow: error: \(error.message)")
      exit(WinnowExit.runFailed)
    } catch {
      let code = Winnow.exitCode(for: error)
      if code == .success { Winnow.exit(withError: error) }
      if let exitCode = error as? ExitCode { exit(exitCode.rawValue) }
      printError(Winnow.fullMessage(for: error))
      exit(WinnowExit.invalid)
    }
  }
}
