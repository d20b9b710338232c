#include <gtest/gtest.h>

#include "qkd/cascade.h"

TEST(CascadeParamsTest, ChoosesPowerOfTwoFirstBlockNearPointEightOverQ) {
  struct qkd_cascade_params p;
  qkd_cascade_params_choose(&p, 1 << 17, 0.02);
  EXPECT_EQ(p.block_bits[0], 32u);
  EXPECT_EQ(p.block_bits[1], 256u);
  EXPECT_EQ(p.passes, 7u);
  for (uint32_t i = 2; i < p.passes; i++) EXPECT_EQ(p.block_bits[i], (1u << 17) / 8);
  qkd_cascade_params_choose(&p, 1 << 17, 0.01);
  EXPECT_EQ(p.block_bits[0], 64u);
  qkd_cascade_params_choose(&p, 1 << 17, 0.08);
  EXPECT_EQ(p.block_bits[0], 8u);
}

TEST(CascadeParamsTest, ChosenParametersAreValidForTinyAndOddFrames) {
  for (size_t n : {1u, 2u, 3u, 17u, 1000u, 65537u})
    for (double q : {0.0, 0.005, 0.02, 0.08, 0.3, -1.0}) {
      struct qkd_cascade_params p;
      qkd_cascade_params_choose(&p, n, q);
      EXPECT_TRUE(qkd_cascade_params_valid(&p, n)) << n << " " << q;
    }
}

TEST(CascadeParamsTest, ValidRejectsBadPassCountsAndBlocks) {
  struct qkd_cascade_params p = {};
  EXPECT_FALSE(qkd_cascade_params_valid(&p, 100));  // zero passes
  p.passes = 1;
  p.block_bits[0] = 1;
  EXPECT_FALSE(qkd_cascade_params_valid(&p, 100));  // block of one bit
  p.block_bits[0] = 8;
  EXPECT_TRUE(qkd_cascade_params_valid(&p, 100));
  EXPECT_FALSE(qkd_cascade_params_valid(&p, 0));
  p.passes = QKD_CASCADE_MAX_PASSES + 1;
  EXPECT_FALSE(qkd_cascade_params_valid(&p, 100));
  EXPECT_FALSE(qkd_cascade_params_valid(nullptr, 100));
}
