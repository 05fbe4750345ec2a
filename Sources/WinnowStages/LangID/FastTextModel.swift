internal import CFastText
import Foundation
import WinnowCore

/// A fastText model file loaded once (`langid`'s `fasttext_model`), shared by every worker:
/// fastText's prediction only reads the model.
final class FastTextModel: @unchecked Sendable {
  private let handle: OpaquePointer
  let path: String

  /// Loads `path`; the error says why it cannot be used.
  init(path: String) throws(OptionError) {
    var error = [CChar](repeating: 0, count: 512)
    guard FileManager.default.isReadableFile(atPath: path) else {
      throw OptionError(option: "fasttext_model", "cannot read '\(path)': no such file, or not readable")
    }
    guard let handle = winnow_fasttext_load(path, &error, Int32(error.count)) else {
      throw OptionError(option: "fasttext_model", "'\(path)' is not a fastText model (\(Self.text(error)))")
    }
    self.handle = handle
    self.path = path
  }

  deinit { winnow_fasttext_free(handle) }

  /// The model's most likely label for the text's UTF-8 bytes and its probability; nil when
  /// it names none.
  func predict(_ bytes: UnsafeBufferPointer<UInt8>) -> (label: String, probability: Double)? {
    var label = [CChar](repeating: 0, count: 64)
    var probability: Float = 0
    let status = bytes.withMemoryRebound(to: CChar.self) {
      winnow_fasttext_predict(handle, $0.baseAddress, Int32($0.count), &label, Int32(label.count), &probability)
    }
    guard status == 0 else { return nil }
    let name = Self.text(label)
    return name.isEmpty ? nil : (name, Double(min(1, max(0, probability))))
  }

  /// Trains a small model from "__label__xx text" lines into `output` + ".bin" (for tests).
  static func train(input: String, output: String, epochs: Int) throws(StageFailure) {
    var error = [CChar](repeating: 0, count: 512)
    guard winnow_fasttext_train(input, output, Int32(epochs), &error, Int32(error.count)) == 0 else {
      throw StageFailure("fastText training failed: " + text(error))
    }
  }

  /// The text the shim wrote into a NUL-terminated buffer.
  private static func text(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
