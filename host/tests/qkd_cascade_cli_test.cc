#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "qkd/bits.h"
#include "qkd/rng.h"

namespace {

struct Result {
  int status;
  std::string out, err;
};

std::string Dir() {
  static std::string dir = [] {
    char tmpl[] = "/tmp/qkd_cascade_cli_XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  return dir;
}

std::string Slurp(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

Result RunTool(const std::string &args) {
  std::string o = Dir() + "/stdout", e = Dir() + "/stderr";
  std::string cmd = std::string(QKD_CASCADE_BIN) + " " + args + " >" + o + " 2>" + e;
  int rc = std::system(cmd.c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, Slurp(o), Slurp(e)};
}

void Write(const std::string &path, const std::vector<uint8_t> &b) {
  std::ofstream f(path, std::ios::binary);
  f.write((const char *)b.data(), (std::streamsize)b.size());
}

// Writes Alice's and Bob's files with |n| bits at QBER |q|; returns the paths.
std::pair<std::string, std::string> Frames(size_t n, double q) {
  struct qkd_rng rng;
  qkd_rng_seed(&rng, n);
  std::vector<uint8_t> a(qkd_bits_nbytes(n)), b;
  qkd_rng_fill_bits(&rng, a.data(), n);
  b = a;
  for (size_t k = 0; k < n; k++)
    if (qkd_rng_double(&rng) < q) qkd_bit_flip(b.data(), k);
  std::string pa = Dir() + "/alice.bin", pb = Dir() + "/bob.bin";
  Write(pa, a);
  Write(pb, b);
  return {pa, pb};
}

bool OneErrorLine(const Result &r) {
  return r.status != 0 && r.err.rfind("qkd-cascade: error: ", 0) == 0 &&
         r.err.find('\n') == r.err.size() - 1;
}

}  // namespace

TEST(QkdCascadeCliTest, JsonReportsEqualFramesAndFields) {
  auto [pa, pb] = Frames(20000, 0.03);
  std::string outp = Dir() + "/out.bin";
  Result r = RunTool("--alice " + pa + " --bob " + pb + " --bits 20000 --qber 0.03 --output " +
                     outp + " --json");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char *k : {"\"bits\": 20000", "\"errors_after\": 0", "\"errors_before\"",
                        "\"disclosed_bits\"", "\"round_trips\"", "\"efficiency\"", "\"seconds\"",
                        "\"qber_true\"", "\"qber_estimate\": 0.030000", "\"passes\""})
    EXPECT_NE(r.out.find(k), std::string::npos) << k << " in " << r.out;
  EXPECT_EQ(Slurp(outp), Slurp(pa));
  struct stat st;
  ASSERT_EQ(stat(outp.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(QkdCascadeCliTest, MeasuresQberWhenNotGivenAndPrintsSummary) {
  auto [pa, pb] = Frames(5000, 0.02);
  Result r = RunTool("--alice " + pa + " --bob " + pb + " --bits 5000");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("measured"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("efficiency"), std::string::npos);
  Result j = RunTool("--alice " + pa + " --bob " + pb + " --bits 5000 --json");
  EXPECT_NE(j.out.find("\"qber_estimate_source\": \"measured\""), std::string::npos);
}

TEST(QkdCascadeCliTest, NoErrorsGivesNullEfficiency) {
  auto [pa, pb] = Frames(3000, 0.0);
  Result r = RunTool("--alice " + pa + " --bob " + pa + " --bits 3000 --qber 0.02 --json");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"efficiency\": null"), std::string::npos) << r.out;
}

TEST(QkdCascadeCliTest, BadInputGivesOneErrorLine) {
  auto [pa, pb] = Frames(1000, 0.02);
  const std::string ok = "--alice " + pa + " --bob " + pb;
  for (const std::string &args :
       {ok + " --bits 1000 --nonsense", ok, ok + " --bits 12x", ok + " --bits 0",
        ok + " --bits 1000 --qber 0.5", ok + " --bits 1000 --qber 0",
        ok + " --bits 1000 --qber -0.1", ok + " --bits 1000 --qber abc",
        ok + " --bits 1000 --seed -3", ok + " --bits 1000 --backend opencl",
        "--alice /nonexistent/a --bob " + pb + " --bits 1000", ok + " --bits 1000000",
        ok + " --bits 1000 stray", ok + " --bits"}) {
    Result r = RunTool(args);
    EXPECT_TRUE(OneErrorLine(r)) << args << " -> status " << r.status << " err: " << r.err;
  }
  Result b = RunTool(ok + " --bits 1000 --backend opencl");
  EXPECT_NE(b.err.find("not available"), std::string::npos);
}

TEST(QkdCascadeCliTest, HelpMentionsMeasuredQber) {
  Result r = RunTool("--help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("true QBER measured"), std::string::npos);
}
