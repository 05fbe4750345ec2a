#ifndef WINNOW_CLD2_H
#define WINNOW_CLD2_H

// A plain-C face for Google's CLD2 (C++, Debian's libcld2-dev): Swift imports this header only.

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  // ISO 639-1 code where there is one ("ko", "en", "zh", "zh-Hant"), "un" when unknown.
  char code[16];
  // Share (0-100) of the text's letters in that language.
  int percent;
  // CLD2's own verdict: the language is well ahead of the next one.
  int reliable;
  // Letters CLD2 scored (tags and markup excluded).
  int text_bytes;
} winnow_cld2_result;

// Detects the language of `length` bytes of UTF-8 plain text. Returns 0, or -1 when the
// text is not valid UTF-8 (result then "un").
int winnow_cld2_detect(const char *utf8, int length, winnow_cld2_result *result);

#ifdef __cplusplus
}
#endif

#endif
