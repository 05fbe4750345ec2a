import Foundation
import Testing
import WinnowTestSupport

/// Hostile inputs and command lines around files and signals (issue 16): a run never writes
/// what it reads, ends either finished or not (and says which), walks directories without
/// following loops or opening FIFOs, keeps the names it cannot read, and stops at the first
/// signal. Each case runs the built binary.
@Suite(.serialized) struct HostileInputIOTests {
  static let pipeline = """
    version: 1
    input: {path: in}
    output: {path: out/clean.jsonl}
    stages:
      - decode: {}
    """

  // MARK: writing what is read

  @Test func aRunRefusesToWriteAFileItReads() throws {
    let directory = try TemporaryDirectory()
    try directory.write("p.yaml", Self.pipeline)
    let gzip = try directory.write("in/full.jsonl.gz", [0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02, 0x03])
    try directory.write("in/a.txt", "a sentence that is read.\n")
    try directory.write("out/clean.jsonl.partial", "an input that looks like a temporary file\n")
    try FileManager.default.createSymbolicLink(atPath: directory.path + "/link.jsonl", withDestinationPath: "in/a.txt")
    try FileManager.default.linkItem(atPath: directory.path + "/in/a.txt", toPath: directory.path + "/hard.jsonl")
    let cases: [(arguments: [String], written: String, read: String)] = [
      (["--input", "in/full.jsonl.gz", "--output", "in/full.jsonl.gz"], "in/full.jsonl.gz", "in/full.jsonl.gz"),
      (["--input", "in/a.txt", "--output", "./in/../in/a.txt"], "./in/../in/a.txt", "in/a.txt"),
      (["--input", "in/a.txt", "--output", "link.jsonl"], "link.jsonl", "in/a.txt"),
      (["--input", "in/a.txt", "--output", "hard.jsonl"], "hard.jsonl", "in/a.txt"),
      (["--output", "in/a.txt"], "in/a.txt", "in"),
      (["--output", "p.yaml"], "p.yaml", "p.yaml"),
      (["--input", "out/clean.jsonl.partial", "--output", "out/clean.jsonl"], "out/clean.jsonl.partial", "out/clean.jsonl.partial"),
      (["--output", "out/c.jsonl", "--manifest", "out/c.jsonl"], "out/c.jsonl", "out/c.jsonl"),
    ]
    for (arguments, written, read) in cases {
      let result = try runWinnow(["run", "p.yaml", "--quiet"] + arguments, in: directory.path)
      #expect(result.status == 2, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains("'\(written)'") && result.stderr.contains("'\(read)'"), "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains("nothing was run"), "\(arguments): \(result.stderr)")
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: gzip)) == Data([0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02, 0x03]))
    #expect(try directory.read("in/a.txt") == "a sentence that is read.\n")
    #expect(try directory.read("out/clean.jsonl.partial") == "an input that looks like a temporary file\n")
    #expect(!FileManager.default.fileExists(atPath: directory.path + "/out/clean.jsonl"))
  }

  @Test func anOutputAndRejectsClashGivenByFlagsIsNamedByTheFlags() throws {
    let directory = try TemporaryDirectory()
    try directory.write("p.yaml", Self.pipeline)
    try directory.write("in/a.txt", "text\n")
    let result = try runWinnow(["run", "p.yaml", "--output", "o.jsonl", "--rejects", "o.jsonl"], in: directory.path)
    #expect(result.status == 2)
    #expect(result.stderr.contains("p.yaml: error: [--output --rejects] --output and --rejects name the same file 'o.jsonl'"), "\(result.stderr)")
    #expect(!result.stderr.contains("p.yaml:3"), "\(result.stderr)")
  }

  // MARK: directory walks

  @Test func linksToDirectoriesAreFollowedOnlyWhenAskedAndNeverInALoop() throws {
    let directory = try TemporaryDirectory()
    try directory.write("in/a.txt", "a page of text.\n")
    try directory.write("elsewhere/b.txt", "another page of text.\n")
    try directory.write("target.txt", "a page reached by a link.\n")
    let links = [("in/self", "."), ("in/also-self", "."), ("in/sub/up", ".."), ("in/other", "../elsewhere"), ("in/file.txt", "../target.txt")]
    for (link, target) in links {
      try FileManager.default.createDirectory(atPath: directory.path + "/" + (link as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(atPath: directory.path + "/" + link, withDestinationPath: target)
    }
    try directory.write("p.yaml", Self.pipeline)
    try directory.write("follow.yaml", Self.pipeline.replacingOccurrences(of: "{path: in}", with: "{path: in, follow_links: true}"))
    let started = Date()
    let plain = try runWinnow(["run", "p.yaml", "--jobs", "1"], in: directory.path)
    #expect(plain.status == 0, "\(plain.stderr)")
    #expect(try ids(directory.path + "/out/clean.jsonl") == ["a.txt", "file.txt"])
    #expect(plain.stderr.contains("link to a directory (input.follow_links is off) 4"), "\(plain.stderr)")
    let followed = try runWinnow(["run", "follow.yaml", "--jobs", "1"], in: directory.path)
    #expect(followed.status == 0, "\(followed.stderr)")
    #expect(try ids(directory.path + "/out/clean.jsonl") == ["a.txt", "file.txt", "other/b.txt"])
    #expect(followed.stderr.contains("directory already walked (a link cycle or a second link) 3"), "\(followed.stderr)")
    #expect(Date().timeIntervalSince(started) < 20)
    try directory.write("bad.yaml", Self.pipeline.replacingOccurrences(of: "{path: in}", with: "{path: in, follow_links: sometimes}"))
    let invalid = try runWinnow(["validate", "bad.yaml"], in: directory.path)
    #expect(invalid.status == 2)
    #expect(invalid.stderr.contains("bad.yaml:2:33: error: [input.follow_links] expected true or false, got 'sometimes'"), "\(invalid.stderr)")
  }

  @Test func fifosAndSocketsAreRejectedWithoutBeingOpened() throws {
    let directory = try TemporaryDirectory()
    try directory.write("in/a.txt", "a page of text.\n")
    #expect(mkfifo(directory.path + "/in/pipe.txt", 0o644) == 0)
    #expect(mkfifo(directory.path + "/named.jsonl", 0o644) == 0)
    let socketPath = directory.path + "/in/socket"
    let socket = makeUnixSocket(at: socketPath)
    defer { if socket >= 0 { close(socket) } }
    try directory.write("p.yaml", Self.pipeline)
    let started = Date()
    let walked = try runWinnow(["run", "p.yaml", "--quiet"], in: directory.path)
    #expect(walked.status == 0, "\(walked.stderr)")
    let rejects = try readJSONLines(directory.path + "/out/clean.rejects.jsonl")
    #expect(rejects.map { "\($0["id"] ?? "") \($0["reason"] ?? "")" } == ["pipe.txt not_a_regular_file", "socket not_a_regular_file"])
    #expect((rejects.first?["detail"] as? String ?? "").contains("is a FIFO: not opened"))
    let named = try runWinnow(["run", "p.yaml", "--quiet", "--input", "named.jsonl", "--output", "n.jsonl"], in: directory.path)
    #expect(named.status == 0, "\(named.stderr)")
    #expect(try readJSONLines(directory.path + "/n.rejects.jsonl").map { "\($0["id"] ?? "") \($0["reason"] ?? "")" } == ["named.jsonl not_a_regular_file"])
    #expect(Date().timeIntervalSince(started) < 20)
  }

  @Test func namesThatAreNotUTF8AreRejectsWithTheirBytes() throws {
    let directory = try TemporaryDirectory()
    let name: [UInt8] = Array("caf".utf8) + [0xE9] + Array(".txt".utf8)
    try directory.write("in/a.txt", "a page of text.\n")
    let full = Array((directory.path + "/in/").utf8) + name
    #expect(createFile(bytes: full, contents: "bonjour tout le monde.\n"))
    defer { unlinkFile(bytes: full) }
    try directory.write("p.yaml", Self.pipeline)
    let result = try runWinnow(["run", "p.yaml", "--quiet"], in: directory.path)
    #expect(result.status == 0, "\(result.stderr)")
    let rejects = try readJSONLines(directory.path + "/out/clean.rejects.jsonl")
    #expect(rejects.count == 1)
    let source = rejects.first?["source"] as? [String: Any] ?? [:]
    #expect(rejects.first?["id"] as? String == "caf\u{FFFD}.txt")
    #expect(rejects.first?["reason"] as? String == "unreadable")
    #expect(source["path"] as? String == "caf\u{FFFD}.txt")
    #expect(source["path_bytes"] as? String == Data(name).base64EncodedString())
    #expect(try ids(directory.path + "/out/clean.jsonl") == ["a.txt"])
  }

  // MARK: signals and the end of a run

  /// Standard input held open and empty: the reader waits in read(); the first SIGINT stops
  /// the run within 2 s, with nothing left where a finished run's files go (an earlier run's
  /// output included) and a manifest that says it was interrupted.
  @Test func theFirstSignalStopsABlockedRunAndLeavesNothingThatLooksFinished() throws {
    let directory = try TemporaryDirectory()
    try directory.write("p.yaml", Self.pipeline)
    try directory.write("out/clean.jsonl", "{\"id\":\"from an earlier run\"}\n")
    let running = try Running(["run", "p.yaml", "--input", "-", "--jobs", "2"], in: directory.path, holdStandardInput: true)
    try waitFor { FileManager.default.fileExists(atPath: directory.path + "/out/clean.jsonl.partial") }
    let (status, seconds) = try running.interrupt(SIGINT)
    #expect(status == 130, "\(running.stderr)")
    #expect(seconds < 2, "stopped after \(seconds) s")
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/out").sorted()
    #expect(left == ["clean.manifest.json"], "\(left)")
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/out/clean.manifest.json"))) as? [String: Any]
    #expect(manifest?["interrupted"] as? Bool == true)
    #expect(running.stderr.contains("interrupted by SIGINT: nothing was written"), "\(running.stderr)")
  }

  /// A signal after the final renames: the run is finished (exit 0, output, rejects and a
  /// manifest without "interrupted"). The summary is written after the commit to a FIFO,
  /// which holds the run there until the test reads it.
  @Test func aSignalAfterTheFinalRenamesFindsTheRunFinished() throws {
    let directory = try TemporaryDirectory()
    try directory.write("p.yaml", Self.pipeline)
    try directory.write("in/a.txt", "a page of text.\n")
    #expect(mkfifo(directory.path + "/summary.json", 0o644) == 0)
    let running = try Running(["run", "p.yaml", "--summary-json", "summary.json"], in: directory.path)
    try waitFor { FileManager.default.fileExists(atPath: directory.path + "/out/clean.manifest.json") }
    kill(running.process.processIdentifier, SIGINT)
    usleep(1_500_000)  // past the grace period: a run that committed is not stopped
    #expect(running.process.isRunning)
    let summary = readAll(directory.path + "/summary.json")
    running.process.waitUntilExit()
    #expect(running.process.terminationStatus == 0, "\(running.stderr)")
    #expect(!summary.isEmpty)
    #expect(running.stderr.contains("the run finished"), "\(running.stderr)")
    #expect(try ids(directory.path + "/out/clean.jsonl") == ["a.txt"])
    #expect(FileManager.default.fileExists(atPath: directory.path + "/out/clean.rejects.jsonl"))
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/out/clean.manifest.json"))) as? [String: Any]
    #expect(manifest?["interrupted"] as? Bool == false)
  }

  /// Every command stops within 2 s of the first signal, whatever it is busy with: reading
  /// a pipeline of 350,000 stages, opening a FIFO that has no writer, reading standard input.
  @Test func everyCommandStopsWithinTwoSecondsOfTheFirstSignal() throws {
    let directory = try TemporaryDirectory()
    #expect(mkfifo(directory.path + "/fifo.jsonl", 0o644) == 0)
    try directory.write("in/a.txt", "text\n")
    let stages = String(repeating: "  - normalize: {form: NFC}\n", count: 350_000)
    try directory.write("huge.yaml", "version: 1\ninput: {path: in}\noutput: {path: out/c.jsonl}\nstages:\n  - decode: {}\n" + stages + "  - dedup: {}\n")
    try directory.write("dedup.yaml", Self.pipeline + "\n  - dedup: {}\n")
    let commands: [[String]] = [
      ["validate", "huge.yaml"], ["check", "fifo.jsonl"], ["run", "huge.yaml"], ["dedup", "bands", "huge.yaml"],
      ["dedup", "signatures", "dedup.yaml", "--work", "w", "--positioned", "--input", "-"],
    ]
    for (index, arguments) in commands.enumerated() {
      let running = try Running(arguments, in: directory.path, holdStandardInput: true)
      usleep(300_000)
      #expect(running.process.isRunning, "\(arguments) ended before the signal: \(running.stderr)")
      let (status, seconds) = try running.interrupt(index % 2 == 0 ? SIGINT : SIGTERM)
      #expect(status == (index % 2 == 0 ? 130 : 143), "\(arguments): \(running.stderr)")
      #expect(seconds < 2, "\(arguments): stopped after \(seconds) s")
    }
    let work = (try? FileManager.default.contentsOfDirectory(atPath: directory.path + "/w")) ?? []
    #expect(!work.contains { $0.hasSuffix(".partial") }, "\(work)")
    #expect(!FileManager.default.fileExists(atPath: directory.path + "/out/c.jsonl"))
  }

  // MARK: huge pipelines and unclear errors

  /// 20,000 normalize stages and 2,000 boilerplate stages on one rule pack: each stage was
  /// 1.4 ms (a table of 65,536 ICU checks) or 8 ms (the pack parsed again), now shared.
  @Test func validatingAHugePipelineIsLinear() throws {
    let directory = try TemporaryDirectory()
    try directory.write("in/a.txt", "text\n")
    let pack = try String(contentsOfFile: packageRoot() + "/pipelines/rules/ko-news.yaml", encoding: .utf8)
    try directory.write("ko-news.yaml", pack)
    var yaml = "version: 1\ninput: {path: in}\noutput: {path: out/c.jsonl}\nstages:\n  - decode: {}\n"
    yaml += String(repeating: "  - normalize: {form: NFC}\n", count: 20_000)
    yaml += String(repeating: "  - boilerplate: {rules: ko-news.yaml}\n", count: 2_000)
    try directory.write("huge.yaml", yaml)
    let started = Date()
    let result = try runWinnow(["validate", "huge.yaml"], in: directory.path)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("ok: 22001 stages"))
    #expect(result.stdout.utf8.count < 2_000)
    #expect(Date().timeIntervalSince(started) < 15)
  }

  @Test func aHugeInvalidValueIsNotEchoedWhole() throws {
    let directory = try TemporaryDirectory()
    let value = String(repeating: "x", count: 1_000_000)
    try directory.write("p.yaml", "version: 1\ninput: {path: in}\noutput: {path: o.jsonl}\nstages:\n  - decode: {}\n  - quality: {min_chars: \(value)}\n")
    try directory.write("in/a.txt", "text\n")
    let result = try runWinnow(["validate", "p.yaml"], in: directory.path)
    #expect(result.status == 2)
    #expect(result.stderr.utf8.count < 2_000, "\(result.stderr.utf8.count) bytes")
    #expect(result.stderr.contains("p.yaml:6:26: error: [stages[1].quality.min_chars] expected a whole number, got 'xxx"))
    #expect(result.stderr.contains("… (1000000 bytes)'"))
    #expect(result.stderr.components(separatedBy: "error:").count == 2, "one diagnostic, printed once")
  }

  @Test func oddLengthUTF16IsDecodedWithoutItsLastByte() throws {
    let directory = try TemporaryDirectory()
    let text = "서울 시내버스 요금이 다음 달부터 오른다. 시민들은 불만을 표시했다.\n"
    try directory.write("in/odd.txt", Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } + [0x0A])
    try directory.write("p.yaml", Self.pipeline)
    let result = try runWinnow(["run", "p.yaml", "--quiet", "--summary-json", "s.json"], in: directory.path)
    #expect(result.status == 0, "\(result.stderr)")
    let rows = try readJSONLines(directory.path + "/out/clean.jsonl")
    #expect(rows.first?["text"] as? String == text)
    #expect((rows.first?["source"] as? [String: Any])?["encoding"] as? String == "UTF-16LE")
    #expect(try directory.read("s.json").contains("\"odd_trailing_byte_dropped\" : 1"))
  }

  // MARK: helpers

  func ids(_ path: String) throws -> [String] {
    try readJSONLines(path).compactMap { $0["id"] as? String }
  }

  /// Polls `condition` every 20 ms for up to 10 s.
  func waitFor(_ condition: () -> Bool) throws {
    let deadline = Date().addingTimeInterval(10)
    while !condition() {
      if Date() > deadline { throw CocoaError(.fileReadUnknown) }
      usleep(20_000)
    }
  }

  /// The binary running in the background, stderr to a file.
  final class Running {
    let process = Process()
    let stderrPath: String
    let input = Pipe()

    init(_ arguments: [String], in directory: String, holdStandardInput: Bool = false) throws {
      stderrPath = directory + "/stderr-\(UUID().uuidString).txt"
      FileManager.default.createFile(atPath: stderrPath, contents: nil)
      process.executableURL = URL(fileURLWithPath: winnowBinary())
      process.arguments = arguments
      process.currentDirectoryURL = URL(fileURLWithPath: directory)
      process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
      process.standardOutput = FileHandle.nullDevice
      process.standardInput = input
      try process.run()
      if !holdStandardInput { try input.fileHandleForWriting.close() }
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Sends `signal`; the exit status and the seconds until the process ended (killed after 10 s).
    func interrupt(_ signal: Int32) throws -> (Int32, Double) {
      let sent = Date()
      kill(process.processIdentifier, signal)
      while process.isRunning && Date().timeIntervalSince(sent) < 10 { usleep(10_000) }
      let seconds = Date().timeIntervalSince(sent)
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
      process.waitUntilExit()
      try? input.fileHandleForWriting.close()
      return (process.terminationStatus, seconds)
    }
  }

  /// Everything a FIFO's writer writes (POSIX reads: Foundation refuses FIFOs).
  func readAll(_ path: String) -> [UInt8] {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return [] }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count <= 0 { break }
      bytes += chunk[0..<count]
    }
    return bytes
  }

  func createFile(bytes path: [UInt8], contents: String) -> Bool {
    let descriptor = (path + [0]).withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY | O_TRUNC, 0o644) }
    }
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    let bytes = Array(contents.utf8)
    return bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == bytes.count
  }

  func unlinkFile(bytes path: [UInt8]) {
    _ = (path + [0]).withUnsafeBufferPointer { buffer in buffer.withMemoryRebound(to: CChar.self) { unlink($0.baseAddress!) } }
  }

  /// A listening Unix socket at `path` (-1 when it cannot be made).
  func makeUnixSocket(at path: String) -> Int32 {
    let descriptor = Foundation.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return -1 }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return -1 }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      for (index, byte) in bytes.enumerated() { raw[index] = byte }
    }
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    return bound == 0 ? descriptor : -1
  }
}
