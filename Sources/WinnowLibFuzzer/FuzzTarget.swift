// winnow-libfuzzer: coverage-guided fuzzing of the parts that read untrusted bytes (decode,
// html, the config loader, the JSONL reader and the pass-through fields it hands to the
// output, normalize) with libFuzzer. `make fuzz` builds it with
// -sanitize=fuzzer (coverage instrumentation and libFuzzer) and -DWINNOW_LIBFUZZER, and
// Tests/fuzz.sh runs it: WINNOW_FUZZ_TARGET=decode|html|config|jsonl|passthrough|normalize
// selects the target. In a normal build it is a stub that says so.
import Foundation
import WinnowCore
import WinnowFuzzSupport
import WinnowStages

#if WINNOW_LIBFUZZER
enum FuzzState {
  static let target = ProcessInfo.processInfo.environment["WINNOW_FUZZ_TARGET"] ?? "decode"
  static let decode = make("decode")
  static let html = make("html")
  static let normalize = make("normalize")
  nonisolated(unsafe) static let loader = ConfigLoader(registry: BuiltinStages.registry)
  static func make(_ name: String) -> any DocumentStage {
    let type = BuiltinStages.registry.stage(named: name)!
    return try! type.make(StageOptions.defaults(for: type.options), StageContext(baseDirectory: "pipelines"))
  }
}

/// libFuzzer's driver (in libclang_rt.fuzzer, linked by -sanitize=fuzzer).
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
  _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// SwiftPM links an executable's entry point as `<module>_main`; hand over to libFuzzer.
@_cdecl("winnow_libfuzzer_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
  var count = argc
  var arguments = argv
  return runDriver(&count, &arguments) { data, size in winnowFuzz(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func winnowFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  switch FuzzState.target {
  case "decode":
    var document = Document(id: "f", source: SourceInfo(path: "f.html", format: input.first.map { $0 & 1 == 0 } ?? true ? .html : .txt), bytes: input)
    _ = FuzzState.decode.process(&document)
  case "html":
    var document = Document(id: "f", source: SourceInfo(path: "f.html", format: .html), bytes: input)
    if case .keep = FuzzState.decode.process(&document) {
      _ = FuzzState.html.process(&document)
      _ = FuzzState.normalize.process(&document)
    }
  case "config":
    _ = try? FuzzState.loader.load(yaml: String(decoding: input, as: UTF8.self), file: "fuzz.yaml")
  case "normalize":
    var document = Document(id: "f", source: SourceInfo(path: "f.txt", format: .txt), text: String(decoding: input, as: UTF8.self))
    if case .keep = FuzzState.normalize.process(&document) { FuzzChecks.isStreamSafeAndStable(document, FuzzState.normalize) }
  case "passthrough":
    let path = NSTemporaryDirectory() + "/winnow-libfuzz-\(getpid()).jsonl"
    _ = FileManager.default.createFile(atPath: path, contents: Data(input))
    let reader = InputReader(settings: InputSettings(paths: [path], formats: [.jsonl], maxDocumentBytes: 1 << 20))
    while let item = reader.next() { FuzzChecks.writesStrictJSON(item) }
  default:
    let path = NSTemporaryDirectory() + "/winnow-libfuzz-\(getpid()).jsonl"
    _ = FileManager.default.createFile(atPath: path, contents: Data(input))
    let reader = InputReader(settings: InputSettings(paths: [path], formats: [.jsonl], maxDocumentBytes: 1 << 20))
    while reader.next() != nil {}
  }
  return 0
}
#else
@main struct NotBuiltForFuzzing {
  static func main() {
    FileHandle.standardError.write(Data("winnow-libfuzzer: build and run it with 'make fuzz'\n".utf8))
    exit(2)
  }
}
#endif
