import WinnowPluginAPI

/// Stage `word_count`: counts the words of a document (runs of non-space characters), writes
/// the count to a field, and drops documents with fewer than `min_words`.
struct WordCount: PluginStage {
  static let name = "word_count"
  static let summary = "count words (runs of non-space characters) into a field; drop documents with fewer than min_words"
  static let options = [
    PluginOption("min_words", .int(0...1_000_000), default: .int(0), "drop documents with fewer words (0: keep all)"),
    PluginOption("field", .string, default: .string("words"), "the output field that gets the count"),
  ]

  let minWords: Int
  let field: String

  init(options: PluginOptions, context: PluginContext) throws(PluginOptionError) {
    minWords = options.int("min_words")
    field = options.string("field")
    if ["id", "text", "source"].contains(field) {
      throw PluginOptionError(option: "field", "'\(field)' is winnow's own field; choose another name")
    }
  }

  func process(_ document: inout PluginDocument) -> PluginVerdict {
    var words = 0
    var inWord = false
    for byte in document.text.utf8 {
      let space = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
      if !space && !inWord { words += 1 }
      inWord = !space
    }
    if words < minWords {
      return .drop(reason: "too_few_words", detail: "\(words) words < min_words \(minWords)")
    }
    document.set(field, .int(words))
    return .keep
  }
}

// The two entry points winnow looks for (winnow_plugin.h).
@_cdecl("winnow_plugin_api_version")
public func winnowPluginAPIVersion() -> UInt32 { WinnowPlugin.apiVersion }

@_cdecl("winnow_plugin_register")
public func winnowPluginRegister(_ host: UnsafeRawPointer?) -> Int32 {
  WinnowPlugin.register([WordCount.self], host: host)
}
