/* toeplitz_direct.c: the DIRECT Toeplitz hash, a bit-sliced software model of
 * the RTL core (docs/pa.md, "DIRECT").
 *
 * The core computes a W-bit slice of the output per pass over the input. For
 * the slice of outputs i0 .. i0+W-1 and input bit j, the seed bits it needs are
 * s[i0 + n - 1 - j + w] for w in [0, W): a W-bit window that moves down by one
 * seed bit per input bit. Taking P input bits per step, the core holds a
 * (W+P-1)-bit seed shift register, ANDs each of the P input bits with its W-bit
 * window (P slices side by side), XORs the P products into the W-bit
 * accumulator, then shifts the register by P bits and feeds the next P seed bits
 * in. Here W = P = 64: the register is one 128-bit value, the accumulator one
 * uint64_t, and a pass costs n/P steps of P AND/XOR slices, so the whole hash is
 * ceil(m/W) * n word operations. */
#include <stdlib.h>

#include "internal.h"
#include "qkd/bits.h"
#include "qkd/log.h"

enum { DIRECT_W = 64, DIRECT_P = 64 };

typedef unsigned __int128 u128;

/* seed_word returns the 64 seed bits starting at bit |pos| (which may be
 * negative or past the end: those bits read as zero) of the |nw|-word array |s|. */
static uint64_t seed_word(const uint64_t *s, size_t nw, int64_t pos) {
  int64_t w = pos >> 6; /* floor division: pos may be negative */
  unsigned sh = (unsigned)(pos & 63);
  uint64_t lo = (w >= 0 && (uint64_t)w < nw) ? s[w] : 0;
  if (sh == 0) return lo;
  uint64_t hi = (w + 1 >= 0 && (uint64_t)(w + 1) < nw) ? s[w + 1] : 0;
  return (lo >> sh) | (hi << (64 - sh));
}

/* direct_pass computes output bits i0 .. i0+63 (one pass of the W = 64 core). */
static uint64_t direct_pass(const uint64_t *x, size_t n, const uint64_t *s, size_t snw, size_t i0) {
  uint64_t acc = 0;
  /* Seed register: bits [base, base+128) of s, where for the step that takes
   * input bits j0 .. j0+63 base = i0 + n - 1 - j0 - 63; input bit j0+t then
   * sees the window starting at base + 63 - t. */
  int64_t base = (int64_t)i0 + (int64_t)n - 64;
  u128 sr = ((u128)seed_word(s, snw, base + 64) << 64) | seed_word(s, snw, base);
  size_t steps = qkd_bits_nwords(n);
  for (size_t step = 0; step < steps; step++) {
    uint64_t xin = x[step]; /* P input bits; bits past n are zero */
    for (unsigned t = 0; t < DIRECT_P; t++) {
      uint64_t window = (uint64_t)(sr >> (63 - t));
      acc ^= window & (0 - ((xin >> t) & 1));
    }
    base -= DIRECT_P;
    sr = (sr << 64) | seed_word(s, snw, base);
  }
  return acc;
}

enum qkd_err qkdi_toeplitz_direct(uint8_t *out, size_t m, const uint8_t *in, size_t n,
                                  const uint8_t *seed) {
  size_t xw = qkd_bits_nwords(n), sw = qkd_bits_nwords(n + m - 1), yw = qkd_bits_nwords(m);
  size_t total = xw + sw + yw;
  uint64_t *buf = malloc(total * sizeof(uint64_t));
  if (!buf) {
    qkdi_log(QKD_LOG_ERROR, "toeplitz", "cannot allocate %zu words for n = %zu", total, n);
    return QKD_ERR_NOMEM;
  }
  uint64_t *x = buf, *s = x + xw, *y = s + sw;
  qkdi_load_words(x, in, n);
  qkdi_load_words(s, seed, n + m - 1);
  /* Output bits at or past m read seed bits past n+m-2 (zero here) and are cut. */
  for (size_t o = 0; o < yw; o++) y[o] = direct_pass(x, n, s, sw, o * DIRECT_W);
  qkdi_store_words(out, y, m);
  qkd_free_secret(buf, total * sizeof(uint64_t));
  return QKD_OK;
}
