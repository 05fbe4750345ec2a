import Foundation

/// The files under input directories, depth-first, each directory's entries sorted by the
/// bytes of their names. Hidden entries (".x") are passed over.
///
/// Only regular files are yielded to be opened. A FIFO, socket or device is never opened (a
/// FIFO without a writer blocks `open()` for ever): it is yielded as a reject,
/// `not_a_regular_file`. So is a file whose name is not UTF-8, with the name's bytes.
/// Symbolic links to regular files are read; links to directories are followed only with
/// `input.follow_links`, and every directory (by device and inode) is walked at most once per
/// named input, so a link to an ancestor or two links to one folder cannot loop or multiply
/// the walk.
struct DirectoryWalk {
  enum Entry {
    /// A regular file (or a link to one).
    case file(path: String, relative: String)
    /// A regular file whose name is not UTF-8: `relative` lossily decoded, and its bytes.
    case nameNotUTF8(relative: String, pathBytes: [UInt8])
    /// Passed over and rejected: `relative` lossily decoded, `pathBytes` when it is not UTF-8.
    case rejected(relative: String, pathBytes: [UInt8]?, reason: String, detail: String)
  }

  struct Identity: Hashable {
    var device: UInt64
    var inode: UInt64
  }

  let followLinks: Bool
  /// Entries passed over, by reason; shown in the run summary.
  private(set) var skipped: [String: Int] = [:]
  /// A stack of (root, relative directory as text and bytes, sorted entries, next index).
  private var stack: [Frame] = []
  private var visited: Set<Identity> = []

  private struct Frame {
    var root: String
    var directory: String
    var directoryBytes: [UInt8]
    var entries: [(name: [UInt8], type: UInt8)]
    var next: Int
  }

  init(followLinks: Bool) {
    self.followLinks = followLinks
  }

  /// Starts walking `root` (a directory named as an input).
  mutating func begin(root: String) {
    var info = stat()
    guard stat(root, &info) == 0 else {
      skipped["unreadable directory", default: 0] += 1
      return
    }
    // Each named input is walked whole: a directory named twice is read twice, as a file
    // named twice is (only links inside one walk are kept from repeating it).
    visited = [Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))]
    push(root: root, directory: "", bytes: [])
  }

  /// The next entry of the walk; nil when it is done.
  mutating func next() -> Entry? {
    while var top = stack.popLast() {
      guard top.next < top.entries.count else { continue }
      let (nameBytes, type) = top.entries[top.next]
      top.next += 1
      stack.append(top)
      let relativeBytes = top.directoryBytes.isEmpty ? nameBytes : top.directoryBytes + [UInt8(ascii: "/")] + nameBytes
      let name = String(validating: nameBytes, as: UTF8.self)
      let relative = name.map { top.directory.isEmpty ? $0 : top.directory + "/" + $0 } ?? String(decoding: relativeBytes, as: UTF8.self)
      let full = top.root + "/" + relative
      var kind = Self.kind(ofDirectoryEntryType: type)
      var identity: Identity?
      if kind == nil || kind == .link || kind == .directory {
        guard name != nil else {
          // Its path cannot be given back to open() as text: what it is does not matter.
          if kind == .directory || kind == .link {
            return .rejected(
              relative: relative, pathBytes: relativeBytes, reason: "unreadable",
              detail: "the name is not valid UTF-8 (its bytes are in source.path_bytes); not walked")
          }
          return notUTF8(relative, relativeBytes)
        }
        var info = stat()
        let linkInfo = kind == .link || kind == nil
        if linkInfo && lstat(full, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK {
          guard stat(full, &info) == 0 else {
            skipped["broken link", default: 0] += 1
            continue
          }
          if info.st_mode & S_IFMT == S_IFDIR && !followLinks {
            skipped["link to a directory (input.follow_links is off)", default: 0] += 1
            continue
          }
        } else if !linkInfo && stat(full, &info) != 0 {
          skipped["unreadable directory", default: 0] += 1
          continue
        }
        kind = Self.kind(ofMode: info.st_mode)
        identity = Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
      }
      switch kind {
      case .file:
        guard name != nil else { return notUTF8(relative, relativeBytes) }
        return .file(path: full, relative: relative)
      case .directory:
        guard let identity, visited.insert(identity).inserted else {
          skipped["directory already walked (a link cycle or a second link)", default: 0] += 1
          continue
        }
        push(root: top.root, directory: relative, bytes: relativeBytes)
      case .special(let what):
        return .rejected(
          relative: relative, pathBytes: name == nil ? relativeBytes : nil, reason: "not_a_regular_file",
          detail: "\(full) is \(what): not opened")
      case .link, nil:
        continue
      }
    }
    return nil
  }

  private func notUTF8(_ relative: String, _ bytes: [UInt8]) -> Entry? {
    .nameNotUTF8(relative: relative, pathBytes: bytes)
  }

  enum Kind: Equatable {
    case file, directory, link
    case special(String)
  }

  static func kind(ofDirectoryEntryType type: UInt8) -> Kind? {
    switch Int32(type) {
    case Int32(DT_REG): .file
    case Int32(DT_DIR): .directory
    case Int32(DT_LNK): .link
    case Int32(DT_FIFO): .special("a FIFO")
    case Int32(DT_SOCK): .special("a socket")
    case Int32(DT_CHR): .special("a character device")
    case Int32(DT_BLK): .special("a block device")
    default: nil
    }
  }

  static func kind(ofMode mode: mode_t) -> Kind {
    switch mode & S_IFMT {
    case S_IFREG: .file
    case S_IFDIR: .directory
    case S_IFLNK: .link
    case S_IFIFO: .special("a FIFO")
    case S_IFSOCK: .special("a socket")
    case S_IFCHR: .special("a character device")
    case S_IFBLK: .special("a block device")
    default: .special("not a regular file")
    }
  }

  private mutating func push(root: String, directory: String, bytes: [UInt8]) {
    let full = directory.isEmpty ? root : root + "/" + directory
    guard let handle = opendir(full) else {
      skipped["unreadable directory", default: 0] += 1
      return
    }
    defer { closedir(handle) }
    var visible: [(name: [UInt8], type: UInt8)] = []
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
      if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
      if name.first == UInt8(ascii: ".") {
        skipped["hidden", default: 0] += 1
      } else {
        visible.append((name, entry.pointee.d_type))
      }
    }
    visible.sort { $0.name.lexicographicallyPrecedes($1.name) }
    stack.append(Frame(root: root, directory: directory, directoryBytes: bytes, entries: visible, next: 0))
  }
}
