#if canImport(Glibc)
import Glibc
#endif
import WinnowCore
import WinnowNative

/// Stage `quality`: document filters in the style of Gopher (Rae et al. 2021, Table A1) and
/// C4 (Raffel et al. 2020, §2.2), adapted to Korean. Every threshold is an option; its
/// default and where it comes from:
///
/// | option | default | source |
/// |---|---|---|
/// | min_chars | 200 | DESIGN.md's reference pipeline |
/// | min_words / max_words | 50 / 100 000 | Gopher |
/// | min_sentences | 3 | C4 ("fewer than 3 sentences") |
/// | script, min_script_ratio | Hangul, 0.3 | DESIGN.md (share of letters) |
/// | max_symbol_ratio | 0.1 | Gopher (# and … per word) |
/// | max_digit_ratio | 0.25 | ours: price tables and scoreboards run above it, news prose well below |
/// | max_duplicate_line_ratio / chars | 0.3 / 0.2 | Gopher |
/// | max_duplicate_paragraph_ratio / chars | 0.3 / 0.2 | Gopher |
/// | max_line_chars | 20 000 | ours: minified scripts and base64 blobs, never prose |
/// | notices | JavaScript/cookie phrases | C4 (pages naming javascript, lorem ipsum) |
///
/// Words are counted by ICU's word break iterator, not by spaces.
struct QualityConfig: StageConfig {
  static let name = "quality"
  static let summary = "Gopher/C4-style document filters adapted to Korean (length, words, sentences, script share, duplicates, notices)"
  static let reasons: [DropReason] = [
    DropReason("quality", "a filter failed; `rule` names it (`min_chars`, `min_sentences`, `min_script_ratio`, `max_digit_ratio`, `max_duplicate_line_ratio`, `notice`, `min_words`, …) and `detail` gives the value and the limit"),
  ]
  static let options: [OptionSpec] = [
    OptionSpec("min_chars", .int(0...Int.max), default: .int(200), "fewest characters of text"),
    OptionSpec("min_words", .int(0...Int.max), default: .int(50), "fewest words (ICU word breaks; Gopher: 50)"),
    OptionSpec("max_words", .int(1...Int.max), default: .int(100_000), "most words (Gopher: 100 000)"),
    OptionSpec("min_sentences", .int(0...Int.max), default: .int(3), "fewest sentence ends (C4: 3)"),
    OptionSpec("script", .choice(Script.allCases.map(\.rawValue)), default: .string("Hangul"),
               "script expected in the text ('any': no check)"),
    OptionSpec("min_script_ratio", .double(0...1), default: .double(0.3), "least share of letters in the expected script"),
    OptionSpec("max_symbol_ratio", .double(0...10), default: .double(0.1), "most '#' and '…' per word (Gopher: 0.1)"),
    OptionSpec("max_digit_ratio", .double(0...1), default: .double(0.25), "most digits per non-space character"),
    OptionSpec("max_duplicate_line_ratio", .double(0...1), default: .double(0.3), "most share of lines that repeat an earlier line (Gopher: 0.3)"),
    OptionSpec("max_duplicate_line_chars", .double(0...1), default: .double(0.2), "most share of characters in repeated lines (Gopher: 0.2)"),
    OptionSpec("max_duplicate_paragraph_ratio", .double(0...1), default: .double(0.3), "most share of repeated paragraphs (Gopher: 0.3)"),
    OptionSpec("max_duplicate_paragraph_chars", .double(0...1), default: .double(0.2), "most share of characters in repeated paragraphs (Gopher: 0.2)"),
    OptionSpec("max_line_chars", .int(1...Int.max), default: .int(20_000), "longest line"),
    OptionSpec("notices", .stringList(allowed: nil), default: .strings([
      "enable javascript", "javascript is disabled", "javascript를 활성화", "자바스크립트를 활성화", "자바스크립트를 사용",
      "we use cookies", "this site uses cookies", "쿠키를 사용합니다", "쿠키 사용에 동의", "lorem ipsum",
    ]), "phrases (lower case) of JavaScript/cookie notices: a document that contains one and is short is dropped"),
  ]

  let thresholds: QualityThresholds

  init(options: StageOptions) throws(OptionError) {
    thresholds = QualityThresholds(
      minChars: options.int("min_chars"), minWords: options.int("min_words"), maxWords: options.int("max_words"),
      minSentences: options.int("min_sentences"), script: Script(rawValue: options.string("script")) ?? .any,
      minScriptRatio: options.double("min_script_ratio"), maxSymbolRatio: options.double("max_symbol_ratio"),
      maxDigitRatio: options.double("max_digit_ratio"), maxDuplicateLineRatio: options.double("max_duplicate_line_ratio"),
      maxDuplicateLineChars: options.double("max_duplicate_line_chars"),
      maxDuplicateParagraphRatio: options.double("max_duplicate_paragraph_ratio"),
      maxDuplicateParagraphChars: options.double("max_duplicate_paragraph_chars"),
      maxLineChars: options.int("max_line_chars"), notices: options.strings("notices").map { $0.lowercased() })
    if thresholds.minWords > thresholds.maxWords {
      throw OptionError(option: "min_words", "min_words (\(thresholds.minWords)) is above max_words (\(thresholds.maxWords))")
    }
  }

  func build(_ context: StageContext) throws(OptionError) -> any DocumentStage {
    do {
      return QualityStage(thresholds: thresholds, words: try ICUWordCounter())
    } catch {
      throw OptionError(option: nil, "cannot open ICU's word break iterator: \(error)")
    }
  }
}

struct QualityThresholds: Sendable {
  var minChars: Int, minWords: Int, maxWords: Int, minSentences: Int
  var script: Script, minScriptRatio: Double, maxSymbolRatio: Double, maxDigitRatio: Double
  var maxDuplicateLineRatio: Double, maxDuplicateLineChars: Double
  var maxDuplicateParagraphRatio: Double, maxDuplicateParagraphChars: Double
  var maxLineChars: Int
  var notices: [String]
}

struct QualityStage: DocumentStage {
  let thresholds: QualityThresholds
  let words: ICUWordCounter

  func fail(_ rule: String, _ value: String, _ limit: String) -> Verdict {
    .drop("quality", detail: "\(rule) \(value) (limit \(limit))", rule: rule)
  }

  func process(_ document: inout Document) -> Verdict {
    guard let text = document.text else { return .keep }
    let t = thresholds
    // One pass over the scalars: counts by class.
    var chars = 0, nonSpace = 0, letters = 0, scriptLetters = 0, digits = 0, symbols = 0, sentences = 0
    var lastWasEnd = false
    // Space-separated tokens holding a letter or digit: each holds at least one ICU word.
    var alnumTokens = 0
    var tokenHasAlnum = false
    // Decoded from the UTF-8 bytes here (the text is valid UTF-8): cheaper than the
    // String's scalar iterator.
    let latinIsScript = t.script == .latin || t.script == .any
    let hangulIsScript = t.script == .hangul || t.script == .any
    var utf8Text = text
    utf8Text.withUTF8 { bytes in
      var offset = 0
      while offset < bytes.count {
        let lead = bytes[offset]
        // Hangul syllables (U+AC00–D7A3: EA B0 80 … ED 9E A3), most of a Korean text: letters
        // that hold a word, without going through the switch.
        if lead &- 0xEA < 4, offset + 2 < bytes.count {
          let value = (UInt32(lead & 0x0F) << 12) | (UInt32(bytes[offset + 1] & 0x3F) << 6) | UInt32(bytes[offset + 2] & 0x3F)
          if value &- 0xAC00 <= 0xD7A3 - 0xAC00 {
            offset += 3
            chars += 1
            nonSpace += 1
            lastWasEnd = false
            letters += 1
            tokenHasAlnum = true
            if hangulIsScript { scriptLetters += 1 }
            continue
          }
        }
        let value: UInt32
        if lead < 0x80 {
          value = UInt32(lead)
          offset += 1
        } else if lead < 0xE0 {
          value = (UInt32(lead & 0x1F) << 6) | UInt32(bytes[offset + 1] & 0x3F)
          offset += 2
        } else if lead < 0xF0 {
          value = (UInt32(lead & 0x0F) << 12) | (UInt32(bytes[offset + 1] & 0x3F) << 6) | UInt32(bytes[offset + 2] & 0x3F)
          offset += 3
        } else {
          value = (UInt32(lead & 0x07) << 18) | (UInt32(bytes[offset + 1] & 0x3F) << 12) | (UInt32(bytes[offset + 2] & 0x3F) << 6)
            | UInt32(bytes[offset + 3] & 0x3F)
          offset += 4
        }
        chars += 1
        if value == 0x20 || value == 0x0A || value == 0x09 {
          if lastWasEnd { sentences += 1; lastWasEnd = false }
          if tokenHasAlnum { alnumTokens += 1; tokenHasAlnum = false }
          continue
        }
        nonSpace += 1
        lastWasEnd = false
        switch value {
        case 0x30...0x39:
          digits += 1
          tokenHasAlnum = true
        case 0x41...0x5A, 0x61...0x7A:
          letters += 1
          tokenHasAlnum = true
          if latinIsScript { scriptLetters += 1 }
        case 0x23, 0x2026: symbols += 1  // '#', '…'
        case 0x2E, 0x21, 0x3F: lastWasEnd = true  // . ! ? end a sentence when a space follows
        case 0x3002, 0xFF01, 0xFF1F: sentences += 1  // 。！？ need no space
        case 0xAC00...0xD7A3:  // Hangul syllables: letters, without a property lookup
          letters += 1
          tokenHasAlnum = true
          if hangulIsScript { scriptLetters += 1 }
        case 0x80...:
          if let scalar = Unicode.Scalar(value), scalar.properties.isAlphabetic {
            letters += 1
            tokenHasAlnum = true
            if t.script.contains(value) { scriptLetters += 1 }
          }
        default: break
        }
      }
    }
    if lastWasEnd { sentences += 1 }
    if tokenHasAlnum { alnumTokens += 1 }
    if chars < t.minChars { return fail("min_chars", "\(chars) characters", "\(t.minChars)") }
    let lines = text.lines
    // Notices are matched on ASCII-lower-cased bytes (the phrases are lower case).
    if chars < max(t.minChars * 3, 600), let notice = firstNotice(text) {
      return fail("notice", "'\(notice)' in a \(chars)-character text", "no notice in short texts")
    }
    if sentences < t.minSentences { return fail("min_sentences", "\(sentences) sentences", "\(t.minSentences)") }
    if t.script != .any, letters > 0 {
      let ratio = Double(scriptLetters) / Double(letters)
      if ratio < t.minScriptRatio { return fail("min_script_ratio", "\(t.script.rawValue) \(percent(ratio)) of letters", percent(t.minScriptRatio)) }
    }
    let digitRatio = Double(digits) / Double(max(1, nonSpace))
    if digitRatio > t.maxDigitRatio { return fail("max_digit_ratio", percent(digitRatio), percent(t.maxDigitRatio)) }
    if let longest = lines.map({ $0.scalarCount }).max(), longest > t.maxLineChars {
      return fail("max_line_chars", "\(longest) characters", "\(t.maxLineChars)")
    }
    // Duplicated lines (every line) and paragraphs (blank-line separated blocks).
    if let verdict = duplicates(lines, ratio: t.maxDuplicateLineRatio, chars: t.maxDuplicateLineChars, what: "line") { return verdict }
    let paragraphs = Self.paragraphs(text)
    if let verdict = duplicates(paragraphs, ratio: t.maxDuplicateParagraphRatio, chars: t.maxDuplicateParagraphChars, what: "paragraph") { return verdict }
    // The score `dedup` can keep by (keep: quality): the share of letters in the expected
    // script, less the shares of digits and symbols; 0–1, higher is more like prose.
    let scriptShare = t.script == .any || letters == 0 ? 1.0 : Double(scriptLetters) / Double(letters)
    document.qualityScore = max(0, scriptShare * (1 - digitRatio) * (1 - min(1, Double(symbols) / Double(max(1, nonSpace)))))
    // ICU's count lies between the letter-or-digit tokens (each holds a word) and the letters
    // and digits (each word holds one): when those bounds already pass every word test, the
    // verdict cannot change and the word break iterator is not run.
    if alnumTokens >= t.minWords, letters + digits <= t.maxWords, Double(symbols) <= t.maxSymbolRatio * Double(alnumTokens) {
      document.count("words_bounded")
      return .keep
    }
    let (wordCount, _) = words.count(text)
    if wordCount < t.minWords { return fail("min_words", "\(wordCount) words", "\(t.minWords)") }
    if wordCount > t.maxWords { return fail("max_words", "\(wordCount) words", "\(t.maxWords)") }
    let symbolRatio = Double(symbols) / Double(max(1, wordCount))
    if symbolRatio > t.maxSymbolRatio { return fail("max_symbol_ratio", String(symbolRatio), String(t.maxSymbolRatio)) }
    return .keep
  }

  func firstNotice(_ text: String) -> String? {
    var lower = Array(text.utf8)
    for index in lower.indices where lower[index] &- 0x41 < 26 { lower[index] |= 0x20 }
    return thresholds.notices.first { ByteSearch.contains(lower, Array($0.utf8)) }
  }

  /// Blocks separated by a blank line.
  static func paragraphs(_ text: String) -> [Substring] {
    // Pieces between blank lines ("\n\n"), found with memchr; byte offsets become indices
    // in O(1) on native strings.
    let utf8 = text.utf8
    let found: [Substring]? = utf8.withContiguousStorageIfAvailable { bytes in
      guard let base = bytes.baseAddress else { return [] }
      var result: [Substring] = []
      var start = 0
      var search = 0
      func piece(_ from: Int, _ to: Int) {
        guard from < to else { return }
        let lower = utf8.index(utf8.startIndex, offsetBy: from)
        result.append(text[lower..<utf8.index(lower, offsetBy: to - from)])
      }
      while search < bytes.count,
        let hit = memchr(base + search, 0x0A, bytes.count - search).map({ base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) })
      {
        if hit + 1 < bytes.count, bytes[hit + 1] == 0x0A {
          piece(start, hit)
          start = hit + 2
          search = hit + 2
        } else {
          search = hit + 1
        }
      }
      piece(start, bytes.count)
      return result
    }
    if let found { return found }
    return text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { Substring($0) }
  }


  func duplicates(_ items: [Substring], ratio maxRatio: Double, chars maxChars: Double, what: String) -> Verdict? {
    guard items.count > 1 else { return nil }
    // Byte hashes: Swift's String hashing normalizes first, which is slow and not needed on
    // text `normalize` has already made NFC.
    var seen = Set<UInt64>(minimumCapacity: items.count)
    var duplicates: [Int] = []
    for (index, item) in items.enumerated() where !seen.insert(item.byteHash()).inserted { duplicates.append(index) }
    // Characters are counted only when something repeats (most texts: nothing does).
    guard !duplicates.isEmpty else { return nil }
    let duplicateItems = duplicates.count
    let duplicateChars = duplicates.reduce(0) { $0 + items[$1].scalarCount }
    let totalChars = items.reduce(0) { $0 + $1.scalarCount }
    let itemRatio = Double(duplicateItems) / Double(items.count)
    if itemRatio > maxRatio { return fail("max_duplicate_\(what)_ratio", percent(itemRatio), percent(maxRatio)) }
    let charRatio = Double(duplicateChars) / Double(max(1, totalChars))
    if charRatio > maxChars { return fail("max_duplicate_\(what)_chars", percent(charRatio), percent(maxChars)) }
    return nil
  }
}

/// The script `quality` expects, decided once at configuration (the scalar loop compares a
/// byte, not a string).
enum Script: String, CaseIterable, Sendable {
  case hangul = "Hangul", latin = "Latin", han = "Han", hiragana = "Hiragana", katakana = "Katakana"
  case cyrillic = "Cyrillic", arabic = "Arabic", thai = "Thai", any

  /// Whether a non-ASCII code point is a letter of this script (ASCII letters are Latin).
  func contains(_ value: UInt32) -> Bool {
    switch self {
    case .hangul: return (0xAC00...0xD7A3).contains(value) || (0x1100...0x11FF).contains(value) || (0x3130...0x318F).contains(value)
    case .han: return (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) || (0x20000...0x2FFFF).contains(value)
    case .hiragana: return (0x3040...0x309F).contains(value)
    case .katakana: return (0x30A0...0x30FF).contains(value)
    case .cyrillic: return (0x0400...0x052F).contains(value)
    case .arabic: return (0x0600...0x06FF).contains(value) || (0x0750...0x077F).contains(value)
    case .thai: return (0x0E00...0x0E7F).contains(value)
    case .latin: return (0x00C0...0x024F).contains(value)
    case .any: return true
    }
  }
}

func percent(_ value: Double) -> String {
  "\(Int((value * 1000).rounded()) / 10).\(Int((value * 1000).rounded()) % 10)%"
}
