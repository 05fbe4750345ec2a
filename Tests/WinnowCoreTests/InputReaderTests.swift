import Foundation
import Testing
import WinnowCore
import WinnowTestSupport

func readAll(_ paths: [String], _ settings: InputSettings = InputSettings()) -> ([ReadItem], InputReader) {
  var settings = settings
  settings.paths = paths
  let reader = InputReader(settings: settings)
  var items: [ReadItem] = []
  while let item = reader.next() { items.append(item) }
  return (items, reader)
}

/// gzip-compresses with the system's gzip (the reader under test decompresses with zlib).
func gzip(_ path: String) throws {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/bin/gzip")
  process.arguments = ["-f", path]
  try process.run()
  process.waitUntilExit()
  #expect(process.terminationStatus == 0)
}

@Suite struct InputReaderTests {
  @Test func walksDirectoriesRecursivelyInSortedOrder() throws {
    let directory = try TemporaryDirectory()
    for name in ["b.txt", "a/z.html", "a/b.txt", "c.jsonl.bak", ".hidden.txt", "A.txt", "a.txt"] {
      try directory.write(name, "x")
    }
    let (items, reader) = readAll([directory.path])
    #expect(items.map(\.document.id) == ["A.txt", "a/b.txt", "a/z.html", "a.txt", "b.txt"])
    #expect(items.map(\.document.source.format) == [.txt, .txt, .html, .txt, .txt])
    #expect(reader.skipped == ["hidden": 1, "unsupported extension": 1])
  }

  @Test func aDirectoryNamedTwiceIsReadTwiceSubfoldersIncluded() throws {
    // As a file named twice is: each named input is walked whole.
    let directory = try TemporaryDirectory()
    for name in ["a/b.txt", "a/c/d.txt", "e.txt"] { try directory.write(name, "x") }
    let (items, reader) = readAll([directory.path, directory.path])
    #expect(items.map(\.document.id) == ["a/b.txt", "a/c/d.txt", "e.txt", "a/b.txt", "a/c/d.txt", "e.txt"])
    #expect(reader.skipped.isEmpty)
  }

  @Test func formatsSelectWhatADirectoryWalkReads() throws {
    let directory = try TemporaryDirectory()
    try directory.write("a.txt", "x")
    try directory.write("b.html", "<p>x</p>")
    let (items, reader) = readAll([directory.path], InputSettings(formats: [.html]))
    #expect(items.map(\.document.id) == ["b.html"])
    #expect(reader.skipped == ["format not selected": 1])
  }

  @Test func aNamedFileIsReadWhateverItsExtension() throws {
    let directory = try TemporaryDirectory()
    let file = try directory.write("notes.md", "# hi")
    let (items, _) = readAll([file])
    #expect(items.count == 1)
    #expect(items[0].document.id == "notes.md")
    #expect(items[0].document.bytes == Array("# hi".utf8))
  }

  @Test func readsJSONLRecordsWithFieldsAndPassThrough() throws {
    let directory = try TemporaryDirectory()
    let file = try directory.write("feed.jsonl", """
      {"id":"a1","text":"첫째 \\"글\\"\\n둘째 줄","url":"http://x/1","score":0.5,"tags":["x",{"y":null}]}

      {"body":"no id here","id":7,"title":"T","authors":["김","이"]}
      """)
    let (items, _) = readAll([file], InputSettings(textField: "text"))
    #expect(items.count == 2)
    let first = items[0].document
    #expect(first.id == "a1")
    #expect(first.text.utf8Bytes == "첫째 \"글\"\n둘째 줄".utf8Bytes)
    #expect(first.meta.url == "http://x/1")
    #expect(first.meta.passthrough.map(\.key) == ["score", "tags"])
    #expect(first.meta.passthrough.map { String(decoding: $0.value.bytes, as: UTF8.self) } == ["0.5", "[\"x\",{\"y\":null}]"])
    #expect(first.source.line == 1)
    // No text field: rejected with the line number, nothing lost.
    let second = items[1]
    #expect(second.drop?.reason == "missing_text")
    #expect(second.drop?.detail == "line 3 has no string field 'text'")
    #expect(second.document.id == "7")
    #expect(second.document.source.line == 3)
  }

  @Test func badJSONLineIsRejectedWithItsLineNumberAndReadingContinues() throws {
    let directory = try TemporaryDirectory()
    let file = try directory.write("feed.jsonl", "{\"id\":\"ok1\",\"text\":\"a\"}\n{\"id\":\"broken\",\"text\":\"a}\n{\"id\":\"ok2\",\"text\":\"b\"}\n")
    let (items, _) = readAll([file])
    #expect(items.map(\.document.id) == ["ok1", "feed.jsonl:2", "ok2"])
    #expect(items[1].drop?.reason == "bad_json")
    #expect(items[1].drop?.detail == "line 2, column 26: unterminated string")
    #expect(items[1].document.bytes == Array("{\"id\":\"broken\",\"text\":\"a}".utf8))
    #expect(items[0].drop == nil && items[2].drop == nil)
  }

  @Test func readsGzipJSONLAndText() throws {
    let directory = try TemporaryDirectory()
    try directory.write("d/feed.jsonl", "{\"id\":\"g1\",\"text\":\"압축\"}\n{\"id\":\"g2\",\"text\":\"파일\"}\n")
    try directory.write("d/page.txt", "본문")
    try gzip(directory.path + "/d/feed.jsonl")
    try gzip(directory.path + "/d/page.txt")
    let (items, _) = readAll([directory.path + "/d"])
    #expect(items.map(\.document.id) == ["g1", "g2", "page.txt.gz"])
    #expect(items[1].document.text.utf8Bytes == "파일".utf8Bytes)
    #expect(items[2].document.bytes == Array("본문".utf8))
    #expect(items[2].document.source.format == .txt)
  }

  @Test func unreadableFileIsRejectedAndTheRunContinues() throws {
    guard getuid() != 0 else {
      // root reads any file whatever its mode; /proc/self/mem opens but fails to read (EIO),
      // and a file that vanished fails to open.
      let directory = try TemporaryDirectory()
      try directory.write("a.txt", "x")
      let (items, _) = readAll(["/proc/self/mem", directory.path + "/gone.txt", directory.path + "/a.txt"])
      #expect(items.map(\.document.id) == ["mem", "gone.txt", "a.txt"])
      #expect(items[0].drop?.reason == "unreadable")
      #expect(items[1].drop?.reason == "unreadable")
      #expect(items[2].drop == nil)
      return
    }
    let directory = try TemporaryDirectory()
    let locked = try directory.write("locked.txt", "x")
    try directory.write("open.txt", "y")
    chmod(locked, 0)
    let (items, _) = readAll([directory.path])
    #expect(items.map(\.document.id) == ["locked.txt", "open.txt"])
    #expect(items[0].drop?.reason == "unreadable")
  }

  @Test func corruptOrTruncatedGzipBecomesARejectNotASilentLoss() throws {
    let directory = try TemporaryDirectory()
    let records = (1...2000).map { "{\"id\":\"r\($0)\",\"text\":\"레코드 \($0) \(String(repeating: "본문", count: 20))\"}" }
    try directory.write("d/feed.jsonl", records.joined(separator: "\n") + "\n")
    try directory.write("d/page.txt", String(repeating: "긴 본문 ", count: 5000))
    try gzip(directory.path + "/d/feed.jsonl")
    try gzip(directory.path + "/d/page.txt")
    // Cut both files in half.
    for name in ["feed.jsonl.gz", "page.txt.gz"] {
      let path = directory.path + "/d/" + name
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
    }
    let (items, _) = readAll([directory.path + "/d"])
    let failures = items.filter { $0.drop != nil }
    #expect(failures.count == 2, "\(failures.map { $0.drop?.detail ?? "" })")
    #expect(failures.allSatisfy { $0.drop?.reason == "unreadable" })
    let feedFailure = try #require(failures.first { $0.document.source.path == "feed.jsonl.gz" })
    #expect(feedFailure.drop?.detail.contains("read failed after line") == true)
    // Every record before the cut was read; none was silently lost or cut.
    let read = items.filter { $0.drop == nil && $0.document.source.format == .jsonl }
    #expect(read.count > 100)
    #expect(read.enumerated().allSatisfy { $0.element.document.id == "r\($0.offset + 1)" })
    #expect(read.allSatisfy { $0.document.text?.hasSuffix("본문") == true })
  }

  @Test func jsonlWithAByteOrderMarkReadsItsFirstRecord() throws {
    let directory = try TemporaryDirectory()
    let file = try directory.write("bom.jsonl", [0xEF, 0xBB, 0xBF] + Array("{\"id\":\"b1\",\"text\":\"첫 줄\"}\n".utf8))
    let (items, _) = readAll([file])
    #expect(items.map(\.document.id) == ["b1"])
    #expect(items.first?.drop == nil)
  }

  @Test func tooLargeDocumentsAreRejectedNotRead() throws {
    let directory = try TemporaryDirectory()
    try directory.write("big.txt", String(repeating: "x", count: 100))
    try directory.write("feed.jsonl", "{\"text\":\"\(String(repeating: "y", count: 100))\"}\n{\"text\":\"small\"}\n")
    let (items, _) = readAll([directory.path], InputSettings(maxDocumentBytes: 50))
    #expect(items.map { $0.drop?.reason } == ["too_large", "too_large", nil])
    #expect(items[0].document.bytes == nil)
    #expect(items[2].document.text.utf8Bytes == "small".utf8Bytes)
  }
}
