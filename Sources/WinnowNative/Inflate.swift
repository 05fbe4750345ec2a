internal import CZlib

/// zlib's inflate over bytes in memory, for gzip members one at a time (a `.warc.gz` holds one
/// per record) and for HTTP bodies sent with `Content-Encoding: gzip` or `deflate`. Frees its
/// C state on deinit.
public final class Inflater {
  public enum Status: Equatable, Sendable {
    /// The member (or stream) ended; `consumed` input bytes were its.
    case end
    /// The input ran out before the end.
    case truncated
    /// zlib found the data corrupt.
    case corrupt(String)
  }

  private let stream: UnsafeMutablePointer<z_stream>
  private var started = false
  private let windowBits: Int32

  /// `gzip`: a gzip member; else zlib or raw deflate (HTTP's "deflate" is either, in practice).
  public init(gzip: Bool = true) {
    stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    windowBits = gzip ? 15 + 16 : 15 + 32
  }

  /// Starts a new member or stream.
  public func reset(raw: Bool = false) -> Bool {
    if started { inflateEnd(stream) }
    stream.initialize(to: z_stream())
    started = inflateInit2_(stream, raw ? -15 : windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    return started
  }

  /// Inflates from `input` until `output` is full, the input runs out, or the member ends.
  /// Returns bytes consumed, bytes produced, and the status (nil: more to come).
  public func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> (consumed: Int, produced: Int, status: Status?) {
    guard started else { return (0, 0, .corrupt("inflateInit2 failed")) }
    stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
    stream.pointee.avail_in = UInt32(min(input.count, Int(UInt32.max)))
    stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
    stream.pointee.avail_out = UInt32(min(output.count, Int(UInt32.max)))
    let code = CZlib.inflate(stream, Z_NO_FLUSH)
    let consumed = input.count - Int(stream.pointee.avail_in)
    let produced = output.count - Int(stream.pointee.avail_out)
    switch code {
    case Z_STREAM_END: return (consumed, produced, .end)
    case Z_OK: return (consumed, produced, nil)
    case Z_BUF_ERROR:
      // No progress possible: out of input (or of output space, which the caller avoids).
      return (consumed, produced, input.count == consumed && produced == 0 ? .truncated : nil)
    default:
      let message = stream.pointee.msg.map { String(cString: $0) } ?? "error \(code)"
      return (consumed, produced, .corrupt(message))
    }
  }

  /// A whole gzip/zlib/raw-deflate body, up to `limit` bytes out; nil when it is corrupt or
  /// truncated.
  public static func inflateAll(_ input: [UInt8], gzip: Bool, limit: Int) -> [UInt8]? {
    func attempt(raw: Bool) -> [UInt8]? {
      let inflater = Inflater(gzip: gzip)
      guard inflater.reset(raw: raw) else { return nil }
      var output: [UInt8] = []
      var chunk = [UInt8](repeating: 0, count: 1 << 16)
      var position = 0
      while true {
        let (consumed, produced, status) = input.withUnsafeBytes { raw in
          chunk.withUnsafeMutableBytes { out in inflater.inflate(UnsafeRawBufferPointer(rebasing: raw[position...]), into: out) }
        }
        position += consumed
        output.append(contentsOf: chunk[0..<produced])
        if output.count > limit { return output }
        switch status {
        case .end: return output
        case .truncated, .corrupt: return nil
        case nil: if consumed == 0 && produced == 0 { return nil }
        }
      }
    }
    if let whole = attempt(raw: false) { return whole }
    return gzip ? nil : attempt(raw: true)
  }

  deinit {
    if started { inflateEnd(stream) }
    stream.deallocate()
  }
}
