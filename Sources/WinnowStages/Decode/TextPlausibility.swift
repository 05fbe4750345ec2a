import WinnowNative

/// How much a decoded text looks like real writing, 0–1. Used to choose between charsets
/// that all decode the bytes without error, and to accept a mojibake repair.
///
/// A wrong charset rarely fails outright (single-byte charsets decode any byte); instead it
/// yields control characters, private-use code points, rare Han and Hangul, half-width kana,
/// mixed scripts, Latin-1 symbols in runs, or case changes inside words. The common-character
/// sets come from the national standards themselves (KS X 1001 Hangul and hanja, GB2312,
/// Big5 level 1, JIS X 0208), read through ICU when the table is built.
struct TextPlausibility: Sendable {
  enum Class: UInt8 {
    case ascii = 0, hangulCommon, hangulRare, jamo, hanCommon, hanRare, kana, kanaHalfwidth
    case cyrillic, greek, latin, otherLetter, punctuation, symbol, oddSymbol, bad
  }

  static let shared = TextPlausibility()

  /// BMP blocks with no unassigned code point (and the surrogates, which are no scalars):
  /// CJK Unified Ideographs and Extension A, Hangul syllables, private use. A test checks
  /// against the Unicode data that none of them holds an unassigned code point.
  static let whollyAssigned: [ClosedRange<Int>] = [0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7A3, 0xD800...0xDFFF, 0xE000...0xF8FF]

  /// Class of every BMP code point; case in the high bits (0x40 upper, 0x80 lower).
  private let table: [UInt8]

  init() {
    var table = [UInt8](repeating: Class.symbol.rawValue, count: 0x10000)
    func set(_ range: ClosedRange<UInt32>, _ value: Class) {
      for code in range { table[Int(code)] = value.rawValue }
    }
    for code in 0..<0x80 { table[code] = Class.ascii.rawValue }
    set(0x00...0x08, .bad)
    set(0x0B...0x0B, .bad)
    set(0x0E...0x1F, .bad)
    set(0x7F...0x9F, .bad)
    set(0x00A0...0x00BF, .oddSymbol)
    for code: UInt32 in [0xA0, 0xA9, 0xAB, 0xB0, 0xB7, 0xBB, 0xA7, 0xAE] { table[Int(code)] = Class.punctuation.rawValue }
    // Currency signs (¢ £ ¥) are ordinary symbols, yet still mojibake beside a Latin letter.
    for code: UInt32 in [0xA2, 0xA3, 0xA5] { table[Int(code)] = Class.symbol.rawValue }
    set(0x00C0...0x024F, .latin)
    table[0xD7] = Class.symbol.rawValue
    table[0xF7] = Class.symbol.rawValue
    set(0x0250...0x02FF, .oddSymbol)
    set(0x0300...0x036F, .oddSymbol)
    set(0x0370...0x03FF, .greek)
    set(0x0400...0x04FF, .cyrillic)
    set(0x0500...0x052F, .cyrillic)
    set(0x0530...0x10FF, .otherLetter)
    set(0x1100...0x11FF, .jamo)
    set(0x1E00...0x1EFF, .latin)
    set(0x1F00...0x1FFF, .greek)
    set(0x2000...0x206F, .punctuation)
    set(0x2500...0x259F, .oddSymbol)  // box drawing and blocks: what KOI8-R and DOS pages decode to
    set(0x3000...0x303F, .punctuation)
    set(0x3040...0x30FF, .kana)
    set(0x3100...0x312F, .oddSymbol)  // bopomofo: rare outside Taiwanese teaching material
    set(0x3130...0x318F, .jamo)
    set(0x3190...0x31FF, .oddSymbol)
    set(0x3400...0x4DBF, .hanRare)
    set(0x4E00...0x9FFF, .hanRare)
    set(0xAC00...0xD7A3, .hangulRare)
    set(0xD7A4...0xD7FF, .bad)
    set(0xE000...0xF8FF, .bad)  // private use: what unmapped bytes become in some converters
    set(0xF900...0xFAFF, .hanRare)
    set(0xFF01...0xFF5E, .punctuation)
    set(0xFF61...0xFF9F, .kanaHalfwidth)
    set(0xFFF0...0xFFFF, .bad)
    // Unassigned code points anywhere are bad (the blocks in `whollyAssigned` have none:
    // skipping them halves the model's load time).
    for code in 0..<0x10000 where !Self.whollyAssigned.contains(where: { $0.contains(code) }) {
      if let scalar = Unicode.Scalar(UInt32(code)), scalar.properties.generalCategory == .unassigned {
        table[code] = Class.bad.rawValue
      }
    }
    // Common Hangul and Han: the characters of the national standards.
    func mark(_ charset: String, leads: ClosedRange<UInt8>, trails: ClosedRange<UInt8>, as value: Class) {
      var bytes: [UInt8] = []
      bytes.reserveCapacity(leads.count * trails.count * 2)
      for lead in leads {
        for trail in trails {
          bytes.append(lead)
          bytes.append(trail)
        }
      }
      let outcome = bytes.withUnsafeBufferPointer { try? ICU.decode($0, charset: charset, strict: false) }
      guard case .decoded(let text, _)? = outcome else { return }
      for scalar in text.unicodeScalars where scalar.value < 0x10000 && scalar.value != 0xFFFD {
        let current = Class(rawValue: table[Int(scalar.value)])
        if current == .hanRare || current == .hangulRare { table[Int(scalar.value)] = value.rawValue }
      }
    }
    mark("EUC-KR", leads: 0xB0...0xC8, trails: 0xA1...0xFE, as: .hangulCommon)
    mark("EUC-KR", leads: 0xCA...0xFD, trails: 0xA1...0xFE, as: .hanCommon)
    mark("GB18030", leads: 0xB0...0xF7, trails: 0xA1...0xFE, as: .hanCommon)
    mark("windows-950-2000", leads: 0xA4...0xC6, trails: 0x40...0x7E, as: .hanCommon)
    mark("windows-950-2000", leads: 0xA4...0xC6, trails: 0xA1...0xFE, as: .hanCommon)
    mark("EUC-JP", leads: 0xB0...0xF4, trails: 0xA1...0xFE, as: .hanCommon)
    // Letter case, for spotting case changes inside words.
    for code in 0x80..<0x10000 where !(0xD800...0xDFFF).contains(code) {
      guard let scalar = Unicode.Scalar(UInt32(code)) else { continue }
      let kind = Class(rawValue: table[code])
      guard kind == .latin || kind == .cyrillic || kind == .greek else { continue }
      if scalar.properties.isUppercase { table[code] |= 0x40 } else if scalar.properties.isLowercase { table[code] |= 0x80 }
    }
    for code in 0x41...0x5A { table[code] |= 0x40 }
    for code in 0x61...0x7A { table[code] |= 0x80 }
    self.table = table
  }

  struct Counts {
    var nonASCII = 0
    var byClass = InlineArray<16, Int>(repeating: 0)
    var asciiLetters = 0
    /// Lower-case letter followed by an upper-case one inside a word.
    var caseChanges = 0
    /// Non-ASCII Latin letters or odd symbols next to another one.
    var latinAdjacent = 0
    /// Han, one space, Han: normal in Korean read as Chinese, rare in Chinese.
    var hanSpaceHan = 0
    /// Runs of Hangul/Han characters: Korean words are short (about 3–4 syllables between
    /// spaces); Chinese or Japanese read as Korean gives runs as long as clauses.
    var syllableRuns = 0

    func count(_ kind: Class) -> Int { byClass[Int(kind.rawValue)] }
  }

  /// 1 for an ASCII letter, 0 for any other byte below 0x80.
  static let asciiLetter: [UInt8] = (0..<128).map { (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) ? 1 : 0 }

  /// Plausibility is judged on at most this much of a text: plenty for its statistics.
  static let sampleBytes = 32 << 10

  /// Counts over (the start of) a text, decoding its UTF-8 directly: the hot path of charset
  /// ranking, with tight loops for runs of Hangul syllables and of ASCII.
  func counts(_ text: String) -> Counts {
    var text = text
    let asciiLetter = Self.asciiLetter
    return table.withUnsafeBufferPointer { table in text.withUTF8 { utf8 in
      var counter = Counter()
      guard let base = utf8.baseAddress else { return counter.total }
      var index = 0
      var count = min(utf8.count, Self.sampleBytes)
      // A sample that is all ASCII says nothing: a longer text is sampled from a little
      // before its first non-ASCII character instead.
      if count < utf8.count, !utf8[..<count].contains(where: { $0 >= 0x80 }),
        let first = utf8[count...].firstIndex(where: { $0 >= 0x80 })
      {
        index = first - 64
        count = min(utf8.count, index + Self.sampleBytes)
      }
      while index < count {
        let byte = utf8[index]
        if byte < 0x80 {
          counter.add(UInt32(byte), table)
          index += 1
          // The rest of an ASCII run: only letters and case matter, and a case change between
          // two ASCII letters is not counted.
          let runStart = index
          var letters = 0
          // Eight bytes at a time.
          while index &+ 8 <= count {
            let word = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self)
            guard word & 0x8080_8080_8080_8080 == 0 else { break }
            letters &+= UTF8Scalar.asciiLetters(in: word)
            index &+= 8
          }
          while index < count, utf8[index] < 0x80 {
            letters &+= Int(asciiLetter[Int(utf8[index])])
            index &+= 1
          }
          guard index > runStart else { continue }
          counter.counts.byClass[0] += index - runStart
          let last = table[Int(utf8[index - 1])]
          let lastLower = last & 0x80 != 0
          let lastKind = last & 0x3F
          if letters > 0 || lastKind != counter.previous {
            counter.counts.asciiLetters += letters
            counter.previousLetterLower = lastLower
            counter.previousNonASCII = false
            counter.previous = lastKind
            counter.lastWasHan = false
            counter.spaceAfterHan = false
          }
          continue
        }
        // (A character the sample's end cuts short counts as what its bytes there give.)
        let (scalar, length) = UTF8Scalar.decode(base, count: count, at: index)
        counter.add(scalar, table)
        index += length
        // The rest of a run of two-byte letters of one class (Cyrillic, Greek, Hebrew,
        // Arabic, …): what `add` does for each, without the checks that cannot apply.
        if length == 2, scalar >= 0x370, Counter.isRunLetter(counter.runKind) {
          let kind = counter.runKind
          var letters = 0
          var caseChanges = 0
          var previousLower = counter.previousLetterLower
          while index &+ 1 < count, utf8[index] >= 0xC2, utf8[index] < 0xE0, utf8[index &+ 1] & 0xC0 == 0x80 {
            let next = UInt32(utf8[index] & 0x1F) << 6 | UInt32(utf8[index &+ 1] & 0x3F)
            let entry = table[Int(next)]
            guard entry & 0x3F == kind, next >= 0x370 else { break }
            if entry & 0x40 != 0 && previousLower { caseChanges &+= 1 }
            previousLower = entry & 0x80 != 0
            letters &+= 1
            index &+= 2
          }
          counter.runLength &+= letters
          counter.counts.nonASCII &+= letters
          counter.counts.caseChanges &+= caseChanges
          counter.previousLetterLower = previousLower
          continue
        }
        // The rest of a run of Hangul syllables (lead bytes EA–ED).
        guard scalar >= 0xAC00 && scalar <= 0xD7A3 else { continue }
        var common = 0
        var rare = 0
        while index + 2 < count, (0xEA...0xED).contains(utf8[index]) {
          let next = UInt32(utf8[index] & 0x0F) << 12 | UInt32(utf8[index + 1] & 0x3F) << 6 | UInt32(utf8[index + 2] & 0x3F)
          guard next >= 0xAC00 && next <= 0xD7A3 else { break }
          if table[Int(next)] == Class.hangulCommon.rawValue { common += 1 } else { rare += 1 }
          index += 3
        }
        counter.counts.nonASCII += common + rare
        counter.counts.byClass[Int(Class.hangulCommon.rawValue)] += common
        counter.counts.byClass[Int(Class.hangulRare.rawValue)] += rare
      }
      return counter.total
    } }
  }

  func counts(_ scalars: [Unicode.Scalar]) -> Counts {
    table.withUnsafeBufferPointer { table in
      var counter = Counter()
      for scalar in scalars { counter.add(scalar.value, table) }
      return counter.total
    }
  }

  /// One pass of counting, scalar by scalar.
  struct Counter {
    /// Classes whose letters `counts` takes in runs: none of `add`'s checks but case applies.
    @inline(__always)
    static func isRunLetter(_ kind: UInt8) -> Bool {
      kind == Class.cyrillic.rawValue || kind == Class.greek.rawValue || kind == Class.otherLetter.rawValue
    }

    @inline(__always)
    static func isSyllable(_ kind: UInt8) -> Bool {
      kind == Class.hangulCommon.rawValue || kind == Class.hangulRare.rawValue || kind == Class.hanCommon.rawValue
        || kind == Class.hanRare.rawValue
    }

    /// Planes 1–16: CJK extensions are rare Han; emoji and other symbols are symbols;
    /// letters of historic scripts and mathematical letters are other letters; unassigned
    /// code points are bad.
    static func supplementaryClass(_ value: UInt32) -> UInt8 {
      if (0x20000..<0x40000).contains(value) { return Class.hanRare.rawValue }
      guard let scalar = Unicode.Scalar(value) else { return Class.bad.rawValue }
      switch scalar.properties.generalCategory {
      case .unassigned, .privateUse, .surrogate: return Class.bad.rawValue
      case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return Class.otherLetter.rawValue
      default: return Class.symbol.rawValue
      }
    }

    var counts = Counts()
    /// The class of the characters just added and how many in a row, not yet in `counts`
    /// (adding one to memory per character waits on the addition before).
    var runKind: UInt8 = 0
    var runLength = 0
    /// The counts, with the current run.
    var total: Counts {
      var total = counts
      total.byClass[Int(runKind)] += runLength
      return total
    }
    var previous: UInt8 = 0
    var previousLetterLower = false
    var previousNonASCII = false
    /// The previous character was a Latin letter, an odd symbol or a currency sign.
    var previousLatinOrOdd = false
    var spaceAfterHan = false
    var lastWasHan = false

    @inline(__always)
    mutating func add(_ value: UInt32, _ table: UnsafeBufferPointer<UInt8>) {
      let entry: UInt8 = value < 0x10000 ? table[Int(value)] : Self.supplementaryClass(value)
      let kind = entry & 0x3F
      let upper = entry & 0x40 != 0
      let lower = entry & 0x80 != 0
      if value >= 0x80 { counts.nonASCII += 1 }
      if kind == runKind {
        runLength &+= 1
      } else {
        counts.byClass[Int(runKind)] += runLength
        runKind = kind
        runLength = 1
      }
      if kind == Class.ascii.rawValue && (upper || lower) { counts.asciiLetters += 1 }
      // Only changes that involve a non-ASCII letter: "iPhone" is the same in every charset.
      if upper && previousLetterLower && (value >= 0x80 || previousNonASCII) { counts.caseChanges += 1 }
      previousLetterLower = lower
      previousNonASCII = value >= 0x80
      let latinOrOdd = kind == Class.latin.rawValue || kind == Class.oddSymbol.rawValue || (0xA2...0xA5).contains(value)
      if latinOrOdd && previousLatinOrOdd { counts.latinAdjacent += 1 }
      previousLatinOrOdd = latinOrOdd
      let isHan = kind == Class.hanCommon.rawValue || kind == Class.hanRare.rawValue
      if isHan && spaceAfterHan { counts.hanSpaceHan += 1 }
      if (isHan || kind == Class.hangulCommon.rawValue || kind == Class.hangulRare.rawValue) && !Self.isSyllable(previous) {
        counts.syllableRuns += 1
      }
      spaceAfterHan = value == 0x20 && lastWasHan
      lastWasHan = isHan
      previous = kind
    }
  }

  /// 0–1: how plausible the text is as real writing.
  func score(_ text: String) -> Double {
    score(counts(text))
  }

  func score(_ c: Counts) -> Double {
    if c.nonASCII == 0 { return c.count(.bad) > 0 ? 0 : 1 }
    let n = Double(c.nonASCII)
    let hangul = Double(c.count(.hangulCommon) + c.count(.hangulRare) + c.count(.jamo))
    let han = Double(c.count(.hanCommon) + c.count(.hanRare))
    let kana = Double(c.count(.kana) + c.count(.kanaHalfwidth))
    let cyrillic = Double(c.count(.cyrillic))
    let greek = Double(c.count(.greek))
    let latin = Double(c.count(.latin))
    let other = Double(c.count(.otherLetter))
    let letters = hangul + han + kana + cyrillic + greek + latin + other

    var weighted = Double(c.count(.hangulCommon) + c.count(.hanCommon) + c.count(.kana))
    weighted += cyrillic + greek + latin + Double(c.count(.punctuation))
    weighted += 0.7 * other + 0.5 * Double(c.count(.symbol) + c.count(.jamo))
    // Syllables outside KS X 1001 (CP949's extension) count a quarter: rare in news, yet
    // real; a wrong Korean charset yields mostly these.
    weighted += 0.25 * Double(c.count(.hangulRare))
    weighted -= Double(c.count(.hanRare) + c.count(.kanaHalfwidth) + c.count(.oddSymbol))
    weighted -= 4 * Double(c.count(.bad))
    var score = weighted / n

    if letters > 0 {
      // Letters outside the dominant writing system (with its usual companions).
      let dominant = max(hangul, han, kana, cyrillic, greek, latin, other)
      var native = dominant
      if dominant == hangul {
        // Hanja are rare in Korean prose today, and Korean words are short.
        native += min(han, 0.1 * hangul)
        let syllables = hangul + han
        let averageRun = Double(syllables) / Double(max(1, c.syllableRuns))
        if syllables >= 16 { score -= min(1, max(0, (averageRun - 8) / 8)) }
      }
      if dominant == kana || (dominant == han && kana >= 0.05 * (han + kana)) { native = han + kana }
      score -= (letters - native) / letters
      if dominant == han && kana == 0 && han > 0 {
        score -= min(1, 4 * Double(c.hanSpaceHan) / han)
      }
      if dominant == latin && latin > 0 {
        score -= 0.8 * Double(c.latinAdjacent) / latin
      }
    }
    let caseLetters = Double(c.asciiLetters) + latin + cyrillic + greek
    if caseLetters > 0 { score -= min(1, 5 * Double(c.caseChanges) / caseLetters) }
    return min(1, max(0, score))
  }
}
