#include "winnow_icu.h"

#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ulocdata.h>
#include <unicode/uset.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uversion.h>
#include <unicode/utypes.h>
#include <unicode/uregex.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <unicode/ustring.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

void winnow_icu_version(char *buffer, int32_t capacity) {
  UVersionInfo info;
  char text[U_MAX_VERSION_STRING_LENGTH];
  u_getVersion(info);
  u_versionToString(info, text);
  if (capacity > 0) {
    strncpy(buffer, text, (size_t)capacity - 1);
    buffer[capacity - 1] = 0;
  }
}

int32_t winnow_icu_converter_exists(const char *name) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter *converter = ucnv_open(name, &status);
  if (converter) ucnv_close(converter);
  return U_SUCCESS(status) ? 1 : 0;
}

// Replaces each bad sequence with U+FFFD (single-byte converters would otherwise write
// U+001A) and counts it.
static void count_and_substitute(const void *context, UConverterToUnicodeArgs *args,
                                 const char *codeUnits, int32_t length,
                                 UConverterCallbackReason reason, UErrorCode *status) {
  (void)codeUnits; (void)length;
  if (reason > UCNV_IRREGULAR) return;  // reset/close/clone
  int32_t *counter = (int32_t *)context;
  static const UChar replacement = 0xFFFD;
  *status = U_ZERO_ERROR;
  (*counter)++;
  ucnv_cbToUWriteUChars(args, &replacement, 1, 0, status);
}

// Each thread keeps the converters it opened (a few charsets, used again and again while
// candidates are verified): ucnv_open looks the name up under a lock and allocates, which
// cost more than converting a small page. Closed when the thread ends.
#define WINNOW_CONVERTER_CACHE 12
typedef struct {
  char names[WINNOW_CONVERTER_CACHE][40];
  UConverter *converters[WINNOW_CONVERTER_CACHE];
  uint32_t used[WINNOW_CONVERTER_CACHE];
  uint32_t clock;
} converter_cache;

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *pointer) {
  converter_cache *cache = (converter_cache *)pointer;
  for (int i = 0; i < WINNOW_CONVERTER_CACHE; i++) {
    if (cache->converters[i]) ucnv_close(cache->converters[i]);
  }
  free(cache);
}

static void cache_key_create(void) { pthread_key_create(&cache_key, cache_free); }

static converter_cache *thread_cache(void) {
  pthread_once(&cache_once, cache_key_create);
  converter_cache *cache = (converter_cache *)pthread_getspecific(cache_key);
  if (!cache) {
    cache = (converter_cache *)calloc(1, sizeof(converter_cache));
    if (cache) pthread_setspecific(cache_key, cache);
  }
  return cache;
}

// A reset converter for `name` from this thread's cache (opened on first use; the least
// recently used one is closed when the cache is full). Callers set their callbacks and never
// close it. NULL with *status set when ICU has no such converter.
static UConverter *cached_converter(const char *name, UErrorCode *status) {
  converter_cache *cache = thread_cache();
  size_t length = strlen(name);
  if (!cache || length >= sizeof(cache->names[0])) return ucnv_open(name, status);
  int victim = 0;
  for (int i = 0; i < WINNOW_CONVERTER_CACHE; i++) {
    if (cache->converters[i] && strcmp(cache->names[i], name) == 0) {
      cache->used[i] = ++cache->clock;
      ucnv_reset(cache->converters[i]);
      return cache->converters[i];
    }
    if (!cache->converters[i] || cache->used[i] < cache->used[victim]) victim = i;
  }
  UConverter *converter = ucnv_open(name, status);
  if (U_FAILURE(*status)) return NULL;
  if (cache->converters[victim]) ucnv_close(cache->converters[victim]);
  memcpy(cache->names[victim], name, length + 1);
  cache->converters[victim] = converter;
  cache->used[victim] = ++cache->clock;
  return converter;
}

static int32_t is_cached(const UConverter *converter) {
  converter_cache *cache = (converter_cache *)pthread_getspecific(cache_key);
  if (!cache) return 0;
  for (int i = 0; i < WINNOW_CONVERTER_CACHE; i++) {
    if (cache->converters[i] == converter) return 1;
  }
  return 0;
}

int32_t winnow_icu_to_utf8(const char *name, const char *source, int32_t length,
                           char *target, int32_t capacity, int32_t strict,
                           int32_t *substitutions, int32_t *error_offset, int32_t *icu_error) {
  UErrorCode status = U_ZERO_ERROR;
  *substitutions = 0;
  *error_offset = -1;
  *icu_error = 0;
  UConverter *from = cached_converter(name, &status);
  if (U_FAILURE(status) || !from) { *icu_error = status; return -3; }
  status = U_ZERO_ERROR;
  UConverter *to = cached_converter("UTF-8", &status);
  if (U_FAILURE(status) || !to) {
    if (!is_cached(from)) ucnv_close(from);
    *icu_error = status;
    return -3;
  }
  status = U_ZERO_ERROR;
  if (strict) {
    ucnv_setToUCallBack(from, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &status);
  } else {
    ucnv_setToUCallBack(from, count_and_substitute, substitutions, NULL, NULL, &status);
  }
  int32_t result;
  if (U_FAILURE(status)) {
    *icu_error = status;
    result = -4;
  } else {
    UChar pivot[2048];
    UChar *pivotSource = pivot, *pivotTarget = pivot;
    char *out = target;
    const char *in = source;
    ucnv_convertEx(to, from, &out, target + capacity, &in, source + length, pivot, &pivotSource,
                   &pivotTarget, pivot + 2048, 1, 1, &status);
    int32_t written = (int32_t)(out - target);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      result = -2;
    } else if (status == U_ILLEGAL_CHAR_FOUND || status == U_INVALID_CHAR_FOUND ||
               status == U_TRUNCATED_CHAR_FOUND || status == U_ILLEGAL_ESCAPE_SEQUENCE ||
               status == U_UNSUPPORTED_ESCAPE_SEQUENCE) {
      *error_offset = (int32_t)(in - source);
      *icu_error = status;
      result = -1;
    } else if (U_FAILURE(status)) {
      *icu_error = status;
      result = -4;
    } else {
      result = written;
    }
  }
  // The lenient callback points at this call's counter: the cached converter must not keep it.
  UErrorCode reset = U_ZERO_ERROR;
  ucnv_setToUCallBack(from, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &reset);
  if (!is_cached(from)) ucnv_close(from);
  if (!is_cached(to)) ucnv_close(to);
  return result;
}

int32_t winnow_icu_from_utf16(const char *name, const uint16_t *source, int32_t length,
                              char *target, int32_t capacity, int32_t strict,
                              int32_t *icu_error) {
  UErrorCode status = U_ZERO_ERROR;
  *icu_error = 0;
  UConverter *converter = ucnv_open(name, &status);
  if (U_FAILURE(status)) { *icu_error = status; return -3; }
  status = U_ZERO_ERROR;
  if (strict) {
    ucnv_setFromUCallBack(converter, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &status);
  }
  char *out = target;
  const UChar *in = (const UChar *)source;
  ucnv_fromUnicode(converter, &out, target + capacity, &in, in + length, NULL, 1, &status);
  int32_t written = (int32_t)(out - target);
  ucnv_close(converter);
  if (status == U_BUFFER_OVERFLOW_ERROR) return -2;
  if (status == U_ILLEGAL_CHAR_FOUND || status == U_INVALID_CHAR_FOUND) {
    *icu_error = status;
    return -1;
  }
  if (U_FAILURE(status)) { *icu_error = status; return -4; }
  return written;
}

static const UNormalizer2 *normalizer_for(int32_t form, UErrorCode *status) {
  return form == 1 ? unorm2_getNFKCInstance(status) : unorm2_getNFCInstance(status);
}

// The Stream-Safe Text Format (UAX #15) counts the non-starters of each character's NFKD
// decomposition: how many lead it (before its first starter), how many trail it (after its
// last), and whether it has no starter at all (U+0344, U+0F73: two non-starters each).
// Packed in a byte: bits 0-2 leading, 3-5 trailing, 6 no starter. Filled once for the BMP.
static uint8_t nonstarter_bmp[65536];
static pthread_once_t nonstarter_once = PTHREAD_ONCE_INIT;

static const UNormalizer2 *nfkd_instance(void) {
  UErrorCode status = U_ZERO_ERROR;
  const UNormalizer2 *nfkd = unorm2_getNFKDInstance(&status);
  return U_FAILURE(status) ? NULL : nfkd;
}

static uint8_t nonstarter_info(UChar32 c) {
  const UNormalizer2 *nfkd = nfkd_instance();
  UChar decomposition[32];
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = nfkd ? unorm2_getDecomposition(nfkd, c, decomposition, 32, &status) : -1;
  if (length < 0 || U_FAILURE(status)) return u_getCombiningClass(c) != 0 ? (1 | 1 << 3 | 1 << 6) : 0;
  int lead = 0, trail = 0, starter = 0;
  for (int32_t index = 0; index < length;) {
    UChar32 d;
    U16_NEXT(decomposition, index, length, d);
    if (u_getCombiningClass(d) != 0) {
      if (!starter && lead < 7) lead++;
      if (trail < 7) trail++;
    } else {
      starter = 1;
      trail = 0;
    }
  }
  return (uint8_t)(lead | trail << 3 | (starter ? 0 : 1 << 6));
}

static void fill_nonstarter_bmp(void) {
  for (UChar32 c = 0xA0; c < 0x10000; c++) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    nonstarter_bmp[c] = nonstarter_info(c);
  }
}

// The packed counts of the code point at source[*index]; advances *index past it.
static inline uint8_t next_nonstarters(const uint16_t *source, int32_t length, int32_t *index) {
  UChar32 c;
  U16_NEXT(source, *index, length, c);
  return c < 0x10000 ? nonstarter_bmp[c] : nonstarter_info(c);
}

// UAX #15's algorithm: U+034F before a character whose leading non-starters would make more
// than 30 in a row. Returns the text with the joiners (malloc'd, *out_length units), or NULL
// when none is needed (or on allocation failure: *joiners is then -1).
static uint16_t *stream_safe(const uint16_t *source, int32_t length, int32_t *out_length,
                             int32_t *joiners) {
  pthread_once(&nonstarter_once, fill_nonstarter_bmp);
  *joiners = 0;
  int32_t index = 0, run = 0, first = -1;
  while (index < length) {
    int32_t at = index;
    uint8_t info = next_nonstarters(source, length, &index);
    int lead = info & 7, trail = info >> 3 & 7;
    if (run + lead > WINNOW_ICU_MAX_NONSTARTERS) { first = at; break; }
    run = info >> 6 ? run + lead : trail;
  }
  if (first < 0) return NULL;
  int64_t capacity = (int64_t)length + length / 2 + 1;  // at most one joiner per two units
  if (capacity > INT32_MAX) { *joiners = -1; return NULL; }
  uint16_t *out = malloc((size_t)capacity * sizeof(uint16_t));
  if (out == NULL) { *joiners = -1; return NULL; }
  memcpy(out, source, (size_t)first * sizeof(uint16_t));
  int32_t written = first;
  index = first;
  while (index < length) {
    int32_t at = index;
    uint8_t info = next_nonstarters(source, length, &index);
    int lead = info & 7, trail = info >> 3 & 7;
    if (run + lead > WINNOW_ICU_MAX_NONSTARTERS) {
      out[written++] = 0x034F;
      (*joiners)++;
      run = 0;
    }
    run = info >> 6 ? run + lead : trail;
    while (at < index) out[written++] = source[at++];
  }
  *out_length = written;
  return out;
}

static uint64_t monotonic_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

// Units per piece of normalization between two looks at the clock.
#define NORMALIZE_PIECE 65536

int32_t winnow_icu_normalize(int32_t form, const uint16_t *source, int32_t length,
                             uint16_t *target, int32_t capacity, uint64_t deadline_ns,
                             int32_t *joiners_inserted, int32_t *icu_error) {
  UErrorCode status = U_ZERO_ERROR;
  *icu_error = 0;
  *joiners_inserted = 0;
  const UNormalizer2 *normalizer = normalizer_for(form, &status);
  if (U_FAILURE(status)) { *icu_error = status; return -4; }
  int32_t safe_length = 0;
  uint16_t *safe = stream_safe(source, length, &safe_length, joiners_inserted);
  if (*joiners_inserted < 0) { *joiners_inserted = 0; *icu_error = U_MEMORY_ALLOCATION_ERROR; return -4; }
  if (safe != NULL) {
    source = safe;
    length = safe_length;
  }
  int32_t result = 0, start = 0;
  while (start < length) {
    int32_t end = length;
    if (length - start > NORMALIZE_PIECE) {
      // The next character with a boundary before it, from the piece's nominal end on
      // (a piece may grow past it in text with no boundary, such as a run of Hangul vowels).
      end = start + NORMALIZE_PIECE;
      if (U16_IS_TRAIL(source[end]) && U16_IS_LEAD(source[end - 1])) end++;
      while (end < length) {
        int32_t next = end;
        UChar32 c;
        U16_NEXT(source, next, length, c);
        if (unorm2_hasBoundaryBefore(normalizer, c)) break;
        end = next;
      }
    }
    status = U_ZERO_ERROR;
    int32_t written = unorm2_normalize(normalizer, (const UChar *)source + start, end - start,
                                       (UChar *)target + result, capacity - result, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) { result = -2; break; }
    if (U_FAILURE(status)) { *icu_error = status; result = -4; break; }
    result += written;
    start = end;
    if (deadline_ns != 0 && start < length && monotonic_ns() > deadline_ns) { result = -5; break; }
  }
  free(safe);
  return result;
}

int32_t winnow_icu_stable_bmp(int32_t form, uint8_t *bitmap, int32_t *icu_error) {
  UErrorCode status = U_ZERO_ERROR;
  *icu_error = 0;
  const UNormalizer2 *normalizer = normalizer_for(form, &status);
  if (U_FAILURE(status)) { *icu_error = status; return -4; }
  memset(bitmap, 0, 8192);
  for (UChar32 c = 0; c < 0x10000; c++) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    UChar unit = (UChar)c;
    UErrorCode s = U_ZERO_ERROR;
    UNormalizationCheckResult result = unorm2_quickCheck(normalizer, &unit, 1, &s);
    if (U_SUCCESS(s) && result == UNORM_YES && u_getCombiningClass(c) == 0 &&
        unorm2_hasBoundaryBefore(normalizer, c)) {
      bitmap[c >> 3] |= (uint8_t)(1u << (c & 7));
    }
  }
  return 0;
}

int32_t winnow_icu_exemplars(const char *locale, uint8_t *bitmap, int32_t *icu_error) {
  UErrorCode status = U_ZERO_ERROR;
  *icu_error = 0;
  memset(bitmap, 0, 8192);
  ULocaleData *data = ulocdata_open(locale, &status);
  if (U_FAILURE(status)) { *icu_error = status; return -4; }
  int32_t count = 0;
  ULocaleDataExemplarSetType types[2] = {ULOCDATA_ES_STANDARD, ULOCDATA_ES_AUXILIARY};
  for (int t = 0; t < 2; t++) {
    status = U_ZERO_ERROR;
    USet *set = ulocdata_getExemplarSet(data, NULL, 0, types[t], &status);
    if (U_FAILURE(status) || !set) {
      if (set) uset_close(set);
      if (t == 0) { ulocdata_close(data); *icu_error = status; return -4; }
      continue;
    }
    int32_t items = uset_getItemCount(set);
    for (int32_t i = 0; i < items; i++) {
      UChar32 start, end;
      UErrorCode s = U_ZERO_ERROR;
      // Ranges have no string part (length 0); multi-character strings are skipped.
      if (uset_getItem(set, i, &start, &end, NULL, 0, &s) != 0) continue;
      for (UChar32 c = start; c <= end && c < 0x10000; c++) {
        if (!(bitmap[c >> 3] & (1u << (c & 7)))) count++;
        bitmap[c >> 3] |= (uint8_t)(1u << (c & 7));
      }
    }
    uset_close(set);
  }
  ulocdata_close(data);
  return count;
}

const char *winnow_icu_error_name(int32_t code) { return u_errorName((UErrorCode)code); }

struct winnow_regex {
  URegularExpression *re;
  UText *text;
  // The text as UTF-16: ICU matches a UChar buffer holding the whole text in its fast loop
  // (MatchChunkAt); through a UTF-8 UText it steps with utext_next32, two to three times
  // slower on our lines. Offsets are mapped between the two encodings here.
  UChar *units;
  int32_t capacity;
  // Whether the text last set is in `units`, and one position in it as (UTF-16 unit, UTF-8
  // byte): offset mappings walk on from there, so a loop of searches over one text (a
  // replace-all) maps each offset once in all, not from the start each time.
  int32_t utf16;
  int64_t at_unit, at_byte;
};

// Sets the regex's text: as UTF-16 when it fits (returns 1), else as a UTF-8 UText (0);
// -4 with *status on an ICU error.
static int32_t regex_set_text(winnow_regex *regex, const char *text, int64_t length, UErrorCode *status) {
  regex->at_unit = 0;
  regex->at_byte = 0;
  regex->utf16 = 0;
  if (length < INT32_MAX / 2) {
    int32_t needed = (int32_t)length + 1;
    if (needed > regex->capacity) {
      int32_t capacity = needed < 256 ? 256 : needed + needed / 2;
      UChar *grown = realloc(regex->units, (size_t)capacity * sizeof(UChar));
      if (grown) {
        regex->units = grown;
        regex->capacity = capacity;
      }
    }
    if (needed <= regex->capacity) {
      int32_t written = 0;
      UErrorCode convert = U_ZERO_ERROR;
      u_strFromUTF8(regex->units, regex->capacity, &written, text, (int32_t)length, &convert);
      if (U_SUCCESS(convert)) {
        uregex_setText(regex->re, regex->units, written, status);
        if (U_FAILURE(*status)) return -4;
        regex->utf16 = 1;
        return 1;
      }
    }
  }
  regex->text = utext_openUTF8(regex->text, text, length, status);
  if (U_FAILURE(*status)) return -4;
  uregex_setUText(regex->re, regex->text, status);
  return U_FAILURE(*status) ? -4 : 0;
}

// The UTF-16 offset of UTF-8 byte `byte` of `text` (valid UTF-8, the text last set), from
// the known position when it lies before; a character boundary becomes the known position.
static int64_t units_at(winnow_regex *regex, const char *text, int64_t length, int64_t byte) {
  if (byte < regex->at_byte) { regex->at_unit = 0; regex->at_byte = 0; }
  int64_t units = regex->at_unit;
  for (int64_t i = regex->at_byte; i < byte; i++) {
    unsigned char c = (unsigned char)text[i];
    if ((c & 0xC0) != 0x80) units += c >= 0xF0 ? 2 : 1;
  }
  if (byte == length || ((unsigned char)text[byte] & 0xC0) != 0x80) {
    regex->at_unit = units;
    regex->at_byte = byte;
  }
  return units;
}

// The UTF-8 byte offset of UTF-16 offset `unit` of the text last set (a match boundary, so a
// character boundary), from the known position when it lies before.
static int64_t bytes_at(winnow_regex *regex, int64_t unit) {
  if (unit < regex->at_unit) { regex->at_unit = 0; regex->at_byte = 0; }
  int64_t bytes = regex->at_byte;
  for (int64_t u = regex->at_unit; u < unit; u++) {
    UChar c = regex->units[u];
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xD800 && c < 0xDC00) bytes += 4;  // the trail unit adds nothing
    else if (c >= 0xDC00 && c < 0xE000) bytes += 0;
    else bytes += 3;
  }
  regex->at_unit = unit;
  regex->at_byte = bytes;
  return bytes;
}

// Where a search from byte `from` starts in the text as ICU holds it.
static int64_t search_start(winnow_regex *regex, const char *text, int64_t length, int64_t from) {
  return regex->utf16 && from >= 0 && from <= length ? units_at(regex, text, length, from) : from;
}

// The deadline of the document the calling thread works on (CLOCK_MONOTONIC ns; 0: none).
// ICU calls the match callback every 10,000 steps of a match; past the deadline it stops
// the match (U_REGEX_STOPPED_BY_CALLER), so a pattern that backtracks without end cannot
// hold a worker past the stage's timeout_ms.
static _Thread_local uint64_t regex_deadline_ns;

void winnow_regex_set_deadline(uint64_t deadline_ns) { regex_deadline_ns = deadline_ns; }

static UBool U_CALLCONV regex_deadline_callback(const void *context, int32_t steps) {
  (void)context;
  (void)steps;
  uint64_t deadline = regex_deadline_ns;
  if (deadline == 0) return 1;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec < deadline;
}

winnow_regex *winnow_regex_open(const char *pattern, int32_t length, int32_t flags,
                                int32_t *icu_error, int32_t *error_offset) {
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse;
  memset(&parse, 0, sizeof parse);
  UText *source = utext_openUTF8(NULL, pattern, length, &status);
  if (U_FAILURE(status)) { *icu_error = status; *error_offset = 0; return NULL; }
  URegularExpression *re = uregex_openUText(source, (flags & 1) ? UREGEX_CASE_INSENSITIVE : 0,
                                            &parse, &status);
  utext_close(source);
  *icu_error = status;
  *error_offset = parse.offset;
  if (U_FAILURE(status)) { if (re) uregex_close(re); return NULL; }
  uregex_setMatchCallback(re, regex_deadline_callback, NULL, &status);
  winnow_regex *result = calloc(1, sizeof *result);
  if (!result) { uregex_close(re); return NULL; }
  result->re = re;
  return result;
}

winnow_regex *winnow_regex_clone(const winnow_regex *regex, int32_t *icu_error) {
  UErrorCode status = U_ZERO_ERROR;
  URegularExpression *re = uregex_clone(regex->re, &status);
  *icu_error = status;
  if (U_FAILURE(status)) return NULL;
  uregex_setMatchCallback(re, regex_deadline_callback, NULL, &status);
  winnow_regex *result = calloc(1, sizeof *result);
  if (!result) { uregex_close(re); return NULL; }
  result->re = re;
  return result;
}

void winnow_regex_close(winnow_regex *regex) {
  if (!regex) return;
  uregex_close(regex->re);
  if (regex->text) utext_close(regex->text);
  free(regex->units);
  free(regex);
}

int32_t winnow_regex_find(winnow_regex *regex, const char *text, int64_t length, int64_t from,
                          int32_t whole, int64_t *start, int64_t *end, int32_t *icu_error) {
  UErrorCode status = U_ZERO_ERROR;
  if (regex_set_text(regex, text, length, &status) < 0) { *icu_error = status; return -4; }
  UBool found = whole ? uregex_matches64(regex->re, 0, &status)
                      : uregex_find64(regex->re, search_start(regex, text, length, from), &status);
  if (U_FAILURE(status)) { *icu_error = status; return -4; }
  if (!found) return 0;
  *start = uregex_start64(regex->re, 0, &status);
  *end = uregex_end64(regex->re, 0, &status);
  *icu_error = status;
  if (U_FAILURE(status)) return -4;
  if (regex->utf16) {
    *start = bytes_at(regex, *start);
    *end = bytes_at(regex, *end);
  }
  return 1;
}

int32_t winnow_regex_find_groups(winnow_regex *regex, const char *text, int64_t length, int64_t from, int32_t again,
                                 int64_t *starts, int64_t *ends, int32_t capacity, int32_t *icu_error) {
  UErrorCode status = U_ZERO_ERROR;
  if (!again && regex_set_text(regex, text, length, &status) < 0) { *icu_error = status; return -4; }
  UBool found = uregex_find64(regex->re, search_start(regex, text, length, from), &status);
  if (U_FAILURE(status)) { *icu_error = status; return -4; }
  if (!found) return 0;
  int32_t groups = uregex_groupCount(regex->re, &status) + 1;
  if (groups > capacity) groups = capacity;
  for (int32_t group = 0; group < groups && U_SUCCESS(status); group++) {
    starts[group] = uregex_start64(regex->re, group, &status);
    ends[group] = uregex_end64(regex->re, group, &status);
    // A group that took no part is -1 in either encoding.
    if (regex->utf16 && starts[group] >= 0) {
      starts[group] = bytes_at(regex, starts[group]);
      ends[group] = bytes_at(regex, ends[group]);
    }
  }
  *icu_error = status;
  return U_FAILURE(status) ? -4 : groups;
}

struct winnow_words {
  UBreakIterator *iterator;
  UText *text;
};

winnow_words *winnow_words_open(const char *locale, int32_t *icu_error) {
  UErrorCode status = U_ZERO_ERROR;
  UBreakIterator *iterator = ubrk_open(UBRK_WORD, locale, NULL, 0, &status);
  *icu_error = status;
  if (U_FAILURE(status)) return NULL;
  winnow_words *result = calloc(1, sizeof *result);
  if (!result) { ubrk_close(iterator); return NULL; }
  result->iterator = iterator;
  return result;
}

winnow_words *winnow_words_clone(const winnow_words *words, int32_t *icu_error) {
  UErrorCode status = U_ZERO_ERROR;
  UBreakIterator *iterator = ubrk_clone(words->iterator, &status);
  *icu_error = status;
  if (U_FAILURE(status)) return NULL;
  winnow_words *result = calloc(1, sizeof *result);
  if (!result) { ubrk_close(iterator); return NULL; }
  result->iterator = iterator;
  return result;
}

void winnow_words_close(winnow_words *words) {
  if (!words) return;
  ubrk_close(words->iterator);
  if (words->text) utext_close(words->text);
  free(words);
}

int64_t winnow_words_count(winnow_words *words, const char *text, int64_t length,
                           int64_t *word_bytes, int32_t *icu_error) {
  UErrorCode status = U_ZERO_ERROR;
  words->text = utext_openUTF8(words->text, text, length, &status);
  if (U_FAILURE(status)) { *icu_error = status; return -4; }
  ubrk_setUText(words->iterator, words->text, &status);
  if (U_FAILURE(status)) { *icu_error = status; return -4; }
  int64_t count = 0, bytes = 0;
  int32_t previous = ubrk_first(words->iterator);
  for (int32_t next = ubrk_next(words->iterator); next != UBRK_DONE;
       previous = next, next = ubrk_next(words->iterator)) {
    if (ubrk_getRuleStatus(words->iterator) >= UBRK_WORD_NUMBER) {
      count += 1;
      bytes += next - previous;
    }
  }
  *word_bytes = bytes;
  *icu_error = 0;
  return count;
}

int64_t winnow_words_spans(winnow_words *words, const char *text, int64_t length, int32_t *starts,
                           int32_t *ends, int64_t capacity, int32_t *icu_error) {
  UErrorCode status = U_ZERO_ERROR;
  words->text = utext_openUTF8(words->text, text, length, &status);
  if (U_FAILURE(status)) { *icu_error = status; return -4; }
  ubrk_setUText(words->iterator, words->text, &status);
  if (U_FAILURE(status)) { *icu_error = status; return -4; }
  int64_t count = 0;
  int32_t previous = ubrk_first(words->iterator);
  for (int32_t next = ubrk_next(words->iterator); next != UBRK_DONE && count < capacity;
       previous = next, next = ubrk_next(words->iterator)) {
    if (ubrk_getRuleStatus(words->iterator) >= UBRK_WORD_NUMBER) {
      starts[count] = previous;
      ends[count] = next;
      count += 1;
    }
  }
  *icu_error = 0;
  return count;
}
