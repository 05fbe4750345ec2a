import WinnowNative

/// Repairs text that was decoded with the wrong code page before it reached winnow.
///
/// Layers, each tried on the whole text and kept only when it is clearly better:
/// * UTF-8 read as windows-1252 or Latin-1 (`cafÃ©` → `café`, `â€œ` → `“`), including the
///   five bytes windows-1252 leaves undefined (kept as U+0081, U+008D, … by Latin-1 readers);
/// * UTF-8 read as MacRoman (`g√¢teaux`), CP437 (`╨┐╤Ç╨╕`), windows-1251 (`РґРѕ`),
///   windows-1250 (`MĂĄm`), ISO-8859-2 (`tĹ\u{99}etĂ\u{AD}ho`) or windows-1257 (`ÄÆdomu`);
/// * twice-encoded UTF-8 (`Ã¢â‚¬â„¢` → `’`): the repair is repeated while it finds more,
///   and a second round may read what a first one on another page gave as windows-1252
///   (`Г‚ВЈ` → `Â£` → `£`);
/// * a no-break space whose byte became a space (`namedÂ „` → `named\u{A0}„`), and sequences
///   that lost a byte on the way, as "?" or U+FFFD, become one U+FFFD (`â€?` → `�`);
/// * CP949/EUC-KR read as Latin-1 (`¼Ò¸®¿¤` → `소리엘`), which is Korean-first winnow's own.
/// UTF-8 repairs work sequence by sequence (a lead character and the continuation characters
/// that follow it), so a text with fixed and broken runs is mended where it is broken. A
/// repair is kept when it removes mojibake-looking pairs (an accented letter followed by a
/// symbol of the 0x80–0xBF row, C1 controls) without making the text less plausible.
struct MojibakeRepair: Sendable {
  let plausibility: TextPlausibility

  /// A code page that UTF-8 bytes are commonly misread as: scalar → byte.
  struct Page: Sendable {
    let kind: String
    let bytes: [UInt32: UInt8]
    /// Leads whose no-break space continuation (byte A0) is taken for mojibake: on other leads
    /// it is real text ("SELKÄ\u{A0}EDELLÄ", Romanian "DATĂ\u{A0}").
    var nbspLeads: Set<UInt8> = []
    /// The page's leads are common letters of the languages it writes (Ă, Ĺ, Ą, Ä): one
    /// two-character sequence is not evidence enough ("NICIODATĂ™" is Romanian).
    var leadsAreLetters = false
    /// Tried only on text with C1 controls: ISO-8859-2 reads most mojibake as windows-1250
    /// does, and differs in the bytes 0x80–0x9F that a reader with ISO-8859-2 keeps as C1
    /// controls (`tĹ\u{99}etĂ\u{AD}ho` is "třetího").
    var needsC1 = false
  }

  /// windows-1252's 0x80–0x9F row, as Unicode.
  static let cp1252High: [UInt32: UInt8] = {
    let codes: [UInt32] = [
      0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
      0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]
    var table: [UInt32: UInt8] = [:]
    for (index, code) in codes.enumerated() { table[code] = UInt8(0x80 + index) }
    return table
  }()

  /// The pages, windows-1252 (with Latin-1's C1 controls) first; ISO-8859-2 keeps its C1
  /// controls too (`tĹ\u{99}etĂ\u{AD}ho` is "třetího").
  static let pages: [Page] = {
    var latin: [UInt32: UInt8] = [:]
    for byte in 0x80...0xFF { latin[UInt32(byte)] = UInt8(byte) }
    for (code, byte) in cp1252High { latin[code] = byte }
    // "Â\u{A0}" is a no-break space, "Ã\u{A0}" "à", "Å\u{A0}" "Š".
    var pages = [Page(kind: "utf8_as_windows1252", bytes: latin, nbspLeads: [0xC2, 0xC3, 0xC5])]
    for (kind, icuName) in [
      ("utf8_as_macroman", "macos-0_2-10.2"), ("utf8_as_cp437", "ibm-437"), ("utf8_as_windows1251", "windows-1251"),
      ("utf8_as_windows1250", "windows-1250"), ("utf8_as_iso8859_2", "ISO-8859-2"), ("utf8_as_windows1257", "windows-1257"),
    ] {
      var table: [UInt32: UInt8] = [:]
      for byte in 0x80...0xFF {
        let outcome = [UInt8(byte)].withUnsafeBufferPointer { try? ICU.decode($0, charset: icuName, strict: true) }
        if case .decoded(let text, _)? = outcome, let scalar = text.unicodeScalars.first, text.unicodeScalars.count == 1 {
          table[scalar.value] = UInt8(byte)
        }
      }
      // Russian read twice through windows-1251 turns every "п" into "Рї" and then into
      // "Р\u{A0}С—": "Р\u{A0}" (D0 A0) is "Р".
      let centralEuropean = ["utf8_as_windows1250", "utf8_as_iso8859_2", "utf8_as_windows1257"].contains(kind)
      pages.append(Page(
        kind: kind, bytes: table, nbspLeads: kind == "utf8_as_windows1251" ? [0xD0, 0xD1] : [], leadsAreLetters: centralEuropean,
        needsC1: kind == "utf8_as_iso8859_2"))
    }
    return pages
  }()

  /// The byte a scalar came from if the text was bytes read as windows-1252 (or Latin-1).
  @inline(__always)
  static func byte(for scalar: Unicode.Scalar) -> UInt8? {
    let value = scalar.value
    if value < 0x100 { return UInt8(value) }
    // Nothing of windows-1252 lies above ™ (U+2122): Hangul, Han and most scripts end here.
    if value > 0x2122 { return nil }
    return cp1252High[value]
  }

  /// The repaired text, how many sequences or runs were repaired, and the layers used
  /// (`utf8_as_windows1252`, `utf8_twice`, `cp949_as_latin1`, …); nil when nothing changed.
  func repair(_ text: String) -> (text: String, repaired: Int, kinds: [String])? {
    // Every layer's mojibake has a non-ASCII character: most text is ruled out at once.
    guard text.utf8.contains(where: { $0 >= 0xC2 }) else { return nil }
    let utf8 = repairUTF8(text)
    // CP949 read as Latin-1 can hold a few pairs that look like UTF-8 mojibake: when both
    // layers repair, the more plausible result wins.
    if let korean = repairCP949(text) {
      if let utf8, plausibility.score(utf8.text) >= plausibility.score(korean.text) { return utf8 }
      return (korean.text, korean.repaired, ["cp949_as_latin1"])
    }
    return utf8
  }

  // MARK: UTF-8 read as a single-byte page

  /// A character of a text under repair and the characters of the original text it stands
  /// for (`start..<end`).
  struct Piece {
    var scalar: Unicode.Scalar
    var start: Int
    var end: Int
    /// Rounds of decoding that made it: 0 for an original character, 2 for twice-encoded.
    var depth: Int = 0
    /// Decoded, but not believable where it stands (`fits`): kept only if a later round reads
    /// it as part of a sequence (the middle layer of twice-encoded text: "Ã¢â‚¬Å“" → "â€œ"
    /// → "“", where "œ" alone would not be believed), else its original text comes back.
    var tentative = false
    /// A U+FFFD for a sequence that lost a byte: plausibility does not count it.
    var lossy = false
  }

  private func repairUTF8(_ text: String) -> (text: String, repaired: Int, kinds: [String])? {
    // Most text has no mojibake-looking spot: counted over the text itself, no copy made.
    let beforeBad = Self.badness(text.unicodeScalars)
    guard beforeBad > 0 else { return nil }
    let original = Array(text.unicodeScalars)
    let before = plausibility.score(plausibility.counts(original))
    let start = original.indices.map { Piece(scalar: original[$0], start: $0, end: $0 + 1) }
    let hasC1 = original.contains { (0x80...0x9F).contains($0.value) }
    var best: (scalars: [Unicode.Scalar], repaired: Int, kinds: [String], bad: Int, score: Double)?
    for first in Self.pages where hasC1 || !first.needsC1 {
      var pieces = start
      var page = first
      var rounds = 0
      // Twice-encoded text needs a second pass (and rarely a third); text read with another
      // page after windows-1252 ("Г‚ВЈ" → "Â£" → "£") its second pass on windows-1252.
      var switched = false
      while rounds < 3 {
        if let next = Self.decodeSequences(pieces, page, decodedOnly: switched) {
          pieces = next
          rounds += 1
        } else if rounds > 0, !switched, page.kind != Self.pages[0].kind {
          page = Self.pages[0]
          switched = true
        } else {
          break
        }
      }
      let decoded = pieces.filter { $0.depth > 0 && !$0.tentative }
      var repaired = decoded.count
      guard repaired > 0 else { continue }
      if first.leadsAreLetters, repaired == 1, decoded[0].end - decoded[0].start < 3 { continue }
      var scalars: [Unicode.Scalar] = []
      scalars.reserveCapacity(original.count)
      for piece in pieces {
        if piece.tentative { scalars.append(contentsOf: original[piece.start..<piece.end]) } else { scalars.append(piece.scalar) }
      }
      var kinds = decoded.contains { $0.depth > 1 } ? [first.kind, "utf8_twice"] : [first.kind]
      if let (next, count) = Self.replacingC1Controls(scalars) {
        scalars = next
        repaired += count
        kinds.append("c1_as_windows1252")
      }
      let bad = Self.badness(scalars)
      // The U+FFFD of lossy sequences stand where mojibake stood: neither counts.
      let scored = pieces.contains { $0.lossy }
        ? pieces.filter { !$0.lossy }.flatMap { $0.tentative ? Array(original[$0.start..<$0.end]) : [$0.scalar] } : scalars
      let score = plausibility.score(plausibility.counts(scored))
      // Clearly better: fewer mojibake spots, and as plausible (or free of mojibake and
      // plausible, as Arabic or Hebrew letters are a little less so than Latin ones).
      guard bad < beforeBad, score >= before - 0.1 || (bad == 0 && score >= 0.5) else { continue }
      if best == nil || bad < best!.bad || (bad == best!.bad && score > best!.score) {
        best = (scalars, repaired, kinds, bad, score)
      }
    }
    // C1 controls alone: a Latin-1 reader's windows-1252 punctuation.
    if best == nil, let (next, count) = Self.replacingC1Controls(original) {
      best = (next, count, ["c1_as_windows1252"], Self.badness(next), 0)
    }
    guard let best else { return nil }
    var view = String.UnicodeScalarView()
    view.append(contentsOf: best.scalars)
    return (String(view), best.repaired, best.kinds)
  }

  /// Each lead character followed by the continuation characters a UTF-8 sequence needs,
  /// whose bytes on `page` form one valid UTF-8 character, becomes that character; when the
  /// character does not fit where it stands (`fits`) and came from original characters only,
  /// it is tentative. `decodedOnly`: only sequences of characters an earlier round decoded
  /// (a second page reads what the first one gave, not the rest). Nil when no sequence decodes.
  static func decodeSequences(_ pieces: [Piece], _ page: Page, decodedOnly: Bool = false) -> [Piece]? {
    // Spans [start, end) of the pieces that decode, with their character.
    var spans: [(start: Int, end: Int, scalar: Unicode.Scalar, keepsSpace: Bool, lossy: Bool)] = []
    var index = 0
    while index < pieces.count {
      guard let lead = page.bytes[pieces[index].scalar.value], lead >= 0xC2, lead <= 0xF4, !decodedOnly || pieces[index].depth > 0
      else {
        index += 1
        continue
      }
      let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
      var bytes = [lead]
      var next = index + 1
      // A byte lost on the way, as "?" or U+FFFD, makes the sequence one U+FFFD ("â€?",
      // "â€\u{FFFD}" for "”"): U+FFFD in any place, "?" only among other continuations of a
      // longer sequence (a two-byte lead before a question mark is often real: "SÃO?").
      var lost = false
      while bytes.count < length, next < pieces.count {
        let scalar = pieces[next].scalar
        if let byte = page.bytes[scalar.value], (0x80...0xBF).contains(byte) {
          bytes.append(byte)
        } else if !lost, scalar == "\u{FFFD}" || (scalar == "?" && length > 2 && (bytes.count > 1 || next + 1 < pieces.count
          && page.bytes[pieces[next + 1].scalar.value].map { (0x80...0xBF).contains($0) } == true))
        {
          lost = true
          bytes.append(0x80)
        } else {
          break
        }
        next += 1
      }
      if lost {
        if bytes.count == length, !decodedOnly || pieces[index..<next].allSatisfy({ $0.depth > 0 }) {
          spans.append((index, next, "\u{FFFD}", false, true))
          index = next
        } else {
          index += 1
        }
        continue
      }
      // "à" (or "Š") whose no-break space became a space: "voilÃ  le" → "voilà le" (the
      // first space was the no-break space), "Ã s" → "às"; before a word the space stays
      // ("voilÃ le" → "voilà le"). "Â " is a no-break space.
      var keepsSpace = false
      if bytes.count == 1, lead == 0xC3 || lead == 0xC5 || pieces[index].scalar == "Â", next < pieces.count,
        pieces[next].scalar == " ", lead != 0xC2 || !(index > 0 && pieces[index - 1].scalar.properties.isUppercase)
      {
        bytes.append(0xA0)
        let rest = pieces[(next + 1)...].prefix(2).map(\.scalar.value)
        keepsSpace = lead == 0xC3 && !(rest.first == 0x20 || rest == [0x73, 0x20] || rest == [0x73])
        next += 1
      }
      // A character beyond the BMP written as two surrogates, each encoded as UTF-8 (CESU-8,
      // Java's modified UTF-8): "í\u{A0}½í¸\u{8D}" → "😍".
      if bytes.count == length, lead == 0xED, (0xA0...0xAF).contains(bytes[1]), next + 2 < pieces.count,
        page.bytes[pieces[next].scalar.value] == 0xED, let low1 = page.bytes[pieces[next + 1].scalar.value],
        (0xB0...0xBF).contains(low1), let low2 = page.bytes[pieces[next + 2].scalar.value], (0x80...0xBF).contains(low2)
      {
        let high = 0xD000 | (UInt32(bytes[1]) & 0x3F) << 6 | UInt32(bytes[2]) & 0x3F
        let low = 0xD000 | (UInt32(low1) & 0x3F) << 6 | UInt32(low2) & 0x3F
        if let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) {
          spans.append((index, next + 3, scalar, false, false))
          index = next + 3
          continue
        }
      }
      if decodedOnly, pieces[index..<next].contains(where: { $0.depth == 0 }) {
        index += 1
        continue
      }
      if bytes.count == length, let decoded = String(validating: bytes, as: UTF8.self)?.unicodeScalars.first,
        // A no-break space after another lead is real text (Finnish "SELKÄ EDELLÄ"), not "à"
        // (MacRoman's A0 is "†": "√†" is "à").
        !(bytes.count == 2 && pieces[index + 1].scalar == "\u{A0}" && !page.nbspLeads.contains(lead))
      {
        spans.append((index, next, decoded, keepsSpace, false))
        index = next
        continue
      }
      index += 1
    }
    guard !spans.isEmpty else { return nil }
    var output: [Piece] = []
    output.reserveCapacity(pieces.count)
    var position = 0
    // Neighbouring decoded characters of the same script make a word ("РґРѕ" → "до"); once
    // the text has such words, a one-letter word of that script is believable too ("이").
    let joined = spans.indices.map { number in
      (number > 0 && spans[number - 1].end == spans[number].start && sameScript(spans[number - 1].scalar, spans[number].scalar))
        || (number + 1 < spans.count && spans[number + 1].start == spans[number].end
          && sameScript(spans[number + 1].scalar, spans[number].scalar))
    }
    let wordScripts = Set(spans.indices.filter { joined[$0] }.map { scriptBlock(spans[$0].scalar.value) })
    for (number, span) in spans.enumerated() {
      output.append(contentsOf: pieces[position..<span.start])
      position = span.end
      let before: Unicode.Scalar? = span.start > 0 ? pieces[span.start - 1].scalar : nil
      let after: Unicode.Scalar? = span.end < pieces.count ? pieces[span.end].scalar : nil
      let inWord = joined[number] || wordScripts.contains(scriptBlock(span.scalar.value))
      let parts = pieces[span.start..<span.end]
      let depth = parts.map(\.depth).max() ?? 0
      // A sequence made only of characters decoded in an earlier round is twice-encoded text:
      // that is evidence enough. A C1 control is only a byte for a later round.
      let believed =
        parts.allSatisfy { $0.depth > 0 }
        || (!(0x80...0x9F).contains(span.scalar.value) && fits(span.scalar, before: before, after: after, joined: inWord))
      let end = parts.last?.end ?? 0
      output.append(Piece(
        scalar: span.scalar, start: pieces[span.start].start, end: end, depth: depth + 1, tentative: !believed,
        lossy: span.lossy || parts.contains { $0.lossy }))
      if span.keepsSpace && believed { output.append(Piece(scalar: " ", start: end, end: end)) }
    }
    output.append(contentsOf: pieces[position...])
    return output
  }

  /// Whether a decoded character is believable where it stands. Punctuation, symbols and
  /// emoji are; a Latin letter is inside a word (but "à" and "À" stand alone) and of the
  /// word's case; a letter of another script only beside others of its script (a lone
  /// Hebrew point from "×…", a lone Cyrillic letter from "Ó…" are not).
  static func fits(_ scalar: Unicode.Scalar, before: Unicode.Scalar?, after: Unicode.Scalar?, joined: Bool) -> Bool {
    let value = scalar.value
    let properties = scalar.properties
    if !properties.isAlphabetic {
      if (0x2000...0x2BFF).contains(value) || value >= 0x1F000 || (0xA0...0xBF).contains(value) || (0x3000...0x303F).contains(value)
        || (0xFF00...0xFFEF).contains(value) || value == 0xD7 || value == 0xF7 || value == 0xFFFD
        || ((0x0300...0x036F).contains(value) && before.map { $0 != " " } ?? false)
      {
        return true
      }
      return joined
    }
    // Latin letters, and the ligatures "ﬁ", "ﬂ" (PDF text: "signiﬁcant").
    if (0xC0...0x17F).contains(value) || (0x1E00...0x1EFF).contains(value) || (0xFB00...0xFB06).contains(value) {
      if value == 0xE0 || value == 0xC0 { return true }
      let neighbours = [before, after].compactMap { $0 }.filter { $0.properties.isAlphabetic }
      guard !neighbours.isEmpty else { return joined }
      // "MÄ£ÄM" is not "MģÄM": a lower-case letter between capitals.
      if properties.isLowercase, neighbours.allSatisfy({ $0.properties.isUppercase }), neighbours.count == 2 { return false }
      // Nor is "SÖÄ£" "SÖģ": a lower-case letter ending a word of capitals.
      if properties.isLowercase, let before, before.properties.isUppercase, after.map({ !$0.properties.isAlphabetic }) ?? true,
        neighbours.count == 1, (0x100...0x17F).contains(value)
      {
        return false
      }
      return true
    }
    // A lone Greek or Russian letter (IL2Rγ), not a rare one from another block.
    if (0x0391...0x03C9).contains(value) || (0x0410...0x044F).contains(value) { return true }
    return joined
  }

  static func sameScript(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool {
    scriptBlock(a.value) == scriptBlock(b.value)
  }

  static func scriptBlock(_ value: UInt32) -> UInt32 {
      switch value {
      case 0x0370...0x03FF: return 1
      case 0x0400...0x052F: return 2
      case 0x0590...0x05FF: return 3
      case 0x0600...0x06FF: return 4
      case 0x0E00...0x0E7F: return 5
      case 0x3040...0x30FF, 0x4E00...0x9FFF, 0x3400...0x4DBF, 0xFF00...0xFFEF: return 6
      case 0xAC00...0xD7A3: return 7
      default: return value >> 7 | 0x1000
      }
  }

  /// C1 controls left in text (bytes 0x80–0x9F that a Latin-1 reader kept) are the
  /// windows-1252 characters they stand for (`\u{85}` → `…`, `\u{93}` → `“`).
  static func replacingC1Controls(_ scalars: [Unicode.Scalar]) -> ([Unicode.Scalar], Int)? {
    var count = 0
    let output = scalars.map { scalar -> Unicode.Scalar in
      guard (0x80...0x9F).contains(scalar.value), let code = cp1252Row[Int(scalar.value - 0x80)], code != scalar.value,
        let replacement = Unicode.Scalar(code)
      else { return scalar }
      count += 1
      return replacement
    }
    return count > 0 ? (output, count) : nil
  }

  /// windows-1252's 0x80–0x9F row by byte (undefined bytes map to themselves).
  static let cp1252Row: [UInt32?] = (0x80...0x9F).map { byte in
    cp1252High.first { $0.value == UInt8(byte) }?.key
  }

  /// Mojibake-looking spots: C1 controls, and a letter of U+00C2–U+00F4 followed by a
  /// character that a UTF-8 continuation byte gives in windows-1252 (`Ã©`, `â€`, `Ãœ`), or
  /// the other pages' usual leads (`Р`/`С` then a symbol, `╨`, `√`).
  static func badness<Scalars: Sequence<Unicode.Scalar>>(_ scalars: Scalars) -> Int {
    var bad = 0
    var previous: Unicode.Scalar = " "
    var beforePrevious: Unicode.Scalar = " "
    for scalar in scalars {
      let value = scalar.value
      if (0x80...0x9F).contains(value) { bad += 1 }
      // Every other spot starts with a character below U+256D (the last lead below): the
      // letters of most scripts (Hangul, Han, Arabic, …) end the check here.
      guard previous.value <= 0x256C else {
        beforePrevious = previous
        previous = scalar
        continue
      }
      // "voilÃ le", "namedÂ „": "à" or a no-break space whose byte A0 became a space, after
      // a lower-case letter.
      if previous == "Ã" || previous == "Â", scalar == " ", beforePrevious.properties.isLowercase { bad += 1 }
      if isLeadLike(previous), isContinuationSymbol(scalar) {
        bad += 1
      } else if macRomanLeads.contains(previous.value), macRomanContinuations.contains(scalar.value) {
        bad += 1
      } else if (0x0430...0x0444).contains(previous.value) || previous.value == 0x0412 || previous.value == 0x0413,
        isContinuationSymbol(scalar), !commonPunctuation.contains(value)
      {
        // windows-1251's а–ф are leads of three- and four-byte sequences ("п¬Ѓ" is "ﬁ"), В
        // and Г of Latin-1's letters ("Г‚ВЈ" is "Â£"); the punctuation real Russian puts
        // after a letter ("а»", "о…") does not count.
        bad += 1
      }
      beforePrevious = previous
      previous = scalar
    }
    return bad
  }

  /// MacRoman's √ ƒ ≈ (UTF-8 leads C3 C4 C5) and what its bytes 0x80–0xBF read as (letters
  /// such as "ü" among them): "wei√ü" is "weiß".
  static let macRomanLeads: Set<UInt32> = [0x221A, 0x0192, 0x2248]
  static let macRomanContinuations: Set<UInt32> = {
    guard let page = pages.first(where: { $0.kind == "utf8_as_macroman" }) else { return [] }
    return Set(page.bytes.filter { (0x80...0xBF).contains($0.value) }.keys)
  }()

  /// Punctuation that follows letters in real text.
  static let commonPunctuation: Set<UInt32> = Set("\u{A0}«»‘’“”„…–—•·°±©®№™".unicodeScalars.map(\.value))

  /// The leads of the pages' two-byte sequences that mojibake is made of: Latin-1's Â–ô,
  /// windows-1251's Р С в, MacRoman's √, CP437's box drawing, windows-1250's Ă Ĺ Ř Ů (Ř and Ů
  /// lead Arabic: "Ř±ŘłŘ§Ů„Ř©"), ×.
  @inline(__always)
  static func isLeadLike(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return (0xC2...0xF4).contains(value) || value == 0x0420 || value == 0x0421 || value == 0x0432 || value == 0x221A
      || (0x2550...0x256C).contains(value) || value == 0x0102 || value == 0x0139 || value == 0x0158 || value == 0x016E
      || value == 0x00D7
  }

  @inline(__always)
  static func isContinuationSymbol(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if (0x80...0xBF).contains(value) { return true }
    if cp1252High[value] != nil { return true }
    // What continuation bytes give in the other pages: MacRoman's and CP437's symbols,
    // windows-1251's 0x80–0xBF row.
    return (0x2500...0x25FF).contains(value) || (0x0402...0x040F).contains(value) || (0x0450...0x045F).contains(value)
      || (0x2018...0x2122).contains(value) || value == 0x0490 || value == 0x0491 || value == 0x221A || value == 0x2202
      || value == 0x2206 || value == 0x220F || value == 0x2211 || value == 0x222B || value == 0x2248 || value == 0x2260
      || value == 0x2264 || value == 0x2265 || value == 0x25CA || value == 0xFB01 || value == 0xFB02 || value == 0x02C7
      || value == 0x02D8 || value == 0x02DB || value == 0x02DD || value == 0x0161 || value == 0x0165
  }

  // MARK: CP949/EUC-KR read as Latin-1

  private func repairCP949(_ text: String) -> (text: String, repaired: Int)? {
    // Mojibake of any multi-byte encoding contains U+0080–U+00FF (UTF-8 lead C2/C3).
    guard text.utf8.contains(where: { $0 == 0xC2 || $0 == 0xC3 }) else { return nil }
    // A run can only repair with two KS X 1001 syllables in it, four high bytes (`repairCP949Run`):
    // text with no run of that many (Korean text with a middle dot or two) is left at once.
    var high = 0
    var candidate = false
    for scalar in text.unicodeScalars {
      guard let byte = Self.byte(for: scalar) else {
        high = 0
        continue
      }
      if byte >= 0x80 {
        high += 1
        if high >= 4 {
          candidate = true
          break
        }
      }
    }
    guard candidate else { return nil }
    var output = String.UnicodeScalarView()
    var run: [Unicode.Scalar] = []
    var repaired = 0
    func flush() {
      defer { run.removeAll(keepingCapacity: true) }
      let highCount = run.reduce(0) { $0 + ($1.value >= 0x80 ? 1 : 0) }
      let letters = run.reduce(0) { $0 + ($1.properties.isAlphabetic ? 1 : 0) }
      // Korean read as Latin-1 is dense: every character of a word comes from a high byte
      // ("HÅØYA ER BLÅØYD" is Norwegian, not two syllables).
      if highCount >= 2, highCount * 4 >= letters * 3, let fixed = repairCP949Run(run) {
        output.append(contentsOf: fixed.unicodeScalars)
        repaired += 1
      } else {
        output.append(contentsOf: run)
      }
    }
    for scalar in text.unicodeScalars {
      if Self.byte(for: scalar) != nil {
        run.append(scalar)
      } else {
        flush()
        output.append(scalar)
      }
    }
    flush()
    return repaired > 0 ? (String(output), repaired) : nil
  }

  private func repairCP949Run(_ run: [Unicode.Scalar]) -> String? {
    let bytes = run.compactMap(Self.byte(for:))
    let before = plausibility.score(plausibility.counts(run))
    // CP949/EUC-KR read as Latin-1: require Hangul, and clearly better text.
    let outcome = bytes.withUnsafeBufferPointer { try? ICU.decode($0, charset: "windows-949-2000", strict: true) }
    if case .decoded(let text, _)? = outcome {
      let counts = plausibility.counts(text)
      let hangul = counts.count(.hangulCommon)
      let after = plausibility.score(counts)
      if hangul >= 2 && after >= 0.8 && after > before + 0.3 { return text }
    }
    return nil
  }
}
