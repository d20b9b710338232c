#include "qkd/rng.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "qkd/bits.h"
#include "qkd/log.h"

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void qkd_rng_seed(struct qkd_rng *rng, uint64_t seed) {
  for (int i = 0; i < 4; i++) rng->s[i] = splitmix64(&seed);
}

enum qkd_err qkd_rng_seed_os(struct qkd_rng *rng) {
  uint8_t *p = (uint8_t *)rng->s;
  size_t got = 0;
  while (got < sizeof(rng->s)) {
    ssize_t r = getrandom(p + got, sizeof(rng->s) - got, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      qkdi_log(QKD_LOG_ERROR, "rng", "getrandom failed: %s", strerror(errno));
      return QKD_ERR_IO;
    }
    got += (size_t)r;
  }
  if (!(rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3])) rng->s[0] = 1; /* all-zero is a fixed point */
  return QKD_OK;
}

uint64_t qkd_rng_below(struct qkd_rng *rng, uint64_t bound) {
  /* Lemire's multiply-shift with rejection of the biased low range. */
  unsigned __int128 m = (unsigned __int128)qkd_rng_next(rng) * bound;
  uint64_t lo = (uint64_t)m;
  if (lo < bound) {
    uint64_t threshold = -bound % bound;
    while (lo < threshold) {
      m = (unsigned __int128)qkd_rng_next(rng) * bound;
      lo = (uint64_t)m;
    }
  }
  return (uint64_t)(m >> 64);
}

void qkd_rng_fill(struct qkd_rng *rng, uint8_t *buf, size_t len) {
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t v = qkd_rng_next(rng);
    memcpy(buf + i, &v, 8);
  }
  if (i < len) {
    uint64_t v = qkd_rng_next(rng);
    memcpy(buf + i, &v, len - i);
  }
}

void qkd_rng_fill_bits(struct qkd_rng *rng, uint8_t *buf, size_t nbits) {
  qkd_rng_fill(rng, buf, qkd_bits_nbytes(nbits));
  qkd_bits_clear_tail(buf, nbits);
}
