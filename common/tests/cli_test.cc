#include "qkd/cli.h"

#include <gtest/gtest.h>

TEST(CliTest, ParseU64AcceptsDecimalHexAndIntegralScientific) {
  uint64_t v = 0;
  EXPECT_TRUE(qkd_parse_u64(&v, "123"));
  EXPECT_EQ(v, 123u);
  EXPECT_TRUE(qkd_parse_u64(&v, "0x10"));
  EXPECT_EQ(v, 16u);
  EXPECT_TRUE(qkd_parse_u64(&v, "1e8"));
  EXPECT_EQ(v, 100000000u);
}

TEST(CliTest, ParseU64RejectsGarbageSignsAndOverflow) {
  uint64_t v = 5;
  for (const char *bad : {"", "-1", "+1", "12x", "1.5", "1e30", " 1", "abc", "99999999999999999999"})
    EXPECT_FALSE(qkd_parse_u64(&v, bad)) << bad;
  EXPECT_EQ(v, 5u);
}

TEST(CliTest, ParseDoubleRejectsNonFinite) {
  double d = 0;
  EXPECT_TRUE(qkd_parse_double(&d, "0.02"));
  EXPECT_DOUBLE_EQ(d, 0.02);
  for (const char *bad : {"", "nan", "inf", "1.0x", "x"}) EXPECT_FALSE(qkd_parse_double(&d, bad)) << bad;
}
