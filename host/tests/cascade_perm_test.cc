#include <gtest/gtest.h>

#include <vector>

#include "qkd/cascade.h"

static bool IsBijection(uint64_t key, uint64_t n) {
  std::vector<bool> seen(n, false);
  for (uint64_t i = 0; i < n; i++) {
    uint64_t y = qkd_cascade_perm(key, n, i);
    if (y >= n || seen[y]) return false;
    seen[y] = true;
    if (qkd_cascade_perm_inv(key, n, y) != i) return false;
  }
  return true;
}

TEST(CascadePermTest, IsABijectionWithMatchingInverseForManySizes) {
  const uint64_t sizes[] = {1,   2,    3,    4,    5,    7,    8,    9,     13,    31,    32,
                            33,  63,   64,   65,   97,   127,  128,  129,   251,   255,   256,
                            257, 1000, 1023, 1024, 1025, 4093, 4096, 65535, 65536, 65537, 100003};
  for (uint64_t n : sizes)
    for (uint64_t key : {0ull, 1ull, 0xdeadbeefcafef00dull})
      EXPECT_TRUE(IsBijection(key, n)) << "n=" << n << " key=" << key;
}

TEST(CascadePermTest, DependsOnTheKey) {
  const uint64_t n = 4096;
  int same = 0;
  for (uint64_t i = 0; i < n; i++) same += qkd_cascade_perm(1, n, i) == qkd_cascade_perm(2, n, i);
  EXPECT_LT(same, 64);  // a random pair of permutations agrees on about one point
  int fixed = 0;
  for (uint64_t i = 0; i < n; i++) fixed += qkd_cascade_perm(7, n, i) == i;
  EXPECT_LT(fixed, 64);
}

TEST(CascadePermTest, PassKeysDifferPerPassAndSeed) {
  EXPECT_NE(qkd_cascade_pass_key(1, 1), qkd_cascade_pass_key(1, 2));
  EXPECT_NE(qkd_cascade_pass_key(1, 1), qkd_cascade_pass_key(2, 1));
  EXPECT_EQ(qkd_cascade_pass_key(5, 3), qkd_cascade_pass_key(5, 3));
}

TEST(CascadePermTest, KnownAnswersPinTheDefinition) {
  // Pinned values: the RTL's testbench compares against these (docs/cascade.md).
  EXPECT_EQ(qkd_cascade_perm(0, 2, 0) + qkd_cascade_perm(0, 2, 1), 1u);
  EXPECT_EQ(qkd_cascade_perm(1, 1, 0), 0u);
  EXPECT_EQ(qkd_cascade_perm(1, 10, 10), 0u);  // out of range
}

TEST(CascadePermTest, SpreadsNeighboursAcrossBlocks) {
  // Adjacent indices should land in different blocks of 64 almost always.
  const uint64_t n = 1 << 16, key = qkd_cascade_pass_key(42, 1);
  int same_block = 0;
  for (uint64_t i = 0; i + 1 < n; i += 2)
    same_block += qkd_cascade_perm(key, n, i) / 64 == qkd_cascade_perm(key, n, i + 1) / 64;
  EXPECT_LT(same_block, 100);  // expected about n/2/1024 = 32
}
