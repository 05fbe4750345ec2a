internal import CDeflate
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

  /// Starts a new member or stream. After the first, zlib's state and window are reused
  /// (`inflateReset2`), so a `.warc.gz` of many small members allocates nothing per member.
  public func reset(raw: Bool = false) -> Bool {
    let bits = raw ? -15 : windowBits
    if started {
      if inflateReset2(stream, bits) == Z_OK { return true }
      inflateEnd(stream)
    }
    stream.initialize(to: z_stream())
    started = inflateInit2_(stream, bits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
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

  /// A whole gzip/zlib/raw-deflate body, up to a little past `limit` bytes out (the caller
  /// tells a body over its limit by the count); nil when it is corrupt or truncated. Reuses
  /// this inflater's state; `deflate` bodies that are not zlib-wrapped are tried as raw deflate.
  public func inflateAll(_ input: UnsafeRawBufferPointer, limit: Int) -> [UInt8]? {
    // At once when it fits the limit and is valid; streamed otherwise (a body over the limit
    // comes back a little over it, as the caller expects).
    let formats: [WholeInflater.Format] = windowBits == 15 + 16 ? [.gzip] : [.zlib, .raw]
    for format in formats {
      if let whole = whole.inflateAll(format, input, limit: limit) { return whole }
    }
    func attempt(raw: Bool) -> [UInt8]? {
      guard reset(raw: raw) else { return nil }
      var output: [UInt8] = []
      output.reserveCapacity(min(limit, max(1 << 12, input.count * 4)))
      var position = 0
      while true {
        let (consumed, produced, status) = scratch.withUnsafeMutableBytes { out in
          inflate(UnsafeRawBufferPointer(rebasing: input[position...]), into: out)
        }
        position += consumed
        scratch.withUnsafeBytes { output.append(contentsOf: $0.prefix(produced)) }
        if output.count > limit { return output }
        switch status {
        case .end: return output
        case .truncated, .corrupt: return nil
        case nil: if consumed == 0 && produced == 0 { return nil }
        }
      }
    }
    if let whole = attempt(raw: false) { return whole }
    return windowBits == 15 + 16 ? nil : attempt(raw: true)
  }

  private lazy var scratch = [UInt8](repeating: 0, count: 1 << 16)
  private lazy var whole = WholeInflater()

  deinit {
    if started { inflateEnd(stream) }
    stream.deallocate()
  }
}

/// libdeflate's whole-buffer decompression: a gzip member, zlib or raw deflate stream that
/// fits the output given, inflated at once (about twice zlib's streaming speed). Anything else
/// (no room, bad or cut data) is left to `Inflater`, which streams and says what is wrong.
/// Frees its C state on deinit.
public final class WholeInflater {
  public enum Format: Sendable { case gzip, zlib, raw }

  private let decompressor: OpaquePointer?

  public init() {
    decompressor = libdeflate_alloc_decompressor()
  }

  /// Inflates the first stream of `input` into `output`: bytes consumed and produced, or nil
  /// when it does not fit `output`, is not valid, or is cut short.
  public func inflate(_ format: Format, _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> (consumed: Int, produced: Int)? {
    guard let decompressor, let source = input.baseAddress, let target = output.baseAddress else { return nil }
    var consumed = 0
    var produced = 0
    let result: libdeflate_result
    switch format {
    case .gzip: result = libdeflate_gzip_decompress_ex(decompressor, source, input.count, target, output.count, &consumed, &produced)
    case .zlib: result = libdeflate_zlib_decompress_ex(decompressor, source, input.count, target, output.count, &consumed, &produced)
    case .raw: result = libdeflate_deflate_decompress_ex(decompressor, source, input.count, target, output.count, &consumed, &produced)
    }
    return result == LIBDEFLATE_SUCCESS ? (consumed, produced) : nil
  }

  /// A whole stream of `input` up to `limit` bytes out, trying output room from a guess up
  /// to `limit`; nil when it is larger or not valid (then stream it with `Inflater`).
  public func inflateAll(_ format: Format, _ input: UnsafeRawBufferPointer, limit: Int) -> [UInt8]? {
    var capacity = min(limit, max(1 << 16, input.count * 8))
    while true {
      var done = false
      let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
        let result = inflate(format, input, into: UnsafeMutableRawBufferPointer(buffer))
        done = result != nil
        count = result?.produced ?? 0
      }
      if done { return output }
      guard capacity < limit else { return nil }
      capacity = min(limit, capacity * 4)
    }
  }

  deinit {
    if let decompressor { libdeflate_free_decompressor(decompressor) }
  }
}
