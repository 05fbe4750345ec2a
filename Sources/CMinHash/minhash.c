// MinHash kernels in C: the permutation loop is the hot spot of near-duplicate detection
// (perms × shingles multiply-mods per document), and C lets it run on 4 or 8 lanes with the
// instruction set chosen at load time, so one binary runs anywhere and fast where it can.
#include "winnow_minhash.h"

#include <string.h>

#define P61 ((uint64_t)0x1FFFFFFFFFFFFFFFULL)

// ---- xxHash64 ----

static const uint64_t XP1 = 0x9E3779B185EBCA87ULL;
static const uint64_t XP2 = 0xC2B2AE3D27D4EB4FULL;
static const uint64_t XP3 = 0x165667B19E3779F9ULL;
static const uint64_t XP4 = 0x85EBCA77C2B2AE63ULL;
static const uint64_t XP5 = 0x27D4EB2F165667C5ULL;

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static inline uint64_t read64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;  // little-endian hosts only (x86_64, aarch64)
}

static inline uint32_t read32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static inline uint64_t xround(uint64_t acc, uint64_t input) {
  acc += input * XP2;
  acc = rotl64(acc, 31);
  return acc * XP1;
}

static inline uint64_t xmerge(uint64_t acc, uint64_t val) {
  acc ^= xround(0, val);
  return acc * XP1 + XP4;
}

uint64_t winnow_xxh64(const void *data, size_t length, uint64_t seed) {
  const uint8_t *p = (const uint8_t *)data;
  const uint8_t *end = p + length;
  uint64_t h;
  if (length >= 32) {
    const uint8_t *limit = end - 32;
    uint64_t v1 = seed + XP1 + XP2, v2 = seed + XP2, v3 = seed, v4 = seed - XP1;
    do {
      v1 = xround(v1, read64(p));
      v2 = xround(v2, read64(p + 8));
      v3 = xround(v3, read64(p + 16));
      v4 = xround(v4, read64(p + 24));
      p += 32;
    } while (p <= limit);
    h = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) + rotl64(v4, 18);
    h = xmerge(h, v1);
    h = xmerge(h, v2);
    h = xmerge(h, v3);
    h = xmerge(h, v4);
  } else {
    h = seed + XP5;
  }
  h += (uint64_t)length;
  while (p + 8 <= end) {
    h ^= xround(0, read64(p));
    h = rotl64(h, 27) * XP1 + XP4;
    p += 8;
  }
  if (p + 4 <= end) {
    h ^= (uint64_t)read32(p) * XP1;
    h = rotl64(h, 23) * XP2 + XP3;
    p += 4;
  }
  while (p < end) {
    h ^= (uint64_t)(*p) * XP5;
    h = rotl64(h, 11) * XP1;
    p++;
  }
  h ^= h >> 33;
  h *= XP2;
  h ^= h >> 29;
  h *= XP3;
  h ^= h >> 32;
  return h;
}

// ---- xxHash32 (for datasketch-compatible signatures: the bench's datasketch hashes with it) ----

static const uint32_t YP1 = 0x9E3779B1U;
static const uint32_t YP2 = 0x85EBCA77U;
static const uint32_t YP3 = 0xC2B2AE3DU;
static const uint32_t YP4 = 0x27D4EB2FU;
static const uint32_t YP5 = 0x165667B1U;

static inline uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static inline uint32_t yround(uint32_t acc, uint32_t input) {
  acc += input * YP2;
  acc = rotl32(acc, 13);
  return acc * YP1;
}

uint32_t winnow_xxh32(const void *data, size_t length, uint32_t seed) {
  const uint8_t *p = (const uint8_t *)data;
  const uint8_t *end = p + length;
  uint32_t h;
  if (length >= 16) {
    const uint8_t *limit = end - 16;
    uint32_t v1 = seed + YP1 + YP2, v2 = seed + YP2, v3 = seed, v4 = seed - YP1;
    do {
      v1 = yround(v1, read32(p));
      v2 = yround(v2, read32(p + 4));
      v3 = yround(v3, read32(p + 8));
      v4 = yround(v4, read32(p + 12));
      p += 16;
    } while (p <= limit);
    h = rotl32(v1, 1) + rotl32(v2, 7) + rotl32(v3, 12) + rotl32(v4, 18);
  } else {
    h = seed + YP5;
  }
  h += (uint32_t)length;
  while (p + 4 <= end) {
    h += read32(p) * YP3;
    h = rotl32(h, 17) * YP4;
    p += 4;
  }
  while (p < end) {
    h += (uint32_t)(*p) * YP5;
    h = rotl32(h, 11) * YP1;
    p++;
  }
  h ^= h >> 15;
  h *= YP2;
  h ^= h >> 13;
  h *= YP3;
  h ^= h >> 16;
  return h;
}

// xxHash64 of fewer than 32 bytes with seed 0: the tail of winnow_xxh64 alone, inlined into
// the shingle loop (a char-5 shingle is 5 to 20 bytes).
static inline uint64_t xxh64_short(const uint8_t *p, size_t length) {
  const uint8_t *end = p + length;
  uint64_t h = XP5 + (uint64_t)length;
  while (p + 8 <= end) {
    h ^= xround(0, read64(p));
    h = rotl64(h, 27) * XP1 + XP4;
    p += 8;
  }
  if (p + 4 <= end) {
    h ^= (uint64_t)read32(p) * XP1;
    h = rotl64(h, 23) * XP2 + XP3;
    p += 4;
  }
  while (p < end) {
    h ^= (uint64_t)(*p) * XP5;
    h = rotl64(h, 11) * XP1;
    p++;
  }
  h ^= h >> 33;
  h *= XP2;
  h ^= h >> 29;
  h *= XP3;
  h ^= h >> 32;
  return h;
}

// Every shingle's bytes hashed with xxHash64 or xxHash32 (seed 0): one loop for both.
static size_t shingle_hashes(const uint8_t *bytes, const int32_t *starts, size_t count, int n, int trim, int xxh32,
                             uint64_t *out) {
  if (count == 0) return 0;
  // Fewer units than a shingle: the whole text is one.
  size_t shingles = count < (size_t)n ? 1 : count - (size_t)n + 1;
  size_t span = count < (size_t)n ? count : (size_t)n;
  for (size_t k = 0; k < shingles; k++) {
    const uint8_t *start = bytes + starts[k];
    size_t length = (size_t)(starts[k + span] - trim - starts[k]);
    out[k] = xxh32 ? winnow_xxh32(start, length, 0) : length < 32 ? xxh64_short(start, length) : winnow_xxh64(start, length, 0);
  }
  return shingles;
}

// Eight shingles at once (AVX-512 with VBMI's byte permutes): neighbouring shingles overlap,
// so eight of them usually lie in one 64-byte window of the text, loaded once; each lane's
// 8-byte words are picked out of it by `vpermb`, and the lanes run xxh64_short's steps side by
// side, each step applied only to the lanes whose length reaches it. Groups with a shingle of
// 32 bytes or more, or wider than the window, take the scalar loop.
#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#define HAVE_X86_SHINGLES 1
#define VBMI __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx512vbmi")))

// The little-endian 64-bit word at byte offset off (+ 0…7) of `window`, for each lane.
VBMI static inline __m512i window_words(__m512i window, __m512i off) {
  const __m512i idx = _mm512_add_epi64(_mm512_mullo_epi64(off, _mm512_set1_epi64(0x0101010101010101LL)),
                                       _mm512_set1_epi64(0x0706050403020100LL));
  return _mm512_permutexvar_epi8(idx, window);
}

// xxHash64 (seed 0) of eight inputs of at most 31 bytes at offsets `off` of `window`.
VBMI static inline __m512i xxh64_window8(__m512i window, __m512i off, __m512i len) {
  const __m512i p1 = _mm512_set1_epi64((long long)XP1), p2 = _mm512_set1_epi64((long long)XP2),
                p3 = _mm512_set1_epi64((long long)XP3), p4 = _mm512_set1_epi64((long long)XP4),
                p5 = _mm512_set1_epi64((long long)XP5);
  __m512i h = _mm512_add_epi64(p5, len);
  const __m512i words = _mm512_srli_epi64(len, 3);
  for (int r = 0; r < 3; r++) {  // 8-byte words
    const __mmask8 m = _mm512_cmpgt_epu64_mask(words, _mm512_set1_epi64(r));
    if (!m) break;
    const __m512i w = window_words(window, _mm512_add_epi64(off, _mm512_set1_epi64(8 * r)));
    const __m512i k = _mm512_mullo_epi64(_mm512_rol_epi64(_mm512_mullo_epi64(w, p2), 31), p1);
    const __m512i v = _mm512_add_epi64(_mm512_mullo_epi64(_mm512_rol_epi64(_mm512_xor_si512(h, k), 27), p1), p4);
    h = _mm512_mask_mov_epi64(h, m, v);
  }
  {  // a 4-byte word
    const __mmask8 m = _mm512_cmpge_epu64_mask(_mm512_and_si512(len, _mm512_set1_epi64(7)), _mm512_set1_epi64(4));
    const __m512i w = _mm512_and_si512(window_words(window, _mm512_add_epi64(off, _mm512_slli_epi64(words, 3))),
                                       _mm512_set1_epi64(0xFFFFFFFFLL));
    const __m512i v = _mm512_add_epi64(
        _mm512_mullo_epi64(_mm512_rol_epi64(_mm512_xor_si512(h, _mm512_mullo_epi64(w, p1)), 23), p2), p3);
    h = _mm512_mask_mov_epi64(h, m, v);
  }
  {  // up to three bytes, the first in the low byte of w
    const __m512i tail = _mm512_and_si512(len, _mm512_set1_epi64(3));
    __m512i w = window_words(window, _mm512_sub_epi64(_mm512_add_epi64(off, len), tail));
    for (int j = 0; j < 3; j++) {
      const __mmask8 m = _mm512_cmpgt_epu64_mask(tail, _mm512_set1_epi64(j));
      const __m512i b = _mm512_and_si512(w, _mm512_set1_epi64(0xFF));
      const __m512i v = _mm512_mullo_epi64(_mm512_rol_epi64(_mm512_xor_si512(h, _mm512_mullo_epi64(b, p5)), 11), p1);
      h = _mm512_mask_mov_epi64(h, m, v);
      w = _mm512_srli_epi64(w, 8);
    }
  }
  h = _mm512_xor_si512(h, _mm512_srli_epi64(h, 33));
  h = _mm512_mullo_epi64(h, p2);
  h = _mm512_xor_si512(h, _mm512_srli_epi64(h, 29));
  h = _mm512_mullo_epi64(h, p3);
  return _mm512_xor_si512(h, _mm512_srli_epi64(h, 32));
}

VBMI static size_t shingle_hashes_vbmi(const uint8_t *bytes, const int32_t *starts, size_t count, int n, int trim,
                                       uint64_t *out) {
  if (count < (size_t)n + 7) return shingle_hashes(bytes, starts, count, n, trim, 0, out);
  const size_t shingles = count - (size_t)n + 1, total = (size_t)starts[count];
  size_t k = 0;
  for (; k + 8 <= shingles; k += 8) {
    const __m512i st = _mm512_cvtepi32_epi64(_mm256_loadu_si256((const __m256i *)(starts + k)));
    const __m512i en = _mm512_cvtepi32_epi64(_mm256_loadu_si256((const __m256i *)(starts + k + n)));
    const __m512i len = _mm512_sub_epi64(_mm512_sub_epi64(en, st), _mm512_set1_epi64(trim));
    const size_t base = (size_t)starts[k];
    if ((size_t)starts[k + 7 + (size_t)n] - base > 64 || _mm512_cmpge_epu64_mask(len, _mm512_set1_epi64(32))) {
      shingle_hashes(bytes, starts + k, 8 + (size_t)n - 1, n, trim, 0, out + k);
      continue;
    }
    // Never past the text's last byte (a masked load does not touch the bytes it leaves out).
    const size_t left = total - base;
    const __mmask64 valid = left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
    const __m512i window = _mm512_maskz_loadu_epi8(valid, bytes + base);
    _mm512_storeu_si512(out + k, xxh64_window8(window, _mm512_sub_epi64(st, _mm512_set1_epi64((long long)base)), len));
  }
  if (k < shingles) shingle_hashes(bytes, starts + k, shingles - k + (size_t)n - 1, n, trim, 0, out + k);
  return shingles;
}

static int has_vbmi(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi");
}
#endif

typedef size_t (*shingles_fn)(const uint8_t *, const int32_t *, size_t, int, int, uint64_t *);

static size_t shingle_hashes_generic(const uint8_t *bytes, const int32_t *starts, size_t count, int n, int trim,
                                     uint64_t *out) {
  return shingle_hashes(bytes, starts, count, n, trim, 0, out);
}

static shingles_fn chosen_shingles = 0;

size_t winnow_shingle_hashes(const uint8_t *bytes, const int32_t *starts, size_t count, int n, int trim,
                             uint64_t *out) {
  shingles_fn f = __atomic_load_n(&chosen_shingles, __ATOMIC_ACQUIRE);
  if (!f) {
    f = shingle_hashes_generic;
#ifdef HAVE_X86_SHINGLES
    if (has_vbmi()) f = shingle_hashes_vbmi;
#endif
    __atomic_store_n(&chosen_shingles, f, __ATOMIC_RELEASE);  // racing threads pick the same
  }
  return f(bytes, starts, count, n, trim, out);
}

int winnow_shingle_hashes_isa(const char *isa, const uint8_t *bytes, const int32_t *starts, size_t count, int n,
                              int trim, uint64_t *out, size_t *written) {
  if (strcmp(isa, "generic") == 0) {
    *written = shingle_hashes_generic(bytes, starts, count, n, trim, out);
    return 1;
  }
#ifdef HAVE_X86_SHINGLES
  if (strcmp(isa, "avx512vbmi") == 0 && has_vbmi()) {
    *written = shingle_hashes_vbmi(bytes, starts, count, n, trim, out);
    return 1;
  }
#endif
  return 0;
}

size_t winnow_shingle_hashes_xxh32(const uint8_t *bytes, const int32_t *starts, size_t count, int n, int trim,
                                   uint64_t *out) {
  return shingle_hashes(bytes, starts, count, n, trim, 1, out);
}

// ---- affine32 MinHash (datasketch 2.0's default scheme) ----
//
// Each 32-bit hash is mixed once by MurmurHash3's 32-bit finalizer, then permutation j maps
// it to a[j]·x + b[j] mod 2^32 (a[j] odd: a bijection). Plain loops: the compiler vectorises
// the per-permutation multiply-add-min.

static inline uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85EBCA6BU;
  h ^= h >> 13;
  h *= 0xC2B2AE35U;
  h ^= h >> 16;
  return h;
}

void winnow_minhash_update_affine32(const uint64_t *hashes, size_t count, const uint32_t *a, const uint32_t *b,
                                    size_t perms, uint32_t *mins) {
  for (size_t i = 0; i < count; i++) {
    const uint32_t x = fmix32((uint32_t)hashes[i]);
    for (size_t j = 0; j < perms; j++) {
      const uint32_t v = a[j] * x + b[j];
      mins[j] = v < mins[j] ? v : mins[j];
    }
  }
}

// ---- MinHash ----
//
// (a·h + b) mod p with p = 2^61 − 1, a, h < p, in 31-bit halves so that every product fits
// a 64-bit lane: a = a1·2^31 + a0, h = h1·2^31 + h0
// (a0, h0 < 2^31; a1, h1 < 2^30), and 2^61 ≡ 1, so 2^62 ≡ 2 (mod p):
//   a·h = a1h1·2^62 + (a1h0 + a0h1)·2^31 + a0h0
//       ≡ a1·(2h1) + (mid >> 30) + (mid mod 2^30)·2^31 + a0h0
// with mid = a1h0 + a0h1 < 2^62. The terms are below 2^61, 2^32, 2^61 and 2^62, so the sum
// plus b stays below 2^64; one fold and one conditional subtraction give the exact residue.
//
// Permutations go in blocks of vectors (4 × 8 with AVX-512, 2 × 4 with AVX2's 16 registers) whose a
// halves, b and running minima stay in registers while every hash of a chunk goes through
// them; each hash's halves are computed once per chunk, not once per permutation.

#define M31 ((uint64_t)0x7FFFFFFFULL)
#define M30 ((uint64_t)0x3FFFFFFFULL)
#define M32 ((uint64_t)0xFFFFFFFFULL)
#define HASH_CHUNK 512
#define BLOCK 4

static inline uint64_t reduce61(uint64_t x) {
  uint64_t r = (x & P61) + (x >> 61);
  return r >= P61 ? r - P61 : r;
}

// A hash's halves, computed once per chunk: h0, h1 and 2·h1.
typedef struct {
  uint64_t h0[HASH_CHUNK], h1[HASH_CHUNK], h1x2[HASH_CHUNK];
} halves;

static inline size_t split_hashes(const uint64_t *hashes, size_t count, halves *out) {
  size_t n = count < HASH_CHUNK ? count : HASH_CHUNK;
  for (size_t i = 0; i < n; i++) {
    uint64_t h = reduce61(hashes[i]);
    out->h0[i] = h & M31;
    out->h1[i] = h >> 31;
    out->h1x2[i] = (h >> 31) << 1;
  }
  return n;
}

// One permutation over a chunk, one lane at a time: the permutations left after the last
// full vector, with the vector lanes' arithmetic.
static inline void permute_scalar(const halves *hv, size_t n, uint64_t a, uint64_t b, uint64_t *min) {
  const uint64_t a0 = a & M31, a1 = a >> 31;
  uint64_t m = *min;
  for (size_t i = 0; i < n; i++) {
    uint64_t mid = a1 * hv->h0[i] + a0 * hv->h1[i];
    uint64_t s = a1 * hv->h1x2[i] + (mid >> 30) + ((mid & M30) << 31) + a0 * hv->h0[i] + b;
    s = (s & P61) + (s >> 61);
    s = s >= P61 ? s - P61 : s;
    m = s < m ? s : m;
  }
  *min = m;
}

// K vectors of LANES permutations over a chunk. MUL multiplies lanes whose values are below
// 2^32: AVX-512DQ's 64-bit vpmullq (on AMD Zen 5, measured, twice as fast here as vpmuludq,
// which the masks of MUL_LOW32 select), elsewhere the 32 × 32 → 64-bit multiply.
//
// After the fold a lane holds t = (s & p) + (s >> 61) ≡ s, t ≤ p + 7, and t is the residue
// unless t ≥ p, which happens for about 8 in 2^61 values. Instead of subtracting p from every
// t (two instructions: a subtraction and a minimum), the block keeps the largest t of each lane
// (one instruction) and returns whether any reached p; the caller then recomputes the block's
// chunk one permutation at a time (`permute_scalar`, which subtracts), so the minima stay exact.
#define MUL_LOW32(x, y) (((x) & m32) * ((y) & m32))
#define MUL_64(x, y) ((x) * (y))
#define MINHASH_BLOCK(NAME, ATTR, VT, LANES, K, MUL)                                                     \
  ATTR static inline int NAME(const halves *restrict hv, size_t n, const uint64_t *restrict a,           \
                              const uint64_t *restrict b, uint64_t *restrict mins) {                    \
    const VT m32 __attribute__((unused)) = (VT){0} + M32, m30 = (VT){0} + M30, p61 = (VT){0} + P61;      \
    VT a0[K], a1[K], bv[K], mv[K], top[K];                                                              \
    for (int k = 0; k < K; k++) {                                                                       \
      VT av;                                                                                            \
      __builtin_memcpy(&av, a + k * LANES, sizeof av);                                                  \
      __builtin_memcpy(&bv[k], b + k * LANES, sizeof av);                                               \
      __builtin_memcpy(&mv[k], mins + k * LANES, sizeof av);                                            \
      a0[k] = av & ((VT){0} + M31);                                                                     \
      a1[k] = av >> 31;                                                                                 \
      top[k] = (VT){0};                                                                                 \
    }                                                                                                   \
    for (size_t i = 0; i < n; i++) {                                                                    \
      const VT h0 = (VT){0} + hv->h0[i], h1 = (VT){0} + hv->h1[i], h1x2 = (VT){0} + hv->h1x2[i];        \
      for (int k = 0; k < K; k++) {                                                                     \
        VT mid = MUL(a1[k], h0) + MUL(a0[k], h1);                                                       \
        VT s = MUL(a1[k], h1x2) + (mid >> 30) + ((mid & m30) << 31) + MUL(a0[k], h0) + bv[k];           \
        s = (s & p61) + (s >> 61);                                                                      \
        top[k] = __builtin_elementwise_max(top[k], s);                                                  \
        mv[k] = __builtin_elementwise_min(mv[k], s);                                                    \
      }                                                                                                 \
    }                                                                                                   \
    VT reached = (VT){0};                                                                               \
    for (int k = 0; k < K; k++) reached |= (VT)(top[k] >= p61);                                         \
    for (int k = 0; k < K; k++) __builtin_memcpy(mins + k * LANES, &mv[k], sizeof mv[k]);               \
    uint64_t any = 0;                                                                                   \
    for (int lane = 0; lane < LANES; lane++) any |= reached[lane];                                      \
    return any != 0;                                                                                    \
  }

// A block over a chunk, redone one permutation at a time when a lane reached p (above): the
// minima it started from are kept to start again from.
#define MINHASH_BLOCK_EXACT(NAME, ATTR, LANES, K, BLOCK_FN)                                             \
  ATTR static inline void NAME(const halves *restrict hv, size_t n, const uint64_t *restrict a,         \
                               const uint64_t *restrict b, uint64_t *restrict mins) {                   \
    uint64_t before[LANES * K];                                                                         \
    __builtin_memcpy(before, mins, sizeof before);                                                      \
    if (__builtin_expect(BLOCK_FN(hv, n, a, b, mins), 0)) {                                             \
      __builtin_memcpy(mins, before, sizeof before);                                                    \
      for (int j = 0; j < LANES * K; j++) permute_scalar(hv, n, a[j], b[j], mins + j);                  \
    }                                                                                                   \
  }

// The update for one instruction set: chunks of hashes, blocks of permutations, then single
// vectors, then single permutations.
#define MINHASH_UPDATE(NAME, ATTR, LANES, K, BLOCK_FN, ONE_FN)                                              \
  MINHASH_BLOCK_EXACT(NAME##_block, ATTR, LANES, K, BLOCK_FN)                                           \
  MINHASH_BLOCK_EXACT(NAME##_one, ATTR, LANES, 1, ONE_FN)                                               \
  ATTR static void NAME(const uint64_t *restrict hashes, size_t count, const uint64_t *restrict a,        \
                        const uint64_t *restrict b, size_t perms, uint64_t *restrict mins) {            \
    halves hv;                                                                                          \
    for (size_t first = 0; first < count; first += HASH_CHUNK) {                                        \
      size_t n = split_hashes(hashes + first, count - first, &hv);                                      \
      size_t j = 0;                                                                                     \
      for (; j + LANES * K <= perms; j += LANES * K) NAME##_block(&hv, n, a + j, b + j, mins + j);      \
      for (; j + LANES <= perms; j += LANES) NAME##_one(&hv, n, a + j, b + j, mins + j);                \
      for (; j < perms; j++) permute_scalar(&hv, n, a[j], b[j], mins + j);                              \
    }                                                                                                   \
  }

#if defined(__x86_64__) && defined(__clang__)
#define HAVE_X86_KERNELS 1
typedef uint64_t u64x8 __attribute__((vector_size(64)));
typedef uint64_t u64x4 __attribute__((vector_size(32)));
#define AVX512 __attribute__((target("avx512f,avx512dq,avx512vl")))
#define AVX2 __attribute__((target("avx2")))
MINHASH_BLOCK(block_avx512, AVX512, u64x8, 8, BLOCK, MUL_64)
MINHASH_BLOCK(one_avx512, AVX512, u64x8, 8, 1, MUL_64)
MINHASH_UPDATE(update_avx512, AVX512, 8, BLOCK, block_avx512, one_avx512)
MINHASH_BLOCK(block_avx2, AVX2, u64x4, 4, 2, MUL_LOW32)
MINHASH_BLOCK(one_avx2, AVX2, u64x4, 4, 1, MUL_LOW32)
MINHASH_UPDATE(update_avx2, AVX2, 4, 2, block_avx2, one_avx2)
#endif

// Two lanes: SSE2 on any x86_64, NEON on aarch64.
typedef uint64_t u64x2 __attribute__((vector_size(16)));
#define GENERIC
MINHASH_BLOCK(block_generic, GENERIC, u64x2, 2, BLOCK, MUL_LOW32)
MINHASH_BLOCK(one_generic, GENERIC, u64x2, 2, 1, MUL_LOW32)
MINHASH_UPDATE(update_generic, GENERIC, 2, BLOCK, block_generic, one_generic)

typedef void (*update_fn)(const uint64_t *, size_t, const uint64_t *, const uint64_t *, size_t, uint64_t *);

static update_fn chosen = 0;
static const char *chosen_name = "generic";

static int has_avx512(void) {
#ifdef HAVE_X86_KERNELS
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#else
  return 0;
#endif
}

static int has_avx2(void) {
#ifdef HAVE_X86_KERNELS
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
#else
  return 0;
#endif
}

static void choose(void) {
#ifdef HAVE_X86_KERNELS
  if (has_avx512()) {
    chosen_name = "avx512";
    __atomic_store_n(&chosen, update_avx512, __ATOMIC_RELEASE);
    return;
  }
  if (has_avx2()) {
    chosen_name = "avx2";
    __atomic_store_n(&chosen, update_avx2, __ATOMIC_RELEASE);
    return;
  }
#endif
  chosen_name = "generic";
  __atomic_store_n(&chosen, update_generic, __ATOMIC_RELEASE);
}

void winnow_minhash_update(const uint64_t *hashes, size_t count, const uint64_t *a, const uint64_t *b,
                           size_t perms, uint64_t *mins) {
  update_fn f = __atomic_load_n(&chosen, __ATOMIC_ACQUIRE);
  if (!f) {
    choose();  // idempotent: racing threads pick the same function
    f = __atomic_load_n(&chosen, __ATOMIC_ACQUIRE);
  }
  f(hashes, count, a, b, perms, mins);
}

int winnow_minhash_update_isa(const char *isa, const uint64_t *hashes, size_t count, const uint64_t *a,
                              const uint64_t *b, size_t perms, uint64_t *mins) {
  if (strcmp(isa, "generic") == 0) {
    update_generic(hashes, count, a, b, perms, mins);
    return 1;
  }
#ifdef HAVE_X86_KERNELS
  if (strcmp(isa, "avx2") == 0 && has_avx2()) {
    update_avx2(hashes, count, a, b, perms, mins);
    return 1;
  }
  if (strcmp(isa, "avx512") == 0 && has_avx512()) {
    update_avx512(hashes, count, a, b, perms, mins);
    return 1;
  }
#endif
  return 0;
}

const char *winnow_minhash_isa(void) {
  if (!__atomic_load_n(&chosen, __ATOMIC_ACQUIRE)) choose();
  return chosen_name;
}

void winnow_minhash_update_reference(const uint64_t *hashes, size_t count, const uint64_t *a,
                                     const uint64_t *b, size_t perms, uint64_t *mins) {
  for (size_t j = 0; j < perms; j++) {
    for (size_t i = 0; i < count; i++) {
      unsigned __int128 x = (unsigned __int128)a[j] * (unsigned __int128)(hashes[i] % P61) + b[j];
      uint64_t v = (uint64_t)(x % P61);
      if (v < mins[j]) mins[j] = v;
    }
  }
}
