import WinnowNative

/// Strict decoding of the single-byte code pages by table, byte → UTF-8: candidates are
/// verified many times per document, and a table lookup costs far less than an ICU
/// conversion through UTF-16.
///
/// Each table is ICU's own mapping (read with one lenient decode of the 256 bytes per page:
/// an undefined byte comes out as U+FFFD), or `SingleByteTables` for the pages ICU lacks, so
/// the text is the one ICU gives, private-use code points included.
struct SingleByteDecoder: Sendable {
  static let shared = SingleByteDecoder()

  /// Marks an undefined byte in `scalars`.
  static let undefined: UInt32 = 0xFFFF_FFFF

  struct Table: Sendable {
    /// Scalar per byte, `undefined` where the page has none.
    let scalars: [UInt32]
    /// UTF-8 of each byte's scalar, little-endian in the low bytes; 0 when undefined.
    let utf8: [UInt32]
    /// UTF-8 length of each byte's scalar (0 when undefined).
    let lengths: [UInt8]
    /// Bytes below 0x80 decode to themselves.
    let keepsASCII: Bool
  }

  /// By charset name (pages that decode as another, such as ISO-8859-1, are absent).
  let tables: [String: Table]

  init() {
    var tables: [String: Table] = [:]
    for charset in Charsets.all where charset.kind == .singleByte && charset.decodeAs == nil {
      guard let scalars = Self.scalars(charset) else { continue }
      var utf8 = [UInt32](repeating: 0, count: 256)
      var lengths = [UInt8](repeating: 0, count: 256)
      for byte in 0..<256 {
        guard scalars[byte] != Self.undefined, let scalar = Unicode.Scalar(scalars[byte]) else { continue }
        (utf8[byte], lengths[byte]) = UTF8Scalar.packed(scalar)
      }
      let keepsASCII = (0..<0x80).allSatisfy { scalars[$0] == UInt32($0) }
      tables[charset.name] = Table(scalars: scalars, utf8: utf8, lengths: lengths, keepsASCII: keepsASCII)
    }
    self.tables = tables
  }

  /// The page's scalar for each byte, `undefined` where it has none; nil when ICU has no
  /// converter for it (or gave something other than one character per byte).
  static func scalars(_ charset: Charset) -> [UInt32]? {
    if let table = SingleByteTables.tables[charset.name] {
      return table.map { $0 == 0xFFFF ? undefined : UInt32($0) }
    }
    guard let icuName = charset.icuName else { return nil }
    let all = (0..<256).map { UInt8($0) }
    let outcome = all.withUnsafeBufferPointer { try? ICU.decode($0, charset: icuName, strict: false) }
    guard case .decoded(let text, _)? = outcome else { return nil }
    let scalars = text.unicodeScalars.map { $0.value == 0xFFFD ? undefined : $0.value }
    return scalars.count == 256 ? scalars : nil
  }

  /// The text of `bytes` on page `table`, or the offset just past the first undefined byte.
  static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ table: Table) -> Result<String, DecodeError> {
    var failure: Int?
    let text = table.utf8.withUnsafeBufferPointer { utf8 in
      table.lengths.withUnsafeBufferPointer { lengths in
        // Four bytes are stored per character whatever its length: room for the last one.
        // The table's entries are whole UTF-8 sequences, so the text is not validated again.
        UTF8Scalar.string(capacity: bytes.count * 3 + 4) { output -> Int? in
          guard let target = UnsafeMutableRawPointer(output.baseAddress), let source = bytes.baseAddress else { return 0 }
          let raw = UnsafeRawPointer(source)
          var written = 0
          var index = 0
          while index < bytes.count {
            // Eight ASCII bytes at a time on pages that keep ASCII as it is.
            if table.keepsASCII, index + 8 <= bytes.count {
              let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
              if word & 0x8080_8080_8080_8080 == 0 {
                target.storeBytes(of: word, toByteOffset: written, as: UInt64.self)
                written += 8
                index += 8
                continue
              }
            }
            let byte = Int(source[index])
            let length = Int(lengths[byte])
            if length == 0 {
              failure = index + 1
              return nil
            }
            target.storeBytes(of: utf8[byte], toByteOffset: written, as: UInt32.self)
            written += length
            index += 1
          }
          return written
        }
      }
    }
    guard let text else { return .failure(DecodeError(offset: failure ?? 0)) }
    return .success(text)
  }

  struct DecodeError: Error { let offset: Int }
}
