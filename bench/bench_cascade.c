/* bench_cascade.c: Cascade efficiency, round trips and throughput per QBER and
 * frame size, single-threaded, against the textbook Cascade (k1 = 0.73/q,
 * k_i = 2 k_(i-1), 4 passes) run through the same engine in the same run.
 *
 * Efficiency f = disclosed / (n h(q_true)) summed over the frames of a point.
 * Throughput counts both roles (qkd_cascade_reconcile_local), frame set-up
 * included, per wall second (bench_now) and per thread CPU second (the ratio to
 * the baseline uses CPU time, which other jobs on the machine disturb less). Output: one JSON
 * object, cascade.dat and cascade_efficiency.png. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "qkd/bits.h"
#include "qkd/cascade.h"
#include "qkd/rng.h"

struct point_result {
  double f, round_trips, mbit_s, mbit_s_cpu;
  unsigned frames, failures;
};

/* Thread CPU time: robust against other jobs on a shared machine. */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double h2(double q) {
  if (q <= 0 || q >= 1) return 0;
  return -q * log2(q) - (1 - q) * log2(1 - q);
}

/* The original Cascade (Brassard-Salvail): k1 = ceil(0.73/q), doubling, 4 passes. */
static void textbook_params(struct qkd_cascade_params *p, size_t n, double q) {
  memset(p, 0, sizeof *p);
  p->passes = 4;
  uint64_t k = (uint64_t)ceil(0.73 / q);
  for (uint32_t i = 0; i < p->passes; i++, k *= 2) {
    uint64_t kk = k < 2 ? 2 : k;
    p->block_bits[i] = (uint32_t)(kk > n ? (n < 2 ? 2 : n) : kk);
  }
}

/* Runs |frames| random frame pairs of |n| bits at QBER |q| (same pairs for both
 * parameter sets, fixed by |seed|), repeating until ctx->min_seconds has passed. */
static int run_point(const struct bench_ctx *ctx, size_t n, double q, bool baseline,
                     unsigned frames, uint64_t seed, struct point_result *res) {
  size_t nb = qkd_bits_nbytes(n);
  uint8_t *a = malloc(nb), *b = malloc(nb);
  if (!a || !b) {
    free(a);
    free(b);
    return 1;
  }
  struct qkd_rng rng;
  qkd_rng_seed(&rng, seed);
  double leak = 0, ent = 0, rt = 0, secs = 0, cpu = 0;
  unsigned done = 0, fails = 0;
  int rc = 0;
  while (done < frames || (secs < ctx->min_seconds && done < 50 * frames)) {
    qkd_rng_fill_bits(&rng, a, n);
    memcpy(b, a, nb);
    for (size_t k = 0; k < n; k++)
      if (qkd_rng_double(&rng) < q) qkd_bit_flip(b, k);
    size_t errs = qkd_bits_hamming(a, b, n);
    struct qkd_cascade_params p;
    if (baseline)
      textbook_params(&p, n, q);
    else
      qkd_cascade_params_choose(&p, n, q);
    struct qkd_cascade_stats st;
    double t0 = bench_now(), c0 = cpu_now();
    if (qkd_cascade_reconcile_local(b, a, n, &p, seed + done, &st) != QKD_OK) {
      rc = 1;
      break;
    }
    cpu += cpu_now() - c0;
    secs += bench_now() - t0;
    fails += !qkd_bits_equal(a, b, n);
    leak += (double)st.disclosed_bits;
    ent += (double)n * h2((double)errs / (double)n);
    rt += (double)st.round_trips;
    done++;
  }
  qkd_free_secret(a, nb);
  qkd_free_secret(b, nb);
  res->frames = done;
  res->failures = fails;
  res->f = ent > 0 ? leak / ent : 0;
  res->round_trips = done ? rt / done : 0;
  res->mbit_s = secs > 0 ? (double)n * done / secs / 1e6 : 0;
  res->mbit_s_cpu = cpu > 0 ? (double)n * done / cpu / 1e6 : 0;
  return rc;
}

int bench_cascade(const struct bench_ctx *ctx) {
  static const double qbers_full[] = {0.01, 0.02, 0.05, 0.08};
  static const double qbers_quick[] = {0.02, 0.05};
  const double *qbers = ctx->quick ? qbers_quick : qbers_full;
  unsigned nq = ctx->quick ? 2 : 4;
  unsigned lo = 14, hi = ctx->quick ? 16 : 20;
  if (ctx->max_log2 && ctx->max_log2 < hi) hi = ctx->max_log2 < lo ? lo : ctx->max_log2;
  FILE *dat = bench_open_dat(ctx, "cascade.dat");
  if (!dat) return 1;
  fprintf(dat,
          "# log2n qber f f_textbook round_trips round_trips_textbook mbit_s mbit_s_textbook "
          "mbit_s_cpu mbit_s_cpu_textbook\n");
  fprintf(ctx->json,
          "{\"module\": \"cascade\", \"metric\": \"f = disclosed / (n h(q_true))\", "
          "\"baseline\": \"textbook Cascade: k1 = ceil(0.73/q), k_i = 2 k_(i-1), 4 passes\", "
          "\"throughput\": \"both roles in one thread (qkd_cascade_reconcile_local)\", "
          "\"points\": [");
  int rc = 0;
  bool first = true;
  for (unsigned l = lo; l <= hi && rc == 0; l++) {
    size_t n = (size_t)1 << l;
    unsigned frames = ctx->quick ? 2 : (l <= 17 ? 6 : 3);
    for (unsigned i = 0; i < nq && rc == 0; i++) {
      double q = qbers[i];
      struct point_result ours, base;
      uint64_t seed = 0xCA5CADEull + l * 1000 + i;
      rc |= run_point(ctx, n, q, false, frames, seed, &ours);
      rc |= run_point(ctx, n, q, true, frames, seed, &base);
      if (rc) break;
      bench_progress(
          "cascade n=2^%u q=%.2f: f %.4f (textbook %.4f), %.0f round trips, %.1f Mbit/s "
          "(%.1f per CPU second)",
          l, q, ours.f, base.f, ours.round_trips, ours.mbit_s, ours.mbit_s_cpu);
      fprintf(dat, "%u %.4f %.5f %.5f %.1f %.1f %.2f %.2f %.2f %.2f\n", l, q, ours.f, base.f,
              ours.round_trips, base.round_trips, ours.mbit_s, base.mbit_s, ours.mbit_s_cpu,
              base.mbit_s_cpu);
      fprintf(ctx->json,
              "%s{\"bits\": %zu, \"qber\": %.4f, \"frames\": %u, \"efficiency\": %.5f, "
              "\"round_trips\": %.1f, \"mbit_per_s\": %.3f, \"mbit_per_cpu_s\": %.3f, "
              "\"failures\": %u, \"textbook\": {\"frames\": %u, \"efficiency\": %.5f, "
              "\"round_trips\": %.1f, \"mbit_per_s\": %.3f, \"mbit_per_cpu_s\": %.3f, "
              "\"failures\": %u}, \"efficiency_ratio\": %.4f, "
              "\"round_trip_ratio\": %.4f, \"throughput_ratio\": %.4f}",
              first ? "" : ", ", n, q, ours.frames, ours.f, ours.round_trips, ours.mbit_s,
              ours.mbit_s_cpu, ours.failures, base.frames, base.f, base.round_trips, base.mbit_s,
              base.mbit_s_cpu, base.failures, base.f > 0 ? ours.f / base.f : 0,
              base.round_trips > 0 ? ours.round_trips / base.round_trips : 0,
              base.mbit_s_cpu > 0 ? ours.mbit_s_cpu / base.mbit_s_cpu : 0);
      first = false;
    }
    fprintf(dat, "\n\n"); /* one gnuplot index per frame size */
  }
  fclose(dat);
  fprintf(ctx->json, "]}");
  if (rc) return rc;
  char script[2048];
  int off = snprintf(script, sizeof script,
                     "set terminal pngcairo size 900,600\n"
                     "set output 'cascade_efficiency.png'\n"
                     "set title 'Cascade efficiency f = leak / (n h(q))'\n"
                     "set xlabel 'QBER'\nset ylabel 'f'\nset key top left\nset grid\n"
                     "plot ");
  for (unsigned l = lo; l <= hi && off > 0 && (size_t)off < sizeof script - 200; l++)
    off += snprintf(script + off, sizeof script - (size_t)off,
                    "'cascade.dat' index %u using 2:3 with linespoints title 'n = 2^{%u}', ",
                    l - lo, l);
  if (off > 0 && (size_t)off < sizeof script - 200)
    snprintf(script + off, sizeof script - (size_t)off,
             "'cascade.dat' index %u using 2:4 with linespoints dashtype 2 title 'textbook, n = "
             "2^{%u}'\n",
             hi - lo, hi);
  bench_plot(ctx, script);
  return 0;
}
