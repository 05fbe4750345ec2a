extension StringProtocol {
  /// A 64-bit hash of the UTF-8 bytes, eight at a time (FNV-1a takes one multiply per byte,
  /// which showed in profiles of the line and paragraph checks). For telling lines apart
  /// within a run, never stored: no stability across versions is promised.
  public func byteHash(seed: UInt64 = 0) -> UInt64 {
    let hashed: UInt64? = utf8.withContiguousStorageIfAvailable { ByteHash.hash(UnsafeRawBufferPointer($0), seed: seed) }
    return hashed ?? Array(utf8).withUnsafeBytes { ByteHash.hash($0, seed: seed) }
  }
}

public enum ByteHash {
  public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
    var hash = seed ^ (UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15)
    var offset = 0
    while offset + 8 <= bytes.count {
      let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      hash = ((hash << 5) | (hash >> 59)) ^ word
      hash = hash &* 0x517C_C1B7_2722_0A95
      offset += 8
    }
    if offset < bytes.count {
      var tail: UInt64 = 0
      for index in offset..<bytes.count { tail |= UInt64(bytes[index]) << (UInt64(index - offset) * 8) }
      hash = (((hash << 5) | (hash >> 59)) ^ tail) &* 0x517C_C1B7_2722_0A95
    }
    // Finalizer from MurmurHash3 (fmix64): every input bit reaches every output bit.
    hash ^= hash >> 33
    hash = hash &* 0xFF51_AFD7_ED55_8CCD
    hash ^= hash >> 33
    hash = hash &* 0xC4CE_B9FE_1A85_EC53
    hash ^= hash >> 33
    return hash
  }
}
