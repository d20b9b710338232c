// Tests of the qkd-sim command line: a good run writes readable event files and
// a report; bad input gives a non-zero exit and exactly one line on stderr.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "qkd/bb84sim.h"

#ifndef QKD_SIM_BIN
#error "QKD_SIM_BIN must name the qkd-sim binary"
#endif

namespace {

struct Result {
  int status = -1;
  std::string out, err;
};

class QkdSimCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/qkd_sim_cli_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  static std::string Slurp(const std::string &path) {
    std::string s;
    FILE *f = std::fopen(path.c_str(), "rb");
    if (!f) return s;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) s.append(buf, n);
    std::fclose(f);
    return s;
  }
  Result Run(const std::string &args) {
    std::string out = dir_ + "/stdout", err = dir_ + "/stderr";
    std::string cmd = std::string(QKD_SIM_BIN) + " " + args + " >" + out + " 2>" + err;
    Result r;
    int st = std::system(cmd.c_str());
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }
  static int Lines(const std::string &s) {
    int n = 0;
    for (char c : s) n += c == '\n';
    return n;
  }
  void ExpectOneLineError(const std::string &args) {
    Result r = Run(args);
    EXPECT_NE(r.status, 0) << args;
    EXPECT_EQ(r.err.rfind("qkd-sim: error: ", 0), 0u) << args << "\n" << r.err;
    EXPECT_EQ(Lines(r.err), 1) << args << "\n" << r.err;
    EXPECT_EQ(r.out, "") << args;
  }
  std::string dir_;
};

TEST_F(QkdSimCliTest, GoodRunWritesReadableFilesAndReport) {
  std::string a = dir_ + "/a.qkda", b = dir_ + "/b.qkdb";
  Result r = Run("--pulses 200000 --seed 3 --distance-km 10 --alice " + a + " --bob " + b);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("signal"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("QBER"), std::string::npos) << r.out;
  qkd_alice_events ae{};
  qkd_bob_events be{};
  ASSERT_EQ(qkd_alice_events_read(&ae, a.c_str()), QKD_OK);
  ASSERT_EQ(qkd_bob_events_read(&be, b.c_str()), QKD_OK);
  EXPECT_EQ(ae.pulses, 200000u);
  EXPECT_GT(be.count, 0u);
  struct stat st;
  ASSERT_EQ(stat(a.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // The files are exactly what the library gives for the same parameters.
  qkd_sim_params p;
  qkd_sim_params_default(&p);
  p.pulses = 200000;
  p.seed = 3;
  p.distance_km = 10;
  qkd_alice_events la{};
  qkd_bob_events lb{};
  ASSERT_EQ(qkd_sim_run(&la, &lb, &p, nullptr, nullptr), QKD_OK);
  EXPECT_EQ(lb.count, be.count);
  qkd_alice_events_cleanup(&ae);
  qkd_bob_events_cleanup(&be);
  qkd_alice_events_cleanup(&la);
  qkd_bob_events_cleanup(&lb);
}

TEST_F(QkdSimCliTest, JsonReportHasExpectedAndMeasured) {
  Result r = Run("--dry-run --json --quiet --pulses 100000 --eve-fraction 1 --mu 0.6,0.2,0.001 "
                 "--p-mu 0.5,0.3,0.2");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.front(), '{');
  EXPECT_EQ(Lines(r.out), 1);
  for (const char *key : {"\"expected\"", "\"measured\"", "\"gain\"", "\"qber\"",
                          "\"eve_fraction\":1", "\"mu\":[0.6,0.2,0.001]", "\"alice\":null"})
    EXPECT_NE(r.out.find(key), std::string::npos) << key << "\n" << r.out;
  EXPECT_EQ(r.err, "");
}

TEST_F(QkdSimCliTest, BadValueErrorNamesTheFlagAndTheValue) {
  Result r = Run("--dry-run --distance-km 12km");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "qkd-sim: error: bad value '12km' for --distance-km (see qkd-sim --help)\n");
}

TEST_F(QkdSimCliTest, HelpExitsZero) {
  Result r = Run("--help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("--eve-fraction"), std::string::npos);
}

TEST_F(QkdSimCliTest, BadInputGivesOneErrorLineAndNonZeroExit) {
  std::string files = " --alice " + dir_ + "/a --bob " + dir_ + "/b";
  ExpectOneLineError("--no-such-flag" + files);
  ExpectOneLineError("--pulses 100");                       // missing --alice/--bob
  ExpectOneLineError("--pulses 100 --alice " + dir_ + "/a");  // missing --bob
  ExpectOneLineError("--pulses abc" + files);
  ExpectOneLineError("--pulses -5" + files);
  ExpectOneLineError("--distance-km 1.0x" + files);
  ExpectOneLineError("--mu 0.5,0.1" + files);
  ExpectOneLineError("--mu 0.1,0.5,0.0002" + files);        // not decreasing
  ExpectOneLineError("--p-mu 0.5,0.2,0.1" + files);         // does not sum to 1
  ExpectOneLineError("--p-key-basis 1.5" + files);
  ExpectOneLineError("--eve-fraction -0.1" + files);
  ExpectOneLineError("--pulses 0" + files);
  ExpectOneLineError(files + " --pulses");                  // value missing
  ExpectOneLineError("--pulses 100 extra" + files);
  ExpectOneLineError("--pulses 100 --alice /nonexistent/dir/a --bob " + dir_ + "/b");
  ExpectOneLineError("--pulses 100 --alice " + dir_ + " --bob " + dir_ + "/b");
  ExpectOneLineError("--pulses 100 --alice " + dir_ + "/x --bob " + dir_ + "/x");
}

}  // namespace
