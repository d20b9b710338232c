#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace {

struct Result {
  int status;
  std::string out;
};

// Runs qkd-run with |args|, capturing stdout (and stderr when |merge|).
Result RunTool(const std::string &args, bool merge = true) {
  std::string cmd = std::string(QKD_RUN_BIN) + " " + args + (merge ? " 2>&1" : " 2>/dev/null");
  FILE *p = popen(cmd.c_str(), "r");
  Result r{-1, ""};
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

int Lines(const std::string &s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST(QkdRunCliTest, HelpDescribesEveryFlag) {
  Result r = RunTool("--help");
  EXPECT_EQ(r.status, 0);
  for (const char *flag : {"--distance-km", "--pulses", "--seed", "--eve-fraction", "--out-dir", "--json"})
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
}

TEST(QkdRunCliTest, BadInputGivesOneErrorLineAndNonZeroExit) {
  for (const char *args : {"--bogus", "--pulses abc", "--pulses 0", "--eve-fraction 2", "--distance-km -1",
                           "--frame-bits 100", "--pulses", "extra"}) {
    Result r = RunTool(args);
    EXPECT_EQ(r.status, 2) << args << ": " << r.out;
    EXPECT_NE(r.out.find("qkd-run: error: "), std::string::npos) << args;
    EXPECT_EQ(r.out.rfind("qkd-run: error: ", 0), 0u) << args << ": " << r.out;
    EXPECT_EQ(Lines(r.out), 1) << args;
  }
}

TEST(QkdRunCliTest, HonestRunPrintsJsonWithEqualKeys) {
  Result r = RunTool("--pulses 2e7 --distance-km 10 --seed 7 --quiet --json", false);
  ASSERT_EQ(r.status, 0) << r.out;
  for (const char *field : {"\"pulses\": 20000000", "\"sifted_bits\"", "\"qber\"", "\"disclosed_bits\"",
                            "\"efficiency\"", "\"final_bits\"", "\"keys_equal\": true",
                            "\"aborted\": false", "\"abort_reason\": null"})
    EXPECT_NE(r.out.find(field), std::string::npos) << field << "\n" << r.out;
}

TEST(QkdRunCliTest, EveAtFractionOneAbortsWithExitThree) {
  Result r = RunTool("--pulses 3e6 --eve-fraction 1 --quiet --json", false);
  EXPECT_EQ(r.status, 3) << r.out;
  EXPECT_NE(r.out.find("\"aborted\": true"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"final_bits\": 0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("QBER bound"), std::string::npos) << r.out;
}

TEST(QkdRunCliTest, OutDirHoldsKeysReadableOnlyByOwner) {
  std::string dir = std::string(::testing::TempDir()) + "/qkd-run-out-" + std::to_string(getpid());
  Result r = RunTool("--pulses 2e7 --distance-km 10 --quiet --out-dir " + dir);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("keys equal: yes"), std::string::npos) << r.out;
  for (const char *f : {"alice.key", "bob.key", "alice.events", "bob.events"}) {
    struct stat st;
    ASSERT_EQ(stat((dir + "/" + f).c_str(), &st), 0) << f;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
    EXPECT_GT(st.st_size, 0) << f;
  }
  struct stat a, b;
  ASSERT_EQ(stat((dir + "/alice.key").c_str(), &a), 0);
  ASSERT_EQ(stat((dir + "/bob.key").c_str(), &b), 0);
  EXPECT_EQ(a.st_size, b.st_size);
  std::string cmp = "cmp -s " + dir + "/alice.key " + dir + "/bob.key";
  EXPECT_EQ(system(cmp.c_str()), 0);
  std::string rm = "rm -rf " + dir;
  EXPECT_EQ(system(rm.c_str()), 0);
}

}  // namespace
