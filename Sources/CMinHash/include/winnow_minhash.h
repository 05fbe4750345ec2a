#ifndef WINNOW_MINHASH_H
#define WINNOW_MINHASH_H

#include <stddef.h>
#include <stdint.h>

/// xxHash64 (Yann Collet's published algorithm, XXH64), one-shot.
uint64_t winnow_xxh64(const void *data, size_t length, uint64_t seed);

/// Hashes every shingle of `count` units with xxHash64 (seed 0). Unit i spans
/// bytes[starts[i] ..< starts[i + 1]]; shingle k is units k ..< k + n, i.e. the bytes
/// starts[k] ..< starts[k + n] - trim (trim drops a separator after the last unit).
/// `starts` holds count + 1 offsets. When count < n, the whole text is one shingle.
/// Writes the hashes to `out` (room for max(count - n + 1, 1)) and returns how many.
size_t winnow_shingle_hashes(const uint8_t *bytes, const int32_t *starts, size_t count, int n, int trim,
                             uint64_t *out);

/// xxHash32 (Yann Collet's published algorithm, XXH32), one-shot.
uint32_t winnow_xxh32(const void *data, size_t length, uint32_t seed);

/// `winnow_shingle_hashes` with xxHash32 (seed 0) instead of xxHash64; each value in the low
/// 32 bits of its slot.
size_t winnow_shingle_hashes_xxh32(const uint8_t *bytes, const int32_t *starts, size_t count, int n, int trim,
                                   uint64_t *out);

/// datasketch's "affine32" MinHash update (its default since 2.0): x = fmix32(low 32 bits of h)
/// (MurmurHash3's finalizer), then mins[j] = min(mins[j], a[j]·x + b[j] mod 2^32). Initialise
/// mins to UINT32_MAX before the first call.
void winnow_minhash_update_affine32(const uint64_t *hashes, size_t count, const uint32_t *a, const uint32_t *b,
                                    size_t perms, uint32_t *mins);

/// MinHash update: for each permutation j, mins[j] = min(mins[j], (a[j]·h + b[j]) mod (2^61 − 1))
/// over every h in `hashes`. a[j] and b[j] must be below 2^61 − 1. Initialise mins to
/// UINT64_MAX before the first call.
void winnow_minhash_update(const uint64_t *hashes, size_t count, const uint64_t *a, const uint64_t *b,
                           size_t perms, uint64_t *mins);

/// The same computed one permutation at a time with 128-bit arithmetic (reference for tests).
void winnow_minhash_update_reference(const uint64_t *hashes, size_t count, const uint64_t *a,
                                     const uint64_t *b, size_t perms, uint64_t *mins);

/// Which instruction set `winnow_minhash_update` runs on here ("avx512", "avx2" or "generic").
const char *winnow_minhash_isa(void);

#endif
