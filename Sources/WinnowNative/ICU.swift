internal import CICU

/// Swift face of the ICU functions winnow uses. Every ICU pointer stays inside CICU's C
/// wrappers; this type passes Swift arrays in and out.
public enum ICU {
  /// ICU's version, e.g. "72.1".
  public static let version: String = {
    var buffer = [CChar](repeating: 0, count: 32)
    winnow_icu_version(&buffer, 32)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }()

  public static func converterExists(_ name: String) -> Bool {
    winnow_icu_converter_exists(name) == 1
  }

  public enum DecodeOutcome: Sendable, Equatable {
    /// Text, and how many bad sequences became U+FFFD (always 0 for a strict decode).
    case decoded(String, substitutions: Int)
    /// A strict decode met an illegal or unmapped sequence ending at this byte offset.
    case invalid(offset: Int)
  }

  /// Decodes `bytes` from charset `name` (an ICU converter name).
  public static func decode(
    _ bytes: UnsafeBufferPointer<UInt8>, charset name: String, strict: Bool
  ) throws(NativeError) -> DecodeOutcome {
    if bytes.isEmpty { return .decoded("", substitutions: 0) }
    guard bytes.count < Int(Int32.max) / 4 else {
      throw NativeError(function: "winnow_icu_to_utf8", code: -2, message: "input too large")
    }
    // A byte yields at most 3 UTF-8 bytes (U+FFFD for a bad byte is 3 as well); GB18030's
    // 4-byte sequences yield at most 4.
    let capacity = bytes.count * 3 + 16
    var substitutions: Int32 = 0
    var offset: Int32 = 0
    var icuError: Int32 = 0
    var written: Int32 = 0
    // ICU's UTF-8 converter writes valid UTF-8: not validated again.
    let text = UTF8Scalar.string(capacity: capacity) { buffer in
      written = bytes.withMemoryRebound(to: CChar.self) { source in
        buffer.withMemoryRebound(to: CChar.self) { target in
          winnow_icu_to_utf8(
            name, source.baseAddress, Int32(source.count), target.baseAddress, Int32(capacity),
            strict ? 1 : 0, &substitutions, &offset, &icuError)
        }
      }
      return max(0, Int(written))
    } ?? ""
    switch written {
    case -1: return .invalid(offset: Int(offset))
    case ..<0:
      throw NativeError(function: "winnow_icu_to_utf8(\(name))", code: icuError != 0 ? icuError : written)
    default:
      return .decoded(text, substitutions: Int(substitutions))
    }
  }

  /// Encodes `text` to charset `name`; nil when strict and a character has no mapping.
  public static func encode(_ text: String, charset name: String, strict: Bool = true) throws(NativeError) -> [UInt8]? {
    let units = Array(text.utf16)
    if units.isEmpty { return [] }
    var capacity = units.count * 4 + 16
    while true {
      var icuError: Int32 = 0
      var written: Int32 = 0
      let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
        written = buffer.withMemoryRebound(to: CChar.self) { target in
          winnow_icu_from_utf16(
            name, units, Int32(units.count), target.baseAddress, Int32(capacity), strict ? 1 : 0,
            &icuError)
        }
        count = max(0, Int(written))
      }
      switch written {
      case -1: return nil
      case -2: capacity *= 2
      case ..<0: throw NativeError(function: "winnow_icu_from_utf16(\(name))", code: icuError != 0 ? icuError : written)
      default: return bytes
      }
    }
  }

  /// The CLDR exemplar characters of `locale` (standard and auxiliary) in the BMP, as a
  /// bitmap (bit c of byte c >> 3); nil when ICU has no data for it.
  public static func exemplars(_ locale: String) -> [UInt8]? {
    var icuError: Int32 = 0
    var count: Int32 = 0
    let bitmap = [UInt8](unsafeUninitializedCapacity: 8192) { buffer, written in
      count = winnow_icu_exemplars(locale, buffer.baseAddress, &icuError)
      written = 8192
    }
    return count > 0 ? bitmap : nil
  }

}

/// Unicode normalization through ICU, with a quick check over a per-form table of BMP code
/// points that are stable on their own, so already-normalized text skips ICU entirely.
public struct ICUNormalizer: Sendable {
  public enum Form: Int32, Sendable, CaseIterable {
    case nfc = 0
    case nfkc = 1
  }

  public let form: Form
  @usableFromInline let stable: [UInt8]

  public init(form: Form) throws(NativeError) {
    self.form = form
    let table = try (form == .nfc ? Self.nfcTable : Self.nfkcTable).get()
    stable = table.stable
    asciiStable = stable[0..<16].allSatisfy { $0 == 0xFF }
    syllablesStable = table.syllablesStable
  }

  /// Every ASCII character is stable (ICU says so for both forms; checked, not assumed).
  let asciiStable: Bool
  /// Every precomposed Hangul syllable (U+AC00–U+D7A3) is stable (checked, not assumed), so
  /// loops over Korean text need not look each one up.
  public let syllablesStable: Bool

  /// Each form's table is made once per process (65,536 ICU quick checks, about 1 ms, and
  /// 8 KiB) and shared by every normalizer of that form: a pipeline with thousands of
  /// `normalize` stages builds in linear time and does not hold a table per stage.
  private static let nfcTable = makeTable(.nfc)
  private static let nfkcTable = makeTable(.nfkc)

  private static func makeTable(_ form: Form) -> Result<(stable: [UInt8], syllablesStable: Bool), NativeError> {
    var icuError: Int32 = 0
    var status: Int32 = 0
    let table = [UInt8](unsafeUninitializedCapacity: 8192) { buffer, count in
      status = winnow_icu_stable_bmp(form.rawValue, buffer.baseAddress, &icuError)
      count = 8192
    }
    if status != 0 { return .failure(NativeError(function: "winnow_icu_stable_bmp", code: icuError)) }
    return .success((table, (UInt32(0xAC00)...0xD7A3).allSatisfy { table[Int($0 >> 3)] & (1 << ($0 & 7)) != 0 }))
  }

  /// True when `scalar` alone can neither change under normalization nor combine with its
  /// neighbours. Supplementary code points answer false (they take the ICU path).
  @inlinable @inline(__always)
  public func isStable(_ scalar: UInt32) -> Bool {
    scalar < 0x10000 && stable[Int(scalar >> 3)] & (1 << (scalar & 7)) != 0
  }

  /// The stable bitmap (bit c of byte c >> 3 for each BMP code point c), for C loops that
  /// check stability while they read the text for another reason.
  public func withStableTable<R>(_ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
    try stable.withUnsafeBufferPointer { try body($0.baseAddress!) }
  }

  public func isNormalized(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { utf8 in
      guard let base = utf8.baseAddress else { return true }
      let count = utf8.count
      var index = 0
      while index < count {
        // Eight ASCII bytes at a time when every ASCII character is stable (in both forms).
        if asciiStable, index &+ 8 <= count,
          UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
        {
          index &+= 8
          continue
        }
        let (value, length) = UTF8Scalar.decode(base, count: count, at: index)
        if !isStable(value) { return false }
        index &+= length
      }
      return true
    }
  }

  /// Normalizes with ICU (no quick check: callers check first).
  public func normalize(_ text: String) throws(NativeError) -> String {
    try normalized(text).text
  }

  /// Normalizes with ICU (no quick check: callers check first), after making the text
  /// Stream-Safe (UAX #15): U+034F COMBINING GRAPHEME JOINER after every 30 non-starters in
  /// a row, so that ICU's reordering stays linear; `joinersInserted` counts them.
  /// `deadline`: a CLOCK_MONOTONIC time in nanoseconds, checked between pieces of about 64K
  /// characters; when it passes, this throws a `NativeError` whose function is "deadline".
  public func normalized(_ text: String, deadline: UInt64? = nil) throws(NativeError) -> (text: String, joinersInserted: Int) {
    let units = Array(text.utf16)
    if units.isEmpty { return (text, 0) }
    // Room for one joiner per 30 units, as well as for NFKC's expansions.
    var capacity = units.count * 3 + 16
    while true {
      var icuError: Int32 = 0
      var joiners: Int32 = 0
      var written: Int32 = 0
      let out = [UInt16](unsafeUninitializedCapacity: capacity) { buffer, count in
        written = winnow_icu_normalize(
          form.rawValue, units, Int32(units.count), buffer.baseAddress, Int32(capacity), deadline ?? 0, &joiners, &icuError)
        count = max(0, Int(written))
      }
      if written == -2 { capacity *= 2; continue }
      if written == -5 { throw NativeError(function: "deadline", code: 0, message: "normalization stopped at the deadline") }
      if written < 0 { throw NativeError(function: "winnow_icu_normalize", code: icuError) }
      return (String(decoding: out, as: UTF16.self), Int(joiners))
    }
  }
}
