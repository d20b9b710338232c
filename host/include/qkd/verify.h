/* verify.h: verification of a reconciled frame with a universal hash.
 *
 * After Cascade, Alice sends a fresh uniformly random 64-bit hash key and the tag
 * of her frame; Bob compares it with the tag of his. The tag is the polynomial hash
 * over GF(2^64) (reduction polynomial x^64 + x^4 + x^3 + x + 1): with the frame's
 * L = ceil(n/64) little-endian words w_1..w_L, tag = sum_i w_i k^(L-i+1). Two
 * different frames of the same length collide for at most L of the 2^64 keys, so
 * the collision probability is at most L / 2^64 (2^-53 for a 2^17-bit frame). */
#ifndef QKD_VERIFY_H
#define QKD_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* qkd_gf64_mul returns a * b in GF(2^64) modulo x^64 + x^4 + x^3 + x + 1. */
uint64_t qkd_gf64_mul(uint64_t a, uint64_t b);

/* qkd_verify_tag returns the polynomial hash of the |nbits|-bit string |bits| under |key|. */
uint64_t qkd_verify_tag(const uint8_t *bits, size_t nbits, uint64_t key);

/* qkd_verify_collision_bound returns ceil(nbits/64) / 2^64, the probability that two
 * different |nbits|-bit frames get the same tag under a uniformly random key. */
double qkd_verify_collision_bound(size_t nbits);

#ifdef __cplusplus
}
#endif

#endif /* QKD_VERIFY_H */
