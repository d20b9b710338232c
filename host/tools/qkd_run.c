/* qkd-run: the whole pipeline, simulated BB84 link to final key, in one process. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qkd/clock.h"
#include "qkd/bb84sim.h"
#include "qkd/bits.h"
#include "qkd/cli.h"
#include "qkd/log.h"
#include "qkd/pipeline.h"

static const char *prog = "qkd-run";

static void usage(void) {
  printf(
      "Usage: qkd-run [OPTIONS]\n"
      "Simulates a decoy-state BB84 link and runs the whole post-processing on it:\n"
      "sifting, parameter estimation, Cascade, verification, finite-key length and\n"
      "Toeplitz privacy amplification, both nodes in one process exchanging only\n"
      "classical-channel messages. Prints a summary, or JSON with --json.\n\n"
      "  --distance-km D      fibre length in km (default 25)\n"
      "  --pulses N           pulses Alice sends (default 1e8)\n"
      "  --seed S             seed of the link simulation and of the protocol randomness (default 1)\n"
      "  --eve-fraction F     fraction of pulses an intercept-resend eavesdropper attacks (default 0)\n"
      "  --frame-bits N       Cascade frame size in bits, a multiple of 8 (default 131072)\n"
      "  --qber-threshold Q   abort when the QBER upper bound exceeds Q (default 0.11)\n"
      "  --out-dir DIR        write alice.events, bob.events, alice.key, bob.key (mode 0600)\n"
      "                       and result.json into DIR (created if missing)\n"
      "  --json               print the result as JSON on stdout\n"
      "  --quiet              no progress lines on stderr\n"
      "  --help               this text\n\n"
      "Exit status: 0 keys produced, 3 the protocol aborted (no key), 1 error, 2 usage.\n");
}

struct progress {
  bool quiet;
  int last;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total) {
  struct progress *p = ctx;
  int pct = total ? (int)(100.0 * (double)done / (double)total) : 100;
  if (p->quiet || pct / 10 == p->last / 10) return;
  p->last = pct;
  fprintf(stderr, "%s: simulating link: %d%% (%llu of %llu pulses)\n", prog, pct,
          (unsigned long long)done, (unsigned long long)total);
}

static void print_json(FILE *f, const struct qkd_sim_params *sp, const struct qkd_sim_expect *ex,
                       const struct qkd_run_result *r, double sim_seconds) {
  fprintf(f, "{\n");
  fprintf(f, "  \"distance_km\": %g,\n  \"pulses\": %llu,\n  \"seed\": %llu,\n", sp->distance_km,
          (unsigned long long)sp->pulses, (unsigned long long)sp->seed);
  fprintf(f, "  \"eve_fraction\": %g,\n  \"detections\": %llu,\n", sp->eve_fraction,
          (unsigned long long)r->detections);
  fprintf(f, "  \"expected_gain\": %.6g,\n  \"expected_qber\": %.6g,\n", ex->gain_total,
          ex->qber_total);
  fprintf(f, "  \"sifted_bits\": %llu,\n  \"sifted_test_bits\": %llu,\n",
          (unsigned long long)r->sifted_key_bits, (unsigned long long)r->sifted_test_bits);
  fprintf(f, "  \"qber\": %.6g,\n  \"qber_upper\": %.6g,\n  \"qber_key\": %.6g,\n", r->qber.qber,
          r->qber.qber_upper, r->qber_key);
  fprintf(f, "  \"frames\": %llu,\n  \"frames_verified\": %llu,\n  \"frames_discarded\": %llu,\n",
          (unsigned long long)r->frames, (unsigned long long)r->frames_verified,
          (unsigned long long)r->frames_discarded);
  fprintf(f, "  \"reconciled_bits\": %llu,\n  \"errors_corrected\": %llu,\n",
          (unsigned long long)r->reconciled_bits, (unsigned long long)r->errors_corrected);
  fprintf(f, "  \"disclosed_bits\": %llu,\n  \"verify_bits\": %llu,\n  \"round_trips\": %llu,\n",
          (unsigned long long)r->disclosed_bits, (unsigned long long)r->verify_bits,
          (unsigned long long)r->round_trips);
  fprintf(f, "  \"efficiency\": %.6g,\n", r->efficiency);
  fprintf(f, "  \"single_photon_bits\": %.6g,\n  \"phase_error_bound\": %.6g,\n",
          r->keylen.s_key1, r->keylen.phase_error);
  fprintf(f, "  \"final_bits\": %llu,\n  \"secret_key_rate\": %.6g,\n",
          (unsigned long long)r->final_bits,
          sp->pulses ? (double)r->final_bits / (double)sp->pulses : 0.0);
  fprintf(f, "  \"keys_equal\": %s,\n  \"aborted\": %s,\n", r->keys_equal ? "true" : "false",
          r->aborted ? "true" : "false");
  fprintf(f, "  \"abort_reason\": ");
  if (r->aborted) {
    fputc('"', f);
    for (const char *c = r->abort_reason; *c; c++) {
      if (*c == '"' || *c == '\\') fputc('\\', f);
      fputc(*c, f);
    }
    fprintf(f, "\",\n");
  } else {
    fprintf(f, "null,\n");
  }
  fprintf(f, "  \"classical_bytes_alice_to_bob\": %llu,\n  \"classical_bytes_bob_to_alice\": %llu,\n",
          (unsigned long long)r->bytes_alice_to_bob, (unsigned long long)r->bytes_bob_to_alice);
  fprintf(f,
          "  \"seconds\": {\"simulate\": %.6f, \"sift\": %.6f, \"estimate\": %.6f, "
          "\"cascade\": %.6f, \"verify\": %.6f, \"pa\": %.6f}\n}\n",
          sim_seconds, r->seconds_sift, r->seconds_estimate, r->seconds_cascade,
          r->seconds_verify, r->seconds_pa);
}

static void print_summary(const struct qkd_sim_params *sp, const struct qkd_sim_expect *ex,
                          const struct qkd_run_result *r, double sim_seconds) {
  printf("qkd-run: %.1f km, %.3g pulses, seed %llu, Eve on %.0f%% of pulses\n", sp->distance_km,
         (double)sp->pulses, (unsigned long long)sp->seed, 100 * sp->eve_fraction);
  printf("  link            %llu detections, gain %.3e (expected %.3e), %.2f s\n",
         (unsigned long long)r->detections, sp->pulses ? (double)r->detections / (double)sp->pulses : 0.0,
         ex->gain_total, sim_seconds);
  printf("  sifting         %llu key-basis bits, %llu test-basis bits\n",
         (unsigned long long)r->sifted_key_bits, (unsigned long long)r->sifted_test_bits);
  printf("  estimation      QBER %.2f%% (expected %.2f%%), upper bound %.2f%%\n", 100 * r->qber.qber,
         100 * ex->qber_total, 100 * r->qber.qber_upper);
  if (r->frames) {
    printf("  reconciliation  %llu frames, %llu errors corrected, %llu bits disclosed, f = %.3f, %llu round trips\n",
           (unsigned long long)r->frames, (unsigned long long)r->errors_corrected,
           (unsigned long long)r->disclosed_bits, r->efficiency, (unsigned long long)r->round_trips);
    printf("  verification    %llu of %llu frames verified\n", (unsigned long long)r->frames_verified,
           (unsigned long long)r->frames);
  }
  if (r->keylen.s_key1 > 0)
    printf("  key length      single-photon bits >= %.0f, phase error <= %.2f%%\n", r->keylen.s_key1,
           100 * r->keylen.phase_error);
  if (r->aborted) {
    printf("  ABORTED         %s; no key produced\n", r->abort_reason);
    return;
  }
  printf("  privacy amp.    %llu -> %llu bits (Toeplitz)\n", (unsigned long long)r->reconciled_bits,
         (unsigned long long)r->final_bits);
  printf("  final key       %llu bits on each side, keys equal: %s, %.3e bits/pulse\n",
         (unsigned long long)r->final_bits, r->keys_equal ? "yes" : "NO",
         (double)r->final_bits / (double)sp->pulses);
  printf("  classical chan. %llu bytes Alice->Bob, %llu bytes Bob->Alice\n",
         (unsigned long long)r->bytes_alice_to_bob, (unsigned long long)r->bytes_bob_to_alice);
}

static int write_outputs(const char *dir, const struct qkd_alice_events *a,
                         const struct qkd_bob_events *b, const struct qkd_run_result *r,
                         const char *json, size_t json_len) {
  char path[4096];
  if (mkdir(dir, 0700) < 0 && errno != EEXIST)
    return qkd_cli_fail(prog, false, "cannot create %s: %s", dir, strerror(errno));
#define OUT(name) (snprintf(path, sizeof(path), "%s/%s", dir, name), path)
  if (qkd_alice_events_write(OUT("alice.events"), a) < 0 ||
      qkd_bob_events_write(OUT("bob.events"), b) < 0)
    return qkd_cli_fail(prog, false, "cannot write event files into %s", dir);
  if (r->final_bits &&
      (qkd_file_write_atomic(OUT("alice.key"), r->alice_key, qkd_bits_nbytes(r->final_bits), 0600) < 0 ||
       qkd_file_write_atomic(OUT("bob.key"), r->bob_key, qkd_bits_nbytes(r->final_bits), 0600) < 0))
    return qkd_cli_fail(prog, false, "cannot write key files into %s", dir);
  if (qkd_file_write_atomic(OUT("result.json"), (const uint8_t *)json, json_len, 0644) < 0)
    return qkd_cli_fail(prog, false, "cannot write %s/result.json", dir);
#undef OUT
  return 0;
}

int main(int argc, char **argv) {
  qkd_log_set_handler(qkd_log_stderr, (void *)prog);
  struct qkd_sim_params sp;
  qkd_sim_params_default(&sp);
  sp.pulses = 100000000;
  sp.seed = 1;
  struct qkd_run_config cfg;
  qkd_run_config_default(&cfg);
  const char *out_dir = NULL;
  bool json = false;
  struct progress prog_state = {false, -10};

  enum { O_DIST = 1, O_PULSES, O_SEED, O_EVE, O_FRAME, O_THRESH, O_OUT, O_JSON, O_QUIET, O_HELP };
  static const struct option opts[] = {
      {"distance-km", required_argument, NULL, O_DIST}, {"pulses", required_argument, NULL, O_PULSES},
      {"seed", required_argument, NULL, O_SEED},       {"eve-fraction", required_argument, NULL, O_EVE},
      {"frame-bits", required_argument, NULL, O_FRAME}, {"qber-threshold", required_argument, NULL, O_THRESH},
      {"out-dir", required_argument, NULL, O_OUT},     {"json", no_argument, NULL, O_JSON},
      {"quiet", no_argument, NULL, O_QUIET},           {"help", no_argument, NULL, O_HELP},
      {NULL, 0, NULL, 0}};
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    uint64_t u;
    switch (c) {
      case O_DIST:
        if (!qkd_parse_double(&sp.distance_km, optarg) || sp.distance_km < 0)
          return qkd_cli_fail(prog, true, "--distance-km needs a non-negative number, not '%s'", optarg);
        break;
      case O_PULSES:
        if (!qkd_parse_u64(&sp.pulses, optarg) || sp.pulses == 0)
          return qkd_cli_fail(prog, true, "--pulses needs a positive integer, not '%s'", optarg);
        break;
      case O_SEED:
        if (!qkd_parse_u64(&sp.seed, optarg))
          return qkd_cli_fail(prog, true, "--seed needs an unsigned integer, not '%s'", optarg);
        break;
      case O_EVE:
        if (!qkd_parse_double(&sp.eve_fraction, optarg) || sp.eve_fraction < 0 || sp.eve_fraction > 1)
          return qkd_cli_fail(prog, true, "--eve-fraction needs a number in [0, 1], not '%s'", optarg);
        break;
      case O_FRAME:
        if (!qkd_parse_u64(&u, optarg) || u < 64 || u % 8 || u > ((uint64_t)1 << 30))
          return qkd_cli_fail(prog, true, "--frame-bits needs a multiple of 8 in [64, 2^30], not '%s'", optarg);
        cfg.frame_bits = (size_t)u;
        if (cfg.min_frame_bits > cfg.frame_bits) cfg.min_frame_bits = cfg.frame_bits;
        break;
      case O_THRESH:
        if (!qkd_parse_double(&cfg.qber_threshold, optarg) || cfg.qber_threshold <= 0 ||
            cfg.qber_threshold >= 0.5)
          return qkd_cli_fail(prog, true, "--qber-threshold needs a number in (0, 0.5), not '%s'", optarg);
        break;
      case O_OUT: out_dir = optarg; break;
      case O_JSON: json = true; break;
      case O_QUIET: prog_state.quiet = true; break;
      case O_HELP: usage(); return 0;
      case ':': return qkd_cli_fail(prog, true, "option '%s' needs a value", argv[optind - 1]);
      default: return qkd_cli_fail(prog, true, "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return qkd_cli_fail(prog, true, "unexpected argument '%s'", argv[optind]);
  if (qkd_sim_params_check(&sp) < 0) return qkd_cli_fail(prog, true, "invalid link parameters");
  memcpy(cfg.mu, sp.mu, sizeof(cfg.mu));
  memcpy(cfg.p_mu, sp.p_mu, sizeof(cfg.p_mu));
  cfg.seed = sp.seed ^ 0x5eed5eed5eed5eedULL; /* protocol randomness apart from the link's */

  struct qkd_sim_expect ex;
  qkd_sim_expected(&ex, &sp);
  struct qkd_alice_events alice;
  struct qkd_bob_events bob;
  memset(&alice, 0, sizeof(alice));
  memset(&bob, 0, sizeof(bob));
  double t = qkd_clock_seconds();
  enum qkd_err rc = qkd_sim_run(&alice, &bob, &sp, on_progress, &prog_state);
  double sim_seconds = qkd_clock_seconds() - t;
  if (rc < 0) return qkd_cli_fail(prog, false, "link simulation failed: %s", qkd_strerror(rc));

  struct qkd_run_result res;
  rc = qkd_pipeline_run(&res, &cfg, &alice, &bob);
  int status = 0;
  if (rc < 0 && rc != QKD_ERR_ABORT) {
    status = qkd_cli_fail(prog, false, "post-processing failed: %s", qkd_strerror(rc));
    goto out;
  }
  char *js = NULL;
  size_t js_len = 0;
  FILE *mf = open_memstream(&js, &js_len);
  if (!mf) {
    status = qkd_cli_fail(prog, false, "out of memory");
    goto out;
  }
  print_json(mf, &sp, &ex, &res, sim_seconds);
  fclose(mf);
  if (json) fwrite(js, 1, js_len, stdout);
  else print_summary(&sp, &ex, &res, sim_seconds);
  if (out_dir) status = write_outputs(out_dir, &alice, &bob, &res, js, js_len);
  free(js);
  if (!status && res.aborted) status = 3;
  if (!status && !res.keys_equal) status = qkd_cli_fail(prog, false, "final keys differ");

out:
  qkd_run_result_cleanup(&res);
  qkd_alice_events_cleanup(&alice);
  qkd_bob_events_cleanup(&bob);
  return status;
}
