#include "qkd/estimate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "qkd/bits.h"
#include "qkd/rng.h"

namespace {

// Builds two sifted sets with identical test classes and |errors_per_class| flips.
void MakeTestSets(qkd_sifted *a, qkd_sifted *b, size_t n, const int errors_per_class[3]) {
  memset(a, 0, sizeof(*a));
  memset(b, 0, sizeof(*b));
  qkd_rng rng;
  qkd_rng_seed(&rng, 11);
  a->test_len = b->test_len = n;
  a->test = static_cast<uint8_t *>(calloc(qkd_bits_nbytes(n), 1));
  b->test = static_cast<uint8_t *>(calloc(qkd_bits_nbytes(n), 1));
  a->test_class = static_cast<uint8_t *>(malloc(n));
  b->test_class = static_cast<uint8_t *>(malloc(n));
  qkd_rng_fill_bits(&rng, a->test, n);
  memcpy(b->test, a->test, qkd_bits_nbytes(n));
  int left[3] = {errors_per_class[0], errors_per_class[1], errors_per_class[2]};
  for (size_t i = 0; i < n; i++) {
    uint8_t c = static_cast<uint8_t>(i % 3);
    a->test_class[i] = b->test_class[i] = c;
    if (left[c] > 0) {
      qkd_bit_flip(b->test, i);
      left[c]--;
    }
  }
}

TEST(EstimateTest, CountsErrorsPerClassOnBothSides) {
  qkd_sifted a, b;
  const int errs[3] = {10, 3, 0};
  MakeTestSets(&a, &b, 3000, errs);
  qkd_buf m1 = {}, m2 = {};
  ASSERT_EQ(qkd_est_bob_announce(&m1, &b), QKD_OK);
  qkd_test_counts ca, cb;
  ASSERT_EQ(qkd_est_alice(&ca, &m2, &a, m1.data, m1.len), QKD_OK);
  ASSERT_EQ(qkd_est_bob(&cb, &b, m2.data, m2.len), QKD_OK);
  for (int k = 0; k < 3; k++) {
    EXPECT_EQ(ca.n[k], 1000u);
    EXPECT_EQ(ca.errors[k], static_cast<uint64_t>(errs[k]));
    EXPECT_EQ(cb.n[k], ca.n[k]);
    EXPECT_EQ(cb.errors[k], ca.errors[k]);
  }
  qkd_buf_cleanup(&m1);
  qkd_buf_cleanup(&m2);
  qkd_sifted_cleanup(&a);
  qkd_sifted_cleanup(&b);
}

TEST(EstimateTest, RejectsTruncatedWrongLengthAndInconsistentMessages) {
  qkd_sifted a, b;
  const int errs[3] = {1, 1, 1};
  MakeTestSets(&a, &b, 300, errs);
  qkd_buf m1 = {}, m2 = {};
  ASSERT_EQ(qkd_est_bob_announce(&m1, &b), QKD_OK);
  qkd_test_counts c;
  EXPECT_EQ(qkd_est_alice(&c, &m2, &a, m1.data, m1.len - 1), QKD_ERR_PROTOCOL);
  m1.data[0] = QKD_MSG_EST_RESULT;
  EXPECT_EQ(qkd_est_alice(&c, &m2, &a, m1.data, m1.len), QKD_ERR_PROTOCOL);
  m1.data[0] = QKD_MSG_EST_TEST;
  ASSERT_EQ(qkd_est_alice(&c, &m2, &a, m1.data, m1.len), QKD_OK);
  // Alice claiming more errors than events, or other event counts, is refused.
  std::vector<uint8_t> bad(m2.data, m2.data + m2.len);
  bad[2] = static_cast<uint8_t>(bad[2] + 1);  // n[0] off by one
  EXPECT_EQ(qkd_est_bob(&c, &b, bad.data(), bad.size()), QKD_ERR_PROTOCOL);
  EXPECT_EQ(qkd_est_bob(&c, &b, m2.data, m2.len - 1), QKD_ERR_PROTOCOL);
  qkd_buf_cleanup(&m1);
  qkd_buf_cleanup(&m2);
  qkd_sifted_cleanup(&a);
  qkd_sifted_cleanup(&b);
}

TEST(EstimateTest, QberBoundAddsHoeffdingTerm) {
  qkd_test_counts c = {{1000, 0, 0}, {20, 0, 0}};
  qkd_qber_est e;
  qkd_est_qber(&e, &c, 1e-10);
  EXPECT_DOUBLE_EQ(e.qber, 0.02);
  EXPECT_NEAR(e.qber_upper, 0.02 + std::sqrt(std::log(1e10) / 2000.0), 1e-12);
  qkd_test_counts none = {};
  qkd_est_qber(&e, &none, 1e-10);
  EXPECT_EQ(e.qber_upper, 0.5);  // no statistics: nothing can be claimed
}

}  // namespace
