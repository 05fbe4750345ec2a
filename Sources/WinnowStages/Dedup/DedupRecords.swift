import Foundation
import WinnowCore

/// The fixed-size per-document record `dedup` writes in its first phase, little-endian:
///
/// | offset | bytes | field |
/// |---|---|---|
/// | 0 | 8 | ordinal: the document's position in the whole input |
/// | 8 | 16 | first 128 bits of the SHA-256 of the normalized text |
/// | 24 | 8 | published, seconds since 1970 UTC (Int64.max: unknown) |
/// | 32 | 8 | quality score (Double; −1: unknown) |
/// | 40 | 4 | length of the text in Unicode scalars |
/// | 44 | 4 | flags: 1 = has shingles, 2 = nothing left after normalization |
/// | 48 | 8 | where its shingle set starts in the side file (bytes) |
/// | 56 | 4 | how many shingles the set holds (0: not kept, too many) |
/// | 60 | 4 | zero |
/// | 64 | 4 × perms | MinHash signature |
///
/// The side file holds each kept shingle set as sorted, distinct UInt32s (the low half of
/// each shingle's xxHash64), for confirming candidates by their exact Jaccard similarity.
/// A records file starts with the magic "WINNOWD2", a UInt32 length and that many bytes of
/// "key=value" lines: the settings that shape the records and the shard.
enum DedupRecord {
  static let magic = Array("WINNOWD2".utf8)
  static let fixedBytes = 64
  static let sideOffsetField = 48

  static func size(perms: Int) -> Int { fixedBytes + 4 * perms }

  /// The shard a records file's header names.
  static func shard(ofHeader bytes: ArraySlice<UInt8>) -> Shard? {
    guard bytes.count > 12 else { return nil }
    let text = String(decoding: bytes.dropFirst(12), as: UTF8.self)
    var index: Int?
    var count: Int?
    for line in text.split(separator: "\n") {
      if line.hasPrefix("shard=") { index = Int(line.dropFirst(6)) }
      if line.hasPrefix("count=") { count = Int(line.dropFirst(6)) }
    }
    guard let index, let count, count >= 1, index >= 0, index < count else { return nil }
    return Shard(index: index, count: count)
  }

  static func header(settings: String, shard: Shard) -> [UInt8] {
    var text = settings + "shard=\(shard.index)\ncount=\(shard.count)\n"
    // Pad so records start 8-byte aligned: signatures are then read in place.
    while (12 + text.utf8.count) % 8 != 0 { text += "\n" }
    var out = magic
    appendUInt32(UInt32(text.utf8.count), to: &out)
    out += Array(text.utf8)
    return out
  }

  static func appendUInt64(_ value: UInt64, to out: inout [UInt8]) {
    for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
  }

  static func appendUInt32(_ value: UInt32, to out: inout [UInt8]) {
    for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
  }
}

/// A whole file mapped read-only (the page cache holds it, not the heap).
final class MappedFile: @unchecked Sendable {
  let path: String
  let base: UnsafeRawPointer?
  let length: Int

  init(path: String) throws(RunError) {
    self.path = path
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw RunError("cannot read '\(path)': \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw RunError("cannot read '\(path)': \(String(cString: strerror(errno)))") }
    length = Int(info.st_size)
    guard length > 0 else {
      base = nil
      return
    }
    guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
      throw RunError("cannot map '\(path)': \(String(cString: strerror(errno)))")
    }
    base = UnsafeRawPointer(mapped)
  }

  /// Tells the kernel how the mapping will be read next: `MADV_SEQUENTIAL` for one pass in
  /// order (read ahead, drop behind), `MADV_RANDOM` for scattered reads (no read-ahead, which
  /// would otherwise fetch 128 KiB per 4 KiB needed and push useful pages out of a small cache).
  func advise(_ advice: Int32) {
    if let base { _ = madvise(UnsafeMutableRawPointer(mutating: base), length, advice) }
  }

  deinit {
    if let base { munmap(UnsafeMutableRawPointer(mutating: base), length) }
  }
}

/// One shard's records file and side file, mapped.
final class MappedRecords: @unchecked Sendable {
  let path: String
  let settings: String
  let shard: Shard
  let count: Int
  let recordSize: Int
  private let file: MappedFile
  private let sideFile: MappedFile
  private let records: UnsafeRawPointer

  /// Refuses files written with other settings than `expected` (before their size is
  /// checked: a file from other settings has another record size).
  init(path: String, side: String, recordSize: Int, expected: String) throws(RunError) {
    self.path = path
    self.recordSize = recordSize
    file = try MappedFile(path: path)
    let length = file.length
    guard length >= 12, let base = file.base else { throw RunError("'\(path)' is not a dedup records file (too short)") }
    let magicOK = (0..<8).allSatisfy { base.load(fromByteOffset: $0, as: UInt8.self) == DedupRecord.magic[$0] }
    let headerLength = Int(base.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
    guard magicOK, 12 + headerLength <= length else {
      throw RunError("'\(path)' is not a dedup records file of this version (no WINNOWD2 header)")
    }
    let text = String(decoding: UnsafeRawBufferPointer(start: base + 12, count: headerLength), as: UTF8.self)
    var shardIndex = -1
    var shardCount = -1
    var rest: [Substring] = []
    for line in text.split(separator: "\n") {
      if line.hasPrefix("shard=") { shardIndex = Int(line.dropFirst(6)) ?? -1 } else if line.hasPrefix("count=") {
        shardCount = Int(line.dropFirst(6)) ?? -1
      } else { rest.append(line) }
    }
    settings = rest.joined(separator: "\n")
    guard settings == expected else {
      throw RunError(
        "'\(path)' was written with other dedup settings (\(settings.replacingOccurrences(of: "\n", with: " "))) than the pipeline's (\(expected.replacingOccurrences(of: "\n", with: " "))); run its signatures phase again")
    }
    guard shardIndex >= 0, shardCount >= 1, shardIndex < shardCount else {
      throw RunError("'\(path)': header has no valid shard")
    }
    shard = Shard(index: shardIndex, count: shardCount)
    records = base + 12 + headerLength
    let body = length - 12 - headerLength
    guard body % recordSize == 0 else {
      throw RunError("'\(path)': \(body) bytes of records is not a whole number of \(recordSize)-byte records (truncated file?)")
    }
    count = body / recordSize
    sideFile = try MappedFile(path: side)
    for index in 0..<count {
      let rawOffset = records.advanced(by: index * recordSize).loadUnaligned(fromByteOffset: 48, as: UInt64.self)
      let shingles = Int(records.advanced(by: index * recordSize).loadUnaligned(fromByteOffset: 56, as: UInt32.self))
      guard shingles == 0 || (rawOffset <= UInt64(sideFile.length) && Int(rawOffset) + 4 * shingles <= sideFile.length) else {
        throw RunError("'\(side)' does not hold the shingle set record \(index) of '\(path)' points to (truncated or from another run?)")
      }
    }
  }

  func advise(_ advice: Int32) {
    file.advise(advice)
    sideFile.advise(advice)
  }

  @inline(__always) func record(_ index: Int) -> UnsafeRawPointer { records + index * recordSize }
  @inline(__always) func ordinal(_ index: Int) -> UInt64 { record(index).loadUnaligned(as: UInt64.self) }
  @inline(__always) func exact(_ index: Int) -> (UInt64, UInt64) {
    (record(index).loadUnaligned(fromByteOffset: 8, as: UInt64.self), record(index).loadUnaligned(fromByteOffset: 16, as: UInt64.self))
  }
  @inline(__always) func published(_ index: Int) -> Int64 { record(index).loadUnaligned(fromByteOffset: 24, as: Int64.self) }
  @inline(__always) func quality(_ index: Int) -> Double { record(index).loadUnaligned(fromByteOffset: 32, as: Double.self) }
  @inline(__always) func length(_ index: Int) -> UInt32 { record(index).loadUnaligned(fromByteOffset: 40, as: UInt32.self) }
  @inline(__always) func hasShingles(_ index: Int) -> Bool { record(index).loadUnaligned(fromByteOffset: 44, as: UInt32.self) & 1 != 0 }
  @inline(__always) func isEmptyText(_ index: Int) -> Bool { record(index).loadUnaligned(fromByteOffset: 44, as: UInt32.self) & 2 != 0 }
  @inline(__always) func sideSpan(_ index: Int) -> (offset: Int, count: Int) {
    (Int(record(index).loadUnaligned(fromByteOffset: 48, as: UInt64.self)), Int(record(index).loadUnaligned(fromByteOffset: 56, as: UInt32.self)))
  }
  /// The header is padded so records, and so signatures, are aligned.
  @inline(__always) func signature(_ index: Int) -> UnsafePointer<UInt32> {
    (record(index) + DedupRecord.fixedBytes).assumingMemoryBound(to: UInt32.self)
  }
  /// The sorted shingle set, when it was kept.
  @inline(__always) func shingles(_ index: Int) -> UnsafeBufferPointer<UInt32>? {
    let (offset, count) = sideSpan(index)
    guard count > 0, let base = sideFile.base else { return nil }
    return UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: UInt32.self), count: count)
  }
}
