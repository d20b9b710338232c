#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "qkd/bits.h"
#include "qkd/cascade.h"
#include "qkd/rng.h"

namespace {

using Bytes = std::vector<uint8_t>;

double H2(double q) {
  return q <= 0 || q >= 1 ? 0 : -q * std::log2(q) - (1 - q) * std::log2(1 - q);
}

struct Outcome {
  bool equal;
  struct qkd_cascade_stats stats;
  size_t errors;
};

Outcome Reconcile(size_t n, double q, uint64_t seed, bool exact_count = false) {
  struct qkd_rng rng;
  qkd_rng_seed(&rng, seed);
  Bytes a(qkd_bits_nbytes(n)), b;
  qkd_rng_fill_bits(&rng, a.data(), n);
  b = a;
  if (exact_count) {  // exactly round(q n) distinct errors
    size_t want = (size_t)std::lround(q * (double)n), have = 0;
    while (have < want) {
      size_t k = qkd_rng_below(&rng, n);
      if (qkd_bit_get(b.data(), k) == qkd_bit_get(a.data(), k)) {
        qkd_bit_flip(b.data(), k);
        have++;
      }
    }
  } else {
    for (size_t k = 0; k < n; k++)
      if (qkd_rng_double(&rng) < q) qkd_bit_flip(b.data(), k);
  }
  Outcome o;
  o.errors = qkd_bits_hamming(a.data(), b.data(), n);
  struct qkd_cascade_params params;
  qkd_cascade_params_choose(&params, n, q);
  EXPECT_EQ(qkd_cascade_reconcile_local(b.data(), a.data(), n, &params, seed * 31 + 7, &o.stats),
            QKD_OK);
  o.equal = b == a;
  return o;
}

Outcome ReconcilePair(Bytes &b, const Bytes &a, size_t n, double qest) {
  struct qkd_cascade_params params;
  qkd_cascade_params_choose(&params, n, qest);
  Outcome o;
  o.errors = qkd_bits_hamming(a.data(), b.data(), n);
  EXPECT_EQ(qkd_cascade_reconcile_local(b.data(), a.data(), n, &params, 99, &o.stats), QKD_OK);
  o.equal = b == a;
  return o;
}

}  // namespace

TEST(CascadeLocalTest, EqualFramesAcrossQberAndSizesIncludingOdd) {
  for (double q : {0.005, 0.01, 0.02, 0.05, 0.08})
    for (size_t n : {1000u, 4093u, 10000u, 65536u})
      for (uint64_t s = 1; s <= 3; s++) {
        Outcome o = Reconcile(n, q, s * 1000 + n);
        EXPECT_TRUE(o.equal) << "q=" << q << " n=" << n << " seed=" << s;
        EXPECT_EQ(o.stats.bits_flipped, o.errors);
      }
}

TEST(CascadeLocalTest, NoErrorsCostsOnlyBlockParities) {
  size_t n = 8192;
  Bytes a(n / 8, 0x5A), b = a;
  Outcome o = ReconcilePair(b, a, n, 0.02);
  EXPECT_TRUE(o.equal);
  EXPECT_EQ(o.stats.round_trips, 1u);
  EXPECT_EQ(o.stats.bits_flipped, 0u);
  struct qkd_cascade_params p;
  qkd_cascade_params_choose(&p, n, 0.02);
  uint64_t want = 0;
  for (uint32_t i = 0; i < p.passes; i++)
    want += (n + p.block_bits[i] - 1) / p.block_bits[i] - (i > 0);
  EXPECT_EQ(o.stats.disclosed_bits, want);
}

TEST(CascadeLocalTest, AllErrorsInOneFirstPassBlock) {
  size_t n = 4096;
  struct qkd_cascade_params p;
  qkd_cascade_params_choose(&p, n, 0.02);
  for (uint32_t errs = 1; errs <= p.block_bits[0]; errs++) {
    Bytes a(n / 8), b;
    struct qkd_rng rng;
    qkd_rng_seed(&rng, errs);
    qkd_rng_fill_bits(&rng, a.data(), n);
    b = a;
    for (uint32_t k = 0; k < errs; k++) qkd_bit_flip(b.data(), 64 + k);  // block 2 of pass 0
    EXPECT_TRUE(ReconcilePair(b, a, n, 0.02).equal) << errs;
  }
}

TEST(CascadeLocalTest, ErrorsAtFirstAndLastIndex) {
  // n = 2 with both bits wrong is out of reach of any parity check over blocks of
  // two bits (docs/cascade.md, "Limits"), so the pair starts at n = 3.
  for (size_t n : {2u, 3u, 64u, 1001u, 4096u}) {
    Bytes a(qkd_bits_nbytes(n), 0), b = a;
    if (n > 2) {
      qkd_bit_flip(b.data(), 0);
      qkd_bit_flip(b.data(), n - 1);
      EXPECT_TRUE(ReconcilePair(b, a, n, 0.02).equal) << n;
    }
    Bytes c = a;
    qkd_bit_flip(c.data(), n - 1);
    EXPECT_TRUE(ReconcilePair(c, a, n, 0.02).equal) << n;
  }
}

TEST(CascadeLocalTest, SingleBitFrame) {
  Bytes a = {1}, b = {0};
  Outcome o = ReconcilePair(b, a, 1, 0.02);
  EXPECT_TRUE(o.equal);
  EXPECT_EQ(o.stats.bits_flipped, 1u);
  Bytes c = {1};
  EXPECT_TRUE(ReconcilePair(c, a, 1, 0.02).equal);
}

TEST(CascadeLocalTest, EfficiencyAtTwoPercentIsSane) {
  // A sanity bound only; measured figures live in bench_cascade and docs/cascade.md.
  const size_t n = 1 << 16;
  double leak = 0, ent = 0;
  for (uint64_t s = 1; s <= 2; s++) {
    Outcome o = Reconcile(n, 0.02, s, true);
    EXPECT_TRUE(o.equal);
    leak += (double)o.stats.disclosed_bits;
    ent += (double)n * H2((double)o.errors / (double)n);
  }
  EXPECT_LT(leak / ent, 1.15);
}

TEST(CascadeLocalTest, RejectsInvalidArguments) {
  Bytes a(8), b(8);
  struct qkd_cascade_params p = {};
  EXPECT_EQ(qkd_cascade_reconcile_local(b.data(), a.data(), 64, &p, 0, nullptr), QKD_ERR_INVALID);
  qkd_cascade_params_choose(&p, 64, 0.02);
  EXPECT_EQ(qkd_cascade_reconcile_local(nullptr, a.data(), 64, &p, 0, nullptr), QKD_ERR_INVALID);
  EXPECT_EQ(qkd_cascade_reconcile_local(b.data(), a.data(), 0, &p, 0, nullptr), QKD_ERR_INVALID);
}
