/* rng.h: a fast deterministic pseudo-random generator (xoshiro256**).
 *
 * Used wherever the project needs reproducible randomness from a seed: the
 * channel simulation, protocol seeds in tests and demos, random test inputs. The
 * state is a public struct, unlike the project's other objects, so that the
 * simulator's inner loop can inline it. It is not a cryptographic generator;
 * qkd_rng_seed_os() seeds it from the kernel for non-reproducible runs. */
#ifndef QKD_RNG_H
#define QKD_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "qkd/err.h"

#ifdef __cplusplus
extern "C" {
#endif

struct qkd_rng {
  uint64_t s[4];
};

/* qkd_rng_seed initialises |rng| from |seed| through splitmix64 (any seed is fine, 0 included). */
void qkd_rng_seed(struct qkd_rng *rng, uint64_t seed);

/* qkd_rng_seed_os initialises |rng| from getrandom(). Returns QKD_ERR_IO if the kernel fails. */
enum qkd_err qkd_rng_seed_os(struct qkd_rng *rng);

static inline uint64_t qkdi_rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* qkd_rng_next returns the next 64 uniformly distributed bits. */
static inline uint64_t qkd_rng_next(struct qkd_rng *rng) {
  uint64_t *s = rng->s;
  uint64_t result = qkdi_rotl64(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = qkdi_rotl64(s[3], 45);
  return result;
}

/* qkd_rng_double returns a uniform double in [0, 1) with 53 random bits. */
static inline double qkd_rng_double(struct qkd_rng *rng) {
  return (double)(qkd_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* qkd_rng_below returns a uniform integer in [0, bound) (bound > 0), without modulo bias. */
uint64_t qkd_rng_below(struct qkd_rng *rng, uint64_t bound);

/* qkd_rng_fill writes |len| random bytes to |buf|. */
void qkd_rng_fill(struct qkd_rng *rng, uint8_t *buf, size_t len);

/* qkd_rng_fill_bits writes a random |nbits|-bit string to |buf| (ceil(nbits/8)
 * bytes) with the unused tail bits cleared. */
void qkd_rng_fill_bits(struct qkd_rng *rng, uint8_t *buf, size_t nbits);

#ifdef __cplusplus
}
#endif

#endif /* QKD_RNG_H */
