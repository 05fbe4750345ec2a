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

/// `winnow_shingle_hashes` on a named code path ("avx512vbmi": eight shingles at once, or
/// "generic": one at a time), for tests that compare them; returns 0 (and writes nothing) when
/// this CPU lacks it, else 1 with the number of hashes in `written`.
int winnow_shingle_hashes_isa(const char *isa, const uint8_t *bytes, const int32_t *starts, size_t count, int n,
                              int trim, uint64_t *out, size_t *written);

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

/// `winnow_minhash_update` on a named instruction set ("avx512", "avx2" or "generic"), for
/// tests that compare every kernel with the reference; returns 0 (and leaves `mins` alone)
/// when this CPU lacks it.
int winnow_minhash_update_isa(const char *isa, const uint64_t *hashes, size_t count, const uint64_t *a,
                              const uint64_t *b, size_t perms, uint64_t *mins);

/// Which instruction set `winnow_minhash_update` runs on here ("avx512", "avx2" or "generic").
const char *winnow_minhash_isa(void);

/// Options of `winnow_normalize` (dedup's `normalize` list, and word units: spaces and
/// punctuation become one space between words).
#define WINNOW_NORMALIZE_CASEFOLD 1
#define WINNOW_NORMALIZE_PUNCTUATION 2
#define WINNOW_NORMALIZE_DIGITS 4
#define WINNOW_NORMALIZE_WHITESPACE 8
#define WINNOW_NORMALIZE_WORDS 16

/// What `winnow_normalize` returns when the text has a scalar beyond the Basic Multilingual
/// Plane: the caller normalizes it with its own lookup instead (Swift sees size_t as Int: −1).
#define WINNOW_NORMALIZE_NEEDS_TABLE ((size_t)-1)
/// What `winnow_normalize` returns when a scalar is not marked in `stable` (−2 in Swift).
#define WINNOW_NORMALIZE_NOT_STABLE ((size_t)-2)

/// dedup's normalization of valid UTF-8 `text`: each scalar classified and lower-cased through
/// `bmp` (65,536 entries: a simple lower-case mapping in the low 21 bits, bit 24 space, bit 25
/// punctuation, bit 26 decimal digit). With `stable` (a bitmap of the BMP scalars that are
/// stable under NFC on their own), every scalar is also checked against it, so that text that
/// is already NFC needs no other pass. Writes the normalized UTF-8 to `bytes` (room for
/// 2·length + 4), the offset where each unit starts plus a final offset to `starts` (room for
/// length + 2), the number of units to `units` and of bytes to `bytes_written`. Returns the
/// number of scalars in `text`, or WINNOW_NORMALIZE_NEEDS_TABLE or WINNOW_NORMALIZE_NOT_STABLE
/// (then nothing else is meaningful).
size_t winnow_normalize(const uint8_t *text, size_t length, const uint32_t *bmp, const uint8_t *stable, int flags,
                        uint8_t *bytes, int32_t *starts, size_t *units, size_t *bytes_written);

/// The low 32 bits of each of `count` hashes, sorted and distinct, written to `out` as
/// little-endian UInt32s (room for 4·count bytes); `scratch` has room for 2·count UInt32s.
/// Returns how many were written.
size_t winnow_sorted_distinct32(const uint64_t *hashes, size_t count, uint32_t *scratch, uint8_t *out);

#endif
