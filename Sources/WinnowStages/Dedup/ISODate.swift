/// ISO 8601 dates as written by `html` and `metadata` ("2025-01-12", "2025-01-12T06:00:00+09:00").
enum ISODate {
  /// Seconds since 1970-01-01T00:00Z; a date alone counts from its midnight UTC.
  static func seconds(_ text: String) -> Int64? {
    let b = Array(text.utf8)
    func number(_ from: Int, _ count: Int) -> Int? {
      guard from + count <= b.count else { return nil }
      var value = 0
      for index in from..<(from + count) {
        guard b[index] >= 0x30, b[index] <= 0x39 else { return nil }
        value = value * 10 + Int(b[index] - 0x30)
      }
      return value
    }
    guard let year = number(0, 4), b.count >= 10, b[4] == 0x2D, let month = number(5, 2), b[7] == 0x2D, let day = number(8, 2),
      (1...12).contains(month), (1...31).contains(day)
    else { return nil }
    var seconds = Int64(daysFromCivil(year, month, day)) * 86_400
    guard b.count > 10, b[10] == 0x54 || b[10] == 0x20 else { return seconds }
    guard let hour = number(11, 2), b.count > 13, b[13] == 0x3A, let minute = number(14, 2) else { return seconds }
    seconds += Int64(hour * 3600 + minute * 60)
    var at = 16
    if b.count > 16, b[16] == 0x3A, let second = number(17, 2) {
      seconds += Int64(second)
      at = 19
      while at < b.count, b[at] == 0x2E || (b[at] >= 0x30 && b[at] <= 0x39) { at += 1 }  // fractions
    }
    if at < b.count, b[at] == 0x2B || b[at] == 0x2D, let offsetHour = number(at + 1, 2) {
      let offsetMinute = b.count >= at + 6 && b[at + 3] == 0x3A ? number(at + 4, 2) ?? 0 : number(at + 3, 2) ?? 0
      let offset = Int64(offsetHour * 3600 + offsetMinute * 60)
      seconds += b[at] == 0x2B ? -offset : offset
    }
    return seconds
  }

  /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
  static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }
}
