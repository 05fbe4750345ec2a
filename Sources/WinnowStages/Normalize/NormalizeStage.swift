import Foundation
import WinnowCore
import WinnowNative

/// Stage `normalize`: Unicode NFC (or NFKC) through ICU, and the white-space clean-up that
/// every later stage relies on.
///
/// Removes control characters other than newline and tab, zero-width characters (U+200B–
/// U+200D, U+2060, U+FEFF) and soft hyphens; maps NBSP and the other Unicode spaces to a
/// space; turns CR LF, CR, NEL, U+2028/2029, VT and FF into newlines; trims lines; collapses
/// runs of spaces and of blank lines (one blank line between paragraphs by default).
/// One pass over UTF-8 bytes; ICU runs only when a character is not stable under the form
/// (ICU's quick check, precomputed for the BMP).
///
/// A run of more than 30 combining marks (non-starters) gets U+034F COMBINING GRAPHEME JOINER
/// after every 30, as UAX #15's Stream-Safe Text Format says (counter `combining_joiners`):
/// ICU's canonical reordering of one unbounded run takes quadratic time (a letter and 400k
/// marks: 40 s), and no text has such runs (UAX #15). ICU normalizes in pieces and stops at
/// the stage's `timeout_ms` (reason `timeout`).
struct NormalizeConfig: StageConfig {
  static let name = "normalize"
  static let summary = "Unicode NFC/NFKC via ICU; strip control and zero-width characters; tidy spaces, lines and blank lines"
  static let reasons: [DropReason] = [
    DropReason("empty", "nothing is left once control, zero-width and space characters are tidied"),
    DropReason("normalize_failed", "ICU could not normalize the text (detail: ICU's error)"),
  ]
  static let options: [OptionSpec] = [
    OptionSpec("form", .choice(["NFC", "NFKC"]), default: .string("NFC"), "Unicode normalization form"),
    OptionSpec("trim_lines", .bool, default: .bool(true), "remove spaces at the start and end of each line"),
    OptionSpec("collapse_spaces", .bool, default: .bool(true), "turn each run of spaces and tabs into one space (a tab if the run has one)"),
    OptionSpec("max_blank_lines", .int(0...1000), default: .int(1), "blank lines kept between paragraphs"),
  ]

  let form: ICUNormalizer.Form
  let trimLines: Bool
  let collapseSpaces: Bool
  let maxBlankLines: Int

  init(options: StageOptions) throws(OptionError) {
    form = options.string("form") == "NFKC" ? .nfkc : .nfc
    trimLines = options.bool("trim_lines")
    collapseSpaces = options.bool("collapse_spaces")
    maxBlankLines = options.int("max_blank_lines")
  }

  func build(_ context: StageContext) throws(OptionError) -> any DocumentStage {
    do {
      let normalizer = try ICUNormalizer(form: form)
      return NormalizeStage(normalizer: normalizer, trimLines: trimLines, collapseSpaces: collapseSpaces, maxBlankLines: maxBlankLines)
    } catch {
      throw OptionError(option: "form", "cannot load ICU normalizer: \(error)")
    }
  }
}

struct NormalizeStage: DocumentStage {
  let normalizer: ICUNormalizer
  let trimLines: Bool
  let collapseSpaces: Bool
  let maxBlankLines: Int

  func process(_ document: inout Document) -> Verdict {
    guard let text = document.text else { return .keep }
    var (output, needsNormalization, removed) = cleanUp(text)
    if needsNormalization {
      let before = output
      do {
        let normalized = try normalizer.normalized(output, deadline: document.deadline)
        output = normalized.text
        document.count("combining_joiners", normalized.joinersInserted)
      } catch {
        if error.function == "deadline" { return .drop("timeout", detail: "normalization stopped at the stage's timeout_ms") }
        return .drop("normalize_failed", detail: "\(error)")
      }
      // NFKC can turn compatibility characters into spaces; tidy once more.
      if normalizer.form == .nfkc { output = cleanUp(output).text }
      // Supplementary characters (emoji) always take the ICU path; count real changes only.
      // (Swift compares strings by canonical equivalence: compare the bytes.)
      if !output.utf8.elementsEqual(before.utf8) { document.count("normalized") }
    }
    if removed > 0 { document.count("characters_removed", removed) }
    document.text = output
    // The fields an earlier stage (html) took from the page are the same text: same form.
    if let title = document.meta.title { document.meta.title = normalizedField(title, &document) }
    for index in document.meta.authors.indices {
      document.meta.authors[index] = normalizedField(document.meta.authors[index], &document)
    }
    if let outlet = document.meta.outlet { document.meta.outlet = normalizedField(outlet, &document) }
    if output.isEmpty { return .drop("empty", detail: "nothing left after normalization") }
    return .keep
  }

  /// A metadata field in the configured form (unchanged when it needs no ICU, or ICU fails or
  /// stops at the deadline: the runner then rejects the document for its time).
  func normalizedField(_ value: String, _ document: inout Document) -> String {
    let (tidied, needsNormalization, _) = cleanUp(value)
    guard needsNormalization, let normalized = try? normalizer.normalized(tidied, deadline: document.deadline) else { return tidied }
    document.count("combining_joiners", normalized.joinersInserted)
    return normalized.text
  }

  /// One pass over UTF-8: returns the tidied text, whether any character needs ICU, and how
  /// many characters were removed.
  func cleanUp(_ text: String) -> (text: String, needsNormalization: Bool, removed: Int) {
    var copy = text
    let result = copy.withUTF8 { cleanUp(utf8: $0) }
    if let prefix = result.prefix {
      let tidied = prefix == text.utf8.count ? text : String(text[..<text.utf8.index(text.startIndex, offsetBy: prefix)])
      return (tidied, result.needsNormalization, result.removed)
    }
    return (result.text ?? text, result.needsNormalization, result.removed)
  }

  /// Either the tidied text, or the length of the input's prefix that is the tidied text.
  private func cleanUp(utf8 input: UnsafeBufferPointer<UInt8>) -> (text: String?, prefix: Int?, needsNormalization: Bool, removed: Int) {
    var needsNormalization = false
    var removed = 0
    // The output is never longer than the input: characters are only removed, or runs of
    // white space replaced by one byte each.
    var unchangedPrefix: Int?
    let bytes = [UInt8](unsafeUninitializedCapacity: max(1, input.count)) { buffer, initialized in
      guard let base = buffer.baseAddress else { return }
      var tidier = LineTidier(out: base, trimLines: trimLines, collapseSpaces: collapseSpaces, maxBlankLines: maxBlankLines)
      tidy(input, into: &tidier, needsNormalization: &needsNormalization, removed: &removed)
      initialized = tidier.count
      if let source = input.baseAddress, memcmp(base, source, tidier.count) == 0 {
        unchangedPrefix = tidier.count
      }
    }
    // Text that was already tidy (often but for a final newline) is kept as it is, or cut:
    // no second UTF-8 validation.
    if let unchangedPrefix { return (nil, unchangedPrefix, needsNormalization, removed) }
    return (String(decoding: bytes, as: UTF8.self), nil, needsNormalization, removed)
  }

  @inline(__always)
  private func tidy(_ input: UnsafeBufferPointer<UInt8>, into tidier: inout LineTidier, needsNormalization: inout Bool, removed: inout Int) {
    var index = 0
    let count = input.count
    while index < count {
      let byte = input[index]
      if byte < 0x80 {
        switch byte {
        case 0x20: tidier.space(); index += 1; continue
        case 0x09: tidier.space(tab: true); index += 1; continue
        case 0x0A, 0x0B, 0x0C: tidier.lineBreak(); index += 1; continue
        case 0x0D:
          index += index + 1 < count && input[index + 1] == 0x0A ? 2 : 1
          tidier.lineBreak()
          continue
        case 0x00...0x1F, 0x7F: removed += 1; index += 1; continue
        default: break
        }
      } else {
        let (scalar, length) = decodeScalar(input, at: index)
        if let kind = Self.special(scalar) {
          switch kind {
          case .lineBreak: tidier.lineBreak()
          case .space: tidier.space()
          case .removed: removed += 1
          }
          index += length
          continue
        }
      }
      // A run of visible characters: copied in one go.
      tidier.beforeContent()
      let start = index
      while index < count {
        let byte = input[index]
        if byte < 0x80 {
          if byte > 0x20 && byte != 0x7F { index += 1; continue }
          // One space or newline between visible characters is written as it is, whatever
          // the options: keep it in the run.
          if (byte == 0x20 || byte == 0x0A) && index + 1 < count {
            let next = input[index + 1]
            if next > 0x20 && next != 0x7F && next < 0x80 { index += 2; continue }
            if next >= 0x80 && Self.special(decodeScalar(input, at: index + 1).0) == nil { index += 1; continue }
          }
          break
        }
        let (scalar, length) = decodeScalar(input, at: index)
        // Hangul syllables are the common case and always stable.
        if scalar >= 0xAC00 && scalar <= 0xD7A3 { index += length; continue }
        if Self.special(scalar) != nil { break }
        if !needsNormalization && !normalizer.isStable(scalar) { needsNormalization = true }
        index += length
      }
      tidier.append(UnsafeBufferPointer(rebasing: input[start..<index]))
    }
  }

  enum Special { case lineBreak, space, removed }

  /// What the clean-up does with a non-ASCII scalar that is not copied as it is.
  @inline(__always)
  static func special(_ scalar: UInt32) -> Special? {
    if scalar > 0x3000 { return scalar == 0xFEFF ? .removed : nil }
    switch scalar {
    case 0x85, 0x2028, 0x2029: return .lineBreak
    case 0x80...0x9F, 0x00AD, 0x200B...0x200D, 0x2060: return .removed
    case 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return .space
    default: return nil
    }
  }

  /// The scalar starting at `index` of valid UTF-8, and its length in bytes.
  @inline(__always)
  func decodeScalar(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
    let byte = input[index]
    if byte < 0xE0 { return (UInt32(byte & 0x1F) << 6 | UInt32(input[index + 1] & 0x3F), 2) }
    if byte < 0xF0 {
      return (UInt32(byte & 0x0F) << 12 | UInt32(input[index + 1] & 0x3F) << 6 | UInt32(input[index + 2] & 0x3F), 3)
    }
    return (
      UInt32(byte & 0x07) << 18 | UInt32(input[index + 1] & 0x3F) << 12 | UInt32(input[index + 2] & 0x3F) << 6
        | UInt32(input[index + 3] & 0x3F), 4
    )
  }
}

/// The white-space state of `NormalizeStage.cleanUp`: spaces and line breaks are held back
/// until the next visible character decides whether they are written.
struct LineTidier {
  let out: UnsafeMutablePointer<UInt8>
  var count = 0
  let trimLines: Bool
  let collapseSpaces: Bool
  let blankLimit: Int
  var pendingSpaces = 0
  var pendingTab = false
  /// The run of spaces and tabs as it was, for `collapse_spaces: false` (other Unicode
  /// spaces count as one space).
  var pendingRun: [UInt8] = []
  var pendingNewlines = 0
  var lineHasContent = false

  init(out: UnsafeMutablePointer<UInt8>, trimLines: Bool, collapseSpaces: Bool, maxBlankLines: Int) {
    self.out = out
    self.trimLines = trimLines
    self.collapseSpaces = collapseSpaces
    self.blankLimit = maxBlankLines + 1
  }

  @inline(__always) mutating func append(_ byte: UInt8) {
    out[count] = byte
    count += 1
  }

  @inline(__always) mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
    (out + count).update(from: base, count: bytes.count)
    count += bytes.count
  }

  @inline(__always) mutating func space(tab: Bool = false) {
    pendingSpaces += 1
    if tab { pendingTab = true }
    if !collapseSpaces { pendingRun.append(tab ? 0x09 : 0x20) }
  }

  private mutating func writePendingRun() {
    if collapseSpaces {
      append(pendingTab ? 0x09 : 0x20)
    } else {
      for byte in pendingRun { append(byte) }
    }
  }

  private mutating func clearPending() {
    pendingSpaces = 0
    pendingTab = false
    if !pendingRun.isEmpty { pendingRun.removeAll(keepingCapacity: true) }
  }

  /// Writes the held-back line breaks and spaces before a visible character.
  @inline(__always) mutating func beforeContent() {
    if pendingNewlines > 0 {
      if count > 0 {
        for _ in 0..<min(pendingNewlines, blankLimit) { append(0x0A) }
      }
      pendingNewlines = 0
    }
    if pendingSpaces > 0 {
      if lineHasContent || !trimLines { writePendingRun() }
      clearPending()
    }
    lineHasContent = true
  }

  mutating func lineBreak() {
    if !trimLines && pendingSpaces > 0 && lineHasContent { writePendingRun() }
    clearPending()
    pendingNewlines += 1
    lineHasContent = false
  }
}
