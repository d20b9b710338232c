// toeplitz_slow_test.cc: large-block agreement of the Toeplitz algorithms
// (label slow: seconds to minutes; not part of the unit run).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "internal.h"
#include "qkd/bits.h"
#include "qkd/rng.h"
#include "qkd/toeplitz.h"

namespace {

using Bits = std::vector<uint8_t>;

Bits RandomBits(qkd_rng *rng, size_t nbits) {
  Bits b(qkd_bits_nbytes(nbits));
  qkd_rng_fill_bits(rng, b.data(), nbits);
  return b;
}

TEST(ToeplitzSlowTest, FastMatchesDirectAtTwoToThe20) {
  qkd_rng rng;
  qkd_rng_seed(&rng, 20);
  const size_t n = 1u << 20, m = n / 2;
  Bits x = RandomBits(&rng, n), s = RandomBits(&rng, n + m - 1);
  Bits a(qkd_bits_nbytes(m)), b(qkd_bits_nbytes(m));
  ASSERT_EQ(qkd_toeplitz_hash(a.data(), m, x.data(), n, s.data(), QKD_TOEPLITZ_FAST), QKD_OK);
  ASSERT_EQ(qkd_toeplitz_hash(b.data(), m, x.data(), n, s.data(), QKD_TOEPLITZ_DIRECT), QKD_OK);
  EXPECT_EQ(a, b);
}

TEST(ToeplitzSlowTest, FastMatchesGf2xAtTwoToThe24AndOddSize) {
  qkd_rng rng;
  qkd_rng_seed(&rng, 24);
  for (size_t n : {size_t{1} << 24, (size_t{1} << 24) + 12345}) {
    size_t m = n / 2 + 7;
    Bits x = RandomBits(&rng, n), s = RandomBits(&rng, n + m - 1);
    Bits a(qkd_bits_nbytes(m)), b(qkd_bits_nbytes(m));
    ASSERT_EQ(qkd_toeplitz_hash(a.data(), m, x.data(), n, s.data(), QKD_TOEPLITZ_FAST), QKD_OK);
    ASSERT_EQ(qkdi_toeplitz_fast_portable(b.data(), m, x.data(), n, s.data()), QKD_OK);
    EXPECT_EQ(a, b) << "n=" << n;
  }
}

}  // namespace
