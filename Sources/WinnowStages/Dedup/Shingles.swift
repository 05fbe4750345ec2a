import CMinHash
import Crypto
import WinnowNative

/// How `dedup` sees a text before hashing it: the normalization, then shingles. Both the exact
/// hash and the MinHash signature are computed from the same normalized text.
struct ShingleSettings: Sendable, Equatable {
  enum Unit: String, Sendable { case char, word }

  var casefold = true
  var punctuation = true
  var digits = false
  var whitespace = true
  var unit = Unit.char
  var size = 5

  /// "char5", "word3".
  var shingleName: String { unit.rawValue + String(size) }
  var normalizeNames: [String] {
    [casefold ? "casefold" : nil, punctuation ? "punctuation" : nil, digits ? "digits" : nil, whitespace ? "whitespace" : nil]
      .compactMap { $0 }
  }
}

/// Per-scalar classes and simple lower-case mappings for the Basic Multilingual Plane, built
/// once from the Unicode properties (so the hot loop is a table lookup, not a property query).
enum ScalarTable {
  static let space: UInt32 = 1 << 24
  static let punctuation: UInt32 = 1 << 25
  static let digit: UInt32 = 1 << 26
  static let mappingMask: UInt32 = 0x1F_FFFF

  static let bmp: [UInt32] = (0..<0x1_0000).map { entry(UInt32($0)) }

  static func entry(_ value: UInt32) -> UInt32 {
    guard let scalar = Unicode.Scalar(value) else { return value }
    var result = value
    let properties = scalar.properties
    // Python's str.isspace also counts the information separators U+001C…U+001F; counting
    // them keeps the bench's reference shingles identical to ours.
    if properties.isWhitespace || (0x1C...0x1F).contains(value) { result |= space }
    switch properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
      .finalPunctuation, .otherPunctuation:
      result |= punctuation
    case .decimalNumber:
      result |= digit
    default: break
    }
    if properties.changesWhenLowercased {
      let lower = properties.lowercaseMapping.unicodeScalars
      if lower.count == 1, let first = lower.first {
        result = (result & ~mappingMask) | first.value
      }
    }
    return result
  }

  @inline(__always)
  static func lookup(_ value: UInt32) -> UInt32 {
    value < 0x1_0000 ? bmp[Int(value)] : entry(value)
  }
}

/// The normalized text of one document as UTF-8 with the offset where each unit (scalar or
/// word) starts, plus a final offset; reused across documents on one thread.
struct NormalizedText {
  var bytes: [UInt8] = []
  var starts: [Int32] = []

  /// Units in the text.
  var count: Int { max(0, starts.count - 1) }

  mutating func reset(capacity: Int) {
    bytes.removeAll(keepingCapacity: true)
    starts.removeAll(keepingCapacity: true)
    bytes.reserveCapacity(capacity)
    starts.reserveCapacity(capacity / 2)
  }

  @inline(__always)
  mutating func append(_ value: UInt32) {
    starts.append(Int32(bytes.count))
    switch value {
    case 0..<0x80:
      bytes.append(UInt8(value))
    case 0x80..<0x800:
      bytes.append(UInt8(0xC0 | value >> 6))
      bytes.append(UInt8(0x80 | value & 0x3F))
    case 0x800..<0x1_0000:
      bytes.append(UInt8(0xE0 | value >> 12))
      bytes.append(UInt8(0x80 | value >> 6 & 0x3F))
      bytes.append(UInt8(0x80 | value & 0x3F))
    default:
      bytes.append(UInt8(0xF0 | value >> 18))
      bytes.append(UInt8(0x80 | value >> 12 & 0x3F))
      bytes.append(UInt8(0x80 | value >> 6 & 0x3F))
      bytes.append(UInt8(0x80 | value & 0x3F))
    }
  }
}

struct Shingler: Sendable {
  let settings: ShingleSettings
  let words: ICUWordCounter?

  init(settings: ShingleSettings) throws(NativeError) {
    self.settings = settings
    words = settings.unit == .word ? try ICUWordCounter() : nil
  }

  /// `winnow_normalize`'s options for these settings.
  var flags: Int32 {
    let s = settings
    var flags: Int32 = 0
    if s.casefold { flags |= WINNOW_NORMALIZE_CASEFOLD }
    if s.punctuation { flags |= WINNOW_NORMALIZE_PUNCTUATION }
    if s.digits { flags |= WINNOW_NORMALIZE_DIGITS }
    if s.whitespace { flags |= WINNOW_NORMALIZE_WHITESPACE }
    if s.unit == .word { flags |= WINNOW_NORMALIZE_WORDS }
    return flags
  }

  /// Normalizes `text` into `out`: scalars for char shingles; words joined by one space for
  /// word shingles (the last start is then one past the end, as if a space followed).
  /// Returns the number of Unicode scalars in `text`.
  @discardableResult
  func normalize(_ text: String, into out: inout NormalizedText) -> Int {
    if let scalars = normalizeStable(text, nfc: nil, into: &out) { return scalars }
    return normalizeScalars(text, into: &out)
  }

  /// `normalize` in one C pass over the text (`winnow_normalize`), which with `nfc` also checks
  /// that the text is already NFC (`nfc.isNormalized`). Nil when it is not, or when the text
  /// has a scalar beyond the BMP (`normalizeScalars` looks those up): `out` is then unspecified.
  func normalizeStable(_ text: String, nfc: ICUNormalizer?, into out: inout NormalizedText) -> Int? {
    var text = text
    let length = text.utf8.count
    let flags = self.flags
    var result = -1  // WINNOW_NORMALIZE_NEEDS_TABLE; it and WINNOW_NORMALIZE_NOT_STABLE are negative here
    var units = 0
    var written = 0
    var starts: [Int32] = []
    let bytes = [UInt8](unsafeUninitializedCapacity: 2 * length + 4) { bytesOut, bytesCount in
      starts = [Int32](unsafeUninitializedCapacity: length + 2) { startsOut, startsCount in
        text.withUTF8 { utf8 in
          ScalarTable.bmp.withUnsafeBufferPointer { table in
            func run(_ stable: UnsafePointer<UInt8>?) {
              result = winnow_normalize(
                utf8.baseAddress, length, table.baseAddress, stable, flags, bytesOut.baseAddress, startsOut.baseAddress, &units, &written)
            }
            if let nfc { nfc.withStableTable { run($0) } } else { run(nil) }
          }
        }
        startsCount = result >= 0 ? units + 1 : 0
      }
      bytesCount = result >= 0 ? written : 0
    }
    guard result >= 0 else { return nil }
    out.bytes = bytes
    out.starts = starts
    if settings.unit == .word { toWords(&out) }
    return result
  }

  /// `normalize` one scalar at a time in Swift, with Unicode's properties for scalars beyond
  /// the BMP: the reference `winnow_normalize` is tested against.
  func normalizeScalars(_ text: String, into out: inout NormalizedText) -> Int {
    var scalars = 0
    var text = text
    let s = settings
    let forWords = s.unit == .word
    out.reset(capacity: text.utf8.count)
    text.withUTF8 { utf8 in
      var index = 0
      let count = utf8.count
      var pendingSpace = false
      while index < count {
        scalars += 1
        // Decode one scalar (the text is valid UTF-8).
        let lead = UInt32(utf8[index])
        var value: UInt32
        if lead < 0x80 {
          value = lead
          index += 1
        } else if lead < 0xE0 {
          value = (lead & 0x1F) << 6 | UInt32(utf8[index + 1] & 0x3F)
          index += 2
        } else if lead < 0xF0 {
          value = (lead & 0x0F) << 12 | UInt32(utf8[index + 1] & 0x3F) << 6 | UInt32(utf8[index + 2] & 0x3F)
          index += 3
        } else {
          value = (lead & 0x07) << 18 | UInt32(utf8[index + 1] & 0x3F) << 12 | UInt32(utf8[index + 2] & 0x3F) << 6
            | UInt32(utf8[index + 3] & 0x3F)
          index += 4
        }
        // Hangul syllables have no case and are neither space, punctuation nor digit.
        if value >= 0xAC00 && value <= 0xD7A3 {
          if pendingSpace { out.append(0x20); pendingSpace = false }
          out.append(value)
          continue
        }
        let entry = ScalarTable.lookup(value)
        if entry & ScalarTable.space != 0 {
          if forWords || !s.whitespace { pendingSpace = !out.bytes.isEmpty }
          continue
        }
        if entry & ScalarTable.punctuation != 0 && s.punctuation {
          if forWords { pendingSpace = !out.bytes.isEmpty }
          continue
        }
        if pendingSpace { out.append(0x20); pendingSpace = false }
        if entry & ScalarTable.digit != 0 && s.digits {
          out.append(0x30)
        } else {
          out.append(s.casefold ? entry & ScalarTable.mappingMask : value)
        }
      }
    }
    out.starts.append(Int32(out.bytes.count))
    if forWords { toWords(&out) }
    return scalars
  }

  /// Replaces scalar starts by word starts: the words ICU finds, joined by one space.
  private func toWords(_ out: inout NormalizedText) {
    guard let words else { return }
    let spans = out.bytes.withUnsafeBufferPointer { words.spans($0) }
    var joined: [UInt8] = []
    joined.reserveCapacity(out.bytes.count)
    var starts: [Int32] = []
    starts.reserveCapacity(spans.count + 1)
    for span in spans {
      starts.append(Int32(joined.count))
      joined.append(contentsOf: out.bytes[span])
      joined.append(0x20)
    }
    starts.append(Int32(joined.count))
    if !joined.isEmpty { joined.removeLast() }
    out.bytes = joined
    out.starts = starts
  }

  /// xxHash64 (or xxHash32, or SHA-1's first four bytes) of every shingle of `text` (distinct
  /// shingles may repeat: MinHash does not care).
  func hashes(_ text: NormalizedText, with hash: ShingleHash = .xxh64, into out: inout [UInt64]) {
    if hash == .sha1_32 { return sha1Hashes(text, into: &out) }
    let units = text.count
    let needed = max(1, units - settings.size + 1)
    if out.count < needed { out = [UInt64](unsafeUninitializedCapacity: needed) { $1 = needed } }
    let trim: Int32 = settings.unit == .word ? 1 : 0
    let written = text.bytes.withUnsafeBufferPointer { bytes in
      text.starts.withUnsafeBufferPointer { starts in
        out.withUnsafeMutableBufferPointer { hashes in
          hash == .xxh64
            ? winnow_shingle_hashes(bytes.baseAddress, starts.baseAddress, units, Int32(settings.size), trim, hashes.baseAddress)
            : winnow_shingle_hashes_xxh32(bytes.baseAddress, starts.baseAddress, units, Int32(settings.size), trim, hashes.baseAddress)
        }
      }
    }
    out.removeLast(out.count - written)
  }

  /// datasketch's default `sha1_hash32`: the first four bytes of each shingle's SHA-1, read
  /// little-endian. Slow (a SHA-1 per shingle); for reproducing datasketch's defaults only.
  private func sha1Hashes(_ text: NormalizedText, into out: inout [UInt64]) {
    out.removeAll(keepingCapacity: true)
    let units = text.count
    guard units > 0 else { return }
    let trim = settings.unit == .word ? 1 : 0
    func hash(_ from: Int, _ to: Int) -> UInt64 {
      let digest = text.bytes[from..<to].withUnsafeBytes { Insecure.SHA1.hash(data: $0) }
      var value: UInt64 = 0
      for (index, byte) in digest.prefix(4).enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
      return value
    }
    if units < settings.size {
      out.append(hash(Int(text.starts[0]), Int(text.starts[units]) - trim))
      return
    }
    for k in 0...(units - settings.size) {
      out.append(hash(Int(text.starts[k]), Int(text.starts[k + settings.size]) - trim))
    }
  }

  /// The first 128 bits of the SHA-256 of the normalized text, as two little-endian words.
  static func exactHash(_ text: NormalizedText) -> (UInt64, UInt64) {
    let digest = text.bytes.withUnsafeBytes { SHA256.hash(data: $0) }
    var low: UInt64 = 0
    var high: UInt64 = 0
    for (index, byte) in digest.prefix(16).enumerated() {
      if index < 8 { low |= UInt64(byte) << (8 * UInt64(index)) } else { high |= UInt64(byte) << (8 * UInt64(index - 8)) }
    }
    return (low, high)
  }
}

/// Shingle sets for exact confirmation: the low 32 bits of each shingle hash, sorted, distinct.
enum ShingleSet {
  /// The set of `hashes` appended to `out` as little-endian UInt32s (`winnow_sorted_distinct32`);
  /// returns its size.
  static func appendSortedDistinct(_ hashes: [UInt64], to out: inout [UInt8]) -> Int {
    guard !hashes.isEmpty else { return 0 }
    // The keys are sorted in the first 2·count slots and the set written after them, then
    // appended once: `out` is not zero-filled first and cut back after.
    let count = hashes.count
    return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 3 * count) { scratch in
      let set = UnsafeMutableRawPointer(scratch.baseAddress! + 2 * count)
      let written = hashes.withUnsafeBufferPointer { h in
        winnow_sorted_distinct32(h.baseAddress, count, scratch.baseAddress, set.assumingMemoryBound(to: UInt8.self))
      }
      out.append(contentsOf: UnsafeRawBufferPointer(start: set, count: written * 4))
      return written
    }
  }

  /// The same in Swift, returned: the reference the C function is tested against.
  /// LSD radix sort, four 8-bit passes: linear in the number of shingles (a comparison sort
  /// of every document's set was a fifth of the signature phase).
  static func sortedDistinct(_ hashes: [UInt64]) -> [UInt32] {
    var keys = hashes.map { UInt32(truncatingIfNeeded: $0) }
    var scratch = [UInt32](repeating: 0, count: keys.count)
    keys.withUnsafeMutableBufferPointer { a in
      scratch.withUnsafeMutableBufferPointer { b in
        var source = a
        var target = b
        var counts = [Int](repeating: 0, count: 256)
        for shift in stride(from: UInt32(0), to: 32, by: 8) {
          for index in 0..<256 { counts[index] = 0 }
          for key in source { counts[Int((key >> shift) & 0xFF)] += 1 }
          var total = 0
          for index in 0..<256 {
            let count = counts[index]
            counts[index] = total
            total += count
          }
          for key in source {
            let bucket = Int((key >> shift) & 0xFF)
            target[counts[bucket]] = key
            counts[bucket] += 1
          }
          swap(&source, &target)
        }
        // After four passes the sorted keys are back in `a`.
      }
    }
    guard !keys.isEmpty else { return keys }
    var write = 1
    for read in 1..<keys.count where keys[read] != keys[write - 1] {
      keys[write] = keys[read]
      write += 1
    }
    keys.removeLast(keys.count - write)
    return keys
  }
}
