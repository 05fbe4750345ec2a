import Foundation

/// A charset winnow can decode: the name it reports, how it is decoded (an ICU converter, a
/// table, or Swift code), and the labels that name it in the wild (`<meta charset>`, config).
struct Charset: Sendable, Equatable {
  enum Kind: Sendable { case unicode, multibyte, singleByte, stateful }

  /// Reported in `source.encoding` and accepted in config.
  let name: String
  /// ICU converter name; nil for charsets ICU lacks (Johab is decoded in Swift, a few
  /// single-byte ones through `SingleByteTables`).
  let icuName: String?
  let kind: Kind
  /// Decode with this superset instead: it reads every valid byte sequence of this charset
  /// the same way and more (pages labelled EUC-KR are often CP949, GB2312 often GBK).
  let decodeAs: String?
  let labels: [String]
  /// Reported instead of `name` when no byte is in 0x80–0x9F, the row where a Windows code
  /// page differs from the ISO one it extends (windows-1252 text without it is ISO-8859-1).
  let narrowName: String?

  init(_ name: String, icu: String?, _ kind: Kind, decodeAs: String? = nil, narrow: String? = nil, labels: [String] = []) {
    self.name = name
    self.icuName = icu
    self.kind = kind
    self.decodeAs = decodeAs
    self.narrowName = narrow
    self.labels = labels
  }
}

/// The charsets, with every label of the WHATWG Encoding Standard (the names browsers accept in
/// `<meta charset>`) and the usual aliases beyond it. Where WHATWG folds a charset into a
/// superset (ISO-8859-1 into windows-1252, EUC-KR into windows-949, GB2312 into GBK), the
/// charset decodes as that superset and its own name is reported when the bytes fit it.
enum Charsets {
  static let all: [Charset] = [
    Charset("UTF-8", icu: "UTF-8", .unicode, labels: ["utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"]),
    Charset("UTF-16LE", icu: "UTF-16LE", .unicode,
      labels: ["utf-16", "unicode", "ucs-2", "csunicode", "iso-10646-ucs-2", "unicodefeff"]),
    Charset("UTF-16BE", icu: "UTF-16BE", .unicode, labels: ["unicodefffe"]),
    Charset("UTF-32LE", icu: "UTF-32LE", .unicode, labels: ["utf-32"]),
    Charset("UTF-32BE", icu: "UTF-32BE", .unicode),
    // Korean
    Charset("CP949", icu: "windows-949-2000", .multibyte,
      labels: ["windows-949", "uhc", "ks_c_5601-1987", "ks_c_5601-1989", "ks_c_5601", "ksc5601", "ksc_5601", "x-windows-949", "ms949",
               "korean", "csksc56011987", "iso-ir-149"]),
    Charset("EUC-KR", icu: "EUC-KR", .multibyte, decodeAs: "CP949", labels: ["euckr", "x-euc-kr", "cseuckr"]),
    Charset("JOHAB", icu: nil, .multibyte, labels: ["x-johab", "cp1361", "ms1361", "ibm-1361"]),
    Charset("ISO-2022-KR", icu: "ISO-2022-KR", .stateful, labels: ["csiso2022kr"]),
    // Japanese
    Charset("Shift_JIS", icu: "windows-31j", .multibyte,
      labels: ["sjis", "shift-jis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "cp932", "ms932", "x-ms-cp932"]),
    Charset("EUC-JP", icu: "EUC-JP", .multibyte, labels: ["eucjp", "x-euc-jp", "cseucpkdfmtjapanese", "ujis"]),
    Charset("ISO-2022-JP", icu: "ISO-2022-JP", .stateful, labels: ["csiso2022jp"]),
    // Chinese
    Charset("GB18030", icu: "GB18030", .multibyte),
    Charset("GBK", icu: "GB18030", .multibyte, decodeAs: "GB18030",
      labels: ["gb2312", "cp936", "x-gbk", "euc-cn", "csgb2312", "chinese", "gb_2312-80", "gb_2312", "ms936", "windows-936",
               "csiso58gb231280", "iso-ir-58"]),
    Charset("Big5", icu: "windows-950-2000", .multibyte, labels: ["big-5", "cn-big5", "x-x-big5", "csbig5", "cp950", "windows-950"]),
    Charset("Big5-HKSCS", icu: "ibm-1375", .multibyte, labels: ["big5hkscs"]),
    Charset("EUC-TW", icu: "euc-tw-2014", .multibyte, labels: ["x-euc-tw", "cns11643", "euctw"]),
    // Western and Central European
    Charset("windows-1252", icu: "windows-1252", .singleByte, narrow: "ISO-8859-1",
      labels: ["cp1252", "x-cp1252", "us-ascii", "ascii", "ansi_x3.4-1968", "csisolatin1", "ibm819", "iso-ir-100", "iso_8859-1:1987",
               "iso88591"]),
    Charset("ISO-8859-1", icu: "ISO-8859-1", .singleByte, decodeAs: "windows-1252", labels: ["latin1", "iso8859-1", "iso_8859-1", "l1", "cp819"]),
    Charset("ISO-8859-15", icu: "ISO-8859-15", .singleByte,
      labels: ["latin9", "iso8859-15", "iso_8859-15", "l9", "csisolatin9", "iso885915", "latin-9"]),
    Charset("windows-1250", icu: "windows-1250", .singleByte, labels: ["cp1250", "x-cp1250"]),
    Charset("ISO-8859-2", icu: "ISO-8859-2", .singleByte,
      labels: ["latin2", "iso8859-2", "iso_8859-2", "l2", "csisolatin2", "iso-ir-101", "iso88592", "iso_8859-2:1987"]),
    Charset("ISO-8859-3", icu: "ISO-8859-3", .singleByte,
      labels: ["latin3", "iso8859-3", "iso_8859-3", "l3", "csisolatin3", "iso-ir-109", "iso88593", "iso_8859-3:1988"]),
    Charset("ISO-8859-4", icu: "ISO-8859-4", .singleByte,
      labels: ["latin4", "iso8859-4", "iso_8859-4", "l4", "csisolatin4", "iso-ir-110", "iso88594", "iso_8859-4:1988"]),
    Charset("windows-1254", icu: "windows-1254", .singleByte, narrow: "ISO-8859-9", labels: ["cp1254", "x-cp1254"]),
    Charset("ISO-8859-9", icu: "ISO-8859-9", .singleByte, decodeAs: "windows-1254",
      labels: ["latin5", "iso8859-9", "iso_8859-9", "l5", "csisolatin5", "iso-ir-148", "iso88599", "iso_8859-9:1989"]),
    Charset("ISO-8859-10", icu: "ISO-8859-10", .singleByte, labels: ["latin6", "iso8859-10", "l6", "csisolatin6", "iso-ir-157", "iso885910"]),
    Charset("ISO-8859-13", icu: "ISO-8859-13", .singleByte, labels: ["latin7", "iso8859-13", "iso885913"]),
    Charset("ISO-8859-14", icu: "ISO-8859-14", .singleByte, labels: ["latin8", "iso8859-14", "iso885914"]),
    Charset("ISO-8859-16", icu: nil, .singleByte, labels: ["latin10", "iso8859-16", "l10"]),
    Charset("windows-1257", icu: "windows-1257", .singleByte, labels: ["cp1257", "x-cp1257"]),
    Charset("windows-1258", icu: "windows-1258", .singleByte, labels: ["cp1258", "x-cp1258"]),
    Charset("VISCII", icu: nil, .singleByte, labels: ["csviscii"]),
    Charset("macintosh", icu: "macos-0_2-10.2", .singleByte, labels: ["csmacintosh", "mac", "x-mac-roman", "macroman", "mac-roman"]),
    Charset("x-mac-ce", icu: "macos-29-10.2", .singleByte, labels: ["maccentraleurope", "mac-centraleurope", "x-mac-centraleurroman"]),
    Charset("IBM437", icu: "ibm-437", .singleByte, labels: ["cp437", "437", "csibm437", "ibm-437"]),
    Charset("IBM850", icu: "ibm-850", .singleByte, labels: ["cp850", "850", "csibm850", "ibm-850"]),
    Charset("IBM852", icu: "ibm-852", .singleByte, labels: ["cp852", "852", "csibm852", "ibm-852"]),
    Charset("IBM775", icu: "ibm-775", .singleByte, labels: ["cp775", "775", "csibm775", "ibm-775"]),
    Charset("IBM857", icu: "ibm-857", .singleByte, labels: ["cp857", "857", "csibm857", "ibm-857"]),
    Charset("IBM860", icu: "ibm-860", .singleByte, labels: ["cp860", "860", "csibm860", "ibm-860"]),
    Charset("IBM861", icu: "ibm-861", .singleByte, labels: ["cp861", "861", "csibm861", "ibm-861"]),
    Charset("IBM863", icu: "ibm-863", .singleByte, labels: ["cp863", "863", "csibm863", "ibm-863"]),
    Charset("IBM865", icu: "ibm-865", .singleByte, labels: ["cp865", "865", "csibm865", "ibm-865"]),
    // Cyrillic
    Charset("windows-1251", icu: "windows-1251", .singleByte, labels: ["cp1251", "x-cp1251"]),
    Charset("KOI8-R", icu: "KOI8-R", .singleByte, labels: ["koi8", "koi", "cskoi8r", "koi8_r"]),
    Charset("KOI8-U", icu: "KOI8-U", .singleByte, labels: ["koi8-ru"]),
    Charset("ISO-8859-5", icu: "ISO-8859-5", .singleByte,
      labels: ["cyrillic", "iso8859-5", "iso_8859-5", "csisolatincyrillic", "iso-ir-144", "iso88595", "iso_8859-5:1988"]),
    Charset("IBM866", icu: "ibm-866", .singleByte, labels: ["cp866", "866", "csibm866", "ibm-866"]),
    Charset("IBM855", icu: "ibm-855", .singleByte, labels: ["cp855", "855", "csibm855", "ibm-855"]),
    Charset("x-mac-cyrillic", icu: "macos-7_3-10.2", .singleByte, labels: ["x-mac-ukrainian", "maccyrillic", "mac-cyrillic"]),
    // Greek
    Charset("ISO-8859-7", icu: "ISO-8859-7", .singleByte,
      labels: ["greek", "iso8859-7", "iso_8859-7", "csisolatingreek", "ecma-118", "elot_928", "greek8", "iso-ir-126", "iso88597",
               "iso_8859-7:1987", "sun_eu_greek"]),
    Charset("windows-1253", icu: "windows-1253", .singleByte, labels: ["cp1253", "x-cp1253"]),
    Charset("x-mac-greek", icu: "macos-6_2-10.4", .singleByte, labels: ["macgreek", "mac-greek"]),
    Charset("IBM737", icu: "ibm-737", .singleByte, labels: ["cp737", "737", "ibm-737"]),
    Charset("IBM869", icu: "ibm-869", .singleByte, labels: ["cp869", "869", "csibm869", "ibm-869"]),
    // Hebrew and Arabic
    Charset("windows-1255", icu: "windows-1255", .singleByte, labels: ["cp1255", "x-cp1255"]),
    Charset("ISO-8859-8", icu: "ISO-8859-8", .singleByte,
      labels: ["hebrew", "iso8859-8", "iso_8859-8", "csiso88598e", "csisolatinhebrew", "iso-8859-8-e", "iso-ir-138", "iso88598",
               "iso_8859-8:1988", "visual", "iso-8859-8-i", "csiso88598i", "logical"]),
    Charset("IBM862", icu: "ibm-862", .singleByte, labels: ["cp862", "862", "csibm862", "ibm-862"]),
    Charset("windows-1256", icu: "windows-1256", .singleByte, labels: ["cp1256", "x-cp1256"]),
    Charset("ISO-8859-6", icu: "ISO-8859-6", .singleByte,
      labels: ["arabic", "iso8859-6", "iso_8859-6", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic", "ecma-114",
               "iso-8859-6-e", "iso-8859-6-i", "iso-ir-127", "iso88596", "iso_8859-6:1987"]),
    // Thai, Georgian
    Charset("windows-874", icu: "windows-874-2000", .singleByte, narrow: "TIS-620",
      labels: ["dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "tis620", "cp874", "x-ibm874"]),
    Charset("Georgian-PS", icu: nil, .singleByte, labels: ["georgian-ps"]),
    Charset("Georgian-Academy", icu: nil, .singleByte, labels: ["georgian-academy"]),
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
