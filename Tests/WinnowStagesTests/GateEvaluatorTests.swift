import Testing
import WinnowCore
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
