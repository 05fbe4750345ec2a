internal import CLibXML2

public enum LibXML2 {
  /// The libxml2 version winnow was built against, e.g. "2.9.14".
  public static let version: String = LIBXML_DOTTED_VERSION
}

extension LibXML2 {
  /// The code point of an HTML 4 named character reference ("frac14" → U+00BC), from
  /// libxml2's own table; nil for a name it does not know.
  public static func entity(named name: String) -> Unicode.Scalar? {
    guard let entry = name.withCString({ htmlEntityLookup(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }) else {
      return nil
    }
    return Unicode.Scalar(entry.pointee.value)
  }
}
