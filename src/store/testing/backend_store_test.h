// File: store/testing/backend_store_test.h
//
// A gtest fixture for store tests that run on both backends: each test gets
// a new, empty store of the backend its parameter names ("sqlite" in a
// fresh folder, "postgresql" in a fresh database of the test cluster).
//
//   class JobStoreTest : public testing::BackendStoreTest {
//     JobStoreTest() : BackendStoreTest("nd_jobs") {}
//   };
//   INSTANTIATE_TEST_SUITE_P(Backends, JobStoreTest, ::testing::Values("sqlite", "postgresql"), testing::BackendName);
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/testing/test_directory.h"
#include "store/store.h"
#include "store/testing/test_database.h"

namespace newsdesk::testing {

namespace fs = std::filesystem;

// Every store test runs on both backends: "sqlite" in a temporary folder,
// "postgresql" in a fresh database of the test cluster.
inline std::string BackendName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

// OpenTestStore opens a new, empty store of `backend`; `database` is set to
// what reopens it.
inline Result<std::unique_ptr<Store>> OpenTestStore(const std::string& backend, const fs::path& dir, std::string& database) {
  if (backend == "postgresql") {
    auto url = CreateTestDatabase();
    if (!url.ok()) return url.status();
    database = *url;
  } else {
    fs::remove_all(dir);
    fs::create_directories(dir);
    database = "sqlite:" + (dir / "newsdesk.db").string();
  }
  return OpenStoreAt(database);
}

// BackendStoreTest gives each test a new, empty store of the backend its
// parameter names (OpenTestStore), in a fresh directory named after
// `dir_prefix` and the test; `database_` reopens it.
class BackendStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  explicit BackendStoreTest(std::string dir_prefix) : dir_prefix_(std::move(dir_prefix)) {}
  void SetUp() override {
    dir_ = FreshTestDirectory(dir_prefix_);
    auto s = OpenTestStore(GetParam(), dir_, database_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  const std::string dir_prefix_;
  fs::path dir_;
  std::string database_;
  std::unique_ptr<Store> store_;
};

}  // namespace newsdesk::testing
