#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "qkd/bits.h"
#include "qkd/cascade.h"
#include "qkd/rng.h"

namespace {

using Bytes = std::vector<uint8_t>;

struct Pair {
  size_t n;
  Bytes a, b;
  Pair(size_t bits, double q, uint64_t seed) : n(bits), a(qkd_bits_nbytes(bits)), b(a.size()) {
    struct qkd_rng rng;
    qkd_rng_seed(&rng, seed);
    qkd_rng_fill_bits(&rng, a.data(), n);
    b = a;
    for (size_t k = 0; k < n; k++)
      if (qkd_rng_double(&rng) < q) qkd_bit_flip(b.data(), k);
  }
};

// Runs the two roles step by step, recording every message.
struct Transcript {
  std::vector<Bytes> requests, replies;
  uint64_t reply_parity_bits = 0;
  struct qkd_cascade_stats stats = {};
  Bytes result;
};

Transcript RunBoth(const Pair &p, const struct qkd_cascade_params &params, uint64_t seed) {
  Transcript t;
  size_t cap = qkd_cascade_max_msg_len(p.n);
  Bytes req(cap), rep(cap);
  struct qkd_cascade_alice *a = qkd_cascade_alice_new(p.a.data(), p.n, &params, seed);
  struct qkd_cascade_bob *b = qkd_cascade_bob_new(p.b.data(), p.n, &params, seed);
  EXPECT_NE(a, nullptr);
  EXPECT_NE(b, nullptr);
  for (int guard = 0; guard < 1000000; guard++) {
    size_t ql = 0, rl = 0;
    bool done = false;
    EXPECT_EQ(qkd_cascade_bob_request(b, req.data(), cap, &ql, &done), QKD_OK);
    if (done) break;
    t.requests.emplace_back(req.begin(), req.begin() + ql);
    EXPECT_EQ(qkd_cascade_alice_reply(a, rep.data(), cap, &rl, req.data(), ql), QKD_OK);
    t.replies.emplace_back(rep.begin(), rep.begin() + rl);
    // Count the parity bits Alice sent from the message itself.
    uint32_t nbits = rep[8] | rep[9] << 8 | rep[10] << 16 | (uint32_t)rep[11] << 24;
    EXPECT_EQ(rl, 12 + (nbits + 7) / 8);
    t.reply_parity_bits += nbits;
    EXPECT_EQ(qkd_cascade_bob_consume(b, rep.data(), rl), QKD_OK);
  }
  t.result.resize(p.a.size());
  EXPECT_EQ(qkd_cascade_bob_result(b, t.result.data(), t.result.size(), &t.stats), QKD_OK);
  qkd_cascade_bob_free(b);
  qkd_cascade_alice_free(a);
  return t;
}

}  // namespace

TEST(CascadeBobTest, LeakAccountingEqualsParityBitsInAliceReplies) {
  for (double q : {0.01, 0.05}) {
    Pair p(20000, q, 11);
    struct qkd_cascade_params params;
    qkd_cascade_params_choose(&params, p.n, q);
    Transcript t = RunBoth(p, params, 77);
    EXPECT_EQ(t.stats.disclosed_bits, t.reply_parity_bits);
    EXPECT_EQ(t.stats.round_trips, t.replies.size());
    uint64_t req_bytes = 0, rep_bytes = 0;
    for (auto &m : t.requests) req_bytes += m.size();
    for (auto &m : t.replies) rep_bytes += m.size();
    EXPECT_EQ(t.stats.request_bytes, req_bytes);
    EXPECT_EQ(t.stats.reply_bytes, rep_bytes);
    EXPECT_EQ(t.result, p.a);
    EXPECT_EQ(t.stats.bits_flipped, qkd_bits_hamming(p.a.data(), p.b.data(), p.n));
  }
}

TEST(CascadeBobTest, SameSeedGivesIdenticalMessageSequence) {
  Pair p(12345, 0.03, 5);
  struct qkd_cascade_params params;
  qkd_cascade_params_choose(&params, p.n, 0.03);
  Transcript t1 = RunBoth(p, params, 1234), t2 = RunBoth(p, params, 1234),
             t3 = RunBoth(p, params, 4321);
  EXPECT_EQ(t1.requests, t2.requests);
  EXPECT_EQ(t1.replies, t2.replies);
  EXPECT_NE(t1.requests, t3.requests);  // another seed permutes differently
  EXPECT_EQ(t3.result, p.a);
}

TEST(CascadeBobTest, FirstRequestAsksEveryPassBlockParities) {
  Pair p(1000, 0.02, 1);
  struct qkd_cascade_params params;
  qkd_cascade_params_choose(&params, p.n, 0.02);
  Transcript t = RunBoth(p, params, 1);
  ASSERT_FALSE(t.requests.empty());
  const Bytes &r = t.requests[0];
  ASSERT_EQ(r.size(), 12 + 12 * params.passes);
  for (uint32_t i = 0; i < params.passes; i++) {
    EXPECT_EQ(r[12 + 12 * i], 1);  // BLOCKS
    EXPECT_EQ(r[12 + 12 * i + 1], i);
  }
}

TEST(CascadeBobTest, RejectsMalformedRepliesAndRefusesToContinue) {
  Pair p(5000, 0.05, 8);
  struct qkd_cascade_params params;
  qkd_cascade_params_choose(&params, p.n, 0.05);
  size_t cap = qkd_cascade_max_msg_len(p.n);
  Bytes req(cap), rep(cap);
  struct qkd_cascade_alice *a = qkd_cascade_alice_new(p.a.data(), p.n, &params, 3);
  size_t ql, rl;
  bool done;
  {
    struct qkd_cascade_bob *b = qkd_cascade_bob_new(p.b.data(), p.n, &params, 3);
    ASSERT_EQ(qkd_cascade_bob_request(b, req.data(), cap, &ql, &done), QKD_OK);
    ASSERT_EQ(qkd_cascade_alice_reply(a, rep.data(), cap, &rl, req.data(), ql), QKD_OK);
    // Every truncation and a few corruptions of a valid reply are rejected by a fresh Bob.
    std::vector<Bytes> bad;
    for (size_t cut = 0; cut < rl; cut += (cut < 16 ? 1 : 97))
      bad.emplace_back(rep.begin(), rep.begin() + cut);
    Bytes good(rep.begin(), rep.begin() + rl);
    for (size_t off : {0u, 1u, 2u, 4u, 8u}) {
      Bytes m = good;
      m[off] ^= 1;
      bad.push_back(m);
    }
    Bytes longer = good;
    longer.push_back(0);
    bad.push_back(longer);
    uint32_t nbits = good[8] | good[9] << 8;
    if (nbits % 8) {
      Bytes tail = good;
      tail.back() |= 0x80;  // an unused high bit set
      bad.push_back(tail);
    }
    for (size_t i = 0; i < bad.size(); i++) {
      struct qkd_cascade_bob *fresh = qkd_cascade_bob_new(p.b.data(), p.n, &params, 3);
      ASSERT_EQ(qkd_cascade_bob_request(fresh, req.data(), cap, &ql, &done), QKD_OK);
      EXPECT_EQ(qkd_cascade_bob_consume(fresh, bad[i].data(), bad[i].size()), QKD_ERR_PROTOCOL)
          << i;
      EXPECT_EQ(qkd_cascade_bob_request(fresh, req.data(), cap, &ql, &done), QKD_ERR_STATE);
      qkd_cascade_bob_free(fresh);
    }
    EXPECT_EQ(qkd_cascade_bob_consume(b, good.data(), good.size()), QKD_OK);
    qkd_cascade_bob_free(b);
  }
  qkd_cascade_alice_free(a);
}

TEST(CascadeBobTest, StateErrors) {
  Pair p(100, 0.0, 2);
  struct qkd_cascade_params params;
  qkd_cascade_params_choose(&params, p.n, 0.02);
  struct qkd_cascade_bob *b = qkd_cascade_bob_new(p.b.data(), p.n, &params, 3);
  Bytes buf(qkd_cascade_max_msg_len(p.n)), out(p.a.size());
  size_t len;
  bool done;
  uint8_t junk[12] = {1, 2};
  EXPECT_EQ(qkd_cascade_bob_consume(b, junk, sizeof junk), QKD_ERR_STATE);  // nothing asked
  EXPECT_EQ(qkd_cascade_bob_result(b, out.data(), out.size(), nullptr), QKD_ERR_STATE);
  EXPECT_EQ(qkd_cascade_bob_request(b, buf.data(), 12, &len, &done), QKD_ERR_RANGE);
  ASSERT_EQ(qkd_cascade_bob_request(b, buf.data(), buf.size(), &len, &done), QKD_OK);
  EXPECT_EQ(qkd_cascade_bob_request(b, buf.data(), buf.size(), &len, &done), QKD_ERR_STATE);
  EXPECT_EQ(qkd_cascade_bob_result(b, out.data(), out.size() + 1, nullptr), QKD_ERR_INVALID);
  EXPECT_EQ(qkd_cascade_bob_request(nullptr, buf.data(), buf.size(), &len, &done), QKD_ERR_INVALID);
  qkd_cascade_bob_free(b);
  qkd_cascade_bob_free(nullptr);
}

TEST(CascadeBobTest, RandomlyCorruptedMessagesNeverCrashEitherRole) {
  // Byte flips, truncations and extensions of a real transcript: each role must
  // answer with an error code (or accept a corruption that is still well formed),
  // never read out of bounds (run under ASan in CI).
  Pair p(3000, 0.05, 21);
  struct qkd_cascade_params params;
  qkd_cascade_params_choose(&params, p.n, 0.05);
  Transcript t = RunBoth(p, params, 5);
  ASSERT_GE(t.requests.size(), 3u);
  struct qkd_rng rng;
  qkd_rng_seed(&rng, 99);
  size_t cap = qkd_cascade_max_msg_len(p.n);
  Bytes out(cap);
  for (int iter = 0; iter < 300; iter++) {
    Bytes req = t.requests[0], rep = t.replies[0];
    Bytes *m = iter % 2 ? &req : &rep;
    switch (qkd_rng_below(&rng, 3)) {
      case 0:
        (*m)[qkd_rng_below(&rng, m->size())] ^= (uint8_t)(1 + qkd_rng_below(&rng, 255));
        break;
      case 1: m->resize(qkd_rng_below(&rng, m->size())); break;
      default: m->push_back((uint8_t)qkd_rng_next(&rng)); break;
    }
    struct qkd_cascade_alice *a = qkd_cascade_alice_new(p.a.data(), p.n, &params, 5);
    size_t len = 0;
    enum qkd_err rc = qkd_cascade_alice_reply(a, out.data(), cap, &len, req.data(), req.size());
    EXPECT_TRUE(rc == QKD_OK || rc == QKD_ERR_PROTOCOL) << rc;
    qkd_cascade_alice_free(a);
    struct qkd_cascade_bob *b = qkd_cascade_bob_new(p.b.data(), p.n, &params, 5);
    bool done;
    ASSERT_EQ(qkd_cascade_bob_request(b, out.data(), cap, &len, &done), QKD_OK);
    rc = qkd_cascade_bob_consume(b, rep.data(), rep.size());
    EXPECT_TRUE(rc == QKD_OK || rc == QKD_ERR_PROTOCOL) << rc;
    qkd_cascade_bob_free(b);
  }
}

TEST(CascadeBobTest, ContradictoryRepliesEndInProtocolErrorNotAnEndlessLoop) {
  // Found by cascade_msg_fuzz (corpus file regress_contradictory_reply_hang): a
  // well-formed reply whose parities contradict earlier ones made Bob's searches
  // flip the same bits back and forth for ever inside bob_consume. Each honest
  // flip corrects an error, so Bob now stops with a protocol error after n flips.
  // Here: every round r < 12 of an honest run, the reply's bits replaced by all
  // zeros, all ones or their complement, then honest replies again.
  Pair p(1021, 0.05, 2024);
  struct qkd_cascade_params params;
  qkd_cascade_params_choose(&params, p.n, 0.05);
  size_t cap = qkd_cascade_max_msg_len(p.n);
  Bytes req(cap), rep(cap);
  for (unsigned bad_round = 0; bad_round < 12; bad_round++) {
    for (int mode = 0; mode < 3; mode++) {
      struct qkd_cascade_alice *a = qkd_cascade_alice_new(p.a.data(), p.n, &params, 0x5EED);
      struct qkd_cascade_bob *b = qkd_cascade_bob_new(p.b.data(), p.n, &params, 0x5EED);
      ASSERT_NE(a, nullptr);
      ASSERT_NE(b, nullptr);
      for (unsigned r = 0; r < 2000; r++) {
        size_t ql = 0, rl = 0;
        bool done = false;
        if (qkd_cascade_bob_request(b, req.data(), cap, &ql, &done) != QKD_OK || done) break;
        ASSERT_EQ(qkd_cascade_alice_reply(a, rep.data(), cap, &rl, req.data(), ql), QKD_OK);
        if (r == bad_round) {
          uint32_t nbits = rep[8] | rep[9] << 8 | rep[10] << 16 | (uint32_t)rep[11] << 24;
          for (uint32_t i = 0; i < nbits; i++) {
            uint8_t bit = (uint8_t)(1u << (i % 8)), &byte = rep[12 + i / 8];
            byte = mode == 0   ? (uint8_t)(byte & ~bit)
                   : mode == 1 ? (uint8_t)(byte | bit)
                               : (uint8_t)(byte ^ bit);
          }
        }
        enum qkd_err rc = qkd_cascade_bob_consume(b, rep.data(), rl);
        ASSERT_TRUE(rc == QKD_OK || rc == QKD_ERR_PROTOCOL) << rc;
        if (rc != QKD_OK) {
          bool d;
          EXPECT_EQ(qkd_cascade_bob_request(b, req.data(), cap, &ql, &d), QKD_ERR_STATE);
          break;
        }
      }
      qkd_cascade_bob_free(b);
      qkd_cascade_alice_free(a);
    }
  }
}
