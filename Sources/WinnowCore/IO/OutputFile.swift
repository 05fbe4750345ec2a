import Crypto
import Foundation
import WinnowNative

/// Fails a run (exit code 1): the output cannot be written, and the like.
public struct RunError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// A file written under a temporary name (`<path>.partial`) and renamed into place by
/// `commit()`, so an interrupted run never leaves a truncated file that looks finished.
/// A compressed or sharded output (`OutputLayout`) is written by a `ShardedWriter`; `sha256`
/// and `bytes` are then those of the JSONL content, and `shards` lists the files.
final class OutputFile {
  let path: String
  let temporaryPath: String
  private var handle: UnsafeMutablePointer<FILE>?
  private(set) var records = 0
  private(set) var bytes = 0
  /// SHA-256 of everything written, kept as it is written (the manifest records it).
  private var hasher = SHA256()
  private(set) var sha256 = ""
  /// False for scratch files no manifest names (a corpus stage's documents, records, ids and
  /// shingle sets): their bytes are not hashed, and `sha256` stays empty.
  private let hashed: Bool
  /// Sees every write (the run's clean output only: the gates).
  var observer: (any OutputObserver)?

  /// Set for a compressed or sharded output.
  private var sharded: ShardedWriter?

  /// Every file written, under their temporary names until the rename.
  var temporaryPaths: [String] { sharded?.temporaryPaths ?? [temporaryPath] }
  /// The files of a compressed or sharded output (empty for one plain file).
  var shards: [OutputShard] { sharded?.finished ?? [] }
  /// CPU seconds spent compressing (0 for a plain file).
  var compressSeconds: Double { sharded?.compressSeconds ?? 0 }

  init(path: String, layout: OutputLayout = .single, hashed: Bool = true) throws(RunError) {
    self.path = path
    self.hashed = hashed
    self.temporaryPath = path + ".partial"
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty {
      do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      } catch {
        throw RunError("cannot create directory '\(directory)': \(error.localizedDescription)")
      }
    }
    if layout.isSharded || CompressionCodec.forPath(path) != .none {
      sharded = try ShardedWriter(path: path, layout: layout)
      return
    }
    // Registered before the file exists: a process stopped from here on leaves no .partial.
    let temporary = temporaryPath
    stopToken = RunCancellation.onStop { unlink(temporary) }
    guard let handle = fopen(temporaryPath, "wb") else {
      RunCancellation.remove(stopToken)
      throw RunError("cannot write '\(temporaryPath)': \(String(cString: strerror(errno)))")
    }
    setvbuf(handle, nil, _IOFBF, 1 << 20)
    self.handle = handle
  }

  /// The stop action that removes the temporary file.
  private var stopToken = 0
  /// Closed (`close()`), not yet renamed.
  private var closed = false

  func write(_ data: [UInt8], records count: Int) throws(RunError) {
    if let sharded {
      guard !closed, !data.isEmpty else { return }
      try sharded.write(data, records: count)
      records += count
      bytes += data.count
      if hashed { hasher.update(data: data) }
      try observer?.observe(records: data)
      return
    }
    guard let handle, !data.isEmpty else { return }
    let written = data.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
    if written != data.count {
      throw RunError("cannot write '\(temporaryPath)': \(String(cString: strerror(errno)))")
    }
    records += count
    bytes += data.count
    if hashed { hasher.update(data: data) }
    try observer?.observe(records: data)
  }

  /// `close()` then `rename()`.
  func commit() throws(RunError) {
    try close()
    try rename()
  }

  /// Flushes and closes the temporary file; its SHA-256 and size are final.
  func close() throws(RunError) {
    if let sharded {
      guard !closed else { return }
      closed = true
      if hashed { sha256 = hasher.finalize().map { String($0, radix: 16).leftPadded(2) }.joined() }
      try sharded.close()
      return
    }
    guard let handle else { return }
    self.handle = nil
    closed = true
    if hashed { sha256 = hasher.finalize().map { String($0, radix: 16).leftPadded(2) }.joined() }
    if fflush(handle) != 0 || fclose(handle) != 0 {
      throw RunError("cannot write '\(temporaryPath)': \(String(cString: strerror(errno)))")
    }
  }

  /// Renames the closed temporary file into place.
  func rename() throws(RunError) {
    guard closed else { return }
    closed = false
    if let sharded {
      try sharded.rename()
      return
    }
    if Foundation.rename(temporaryPath, path) != 0 {
      throw RunError("cannot rename '\(temporaryPath)' to '\(path)': \(String(cString: strerror(errno)))")
    }
    RunCancellation.remove(stopToken)
  }

  /// Removes the temporary file after a failed run.
  func discard() {
    if let sharded {
      sharded.discard()
      closed = false
      return
    }
    if let handle { fclose(handle) }
    handle = nil
    closed = false
    unlink(temporaryPath)
    RunCancellation.remove(stopToken)
  }

  deinit {
    if handle != nil || closed || (sharded != nil && sha256.isEmpty) { discard() }
  }
}

extension String {
  func leftPadded(_ width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
