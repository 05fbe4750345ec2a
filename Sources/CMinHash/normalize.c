// The per-document work of `dedup` before the MinHash kernel, in C so that it runs over raw
// buffers without Swift's array checks: the normalized text (one pass over UTF-8 with a table
// of per-scalar classes), and the sorted distinct shingle set for exact confirmation.
#include "winnow_minhash.h"

#include <string.h>

#define CLASS_SPACE (1u << 24)
#define CLASS_PUNCTUATION (1u << 25)
#define CLASS_DIGIT (1u << 26)
#define MAPPING_MASK 0x1FFFFFu

static inline size_t put_utf8(uint8_t *out, size_t at, uint32_t value) {
  if (value < 0x80) {
    out[at] = (uint8_t)value;
    return at + 1;
  }
  if (value < 0x800) {
    out[at] = (uint8_t)(0xC0 | value >> 6);
    out[at + 1] = (uint8_t)(0x80 | (value & 0x3F));
    return at + 2;
  }
  if (value < 0x10000) {
    out[at] = (uint8_t)(0xE0 | value >> 12);
    out[at + 1] = (uint8_t)(0x80 | (value >> 6 & 0x3F));
    out[at + 2] = (uint8_t)(0x80 | (value & 0x3F));
    return at + 3;
  }
  out[at] = (uint8_t)(0xF0 | value >> 18);
  out[at + 1] = (uint8_t)(0x80 | (value >> 12 & 0x3F));
  out[at + 2] = (uint8_t)(0x80 | (value >> 6 & 0x3F));
  out[at + 3] = (uint8_t)(0x80 | (value & 0x3F));
  return at + 4;
}

size_t winnow_normalize(const uint8_t *text, size_t length, const uint32_t *bmp, const uint8_t *stable, int flags,
                        uint8_t *bytes, int32_t *starts, size_t *units, size_t *bytes_written) {
  const int for_words = flags & WINNOW_NORMALIZE_WORDS, keep_spaces = !(flags & WINNOW_NORMALIZE_WHITESPACE);
  const int punctuation = flags & WINNOW_NORMALIZE_PUNCTUATION, digits = flags & WINNOW_NORMALIZE_DIGITS;
  const int casefold = flags & WINNOW_NORMALIZE_CASEFOLD;
  size_t at = 0, unit = 0, scalars = 0, i = 0;
  int pending_space = 0;
  while (i < length) {
    scalars++;
    const uint32_t lead = text[i];
    uint32_t value;
    if (lead < 0x80) {
      value = lead;
      i += 1;
    } else if (lead < 0xE0) {
      value = (lead & 0x1F) << 6 | (text[i + 1] & 0x3Fu);
      i += 2;
    } else if (lead < 0xF0) {
      value = (lead & 0x0F) << 12 | (text[i + 1] & 0x3Fu) << 6 | (text[i + 2] & 0x3Fu);
      i += 3;
    } else {
      return WINNOW_NORMALIZE_NEEDS_TABLE;  // beyond the BMP: the caller's own lookup
    }
    if (stable && !(stable[value >> 3] & (1u << (value & 7)))) return WINNOW_NORMALIZE_NOT_STABLE;
    // Hangul syllables have no case and are neither space, punctuation nor digit.
    if (value >= 0xAC00 && value <= 0xD7A3) {
      if (pending_space) {
        starts[unit++] = (int32_t)at;
        bytes[at++] = 0x20;
        pending_space = 0;
      }
      starts[unit++] = (int32_t)at;
      // Its three bytes as they are: a syllable is the same scalar after normalization.
      bytes[at] = text[i - 3];
      bytes[at + 1] = text[i - 2];
      bytes[at + 2] = text[i - 1];
      at += 3;
      continue;
    }
    const uint32_t entry = bmp[value];
    if (entry & CLASS_SPACE) {
      if (for_words || keep_spaces) pending_space = at > 0;
      continue;
    }
    if ((entry & CLASS_PUNCTUATION) && punctuation) {
      if (for_words) pending_space = at > 0;
      continue;
    }
    if (pending_space) {
      starts[unit++] = (int32_t)at;
      bytes[at++] = 0x20;
      pending_space = 0;
    }
    starts[unit++] = (int32_t)at;
    if ((entry & CLASS_DIGIT) && digits) {
      bytes[at++] = 0x30;
    } else {
      at = put_utf8(bytes, at, casefold ? entry & MAPPING_MASK : value);
    }
  }
  starts[unit] = (int32_t)at;
  *units = unit;
  *bytes_written = at;
  return scalars;
}

// ---- sorted distinct shingle sets ----

static void insertion_sort(uint32_t *keys, size_t n) {
  for (size_t i = 1; i < n; i++) {
    uint32_t key = keys[i];
    size_t j = i;
    while (j > 0 && keys[j - 1] > key) {
      keys[j] = keys[j - 1];
      j--;
    }
    keys[j] = key;
  }
}

size_t winnow_sorted_distinct32(const uint64_t *hashes, size_t count, uint32_t *scratch, uint8_t *out) {
  if (count == 0) return 0;
  uint32_t *keys = scratch, *other = scratch + count;
  for (size_t i = 0; i < count; i++) keys[i] = (uint32_t)hashes[i];
  if (count <= 32) {
    insertion_sort(keys, count);
  } else {
    // LSD radix sort, four 8-bit digits, every digit's histogram from one pass; a digit all
    // keys share is skipped.
    size_t histogram[4][256];
    memset(histogram, 0, sizeof histogram);
    for (size_t i = 0; i < count; i++) {
      uint32_t k = keys[i];
      histogram[0][k & 0xFF]++;
      histogram[1][k >> 8 & 0xFF]++;
      histogram[2][k >> 16 & 0xFF]++;
      histogram[3][k >> 24]++;
    }
    for (int digit = 0; digit < 4; digit++) {
      size_t *h = histogram[digit];
      int shift = digit * 8;
      if (h[keys[0] >> shift & 0xFF] == count) continue;
      size_t total = 0;
      for (int b = 0; b < 256; b++) {
        size_t c = h[b];
        h[b] = total;
        total += c;
      }
      for (size_t i = 0; i < count; i++) {
        uint32_t k = keys[i];
        other[h[k >> shift & 0xFF]++] = k;
      }
      uint32_t *t = keys;
      keys = other;
      other = t;
    }
  }
  size_t write = 1;
  for (size_t i = 1; i < count; i++) {
    if (keys[i] != keys[write - 1]) keys[write++] = keys[i];
  }
  memcpy(out, keys, write * 4);  // little-endian hosts only, as the records are
  return write;
}
