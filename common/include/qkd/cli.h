/* cli.h: strict argument parsing shared by the command-line tools.
 *
 * Every tool rejects bad input with one line on stderr and a non-zero exit;
 * these parsers refuse trailing garbage, signs where none belong and overflow
 * instead of silently truncating. */
#ifndef QKD_CLI_H
#define QKD_CLI_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* qkd_parse_u64 parses a decimal (or 0x hex) unsigned integer, optionally written
 * in scientific form with an integral value ("1e8"), into |*out|. Returns false on
 * any malformed or out-of-range text, leaving |*out| untouched. */
bool qkd_parse_u64(uint64_t *out, const char *text);

/* qkd_parse_double parses a finite decimal number into |*out|. Returns false on
 * malformed text, NaN or infinity, leaving |*out| untouched. */
bool qkd_parse_double(double *out, const char *text);

/* qkd_cli_fail prints one line, "<prog>: error: <message>", to stderr (usage
 * errors end with " (see <prog> --help)") and returns 1, or 2 for usage errors,
 * for use as `return qkd_cli_fail(...)` from main. */
int qkd_cli_fail(const char *prog, bool usage, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif

#endif /* QKD_CLI_H */
