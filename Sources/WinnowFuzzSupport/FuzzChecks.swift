import WinnowCore

/// Properties the fuzz targets check of what they produce; a violation stops the fuzzer like
/// a crash (the input is saved).
public enum FuzzChecks {
  /// A record read from JSONL, written as a clean and as a rejected record: each line valid
  /// UTF-8, JSON winnow's strict parser takes, and free of lone surrogate escapes (which
  /// serde_json and JSON::PP refuse).
  public static func writesStrictJSON(_ item: ReadItem) {
    var clean = JSONWriter()
    RecordEncoder.clean(item.document, into: &clean)
    var reject = JSONWriter()
    let original: RecordEncoder.OriginalContent = item.document.bytes.map { .bytes($0) } ?? item.document.text.map { .text($0) } ?? .none
    RecordEncoder.reject(item.document, stage: "read", drop: item.drop ?? Drop(reason: "fuzz"), original: original, into: &reject)
    for line in [clean.bytes, reject.bytes] {
      let record = Array(line.dropLast())  // the newline
      guard String(validating: record, as: UTF8.self) != nil else { fatalError("output line is not UTF-8") }
      guard (try? JSONLineParser.parseObject(record)) != nil else { fatalError("output line is not JSON") }
      guard JSONLineParser.replacingLoneSurrogates(in: record[...]) == nil else { fatalError("output line has a lone surrogate") }
    }
  }

  /// normalize's output is Stream-Safe (no run of more than 30 combining marks) and stable
  /// (normalizing it again changes nothing).
  public static func isStreamSafeAndStable(_ document: Document, _ normalize: any DocumentStage) {
    var run = 0
    for scalar in (document.text ?? "").unicodeScalars {
      run = scalar.properties.canonicalCombiningClass.rawValue == 0 ? 0 : run + 1
      guard run <= 30 else { fatalError("normalize left a run of more than 30 combining marks") }
    }
    var again = document
    guard case .keep = normalize.process(&again), again.text.map({ Array($0.utf8) }) == document.text.map({ Array($0.utf8) }) else {
      fatalError("normalize is not stable on its own output")
    }
  }
}
