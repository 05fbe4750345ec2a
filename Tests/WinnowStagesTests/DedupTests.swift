import CMinHash
import Foundation
import Testing
import WinnowCore
import WinnowNative
import WinnowTestSupport
@testable import WinnowStages

/// xxHash64 against the published vectors, the vectorised MinHash against 128-bit arithmetic,
/// the banding against datasketch, and the stage's decisions on small corpora.
@Suite struct DedupHashTests {
  /// xxHash's own sanity buffer (xsum_sanity_check.c): byte i is the top byte of
  /// PRIME32 · PRIME64^i.
  static func sanityBuffer(_ count: Int) -> [UInt8] {
    var generator: UInt64 = 2_654_435_761
    return (0..<count).map { _ in
      defer { generator = generator &* 11_400_714_785_074_694_797 }
      return UInt8(generator >> 56)
    }
  }

  @Test func xxHash64MatchesThePublishedVectors() {
    let prime32: UInt64 = 2_654_435_761
    let buffer = Self.sanityBuffer(222)
    let vectors: [(Int, UInt64, UInt64)] = [
      (0, 0, 0xEF46_DB37_51D8_E999), (0, prime32, 0xAC75_FDA2_929B_17EF),
      (1, 0, 0xE934_A84A_DB05_2768), (1, prime32, 0x5014_6076_43A9_B4C3),
      (14, 0, 0x8282_DCC4_994E_35C8), (14, prime32, 0xC3BD_6BF6_3DEB_6DF0),
      (222, 0, 0xB641_AE8C_B691_C174), (222, prime32, 0x20CB_8AB7_AE10_C14A),
    ]
    for (length, seed, expected) in vectors {
      #expect(winnow_xxh64(buffer, length, seed) == expected, "length \(length) seed \(seed)")
    }
    let phrase = Array("Nobody inspects the spammish repetition".utf8)
    #expect(winnow_xxh64(phrase, phrase.count, 0) == 0xFBCE_A83C_8A37_8BF1)
  }

  /// Shingle hashes (the short-input path inlined in the loop, and the long one) equal
  /// one-shot xxHash64 of the same bytes for every length from 0 to 70.
  @Test func shingleHashesEqualOneShotXXHash64AtEveryLength() {
    let buffer = Self.sanityBuffer(2600)
    var starts: [Int32] = [0]
    for length in 0...70 { starts.append(starts.last! + Int32(length)) }
    let units = starts.count - 1
    for n in [1, 2] {
      var out = [UInt64](repeating: 0, count: units)
      let written = winnow_shingle_hashes(buffer, starts, units, Int32(n), 0, &out)
      #expect(written == units - n + 1)
      for k in 0..<written {
        let from = Int(starts[k])
        let to = Int(starts[k + n])
        #expect(out[k] == winnow_xxh64(Array(buffer[from..<to]), to - from, 0), "n \(n), bytes \(to - from)")
      }
    }
  }

  /// The eight-at-a-time shingle hashes (AVX-512 VBMI, when this CPU has it) equal the
  /// one-at-a-time loop and one-shot xxHash64 on text of 1- to 4-byte units, for shingles of 1
  /// to 8 units with and without a trimmed separator, texts of every length up to 40 units,
  /// shingles ending on the text's last byte, and groups that fall back (a unit of 40 bytes).
  @Test func eightShingleHashesAtOnceEqualTheLoop() {
    var generator = SplitMix64(seed: 31)
    var bytes: [UInt8] = []
    var starts: [Int32] = []
    for index in 0..<3000 {
      starts.append(Int32(bytes.count))
      let draw = generator.next()
      let width = index == 1500 ? 40 : [3, 3, 3, 3, 1, 1, 2, 4][Int(draw % 8)]
      for byte in 0..<width { bytes.append(UInt8(truncatingIfNeeded: draw >> (8 * UInt64(byte % 8)))) }
    }
    starts.append(Int32(bytes.count))
    func hashes(_ isa: String, from: Int, units: Int, n: Int, trim: Int) -> [UInt64]? {
      var out = [UInt64](repeating: 0, count: max(units, 1))
      var written = 0
      let ran = starts.withUnsafeBufferPointer { s in
        winnow_shingle_hashes_isa(isa, bytes, s.baseAddress! + from, units, Int32(n), Int32(trim), &out, &written)
      }
      return ran == 0 ? nil : Array(out.prefix(written))
    }
    var compared = 0
    for n in 1...8 {
      for trim in [0, 1] where !(n == 1 && trim == 1) {
        var cases = (0...40).map { (from: 100, units: $0) }
        cases += [(from: 3000 - 30, units: 30), (from: 0, units: 3000)]
        for (from, units) in cases {
          guard let loop = hashes("generic", from: from, units: units, n: n, trim: trim) else { continue }
          if units > 0 && units < 12 {
            let first = Int(starts[from]), last = Int(starts[from + min(n, units)]) - trim
            #expect(loop[0] == winnow_xxh64(Array(bytes[first..<last]), last - first, 0))
          }
          guard let vector = hashes("avx512vbmi", from: from, units: units, n: n, trim: trim) else { continue }
          #expect(vector == loop, "n \(n), trim \(trim), \(units) units from \(from)")
          compared += 1
        }
      }
    }
    #expect(compared == 0 || compared == 15 * 43)
  }

  @Test func vectorisedMinHashEqualsTheReferenceArithmetic() {
    let hasher = MinHasher(perms: 128, seed: 7)
    var generator = SplitMix64(seed: 99)
    for round in 0..<20 {
      var hashes = (0..<(round * 37 + 1)).map { _ in generator.next() }
      if round == 0 { hashes = [0, .max, MinHasher.prime, MinHasher.prime - 1, 1 << 61, (1 << 61) + 5] }
      var fast = [UInt64](repeating: .max, count: 128)
      var slow = fast
      winnow_minhash_update(hashes, hashes.count, hasher.a, hasher.b, 128, &fast)
      winnow_minhash_update_reference(hashes, hashes.count, hasher.a, hasher.b, 128, &slow)
      #expect(fast == slow, "round \(round) on \(String(cString: winnow_minhash_isa()))")
    }
    #expect(hasher.a.allSatisfy { $0 >= 1 && $0 < MinHasher.prime })
    #expect(hasher.b.allSatisfy { $0 < MinHasher.prime })
  }

  /// Every kernel this CPU runs (AVX-512, AVX2, two-lane) against the 128-bit reference, on
  /// permutation counts that leave remainders after the 4-vector blocks and after single
  /// vectors, hash counts either side of the 512-hash chunk, hashes at the edges of 2^61 − 1
  /// and of the 31-bit halves, and a and b at their extremes.
  @Test func everyKernelEqualsTheReferenceOnVariedShapes() {
    var generator = SplitMix64(seed: 2026)
    let edges: [UInt64] = [
      0, 1, .max, .max - 1, MinHasher.prime, MinHasher.prime - 1, MinHasher.prime + 1, 1 << 61, (1 << 61) + 5,
      (1 << 31) - 1, 1 << 31, (1 << 62) - 1, 1 << 63, 0x7FFF_FFFF_8000_0000, 2 * MinHasher.prime,
      1 << 60,  // with a = 2 and b = p − 1 (perms 13) the lanes' folded sum is p itself: residue 0
    ]
    var ran: Set<String> = []
    for perms in [1, 3, 8, 13, 32, 40, 64, 100, 128, 129, 256] {
      var hasher = MinHasher(perms: perms, seed: UInt64(perms))
      if perms == 13 {
        // a and b at their extremes: a in 1…p − 1, b in 0…p − 1.
        let extremeA: [UInt64] = [1, 2, MinHasher.prime - 1, MinHasher.prime - 2, (1 << 31) - 1, 1 << 31, 1 << 60]
        let extremeB: [UInt64] = [0, MinHasher.prime - 1, 1, 1 << 60]
        let a = (0..<perms).map { extremeA[$0 % extremeA.count] }
        let b = (0..<perms).map { extremeB[$0 % extremeB.count] }
        hasher = MinHasher(perms: perms, a: a, b: b)
      }
      for count in [1, 2, 15, 511, 512, 513, 1500] {
        var hashes = (0..<count).map { _ in generator.next() }
        for (index, edge) in edges.enumerated() where index < count { hashes[index * count / edges.count] = edge }
        var expected = [UInt64](repeating: .max, count: perms)
        winnow_minhash_update_reference(hashes, count, hasher.a, hasher.b, perms, &expected)
        for isa in ["avx512", "avx2", "generic"] {
          var mins = [UInt64](repeating: .max, count: perms)
          guard winnow_minhash_update_isa(isa, hashes, count, hasher.a, hasher.b, perms, &mins) != 0 else { continue }
          ran.insert(isa)
          #expect(mins == expected, "\(isa), \(perms) perms, \(count) hashes")
        }
        // Minima carried over from an earlier call are kept where they are smaller.
        var carried = expected.map { $0 / 2 }
        let before = carried
        winnow_minhash_update(hashes, count, hasher.a, hasher.b, perms, &carried)
        #expect(carried == zip(before, expected).map { min($0, $1) })
      }
    }
    #expect(ran.contains("generic") && ran.contains(String(cString: winnow_minhash_isa())))
  }

  /// Signatures of real text through the stage's path (normalize, xxHash64, the kernel chosen
  /// here) equal the reference arithmetic's, value for value.
  @Test func signaturesOfVariedTextsEqualTheReference() throws {
    let shingler = try Shingler(settings: ShingleSettings())
    let hasher = MinHasher(perms: 128, seed: 1)
    let texts = [
      "", "a", "abcd", "abcde", "서울 시내 버스 요금이 다음 달부터 오른다.",
      String(repeating: "한국어 뉴스 기사 본문입니다. Korean news body text, 2026. ", count: 60),
      String((0..<3000).map { Character(Unicode.Scalar(0xAC00 + ($0 * 7919) % 11172)!) }),
      "Ünïcödé ΚΑΛΗΜΕΡΑ Привет 🎉🎉🎉 mixed scripts and emoji",
    ]
    for text in texts {
      let hashes = shingleHashes(text, shingler)
      var mins: [UInt64] = []
      var signature: [UInt8] = []
      hasher.signature(hashes, mins: &mins, into: &signature)
      var expected = [UInt64](repeating: .max, count: 128)
      if !hashes.isEmpty { winnow_minhash_update_reference(hashes, hashes.count, hasher.a, hasher.b, 128, &expected) }
      let values = signatureWords(signature)
      #expect(values == expected.map { UInt32(truncatingIfNeeded: $0) }, "\(text.prefix(20))")
    }
  }

  /// A lane's folded sum can be p itself (or up to p + 7), whose residue is 0 (up to 7): the
  /// vector kernels find such a lane by its largest value and redo the block exactly. Here a = 1
  /// with h = 1 and a = 2 with h = 2^60, both with b = p − 1, give p: every kernel's minimum is 0.
  @Test func aSumEqualToThePrimeIsZeroInEveryKernel() {
    let perms = 40
    let a = (0..<perms).map { UInt64($0 % 2 == 0 ? 1 : 2) }
    let b = [UInt64](repeating: MinHasher.prime - 1, count: perms)
    var generator = SplitMix64(seed: 5)
    for count in [2, 600] {
      var hashes = (0..<count).map { _ in generator.next() }
      hashes[count / 2 - 1] = 1
      hashes[count / 2] = 1 << 60
      var expected = [UInt64](repeating: .max, count: perms)
      winnow_minhash_update_reference(hashes, count, a, b, perms, &expected)
      #expect(expected == [UInt64](repeating: 0, count: perms))
      for isa in ["avx512", "avx2", "generic"] {
        var mins = [UInt64](repeating: .max, count: perms)
        guard winnow_minhash_update_isa(isa, hashes, count, a, b, perms, &mins) != 0 else { continue }
        #expect(mins == expected, "\(isa), \(count) hashes")
      }
    }
  }

  /// The default signature (char5, xxHash64, 128 permutations of SplitMix64 seed 1) of a fixed
  /// text, value for value: the numbers come from a Python transcription of the definition
  /// (harness/corpus/dedup.py's normalization, xxHash64 and (a·h + b) mod (2^61 − 1) in
  /// Python's integers), not from winnow. A change to the normalization, the hash, the
  /// permutations or a kernel that alters any signature fails here.
  @Test func defaultSignatureOfAFixedTextIsUnchanged() throws {
    let text = "서울 시내 버스 요금이 다음 달부터 오른다. Seoul's BUS fares rise — 2026년 3월. "
      + String((0..<700).map { Character(Unicode.Scalar(0xAC00 + ($0 * 7919) % 11172)!) })
    let expected: [UInt32] = [
      2206513592, 3462644142, 1063359687, 280940365, 220397749, 884044817, 1291878887, 584610325,
      4063310952, 3421612173, 382767069, 437676826, 1968157929, 2495477400, 2106455982, 3287932029,
      438431829, 3574274315, 1299773835, 3115976177, 1873019815, 2080687400, 3078647259, 1182449595,
      4142025564, 1218149331, 3166376262, 1205296420, 3752915481, 2037624076, 1323553104, 1478599241,
      4008508272, 2689034291, 3015932247, 700990554, 338301252, 2490721152, 2305881205, 2094909556,
      3050533012, 1498130611, 4107506818, 1600380970, 697122782, 2914675581, 3012796367, 327041650,
      3055038342, 1150303595, 3698790753, 1802391522, 3067553617, 2112010666, 3884150917, 3312397906,
      1071337837, 1403538216, 974142496, 3935444329, 476736944, 3003493738, 4001338873, 3192297390,
      1682237457, 859188822, 3413975501, 362250631, 4290118344, 1991103959, 839351267, 3574191681,
      1077555209, 2557852389, 674032532, 1900815981, 1841405588, 437353096, 3571519877, 2937978867,
      1019070806, 2379950520, 2363135224, 2622431028, 4029117503, 2436355252, 2512194266, 858900487,
      71327927, 2939459111, 3380803403, 1833814036, 3595238402, 1103269432, 2675478314, 3264965062,
      1776018167, 522760671, 832676643, 250164217, 110977204, 1482496205, 488776886, 2379366788,
      1755935060, 2175601060, 894098638, 452143040, 3465630384, 1451041385, 1344932207, 2592773931,
      2939155507, 2212968326, 49624731, 3830488217, 1159957297, 2568045045, 1206221178, 3409669809,
      455702156, 1884486058, 2672682727, 2120066801, 1785232241, 806538752, 852974101, 45954985
    ]
    let shingler = try Shingler(settings: ShingleSettings())
    var mins: [UInt64] = []
    var signature: [UInt8] = []
    MinHasher(perms: 128, seed: 1).signature(shingleHashes(text, shingler), mins: &mins, into: &signature)
    let values = signatureWords(signature)
    #expect(values == expected)
  }

  /// One-permutation hashing: the share of equal positions estimates the Jaccard similarity
  /// of sets large and small (densified bins included), identical sets give identical
  /// signatures, one shingle fills every bin with its value, and the seed changes the bins.
  @Test func onePermutationHashingEstimatesJaccard() {
    let hasher = MinHasher(perms: 128, seed: 1, scheme: .oph)
    var generator = SplitMix64(seed: 77)
    func signature(_ hashes: [UInt64], _ h: MinHasher = hasher) -> [UInt32] { h.ophSignature(hashes) }
    for (size, jaccard) in [(2000, 0.8), (2000, 0.5), (2000, 0.2), (800, 0.9), (60, 0.7)] {
      // |A ∩ B| = shared, |A ∪ B| = size: J = shared / size.
      let shared = Int(Double(size) * jaccard)
      let common = (0..<shared).map { _ in generator.next() }
      let onlyA = (0..<((size - shared) / 2)).map { _ in generator.next() }
      let onlyB = (0..<(size - shared - onlyA.count)).map { _ in generator.next() }
      let truth = Double(shared) / Double(shared + onlyA.count + onlyB.count)
      let x = signature(common + onlyA)
      let y = signature(onlyB + common)
      let estimate = x.withUnsafeBufferPointer { xs in y.withUnsafeBufferPointer { ys in
        MinHasher.similarity(xs.baseAddress!, ys.baseAddress!, perms: 128)
      } }
      #expect(abs(estimate - truth) < 0.12, "size \(size), J \(truth): estimated \(estimate)")
    }
    let set = (0..<500).map { _ in generator.next() }
    #expect(signature(set) == signature(set.reversed() + set))
    #expect(signature([]) == [UInt32](repeating: .max, count: 128))
    let one = signature([42])
    #expect(Set(one).count == 1 && one[0] != .max)
    #expect(signature(set) != signature(set, MinHasher(perms: 128, seed: 2, scheme: .oph)))
  }

  @Test func permutationsDependOnlyOnTheSeed() {
    #expect(MinHasher(perms: 64, seed: 1).a == MinHasher(perms: 64, seed: 1).a)
    #expect(MinHasher(perms: 64, seed: 1).a != MinHasher(perms: 64, seed: 2).a)
    // SplitMix64's first outputs for seed 0 (Vigna's reference implementation).
    var generator = SplitMix64(seed: 0)
    #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
    #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
  }

  /// datasketch 1.6's _optimal_param(0.8, 128, 0.5, 0.5) is (9, 13) and with weights
  /// (0.05, 0.95) (16, 8) (run in the bench's virtualenv).
  @Test func bandsAndRowsAreChosenAsDatasketchDoes() {
    #expect(LSHParameters.optimal(threshold: 0.8, perms: 128, falsePositiveWeight: 0.5) == (9, 13))
    // The same answers as datasketch's plain search (every b and r, each integral point by
    // point), over thresholds, permutation counts and weights.
    func reference(_ threshold: Double, _ perms: Int, _ weight: Double) -> (bands: Int, rows: Int) {
      func integrate(_ from: Double, _ to: Double, _ f: (Double) -> Double) -> Double {
        let h = (to - from) / 200
        var sum = f(from) + f(to)
        for index in 1..<200 { sum += f(from + Double(index) * h) * (index % 2 == 1 ? 4 : 2) }
        return sum * h / 3
      }
      var best = (bands: 1, rows: perms)
      var bestError = Double.infinity
      for bands in 1...perms {
        for rows in 1...(perms / bands) {
          let p = LSHParameters.pow1
          let error = integrate(0, threshold) { 1 - p(1 - p($0, rows), bands) } * weight
            + integrate(threshold, 1) { p(1 - p($0, rows), bands) } * (1 - weight)
          if error < bestError { (bestError, best) = (error, (bands, rows)) }
        }
      }
      return best
    }
    for threshold in [0.5, 0.7, 0.8, 0.85, 0.9] {
      for perms in [16, 64, 128, 256] {
        for weight in [0.05, 0.5, 0.8] {
          #expect(LSHParameters.optimal(threshold: threshold, perms: perms, falsePositiveWeight: weight) == reference(threshold, perms, weight),
                  "\(threshold) \(perms) \(weight)")
        }
      }
    }
    #expect(LSHParameters.optimal(threshold: 0.8, perms: 128, falsePositiveWeight: 0.05) == (16, 8))
    #expect(abs(LSHParameters.candidateProbability(0.85, bands: 16, rows: 8) - 0.994) < 0.001)
  }
}

@Suite struct DedupShingleTests {
  func normalized(_ text: String, _ settings: ShingleSettings = ShingleSettings()) throws -> String {
    var out = NormalizedText()
    try Shingler(settings: settings).normalize(text, into: &out)
    return String(decoding: out.bytes, as: UTF8.self)
  }

  @Test func defaultNormalizationDropsSpacePunctuationAndCase() throws {
    #expect(try normalized("Hello, World!  서울\u{3000}“시청” 123.") == "helloworld서울시청123")
    var digits = ShingleSettings()
    digits.digits = true
    #expect(try normalized("2025년 1월", digits) == "0000년0월")
    var keepSpaces = ShingleSettings()
    keepSpaces.whitespace = false
    #expect(try normalized(" 서울  시청 \n 앞 ", keepSpaces) == "서울 시청 앞")
    #expect(try normalized("ÀÉ ΣΑ Ж") == "àéσαж")
  }

  /// The one-pass C normalization (`winnow_normalize`) against the Swift one, scalar by
  /// scalar, for every combination of options, on text in several scripts with case pairs
  /// whose UTF-8 lengths differ, spaces and punctuation runs at the ends, digits, and scalars
  /// beyond the BMP (which the C pass hands back).
  @Test func oneNormalizationPassEqualsTheScalarLoop() throws {
    let texts = [
      "", " ", "...", "a", "a,b", "x y", "1.5", "가,나 다", "Hello, World!  서울\u{3000}“시청” 123.", "  leading and trailing  ", "ÀÉ ΣΑ Ж Ⱥ Ȿ İ K Å",
      "시는 24일 시청에서 기자회견을 열고, 심야버스 노선을 늘리겠다고 밝혔다!!", "\u{1C}\u{1F}tab\there\r\nnew line",
      "١٢٣ ٤٥٦ — «quoted» ‘single’ (paren) [bracket] {brace} – dash", "漢字と仮名、カタカナ。", "한국어 🎉 emoji",
      String(repeating: "Mixed 한국어 TEXT, 2026年 ", count: 40),
    ]
    var cases = 0
    for bits in 0..<32 {
      var settings = ShingleSettings()
      settings.casefold = bits & 1 != 0
      settings.punctuation = bits & 2 != 0
      settings.digits = bits & 4 != 0
      settings.whitespace = bits & 8 != 0
      settings.unit = bits & 16 != 0 ? .word : .char
      let shingler = try Shingler(settings: settings)
      for text in texts {
        var slow = NormalizedText()
        let slowScalars = shingler.normalizeScalars(text, into: &slow)
        var fast = NormalizedText()
        guard let fastScalars = shingler.normalizeStable(text, nfc: nil, into: &fast) else {
          #expect(text.unicodeScalars.contains { $0.value >= 0x1_0000 }, "\(text) handed back")
          continue
        }
        cases += 1
        #expect(fastScalars == slowScalars, "\(bits) \(text)")
        #expect(fast.bytes == slow.bytes, "\(bits) \(text)")
        #expect(fast.starts == slow.starts, "\(bits) \(text)")
      }
    }
    #expect(cases > 300)
  }

  /// With the NFC table, text that is not NFC (a decomposed syllable, a combining mark, a
  /// singleton that NFC replaces) is handed back to be composed first; NFC text is not.
  @Test func oneNormalizationPassHandsBackTextThatIsNotNFC() throws {
    let nfc = try ICUNormalizer(form: .nfc)
    let shingler = try Shingler(settings: ShingleSettings())
    var out = NormalizedText()
    for text in ["서울 시청", "café", "Ωmega", "plain ASCII, 2026."] {
      #expect(nfc.isNormalized(text))
      #expect(shingler.normalizeStable(text, nfc: nfc, into: &out) != nil, "\(text)")
    }
    for text in ["\u{1109}\u{1165}\u{110B}\u{116E}\u{11AF}", "cafe\u{301}", "\u{2126}mega", "Kelvin \u{212A}"] {
      #expect(!nfc.isNormalized(text))
      #expect(shingler.normalizeStable(text, nfc: nfc, into: &out) == nil, "\(text)")
    }
  }

  /// The C radix sort's sets (`appendSortedDistinct`) equal the Swift ones, for sizes either
  /// side of its insertion-sort cut-off, with repeats, keys sharing bytes, and 64-bit hashes
  /// whose high halves differ but low halves repeat.
  @Test func sortedDistinctSetsAgreeWithTheSwiftSort() {
    var generator = SplitMix64(seed: 5)
    for count in [0, 1, 2, 31, 32, 33, 100, 1000, 5000] {
      for shape in 0..<3 {
        let hashes: [UInt64] = (0..<count).map { index in
          let random = generator.next()
          switch shape {
          case 0: return random
          case 1: return (random & 0xFFFF_0000_0000_0000) | UInt64(index % 97)  // repeats, high halves differ
          default: return 0x1234_5600 | (random & 0xFF)  // three bytes shared by every key
          }
        }
        var out: [UInt8] = [9, 9]
        let written = ShingleSet.appendSortedDistinct(hashes, to: &out)
        let expected = ShingleSet.sortedDistinct(hashes)
        #expect(written == expected.count, "\(count) shape \(shape)")
        #expect(out.count == 2 + 4 * written && out.prefix(2) == [9, 9])
        let values = stride(from: 2, to: out.count, by: 4).map {
          UInt32(out[$0]) | UInt32(out[$0 + 1]) << 8 | UInt32(out[$0 + 2]) << 16 | UInt32(out[$0 + 3]) << 24
        }
        #expect(values == expected, "\(count) shape \(shape)")
      }
    }
  }

  @Test func charShinglesCoverEveryWindowAndShortTexts() throws {
    let shingler = try Shingler(settings: ShingleSettings())
    var text = NormalizedText()
    var hashes: [UInt64] = []
    shingler.normalize("가나다라마바", into: &text)
    shingler.hashes(text, into: &hashes)
    #expect(hashes.count == 2)
    #expect(hashes[0] == winnow_xxh64(Array("가나다라마".utf8), 15, 0))
    shingler.normalize("가나", into: &text)
    shingler.hashes(text, into: &hashes)
    #expect(hashes == [winnow_xxh64(Array("가나".utf8), 6, 0)])
    shingler.normalize(" ... ", into: &text)
    shingler.hashes(text, into: &hashes)
    #expect(hashes.isEmpty)
  }

  /// xxHash32's published values (the same as Python's xxhash.xxh32_intdigest).
  @Test func xxHash32MatchesItsReferenceValues() {
    for (text, expected) in [("", UInt32(46_947_589)), ("a", 1_426_945_110), ("abc", 852_579_327),
                             ("Nobody inspects the spammish repetition", 3_794_352_943), ("한국어 문장", 1_953_505_296)] {
      #expect(winnow_xxh32(Array(text.utf8), text.utf8.count, 0) == expected, "\(text)")
    }
  }

  /// With affine32, mt19937 and xxh32, signatures are datasketch 2.0's: the permutations are
  /// numpy's RandomState(1) draws and the values are those datasketch printed for this text
  /// (MinHash(num_perm=128, hashfunc=xxhash.xxh32_intdigest, seed=1), update_batch over the
  /// char-5 shingles, UTF-8, of the text without its spaces, as the default normalization
  /// gives winnow).
  @Test func datasketchCompatibleSignaturesMatchDatasketch() throws {
    let hasher = MinHasher(perms: 128, seed: 1, scheme: .affine32, generator: .mt19937)
    #expect(Array(hasher.a32.prefix(4)) == [3_582_191_691, 4_270_784_983, 1_892_572_953, 3_715_639_441])
    #expect(Array(hasher.b32.prefix(4)) == [214_548_472, 3_287_733_501, 2_301_657_549, 194_758_406])
    let shingler = try Shingler(settings: ShingleSettings())
    var text = NormalizedText()
    var hashes: [UInt64] = []
    shingler.normalize("시는 24일 시청에서 기자회견을 열고 심야버스 노선을 늘리겠다고 밝혔다", into: &text)
    shingler.hashes(text, with: .xxh32, into: &hashes)
    var mins: [UInt64] = []
    var out: [UInt8] = []
    hasher.signature(hashes, mins: &mins, into: &out)
    let values = signatureWords(out)
    #expect(Array(values.prefix(8)) == [144_496_500, 85_691_451, 137_401_821, 96_108_858, 93_514_563, 384_515_717, 109_147_318, 52_731_532])
    #expect(values[127] == 55_319_077)
    // datasketch's default hash, sha1_hash32 (MinHash(num_perm=128, seed=1) printed these).
    shingler.hashes(text, with: .sha1_32, into: &hashes)
    #expect(hashes.first == 2_458_063_619)  // "시는24일"
    var sha1Signature: [UInt8] = []
    hasher.signature(hashes, mins: &mins, into: &sha1Signature)
    let sha1Values = signatureWords(sha1Signature)
    #expect(Array(sha1Values.prefix(6)) == [50_125_022, 81_568_730, 151_978_556, 101_880_370, 12_910_726, 7_865_642])
    #expect(sha1Values[127] == 252_617_070)
    shingler.hashes(text, with: .xxh32, into: &hashes)
    // The default scheme draws other permutations and gives other values.
    var other: [UInt8] = []
    MinHasher(perms: 128, seed: 1).signature(hashes, mins: &mins, into: &other)
    #expect(other != out)
  }

  @Test func mt19937NeedsAffine32AndA32BitSeed() throws {
    for (options, message) in [(["generator": OptionValue.string("mt19937")], "needs permutation"),
                               (["generator": .string("mt19937"), "permutation": .string("affine32"), "seed": .int(1 << 33)], "up to 4294967295")] {
      var values = StageOptions.defaults(for: DedupConfig.options).values
      for (key, value) in options { values[key] = value }
      do {
        _ = try DedupConfig(options: StageOptions(values))
        Issue.record("expected an error for \(options)")
      } catch {
        #expect(error.message.contains(message) || error.message.contains("mt19937"), "\(error.message)")
      }
    }
  }

  @Test func wordShinglesUseICUWords() throws {
    var settings = ShingleSettings()
    settings.unit = .word
    settings.size = 2
    let shingler = try Shingler(settings: settings)
    var text = NormalizedText()
    var hashes: [UInt64] = []
    shingler.normalize("The cat, the HAT!", into: &text)
    #expect(String(decoding: text.bytes, as: UTF8.self) == "the cat the hat")
    shingler.hashes(text, into: &hashes)
    #expect(hashes == ["the cat", "cat the", "the hat"].map { winnow_xxh64(Array($0.utf8), $0.utf8.count, 0) })
  }

  /// The estimate from 128 permutations is within four standard deviations of the true
  /// Jaccard similarity of the shingle sets, at several similarities.
  @Test func estimatedSimilarityTracksTheJaccardOfTheShingleSets() throws {
    let shingler = try Shingler(settings: ShingleSettings())
    let hasher = MinHasher(perms: 128, seed: 1)
    var generator = SplitMix64(seed: 5)
    let syllables = (0..<400).map { Character(Unicode.Scalar(0xAC00 + $0 * 27)!) }
    let base = String((0..<1500).map { _ in syllables[Int(generator.next() % 400)] })
    for editEvery in [1000, 60, 25, 12] {
      var edited = Array(base)
      for index in stride(from: 7, to: edited.count, by: editEvery) { edited[index] = "힣" }
      func signatureAndSet(_ text: String) -> ([UInt32], Set<UInt64>) {
        let hashes = shingleHashes(text, shingler)
        var mins: [UInt64] = []
        var bytes: [UInt8] = []
        hasher.signature(hashes, mins: &mins, into: &bytes)
        return (signatureWords(bytes), Set(hashes))
      }
      let (x, xs) = signatureAndSet(base)
      let (y, ys) = signatureAndSet(String(edited))
      let jaccard = Double(xs.intersection(ys).count) / Double(xs.union(ys).count)
      let estimate = x.withUnsafeBufferPointer { a in y.withUnsafeBufferPointer { b in MinHasher.similarity(a.baseAddress!, b.baseAddress!, perms: 128) } }
      let deviation = (jaccard * (1 - jaccard) / 128).squareRoot()
      #expect(abs(estimate - jaccard) <= 4 * deviation + 0.01, "every \(editEvery): Jaccard \(jaccard), estimate \(estimate)")
    }
  }

  @Test func shingleSetsAreSortedAndDistinct() {
    var generator = SplitMix64(seed: 3)
    for count in [0, 1, 2, 255, 1000] {
      let hashes = (0..<count).map { _ in generator.next() % 5000 | (generator.next() << 32) }
      let expected = Array(Set(hashes.map { UInt32(truncatingIfNeeded: $0) })).sorted()
      #expect(ShingleSet.sortedDistinct(hashes) == expected, "\(count) shingles")
    }
  }

  @Test func isoDatesBecomeSecondsSinceTheEpoch() {
    #expect(ISODate.seconds("1970-01-01") == 0)
    #expect(ISODate.seconds("2025-01-12T06:00:00+09:00") == ISODate.seconds("2025-01-11T21:00:00Z"))
    #expect(ISODate.seconds("2025-01-11T21:00:00Z") == 1_736_629_200)
    #expect(ISODate.seconds("2025-01-12T06:00+09:00") == 1_736_629_200)
    #expect(ISODate.seconds("2024-02-29") == 1_709_164_800)
    #expect(ISODate.seconds("어제") == nil)
  }
}

/// The stage through the runner: a small corpus with exact copies, near copies, and distinct
/// stories on the same topic.
@Suite struct DedupStageTests {
  @Test func pairsLinesTakeEveryUnsignedSixtyFourBitNumberAndNothingElse() {
    func number(_ text: String) -> UInt64? { DedupStage.decimal(ArraySlice(text.utf8)) }
    #expect(number("0") == 0)
    #expect(number("007") == 7)
    #expect(number("9223372036854775808") == 1 << 63)
    #expect(number("18446744073709551615") == .max)
    #expect(number("18446744073709551616") == nil)
    #expect(number("99999999999999999999") == nil)
    #expect(number("") == nil)
    #expect(number("12a") == nil)
    #expect(number("-1") == nil)
    #expect(number(" 1") == nil)
  }

  static let story = """
    서울시는 다음 달부터 시내버스 요금을 조정한다고 밝혔다. 시는 운송 원가가 크게 오른 데다 \
    적자가 누적돼 요금 인상이 불가피하다고 설명했다. 교통카드 기준 일반 요금은 이번 조정으로 \
    일정 금액 오르며, 청소년과 어린이 요금도 함께 조정된다. 시는 환승 할인 제도는 그대로 유지하고 \
    심야 버스 노선을 늘리는 등 서비스 개선 방안도 함께 내놓았다. 시민단체는 물가 부담이 커지는 \
    시기에 공공요금을 올리는 것은 서민 생활을 어렵게 한다며 재검토를 요구했다.
    """
  static let otherStory = """
    부산의 한 항구에서 새로운 여객선 터미널이 문을 열었다. 터미널은 연간 수십만 명의 승객을 \
    처리할 수 있도록 설계됐으며, 대기 공간과 편의 시설이 크게 늘었다. 항만공사는 섬 주민들의 \
    이동 편의가 좋아지고 관광객 유치에도 도움이 될 것으로 기대한다고 밝혔다. 개장 첫날에는 \
    지역 주민과 관광객 수백 명이 터미널을 찾아 시설을 둘러봤다.
    """

  func run(_ records: [(id: String, text: String, extra: String)], options: String = "{}", jobs: Int = 2) throws
    -> (clean: [[String: Any]], rejects: [[String: Any]], summary: RunSummary, raw: String)
  {
    let directory = try TemporaryDirectory()
    let lines = records.map { record -> String in
      let text = String(data: try! JSONSerialization.data(withJSONObject: record.text, options: .fragmentsAllowed), encoding: .utf8)!
      return "{\"id\":\"\(record.id)\",\"text\":\(text)\(record.extra)}"
    }
    try directory.write("in/feed.jsonl", lines.joined(separator: "\n") + "\n")
    let file = try directory.write(
      "pipe.yaml", "version: 1\ninput: {path: in}\noutput: {path: out/clean.jsonl}\nstages:\n  - decode: {}\n  - dedup: \(options)\n")
    let pipeline = try ConfigLoader(registry: BuiltinStages.registry).load(file: file)
    let summary = try Runner(pipeline: pipeline, options: RunOptions(jobs: jobs, batchDocuments: 2)).run()
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/out")
    #expect(leftovers.sorted() == ["clean.jsonl", "clean.rejects.jsonl"], "scratch files left: \(leftovers)")
    return (
      try readJSONLines(directory.path + "/out/clean.jsonl"), try readJSONLines(directory.path + "/out/clean.rejects.jsonl"), summary,
      try directory.read("out/clean.jsonl")
    )
  }

  var corpus: [(id: String, text: String, extra: String)] {
    let story = Self.story
    // A near copy: two phrases edited (Jaccard of the char 5-gram sets 0.86, by Python).
    let near = story.replacingOccurrences(of: "심야 버스 노선을 늘리는 등", with: "심야 노선을 늘리는 등")
      .replacingOccurrences(of: "일정 금액 오르며", with: "100원 오르며")
    // Same topic, different story: shares one sentence.
    let sameTopic = "서울시는 다음 달부터 시내버스 요금을 조정한다고 밝혔다. 이에 대해 경기도와 인천시는 수도권 통합 요금 체계에 미칠 영향을 검토하고 있다며, 협의 없이 발표된 인상안에 유감을 나타냈다. 두 지자체는 다음 주 실무 협의를 열 계획이다."
    return [
      ("a", story, ",\"published\":\"x\""),
      ("b", Self.otherStory, ""),
      ("a-copy", "  " + story.replacingOccurrences(of: ". ", with: ".\n\n") + " ", ""),
      ("a-near", near, ""),
      ("topic", sameTopic, ""),
      ("b-copy", Self.otherStory.uppercased(), ""),
    ]
  }

  @Test func copiesCollapseToTheFirstAndDistinctStoriesSurvive() throws {
    let (clean, rejects, summary, raw) = try run(corpus)
    #expect(clean.compactMap { $0["id"] as? String } == ["a", "b", "topic"])
    let dedup = clean.compactMap { $0["dedup"] as? [String: Any] }
    #expect(dedup.map { "\($0["cluster"]!) \($0["size"]!)" } == ["a 3", "b 2", "topic 1"])
    let dropped = rejects.map { "\($0["id"]!) \($0["stage"]!) \($0["reason"]!) \($0["kept"]!)" }
    #expect(dropped == ["a-copy dedup duplicate a", "a-near dedup near_duplicate a", "b-copy dedup duplicate b"])
    let near = try #require(rejects.first { $0["id"] as? String == "a-near" })
    let similarity = try #require(near["similarity"] as? Double)
    #expect(similarity >= 0.8 && similarity < 1)
    #expect((near["text"] as? String)?.hasPrefix("서울시는") == true)
    #expect((near["detail"] as? String)?.contains("(exact) with the kept document a") == true)
    // Kept records keep their field order: dedup right before sha256.
    #expect(raw.contains(#""dedup":{"cluster":"a","size":3},"sha256":""#))
    let stage = try #require(summary.stages.last)
    #expect(stage.input == 6 && stage.kept == 3 && stage.dropped == 3)
    #expect(stage.droppedByReason == ["duplicate": 2, "near_duplicate": 1])
    #expect(summary.kept == 3 && summary.rejected == 3)
  }

  @Test func sameOutputForAnyNumberOfJobs() throws {
    let one = try run(corpus, jobs: 1)
    let four = try run(corpus, jobs: 4)
    #expect(NSArray(array: one.clean) == NSArray(array: four.clean))
    #expect(NSArray(array: one.rejects) == NSArray(array: four.rejects))
  }

  @Test func exactOnlyAndNearOnly() throws {
    let exact = try run(corpus, options: "{near: false}")
    #expect(exact.clean.compactMap { $0["id"] as? String } == ["a", "b", "a-near", "topic"])
    let near = try run(corpus, options: "{exact: false}")
    // Exact copies are also near copies (similarity 1), still reported as duplicates.
    #expect(near.clean.compactMap { $0["id"] as? String } == ["a", "b", "topic"])
  }

  /// A ~ B and B ~ C but A and C far apart (exact Jaccard 0.86, 0.78, 0.67 at threshold
  /// 0.75, by Python): union-find joins all three, but C is not dropped for A, to which it is
  /// not similar: it is kept.
  @Test func chainsDoNotDropDocumentsFarFromTheKeptOne() throws {
    let b = Self.story.replacingOccurrences(of: "심야 버스 노선을 늘리는 등", with: "심야 노선을 늘리는 등")
      .replacingOccurrences(of: "일정 금액 오르며", with: "100원 오르며")
    let c = b.replacingOccurrences(of: "적자가 누적돼", with: "손실이 쌓여")
      .replacingOccurrences(of: "서민 생활을 어렵게 한다며", with: "시민 부담을 키운다며")
    let (clean, rejects, _, _) = try run([("a", Self.story, ""), ("b", b, ""), ("c", c, "")], options: "{threshold: 0.75}")
    #expect(clean.compactMap { $0["id"] as? String } == ["a", "c"])
    #expect(rejects.map { "\($0["id"]!) \($0["kept"]!) \($0["similarity"]!)" } == ["b a 0.865"])
    #expect(clean.compactMap { ($0["dedup"] as? [String: Any])?["size"] as? Int } == [2, 1])
  }

  @Test func withoutShingleSetsCandidatesAreConfirmedByTheEstimate() throws {
    let (_, rejects, _, _) = try run(corpus, options: "{exact_jaccard_max_shingles: 0}")
    let near = try #require(rejects.first { $0["id"] as? String == "a-near" })
    #expect((near["detail"] as? String)?.contains("(estimated from signatures)") == true)
    let exact = try run(corpus)
    let exactNear = try #require(exact.rejects.first { $0["id"] as? String == "a-near" })
    #expect(exactNear["similarity"] as? Double == 0.865)
  }

  @Test func nfdCopiesAreCopiesAndPunctuationOnlyTextsAreNot() throws {
    let nfd = Self.story.decomposedStringWithCanonicalMapping
    let records: [(id: String, text: String, extra: String)] = [
      ("nfc", Self.story, ""), ("nfd", nfd, ""), ("dots", "!!! ??? ...", ""), ("dashes", "...---", ""),
    ]
    let (clean, rejects, _, _) = try run(records)
    #expect(clean.compactMap { $0["id"] as? String } == ["nfc", "dots", "dashes"])
    #expect(rejects.map { "\($0["id"]!) \($0["reason"]!)" } == ["nfd duplicate"])
  }

  /// More than 64 linked documents are decided along their pairs (linear), with the same
  /// result here as comparing all: 100 copies, the longest kept.
  @Test func largeGroupsAreDecidedAlongTheirPairs() throws {
    var records: [(id: String, text: String, extra: String)] = []
    for index in 0..<100 { records.append(("c\(index)", Self.story + String(repeating: " 끝", count: index % 7), "")) }
    let (clean, rejects, _, _) = try run(records, options: "{keep: longest}")
    #expect(clean.compactMap { $0["id"] as? String } == ["c6"])
    #expect((clean.first?["dedup"] as? [String: Any])?["size"] as? Int == 100)
    #expect(rejects.count == 99)
  }

  @Test func keepPolicies() throws {
    let story = Self.story
    let longer = story + " 시는 다음 주 공청회를 연다."
    let records: [(id: String, text: String, extra: String)] = [
      ("first", story, #","published":"2025-01-12T06:00:00+09:00""#),
      ("second", longer, #","published":"2025-01-11""#),
      ("third", story + " ", #","published":"2025-01-12T05:00:00+09:00""#),
    ]
    func kept(_ options: String) throws -> [String] {
      try run(records, options: options).clean.compactMap { $0["id"] as? String }
    }
    #expect(try kept("{}") == ["first"])
    #expect(try kept("{keep: longest}") == ["second"])
    #expect(try kept("{keep: earliest}") == ["second"])
  }

  @Test func keepEarliestFallsBackToInputOrderWithoutDates() throws {
    // Without metadata every published date is unknown: input order decides.
    let records: [(id: String, text: String, extra: String)] = [("x", Self.story, ""), ("y", Self.story + ".", "")]
    #expect(try run(records, options: "{keep: earliest}").clean.compactMap { $0["id"] as? String } == ["x"])
  }

  @Test func invalidOptionsAreRejectedWithTheirPlace() throws {
    let directory = try TemporaryDirectory()
    func errors(_ stages: String) throws -> String {
      let file = try directory.write("p.yaml", "version: 1\ninput: {path: .}\noutput: {path: o.jsonl}\nstages:\n\(stages)")
      do {
        _ = try ConfigLoader(registry: BuiltinStages.registry).load(file: file)
        return ""
      } catch {
        return error.description
      }
    }
    #expect(try errors("  - decode: {}\n  - dedup: {}\n  - normalize: {}\n").contains("p.yaml:6:5: error: [stages[1]] stage 'dedup' needs the whole corpus and must be the pipeline's last stage"))
    #expect(try errors("  - decode: {}\n  - dedup: {shingle: chr5}\n").contains("'chr5' is not a shingle"))
    #expect(try errors("  - decode: {}\n  - dedup: {bands: 20, rows: 8}\n").contains("bands × rows = 20 × 8"))
    #expect(try errors("  - decode: {}\n  - dedup: {exact: false, near: false}\n").contains("nothing to do"))
    #expect(try errors("  - decode: {}\n  - dedup: {keep: newest}\n").contains("newest"))
    #expect(try errors("  - decode: {}\n  - dedup: {shingle: word3, bands: 4}\n").isEmpty)
  }
}

/// The records file's layout: each field where `DedupRecord.Offset` says, read back through
/// those names by `MappedRecords`.
@Suite struct DedupRecordLayoutTests {
  @Test func fieldsAreWrittenAndReadAtTheirNamedOffsets() throws {
    let directory = try TemporaryDirectory()
    let perms = 8
    var records = DedupRecord.header(settings: "format=test\n", shard: Shard(index: 1, count: 3))
    let headerSize = records.count
    #expect(headerSize % 8 == 0)
    for index in 0..<2 {
      let start = records.count
      DedupRecord.appendFixed(
        ordinal: 41 + UInt64(index), exact: (low: 0x0102_0304_0506_0708, high: 0x1112_1314_1516_1718), published: -86_400,
        quality: 0.75, length: 1234, flags: DedupRecord.Flag.hasShingles, sideOffset: UInt64(8 * index), sideCount: 2, to: &records)
      #expect(records.count - start == DedupRecord.fixedBytes)
      for value in 0..<UInt32(perms) { DedupRecord.appendUInt32(value * 3, to: &records) }
      #expect(records.count - start == DedupRecord.size(perms: perms))
    }
    let recordsPath = try directory.write("records.bin", records)
    let sidePath = try directory.write("side.bin", [UInt8](repeating: 9, count: 16))
    let mapped = try MappedRecords(path: recordsPath, side: sidePath, recordSize: DedupRecord.size(perms: perms), expected: "format=test")
    #expect(mapped.count == 2)
    #expect(mapped.shard == Shard(index: 1, count: 3))
    #expect(mapped.ordinal(1) == 42)
    #expect(mapped.exact(0) == (0x0102_0304_0506_0708, 0x1112_1314_1516_1718))
    #expect(mapped.published(0) == -86_400)
    #expect(mapped.quality(0) == 0.75)
    #expect(mapped.length(0) == 1234)
    #expect(mapped.hasShingles(0) && !mapped.isEmptyText(0))
    #expect(mapped.sideSpan(1) == (8, 2))
    #expect(mapped.signature(1)[5] == 15)
    // The names agree with the raw bytes: the side offset field of record 1.
    let at = headerSize + DedupRecord.size(perms: perms) + DedupRecord.Offset.sideOffset
    #expect(records[at] == 8 && records[(at + 1)..<(at + 8)].allSatisfy { $0 == 0 })
  }
}

/// The hashes of a text's shingles under `shingler`, normalized as the dedup stage does.
func shingleHashes(_ text: String, _ shingler: Shingler) -> [UInt64] {
  var normalized = NormalizedText()
  shingler.normalize(text, into: &normalized)
  var hashes: [UInt64] = []
  shingler.hashes(normalized, into: &hashes)
  return hashes
}

/// A signature's 32-bit values, as stored (little-endian, four bytes each).
func signatureWords(_ bytes: [UInt8]) -> [UInt32] {
  stride(from: 0, to: bytes.count, by: 4).map {
    UInt32(bytes[$0]) | UInt32(bytes[$0 + 1]) << 8 | UInt32(bytes[$0 + 2]) << 16 | UInt32(bytes[$0 + 3]) << 24
  }
}
