#if canImport(Glibc)
import Glibc
#endif

/// Removes from an HTML page, before libxml2 parses it, what no stage reads: the contents of
/// `<script>` (except JSON-LD), `<style>` and `<svg>` elements, and comments. Their tags stay,
/// so the tree has the same elements; `HTMLTree` skips these subtrees anyway, but libxml2
/// still tokenizes them character by character. On the trafilatura evaluation pages they are
/// 40–50% of the bytes and about a quarter of the parse's instructions.
///
/// It also drops the attributes of a start tag past the first `maxAttributes`: libxml2 2.9
/// compares each attribute's name with every earlier one of its tag (a `<div>` with 100k
/// attributes took 10 s, 300k 90 s, with no SAX event on the way to check the deadline by).
///
/// One pass over the bytes, by `memchr` for '<'. Start tags are read as libxml2 2.9 reads them
/// (`htmlParseStartTag`: names of at most 100 characters, values quoted only right after
/// '='), so a '<' inside a quoted value starts nothing and the attribute count is libxml2's.
/// `<title>` and `<textarea>` content is markup to libxml2, as to this. Anything unterminated
/// (a comment or script running to the end of the page) is left as it is, for libxml2 to
/// recover as it would have.
enum HTMLPrefilter {
  /// Attributes libxml2 is given per start tag (real tags have a few dozen at most).
  static let maxAttributes = 256

  /// The filtered page, or nil when there is nothing to remove.
  static func strip(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
    filter(input).bytes
  }

  /// The filtered page (nil when there is nothing to remove), and how many attributes past
  /// `maxAttributes` in a tag were dropped.
  static func filter(_ input: UnsafeBufferPointer<UInt8>) -> (bytes: [UInt8]?, attributesDropped: Int) {
    guard let base = input.baseAddress else { return (nil, 0) }
    let count = input.count
    var out: [UInt8] = []
    var copied = 0  // input before this offset is in `out`, or was removed
    var index = 0
    var attributesDropped = 0
    /// The current tag's attributes that no stage reads (with the blanks before them).
    var unneeded: [Range<Int>] = []
    unneeded.reserveCapacity(16)

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
      guard let tag = startTag(input, at: lt, unneeded: &unneeded) else { break }
      for range in unneeded where tag.excess.map({ range.upperBound <= $0 }) ?? true {
        cut(range.lowerBound, resumeAt: range.upperBound)
      }
      if let excess = tag.excess {
        attributesDropped += tag.attributes - maxAttributes
        cut(excess, resumeAt: tag.selfClosing ? tag.end - 1 : tag.end)
      }
      if !tag.selfClosing, let element = Element(input[(lt + 1)..<tag.nameEnd]) {
        guard let close = closingTag(input, element.name, from: tag.end + 1) else { break }
        if !(element == .script && contains(input[tag.nameEnd..<tag.end], "ld+json")) {
          cut(tag.end + 1, resumeAt: close)
        }
        index = close + 2
        continue
      }
      index = tag.end + 1
    }
    guard !out.isEmpty || copied > 0 else { return (nil, attributesDropped) }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied..<count]))
    return (out, attributesDropped)
  }

  enum Element {
    case script, style, svg

    init?(_ name: Slice<UnsafeBufferPointer<UInt8>>) {
      func equal(_ word: StaticString) -> Bool {
        guard name.count == word.utf8CodeUnitCount else { return false }
        for (offset, byte) in name.enumerated() where byte | 0x20 != word.utf8Start[offset] { return false }
        return true
      }
      if equal("script") { self = .script }
      else if equal("style") { self = .style }
      else if equal("svg") { self = .svg }
      else { return nil }
    }

    var name: StaticString {
      switch self {
      case .script: return "script"
      case .style: return "style"
      case .svg: return "svg"
      }
    }
  }

  @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }

  /// libxml2's `htmlParseHTMLName`: a name starts with a letter, '_', ':' or '.', goes on
  /// with those, digits and '-', and is cut after 100 characters (the rest is read as the
  /// next name).
  @inline(__always) static func isNameStart(_ byte: UInt8) -> Bool {
    isLetter(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")
  }

  @inline(__always) static func isNameByte(_ byte: UInt8) -> Bool {
    isNameStart(byte) || byte &- 0x30 < 10 || byte == UInt8(ascii: "-")
  }

  static let maxNameLength = 100

  @inline(__always) static func isBlank(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
  }

  /// A start tag as libxml2 2.9 reads it (`htmlParseStartTag`, `htmlParseAttribute`).
  struct StartTag {
    /// One past the element's name.
    var nameEnd: Int
    /// The offset of the '>' that ends the tag.
    var end: Int
    /// Ends with "/>".
    var selfClosing: Bool
    /// Attribute names read (libxml2 then drops repeated ones).
    var attributes: Int
    /// Where attribute `maxAttributes + 1` starts, when there is one.
    var excess: Int?
  }

  /// The start tag at `lt` ('<' and a letter), or nil when the input ends (or has a NUL,
  /// where libxml2 stops) before the tag does.
  static func startTag(_ input: UnsafeBufferPointer<UInt8>, at lt: Int) -> StartTag? {
    var unneeded: [Range<Int>] = []
    return startTag(input, at: lt, unneeded: &unneeded)
  }

  /// The same, and in `unneeded` the attributes no stage reads (see `isNeeded`), each with
  /// the blanks before it, in order.
  static func startTag(_ input: UnsafeBufferPointer<UInt8>, at lt: Int, unneeded: inout [Range<Int>]) -> StartTag? {
    guard let base = input.baseAddress else { return nil }
    unneeded.removeAll(keepingCapacity: true)
    let count = input.count
    var index = lt + 1
    while index < count, index - lt <= maxNameLength, isNameByte(input[index]) { index += 1 }
    var tag = StartTag(nameEnd: index, end: 0, selfClosing: false, attributes: 0, excess: nil)
    let isLink = index - lt == 5 && matchesLowercased(input, at: lt + 1, "link")
    @inline(__always) func skipBlanks() { while index < count, isBlank(input[index]) { index += 1 } }
    /// Where the blanks before the next attribute start.
    var tokenEnd = index
    skipBlanks()
    while index < count {
      let byte = input[index]
      if byte == UInt8(ascii: ">") {
        tag.end = index
        return tag
      }
      if byte == UInt8(ascii: "/"), index + 1 < count, input[index + 1] == UInt8(ascii: ">") {
        tag.end = index + 1
        tag.selfClosing = true
        return tag
      }
      if byte == 0 { return nil }
      if isNameStart(byte) {
        let start = index
        index += 1
        while index < count, index - start < maxNameLength, isNameByte(input[index]) { index += 1 }
        let nameEnd = index
        tag.attributes += 1
        if tag.attributes == maxAttributes + 1 { tag.excess = start }
        skipBlanks()
        var valueEnd = nameEnd
        if index < count, input[index] == UInt8(ascii: "=") {
          index += 1
          skipBlanks()
          if index < count, input[index] == UInt8(ascii: "\"") || input[index] == UInt8(ascii: "'") {
            // A quoted value runs to its closing quote, or to the end of the page.
            guard let close = memchr(base + index + 1, Int32(input[index]), count - index - 1) else { return nil }
            index = base.distance(to: close.assumingMemoryBound(to: UInt8.self)) + 1
          } else {
            while index < count, !isBlank(input[index]), input[index] != UInt8(ascii: ">"), input[index] != 0 { index += 1 }
          }
          valueEnd = index
        }
        if !isNeeded(input, start..<nameEnd, onLink: isLink) { unneeded.append(tokenEnd..<valueEnd) }
      } else {
        // Not a name: libxml2 skips to the next blank or the end of the tag.
        while index < count, !isBlank(input[index]), input[index] != UInt8(ascii: ">"), input[index] != 0,
          !(input[index] == UInt8(ascii: "/") && index + 1 < count && input[index + 1] == UInt8(ascii: ">"))
        {
          index += 1
        }
      }
      tokenEnd = index
      skipBlanks()
    }
    return nil
  }

  /// Whether an attribute is one a stage reads: those `HTMLTree` keeps (class, id, itemprop,
  /// property, name, content, datetime, type, rel, role; href on `<link>`), in any case.
  /// The others (style, data-*, srcset, href on links, event handlers) are a third of a page's
  /// bytes once scripts are out, and libxml2 reads their values character by character.
  static func isNeeded(_ input: UnsafeBufferPointer<UInt8>, _ name: Range<Int>, onLink: Bool) -> Bool {
    let at = name.lowerBound
    switch (name.count, input[at] | 0x20) {
    case (2, UInt8(ascii: "i")): return input[at + 1] | 0x20 == UInt8(ascii: "d")
    case (3, UInt8(ascii: "r")): return matchesLowercased(input, at: at, "rel")
    case (4, UInt8(ascii: "n")): return matchesLowercased(input, at: at, "name")
    case (4, UInt8(ascii: "t")): return matchesLowercased(input, at: at, "type")
    case (4, UInt8(ascii: "r")): return matchesLowercased(input, at: at, "role")
    case (4, UInt8(ascii: "h")): return onLink && matchesLowercased(input, at: at, "href")
    case (5, UInt8(ascii: "c")): return matchesLowercased(input, at: at, "class")
    case (7, UInt8(ascii: "c")): return matchesLowercased(input, at: at, "content")
    case (8, UInt8(ascii: "i")): return matchesLowercased(input, at: at, "itemprop")
    case (8, UInt8(ascii: "p")): return matchesLowercased(input, at: at, "property")
    case (8, UInt8(ascii: "d")): return matchesLowercased(input, at: at, "datetime")
    default: return false
    }
  }

  /// Whether the bytes at `offset` are `word` (lowercase) in any case.
  @inline(__always) static func matchesLowercased(_ input: UnsafeBufferPointer<UInt8>, at offset: Int, _ word: StaticString) -> Bool {
    let length = word.utf8CodeUnitCount
    guard offset + length <= input.count else { return false }
    for index in 0..<length where input[offset + index] | 0x20 != word.utf8Start[index] { return false }
    return true
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
