import Foundation
import WinnowCore
import WinnowNative

/// Bytes decoded to text, and how the charset was chosen.
struct DecodedText: Sendable {
  var text: String
  /// Non-ASCII characters in the text (how much evidence its plausibility rests on).
  var nonASCII = 0
  /// Reported charset name ("CP949", "EUC-KR", "UTF-8", …).
  var charset: String
  var confidence: Double
  /// Bad sequences replaced with U+FFFD.
  var substitutions: Int
  /// bom | utf8 | utf16 | iso2022 | declared | detected | fallback
  var evidence: String
  /// Stray NUL bytes removed before decoding.
  var nulsRemoved = 0
  /// UTF-16 of odd length (a file cut one byte short of a whole unit): the last byte dropped.
  var trailingByteDropped = false
}

/// Chooses a charset for raw bytes and decodes them. Order of evidence: byte-order mark;
/// NUL pattern of UTF-16/32; ISO-2022 escapes; strict UTF-8; an HTML page's declared
/// charset if the bytes really decode under it; then candidates (configured ones, the East
/// Asian multi-byte charsets, the single-byte pages the letter-pair model proposes), each
/// verified by a strict decode and ranked by plausibility.
struct CharsetDetector: Sendable {
  /// Tried on every document, in order of preference (ties go to the earlier one).
  let candidates: [Charset]
  let useDetector: Bool
  let trustDeclared: Bool
  let plausibility: TextPlausibility

  /// Plausibility at which a verified candidate is taken without trying the rest (on a text
  /// long enough for the figure to mean something).
  static let acceptAt = 0.97
  enum Failure: Error, Equatable {
    case binary(detail: String)
    case undetected(detail: String)
  }

  /// Below this plausibility a decode is garbage: the document is rejected rather than kept.
  static let minimumPlausibility = 0.5
  /// Rank bonus of configured candidates and a declared charset: the user's and the page's
  /// word, enough to decide short texts, never enough to beat a clearly more plausible one.
  static let configuredPrior = 0.3
  /// Most rank an East Asian charset gains by its everyday characters (`CJKCommonCharacters`).
  static let commonCharacterWeight = 0.15
  /// Single-byte pages the letter-pair model proposes (its best ones), and the rank each
  /// loses per nat of mean log-probability per pair below the best page.
  static let proposedPages = 3
  static let pairWeight = 0.3
  /// A declared single-byte page is taken at once when its letter pairs score within this
  /// many nats per pair of the best page (they differ by several when the page is wrong).
  static let declaredPairMargin = 0.5
  /// Non-ASCII characters a strict multi-byte decode must give to be taken below the
  /// plausibility floor (rare symbols, NEC or IBM extensions, historic characters).
  static let strictMultibyteEvidence = 64

  /// Plausibility measured on few characters says little: "뷁" is as plausible in
  /// Shift_JIS as in CP949. Ranking shrinks it by n / (n + 4) for n non-ASCII characters,
  /// so that on short texts the priors decide.
  static func reliability(nonASCII: Int) -> Double {
    Double(nonASCII) / Double(nonASCII + 4)
  }

  /// `declared`: a charset the transport declared (a WARC record's HTTP `Content-Type`),
  /// weighed as an HTML page's `<meta charset>` is, and before it.
  func decode(_ bytes: [UInt8], format: InputFormat, declared: String? = nil) -> Result<DecodedText, Failure> {
    bytes.withUnsafeBufferPointer { decode($0, format: format, declared: declared) }
  }

  func decode(_ bytes: UnsafeBufferPointer<UInt8>, format: InputFormat, declared: String? = nil) -> Result<DecodedText, Failure> {
    decodeRaw(bytes, format: format, declared: declared).map { decoded in
      guard Charsets.named(decoded.charset)?.kind != .unicode, let (text, count) = Self.replacingPrivateUse(decoded.text) else {
        return decoded
      }
      var repaired = decoded
      repaired.text = text
      repaired.substitutions += count
      return repaired
    }
  }

  /// Legacy converters map some undefined bytes to private-use code points (CP949's 0xFF
  /// becomes U+F8F7): those are bytes that did not decode, so they become U+FFFD and count.
  static func replacingPrivateUse(_ text: String) -> (String, Int)? {
    // U+E000–U+F8FF is EE 80 80 … EF A3 BF in UTF-8: one pass over the bytes.
    var copy = text
    let found = copy.withUTF8 { utf8 -> Bool in
      var index = 0
      let raw = UnsafeRawBufferPointer(utf8)
      while index < utf8.count {
        // Eight bytes at a time while none is EE or EF (one test: a byte with the bits of EE
        // set is EE, EF, FE or FF, and UTF-8 has no FE or FF).
        if index + 8 <= utf8.count {
          let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
          if !ByteSearch.has(word & 0xEEEE_EEEE_EEEE_EEEE, 0xEE) {
            index += 8
            continue
          }
        }
        let byte = utf8[index]
        if byte == 0xEE { return true }
        if byte == 0xEF, index + 1 < utf8.count, utf8[index + 1] <= 0xA3 { return true }
        index += 1
      }
      return false
    }
    guard found else { return nil }
    var count = 0
    var scalars = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if (0xE000...0xF8FF).contains(scalar.value) {
        scalars.append("\u{FFFD}")
        count += 1
      } else {
        scalars.append(scalar)
      }
    }
    return count > 0 ? (String(scalars), count) : nil
  }

  /// At most one NUL byte in this many is stray noise; more make a binary file.
  static let maxNULShare = 1000

  private func decodeRaw(_ bytes: UnsafeBufferPointer<UInt8>, format: InputFormat, declared transport: String? = nil) -> Result<DecodedText, Failure> {
    if let bom = decodeWithBOM(bytes) { return .success(bom) }

    let (hasNUL, ascii) = Self.scan(bytes)
    if hasNUL {
      if let wide = decodeWideWithoutBOM(bytes) { return .success(wide) }
      let nulCount = bytes.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
      // A few stray NULs in a text (a page saved through a broken proxy or editor) are
      // noise, as HTML parsers treat them: removed, counted, the rest decoded. Binary files
      // hold far more (one byte in 256 of random data).
      if nulCount * Self.maxNULShare <= bytes.count {
        let stripped = bytes.filter { $0 != 0 }
        return stripped.withUnsafeBufferPointer { rest in
          decodeRaw(rest, format: format, declared: transport).map { decoded in
            var decoded = decoded
            decoded.nulsRemoved = nulCount
            return decoded
          }
        }
      }
      return .failure(.binary(detail: "\(nulCount) NUL bytes, not UTF-16 or UTF-32"))
    }
    if ascii, bytes.contains(0x1B), let stateful = decodeISO2022(bytes) { return .success(stateful) }

    if let text = String(validating: bytes, as: UTF8.self) {
      return .success(DecodedText(text: text, charset: "UTF-8", confidence: 1, substitutions: 0, evidence: "utf8"))
    }

    // A few broken sequences among many valid ones (a string cut inside a character, one
    // pasted byte) are damage to UTF-8 text, not another charset: legacy single- and
    // double-byte text almost never forms valid UTF-8 sequences by chance.
    let tally = Self.utf8Tally(bytes)
    if tally.invalid > 0, tally.valid >= Self.minValidPerInvalid * tally.invalid {
      return .success(DecodedText(
        text: String(decoding: bytes, as: UTF8.self), charset: "UTF-8", confidence: 1, substitutions: tally.invalid, evidence: "utf8"))
    }

    var declared: Charset?
    if trustDeclared, let label = transport.flatMap(Charsets.named) ?? (format == .html ? declaredCharset(bytes) : nil) {
      let decoder = Charsets.decoder(for: label)
      if decoder.kind != .unicode {
        declared = decoder
        // Taken at once only when convincing (and, for a single-byte page, when the letter
        // pairs agree: pages re-encoded without their <meta> keep a stale one); a weaker
        // declared charset still counts as evidence (a prior) among the other candidates.
        if let text = strictDecode(bytes, decoder) {
          let score = plausibility.score(text)
          var agrees = true
          if decoder.kind == .singleByte && score >= Self.acceptAt {
            // Text this plausible is in the declared page's script: only pages of that script
            // can read it as well (the ranking of all pages is made if detection needs it).
            let ranking = SingleByteModel.shared.rank(
              bytes, top: Self.proposedPages, including: decoder.name, sameScriptAs: decoder.name)
            let own = ranking.first { $0.charset.name == decoder.name }?.score ?? -Double.infinity
            agrees = own >= (ranking.first?.score ?? 0) - Self.declaredPairMargin
          }
          if score >= Self.acceptAt && agrees {
            return .success(DecodedText(
              text: text, charset: reportedName(bytes, decodedAs: decoder), confidence: score, substitutions: 0,
              evidence: "declared"))
          }
        }
      }
    }
    if let detected = detect(bytes, declared: declared) { return .success(detected) }
    return .failure(.undetected(detail: "no candidate charset gives plausible text"))
  }

  /// Valid multi-byte UTF-8 sequences per invalid one for bytes to be read as damaged UTF-8.
  static let minValidPerInvalid = 50

  /// Valid multi-byte sequences, and invalid ones (each replaced by one U+FFFD), in bytes
  /// read as UTF-8. Stops early, with the counts so far, once the invalid ones are too many
  /// for the rest to make up `minValidPerInvalid` valid ones each (legacy text does so
  /// within a few lines).
  static func utf8Tally(_ bytes: UnsafeBufferPointer<UInt8>) -> (valid: Int, invalid: Int) {
    /// Bytes read so far, for the early stop.
    struct Counting: IteratorProtocol {
      var base: UnsafeBufferPointer<UInt8>.Iterator
      var read = 0
      mutating func next() -> UInt8? {
        read += 1
        return base.next()
      }
    }
    var valid = 0
    var invalid = 0
    var iterator = Counting(base: bytes.makeIterator())
    var parser = Unicode.UTF8.ForwardParser()
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let encoded): if encoded.count > 1 { valid += 1 }
      case .error:
        invalid += 1
        // At most one valid multi-byte sequence per two bytes left.
        if Self.minValidPerInvalid * invalid > valid + (bytes.count - iterator.read + 8) / 2 { return (valid, invalid) }
      case .emptyInput: return (valid, invalid)
      }
    }
  }

  /// Whether the bytes contain a NUL, and whether they are all ASCII: eight bytes at a time.
  static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> (hasNUL: Bool, ascii: Bool) {
    guard let base = bytes.baseAddress else { return (false, true) }
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    var zero: UInt64 = 0
    var high: UInt64 = 0
    var index = 0
    let words = bytes.count / 8
    let raw = UnsafeRawPointer(base)
    for word in 0..<words {
      let value = raw.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)
      zero |= (value &- ones) & ~value & highs
      high |= value & highs
    }
    index = words * 8
    var hasNUL = zero != 0
    var ascii = high == 0
    while index < bytes.count {
      if bytes[index] == 0 { hasNUL = true }
      if bytes[index] >= 0x80 { ascii = false }
      index += 1
    }
    return (hasNUL, ascii)
  }

  // MARK: evidence

  private func decodeWithBOM(_ bytes: UnsafeBufferPointer<UInt8>) -> DecodedText? {
    // Every mark starts with one of these bytes: most texts are ruled out at once.
    guard let first = bytes.first, first == 0xEF || first == 0xFF || first == 0x00 || first == 0xFE else { return nil }
    let boms: [([UInt8], String)] = [
      ([0xEF, 0xBB, 0xBF], "UTF-8"), ([0xFF, 0xFE, 0x00, 0x00], "UTF-32LE"), ([0x00, 0x00, 0xFE, 0xFF], "UTF-32BE"),
      ([0xFF, 0xFE], "UTF-16LE"), ([0xFE, 0xFF], "UTF-16BE"),
    ]
    for (mark, name) in boms where bytes.count >= mark.count && bytes.starts(with: mark) {
      let body = UnsafeBufferPointer(rebasing: bytes[mark.count...])
      guard let charset = Charsets.named(name) else { continue }
      if let text = strictDecode(body, charset) {
        return DecodedText(text: text, charset: name, confidence: 1, substitutions: 0, evidence: "bom")
      }
      if let (text, bad) = lenientDecode(body, charset) {
        return DecodedText(text: text, charset: name, confidence: 1, substitutions: bad, evidence: "bom")
      }
    }
    return nil
  }

  /// UTF-16 and UTF-32 without a byte-order mark: bytes with NULs whose length fits are
  /// decoded both ways and the more plausible text wins (ASCII puts the NULs on one side,
  /// but Hangul such as U+AC00 puts them on the other, so no fixed ratio decides).
  private func decodeWideWithoutBOM(_ bytes: UnsafeBufferPointer<UInt8>) -> DecodedText? {
    var names: [String] = []
    if bytes.count % 4 == 0 { names += ["UTF-32LE", "UTF-32BE"] }
    if bytes.count % 2 == 0 { names += ["UTF-16LE", "UTF-16BE"] }
    var best: DecodedText?
    for name in names {
      guard let charset = Charsets.named(name), let text = strictDecode(bytes, charset) else { continue }
      let score = plausibility.score(text)
      if score >= 0.5 && score > (best?.confidence ?? 0) {
        best = DecodedText(text: text, charset: name, confidence: score, substitutions: 0, evidence: "utf16")
      }
    }
    if best == nil, bytes.count % 2 == 1, bytes.count >= 3 { return decodeOddUTF16(bytes) }
    return best
  }

  /// Plausibility the rest of an odd-length text must reach to be read as UTF-16 without its
  /// last byte: only text that is clearly UTF-16, not binary data that happens to decode.
  static let oddUTF16AcceptAt = 0.9

  /// UTF-16 without a byte-order mark whose length is odd (cut one byte short): the bytes
  /// before the last, when they decode strictly and very plausibly; the drop is recorded.
  private func decodeOddUTF16(_ bytes: UnsafeBufferPointer<UInt8>) -> DecodedText? {
    let whole = UnsafeBufferPointer(rebasing: bytes[..<(bytes.count - 1)])
    var best: DecodedText?
    for name in ["UTF-16LE", "UTF-16BE"] {
      guard let charset = Charsets.named(name), let text = strictDecode(whole, charset) else { continue }
      let score = plausibility.score(text)
      if score >= Self.oddUTF16AcceptAt && score > (best?.confidence ?? 0) {
        best = DecodedText(text: text, charset: name, confidence: score, substitutions: 0, evidence: "utf16", trailingByteDropped: true)
      }
    }
    return best
  }

  private func decodeISO2022(_ bytes: UnsafeBufferPointer<UInt8>) -> DecodedText? {
    let escapes: [([UInt8], String)] = [
      ([0x1B, 0x24, 0x29, 0x43], "ISO-2022-KR"), ([0x1B, 0x24, 0x42], "ISO-2022-JP"), ([0x1B, 0x24, 0x40], "ISO-2022-JP"),
    ]
    for (escape, name) in escapes where contains(bytes, escape) {
      guard let charset = Charsets.named(name), let text = strictDecode(bytes, charset) else { continue }
      return DecodedText(text: text, charset: name, confidence: plausibility.score(text), substitutions: 0, evidence: "iso2022")
    }
    return nil
  }

  /// `<meta charset=…>` or `<meta http-equiv=… content="…; charset=…">` in the first 4 KiB,
  /// else the encoding an XML declaration at the start names (`<?xml version="1.0"
  /// encoding="Big5"?>`: feeds, XHTML).
  func declaredCharset(_ bytes: UnsafeBufferPointer<UInt8>) -> Charset? {
    metaCharset(bytes) ?? xmlEncoding(bytes)
  }

  /// The `encoding` of an XML declaration that opens the bytes (after white space).
  func xmlEncoding(_ bytes: UnsafeBufferPointer<UInt8>) -> Charset? {
    func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
    var start = 0
    while start < min(bytes.count, 256), isSpace(bytes[start]) { start += 1 }
    let head = Array(bytes[start..<min(bytes.count, start + 256)])
    guard head.starts(with: Array("<?xml".utf8)), let close = firstIndex(of: Array("?>".utf8), in: head, from: 5),
      let found = firstIndex(of: Array("encoding".utf8), in: Array(head[..<close]), from: 5)
    else { return nil }
    var cursor = found + 8
    func skipSpace() { while cursor < close, isSpace(head[cursor]) { cursor += 1 } }
    skipSpace()
    guard cursor < close, head[cursor] == UInt8(ascii: "=") else { return nil }
    cursor += 1
    skipSpace()
    guard cursor < close, head[cursor] == UInt8(ascii: "\"") || head[cursor] == UInt8(ascii: "'") else { return nil }
    let quote = head[cursor]
    cursor += 1
    guard let end = head[cursor..<close].firstIndex(of: quote), end > cursor else { return nil }
    return Charsets.named(String(decoding: head[cursor..<end], as: UTF8.self))
  }

  private func metaCharset(_ bytes: UnsafeBufferPointer<UInt8>) -> Charset? {
    let count = min(bytes.count, 4096)
    let head = [UInt8](unsafeUninitializedCapacity: count) { lowered, initialized in
      for index in 0..<count {
        let byte = bytes[index]
        lowered[index] = byte &- 0x41 < 26 ? byte | 0x20 : byte
      }
      initialized = count
    }
    let needle: StaticString = "charset"
    var index = 0
    func next() -> Int? {
      head.withUnsafeBufferPointer { haystack in
        ByteSearch.find(haystack, UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount), from: index)
      }
    }
    while let found = next() {
      index = found + needle.utf8CodeUnitCount
      // Only inside a <meta …> tag.
      guard let open = head[..<found].lastIndex(of: UInt8(ascii: "<")),
        head[open...].starts(with: Array("<meta".utf8)),
        !head[open..<found].contains(UInt8(ascii: ">"))
      else { continue }
      var cursor = index
      while cursor < head.count, head[cursor] == 0x20 || head[cursor] == 0x09 { cursor += 1 }
      guard cursor < head.count, head[cursor] == UInt8(ascii: "=") else { continue }
      cursor += 1
      while cursor < head.count, [0x20, 0x09, UInt8(ascii: "\""), UInt8(ascii: "'")].contains(head[cursor]) { cursor += 1 }
      var end = cursor
      while end < head.count, head[end] > 0x20, ![UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ";"), UInt8(ascii: ">"), UInt8(ascii: "/")].contains(head[end]) {
        end += 1
      }
      if end > cursor, let charset = Charsets.named(String(decoding: head[cursor..<end], as: UTF8.self)) { return charset }
    }
    return nil
  }

  /// Verified candidates ranked by plausibility and priors.
  private func detect(_ bytes: UnsafeBufferPointer<UInt8>, declared: Charset?) -> DecodedText? {
    var order: [(charset: Charset, prior: Double)] = []
    func add(_ charset: Charset, prior: Double) {
      let decoder = Charsets.decoder(for: charset)
      // UTF-8 already failed; wide and stateful encodings were handled by their own evidence.
      guard decoder.kind != .unicode, decoder.kind != .stateful else { return }
      if let index = order.firstIndex(where: { $0.charset.name == decoder.name }) {
        order[index].prior = max(order[index].prior, prior)
      } else {
        order.append((decoder, prior))
      }
    }
    // Candidates are checked on a prefix (`checkPrefix`); `complete` says the text is whole.
    var ranked: [(decoded: DecodedText, rank: Double, charset: Charset, complete: Bool, clean: Bool)] = []
    var tried: Set<String> = []
    /// Whether verified East Asian charsets gain rank by their everyday characters.
    var scoreCommonCharacters = false
    /// Decodes ranked[index] whole: false (and the entry removed) when the rest fails.
    func complete(_ index: Int) -> Bool {
      if ranked[index].complete { return true }
      guard let text = strictDecode(bytes, ranked[index].charset) else {
        ranked.remove(at: index)
        return false
      }
      ranked[index].decoded.text = text
      ranked[index].complete = true
      return true
    }
    /// Verifies the candidates not yet tried; true when one is plausible enough to stop.
    func verify() -> Bool {
      for (position, entry) in order.enumerated() where !tried.contains(entry.charset.name) {
        tried.insert(entry.charset.name)
        guard let (text, whole) = check(bytes, entry.charset) else { continue }
        let counts = plausibility.counts(text)
        let score = plausibility.score(counts)
        // The name reported (EUC-KR or CP949, …) is worked out for the one that wins.
        var decoded = DecodedText(text: text, charset: entry.charset.name, confidence: score, substitutions: 0, evidence: "detected")
        decoded.nonASCII = counts.nonASCII
        // Priors (configured, declared, the pair model's distance), an East Asian charset's
        // everyday characters, and the earliest candidate wins ties.
        let weight = Self.reliability(nonASCII: counts.nonASCII)
        var bonus = 0.0
        var convincing = true
        if scoreCommonCharacters, CJKCommonCharacters.languages[entry.charset.name] != nil {
          let common = commonCharacters(text, entry.charset)
          bonus = common.bonus
          convincing = common.convincing
        }
        ranked.append(
          (decoded, weight * score + entry.prior + bonus - 0.0001 * Double(position), entry.charset, whole, counts.count(.bad) == 0))
        // Stop early only on a long enough text (32+ non-ASCII characters: weight ≥ 0.89).
        if convincing && score >= Self.acceptAt && weight >= 0.88 && complete(ranked.count - 1) { return true }
      }
      return false
    }
    // Configured candidates first: on a corpus of known charsets one of them verifies and
    // nothing else is tried.
    if let declared { add(declared, prior: Self.configuredPrior) }
    for charset in candidates { add(charset, prior: Self.configuredPrior) }
    var accepted = verify()
    if !accepted && useDetector {
      // The East Asian multi-byte charsets join; each gains rank by how much of its text is
      // its language's everyday characters (several often decode the same bytes, and the
      // plausibility of each alone says little between them). One is taken early only when
      // nearly all its characters are everyday ones; single-byte text rarely decodes under
      // them at all (a high byte before a space or an odd one at a word's end breaks them).
      scoreCommonCharacters = true
      for index in ranked.indices { ranked[index].rank += commonCharacters(ranked[index].decoded.text, ranked[index].charset).bonus }
      for charset in Self.detectable { add(charset, prior: 0) }
      accepted = verify()
    }
    if !accepted {
      // Single-byte pages: the letter-pair model proposes its best few, each losing rank by
      // how far its pairs fall below the best page's; a declared page keeps its prior.
      let ranking = SingleByteModel.shared.rank(bytes, top: Self.proposedPages, including: declared?.name)
      if let best = ranking.first?.score {
        for (position, page) in ranking.enumerated() {
          let isDeclared = page.charset.name == declared?.name
          guard position < Self.proposedPages || isDeclared else { continue }
          let prior = (isDeclared ? Self.configuredPrior : 0) - Self.pairWeight * (best - page.score)
          if let index = order.firstIndex(where: { $0.charset.name == page.charset.name }) {
            order[index].prior = prior
            tried.remove(page.charset.name)
            ranked.removeAll { $0.charset.name == page.charset.name }
          } else {
            order.append((page.charset, prior))
          }
        }
      }
      accepted = verify()
    }
    // The leader, checked on its prefix, counts once its whole text decodes.
    while let index = ranked.indices.max(by: { ranked[$0].rank < ranked[$1].rank }), !complete(index) {}
    let leader = ranked.max { $0.rank < $1.rank }
    if !accepted && (leader.map { $0.decoded.confidence < Self.minimumPlausibility || !$0.clean } ?? true) {
      // Nothing convincing and clean (free of control characters and of the private-use code
      // points converters give undefined sequences) leads: every multi-byte charset not tried
      // (EUC-TW, Big5-HKSCS, …) gets its strict decode; most fail within a few bytes.
      for charset in Charsets.all where charset.kind == .multibyte && charset.decodeAs == nil { add(charset, prior: 0) }
      accepted = verify()
    }
    ranked.sort { $0.rank > $1.rank }
    // The winner, and the runner-up its margin is measured against, decode whole.
    while !ranked.isEmpty, !complete(0) {}
    while ranked.count > 1, !complete(1) {}
    // The plausibility floor holds once there is enough text to judge (8+ non-ASCII
    // characters); below that the ranking's priors decide.
    // A multi-byte charset that decodes many sequences strictly is evidence enough on its
    // own (random bytes break every multi-byte charset within a few characters).
    if let first = ranked.first, first.decoded.confidence >= Self.minimumPlausibility || first.decoded.nonASCII < 8
      || (first.charset.kind == .multibyte && first.decoded.nonASCII >= Self.strictMultibyteEvidence)
    {
      var best = first.decoded
      best.charset = reportedName(bytes, decodedAs: first.charset)
      if ranked.count > 1 {
        let margin = ranked[0].rank - ranked[1].rank
        best.confidence = max(0, best.confidence - max(0, 0.5 * (0.2 - margin)))
      }
      return best
    }
    // Nothing decodes cleanly into plausible text: decode every multi-byte candidate (and
    // UTF-8) with replacement characters and take the most plausible, each U+FFFD costing
    // plausibility; garbage from a single-byte charset does not count.
    var best = ranked.first.map { first in
      var decoded = first.decoded
      decoded.charset = reportedName(bytes, decodedAs: first.charset)
      return (decoded, decoded.confidence)
    }
    var fallbacks = order.map(\.charset).filter { $0.kind == .multibyte }
    if let utf8 = Charsets.named("UTF-8") { fallbacks.insert(utf8, at: 0) }
    for charset in fallbacks {
      guard let (text, bad) = lenientDecode(bytes, charset), bad > 0 else { continue }
      let scalars = max(1, text.unicodeScalars.count)
      let rank = plausibility.score(text) - 4 * Double(bad) / Double(scalars)
      if rank > (best?.1 ?? -Double.infinity) {
        best = (DecodedText(text: text, charset: charset.name, confidence: max(0, min(1, rank)), substitutions: bad, evidence: "fallback"), rank)
      }
    }
    guard let (decoded, rank) = best, rank >= Self.minimumPlausibility else { return nil }
    return decoded
  }

  // MARK: decoding

  private enum StrictResult { case success(String), failure(Int) }

  /// The East Asian multi-byte charsets tried when no candidate convinced (as winnow decodes them).
  static let detectable: [Charset] = ["CP949", "Shift_JIS", "EUC-JP", "GB18030", "Big5"].compactMap(Charsets.named)

  /// Rank an East Asian charset's text gains by its everyday characters: up to
  /// `commonCharacterWeight` when all are everyday ones, steeply less as the share falls (the right
  /// charset's is 0.93 or more), nothing at 0.84, and as much lost when none is (a character
  /// or two of another standard's layout between Latin letters is no evidence for it); less
  /// on few characters. `convincing` when the share (0.9+, on 32+ characters) is enough to
  /// take the charset without trying the others.
  private func commonCharacters(_ text: String, _ charset: Charset) -> (bonus: Double, convincing: Bool) {
    guard let language = CJKCommonCharacters.languages[charset.name] else { return (0, true) }
    let (share, count) = CJKCommonCharacters.shared.share(text, language)
    return (Self.commonCharacterWeight * Self.reliability(nonASCII: count) * (2 * pow(share, 4) - 1), share >= 0.9 && count >= 32)
  }

  /// Candidates are checked on at most this many bytes, cut after a byte below 0x30 (no
  /// multi-byte charset here uses one inside a character). No charset gives fewer than half
  /// a UTF-8 byte per byte, so the text covers plausibility's whole sample and scores as the
  /// whole text would; only the winner is then decoded whole.
  static let checkPrefix = 2 * TextPlausibility.sampleBytes + 4096

  /// The text of a strict decode of the bytes' prefix (or of all of them, `whole`), nil when
  /// it fails.
  private func check(_ bytes: UnsafeBufferPointer<UInt8>, _ charset: Charset) -> (text: String, whole: Bool)? {
    if bytes.count > Self.checkPrefix {
      var cut = Self.checkPrefix
      while cut > Self.checkPrefix - 4096, bytes[cut - 1] >= 0x30 { cut -= 1 }
      if cut > Self.checkPrefix - 4096 {
        return strictDecode(UnsafeBufferPointer(rebasing: bytes[..<cut]), charset).map { ($0, false) }
      }
    }
    return strictDecode(bytes, charset).map { ($0, true) }
  }

  private func strictDecodeOrOffset(_ bytes: UnsafeBufferPointer<UInt8>, _ charset: Charset) -> StrictResult {
    if let table = DoubleByteDecoder.named(charset.name), let text = table.decode(bytes) { return .success(text) }
    if charset.kind == .singleByte, let table = SingleByteDecoder.shared.tables[charset.name] {
      switch SingleByteDecoder.decode(bytes, table) {
      case .success(let text): return .success(text)
      case .failure(let error): return .failure(error.offset)
      }
    }
    if charset.icuName == nil {
      if let decoded = Johab.decode(bytes, strict: true) { return .success(decoded.text) }
      return .failure(0)
    }
    guard let name = charset.icuName, let outcome = try? ICU.decode(bytes, charset: name, strict: true) else { return .failure(-1) }
    switch outcome {
    case .decoded(let text, _): return .success(text)
    case .invalid(let offset): return .failure(offset)
    }
  }

  private func strictDecode(_ bytes: UnsafeBufferPointer<UInt8>, _ charset: Charset) -> String? {
    if case .success(let text) = strictDecodeOrOffset(bytes, charset) { return text }
    return nil
  }

  private func lenientDecode(_ bytes: UnsafeBufferPointer<UInt8>, _ charset: Charset) -> (String, Int)? {
    if charset.icuName == nil {
      guard SingleByteTables.tables[charset.name] == nil else { return nil }
      return Johab.decode(bytes, strict: false)
    }
    guard let name = charset.icuName, case .decoded(let text, let bad)? = try? ICU.decode(bytes, charset: name, strict: false)
    else { return nil }
    return (text, bad)
  }

  /// The narrowest charset name that describes the bytes: "EUC-KR" when CP949's extensions
  /// are unused, "ISO-8859-1" when windows-1252's extra characters are.
  func reportedName(_ bytes: UnsafeBufferPointer<UInt8>, decodedAs charset: Charset) -> String {
    if let narrow = charset.narrowName { return bytes.contains { $0 >= 0x80 && $0 <= 0x9F } ? charset.name : narrow }
    switch charset.name {
    case "CP949": return fitsEUCKR(bytes) ? "EUC-KR" : "CP949"
    case "Shift_JIS": return usesCP932Extensions(bytes) ? "CP932" : "Shift_JIS"
    case "GB18030": return fitsEUCKR(bytes) ? "GB2312" : fitsGBK(bytes) ? "GBK" : "GB18030"
    default: return charset.name
    }
  }

  /// A two-byte character in a row only Microsoft's CP932 defines (NEC's row 13, the NEC- and
  /// IBM-selected extensions, user-defined rows): the bytes are CP932, not Shift_JIS.
  private func usesCP932Extensions(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var index = 0
    while index < bytes.count {
      let lead = bytes[index]
      if lead < 0x80 || (0xA1...0xDF).contains(lead) { index += 1; continue }
      if lead == 0x87 || lead >= 0xED { return true }
      index += 2
    }
    return false
  }

  /// No four-byte GB18030 sequence (a digit as second byte): the bytes are GBK.
  private func fitsGBK(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var index = 0
    while index < bytes.count {
      if bytes[index] < 0x80 { index += 1; continue }
      if index + 1 < bytes.count, (0x30...0x39).contains(bytes[index + 1]) { return false }
      index += 2
    }
    return true
  }

  private func fitsEUCKR(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var index = 0
    while index < bytes.count {
      let lead = bytes[index]
      if lead < 0x80 { index += 1; continue }
      guard lead >= 0xA1, lead <= 0xFE, index + 1 < bytes.count, bytes[index + 1] >= 0xA1, bytes[index + 1] <= 0xFE else {
        return false
      }
      index += 2
    }
    return true
  }

  private func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
    guard needle.count <= bytes.count else { return false }
    for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
      if bytes[start..<(start + needle.count)].elementsEqual(needle) { return true }
    }
    return false
  }

  private func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
    guard needle.count <= haystack.count, start <= haystack.count - needle.count else { return nil }
    for index in start...(haystack.count - needle.count) where haystack[index] == needle[0] {
      if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
    }
    return nil
  }
}
