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
    out[k] = xxh32 ? winnow_xxh32(start, length, 0) : winnow_xxh64(start, length, 0);
  }
  return shingles;
}

size_t winnow_shingle_hashes(const uint8_t *bytes, const int32_t *starts, size_t count, int n, int trim,
                             uint64_t *out) {
  return shingle_hashes(bytes, starts, count, n, trim, 0, out);
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
// (a·h + b) mod p with p = 2^61 − 1, a, h < p, in 32-bit halves so that it vectorises:
// a = a1·2^32 + a0, h = h1·2^32 + h0 (a1, h1 < 2^29), and 2^61 ≡ 1, 2^64 ≡ 8 (mod p):
//   a·h = a1h1·2^64 + (a1h0 + a0h1)·2^32 + a0h0
//       ≡ 8·a1h1 + (mid >> 29) + (mid mod 2^29)·2^32 + (a0h0 >> 61) + (a0h0 mod 2^61)
// Every term is below 2^61 (or tiny), so the sum plus b stays below 2^64; one fold and one
// conditional subtraction give the exact residue.

static inline uint64_t reduce61(uint64_t x) {
  uint64_t r = (x & P61) + (x >> 61);
  return r >= P61 ? r - P61 : r;
}

#define MINHASH_BODY                                                          \
  for (size_t i = 0; i < count; i++) {                                        \
    uint64_t h = reduce61(hashes[i]);                                         \
    uint64_t h0 = h & 0xFFFFFFFFULL, h1 = h >> 32;                            \
    for (size_t j = 0; j < perms; j++) {                                      \
      uint64_t a0 = a[j] & 0xFFFFFFFFULL, a1 = a[j] >> 32;                    \
      uint64_t lo = a0 * h0;                                                  \
      uint64_t mid = a1 * h0 + a0 * h1;                                       \
      uint64_t hi = a1 * h1;                                                  \
      uint64_t s = (hi << 3) + (mid >> 29) + ((mid & 0x1FFFFFFFULL) << 32) +  \
                   (lo >> 61) + (lo & P61) + b[j];                            \
      s = (s & P61) + (s >> 61);                                              \
      uint64_t t = s - P61;                                                   \
      s = t < s ? t : s;                                                      \
      mins[j] = s < mins[j] ? s : mins[j];                                    \
    }                                                                         \
  }

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx512f,avx512dq,avx512vl"))) static void update_avx512(
    const uint64_t *restrict hashes, size_t count, const uint64_t *restrict a, const uint64_t *restrict b,
    size_t perms, uint64_t *restrict mins) {
  MINHASH_BODY
}

__attribute__((target("avx2"))) static void update_avx2(const uint64_t *restrict hashes, size_t count,
                                                        const uint64_t *restrict a, const uint64_t *restrict b,
                                                        size_t perms, uint64_t *restrict mins) {
  MINHASH_BODY
}
#endif

static void update_generic(const uint64_t *restrict hashes, size_t count, const uint64_t *restrict a,
                           const uint64_t *restrict b, size_t perms, uint64_t *restrict mins) {
  MINHASH_BODY
}

typedef void (*update_fn)(const uint64_t *, size_t, const uint64_t *, const uint64_t *, size_t, uint64_t *);

static update_fn chosen = 0;
static const char *chosen_name = "generic";

static void choose(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl")) {
    chosen_name = "avx512";
    __atomic_store_n(&chosen, update_avx512, __ATOMIC_RELEASE);
    return;
  }
  if (__builtin_cpu_supports("avx2")) {
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
