// qkd_pa_cli_test.cc: the qkd-pa tool (tools/qkd_pa.c) end to end: round trip
// equals the library, and every bad input gives one error line and a non-zero exit.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "qkd/bits.h"
#include "qkd/rng.h"
#include "qkd/toeplitz.h"

#ifndef QKD_PA_BIN
#error "QKD_PA_BIN must name the qkd-pa binary"
#endif

namespace {

using Bits = std::vector<uint8_t>;

struct Result {
  int status;
  std::string err;
};

class QkdPaCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/qkd_pa_cli_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  std::string Path(const std::string &name) const { return dir_ + "/" + name; }

  void WriteFile(const std::string &name, const Bits &b) {
    std::ofstream f(Path(name), std::ios::binary);
    f.write(reinterpret_cast<const char *>(b.data()), (std::streamsize)b.size());
  }
  Bits ReadFile(const std::string &name) {
    std::ifstream f(Path(name), std::ios::binary);
    return Bits(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  Result Run(const std::string &args) {
    std::string errf = Path("stderr.txt");
    std::string cmd = std::string(QKD_PA_BIN) + " " + args + " 2>'" + errf + "' >/dev/null";
    int st = std::system(cmd.c_str());
    std::ifstream f(errf);
    std::string err((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, err};
  }
  // Expects a clean failure: non-zero exit, exactly one "qkd-pa: error: " line.
  void ExpectOneErrorLine(const std::string &args, const std::string &needle = "") {
    Result r = Run(args);
    EXPECT_GT(r.status, 0) << args;
    EXPECT_EQ(r.err.rfind("qkd-pa: error: ", 0), 0u) << args << "\n" << r.err;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << args << "\n" << r.err;
    if (!needle.empty()) {
      EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    }
  }
  std::string GoodArgs(size_t n, size_t m) {
    return "--input '" + Path("in.bin") + "' --input-bits " + std::to_string(n) + " --seed '" +
           Path("seed.bin") + "' --output-bits " + std::to_string(m) + " --output '" +
           Path("out.bin") + "'";
  }
  void MakeInputs(size_t n, size_t m, uint64_t seed) {
    qkd_rng rng;
    qkd_rng_seed(&rng, seed);
    x_.assign(qkd_bits_nbytes(n), 0);
    s_.assign(qkd_bits_nbytes(n + m - 1), 0);
    qkd_rng_fill_bits(&rng, x_.data(), n);
    qkd_rng_fill_bits(&rng, s_.data(), n + m - 1);
    WriteFile("in.bin", x_);
    WriteFile("seed.bin", s_);
  }

  std::string dir_;
  Bits x_, s_;
};

TEST_F(QkdPaCliTest, RoundTripEqualsLibraryForBothAlgorithms) {
  const size_t n = 100003, m = 40001;
  MakeInputs(n, m, 11);
  Bits want(qkd_bits_nbytes(m));
  ASSERT_EQ(qkd_toeplitz_hash(want.data(), m, x_.data(), n, s_.data(), QKD_TOEPLITZ_FAST), QKD_OK);
  for (const char *extra : {"", " --algorithm fast", " --algorithm direct --backend cpu"}) {
    Result r = Run(GoodArgs(n, m) + extra);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(ReadFile("out.bin"), want) << extra;
    struct stat st;
    ASSERT_EQ(stat(Path("out.bin").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
}

TEST_F(QkdPaCliTest, LongerInputAndSeedFilesAreAccepted) {
  const size_t n = 1000, m = 500;
  MakeInputs(n + 64, m + 64, 12);  // files longer than needed
  Bits want(qkd_bits_nbytes(m));
  Bits x = x_, s = s_;
  x.resize(qkd_bits_nbytes(n));
  qkd_bits_clear_tail(x.data(), n);
  ASSERT_EQ(qkd_toeplitz_hash(want.data(), m, x.data(), n, s.data(), QKD_TOEPLITZ_DIRECT), QKD_OK);
  Result r = Run(GoodArgs(n, m));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(ReadFile("out.bin"), want);
}

TEST_F(QkdPaCliTest, HelpPrintsUsageAndSucceeds) {
  Result r = Run("--help");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
}

TEST_F(QkdPaCliTest, EachBadInputGivesOneErrorLine) {
  const size_t n = 1000, m = 300;
  MakeInputs(n, m, 13);
  const std::string in = " --input '" + Path("in.bin") + "'";
  const std::string seed = " --seed '" + Path("seed.bin") + "'";
  const std::string out = " --output '" + Path("out.bin") + "'";
  // Missing files.
  ExpectOneErrorLine("--input '" + Path("nope.bin") + "' --input-bits 1000" + seed +
                     " --output-bits 300" + out);
  ExpectOneErrorLine(in + " --input-bits 1000 --seed '" + Path("nope.bin") + "' --output-bits 300" +
                     out);
  // Files shorter than the stated bit counts.
  ExpectOneErrorLine(in + " --input-bits 1009" + seed + " --output-bits 300" + out);
  ExpectOneErrorLine(in + " --input-bits 1000" + seed + " --output-bits 310" + out);
  // M > N, M = 0, N = 0.
  ExpectOneErrorLine(in + " --input-bits 1000" + seed + " --output-bits 1001" + out);
  ExpectOneErrorLine(in + " --input-bits 1000" + seed + " --output-bits 0" + out);
  ExpectOneErrorLine(in + " --input-bits 0" + seed + " --output-bits 0" + out);
  // Malformed numbers.
  for (const char *bad : {"12x", "-5", "", "1.5", "99999999999999999999999"})
    ExpectOneErrorLine(in + " --input-bits '" + std::string(bad) + "'" + seed +
                       " --output-bits 300" + out);
  ExpectOneErrorLine(in + " --input-bits 1000" + seed + " --output-bits abc" + out);
  // Unknown flag, stray argument, missing value.
  ExpectOneErrorLine(GoodArgs(n, m) + " --frobnicate", "--frobnicate");
  ExpectOneErrorLine(GoodArgs(n, m) + " stray");
  ExpectOneErrorLine(GoodArgs(n, m) + " --algorithm");
  // Missing required flags.
  ExpectOneErrorLine(in + " --input-bits 1000" + seed + " --output-bits 300", "--output");
  ExpectOneErrorLine("--input-bits 1000" + seed + " --output-bits 300" + out, "--input");
  ExpectOneErrorLine(in + seed + " --output-bits 300" + out, "--input-bits");
  ExpectOneErrorLine(in + " --input-bits 1000 --output-bits 300" + out, "--seed");
  ExpectOneErrorLine(in + " --input-bits 1000" + seed + out, "--output-bits");
  // Unknown backend and algorithm.
  ExpectOneErrorLine(GoodArgs(n, m) + " --backend opencl", "backend not available");
  ExpectOneErrorLine(GoodArgs(n, m) + " --algorithm slow");
  // Unwritable output folder.
  ExpectOneErrorLine(in + " --input-bits 1000" + seed + " --output-bits 300 --output '" +
                     Path("no/such/dir/out.bin") + "'");
  // Nothing was written by any failing run.
  EXPECT_NE(access(Path("out.bin").c_str(), F_OK), 0);
}

}  // namespace
