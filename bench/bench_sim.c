/* bench_sim.c: simulator pulse rate, fast sampler against the per-pulse reference.
 *
 * For a few fibre lengths it times qkd_sim_run (bulk settings, geometric skipping
 * with thinning) and qkd_sim_run_reference (every pulse drawn on its own) on one
 * core, and reports pulses per second and their ratio. Writes sim_rate.dat and,
 * with gnuplot, sim_rate.png into ctx->out_dir. */
#include <stdint.h>
#include <stdio.h>

#include "bench.h"
#include "qkd/bb84sim.h"

typedef enum qkd_err (*sim_fn)(struct qkd_alice_events *, struct qkd_bob_events *,
                               const struct qkd_sim_params *, qkd_sim_progress_fn, void *);

/* time_sampler runs |fn| until ctx->min_seconds have passed (at least once) and
 * returns pulses per second, or a negative value on failure. */
static double time_sampler(const struct bench_ctx *ctx, sim_fn fn, struct qkd_sim_params *p,
                           size_t *detections) {
  double total = 0;
  uint64_t pulses = 0;
  do {
    struct qkd_alice_events a = {0};
    struct qkd_bob_events b = {0};
    double t0 = bench_now();
    enum qkd_err rc = fn(&a, &b, p, NULL, NULL);
    total += bench_now() - t0;
    *detections = b.count;
    qkd_alice_events_cleanup(&a);
    qkd_bob_events_cleanup(&b);
    if (rc < 0) return -1;
    pulses += p->pulses;
    p->seed++;
  } while (total < ctx->min_seconds);
  return total > 0 ? (double)pulses / total : 0.0;
}

int bench_sim(const struct bench_ctx *ctx) {
  static const double distances[] = {0.0, 25.0, 100.0};
  const size_t nd = sizeof(distances) / sizeof(distances[0]);
  unsigned log2_fast = ctx->quick ? 20 : 26;
  if (ctx->max_log2 && ctx->max_log2 < log2_fast) log2_fast = ctx->max_log2;
  if (log2_fast < 10) log2_fast = 10;
  unsigned log2_ref = log2_fast > 4 ? log2_fast - 3 : log2_fast; /* the baseline is slower */

  FILE *dat = bench_open_dat(ctx, "sim_rate.dat");
  if (dat) fprintf(dat, "# distance_km fast_Mpulses_per_s reference_Mpulses_per_s\n");

  fprintf(ctx->json, "{\"module\":\"sim\",\"fast_pulses\":%llu,\"reference_pulses\":%llu,"
          "\"cases\":[",
          1ull << log2_fast, 1ull << log2_ref);
  int status = 0;
  for (size_t i = 0; i < nd; i++) {
    struct qkd_sim_params p;
    qkd_sim_params_default(&p);
    p.distance_km = distances[i];
    size_t det_fast = 0, det_ref = 0;

    bench_progress("sim: %.0f km, fast sampler, 2^%u pulses", p.distance_km, log2_fast);
    p.pulses = 1ull << log2_fast;
    double fast = time_sampler(ctx, qkd_sim_run, &p, &det_fast);

    bench_progress("sim: %.0f km, reference sampler, 2^%u pulses", p.distance_km, log2_ref);
    p.pulses = 1ull << log2_ref;
    p.seed = 1;
    double ref = time_sampler(ctx, qkd_sim_run_reference, &p, &det_ref);
    if (fast < 0 || ref < 0) {
      bench_progress("sim: simulation failed at %.0f km", p.distance_km);
      status = 1;
      break;
    }
    fprintf(ctx->json,
            "%s{\"distance_km\":%.6g,\"fast_pulses_per_s\":%.6g,"
            "\"reference_pulses_per_s\":%.6g,\"speedup\":%.4g,"
            "\"fast_detections\":%zu,\"reference_detections\":%zu}",
            i ? "," : "", p.distance_km, fast, ref, ref > 0 ? fast / ref : 0.0, det_fast,
            det_ref);
    if (dat) fprintf(dat, "%g %.6g %.6g\n", p.distance_km, fast / 1e6, ref / 1e6);
    bench_progress("sim: %.0f km: fast %.1f M pulses/s, reference %.1f M pulses/s (x%.1f)",
                   p.distance_km, fast / 1e6, ref / 1e6, ref > 0 ? fast / ref : 0.0);
  }
  fprintf(ctx->json, "]}");
  if (dat) {
    fclose(dat);
    bench_plot(ctx,
               "set terminal pngcairo size 800,500\n"
               "set output 'sim_rate.png'\n"
               "set title 'qkd-sim pulse rate, one core'\n"
               "set xlabel 'distance (km)'\n"
               "set ylabel 'M pulses/s'\n"
               "set style data linespoints\n"
               "set yrange [0:*]\n"
               "plot 'sim_rate.dat' using 1:2 title 'fast sampler', "
               "'' using 1:3 title 'per-pulse reference'\n");
  }
  return status;
}
