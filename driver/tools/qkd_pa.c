/* qkd_pa.c: qkd-pa, Toeplitz privacy amplification of a bit file.
 *
 *   qkd-pa --input FILE --input-bits N --seed FILE --output-bits M --output FILE
 *          [--backend cpu] [--algorithm direct|fast]
 *
 * Files are raw LSB-first bit strings (docs/design.md section 3). The output
 * is key: it is written atomically with mode 0600 and every buffer that held
 * key material is wiped. Every error is one "qkd-pa: error: ..." line on stderr
 * and a non-zero exit (2 for usage errors, 1 otherwise). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qkd/bits.h"
#include "qkd/cli.h"
#include "qkd/log.h"
#include "qkd/toeplitz.h"

static const char PROG[] = "qkd-pa";
static int logged_errors;

/* log_handler forwards to qkd_log_stderr and counts errors, so that a failure
 * the library already reported is not reported twice. */
static void log_handler(void *ctx, enum qkd_log_level level, const char *module, const char *msg) {
  if (level == QKD_LOG_ERROR) logged_errors++;
  qkd_log_stderr(ctx, level, module, msg);
}

static void usage(FILE *f) {
  fprintf(f,
          "Usage: %s --input FILE --input-bits N --seed FILE --output-bits M --output FILE\n"
          "              [--backend cpu] [--algorithm direct|fast]\n"
          "Toeplitz-hash the N-bit key in --input under the (N+M-1)-bit seed in --seed and\n"
          "write the M-bit result to --output (mode 0600). Files are raw bit strings, bit k\n"
          "in byte k/8 at position k%%8; longer input and seed files are accepted.\n"
          "  --input FILE        N-bit input (reconciled key)\n"
          "  --input-bits N      input size in bits, 1 <= N <= %zu\n"
          "  --seed FILE         seed of at least N+M-1 bits\n"
          "  --output-bits M     output size in bits, 1 <= M <= N\n"
          "  --output FILE       where to write the M-bit hash\n"
          "  --backend NAME      cpu (default); other backends are not available yet\n"
          "  --algorithm NAME    fast (default, clmul Karatsuba) or direct (RTL model)\n"
          "  --help              show this text\n",
          PROG, (size_t)QKD_TOEPLITZ_MAX_BITS);
}

/* fail_unlogged prints the error line unless the library already logged one. */
static int fail_unlogged(const char *what, enum qkd_err rc) {
  if (logged_errors == 0) qkd_cli_fail(PROG, false, "%s: %s", what, qkd_strerror(rc));
  return 1;
}

int main(int argc, char **argv) {
  enum {
    OPT_INPUT = 256,
    OPT_INPUT_BITS,
    OPT_SEED,
    OPT_OUTPUT_BITS,
    OPT_OUTPUT,
    OPT_BACKEND,
    OPT_ALGORITHM,
    OPT_HELP
  };
  static const struct option opts[] = {
      {"input", required_argument, NULL, OPT_INPUT},
      {"input-bits", required_argument, NULL, OPT_INPUT_BITS},
      {"seed", required_argument, NULL, OPT_SEED},
      {"output-bits", required_argument, NULL, OPT_OUTPUT_BITS},
      {"output", required_argument, NULL, OPT_OUTPUT},
      {"backend", required_argument, NULL, OPT_BACKEND},
      {"algorithm", required_argument, NULL, OPT_ALGORITHM},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  const char *input = NULL, *seed_path = NULL, *output = NULL, *backend = "cpu";
  uint64_t n = 0, m = 0;
  bool have_n = false, have_m = false;
  enum qkd_toeplitz_algo algo = QKD_TOEPLITZ_FAST;

  qkd_log_set_handler(log_handler, (void *)PROG);
  opterr = 0; /* getopt's own messages would not follow the one-line format */
  int c;
  while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (c) {
      case OPT_INPUT: input = optarg; break;
      case OPT_SEED: seed_path = optarg; break;
      case OPT_OUTPUT: output = optarg; break;
      case OPT_BACKEND: backend = optarg; break;
      case OPT_INPUT_BITS:
        if (!qkd_parse_u64(&n, optarg)) {
          qkd_cli_fail(PROG, false, "--input-bits: malformed number '%s'", optarg);
          return 2;
        }
        have_n = true;
        break;
      case OPT_OUTPUT_BITS:
        if (!qkd_parse_u64(&m, optarg)) {
          qkd_cli_fail(PROG, false, "--output-bits: malformed number '%s'", optarg);
          return 2;
        }
        have_m = true;
        break;
      case OPT_ALGORITHM:
        if (strcmp(optarg, "fast") == 0) {
          algo = QKD_TOEPLITZ_FAST;
        } else if (strcmp(optarg, "direct") == 0) {
          algo = QKD_TOEPLITZ_DIRECT;
        } else {
          qkd_cli_fail(PROG, false, "--algorithm: unknown algorithm '%s' (direct or fast)", optarg);
          return 2;
        }
        break;
      case OPT_HELP: usage(stdout); return 0;
      case ':': qkd_cli_fail(PROG, false, "option '%s' needs a value", argv[optind - 1]); return 2;
      default: qkd_cli_fail(PROG, false, "unknown option '%s'", argv[optind - 1]); return 2;
    }
  }
  if (optind < argc) {
    qkd_cli_fail(PROG, false, "unexpected argument '%s'", argv[optind]);
    return 2;
  }
  if (!input || !have_n || !seed_path || !have_m || !output) {
    qkd_cli_fail(PROG, false, "missing required option %s",
                 !input       ? "--input"
                 : !have_n    ? "--input-bits"
                 : !seed_path ? "--seed"
                 : !have_m    ? "--output-bits"
                              : "--output");
    return 2;
  }
  if (strcmp(backend, "cpu") != 0) {
    qkd_cli_fail(PROG, false, "backend not available: '%s' (only 'cpu' is built)", backend);
    return 2;
  }
  if (n == 0 || m == 0) {
    qkd_cli_fail(PROG, false, "--input-bits and --output-bits must be at least 1");
    return 2;
  }
  if (n > QKD_TOEPLITZ_MAX_BITS) {
    qkd_cli_fail(PROG, false, "--input-bits %llu is above the limit %zu", (unsigned long long)n,
                 (size_t)QKD_TOEPLITZ_MAX_BITS);
    return 2;
  }
  if (m > n) {
    qkd_cli_fail(PROG, false, "--output-bits %llu is larger than --input-bits %llu",
                 (unsigned long long)m, (unsigned long long)n);
    return 2;
  }

  int ret = 1;
  enum qkd_err rc;
  uint8_t *x = NULL, *s = NULL, *y = NULL;
  size_t ybytes = qkd_bits_nbytes((size_t)m);
  rc = qkd_bits_read_file(&x, input, (size_t)n);
  if (rc < 0) {
    ret = fail_unlogged(input, rc);
    goto out;
  }
  rc = qkd_bits_read_file(&s, seed_path, (size_t)(n + m - 1));
  if (rc < 0) {
    ret = fail_unlogged(seed_path, rc);
    goto err_free_x;
  }
  y = calloc(ybytes, 1);
  if (!y) {
    ret = fail_unlogged("output buffer", QKD_ERR_NOMEM);
    goto err_free_s;
  }
  rc = qkd_toeplitz_hash(y, (size_t)m, x, (size_t)n, s, algo);
  if (rc < 0) {
    ret = fail_unlogged("toeplitz hash", rc);
    goto err_free_y;
  }
  rc = qkd_file_write_atomic(output, y, ybytes, 0600);
  if (rc < 0) {
    ret = fail_unlogged(output, rc);
    goto err_free_y;
  }
  ret = 0;
err_free_y:
  qkd_free_secret(y, ybytes);
err_free_s:
  qkd_free_secret(s, qkd_bits_nbytes((size_t)(n + m - 1)));
err_free_x:
  qkd_free_secret(x, qkd_bits_nbytes((size_t)n));
out:
  return ret;
}
