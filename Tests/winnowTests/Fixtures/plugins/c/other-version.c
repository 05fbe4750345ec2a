// A plugin built against a plugin API version this winnow does not speak.
#include <stdint.h>
uint32_t winnow_plugin_api_version(void) { return 99; }
int32_t winnow_plugin_register(const void *host) { return 0; }
