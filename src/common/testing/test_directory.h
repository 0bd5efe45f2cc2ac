// common/testing/test_directory.h: a scratch directory of the running test,
// for tests that put a store, an index or a mail spool on disk.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace newsdesk::testing {

// FreshTestDirectory returns `<temp>/<prefix>_<pid>_<test name>`, a path no
// other test or test process uses, with whatever an earlier run left there
// removed. <temp> is std::filesystem::temp_directory_path(), so $TMPDIR.
// A parameterised test's name ("Name/sqlite") has its '/' made '_': the path
// is one level, so removing it leaves no empty parent behind in <temp>.
// It does not create the directory; the caller removes it when done.
// REQUIRES: a test is running (the name comes from GoogleTest).
inline std::filesystem::path FreshTestDirectory(std::string_view prefix) {
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(name.begin(), name.end(), '/', '_');
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    (std::string(prefix) + "_" + std::to_string(::getpid()) + "_" + name);
  std::filesystem::remove_all(dir);
  return dir;
}

// TestDirectory is a FreshTestDirectory that exists while the object does:
// the destructor removes it, so a test that fails an ASSERT (or throws)
// leaves nothing behind either.
//   testing::TestDirectory tmp("nd_config");
//   std::ofstream(tmp / "site.toml") << "...";
class TestDirectory {
 public:
  explicit TestDirectory(std::string_view prefix) : path_(FreshTestDirectory(prefix)) {
    std::filesystem::create_directories(path_);
  }
  ~TestDirectory() {
    std::error_code ignored;  // a destructor must not throw; nothing to do if removal fails
    std::filesystem::remove_all(path_, ignored);
  }
  TestDirectory(const TestDirectory&) = delete;
  TestDirectory& operator=(const TestDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace newsdesk::testing
