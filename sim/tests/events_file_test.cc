// Tests of the QKDA/QKDB event files: round trip, mode 0600, and rejection of
// truncated, corrupted, mislabelled and inconsistent files.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "qkd/bb84sim.h"

namespace {

class EventsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/qkd_events_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    qkd_sim_params p;
    qkd_sim_params_default(&p);
    p.pulses = 200001;  // odd: exercises the half-used last byte
    p.seed = 9;
    p.distance_km = 5;
    ASSERT_EQ(qkd_sim_run(&a_, &b_, &p, nullptr, nullptr), QKD_OK);
    ASSERT_GT(b_.count, 100u);
  }
  void TearDown() override {
    qkd_alice_events_cleanup(&a_);
    qkd_bob_events_cleanup(&b_);
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  std::string Path(const char *name) const { return dir_ + "/" + name; }

  static std::vector<uint8_t> Load(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
  }
  static void Store(const std::string &path, const std::vector<uint8_t> &bytes) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char *>(bytes.data()), (std::streamsize)bytes.size());
  }
  // Writes a Bob file whose records are |recs| (header CRCs made valid by the writer).
  std::string WriteBob(const char *name, std::vector<uint64_t> recs, uint64_t pulses) {
    qkd_bob_events b{pulses, recs.size(), recs.data()};
    std::string path = Path(name);
    EXPECT_EQ(qkd_bob_events_write(path.c_str(), &b), QKD_OK);
    return path;
  }

  std::string dir_;
  qkd_alice_events a_{};
  qkd_bob_events b_{};
};

TEST_F(EventsFileTest, RoundTripKeepsEveryBitAndUsesMode0600) {
  std::string pa = Path("a.qkda"), pb = Path("b.qkdb");
  ASSERT_EQ(qkd_alice_events_write(pa.c_str(), &a_), QKD_OK);
  ASSERT_EQ(qkd_bob_events_write(pb.c_str(), &b_), QKD_OK);
  struct stat st;
  ASSERT_EQ(stat(pa.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ((size_t)st.st_size, 32 + (size_t)(a_.pulses / 2 + 1));
  ASSERT_EQ(stat(pb.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ((size_t)st.st_size, 32 + 8 * b_.count);

  qkd_alice_events a{};
  qkd_bob_events b{};
  ASSERT_EQ(qkd_alice_events_read(&a, pa.c_str()), QKD_OK);
  ASSERT_EQ(qkd_bob_events_read(&b, pb.c_str()), QKD_OK);
  EXPECT_EQ(a.pulses, a_.pulses);
  EXPECT_EQ(std::memcmp(a.settings, a_.settings, (size_t)(a_.pulses / 2 + 1)), 0);
  EXPECT_EQ(b.pulses, b_.pulses);
  ASSERT_EQ(b.count, b_.count);
  EXPECT_EQ(std::memcmp(b.records, b_.records, 8 * b.count), 0);
  qkd_alice_events_cleanup(&a);
  qkd_bob_events_cleanup(&b);
}

TEST_F(EventsFileTest, HeaderIsLittleEndianWithMagicAndVersion) {
  std::string pb = Path("b.qkdb");
  ASSERT_EQ(qkd_bob_events_write(pb.c_str(), &b_), QKD_OK);
  std::vector<uint8_t> f = Load(pb);
  ASSERT_GE(f.size(), 40u);
  EXPECT_EQ(std::memcmp(f.data(), "QKDB", 4), 0);
  EXPECT_EQ(f[4], 1);
  EXPECT_EQ(f[5], 0);
  uint64_t pulses = 0, count = 0, first = 0;
  for (int i = 7; i >= 0; i--) {
    pulses = (pulses << 8) | f[8 + i];
    count = (count << 8) | f[16 + i];
    first = (first << 8) | f[32 + i];
  }
  EXPECT_EQ(pulses, b_.pulses);
  EXPECT_EQ(count, b_.count);
  EXPECT_EQ(first, b_.records[0]);
}

TEST_F(EventsFileTest, EmptyBobFileRoundTrips) {
  std::string p = WriteBob("empty.qkdb", {}, 10);
  qkd_bob_events b{};
  ASSERT_EQ(qkd_bob_events_read(&b, p.c_str()), QKD_OK);
  EXPECT_EQ(b.count, 0u);
  EXPECT_EQ(b.pulses, 10u);
  qkd_bob_events_cleanup(&b);
}

TEST_F(EventsFileTest, ReaderRejectsTruncatedFiles) {
  std::string pa = Path("a.qkda"), pb = Path("b.qkdb");
  ASSERT_EQ(qkd_alice_events_write(pa.c_str(), &a_), QKD_OK);
  ASSERT_EQ(qkd_bob_events_write(pb.c_str(), &b_), QKD_OK);
  for (size_t cut : {size_t(0), size_t(10), size_t(31), size_t(32), size_t(100)}) {
    std::vector<uint8_t> fa = Load(pa), fb = Load(pb);
    fa.resize(cut < 100 ? cut : fa.size() - 1);
    fb.resize(cut < 100 ? cut : fb.size() - 3);
    std::string ta = Path("ta"), tb = Path("tb");
    Store(ta, fa);
    Store(tb, fb);
    qkd_alice_events a{};
    qkd_bob_events b{};
    EXPECT_EQ(qkd_alice_events_read(&a, ta.c_str()), QKD_ERR_FORMAT) << cut;
    EXPECT_EQ(qkd_bob_events_read(&b, tb.c_str()), QKD_ERR_FORMAT) << cut;
    EXPECT_EQ(a.settings, nullptr);
    EXPECT_EQ(b.records, nullptr);
  }
}

TEST_F(EventsFileTest, ReaderRejectsTrailingBytes) {
  std::string pa = Path("a.qkda");
  ASSERT_EQ(qkd_alice_events_write(pa.c_str(), &a_), QKD_OK);
  std::vector<uint8_t> f = Load(pa);
  f.push_back(0);
  Store(pa, f);
  qkd_alice_events a{};
  EXPECT_EQ(qkd_alice_events_read(&a, pa.c_str()), QKD_ERR_FORMAT);
}

TEST_F(EventsFileTest, ReaderRejectsBadMagicAndSwappedKinds) {
  std::string pa = Path("a.qkda"), pb = Path("b.qkdb");
  ASSERT_EQ(qkd_alice_events_write(pa.c_str(), &a_), QKD_OK);
  ASSERT_EQ(qkd_bob_events_write(pb.c_str(), &b_), QKD_OK);
  qkd_alice_events a{};
  qkd_bob_events b{};
  EXPECT_EQ(qkd_alice_events_read(&a, pb.c_str()), QKD_ERR_FORMAT);
  EXPECT_EQ(qkd_bob_events_read(&b, pa.c_str()), QKD_ERR_FORMAT);
  std::vector<uint8_t> f = Load(pa);
  f[0] = 'X';
  Store(pa, f);
  EXPECT_EQ(qkd_alice_events_read(&a, pa.c_str()), QKD_ERR_FORMAT);
}

TEST_F(EventsFileTest, ReaderRejectsCorruptHeaderAndUnknownVersion) {
  std::string pb = Path("b.qkdb");
  ASSERT_EQ(qkd_bob_events_write(pb.c_str(), &b_), QKD_OK);
  std::vector<uint8_t> f = Load(pb);
  for (size_t at : {size_t(4), size_t(8), size_t(16), size_t(24), size_t(28)}) {
    std::vector<uint8_t> g = f;
    g[at] ^= 0x01;
    Store(pb, g);
    qkd_bob_events b{};
    EXPECT_EQ(qkd_bob_events_read(&b, pb.c_str()), QKD_ERR_FORMAT) << at;
  }
}

TEST_F(EventsFileTest, ReaderRejectsCorruptedPayload) {
  std::string pa = Path("a.qkda"), pb = Path("b.qkdb");
  ASSERT_EQ(qkd_alice_events_write(pa.c_str(), &a_), QKD_OK);
  ASSERT_EQ(qkd_bob_events_write(pb.c_str(), &b_), QKD_OK);
  std::vector<uint8_t> fa = Load(pa), fb = Load(pb);
  fa[32 + 1000] ^= 0x01;  // flips one of Alice's bits: only the CRC can tell
  fb[32 + 8 * 10] ^= 0x01;
  Store(pa, fa);
  Store(pb, fb);
  qkd_alice_events a{};
  qkd_bob_events b{};
  EXPECT_EQ(qkd_alice_events_read(&a, pa.c_str()), QKD_ERR_FORMAT);
  EXPECT_EQ(qkd_bob_events_read(&b, pb.c_str()), QKD_ERR_FORMAT);
}

TEST_F(EventsFileTest, ReaderRejectsUnsortedDuplicateAndOutOfRangeIndices) {
  qkd_bob_events b{};
  std::string ok = WriteBob("ok", {(1u << 2) | 1, (5u << 2) | 2, (9u << 2)}, 10);
  EXPECT_EQ(qkd_bob_events_read(&b, ok.c_str()), QKD_OK);
  qkd_bob_events_cleanup(&b);
  std::string unsorted = WriteBob("unsorted", {(5u << 2), (1u << 2)}, 10);
  EXPECT_EQ(qkd_bob_events_read(&b, unsorted.c_str()), QKD_ERR_FORMAT);
  std::string dup = WriteBob("dup", {(5u << 2), (5u << 2) | 1}, 10);
  EXPECT_EQ(qkd_bob_events_read(&b, dup.c_str()), QKD_ERR_FORMAT);
  std::string range = WriteBob("range", {(1u << 2), (10u << 2)}, 10);
  EXPECT_EQ(qkd_bob_events_read(&b, range.c_str()), QKD_ERR_FORMAT);
  std::string toomany = WriteBob("toomany", {0, 4, 8}, 2);
  EXPECT_EQ(qkd_bob_events_read(&b, toomany.c_str()), QKD_ERR_FORMAT);
  EXPECT_EQ(b.records, nullptr);
}

TEST_F(EventsFileTest, ReaderRejectsInvalidIntensityClass) {
  uint8_t s[2] = {0x0c, 0x00};  // pulse 0 in class 3
  qkd_alice_events a{4, s};
  std::string p = Path("class3");
  ASSERT_EQ(qkd_alice_events_write(p.c_str(), &a), QKD_OK);
  qkd_alice_events r{};
  EXPECT_EQ(qkd_alice_events_read(&r, p.c_str()), QKD_ERR_FORMAT);
}

TEST_F(EventsFileTest, MissingFileIsAnIoErrorAndUnwritablePathLeavesNothing) {
  qkd_alice_events a{};
  std::string missing = Path("missing");
  EXPECT_EQ(qkd_alice_events_read(&a, missing.c_str()), QKD_ERR_IO);
  std::string bad = Path("no/such/folder/a.qkda");
  EXPECT_EQ(qkd_alice_events_write(bad.c_str(), &a_), QKD_ERR_IO);
  EXPECT_EQ(qkd_bob_events_write(bad.c_str(), &b_), QKD_ERR_IO);
  EXPECT_EQ(qkd_alice_events_write(nullptr, &a_), QKD_ERR_INVALID);
  EXPECT_EQ(qkd_alice_events_read(nullptr, missing.c_str()), QKD_ERR_INVALID);
}

TEST_F(EventsFileTest, WriteReplacesAnExistingFileAtomically) {
  std::string pa = Path("a.qkda");
  Store(pa, std::vector<uint8_t>(7, 0xee));
  ASSERT_EQ(qkd_alice_events_write(pa.c_str(), &a_), QKD_OK);
  qkd_alice_events a{};
  ASSERT_EQ(qkd_alice_events_read(&a, pa.c_str()), QKD_OK);
  EXPECT_EQ(a.pulses, a_.pulses);
  qkd_alice_events_cleanup(&a);
  // No temporary files remain beside it.
  std::string cmd = "test $(ls '" + dir_ + "' | wc -l) -eq 1";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

}  // namespace
