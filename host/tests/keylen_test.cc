#include "qkd/keylen.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

qkd_keylen_params Params() {
  return qkd_keylen_params{{0.5, 0.1, 0.0002}, {0.7, 0.2, 0.1}, 1e-10, 1e-15};
}

// Expected counts of a 25 km link over 1e10 pulses (p_key 0.85, det_eff 0.25,
// 6e-7 dark counts, 0.5% misalignment) and a leak of 1.1 n h(1%).
qkd_keylen_input Input() {
  return qkd_keylen_input{{196021454, 11380411, 12291}, {6104474, 354407, 383}, {30612, 1799, 15},
                          18433404};
}

// Reference values from an independent evaluation in Python of Lim et al. (2014),
// Eqs. 1-5, with the per-class Chernoff bounds (docs/keylength.md).
TEST(KeylenTest, MatchesIndependentEvaluationOfLimEtAl) {
  qkd_keylen_params p = Params();
  qkd_keylen_input in = Input();
  qkd_keylen_result r;
  ASSERT_EQ(qkd_keylen_compute(&r, &p, &in), QKD_OK);
  EXPECT_EQ(r.s_key0, 0.0);  // mu3 times the decoy counts outweighs the vacuum counts
  EXPECT_NEAR(r.s_key1, 127453030.70894909, 1e-3);
  EXPECT_NEAR(r.s_test1, 3904269.56072934, 1e-4);
  EXPECT_NEAR(r.v_test1, 27204.105836714498, 1e-6);
  EXPECT_NEAR(r.phase_error, 0.0073672117346664494, 1e-12);
  EXPECT_NEAR(r.length_real, 101017387.1806481, 1e-2);
  EXPECT_EQ(r.length, 101017387u);
}

TEST(KeylenTest, EveryDisclosedBitCostsOneKeyBit) {
  qkd_keylen_params p = Params();
  qkd_keylen_input in = Input();
  qkd_keylen_result a, b;
  ASSERT_EQ(qkd_keylen_compute(&a, &p, &in), QKD_OK);
  in.leak_ec += 1000;
  ASSERT_EQ(qkd_keylen_compute(&b, &p, &in), QKD_OK);
  EXPECT_NEAR(a.length_real - b.length_real, 1000.0, 1e-6);
}

TEST(KeylenTest, MoreTestErrorsGiveShorterKeyAndInterceptResendGivesNone) {
  qkd_keylen_params p = Params();
  qkd_keylen_input in = Input();
  qkd_keylen_result base, worse, eve;
  ASSERT_EQ(qkd_keylen_compute(&base, &p, &in), QKD_OK);
  for (int k = 0; k < 3; k++) in.m_test[k] *= 3;
  ASSERT_EQ(qkd_keylen_compute(&worse, &p, &in), QKD_OK);
  EXPECT_LT(worse.length, base.length);
  EXPECT_GT(worse.phase_error, base.phase_error);
  for (int k = 0; k < 3; k++) in.m_test[k] = in.n_test[k] / 4;  // 25% errors
  ASSERT_EQ(qkd_keylen_compute(&eve, &p, &in), QKD_OK);
  EXPECT_EQ(eve.length, 0u);
}

TEST(KeylenTest, SmallBlocksPayForFiniteSize) {
  qkd_keylen_params p = Params();
  qkd_keylen_input big = Input(), small = Input();
  for (int k = 0; k < 3; k++) {
    small.n_key[k] /= 1000;
    small.n_test[k] /= 1000;
    small.m_test[k] /= 1000;
  }
  small.leak_ec /= 1000;
  qkd_keylen_result rb, rs;
  ASSERT_EQ(qkd_keylen_compute(&rb, &p, &big), QKD_OK);
  ASSERT_EQ(qkd_keylen_compute(&rs, &p, &small), QKD_OK);
  EXPECT_LT(rs.length_real * 1000.0, rb.length_real);  // rate per bit drops for small blocks
}

TEST(KeylenTest, NoCountsGiveNoKey) {
  qkd_keylen_params p = Params();
  qkd_keylen_input in = {};
  qkd_keylen_result r;
  ASSERT_EQ(qkd_keylen_compute(&r, &p, &in), QKD_OK);
  EXPECT_EQ(r.length, 0u);
}

TEST(KeylenTest, RejectsIntensitiesOutsideTheBoundsConditions) {
  qkd_keylen_input in = Input();
  qkd_keylen_result r;
  qkd_keylen_params p = Params();
  p.mu[0] = 0.1;  // mu1 > mu2 + mu3 violated
  EXPECT_EQ(qkd_keylen_compute(&r, &p, &in), QKD_ERR_INVALID);
  p = Params();
  p.mu[2] = 0.2;  // mu2 > mu3 violated
  EXPECT_EQ(qkd_keylen_compute(&r, &p, &in), QKD_ERR_INVALID);
  p = Params();
  p.eps_sec = 0;
  EXPECT_EQ(qkd_keylen_compute(&r, &p, &in), QKD_ERR_INVALID);
  p = Params();
  p.p_mu[1] = 0;
  EXPECT_EQ(qkd_keylen_compute(&r, &p, &in), QKD_ERR_INVALID);
}

TEST(KeylenTest, BinaryEntropy) {
  EXPECT_DOUBLE_EQ(qkd_h2(0.5), 1.0);
  EXPECT_EQ(qkd_h2(0), 0.0);
  EXPECT_EQ(qkd_h2(1), 0.0);
  EXPECT_NEAR(qkd_h2(0.11), 0.4999, 1e-4);
}

}  // namespace
