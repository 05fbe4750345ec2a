#ifndef WINNOW_DATA_H
#define WINNOW_DATA_H

#include <stddef.h>

/// pipelines/charsets/letter-pairs.tsv, compiled in: the letter-pair counts per language the
/// decode stage ranks single-byte code pages with (built by scripts/charset_model.py).
const unsigned char *winnow_letter_pairs(size_t *length);

#endif
