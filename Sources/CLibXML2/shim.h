#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, so encoding.h would include the system's ICU headers, and a
// Swift module that also sees Foundation's own copy of ICU fails to build ("UErrorCode has
// different definitions in different modules"). winnow never touches libxml2's ICU converter
// fields (only pointers to the handler struct), so the headers are read without them.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/parserInternals.h>
