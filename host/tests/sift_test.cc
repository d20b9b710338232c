#include "qkd/sift.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "qkd/bits.h"
#include "qkd/rng.h"

namespace {

// Synthetic events: every third pulse detected, settings from a seeded RNG, Bob
// errs on every 17th detection; lets the test compute the expected sift by hand.
struct Events {
  qkd_alice_events alice = {};
  qkd_bob_events bob = {};
  std::vector<uint8_t> settings;
  std::vector<uint64_t> records;

  explicit Events(uint64_t pulses) {
    qkd_rng rng;
    qkd_rng_seed(&rng, 99);
    settings.assign((pulses + 1) / 2, 0);
    for (uint64_t i = 0; i < pulses; i++) {
      unsigned nib = static_cast<unsigned>(qkd_rng_next(&rng) & 0x7);  // value, basis, class bit 0
      nib |= (qkd_rng_below(&rng, 3) << 2);
      nib &= 0xf;
      if (((nib >> 2) & 3) == 3) nib &= 0x7;
      settings[i / 2] |= static_cast<uint8_t>(nib << ((i & 1) * 4));
    }
    alice.pulses = pulses;
    alice.settings = settings.data();
    size_t det = 0;
    for (uint64_t i = 0; i < pulses; i += 3, det++) {
      unsigned s = qkd_alice_setting(&alice, i);
      uint64_t basis = qkd_rng_next(&rng) & 1, bit = s & 1;
      if (det % 17 == 0) bit ^= 1;
      records.push_back((i << 2) | (basis << 1) | bit);
    }
    bob.pulses = pulses;
    bob.count = records.size();
    bob.records = records.data();
  }
};

TEST(SiftTest, BothSidesKeepExactlyTheMatchingBasisEvents) {
  Events ev(30001);
  qkd_buf m1 = {}, m2 = {};
  ASSERT_EQ(qkd_sift_bob_announce(&m1, &ev.bob), QKD_OK);
  qkd_sifted sa, sb;
  ASSERT_EQ(qkd_sift_alice(&sa, &m2, &ev.alice, m1.data, m1.len), QKD_OK);
  ASSERT_EQ(qkd_sift_bob(&sb, &ev.bob, m2.data, m2.len), QKD_OK);

  size_t key = 0, test = 0, key_err = 0, test_err = 0;
  for (size_t d = 0; d < ev.records.size(); d++) {
    uint64_t rec = ev.records[d];
    unsigned s = qkd_alice_setting(&ev.alice, rec >> 2);
    if (((s >> 1) & 1) != ((rec >> 1) & 1)) continue;
    bool err = (s & 1) != (rec & 1);
    if ((rec >> 1) & 1) {
      ASSERT_EQ(qkd_bit_get(sa.test, test), (s & 1) != 0);
      ASSERT_EQ(sa.test_class[test], (s >> 2) & 3);
      test++;
      test_err += err;
    } else {
      ASSERT_EQ(qkd_bit_get(sa.key, key), (s & 1) != 0);
      ASSERT_EQ(qkd_bit_get(sb.key, key), (rec & 1) != 0);
      key++;
      key_err += err;
    }
  }
  EXPECT_EQ(sa.key_len, key);
  EXPECT_EQ(sb.key_len, key);
  EXPECT_EQ(sa.test_len, test);
  EXPECT_EQ(sb.test_len, test);
  EXPECT_GT(key, 2000u);
  EXPECT_GT(key_err, 0u);
  EXPECT_EQ(qkd_bits_hamming(sa.key, sb.key, key), key_err);
  EXPECT_EQ(memcmp(sa.key_class, sb.key_class, key), 0);
  EXPECT_EQ(qkd_bits_hamming(sa.test, sb.test, test), test_err);
  qkd_sifted_cleanup(&sa);
  qkd_sifted_cleanup(&sb);
  qkd_buf_cleanup(&m1);
  qkd_buf_cleanup(&m2);
}

TEST(SiftTest, AliceRejectsMalformedAnnouncements) {
  Events ev(3001);
  qkd_buf m1 = {}, m2 = {};
  ASSERT_EQ(qkd_sift_bob_announce(&m1, &ev.bob), QKD_OK);
  std::vector<uint8_t> msg(m1.data, m1.data + m1.len);
  qkd_sifted sa;
  // Every truncation is refused.
  for (size_t cut = 0; cut < msg.size(); cut += 97) {
    qkd_buf_reset(&m2);
    EXPECT_EQ(qkd_sift_alice(&sa, &m2, &ev.alice, msg.data(), cut), QKD_ERR_PROTOCOL) << cut;
    EXPECT_EQ(sa.key, nullptr);
  }
  // Trailing garbage, wrong type, wrong version.
  std::vector<uint8_t> extra = msg;
  extra.push_back(0);
  EXPECT_EQ(qkd_sift_alice(&sa, &m2, &ev.alice, extra.data(), extra.size()), QKD_ERR_PROTOCOL);
  std::vector<uint8_t> bad = msg;
  bad[0] = QKD_MSG_SIFT_REPLY;
  EXPECT_EQ(qkd_sift_alice(&sa, &m2, &ev.alice, bad.data(), bad.size()), QKD_ERR_PROTOCOL);
  bad = msg;
  bad[1] = 99;
  EXPECT_EQ(qkd_sift_alice(&sa, &m2, &ev.alice, bad.data(), bad.size()), QKD_ERR_PROTOCOL);
  // A detection index beyond Alice's pulses.
  qkd_bob_events far = ev.bob;
  std::vector<uint64_t> recs = ev.records;
  recs.back() = (ev.alice.pulses + 5) << 2;
  far.records = recs.data();
  qkd_buf m3 = {};
  ASSERT_EQ(qkd_sift_bob_announce(&m3, &far), QKD_OK);
  EXPECT_EQ(qkd_sift_alice(&sa, &m2, &ev.alice, m3.data, m3.len), QKD_ERR_PROTOCOL);
  // A huge claimed count cannot make Alice allocate: it is bounded by the message.
  const uint8_t huge[] = {QKD_MSG_SIFT_DETECT, QKD_MSG_VERSION, 0xff, 0xff, 0xff, 0x7f};
  EXPECT_EQ(qkd_sift_alice(&sa, &m2, &ev.alice, huge, sizeof(huge)), QKD_ERR_PROTOCOL);
  qkd_buf_cleanup(&m1);
  qkd_buf_cleanup(&m2);
  qkd_buf_cleanup(&m3);
}

TEST(SiftTest, BobRejectsRepliesWithWrongCountOrClass) {
  Events ev(3001);
  qkd_buf m1 = {}, m2 = {};
  ASSERT_EQ(qkd_sift_bob_announce(&m1, &ev.bob), QKD_OK);
  qkd_sifted sa, sb;
  ASSERT_EQ(qkd_sift_alice(&sa, &m2, &ev.alice, m1.data, m1.len), QKD_OK);
  std::vector<uint8_t> reply(m2.data, m2.data + m2.len);
  EXPECT_EQ(qkd_sift_bob(&sb, &ev.bob, reply.data(), reply.size() - 1), QKD_ERR_PROTOCOL);
  std::vector<uint8_t> bad = reply;
  bad.back() |= 0x66;  // class 3 does not exist
  EXPECT_EQ(qkd_sift_bob(&sb, &ev.bob, bad.data(), bad.size()), QKD_ERR_PROTOCOL);
  EXPECT_EQ(sb.key, nullptr);
  qkd_bob_events fewer = ev.bob;
  fewer.count--;
  EXPECT_EQ(qkd_sift_bob(&sb, &fewer, reply.data(), reply.size()), QKD_ERR_PROTOCOL);
  qkd_sifted_cleanup(&sa);
  qkd_buf_cleanup(&m1);
  qkd_buf_cleanup(&m2);
}

}  // namespace
