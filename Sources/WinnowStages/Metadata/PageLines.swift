import WinnowCore

/// The lines of a page in reading order, as `metadata` reads them, whatever ran before it:
/// the header and trailer lines `boilerplate` removed (its records on the document, each
/// with its rule and zone) around the lines still in the text. When `metadata` runs first,
/// the same lines are all in the text; the lines around the body then get the first of the
/// rule pack's `lines` rules they match, so a widget or a menu is known either way. Only the
/// corpus rule's verdicts (lines recurring across a site) exist only after `boilerplate`.
struct PageLines {
  struct Line {
    var text: Substring
    /// The rule that removed the line, or, for a text line around the body, the pack's rule
    /// it matches; nil for a line nothing claims.
    var rule: String?
    /// The line's index in the text's lines; nil for a line already removed.
    var textIndex: Int?
  }

  var lines: [Line] = []
  /// The first body line (a text line shaped like a paragraph's first) and one past the last
  /// body line: the header is before `bodyStart`, the trailer from `bodyEnd` on.
  var bodyStart = 0
  var bodyEnd = 0

  init(text lines: [Substring], removed: [RemovedLine], shape: BodyShape, lineRules: LineRuleSet?, ruleNames: [String]) {
    self.lines.reserveCapacity(removed.count + lines.count)
    for line in removed where line.zone == .header { self.lines.append(Line(text: line.text[...], rule: line.rule)) }
    // The text's lines are one run: textStart..<textEnd.
    let textStart = self.lines.count
    for (index, line) in lines.enumerated() { self.lines.append(Line(text: line, rule: nil, textIndex: index)) }
    let textEnd = self.lines.count
    for line in removed where line.zone == .trailer { self.lines.append(Line(text: line.text[...], rule: line.rule)) }
    let text = textStart..<textEnd
    let start = text.first { shape.isBodyStart(String(lines[$0 - textStart]), chars: lines[$0 - textStart].scalarCount) }
    bodyStart = start ?? (text.isEmpty ? self.lines.count : textStart)
    let last = text.last { $0 >= bodyStart && shape.isBody(String(lines[$0 - textStart]), chars: lines[$0 - textStart].scalarCount) }
    bodyEnd = last.map { $0 + 1 } ?? (text.isEmpty ? bodyStart : max(bodyStart, textEnd))
    // Text lines around the body that no stage has classified: the pack's line rules.
    guard let lineRules else { return }
    for index in self.lines.indices where self.lines[index].textIndex != nil && (index < bodyStart || index >= bodyEnd) {
      let string = String(self.lines[index].text)
      if let rule = lineRules.firstMatch(string, chars: self.lines[index].text.scalarCount, hash: self.lines[index].text.byteHash()) {
        self.lines[index].rule = ruleNames[rule]
      }
    }
  }

  enum Region { case header, body, trailer }

  func region(_ index: Int) -> Region { index < bodyStart ? .header : index >= bodyEnd ? .trailer : .body }
}
