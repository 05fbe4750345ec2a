// winnow-fuzz: a deterministic random-mutation fuzzer for the parts that read untrusted bytes
// (decode, html, the config loader, the JSONL reader and the pass-through fields it hands to
// the output, normalize), for machines without libFuzzer's
// runtime (`make fuzz-mutate`; `make fuzz` is the coverage-guided libFuzzer build in
// Sources/WinnowLibFuzzer). It mutates seed inputs (bit flips, byte inserts and deletes,
// repeated and spliced chunks, boundary values) from a fixed seed.
//
//   winnow-fuzz TARGET SECONDS [SEED]     TARGET: decode | html | config | jsonl | passthrough | normalize
//
// Before each input runs it is written to out/fuzz/TARGET.current, so after a crash that file
// is the input that crashed it. Prints executions, and exits 0 when nothing crashed.
import Foundation
import WinnowCore
import WinnowFuzzSupport
import WinnowStages

struct Generator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
}

func mutate(_ input: [UInt8], corpus: [[UInt8]], random: inout Generator) -> [UInt8] {
  var bytes = input
  let rounds = 1 + random.below(8)
  let interesting: [UInt8] = [0x00, 0xFF, 0x7F, 0x80, 0xC0, 0xE0, 0xF0, 0xF8, 0xED, 0xEF, 0xBB, 0xBF, 0x0A, 0x22, 0x5C, 0x3C, 0x3E, 0x26, 0x7B, 0x7D]
  for _ in 0..<rounds {
    switch random.below(8) {
    case 0 where !bytes.isEmpty:
      let at = random.below(bytes.count)
      bytes[at] ^= UInt8(1 << random.below(8))
    case 1:
      bytes.insert(interesting[random.below(interesting.count)], at: random.below(bytes.count + 1))
    case 2 where !bytes.isEmpty:
      let at = random.below(bytes.count)
      bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.below(16)))
    case 3 where !bytes.isEmpty:
      let at = random.below(bytes.count)
      let chunk = Array(bytes[at..<min(bytes.count, at + 1 + random.below(64))])
      let times = 1 + random.below(random.below(2) == 0 ? 4 : 2000)
      bytes.insert(contentsOf: Array(repeating: chunk, count: times).joined(), at: random.below(bytes.count + 1))
    case 4 where !corpus.isEmpty:
      let other = corpus[random.below(corpus.count)]
      if !other.isEmpty {
        let from = random.below(other.count)
        let piece = other[from..<min(other.count, from + 1 + random.below(256))]
        bytes.insert(contentsOf: piece, at: random.below(bytes.count + 1))
      }
    case 5 where bytes.count > 1:
      bytes.removeSubrange(random.below(bytes.count)...)
    case 6 where !bytes.isEmpty:
      let at = random.below(bytes.count)
      bytes[at] = interesting[random.below(interesting.count)]
    default:
      bytes.append(contentsOf: Array("<div><p>".utf8).prefix(1 + random.below(8)))
    }
  }
  return bytes
}

func stage(_ name: String) -> any DocumentStage {
  let type = BuiltinStages.registry.stage(named: name)!
  return try! type.make(StageOptions.defaults(for: type.options), StageContext(baseDirectory: "pipelines"))
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, let seconds = Double(arguments[2]) else {
  FileHandle.standardError.write(Data("usage: winnow-fuzz decode|html|config|jsonl|passthrough|normalize SECONDS [SEED]\n".utf8))
  exit(2)
}
let target = arguments[1]
var random = Generator(state: arguments.count > 3 ? UInt64(arguments[3]) ?? 1 : 1)
try? FileManager.default.createDirectory(atPath: "out/fuzz", withIntermediateDirectories: true)
let currentPath = "out/fuzz/\(target).current"

// Seeds: our samples, the shared seeds, the pipeline files.
var corpus: [[UInt8]] = []
for directory in ["samples", "../shared/seeds", "pipelines", "pipelines/rules", "Tests/winnowTests/Fixtures/web"] {
  for name in ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted() {
    if let data = FileManager.default.contents(atPath: directory + "/" + name), data.count < 400_000 { corpus.append([UInt8](data)) }
  }
}
if target == "config" { corpus = corpus.filter { String(decoding: $0.prefix(200), as: UTF8.self).contains(":") } }
if target == "jsonl" || target == "passthrough" {
  corpus.append(Array("{\"id\":\"a\",\"text\":\"본문\",\"title\":\"t\",\"n\":[1,2,{\"x\":null}]}\n".utf8))
  corpus.append(Array(#"{"id":"s","text":"a\ud800","x":["\udc00",{"\ud83d\ude00":"\udbff\u0041"}],"y":"\\ud800"}"#.utf8) + [0x0A])
}
if target == "normalize" {
  corpus.append(Array(("a" + String(repeating: "\u{301}\u{316}", count: 40) + " \u{1112}\u{1161}\u{11AB} e\u{301} \u{F73}\u{FF9E}").utf8))
}
guard !corpus.isEmpty else { print("winnow-fuzz: no seed inputs (run from the repository root)"); exit(2) }

let decode = stage("decode")
let html = stage("html")
let normalize = stage("normalize")
let loader = ConfigLoader(registry: BuiltinStages.registry)

let deadline = Date().addingTimeInterval(seconds)
var executions = 0
var largest = 0
while Date() < deadline {
  let input = mutate(corpus[random.below(corpus.count)], corpus: corpus, random: &random)
  largest = max(largest, input.count)
  FileManager.default.createFile(atPath: currentPath, contents: Data(input))
  switch target {
  case "decode":
    var document = Document(id: "f", source: SourceInfo(path: "f.html", format: random.below(2) == 0 ? .html : .txt), bytes: input)
    _ = decode.process(&document)
  case "html":
    var document = Document(id: "f", source: SourceInfo(path: "f.html", format: .html), bytes: input)
    if case .keep = decode.process(&document) {
      _ = html.process(&document)
      _ = normalize.process(&document)
    }
  case "config":
    _ = try? loader.load(yaml: String(decoding: input, as: UTF8.self), file: "fuzz.yaml")
  case "jsonl":
    let path = "out/fuzz/input.jsonl"
    FileManager.default.createFile(atPath: path, contents: Data(input))
    let reader = InputReader(settings: InputSettings(paths: [path], formats: [.jsonl], maxDocumentBytes: 1 << 20))
    while reader.next() != nil {}
  case "passthrough":
    let path = "out/fuzz/input.jsonl"
    FileManager.default.createFile(atPath: path, contents: Data(input))
    let reader = InputReader(settings: InputSettings(paths: [path], formats: [.jsonl], maxDocumentBytes: 1 << 20))
    while let item = reader.next() { FuzzChecks.writesStrictJSON(item) }
  case "normalize":
    var document = Document(id: "f", source: SourceInfo(path: "f.txt", format: .txt), text: String(decoding: input, as: UTF8.self))
    if case .keep = normalize.process(&document) { FuzzChecks.isStreamSafeAndStable(document, normalize) }
  default:
    print("winnow-fuzz: unknown target '\(target)'")
    exit(2)
  }
  executions += 1
}
try? FileManager.default.removeItem(atPath: currentPath)
print("winnow-fuzz \(target): \(executions) executions in \(Int(seconds)) s, largest input \(largest) bytes, 0 crashes")
