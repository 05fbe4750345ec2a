/// Finds dates in text and writes them as ISO 8601. Machine formats (`2025-01-12T06:00:00Z`,
/// `2025/01/12 06:00`) need no words; the words of a language's written dates (`년 월 일`,
/// `오후`, weekday names) come from a rule pack's `dates` section.
struct DateWords: Sendable {
  var year: [String] = []
  var month: [String] = []
  var day: [String] = []
  var hour: [String] = []
  var minute: [String] = []
  var pm: [String] = ["PM", "pm", "p.m."]
  var am: [String] = ["AM", "am", "a.m."]
  /// Offset written for times that carry no zone ("+09:00"); nil writes local time bare.
  var defaultZone: String?
  /// Zone names written after a time, with their offsets ("KST" → "+09:00").
  var zoneNames: [(name: String, offset: String)] = []
  /// Month names in any language, lowercased, with their month (1–12), longest first so
  /// "sept" is tried before "sep"; empty: only numeric dates are read.
  var monthNames: [(name: [UInt8], month: Int)] = []
  /// Day suffixes after a day number ("22nd", "1er").
  var ordinals: [String] = []
  /// Words between the day, the month and the year ("22 de octubre de 2019").
  var connectors: [String] = []

  /// Sets `monthNames` from twelve lists of names (January first).
  mutating func setMonths(_ months: [[String]]) {
    var names: [(name: [UInt8], month: Int)] = []
    for (index, list) in months.enumerated() {
      for name in list where !name.isEmpty { names.append((Array(name.lowercased().utf8), index + 1)) }
    }
    monthNames = names.sorted { $0.name.count > $1.name.count }
  }
}

struct FoundDate: Equatable, Sendable {
  var year: Int, month: Int, day: Int
  var hour: Int?, minute: Int?, second: Int?
  var zone: String?
  /// UTF-8 offsets of the date in the scanned text.
  var range: Range<Int>

  /// Days since a fixed epoch (the proleptic Gregorian calendar), to compare two days.
  var dayNumber: Int {
    let shifted = month <= 2 ? year - 1 : year
    let era = shifted / 400
    let yearOfEra = shifted - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    return era * 146_097 + (yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear)
  }

  func iso(defaultZone: String?) -> String {
    let date = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    guard let hour, let minute else { return date }
    let time = "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second ?? 0, 2))"
    if let zone = zone ?? defaultZone { return date + "T" + time + zone }
    return date + "T" + time
  }
}

@inline(__always) private func pad(_ value: Int, _ width: Int) -> String {
  let digits = String(value)
  return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

enum DateParsing {
  /// The first plausible date (years 1990–2100) in `text`.
  static func first(in text: String, words: DateWords) -> FoundDate? {
    let bytes = Array(text.utf8)
    var index = 0
    while index + 4 <= bytes.count {
      if isDigit(bytes[index]), index == 0 || !isDigit(bytes[index - 1]),
        let found = parse(bytes, at: index, words: words)
      {
        return found
      }
      index += 1
    }
    return nil
  }

  /// A date at the start of `text` only (for attribute values such as `datetime`).
  static func parseValue(_ text: String, words: DateWords = DateWords()) -> FoundDate? {
    let bytes = Array(text.utf8)
    var start = 0
    while start < bytes.count, bytes[start] == 0x20 { start += 1 }
    return parse(bytes, at: start, words: words)
  }

  static func parse(_ b: [UInt8], at start: Int, words: DateWords) -> FoundDate? {
    var i = start
    guard let year = digits(b, &i, min: 4, max: 4), (1990...2100).contains(year) else { return nil }
    var month: Int?
    var day: Int?
    let afterYear = i
    // 2025-01-12, 2025.01.12, 2025/01/12, 2025. 1. 12.
    if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "/") {
      let separator = b[i]
      i += 1
      skipSpaces(b, &i)
      if let m = digits(b, &i, min: 1, max: 2), i < b.count, b[i] == separator {
        i += 1
        skipSpaces(b, &i)
        if let d = digits(b, &i, min: 1, max: 2) {
          month = m
          day = d
          if i < b.count, b[i] == UInt8(ascii: "."), separator == UInt8(ascii: ".") { i += 1 }
        }
      }
    }
    // 2025년 1월 23일
    if month == nil, !words.year.isEmpty {
      i = afterYear
      skipSpaces(b, &i)
      if word(b, &i, words.year) {
        skipSpaces(b, &i)
        if let m = digits(b, &i, min: 1, max: 2), word(b, &i, words.month) {
          skipSpaces(b, &i)
          if let d = digits(b, &i, min: 1, max: 2), word(b, &i, words.day) {
            month = m
            day = d
          }
        }
      }
    }
    guard let month, let day, (1...12).contains(month), (1...daysIn(month, year)).contains(day) else { return nil }
    if i < b.count, isDigit(b[i]) { return nil }
    var found = FoundDate(year: year, month: month, day: day, range: start..<i)
    readTime(b, after: i, words: words, into: &found)
    return found
  }

  /// The optional weekday in parentheses and time after a date ending at `i`, written into
  /// `found` (its range grows to cover them).
  static func readTime(_ b: [UInt8], after i: Int, words: DateWords, into found: inout FoundDate) {
    let start = found.range.lowerBound
    var j = i
    skipSpaces(b, &j)
    if j < b.count, b[j] == UInt8(ascii: "(") {
      var k = j + 1
      while k < b.count, k - j < 16, b[k] != UInt8(ascii: ")") { k += 1 }
      if k < b.count, b[k] == UInt8(ascii: ")") { j = k + 1; found.range = start..<j }
    }
    var t = j
    let isoT = t < b.count && b[t] == UInt8(ascii: "T")
    if isoT { t += 1 } else { skipSpaces(b, &t) }
    var pm = false
    var am = false
    if word(b, &t, words.pm) { pm = true; skipSpaces(b, &t) } else if word(b, &t, words.am) { am = true; skipSpaces(b, &t) }
    if var hour = digits(b, &t, min: 1, max: 2) {
      var minute: Int?
      var second: Int?
      if t < b.count, b[t] == UInt8(ascii: ":") {
        t += 1
        minute = digits(b, &t, min: 2, max: 2)
        if minute != nil, t < b.count, b[t] == UInt8(ascii: ":") {
          t += 1
          // One digit too: "23:15:0Z" is written by some CMSs.
          second = digits(b, &t, min: 1, max: 2)
          if t < b.count, b[t] == UInt8(ascii: ".") {  // fractions are dropped
            t += 1
            while t < b.count, isDigit(b[t]) { t += 1 }
          }
        }
      } else if word(b, &t, words.hour) {
        skipSpaces(b, &t)
        var u = t
        if let m = digits(b, &u, min: 1, max: 2), word(b, &u, words.minute) { minute = m; t = u } else { minute = 0 }
      }
      if let minute, hour <= 23, minute <= 59, (second ?? 0) <= 59 {
        // "3:30 PM": the word may follow the time too.
        var after = t
        skipSpaces(b, &after)
        if !pm, !am {
          if word(b, &after, words.pm) { pm = true; t = after } else if word(b, &after, words.am) { am = true; t = after }
        }
        if pm, hour < 12 { hour += 12 }
        if am, hour == 12 { hour = 0 }
        found.hour = hour
        found.minute = minute
        found.second = second
        found.range = start..<t
        // A zone name the rule pack lists ("14:05 KST").
        if !words.zoneNames.isEmpty {
          var z = t
          skipSpaces(b, &z)
          for (name, offset) in words.zoneNames where z + name.utf8.count <= b.count && b[z..<(z + name.utf8.count)].elementsEqual(name.utf8) {
            let end = z + name.utf8.count
            if end < b.count, isASCIILetter(b[end]) { continue }
            found.zone = offset
            found.range = start..<end
            return
          }
        }
        // Zone: Z, +09:00, +0900; only on ISO times ("T…" or with seconds), so a time range
        // such as "10:30-11:00" is not read as an offset.
        let zoned = isoT || second != nil
        // RFC 2822 ("07:34:36 GMT", "23:00:00 -0400") puts a space before the zone.
        if second != nil, !isoT, t + 1 < b.count, b[t] == 0x20 {
          if b[t + 1] == UInt8(ascii: "+") || b[t + 1] == UInt8(ascii: "-") {
            t += 1
          } else if t + 3 < b.count, b[t + 1] == UInt8(ascii: "G") && b[t + 2] == UInt8(ascii: "M") && b[t + 3] == UInt8(ascii: "T")
            || b[t + 1] == UInt8(ascii: "U") && b[t + 2] == UInt8(ascii: "T") && b[t + 3] == UInt8(ascii: "C")
          {
            found.zone = "+00:00"
            found.range = start..<(t + 4)
            return
          }
        }
        if zoned, t < b.count, b[t] == UInt8(ascii: "Z") {
          found.zone = "+00:00"
          found.range = start..<(t + 1)
        } else if zoned, t < b.count, b[t] == UInt8(ascii: "+") || b[t] == UInt8(ascii: "-") {
          let sign = b[t] == UInt8(ascii: "+") ? "+" : "-"
          var z = t + 1
          // Two digits each, read directly: `digits` refuses "04" when "00" follows ("-0400").
          func pair(_ at: Int) -> Int? {
            guard at + 1 < b.count, isDigit(b[at]), isDigit(b[at + 1]) else { return nil }
            return Int(b[at] - 0x30) * 10 + Int(b[at + 1] - 0x30)
          }
          if let hours = pair(z) {
            z += 2
            if z < b.count, b[z] == UInt8(ascii: ":") { z += 1 }
            var minutes = 0
            if let value = pair(z) { minutes = value; z += 2 }
            found.zone = sign + pad(hours, 2) + ":" + pad(minutes, 2)
            found.range = start..<z
          }
        }
      }
    }
  }

  @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

  static func daysIn(_ month: Int, _ year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// A zone offset written exactly as "+HH:MM" or "-HH:MM" (HH ≤ 14, MM ≤ 59).
  static func isOffset(_ text: String) -> Bool {
    let b = Array(text.utf8)
    guard b.count == 6, b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-"), b[3] == UInt8(ascii: ":"),
      isDigit(b[1]), isDigit(b[2]), isDigit(b[4]), isDigit(b[5])
    else { return false }
    return Int(b[1] - 0x30) * 10 + Int(b[2] - 0x30) <= 14 && Int(b[4] - 0x30) <= 5
  }

  static func digits(_ b: [UInt8], _ i: inout Int, min: Int, max: Int) -> Int? {
    var value = 0
    var count = 0
    while i + count < b.count, count < max, isDigit(b[i + count]) {
      value = value * 10 + Int(b[i + count] - 0x30)
      count += 1
    }
    if count < min || (i + count < b.count && isDigit(b[i + count])) { return nil }
    i += count
    return value
  }

  static func skipSpaces(_ b: [UInt8], _ i: inout Int) {
    while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
  }

  static func word(_ b: [UInt8], _ i: inout Int, _ words: [String]) -> Bool {
    for word in words {
      let count = word.utf8.count
      if i + count <= b.count, b[i..<(i + count)].elementsEqual(word.utf8) {
        i += count
        return true
      }
    }
    return false
  }
}
