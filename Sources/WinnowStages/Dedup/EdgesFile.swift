import Foundation
import WinnowCore

/// A band's candidate pairs between the bucket and cluster phases: "WINNOWE1", the settings,
/// the band, then pairs of document ordinals (UInt64, little-endian).
enum EdgesFile {
  static let magic = Array("WINNOWE1".utf8)

  static func write(_ pairs: [(UInt64, UInt64)], band: Int, settings: String, to path: String) throws(RunError) {
    var out = magic
    let text = settings + "\nband=\(band)\n"
    DedupRecord.appendUInt32(UInt32(text.utf8.count), to: &out)
    out += Array(text.utf8)
    DedupRecord.appendUInt64(UInt64(pairs.count), to: &out)
    for (first, second) in pairs {
      DedupRecord.appendUInt64(first, to: &out)
      DedupRecord.appendUInt64(second, to: &out)
    }
    let temporary = path + ".partial"
    guard FileManager.default.createFile(atPath: temporary, contents: Data(out)) else {
      throw RunError("cannot write '\(temporary)'")
    }
    guard rename(temporary, path) == 0 else { throw RunError("cannot rename '\(temporary)' to '\(path)': \(String(cString: strerror(errno)))") }
  }

  static func read(_ path: String, band: Int, settings: String) throws(RunError) -> [(UInt64, UInt64)] {
    guard let data = FileManager.default.contents(atPath: path) else { throw RunError("cannot read '\(path)'") }
    let bytes = [UInt8](data)
    func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) } }
    func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) } }
    guard bytes.count >= 12, Array(bytes[0..<8]) == magic else { throw RunError("'\(path)' is not a dedup pairs file") }
    let length = Int(u32(8))
    guard 12 + length + 8 <= bytes.count else { throw RunError("'\(path)' is truncated") }
    let text = String(decoding: bytes[12..<(12 + length)], as: UTF8.self)
    guard text == settings + "\nband=\(band)\n" else {
      throw RunError("'\(path)' was written for other dedup settings or another band than band \(band) of this pipeline")
    }
    let start = 12 + length + 8
    guard let count = Int(exactly: u64(12 + length)), count <= (bytes.count - start) / 16, bytes.count == start + count * 16 else {
      throw RunError("'\(path)' is truncated or damaged (its pair count does not match its size)")
    }
    return (0..<count).map { (u64(start + $0 * 16), u64(start + $0 * 16 + 8)) }
  }
}
