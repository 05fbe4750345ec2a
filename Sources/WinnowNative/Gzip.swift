internal import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// A gzip stream read through zlib's gz* API (handles concatenated members). Closes on deinit.
public final class GzipReader: @unchecked Sendable {
  private var file: gzFile?
  public let path: String

  /// Opens `path`, or standard input when `descriptor` is given.
  public init(path: String, descriptor: Int32? = nil) throws(NativeError) {
    self.path = path
    if let descriptor {
      file = gzdopen(descriptor, "rb")
    } else {
      file = gzopen(path, "rb")
    }
    if file == nil { throw NativeError(function: "gzopen", code: errno, message: String(cString: strerror(errno))) }
    gzbuffer(file, 1 << 17)
  }

  /// Reads up to `buffer.count` bytes; 0 at the end.
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(NativeError) -> Int {
    guard let file, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
    let n = gzread(file, base, UInt32(min(buffer.count, Int(Int32.max))))
    // gzread returns 0 both at the end and on a truncated stream: ask zlib which.
    if n <= 0 {
      var code: Int32 = 0
      let message = gzerror(file, &code).map { String(cString: $0) } ?? ""
      if n < 0 || (code != Z_OK && code != Z_STREAM_END) {
        throw NativeError(function: "gzread", code: code, message: message)
      }
    }
    return Int(n)
  }

  deinit {
    if let file { gzclose(file) }
  }
}
