import WinnowCore
import WinnowNative

/// Stage `dedup`: exact and near-duplicate removal over the whole corpus, the pipeline's last
/// stage. The exact hash is SHA-256 (first 128 bits) of the normalized text; near duplicates
/// are found by MinHash LSH over shingles of the same normalized text, and every candidate
/// pair is confirmed before two documents are linked: by the exact Jaccard similarity of their
/// shingle sets when both are small enough to keep, else by the signatures' estimate. Linked documents form groups (union-find); each group keeps one
/// document (by `keep`, ties by input order) and the others go to the rejects file with
/// reason `duplicate` or `near_duplicate`, the kept id and the estimated similarity.
///
/// Defaults: char 5-grams (Korean spacing varies, so words are unreliable units; datatrove
/// and NeMo Curator use 5-grams too), 128 permutations and threshold 0.8 (DESIGN.md; the
/// common choice in public pipelines); bands and rows chosen from threshold and perms by
/// minimising the weighted false-positive and false-negative areas, as datasketch does, but
/// with false negatives weighted 0.95 (datasketch: 0.5): a false candidate costs one
/// signature comparison here, a missed one is a duplicate left in. For 0.8 and 128 that gives
/// 16 bands × 8 rows (DESIGN.md's example; datasketch's weights give 9 × 13, which finds
/// only 69% of pairs at similarity 0.85 as candidates, against 99.4%).
struct DedupConfig: StageConfig {
  static let name = "dedup"
  static let summary = "Exact and MinHash LSH near-duplicate removal over the whole corpus (must be the last stage)"
  static let normalizations = ["casefold", "punctuation", "digits", "whitespace"]
  static let options: [OptionSpec] = [
    OptionSpec("exact", .bool, default: .bool(true), "drop documents whose normalized text equals an earlier one's (SHA-256)"),
    OptionSpec("near", .bool, default: .bool(true), "drop near duplicates found by MinHash LSH"),
    OptionSpec("normalize", .stringList(allowed: normalizations), default: .strings(["casefold", "punctuation", "whitespace"]),
               "before hashing: casefold (lower case), punctuation (removed), digits (all become 0), whitespace (removed for char shingles)"),
    OptionSpec("shingle", .string, default: .string("char5"), "charN (N Unicode characters) or wordN (N words from ICU's word break iterator)"),
    OptionSpec("perms", .int(8...1024), default: .int(128), "MinHash permutations (signature length)"),
    OptionSpec("threshold", .double(0.05...1), default: .double(0.8), "estimated Jaccard similarity at which two documents are duplicates"),
    OptionSpec("bands", .int(0...1024), default: .int(0), "LSH bands (0: chosen from threshold and perms)"),
    OptionSpec("rows", .int(0...1024), default: .int(0), "rows per band (0: perms / bands, or chosen with bands)"),
    OptionSpec("false_positive_weight", .double(0...1), default: .double(0.05),
               "when choosing bands and rows: weight of false positives (false negatives get 1 minus it); low, because every candidate pair is confirmed before it links documents"),
    OptionSpec("seed", .int(0...Int.max), default: .int(1), "seed of the generator that draws the permutations"),
    OptionSpec("generator", .choice(PermutationGenerator.allCases.map(\.rawValue)), default: .string("splitmix64"),
               "generator that draws the permutations' a and b: splitmix64, or mt19937 (numpy's RandomState(seed), as datasketch draws them; needs permutation: affine32)"),
    OptionSpec("permutation", .choice(PermutationScheme.allCases.map(\.rawValue)), default: .string("oph"),
               "oph: one-permutation hashing with densification, one mix per shingle (see docs/DEDUP.md); mersenne61: perms permutations (a·h + b) mod (2^61 − 1) over 64-bit hashes (the earlier default); affine32: datasketch 2.0's scheme, a·fmix32(h) + b mod 2^32"),
    OptionSpec("hash", .choice(ShingleHash.allCases.map(\.rawValue)), default: .string("xxh64"),
               "hash of each shingle's UTF-8 bytes: xxh64 (xxHash64), xxh32 (xxHash32, as xxhash.xxh32_intdigest gives datasketch), or sha1_32 (datasketch's default sha1_hash32; slow)"),
    OptionSpec("exact_jaccard_max_shingles", .int(0...10_000_000), default: .int(5000),
               "confirm candidates by the exact Jaccard similarity of their shingle sets when both have at most this many shingles (0: always by the signatures' estimate); the sets go to a scratch file, 4 bytes per shingle"),
    OptionSpec("keep", .choice(KeepPolicy.allCases.map(\.rawValue)), default: .string("first"),
               "which document of a group is kept: first (input order), longest, earliest (published), quality (quality stage's score)"),
  ]

  let shingles: ShingleSettings
  let exact: Bool
  let near: Bool
  let perms: Int
  let threshold: Double
  let bands: Int
  let rows: Int
  let seed: UInt64
  let generator: PermutationGenerator
  let permutation: PermutationScheme
  let hash: ShingleHash
  let keep: KeepPolicy
  let exactJaccardMaxShingles: Int

  init(options: StageOptions) throws(OptionError) {
    exact = options.bool("exact")
    near = options.bool("near")
    guard exact || near else { throw OptionError(option: "near", "with exact and near both off, dedup has nothing to do") }
    var shingles = ShingleSettings()
    let normalize = Set(options.strings("normalize"))
    shingles.casefold = normalize.contains("casefold")
    shingles.punctuation = normalize.contains("punctuation")
    shingles.digits = normalize.contains("digits")
    shingles.whitespace = normalize.contains("whitespace")
    let shingle = options.string("shingle")
    let (unit, sizeText): (ShingleSettings.Unit?, Substring) =
      shingle.hasPrefix("char") ? (.char, shingle.dropFirst(4)) : shingle.hasPrefix("word") ? (.word, shingle.dropFirst(4)) : (nil, "")
    guard let unit, let size = Int(sizeText), size >= 1, size <= (unit == .char ? 32 : 16) else {
      throw OptionError(option: "shingle", "'\(shingle)' is not a shingle; use charN (N 1…32) or wordN (N 1…16), e.g. char5")
    }
    shingles.unit = unit
    shingles.size = size
    self.shingles = shingles
    perms = options.int("perms")
    threshold = options.double("threshold")
    var bands = options.int("bands")
    var rows = options.int("rows")
    switch (bands, rows) {
    case (0, 0):
      (bands, rows) = LSHParameters.optimal(threshold: threshold, perms: perms, falsePositiveWeight: options.double("false_positive_weight"))
    case (0, _): bands = perms / rows
    case (_, 0): rows = perms / bands
    default: break
    }
    guard bands >= 1, rows >= 1, bands * rows <= perms else {
      throw OptionError(option: "bands", "bands × rows = \(bands) × \(rows) must be at least 1 and at most perms (\(perms))")
    }
    self.bands = bands
    self.rows = rows
    seed = UInt64(options.int("seed"))
    // The choices are checked against these names when the options are read.
    generator = PermutationGenerator(rawValue: options.string("generator")) ?? .splitmix64
    permutation = PermutationScheme(rawValue: options.string("permutation")) ?? .oph
    hash = ShingleHash(rawValue: options.string("hash")) ?? .xxh64
    if generator == .mt19937, permutation != .affine32 {
      throw OptionError(option: "generator", "mt19937 draws datasketch's affine32 permutations; with permutation: \(permutation.rawValue) use splitmix64")
    }
    if generator == .mt19937, seed > UInt64(UInt32.max) {
      throw OptionError(option: "seed", "mt19937 takes a seed up to 4294967295 (numpy's RandomState), not \(seed)")
    }
    keep = KeepPolicy(rawValue: options.string("keep"))!
    exactJaccardMaxShingles = near ? options.int("exact_jaccard_max_shingles") : 0
  }

  func build(_ context: StageContext) throws(OptionError) -> any DocumentStage {
    do {
      return try DedupStage(config: self)
    } catch {
      throw OptionError(option: nil, "cannot open ICU's word break iterator: \(error)")
    }
  }
}
