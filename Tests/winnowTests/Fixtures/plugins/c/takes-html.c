// A plugin written in C against winnow_plugin.h that registers a stage named like a built-in.
#include <stddef.h>
#include "winnow_plugin.h"

static void *create(void *context, const char *json, size_t length, const char *directory, char **option, char **message) {
  return (void *)1;
}
static int32_t process(void *stage, winnow_document *document) { return 0; }

uint32_t winnow_plugin_api_version(void) { return WINNOW_PLUGIN_API_VERSION; }

int32_t winnow_plugin_register(const winnow_host *host) {
  winnow_stage_type type = {.name = "html", .summary = "not the real one", .create = create, .process = process};
  return host->register_stage(host->context, &type);
}
