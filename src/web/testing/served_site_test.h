// web/testing/served_site_test.h: a fixture for tests that drive the real
// site over loopback HTTP: a store of its own on the test backend, the site
// served on a port the kernel picks, and accounts that log in through the
// form as a browser would.
//
//   class DeskTest : public testing::ServedSiteTest {
//     void SetUp() override {
//       ASSERT_NO_FATAL_FAILURE(OpenStore("nd_desk", "http://news.example"));  // dir_, config_, store_
//       ... add what the tests need to store_ ...
//       ASSERT_NO_FATAL_FAILURE(Serve());                                       // served_
//     }
//   };
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/testing/test_directory.h"
#include "readers/readers.h"
#include "store/testing/test_database.h"
#include "web/test_client.h"
#include "web/testing/served_site.h"

namespace newsdesk::testing {

// kTestPassword is every test account's password.
inline constexpr const char* kTestPassword = "correct horse battery";

class ServedSiteTest : public ::testing::Test {
 protected:
  static constexpr const char* kPassword = kTestPassword;

  // OpenStore makes a fresh directory and config for a site at `base_url`
  // and opens its store; a failure fails the test.
  void OpenStore(const std::string& prefix, const std::string& base_url) {
    dir_ = FreshTestDirectory(prefix);
    std::filesystem::create_directories(dir_);
    config_ = ServedSiteConfig(dir_, base_url);
    auto store = OpenStoreOnTestBackend(config_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  // Serve starts the site over what OpenStore opened (with `gazetteer`'s
  // entities, if given).
  void Serve(std::shared_ptr<const Gazetteer> gazetteer = nullptr) {
    auto served = ServedSite::Start(*store_, config_, std::move(gazetteer));
    ASSERT_TRUE(served.ok()) << served.status().ToString();
    served_ = std::move(*served);
  }
  void TearDown() override {
    served_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // AddUser adds a confirmed account with `role` and kTestPassword; its id.
  int64_t AddUser(const std::string& email, const std::string& name, Role role = Role::kReader) {
    auto secret = LoadOrCreateSiteSecret(config_.data_dir);
    Accounts accounts(*store_, config_, *secret);
    auto u = accounts.AddUser(email, name, kPassword, role);
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    return u.ok() ? u->id : 0;
  }

  // LoggedIn is a browser that has logged in as `email` through the form.
  Browser LoggedIn(const std::string& email) {
    Browser b(served_->port());
    RawResponse r = b.Post("/en/account/login", {{"email", email}, {"password", kPassword}}, "/en/account/login");
    EXPECT_EQ(r.status, 303) << r.body;
    return b;
  }

  uint16_t port() const { return served_->port(); }

  std::filesystem::path dir_;
  Config config_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ServedSite> served_;
};

}  // namespace newsdesk::testing
