#include "qkd/wire.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

TEST(WireTest, RoundTripsEveryFieldType) {
  qkd_buf b = {};
  qkd_buf_put_u8(&b, 0xab);
  qkd_buf_put_u32(&b, 0x01020304);
  qkd_buf_put_u64(&b, 0x1122334455667788ULL);
  for (uint64_t v : {0ULL, 1ULL, 127ULL, 128ULL, 300ULL, ~0ULL}) qkd_buf_put_varint(&b, v);
  qkd_buf_put_double(&b, 0.125);
  const uint8_t raw[3] = {9, 8, 7};
  qkd_buf_put_bytes(&b, raw, 3);
  ASSERT_EQ(qkd_buf_status(&b), QKD_OK);
  EXPECT_EQ(b.data[1], 0x04);  // little-endian

  qkd_rd r;
  qkd_rd_init(&r, b.data, b.len);
  EXPECT_EQ(qkd_rd_u8(&r), 0xab);
  EXPECT_EQ(qkd_rd_u32(&r), 0x01020304u);
  EXPECT_EQ(qkd_rd_u64(&r), 0x1122334455667788ULL);
  for (uint64_t v : {0ULL, 1ULL, 127ULL, 128ULL, 300ULL, ~0ULL}) EXPECT_EQ(qkd_rd_varint(&r), v);
  EXPECT_EQ(qkd_rd_double(&r), 0.125);
  const uint8_t *p = qkd_rd_bytes(&r, 3);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(memcmp(p, raw, 3), 0);
  EXPECT_TRUE(qkd_rd_done(&r));
  qkd_buf_cleanup(&b);
  EXPECT_EQ(b.data, nullptr);
}

TEST(WireTest, ShortInputFailsAndStaysFailed) {
  const uint8_t two[2] = {1, 2};
  qkd_rd r;
  qkd_rd_init(&r, two, 2);
  EXPECT_EQ(qkd_rd_u32(&r), 0u);
  EXPECT_FALSE(qkd_rd_ok(&r));
  EXPECT_EQ(qkd_rd_u8(&r), 0);  // no read after the first failure
  EXPECT_EQ(qkd_rd_left(&r), 0u);
}

TEST(WireTest, VarintRejectsOverlongAndUnterminated) {
  uint8_t overlong[11];
  memset(overlong, 0x80, sizeof(overlong));
  qkd_rd r;
  qkd_rd_init(&r, overlong, sizeof(overlong));
  qkd_rd_varint(&r);
  EXPECT_FALSE(qkd_rd_ok(&r));
  const uint8_t too_big[10] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
  qkd_rd_init(&r, too_big, sizeof(too_big));
  qkd_rd_varint(&r);
  EXPECT_FALSE(qkd_rd_ok(&r));
  const uint8_t unterminated[2] = {0x80, 0x80};
  qkd_rd_init(&r, unterminated, 2);
  qkd_rd_varint(&r);
  EXPECT_FALSE(qkd_rd_ok(&r));
}

TEST(WireTest, DoubleRejectsNonFinite) {
  qkd_buf b = {};
  qkd_buf_put_double(&b, NAN);
  qkd_rd r;
  qkd_rd_init(&r, b.data, b.len);
  qkd_rd_double(&r);
  EXPECT_FALSE(qkd_rd_ok(&r));
  qkd_buf_cleanup(&b);
}

TEST(WireTest, BufferGrowsAcrossManyWrites) {
  qkd_buf b = {};
  for (int i = 0; i < 100000; i++) qkd_buf_put_u8(&b, static_cast<uint8_t>(i));
  ASSERT_EQ(b.len, 100000u);
  EXPECT_EQ(b.data[99999], static_cast<uint8_t>(99999));
  qkd_buf_reset(&b);
  EXPECT_EQ(b.len, 0u);
  qkd_buf_cleanup(&b);
}
