import Foundation
import CMinHash

/// How each permutation maps a shingle hash.
enum PermutationScheme: String, CaseIterable, Sendable {
  /// (a·h + b) mod (2^61 − 1) over 64-bit hashes, the low 32 bits of each minimum kept.
  case mersenne61
  /// datasketch 2.0's default ("affine32"): x = fmix32(h), then a·x + b mod 2^32, a odd.
  case affine32
  /// One-permutation hashing (Li, Owen and Zhang 2012): each shingle hash is mixed once
  /// (SplitMix64's finalizer, seeded), its high 32 bits pick one of `perms` bins and its low
  /// 32 bits are the value; each bin keeps its minimum. Empty bins borrow a filled bin's value
  /// by Shrivastava's optimal densification (2017). One mix per shingle instead of `perms`
  /// permutations; not today's signatures.
  case oph
}

/// What draws the permutations' a and b.
enum PermutationGenerator: String, CaseIterable, Sendable {
  case splitmix64
  /// MT19937 seeded as numpy's RandomState(seed), drawing a then b as datasketch 2.0 does
  /// for affine32: the same permutations, so the same signatures.
  case mt19937
}

/// The hash of a shingle's UTF-8 bytes.
enum ShingleHash: String, CaseIterable, Sendable {
  case xxh64, xxh32
  /// The first four bytes of SHA-1, little-endian: datasketch's default `sha1_hash32`.
  case sha1_32
}

/// MinHash signatures. By default: permutations (a·h + b) mod (2^61 − 1) over 64-bit shingle
/// hashes (xxHash64), a and b drawn from SplitMix64 seeded by the configuration's `seed`, the
/// low 32 bits of each minimum kept. With `affine32` (and `mt19937`, `xxh32`) the signatures
/// are datasketch 2.0's, value for value.
struct MinHasher: Sendable {
  static let prime: UInt64 = (1 << 61) - 1

  let perms: Int
  let scheme: PermutationScheme
  let a: [UInt64]
  let b: [UInt64]
  let a32: [UInt32]
  let b32: [UInt32]
  /// oph: the seed mixed into every shingle hash and every densification probe.
  let ophSeed: UInt64

  init(perms: Int, seed: UInt64, scheme: PermutationScheme = .mersenne61, generator: PermutationGenerator = .splitmix64) {
    self.perms = perms
    self.scheme = scheme
    var a: [UInt64] = []
    var b: [UInt64] = []
    var a32: [UInt32] = []
    var b32: [UInt32] = []
    var ophSeed: UInt64 = 0
    switch (scheme, generator) {
    case (.oph, _):
      var generator = SplitMix64(seed: seed)
      ophSeed = generator.next()
    case (.mersenne61, _):
      var generator = SplitMix64(seed: seed)
      for _ in 0..<perms {
        // a in 1..<p (never 0, which would map everything to b), b in 0..<p.
        a.append(1 + generator.next() % (Self.prime - 1))
        b.append(generator.next() % Self.prime)
      }
    case (.affine32, .splitmix64):
      var generator = SplitMix64(seed: seed)
      for _ in 0..<perms {
        a32.append(UInt32(truncatingIfNeeded: generator.next()) | 1)  // odd: a bijection mod 2^32
        b32.append(UInt32(truncatingIfNeeded: generator.next()))
      }
    case (.affine32, .mt19937):
      // numpy: a = randint(0, 2^31, perms, uint32) * 2 + 1, then b = randint(0, 2^32, perms,
      // uint32). The first is the generator's word masked to 31 bits (never rejected), the
      // second the word itself.
      var generator = MT19937(seed: UInt32(truncatingIfNeeded: seed))
      for _ in 0..<perms { a32.append((generator.next() & 0x7FFF_FFFF) &* 2 &+ 1) }
      for _ in 0..<perms { b32.append(generator.next()) }
    }
    self.a = a
    self.b = b
    self.a32 = a32
    self.b32 = b32
    self.ophSeed = ophSeed
  }

  /// Given permutations (mersenne61): a in 1..<p, b in 0..<p. For tests of the arithmetic at
  /// its extremes.
  init(perms: Int, a: [UInt64], b: [UInt64]) {
    precondition(a.count == perms && b.count == perms)
    self.perms = perms
    scheme = .mersenne61
    self.a = a
    self.b = b
    a32 = []
    b32 = []
    ophSeed = 0
  }

  /// The signature of a set of shingle hashes, appended to `out` as `perms` little-endian
  /// UInt32s; all ones when there are no shingles.
  func signature(_ hashes: [UInt64], mins: inout [UInt64], into out: inout [UInt8]) {
    if scheme == .oph {
      for value in ophSignature(hashes) { append(value, to: &out) }
      return
    }
    if scheme == .affine32 {
      var mins32 = [UInt32](repeating: .max, count: perms)
      if !hashes.isEmpty {
        hashes.withUnsafeBufferPointer { h in
          mins32.withUnsafeMutableBufferPointer { m in
            winnow_minhash_update_affine32(h.baseAddress, h.count, a32, b32, perms, m.baseAddress)
          }
        }
      }
      for value in mins32 { append(value, to: &out) }
      return
    }
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
    let start = out.count
    out.append(contentsOf: repeatElement(0, count: perms * 4))
    out.withUnsafeMutableBytes { bytes in
      for index in 0..<perms {
        bytes.storeBytes(of: UInt32(truncatingIfNeeded: mins[index]).littleEndian, toByteOffset: start + 4 * index, as: UInt32.self)
      }
    }
  }

  /// SplitMix64's output function: a bijection of 64-bit words that mixes every bit.
  @inline(__always)
  static func mix(_ x: UInt64) -> UInt64 {
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// `oph`'s signature: bins by one mix of each hash, then every empty bin takes the value of
  /// the first filled bin its probe sequence (a mix of the bin number and the attempt) meets,
  /// so that two documents fill an empty bin from the same place when they share the
  /// filled bins it probes. All ones when there are no shingles.
  func ophSignature(_ hashes: [UInt64]) -> [UInt32] {
    var bins = [UInt32](repeating: .max, count: perms)
    guard !hashes.isEmpty else { return bins }
    var filled = [Bool](repeating: false, count: perms)
    let count = UInt64(perms)
    for hash in hashes {
      let z = Self.mix(hash ^ ophSeed)
      let bin = Int(((z >> 32) &* count) >> 32)
      let value = UInt32(truncatingIfNeeded: z)
      if value < bins[bin] { bins[bin] = value }
      filled[bin] = true
    }
    var result = bins
    for bin in 0..<perms where !filled[bin] {
      var attempt: UInt64 = 1
      while true {
        let z = Self.mix(ophSeed &+ (UInt64(bin) << 32 | attempt) &* 0x9E37_79B9_7F4A_7C15)
        let probe = Int(((z >> 32) &* count) >> 32)
        if filled[probe] {
          result[bin] = bins[probe]
          break
        }
        attempt += 1
        if attempt > count * 64 {
          // Practically never (each probe hits a filled bin with probability ≥ 1/perms): the
          // next filled bin in order, so that the loop always ends.
          let next = (1...perms).lazy.map { (bin + $0) % self.perms }.first { filled[$0] } ?? bin
          result[bin] = bins[next]
          break
        }
      }
    }
    return result
  }

  @inline(__always)
  private func append(_ value: UInt32, to out: inout [UInt8]) {
    out.append(UInt8(truncatingIfNeeded: value))
    out.append(UInt8(truncatingIfNeeded: value >> 8))
    out.append(UInt8(truncatingIfNeeded: value >> 16))
    out.append(UInt8(truncatingIfNeeded: value >> 24))
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
    // 1 − s^r at every point of both integrals, once per r (not once per b and r); then
    // v^b at eight points at a time (the same multiplications, lane by lane, as pow1) and the
    // integral summed point by point in order: the same numbers as integrating
    // 1 − (1 − s^r)^b point by point.
    var below: [Int: [Double]] = [:]
    var above: [Int: [Double]] = [:]
    let count = integrationIntervals + 1
    let padded = (count + 7) / 8 * 8
    func points(_ from: Double, _ to: Double, _ rows: Int) -> [Double] {
      let h = (to - from) / Double(integrationIntervals)
      // The ends exactly (as `integrate` takes them), the inner points as from + i·h.
      var values = (0...integrationIntervals).map { 1 - pow1($0 == integrationIntervals ? to : from + Double($0) * h, rows) }
      values += [Double](repeating: 0, count: padded - count)
      return values
    }
    var powers = [Double](repeating: 0, count: padded)
    func integrate(_ from: Double, _ to: Double, _ values: [Double], _ bands: Int, complement: Bool) -> Double {
      values.withUnsafeBufferPointer { values in
        powers.withUnsafeMutableBufferPointer { powers in
          let source = UnsafeRawPointer(values.baseAddress!)
          let target = UnsafeMutableRawPointer(powers.baseAddress!)
          for lane in stride(from: 0, to: padded, by: 8) {
            var result = SIMD8<Double>(repeating: 1)
            var base = source.loadUnaligned(fromByteOffset: lane * 8, as: SIMD8<Double>.self)
            var exponent = bands
            while exponent > 0 {
              if exponent & 1 == 1 { result *= base }
              base *= base
              exponent >>= 1
            }
            target.storeBytes(of: result, toByteOffset: lane * 8, as: SIMD8<Double>.self)
          }
        }
      }
      return simpson(from, to, powers) { complement ? 1 - $0 : $0 }
    }
    for bands in 1...perms {
      for rows in 1...(perms / bands) {
        if below[rows] == nil {
          below[rows] = points(0, threshold, rows)
          above[rows] = points(threshold, 1, rows)
        }
        let falsePositive = integrate(0, threshold, below[rows]!, bands, complement: true)
        let falseNegative = integrate(threshold, 1, above[rows]!, bands, complement: false)
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

  static let integrationIntervals = 200

  /// `integrate` of g(v) over values v already worked out at its points (`values[i]` at
  /// from + i·h): the same sum in the same order.
  @inline(__always)
  static func simpson(_ from: Double, _ to: Double, _ values: [Double], _ g: (Double) -> Double) -> Double {
    let intervals = integrationIntervals
    let h = (to - from) / Double(intervals)
    var sum = g(values[0]) + g(values[intervals])
    for index in 1..<intervals {
      sum += g(values[index]) * (index % 2 == 1 ? 4 : 2)
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

/// MT19937 (Matsumoto and Nishimura 1998), seeded as numpy's RandomState(seed) seeds it
/// (init_genrand), 32-bit outputs: the generator datasketch draws its permutations from.
struct MT19937 {
  private var state = [UInt32](repeating: 0, count: 624)
  private var index = 624

  init(seed: UInt32) {
    state[0] = seed
    for position in 1..<624 {
      let previous = state[position - 1]
      state[position] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(position)
    }
  }

  mutating func next() -> UInt32 {
    if index >= 624 { twist() }
    var y = state[index]
    index += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C_5680
    y ^= (y << 15) & 0xEFC6_0000
    y ^= y >> 18
    return y
  }

  private mutating func twist() {
    for position in 0..<624 {
      let y = (state[position] & 0x8000_0000) | (state[(position + 1) % 624] & 0x7FFF_FFFF)
      var value = state[(position + 397) % 624] ^ (y >> 1)
      if y & 1 != 0 { value ^= 0x9908_B0DF }
      state[position] = value
    }
    index = 0
  }
}
