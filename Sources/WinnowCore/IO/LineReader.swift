import Foundation

/// Reads a file line by line (without the newline), any line length.
public final class LineReader {
  public let path: String
  private var handle: UnsafeMutablePointer<FILE>?
  private var buffer: UnsafeMutablePointer<CChar>?
  private var capacity = 0

  public init(path: String) throws(RunError) {
    self.path = path
    guard let handle = fopen(path, "rb") else {
      throw RunError("cannot read '\(path)': \(String(cString: strerror(errno)))")
    }
    setvbuf(handle, nil, _IOFBF, 1 << 20)
    self.handle = handle
  }

  public func next() throws(RunError) -> [UInt8]? {
    guard let handle else { return nil }
    let length = getline(&buffer, &capacity, handle)
    if length < 0 {
      if ferror(handle) != 0 { throw RunError("cannot read '\(path)': \(String(cString: strerror(errno)))") }
      return nil
    }
    var count = length
    if count > 0, buffer![count - 1] == 0x0A { count -= 1 }
    return buffer!.withMemoryRebound(to: UInt8.self, capacity: count) { Array(UnsafeBufferPointer(start: $0, count: count)) }
  }

  /// Passes over the next line without copying it; false at the end of the file.
  public func skip() throws(RunError) -> Bool {
    guard let handle else { return false }
    if getline(&buffer, &capacity, handle) < 0 {
      if ferror(handle) != 0 { throw RunError("cannot read '\(path)': \(String(cString: strerror(errno)))") }
      return false
    }
    return true
  }

  deinit {
    if let handle { fclose(handle) }
    free(buffer)
  }
}
