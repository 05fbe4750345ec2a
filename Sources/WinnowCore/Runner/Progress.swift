import Foundation
import Synchronization

/// Progress on stderr: on a terminal one line rewritten at most 10 times a second; otherwise a
/// log line every `logInterval` seconds; nothing when quiet.
final class ProgressLine {
  let enabled: Bool
  let terminal: Bool
  let totalBytes: Int?
  let start = Date()
  var lastShown = Date.distantPast
  let logInterval: TimeInterval = 5
  var shownOnTerminal = false

  init(enabled: Bool, totalBytes: Int?) {
    self.enabled = enabled
    terminal = isatty(2) == 1
    self.totalBytes = totalBytes
  }

  func update(documents: Int, bytes: Int, kept: Int, phase: String, force: Bool = false) {
    guard enabled else { return }
    let now = Date()
    let interval = terminal ? 0.1 : logInterval
    guard force || now.timeIntervalSince(lastShown) >= interval else { return }
    lastShown = now
    let seconds = now.timeIntervalSince(start)
    let rate = seconds > 0 ? Double(bytes) / 1_000_000 / seconds : 0
    var line = "winnow: \(phase): \(documents) documents, \(bytes / 1_000_000) MB"
    if let totalBytes, totalBytes > 0 {
      let share = min(1, Double(bytes) / Double(totalBytes))
      line += " of \(totalBytes / 1_000_000) MB (\(Int(share * 100))%)"
      if rate > 0, share < 1 {
        let remaining = Double(totalBytes - bytes) / 1_000_000 / rate
        line += ", ETA \(Self.duration(remaining))"
      }
    }
    line += ", \(format2(rate)) MB/s, kept \(kept)"
    if terminal {
      FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
      shownOnTerminal = true
    } else {
      FileHandle.standardError.write(Data((line + "\n").utf8))
    }
  }

  func clear() {
    if terminal && shownOnTerminal {
      FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
      shownOnTerminal = false
    }
  }

  static func duration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    return total >= 3600 ? "\(total / 3600)h\(total % 3600 / 60)m" : total >= 60 ? "\(total / 60)m\(total % 60)s" : "\(total)s"
  }

  /// The size of the inputs when it can be known up front (files and directories, not stdin).
  static func inputSize(_ settings: InputSettings) -> Int? {
    var total = 0
    for path in settings.paths {
      if path == "-" { return nil }
      var info = stat()
      guard stat(path, &info) == 0 else { continue }
      if info.st_mode & S_IFMT == S_IFDIR {
        total += directorySize(path, settings)
      } else {
        total += Int(info.st_size)
      }
    }
    return total
  }

  /// Sizes of the files the reader will take (selected formats, no hidden names), walked as
  /// the reader walks (links to directories only with `input.follow_links`, each directory
  /// once): FileManager's enumerator cost more than some short runs' stages.
  private static func directorySize(_ path: String, _ settings: InputSettings) -> Int {
    var walk = DirectoryWalk(followLinks: settings.followLinks)
    walk.begin(root: path)
    var total = 0
    while let entry = walk.next() {
      if RunCancellation.isRequested { break }
      guard case .file(let full, let relative) = entry, let ext = InputReader.format(ofFileNamed: relative),
        settings.formats.contains(ext.format)
      else { continue }
      var info = stat()
      if stat(full, &info) == 0 { total += Int(info.st_size) }
    }
    return total
  }

}
