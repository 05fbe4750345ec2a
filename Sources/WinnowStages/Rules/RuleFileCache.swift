import Foundation
import Synchronization
import WinnowCore

/// Rule files parsed once per process and shared by every stage that names them: a pipeline
/// with thousands of `boilerplate` stages on one rule pack loads it once (it took 8 ms and
/// half a megabyte per stage, so 350k stages took minutes and gigabytes to validate).
///
/// Keyed by the resolved path and the file's identity (device, inode, size, modification
/// time), so a file rewritten between two loads is read again. What is cached is immutable
/// once loaded (`LineRule`'s fields are set only by the loader), so sharing it is safe.
/// Failures are cached as their message and thrown again under each stage's own option.
final class RuleFileCache<Value: Sendable>: Sendable {
  struct Key: Hashable {
    var path: String
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Int64
  }

  private let entries = Mutex<[Key: Result<Value, OptionError>]>([:])

  /// The cached value for `path`, or `load()`'s, remembered when the file can be stat'ed.
  func value(path: String, option: String, load: () throws(OptionError) -> Value) throws(OptionError) -> Value {
    var info = stat()
    guard stat(path, &info) == 0 else { return try load() }
    let key = Key(
      path: path, device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
      modified: Int64(info.st_mtim.tv_sec) &* 1_000_000_000 &+ Int64(info.st_mtim.tv_nsec))
    if let known = entries.withLock({ $0[key] }) { return try Self.rethrown(known, option: option) }
    let result: Result<Value, OptionError>
    do throws(OptionError) {
      result = .success(try load())
    } catch {
      result = .failure(error)
    }
    entries.withLock { $0[key] = result }
    return try Self.rethrown(result, option: option)
  }

  private static func rethrown(_ result: Result<Value, OptionError>, option: String) throws(OptionError) -> Value {
    switch result {
    case .success(let value): return value
    case .failure(let error):
      var error = error
      error.option = option
      throw error
    }
  }
}
