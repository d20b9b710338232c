// Tests of the BB84 link model: determinism, agreement of both samplers with the
// analytic gain and QBER, the Eve model, parameter checking and measurement.
#include "qkd/bb84sim.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

namespace {

struct SimRun {
  qkd_alice_events a{};
  qkd_bob_events b{};
  ~SimRun() {
    qkd_alice_events_cleanup(&a);
    qkd_bob_events_cleanup(&b);
  }
};

qkd_sim_params Params(uint64_t pulses, uint64_t seed, double km) {
  qkd_sim_params p;
  qkd_sim_params_default(&p);
  p.pulses = pulses;
  p.seed = seed;
  p.distance_km = km;
  return p;
}

// ExpectNear checks a measured proportion successes/n against probability p
// within 5 binomial standard deviations (plus a tiny absolute slack).
void ExpectProportion(uint64_t successes, uint64_t n, double p, const char *what) {
  ASSERT_GT(n, 0u) << what;
  double sigma = std::sqrt(p * (1 - p) / (double)n);
  double got = (double)successes / (double)n;
  EXPECT_NEAR(got, p, 5 * sigma + 1e-9) << what << ": " << successes << "/" << n;
}

void CheckAgainstExpected(const qkd_sim_params &p, bool reference) {
  SimRun r;
  ASSERT_EQ(reference ? qkd_sim_run_reference(&r.a, &r.b, &p, nullptr, nullptr)
                      : qkd_sim_run(&r.a, &r.b, &p, nullptr, nullptr),
            QKD_OK);
  qkd_sim_expect ex;
  qkd_sim_expected(&ex, &p);
  qkd_sim_measured m;
  ASSERT_EQ(qkd_sim_measure(&m, &r.a, &r.b), QKD_OK);
  EXPECT_EQ(m.pulses_total, p.pulses);
  for (int k = 0; k < 3; k++) {
    ExpectProportion(m.pulses[k], p.pulses, p.p_mu[k], "class share");
    ExpectProportion(m.detections[k], m.pulses[k], ex.gain[k], "gain");
    if (m.sifted[k] > 0) ExpectProportion(m.errors[k], m.sifted[k], ex.qber[k], "qber");
  }
  // Sifted share: P(bases match) = pk^2 + (1-pk)^2.
  double pm = p.p_key_basis * p.p_key_basis + (1 - p.p_key_basis) * (1 - p.p_key_basis);
  ExpectProportion(m.sifted_total, m.detections_total, pm, "sifted share");
  ExpectProportion(m.errors_total, m.sifted_total, ex.qber_total, "total qber");
}

bool SameEvents(const SimRun &x, const SimRun &y) {
  if (x.a.pulses != y.a.pulses || x.b.count != y.b.count) return false;
  size_t nb = (size_t)(x.a.pulses / 2 + (x.a.pulses & 1));
  return std::memcmp(x.a.settings, y.a.settings, nb) == 0 &&
         std::memcmp(x.b.records, y.b.records, x.b.count * 8) == 0;
}

}  // namespace

TEST(Bb84SimTest, DefaultsPassCheckAndMatchTheBrief) {
  qkd_sim_params p;
  qkd_sim_params_default(&p);
  EXPECT_EQ(qkd_sim_params_check(&p), QKD_OK);
  EXPECT_EQ(p.distance_km, 25.0);
  EXPECT_EQ(p.mu[0], 0.5);
  EXPECT_EQ(p.p_key_basis, 0.85);
  EXPECT_EQ(p.eve_fraction, 0.0);
}

TEST(Bb84SimTest, ParamsCheckRejectsOutOfRange) {
  qkd_sim_params base;
  qkd_sim_params_default(&base);
  std::vector<void (*)(qkd_sim_params *)> bad = {
      [](qkd_sim_params *p) { p->pulses = 0; },
      [](qkd_sim_params *p) { p->distance_km = -1; },
      [](qkd_sim_params *p) { p->det_eff = 1.5; },
      [](qkd_sim_params *p) { p->dark_count = 1.0; },
      [](qkd_sim_params *p) { p->misalignment = 0.6; },
      [](qkd_sim_params *p) { p->mu[1] = 0.6; },
      [](qkd_sim_params *p) { p->mu[2] = -0.1; },
      [](qkd_sim_params *p) { p->p_mu[0] = 0.8; },
      [](qkd_sim_params *p) { p->p_mu[2] = -0.1; p->p_mu[0] = 0.9; },
      [](qkd_sim_params *p) { p->p_key_basis = 1.01; },
      [](qkd_sim_params *p) { p->eve_fraction = NAN; },
  };
  for (size_t i = 0; i < bad.size(); i++) {
    qkd_sim_params p = base;
    bad[i](&p);
    EXPECT_EQ(qkd_sim_params_check(&p), QKD_ERR_RANGE) << "case " << i;
    SimRun r;
    EXPECT_EQ(qkd_sim_run(&r.a, &r.b, &p, nullptr, nullptr), QKD_ERR_RANGE) << "case " << i;
    EXPECT_EQ(r.a.settings, nullptr);
    EXPECT_EQ(r.b.records, nullptr);
  }
  EXPECT_EQ(qkd_sim_params_check(nullptr), QKD_ERR_INVALID);
}

TEST(Bb84SimTest, ExpectedMatchesClosedFormsInSimpleLimits) {
  qkd_sim_params p = Params(1, 1, 0);
  p.dark_count = 0;
  p.misalignment = 0;
  qkd_sim_expect ex;
  qkd_sim_expected(&ex, &p);
  double eta = p.det_eff;
  for (int k = 0; k < 3; k++) {
    EXPECT_NEAR(ex.gain[k], 1 - std::exp(-eta * p.mu[k]), 1e-15);
    EXPECT_NEAR(ex.qber[k], 0.0, 1e-15);
  }
  // Full intercept-resend, no noise: half the sifted detections come from a
  // state in the other basis; those err with probability e_h / Q where each
  // detector sees eta mu / 2.
  p.eve_fraction = 1;
  qkd_sim_expected(&ex, &p);
  for (int k = 0; k < 3; k++) {
    double h = 1 - std::exp(-eta * p.mu[k] / 2);
    double eh = h * (1 - h) + h * h / 2;
    EXPECT_NEAR(ex.qber[k], 0.5 * eh / ex.gain[k], 1e-12);
    EXPECT_NEAR(ex.qber[k], 0.25, 0.01);
  }
  // Pure dark counts: every detection is a coin flip.
  p.eve_fraction = 0;
  p.det_eff = 0;
  p.dark_count = 1e-3;
  qkd_sim_expected(&ex, &p);
  EXPECT_NEAR(ex.gain[0], 1 - (1 - 1e-3) * (1 - 1e-3), 1e-15);
  EXPECT_NEAR(ex.qber[0], 0.5, 1e-12);
}

TEST(Bb84SimTest, SameSeedGivesSameEventsDifferentSeedDifferent) {
  qkd_sim_params p = Params(1000001, 42, 25);
  SimRun x, y, z;
  ASSERT_EQ(qkd_sim_run(&x.a, &x.b, &p, nullptr, nullptr), QKD_OK);
  ASSERT_EQ(qkd_sim_run(&y.a, &y.b, &p, nullptr, nullptr), QKD_OK);
  EXPECT_TRUE(SameEvents(x, y));
  p.seed = 43;
  ASSERT_EQ(qkd_sim_run(&z.a, &z.b, &p, nullptr, nullptr), QKD_OK);
  EXPECT_FALSE(SameEvents(x, z));
  // The odd pulse count leaves the unused high nibble zero.
  EXPECT_EQ(x.a.settings[p.pulses / 2] & 0xf0, 0);
}

TEST(Bb84SimTest, ReferenceSamplerIsDeterministicToo) {
  qkd_sim_params p = Params(200000, 7, 10);
  SimRun x, y;
  ASSERT_EQ(qkd_sim_run_reference(&x.a, &x.b, &p, nullptr, nullptr), QKD_OK);
  ASSERT_EQ(qkd_sim_run_reference(&y.a, &y.b, &p, nullptr, nullptr), QKD_OK);
  EXPECT_TRUE(SameEvents(x, y));
}

TEST(Bb84SimTest, RecordsAreSortedAndInRange) {
  qkd_sim_params p = Params(3000000, 5, 0);
  SimRun r;
  ASSERT_EQ(qkd_sim_run(&r.a, &r.b, &p, nullptr, nullptr), QKD_OK);
  ASSERT_GT(r.b.count, 0u);
  EXPECT_EQ(r.b.pulses, p.pulses);
  for (size_t i = 0; i < r.b.count; i++) {
    ASSERT_LT(r.b.records[i] >> 2, p.pulses);
    if (i) {
      ASSERT_LT(r.b.records[i - 1] >> 2, r.b.records[i] >> 2);
    }
  }
}

TEST(Bb84SimTest, FastSamplerMatchesExpectedAt25Km) { CheckAgainstExpected(Params(8000000, 11, 25), false); }

TEST(Bb84SimTest, FastSamplerMatchesExpectedAt100Km) {
  CheckAgainstExpected(Params(8000000, 12, 100), false);
}

TEST(Bb84SimTest, FastSamplerMatchesExpectedWithHighDarkCountsAndMisalignment) {
  qkd_sim_params p = Params(4000000, 13, 50);
  p.dark_count = 1e-3;
  p.misalignment = 0.05;
  p.mu[0] = 2.0;
  CheckAgainstExpected(p, false);
}

TEST(Bb84SimTest, ReferenceSamplerMatchesExpectedAtTwoDistances) {
  CheckAgainstExpected(Params(10000000, 21, 25), true);
  CheckAgainstExpected(Params(10000000, 22, 80), true);
}

TEST(Bb84SimTest, FastAndReferenceSamplersAgreeStatistically) {
  qkd_sim_params p = Params(10000000, 31, 20);
  p.eve_fraction = 0.3;
  p.dark_count = 1e-4;
  SimRun f, r;
  ASSERT_EQ(qkd_sim_run(&f.a, &f.b, &p, nullptr, nullptr), QKD_OK);
  ASSERT_EQ(qkd_sim_run_reference(&r.a, &r.b, &p, nullptr, nullptr), QKD_OK);
  qkd_sim_measured mf, mr;
  ASSERT_EQ(qkd_sim_measure(&mf, &f.a, &f.b), QKD_OK);
  ASSERT_EQ(qkd_sim_measure(&mr, &r.a, &r.b), QKD_OK);
  // Two-sample z-tests on each class's gain and QBER.
  for (int k = 0; k < 3; k++) {
    double pg = (double)(mf.detections[k] + mr.detections[k]) / (double)(mf.pulses[k] + mr.pulses[k]);
    double sg = std::sqrt(pg * (1 - pg) * (1.0 / mf.pulses[k] + 1.0 / mr.pulses[k]));
    EXPECT_NEAR(mf.gain[k], mr.gain[k], 5 * sg + 1e-12) << "gain class " << k;
    double pq = (double)(mf.errors[k] + mr.errors[k]) / (double)(mf.sifted[k] + mr.sifted[k]);
    double sq = std::sqrt(pq * (1 - pq) * (1.0 / mf.sifted[k] + 1.0 / mr.sifted[k]));
    EXPECT_NEAR(mf.qber[k], mr.qber[k], 5 * sq + 1e-12) << "qber class " << k;
  }
}

TEST(Bb84SimTest, FullInterceptResendGivesAbout25PercentQberAndUnchangedGain) {
  qkd_sim_params p = Params(4000000, 41, 25);
  qkd_sim_expect ex0;
  qkd_sim_expected(&ex0, &p);
  p.eve_fraction = 1.0;
  qkd_sim_expect ex;
  qkd_sim_expected(&ex, &p);
  EXPECT_NEAR(ex.qber[0], 0.25 + p.misalignment / 2, 0.005);
  EXPECT_DOUBLE_EQ(ex.gain[0], ex0.gain[0]);
  SimRun r;
  ASSERT_EQ(qkd_sim_run(&r.a, &r.b, &p, nullptr, nullptr), QKD_OK);
  qkd_sim_measured m;
  ASSERT_EQ(qkd_sim_measure(&m, &r.a, &r.b), QKD_OK);
  EXPECT_NEAR(m.qber[0], 0.25, 0.01);
  ExpectProportion(m.errors[0], m.sifted[0], ex.qber[0], "qber signal, Eve 1");
  ExpectProportion(m.detections[0], m.pulses[0], ex0.gain[0], "gain signal, Eve 1");
  ExpectProportion(m.errors[1], m.sifted[1], ex.qber[1], "qber decoy, Eve 1");
}

TEST(Bb84SimTest, HalfInterceptResendGivesHalfTheRise) {
  qkd_sim_params p = Params(4000000, 51, 25);
  qkd_sim_expect ex0, ex1, exh;
  qkd_sim_expected(&ex0, &p);
  p.eve_fraction = 1.0;
  qkd_sim_expected(&ex1, &p);
  p.eve_fraction = 0.5;
  qkd_sim_expected(&exh, &p);
  EXPECT_NEAR(exh.qber[0] - ex0.qber[0], 0.5 * (ex1.qber[0] - ex0.qber[0]), 1e-12);
  SimRun r;
  ASSERT_EQ(qkd_sim_run(&r.a, &r.b, &p, nullptr, nullptr), QKD_OK);
  qkd_sim_measured m;
  ASSERT_EQ(qkd_sim_measure(&m, &r.a, &r.b), QKD_OK);
  EXPECT_NEAR(m.qber[0], 0.125 + ex0.qber[0] / 2, 0.01);
  ExpectProportion(m.errors_total, m.sifted_total, exh.qber_total, "total qber, Eve 0.5");
}

TEST(Bb84SimTest, ProgressIsReportedToTheEnd) {
  qkd_sim_params p = Params(((uint64_t)1 << 24) + 5, 3, 25);
  struct Log {
    std::vector<uint64_t> done;
  } log;
  SimRun r;
  ASSERT_EQ(qkd_sim_run(&r.a, &r.b, &p,
                        [](void *ctx, uint64_t done, uint64_t total) {
                          static_cast<Log *>(ctx)->done.push_back(done);
                          EXPECT_EQ(total, ((uint64_t)1 << 24) + 5);
                        },
                        &log),
            QKD_OK);
  ASSERT_EQ(log.done.size(), 2u);
  EXPECT_EQ(log.done[0], (uint64_t)1 << 24);
  EXPECT_EQ(log.done[1], p.pulses);
}

TEST(Bb84SimTest, ZeroTransmittanceAndNoDarkCountsGivesNoDetections) {
  qkd_sim_params p = Params(100000, 1, 25);
  p.det_eff = 0;
  p.dark_count = 0;
  SimRun r;
  ASSERT_EQ(qkd_sim_run(&r.a, &r.b, &p, nullptr, nullptr), QKD_OK);
  EXPECT_EQ(r.b.count, 0u);
}

TEST(Bb84SimTest, MeasureRejectsMismatchedPulseCounts) {
  qkd_sim_params p = Params(1000, 1, 0);
  SimRun r;
  ASSERT_EQ(qkd_sim_run(&r.a, &r.b, &p, nullptr, nullptr), QKD_OK);
  qkd_sim_measured m;
  r.b.pulses = 999;
  EXPECT_EQ(qkd_sim_measure(&m, &r.a, &r.b), QKD_ERR_FORMAT);
  r.b.pulses = 1000;
  EXPECT_EQ(qkd_sim_measure(nullptr, &r.a, &r.b), QKD_ERR_INVALID);
}

TEST(Bb84SimTest, CleanupIsSafeOnZeroedStructsAndNull) {
  qkd_alice_events a{};
  qkd_bob_events b{};
  qkd_alice_events_cleanup(&a);
  qkd_bob_events_cleanup(&b);
  qkd_alice_events_cleanup(nullptr);
  qkd_bob_events_cleanup(nullptr);
}
