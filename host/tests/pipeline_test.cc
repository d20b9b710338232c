#include "qkd/pipeline.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "qkd/bits.h"

namespace {

struct Link {
  qkd_alice_events alice = {};
  qkd_bob_events bob = {};
  Link(uint64_t pulses, double km, double eve, uint64_t seed) {
    qkd_sim_params p;
    qkd_sim_params_default(&p);
    p.pulses = pulses;
    p.distance_km = km;
    p.eve_fraction = eve;
    p.seed = seed;
    EXPECT_EQ(qkd_sim_run(&alice, &bob, &p, nullptr, nullptr), QKD_OK);
  }
  ~Link() {
    qkd_alice_events_cleanup(&alice);
    qkd_bob_events_cleanup(&bob);
  }
};

TEST(PipelineTest, HonestLinkGivesEqualFinalKeysWithAccountedLeak) {
  Link link(30000000, 25, 0, 3);
  qkd_run_config cfg;
  qkd_run_config_default(&cfg);
  qkd_run_result r;
  ASSERT_EQ(qkd_pipeline_run(&r, &cfg, &link.alice, &link.bob), QKD_OK) << r.abort_reason;
  EXPECT_FALSE(r.aborted);
  EXPECT_TRUE(r.keys_equal);
  EXPECT_GT(r.final_bits, 10000u);
  EXPECT_LT(r.final_bits, r.reconciled_bits);
  EXPECT_EQ(r.frames_verified, r.frames);
  EXPECT_GT(r.errors_corrected, 0u);
  EXPECT_LT(r.qber.qber, 0.05);
  EXPECT_GT(r.efficiency, 1.0);  // Shannon limit
  EXPECT_LT(r.efficiency, 1.3);
  // The key length charged exactly what was disclosed.
  EXPECT_GT(r.disclosed_bits, 0u);
  EXPECT_GT(r.bytes_alice_to_bob, r.disclosed_bits / 8);
  qkd_run_result_cleanup(&r);
}

TEST(PipelineTest, SameSeedsGiveTheSameKey) {
  Link a(20000000, 10, 0, 8), b(20000000, 10, 0, 8);
  qkd_run_config cfg;
  qkd_run_config_default(&cfg);
  cfg.frame_bits = 1 << 14;
  qkd_run_result ra, rb;
  ASSERT_EQ(qkd_pipeline_run(&ra, &cfg, &a.alice, &a.bob), QKD_OK) << ra.abort_reason;
  ASSERT_EQ(qkd_pipeline_run(&rb, &cfg, &b.alice, &b.bob), QKD_OK) << rb.abort_reason;
  ASSERT_EQ(ra.final_bits, rb.final_bits);
  EXPECT_TRUE(qkd_bits_equal(ra.alice_key, rb.alice_key, ra.final_bits));
  cfg.seed++;  // other protocol randomness: same length, different key
  qkd_run_result rc;
  ASSERT_EQ(qkd_pipeline_run(&rc, &cfg, &a.alice, &a.bob), QKD_OK);
  EXPECT_FALSE(qkd_bits_equal(ra.alice_key, rc.alice_key, ra.final_bits < rc.final_bits ? ra.final_bits : rc.final_bits));
  qkd_run_result_cleanup(&ra);
  qkd_run_result_cleanup(&rb);
  qkd_run_result_cleanup(&rc);
}

TEST(PipelineTest, FullInterceptResendMakesQber25PercentAndAbortsWithNoKey) {
  Link link(5000000, 25, 1.0, 4);
  qkd_run_config cfg;
  qkd_run_config_default(&cfg);
  qkd_run_result r;
  EXPECT_EQ(qkd_pipeline_run(&r, &cfg, &link.alice, &link.bob), QKD_ERR_ABORT);
  EXPECT_TRUE(r.aborted);
  EXPECT_NEAR(r.qber.qber, 0.25, 0.03);
  EXPECT_NE(std::string(r.abort_reason).find("QBER"), std::string::npos) << r.abort_reason;
  EXPECT_EQ(r.final_bits, 0u);
  EXPECT_EQ(r.alice_key, nullptr);
  EXPECT_EQ(r.bob_key, nullptr);
  EXPECT_EQ(r.disclosed_bits, 0u);  // aborted before any key-basis parity left Alice
  qkd_run_result_cleanup(&r);
}

TEST(PipelineTest, TooFewPulsesAbortWithAClearReason) {
  Link link(20000, 25, 0, 5);
  qkd_run_config cfg;
  qkd_run_config_default(&cfg);
  qkd_run_result r;
  EXPECT_EQ(qkd_pipeline_run(&r, &cfg, &link.alice, &link.bob), QKD_ERR_ABORT);
  EXPECT_TRUE(r.aborted);
  EXPECT_GT(strlen(r.abort_reason), 10u);
  EXPECT_EQ(r.alice_key, nullptr);
  qkd_run_result_cleanup(&r);
}

TEST(PipelineTest, RejectsInvalidConfig) {
  Link link(1000, 25, 0, 6);
  qkd_run_config cfg;
  qkd_run_config_default(&cfg);
  cfg.frame_bits = 100;  // not a multiple of 8
  qkd_run_result r;
  EXPECT_EQ(qkd_pipeline_run(&r, &cfg, &link.alice, &link.bob), QKD_ERR_INVALID);
  qkd_run_config_default(&cfg);
  cfg.qber_threshold = 0.6;
  EXPECT_EQ(qkd_pipeline_run(&r, &cfg, &link.alice, &link.bob), QKD_ERR_INVALID);
}

}  // namespace
