/* qkd-sim: simulate a BB84 decoy-state link and write Alice's and Bob's event files.
 *
 * Prints the analytic gain and QBER per intensity class next to the measured
 * ones, as a readable table or (--json) one JSON object on stdout. Progress goes
 * to stderr. Bad input gives one error line and a non-zero exit. */
#include <getopt.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qkd/bb84sim.h"
#include "qkd/cli.h"
#include "qkd/clock.h"
#include "qkd/log.h"

static const char *const PROG = "qkd-sim";

static void usage(FILE *out) {
  fprintf(out,
          "Usage: qkd-sim [OPTIONS] --alice FILE --bob FILE\n"
          "Simulate a BB84 link with weak coherent pulses and three-intensity decoy states,\n"
          "write Alice's settings and Bob's detections, and compare the measured gain and\n"
          "QBER per intensity with the analytic model (docs/simulator.md).\n"
          "\n"
          "  --pulses N          pulses to send (default 1e8)\n"
          "  --seed N            64-bit seed; the run is a function of it (default 1)\n"
          "  --distance-km D     fibre length in km (default 25)\n"
          "  --fiber-loss A      fibre loss in dB/km (default 0.2)\n"
          "  --det-eff E         detector efficiency in [0,1] (default 0.25)\n"
          "  --dark-count P      dark-count probability per detector per pulse (default 6e-7)\n"
          "  --misalignment E    optical misalignment error in [0,0.5] (default 0.005)\n"
          "  --mu a,b,c          signal, decoy, vacuum mean photon numbers (default 0.5,0.1,0.0002)\n"
          "  --p-mu a,b,c        probabilities of the three intensities (default 0.7,0.2,0.1)\n"
          "  --p-key-basis P     probability of the Z (key) basis (default 0.85)\n"
          "  --eve-fraction F    fraction of pulses Eve intercepts and resends (default 0)\n"
          "  --alice FILE        Alice's event file to write (QKDA, mode 0600)\n"
          "  --bob FILE          Bob's event file to write (QKDB, mode 0600)\n"
          "  --dry-run           simulate and report, write no files\n"
          "  --json              print the report as one JSON object\n"
          "  --quiet             no progress lines on stderr\n"
          "  --help              show this help\n");
}

/* parse_triple parses "a,b,c" into three finite doubles. */
static bool parse_triple(double out[3], const char *text) {
  char buf[256];
  if (strlen(text) >= sizeof(buf)) return false;
  strcpy(buf, text);
  double v[3];
  char *p = buf;
  for (int i = 0; i < 3; i++) {
    char *comma = strchr(p, ',');
    if ((i < 2) != (comma != NULL)) return false;
    if (comma) *comma = '\0';
    if (!qkd_parse_double(&v[i], p)) return false;
    p = comma ? comma + 1 : p;
  }
  memcpy(out, v, sizeof(v));
  return true;
}

/* check_writable fails early, before a long run, when |path| cannot be created. */
static bool check_writable(const char *path, const char *flag) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    qkd_cli_fail(PROG, false, "%s %s: is a directory", flag, path);
    return false;
  }
  char *copy = strdup(path);
  if (!copy) {
    qkd_cli_fail(PROG, false, "out of memory");
    return false;
  }
  const char *dir = dirname(copy);
  bool ok = access(dir, W_OK | X_OK) == 0;
  if (!ok) qkd_cli_fail(PROG, false, "%s %s: folder %s is not writable", flag, path, dir);
  free(copy);
  return ok;
}

struct progress_state {
  bool on;
  int last_pct;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total) {
  struct progress_state *ps = ctx;
  if (!ps->on) return;
  int pct = (int)(100.0 * (double)done / (double)total);
  if (pct / 10 == ps->last_pct / 10 && done != total) return;
  ps->last_pct = pct;
  fprintf(stderr, "%s: simulated %llu of %llu pulses (%d%%)\n", PROG, (unsigned long long)done,
          (unsigned long long)total, pct);
}

static void json_triple_d(const char *name, const double v[3], bool comma) {
  printf("\"%s\":[%.9g,%.9g,%.9g]%s", name, v[0], v[1], v[2], comma ? "," : "");
}

static void json_triple_u(const char *name, const uint64_t v[3], bool comma) {
  printf("\"%s\":[%llu,%llu,%llu]%s", name, (unsigned long long)v[0], (unsigned long long)v[1],
         (unsigned long long)v[2], comma ? "," : "");
}

/* json_string prints |s| as a JSON string (paths may hold quotes or backslashes). */
static void json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      printf("\\%c", c);
    else if (c < 0x20)
      printf("\\u%04x", c);
    else
      putchar(c);
  }
  putchar('"');
}

static void report_json(const struct qkd_sim_params *p, const struct qkd_sim_expect *ex,
                        const struct qkd_sim_measured *m, double secs, const char *alice,
                        const char *bob) {
  printf("{\"params\":{\"pulses\":%llu,\"seed\":%llu,\"distance_km\":%.9g,"
         "\"fiber_loss_db_per_km\":%.9g,\"det_eff\":%.9g,\"dark_count\":%.9g,"
         "\"misalignment\":%.9g,",
         (unsigned long long)p->pulses, (unsigned long long)p->seed, p->distance_km,
         p->fiber_loss_db_per_km, p->det_eff, p->dark_count, p->misalignment);
  json_triple_d("mu", p->mu, true);
  json_triple_d("p_mu", p->p_mu, true);
  printf("\"p_key_basis\":%.9g,\"eve_fraction\":%.9g},", p->p_key_basis, p->eve_fraction);
  printf("\"expected\":{");
  json_triple_d("gain", ex->gain, true);
  json_triple_d("qber", ex->qber, true);
  printf("\"gain_total\":%.9g,\"qber_total\":%.9g},", ex->gain_total, ex->qber_total);
  printf("\"measured\":{");
  json_triple_u("pulses", m->pulses, true);
  json_triple_u("detections", m->detections, true);
  json_triple_u("sifted", m->sifted, true);
  json_triple_u("errors", m->errors, true);
  json_triple_d("gain", m->gain, true);
  json_triple_d("qber", m->qber, true);
  printf("\"detections_total\":%llu,\"sifted_total\":%llu,\"errors_total\":%llu,"
         "\"gain_total\":%.9g,\"qber_total\":%.9g},",
         (unsigned long long)m->detections_total, (unsigned long long)m->sifted_total,
         (unsigned long long)m->errors_total, m->gain_total, m->qber_total);
  printf("\"seconds\":%.6f,\"pulses_per_second\":%.6g,\"alice\":", secs,
         secs > 0 ? (double)p->pulses / secs : 0.0);
  if (alice)
    json_string(alice);
  else
    printf("null");
  printf(",\"bob\":");
  if (bob)
    json_string(bob);
  else
    printf("null");
  printf("}\n");
}

static void report_text(const struct qkd_sim_params *p, const struct qkd_sim_expect *ex,
                        const struct qkd_sim_measured *m, double secs, const char *alice,
                        const char *bob) {
  static const char *const names[3] = {"signal", "decoy", "vacuum"};
  printf("BB84 link: %llu pulses, %.6g km at %.6g dB/km, det_eff %.6g, dark %.3g, "
         "misalignment %.4g, p_key_basis %.4g, Eve %.4g, seed %llu\n",
         (unsigned long long)p->pulses, p->distance_km, p->fiber_loss_db_per_km, p->det_eff,
         p->dark_count, p->misalignment, p->p_key_basis, p->eve_fraction,
         (unsigned long long)p->seed);
  printf("%-7s %9s %6s %12s %11s %11s %11s %9s %9s\n", "class", "mu", "p_mu", "pulses",
         "detections", "gain exp", "gain meas", "QBER exp", "QBER meas");
  for (int k = 0; k < 3; k++)
    printf("%-7s %9.4g %6.3g %12llu %11llu %11.4e %11.4e %8.3f%% %8.3f%%\n", names[k], p->mu[k],
           p->p_mu[k], (unsigned long long)m->pulses[k], (unsigned long long)m->detections[k],
           ex->gain[k], m->gain[k], 100.0 * ex->qber[k], 100.0 * m->qber[k]);
  printf("%-7s %9s %6s %12llu %11llu %11.4e %11.4e %8.3f%% %8.3f%%\n", "total", "", "",
         (unsigned long long)m->pulses_total, (unsigned long long)m->detections_total,
         ex->gain_total, m->gain_total, 100.0 * ex->qber_total, 100.0 * m->qber_total);
  printf("sifted (matching bases): %llu, errors: %llu\n", (unsigned long long)m->sifted_total,
         (unsigned long long)m->errors_total);
  printf("simulated in %.3f s (%.1f M pulses/s)\n", secs,
         secs > 0 ? (double)p->pulses / secs / 1e6 : 0.0);
  if (alice) printf("wrote %s (Alice) and %s (Bob)\n", alice, bob);
}

enum {
  OPT_PULSES = 256, OPT_SEED, OPT_DISTANCE, OPT_FIBER, OPT_DET_EFF, OPT_DARK, OPT_MIS, OPT_MU,
  OPT_PMU, OPT_PKEY, OPT_EVE, OPT_ALICE, OPT_BOB, OPT_DRY, OPT_JSON, OPT_QUIET, OPT_HELP,
};

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"pulses", required_argument, NULL, OPT_PULSES},
      {"seed", required_argument, NULL, OPT_SEED},
      {"distance-km", required_argument, NULL, OPT_DISTANCE},
      {"fiber-loss", required_argument, NULL, OPT_FIBER},
      {"det-eff", required_argument, NULL, OPT_DET_EFF},
      {"dark-count", required_argument, NULL, OPT_DARK},
      {"misalignment", required_argument, NULL, OPT_MIS},
      {"mu", required_argument, NULL, OPT_MU},
      {"p-mu", required_argument, NULL, OPT_PMU},
      {"p-key-basis", required_argument, NULL, OPT_PKEY},
      {"eve-fraction", required_argument, NULL, OPT_EVE},
      {"alice", required_argument, NULL, OPT_ALICE},
      {"bob", required_argument, NULL, OPT_BOB},
      {"dry-run", no_argument, NULL, OPT_DRY},
      {"json", no_argument, NULL, OPT_JSON},
      {"quiet", no_argument, NULL, OPT_QUIET},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  qkd_log_set_handler(qkd_log_stderr, (void *)PROG);

  struct qkd_sim_params p;
  qkd_sim_params_default(&p);
  const char *alice_path = NULL, *bob_path = NULL;
  bool dry = false, json = false, quiet = false;

  opterr = 0; /* our own one-line messages */
  int c, li = -1;
  while ((c = getopt_long(argc, argv, ":", opts, &li)) != -1) {
    const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    char name[64];
    if (li >= 0)
      snprintf(name, sizeof(name), "--%s", opts[li].name);
    else
      snprintf(name, sizeof(name), "%s", arg);
    li = -1;
    bool ok = true;
    switch (c) {
      case OPT_PULSES: ok = qkd_parse_u64(&p.pulses, optarg); break;
      case OPT_SEED: ok = qkd_parse_u64(&p.seed, optarg); break;
      case OPT_DISTANCE: ok = qkd_parse_double(&p.distance_km, optarg); break;
      case OPT_FIBER: ok = qkd_parse_double(&p.fiber_loss_db_per_km, optarg); break;
      case OPT_DET_EFF: ok = qkd_parse_double(&p.det_eff, optarg); break;
      case OPT_DARK: ok = qkd_parse_double(&p.dark_count, optarg); break;
      case OPT_MIS: ok = qkd_parse_double(&p.misalignment, optarg); break;
      case OPT_MU: ok = parse_triple(p.mu, optarg); break;
      case OPT_PMU: ok = parse_triple(p.p_mu, optarg); break;
      case OPT_PKEY: ok = qkd_parse_double(&p.p_key_basis, optarg); break;
      case OPT_EVE: ok = qkd_parse_double(&p.eve_fraction, optarg); break;
      case OPT_ALICE: alice_path = optarg; break;
      case OPT_BOB: bob_path = optarg; break;
      case OPT_DRY: dry = true; break;
      case OPT_JSON: json = true; break;
      case OPT_QUIET: quiet = true; break;
      case OPT_HELP: usage(stdout); return 0;
      case ':':
        return qkd_cli_fail(PROG, true, "option %s needs a value", arg);
      default:
        return qkd_cli_fail(PROG, true, "unknown option %s", arg);
    }
    if (!ok) return qkd_cli_fail(PROG, true, "bad value '%s' for %s", optarg, name);
  }
  if (optind < argc) return qkd_cli_fail(PROG, true, "unexpected argument '%s'", argv[optind]);
  if (!dry && (!alice_path || !bob_path))
    return qkd_cli_fail(PROG, true, "--alice FILE and --bob FILE are required (or --dry-run)");
  if (dry) alice_path = bob_path = NULL;
  if (alice_path && strcmp(alice_path, bob_path) == 0)
    return qkd_cli_fail(PROG, true, "--alice and --bob must name different files");
  /* The library logs the reason as "qkd-sim: error: sim: invalid parameters: ...". */
  if (qkd_sim_params_check(&p) < 0) return 2;
  if (alice_path && (!check_writable(alice_path, "--alice") || !check_writable(bob_path, "--bob")))
    return 1;

  struct qkd_sim_expect ex;
  qkd_sim_expected(&ex, &p);
  struct progress_state ps = {!quiet && p.pulses >= ((uint64_t)1 << 26), -1};
  struct qkd_alice_events a = {0};
  struct qkd_bob_events b = {0};
  double t0 = qkd_clock_seconds();
  enum qkd_err rc = qkd_sim_run(&a, &b, &p, on_progress, &ps);
  double secs = qkd_clock_seconds() - t0;
  if (rc < 0) return 1; /* logged by the library */
  int status = 1;
  struct qkd_sim_measured m;
  if (qkd_sim_measure(&m, &a, &b) < 0) goto out;
  if (alice_path) {
    if (ps.on) fprintf(stderr, "%s: writing %s and %s\n", PROG, alice_path, bob_path);
    if (qkd_alice_events_write(alice_path, &a) < 0) goto out;
    if (qkd_bob_events_write(bob_path, &b) < 0) {
      unlink(alice_path); /* never leave a new Alice file beside an old Bob file */
      goto out;
    }
  }
  if (json)
    report_json(&p, &ex, &m, secs, alice_path, bob_path);
  else
    report_text(&p, &ex, &m, secs, alice_path, bob_path);
  status = fflush(stdout) == 0 ? 0 : 1;
out:
  qkd_alice_events_cleanup(&a);
  qkd_bob_events_cleanup(&b);
  return status;
}
