internal import CZlib
internal import CZstd
#if canImport(Glibc)
import Glibc
#endif

/// How an output file is compressed, chosen by its name: `.gz` (gzip, zlib level 6) or
/// `.zst` (Zstandard, level 3, one frame), else none.
public enum CompressionCodec: String, Sendable, Equatable {
  case none, gzip, zstd

  /// The codec a path's name asks for.
  public static func forPath(_ path: String) -> CompressionCodec {
    if path.hasSuffix(".gz") { return .gzip }
    if path.hasSuffix(".zst") { return .zstd }
    return .none
  }

  /// The file-name suffix (`.gz`, `.zst`, or empty).
  public var suffix: String {
    switch self {
    case .none: ""
    case .gzip: ".gz"
    case .zstd: ".zst"
    }
  }
}

/// A streaming compressor: bytes in, compressed bytes appended to a caller's buffer. The same
/// input gives the same bytes (gzip's header carries no time or name; zstd runs on one thread).
/// Frees its C state on deinit.
public final class StreamCompressor {
  public let codec: CompressionCodec
  private var deflater: UnsafeMutablePointer<z_stream>?
  private var zstd: OpaquePointer?
  private var scratch = [UInt8](repeating: 0, count: 1 << 17)

  public init(_ codec: CompressionCodec) throws(NativeError) {
    self.codec = codec
    switch codec {
    case .none: break
    case .gzip:
      let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
      stream.initialize(to: z_stream())
      // windowBits 15 + 16: a gzip wrapper (header with mtime 0, no name), memLevel 8.
      let code = deflateInit2_(stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
      guard code == Z_OK else {
        stream.deallocate()
        throw NativeError(function: "deflateInit2", code: code, message: "cannot start a gzip stream")
      }
      deflater = stream
    case .zstd:
      guard let context = ZSTD_createCCtx() else { throw NativeError(function: "ZSTD_createCCtx", code: -1, message: "out of memory") }
      ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, 3)
      ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
      zstd = context
    }
  }

  /// Compresses `input`, appending what is ready to `output`.
  public func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(NativeError) {
    try run(input, finish: false, into: &output)
  }

  /// Ends the stream (gzip trailer, zstd frame end), appending the rest to `output`.
  public func finish(into output: inout [UInt8]) throws(NativeError) {
    try run(UnsafeRawBufferPointer(start: nil, count: 0), finish: true, into: &output)
  }

  private func run(_ input: UnsafeRawBufferPointer, finish: Bool, into output: inout [UInt8]) throws(NativeError) {
    let capacity = scratch.count
    var failure: NativeError?
    scratch.withUnsafeMutableBytes { out in
      guard let outBase = out.baseAddress else { return }
      if let stream = deflater {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = UInt32(input.count)
        while true {
          stream.pointee.next_out = outBase.assumingMemoryBound(to: Bytef.self)
          stream.pointee.avail_out = UInt32(capacity)
          let code = deflate(stream, finish ? Z_FINISH : Z_NO_FLUSH)
          if code == Z_STREAM_ERROR {
            failure = NativeError(function: "deflate", code: code, message: "stream error")
            return
          }
          let produced = capacity - Int(stream.pointee.avail_out)
          output.append(contentsOf: UnsafeRawBufferPointer(start: outBase, count: produced))
          if finish ? code == Z_STREAM_END : (stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0) { return }
        }
      } else if let zstd {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while true {
          var outBuffer = ZSTD_outBuffer(dst: outBase, size: capacity, pos: 0)
          let remaining = ZSTD_compressStream2(zstd, &outBuffer, &inBuffer, finish ? ZSTD_e_end : ZSTD_e_continue)
          if ZSTD_isError(remaining) != 0 {
            failure = NativeError(function: "ZSTD_compressStream2", code: -1, message: String(cString: ZSTD_getErrorName(remaining)))
            return
          }
          output.append(contentsOf: UnsafeRawBufferPointer(start: outBase, count: outBuffer.pos))
          if finish ? remaining == 0 : inBuffer.pos == inBuffer.size { return }
        }
      }
    }
    if let failure { throw failure }
    if codec == .none, let base = input.baseAddress { output.append(contentsOf: UnsafeRawBufferPointer(start: base, count: input.count)) }
  }

  deinit {
    if let deflater {
      deflateEnd(deflater)
      deflater.deallocate()
    }
    if let zstd { ZSTD_freeCCtx(zstd) }
  }
}

/// Something read as a stream of bytes: a gzip or plain file (`GzipReader`), a Zstandard one
/// (`ZstdReader`).
public protocol ByteStream: AnyObject {
  /// Reads up to `buffer.count` bytes; 0 at the end.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws(NativeError) -> Int
}

extension ByteStream {
  /// Fills `buffer` from the start with up to `buffer.count` bytes; returns how many (0 at the end).
  public func read(into buffer: inout [UInt8]) throws(NativeError) -> Int {
    var failure: NativeError?
    let count = buffer.withUnsafeMutableBytes { raw -> Int in
      do throws(NativeError) { return try read(into: raw) } catch { failure = error; return 0 }
    }
    if let failure { throw failure }
    return count
  }
}

/// Opens a file for streaming: Zstandard when it starts with zstd's magic number, else
/// through zlib (gzip, or plain bytes unchanged). Takes `descriptor` (closed with the stream).
public func openByteStream(path: String, descriptor: Int32) throws(NativeError) -> any ByteStream {
  var magic = [UInt8](repeating: 0, count: 4)
  let count = magic.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 4, 0) }
  if count == 4, magic == ZstdReader.magic { return try ZstdReader(path: path, descriptor: descriptor) }
  return try GzipReader(path: path, descriptor: descriptor)
}

extension GzipReader: ByteStream {}

/// Reads a Zstandard file (one or more frames) as a byte stream. Closes on deinit.
public final class ZstdReader: ByteStream, @unchecked Sendable {
  /// The first four bytes of a Zstandard frame (0xFD2FB528, little-endian).
  public static let magic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

  public let path: String
  private var handle: UnsafeMutablePointer<FILE>?
  private var context: OpaquePointer?
  private var input: [UInt8]
  private var inputPosition = 0
  private var inputCount = 0
  /// Set once a frame has begun and not ended: the file ending there is truncated.
  private var inFrame = false

  /// Opens `path`, or reads `descriptor` (closed with the reader) when given.
  public init(path: String, descriptor: Int32? = nil) throws(NativeError) {
    self.path = path
    guard let handle = descriptor.map({ fdopen($0, "rb") }) ?? fopen(path, "rb") else {
      throw NativeError(function: "fopen", code: errno, message: String(cString: strerror(errno)))
    }
    guard let context = ZSTD_createDCtx() else {
      fclose(handle)
      throw NativeError(function: "ZSTD_createDCtx", code: -1, message: "out of memory")
    }
    self.handle = handle
    self.context = context
    input = [UInt8](repeating: 0, count: ZSTD_DStreamInSize())
  }

  /// Reads up to `buffer.count` decompressed bytes; 0 at the end.
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(NativeError) -> Int {
    guard let handle, let context, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
    var outBuffer = ZSTD_outBuffer(dst: base, size: buffer.count, pos: 0)
    while outBuffer.pos == 0 {
      if inputPosition == inputCount {
        inputCount = input.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
        inputPosition = 0
        if inputCount == 0 {
          if ferror(handle) != 0 { throw NativeError(function: "fread", code: errno, message: String(cString: strerror(errno))) }
          if inFrame { throw NativeError(function: "ZSTD_decompressStream", code: -1, message: "truncated zstd frame") }
          return 0
        }
      }
      var failure: NativeError?
      input.withUnsafeBytes { raw in
        var inBuffer = ZSTD_inBuffer(src: raw.baseAddress, size: inputCount, pos: inputPosition)
        let hint = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
        if ZSTD_isError(hint) != 0 {
          failure = NativeError(function: "ZSTD_decompressStream", code: -1, message: String(cString: ZSTD_getErrorName(hint)))
        }
        inFrame = hint != 0
        inputPosition = inBuffer.pos
      }
      if let failure { throw failure }
    }
    return outBuffer.pos
  }

  deinit {
    if let handle { fclose(handle) }
    if let context { ZSTD_freeDCtx(context) }
  }
}
