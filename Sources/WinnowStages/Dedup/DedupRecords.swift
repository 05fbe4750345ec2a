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
  /// The header: the magic, then the settings' length (UInt32) at `settingsLengthOffset`,
  /// then the settings from `settingsOffset` on.
  static let settingsLengthOffset = 8
  static let settingsOffset = 12

  /// Where each field of a record starts (the table above): the one place the layout is
  /// written down; `appendFixed` writes these fields and `MappedRecords` reads them.
  enum Offset {
    static let ordinal = 0
    static let exactLow = 8
    static let exactHigh = 16
    static let published = 24
    static let quality = 32
    static let length = 40
    static let flags = 44
    static let sideOffset = 48
    static let sideCount = 56
    static let reserved = 60
    static let signature = 64
  }

  /// Bits of the `flags` field.
  enum Flag {
    static let hasShingles: UInt32 = 1
    static let emptyText: UInt32 = 2
  }

  /// Bytes before the signature.
  static let fixedBytes = Offset.signature

  static func size(perms: Int) -> Int { fixedBytes + 4 * perms }

  /// Appends a record's fields before its signature, in the order of `Offset`.
  static func appendFixed(
    ordinal: UInt64, exact: (low: UInt64, high: UInt64), published: Int64, quality: Double, length: UInt32, flags: UInt32,
    sideOffset: UInt64, sideCount: UInt32, to out: inout [UInt8]
  ) {
    let start = out.count
    appendUInt64(ordinal, to: &out)
    appendUInt64(exact.low, to: &out)
    appendUInt64(exact.high, to: &out)
    appendUInt64(UInt64(bitPattern: published), to: &out)
    appendUInt64(quality.bitPattern, to: &out)
    appendUInt32(length, to: &out)
    appendUInt32(flags, to: &out)
    appendUInt64(sideOffset, to: &out)
    appendUInt32(sideCount, to: &out)
    appendUInt32(0, to: &out)
    assert(out.count - start == Offset.signature)
  }

  /// The shard a records file's header names.
  static func shard(ofHeader bytes: ArraySlice<UInt8>) -> Shard? {
    guard bytes.count > settingsOffset else { return nil }
    let text = String(decoding: bytes.dropFirst(settingsOffset), as: UTF8.self)
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
    while (settingsOffset + text.utf8.count) % 8 != 0 { text += "\n" }
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
    guard length >= DedupRecord.settingsOffset, let base = file.base else { throw RunError("'\(path)' is not a dedup records file (too short)") }
    let magicOK = (0..<8).allSatisfy { base.load(fromByteOffset: $0, as: UInt8.self) == DedupRecord.magic[$0] }
    let headerLength = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: DedupRecord.settingsLengthOffset, as: UInt32.self)))
    let headerEnd = DedupRecord.settingsOffset + headerLength
    guard magicOK, headerEnd <= length else {
      throw RunError("'\(path)' is not a dedup records file of this version (no WINNOWD2 header)")
    }
    let text = String(decoding: UnsafeRawBufferPointer(start: base + DedupRecord.settingsOffset, count: headerLength), as: UTF8.self)
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
    records = base + headerEnd
    let body = length - headerEnd
    guard body % recordSize == 0 else {
      throw RunError("'\(path)': \(body) bytes of records is not a whole number of \(recordSize)-byte records (truncated file?)")
    }
    count = body / recordSize
    sideFile = try MappedFile(path: side)
    for index in 0..<count {
      let record = records.advanced(by: index * recordSize)
      let rawOffset = record.loadUnaligned(fromByteOffset: DedupRecord.Offset.sideOffset, as: UInt64.self)
      let shingles = Int(record.loadUnaligned(fromByteOffset: DedupRecord.Offset.sideCount, as: UInt32.self))
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
  @inline(__always) func field<T>(_ index: Int, _ offset: Int, _: T.Type) -> T {
    record(index).loadUnaligned(fromByteOffset: offset, as: T.self)
  }
  @inline(__always) func ordinal(_ index: Int) -> UInt64 { field(index, DedupRecord.Offset.ordinal, UInt64.self) }
  @inline(__always) func exact(_ index: Int) -> (UInt64, UInt64) {
    (field(index, DedupRecord.Offset.exactLow, UInt64.self), field(index, DedupRecord.Offset.exactHigh, UInt64.self))
  }
  @inline(__always) func published(_ index: Int) -> Int64 { field(index, DedupRecord.Offset.published, Int64.self) }
  @inline(__always) func quality(_ index: Int) -> Double { field(index, DedupRecord.Offset.quality, Double.self) }
  @inline(__always) func length(_ index: Int) -> UInt32 { field(index, DedupRecord.Offset.length, UInt32.self) }
  @inline(__always) func hasShingles(_ index: Int) -> Bool {
    field(index, DedupRecord.Offset.flags, UInt32.self) & DedupRecord.Flag.hasShingles != 0
  }
  @inline(__always) func isEmptyText(_ index: Int) -> Bool {
    field(index, DedupRecord.Offset.flags, UInt32.self) & DedupRecord.Flag.emptyText != 0
  }
  @inline(__always) func sideSpan(_ index: Int) -> (offset: Int, count: Int) {
    (Int(field(index, DedupRecord.Offset.sideOffset, UInt64.self)), Int(field(index, DedupRecord.Offset.sideCount, UInt32.self)))
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
