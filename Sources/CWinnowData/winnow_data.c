// Data files of pipelines/ compiled into the binary with C23's #embed, so that a winnow
// copied alone (make dist, a Spark worker) has them; the file stays data, built by a script.
#include "winnow_data.h"

#pragma clang diagnostic ignored "-Wc23-extensions"

static const unsigned char letter_pairs[] = {
#embed "../../pipelines/charsets/letter-pairs.tsv"
};

const unsigned char *winnow_letter_pairs(size_t *length) {
  *length = sizeof letter_pairs;
  return letter_pairs;
}
