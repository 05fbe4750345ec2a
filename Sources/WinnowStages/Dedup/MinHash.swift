import Foundation
import CMinHash

/// MinHash with permutations (a·h + b) mod (2^61 − 1) over 64-bit shingle hashes (xxHash64),
/// a and b drawn from SplitMix64 seeded by the configuration's `seed`. Signatures keep the low
/// 32 bits of each minimum.
struct MinHasher: Sendable {
  static let prime: UInt64 = (1 << 61) - 1

  let perms: Int
  let a: [UInt64]
  let b: [UInt64]

  init(perms: Int, seed: UInt64) {
    self.perms = perms
    var generator = SplitMix64(seed: seed)
    var a: [UInt64] = []
    var b: [UInt64] = []
    for _ in 0..<perms {
      // a in 1..<p (never 0, which would map everything to b), b in 0..<p.
      a.append(1 + generator.next() % (Self.prime - 1))
      b.append(generator.next() % Self.prime)
    }
    self.a = a
    self.b = b
  }

  /// The signature of a set of shingle hashes, appended to `out` as `perms` little-endian
  /// UInt32s; all ones when there are no shingles.
  func signature(_ hashes: [UInt64], mins: inout [UInt64], into out: inout [UInt8]) {
    if mins.count != perms { mins = [UInt64](repeating: .max, count: perms) } else {
      for index in 0..<perms { mins[index] = .max }
    }
    if !hashes.isEmpty {
      hashes.withUnsafeBufferPointer { h in
        mins.withUnsafeMutableBufferPointer { m in
          winnow_minhash_update(h.baseAddress, h.count, a, b, perms, m.baseAddress)
        }
      }
    }
    for value in mins {
      let low = UInt32(truncatingIfNeeded: value)
      out.append(UInt8(truncatingIfNeeded: low))
      out.append(UInt8(truncatingIfNeeded: low >> 8))
      out.append(UInt8(truncatingIfNeeded: low >> 16))
      out.append(UInt8(truncatingIfNeeded: low >> 24))
    }
  }

  /// Share of equal positions: the estimate of the Jaccard similarity of two signatures.
  @inline(__always)
  static func similarity(_ x: UnsafePointer<UInt32>, _ y: UnsafePointer<UInt32>, perms: Int) -> Double {
    var equal = 0
    for index in 0..<perms where x[index] == y[index] { equal += 1 }
    return Double(equal) / Double(perms)
  }

  /// The bucket of band `band` (rows `rows`): xxHash64 of its bytes seeded by the band number,
  /// cut to 32 bits. Unrelated documents that share a bucket by chance are told apart when
  /// the candidate pair is confirmed on the whole signature.
  @inline(__always)
  static func bandHash(_ signature: UnsafePointer<UInt32>, band: Int, rows: Int) -> UInt32 {
    UInt32(truncatingIfNeeded: winnow_xxh64(signature + band * rows, rows * 4, UInt64(band)))
  }
}

/// SplitMix64 (Steele, Lea and Flood 2014; the generator Java's SplittableRandom uses): small,
/// fast, and the same numbers on every platform, which a seeded permutation needs.
struct SplitMix64 {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Bands and rows for a threshold: the (b, r) with b·r ≤ perms that minimise the weighted
/// area of false positives (∫₀ᵗ P(candidate | s) ds) and false negatives
/// (∫ₜ¹ 1 − P(candidate | s) ds), where P(candidate | s) = 1 − (1 − s^r)^b — the method of
/// datasketch's MinHashLSH. Integrals by Simpson's rule on 200 intervals.
enum LSHParameters {
  static func optimal(threshold: Double, perms: Int, falsePositiveWeight: Double) -> (bands: Int, rows: Int) {
    let falseNegativeWeight = 1 - falsePositiveWeight
    var best = (bands: 1, rows: perms)
    var bestError = Double.infinity
    for bands in 1...perms {
      for rows in 1...(perms / bands) {
        let falsePositive = integrate(0, threshold) { 1 - pow1(1 - pow1($0, rows), bands) }
        let falseNegative = integrate(threshold, 1) { pow1(1 - pow1($0, rows), bands) }
        let error = falsePositive * falsePositiveWeight + falseNegative * falseNegativeWeight
        if error < bestError {
          bestError = error
          best = (bands, rows)
        }
      }
    }
    return best
  }

  /// Probability that two documents of similarity `s` share a bucket in at least one band.
  static func candidateProbability(_ s: Double, bands: Int, rows: Int) -> Double {
    1 - pow1(1 - pow1(s, rows), bands)
  }

  static func integrate(_ from: Double, _ to: Double, _ f: (Double) -> Double) -> Double {
    let intervals = 200
    let h = (to - from) / Double(intervals)
    var sum = f(from) + f(to)
    for index in 1..<intervals {
      sum += f(from + Double(index) * h) * (index % 2 == 1 ? 4 : 2)
    }
    return sum * h / 3
  }

  @inline(__always)
  static func pow1(_ x: Double, _ n: Int) -> Double {
    var result = 1.0
    var base = x
    var exponent = n
    while exponent > 0 {
      if exponent & 1 == 1 { result *= base }
      base *= base
      exponent >>= 1
    }
    return result
  }
}
