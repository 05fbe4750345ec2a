import WinnowCore

/// Stage `decode`: raw bytes → text, recording the charset and a confidence.
///
/// Drops a document that is empty (`empty`), binary (`binary`: NUL bytes that are not
/// UTF-16/32, more than one byte in a thousand; fewer are removed and counted as
/// `nul_bytes_removed`; UTF-16 of odd length loses its last byte, counted as
/// `odd_trailing_byte_dropped`, when the rest is clearly UTF-16), or whose share of undecodable characters exceeds `max_invalid_ratio`
/// (`invalid_encoding`). Text that arrives decoded (JSONL) is checked for mojibake and
/// repaired; see `MojibakeRepair`.
struct DecodeConfig: StageConfig {
  static let name = "decode"
  static let summary = "detect the charset (BOM, UTF-8, declared, verified candidates) and decode to text; repair mojibake"
  static let input = StageInput.bytesOrText
  static let reasons: [DropReason] = [
    DropReason("empty", "no bytes, or only white space"),
    DropReason("binary", "NUL bytes that are not UTF-16/UTF-32 (UTF-16 of odd length is read without its last byte when the rest is clearly UTF-16, counted as `odd_trailing_byte_dropped`)"),
    DropReason("undetected_charset", "no candidate charset decodes the bytes into plausible text (plausibility < 0.5; a strict multi-byte decode of 64+ characters always counts), even with replacement characters"),
    DropReason("invalid_encoding", "more than `max_invalid_ratio` of the characters could not be decoded"),
  ]
  static let defaultCandidates = ["UTF-8", "CP949", "EUC-KR", "UTF-16LE", "UTF-16BE", "JOHAB"]
  static let options: [OptionSpec] = [
    OptionSpec(
      "candidates", .stringList(allowed: nil), default: .strings(defaultCandidates),
      "charsets always tried after BOM/UTF-8/declared evidence, earlier ones preferred on ties (\(Charsets.names.count) supported; see README)"),
    OptionSpec("detect", .bool, default: .bool(true), "also try the East Asian multi-byte charsets (CP949, Shift_JIS, EUC-JP, GB18030, Big5), each verified and ranked by its language's everyday characters"),
    OptionSpec("trust_declared", .bool, default: .bool(true), "use an HTML page's <meta charset> when the bytes decode under it"),
    OptionSpec(
      "max_invalid_ratio", .double(0...1), default: .double(0.01),
      "drop a document when more than this share of its characters could not be decoded"),
    OptionSpec(
      "repair_mojibake", .choice(["text", "all", "off"]), default: .string("text"),
      "repair UTF-8/CP949 read as Latin-1: in text that arrived decoded (JSONL), in all text, or never"),
    OptionSpec(
      "fix_text", .stringList(allowed: TextFixes.Fix.allCases.map(\.rawValue)), default: .strings([]),
      "also fix, in text that is not a page: HTML character references (entities, before mojibake repair), control characters (controls), Latin ligatures (ligatures), full- and half-width forms (width), curly quotes (quotes)"),
  ]

  let candidates: [Charset]
  let useDetector: Bool
  let trustDeclared: Bool
  let maxInvalidRatio: Double
  let repair: String
  let fixes: Set<TextFixes.Fix>

  init(options: StageOptions) throws(OptionError) {
    var charsets: [Charset] = []
    for (index, name) in options.strings("candidates").enumerated() {
      guard let charset = Charsets.named(name) else {
        var message = "unsupported charset '\(name)'"
        if let near = nearestName(to: name, in: Charsets.names) { message += "; did you mean '\(near)'?" }
        throw OptionError(option: "candidates", item: index, message)
      }
      charsets.append(charset)
    }
    candidates = charsets
    useDetector = options.bool("detect")
    trustDeclared = options.bool("trust_declared")
    maxInvalidRatio = options.double("max_invalid_ratio")
    repair = options.string("repair_mojibake")
    fixes = Set(options.strings("fix_text").compactMap(TextFixes.Fix.init(rawValue:)))
  }

  func build(_ context: StageContext) throws(OptionError) -> any DocumentStage {
    let plausibility = TextPlausibility.shared
    // The detector's tables and models load here, once per run, not inside the first
    // document that needs them (a few milliseconds, then shared by every worker); those of
    // the East Asian charsets the pipeline may try, all of them when it detects.
    _ = (SingleByteDecoder.shared, SingleByteModel.shared, DoubleByteDecoder.cp949, CJKCommonCharacters.shared)
    for charset in (useDetector ? CharsetDetector.detectable : []) + candidates { _ = DoubleByteDecoder.named(charset.name) }
    let textFixes: TextFixes
    do { textFixes = try TextFixes(fixes) } catch { throw OptionError(option: "fix_text", "cannot load ICU's NFKC normalizer: \(error)") }
    return DecodeStage(
      detector: CharsetDetector(
        candidates: candidates, useDetector: useDetector, trustDeclared: trustDeclared, plausibility: plausibility),
      mojibake: MojibakeRepair(plausibility: plausibility),
      maxInvalidRatio: maxInvalidRatio,
      repairDecodedText: repair != "off",
      repairBytes: repair == "all",
      textFixes: textFixes)
  }
}

struct DecodeStage: DocumentStage {
  let detector: CharsetDetector
  let mojibake: MojibakeRepair
  let maxInvalidRatio: Double
  let repairDecodedText: Bool
  let repairBytes: Bool
  let textFixes: TextFixes

  func process(_ document: inout Document) -> Verdict {
    var text: String
    var invalid: Int
    var repair: Bool
    if let bytes = document.bytes {
      if bytes.isEmpty { return .drop("empty", detail: "0 bytes") }
      switch detector.decode(bytes, format: document.source.format, declared: document.source.declaredCharset) {
      case .failure(.binary(let detail)):
        return .drop("binary", detail: detail)
      case .failure(.undetected(let detail)):
        return .drop("undetected_charset", detail: detail)
      case .success(let decoded):
        text = decoded.text
        invalid = decoded.substitutions
        document.source.encoding = decoded.charset
        document.source.confidence = decoded.confidence
        document.count("charset:" + decoded.charset)
        document.count("nul_bytes_removed", decoded.nulsRemoved)
        if decoded.trailingByteDropped { document.count("odd_trailing_byte_dropped") }
      }
      document.bytes = nil
      repair = repairBytes
    } else if let existing = document.text {
      text = existing
      // Records that arrive as text were already decoded (JSONL is UTF-8); count the
      // replacement characters an earlier decoder left.
      // U+FFFD is EF BF BD in UTF-8: a byte scan, not a walk over the scalars.
      invalid = existing.utf8.withContiguousStorageIfAvailable { bytes in
        var count = 0
        var index = 0
        while index + 2 < bytes.count {
          if bytes[index] == 0xEF && bytes[index + 1] == 0xBF && bytes[index + 2] == 0xBD { count += 1; index += 3 } else { index += 1 }
        }
        return count
      } ?? existing.unicodeScalars.reduce(0) { $0 + ($1 == "\u{FFFD}" ? 1 : 0) }
      document.source.encoding = "UTF-8"
      document.source.confidence = 1
      repair = repairDecodedText
    } else {
      return .drop("empty", detail: "no content")
    }

    if text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
      return .drop("empty", detail: "only white space")
    }
    if invalid > 0 {
      document.count("replacement_chars", invalid)
      let characters = max(1, text.unicodeScalars.count)
      let ratio = Double(invalid) / Double(characters)
      if ratio > maxInvalidRatio {
        let percent = (ratio * 1000).rounded() / 10
        return .drop(
          "invalid_encoding",
          detail: "\(invalid) of \(characters) characters (\(percent)%) could not be decoded as \(document.source.encoding ?? "?") (max_invalid_ratio \(maxInvalidRatio))")
      }
    }
    let fixing = !textFixes.isEmpty && TextFixes.applies(to: document.source.format, text: text)
    // References first: mojibake can hide behind one ("Î&frac14;" is "Î¼", which is "μ").
    if fixing, let decoded = textFixes.decodingEntities(text) {
      text = decoded.text
      document.count("text_fix:entities", decoded.count)
    }
    if fixing, let title = document.meta.title, let decoded = textFixes.decodingEntities(title) { document.meta.title = decoded.text }
    if repair, let fixed = mojibake.repair(text) {
      text = fixed.text
      document.count("mojibake_repaired", fixed.repaired)
      for kind in fixed.kinds { document.count("mojibake:" + kind) }
    }
    // A record's own title went through the same broken decoder as its text.
    if repair, let title = document.meta.title, let fixed = mojibake.repair(title) {
      document.meta.title = fixed.text
      document.count("mojibake_repaired", fixed.repaired)
      for kind in fixed.kinds { document.count("mojibake:" + kind) }
    }
    if fixing {
      if let fixed = textFixes.fixingCharacters(text) {
        text = fixed.text
        for (fix, count) in fixed.counts { document.count("text_fix:" + fix.rawValue, count) }
      }
      if let title = document.meta.title, let fixed = textFixes.fixingCharacters(title) { document.meta.title = fixed.text }
    }
    document.text = text
    return .keep
  }
}
