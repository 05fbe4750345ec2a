import Foundation
import Testing
import WinnowTestSupport

/// `make dist`: the self-contained winnow for machines with nothing installed.
@Suite(.serialized) struct DistTests {
  let root = packageRoot()
  /// Resolved: ldd shows the libraries' physical paths.
  var dist: String { URL(fileURLWithPath: root + "/dist/winnow").resolvingSymlinksInPath().path }

  func requireDist() throws {
    try #require(FileManager.default.fileExists(atPath: dist + "/winnow"), "\(dist)/winnow is missing: run 'make dist' (make test does)")
  }

  func run(_ executable: String, _ arguments: [String], environment: [String: String], in directory: String) throws -> ProcessResult {
    try runProcess(executable, arguments, in: directory, environment: environment)
  }

  @Test func everyLibraryButGlibcComesFromTheDistDirectory() throws {
    try requireDist()
    let ldd = try run("/usr/bin/ldd", [dist + "/winnow"], environment: [:], in: root)
    #expect(ldd.status == 0)
    #expect(!ldd.stdout.contains("not found"), "\(ldd.stdout)")
    // The same list as scripts/dist.sh's: glibc's and the kernel's, on every Linux machine.
    let glibc = ["linux-vdso", "ld-linux", "libc.so", "libm.so", "libpthread.so", "libdl.so", "librt.so", "libresolv.so", "libutil.so"]
    for line in ldd.stdout.split(separator: "\n") {
      let name = line.trimmingCharacters(in: .whitespaces)
      if glibc.contains(where: { name.hasPrefix($0) || name.contains("/" + $0) }) { continue }
      #expect(name.contains("=> \(dist)/lib/"), "\(name) is not from \(dist)/lib")
    }
    // ICU and libxml2 are among them: the machines it is for have neither.
    #expect(ldd.stdout.contains("libicuuc.so.72 => \(dist)/lib/"))
    #expect(ldd.stdout.contains("libxml2.so.2 => \(dist)/lib/"))
  }

  @Test func itRunsWithAnEmptyEnvironmentFromAnywhereAndWritesTheSameBytes() throws {
    try requireDist()
    // Moved elsewhere (it finds lib/ beside itself), run with no environment at all.
    let directory = try TemporaryDirectory()
    let copy = directory.path + "/winnow-dist"
    try FileManager.default.copyItem(atPath: dist, toPath: copy)
    let distOutput = directory.path + "/dist.jsonl"
    let result = try run(copy + "/winnow", ["run", "pipelines/ko-news.yaml", "--output", distOutput, "--quiet", "--jobs", "2"],
                         environment: ["LD_LIBRARY_PATH": ""], in: root)
    #expect(result.status == 0, "\(result.stderr)")
    let reference = directory.path + "/reference.jsonl"
    let built = try runWinnow(["run", "pipelines/ko-news.yaml", "--output", reference, "--quiet"], in: root)
    #expect(built.status == 0, "\(built.stderr)")
    #expect(sha256sum(try Data(contentsOf: URL(fileURLWithPath: distOutput))) == sha256sum(try Data(contentsOf: URL(fileURLWithPath: reference))))
  }
}
