internal import CLibXML2
#if canImport(Glibc)
import Glibc
#endif

/// An HTML page parsed by libxml2 (with recovery, no network) and flattened into an array
/// in document order, so extraction code walks plain Swift values and never a C pointer.
public struct HTMLTree: Sendable {
  public enum Kind: UInt8, Sendable { case element, text }

  /// The tags extraction treats specially, found once per element so later checks compare a
  /// byte instead of hashing a String.
  public enum Tag: UInt8, Sendable {
    case other = 0, text
    case p, div, li, ul, ol, h1, h2, h3, h4, h5, h6, blockquote, pre, td, th, tr, table, section, article, main
    case dd, dt, dl, figure, figcaption, address, center, body, html, hr, caption, tbody, thead, details, summary
    case br, a, script, style, noscript, iframe, form, nav, header, footer, aside, button, select, textarea, input
    case svg, template, object, embed, head, meta, title, time, math, link, canvas
    /// Ruby annotations: the reading of the characters before them (furigana), not text.
    case rt, rp

    static let byName: [String: Tag] = {
      var table: [String: Tag] = [:]
      for raw in UInt8(2)...UInt8(Tag.rp.rawValue) {
        if let tag = Tag(rawValue: raw) { table[String(describing: tag)] = tag }
      }
      return table
    }()

    public init(name: String) { self = Tag.byName[name] ?? .other }
  }

  public struct Node: Sendable {
    public var kind: Kind
    public var tag: Tag
    /// Index of the parent element, -1 for the root.
    public var parent: Int32
    /// One past the last node of this node's subtree (elements); `index + 1` for text.
    public var end: Int32
    /// Text nodes: where their UTF-8 bytes are in the tree's `textBytes` (elements: empty).
    /// `script` and `style` elements have no text node, except JSON-LD scripts, whose text is
    /// kept as a child text node.
    public var textStart: Int32
    public var textCount: Int32
    /// Elements: where their kept attributes are in the tree's `attributes` (those extraction
    /// needs: class, id, itemprop, property, name, content, datetime, type, rel, role, and
    /// href on `<link>`, in source order). A node holds no reference, so copying one costs no reference count.
    public var attributeStart: Int32
    public var attributeCount: Int32
  }

  public private(set) var nodes: [Node] = []
  /// Every element's kept attributes, one element after another.
  public private(set) var attributes: [(name: String, value: String)] = []

  /// A node's kept attributes.
  public func attributes(of node: borrowing Node) -> ArraySlice<(name: String, value: String)> {
    attributes[Int(node.attributeStart)..<Int(node.attributeStart + node.attributeCount)]
  }

  /// The value of one of a node's kept attributes.
  public func attribute(_ name: String, of node: borrowing Node) -> String? {
    for attribute in attributes(of: node) where attribute.name == name { return attribute.value }
    return nil
  }
  /// The text of every text node, one after another: no String is made per text node (the
  /// extractor copies runs of these bytes into its lines).
  public private(set) var textBytes: [UInt8] = []
  /// Attributes past `HTMLPrefilter.maxAttributes` in a tag, dropped before parsing.
  public private(set) var attributesDropped = 0
  /// Parsing stopped at an element `maxDepth` levels deep: the tree holds the page up to it.
  public private(set) var depthLimited = false

  /// Elements nested deeper than this end the parse (Blink's parser stops nesting at 512):
  /// libxml2 2.9 looks through its whole stack of open elements for each end tag, each
  /// `<body>` and each misplaced end tag, with no SAX event on the way, so a page of 1M open
  /// `<div>`s and then end tags took time quadratic in its size.
  public static let maxDepth = 256

  /// A text node's bytes.
  @inlinable public func withText<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    let node = nodes[index]
    return textBytes.withUnsafeBufferPointer { all in
      body(UnsafeBufferPointer(rebasing: all[Int(node.textStart)..<Int(node.textStart + node.textCount)]))
    }
  }

  /// A text node's text (invalid UTF-8 from a broken page repaired with U+FFFD).
  @inlinable public func text(_ index: Int) -> String { withText(index) { String(decoding: $0, as: UTF8.self) } }

  /// The name of an attribute extraction needs (class, id, itemprop, property, name, content,
  /// datetime, type, rel, role), found by its bytes without making a String for the others
  /// (links' href is not among them: nothing reads it, and a long URL is a heap String).
  static func keptAttribute(_ name: UnsafePointer<xmlChar>) -> String? {
    var length = 0
    while name[length] != 0 {
      length += 1
      if length > 8 { return nil }
    }
    switch (length, name[0]) {
    case (2, UInt8(ascii: "i")): return name[1] == UInt8(ascii: "d") ? "id" : nil
    case (3, UInt8(ascii: "r")): return matches(name, "rel") ? "rel" : nil
    case (4, UInt8(ascii: "n")): return matches(name, "name") ? "name" : nil
    case (4, UInt8(ascii: "t")): return matches(name, "type") ? "type" : nil
    case (4, UInt8(ascii: "r")): return matches(name, "role") ? "role" : nil
    case (5, UInt8(ascii: "c")): return matches(name, "class") ? "class" : nil
    case (7, UInt8(ascii: "c")): return matches(name, "content") ? "content" : nil
    case (8, UInt8(ascii: "i")): return matches(name, "itemprop") ? "itemprop" : nil
    case (8, UInt8(ascii: "p")): return matches(name, "property") ? "property" : nil
    case (8, UInt8(ascii: "d")): return matches(name, "datetime") ? "datetime" : nil
    default: return nil
    }
  }

  /// `href`, kept on `<link>` elements only (`<link rel=canonical>` may date the page by its
  /// path); a link's href elsewhere would cost a heap String per anchor.
  static func linkAttribute(_ name: UnsafePointer<xmlChar>) -> String? {
    matches(name, "href") ? "href" : nil
  }

  static func matches(_ bytes: UnsafePointer<xmlChar>, _ word: StaticString) -> Bool {
    let count = word.utf8CodeUnitCount
    let start = word.utf8Start
    for offset in 0..<count where bytes[offset] != start[offset] { return false }
    return bytes[count] == 0
  }

  /// Elements whose text is never content (ruby annotations: "子<rt>こ</rt>" reads 子); their
  /// subtree is skipped while flattening, except
  /// JSON-LD scripts, whose text is kept for metadata. (`<noscript>` is flattened: a page
  /// may carry its article there for readers without scripts.)
  static func isOpaque(_ tag: Tag) -> Bool {
    switch tag {
    case .script, .style, .template, .svg, .math, .object, .canvas, .rt, .rp: return true
    default: return false
    }
  }

  /// Parses UTF-8 HTML with libxml2's SAX interface: no libxml2 tree is built, the events
  /// fill the flat array directly (libxml2 still closes implied and unclosed elements). Never
  /// fetches anything.
  /// libxml2's global tables (encoding handlers, …) are set up once, before any thread parses.
  public static let initialize: Void = { xmlInitParser() }()

  /// `deadline`: a CLOCK_MONOTONIC time in nanoseconds; when it passes, parsing stops and
  /// this throws a `NativeError` whose function is "deadline".
  public init(utf8 text: String, deadline: UInt64? = nil) throws(NativeError) {
    try self.init(utf8: text, deadline: deadline, referencing: true)
  }

  /// `referencing`: attribute values libxml2 would copy as written are read from the page's
  /// bytes, not tokenized by libxml2 (see `HTMLPrefilter.filter`); the tree is the same
  /// either way.
  init(utf8 text: String, deadline: UInt64? = nil, referencing: Bool) throws(NativeError) {
    HTMLTree.initialize
    // The builder lives behind a pointer, not in a class: libxml2 calls back for every tag and
    // text run, and a class's stored properties are checked for exclusive access at run time
    // on each of those calls (a sixth of the tree's build time in a profile).
    let builder = UnsafeMutablePointer<Builder>.allocate(capacity: 1)
    builder.initialize(to: Builder())
    defer { builder.deinitialize(count: 1); builder.deallocate() }
    builder.pointee.deadline = deadline ?? 0
    var copy = text
    var attributesDropped = 0
    let status: Int32 = copy.withUTF8 { original -> Int32 in
      // Scripts, styles, SVG and comments out before libxml2 tokenizes them, and the values
      // of attributes read from the page (see HTMLPrefilter).
      let (filtered, dropped, values) = HTMLPrefilter.filter(original, referencing: referencing)
      attributesDropped = dropped
      builder.pointee.original = original
      builder.pointee.values = values
      defer { builder.pointee.original = UnsafeBufferPointer(start: nil, count: 0) }
      func withInput<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let filtered { return filtered.withUnsafeBufferPointer(body) }
        return body(original)
      }
      return withInput { buffer -> Int32 in
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars -> Int32 in
          guard let context = htmlCreateMemoryParserCtxt(chars, Int32(buffer.count)) else { return -1 }
          defer {
            if let document = context.pointee.myDoc { xmlFreeDoc(document) }
            context.pointee.myDoc = nil
            htmlFreeParserCtxt(context)
          }
          guard let handler = malloc(MemoryLayout<htmlSAXHandler>.size)?.bindMemory(to: htmlSAXHandler.self, capacity: 1) else { return -1 }
          memset(handler, 0, MemoryLayout<htmlSAXHandler>.size)
          handler.pointee.startElement = { context, name, attributes in
            guard let context, let name else { return }
            context.assumingMemoryBound(to: Builder.self).pointee.start(name, attributes)
          }
          handler.pointee.endElement = { context, _ in
            guard let context else { return }
            context.assumingMemoryBound(to: Builder.self).pointee.end()
          }
          let characters: charactersSAXFunc = { context, characters, length in
            guard let context, let characters, length > 0 else { return }
            context.assumingMemoryBound(to: Builder.self).pointee.characters(characters, Int(length))
          }
          handler.pointee.characters = characters
          handler.pointee.cdataBlock = characters
          if let old = context.pointee.sax { free(old) }  // libxml2 allocates with malloc (xmlMemSetup is never called)
          context.pointee.sax = handler
          context.pointee.userData = UnsafeMutableRawPointer(builder)
          builder.pointee.context = context
          // The text is UTF-8 already (decode ran): a <meta charset> must not switch it.
          if let utf8 = xmlFindCharEncodingHandler("UTF-8") {
            xmlSwitchToEncoding(context, utf8)
            if let input = context.pointee.input {
              if let old = input.pointee.encoding { free(UnsafeMutableRawPointer(mutating: old)) }
              input.pointee.encoding = UnsafePointer(xmlStrdup("UTF-8"))
            }
          }
          let options = Int32(HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_RECOVER.rawValue)
          _ = htmlCtxtUseOptions(context, options)
          return htmlParseDocument(context)
        }
      }
    }
    self.attributesDropped = attributesDropped
    if builder.pointee.timedOut { throw NativeError(function: "deadline", code: 0, message: "parsing stopped at the deadline") }
    if status < -1 { throw NativeError(function: "htmlParseDocument", code: status, message: "libxml2 could not parse the page") }
    builder.pointee.finish()
    depthLimited = builder.pointee.depthLimited
    nodes = builder.pointee.nodes
    attributes = builder.pointee.attributes
    textBytes = builder.pointee.textBytes
  }

  /// Receives libxml2's SAX events.
  struct Builder {
    /// Checked every 256 events; past it, the parser is stopped.
    var deadline: UInt64 = 0
    var context: htmlParserCtxtPtr?
    /// The page as given (the prefilter's input) and where its referenced values are.
    var original = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    var values: [Range<Int>] = []
    var events = 0
    var timedOut = false
    var depthLimited = false

    @inline(__always)
    mutating func checkDeadline() {
      guard deadline != 0 else { return }
      events &+= 1
      guard events & 255 == 0 else { return }
      var now = timespec()
      clock_gettime(CLOCK_MONOTONIC, &now)
      if UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec) > deadline, let context {
        timedOut = true
        xmlStopParser(context)
      }
    }

    var nodes: [Node] = []
    var attributes: [(name: String, value: String)] = []
    var textBytes: [UInt8] = []
    var open: [Int32] = []
    /// Inside script/style/…: events are ignored, except a JSON-LD script's text.
    var opaqueDepth = 0
    var capturing = false
    var captured: [UInt8] = []
    /// Tags of the element names seen so far, by the name's address: libxml2 interns names in
    /// its dictionary (the same name, the same pointer). Open addressing, 64 slots; a page with
    /// more distinct names than that looks the rest up by name each time.
    var nameKeys = [UInt](repeating: 0, count: 64)
    var nameTags = [Tag](repeating: .other, count: 64)

    init() {
      nodes.reserveCapacity(2048)
      textBytes.reserveCapacity(1 << 16)
    }

    mutating func start(_ rawName: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
      checkDeadline()
      if depthLimited { return }
      if let context, Int(context.pointee.nameNr) > HTMLTree.maxDepth {
        // The element is left out, and so is the rest of the page.
        depthLimited = true
        xmlStopParser(context)
        return
      }
      if opaqueDepth > 0 { opaqueDepth += 1; return }
      let tag = self.tag(rawName)
      let firstAttribute = self.attributes.count
      if var pair = attributes {
        while let key = pair.pointee {
          let value = pair.advanced(by: 1).pointee
          if let attributeName = HTMLTree.keptAttribute(key) ?? (tag == .link ? HTMLTree.linkAttribute(key) : nil) {
            self.attributes.append((attributeName, value.map { self.value($0) } ?? ""))
          }
          pair = pair.advanced(by: 2)
        }
      }
      let kept = self.attributes[firstAttribute...]
      let index = Int32(nodes.count)
      nodes.append(Node(kind: .element, tag: tag, parent: open.last ?? -1, end: index + 1, textStart: 0, textCount: 0,
                        attributeStart: Int32(firstAttribute), attributeCount: Int32(kept.count)))
      open.append(index)
      if HTMLTree.isOpaque(nodes[Int(index)].tag) {
        opaqueDepth = 1
        capturing = nodes[Int(index)].tag == .script && kept.contains { $0.name == "type" && $0.value.lowercased().contains("ld+json") }
        captured.removeAll(keepingCapacity: true)
      }
    }

    /// An attribute's value: a reference's bytes in the page (see `HTMLPrefilter.filter`), or
    /// the value libxml2 read.
    func value(_ bytes: UnsafePointer<xmlChar>) -> String {
      if bytes[0] == HTMLPrefilter.referenceMark {
        var index = 0
        var offset = 1
        while bytes[offset] &- UInt8(ascii: "0") < 10, offset < 19 {
          index = index * 10 + Int(bytes[offset] &- UInt8(ascii: "0"))
          offset += 1
        }
        if offset > 1, bytes[offset] == 0, index < values.count {
          return String(decoding: UnsafeBufferPointer(rebasing: original[values[index]]), as: UTF8.self)
        }
      }
      return String(cString: bytes)
    }

    mutating func tag(_ name: UnsafePointer<xmlChar>) -> Tag {
      let key = UInt(bitPattern: name)
      var slot = Int(truncatingIfNeeded: (key >> 4) ^ (key >> 10)) & 63
      for _ in 0..<64 {
        if nameKeys[slot] == key { return nameTags[slot] }
        if nameKeys[slot] == 0 {
          let tag = Tag(name: String(cString: name))
          nameKeys[slot] = key
          nameTags[slot] = tag
          return tag
        }
        slot = (slot + 1) & 63
      }
      return Tag(name: String(cString: name))
    }

    mutating func end() {
      checkDeadline()
      if opaqueDepth > 1 { opaqueDepth -= 1; return }
      guard let index = open.popLast() else { return }
      if opaqueDepth == 1 {
        opaqueDepth = 0
        if capturing, !captured.isEmpty {
          nodes.append(Node(kind: .text, tag: .text, parent: index, end: Int32(nodes.count) + 1,
                            textStart: Int32(textBytes.count), textCount: Int32(captured.count), attributeStart: 0, attributeCount: 0))
          textBytes.append(contentsOf: captured)
        }
        capturing = false
      }
      nodes[Int(index)].end = Int32(nodes.count)
    }

    mutating func characters(_ bytes: UnsafePointer<xmlChar>, _ length: Int) {
      checkDeadline()
      if depthLimited { return }
      if opaqueDepth > 0 {
        if capturing, opaqueDepth == 1 { captured.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length)) }
        return
      }
      let parent = open.last ?? -1
      // libxml2 may deliver one text node in several pieces; its bytes are the last ones.
      if let last = nodes.indices.last, nodes[last].kind == .text, nodes[last].parent == parent, Int(nodes[last].end) == nodes.count,
        Int(nodes[last].textStart + nodes[last].textCount) == textBytes.count
      {
        nodes[last].textCount += Int32(length)
      } else {
        nodes.append(Node(kind: .text, tag: .text, parent: parent, end: Int32(nodes.count) + 1,
                          textStart: Int32(textBytes.count), textCount: Int32(length), attributeStart: 0, attributeCount: 0))
      }
      textBytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
    }

    mutating func finish() {
      while !open.isEmpty {
        if opaqueDepth > 1 { opaqueDepth = 1 }
        end()
      }
    }
  }
}
