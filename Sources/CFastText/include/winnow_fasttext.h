#ifndef WINNOW_FASTTEXT_H
#define WINNOW_FASTTEXT_H

// A plain-C face for fastText (C++, Debian's libfasttext-dev): Swift imports this header only.

#ifdef __cplusplus
extern "C" {
#endif

typedef struct winnow_fasttext winnow_fasttext;

// Loads a fastText model file (.bin or quantized .ftz). Returns NULL and writes why into
// `error` (at most `capacity` bytes, NUL-terminated) when the file cannot be read or is not
// a fastText model.
winnow_fasttext *winnow_fasttext_load(const char *path, char *error, int capacity);

void winnow_fasttext_free(winnow_fasttext *model);

// The model's most likely label for `length` bytes of UTF-8 text (line breaks read as
// spaces: fastText predicts one line), written without fastText's "__label__" prefix into
// `label` (at most `capacity` bytes, NUL-terminated), and its probability (0-1). Returns 0,
// or -1 when the model names no label (no known word or character n-gram). Safe to call from
// several threads on one model.
int winnow_fasttext_predict(const winnow_fasttext *model, const char *utf8, int length, char *label, int capacity,
                            float *probability);

// Trains a small supervised model from `input` ("__label__xx text" lines) and saves it as
// `output` (".bin" is added), one thread, fixed seed: the same file gives the same model.
// For tests, which need a model and cannot download one. Returns 0, or -1 with `error`.
int winnow_fasttext_train(const char *input, const char *output, int epochs, char *error, int capacity);

#ifdef __cplusplus
}
#endif

#endif
