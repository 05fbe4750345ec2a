import Foundation

/// One problem in a pipeline file, with its place.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
  public var file: String
  /// 1-based; nil when the problem has no single place (a missing file).
  public var line: Int?
  public var column: Int?
  /// `stages[3].boilerplate`: where in the document the problem is.
  public var keyPath: String
  public var message: String
  /// The line of the file the problem is on, for the caret snippet.
  public var sourceLine: String?

  public init(file: String, line: Int? = nil, column: Int? = nil, keyPath: String, message: String, sourceLine: String? = nil) {
    self.file = file
    self.line = line
    self.column = column
    self.keyPath = keyPath
    self.message = message
    self.sourceLine = sourceLine
  }

  /// `file:line:col: error: [key.path] message`, then the line and a caret under the spot.
  public var description: String {
    var place = file
    if let line {
      place += ":\(line)"
      if let column { place += ":\(column)" }
    }
    let path = keyPath.isEmpty ? "" : "[\(keyPath)] "
    // Each line of the message at most a few hundred characters: a huge value is not echoed.
    let shown = message.split(separator: "\n", omittingEmptySubsequences: false)
      .map { clippedForDiagnostic(String($0), limit: Self.maxLineCharacters) }.joined(separator: "\n")
    var text = "\(place): error: \(path)\(shown)"
    if let sourceLine, let column {
      let (line, caret) = Self.window(sourceLine, column: column)
      let prefix = line.unicodeScalars.prefix(max(0, caret - 1))
      let indent = String(prefix.map { $0 == "\t" ? "\t" : " " })
      text += "\n  \(line)\n  \(indent)^"
    }
    return text
  }

  static let maxLineCharacters = 300

  /// The part of a long source line around `column` (1-based), and the caret's column in it.
  static func window(_ line: String, column: Int) -> (String, Int) {
    let scalars = Array(line.unicodeScalars)
    guard scalars.count > 2 * 80 + 40 else { return (line, column) }
    let start = max(0, column - 1 - 80)
    let end = min(scalars.count, column - 1 + 80)
    var view = String(String.UnicodeScalarView(scalars[start..<end]))
    var caret = column - start
    if start > 0 {
      view = "…" + view
      caret += 1
    }
    if end < scalars.count { view += "… (line of \(line.utf8.count) bytes)" }
    return (view, caret)
  }
}

/// Every problem found in a pipeline file; the run stops with exit code 2.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
  public var diagnostics: [Diagnostic]

  public init(_ diagnostics: [Diagnostic]) {
    self.diagnostics = diagnostics
  }

  /// Each diagnostic once, in order.
  public var description: String {
    var seen = Set<String>()
    return diagnostics.map(\.description).filter { seen.insert($0).inserted }.joined(separator: "\n")
  }
}

/// The name in `candidates` closest to `word`, if close enough to be a likely typo.
public func nearestName(to word: String, in candidates: [String]) -> String? {
  let lowered = word.lowercased()
  var best: (name: String, distance: Int)?
  let length = lowered.unicodeScalars.count
  for candidate in candidates {
    // The distance is at least the difference in length: a word far longer than every
    // name (a 10 MB value) is no typo of any, and is not compared scalar by scalar.
    let candidateLength = candidate.unicodeScalars.count
    if abs(length - candidateLength) > max(2, min(length, candidateLength) / 3) { continue }
    let distance = editDistance(lowered, candidate.lowercased())
    if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
  }
  guard let best else { return nil }
  let limit = max(2, min(lowered.count, best.name.count) / 3)
  // A distance as long as the word itself is a different word, not a typo ('c' vs 'a').
  return best.distance <= limit && best.distance < min(lowered.count, best.name.count) ? best.name : nil
}

/// Levenshtein distance over Unicode scalars.
func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a.unicodeScalars)
  let b = Array(b.unicodeScalars)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}

/// "; did you mean 'x'?" or "; expected one of: a, b, c" when nothing is close.
func suggestion(for word: String, in candidates: [String]) -> String {
  if let near = nearestName(to: word, in: candidates) { return "; did you mean '\(near)'?" }
  return "; expected one of: " + candidates.map { "'\($0)'" }.joined(separator: ", ")
}

/// At most `limit` characters of a value shown in a message, with its size when cut: a 10 MB
/// option value is not echoed whole.
public func clippedForDiagnostic(_ value: String, limit: Int = 200) -> String {
  var count = 0
  for index in value.unicodeScalars.indices {
    count += 1
    if count > limit {
      return String(value.unicodeScalars[..<index]) + "… (\(value.utf8.count) bytes)"
    }
  }
  return value
}
