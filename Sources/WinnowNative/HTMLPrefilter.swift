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
/// With `referencing`, the value of each attribute a stage reads (class, id, content, …) that
/// libxml2 would copy verbatim (quoted, no '&' and no NUL in it: its bytes are then the
/// value, as `htmlParseHTMLAttribute` copies valid UTF-8 character by character) is replaced
/// by a reference, DEL (0x7F) and its index in `values` in decimal; `HTMLTree` reads the
/// value from the page's own bytes. Class values alone are a fifth of what libxml2 still
/// read, at 25–30 instructions a byte. A page where a value that stays as written starts with
/// DEL or "&#" (a character reference could decode to DEL) is filtered without references, so
/// every value that reaches `HTMLTree` starting with DEL is one.
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

  /// The first byte of a value reference (see `filter`).
  static let referenceMark: UInt8 = 0x7F

  /// The filtered page, or nil when there is nothing to remove.
  static func strip(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
    filter(input).bytes
  }

  /// The filtered page (nil when there is nothing to remove), how many attributes past
  /// `maxAttributes` in a tag were dropped, and with `referencing`, where in `input` the
  /// referenced attribute values are (reference `n` is `values[n]`).
  static func filter(_ input: UnsafeBufferPointer<UInt8>, referencing: Bool = false)
    -> (bytes: [UInt8]?, attributesDropped: Int, values: [Range<Int>])
  {
    guard let base = input.baseAddress else { return (nil, 0, []) }
    let count = input.count
    var out: [UInt8] = []
    var copied = 0  // input before this offset is in `out`, or was removed
    var index = 0
    var attributesDropped = 0
    var values: [Range<Int>] = []
    /// The current tag's attributes that no stage reads (with the blanks before them), and
    /// the values to reference, in order.
    var edits: [Edit] = []
    edits.reserveCapacity(16)

    func cut(_ from: Int, resumeAt: Int) {
      if out.isEmpty { out.reserveCapacity(count) }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied..<from]))
      copied = resumeAt
    }

    func reference(_ value: Range<Int>) {
      cut(value.lowerBound, resumeAt: value.upperBound)
      out.append(referenceMark)
      let number = values.count
      var divisor = 1
      while divisor <= number / 10 { divisor *= 10 }
      while divisor > 0 {
        out.append(UInt8(ascii: "0") + UInt8(number / divisor % 10))
        divisor /= 10
      }
      values.append(value)
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
      guard let tag = startTag(input, at: lt, edits: &edits, referencing: referencing) else { break }
      if tag.ambiguous { return filter(input, referencing: false) }
      for edit in edits where tag.excess.map({ edit.range.upperBound <= $0 }) ?? true {
        if edit.isReference { reference(edit.range) } else { cut(edit.range.lowerBound, resumeAt: edit.range.upperBound) }
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
    guard !out.isEmpty || copied > 0 else { return (nil, attributesDropped, values) }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied..<count]))
    return (out, attributesDropped, values)
  }

  /// A change to a start tag: an attribute no stage reads, removed with the blanks before it,
  /// or (`isReference`) a value replaced by a reference.
  struct Edit {
    var range: Range<Int>
    var isReference: Bool
  }

  /// Values shorter than this are left as written: libxml2 copies a short value for less
  /// than a reference costs (a cut in the output, an index, a lookup).
  static let minReferencedValue = 12

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
    /// A value a stage reads, left as written, starts with DEL or "&#" (see `filter`).
    var ambiguous = false
  }

  /// The start tag at `lt` ('<' and a letter), or nil when the input ends (or has a NUL,
  /// where libxml2 stops) before the tag does.
  static func startTag(_ input: UnsafeBufferPointer<UInt8>, at lt: Int) -> StartTag? {
    var edits: [Edit] = []
    return startTag(input, at: lt, edits: &edits, referencing: false)
  }

  /// The same, and in `edits` the attributes no stage reads (see `isNeeded`), each with the
  /// blanks before it, and with `referencing` the values to reference, in order.
  static func startTag(_ input: UnsafeBufferPointer<UInt8>, at lt: Int, edits: inout [Edit], referencing: Bool) -> StartTag? {
    guard let base = input.baseAddress else { return nil }
    if !edits.isEmpty { edits.removeAll(keepingCapacity: true) }
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
        /// The value's bytes as written (quotes excluded), and whether libxml2 copies them.
        var value = index..<index
        var verbatim = false
        if index < count, input[index] == UInt8(ascii: "=") {
          index += 1
          skipBlanks()
          if index < count, input[index] == UInt8(ascii: "\"") || input[index] == UInt8(ascii: "'") {
            // A quoted value runs to its closing quote, or to the end of the page.
            guard let close = memchr(base + index + 1, Int32(input[index]), count - index - 1) else { return nil }
            let closeOffset = base.distance(to: close.assumingMemoryBound(to: UInt8.self))
            value = (index + 1)..<closeOffset
            verbatim = referencing && value.count >= minReferencedValue
              && memchr(base + value.lowerBound, Int32(UInt8(ascii: "&")), value.count) == nil
              && memchr(base + value.lowerBound, 0, value.count) == nil
            index = closeOffset + 1
          } else {
            let valueStart = index
            while index < count, !isBlank(input[index]), input[index] != UInt8(ascii: ">"), input[index] != 0 { index += 1 }
            value = valueStart..<index
          }
          valueEnd = index
        }
        if !isNeeded(input, start..<nameEnd, onLink: isLink) {
          edits.append(Edit(range: tokenEnd..<valueEnd, isReference: false))
        } else if verbatim {
          edits.append(Edit(range: value, isReference: true))
        } else if referencing, !value.isEmpty, input[value.lowerBound] == referenceMark
          || (input[value.lowerBound] == UInt8(ascii: "&") && value.count > 1 && input[value.lowerBound + 1] == UInt8(ascii: "#"))
        {
          // DEL as written, or a character reference (no named entity of libxml2's is DEL).
          tag.ambiguous = true
        }
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
