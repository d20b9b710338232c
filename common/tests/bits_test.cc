#include "qkd/bits.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "qkd/rng.h"

namespace {

std::string TempPath(const char *name) {
  return std::string(::testing::TempDir()) + "/" + name + std::to_string(getpid());
}

TEST(BitsTest, BitKIsInByteKOver8AtPositionKMod8) {
  uint8_t buf[3] = {0, 0, 0};
  qkd_bit_set(buf, 0, true);
  qkd_bit_set(buf, 9, true);
  qkd_bit_set(buf, 23, true);
  EXPECT_EQ(buf[0], 0x01);
  EXPECT_EQ(buf[1], 0x02);
  EXPECT_EQ(buf[2], 0x80);
  EXPECT_TRUE(qkd_bit_get(buf, 9));
  EXPECT_FALSE(qkd_bit_get(buf, 8));
  qkd_bit_flip(buf, 9);
  EXPECT_EQ(buf[1], 0x00);
}

TEST(BitsTest, ClearTailZeroesOnlyUnusedBits) {
  uint8_t buf[2] = {0xff, 0xff};
  qkd_bits_clear_tail(buf, 11);
  EXPECT_EQ(buf[0], 0xff);
  EXPECT_EQ(buf[1], 0x07);
  qkd_bits_clear_tail(buf, 16);
  EXPECT_EQ(buf[1], 0x07);
}

TEST(BitsTest, HammingCountsDifferencesWithinLengthOnly) {
  qkd_rng rng;
  qkd_rng_seed(&rng, 1);
  for (size_t n : {1u, 7u, 8u, 63u, 64u, 65u, 1000u}) {
    std::vector<uint8_t> a(qkd_bits_nbytes(n) + 1), b;
    qkd_rng_fill(&rng, a.data(), a.size());
    b = a;
    size_t flips = 0;
    for (size_t k = 0; k < n; k += 3) {
      qkd_bit_flip(b.data(), k);
      flips++;
    }
    b.back() ^= 0xff;  // beyond the length: must not count
    EXPECT_EQ(qkd_bits_hamming(a.data(), b.data(), n), flips) << n;
    EXPECT_FALSE(qkd_bits_equal(a.data(), b.data(), n));
  }
}

TEST(BitsTest, ReadFileRejectsMissingAndShortFiles) {
  uint8_t *out = nullptr;
  EXPECT_EQ(qkd_bits_read_file(&out, "/nonexistent/qkd", 8), QKD_ERR_IO);
  std::string path = TempPath("short");
  FILE *f = fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  fputc(0xff, f);
  fclose(f);
  EXPECT_EQ(qkd_bits_read_file(&out, path.c_str(), 9), QKD_ERR_FORMAT);
  EXPECT_EQ(out, nullptr);
  ASSERT_EQ(qkd_bits_read_file(&out, path.c_str(), 5), QKD_OK);
  EXPECT_EQ(out[0], 0x1f);  // tail cleared
  qkd_free_secret(out, 1);
  EXPECT_EQ(qkd_bits_read_file(&out, path.c_str(), 0), QKD_ERR_INVALID);
  unlink(path.c_str());
}

TEST(BitsTest, AtomicWriteCreatesFileWithRequestedMode) {
  std::string path = TempPath("key");
  const uint8_t data[4] = {1, 2, 3, 4};
  ASSERT_EQ(qkd_file_write_atomic(path.c_str(), data, sizeof(data), 0600), QKD_OK);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 4);
  uint8_t *back = nullptr;
  ASSERT_EQ(qkd_bits_read_file(&back, path.c_str(), 32), QKD_OK);
  EXPECT_EQ(memcmp(back, data, 4), 0);
  qkd_free_secret(back, 4);
  unlink(path.c_str());
  EXPECT_EQ(qkd_file_write_atomic("/nonexistent/dir/key", data, 4, 0600), QKD_ERR_IO);
}

TEST(BitsTest, WipeZeroesMemory) {
  uint8_t buf[16];
  memset(buf, 0xa5, sizeof(buf));
  qkd_wipe(buf, sizeof(buf));
  for (uint8_t b : buf) EXPECT_EQ(b, 0);
  qkd_free_secret(nullptr, 10);  // NULL accepted
}

}  // namespace
