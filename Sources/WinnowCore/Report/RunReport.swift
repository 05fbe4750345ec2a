import Foundation

/// `--report out/report.html`: one self-contained page (inline CSS and SVG, no scripts, opens
/// offline) about a finished run: the funnel through the stages, why documents were dropped,
/// lengths before and after, charsets, the lines each rule removed most, sample duplicate
/// groups side by side, the gates, and the manifest. Numbers carry `data-key` attributes so
/// tests can check them against the manifest. The font stack names the Korean fonts of macOS,
/// Windows and Linux (Noto Sans CJK KR), so Hangul is not drawn as missing-glyph boxes.
public enum RunReport {
  public static func html(summary: RunSummary, manifest: [String: Any]) -> String {
    var page = Page()
    let tool = manifest["winnow"] as? [String: String] ?? [:]
    page.add("""
      <!doctype html><html lang="en"><head><meta charset="utf-8"><title>winnow run report</title>
      <style>
      body{font:14px/1.45 system-ui,-apple-system,"Apple SD Gothic Neo","Malgun Gothic","Noto Sans CJK KR","Noto Sans KR","Source Han Sans KR","NanumGothic",sans-serif;margin:24px;color:#1d2330;max-width:1100px}
      h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde;padding-bottom:4px}
      table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #dde;padding:3px 8px;text-align:left;vertical-align:top}
      th{background:#f3f5fa}.num{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#667}
      .pass{color:#137333;font-weight:600}.fail{color:#b3261e;font-weight:600}
      .pair{display:grid;grid-template-columns:1fr 1fr;gap:10px}.pair div{border:1px solid #dde;padding:6px;font-size:13px;max-height:320px;overflow:auto}
      .only{background:#fde7e9}.same{color:#445}code{font-size:12px;font-family:inherit;background:#f6f7fb}
      </style></head><body>
      """)
    page.add("<h1>winnow run report</h1>")
    page.add("<p class=\"muted\">\(esc(manifest["pipeline_file"] as? String ?? "")) · winnow \(esc(tool["version"] ?? "")) (\(esc(String((tool["commit"] ?? "").prefix(12))))) · ICU \(esc(tool["icu"] ?? "")) · libxml2 \(esc(tool["libxml2"] ?? "")) · \(esc(manifest["finished"] as? String ?? ""))</p>")

    // Summary numbers.
    page.add("<table><tr><th>documents</th><th>kept</th><th>rejected</th><th>input MB</th><th>seconds</th><th>jobs</th></tr><tr>")
    page.add(cell("documents", summary.documents) + cell("kept", summary.kept) + cell("rejected", summary.rejected))
    page.add("<td class=\"num\">\(format(Double(summary.inputBytes) / 1e6))</td><td class=\"num\">\(format(summary.seconds))</td><td class=\"num\">\(summary.jobs)</td></tr></table>")

    // Funnel.
    page.add("<h2>Funnel</h2>")
    page.add(funnel(summary))

    // Drop reasons.
    page.add("<h2>Why documents were dropped</h2><table><tr><th>stage</th><th>reason</th><th>documents</th></tr>")
    var anyDrop = false
    for (reason, count) in summary.readFailures.sorted(by: { $0.key < $1.key }) {
      anyDrop = true
      page.add("<tr><td>read</td><td>\(esc(reason))</td>\(cell("drop.read.\(reason)", count))</tr>")
    }
    for stage in summary.stages {
      for (reason, count) in stage.droppedByReason.sorted(by: { $0.key < $1.key }) {
        anyDrop = true
        page.add("<tr><td>\(esc(stage.name))</td><td>\(esc(reason))</td>\(cell("drop.\(stage.name).\(reason)", count))</tr>")
      }
    }
    if !anyDrop { page.add("<tr><td colspan=\"3\" class=\"muted\">nothing was dropped</td></tr>") }
    page.add("</table>")

    // Lengths.
    let output = readOutput(summary.outputPath)
    var outputLengths: [Int: Int] = [:]
    for record in output.records { outputLengths[RunSummary.lengthBucket(record.text.utf8.count), default: 0] += 1 }
    page.add("<h2>Lengths</h2><div class=\"pair\"><div><b>input documents</b> (bytes)")
    page.add(histogram(summary.inputLengths, key: "input"))
    page.add("</div><div><b>output texts</b> (bytes of text)")
    page.add(histogram(outputLengths, key: "output"))
    page.add("</div></div>")

    // Charsets.
    let charsets = summary.stages.first { $0.name == "decode" }?.counters.filter { $0.key.hasPrefix("charset:") } ?? [:]
    if !charsets.isEmpty {
      page.add("<h2>Charsets found</h2><table><tr><th>charset</th><th>documents</th></tr>")
      for (key, count) in charsets.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
        let name = String(key.dropFirst("charset:".count))
        page.add("<tr><td>\(esc(name))</td>\(cell("charset.\(name)", count))</tr>")
      }
      page.add("</table>")
    }

    // Removed lines.
    if !summary.removedLines.isEmpty {
      page.add("<h2>Lines removed most, by rule</h2><p class=\"muted\">the five most frequent lines of each rule (counted over the first \(RunSummary.removedLinesPerRule) distinct lines a rule removed)</p><table><tr><th>stage/rule</th><th>lines removed</th><th>most frequent</th></tr>")
      let rules = summary.removedLines.map { ($0.key, $0.value.values.reduce(0, +), $0.value) }.sorted { ($1.1, $0.0) < ($0.1, $1.0) }
      for (rule, total, lines) in rules.prefix(25) {
        let top = lines.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(5)
        let list = top.map { "<code>\(esc(String($0.key.prefix(120))))</code> ×\($0.value)" }.joined(separator: "<br>")
        page.add("<tr><td>\(esc(rule))</td>\(cell("removed.\(rule)", total))<td>\(list)</td></tr>")
      }
      page.add("</table>")
    }

    // Duplicate groups.
    let groups = duplicateSamples(output: output, rejectsPath: summary.rejectsPath)
    if !groups.isEmpty {
      page.add("<h2>Sample duplicate groups</h2><p class=\"muted\">the kept document (left) and one dropped copy (right); paragraphs found on one side only are shaded</p>")
      for group in groups {
        page.add("<p><b>\(esc(group.dropped.id))</b> → kept <b>\(esc(group.kept.id))</b> · \(esc(group.reason)), similarity \(esc(group.similarity))</p><div class=\"pair\">")
        page.add("<div>\(diffSide(group.kept.text, other: group.dropped.text))</div><div>\(diffSide(group.dropped.text, other: group.kept.text))</div></div>")
      }
    }

    // Gates.
    if let gates = manifest["gates"] as? [String: Any], let list = gates["gates"] as? [[String: Any]] {
      page.add("<h2>Gates</h2><table><tr><th>gate</th><th></th><th>value</th><th>limit</th><th>e.g.</th></tr>")
      for gate in list {
        let passed = gate["passed"] as? Bool ?? false
        let name = gate["name"] as? String ?? ""
        let offenders = (gate["offenders"] as? [String] ?? []).map(esc).joined(separator: ", ")
        page.add("<tr><td>\(esc(name))</td><td class=\"\(passed ? "pass" : "fail")\" data-key=\"gate.\(esc(name))\">\(passed ? "PASS" : "FAIL")</td><td>\(esc(gate["value"] as? String ?? ""))</td><td>\(esc(gate["threshold"] as? String ?? ""))</td><td>\(offenders)</td></tr>")
      }
      page.add("</table>")
    }

    // Manifest.
    page.add("<h2>Manifest</h2><table>")
    let outputInfo = manifest["output"] as? [String: Any] ?? [:]
    let inputs = manifest["inputs"] as? [[String: Any]] ?? []
    let rows: [(String, String)] = [
      ("configuration SHA-256", manifest["config_sha256"] as? String ?? ""),
      ("inputs", "\(inputs.count) files, \(inputs.compactMap { $0["size"] as? Int }.reduce(0, +)) bytes"),
      ("output", "\(outputInfo["path"] as? String ?? "") · SHA-256 \(outputInfo["sha256"] as? String ?? "")"),
      ("command", (manifest["command"] as? [String] ?? []).joined(separator: " ")),
    ]
    for (name, value) in rows { page.add("<tr><th>\(esc(name))</th><td><code>\(esc(value))</code></td></tr>") }
    page.add("</table></body></html>\n")
    return page.text
  }

  struct Page {
    var text = ""
    mutating func add(_ piece: String) { text += piece + "\n" }
  }

  static func cell(_ key: String, _ value: Int) -> String {
    "<td class=\"num\" data-key=\"\(esc(key))\">\(value)</td>"
  }

  static func esc(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(character)
      }
    }
    return out
  }

  static func format(_ value: Double) -> String { String(format: "%.2f", value) }

  /// One bar per stage: documents in (light) and kept (dark).
  static func funnel(_ summary: RunSummary) -> String {
    let stages = summary.stages
    let maximum = max(1, stages.map(\.input).max() ?? 1, summary.documents)
    let rowHeight = 26
    let width = 760
    var svg = "<svg width=\"\(width + 260)\" height=\"\((stages.count + 1) * rowHeight + 10)\" role=\"img\" aria-label=\"funnel\">"
    func bar(_ y: Int, _ label: String, _ input: Int, _ kept: Int) -> String {
      let inWidth = max(1, width * input / maximum)
      let keptWidth = width * kept / maximum
      return "<text x=\"0\" y=\"\(y + 17)\" font-size=\"13\">\(esc(label))</text>"
        + "<rect x=\"110\" y=\"\(y + 4)\" width=\"\(inWidth)\" height=\"18\" fill=\"#c9d3ea\"/>"
        + "<rect x=\"110\" y=\"\(y + 4)\" width=\"\(keptWidth)\" height=\"18\" fill=\"#3d5a99\"/>"
        + "<text x=\"\(118 + inWidth)\" y=\"\(y + 17)\" font-size=\"12\" fill=\"#334\">\(kept) of \(input)</text>"
    }
    svg += bar(0, "read", summary.documents, summary.documents - summary.readFailures.values.reduce(0, +))
    for (index, stage) in stages.enumerated() { svg += bar((index + 1) * rowHeight, stage.name, stage.input, stage.kept) }
    return svg + "</svg>"
  }

  /// Bars for log2 size buckets.
  static func histogram(_ buckets: [Int: Int], key: String) -> String {
    guard let top = buckets.keys.max(), let bottom = buckets.keys.min() else { return "<p class=\"muted\">none</p>" }
    let range = Array(bottom...top)
    let maximum = max(1, buckets.values.max() ?? 1)
    let barWidth = max(14, min(40, 480 / max(1, range.count)))
    let height = 150
    var svg = "<svg width=\"\(range.count * (barWidth + 4) + 10)\" height=\"\(height + 40)\" role=\"img\" aria-label=\"\(key) lengths\">"
    for (position, bucket) in range.enumerated() {
      let count = buckets[bucket] ?? 0
      let barHeight = count == 0 ? 0 : max(2, height * count / maximum)
      let x = position * (barWidth + 4) + 4
      svg += "<rect x=\"\(x)\" y=\"\(height - barHeight)\" width=\"\(barWidth)\" height=\"\(barHeight)\" fill=\"#3d5a99\" data-key=\"\(key).\(bucket)\" data-count=\"\(count)\"><title>\(label(bucket)): \(count)</title></rect>"
      svg += "<text x=\"\(x)\" y=\"\(height + 14)\" font-size=\"10\">\(label(bucket))</text>"
    }
    return svg + "</svg>"
  }

  static func label(_ bucket: Int) -> String {
    guard bucket > 0 else { return "0" }
    let low = 1 << (bucket - 1)
    return low >= 1 << 20 ? "\(low >> 20)M" : low >= 1 << 10 ? "\(low >> 10)K" : "\(low)"
  }

  struct Record {
    var id: String
    var text: String
  }

  struct Output {
    var records: [Record] = []
  }

  /// The output's ids and texts (texts kept only for the first 2,000 records, for samples).
  static func readOutput(_ path: String) -> Output {
    var output = Output()
    guard let lines = try? LineReader(path: path) else { return output }
    while let bytes = try? lines.next() {
      guard let members = try? JSONLineParser.parseObject(bytes) else { continue }
      func string(_ key: String) -> String { members.first { $0.key == key }.flatMap { JSONLineParser.stringValue($0.value) } ?? "" }
      output.records.append(Record(id: string("id"), text: string("text")))
    }
    return output
  }

  struct Sample {
    var kept: Record
    var dropped: Record
    var reason: String
    var similarity: String
  }

  /// Up to five dedup rejects (near duplicates first) with the document kept for them.
  static func duplicateSamples(output: Output, rejectsPath: String) -> [Sample] {
    guard let text = try? String(contentsOfFile: rejectsPath, encoding: .utf8) else { return [] }
    var found: [(Record, String, String, String)] = []
    for line in text.split(separator: "\n") where line.contains("\"stage\":\"dedup\"") {
      guard let members = try? JSONLineParser.parseObject(Array(line.utf8)) else { continue }
      func string(_ key: String) -> String { members.first { $0.key == key }.flatMap { JSONLineParser.stringValue($0.value) } ?? "" }
      let similarity = members.first { $0.key == "similarity" }.map { String(decoding: $0.value, as: UTF8.self) } ?? ""
      found.append((Record(id: string("id"), text: string("text")), string("kept"), string("reason"), similarity))
      if found.count >= 200 { break }
    }
    found.sort { ($0.2 == "near_duplicate" ? 0 : 1, $0.0.id) < ($1.2 == "near_duplicate" ? 0 : 1, $1.0.id) }
    var byID: [String: Record] = [:]
    for record in output.records { byID[record.id] = record }
    var samples: [Sample] = []
    for (dropped, keptID, reason, similarity) in found {
      guard let kept = byID[keptID] else { continue }
      samples.append(Sample(kept: kept, dropped: dropped, reason: reason, similarity: similarity))
      if samples.count == 5 { break }
    }
    return samples
  }

  /// The paragraphs of `text`, those not in `other` shaded.
  static func diffSide(_ text: String, other: String) -> String {
    let others = Set(other.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
    return text.components(separatedBy: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { paragraph in
      let only = !others.contains(paragraph.trimmingCharacters(in: .whitespaces))
      return "<p class=\"\(only ? "only" : "same")\">\(esc(paragraph))</p>"
    }.joined()
  }
}
