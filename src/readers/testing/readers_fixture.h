// readers/testing/readers_fixture.h: a real SQLite store in a temporary
// directory, a clock the test moves, and helpers to make articles and users.
// For readers' own tests only.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/testing/test_directory.h"
#include "common/time.h"
#include "readers/readers.h"
#include "store/store.h"
#include "store/testing/test_database.h"

namespace newsdesk::testing_readers {

class ReadersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = newsdesk::testing::FreshTestDirectory("nd_readers");
    config_.data_dir = dir_.string();
    auto s = newsdesk::testing::OpenStoreOnTestBackend(config_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    auto secret = LoadOrCreateSiteSecret(dir_.string());
    ASSERT_TRUE(secret.ok()) << secret.status().ToString();
    secret_ = *secret;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Clock clock() {
    return [this] { return now_; };
  }
  Accounts accounts() { return Accounts(*store_, config_, secret_, clock()); }
  Comments comments() { return Comments(*store_, config_, clock()); }

  int64_t AddArticle(const std::string& url, const std::string& headline) {
    ArticleRecord r;
    r.url = url;
    r.source = Source{0, "", "TSAMTO", "https://tsamto.example/", "RU", "ru"};
    r.language = "ru";
    r.headline = headline;
    r.published_at = *ParseIso8601("2026-06-26T12:00:00Z");
    r.body = {Block{BlockType::kParagraph, "Text.", {}, {}, {}, {}}};
    auto s = store_->UpsertArticles({r});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? s->ids[0] : 0;
  }

  // AddReader makes a confirmed reader whose account is `age_hours` old.
  User AddReader(const std::string& email, const std::string& name = "Reader", int age_hours = 48,
                 Role role = Role::kReader) {
    const TimePoint real_now = now_;
    now_ -= std::chrono::hours(age_hours);
    auto u = accounts().AddUser(email, name, "correct horse battery", role);
    now_ = real_now;
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    return u.ok() ? *u : User{};
  }

  std::filesystem::path dir_;
  Config config_;
  SiteSecret secret_;
  std::unique_ptr<Store> store_;
  TimePoint now_ = *ParseIso8601("2026-06-26T15:02:00Z");
};

}  // namespace newsdesk::testing_readers
