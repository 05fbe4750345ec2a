// Plain-C wrappers over ICU. ICU's entry points are versioned macros that Swift cannot call,
// and ICU's headers clash with Foundation's private copy, so this header uses only C types.
#ifndef WINNOW_ICU_H
#define WINNOW_ICU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// ICU's version as "major.minor" (e.g. "72.1"), written to `buffer`.
void winnow_icu_version(char *buffer, int32_t capacity);

/// Whether a converter with this name can be opened.
int32_t winnow_icu_converter_exists(const char *name);

/// Converts `length` bytes in charset `name` to UTF-8 (ICU converts multi-byte charsets to
/// UTF-8 directly). `capacity` should be at least 3 × length + 16.
/// strict != 0: stops at the first illegal or unmapped sequence; returns -1 and sets
///   *error_offset to the byte offset just past that sequence.
/// strict == 0: replaces each illegal or unmapped sequence with U+FFFD and counts them in
///   *substitutions.
/// Converters are opened once per thread and kept (closed when the thread ends).
/// Returns the number of bytes written, or -2 (buffer too small), -3 (no converter),
/// -4 (other ICU error; *icu_error holds the code).
int32_t winnow_icu_to_utf8(const char *name, const char *source, int32_t length,
                           char *target, int32_t capacity, int32_t strict,
                           int32_t *substitutions, int32_t *error_offset, int32_t *icu_error);

/// Converts UTF-16 to charset `name`. strict != 0 stops at an unmappable character (-1).
/// Returns bytes written, or the same negative codes as winnow_icu_to_utf8.
int32_t winnow_icu_from_utf16(const char *name, const uint16_t *source, int32_t length,
                              char *target, int32_t capacity, int32_t strict,
                              int32_t *icu_error);

/// Sets bit c of bitmap[c >> 3] (8192 bytes, cleared first) for each BMP code point in the
/// CLDR exemplar characters of `locale` ("ja", "zh", "zh_Hant"), standard and auxiliary
/// sets, as ICU's locale data has them. Returns the count of code points set, or -4 with
/// *icu_error set.
int32_t winnow_icu_exemplars(const char *locale, uint8_t *bitmap, int32_t *icu_error);

/// form: 0 = NFC, 1 = NFKC. Returns UTF-16 units written, or a negative code (-2: target
/// too small; -5: the deadline passed).
///
/// The input is first made Stream-Safe (UAX #15): after 30 non-starters in a row, U+034F
/// COMBINING GRAPHEME JOINER is inserted, and *joiners_inserted says how many times. ICU's
/// canonical reordering sorts each run of non-starters by insertion, so an unbounded run
/// (a letter and a million combining marks) takes time quadratic in its length; with runs of
/// at most 30 it is linear. Text has no such runs (UAX #15: none in real text), so its
/// output does not change.
/// It is then normalized in pieces of about 64K units, each ending before a character with a
/// normalization boundary before it (the pieces normalize independently), and between pieces
/// the clock is read: past deadline_ns (CLOCK_MONOTONIC; 0: none) this returns -5.
int32_t winnow_icu_normalize(int32_t form, const uint16_t *source, int32_t length,
                             uint16_t *target, int32_t capacity, uint64_t deadline_ns,
                             int32_t *joiners_inserted, int32_t *icu_error);

/// The longest run of non-starters the Stream-Safe Text Format allows (UAX #15).
#define WINNOW_ICU_MAX_NONSTARTERS 30

/// Fills `bitmap` (8192 bytes, one bit per BMP code point) with 1 for each code point that
/// is a quick-check YES with canonical combining class 0 for `form`: a text made only of such
/// code points is already normalized. Returns 0 on success.
int32_t winnow_icu_stable_bmp(int32_t form, uint8_t *bitmap, int32_t *icu_error);

/// ICU's name for an error code ("U_REGEX_MISMATCHED_PAREN").
const char *winnow_icu_error_name(int32_t code);

/// An ICU regular expression (opaque). Not thread-safe: clone one per thread.
typedef struct winnow_regex winnow_regex;

/// Compiles a UTF-8 pattern. flags: 1 = case-insensitive. On error returns NULL and writes
/// the ICU error code and the pattern offset (in UTF-16 units) of the problem.
winnow_regex *winnow_regex_open(const char *pattern, int32_t length, int32_t flags,
                                int32_t *icu_error, int32_t *error_offset);
winnow_regex *winnow_regex_clone(const winnow_regex *regex, int32_t *icu_error);

/// Sets the calling thread's regex deadline (CLOCK_MONOTONIC nanoseconds; 0: none): a match
/// still running past it is stopped and counts as no match.
void winnow_regex_set_deadline(uint64_t deadline_ns);
void winnow_regex_close(winnow_regex *regex);

/// Searches UTF-8 `text` from byte `from`. Returns 1 and sets the match's byte range, 0 when
/// there is no match, or a negative code on an ICU error. whole != 0: the whole text must
/// match (from is ignored).
int32_t winnow_regex_find(winnow_regex *regex, const char *text, int64_t length, int64_t from,
                          int32_t whole, int64_t *start, int64_t *end, int32_t *icu_error);

/// Like winnow_regex_find, and also the capture groups: writes the byte ranges of groups
/// 0 … n-1 (n = min(1 + the pattern's group count, capacity)) to starts/ends, -1 for a group
/// that took no part in the match. Returns n, 0 when there is no match, negative on an error.
/// again != 0: the same regex searched this very text last (a loop over its matches, from
/// increasing offsets): the text is not set (and copied) again.
int32_t winnow_regex_find_groups(winnow_regex *regex, const char *text, int64_t length, int64_t from, int32_t again,
                                 int64_t *starts, int64_t *ends, int32_t capacity, int32_t *icu_error);

/// A word break iterator (opaque). Not thread-safe: clone one per thread.
typedef struct winnow_words winnow_words;
winnow_words *winnow_words_open(const char *locale, int32_t *icu_error);
winnow_words *winnow_words_clone(const winnow_words *words, int32_t *icu_error);
void winnow_words_close(winnow_words *words);

/// Counts the words (segments whose rule status is letter, kana, ideograph or number) in
/// UTF-8 `text` and the bytes they span. Returns the word count or a negative code.
int64_t winnow_words_count(winnow_words *words, const char *text, int64_t length,
                           int64_t *word_bytes, int32_t *icu_error);

/// The byte ranges [starts[i], ends[i]) of the words (same rule statuses as
/// winnow_words_count) in UTF-8 `text`; at most `capacity` of them. Returns how many, or a
/// negative code on an ICU error.
int64_t winnow_words_spans(winnow_words *words, const char *text, int64_t length, int32_t *starts,
                           int32_t *ends, int64_t capacity, int32_t *icu_error);

#ifdef __cplusplus
}
#endif

#endif
