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
struct NormalizeConfig: StageConfig {
  static let name = "normalize"
  static let summary = "Unicode NFC/NFKC via ICU; strip control and zero-width characters; tidy spaces, lines and blank lines"
  static let options: [OptionSpec] = [
    OptionSpec("form", .choice(["NFC", "NFKC"]), default: .string("NFC"), "Unicode normalization form"),
    OptionSpec("trim_lines", .bool, default: .bool(true), "remove spaces at the start and end of each line"),
    OptionSpec("collapse_spaces", .bool, default: .bool(true), "turn each run of spaces and tabs into one space (a tab if the run has one)"),
    OptionSpec("max_blank_lines", .int(0...Int.max), default: .int(1), "blank lines kept between paragraphs"),
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
      do {
        output = try normalizer.normalize(output)
      } catch {
        return .drop("normalize_failed", detail: "\(error)")
      }
      // NFKC can turn compatibility characters into spaces; tidy once more.
      if normalizer.form == .nfkc { output = cleanUp(output).text }
      document.count("normalized")
    }
    if removed > 0 { document.count("characters_removed", removed) }
    document.text = output
    return .keep
  }

  /// One pass over UTF-8: returns the tidied text, whether any character needs ICU, and how
  /// many characters were removed.
  func cleanUp(_ text: String) -> (text: String, needsNormalization: Bool, removed: Int) {
    var text = text
    return text.withUTF8 { cleanUp(utf8: $0) }
  }

  private func cleanUp(utf8 input: UnsafeBufferPointer<UInt8>) -> (text: String, needsNormalization: Bool, removed: Int) {
    var out: [UInt8] = []
    out.reserveCapacity(input.count)
    var needsNormalization = false
    var removed = 0
    var pendingSpaces = 0
    var pendingTab = false
    var pendingNewlines = 0
    var lineHasContent = false
    let blankLimit = maxBlankLines + 1

    @inline(__always) func flushBeforeContent() {
      if pendingNewlines > 0 {
        if !out.isEmpty {
          for _ in 0..<min(pendingNewlines, blankLimit) { out.append(0x0A) }
        }
        pendingNewlines = 0
      }
      if pendingSpaces > 0 {
        if lineHasContent || !trimLines {
          if collapseSpaces {
            out.append(pendingTab ? 0x09 : 0x20)
          } else {
            for _ in 0..<pendingSpaces { out.append(0x20) }
          }
        }
        pendingSpaces = 0
        pendingTab = false
      }
      lineHasContent = true
    }
    @inline(__always) func lineBreak() {
      if !trimLines && pendingSpaces > 0 && lineHasContent {
        for _ in 0..<(collapseSpaces ? 1 : pendingSpaces) { out.append(0x20) }
      }
      pendingSpaces = 0
      pendingTab = false
      pendingNewlines += 1
      lineHasContent = false
    }

    var index = 0
    let count = input.count
    while index < count {
      let byte = input[index]
      if byte < 0x80 {
        index += 1
        switch byte {
        case 0x20: pendingSpaces += 1
        case 0x09: pendingSpaces += 1; pendingTab = true
        case 0x0A, 0x0B, 0x0C: lineBreak()
        case 0x0D:
          if index < count && input[index] == 0x0A { index += 1 }
          lineBreak()
        case 0x00...0x1F, 0x7F: removed += 1
        default:
          flushBeforeContent()
          out.append(byte)
        }
        continue
      }
      // Decode one scalar (the String is valid UTF-8).
      let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
      var scalar = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
      for offset in 1..<length { scalar = scalar << 6 | UInt32(input[index + offset] & 0x3F) }
      switch scalar {
      case 0x85, 0x2028, 0x2029:
        lineBreak()
      case 0x80...0x9F, 0x00AD, 0x200B...0x200D, 0x2060, 0xFEFF:
        removed += 1
      case 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000:
        pendingSpaces += 1
      default:
        flushBeforeContent()
        if !needsNormalization && !normalizer.isStable(scalar) { needsNormalization = true }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<(index + length)]))
      }
      index += length
    }
    return (String(decoding: out, as: UTF8.self), needsNormalization, removed)
  }
}
