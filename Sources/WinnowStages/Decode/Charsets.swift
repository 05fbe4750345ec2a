import Foundation

/// A charset winnow can decode: the name it reports, the ICU converter that decodes it, and
/// the labels that name it in the wild (`<meta charset>`, config).
struct Charset: Sendable, Equatable {
  enum Kind: Sendable { case unicode, multibyte, singleByte, stateful }

  /// Reported in `source.encoding` and accepted in config.
  let name: String
  /// ICU converter name; nil for charsets ICU lacks (Johab is decoded in Swift).
  let icuName: String?
  let kind: Kind
  /// Decode with this superset instead: it reads every valid byte sequence of this charset
  /// the same way and more (pages labelled EUC-KR are often CP949, GB2312 often GBK).
  let decodeAs: String?
  let labels: [String]
  /// Single-byte charsets for the same script: when one of them wins, the others are tried
  /// too (they differ in a few code points, such as € in ISO-8859-15).
  let family: String?

  init(_ name: String, icu: String?, _ kind: Kind, decodeAs: String? = nil, family: String? = nil, labels: [String] = []) {
    self.name = name
    self.icuName = icu
    self.kind = kind
    self.decodeAs = decodeAs
    self.family = family
    self.labels = labels
  }
}

enum Charsets {
  static let all: [Charset] = [
    Charset("UTF-8", icu: "UTF-8", .unicode, labels: ["utf8", "unicode-1-1-utf-8"]),
    Charset("UTF-16LE", icu: "UTF-16LE", .unicode, labels: ["utf-16", "unicode", "ucs-2"]),
    Charset("UTF-16BE", icu: "UTF-16BE", .unicode),
    Charset("UTF-32LE", icu: "UTF-32LE", .unicode, labels: ["utf-32"]),
    Charset("UTF-32BE", icu: "UTF-32BE", .unicode),
    Charset("CP949", icu: "windows-949-2000", .multibyte,
      labels: ["windows-949", "uhc", "ks_c_5601-1987", "ks_c_5601-1989", "ks_c_5601", "ksc5601", "ksc_5601", "x-windows-949", "ms949", "korean", "csksc56011987", "iso-ir-149"]),
    Charset("EUC-KR", icu: "EUC-KR", .multibyte, decodeAs: "CP949", labels: ["euckr", "x-euc-kr", "cseuckr"]),
    Charset("JOHAB", icu: nil, .multibyte, labels: ["x-johab", "cp1361", "ms1361", "ibm-1361"]),
    Charset("ISO-2022-KR", icu: "ISO-2022-KR", .stateful, labels: ["csiso2022kr"]),
    Charset("Shift_JIS", icu: "windows-31j", .multibyte,
      labels: ["sjis", "shift-jis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "cp932", "ms932"]),
    Charset("EUC-JP", icu: "EUC-JP", .multibyte, labels: ["eucjp", "x-euc-jp", "cseucpkdfmtjapanese"]),
    Charset("ISO-2022-JP", icu: "ISO-2022-JP", .stateful, labels: ["csiso2022jp"]),
    Charset("GB18030", icu: "GB18030", .multibyte,
      labels: ["gbk", "gb2312", "cp936", "x-gbk", "euc-cn", "csgb2312", "chinese", "gb_2312-80", "ms936", "windows-936"]),
    Charset("Big5", icu: "windows-950-2000", .multibyte, labels: ["big-5", "big5-hkscs", "cn-big5", "x-x-big5", "csbig5", "cp950", "windows-950"]),
    Charset("KOI8-R", icu: "KOI8-R", .singleByte, family: "cyrillic", labels: ["koi8", "koi", "cskoi8r"]),
    Charset("windows-1250", icu: "windows-1250", .singleByte, family: "latin2", labels: ["cp1250", "x-cp1250"]),
    Charset("windows-1251", icu: "windows-1251", .singleByte, family: "cyrillic", labels: ["cp1251", "x-cp1251"]),
    Charset("windows-1252", icu: "windows-1252", .singleByte, family: "latin1", labels: ["cp1252", "x-cp1252", "us-ascii", "ascii", "ansi_x3.4-1968"]),
    Charset("ISO-8859-1", icu: "ISO-8859-1", .singleByte, decodeAs: "windows-1252", labels: ["latin1", "iso8859-1", "iso_8859-1", "l1", "cp819"]),
    Charset("ISO-8859-2", icu: "ISO-8859-2", .singleByte, family: "latin2", labels: ["latin2", "iso8859-2", "iso_8859-2", "l2"]),
    Charset("ISO-8859-3", icu: "ISO-8859-3", .singleByte, labels: ["latin3", "iso8859-3"]),
    Charset("ISO-8859-4", icu: "ISO-8859-4", .singleByte, labels: ["latin4", "iso8859-4"]),
    Charset("ISO-8859-5", icu: "ISO-8859-5", .singleByte, family: "cyrillic", labels: ["cyrillic", "iso8859-5", "iso_8859-5"]),
    Charset("ISO-8859-6", icu: "ISO-8859-6", .singleByte, labels: ["arabic", "iso8859-6"]),
    Charset("ISO-8859-7", icu: "ISO-8859-7", .singleByte, labels: ["greek", "iso8859-7"]),
    Charset("ISO-8859-8", icu: "ISO-8859-8", .singleByte, labels: ["hebrew", "iso8859-8", "iso-8859-8-i"]),
    Charset("ISO-8859-9", icu: "ISO-8859-9", .singleByte, labels: ["latin5", "iso8859-9"]),
    Charset("ISO-8859-10", icu: "ISO-8859-10", .singleByte, labels: ["latin6", "iso8859-10"]),
    Charset("ISO-8859-11", icu: "ISO-8859-11", .singleByte, labels: ["iso8859-11", "tis-620"]),
    Charset("ISO-8859-13", icu: "ISO-8859-13", .singleByte, labels: ["latin7", "iso8859-13"]),
    Charset("ISO-8859-14", icu: "ISO-8859-14", .singleByte, labels: ["latin8", "iso8859-14"]),
    Charset("ISO-8859-15", icu: "ISO-8859-15", .singleByte, family: "latin1", labels: ["latin9", "iso8859-15", "l9"]),
  ]

  static let names: [String] = all.map(\.name)

  private static let byLabel: [String: Charset] = {
    var table: [String: Charset] = [:]
    for charset in all {
      table[charset.name.lowercased()] = charset
      for label in charset.labels { table[label] = charset }
    }
    return table
  }()

  /// Canonical names as written ("UTF-8", "CP949"): the lookup every document makes.
  private static let byName: [String: Charset] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

  /// The charset a label names (case-insensitive, as in `<meta charset>`), if supported.
  static func named(_ label: String) -> Charset? {
    if let exact = byName[label] { return exact }
    let key = label.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'")).lowercased()
    return byLabel[key] ?? byLabel[key.replacingOccurrences(of: "_", with: "-")]
  }

  /// The charset to decode `charset`'s bytes with (itself or its superset).
  static func decoder(for charset: Charset) -> Charset {
    charset.decodeAs.flatMap { named($0) } ?? charset
  }
}
