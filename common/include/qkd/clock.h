/* clock.h: one monotonic clock for progress reports, summaries and benchmarks. */
#ifndef QKD_CLOCK_H
#define QKD_CLOCK_H

#ifdef __cplusplus
extern "C" {
#endif

/* qkd_clock_seconds returns seconds on CLOCK_MONOTONIC: only differences mean anything. */
double qkd_clock_seconds(void);

#ifdef __cplusplus
}
#endif

#endif /* QKD_CLOCK_H */
