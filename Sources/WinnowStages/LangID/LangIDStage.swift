internal import CCLD2
import WinnowCore
import WinnowNative

/// Stage `langid`: the document's language and how much of its text is in it, by Google's
/// CLD2 (Debian's libcld2-dev; n-gram tables over 80+ languages, one pass over the bytes).
/// Sets `lang` (ISO 639-1 where there is one: `ko`, `en`, `zh`, `zh-Hant`) and `lang_score`
/// (the share of the text's letters CLD2 gave that language, 0–1, halved when CLD2 itself
/// calls the result unreliable). With `languages`, a document in another language — or one
/// CLD2 cannot name — is dropped with reason `language`; with `min_score`, one whose score is
/// lower. Reads the first `max_bytes_read` bytes of the text (the language of a page is settled
/// long before; this bounds the time a huge document takes).
///
/// A text whose letters are nearly all (`single_script_share`, by UTF-8 bytes) in a script
/// that only one language CLD2 knows writes in (Hangul: ko; Greek: el; Thai: th; Georgian:
/// ka; Armenian: hy) is that language without asking CLD2, which would only confirm it: one
/// pass over the bytes, several times faster. Its `lang_score` is that share.
///
/// With `fasttext_model` (a fastText language-identification model file, such as Facebook's
/// `lid.176.bin` or `lid.176.ftz`, relative to the pipeline file), that model names the
/// language instead of CLD2: its most likely label (without `__label__`) and that label's
/// probability as `lang_score`. The model is loaded once and shared by every worker; the
/// run manifest records its path, size and SHA-256.
struct LangIDConfig: StageConfig {
  static let name = "langid"
  static let summary = "language and confidence (CLD2, or a fastText model) into lang and lang_score; keep only the languages listed"
  static let reasons: [DropReason] = [
    DropReason("language", "CLD2 (or the fastText model) names another language than `languages` lists, cannot name one, or its `lang_score` is under `min_score` (detail: code and score)")
  ]
  static let options: [OptionSpec] = [
    OptionSpec("languages", .stringList(allowed: nil), default: .strings([]), "keep only these languages (ISO 639-1 codes as CLD2 writes them: ko, en, ja, zh, zh-Hant, …); empty: keep every language"),
    OptionSpec("min_score", .double(0...1), default: .double(0), "drop a document whose lang_score is lower"),
    OptionSpec("max_bytes_read", .int(256...(1 << 30)), default: .int(1 << 16), "bytes of text read (scanned for its script, then given to CLD2 or the model; cut at a character boundary)"),
    OptionSpec(
      "fasttext_model", .path, default: .string(""),
      "a fastText language-identification model (lid.176.bin, lid.176.ftz, or your own) to use instead of CLD2, relative to the pipeline file"),
    OptionSpec(
      "single_script_share", .double(0...1), default: .double(0.9),
      "a text with at least this share of its letters (UTF-8 bytes) in Hangul, Greek, Thai, Georgian or Armenian is that script's one language (ko, el, th, ka, hy) without CLD2; 0 always asks CLD2"),
  ]

  let languages: [String]
  let minScore: Double
  let maxBytes: Int
  let singleScriptShare: Double
  let fastTextModel: String

  init(options: StageOptions) throws(OptionError) {
    fastTextModel = options.string("fasttext_model")
    languages = options.strings("languages")
    minScore = options.double("min_score")
    maxBytes = options.int("max_bytes_read")
    singleScriptShare = options.double("single_script_share")
    for (index, code) in languages.enumerated() where code.isEmpty || code.contains(where: { $0 == " " || $0 == "," }) {
      throw OptionError(option: "languages", item: index, "'\(code)' is not a language code (ko, en, zh-Hant, …)")
    }
  }

  func build(_ context: StageContext) throws(OptionError) -> any DocumentStage {
    let model = fastTextModel.isEmpty ? nil : try FastTextModel(path: context.resolve(fastTextModel))
    return LangIDStage(languages: Set(languages), minScore: minScore, maxBytes: maxBytes, singleScriptShare: singleScriptShare, model: model)
  }
}

struct LangIDStage: DocumentStage, ExternalCode {
  let languages: Set<String>
  let minScore: Double
  let maxBytes: Int
  var singleScriptShare = 0.9
  /// Names the language instead of CLD2 when given.
  var model: FastTextModel?

  var codeFiles: [String] { model.map { [$0.path] } ?? [] }
  var codeKind: String { "model" }

  /// Who names a language the script does not settle.
  var detector: String { model == nil ? "CLD2" : "fastText" }

  /// The language of a text ("un": unknown) and its score: by its script when
  /// `singleScriptShare` (above 0) of its letters are in one written by one language, else
  /// by CLD2.
  static func detect(_ text: String, maxBytes: Int = 1 << 16, singleScriptShare: Double = 0, model: FastTextModel? = nil)
    -> (code: String, score: Double)
  {
    var text = text
    return text.withUTF8 { bytes in
      var length = min(bytes.count, maxBytes)
      // Back to the start of a character.
      while length < bytes.count, length > 0, bytes[length] & 0xC0 == 0x80 { length -= 1 }
      if singleScriptShare > 0, let (code, share) = Self.singleScript(UnsafeBufferPointer(rebasing: bytes[..<length])),
        share >= singleScriptShare
      {
        return (code, share)
      }
      if let model {
        guard let (label, probability) = model.predict(UnsafeBufferPointer(rebasing: bytes[..<length])) else { return ("un", 0) }
        return (Self.withdrawnCodes[label] ?? label, probability)
      }
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

  /// Scripts each written by only one language CLD2 knows, by code point range.
  static let singleScripts: [(code: String, ranges: [ClosedRange<UInt32>])] = [
    ("ko", [0xAC00...0xD7A3, 0x1100...0x11FF, 0x3130...0x318F]), ("el", [0x0370...0x03FF, 0x1F00...0x1FFF]),
    ("th", [0x0E00...0x0E7F]), ("ka", [0x10A0...0x10FF, 0x2D00...0x2D2F]), ("hy", [0x0530...0x058F]),
  ]

  /// Per BMP code point: 0 not a letter (below U+00C0, punctuation, symbols, spaces: U+2000–
  /// 2BFF, U+3000–303F, U+FE30–FE4F, U+FF00–FF65, U+FFF0 on), 1 a letter of another script,
  /// 2 + the index in `singleScripts` of its script.
  static let scriptOfBMP: [UInt8] = {
    var table = [UInt8](repeating: 1, count: 0x10000)
    for range: ClosedRange<Int> in [0...0xBF, 0x2000...0x2BFF, 0x3000...0x303F, 0xFE30...0xFE4F, 0xFF00...0xFF65, 0xFFF0...0xFFFF] {
      for code in range { table[code] = 0 }
    }
    for code in 0x41...0x5A { table[code] = 1 }
    for code in 0x61...0x7A { table[code] = 1 }
    for (position, script) in singleScripts.enumerated() {
      for range in script.ranges { for code in range { table[Int(code)] = UInt8(position + 2) } }
    }
    return table
  }()

  /// The single-script language most of the text's letters are written in, with its share of
  /// the letters' UTF-8 bytes; nil when the text has no letter of such a script. Letters:
  /// ASCII letters and every character from U+00C0 on but punctuation, symbols, spaces and
  /// emoji (U+1F000 on).
  static func singleScript(_ bytes: UnsafeBufferPointer<UInt8>) -> (code: String, share: Double)? {
    var letters = 0
    var counts = [Int](repeating: 0, count: singleScripts.count)
    scriptOfBMP.withUnsafeBufferPointer { scripts in
      guard let base = bytes.baseAddress else { return }
      var index = 0
      while index < bytes.count {
        let (scalar, length) = UTF8Scalar.decode(base, count: bytes.count, at: index)
        // A character the cut at max_bytes_read leaves incomplete ends the scan.
        guard index + length <= bytes.count else { break }
        index += length
        let kind = scalar < 0x10000 ? Int(scripts[Int(scalar)]) : scalar < 0x1F000 ? 1 : 0
        guard kind > 0 else { continue }
        letters += length
        if kind >= 2 { counts[kind - 2] += length }
      }
    }
    guard letters > 0, let best = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[best] > 0 else { return nil }
    return (singleScripts[best].code, Double(counts[best]) / Double(letters))
  }

  /// CLD2 writes some languages by ISO 639-1 codes withdrawn in 1989; `lang` carries the
  /// current ones.
  static let withdrawnCodes = ["iw": "he", "ji": "yi", "in": "id", "jw": "jv"]

  func process(_ document: inout Document) -> Verdict {
    guard let text = document.text else { return .keep }
    let (code, score) = Self.detect(text, maxBytes: maxBytes, singleScriptShare: singleScriptShare, model: model)
    if code == "un" {
      document.meta.lang = nil
      document.meta.langScore = nil
      document.count("unknown", 1)
      if !languages.isEmpty { return .drop("language", detail: "\(detector) cannot tell the language") }
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
