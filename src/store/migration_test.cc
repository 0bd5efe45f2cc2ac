#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/sql/connection.h"
#include "store/sql/migrations.h"
#include "store/store.h"
#include "store/testing/backend_store_test.h"

namespace newsdesk {
namespace {

namespace fs = std::filesystem;
using testing::BackendName;

// Upgrading a site keeps what it holds: a database is made as an earlier
// release left it, filled, then opened by this version.
class MigrationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void TearDown() override { fs::remove_all(dir_); }

  // OpenAtVersion makes a database with migrations 1 to `last` only, as the
  // release that shipped `last` left it, and returns a connection to it.
  Result<std::unique_ptr<sql::Connection>> OpenAtVersion(int last) {
    dir_ = fs::temp_directory_path() / ("nd_migration_" + std::to_string(::getpid()) + "_" + GetParam());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Result<std::unique_ptr<sql::Connection>> c = Status::Internal("unset");
    if (GetParam() == "postgresql") {
      auto url = testing::CreateTestDatabase();
      if (!url.ok()) return url.status();
      database_ = *url;
      c = sql::OpenPostgresConnection(database_);
    } else {
      database_ = "sqlite:" + (dir_ / "newsdesk.db").string();
      c = sql::OpenSqliteConnection((dir_ / "newsdesk.db").string());
    }
    if (!c.ok()) return c.status();
    const auto dialect = (*c)->dialect();
    ND_RETURN_IF_ERROR((*c)->Exec(sql::MigrationSql(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)", dialect)));
    for (const auto& m : sql::Migrations()) {
      if (m.version > last) continue;
      ND_RETURN_IF_ERROR((*c)->Exec(sql::MigrationSql(m.sql, dialect)));
      ND_RETURN_IF_ERROR(
          (*c)->Exec(fmt::format("INSERT INTO schema_migrations (version, applied_at) VALUES ({}, 0)", m.version)));
    }
    return c;
  }

  fs::path dir_;
  std::string database_;
};
class FeedMigrationTest : public MigrationTest {};
class DeskMigrationTest : public MigrationTest {};

// Migration 10 moved the fetch state from `sources` (one feed per outlet)
// to `source_feeds`: every followed feed must keep how its fetching went.
TEST_P(FeedMigrationTest, KeepsEveryFollowedFeedAndItsFetchState) {
  {
    auto c = OpenAtVersion(9);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    ASSERT_TRUE((*c)->Exec(
        "INSERT INTO sources (slug, name, home_url, country, language, feed_url, fetch_interval_seconds, etag, "
        "last_modified, last_fetch_at, last_status, last_error, consecutive_failures, next_fetch_at, drop_selectors) "
        "VALUES ('wire', 'Wire', 'https://wire.example/', 'GB', 'en', 'https://wire.example/rss', 600, '\"e7\"', "
        "'Fri, 26 Apr 2024 10:00:00 GMT', 1714125600, 'HTTP 503', 'HTTP 503 from the feed', 3, 1714129200, "
        "'[\".share\"]');"
        "INSERT INTO sources (slug, name, home_url, country, language) "
        "VALUES ('imported', 'Imported', 'https://imported.example/', '', 'ru');").ok());
  }
  auto store = OpenStoreAt(database_);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto list = (*store)->ListSourceStatuses();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  const SourceStatus& imported = (*list)[0];
  const SourceStatus& wire = (*list)[1];
  EXPECT_EQ(imported.source.slug, "imported");
  EXPECT_TRUE(imported.feeds.empty());
  ASSERT_EQ(wire.feeds.size(), 1u);
  const FeedStatus& f = wire.feeds[0];
  EXPECT_EQ(f.source_id, wire.source.id);
  EXPECT_EQ(f.feed_url, "https://wire.example/rss");
  EXPECT_EQ(f.fetch_interval_seconds, 600);
  EXPECT_EQ(f.etag, "\"e7\"");
  EXPECT_EQ(f.last_modified, "Fri, 26 Apr 2024 10:00:00 GMT");
  ASSERT_TRUE(f.last_fetch_at.has_value());
  EXPECT_EQ(f.last_fetch_at->time_since_epoch().count(), 1714125600);
  EXPECT_EQ(f.last_status, "HTTP 503");
  EXPECT_EQ(f.last_error, "HTTP 503 from the feed");
  EXPECT_EQ(f.consecutive_failures, 3);
  EXPECT_EQ(f.next_fetch_at.time_since_epoch().count(), 1714129200);
  EXPECT_EQ(wire.source.drop_selectors, (std::vector<std::string>{".share"}));
  // Due when it was due before, and not earlier.
  EXPECT_TRUE((*store)->DueFeeds(TimePoint{std::chrono::seconds{1714129199}}, 10)->empty());
  EXPECT_EQ((*store)->DueFeeds(TimePoint{std::chrono::seconds{1714129200}}, 10)->size(), 1u);
  // New feeds number on after the migrated ones (PostgreSQL's identity too).
  Source more{0, "", "Wire", "https://wire.example/", "GB", "en", "https://wire.example/world/rss", 900, "", {}};
  auto added = (*store)->AddFeedSource(more);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->source_id, wire.source.id);
  EXPECT_GT(added->id, f.id);
}

// Migration 11 (the desk): feeds followed before stay unpaused and due as
// they were, accounts have no last log-in until their next one, and the
// audit log starts empty.
TEST_P(DeskMigrationTest, KeepsFeedsUnpausedAndAccountsAsTheyWere) {
  {
    auto c = OpenAtVersion(10);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    ASSERT_TRUE((*c)->Exec(
        "INSERT INTO sources (slug, name, home_url, country, language) "
        "VALUES ('wire', 'Wire', 'https://wire.example/', 'GB', 'en');"
        "INSERT INTO source_feeds (source_id, feed_url, fetch_interval_seconds, last_fetch_at, last_status, "
        "next_fetch_at) SELECT id, 'https://wire.example/rss', 600, 1714125600, 'ok', 1714126200 FROM sources;"
        "INSERT INTO users (email, display_name, password_hash, role, created_at) "
        "VALUES ('ann@example.org', 'Ann', 'x', 'editor', 1714000000);"
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
        "SELECT 'h1', id, 1714100000, 1999999999 FROM users;").ok());
  }
  auto store = OpenStoreAt(database_);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto list = (*store)->ListSourceStatuses();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  ASSERT_EQ((*list)[0].feeds.size(), 1u);
  const FeedStatus& f = (*list)[0].feeds[0];
  EXPECT_FALSE(f.paused);
  EXPECT_EQ(f.fetch_interval_seconds, 600);
  EXPECT_EQ(f.next_fetch_at.time_since_epoch().count(), 1714126200);
  EXPECT_TRUE((*store)->DueFeeds(TimePoint{std::chrono::seconds{1714126199}}, 10)->empty());
  EXPECT_EQ((*store)->DueFeeds(TimePoint{std::chrono::seconds{1714126200}}, 10)->size(), 1u);
  auto users = (*store)->ListUsers({});
  ASSERT_TRUE(users.ok()) << users.status().ToString();
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].user.email, "ann@example.org");
  EXPECT_EQ((*users)[0].user.role, Role::kEditor);
  EXPECT_FALSE((*users)[0].last_login.has_value()) << "sessions from before are not log-ins it saw";
  auto log = (*store)->ListAudit({});
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_TRUE(log->entries.empty());
  EXPECT_TRUE((*store)->AppendAudit({.actor = "cli:test", .action = "test.append"}).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, FeedMigrationTest, ::testing::Values("sqlite", "postgresql"), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, DeskMigrationTest, ::testing::Values("sqlite", "postgresql"), BackendName);

}  // namespace
}  // namespace newsdesk
