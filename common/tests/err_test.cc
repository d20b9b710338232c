#include "qkd/err.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

TEST(ErrTest, EveryCodeHasADistinctNameAndText) {
  std::set<std::string> names;
  for (int e = 0; e >= QKD_ERR_STATE; e--) {
    std::string name = qkd_err_name(static_cast<qkd_err>(e));
    EXPECT_NE(name, "QKD_ERR_UNKNOWN") << e;
    EXPECT_STRNE(qkd_strerror(static_cast<qkd_err>(e)), "unknown error") << e;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(-QKD_ERR_STATE + 1));
}

TEST(ErrTest, UnknownCodeIsNamedUnknown) {
  EXPECT_STREQ(qkd_err_name(static_cast<qkd_err>(-999)), "QKD_ERR_UNKNOWN");
  EXPECT_STREQ(qkd_strerror(static_cast<qkd_err>(5)), "unknown error");
}
