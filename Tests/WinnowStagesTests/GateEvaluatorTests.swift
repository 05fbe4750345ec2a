import Testing
import WinnowCore
import WinnowNative
@testable import WinnowStages

/// The gates' own computations, against the plain definitions they shortcut.
@Suite struct GateEvaluatorTests {
  /// The script-share gate's letter count (with its ASCII and Hangul shortcuts) equals
  /// counting Unicode's Alphabetic scalars one by one, for every script and every BMP scalar
  /// (in blocks of 256, so that one block's error cannot hide another's) and a few beyond it;
  /// ASCII letters are Latin, as `quality` counts them.
  @Test func scriptLettersEqualTheAlphabeticPropertyForEveryScalar() {
    var blocks: [[Unicode.Scalar]] = stride(from: 0, to: 0x1_0000, by: 256).map { start in
      (start..<start + 256).compactMap { Unicode.Scalar(UInt32($0)) }
    }
    blocks.append([0x1_0000, 0x1_F600, 0x2_0000, 0x2_A700, 0x1_D400].compactMap { Unicode.Scalar(UInt32($0)) })
    for script in Script.allCases {
      for block in blocks {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: block)
        let letters = block.filter { $0.properties.isAlphabetic }
        let expected = (letters.count, letters.filter { script.contains($0.value) || ($0.isASCII && script == .latin) }.count)
        let measured = GateEvaluator.scriptLetters(String(text), script: script)
        #expect(measured.letters == expected.0 && measured.matching == expected.1, "\(script) U+\(String(block[0].value, radix: 16))")
        #expect(measured.scalars == block.count)
      }
    }
  }

  /// The valid-text gate's quick check, read in the same pass as the script's letters, and
  /// the normalizer's own (eight ASCII bytes at a time) both say what checking each scalar's
  /// stability one by one says: for every BMP block, beyond it, and around eight-byte runs.
  @Test func stabilityIsReadAsScalarByScalar() throws {
    for form in ICUNormalizer.Form.allCases {
      let normalizer = try ICUNormalizer(form: form)
      // The measure's byte-level Hangul loop rests on this (it looks syllables up otherwise).
      #expect(normalizer.syllablesStable == (0xAC00...0xD7A3).allSatisfy { normalizer.isStable(UInt32($0)) })
      #expect(normalizer.syllablesStable)
      var texts = ["", "plain ASCII, more than eight bytes", "한국어 café", "cafe\u{301}", "e\u{301}abcdefghij", "abcdefgh\u{301}",
                   "abcdefg\u{301}", "𝔘nicode", "\u{212B}", "가\u{11A8}", "ﬁ ligature", "full\u{FF21}width"]
      texts += stride(from: 0, to: 0x1_0000, by: 256).map { start in
        String(String.UnicodeScalarView((start..<start + 256).compactMap { Unicode.Scalar(UInt32($0)) }))
      }
      for text in texts {
        let plain = text.unicodeScalars.allSatisfy { normalizer.isStable($0.value) }
        #expect(normalizer.isNormalized(text) == plain, "\(form) \(text.unicodeScalars.first.map { String($0.value, radix: 16) } ?? "")")
        let measured = GateEvaluator.measure(text, script: .any, normalizer: normalizer)
        #expect(measured.stable == plain)
      }
    }
  }

  /// The near-duplicate gate takes over a run's dedup records only when the defaults would
  /// make the same records: bands, threshold and the exact check may differ, nothing else.
  @Test func nearDuplicateGateReusesOnlyRecordsTheDefaultsWouldMake() throws {
    func settings(_ values: [String: OptionValue]) throws -> [Substring] {
      var all = StageOptions.defaults(for: DedupConfig.options).values
      for (key, value) in values { all[key] = value }
      let stage = try #require(try DedupConfig(options: StageOptions(all)).build(StageContext(baseDirectory: ".")) as? DedupStage)
      return NearDuplicateGate.recordSettings(stage.settings)
    }
    let defaults = try settings([:])
    #expect(try settings(["threshold": .double(0.7)]) == defaults)
    #expect(try settings(["bands": .int(8), "exact": .bool(false)]) == defaults)
    #expect(try settings(["perms": .int(64)]) != defaults)
    #expect(try settings(["shingle": .string("char4")]) != defaults)
    #expect(try settings(["normalize": .strings(["casefold"])]) != defaults)
    #expect(try settings(["seed": .int(2)]) != defaults)
    #expect(try settings(["exact_jaccard_max_shingles": .int(10)]) != defaults)
  }
}
