/* log.h: the one logging hook of qkd-accel.
 *
 * Library code never prints. It reports through qkdi_log(), which forwards to the
 * handler the application installed with qkd_log_set_handler(); with no handler,
 * messages are dropped. Key material is never passed to the logger. */
#ifndef QKD_LOG_H
#define QKD_LOG_H

#ifdef __cplusplus
extern "C" {
#endif

enum qkd_log_level {
  QKD_LOG_ERROR = 0,
  QKD_LOG_WARN = 1,
  QKD_LOG_INFO = 2,
  QKD_LOG_DEBUG = 3,
};

/* qkd_log_fn receives one formatted message (no trailing newline) from |module|. */
typedef void (*qkd_log_fn)(void *ctx, enum qkd_log_level level, const char *module,
                           const char *msg);

/* qkd_log_set_handler installs |fn| (NULL drops every message) with |ctx| passed back. */
void qkd_log_set_handler(qkd_log_fn fn, void *ctx);

/* qkd_log_set_level sets the most verbose level that is forwarded (default INFO). */
void qkd_log_set_level(enum qkd_log_level max_level);

/* qkd_log_stderr is a ready handler for command-line tools: it writes
 * "<ctx>: <level>: <module>: <msg>" to stderr, where |ctx| is the program name. */
void qkd_log_stderr(void *ctx, enum qkd_log_level level, const char *module, const char *msg);

/* qkdi_log formats and forwards one message. Internal to qkd-accel's libraries. */
void qkdi_log(enum qkd_log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif

#endif /* QKD_LOG_H */
