/*
 * winnow_plugin.h — the C interface between winnow and a stage plugin library.
 *
 * A plugin is a shared library that exports two functions:
 *
 *   uint32_t winnow_plugin_api_version(void);
 *       returns WINNOW_PLUGIN_API_VERSION as the plugin was built against it; winnow
 *       refuses a library whose version differs from its own, before calling anything else.
 *
 *   int32_t winnow_plugin_register(const winnow_host *host);
 *       calls host->register_stage once per stage type; returns 0, or nonzero to fail the
 *       load (set the message with host->fail first).
 *
 * Swift plugins do not use this header directly: the WinnowPluginAPI module wraps it
 * (docs/PLUGINS.md). Everything crossing the boundary is C: no Swift type is shared, so a
 * plugin depends on this interface only, not on how winnow itself was compiled.
 */
#ifndef WINNOW_PLUGIN_H
#define WINNOW_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WINNOW_PLUGIN_API_VERSION 1u

/* Option types: how winnow checks a value before the plugin sees it. */
enum {
  WINNOW_OPTION_BOOL = 0,        /* true | false */
  WINNOW_OPTION_INT = 1,         /* whole number in [int_min, int_max] */
  WINNOW_OPTION_DOUBLE = 2,      /* number in [double_min, double_max] */
  WINNOW_OPTION_STRING = 3,      /* non-empty string */
  WINNOW_OPTION_CHOICE = 4,      /* one of `choices` ('|'-separated words) */
  WINNOW_OPTION_STRING_LIST = 5, /* list of strings */
  WINNOW_OPTION_PATH = 6,        /* path; winnow resolves it against the pipeline file */
};

typedef struct winnow_option_spec {
  const char *name;         /* snake_case, as written in YAML */
  int32_t type;             /* WINNOW_OPTION_* */
  int64_t int_min, int_max;
  double double_min, double_max;
  const char *choices;      /* WINNOW_OPTION_CHOICE only */
  const char *default_json; /* the default as JSON: true, 3, 0.5, "word", ["a","b"] */
  const char *summary;      /* one line for `winnow stages` */
} winnow_option_spec;

/*
 * One document. winnow fills the inputs (valid while `process` runs); the plugin may set the
 * outputs with memory from malloc, which winnow frees.
 */
typedef struct winnow_document {
  const char *id;
  size_t id_length;
  const char *text; /* UTF-8, NFC once `normalize` has run */
  size_t text_length;
  const char *meta_json; /* {"title":…,"published":…,"authors":[…],"outlet":…,"url":…,"lang":…,
                            other fields of the input record}: only the fields that are set */
  size_t meta_json_length;

  char *text_out;         /* new text, or NULL to leave it */
  size_t text_out_length;
  char *fields_out;       /* a JSON object of fields to set (null removes one), or NULL */
  size_t fields_out_length;
  char *drop_reason;      /* NUL-terminated snake_case reason: the document is dropped */
  char *drop_detail;      /* NUL-terminated, optional */
} winnow_document;

typedef struct winnow_stage_type {
  const char *name;    /* the stage's name in pipelines: `- name: {…}` */
  const char *summary; /* one line for `winnow stages` */
  const winnow_option_spec *options;
  int32_t option_count;
  void *context; /* passed back to create */
  /*
   * Makes a stage from its options: a JSON object with every declared option, defaults
   * filled in, each checked against its spec. `base_directory` is the pipeline file's
   * directory. On a value the plugin refuses, return NULL and set *error_option (the
   * option's name, or NULL for the stage as a whole) and *error_message, both from malloc.
   */
  void *(*create)(void *context, const char *options_json, size_t options_json_length,
                  const char *base_directory, char **error_option, char **error_message);
  /*
   * Processes one document; called from several threads at once (one document each).
   * Returns 0 when done (dropped or not: see drop_reason), nonzero on a failure of the
   * plugin itself, which drops the document with reason "plugin_error".
   */
  int32_t (*process)(void *stage, winnow_document *document);
  /* Frees what create made; winnow calls it when the pipeline is discarded. */
  void (*destroy)(void *stage);
} winnow_stage_type;

typedef struct winnow_host {
  uint32_t api_version; /* the host's WINNOW_PLUGIN_API_VERSION */
  void *context;
  /* Registers a stage type (copied: it may be freed after the call). Returns 0, or
     nonzero when the name is taken or the spec is invalid (the reason goes to the user). */
  int32_t (*register_stage)(void *context, const winnow_stage_type *type);
  /* Sets the message winnow shows when winnow_plugin_register fails. */
  void (*fail)(void *context, const char *message);
} winnow_host;

typedef uint32_t (*winnow_plugin_api_version_fn)(void);
typedef int32_t (*winnow_plugin_register_fn)(const winnow_host *host);

#ifdef __cplusplus
}
#endif

#endif
