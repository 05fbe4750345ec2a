/* The limit winnow's html stage cannot beat on this machine: libxml2's own HTML parser over
 * the same pages, with the options winnow uses and no callbacks (no tree, no text), one core.
 *
 *   libxml2_parse BLOB INDEX   (BLOB: the pages' UTF-8 one after another; INDEX: one byte
 *                               length per line)
 * Prints "pages bytes seconds" (seconds inside the parser only). Built by stage_limits.py. */
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: libxml2_parse BLOB INDEX\n"); return 2; }
  FILE *blob = fopen(argv[1], "rb"), *index = fopen(argv[2], "r");
  if (!blob || !index) { perror("open"); return 2; }
  fseek(blob, 0, SEEK_END);
  long size = ftell(blob);
  fseek(blob, 0, SEEK_SET);
  char *data = malloc(size > 0 ? size : 1);
  if (fread(data, 1, size, blob) != (size_t)size) { perror("read"); return 2; }
  htmlSAXHandler sax;
  memset(&sax, 0, sizeof sax);
  int options = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER;
  long offset = 0, pages = 0, length;
  double seconds = 0;
  while (fscanf(index, "%ld", &length) == 1) {
    if (offset + length > size) break;
    double start = now();
    htmlParserCtxtPtr context = htmlCreateMemoryParserCtxt(data + offset, (int)length);
    if (context) {
      memcpy(context->sax, &sax, sizeof sax);
      /* The pages are UTF-8 already, as winnow's html stage reads them: a <meta charset>
       * must not switch the parser to another charset. */
      xmlSwitchEncoding(context, XML_CHAR_ENCODING_UTF8);
      htmlCtxtUseOptions(context, options);
      htmlParseDocument(context);
      if (context->myDoc) xmlFreeDoc(context->myDoc);
      htmlFreeParserCtxt(context);
    }
    seconds += now() - start;
    offset += length;
    pages++;
  }
  printf("%ld %ld %.6f\n", pages, offset, seconds);
  return 0;
}
