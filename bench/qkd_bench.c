/* qkd-bench: throughput and efficiency of every stage, with JSON and plots. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "qkd/cli.h"
#include "qkd/clock.h"
#include "qkd/log.h"

static const char *prog = "qkd-bench";

double bench_now(void) { return qkd_clock_seconds(); }

void bench_progress(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s: ", prog);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

FILE *bench_open_dat(const struct bench_ctx *ctx, const char *name) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", ctx->out_dir, name);
  FILE *f = fopen(path, "w");
  if (!f) fprintf(stderr, "%s: error: cannot write %s: %s\n", prog, path, strerror(errno));
  return f;
}

bool bench_plot(const struct bench_ctx *ctx, const char *script) {
  char cmd[4200];
  snprintf(cmd, sizeof(cmd), "cd '%s' && gnuplot 2>/dev/null", ctx->out_dir);
  FILE *p = popen(cmd, "w");
  if (!p) goto fail;
  fputs(script, p);
  if (pclose(p) != 0) goto fail;
  return true;
fail:
  fprintf(stderr, "%s: note: gnuplot failed or is missing; plot skipped\n", prog);
  return false;
}

struct module {
  const char *name;
  int (*run)(const struct bench_ctx *);
  const char *what;
};

static const struct module modules[] = {
    {"pa", bench_pa, "Toeplitz privacy amplification: fast and direct paths against libgf2x"},
    {"cascade", bench_cascade, "Cascade efficiency, round trips and throughput per QBER and frame size"},
    {"sim", bench_sim, "BB84 link simulator pulse rate against the per-pulse reference sampler"},
};
#define NMODULES (sizeof(modules) / sizeof(modules[0]))

static void usage(void) {
  printf(
      "Usage: qkd-bench [OPTIONS] [MODULE...]\n"
      "Measures qkd-accel's stages on this machine, single-threaded, with baselines\n"
      "measured in the same run, and writes bench.json plus gnuplot data and PNG plots.\n"
      "With no MODULE, runs all of them.\n\nModules:\n");
  for (size_t i = 0; i < NMODULES; i++) printf("  %-9s %s\n", modules[i].name, modules[i].what);
  printf(
      "\nOptions:\n"
      "  --out-dir DIR      output folder (default bench-results), created if missing\n"
      "  --quick            small sizes and few repetitions: a smoke run\n"
      "  --max-log2 N       largest block size exponent (module default otherwise)\n"
      "  --min-seconds S    repeat each timed case at least S seconds (default 0.3)\n"
      "  --help             this text\n");
}

static void machine_json(FILE *f) {
  struct utsname u;
  uname(&u);
  char model[256] = "unknown";
  FILE *ci = fopen("/proc/cpuinfo", "r");
  if (ci) {
    char line[512];
    while (fgets(line, sizeof(line), ci)) {
      char *colon = strchr(line, ':');
      if (!strncmp(line, "model name", 10) && colon) {
        snprintf(model, sizeof(model), "%s", colon + 2);
        model[strcspn(model, "\n\"\\")] = 0;
        break;
      }
    }
    fclose(ci);
  }
  time_t t = time(NULL);
  char date[64];
  strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
  fprintf(f, "  \"machine\": {\"cpu\": \"%s\", \"cores\": %ld, \"kernel\": \"%s\", \"date\": \"%s\"},\n",
          model, sysconf(_SC_NPROCESSORS_ONLN), u.release, date);
}

int main(int argc, char **argv) {
  qkd_log_set_handler(qkd_log_stderr, (void *)prog);
  struct bench_ctx ctx = {.out_dir = "bench-results", .min_seconds = 0.3};
  enum { O_OUT = 1, O_QUICK, O_MAX, O_MIN, O_HELP };
  static const struct option opts[] = {{"out-dir", required_argument, NULL, O_OUT},
                                       {"quick", no_argument, NULL, O_QUICK},
                                       {"max-log2", required_argument, NULL, O_MAX},
                                       {"min-seconds", required_argument, NULL, O_MIN},
                                       {"help", no_argument, NULL, O_HELP},
                                       {NULL, 0, NULL, 0}};
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    uint64_t u;
    switch (c) {
      case O_OUT: ctx.out_dir = optarg; break;
      case O_QUICK: ctx.quick = true; break;
      case O_MAX:
        if (!qkd_parse_u64(&u, optarg) || u < 4 || u > 30)
          return qkd_cli_fail(prog, true, "--max-log2 needs an integer in [4, 30], not '%s'", optarg);
        ctx.max_log2 = (unsigned)u;
        break;
      case O_MIN:
        if (!qkd_parse_double(&ctx.min_seconds, optarg) || ctx.min_seconds < 0 || ctx.min_seconds > 600)
          return qkd_cli_fail(prog, true, "--min-seconds needs a number in [0, 600], not '%s'", optarg);
        break;
      case O_HELP: usage(); return 0;
      case ':': return qkd_cli_fail(prog, true, "option '%s' needs a value", argv[optind - 1]);
      default: return qkd_cli_fail(prog, true, "unknown option '%s'", argv[optind - 1]);
    }
  }
  bool want[NMODULES];
  for (size_t i = 0; i < NMODULES; i++) want[i] = optind == argc;
  for (int a = optind; a < argc; a++) {
    size_t i = 0;
    while (i < NMODULES && (strcmp(argv[a], modules[i].name) && strcmp(argv[a], "all"))) i++;
    if (i == NMODULES) return qkd_cli_fail(prog, true, "unknown module '%s'", argv[a]);
    if (!strcmp(argv[a], "all"))
      for (size_t k = 0; k < NMODULES; k++) want[k] = true;
    else
      want[i] = true;
  }
  if (mkdir(ctx.out_dir, 0755) < 0 && errno != EEXIST)
    return qkd_cli_fail(prog, false, "cannot create %s: %s", ctx.out_dir, strerror(errno));

  char *js = NULL;
  size_t js_len = 0;
  FILE *out = open_memstream(&js, &js_len);
  if (!out) return qkd_cli_fail(prog, false, "out of memory");
  fprintf(out, "{\n");
  machine_json(out);
  fprintf(out, "  \"quick\": %s,\n  \"modules\": {", ctx.quick ? "true" : "false");
  int failures = 0;
  bool first = true;
  for (size_t i = 0; i < NMODULES; i++) {
    if (!want[i]) continue;
    bench_progress("running %s", modules[i].name);
    char *mj = NULL;
    size_t mj_len = 0;
    struct bench_ctx mctx = ctx;
    mctx.json = open_memstream(&mj, &mj_len);
    if (!mctx.json) return qkd_cli_fail(prog, false, "out of memory");
    int rc = modules[i].run(&mctx);
    fclose(mctx.json);
    fprintf(out, "%s\n    \"%s\": ", first ? "" : ",", modules[i].name);
    first = false;
    if (rc == 0 && mj_len) {
      fwrite(mj, 1, mj_len, out);
    } else {
      fprintf(out, "{\"error\": \"module failed\"}");
      failures++;
      fprintf(stderr, "%s: error: module %s failed\n", prog, modules[i].name);
    }
    free(mj);
  }
  fprintf(out, "\n  }\n}\n");
  fclose(out);
  char path[4096];
  snprintf(path, sizeof(path), "%s/bench.json", ctx.out_dir);
  FILE *f = fopen(path, "w");
  if (!f || fwrite(js, 1, js_len, f) != js_len || fclose(f) != 0) {
    free(js);
    return qkd_cli_fail(prog, false, "cannot write %s", path);
  }
  free(js);
  bench_progress("wrote %s", path);
  return failures ? 1 : 0;
}
