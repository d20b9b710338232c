// toeplitz_test.cc: the Toeplitz hash (toeplitz.c, toeplitz_direct.c, clmul.c)
// against a bit-by-bit oracle of the contract in docs/design.md section 3.
#include "qkd/toeplitz.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "internal.h"
#include "qkd/bits.h"
#include "qkd/rng.h"

namespace {

using Bits = std::vector<uint8_t>;

Bits RandomBits(qkd_rng *rng, size_t nbits) {
  Bits b(qkd_bits_nbytes(nbits));
  qkd_rng_fill_bits(rng, b.data(), nbits);
  return b;
}

// Oracle: y[i] = XOR_j x[j] & s[i - j + n - 1], literally.
Bits Oracle(const Bits &x, size_t n, const Bits &s, size_t m) {
  Bits y(qkd_bits_nbytes(m), 0);
  for (size_t i = 0; i < m; i++) {
    bool v = false;
    for (size_t j = 0; j < n; j++)
      v ^= qkd_bit_get(x.data(), j) & qkd_bit_get(s.data(), i - j + n - 1);
    qkd_bit_set(y.data(), i, v);
  }
  return y;
}

Bits Hash(const Bits &x, size_t n, const Bits &s, size_t m, qkd_toeplitz_algo algo) {
  Bits y(qkd_bits_nbytes(m), 0xA5);  // garbage: the tail must come back zeroed
  EXPECT_EQ(qkd_toeplitz_hash(y.data(), m, x.data(), n, s.data(), algo), QKD_OK);
  return y;
}

struct Size {
  size_t n, m;
};

// Sizes around every word, basecase and Karatsuba boundary of the FAST path.
std::vector<Size> BoundarySizes() {
  std::vector<Size> out;
  const size_t T = QKDI_MP_BASECASE_WORDS;
  const size_t words[] = {1,         2,         3,     4,         5,         7,
                          8,         T - 1,     T,     T + 1,     2 * T - 1, 2 * T,
                          2 * T + 1, 4 * T - 1, 4 * T, 4 * T + 1, 8 * T + 3};
  for (size_t w : words) {
    for (long dm : {-1L, 0L, 1L, 37L}) {
      size_t m = (size_t)((long)(64 * w) + dm);
      for (size_t n : {m, m + 1, m + 63, 2 * m + 5, 3 * m - 1, 5 * m + 129}) out.push_back({n, m});
    }
  }
  return out;
}

class ToeplitzTest : public ::testing::Test {
 protected:
  void TearDown() override { qkdi_toeplitz_limit_clmul(-1); }
};

TEST_F(ToeplitzTest, HandComputedSmallVectors) {
  // n = 1, m = 1: y0 = x0 & s0.
  for (uint8_t x : {0, 1})
    for (uint8_t s : {0, 1})
      for (auto algo : {QKD_TOEPLITZ_DIRECT, QKD_TOEPLITZ_FAST}) {
        uint8_t y = 0xFF;
        ASSERT_EQ(qkd_toeplitz_hash(&y, 1, &x, 1, &s, algo), QKD_OK);
        EXPECT_EQ(y, x & s);
      }
  // n = 3, m = 2, x = 101b (x0 = x2 = 1), s = 0110b (s1 = s2 = 1):
  // y0 = x0 s2 ^ x1 s1 ^ x2 s0 = 1, y1 = x0 s3 ^ x1 s2 ^ x2 s1 = 1.
  for (auto algo : {QKD_TOEPLITZ_DIRECT, QKD_TOEPLITZ_FAST}) {
    uint8_t x = 0x05, s = 0x06, y = 0xFF;
    ASSERT_EQ(qkd_toeplitz_hash(&y, 2, &x, 3, &s, algo), QKD_OK);
    EXPECT_EQ(y, 0x03);
    // n = 4, m = 3, x = 1011b, s = 101001b (s0, s3, s5):
    // y0 = x0 s3 ^ x1 s2 ^ x2 s1 ^ x3 s0 = 1 ^ 0 ^ 0 ^ 1 = 0
    // y1 = x0 s4 ^ x1 s3 ^ x2 s2 ^ x3 s1 = 0 ^ 1 ^ 0 ^ 0 = 1
    // y2 = x0 s5 ^ x1 s4 ^ x2 s3 ^ x3 s2 = 1 ^ 0 ^ 0 ^ 0 = 1
    x = 0x0B;
    s = 0x29;
    ASSERT_EQ(qkd_toeplitz_hash(&y, 3, &x, 4, &s, algo), QKD_OK);
    EXPECT_EQ(y, 0x06);
  }
}

TEST_F(ToeplitzTest, SeedWithOneBitShiftsInput) {
  // s = t^(n-1+k): y[i] = x[i - k].
  qkd_rng rng;
  qkd_rng_seed(&rng, 7);
  const size_t n = 1000, m = 700;
  Bits x = RandomBits(&rng, n);
  for (size_t k : {0, 1, 63, 64, 299}) {
    Bits s(qkd_bits_nbytes(n + m - 1), 0);
    qkd_bit_set(s.data(), n - 1 + k, true);
    for (auto algo : {QKD_TOEPLITZ_DIRECT, QKD_TOEPLITZ_FAST}) {
      Bits y = Hash(x, n, s, m, algo);
      for (size_t i = 0; i < m; i++)
        ASSERT_EQ(qkd_bit_get(y.data(), i), i >= k && qkd_bit_get(x.data(), i - k)) << i;
    }
  }
}

TEST_F(ToeplitzTest, DirectMatchesOracleOnRandomOddSizes) {
  qkd_rng rng;
  qkd_rng_seed(&rng, 1);
  std::vector<Size> sizes = {{1, 1},     {2, 1},   {2, 2},      {7, 3},     {8, 8},    {9, 1},
                             {63, 63},   {64, 64}, {65, 1},     {65, 65},   {127, 64}, {128, 127},
                             {129, 129}, {300, 1}, {1000, 999}, {1031, 517}};
  for (int r = 0; r < 40; r++) {
    size_t n = 1 + qkd_rng_below(&rng, 700);
    sizes.push_back({n, 1 + qkd_rng_below(&rng, n)});
  }
  for (const Size &z : sizes) {
    Bits x = RandomBits(&rng, z.n), s = RandomBits(&rng, z.n + z.m - 1);
    ASSERT_EQ(Hash(x, z.n, s, z.m, QKD_TOEPLITZ_DIRECT), Oracle(x, z.n, s, z.m))
        << "n=" << z.n << " m=" << z.m;
  }
}

TEST_F(ToeplitzTest, FastMatchesOracleOnSmallSizes) {
  qkd_rng rng;
  qkd_rng_seed(&rng, 2);
  for (int r = 0; r < 60; r++) {
    size_t n = 1 + qkd_rng_below(&rng, 600), m = 1 + qkd_rng_below(&rng, n);
    Bits x = RandomBits(&rng, n), s = RandomBits(&rng, n + m - 1);
    ASSERT_EQ(Hash(x, n, s, m, QKD_TOEPLITZ_FAST), Oracle(x, n, s, m)) << "n=" << n << " m=" << m;
  }
}

// Every clmul level (VPCLMULQDQ, PCLMULQDQ, none = gf2x fallback) must give
// DIRECT's bits at every basecase and recursion boundary.
TEST_F(ToeplitzTest, FastMatchesDirectAtEveryThresholdAndLevel) {
  qkd_rng rng;
  qkd_rng_seed(&rng, 3);
  for (const Size &z : BoundarySizes()) {
    Bits x = RandomBits(&rng, z.n), s = RandomBits(&rng, z.n + z.m - 1);
    Bits want = Hash(x, z.n, s, z.m, QKD_TOEPLITZ_DIRECT);
    for (int level : {2, 1, 0}) {
      qkdi_toeplitz_limit_clmul(level);
      ASSERT_EQ(Hash(x, z.n, s, z.m, QKD_TOEPLITZ_FAST), want)
          << "n=" << z.n << " m=" << z.m << " level=" << level;
    }
    qkdi_toeplitz_limit_clmul(-1);
  }
}

TEST_F(ToeplitzTest, FastMatchesDirectWithSmallOutputOfLargeInput) {
  qkd_rng rng;
  qkd_rng_seed(&rng, 4);
  const Size sizes[] = {{(1u << 20), 1}, {(1u << 20) + 11, 64 * 33 + 5}, {(1u << 20), 4096}};
  for (const Size &z : sizes) {
    Bits x = RandomBits(&rng, z.n), s = RandomBits(&rng, z.n + z.m - 1);
    ASSERT_EQ(Hash(x, z.n, s, z.m, QKD_TOEPLITZ_FAST), Hash(x, z.n, s, z.m, QKD_TOEPLITZ_DIRECT))
        << "n=" << z.n << " m=" << z.m;
  }
}

TEST_F(ToeplitzTest, FastMatchesGf2xFallbackOnLargeBlocks) {
  qkd_rng rng;
  qkd_rng_seed(&rng, 5);
  const Size sizes[] = {{1u << 20, 1u << 19},
                        {(1u << 20) - 3, (1u << 20) - 3},
                        {1000003, 333331},
                        {1u << 18, 1u << 18}};
  for (const Size &z : sizes) {
    Bits x = RandomBits(&rng, z.n), s = RandomBits(&rng, z.n + z.m - 1);
    Bits fast = Hash(x, z.n, s, z.m, QKD_TOEPLITZ_FAST);
    Bits ref(qkd_bits_nbytes(z.m));
    ASSERT_EQ(qkdi_toeplitz_fast_portable(ref.data(), z.m, x.data(), z.n, s.data()), QKD_OK);
    ASSERT_EQ(fast, ref) << "n=" << z.n << " m=" << z.m;
  }
}

TEST_F(ToeplitzTest, BitsPastTheStatedSizesAreIgnored) {
  qkd_rng rng;
  qkd_rng_seed(&rng, 6);
  const size_t n = 1003, m = 333;  // n and n+m-1 end inside a byte
  Bits x = RandomBits(&rng, n), s = RandomBits(&rng, n + m - 1);
  Bits want = Oracle(x, n, s, m);
  // Longer buffers full of ones past the stated sizes.
  Bits xl = x, sl = s;
  xl.back() |= (uint8_t)(0xFF << (n % 8));
  sl.back() |= (uint8_t)(0xFF << ((n + m - 1) % 8));
  xl.resize(xl.size() + 16, 0xFF);
  sl.resize(sl.size() + 16, 0xFF);
  for (auto algo : {QKD_TOEPLITZ_DIRECT, QKD_TOEPLITZ_FAST})
    EXPECT_EQ(Hash(xl, n, sl, m, algo), want);
}

TEST_F(ToeplitzTest, InvalidArgumentsReturnTheirCodes) {
  uint8_t buf[16] = {0};
  for (auto algo : {QKD_TOEPLITZ_DIRECT, QKD_TOEPLITZ_FAST}) {
    EXPECT_EQ(qkd_toeplitz_hash(nullptr, 8, buf, 8, buf, algo), QKD_ERR_INVALID);
    EXPECT_EQ(qkd_toeplitz_hash(buf, 8, nullptr, 8, buf, algo), QKD_ERR_INVALID);
    EXPECT_EQ(qkd_toeplitz_hash(buf, 8, buf, 8, nullptr, algo), QKD_ERR_INVALID);
    EXPECT_EQ(qkd_toeplitz_hash(buf, 0, buf, 8, buf, algo), QKD_ERR_INVALID);
    EXPECT_EQ(qkd_toeplitz_hash(buf, 8, buf, 0, buf, algo), QKD_ERR_INVALID);
    EXPECT_EQ(qkd_toeplitz_hash(buf, 9, buf, 8, buf, algo), QKD_ERR_RANGE);
    EXPECT_EQ(qkd_toeplitz_hash(buf, 8, buf, QKD_TOEPLITZ_MAX_BITS + 1, buf, algo), QKD_ERR_RANGE);
  }
  EXPECT_EQ(qkd_toeplitz_hash(buf, 8, buf, 8, buf, (qkd_toeplitz_algo)7), QKD_ERR_INVALID);
}

}  // namespace
