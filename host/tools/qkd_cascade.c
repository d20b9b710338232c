/* qkd-cascade: reconciles Bob's bit file towards Alice's with the C reference
 * Cascade (both roles in one process, messages relayed in memory) and reports
 * errors, disclosed bits, round trips, efficiency and time. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qkd/clock.h"
#include "qkd/bits.h"
#include "qkd/cascade.h"
#include "qkd/cli.h"
#include "qkd/log.h"

static const char *const prog = "qkd-cascade";
#define DEFAULT_SEED 0x51D0C45CADE5EEDull

static void usage(void) {
  printf(
      "Usage: %s --alice FILE --bob FILE --bits N [--qber Q] [--seed S]\n"
      "                   [--output FILE] [--backend cpu] [--json]\n"
      "Reconciles Bob's frame towards Alice's with Cascade (docs/cascade.md).\n"
      "  --alice FILE    Alice's frame: raw bits, LSB first\n"
      "  --bob FILE      Bob's frame, same format\n"
      "  --bits N        frame length in bits (files may be longer)\n"
      "  --qber Q        QBER estimate in (0, 0.5) used to choose block sizes;\n"
      "                  when omitted, the true QBER measured from the two files is used\n"
      "  --seed S        permutation seed (default 0x%llx)\n"
      "  --output FILE   write Bob's corrected frame (mode 0600)\n"
      "  --backend NAME  only 'cpu' is available\n"
      "  --json          print one JSON object instead of a summary; efficiency is\n"
      "                  disclosed / (bits * h(qber_true)), null when qber_true = 0\n",
      prog, (unsigned long long)DEFAULT_SEED);
}

static double h2(double q) {
  if (q <= 0 || q >= 1) return 0;
  return -q * log2(q) - (1 - q) * log2(1 - q);
}

int main(int argc, char **argv) {
  qkd_log_set_handler(qkd_log_stderr, (void *)prog);
  static const struct option opts[] = {
      {"alice", required_argument, NULL, 'a'},   {"bob", required_argument, NULL, 'b'},
      {"bits", required_argument, NULL, 'n'},    {"qber", required_argument, NULL, 'q'},
      {"seed", required_argument, NULL, 's'},    {"output", required_argument, NULL, 'o'},
      {"backend", required_argument, NULL, 'B'}, {"json", no_argument, NULL, 'j'},
      {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
  const char *alice_path = NULL, *bob_path = NULL, *out_path = NULL, *backend = "cpu";
  uint64_t nbits = 0, seed = DEFAULT_SEED;
  double qest = -1;
  bool json = false, have_bits = false;
  opterr = 0;
  for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
    switch (c) {
      case 'a': alice_path = optarg; break;
      case 'b': bob_path = optarg; break;
      case 'n':
        if (!qkd_parse_u64(&nbits, optarg) || nbits == 0 || nbits > QKD_CASCADE_MAX_BITS)
          return qkd_cli_fail(prog, false, "--bits: '%s' is not a size in [1, %zu]", optarg,
                              (size_t)QKD_CASCADE_MAX_BITS);
        have_bits = true;
        break;
      case 'q':
        if (!qkd_parse_double(&qest, optarg) || !(qest > 0 && qest < 0.5))
          return qkd_cli_fail(prog, false, "--qber: '%s' is not a number in (0, 0.5)", optarg);
        break;
      case 's':
        if (!qkd_parse_u64(&seed, optarg))
          return qkd_cli_fail(prog, false, "--seed: '%s' is not an unsigned integer", optarg);
        break;
      case 'o': out_path = optarg; break;
      case 'B': backend = optarg; break;
      case 'j': json = true; break;
      case 'h': usage(); return 0;
      default:
        if (optopt)
          return qkd_cli_fail(prog, false, "option -%c is unknown or needs a value", optopt);
        return qkd_cli_fail(prog, false, "unknown option or missing value: '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return qkd_cli_fail(prog, false, "unexpected argument '%s'", argv[optind]);
  if (!alice_path || !bob_path || !have_bits)
    return qkd_cli_fail(prog, false, "--alice, --bob and --bits are required");
  if (strcmp(backend, "cpu") != 0)
    return qkd_cli_fail(prog, false, "backend '%s' not available (only 'cpu')", backend);

  int ret = 1;
  size_t n = (size_t)nbits, nbytes = qkd_bits_nbytes(n);
  uint8_t *alice = NULL, *bob = NULL;
  if (qkd_bits_read_file(&alice, alice_path, n) < 0) goto err_out; /* logged with the path */
  if (qkd_bits_read_file(&bob, bob_path, n) < 0) goto err_free;
  size_t errors_before = qkd_bits_hamming(alice, bob, n);
  double qtrue = (double)errors_before / (double)n;
  bool measured = qest < 0;
  double qused = measured ? qtrue : qest;
  struct qkd_cascade_params params;
  qkd_cascade_params_choose(&params, n, qused);
  struct qkd_cascade_stats st;
  double t0 = qkd_clock_seconds();
  enum qkd_err rc = qkd_cascade_reconcile_local(bob, alice, n, &params, seed, &st);
  double secs = qkd_clock_seconds() - t0;
  if (rc < 0) {
    qkd_cli_fail(prog, false, "reconciliation failed: %s", qkd_strerror(rc));
    goto err_free;
  }
  size_t errors_after = qkd_bits_hamming(alice, bob, n);
  if (out_path && qkd_file_write_atomic(out_path, bob, nbytes, 0600) < 0) goto err_free;
  double hq = h2(qtrue);
  if (json) {
    printf(
        "{\"bits\": %zu, \"errors_before\": %zu, \"errors_after\": %zu, "
        "\"disclosed_bits\": %llu, \"round_trips\": %llu, \"bits_flipped\": %llu, "
        "\"request_bytes\": %llu, \"reply_bytes\": %llu, ",
        n, errors_before, errors_after, (unsigned long long)st.disclosed_bits,
        (unsigned long long)st.round_trips, (unsigned long long)st.bits_flipped,
        (unsigned long long)st.request_bytes, (unsigned long long)st.reply_bytes);
    if (hq > 0)
      printf("\"efficiency\": %.6f, ", (double)st.disclosed_bits / ((double)n * hq));
    else
      printf("\"efficiency\": null, ");
    printf(
        "\"seconds\": %.6f, \"mbit_per_s\": %.3f, \"qber_true\": %.6f, \"qber_estimate\": %.6f, "
        "\"qber_estimate_source\": \"%s\", \"passes\": %u, \"block_bits\": [",
        secs, secs > 0 ? (double)n / secs / 1e6 : 0.0, qtrue, qused,
        measured ? "measured" : "given", params.passes);
    for (uint32_t p = 0; p < params.passes; p++)
      printf("%s%u", p ? ", " : "", params.block_bits[p]);
    printf("], \"seed\": %llu, \"backend\": \"cpu\", \"equal\": %s}\n", (unsigned long long)seed,
           errors_after == 0 ? "true" : "false");
  } else {
    printf("bits            %zu\n", n);
    printf("qber            true %.5f, estimate %.5f (%s)\n", qtrue, qused,
           measured ? "measured from the files" : "given");
    printf("passes          %u (k1 = %u, k2 = %u)\n", params.passes, params.block_bits[0],
           params.passes > 1 ? params.block_bits[1] : 0);
    printf("errors          %zu before, %zu after\n", errors_before, errors_after);
    printf("disclosed       %llu parity bits in %llu round trips\n",
           (unsigned long long)st.disclosed_bits, (unsigned long long)st.round_trips);
    if (hq > 0)
      printf("efficiency      %.4f\n", (double)st.disclosed_bits / ((double)n * hq));
    else
      printf("efficiency      n/a (no errors)\n");
    printf("time            %.6f s (%.1f Mbit/s)\n", secs, secs > 0 ? (double)n / secs / 1e6 : 0.0);
  }
  ret = errors_after == 0 ? 0 : 3;
  if (ret)
    fprintf(stderr, "%s: error: %zu errors remain after reconciliation\n", prog, errors_after);

err_free:
  qkd_free_secret(alice, nbytes);
  qkd_free_secret(bob, nbytes);
err_out:
  return ret;
}
