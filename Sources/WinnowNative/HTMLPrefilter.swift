#if canImport(Glibc)
import Glibc
#endif

/// Removes from an HTML page, before libxml2 parses it, what no stage reads: the contents of
/// `<script>` (except JSON-LD), `<style>` and `<svg>` elements, and comments. Their tags stay,
/// so the tree has the same elements; `HTMLTree` skips these subtrees anyway, but libxml2
/// still tokenizes them character by character. On the trafilatura evaluation pages they are
/// 40–50% of the bytes and about a quarter of the parse's instructions.
///
/// One pass over the bytes, by `memchr` for '<'. Tags are read with their quoted attribute
/// values (a '<' inside a value starts nothing); `<title>` and `<textarea>` text is skipped
/// whole (it may hold "<script" as text). Anything unterminated (a comment or script running
/// to the end of the page) is left as it is, for libxml2 to recover as it would have.
enum HTMLPrefilter {
  /// The filtered page, or nil when there is nothing to remove.
  static func strip(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
    guard let base = input.baseAddress else { return nil }
    let count = input.count
    var out: [UInt8] = []
    var copied = 0  // input before this offset is in `out`, or was removed
    var index = 0

    func cut(_ from: Int, resumeAt: Int) {
      if out.isEmpty { out.reserveCapacity(count) }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied..<from]))
      copied = resumeAt
    }

    while index < count, let found = memchr(base + index, Int32(UInt8(ascii: "<")), count - index) {
      let lt = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
      // <!-- comment -->
      if matches(input, at: lt + 1, "!--") {
        guard let close = find(input, "-->", from: lt + 4) else { break }
        cut(lt, resumeAt: close + 3)
        index = close + 3
        continue
      }
      guard lt + 1 < count, isLetter(input[lt + 1]) else {
        index = lt + 1
        continue
      }
      var nameEnd = lt + 1
      while nameEnd < count, isLetter(input[nameEnd]) || input[nameEnd] &- 0x30 < 10 { nameEnd += 1 }
      guard let tagEnd = endOfTag(input, from: nameEnd) else { break }
      let name = input[(lt + 1)..<nameEnd]
      let selfClosing = input[tagEnd - 1] == UInt8(ascii: "/")
      if !selfClosing, let element = Element(name) {
        guard let close = closingTag(input, element.name, from: tagEnd + 1) else { break }
        switch element {
        case .script where contains(input[nameEnd..<tagEnd], "ld+json"), .title, .textarea:
          break  // kept whole
        default:
          cut(tagEnd + 1, resumeAt: close)
        }
        index = close + 2
        continue
      }
      index = tagEnd + 1
    }
    guard !out.isEmpty || copied > 0 else { return nil }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied..<count]))
    return out
  }

  enum Element {
    case script, style, svg, title, textarea

    init?(_ name: Slice<UnsafeBufferPointer<UInt8>>) {
      func equal(_ word: StaticString) -> Bool {
        guard name.count == word.utf8CodeUnitCount else { return false }
        for (offset, byte) in name.enumerated() where byte | 0x20 != word.utf8Start[offset] { return false }
        return true
      }
      if equal("script") { self = .script }
      else if equal("style") { self = .style }
      else if equal("svg") { self = .svg }
      else if equal("title") { self = .title }
      else if equal("textarea") { self = .textarea }
      else { return nil }
    }

    var name: StaticString {
      switch self {
      case .script: return "script"
      case .style: return "style"
      case .svg: return "svg"
      case .title: return "title"
      case .textarea: return "textarea"
      }
    }
  }

  @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }

  /// The offset of the '>' that ends a tag whose name ends at `from`, outside quoted values.
  static func endOfTag(_ input: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
    var quote: UInt8 = 0
    var index = from
    while index < input.count {
      let byte = input[index]
      if quote != 0 {
        if byte == quote { quote = 0 }
      } else if byte == UInt8(ascii: ">") {
        return index
      } else if byte == UInt8(ascii: "\""), input[index - 1] == UInt8(ascii: "=") || input[index - 1] == 0x20 {
        quote = byte
      } else if byte == UInt8(ascii: "'"), input[index - 1] == UInt8(ascii: "=") || input[index - 1] == 0x20 {
        quote = byte
      }
      index += 1
    }
    return nil
  }

  /// The offset of `</name` (any case) followed by white space, '/' or '>', from `from` on.
  static func closingTag(_ input: UnsafeBufferPointer<UInt8>, _ name: StaticString, from: Int) -> Int? {
    guard let base = input.baseAddress else { return nil }
    let length = name.utf8CodeUnitCount
    var index = from
    while index < input.count, let found = memchr(base + index, Int32(UInt8(ascii: "<")), input.count - index) {
      let lt = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
      index = lt + 1
      guard lt + 2 + length < input.count, input[lt + 1] == UInt8(ascii: "/") else { continue }
      var same = true
      for offset in 0..<length where input[lt + 2 + offset] | 0x20 != name.utf8Start[offset] {
        same = false
        break
      }
      let after = input[lt + 2 + length]
      if same, after == UInt8(ascii: ">") || after == UInt8(ascii: "/") || after == 0x20 || after == 0x0A || after == 0x09 || after == 0x0D {
        return lt
      }
    }
    return nil
  }

  static func matches(_ input: UnsafeBufferPointer<UInt8>, at offset: Int, _ word: StaticString) -> Bool {
    let length = word.utf8CodeUnitCount
    guard offset + length <= input.count else { return false }
    for index in 0..<length where input[offset + index] != word.utf8Start[index] { return false }
    return true
  }

  static func find(_ input: UnsafeBufferPointer<UInt8>, _ word: StaticString, from: Int) -> Int? {
    guard let base = input.baseAddress, from < input.count else { return nil }
    let first = Int32(word.utf8Start[0])
    var index = from
    while index < input.count, let found = memchr(base + index, first, input.count - index) {
      let offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
      if matches(input, at: offset, word) { return offset }
      index = offset + 1
    }
    return nil
  }

  /// Whether the bytes hold `word` in any case (`word` lowercase).
  static func contains(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ word: StaticString) -> Bool {
    let length = word.utf8CodeUnitCount
    guard bytes.count >= length else { return false }
    var start = bytes.startIndex
    while start + length <= bytes.endIndex {
      var same = true
      for offset in 0..<length where bytes[start + offset] | 0x20 != word.utf8Start[offset] | 0x20 {
        same = false
        break
      }
      if same { return true }
      start += 1
    }
    return false
  }
}
