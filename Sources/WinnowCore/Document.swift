/// The input format of a document.
public enum InputFormat: String, Sendable, CaseIterable, Codable {
  case txt, html, jsonl, warc
}

/// Where a document came from: enough to find its bytes again.
public struct SourceInfo: Sendable, Equatable {
  /// Path relative to the input root (or as given, for stdin "-").
  public var path: String
  /// 1-based line number for JSONL records.
  public var line: Int?
  public var format: InputFormat
  /// Set by `decode`: the charset the bytes were read as ("UTF-8", "CP949", …).
  public var encoding: String?
  /// Set by `decode`: 0–1, how sure the charset choice is.
  public var confidence: Double?
  /// The path's raw bytes when they are not UTF-8 (`path` is then decoded with U+FFFD for
  /// the bad bytes): written as `source.path_bytes`, base64.
  public var pathBytes: [UInt8]?
  /// A WARC record's `WARC-Record-ID` and byte offset in its file (of its gzip member, in a
  /// `.warc.gz`): written as `source.record` and `source.offset`.
  public var record: String?
  public var offset: Int?
  /// The charset the transport declared (a WARC record's HTTP `Content-Type`): `decode`
  /// verifies it first, as it does an HTML page's `<meta charset>`. Not written.
  public var declaredCharset: String?

  public init(
    path: String, line: Int? = nil, format: InputFormat, encoding: String? = nil, confidence: Double? = nil,
    pathBytes: [UInt8]? = nil
  ) {
    self.path = path
    self.line = line
    self.format = format
    self.encoding = encoding
    self.confidence = confidence
    self.pathBytes = pathBytes
  }
}

/// A JSON value kept as its exact bytes, for fields that pass through untouched.
public struct RawJSON: Sendable, Equatable {
  public var bytes: [UInt8]
  public init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// Typed metadata, plus fields from an input record that winnow passes through as they were.
public struct Metadata: Sendable, Equatable {
  public var title: String?
  /// ISO 8601.
  public var published: String?
  public var authors: [String] = []
  public var outlet: String?
  public var url: String?
  public var lang: String?
  /// How sure `langid` is of `lang` (0–1), written as `lang_score`.
  public var langScore: Double?
  /// Other fields of the input record, in input order.
  public var passthrough: [(key: String, value: RawJSON)] = []

  public init() {}

  public static func == (a: Metadata, b: Metadata) -> Bool {
    a.title == b.title && a.published == b.published && a.authors == b.authors && a.outlet == b.outlet
      && a.url == b.url && a.lang == b.lang && a.langScore == b.langScore
      && a.passthrough.map(\.key) == b.passthrough.map(\.key)
      && a.passthrough.map(\.value) == b.passthrough.map(\.value)
  }
}

/// One input document as it moves through the stages.
public struct Document: Sendable {
  public var id: String
  public var source: SourceInfo
  /// Raw input; cleared by `decode` once `text` is set.
  public var bytes: [UInt8]?
  /// Decoded text (set by `decode`, or by the reader for JSONL records).
  public var text: String?
  public var meta: Metadata
  /// Counters a stage reports for this document ("mojibake_repaired": 2); the runner sums
  /// them per stage and clears them.
  public var counters: [(name: String, count: Int)] = []
  /// Lines cleaning stages removed, with the rule that removed them: later stages read it
  /// (`metadata` finds headlines and bylines among the page's header lines), and it is
  /// written to the output as `removed` when `audit` is on.
  public var removed: [RemovedLine] = []
  /// Write `removed` into the clean record.
  public var audit = false
  /// Set by `quality` for documents it keeps (0–1, higher is more like prose): what `dedup`
  /// keeps by with `keep: quality`. Not written to the output.
  public var qualityScore: Double?
  /// While a stage runs with a `timeout_ms`: the CLOCK_MONOTONIC time (ns) at which it should
  /// give up on this document. Stages that can stop part-way (html) check it and drop the
  /// document with reason "timeout"; the runner checks the rest when they return.
  public var deadline: UInt64?

  public init(id: String, source: SourceInfo, bytes: [UInt8]? = nil, text: String? = nil, meta: Metadata = Metadata()) {
    self.id = id
    self.source = source
    self.bytes = bytes
    self.text = text
    self.meta = meta
  }

  /// Adds `count` to a per-stage counter reported in the run summary.
  public mutating func count(_ name: String, _ count: Int = 1) {
    if count != 0 { counters.append((name, count)) }
  }
}

/// A line a stage removed from a document's text.
public struct RemovedLine: Sendable, Equatable {
  /// Where the line was, relative to the article body.
  public enum Zone: String, Sendable {
    /// Before the first body paragraph (site header, headline, byline, date line).
    case header
    /// Between body paragraphs.
    case body
    /// After the last body paragraph (related lists, comments, copyright).
    case trailer
    /// After a "drop to the end" marker: other pages' content, never this article's.
    case tail
  }

  public var stage: String
  public var rule: String
  public var text: String
  public var zone: Zone

  public init(stage: String, rule: String, text: String, zone: Zone) {
    self.stage = stage
    self.rule = rule
    self.text = text
    self.zone = zone
  }
}

/// Why a document was dropped.
public struct Drop: Sendable, Equatable, Error {
  /// Short, stable, snake_case: "binary", "empty", "invalid_encoding".
  public var reason: String
  /// The rule that fired, for rule-pack stages.
  public var rule: String?
  /// Free-form detail for a person.
  public var detail: String

  public init(reason: String, rule: String? = nil, detail: String = "") {
    self.reason = reason
    self.rule = rule
    self.detail = detail
  }
}

/// What a stage decided about a document.
public enum Verdict: Sendable, Equatable {
  case keep
  case drop(Drop)

  public static func drop(_ reason: String, detail: String = "", rule: String? = nil) -> Verdict {
    .drop(Drop(reason: reason, rule: rule, detail: detail))
  }
}
