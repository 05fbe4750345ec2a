/// UTF-8 decoding for the byte loops that read a text's scalars one by one (normalization's
/// quick check, the gates' script letters, plausibility counts, langid's script scan).
public enum UTF8Scalar {
  /// The scalar that starts at `index` of `count` UTF-8 bytes, and its length in bytes as the
  /// lead byte gives it (any byte from 0x80 to 0xDF leads two). Valid UTF-8 gives the scalar
  /// itself; a sequence the end cuts short gives what its bytes there hold.
  @inlinable @inline(__always)
  public static func decode(_ base: UnsafePointer<UInt8>, count: Int, at index: Int) -> (value: UInt32, length: Int) {
    let lead = UInt32(base[index])
    if lead < 0x80 { return (lead, 1) }
    if lead < 0xE0, index &+ 1 < count { return ((lead & 0x1F) << 6 | UInt32(base[index &+ 1] & 0x3F), 2) }
    if lead >= 0xE0, lead < 0xF0, index &+ 2 < count {
      return ((lead & 0x0F) << 12 | UInt32(base[index &+ 1] & 0x3F) << 6 | UInt32(base[index &+ 2] & 0x3F), 3)
    }
    let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
    var value = lead & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
    for offset in 1..<max(1, min(length, count &- index)) { value = value << 6 | UInt32(base[index &+ offset] & 0x3F) }
    return (value, length)
  }

  /// How many of eight ASCII bytes (a word with no top bit set) are letters A–Z or a–z: a byte
  /// is one when it is in a–z once 0x20 is set; two additions put that in each byte's top bit,
  /// and no byte carries into the next.
  @inlinable @inline(__always)
  public static func asciiLetters(in word: UInt64) -> Int {
    let folded = word | 0x2020_2020_2020_2020
    return ((folded &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(folded &+ 0x0505_0505_0505_0505) & 0x8080_8080_8080_8080).nonzeroBitCount
  }

  /// A scalar's UTF-8 bytes packed little-endian in a word (first byte lowest), and how many:
  /// what the table decoders store per byte, written four bytes at a time.
  public static func packed(_ scalar: Unicode.Scalar) -> (bytes: UInt32, length: UInt8) {
    var bytes: UInt32 = 0
    var length: UInt8 = 0
    for unit in String(scalar).utf8 {
      bytes |= UInt32(unit) << (8 * UInt32(length))
      length += 1
    }
    return (bytes, length)
  }

  /// A String of `bytes`, not validated again: for UTF-8 that is valid by construction (what
  /// winnow itself wrote). Debug builds still check.
  public static func string(trusting bytes: UnsafeBufferPointer<UInt8>) -> String {
    assert(String(validating: bytes, as: UTF8.self) != nil, "trusted bytes are not valid UTF-8")
    return unsafe String(copying: UTF8Span(unchecked: bytes.span, isKnownASCII: false))
  }

  /// A String of the UTF-8 that `fill` writes (at most `capacity` bytes; it returns how many),
  /// not validated again: for decoders whose output is valid UTF-8 by construction (bytes
  /// mapped through tables of scalars, ICU's UTF-8 converter). Swift's own initialisers check
  /// every byte, which cost as much as a single-byte page's whole decode; debug builds still
  /// check. `fill` returning nil gives nil.
  public static func string<Failure: Error>(
    capacity: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) throws(Failure) -> Int?
  ) throws(Failure) -> String? {
    let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, capacity))
    defer { buffer.deallocate() }
    guard let written = try fill(buffer) else { return nil }
    return string(trusting: UnsafeBufferPointer(rebasing: buffer[..<min(max(0, written), capacity)]))
  }
}
