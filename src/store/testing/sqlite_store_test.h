// store/testing/sqlite_store_test.h: a GoogleTest fixture for tests that need
// a store to work against but do not test the store itself.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "common/testing/test_directory.h"
#include "store/store.h"

namespace newsdesk::testing {

// SqliteStoreTest gives each test a new, empty SQLite store `store_` in a
// fresh directory `dir_` (FreshTestDirectory(`dir_prefix`)); TearDown closes
// the store and removes the directory. A fixture that overrides SetUp or
// TearDown calls these first (SetUp under ASSERT_NO_FATAL_FAILURE) or last.
class SqliteStoreTest : public ::testing::Test {
 protected:
  explicit SqliteStoreTest(std::string dir_prefix) : dir_prefix_(std::move(dir_prefix)) {}

  void SetUp() override {
    dir_ = FreshTestDirectory(dir_prefix_);
    auto store = OpenSqliteStore(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  const std::string dir_prefix_;
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace newsdesk::testing
