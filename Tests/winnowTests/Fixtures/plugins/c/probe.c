// A plugin written in C against winnow_plugin.h, for the tests: stage `c_probe` echoes the
// options it was made with into a field, and by `mode` upper-cases ASCII text (upper), fails
// (fail: returns nonzero) or drops (drop).
#include <stdlib.h>
#include <string.h>
#include "winnow_plugin.h"

typedef struct { char *options; int mode; } probe;

static const winnow_option_spec specs[] = {
  {.name = "model", .type = WINNOW_OPTION_PATH, .default_json = "\"\"", .summary = "a file, resolved by winnow"},
  {.name = "mode", .type = WINNOW_OPTION_CHOICE, .choices = "keep|upper|fail|drop", .default_json = "\"keep\"", .summary = "what to do"},
};

static void *create(void *context, const char *json, size_t length, const char *directory, char **option, char **message) {
  probe *stage = calloc(1, sizeof *stage);
  stage->options = malloc(length + 1);
  memcpy(stage->options, json, length);
  stage->options[length] = 0;
  stage->mode = strstr(stage->options, "\"upper\"") ? 1 : strstr(stage->options, "\"fail\"") ? 2 : strstr(stage->options, "\"drop\"") ? 3 : 0;
  return stage;
}

static int32_t process(void *instance, winnow_document *document) {
  probe *stage = instance;
  if (stage->mode == 2) return 7;
  if (stage->mode == 3) {
    document->drop_reason = strdup("probe_drop");
    document->drop_detail = strdup("dropped by c_probe");
    return 0;
  }
  if (stage->mode == 1) {
    document->text_out = malloc(document->text_length + 1);
    for (size_t i = 0; i < document->text_length; i++) {
      char c = document->text[i];
      document->text_out[i] = (c >= 'a' && c <= 'z') ? c - 32 : c;
    }
    document->text_out_length = document->text_length;
  }
  const char *prefix = "{\"probe_options\":";
  size_t size = strlen(prefix) + strlen(stage->options) + 2;
  document->fields_out = malloc(size);
  strcpy(document->fields_out, prefix);
  strcat(document->fields_out, stage->options);
  strcat(document->fields_out, "}");
  document->fields_out_length = strlen(document->fields_out);
  return 0;
}

static void destroy(void *instance) {
  probe *stage = instance;
  free(stage->options);
  free(stage);
}

uint32_t winnow_plugin_api_version(void) { return WINNOW_PLUGIN_API_VERSION; }

int32_t winnow_plugin_register(const winnow_host *host) {
  winnow_stage_type type = {
    .name = "c_probe", .summary = "test probe", .options = specs, .option_count = 2,
    .create = create, .process = process, .destroy = destroy,
  };
  return host->register_stage(host->context, &type);
}
