/* bench_pa.c: privacy-amplification throughput (docs/pa.md).
 *
 * For n = 2^16 .. 2^27 (ctx->max_log2 caps it, ctx->quick stops at 2^18) and
 * m = n/2 it times qkd_toeplitz_hash with QKD_TOEPLITZ_FAST, with
 * QKD_TOEPLITZ_DIRECT while that stays within a few seconds (n <= 2^18), and a
 * plain libgf2x multiply of the same operands (X times the whole seed S) as
 * the baseline. Throughput is input bits per second (Mbit/s); ratios are
 * FAST/gf2x and FAST/DIRECT from the same run. Writes pa.json-style output to
 * ctx->json, pa_throughput.dat and pa_throughput.png into ctx->out_dir. */
#include <gf2x.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "qkd/bits.h"
#include "qkd/rng.h"
#include "qkd/toeplitz.h"

enum { PA_MIN_LOG2 = 16, PA_MAX_LOG2 = 27, PA_QUICK_LOG2 = 18, PA_DIRECT_MAX_LOG2 = 18 };

struct pa_case {
  const uint8_t *x, *s;
  uint8_t *y;
  size_t n, m;
  unsigned long *prod; /* gf2x product buffer */
};

/* time_rate runs |what| (0 FAST, 1 DIRECT, 2 gf2x) until min_seconds have
 * passed (at least once) and returns the input throughput in Mbit/s, or a
 * negative value when the hash fails. */
static double time_rate(const struct bench_ctx *ctx, const struct pa_case *c, int what) {
  double min_s = ctx->min_seconds > 0 ? ctx->min_seconds : 0.5;
  if (ctx->quick) min_s = 0.05;
  unsigned reps = 0;
  /* One untimed warm-up run (page faults, caches) where it is cheap. */
  if (c->n <= ((size_t)1 << 20)) {
    if (what == 2)
      gf2x_mul(c->prod, (const unsigned long *)c->x, qkd_bits_nwords(c->n),
               (const unsigned long *)c->s, qkd_bits_nwords(c->n + c->m - 1));
    else if (qkd_toeplitz_hash(c->y, c->m, c->x, c->n, c->s,
                               what == 0 ? QKD_TOEPLITZ_FAST : QKD_TOEPLITZ_DIRECT) != QKD_OK)
      return -1;
  }
  double t0 = bench_now(), dt;
  do {
    if (what == 2) {
      gf2x_mul(c->prod, (const unsigned long *)c->x, qkd_bits_nwords(c->n),
               (const unsigned long *)c->s, qkd_bits_nwords(c->n + c->m - 1));
    } else {
      enum qkd_toeplitz_algo algo = what == 0 ? QKD_TOEPLITZ_FAST : QKD_TOEPLITZ_DIRECT;
      if (qkd_toeplitz_hash(c->y, c->m, c->x, c->n, c->s, algo) != QKD_OK) return -1;
    }
    reps++;
    dt = bench_now() - t0;
  } while (dt < min_s);
  return (double)c->n * reps / dt / 1e6;
}

/* json_num writes |v| or null (for a case that was not run). */
static void json_num(FILE *f, const char *key, double v, bool last) {
  if (v > 0)
    fprintf(f, "\"%s\": %.4g%s", key, v, last ? "" : ", ");
  else
    fprintf(f, "\"%s\": null%s", key, last ? "" : ", ");
}

int bench_pa(const struct bench_ctx *ctx) {
  unsigned max_log2 = ctx->quick ? PA_QUICK_LOG2 : PA_MAX_LOG2;
  if (ctx->max_log2 && ctx->max_log2 < max_log2) max_log2 = ctx->max_log2;
  if (max_log2 < PA_MIN_LOG2) max_log2 = PA_MIN_LOG2;
  size_t nmax = (size_t)1 << max_log2, mmax = nmax / 2;
  size_t xw = qkd_bits_nwords(nmax), sw = qkd_bits_nwords(nmax + mmax - 1);
  /* Word-sized buffers: gf2x reads whole words; the hash reads bytes. */
  uint64_t *x = calloc(xw, sizeof(uint64_t)), *s = calloc(sw, sizeof(uint64_t));
  uint8_t *y = calloc(qkd_bits_nbytes(mmax), 1);
  unsigned long *prod = calloc(xw + sw, sizeof(unsigned long));
  FILE *dat = NULL;
  int ret = 1;
  if (!x || !s || !y || !prod) {
    bench_progress("pa: out of memory for n = 2^%u", max_log2);
    goto out;
  }
  dat = bench_open_dat(ctx, "pa_throughput.dat");
  if (!dat) goto out;
  fprintf(dat, "# log2_n n fast_mbps direct_mbps gf2x_mbps   (m = n/2, one core, cpu backend)\n");

  struct qkd_rng rng;
  qkd_rng_seed(&rng, 0x9a);
  fprintf(ctx->json,
          "{\"module\": \"pa\", \"backend\": \"cpu\", \"m_over_n\": 0.5, "
          "\"unit\": \"Mbit/s of input\", \"cases\": [");
  for (unsigned l = PA_MIN_LOG2; l <= max_log2; l++) {
    size_t n = (size_t)1 << l, m = n / 2;
    qkd_rng_fill_bits(&rng, (uint8_t *)x, n);
    qkd_rng_fill_bits(&rng, (uint8_t *)s, n + m - 1);
    struct pa_case c = {(const uint8_t *)x, (const uint8_t *)s, y, n, m, prod};
    double fast = time_rate(ctx, &c, 0);
    double direct = l <= PA_DIRECT_MAX_LOG2 ? time_rate(ctx, &c, 1) : -1;
    double gf2x = time_rate(ctx, &c, 2);
    if (fast < 0 || (l <= PA_DIRECT_MAX_LOG2 && direct < 0)) {
      bench_progress("pa: qkd_toeplitz_hash failed at n = 2^%u", l);
      fprintf(ctx->json, "]}\n");
      goto out;
    }
    char direct_txt[32] = "?";
    if (direct > 0) snprintf(direct_txt, sizeof(direct_txt), "%.6g", direct);
    bench_progress("pa: n = 2^%u  fast %.1f  direct %s  gf2x %.2f Mbit/s  fast/gf2x %.1fx", l, fast,
                   direct > 0 ? direct_txt : "-", gf2x, fast / gf2x);
    fprintf(dat, "%u %zu %.6g %s %.6g\n", l, n, fast, direct_txt, gf2x);
    fprintf(ctx->json, "%s{\"log2_n\": %u, \"n\": %zu, \"m\": %zu, ", l == PA_MIN_LOG2 ? "" : ", ",
            l, n, m);
    json_num(ctx->json, "fast_mbps", fast, false);
    json_num(ctx->json, "direct_mbps", direct, false);
    json_num(ctx->json, "gf2x_mbps", gf2x, false);
    json_num(ctx->json, "fast_over_gf2x", gf2x > 0 ? fast / gf2x : -1, false);
    json_num(ctx->json, "fast_over_direct", direct > 0 ? fast / direct : -1, true);
    fprintf(ctx->json, "}");
  }
  fprintf(ctx->json, "]}\n");
  fclose(dat);
  dat = NULL;
  bench_plot(
      ctx,
      "set terminal pngcairo size 900,600\n"
      "set output 'pa_throughput.png'\n"
      "set title 'Toeplitz PA, cpu backend, m = n/2, one core'\n"
      "set xlabel 'input block n (bits)'\n"
      "set ylabel 'throughput (Mbit/s of input)'\n"
      "set logscale xy 2\n"
      "set format x '2^{%L}'\n"
      "set datafile missing '?'\n"
      "set key top right\n"
      "set grid\n"
      "plot 'pa_throughput.dat' using 2:3 with linespoints title 'FAST (clmul Karatsuba)', \\\n"
      "     '' using 2:4 with linespoints title 'DIRECT (RTL model)', \\\n"
      "     '' using 2:5 with linespoints title 'libgf2x multiply'\n");
  ret = 0;
out:
  if (dat) fclose(dat);
  qkd_free_secret(x, xw * sizeof(uint64_t));
  qkd_free_secret(s, sw * sizeof(uint64_t));
  qkd_free_secret(y, qkd_bits_nbytes(mmax));
  qkd_free_secret(prod, (xw + sw) * sizeof(unsigned long));
  return ret;
}
