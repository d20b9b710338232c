/* internal.h: libqkddev's private declarations (not installed, not for callers). */
#ifndef QKD_DRIVER_INTERNAL_H
#define QKD_DRIVER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qkd/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* QKDI_MP_BASECASE_WORDS is the largest square middle product (in 64-bit words)
 * that the clmul path computes by schoolbook; larger ones recurse (transposed
 * Karatsuba). Tests use it to hit every threshold. */
#ifndef QKDI_MP_BASECASE_WORDS
#define QKDI_MP_BASECASE_WORDS 32
#endif

/* qkdi_load_words copies the |nbits|-bit string |src| into |dst| (room for
 * qkd_bits_nwords(nbits) words), zeroing every bit at or above |nbits|. */
void qkdi_load_words(uint64_t *dst, const uint8_t *src, size_t nbits);

/* qkdi_store_words writes the low |nbits| bits of |src| to |dst|
 * (ceil(nbits/8) bytes) with the tail bits of the last byte zeroed. */
void qkdi_store_words(uint8_t *dst, const uint64_t *src, size_t nbits);

/* qkdi_toeplitz_direct computes the hash with the bit-sliced model of the RTL
 * core (W = 64 outputs per pass, P = 64 input bits per step). Arguments are
 * already validated. Returns QKD_OK or QKD_ERR_NOMEM. */
enum qkd_err qkdi_toeplitz_direct(uint8_t *out, size_t m, const uint8_t *in, size_t n,
                                  const uint8_t *seed);

/* qkdi_toeplitz_clmul_available returns true when this CPU has PCLMULQDQ
 * (and the clmul path was compiled in). */
bool qkdi_toeplitz_clmul_available(void);

/* qkdi_toeplitz_vpclmul_available returns true when the 256-bit VPCLMULQDQ
 * basecase is in use. */
bool qkdi_toeplitz_vpclmul_available(void);

/* qkdi_toeplitz_limit_clmul caps the clmul level the FAST path uses at
 * |level| (0 = none: the gf2x fallback, 1 = PCLMULQDQ, 2 = VPCLMULQDQ; a
 * negative value restores what the CPU supports) and returns the level now in
 * use. For tests and benchmarks; not thread-safe. */
int qkdi_toeplitz_limit_clmul(int level);

/* qkdi_toeplitz_fast_clmul computes the hash as a middle product with a
 * PCLMULQDQ/VPCLMULQDQ basecase and transposed Karatsuba. Returns QKD_OK,
 * QKD_ERR_NOMEM, or QKD_ERR_UNSUPPORTED when the CPU lacks PCLMULQDQ. */
enum qkd_err qkdi_toeplitz_fast_clmul(uint8_t *out, size_t m, const uint8_t *in, size_t n,
                                      const uint8_t *seed);

/* qkdi_toeplitz_fast_portable computes the hash with libgf2x's full product
 * X*S and keeps coefficients n-1 .. n+m-2. Returns QKD_OK or QKD_ERR_NOMEM. */
enum qkd_err qkdi_toeplitz_fast_portable(uint8_t *out, size_t m, const uint8_t *in, size_t n,
                                         const uint8_t *seed);

#ifdef __cplusplus
}
#endif

#endif /* QKD_DRIVER_INTERNAL_H */
