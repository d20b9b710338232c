#include "qkd/verify.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "qkd/bits.h"
#include "qkd/rng.h"

TEST(VerifyTest, Gf64MulIsAFieldMultiplication) {
  qkd_rng rng;
  qkd_rng_seed(&rng, 5);
  // x * x^63 = x^64 = x^4 + x^3 + x + 1.
  EXPECT_EQ(qkd_gf64_mul(2, 1ULL << 63), 0x1bULL);
  for (int i = 0; i < 200; i++) {
    uint64_t a = qkd_rng_next(&rng), b = qkd_rng_next(&rng), c = qkd_rng_next(&rng);
    EXPECT_EQ(qkd_gf64_mul(a, 1), a);
    EXPECT_EQ(qkd_gf64_mul(a, 0), 0u);
    EXPECT_EQ(qkd_gf64_mul(a, b), qkd_gf64_mul(b, a));
    EXPECT_EQ(qkd_gf64_mul(a, b ^ c), qkd_gf64_mul(a, b) ^ qkd_gf64_mul(a, c));
    EXPECT_EQ(qkd_gf64_mul(qkd_gf64_mul(a, b), c), qkd_gf64_mul(a, qkd_gf64_mul(b, c)));
  }
}

TEST(VerifyTest, TagIsLinearInTheFrameAndIgnoresTailBits) {
  qkd_rng rng;
  qkd_rng_seed(&rng, 6);
  for (size_t n : {1u, 63u, 64u, 65u, 1000u, 4099u}) {
    std::vector<uint8_t> a(qkd_bits_nbytes(n)), b(a.size()), x(a.size());
    qkd_rng_fill_bits(&rng, a.data(), n);
    qkd_rng_fill_bits(&rng, b.data(), n);
    for (size_t i = 0; i < a.size(); i++) x[i] = a[i] ^ b[i];
    uint64_t k = qkd_rng_next(&rng);
    EXPECT_EQ(qkd_verify_tag(a.data(), n, k) ^ qkd_verify_tag(b.data(), n, k),
              qkd_verify_tag(x.data(), n, k));
    if (n % 8) {
      std::vector<uint8_t> dirty = a;
      dirty.back() |= static_cast<uint8_t>(0xff << (n % 8));
      EXPECT_EQ(qkd_verify_tag(dirty.data(), n, k), qkd_verify_tag(a.data(), n, k));
    }
  }
}

TEST(VerifyTest, SingleBitErrorsAreDetected) {
  qkd_rng rng;
  qkd_rng_seed(&rng, 7);
  const size_t n = 1 << 17;
  std::vector<uint8_t> a(n / 8);
  qkd_rng_fill(&rng, a.data(), a.size());
  for (int t = 0; t < 100; t++) {
    std::vector<uint8_t> b = a;
    qkd_bit_flip(b.data(), qkd_rng_below(&rng, n));
    uint64_t k = qkd_rng_next(&rng);
    EXPECT_NE(qkd_verify_tag(a.data(), n, k), qkd_verify_tag(b.data(), n, k));
  }
}

TEST(VerifyTest, CollisionBoundIsWordsOver2To64) {
  EXPECT_DOUBLE_EQ(qkd_verify_collision_bound(1 << 17), 2048 * std::ldexp(1.0, -64));
  EXPECT_DOUBLE_EQ(qkd_verify_collision_bound(65), 2 * std::ldexp(1.0, -64));
}
