#include "qkd/log.h"

#include <stdarg.h>
#include <stdio.h>

static qkd_log_fn log_fn;
static void *log_ctx;
static enum qkd_log_level log_max = QKD_LOG_INFO;

void qkd_log_set_handler(qkd_log_fn fn, void *ctx) {
  log_fn = fn;
  log_ctx = ctx;
}

void qkd_log_set_level(enum qkd_log_level max_level) { log_max = max_level; }

static const char *level_name(enum qkd_log_level level) {
  switch (level) {
    case QKD_LOG_ERROR: return "error";
    case QKD_LOG_WARN: return "warning";
    case QKD_LOG_INFO: return "info";
    case QKD_LOG_DEBUG: return "debug";
  }
  return "log";
}

void qkd_log_stderr(void *ctx, enum qkd_log_level level, const char *module, const char *msg) {
  fprintf(stderr, "%s: %s: %s: %s\n", ctx ? (const char *)ctx : "qkd", level_name(level), module,
          msg);
}

void qkdi_log(enum qkd_log_level level, const char *module, const char *fmt, ...) {
  if (!log_fn || level > log_max) return;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  log_fn(log_ctx, level, module, msg);
}
