import Foundation

/// A run never writes, truncates or renames a file it reads: the inputs (and the files a walk
/// of an input directory reads), the pipeline file, plugin libraries, exec scripts and the
/// files stage options name. Checked before any work; each clash names both paths.
///
/// Paths are compared by their real path (links and `./x` resolved) and, where both exist, by
/// device and inode (hard links). A written path counts with its temporary name
/// (`X.partial`) too, and two written paths must differ from each other.
public enum PathClash {
  /// A path and what it is to the run (`--output`, `output.path`, `input`, …).
  public struct Role {
    public var path: String
    public var role: String

    public init(_ path: String, _ role: String) {
      self.path = path
      self.role = role
    }
  }

  /// What `pipeline` reads besides its inputs' contents.
  public static func reads(of pipeline: Pipeline) -> [Role] {
    var reads = [Role(pipeline.file, "pipeline file")]
    for path in pipeline.input.paths where path != "-" { reads.append(Role(path, "input")) }
    for path in pipeline.plugins { reads.append(Role(path, "plugin library")) }
    for file in pipeline.optionFiles { reads.append(Role(file.path, file.key)) }
    for (index, stage) in pipeline.stages.enumerated() {
      for path in (stage.stage as? any ExternalCode)?.codeFiles ?? [] {
        reads.append(Role(path, "stages[\(index)].\(stage.name) program"))
      }
    }
    return reads
  }

  /// One diagnostic per clash; empty when every written path is safe.
  public static func check(pipeline: Pipeline, writes: [Role]) -> [Diagnostic] {
    let reads = reads(of: pipeline)
    var diagnostics: [Diagnostic] = []
    var written: [(Role, Place)] = []
    for write in writes {
      for (name, suffix) in [(write.path, ""), (write.path + ".partial", " (its temporary name)")] {
        let place = Place(name)
        for read in reads {
          guard let how = place.clash(with: Place(read.path), formats: pipeline.input.formats, input: read.role == "input") else { continue }
          diagnostics.append(Diagnostic(
            file: pipeline.file, keyPath: write.role,
            message: "'\(clipped(name))'\(suffix) would overwrite \(how) '\(clipped(read.path))' (\(read.role)), which this run reads; write elsewhere"))
        }
        if suffix.isEmpty {
          for (other, otherPlace) in written where otherPlace.real == place.real {
            diagnostics.append(Diagnostic(
              file: pipeline.file, keyPath: write.role,
              message: "'\(clipped(name))' is the same file as '\(clipped(other.path))' (\(other.role)); each output needs its own file"))
          }
          written.append((write, place))
        }
      }
    }
    return diagnostics
  }

  /// A path resolved: its real path (the missing tail kept as written) and, when it exists,
  /// its device and inode.
  struct Place {
    var real: String
    var identity: (device: UInt64, inode: UInt64)?
    var isDirectory = false

    init(_ path: String) {
      var info = stat()
      if stat(path, &info) == 0 {
        identity = (UInt64(info.st_dev), UInt64(info.st_ino))
        isDirectory = info.st_mode & S_IFMT == S_IFDIR
      }
      real = Self.realPath(path)
    }

    /// realpath(3) of the longest existing prefix, with the rest appended.
    static func realPath(_ path: String) -> String {
      let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
      var head = normalizePath(absolute)
      var tail: [String] = []
      while head != "/" && !head.isEmpty {
        if let resolved = realpath(head, nil) {
          defer { free(resolved) }
          return ([String(cString: resolved)] + tail.reversed()).joined(separator: "/").replacingOccurrences(of: "//", with: "/")
        }
        tail.append((head as NSString).lastPathComponent)
        head = (head as NSString).deletingLastPathComponent
      }
      return "/" + tail.reversed().joined(separator: "/")
    }

    /// How writing this place would overwrite `read`: "the file", "a file inside", or nil.
    func clash(with read: Place, formats: [InputFormat], input: Bool) -> String? {
      if let mine = identity, let theirs = read.identity, mine == theirs { return "the file" }
      if real == read.real { return "the file" }
      // Inside an input directory: an existing file the walk reads (selected extension, no
      // hidden part) would be read and then replaced.
      guard input, read.isDirectory, identity != nil, real.hasPrefix(read.real.hasSuffix("/") ? read.real : read.real + "/") else { return nil }
      let relative = real.dropFirst(read.real.count).split(separator: "/")
      guard !relative.contains(where: { $0.hasPrefix(".") }), let format = InputReader.format(ofFileNamed: real),
        formats.contains(format.format)
      else { return nil }
      return "a file of the input directory,"
    }
  }

  static func clipped(_ path: String) -> String { clippedForDiagnostic(path) }
}
