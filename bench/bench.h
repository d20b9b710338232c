/* bench.h: the interface between qkd-bench's main and its modules.
 *
 * Each module (bench_pa.c, bench_cascade.c, bench_sim.c, ...) measures one stage
 * on this machine, single-threaded, and reports ratios against baselines it
 * measures in the same run. It writes one JSON value (an object) to ctx->json,
 * writes gnuplot data files and plots into ctx->out_dir, and shows progress on
 * stderr through bench_progress(). Timing belongs here, never in tests. */
#ifndef QKD_BENCH_H
#define QKD_BENCH_H

#include <stdbool.h>
#include <stdio.h>

struct bench_ctx {
  const char *out_dir; /* existing folder for .json/.dat/.png output */
  FILE *json;          /* the module writes exactly one JSON object here */
  bool quick;          /* smaller sizes and fewer repetitions: a smoke run for tests */
  unsigned max_log2;   /* largest size exponent requested, 0 = the module's default */
  double min_seconds;  /* repeat each timed case until it has run at least this long */
};

/* bench_now returns a monotonic time in seconds. */
double bench_now(void);

/* bench_progress prints one progress line to stderr ("qkd-bench: ..."). */
void bench_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* bench_open_dat opens |name| in ctx->out_dir for writing; NULL (logged) on failure. */
FILE *bench_open_dat(const struct bench_ctx *ctx, const char *name);

/* bench_plot runs gnuplot on |script| with the working folder set to ctx->out_dir,
 * so the script names data and PNG files relative to it. Returns false, with a
 * note on stderr, when gnuplot is missing or fails (plots are optional output). */
bool bench_plot(const struct bench_ctx *ctx, const char *script);

/* Module entry points: each returns 0 on success, non-zero on failure. */
int bench_pa(const struct bench_ctx *ctx);
int bench_cascade(const struct bench_ctx *ctx);
int bench_sim(const struct bench_ctx *ctx);

#endif /* QKD_BENCH_H */
