// The plugin interface is a header only; SwiftPM wants one source file in a C target.
#include "winnow_plugin.h"
