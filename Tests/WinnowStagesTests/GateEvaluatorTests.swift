import Testing
@testable import WinnowStages

/// The gates' own computations, against the plain definitions they shortcut.
@Suite struct GateEvaluatorTests {
  /// The script-share gate's letter count (with its ASCII and Hangul shortcuts) equals
  /// counting Unicode's Alphabetic scalars one by one, for every script and every BMP scalar
  /// (in blocks of 256, so that one block's error cannot hide another's) and a few beyond it.
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
        let expected = (letters.count, letters.filter { script.contains($0.value) }.count)
        let measured = GateEvaluator.scriptLetters(String(text), script: script)
        #expect(measured.letters == expected.0 && measured.matching == expected.1, "\(script) U+\(String(block[0].value, radix: 16))")
      }
    }
  }
}
