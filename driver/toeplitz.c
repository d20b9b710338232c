/* toeplitz.c: argument checks, dispatch, word packing and the portable fallback
 * of the Toeplitz hash (see docs/pa.md). */
#include "qkd/toeplitz.h"

#include <gf2x.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "qkd/bits.h"
#include "qkd/log.h"

_Static_assert(sizeof(unsigned long) == sizeof(uint64_t), "gf2x words must be 64-bit");

void qkdi_load_words(uint64_t *dst, const uint8_t *src, size_t nbits) {
  size_t nw = qkd_bits_nwords(nbits);
  size_t nb = qkd_bits_nbytes(nbits);
  if (nw == 0) return;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  dst[nw - 1] = 0;
  memcpy(dst, src, nb);
#else
  memset(dst, 0, nw * sizeof(uint64_t));
  for (size_t i = 0; i < nb; i++) dst[i / 8] |= (uint64_t)src[i] << (8 * (i % 8));
#endif
  if (nbits % 64) dst[nw - 1] &= ((uint64_t)1 << (nbits % 64)) - 1;
}

void qkdi_store_words(uint8_t *dst, const uint64_t *src, size_t nbits) {
  size_t nb = qkd_bits_nbytes(nbits);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(dst, src, nb);
#else
  for (size_t i = 0; i < nb; i++) dst[i] = (uint8_t)(src[i / 8] >> (8 * (i % 8)));
#endif
  qkd_bits_clear_tail(dst, nbits);
}

enum qkd_err qkdi_toeplitz_fast_portable(uint8_t *out, size_t m, const uint8_t *in, size_t n,
                                         const uint8_t *seed) {
  size_t xw = qkd_bits_nwords(n), sw = qkd_bits_nwords(n + m - 1), yw = qkd_bits_nwords(m);
  size_t total = xw + sw + (xw + sw) + yw + 1;
  uint64_t *buf = calloc(total, sizeof(uint64_t));
  if (!buf) {
    qkdi_log(QKD_LOG_ERROR, "toeplitz", "cannot allocate %zu words for n = %zu", total, n);
    return QKD_ERR_NOMEM;
  }
  uint64_t *x = buf, *s = x + xw, *p = s + sw, *y = p + xw + sw;
  qkdi_load_words(x, in, n);
  qkdi_load_words(s, seed, n + m - 1);
  gf2x_mul((unsigned long *)p, (const unsigned long *)x, xw, (const unsigned long *)s, sw);
  /* y = bits n-1 .. n+m-2 of the product; p has a spare zero word at the end. */
  size_t sh = (n - 1) % 64, base = (n - 1) / 64;
  for (size_t i = 0; i < yw; i++) {
    uint64_t lo = p[base + i], hi = (base + i + 1 < xw + sw) ? p[base + i + 1] : 0;
    y[i] = sh ? (lo >> sh) | (hi << (64 - sh)) : lo;
  }
  qkdi_store_words(out, y, m);
  qkd_free_secret(buf, total * sizeof(uint64_t));
  return QKD_OK;
}

enum qkd_err qkd_toeplitz_hash(uint8_t *out, size_t out_bits, const uint8_t *in, size_t in_bits,
                               const uint8_t *seed, enum qkd_toeplitz_algo algo) {
  if (!out || !in || !seed || out_bits == 0 || in_bits == 0) {
    qkdi_log(QKD_LOG_ERROR, "toeplitz", "NULL buffer or zero size (n = %zu, m = %zu)", in_bits,
             out_bits);
    return QKD_ERR_INVALID;
  }
  if (algo != QKD_TOEPLITZ_DIRECT && algo != QKD_TOEPLITZ_FAST) {
    qkdi_log(QKD_LOG_ERROR, "toeplitz", "unknown algorithm %d", (int)algo);
    return QKD_ERR_INVALID;
  }
  if (in_bits > QKD_TOEPLITZ_MAX_BITS || out_bits > in_bits) {
    qkdi_log(QKD_LOG_ERROR, "toeplitz", "need 1 <= m <= n <= %zu, got n = %zu, m = %zu",
             (size_t)QKD_TOEPLITZ_MAX_BITS, in_bits, out_bits);
    return QKD_ERR_RANGE;
  }
  if (algo == QKD_TOEPLITZ_DIRECT) return qkdi_toeplitz_direct(out, out_bits, in, in_bits, seed);
  if (qkdi_toeplitz_clmul_available())
    return qkdi_toeplitz_fast_clmul(out, out_bits, in, in_bits, seed);
  return qkdi_toeplitz_fast_portable(out, out_bits, in, in_bits, seed);
}
