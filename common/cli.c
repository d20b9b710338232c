#include "qkd/cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

bool qkd_parse_u64(uint64_t *out, const char *text) {
  if (!text || !*text || *text == '-' || *text == '+' || *text == ' ') return false;
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 0);
  if (errno == 0 && end != text && *end == '\0') {
    *out = (uint64_t)v;
    return true;
  }
  /* Scientific notation such as 1e8 or 2.5e6, accepted when the value is integral. */
  double d;
  if (!qkd_parse_double(&d, text) || d < 0 || d >= 18446744073709551616.0 || d != floor(d))
    return false;
  *out = (uint64_t)d;
  return true;
}

bool qkd_parse_double(double *out, const char *text) {
  if (!text || !*text || *text == ' ') return false;
  char *end = NULL;
  errno = 0;
  double v = strtod(text, &end);
  if (errno != 0 || end == text || *end != '\0' || !isfinite(v)) return false;
  *out = v;
  return true;
}

int qkd_cli_fail(const char *prog, bool usage, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s: error: ", prog);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  if (usage) fprintf(stderr, " (see %s --help)", prog);
  fputc('\n', stderr);
  return usage ? 2 : 1;
}
