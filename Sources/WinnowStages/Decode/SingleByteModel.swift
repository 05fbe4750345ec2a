import Foundation
import Synchronization
internal import CWinnowData
import WinnowNative

/// Ranks the single-byte code pages for bytes that are not UTF-8, by how much the text each
/// one gives reads like a language: letter-pair counts per language (pipelines/charsets/
/// letter-pairs.tsv, built by scripts/charset_model.py from CLDR's locale data and compiled
/// in), scored straight on the bytes.
///
/// Every single-byte page decodes almost any bytes, so a strict decode proves little; what
/// differs is which letters come out: "привет" in windows-1251 read as KOI8-R gives "ОПХБЕР",
/// as IBM866 box-drawing characters. The pairs the bytes form are counted once; each page
/// maps them to its letters and is scored under each language whose letters it can write
/// (mean log-probability per pair that involves a non-ASCII byte); the best language's score
/// is the page's.
struct SingleByteModel: Sendable {
  static let shared = SingleByteModel(
    tsv: {
      var length = 0
      guard let base = winnow_letter_pairs(&length) else { return [] }
      return Array(UnsafeBufferPointer(start: base, count: length))
    }())

  /// Score of a pair a language never has (relative to its own mean): a wrong page's letters
  /// mostly form such pairs.
  static let unseen = -8.0

  /// Token indices in every language's alphabet.
  static let boundary = 0, odd = 1, otherLetter = 2

  struct Language: Sendable {
    let code: String
    /// Letter (lower-cased scalar) → token index (3…).
    let alphabet: [UInt32: Int]
    let size: Int
    /// log P(pair) minus the mean log P of the language's own pairs (its negative entropy),
    /// size × size: 0 on average for the language's own text, whatever its alphabet, so
    /// scores compare across languages; unseen pairs get `unseen`.
    let logProbability: [Float]
    /// Non-ASCII letters with their share of the language's letter occurrences.
    let letterShares: [UInt32: Double]
  }

  struct Page: Sendable {
    let charset: Charset
    /// Scalar per byte; nil where the page leaves the byte undefined.
    let scalars: [UInt32?]
    /// Per byte: 1 lower-case letter, 2 upper-case letter, 0 neither. An upper-case letter
    /// right after a lower-case one ("rÚsumÚ") is a pair no language has.
    let letterCase: [UInt8]
    /// (language, token index per byte) for every language this page can write.
    let languages: [(language: Int, tokens: [UInt16])]
    /// The same tokens end to end (256 per language, in `languages` order), for `PairCounts.best`.
    let allTokens: [UInt16]
    /// Bytes 0x80–0xBF and 0xC0–0xFF the page defines, a bit each.
    let defined: (UInt64, UInt64)
  }

  /// Bytes 0x80–0xFF for which `test` holds, as bits (0x80 + i is bit i of the first word,
  /// 0xC0 + i of the second).
  static func highBits(_ test: (Int) -> Bool) -> (UInt64, UInt64) {
    var bits: (UInt64, UInt64) = (0, 0)
    for index in 0..<64 {
      if test(0x80 + index) { bits.0 |= 1 << UInt64(index) }
      if test(0xC0 + index) { bits.1 |= 1 << UInt64(index) }
    }
    return bits
  }

  let languages: [Language]
  let pages: [Page]
  /// Every language's `logProbability` end to end, and where each starts: `PairCounts.best`
  /// reads four languages' tables in one pass over the pairs.
  let allProbabilities: [Float]
  let probabilityStarts: [Int]

  init(tsv: [UInt8]) {
    var languages: [Language] = []
    var code = ""
    var total = 0.0
    var pairs: [(first: UInt32, second: UInt32, count: Double)] = []
    // Scalar (BMP) → token of the language being read, 0 when not yet seen; reset after each.
    var slots = [Int32](repeating: 0, count: 0x10000)
    func finish() {
      guard !code.isEmpty else { return }
      var order: [UInt32] = []  // the alphabet in first-seen order: token 3 + position
      var occurrences: [Double] = []
      var beyondBMP: [UInt32: Int] = [:]
      var lettersTotal = 0.0
      func token(_ scalar: UInt32) -> Int? {
        if scalar < 0x10000 { return slots[Int(scalar)] == 0 ? nil : Int(slots[Int(scalar)]) }
        return beyondBMP[scalar]
      }
      func note(_ scalar: UInt32, _ count: Double) {
        guard scalar != 0x5F && scalar != 0x23 else { return }
        let known = token(scalar) ?? {
          let new = 3 + order.count
          if scalar < 0x10000 { slots[Int(scalar)] = Int32(new) } else { beyondBMP[scalar] = new }
          order.append(scalar)
          occurrences.append(0)
          return new
        }()
        if scalar >= 0x80 {
          occurrences[known - 3] += count
          lettersTotal += count
        }
      }
      for (first, second, count) in pairs {
        note(first, count)
        note(second, count)
      }
      defer { for scalar in order where scalar < 0x10000 { slots[Int(scalar)] = 0 } }
      var alphabet: [UInt32: Int] = Dictionary(minimumCapacity: order.count)
      var letters: [UInt32: Double] = [:]
      for (position, scalar) in order.enumerated() {
        alphabet[scalar] = 3 + position
        if scalar >= 0x80 { letters[scalar] = occurrences[position] }
      }
      let size = 3 + alphabet.count
      var own = 0.0
      for (_, _, count) in pairs { own += count / total * Foundation.log(count / total) }
      var table = [Float](repeating: Float(Self.unseen), count: size * size)
      func index(_ scalar: UInt32) -> Int {
        scalar == 0x5F ? Self.boundary : scalar == 0x23 ? Self.odd : token(scalar) ?? Self.otherLetter
      }
      for (first, second, count) in pairs {
        let probability: Double = count / total
        table[index(first) * size + index(second)] = Float(max(Self.unseen, Foundation.log(probability) - own))
      }
      languages.append(Language(
        code: code, alphabet: alphabet, size: size, logProbability: table,
        letterShares: letters.mapValues { $0 / max(1, lettersTotal) }))
      pairs.removeAll()
    }
    // Read over the UTF-8 bytes, line by line and field by field, without making a String or
    // an array per line (the model is read once per process, when a pipeline with decode is built).
    tsv.withUnsafeBufferPointer { bytes in
      let tab: UInt8 = 0x09
      func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
      func number(_ range: Range<Int>) -> Double? {
        guard !range.isEmpty else { return nil }
        var value = 0.0
        for index in range {
          guard (0x30...0x39).contains(bytes[index]) else { return Double(text(range)) }
          value = value * 10 + Double(bytes[index] - 0x30)
        }
        return value
      }
      /// The two scalars of a pair field, nil unless it holds exactly two.
      func pair(_ range: Range<Int>) -> (UInt32, UInt32)? {
        var iterator = UnsafeBufferPointer(rebasing: bytes[range]).makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        guard case .valid(let first) = parser.parseScalar(from: &iterator),
          case .valid(let second) = parser.parseScalar(from: &iterator),
          case .emptyInput = parser.parseScalar(from: &iterator)
        else { return nil }
        return (Unicode.UTF8.decode(first).value, Unicode.UTF8.decode(second).value)
      }
      let language = Array("language".utf8)
      var lineStart = 0
      while lineStart < bytes.count {
        var lineEnd = lineStart
        while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
        defer { lineStart = lineEnd + 1 }
        guard lineEnd > lineStart, bytes[lineStart] != UInt8(ascii: "#") else { continue }
        // Exactly three fields.
        guard let firstTab = (lineStart..<lineEnd).first(where: { bytes[$0] == tab }),
          let secondTab = (firstTab + 1..<lineEnd).first(where: { bytes[$0] == tab }),
          !(secondTab + 1..<lineEnd).contains(where: { bytes[$0] == tab })
        else { continue }
        let head = lineStart..<firstTab, middle = firstTab + 1..<secondTab, last = secondTab + 1..<lineEnd
        if bytes[head].elementsEqual(language) {
          finish()
          code = text(middle)
          total = number(last) ?? 1
        } else if head.isEmpty, let count = number(last), let (first, second) = pair(middle) {
          pairs.append((first, second, count))
        }
      }
    }
    finish()
    self.languages = languages
    var starts: [Int] = []
    var all: [Float] = []
    for language in languages {
      starts.append(all.count)
      all += language.logProbability
    }
    allProbabilities = all
    probabilityStarts = starts

    // What each scalar is to the model (letter, non-letter token, case), read from its Unicode
    // properties once: most pages share most of their scalars (all of ASCII, at least).
    var properties: [UInt32: (letter: UInt32?, nonLetter: Int, letterCase: UInt8)] = [:]
    func properties(of value: UInt32) -> (letter: UInt32?, nonLetter: Int, letterCase: UInt8) {
      if let known = properties[value] { return known }
      var letterCase: UInt8 = 0
      if let scalar = Unicode.Scalar(value) {
        letterCase = scalar.properties.isLowercase ? 1 : scalar.properties.isUppercase ? 2 : 0
      }
      let entry = (Self.lowercase(value), Self.nonLetterToken(value), letterCase)
      properties[value] = entry
      return entry
    }
    // Each page's bytes as the model reads them: letter (lower-cased) or non-letter token.
    struct Draft {
      let charset: Charset
      let scalars: [UInt32?]
      let letters: [UInt32?]
      let nonLetterTokens: [Int]
      let letterCase: [UInt8]
      /// The letters the page can write, a bit per BMP code point (and a set beyond it).
      let writable: [UInt64]
      let writableBeyondBMP: Set<UInt32>
      func canWrite(_ scalar: UInt32) -> Bool {
        scalar < 0x10000 ? writable[Int(scalar >> 6)] & (1 << UInt64(scalar & 63)) != 0 : writableBeyondBMP.contains(scalar)
      }
    }
    var drafts: [Draft] = []
    for charset in Charsets.all where charset.kind == .singleByte && charset.decodeAs == nil {
      guard let scalars = Self.byteTable(charset) else { continue }
      let read = scalars.map { $0.map(properties(of:)) }
      let letters: [UInt32?] = read.map { $0?.letter }
      var writable = [UInt64](repeating: 0, count: 0x10000 / 64)
      var beyond: Set<UInt32> = []
      for letter in letters.compactMap({ $0 }) {
        if letter < 0x10000 { writable[Int(letter >> 6)] |= 1 << UInt64(letter & 63) } else { beyond.insert(letter) }
      }
      drafts.append(Draft(
        charset: charset, scalars: scalars, letters: letters, nonLetterTokens: read.map { $0?.nonLetter ?? Self.odd },
        letterCase: read.map { $0?.letterCase ?? 0 }, writable: writable, writableBeyondBMP: beyond))
    }
    // Language by language (its alphabet in `slots` for the time), each page it fits.
    var fits = [[(Int, [UInt16])]](repeating: [], count: drafts.count)
    for (number, language) in languages.enumerated() {
      for (scalar, token) in language.alphabet where scalar < 0x10000 { slots[Int(scalar)] = Int32(token) }
      defer { for scalar in language.alphabet.keys where scalar < 0x10000 { slots[Int(scalar)] = 0 } }
      func token(_ letter: UInt32) -> Int {
        letter < 0x10000 ? (slots[Int(letter)] == 0 ? Self.otherLetter : Int(slots[Int(letter)])) : language.alphabet[letter] ?? Self.otherLetter
      }
      for (position, draft) in drafts.enumerated() {
        // A page fits a language when it can write nearly all of its non-ASCII letters.
        let covered = language.letterShares.reduce(0.0) { $0 + (draft.canWrite($1.key) ? $1.value : 0) }
        guard covered >= 0.9 else { continue }
        var tokens = [UInt16](repeating: UInt16(Self.odd), count: 256)
        for byte in 0..<256 where draft.scalars[byte] != nil {
          tokens[byte] = UInt16(draft.letters[byte].map(token) ?? draft.nonLetterTokens[byte])
        }
        fits[position].append((number, tokens))
      }
    }
    var pages: [Page] = []
    for (position, draft) in drafts.enumerated() {
      let scalars = draft.scalars
      pages.append(Page(charset: draft.charset, scalars: scalars, letterCase: draft.letterCase, languages: fits[position],
        allTokens: fits[position].flatMap(\.1), defined: Self.highBits { scalars[$0] != nil }))
    }
    self.pages = pages
  }

  /// The scalar each byte decodes to, nil where undefined (or private use); bytes below 0x80
  /// are read as ASCII on pages ICU decodes (its DOS pages move a few control characters).
  static func byteTable(_ charset: Charset) -> [UInt32?]? {
    if let table = SingleByteTables.tables[charset.name] {
      return table.map { $0 == 0xFFFF ? nil : UInt32($0) }
    }
    guard let table = SingleByteDecoder.shared.tables[charset.name] else { return nil }
    return (0..<256).map { byte in
      if byte < 0x80 { return UInt32(byte) }
      let value = table.scalars[byte]
      return value == SingleByteDecoder.undefined || (0xE000...0xF8FF).contains(value) ? nil : value
    }
  }

  /// A letter's script as far as telling pages apart needs it (Latin, Greek, Cyrillic, else
  /// its 128-code-point block: Hebrew, Arabic, Thai, Georgian, …); nil for a non-letter.
  static func script(_ value: UInt32) -> UInt32? {
    guard lowercase(value) != nil else { return nil }
    switch value {
    case 0x41...0x24F, 0x1E00...0x1EFF: return 0
    case 0x370...0x3FF, 0x1F00...0x1FFF: return 1
    case 0x400...0x52F: return 2
    default: return value >> 7
    }
  }

  /// The letter token of a scalar (combining marks are letters, as Thai vowels are), or nil.
  static func lowercase(_ value: UInt32) -> UInt32? {
    guard let scalar = Unicode.Scalar(value) else { return nil }
    if scalar.properties.generalCategory == .nonspacingMark { return value }
    guard scalar.properties.isAlphabetic else { return nil }
    let lower = scalar.properties.lowercaseMapping.unicodeScalars.first?.value ?? value
    // Romanian s and t with cedilla or with comma below: one letter written two ways.
    return lower == 0x15F ? 0x219 : lower == 0x163 ? 0x21B : lower
  }

  /// The token a scalar is in a language, as scripts/charset_model.py reads text.
  static func token(_ value: UInt32, in language: Language) -> Int {
    if let lower = lowercase(value) {
      return language.alphabet[lower] ?? otherLetter
    }
    return nonLetterToken(value)
  }

  /// The token of a scalar that is not a letter: a boundary (ASCII, punctuation, spaces,
  /// currency signs, ordinary symbols) or odd (`oddSymbols`, mathematical symbols, the rest).
  static func nonLetterToken(_ value: UInt32) -> Int {
    if value < 0x80 { return boundary }
    guard let scalar = Unicode.Scalar(value) else { return odd }
    if ordinary.contains(value) { return boundary }
    if oddSymbols.contains(value) { return odd }
    switch scalar.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
      .finalPunctuation, .otherPunctuation, .spaceSeparator, .lineSeparator, .paragraphSeparator, .currencySymbol:
      return boundary
    default: return odd
    }
  }

  /// Punctuation and symbols of real text, with the modelled scripts' own punctuation
  /// (scripts/charset_model.py's ORDINARY).
  static let ordinary: Set<UInt32> = Set("\u{A0}«»‘’‚“”„‹›–—―…•·§©®°±×÷€£¥¢№™′″¡¿־׀׃׳״،؛؟๏๚๛".unicodeScalars.map(\.value))
  /// Typographic marks that running text rarely has and a wrong page puts inside words ("¶γιο"
  /// for "Άγιο"); mathematical symbols other than ± × ÷ are odd too (scripts/charset_model.py's ODD).
  static let oddSymbols: Set<UInt32> = Set("¤¶†‡‰‗".unicodeScalars.map(\.value))

  /// Most bytes read per document: enough pairs for the statistics.
  static let sampleBytes = 16 << 10

  /// Pages that decode every byte, best first, with their score (mean log-probability per
  /// pair that involves a non-ASCII byte); empty when the bytes are all ASCII.
  ///
  /// `top`: only the best `top` pages are needed (and page `including`, wherever it ranks).
  /// Every page is then first scored on the sample's first `screenPairs` distinct pairs, and
  /// only the `screenedPages` best of those (and `including`) on all of them; the scores
  /// returned are always over all pairs.
  ///
  /// `sameScriptAs`: only the pages that read the sample's most frequent non-ASCII byte as a
  /// letter of the script that page (named) reads it as, and that page: the ones that can
  /// give text as plausible as it does (a page of another script turns the same bytes into
  /// letters no plausible text has side by side).
  func rank(_ bytes: UnsafeBufferPointer<UInt8>, top: Int = .max, including: String? = nil, sameScriptAs: String? = nil)
    -> [(charset: Charset, score: Double)]
  {
    // From a little before the first non-ASCII byte: a long ASCII head says nothing.
    let firstHigh = bytes.firstIndex { $0 >= 0x80 } ?? bytes.count
    let start = max(0, firstHigh - 16)
    let count = min(bytes.count, start + Self.sampleBytes)
    // Pairs with a non-ASCII byte, ASCII non-letters folded into one (they are all boundaries).
    // The 256 KB table is reused (zeroed again pair by pair), not made and cleared per call.
    var counts = Self.countTables.withLock { $0.popLast() } ?? [UInt32](repeating: 0, count: 1 << 16)
    var keys: [Int] = []
    defer {
      for key in keys { counts[key] = 0 }
      Self.countTables.withLock { if $0.count < 64 { $0.append(counts) } }
    }
    /// The non-ASCII bytes that occur (the ones a page must decode); ASCII bytes are not all marked.
    var present = [Bool](repeating: false, count: 256)
    func folded(_ byte: Int) -> Int {
      byte < 0x80 && !((0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)) ? 0x20 : byte
    }
    var scored = 0
    // Through the tables' buffers: the loop runs once per byte of the sample.
    counts.withUnsafeMutableBufferPointer { counts in
      present.withUnsafeMutableBufferPointer { present in
        var previous = 0x20
        var index = start
        let raw = UnsafeRawPointer(bytes.baseAddress)
        while index < count {
          // Eight ASCII bytes after an ASCII one form no pair that counts: skipped at once.
          if previous < 0x80, index &+ 8 <= count, let raw,
            raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
          {
            index &+= 8
            previous = folded(Int(bytes[index &- 1]))
            continue
          }
          let byte = folded(Int(bytes[index]))
          present[byte] = true
          if byte >= 0x80 || previous >= 0x80 {
            let key = previous << 8 | byte
            if counts[key] == 0 { keys.append(key) }
            counts[key] &+= 1
            scored &+= 1
          }
          previous = byte
          index &+= 1
        }
      }
    }
    guard scored > 0 else { return [] }
    let pairs = PairCounts(keys: keys, counts: counts)
    // Pages that decode every byte present.
    let presentHigh = Self.highBits { present[$0] }
    var eligible = pages.indices.filter { position in
      let page = pages[position]
      return !page.languages.isEmpty && presentHigh.0 & ~page.defined.0 == 0 && presentHigh.1 & ~page.defined.1 == 0
    }
    if let sameScriptAs, let named = pages.first(where: { $0.charset.name == sameScriptAs }) {
      // The most frequent non-ASCII byte, by the pairs it is in.
      var inPairs = [UInt32](repeating: 0, count: 256)
      for key in keys {
        if key >> 8 >= 0x80 { inPairs[key >> 8] &+= counts[key] }
        if key & 0xFF >= 0x80 { inPairs[key & 0xFF] &+= counts[key] }
      }
      let byte = inPairs.indices.max { inPairs[$0] < inPairs[$1] } ?? 0
      if byte >= 0x80, let script = named.scalars[byte].flatMap(Self.script) {
        eligible = eligible.filter { pages[$0].charset.name == sameScriptAs || pages[$0].scalars[byte].flatMap(Self.script) == script }
      }
    }
    if top < .max, eligible.count > Self.screenedPages, keys.count > Self.screenPairs {
      // The pairs seen first (with their counts over the whole sample) say which pages read
      // like a language.
      let screen = PairCounts(keys: Array(keys.prefix(Self.screenPairs)), counts: counts)
      let estimates = eligible.map { position -> (position: Int, estimate: Float) in
        (position, screen.best(pages[position], self))
      }
      let kept = estimates.sorted { $0.estimate != $1.estimate ? $0.estimate > $1.estimate : $0.position < $1.position }
        .prefix(max(top, Self.screenedPages)).map(\.position)
      eligible = eligible.filter { kept.contains($0) || pages[$0].charset.name == including }
    }
    var ranked: [(Charset, Double, Int)] = []
    for position in eligible {
      ranked.append((pages[position].charset, Double(pairs.best(pages[position], self)) / Double(scored), position))
    }
    // Ties (pages that read these bytes alike) go to the earlier, more common page.
    let sorted = ranked.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.2 < $1.2 }.map { (charset: $0.0, score: $0.1) }
    guard sorted.count > top else { return sorted }
    var result = Array(sorted.prefix(top))
    if let including, let extra = sorted.dropFirst(top).first(where: { $0.charset.name == including }) { result.append(extra) }
    return result
  }

  /// Zeroed pair-count tables for `rank`, one per caller at a time.
  private static let countTables = Mutex<[[UInt32]]>([])

  /// Screening before the full score (see `rank`): pairs read, and pages kept.
  static let screenPairs = 96
  static let screenedPages = 8

  /// The pairs of a sample with their counts, in the order first seen: the sum over them is
  /// the same float, in the same order, as a plain loop over the counts table gives.
  struct PairCounts {
    let firsts: [UInt8]
    let seconds: [UInt8]
    let weights: [Float]

    init(keys: [Int], counts: [UInt32]) {
      firsts = keys.map { UInt8($0 >> 8) }
      seconds = keys.map { UInt8($0 & 0xFF) }
      weights = keys.map { Float(counts[$0]) }
    }

    /// Sum of count × log-probability over the pairs, for a page's tokens under a language;
    /// a lower-case letter followed by an upper-case one scores `unseen`.
    func sum(_ language: Language, tokens: [UInt16], letterCase: [UInt8]) -> Float {
      let size = language.size
      let unseen = Float(SingleByteModel.unseen)
      var sum: Float = 0
      language.logProbability.withUnsafeBufferPointer { table in
        tokens.withUnsafeBufferPointer { tokens in
          letterCase.withUnsafeBufferPointer { letterCase in
            firsts.withUnsafeBufferPointer { firsts in
              seconds.withUnsafeBufferPointer { seconds in
                weights.withUnsafeBufferPointer { weights in
                  for index in 0..<weights.count {
                    let first = Int(firsts[index])
                    let second = Int(seconds[index])
                    let value =
                      letterCase[first] == 1 && letterCase[second] == 2
                      ? unseen : table[Int(tokens[first]) &* size &+ Int(tokens[second])]
                    sum += weights[index] * value
                  }
                }
              }
            }
          }
        }
      }
      return sum
    }

    /// The page's best `sum` over the languages it writes, float for float: four languages'
    /// sums are taken in one pass over the pairs (each still added up pair by pair, in order),
    /// so a pair's bytes, count and case are read once for the four.
    func best(_ page: Page, _ model: SingleByteModel) -> Float {
      let unseen = Float(SingleByteModel.unseen)
      var best = -Float.infinity
      model.allProbabilities.withUnsafeBufferPointer { table in
        page.allTokens.withUnsafeBufferPointer { tokens in
          page.letterCase.withUnsafeBufferPointer { letterCase in
            firsts.withUnsafeBufferPointer { firsts in
              seconds.withUnsafeBufferPointer { seconds in
                weights.withUnsafeBufferPointer { weights in
                  func lane(_ index: Int) -> (start: Int, size: Int, tokens: Int) {
                    let language = page.languages[index].language
                    return (model.probabilityStarts[language], model.languages[language].size, index &* 256)
                  }
                  @inline(__always) func value(_ lane: (start: Int, size: Int, tokens: Int), _ first: Int, _ second: Int) -> Float {
                    table[lane.start &+ Int(tokens[lane.tokens &+ first]) &* lane.size &+ Int(tokens[lane.tokens &+ second])]
                  }
                  var group = 0
                  // The languages four at a time (three with a lane repeating the last), then
                  // one at a time.
                  while page.languages.count - group >= 3 {
                    let last = page.languages.count - 1
                    let (a, b, c, d) = (lane(group), lane(group + 1), lane(group + 2), lane(min(group + 3, last)))
                    var sums: (Float, Float, Float, Float) = (0, 0, 0, 0)
                    for index in 0..<weights.count {
                      let first = Int(firsts[index])
                      let second = Int(seconds[index])
                      let weight = weights[index]
                      if letterCase[first] == 1 && letterCase[second] == 2 {
                        sums.0 += weight * unseen
                        sums.1 += weight * unseen
                        sums.2 += weight * unseen
                        sums.3 += weight * unseen
                      } else {
                        sums.0 += weight * value(a, first, second)
                        sums.1 += weight * value(b, first, second)
                        sums.2 += weight * value(c, first, second)
                        sums.3 += weight * value(d, first, second)
                      }
                    }
                    best = max(best, sums.0, sums.1, sums.2, sums.3)
                    group += 4
                  }
                  while group < page.languages.count {
                    let a = lane(group)
                    var sum: Float = 0
                    for index in 0..<weights.count {
                      let first = Int(firsts[index])
                      let second = Int(seconds[index])
                      sum += weights[index] * (letterCase[first] == 1 && letterCase[second] == 2 ? unseen : value(a, first, second))
                    }
                    best = max(best, sum)
                    group += 1
                  }
                }
              }
            }
          }
        }
      }
      return best
    }
  }
}
