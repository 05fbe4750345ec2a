internal import CLibXML2

public enum LibXML2 {
  /// The libxml2 version winnow was built against, e.g. "2.9.14".
  public static let version: String = LIBXML_DOTTED_VERSION
}
