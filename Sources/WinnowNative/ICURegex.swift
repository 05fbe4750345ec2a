internal import CICU
import Synchronization

/// Owns one ICU object of a kind that is not thread-safe; `deinit` closes it.
final class ICUHandle<Pointer>: @unchecked Sendable {
  let pointer: Pointer
  let close: (Pointer) -> Void
  init(_ pointer: Pointer, close: @escaping (Pointer) -> Void) {
    self.pointer = pointer
    self.close = close
  }
  deinit { close(pointer) }
}

/// A pool of clones of one ICU object, so any number of threads can use it at once: each
/// call borrows a clone, and clones are made only when all are busy.
final class ICUPool<Pointer>: Sendable {
  let prototype: ICUHandle<Pointer>
  let cloneFunction: @Sendable (Pointer) -> Pointer?
  let free: Mutex<[ICUHandle<Pointer>]>

  init(_ prototype: ICUHandle<Pointer>, clone: @escaping @Sendable (Pointer) -> Pointer?) {
    self.prototype = prototype
    self.cloneFunction = clone
    self.free = Mutex([])
  }

  func with<T>(_ body: (Pointer) -> T) -> T? {
    let borrowed = free.withLock { $0.popLast() }
    let handle: ICUHandle<Pointer>
    if let borrowed {
      handle = borrowed
    } else {
      guard let pointer = cloneFunction(prototype.pointer) else { return nil }
      handle = ICUHandle(pointer, close: prototype.close)
    }
    let result = body(handle.pointer)
    free.withLock { $0.append(handle) }
    return result
  }
}

/// An ICU regular expression matched against UTF-8 text, usable from any thread.
public final class ICURegex: Sendable {
  public let pattern: String
  let pool: ICUPool<OpaquePointer>

  /// Compiles `pattern`; a syntax error throws with ICU's message and the offset.
  public init(_ pattern: String, caseInsensitive: Bool = false) throws(NativeError) {
    self.pattern = pattern
    var icuError: Int32 = 0
    var offset: Int32 = 0
    var utf8 = Array(pattern.utf8)
    utf8.append(0)
    let opened = utf8.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) {
        winnow_regex_open($0.baseAddress, Int32(utf8.count - 1), caseInsensitive ? 1 : 0, &icuError, &offset)
      }
    }
    guard let opened else {
      throw NativeError(function: "uregex_openUTF8", code: icuError,
                        message: "invalid regular expression (\(String(cString: winnow_icu_error_name(icuError)))) near offset \(offset)")
    }
    pool = ICUPool(ICUHandle(opened, close: { winnow_regex_close($0) })) { prototype in
      var error: Int32 = 0
      return winnow_regex_clone(prototype, &error)
    }
  }

  /// The first match's UTF-8 byte range in `text` at or after `from`, if any.
  public func firstMatch(in text: Substring.UTF8View, from: Int = 0) -> Range<Int>? {
    var copy = Substring(text)
    return copy.withUTF8 { buffer in search(buffer, from: from, whole: false) }
  }

  public func firstMatch(in text: String, from: Int = 0) -> Range<Int>? {
    var copy = text
    return copy.withUTF8 { buffer in search(buffer, from: from, whole: false) }
  }

  /// Sets the calling thread's deadline for every regular expression match (CLOCK_MONOTONIC
  /// nanoseconds; nil: none). The runner sets it to the stage's `timeout_ms` around each
  /// stage call, so a pattern that backtracks without end is stopped, not waited for.
  public static func setThreadDeadline(_ deadline: UInt64?) {
    winnow_regex_set_deadline(deadline ?? 0)
  }

  /// Whether the whole of `text` matches.
  public func matchesWhole(_ text: String) -> Bool {
    var copy = text
    return copy.withUTF8 { buffer in search(buffer, from: 0, whole: true) } != nil
  }

  public func matches(_ text: String) -> Bool { firstMatch(in: text) != nil }

  /// Replaces every match in `text` with `template`, where `$0`…`$9` stand for the match
  /// and its groups (empty when a group took no part) and `$$` for a dollar sign. Returns
  /// the new text and the number of matches.
  public func replaceAll(in text: String, with template: String) -> (text: String, count: Int) {
    var copy = text
    // One handle for the whole loop: after the first search it holds the text already.
    let replaced: (String, Int)? = pool.with { regex in copy.withUTF8 { buffer -> (String, Int) in
      var output: [UInt8] = []
      var position = 0
      var count = 0
      var from = 0
      while from <= buffer.count, let groups = Self.groups(regex, buffer, from: from, again: count > 0),
        let match = groups.first ?? nil
      {
        output.append(contentsOf: buffer[position..<match.lowerBound])
        Self.expand(template, groups: groups, in: buffer, into: &output)
        count += 1
        position = match.upperBound
        // An empty match moves on by one character.
        from = match.isEmpty ? Self.nextScalar(buffer, after: match.upperBound) : match.upperBound
        if match.isEmpty && from > buffer.count { break }
      }
      guard count > 0 else { return (text, 0) }
      output.append(contentsOf: buffer[min(position, buffer.count)...])
      return (String(decoding: output, as: UTF8.self), count)
    } }
    return replaced ?? (text, 0)
  }

  static func nextScalar(_ buffer: UnsafeBufferPointer<UInt8>, after index: Int) -> Int {
    var next = index + 1
    while next < buffer.count, buffer[next] & 0xC0 == 0x80 { next += 1 }
    return next
  }

  static func expand(_ template: String, groups: [Range<Int>?], in buffer: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
    let bytes = Array(template.utf8)
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "$"), index + 1 < bytes.count {
        let next = bytes[index + 1]
        if next == UInt8(ascii: "$") {
          output.append(byte)
          index += 2
          continue
        }
        if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) {
          let group = Int(next - UInt8(ascii: "0"))
          if group < groups.count, let range = groups[group] { output.append(contentsOf: buffer[range]) }
          index += 2
          continue
        }
      }
      output.append(byte)
      index += 1
    }
  }

  /// The match at or after `from` and its groups' byte ranges, with one borrowed handle;
  /// `again`: this handle's last search was over this same buffer.
  static func groups(_ regex: OpaquePointer, _ buffer: UnsafeBufferPointer<UInt8>, from: Int, again: Bool) -> [Range<Int>?]? {
    var starts = [Int64](repeating: -1, count: 10)
    var ends = [Int64](repeating: -1, count: 10)
    var error: Int32 = 0
    let found = buffer.withMemoryRebound(to: CChar.self) { chars in
      withUnsafePointer(to: CChar(0)) { empty in
        winnow_regex_find_groups(regex, chars.baseAddress ?? empty, Int64(buffer.count), Int64(from), again ? 1 : 0, &starts, &ends, 10, &error)
      }
    }
    guard found > 0 else { return nil }
    return (0..<Int(found)).map { starts[$0] >= 0 && ends[$0] >= starts[$0] ? Int(starts[$0])..<Int(ends[$0]) : nil }
  }

  func search(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, whole: Bool) -> Range<Int>? {
    let result: Range<Int>?? = pool.with { regex in
      var start: Int64 = 0
      var end: Int64 = 0
      var error: Int32 = 0
      let found = buffer.withMemoryRebound(to: CChar.self) { chars in
        // An empty buffer has no base address; ICU wants a pointer all the same.
        withUnsafePointer(to: CChar(0)) { empty in
          winnow_regex_find(regex, chars.baseAddress ?? empty, Int64(buffer.count), Int64(from),
                            whole ? 1 : 0, &start, &end, &error)
        }
      }
      return found == 1 ? Int(start)..<Int(end) : nil
    }
    return result ?? nil
  }
}

/// Counts words with ICU's word break iterator (dictionary-based for Thai, CJK and others;
/// Hangul words are split at spaces and punctuation as Korean writing does).
public final class ICUWordCounter: Sendable {
  let pool: ICUPool<OpaquePointer>

  public init(locale: String = "") throws(NativeError) {
    var icuError: Int32 = 0
    guard let opened = winnow_words_open(locale, &icuError) else {
      throw NativeError(function: "ubrk_open", code: icuError)
    }
    pool = ICUPool(ICUHandle(opened, close: { winnow_words_close($0) })) { prototype in
      var error: Int32 = 0
      return winnow_words_clone(prototype, &error)
    }
  }

  /// The number of words in `text` and the UTF-8 bytes they cover.
  public func count(_ text: String) -> (words: Int, bytes: Int) {
    var copy = text
    return copy.withUTF8 { buffer in
      pool.with { words in
        var bytes: Int64 = 0
        var error: Int32 = 0
        let count = buffer.withMemoryRebound(to: CChar.self) { chars in
          withUnsafePointer(to: CChar(0)) { empty in
            winnow_words_count(words, chars.baseAddress ?? empty, Int64(buffer.count), &bytes, &error)
          }
        }
        return count < 0 ? (0, 0) : (Int(count), Int(bytes))
      } ?? (0, 0)
    }
  }

  /// The byte ranges of the words in UTF-8 `text` (letters, kana, ideographs, numbers;
  /// spaces and punctuation between them are not words).
  public func spans(_ text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
    guard let base = text.baseAddress, !text.isEmpty else { return [] }
    return pool.with { words in
      var starts = [Int32](repeating: 0, count: text.count)
      var ends = [Int32](repeating: 0, count: text.count)
      var error: Int32 = 0
      let count = base.withMemoryRebound(to: CChar.self, capacity: text.count) { chars in
        winnow_words_spans(words, chars, Int64(text.count), &starts, &ends, Int64(text.count), &error)
      }
      guard count > 0 else { return [] }
      return (0..<Int(count)).map { Int(starts[$0])..<Int(ends[$0]) }
    } ?? []
  }
}
