/// Byte-level text helpers of the HTML stage: comma counting for the content scorer and HTML
/// white-space collapsing for lines and metadata values.

/// Commas in a line: ',', '，' (EF BC 8C) and '、' (E3 80 81), by bytes.
func commaCount(_ text: String) -> Int {
  var text = text
  return text.withUTF8 { bytes in
    var count = 0
    var index = 0
    // Eight bytes at a time while none is ',' or a lead byte of the other two (EF, E3).
    let raw = UnsafeRawBufferPointer(bytes)
    while index < bytes.count {
      if index + 8 <= bytes.count {
        let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        if !ByteSearch.has(word, 0x2C), !ByteSearch.has(word, 0xEF), !ByteSearch.has(word, 0xE3) {
          index += 8
          continue
        }
      }
      let byte = bytes[index]
      if byte == 0x2C {
        count += 1
      } else if index + 2 < bytes.count,
        (byte == 0xEF && bytes[index + 1] == 0xBC && bytes[index + 2] == 0x8C) || (byte == 0xE3 && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x81)
      {
        count += 1
      }
      index += 1
    }
    return count
  }
}

/// Appends text with HTML white-space collapsing (ASCII white space, NBSP, ideographic space).
/// Returns the number of bytes appended.
@discardableResult
func appendCollapsed(_ text: String, to out: inout [UInt8], pendingSpace: inout Bool) -> Int {
  var text = text
  return text.withUTF8 { appendCollapsed($0, to: &out, pendingSpace: &pendingSpace) }
}

@discardableResult
func appendCollapsed(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], pendingSpace: inout Bool) -> Int {
  let before = out.count
  // Runs of text are copied whole. A run goes on over a lone ASCII space between two
  // characters (already collapsed: most spaces in prose), so words are not copied one by one;
  // any other white space ends it. Eight bytes at a time are skipped while none is a control
  // (below 0x20), 0xC2 (NBSP's lead) or 0xE3 (U+3000's), and every space in them is a lone
  // one inside the eight.
  let ones: UInt64 = 0x0101_0101_0101_0101
  let highs: UInt64 = 0x8080_8080_8080_8080
  let raw = UnsafeRawBufferPointer(bytes)
  let count = bytes.count
  var index = 0
  var runStart = 0
  @inline(__always) func plain(_ byte: UInt8) -> Bool { byte > 0x20 && byte != 0xC2 && byte != 0xE3 }
  func flush(upTo end: Int) {
    guard end > runStart else { return }
    if pendingSpace { out.append(0x20); pendingSpace = false }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<end]))
  }
  while index < count {
    if index + 8 <= count {
      let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
      let below = (word &- ones &* 0x20) & ~word & highs
      if below == 0, !ByteSearch.has(word, 0xC2), !ByteSearch.has(word, 0xE3) {
        // Spaces, exactly (no borrow between bytes): none in the first or last byte, no two
        // side by side.
        let x = word ^ (ones &* 0x20)
        let spaces = ~(((x & ~highs) &+ ~highs) | x) & highs
        if spaces & 0x8000_0000_0000_0080 == 0, spaces & (spaces << 8) == 0 {
          index += 8
          continue
        }
      }
    }
    let byte = bytes[index]
    if plain(byte) {
      index += 1
      continue
    }
    var spaceWidth = 0
    if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
      spaceWidth = 1
    } else if byte == 0xC2, index + 1 < count, bytes[index + 1] == 0xA0 {
      spaceWidth = 2
    } else if byte == 0xE3, index + 2 < count, bytes[index + 1] == 0x80, bytes[index + 2] == 0x80 {
      spaceWidth = 3
    }
    if spaceWidth == 0 {
      index += 1
      continue
    }
    if byte == 0x20, index > runStart, index + 1 < count, plain(bytes[index + 1]) {
      index += 1  // a lone space inside the run: it stays as it is
      continue
    }
    flush(upTo: index)
    if !out.isEmpty { pendingSpace = true }
    index += spaceWidth
    runStart = index
  }
  flush(upTo: count)
  return out.count - before
}
