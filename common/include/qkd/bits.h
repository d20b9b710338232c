/* bits.h: bit strings in the design's convention, key wiping and bit files.
 *
 * A string of L bits is stored in ceil(L/8) bytes, bit k in byte k/8 at bit
 * position k%8 (least significant bit first); unused high bits of the last byte
 * are zero. On a little-endian machine the same buffer read as uint64_t words
 * holds bit k in word k/64 at position k%64, which the word-level code relies on. */
#ifndef QKD_BITS_H
#define QKD_BITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qkd/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* qkd_bits_nbytes returns ceil(|nbits| / 8). */
static inline size_t qkd_bits_nbytes(size_t nbits) { return nbits / 8 + (nbits % 8 != 0); }

/* qkd_bits_nwords returns ceil(|nbits| / 64). */
static inline size_t qkd_bits_nwords(size_t nbits) { return nbits / 64 + (nbits % 64 != 0); }

/* qkd_bit_get returns bit |k| of |buf|. */
static inline bool qkd_bit_get(const uint8_t *buf, size_t k) { return (buf[k >> 3] >> (k & 7)) & 1; }

/* qkd_bit_set sets bit |k| of |buf| to |v|. */
static inline void qkd_bit_set(uint8_t *buf, size_t k, bool v) {
  buf[k >> 3] = (uint8_t)((buf[k >> 3] & ~(1u << (k & 7))) | ((unsigned)v << (k & 7)));
}

/* qkd_bit_flip inverts bit |k| of |buf|. */
static inline void qkd_bit_flip(uint8_t *buf, size_t k) { buf[k >> 3] ^= (uint8_t)(1u << (k & 7)); }

/* qkd_bits_clear_tail zeroes the unused high bits of the last byte of an
 * |nbits|-bit string, restoring the convention after word-level writes. */
void qkd_bits_clear_tail(uint8_t *buf, size_t nbits);

/* qkd_bits_hamming returns the number of positions in [0, nbits) where |a| and |b| differ. */
size_t qkd_bits_hamming(const uint8_t *a, const uint8_t *b, size_t nbits);

/* qkd_bits_equal returns true when the first |nbits| bits of |a| and |b| are equal. */
bool qkd_bits_equal(const uint8_t *a, const uint8_t *b, size_t nbits);

/* qkd_wipe overwrites |len| bytes at |p| with zeros in a way the compiler may not
 * remove. Call it on every buffer that held key material before releasing it. */
void qkd_wipe(void *p, size_t len);

/* qkd_free_secret wipes |len| bytes at |p| and frees it. |p| may be NULL. */
void qkd_free_secret(void *p, size_t len);

/* qkd_bits_read_file reads an |nbits|-bit string from the raw file at |path| into
 * a new buffer of ceil(nbits/8) bytes (tail bits cleared) and stores it in |*out|.
 * Longer files are accepted and their remaining bytes ignored, so a large random
 * seed file serves any size.
 * Returns QKD_ERR_INVALID for nbits == 0, QKD_ERR_IO when the file cannot be
 * opened or read, QKD_ERR_FORMAT when it holds fewer than ceil(nbits/8) bytes,
 * QKD_ERR_NOMEM. On error nothing is written to |*out|. The caller owns the
 * buffer and frees it with qkd_free_secret(). Errors are logged with the path. */
enum qkd_err qkd_bits_read_file(uint8_t **out, const char *path, size_t nbits);

/* qkd_file_write_atomic writes |len| bytes to |path| through a temporary file in
 * the same folder, fsync and rename, so a crash leaves either the old file or the
 * complete new one. |mode| is applied before any byte is written (0600 for keys).
 * Returns QKD_ERR_IO on any failure (logged with the path); the temporary file is
 * removed. */
enum qkd_err qkd_file_write_atomic(const char *path, const uint8_t *buf, size_t len,
                                   unsigned mode);

#ifdef __cplusplus
}
#endif

#endif /* QKD_BITS_H */
