import Crypto
import Foundation
import WinnowNative

/// How a JSONL output is laid out on disk: compressed by its name's suffix (`.jsonl.gz`,
/// `.jsonl.zst`), and split into numbered shards when `output.max_bytes` or
/// `output.max_records` is set (`clean.jsonl.zst` → `clean-00000.jsonl.zst`, …). A shard
/// ends before the record that would take it past either limit (bytes are uncompressed JSONL
/// bytes, so the split is the same for every codec); a record longer than `max_bytes` gets a
/// shard of its own. Rejects follow the same rules.
public struct OutputLayout: Sendable, Equatable {
  /// Uncompressed bytes per shard; 0: no limit.
  public var maxBytes: Int
  /// Records per shard; 0: no limit.
  public var maxRecords: Int

  public init(maxBytes: Int = 0, maxRecords: Int = 0) {
    self.maxBytes = maxBytes
    self.maxRecords = maxRecords
  }

  public static let single = OutputLayout()

  public var isSharded: Bool { maxBytes > 0 || maxRecords > 0 }

  /// Digits of a shard number.
  public static let shardDigits = 5

  /// The file of shard `index` for output `path`: the number goes before `.jsonl` (or
  /// before the compression suffix when there is no `.jsonl`).
  public static func shardPath(_ path: String, index: Int) -> String {
    let (stem, suffix) = splitSuffix(path)
    let number = String(index)
    return stem + "-" + String(repeating: "0", count: max(0, shardDigits - number.count)) + number + suffix
  }

  /// `out/clean.jsonl.zst` → (`out/clean`, `.jsonl.zst`).
  static func splitSuffix(_ path: String) -> (stem: String, suffix: String) {
    var stem = path
    var suffix = ""
    for compression in [".gz", ".zst"] where stem.hasSuffix(compression) {
      stem.removeLast(compression.count)
      suffix = compression
    }
    for format in [".jsonl", ".json"] where stem.hasSuffix(format) {
      stem.removeLast(format.count)
      suffix = format + suffix
      break
    }
    return (stem, suffix)
  }

  /// The shards of `path` on disk, in order (`winnow check out/clean.jsonl.zst`).
  public static func shards(of path: String) -> [String] {
    existingShards(of: path).sorted { $0.index < $1.index }.map(\.path)
  }

  /// Files named like shards of `path` (any number), for removing an earlier run's shards
  /// this run did not write.
  static func existingShards(of path: String) -> [(path: String, index: Int)] {
    let (stem, suffix) = splitSuffix(path)
    let directory = (stem as NSString).deletingLastPathComponent
    let prefix = (stem as NSString).lastPathComponent + "-"
    var found: [(String, Int)] = []
    for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? [] {
      guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { continue }
      let digits = name.dropFirst(prefix.count).dropLast(suffix.count)
      guard digits.count >= shardDigits, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let index = Int(digits) else { continue }
      found.append((directory.isEmpty ? name : directory + "/" + name, index))
    }
    return found
  }
}

/// One file an output wrote: a shard, or the one compressed file.
public struct OutputShard: Codable, Sendable, Equatable {
  public var path: String
  public var records: Int
  /// Bytes of the file as written (compressed).
  public var bytes: Int
  /// SHA-256 of the file as written.
  public var sha256: String
}

/// The files of a compressed or sharded output, written under temporary names; `OutputFile`
/// drives it and renames them all at its commit.
final class ShardedWriter {
  let path: String
  let layout: OutputLayout
  let codec: CompressionCodec
  private(set) var finished: [OutputShard] = []
  /// CPU seconds of the writing thread spent in the compressor.
  private(set) var compressSeconds = 0.0
  private(set) var temporaryPaths: [String] = []
  private var current: Part?

  private struct Part {
    var path: String
    var temporaryPath: String
    var handle: UnsafeMutablePointer<FILE>
    var compressor: StreamCompressor
    var hasher = SHA256()
    var records = 0
    /// Uncompressed bytes given to it.
    var content = 0
    /// Compressed bytes written.
    var bytes = 0
    var stopToken: Int
  }

  init(path: String, layout: OutputLayout) throws(RunError) {
    self.path = path
    self.layout = layout
    self.codec = CompressionCodec.forPath(path)
    try open()
  }

  private var nextPath: String { layout.isSharded ? OutputLayout.shardPath(path, index: finished.count) : path }

  private func open() throws(RunError) {
    let final = nextPath
    let temporary = final + ".partial"
    let token = RunCancellation.onStop { unlink(temporary) }
    guard let handle = fopen(temporary, "wb") else {
      RunCancellation.remove(token)
      throw RunError("cannot write '\(temporary)': \(String(cString: strerror(errno)))")
    }
    setvbuf(handle, nil, _IOFBF, 1 << 20)
    let compressor: StreamCompressor
    do { compressor = try StreamCompressor(codec) } catch {
      fclose(handle)
      throw RunError("cannot compress '\(final)': \(error)")
    }
    temporaryPaths.append(temporary)
    current = Part(path: final, temporaryPath: temporary, handle: handle, compressor: compressor, stopToken: token)
  }

  private var buffer: [UInt8] = []

  /// Writes whole JSONL lines (`records` of them), starting a new shard before a line that
  /// would pass a limit.
  func write(_ data: [UInt8], records: Int) throws(RunError) {
    guard layout.isSharded else {
      try append(data[...], lines: records)
      return
    }
    var start = 0
    var lineStart = 0
    var lines = 0
    // A run of lines that fits the current shard is written at once.
    while lineStart < data.count {
      let found = data.withUnsafeBufferPointer { bytes -> Int? in
        guard let hit = memchr(bytes.baseAddress! + lineStart, 0x0A, bytes.count - lineStart) else { return nil }
        return bytes.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
      }
      guard let newline = found else { break }
      let lineLength = newline + 1 - lineStart
      let partRecords = (current?.records ?? 0) + lines
      let partBytes = (current?.content ?? 0) + (lineStart - start)
      let full = partRecords > 0
        && ((layout.maxRecords > 0 && partRecords + 1 > layout.maxRecords)
          || (layout.maxBytes > 0 && partBytes + lineLength > layout.maxBytes))
      if full {
        try append(data[start..<lineStart], lines: lines)
        try closePart()
        try open()
        start = lineStart
        lines = 0
      }
      lines += 1
      lineStart = newline + 1
    }
    try append(data[start..<data.count], lines: lines)
  }

  /// JSONL given to the current part and not yet compressed: gathered to `batchBytes` so the
  /// compressor runs long stretches with its tables in cache (a batch's records alone are
  /// tens of KB, and the other threads of a run evict those tables between batches).
  private var pending: [UInt8] = []
  static let batchBytes = 1 << 21

  private func append(_ data: ArraySlice<UInt8>, lines: Int) throws(RunError) {
    guard var part = current, !data.isEmpty else { return }
    part.records += lines
    part.content += data.count
    current = part
    pending.append(contentsOf: data)
    if pending.count >= Self.batchBytes { try compressPending() }
  }

  private func compressPending() throws(RunError) {
    guard var part = current, !pending.isEmpty else { return }
    buffer.removeAll(keepingCapacity: true)
    var failure: NativeError?
    let compressor = part.compressor
    let started = threadCPUSeconds()
    pending.withUnsafeBytes { raw in
      do throws(NativeError) { try compressor.compress(raw, into: &buffer) } catch { failure = error }
    }
    compressSeconds += threadCPUSeconds() - started
    pending.removeAll(keepingCapacity: true)
    if let failure { throw RunError("cannot compress '\(part.path)': \(failure)") }
    try put(&part)
    current = part
  }

  private func put(_ part: inout Part) throws(RunError) {
    guard !buffer.isEmpty else { return }
    let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, part.handle) }
    if written != buffer.count {
      throw RunError("cannot write '\(part.temporaryPath)': \(String(cString: strerror(errno)))")
    }
    part.hasher.update(data: buffer)
    part.bytes += buffer.count
  }

  private func closePart() throws(RunError) {
    try compressPending()
    guard var part = current else { return }
    current = nil
    buffer.removeAll(keepingCapacity: true)
    let started = threadCPUSeconds()
    defer { compressSeconds += threadCPUSeconds() - started }
    do { try part.compressor.finish(into: &buffer) } catch {
      fclose(part.handle)
      throw RunError("cannot compress '\(part.path)': \(error)")
    }
    try put(&part)
    if fflush(part.handle) != 0 || fclose(part.handle) != 0 {
      throw RunError("cannot write '\(part.temporaryPath)': \(String(cString: strerror(errno)))")
    }
    RunCancellation.remove(part.stopToken)
    // Until the rename, the temporary file goes on a stop (registered again, now closed).
    let temporary = part.temporaryPath
    stopTokens.append(RunCancellation.onStop { unlink(temporary) })
    finished.append(OutputShard(path: part.path, records: part.records, bytes: part.bytes, sha256: Manifest.hex(part.hasher.finalize())))
  }

  private var stopTokens: [Int] = []

  /// Ends the last shard; every file is complete under its temporary name.
  func close() throws(RunError) {
    try closePart()
  }

  /// Renames every file into place, then removes shards of an earlier run numbered past
  /// this run's last (they would look like part of this output).
  func rename() throws(RunError) {
    for shard in finished {
      let temporary = shard.path + ".partial"
      if Foundation.rename(temporary, shard.path) != 0 {
        throw RunError("cannot rename '\(temporary)' to '\(shard.path)': \(String(cString: strerror(errno)))")
      }
    }
    for token in stopTokens { RunCancellation.remove(token) }
    stopTokens = []
    if layout.isSharded {
      for stale in OutputLayout.existingShards(of: path) where stale.index >= finished.count { unlink(stale.path) }
    }
  }

  func discard() {
    if let part = current {
      fclose(part.handle)
      RunCancellation.remove(part.stopToken)
      current = nil
    }
    for temporary in temporaryPaths { unlink(temporary) }
    for token in stopTokens { RunCancellation.remove(token) }
    stopTokens = []
  }
}
