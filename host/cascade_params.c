/* cascade_params.c: the default block sizes and pass count (docs/cascade.md). */
#define QKDI_CASCADE_INTERNAL
#include <math.h>

#include "qkd/cascade.h"

/* Tuning constants, measured with bench_cascade (docs/cascade.md, "Parameters"). */
#define K1_NUMERATOR 0.80 /* k1 is the power of two nearest (in log) to K1_NUMERATOR / q */
#define K2_FACTOR 8u      /* k2 = K2_FACTOR * k1 */
#define LATE_BLOCKS 8u    /* passes 2 .. DEFAULT_PASSES-1 use blocks of ceil(n/LATE_BLOCKS) */
#define DEFAULT_PASSES 7u

static uint32_t clamp_block(uint64_t k, size_t n) {
  if (k < 2) k = 2;
  if (k > n) k = n < 2 ? 2 : n;
  if (k > UINT32_MAX) k = UINT32_MAX;
  return (uint32_t)k;
}

void qkd_cascade_params_choose(struct qkd_cascade_params *out, size_t n_bits, double q) {
  if (!out) return;
  if (!(q >= 0.001)) q = 0.001; /* also catches NaN */
  if (q > 0.25) q = 0.25;
  double target = K1_NUMERATOR / q;
  unsigned e = (unsigned)lround(log2(target));
  if (e < 2) e = 2;
  if (e > 30) e = 30;
  uint64_t k1 = (uint64_t)1 << e;
  uint64_t late = ((uint64_t)n_bits + LATE_BLOCKS - 1) / LATE_BLOCKS;
  out->passes = DEFAULT_PASSES;
  for (uint32_t p = 0; p < QKD_CASCADE_MAX_PASSES; p++) out->block_bits[p] = 0;
  out->block_bits[0] = clamp_block(k1, n_bits);
  out->block_bits[1] = clamp_block(k1 * K2_FACTOR, n_bits);
  for (uint32_t p = 2; p < DEFAULT_PASSES; p++) out->block_bits[p] = clamp_block(late, n_bits);
}

bool qkd_cascade_params_valid(const struct qkd_cascade_params *params, size_t n_bits) {
  if (!params || n_bits == 0 || n_bits > QKD_CASCADE_MAX_BITS) return false;
  if (params->passes < 1 || params->passes > QKD_CASCADE_MAX_PASSES) return false;
  for (uint32_t p = 0; p < params->passes; p++)
    if (params->block_bits[p] < 2) return false;
  return true;
}
