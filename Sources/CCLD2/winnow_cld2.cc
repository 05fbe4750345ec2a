#include "winnow_cld2.h"

#include <stdio.h>
#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>
#include <string.h>

namespace CLD2 {
// Declared in cld2/internal/lang_script.h, exported by libcld2.
const char* LanguageCode(Language lang);
}

extern "C" int winnow_cld2_detect(const char *utf8, int length, winnow_cld2_result *result) {
  CLD2::Language language3[3];
  int percent3[3];
  double scores3[3];
  int text_bytes = 0;
  bool reliable = false;
  int valid_prefix = 0;
  CLD2::CLDHints hints = {NULL, NULL, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  CLD2::Language language = CLD2::ExtDetectLanguageSummaryCheckUTF8(
      utf8, length, true, &hints, 0, language3, percent3, scores3, NULL, &text_bytes, &reliable, &valid_prefix);
  const char *code = CLD2::LanguageCode(language);
  strncpy(result->code, code ? code : "un", sizeof(result->code) - 1);
  result->code[sizeof(result->code) - 1] = 0;
  result->percent = 0;
  for (int i = 0; i < 3; i++) {
    if (language3[i] == language) { result->percent = percent3[i]; break; }
  }
  result->reliable = reliable ? 1 : 0;
  result->text_bytes = text_bytes;
  return valid_prefix < length ? -1 : 0;
}
