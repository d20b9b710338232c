#include "qkd/rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

TEST(RngTest, SameSeedGivesSameStreamAndOtherSeedDiffers) {
  qkd_rng a, b, c;
  qkd_rng_seed(&a, 42);
  qkd_rng_seed(&b, 42);
  qkd_rng_seed(&c, 43);
  int same_c = 0;
  for (int i = 0; i < 100; i++) {
    uint64_t x = qkd_rng_next(&a);
    EXPECT_EQ(x, qkd_rng_next(&b));
    same_c += (x == qkd_rng_next(&c));
  }
  EXPECT_EQ(same_c, 0);
}

TEST(RngTest, BelowIsInRangeAndRoughlyUniform) {
  qkd_rng rng;
  qkd_rng_seed(&rng, 7);
  std::vector<int> hist(10);
  const int n = 100000;
  for (int i = 0; i < n; i++) {
    uint64_t v = qkd_rng_below(&rng, 10);
    ASSERT_LT(v, 10u);
    hist[v]++;
  }
  for (int h : hist) EXPECT_NEAR(h, n / 10, 5 * std::sqrt(n / 10.0));
}

TEST(RngTest, DoubleIsInUnitIntervalWithMeanOneHalf) {
  qkd_rng rng;
  qkd_rng_seed(&rng, 9);
  double sum = 0;
  for (int i = 0; i < 100000; i++) {
    double d = qkd_rng_double(&rng);
    ASSERT_GE(d, 0.0);
    ASSERT_LT(d, 1.0);
    sum += d;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.005);
}

TEST(RngTest, FillBitsClearsTail) {
  qkd_rng rng;
  qkd_rng_seed(&rng, 3);
  for (int t = 0; t < 50; t++) {
    uint8_t buf[2] = {0, 0};
    qkd_rng_fill_bits(&rng, buf, 13);
    EXPECT_EQ(buf[1] & 0xe0, 0);
  }
}

TEST(RngTest, OsSeedWorks) {
  qkd_rng a, b;
  ASSERT_EQ(qkd_rng_seed_os(&a), QKD_OK);
  ASSERT_EQ(qkd_rng_seed_os(&b), QKD_OK);
  EXPECT_NE(qkd_rng_next(&a), qkd_rng_next(&b));
}
