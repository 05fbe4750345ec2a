import Foundation
import WinnowNative

/// The lines of one or more JSONL files in order, each plain, gzip or Zstandard (told by its
/// first bytes, so a run's temporary `.partial` names read the same): how `winnow check`,
/// the gates and `winnow verify` read an output, whole or in shards.
public final class RecordLines {
  private var paths: ArraySlice<String>
  private var stream: (any ByteStream)?
  private var current = ""
  private var buffer: [UInt8] = []
  private var start = 0
  private var chunk = [UInt8](repeating: 0, count: 1 << 18)

  public init(paths: [String]) {
    self.paths = paths[...]
  }

  /// The next line without its newline (empty lines included); nil after the last file.
  public func next() throws(RunError) -> [UInt8]? {
    while true {
      if let newline = buffer[start...].firstIndex(of: 0x0A) {
        defer { start = newline + 1 }
        return Array(buffer[start..<newline])
      }
      if stream == nil {
        if start < buffer.count {
          // A last line without a newline.
          defer { buffer.removeAll(); start = 0 }
          return Array(buffer[start...])
        }
        guard let path = paths.popFirst() else { return nil }
        // A blocking open: a FIFO is read once a writer opens it (a signal still stops the wait).
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw RunError("cannot read '\(path)': \(String(cString: strerror(errno)))") }
        do {
          stream = try openByteStream(path: path, descriptor: descriptor)
        } catch {
          close(descriptor)
          throw RunError("cannot read '\(path)': \(error)")
        }
        current = path
        buffer.removeAll(keepingCapacity: true)
        start = 0
        continue
      }
      if start > 0 {
        buffer.removeSubrange(0..<start)
        start = 0
      }
      let count: Int
      do { count = try stream!.read(into: &chunk) } catch {
        throw RunError("cannot read '\(current)': \(error)")
      }
      if count == 0 {
        stream = nil
      } else {
        buffer.append(contentsOf: chunk[0..<count])
      }
    }
  }

  /// The files a manifest lists for its output or rejects (`key`): the shards when it has
  /// them, else the one path.
  public static func files(inManifest manifest: [String: Any], key: String) -> [String]? {
    guard let section = manifest[key] as? [String: Any] else { return nil }
    if let shards = section["shards"] as? [[String: Any]] {
      return shards.compactMap { $0["path"] as? String }
    }
    return (section["path"] as? String).map { [$0] }
  }
}
