internal import CCLD2
import WinnowCore

/// Stage `langid`: the document's language and how much of its text is in it, by Google's
/// CLD2 (Debian's libcld2-dev; n-gram tables over 80+ languages, one pass over the bytes).
/// Sets `lang` (ISO 639-1 where there is one: `ko`, `en`, `zh`, `zh-Hant`) and `lang_score`
/// (the share of the text's letters CLD2 gave that language, 0–1, halved when CLD2 itself
/// calls the result unreliable). With `languages`, a document in another language — or one
/// CLD2 cannot name — is dropped with reason `language`; with `min_score`, one whose score is
/// lower. Reads the first `max_bytes_read` bytes of the text (the language of a page is settled
/// long before; this bounds the time a huge document takes).
struct LangIDConfig: StageConfig {
  static let name = "langid"
  static let summary = "language and confidence (CLD2) into lang and lang_score; keep only the languages listed"
  static let reasons: [DropReason] = [
    DropReason("language", "CLD2 names another language than `languages` lists, cannot name one, or its `lang_score` is under `min_score` (detail: code and score)")
  ]
  static let options: [OptionSpec] = [
    OptionSpec("languages", .stringList(allowed: nil), default: .strings([]), "keep only these languages (ISO 639-1 codes as CLD2 writes them: ko, en, ja, zh, zh-Hant, …); empty: keep every language"),
    OptionSpec("min_score", .double(0...1), default: .double(0), "drop a document whose lang_score is lower"),
    OptionSpec("max_bytes_read", .int(256...(1 << 30)), default: .int(1 << 16), "bytes of text given to CLD2 (cut at a character boundary)"),
  ]

  let languages: [String]
  let minScore: Double
  let maxBytes: Int

  init(options: StageOptions) throws(OptionError) {
    languages = options.strings("languages")
    minScore = options.double("min_score")
    maxBytes = options.int("max_bytes_read")
    for (index, code) in languages.enumerated() where code.isEmpty || code.contains(where: { $0 == " " || $0 == "," }) {
      throw OptionError(option: "languages", item: index, "'\(code)' is not a language code (ko, en, zh-Hant, …)")
    }
  }

  func build(_ context: StageContext) throws(OptionError) -> any DocumentStage {
    LangIDStage(languages: Set(languages), minScore: minScore, maxBytes: maxBytes)
  }
}

struct LangIDStage: DocumentStage {
  let languages: Set<String>
  let minScore: Double
  let maxBytes: Int

  /// CLD2's answer for a text: its language code ("un": unknown) and score.
  static func detect(_ text: String, maxBytes: Int = 1 << 16) -> (code: String, score: Double) {
    var text = text
    return text.withUTF8 { bytes in
      var length = min(bytes.count, maxBytes)
      // Back to the start of a character.
      while length < bytes.count, length > 0, bytes[length] & 0xC0 == 0x80 { length -= 1 }
      var result = winnow_cld2_result()
      let status = bytes.withMemoryRebound(to: CChar.self) { winnow_cld2_detect($0.baseAddress, Int32(length), &result) }
      let code = withUnsafeBytes(of: result.code) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      guard status == 0, !code.isEmpty, code != "un" else { return ("un", 0) }
      let current = Self.withdrawnCodes[code] ?? code
      let share = Double(result.percent) / 100
      return (current, result.reliable != 0 ? share : share / 2)
    }
  }

  /// CLD2 writes some languages by ISO 639-1 codes withdrawn in 1989; `lang` carries the
  /// current ones.
  static let withdrawnCodes = ["iw": "he", "ji": "yi", "in": "id", "jw": "jv"]

  func process(_ document: inout Document) -> Verdict {
    guard let text = document.text else { return .keep }
    let (code, score) = Self.detect(text, maxBytes: maxBytes)
    if code == "un" {
      document.meta.lang = nil
      document.meta.langScore = nil
      document.count("unknown", 1)
      if !languages.isEmpty { return .drop("language", detail: "CLD2 cannot tell the language") }
      if minScore > 0 { return .drop("language", detail: "unknown language, min_score \(minScore)") }
      return .keep
    }
    document.meta.lang = code
    document.meta.langScore = score
    document.count("lang:" + code, 1)
    if !languages.isEmpty && !languages.contains(code) {
      return .drop("language", detail: "\(code) (score \(Self.format(score))) is not in languages")
    }
    if score < minScore {
      return .drop("language", detail: "\(code) score \(Self.format(score)) < min_score \(Self.format(minScore))")
    }
    return .keep
  }

  static func format(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    return hundredths == 100 ? "1" : "0." + (hundredths < 10 ? "0" : "") + String(hundredths)
  }
}
