#include "qkd/verify.h"

#include <math.h>
#include <string.h>

#include "qkd/bits.h"

uint64_t qkd_gf64_mul(uint64_t a, uint64_t b) {
  /* Shift-and-add with reduction on the fly; portable and fast enough for one
   * multiply per 64 key bits. */
  uint64_t r = 0;
  for (int i = 0; i < 64; i++) {
    r ^= a & (0 - ((b >> i) & 1));
    uint64_t carry = a >> 63;
    a = (a << 1) ^ (0x1bULL & (0 - carry));
  }
  return r;
}

uint64_t qkd_verify_tag(const uint8_t *bits, size_t nbits, uint64_t key) {
  size_t nbytes = qkd_bits_nbytes(nbits);
  uint64_t acc = 0;
  for (size_t off = 0; off < nbytes; off += 8) {
    uint64_t w = 0;
    size_t take = nbytes - off < 8 ? nbytes - off : 8;
    memcpy(&w, bits + off, take);
    if (off + 8 >= nbytes && nbits % 64) w &= (1ULL << (nbits % 64)) - 1;
    acc = qkd_gf64_mul(acc ^ w, key);
  }
  return acc;
}

double qkd_verify_collision_bound(size_t nbits) {
  return (double)qkd_bits_nwords(nbits) * ldexp(1.0, -64);
}
