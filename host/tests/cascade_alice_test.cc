#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "qkd/bits.h"
#include "qkd/cascade.h"
#include "qkd/rng.h"

namespace {

const size_t kBits = 1000;

struct Fixture {
  std::vector<uint8_t> frame = std::vector<uint8_t>(qkd_bits_nbytes(kBits));
  struct qkd_cascade_params params;
  struct qkd_cascade_alice *alice = nullptr;
  std::vector<uint8_t> out = std::vector<uint8_t>(qkd_cascade_max_msg_len(kBits));
  Fixture() {
    struct qkd_rng rng;
    qkd_rng_seed(&rng, 3);
    qkd_rng_fill_bits(&rng, frame.data(), kBits);
    qkd_cascade_params_choose(&params, kBits, 0.05);
    alice = qkd_cascade_alice_new(frame.data(), kBits, &params, 9);
  }
  ~Fixture() { qkd_cascade_alice_free(alice); }
  enum qkd_err Reply(const std::vector<uint8_t> &req, size_t *len) {
    return qkd_cascade_alice_reply(alice, out.data(), out.size(), len, req.data(), req.size());
  }
};

void PutU32(std::vector<uint8_t> &m, size_t off, uint32_t v) {
  for (int i = 0; i < 4; i++) m[off + i] = (uint8_t)(v >> (8 * i));
}

// Header (version 1, request, round) followed by entries {op, pass, u, v}.
std::vector<uint8_t> Request(uint32_t round, std::vector<std::vector<uint32_t>> entries) {
  std::vector<uint8_t> m(12 + 12 * entries.size());
  m[0] = 1;
  m[1] = 1;
  PutU32(m, 4, round);
  PutU32(m, 8, (uint32_t)entries.size());
  for (size_t i = 0; i < entries.size(); i++) {
    m[12 + 12 * i] = (uint8_t)entries[i][0];
    m[12 + 12 * i + 1] = (uint8_t)entries[i][1];
    PutU32(m, 12 + 12 * i + 4, entries[i][2]);
    PutU32(m, 12 + 12 * i + 8, entries[i][3]);
  }
  return m;
}

}  // namespace

TEST(CascadeAliceTest, AnswersRangeParitiesInRequestOrder) {
  Fixture f;
  ASSERT_NE(f.alice, nullptr);
  size_t len = 0;
  // Pass 0 is the identity: range parities are plain parities of the frame.
  ASSERT_EQ(f.Reply(Request(0, {{2, 0, 0, 1}, {2, 0, 5, 10}, {2, 0, 999, 1}}), &len), QKD_OK);
  ASSERT_EQ(len, 13u);
  EXPECT_EQ(f.out[0], 1);
  EXPECT_EQ(f.out[1], 2);
  EXPECT_EQ(f.out[8], 3);
  unsigned p1 = 0;
  for (size_t k = 5; k < 15; k++) p1 ^= qkd_bit_get(f.frame.data(), k);
  EXPECT_EQ(f.out[12] & 1, qkd_bit_get(f.frame.data(), 0));
  EXPECT_EQ((f.out[12] >> 1) & 1, p1);
  EXPECT_EQ((f.out[12] >> 2) & 1, qkd_bit_get(f.frame.data(), 999));
  EXPECT_EQ(f.out[12] >> 3, 0);  // unused bits are zero
}

TEST(CascadeAliceTest, BlocksEntryOmitsTheLastBlockAfterPassZero) {
  Fixture f;
  size_t len = 0;
  uint32_t k0 = f.params.block_bits[0], k1 = f.params.block_bits[1];
  ASSERT_EQ(f.Reply(Request(0, {{1, 0, k0, 0}, {1, 1, k1, 0}}), &len), QKD_OK);
  uint32_t nb0 = (kBits + k0 - 1) / k0, nb1 = (kBits + k1 - 1) / k1;
  uint32_t nbits = f.out[8] | f.out[9] << 8;
  EXPECT_EQ(nbits, nb0 + nb1 - 1);
  EXPECT_EQ(len, 12 + (nbits + 7) / 8);
}

TEST(CascadeAliceTest, RejectsMalformedTruncatedAndOutOfRangeRequests) {
  Fixture f;
  size_t len = 12345;
  uint32_t k0 = f.params.block_bits[0];
  std::vector<std::vector<uint8_t>> bad = {
      {},                                    // empty
      {1, 1, 0, 0},                          // truncated header
      Request(1, {{2, 0, 0, 1}}),            // wrong round
      Request(0, {}),                        // no entries
      Request(0, {{3, 0, 0, 1}}),            // unknown op
      Request(0, {{2, 0, 0, 0}}),            // empty range
      Request(0, {{2, 0, 999, 2}}),          // past the end
      Request(0, {{2, 0, 0xFFFFFFFFu, 2}}),  // overflowing start
      Request(0, {{2, 200, 0, 1}}),          // no such pass
      Request(0, {{1, 0, k0 + 1, 0}}),       // block size mismatch
      Request(0, {{1, 0, k0, 1}}),           // reserved field set
  };
  auto wrong_version = Request(0, {{2, 0, 0, 1}});
  wrong_version[0] = 2;
  bad.push_back(wrong_version);
  auto wrong_kind = Request(0, {{2, 0, 0, 1}});
  wrong_kind[1] = 2;
  bad.push_back(wrong_kind);
  auto reserved = Request(0, {{2, 0, 0, 1}});
  reserved[2] = 1;
  bad.push_back(reserved);
  auto extra = Request(0, {{2, 0, 0, 1}});
  extra.push_back(0);
  bad.push_back(extra);
  auto cut = Request(0, {{2, 0, 0, 1}, {2, 0, 1, 1}});
  cut.resize(cut.size() - 1);
  bad.push_back(cut);
  for (size_t i = 0; i < bad.size(); i++) {
    EXPECT_EQ(qkd_cascade_alice_reply(f.alice, f.out.data(), f.out.size(), &len, bad[i].data(),
                                      bad[i].size()),
              QKD_ERR_PROTOCOL)
        << "case " << i;
    EXPECT_EQ(len, 12345u);
  }
  // Rejected requests do not advance the round: a good one still works.
  EXPECT_EQ(f.Reply(Request(0, {{2, 0, 0, 1}}), &len), QKD_OK);
}

TEST(CascadeAliceTest, RejectsEveryTruncationOfAValidRequest) {
  Fixture f;
  auto req = Request(0, {{1, 0, f.params.block_bits[0], 0}, {2, 1, 10, 20}});
  size_t len;
  for (size_t cut = 0; cut < req.size(); cut++)
    EXPECT_EQ(qkd_cascade_alice_reply(f.alice, f.out.data(), f.out.size(), &len, req.data(), cut),
              QKD_ERR_PROTOCOL);
}

TEST(CascadeAliceTest, SmallOutputBufferGivesRange) {
  Fixture f;
  auto req = Request(0, {{2, 0, 0, 1}});
  size_t len;
  EXPECT_EQ(qkd_cascade_alice_reply(f.alice, f.out.data(), 12, &len, req.data(), req.size()),
            QKD_ERR_RANGE);
  EXPECT_EQ(qkd_cascade_alice_reply(nullptr, f.out.data(), 12, &len, req.data(), req.size()),
            QKD_ERR_INVALID);
}

TEST(CascadeAliceTest, NewRejectsInvalidArguments) {
  std::vector<uint8_t> frame(16);
  struct qkd_cascade_params p = {};
  EXPECT_EQ(qkd_cascade_alice_new(frame.data(), 100, &p, 0), nullptr);
  qkd_cascade_params_choose(&p, 100, 0.02);
  EXPECT_EQ(qkd_cascade_alice_new(nullptr, 100, &p, 0), nullptr);
  EXPECT_EQ(qkd_cascade_alice_new(frame.data(), 0, &p, 0), nullptr);
  qkd_cascade_alice_free(nullptr);
}

TEST(CascadeAliceTest, PassOrderFollowsThePermutationDefinition) {
  // Single-bit ranges of pass p >= 1 reveal Alice's bit at perm(pass_key(seed, p), n, j):
  // the fast table path must match the per-index definition the RTL mirrors.
  for (size_t n : {1000u, 1024u, 777u}) {
    std::vector<uint8_t> frame(qkd_bits_nbytes(n));
    struct qkd_rng rng;
    qkd_rng_seed(&rng, n);
    qkd_rng_fill_bits(&rng, frame.data(), n);
    struct qkd_cascade_params params;
    qkd_cascade_params_choose(&params, n, 0.02);
    struct qkd_cascade_alice *a = qkd_cascade_alice_new(frame.data(), n, &params, 4242);
    ASSERT_NE(a, nullptr);
    std::vector<std::vector<uint32_t>> entries;
    for (uint32_t j = 0; j < n; j++) entries.push_back({2, 1, j, 1});
    for (uint32_t j = 0; j < n; j++) entries.push_back({2, (uint32_t)params.passes - 1, j, 1});
    auto req = Request(0, entries);
    std::vector<uint8_t> out(qkd_cascade_max_msg_len(n) + 2 * n);
    size_t len = 0;
    ASSERT_EQ(qkd_cascade_alice_reply(a, out.data(), out.size(), &len, req.data(), req.size()),
              QKD_OK);
    for (uint32_t j = 0; j < 2 * n; j++) {
      uint32_t pass = j < n ? 1 : params.passes - 1, idx = j % n;
      uint64_t x = qkd_cascade_perm(qkd_cascade_pass_key(4242, pass), n, idx);
      ASSERT_EQ((out[12 + j / 8] >> (j % 8)) & 1, qkd_bit_get(frame.data(), x)) << n << " " << j;
    }
    qkd_cascade_alice_free(a);
  }
}
