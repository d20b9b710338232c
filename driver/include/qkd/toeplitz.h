/* toeplitz.h: Toeplitz-hash privacy amplification on the CPU.
 *
 * Contract (docs/design.md section 3): input x of n bits, seed s of n+m-1 bits,
 * output y of m bits, y[i] = XOR over j in [0,n) of (x[j] AND s[i - j + n - 1]),
 * i in [0,m). All bit strings are LSB-first (bit k in byte k/8 at position k%8)
 * with the unused high bits of the last byte zero. y[i] is coefficient i+n-1 of
 * the GF(2)[t] product X(t)*S(t), a middle product. See docs/pa.md. */
#ifndef QKD_TOEPLITZ_H
#define QKD_TOEPLITZ_H

#include <stddef.h>
#include <stdint.h>

#include "qkd/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* QKD_TOEPLITZ_MAX_BITS is the largest input size n (and output size m) accepted. */
#define QKD_TOEPLITZ_MAX_BITS ((size_t)1 << 30)

/* qkd_toeplitz_algo selects how the hash is computed; both give identical bits. */
enum qkd_toeplitz_algo {
  QKD_TOEPLITZ_DIRECT = 0, /* bit-sliced model of the RTL core, O(n*m/64) word operations */
  QKD_TOEPLITZ_FAST = 1,   /* carry-less multiply + transposed Karatsuba middle product */
};

/* qkd_toeplitz_hash writes the m = |out_bits| bit Toeplitz hash of the
 * n = |in_bits| bit string |in| under the (n+m-1)-bit |seed| to |out|
 * (ceil(m/8) bytes, tail bits zeroed). Requires 1 <= m <= n.
 * Returns QKD_ERR_INVALID for a NULL pointer, a zero size or an unknown |algo|,
 * QKD_ERR_RANGE for m > n or a size above QKD_TOEPLITZ_MAX_BITS, QKD_ERR_NOMEM
 * when scratch memory cannot be allocated; |out| is written only on QKD_OK.
 * Bits of |in| and |seed| past n and n+m-1 are ignored. The caller owns every
 * buffer; internal scratch copies of key material are wiped before release. */
enum qkd_err qkd_toeplitz_hash(uint8_t *out, size_t out_bits, const uint8_t *in, size_t in_bits,
                               const uint8_t *seed, enum qkd_toeplitz_algo algo);

#ifdef __cplusplus
}
#endif

#endif /* QKD_TOEPLITZ_H */
