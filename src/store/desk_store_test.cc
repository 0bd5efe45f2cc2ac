// The store as the editors' desk uses it (issue 16): the audit log, pausing
// feeds and changing their interval, articles per source and day, and the
// people list. Every test runs on SQLite and on PostgreSQL.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "common/text.h"
#include "common/time.h"
#include "store/store.h"
#include "store/testing/backend_store_test.h"

namespace newsdesk {
namespace {

using testing::BackendName;
using testing::BackendStoreTest;

TimePoint At(const std::string& iso) { return *ParseIso8601(iso); }

// --- the audit log ---------------------------------------------------------------

class AuditLogTest : public BackendStoreTest {
 protected:
  AuditLogTest() : BackendStoreTest("nd_audit") {}

  int64_t Append(const std::string& actor, const std::string& action, const std::string& when,
                 const std::string& target = "source:1") {
    auto id = store_->AppendAudit({.at = At(when), .actor = actor, .actor_name = actor + " name", .action = action,
                                   .target = target, .summary = "TASS"});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }
  // Ids lists what `query` returns, in order.
  std::vector<int64_t> Ids(const AuditQuery& query) {
    auto page = store_->ListAudit(query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<int64_t> ids;
    if (page.ok())
      for (const auto& e : page->entries) ids.push_back(e.id);
    return ids;
  }
};

TEST_P(AuditLogTest, ListsNewestFirstWithEveryField) {
  const int64_t first = Append("user:3", "source.pause", "2026-12-01T10:00:00Z");
  auto id = store_->AppendAudit({.id = 999, .at = At("2026-12-01T11:00:00Z"), .actor = "cli:user role",
                                 .actor_name = "user role", .action = "user.role", .target = "user:7",
                                 .summary = "Анна", .before = "reader", .after = "editor"});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_GT(*id, first);
  EXPECT_NE(*id, 999) << "the log numbers its entries itself";
  auto page = store_->ListAudit({});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_FALSE(page->next_before_id.has_value());
  const AuditEntry& e = page->entries[0];
  EXPECT_EQ(e.id, *id);
  EXPECT_EQ(e.at, At("2026-12-01T11:00:00Z"));
  EXPECT_EQ(e.actor, "cli:user role");
  EXPECT_EQ(e.actor_name, "user role");
  EXPECT_EQ(e.action, "user.role");
  EXPECT_EQ(e.target, "user:7");
  EXPECT_EQ(e.summary, "Анна");
  EXPECT_EQ(e.before, "reader");
  EXPECT_EQ(e.after, "editor");
  EXPECT_EQ(page->entries[1].id, first);
}

TEST_P(AuditLogTest, FiltersByActorActionPrefixAndTime) {
  const int64_t a = Append("user:3", "source.pause", "2026-12-01T10:00:00Z");
  const int64_t b = Append("user:4", "source.interval", "2026-12-02T10:00:00Z");
  const int64_t c = Append("user:3", "user.role", "2026-12-03T10:00:00Z", "user:9");
  const int64_t d = Append("cli:source add", "sources_x.add", "2026-12-04T10:00:00Z");
  const int64_t e = Append("user:3", "Source.pause", "2026-12-05T10:00:00Z");
  EXPECT_EQ(Ids({}), (std::vector<int64_t>{e, d, c, b, a}));
  EXPECT_EQ(Ids({.actor = "user:3"}), (std::vector<int64_t>{e, c, a}));
  EXPECT_EQ(Ids({.actor = "user"}), std::vector<int64_t>{}) << "the actor matches whole";
  EXPECT_EQ(Ids({.action_prefix = "source."}), (std::vector<int64_t>{b, a}))
      << "a prefix, exactly: not another case, and '_' or '.' are no wildcards";
  EXPECT_EQ(Ids({.action_prefix = "source.pause"}), (std::vector<int64_t>{a}));
  EXPECT_EQ(Ids({.actor = "user:3", .action_prefix = "user."}), (std::vector<int64_t>{c}));
  EXPECT_EQ(Ids({.since = At("2026-12-02T10:00:00Z"), .until = At("2026-12-04T10:00:00Z")}),
            (std::vector<int64_t>{c, b}))
      << "since is inclusive, until exclusive";
  EXPECT_EQ(Ids({.since = At("2026-12-04T00:00:00Z")}), (std::vector<int64_t>{e, d}));
}

TEST_P(AuditLogTest, PagesWithTheKeysetCursorUntilNoneFollow) {
  std::vector<int64_t> appended;
  for (int i = 0; i < 7; ++i) appended.push_back(Append("user:3", "source.pause", "2026-12-01T10:00:00Z"));
  std::vector<int64_t> seen;
  AuditQuery q{.limit = 3};
  int pages = 0;
  for (; pages < 5; ++pages) {
    auto page = store_->ListAudit(q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const auto& e : page->entries) seen.push_back(e.id);
    if (!page->next_before_id) break;
    EXPECT_EQ(*page->next_before_id, page->entries.back().id);
    q.before_id = page->next_before_id;
  }
  EXPECT_EQ(pages, 2) << "7 entries are 3 pages of 3, 3 and 1";
  EXPECT_EQ(seen, std::vector<int64_t>(appended.rbegin(), appended.rend()));
  // A page that ends exactly at the last entry says that none follow.
  auto exact = store_->ListAudit({.limit = 7});
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->entries.size(), 7u);
  EXPECT_FALSE(exact->next_before_id.has_value());
}

TEST_P(AuditLogTest, ClampsTheLimit) {
  for (int i = 0; i < 3; ++i) Append("user:3", "source.pause", "2026-12-01T10:00:00Z");
  EXPECT_EQ(Ids({.limit = 0}).size(), 1u);
  EXPECT_EQ(Ids({.limit = -5}).size(), 1u);
  EXPECT_EQ(Ids({.limit = 1000000}).size(), 3u);
}

TEST_P(AuditLogTest, RefusesAnEntryWithoutActorOrAction) {
  EXPECT_EQ(store_->AppendAudit({.actor = "", .action = "source.pause"}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->AppendAudit({.actor = "user:3", .action = ""}).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(store_->ListAudit({})->entries.empty()) << "nothing was written";
}

TEST_P(AuditLogTest, CutsLongValuesOnACharacterBoundaryWithAnEllipsis) {
  // "a" first, so that a cut by bytes alone would split a Cyrillic letter.
  std::string long_text = "a";
  for (int i = 0; i < 1500; ++i) long_text += "я";
  std::string fits(AuditLog::kMaxValueBytes, 'x');
  auto id = store_->AppendAudit({.actor = "user:3", .action = "article.edit", .before = long_text, .after = fits});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto page = store_->ListAudit({});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->entries.size(), 1u);
  const std::string& cut = page->entries[0].before;
  EXPECT_LE(cut.size(), AuditLog::kMaxValueBytes);
  EXPECT_GE(cut.size(), AuditLog::kMaxValueBytes - 4);
  EXPECT_TRUE(IsValidUtf8(cut));
  ASSERT_GT(cut.size(), 3u);
  EXPECT_EQ(cut.substr(cut.size() - 3), "…");
  EXPECT_EQ(long_text.compare(0, cut.size() - 3, cut, 0, cut.size() - 3), 0) << "the cut value is the text's start";
  EXPECT_EQ(page->entries[0].after, fits) << "a value of kMaxValueBytes is kept whole";
}

TEST_P(AuditLogTest, ListsEachActorWithItsLatestName) {
  ASSERT_TRUE(store_->AppendAudit({.actor = "user:3", .actor_name = "Anna", .action = "source.pause"}).ok());
  ASSERT_TRUE(
      store_->AppendAudit({.actor = "cli:source add", .actor_name = "source add", .action = "source.add"}).ok());
  ASSERT_TRUE(store_->AppendAudit({.actor = "user:3", .actor_name = "Анна", .action = "user.role"}).ok());
  auto actors = store_->ListAuditActors();
  ASSERT_TRUE(actors.ok()) << actors.status().ToString();
  EXPECT_EQ(*actors, (std::vector<std::pair<std::string, std::string>>{{"cli:source add", "source add"},
                                                                        {"user:3", "Анна"}}));
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLogTest, ::testing::Values("sqlite", "postgresql"), BackendName);

// --- feeds: pause, interval, daily counts -------------------------------------------

class DeskFeedTest : public BackendStoreTest {
 protected:
  DeskFeedTest() : BackendStoreTest("nd_deskfeed") {}
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(BackendStoreTest::SetUp());
    auto wire = Follow("Wire", "https://wire.example/");
    ASSERT_TRUE(wire.ok()) << wire.status().ToString();
    feed_ = *wire;
  }
  Result<FeedStatus> Follow(const std::string& name, const std::string& home) {
    Source s;
    s.name = name;
    s.home_url = home;
    s.language = "en";
    s.feed_url = home + "rss";
    s.fetch_interval_seconds = 600;
    return store_->AddFeedSource(s);
  }
  // Publish stores an article of the outlet `name` at `home`, published `when`.
  void Publish(const std::string& name, const std::string& home, const std::string& when) {
    ArticleRecord r;
    r.url = home + "a/" + std::to_string(++articles_);
    r.source = Source{0, "", name, home, "", "en"};
    r.language = "en";
    r.headline = "Headline " + std::to_string(articles_);
    r.published_at = At(when);
    r.body = {Block{BlockType::kParagraph, "Text number " + std::to_string(articles_) + " about a different thing.",
                    {}, {}, {}, {}}};
    auto stored = store_->UpsertArticles({r});
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  }
  std::vector<int64_t> DueIds(TimePoint now) {
    auto due = store_->DueFeeds(now, 10);
    EXPECT_TRUE(due.ok()) << due.status().ToString();
    std::vector<int64_t> ids;
    if (due.ok())
      for (const auto& f : *due) ids.push_back(f.id);
    return ids;
  }
  FeedStatus feed_;
  int articles_ = 0;
};

TEST_P(DeskFeedTest, APausedFeedIsNeverDueAndResumingMakesItDueNow) {
  const TimePoint t0 = At("2026-12-01T10:00:00Z");
  EXPECT_EQ(DueIds(t0), std::vector<int64_t>{feed_.id});
  ASSERT_TRUE(store_->SetFeedPaused(feed_.id, true, t0).ok());
  EXPECT_TRUE(DueIds(t0 + std::chrono::hours(24 * 365)).empty());
  auto paused = store_->GetFeedStatus(feed_.id);
  ASSERT_TRUE(paused.ok());
  EXPECT_TRUE(paused->paused);
  auto listed = store_->GetSourceStatus(feed_.source_id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->feeds.size(), 1u);
  EXPECT_TRUE(listed->feeds[0].paused) << "the source's feeds show it paused too";

  // Fetched a while ago and due much later: resuming makes it due now.
  const TimePoint resumed_at = t0 + std::chrono::hours(2);
  ASSERT_TRUE(store_->RecordFetch(feed_.id, {t0, true, "ok", "", "", "", t0 + std::chrono::hours(100)}).ok());
  ASSERT_TRUE(store_->SetFeedPaused(feed_.id, false, resumed_at).ok());
  auto resumed = store_->GetFeedStatus(feed_.id);
  ASSERT_TRUE(resumed.ok());
  EXPECT_FALSE(resumed->paused);
  EXPECT_EQ(resumed->next_fetch_at, resumed_at);
  EXPECT_EQ(DueIds(resumed_at), std::vector<int64_t>{feed_.id});

  // Resuming a feed that is not paused keeps its schedule.
  const TimePoint hour_later = resumed_at + std::chrono::hours(1);
  ASSERT_TRUE(store_->RecordFetch(feed_.id, {resumed_at, true, "ok", "", "", "", hour_later}).ok());
  ASSERT_TRUE(store_->SetFeedPaused(feed_.id, false, resumed_at + std::chrono::minutes(1)).ok());
  EXPECT_EQ(store_->GetFeedStatus(feed_.id)->next_fetch_at, hour_later);
}

TEST_P(DeskFeedTest, ChangingTheIntervalMovesTheNextFetch) {
  const TimePoint t0 = At("2026-12-01T10:00:00Z");
  // Never fetched: due now.
  ASSERT_TRUE(store_->SetFeedInterval(feed_.id, 3600, t0).ok());
  auto f = store_->GetFeedStatus(feed_.id);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->fetch_interval_seconds, 3600);
  EXPECT_EQ(f->next_fetch_at, t0);

  ASSERT_TRUE(store_->RecordFetch(feed_.id, {t0, true, "ok", "", "", "", t0 + std::chrono::seconds(600)}).ok());
  // Longer: the last fetch plus the new interval.
  ASSERT_TRUE(store_->SetFeedInterval(feed_.id, 7200, t0 + std::chrono::minutes(5)).ok());
  EXPECT_EQ(store_->GetFeedStatus(feed_.id)->next_fetch_at, t0 + std::chrono::hours(2));
  EXPECT_TRUE(DueIds(t0 + std::chrono::minutes(30)).empty());
  // Shorter, with the last fetch plus it past already: now.
  const TimePoint later = t0 + std::chrono::minutes(40);
  ASSERT_TRUE(store_->SetFeedInterval(feed_.id, 900, later).ok());
  EXPECT_EQ(store_->GetFeedStatus(feed_.id)->next_fetch_at, later);
  EXPECT_EQ(DueIds(later), std::vector<int64_t>{feed_.id});
  EXPECT_EQ(store_->SetFeedInterval(feed_.id, 0, later).code(), Code::kInvalidArgument);
}

TEST_P(DeskFeedTest, AnUnknownFeedIsNotFound) {
  const TimePoint now = At("2026-12-01T10:00:00Z");
  EXPECT_TRUE(store_->SetFeedPaused(feed_.id + 1000, true, now).is_not_found());
  EXPECT_TRUE(store_->SetFeedPaused(feed_.id + 1000, false, now).is_not_found());
  EXPECT_TRUE(store_->SetFeedInterval(feed_.id + 1000, 600, now).is_not_found());
}

TEST_P(DeskFeedTest, CountsEachSourcesArticlesPerUtcDay) {
  ASSERT_TRUE(Follow("Other", "https://other.example/").ok());
  ASSERT_TRUE(Follow("Quiet", "https://quiet.example/").ok());
  Publish("Wire", "https://wire.example/", "2026-11-30T23:59:59Z");  // the day before
  Publish("Wire", "https://wire.example/", "2026-12-01T00:00:00Z");
  Publish("Wire", "https://wire.example/", "2026-12-01T23:59:59Z");
  Publish("Wire", "https://wire.example/", "2026-12-03T12:00:00Z");
  Publish("Other", "https://other.example/", "2026-12-02T08:00:00Z");
  Publish("Other", "https://other.example/", "2026-12-04T00:00:00Z");  // the day after
  auto wire = store_->GetSourceBySlug("wire");
  auto other = store_->GetSourceBySlug("other");
  ASSERT_TRUE(wire.ok() && other.ok());
  auto quiet = store_->GetSourceBySlug("quiet");
  ASSERT_TRUE(quiet.ok());
  auto counts = store_->DailyArticleCounts({wire->id, other->id, quiet->id}, At("2026-12-01T00:00:00Z"), 3);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(*counts, (std::map<int64_t, std::vector<int>>{{wire->id, {2, 0, 1}}, {other->id, {0, 1, 0}}}))
      << "sources without articles those days are left out";
  auto one = store_->DailyArticleCounts({other->id}, At("2026-12-01T00:00:00Z"), 3);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, (std::map<int64_t, std::vector<int>>{{other->id, {0, 1, 0}}})) << "only the sources asked for";
  EXPECT_TRUE(store_->DailyArticleCounts({}, At("2026-12-01T00:00:00Z"), 3)->empty());
  EXPECT_EQ(store_->DailyArticleCounts({wire->id}, At("2026-12-01T00:00:00Z"), 0).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->DailyArticleCounts({wire->id}, At("2026-12-01T00:00:00Z"), 367).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(store_->DailyArticleCounts(std::vector<int64_t>(501, wire->id), At("2026-12-01T00:00:00Z"), 3).status().code(),
            Code::kInvalidArgument);
}

TEST_P(DeskFeedTest, ASourceShowsWhenItsNewestArticleWasPublished) {
  auto status = store_->GetSourceStatus(feed_.source_id);
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_FALSE(status->last_article_at.has_value());
  Publish("Wire", "https://wire.example/", "2026-12-02T08:00:00Z");
  Publish("Wire", "https://wire.example/", "2026-12-03T09:30:00Z");
  Publish("Wire", "https://wire.example/", "2026-12-01T08:00:00Z");
  status = store_->GetSourceStatus(feed_.source_id);
  ASSERT_TRUE(status.ok());
  ASSERT_TRUE(status->last_article_at.has_value());
  EXPECT_EQ(*status->last_article_at, At("2026-12-03T09:30:00Z"));
  ASSERT_TRUE(Follow("Quiet", "https://quiet.example/").ok());
  auto list = store_->ListSourceStatuses();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].source.name, "Quiet");
  EXPECT_FALSE((*list)[0].last_article_at.has_value());
  EXPECT_EQ((*list)[1].last_article_at, At("2026-12-03T09:30:00Z"));
}

INSTANTIATE_TEST_SUITE_P(Backends, DeskFeedTest, ::testing::Values("sqlite", "postgresql"), BackendName);

// --- the people list ------------------------------------------------------------------

class PeopleListTest : public BackendStoreTest {
 protected:
  PeopleListTest() : BackendStoreTest("nd_people") {}
  int64_t AddUser(const std::string& email, const std::string& name, Role role = Role::kReader) {
    User u;
    u.email = email;
    u.display_name = name;
    u.password_hash = "$argon2id$not-a-real-hash";
    u.role = role;
    u.created_at = At("2026-06-01T00:00:00Z");
    auto made = store_->CreateUser(u);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? made->id : 0;
  }
  int64_t AddArticle() {
    ArticleRecord r;
    r.url = "https://wire.example/a";
    r.source = Source{0, "", "Wire", "https://wire.example/", "", "en"};
    r.language = "en";
    r.headline = "A";
    r.published_at = At("2026-12-01T10:00:00Z");
    r.body = {Block{BlockType::kParagraph, "Text.", {}, {}, {}, {}}};
    auto article = store_->UpsertArticles({r});
    EXPECT_TRUE(article.ok()) << article.status().ToString();
    return article.ok() ? article->ids[0] : 0;
  }
  int64_t AddCommentAs(int64_t user, int64_t article, CommentStatus status) {
    Comment c;
    c.article_id = article;
    c.user_id = user;
    c.body = "words";
    c.html = "<p>words</p>";
    c.status = status;
    c.created_at = At("2026-12-01T11:00:00Z");
    auto added = store_->AddComment(c);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->id : 0;
  }
  std::vector<int64_t> Ids(const UserQuery& q) {
    auto page = store_->ListUsers(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<int64_t> ids;
    if (page.ok())
      for (const auto& o : *page) ids.push_back(o.user.id);
    return ids;
  }
};

TEST_P(PeopleListTest, PagesByIdWithARoleFilterAndASearch) {
  const int64_t ann = AddUser("ann@example.org", "Ann", Role::kEditor);
  const int64_t bob = AddUser("bob@example.org", "Bob Annenberg");
  const int64_t cy = AddUser("cy@joanna.example", "Cy", Role::kEditor);
  const int64_t und = AddUser("d@example.org", "under_score");
  const int64_t pct = AddUser("e@example.org", "100% sure");
  EXPECT_EQ(Ids({}), (std::vector<int64_t>{ann, bob, cy, und, pct}));
  EXPECT_EQ(Ids({.limit = 2}), (std::vector<int64_t>{ann, bob}));
  EXPECT_EQ(Ids({.after_id = bob, .limit = 2}), (std::vector<int64_t>{cy, und}));
  EXPECT_EQ(Ids({.after_id = und, .limit = 2}), (std::vector<int64_t>{pct}));
  EXPECT_EQ(Ids({.role = Role::kEditor}), (std::vector<int64_t>{ann, cy}));
  EXPECT_EQ(Ids({.search = "ANN"}), (std::vector<int64_t>{ann, bob, cy}))
      << "in the e-mail or the display name, whatever the case";
  EXPECT_EQ(Ids({.role = Role::kReader, .search = "ann"}), (std::vector<int64_t>{bob}));
  EXPECT_EQ(Ids({.search = "_"}), (std::vector<int64_t>{und})) << "'_' is no wildcard";
  EXPECT_EQ(Ids({.search = "%"}), (std::vector<int64_t>{pct})) << "nor is '%'";
  EXPECT_EQ(Ids({.search = "nobody"}), std::vector<int64_t>{});
  ASSERT_TRUE(store_->DeleteUser(bob).ok());
  auto all = store_->ListUsers({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 5u) << "a deleted account is listed";
  EXPECT_TRUE((*all)[1].user.deleted);
}

TEST_P(PeopleListTest, TheLastLogInIsTheNewestSessionsStart) {
  const int64_t ann = AddUser("ann@example.org", "Ann");
  const int64_t bob = AddUser("bob@example.org", "Bob");
  const TimePoint t = At("2026-12-01T10:00:00Z");
  const TimePoint year = t + std::chrono::hours(24 * 365);
  ASSERT_TRUE(store_->CreateSession({"h1", ann, t + std::chrono::hours(1), year}).ok());
  ASSERT_TRUE(store_->CreateSession({"h2", ann, t, year}).ok());  // an older one, written later
  auto list = store_->ListUsers({});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].user.id, ann);
  EXPECT_EQ((*list)[0].last_login, t + std::chrono::hours(1));
  EXPECT_EQ((*list)[1].user.id, bob);
  EXPECT_FALSE((*list)[1].last_login.has_value());
  ASSERT_TRUE(store_->DeleteUserSessions(ann).ok());
  EXPECT_EQ(store_->ListUsers({})->at(0).last_login, t + std::chrono::hours(1)) << "it outlives the sessions";
}

TEST_P(PeopleListTest, CountsEveryCommentOfEachUserInAnyState) {
  const int64_t ann = AddUser("ann@example.org", "Ann");
  const int64_t bob = AddUser("bob@example.org", "Bob");
  const int64_t article = AddArticle();
  int64_t last = 0;
  for (CommentStatus s : {CommentStatus::kVisible, CommentStatus::kHeld, CommentStatus::kHidden})
    last = AddCommentAs(ann, article, s);
  ASSERT_TRUE(store_->SetCommentStatus(last, CommentStatus::kDeleted, "").ok());
  auto list = store_->ListUsers({});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].user.id, ann);
  EXPECT_EQ((*list)[0].comments, 3);
  EXPECT_EQ((*list)[1].user.id, bob);
  EXPECT_EQ((*list)[1].comments, 0);
}

TEST_P(PeopleListTest, HidingABannedUsersCommentsTakesTheVisibleAndHeldOnesOnly) {
  const int64_t spammer = AddUser("spam@example.org", "Spam");
  const int64_t ann = AddUser("ann@example.org", "Ann");
  const int64_t article = AddArticle();
  const int64_t visible = AddCommentAs(spammer, article, CommentStatus::kVisible);
  const int64_t held = AddCommentAs(spammer, article, CommentStatus::kHeld);
  const int64_t deleted = AddCommentAs(spammer, article, CommentStatus::kVisible);
  ASSERT_TRUE(store_->SetCommentStatus(deleted, CommentStatus::kDeleted, "").ok());
  const int64_t anns = AddCommentAs(ann, article, CommentStatus::kVisible);
  auto before = store_->ChangeSequence();
  ASSERT_TRUE(before.ok());
  auto hidden = store_->HideUserComments(spammer, "the author was banned");
  ASSERT_TRUE(hidden.ok()) << hidden.status().ToString();
  EXPECT_EQ(*hidden, 2);
  EXPECT_EQ(store_->GetComment(visible)->status, CommentStatus::kHidden);
  EXPECT_EQ(store_->GetComment(visible)->hold_reason, "the author was banned");
  EXPECT_EQ(store_->GetComment(held)->status, CommentStatus::kHidden);
  EXPECT_EQ(store_->GetComment(deleted)->status, CommentStatus::kDeleted) << "a deleted comment stays deleted";
  EXPECT_EQ(store_->GetComment(anns)->status, CommentStatus::kVisible) << "nobody else's";
  EXPECT_GT(*store_->ChangeSequence(), *before) << "the thread changed, so cached pages follow";
  EXPECT_EQ(*store_->HideUserComments(spammer, "again"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, PeopleListTest, ::testing::Values("sqlite", "postgresql"), BackendName);

// --- articles: publication states, edits, revisions, corrections -----------------------

class ArticlePublicationTest : public BackendStoreTest {
 protected:
  ArticlePublicationTest() : BackendStoreTest("nd_publication") {}
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(BackendStoreTest::SetUp());
    Source s;
    s.name = "Wire";
    s.home_url = "https://wire.example/";
    s.language = "en";
    s.feed_url = "https://wire.example/rss";
    auto feed = store_->AddFeedSource(s);
    ASSERT_TRUE(feed.ok()) << feed.status().ToString();
    source_id_ = feed->source_id;
  }
  static ArticleRecord Record(const std::string& path, const std::string& headline, const std::string& text,
                              const std::string& when = "2026-12-01T10:00:00Z") {
    ArticleRecord r;
    r.url = "https://wire.example/" + path;
    r.source = Source{0, "", "Wire", "https://wire.example/", "", "en"};
    r.language = "en";
    r.headline = headline;
    r.published_at = At(when);
    r.body = {Block{BlockType::kParagraph, text, {}, {}, {}, {}}};
    return r;
  }
  int64_t Store(const ArticleRecord& r) {
    auto stored = store_->UpsertArticles({r});
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() && !stored->ids.empty() ? stored->ids.front() : 0;
  }
  std::vector<int64_t> Listed(Publication p) {
    ArticleQuery q;
    q.publication = p;
    auto page = store_->ListArticles(q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<int64_t> ids;
    if (page.ok())
      for (const auto& a : page->items) ids.push_back(a.id);
    return ids;
  }
  int64_t Count(Publication p) {
    auto counts = store_->CountUnpublished();
    EXPECT_TRUE(counts.ok()) << counts.status().ToString();
    if (counts.ok())
      for (const auto& c : *counts)
        if (c.publication == p) return c.count;
    return 0;
  }
  int64_t source_id_ = 0;
};

TEST_P(ArticlePublicationTest, AHoldingSourcesNewArticlesWaitInIncomingOffTheSite) {
  const int64_t before = Store(Record("a", "Published at once", "First text of the wire about ships."));
  ASSERT_TRUE(store_->SetHoldForReview(source_id_, true).ok());
  auto status = store_->GetSourceStatus(source_id_);
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->source.hold_for_review);
  const int64_t held = Store(Record("b", "Held for review", "Second text of the wire about tanks."));
  ASSERT_NE(held, 0);

  EXPECT_TRUE(store_->GetArticle(held).status().is_not_found()) << "the public site never sees a held article";
  auto any = store_->GetArticleInAnyState(held);
  ASSERT_TRUE(any.ok()) << any.status().ToString();
  EXPECT_EQ(any->publication, Publication::kHeld);
  EXPECT_EQ(Listed(Publication::kPublished), std::vector<int64_t>{before});
  EXPECT_EQ(Listed(Publication::kHeld), std::vector<int64_t>{held});
  EXPECT_EQ(Count(Publication::kHeld), 1);

  ASSERT_TRUE(store_->SetPublication(held, Publication::kPublished, std::nullopt).ok());
  EXPECT_TRUE(store_->GetArticle(held).ok());
  EXPECT_EQ(Count(Publication::kHeld), 0);
  EXPECT_TRUE(Listed(Publication::kHeld).empty());
}

TEST_P(ArticlePublicationTest, AScheduledArticleGoesOutAtItsTimeAndNotBefore) {
  const int64_t id = Store(Record("a", "Scheduled", "A text about a launch that is scheduled."));
  EXPECT_EQ(store_->SetPublication(id, Publication::kScheduled, std::nullopt).code(), Code::kInvalidArgument)
      << "scheduling needs a time";
  EXPECT_EQ(store_->SetPublication(id, Publication::kHeld, At("2026-12-05T10:00:00Z")).code(),
            Code::kInvalidArgument)
      << "only scheduling takes a time";
  ASSERT_TRUE(store_->SetPublication(id, Publication::kScheduled, At("2026-12-05T10:02:00Z")).ok());
  auto scheduled = store_->GetArticleInAnyState(id);
  ASSERT_TRUE(scheduled.ok());
  EXPECT_EQ(scheduled->publish_at, At("2026-12-05T10:02:00Z"));

  auto early = store_->PublishDueArticles(At("2026-12-05T10:01:59Z"));
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_EQ(*early, 0);
  EXPECT_TRUE(store_->GetArticle(id).status().is_not_found());
  auto due = store_->PublishDueArticles(At("2026-12-05T10:02:00Z"));
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  EXPECT_EQ(*due, 1);
  auto published = store_->GetArticle(id);
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  EXPECT_FALSE(published->publish_at.has_value());
  EXPECT_EQ(*store_->PublishDueArticles(At("2026-12-05T10:03:00Z")), 0) << "an article goes out once";
}

TEST_P(ArticlePublicationTest, ADeletedArticleKeepsItsTombstoneUntilRestored) {
  const int64_t id = Store(Record("a", "To delete", "A text that an editor will delete."));
  ASSERT_TRUE(store_->DeleteArticle(id).ok());
  EXPECT_EQ(store_->GetArticleInAnyState(id)->publication, Publication::kDeleted);
  EXPECT_EQ(Listed(Publication::kDeleted), std::vector<int64_t>{id}) << "a deleted article stays reviewable";
  auto again = store_->UpsertArticles({Record("a", "To delete", "A text that an editor will delete.")});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->skipped, 1) << "fetching the source again does not bring it back";
  ASSERT_TRUE(store_->SetPublication(id, Publication::kPublished, std::nullopt).ok());
  EXPECT_TRUE(store_->GetArticle(id).ok());
  EXPECT_TRUE(store_->SetPublication(987654, Publication::kHeld, std::nullopt).is_not_found());
}

TEST_P(ArticlePublicationTest, AnEditKeepsTheArrivedTextAsARevisionAndSurvivesARefetch) {
  const int64_t id = Store(Record("a", "Frigate laucnhed", "The frigate was launched on Monday."));
  auto article = store_->GetArticleInAnyState(id);
  ASSERT_TRUE(article.ok());
  ArticleContent fixed = ContentOf(*article);
  fixed.headline = "Frigate launched";
  auto first = store_->SaveArticleEdit({id, fixed, "user:1", "Ed", "", At("2026-12-02T09:00:00Z")});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  fixed.body.push_back(Block{BlockType::kParagraph, "It was launched on Tuesday.", {}, {}, {}, {}});
  auto second = store_->SaveArticleEdit({id, fixed, "user:1", "Ed", "The launch was on Tuesday, not Monday.",
                                         At("2026-12-02T10:00:00Z")});
  ASSERT_TRUE(second.ok()) << second.status().ToString();

  auto revisions = store_->ListRevisions(id);
  ASSERT_TRUE(revisions.ok()) << revisions.status().ToString();
  ASSERT_EQ(revisions->size(), 3u);
  EXPECT_EQ((*revisions)[0].id, *second);
  EXPECT_EQ((*revisions)[0].content, fixed);
  EXPECT_EQ((*revisions)[2].actor, "ingest");
  EXPECT_EQ((*revisions)[2].content.headline, "Frigate laucnhed") << "the text as it arrived can be restored";
  auto one = store_->GetRevision((*revisions)[1].id);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->content.headline, "Frigate launched");
  EXPECT_TRUE(store_->GetRevision(987654).status().is_not_found());

  auto refetched = store_->UpsertArticles({Record("a", "Frigate laucnhed", "The frigate was launched on Monday.")});
  ASSERT_TRUE(refetched.ok());
  auto now = store_->GetArticle(id);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->headline, "Frigate launched") << "a new fetch does not undo the editor's text";
  ASSERT_EQ(now->body.size(), 2u);
  ASSERT_EQ(now->corrections.size(), 1u);
  EXPECT_EQ(now->corrections[0].note, "The launch was on Tuesday, not Monday.");
  EXPECT_EQ(now->corrections[0].at, At("2026-12-02T10:00:00Z"));
  auto batch = store_->Corrections({id, 987654});
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->size(), 1u);
  EXPECT_EQ((*batch)[0].article_id, id);
}

TEST_P(ArticlePublicationTest, AnEditWithoutHeadlineOrArticleWritesNothing) {
  const int64_t id = Store(Record("a", "Headline", "Some text of the article for the test."));
  auto article = store_->GetArticleInAnyState(id);
  ASSERT_TRUE(article.ok());
  ArticleContent empty = ContentOf(*article);
  empty.headline = "";
  EXPECT_EQ(store_->SaveArticleEdit({id, empty, "user:1", "Ed", "", At("2026-12-02T09:00:00Z")}).status().code(),
            Code::kInvalidArgument);
  EXPECT_TRUE(store_->ListRevisions(id)->empty());
  EXPECT_TRUE(store_->SaveArticleEdit({987654, ContentOf(*article), "user:1", "Ed", "", At("2026-12-02T09:00:00Z")})
                  .status()
                  .is_not_found());
  EXPECT_EQ(store_->GetArticle(id)->headline, "Headline");
}

TEST_P(ArticlePublicationTest, AHeldArticleIsLeftOutOfItsStoryAndTheCounts) {
  const int64_t shown = Store(Record("a", "Shown", "Same story text about the corvette trials at sea today.",
                                     "2026-12-01T10:00:00Z"));
  const int64_t held = Store(Record("b", "Held", "Same story text about the corvette trials at sea today.",
                                    "2026-12-01T11:00:00Z"));
  ASSERT_TRUE(store_->SetPublication(held, Publication::kHeld, std::nullopt).ok());
  auto a = store_->GetArticle(shown);
  ASSERT_TRUE(a.ok());
  auto story = store_->StoryArticles(a->story_id);
  ASSERT_TRUE(story.ok());
  for (const auto& s : *story) EXPECT_NE(s.id, held);
  ArticleQuery q;
  q.one_per_story = true;
  auto front = store_->ListArticles(q);
  ASSERT_TRUE(front.ok());
  ASSERT_EQ(front->items.size(), 1u);
  EXPECT_EQ(front->items[0].id, shown) << "a held newer article does not hide the published one of its story";
}

INSTANTIATE_TEST_SUITE_P(Backends, ArticlePublicationTest, ::testing::Values("sqlite", "postgresql"), BackendName);

}  // namespace
}  // namespace newsdesk
