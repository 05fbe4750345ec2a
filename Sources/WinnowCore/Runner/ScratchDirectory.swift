import Foundation

extension Runner {
  /// Where a run keeps its corpus stage's intermediate files: beside the output (so on the
  /// same disk), named after it and this process, removed when the run ends.
  func scratchDirectory() -> String {
    let output = pipeline.output.path
    let directory = (output as NSString).deletingLastPathComponent
    let name = "." + (output as NSString).lastPathComponent + ".winnow-\(getpid())"
    return directory.isEmpty ? name : directory + "/" + name
  }

  /// Scratch directories of earlier runs on the same output whose process is gone (killed
  /// hard, or the machine went down): removed so they do not pile up.
  func removeAbandonedScratch() {
    let output = pipeline.output.path
    let directory = (output as NSString).deletingLastPathComponent
    let prefix = "." + (output as NSString).lastPathComponent + ".winnow-"
    let base = directory.isEmpty ? "." : directory
    for name in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] where name.hasPrefix(prefix) {
      guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(atPath: base + "/" + name) }
    }
  }
}
