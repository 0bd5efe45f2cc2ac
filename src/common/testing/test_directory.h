// common/testing/test_directory.h: a scratch directory of the running test,
// for tests that put a store, an index or a mail spool on disk.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace newsdesk::testing {

// FreshTestDirectory returns `<temp>/<prefix>_<pid>_<test name>`, a path no
// other test or test process uses, with whatever an earlier run left there
// removed. It does not create the directory; the caller removes it when done.
// REQUIRES: a test is running (the name comes from GoogleTest).
inline std::filesystem::path FreshTestDirectory(std::string_view prefix) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      (std::string(prefix) + "_" + std::to_string(::getpid()) + "_" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  return dir;
}

}  // namespace newsdesk::testing
