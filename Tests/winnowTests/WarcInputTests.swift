import Foundation
import Testing
import WinnowTestSupport

/// WARC input end to end through the binary: records built here (gzip members by gzip(1)),
/// the samples' pages as files and as a WARC, HTTP charsets, chunked and gzip bodies,
/// skipped kinds, truncated and corrupt records.
@Suite(.serialized) struct WarcInputTests {
  let root = packageRoot()

  static func record(_ type: String, id: String, uri: String = "http://example.com/", contentType: String, block: [UInt8]) -> [UInt8] {
    let header = "WARC/1.0\r\nWARC-Type: \(type)\r\nWARC-Record-ID: <urn:uuid:\(id)>\r\nWARC-Target-URI: \(uri)\r\n"
      + "WARC-Date: 2025-01-12T06:00:00Z\r\nContent-Type: \(contentType)\r\nContent-Length: \(block.count)\r\n\r\n"
    return Array(header.utf8) + block + Array("\r\n\r\n".utf8)
  }

  static func response(id: String, uri: String = "http://example.com/", status: String = "200 OK", headers: [String], body: [UInt8]) -> [UInt8] {
    let http = "HTTP/1.1 \(status)\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n"
    return record("response", id: id, uri: uri, contentType: "application/http; msgtype=response", block: Array(http.utf8) + body)
  }

  /// gzip(1) -n: one member.
  static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
    process.arguments = ["-n", "-c"]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(bytes))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Array(data)
  }

  func lines(_ path: String) throws -> [[String: Any]] { (try? readJSONLines(path)) ?? [] }

  func run(_ directory: TemporaryDirectory, _ pipeline: String, _ arguments: [String] = []) throws -> ProcessResult {
    _ = try directory.write("p.yaml", pipeline)
    let result = try runWinnow(["run", "p.yaml", "--quiet", "--summary-json", "summary.json"] + arguments, in: directory.path)
    #expect(result.status == 0, "\(result.stderr)")
    return result
  }

  /// The samples' HTML and text pages read as files and as one .warc.gz: the same records,
  /// apart from the fields that say where a page came from.
  @Test func samplesAsFilesAndAsAWarcGiveTheSameRecords() throws {
    let directory = try TemporaryDirectory()
    let names = try FileManager.default.contentsOfDirectory(atPath: root + "/samples").filter { $0.hasSuffix(".html") || $0.hasSuffix(".txt") }.sorted()
    #expect(names.count >= 15)
    var warc: [UInt8] = []
    for (index, name) in names.enumerated() {
      let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: root + "/samples/" + name)))
      _ = try directory.write("files/" + name, bytes)
      let type = name.hasSuffix(".html") ? "text/html" : "text/plain"
      warc += try Self.gzip(Self.record("request", id: "q\(index)", contentType: "application/http; msgtype=request", block: Array("GET / HTTP/1.1\r\n\r\n".utf8)))
      warc += try Self.gzip(Self.response(id: "r\(index)", uri: "http://example.com/\(name)", headers: ["Content-Type: \(type)"], body: bytes))
    }
    _ = try directory.write("crawl/pages.warc.gz", warc)
    let stages = "stages:\n  - decode: {}\n  - html: {}\n  - normalize: {}\n  - quality: {min_chars: 200}\n"
    _ = try run(directory, "version: 1\ninput: {path: files}\noutput: {path: a/clean.jsonl}\n" + stages)
    _ = try run(directory, "version: 1\ninput: {path: crawl, formats: [warc]}\noutput: {path: b/clean.jsonl}\n" + stages)
    func stripped(_ path: String) throws -> [String] {
      try lines(path).map { row in
        var row = row
        for key in ["id", "source", "url", "fetched"] { row.removeValue(forKey: key) }
        for key in ["sha256", "text"] where row[key] == nil { Issue.record("no \(key)") }
        return String(decoding: try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys]), as: UTF8.self)
      }
    }
    let files = try stripped(directory.path + "/a/clean.jsonl")
    #expect(files.count >= 10)
    #expect(try stripped(directory.path + "/b/clean.jsonl") == files)
    #expect(try lines(directory.path + "/b/clean.rejects.jsonl").count == (try lines(directory.path + "/a/clean.rejects.jsonl")).count)
    // The same text bytes, record by record.
    let a = try lines(directory.path + "/a/clean.jsonl").map { ($0["text"] as? String).utf8Bytes }
    let b = try lines(directory.path + "/b/clean.jsonl").map { ($0["text"] as? String).utf8Bytes }
    #expect(a == b)
    // Provenance: the record's id, its URI and date, its member's offset.
    let first = try #require(try lines(directory.path + "/b/clean.jsonl").first)
    #expect((first["id"] as? String)?.hasPrefix("urn:uuid:r") == true)
    #expect((first["url"] as? String)?.hasPrefix("http://example.com/") == true)
    #expect(first["fetched"] as? String == "2025-01-12T06:00:00Z")
    let source = try #require(first["source"] as? [String: Any])
    #expect(source["path"] as? String == "pages.warc.gz" && source["record"] as? String == first["id"] as? String)
    #expect((source["offset"] as? Int ?? 0) > 0)
    // Every request skipped and counted.
    let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/summary.json"))) as? [String: Any])
    #expect((summary["skipped_files"] as? [String: Int])?["warc request"] == names.count)
  }

  /// HTTP's charset is the decode stage's first evidence; chunked and gzip bodies are decoded;
  /// request, metadata, revisit, non-text and non-2xx records are skipped and counted.
  @Test func httpCharsetsBodiesAndSkippedKinds() throws {
    let directory = try TemporaryDirectory()
    let korean = "서울시는 12일 지하철 요금을 내년부터 150원 올린다고 밝혔다. 시는 적자가 쌓였다고 설명했다."
    // An EUC-KR sample, served as text/plain with its charset.
    let euckr = try Data(contentsOf: URL(fileURLWithPath: root + "/samples/euckr-rice-harvest.txt"))
    let latin = "Der Bürgermeister eröffnete die Brücke über den Fluß am Morgen. Straßenbahn fährt täglich."
    let latin1 = try #require(latin.data(using: .isoLatin1))
    let html = Array("<html><body><p>\(korean)</p></body></html>".utf8)
    var chunked: [UInt8] = []
    for piece in [html[0..<20], html[20..<70], html[70...]] {
      chunked += Array(String(piece.count, radix: 16).utf8) + [13, 10] + piece + [13, 10]
    }
    chunked += Array("0\r\n\r\n".utf8)
    let gzipped = try Self.gzip(html)
    var warc: [UInt8] = []
    warc += Self.record("warcinfo", id: "i", contentType: "application/warc-fields", block: Array("software: test\r\n".utf8))
    warc += Self.response(id: "euckr", headers: ["Content-Type: text/plain; charset=EUC-KR"], body: Array(euckr))
    warc += Self.response(id: "latin1", headers: ["Content-Type: text/plain; charset=\"iso-8859-1\""], body: Array(latin1))
    // A wrong declared charset loses to valid UTF-8.
    warc += Self.response(id: "wrong", headers: ["Content-Type: text/html; charset=windows-1252"], body: html)
    warc += Self.response(id: "chunked", headers: ["Content-Type: text/html", "Transfer-Encoding: chunked"], body: chunked)
    warc += Self.response(id: "gzip", headers: ["Content-Type: text/html; charset=utf-8", "Content-Encoding: gzip", "Transfer-Encoding: chunked"],
      body: Array(String(gzipped.count, radix: 16).utf8) + [13, 10] + gzipped + Array("\r\n0\r\n\r\n".utf8))
    warc += Self.response(id: "image", headers: ["Content-Type: image/png"], body: [0x89, 0x50, 0x4E, 0x47])
    warc += Self.response(id: "moved", status: "301 Moved Permanently", headers: ["Content-Type: text/html", "Location: /x"], body: Array("<a href=/x>x</a>".utf8))
    warc += Self.record("request", id: "q", contentType: "application/http; msgtype=request", block: Array("GET / HTTP/1.1\r\n\r\n".utf8))
    warc += Self.record("metadata", id: "m", contentType: "application/warc-fields", block: Array("outlinks: x\r\n".utf8))
    warc += Self.record("revisit", id: "v", contentType: "application/http; msgtype=response", block: Array("HTTP/1.1 200 OK\r\n\r\n".utf8))
    _ = try directory.write("crawl.warc", warc)
    _ = try run(directory, "version: 1\ninput: {path: crawl.warc}\noutput: {path: out/clean.jsonl}\nstages:\n  - decode: {}\n  - html: {}\n")
    let rows = try lines(directory.path + "/out/clean.jsonl")
    var byID: [String: [String: Any]] = [:]
    for row in rows { byID[row["id"] as? String ?? ""] = row }
    #expect(byID.keys.sorted() == ["urn:uuid:chunked", "urn:uuid:euckr", "urn:uuid:gzip", "urn:uuid:latin1", "urn:uuid:wrong"])
    func encoding(_ id: String) -> String? { (byID["urn:uuid:" + id]?["source"] as? [String: Any])?["encoding"] as? String }
    #expect(["EUC-KR", "CP949"].contains(encoding("euckr") ?? ""), "\(encoding("euckr") ?? "nil")")
    #expect((byID["urn:uuid:euckr"]?["text"] as? String)?.hasPrefix("2025.10.08 (수)\n\n오늘의 날씨") == true)
    #expect(encoding("latin1")?.hasPrefix("ISO-8859-1") == true || encoding("latin1") == "windows-1252", "\(encoding("latin1") ?? "nil")")
    #expect(byID["urn:uuid:latin1"]?["text"] as? String == latin)
    #expect(encoding("wrong") == "UTF-8")
    for id in ["wrong", "chunked", "gzip"] { #expect(byID["urn:uuid:" + id]?["text"] as? String == korean, "\(id)") }
    let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/summary.json"))) as? [String: Any])
    #expect(summary["skipped_files"] as? [String: Int] == [
      "warc warcinfo": 1, "warc request": 1, "warc metadata": 1, "warc revisit": 1, "warc response not text": 1, "warc response status 3xx": 1,
    ])
    #expect(try lines(directory.path + "/out/clean.rejects.jsonl").isEmpty)
  }

  /// A corrupt gzip member and a truncated last record: each a reject with its offset, and the
  /// records after the corrupt one are still read.
  @Test func corruptAndTruncatedRecordsAreRejectsWithTheirOffsets() throws {
    let directory = try TemporaryDirectory()
    let text = Array(String(repeating: "A page of plain text that is long enough to be a document. ", count: 20).utf8)
    var members: [[UInt8]] = []
    for index in 0..<5 {
      members.append(try Self.gzip(Self.response(id: "p\(index)", headers: ["Content-Type: text/plain"], body: text + Array("\(index)".utf8))))
    }
    // Member 1: its deflate data damaged in the middle.
    let middle = members[1].count / 2
    for offset in middle..<(middle + 16) { members[1][offset] ^= 0xA5 }
    // Member 4: cut short.
    members[4].removeLast(members[4].count / 3)
    var offsets: [Int] = []
    var warc: [UInt8] = []
    for member in members {
      offsets.append(warc.count)
      warc += member
    }
    _ = try directory.write("bad.warc.gz", warc)
    // The same records uncompressed: record 2 declares more bytes than it has (cut), the file
    // then goes on with records 3 and 4.
    var plain: [UInt8] = []
    var plainOffsets: [Int] = []
    for index in 0..<5 {
      var record = Self.response(id: "u\(index)", headers: ["Content-Type: text/plain"], body: text + Array("\(index)".utf8))
      if index == 2 { record = Array(record.prefix(300)) + Array("\r\n\r\n".utf8) }
      plainOffsets.append(plain.count)
      plain += record
    }
    plain.removeLast(40)  // record 4 truncated
    _ = try directory.write("bad.warc", plain)
    _ = try run(directory, "version: 1\ninput: {path: [bad.warc.gz, bad.warc], formats: [warc]}\noutput: {path: out/clean.jsonl}\nstages:\n  - decode: {}\n")
    let kept = try lines(directory.path + "/out/clean.jsonl").compactMap { $0["id"] as? String }
    #expect(kept == ["urn:uuid:p0", "urn:uuid:p2", "urn:uuid:p3", "urn:uuid:u0", "urn:uuid:u1", "urn:uuid:u3"])
    let rejects = try lines(directory.path + "/out/clean.rejects.jsonl")
    let found = rejects.map { row -> String in
      let source = row["source"] as? [String: Any] ?? [:]
      return "\(source["path"] as? String ?? "?")@\(source["offset"] as? Int ?? -1) \(row["reason"] as? String ?? "?")"
    }
    // The damaged member, the cut member; record 2 of the plain file (its declared length
    // runs past its end: rejected, and on at record 3), and the truncated last record.
    #expect(found == [
      "bad.warc.gz@\(offsets[1]) unreadable", "bad.warc.gz@\(offsets[4]) unreadable",
      "bad.warc@\(plainOffsets[2]) unreadable", "bad.warc@\(plainOffsets[4]) unreadable",
    ])
    for row in rejects { #expect((row["detail"] as? String)?.contains("record at byte") == true, "\(row)") }
  }

  /// Several MB of records, some longer than the reader's buffer takes at once, uncompressed
  /// and as one gzip member for the whole file: every record is read, wherever it falls
  /// against the buffer's ends (a record that straddled a refill was once misread).
  @Test func recordsAcrossTheReadBuffersEndsAreAllRead() throws {
    let directory = try TemporaryDirectory()
    var plain: [UInt8] = []
    var expected: [String] = []
    for index in 0..<700 {
      // Sizes vary (prime steps), and every 97th record is 1.5 MB.
      let words = index % 97 == 5 ? 250_000 : 40 + (index * 37) % 400
      let body = Array(String(repeating: "word\(index % 10) ", count: words).utf8) + Array("end \(index)".utf8)
      plain += Self.response(id: "b\(index)", headers: ["Content-Type: text/plain", "Content-Length: \(body.count)"], body: body)
      expected.append("urn:uuid:b\(index)")
    }
    #expect(plain.count > 8 << 20)
    _ = try directory.write("big.warc", plain)
    _ = try directory.write("one-member.warc.gz", try Self.gzip(plain))
    for name in ["big.warc", "one-member.warc.gz"] {
      _ = try run(directory, "version: 1\ninput: {path: \(name), formats: [warc], max_document_bytes: 4000000}\noutput: {path: out/clean.jsonl}\nstages:\n  - decode: {}\n")
      let records = try lines(directory.path + "/out/clean.jsonl")
      #expect(records.compactMap { $0["id"] as? String } == expected, "\(name)")
      #expect(records.allSatisfy { ($0["text"] as? String)?.hasSuffix("end " + (($0["id"] as? String)?.dropFirst(10) ?? "")) == true }, "\(name)")
      #expect(try lines(directory.path + "/out/clean.rejects.jsonl").isEmpty, "\(name)")
    }
  }
}
