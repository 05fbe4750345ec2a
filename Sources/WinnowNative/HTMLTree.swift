internal import CLibXML2

/// An HTML page parsed by libxml2 (with recovery, no network) and flattened into an array
/// in document order, so extraction code walks plain Swift values and never a C pointer.
public struct HTMLTree: Sendable {
  public enum Kind: UInt8, Sendable { case element, text }

  public struct Node: Sendable {
    public var kind: Kind
    /// Lower-case tag name for elements; empty for text.
    public var name: String
    /// Index of the parent element, -1 for the root.
    public var parent: Int32
    /// One past the last node of this node's subtree (elements); `index + 1` for text.
    public var end: Int32
    /// Text content for text nodes; for `script` and `style` elements, nothing (their text
    /// is kept only for JSON-LD scripts, as a child text node).
    public var text: String
    /// The attributes extraction needs (class, id, itemprop, property, name, content,
    /// datetime, type, rel, role, href), in source order.
    public var attributes: [(name: String, value: String)]

    public func attribute(_ name: String) -> String? {
      for attribute in attributes where attribute.name == name { return attribute.value }
      return nil
    }
  }

  public private(set) var nodes: [Node] = []

  static let keptAttributes: Set<String> = [
    "class", "id", "itemprop", "property", "name", "content", "datetime", "type", "rel", "role", "href",
  ]

  /// Elements whose text is never content; their subtree is skipped while flattening, except
  /// JSON-LD scripts, whose text is kept for metadata.
  static let opaque: Set<String> = ["script", "style", "noscript", "template", "svg", "math", "object", "canvas"]

  /// Parses UTF-8 HTML. Never fetches anything.
  public init(utf8 text: String) throws(NativeError) {
    var copy = text
    let parsed: htmlDocPtr? = copy.withUTF8 { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        let options = Int32(HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
          | HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOBLANKS.rawValue | HTML_PARSE_COMPACT.rawValue)
        return htmlReadMemory(chars.baseAddress, Int32(buffer.count), nil, "UTF-8", options)
      }
    }
    guard let document = parsed else { throw NativeError(function: "htmlReadMemory", code: -1, message: "libxml2 could not parse the page") }
    defer { xmlFreeDoc(document) }
    nodes.reserveCapacity(1024)
    var child = document.pointee.children
    while let node = child {
      flatten(node, parent: -1)
      child = node.pointee.next
    }
  }

  private mutating func flatten(_ node: xmlNodePtr, parent: Int32) {
    switch node.pointee.type {
    case XML_ELEMENT_NODE:
      let name = node.pointee.name.map { String(cString: $0) } ?? ""
      let index = Int32(nodes.count)
      var attributes: [(name: String, value: String)] = []
      var property = node.pointee.properties
      while let attribute = property {
        if let rawName = attribute.pointee.name {
          let attributeName = String(cString: rawName)
          if Self.keptAttributes.contains(attributeName) {
            var value = ""
            if let valueNode = attribute.pointee.children, let content = valueNode.pointee.content {
              value = String(cString: content)
            }
            attributes.append((attributeName, value))
          }
        }
        property = attribute.pointee.next
      }
      nodes.append(Node(kind: .element, name: name, parent: parent, end: index + 1, text: "", attributes: attributes))
      if Self.opaque.contains(name) {
        if name == "script", let type = attributes.first(where: { $0.name == "type" })?.value,
          type.lowercased().contains("ld+json")
        {
          var script = ""
          var child = node.pointee.children
          while let current = child {
            if let content = current.pointee.content { script += String(cString: content) }
            child = current.pointee.next
          }
          nodes.append(Node(kind: .text, name: "", parent: index, end: index + 2, text: script, attributes: []))
        }
      } else {
        var child = node.pointee.children
        while let current = child {
          flatten(current, parent: index)
          child = current.pointee.next
        }
      }
      nodes[Int(index)].end = Int32(nodes.count)
    case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
      guard let content = node.pointee.content else { return }
      let index = Int32(nodes.count)
      nodes.append(Node(kind: .text, name: "", parent: parent, end: index + 1, text: String(cString: content), attributes: []))
    default:
      return
    }
  }
}
