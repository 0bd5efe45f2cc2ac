// The store as the desk's comments room uses it (issue 16): the queue's tabs
// in keyset pages with their counts, the spam mark, and one reader's
// history. Every test runs on SQLite and on PostgreSQL.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/time.h"
#include "store/store.h"
#include "store/testing/backend_store_test.h"

namespace newsdesk {
namespace {

using testing::BackendName;
using testing::BackendStoreTest;

TimePoint At(const std::string& iso) { return *ParseIso8601(iso); }

class CommentQueueTest : public BackendStoreTest {
 protected:
  CommentQueueTest() : BackendStoreTest("nd_comment_queue") {}

  void SetUp() override {
    BackendStoreTest::SetUp();
    if (HasFatalFailure()) return;
    ann_ = AddUser("ann@example.org", "Ann");
    bob_ = AddUser("bob@example.org", "Bob");
    ArticleRecord r;
    r.url = "https://wire.example/a";
    r.source = Source{0, "", "Wire", "https://wire.example/", "", "en"};
    r.language = "en";
    r.headline = "Harbour reopens";
    r.published_at = At("2026-12-01T10:00:00Z");
    r.body = {Block{BlockType::kParagraph, "Text.", {}, {}, {}, {}}};
    auto article = store_->UpsertArticles({r});
    ASSERT_TRUE(article.ok()) << article.status().ToString();
    article_ = article->ids[0];
  }
  int64_t AddUser(const std::string& email, const std::string& name) {
    User u;
    u.email = email;
    u.display_name = name;
    u.password_hash = "$argon2id$not-a-real-hash";
    u.created_at = At("2026-06-01T00:00:00Z");
    auto made = store_->CreateUser(u);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? made->id : 0;
  }
  int64_t Add(int64_t user, CommentStatus status) {
    Comment c;
    c.article_id = article_;
    c.user_id = user;
    c.body = "words";
    c.html = "<p>words</p>";
    c.status = status;
    c.created_at = At("2026-12-01T11:00:00Z");
    auto added = store_->AddComment(c);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->id : 0;
  }
  std::vector<int64_t> Ids(CommentQueue q, int64_t after, int limit) {
    auto page = store_->ListCommentQueue(q, after, limit);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<int64_t> ids;
    if (page.ok())
      for (const auto& c : *page) ids.push_back(c.comment.id);
    return ids;
  }
  int64_t Count(CommentQueue q) {
    auto n = store_->CountCommentQueue(q);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  }
  std::vector<int64_t> History(int64_t user, int64_t before, int limit) {
    auto page = store_->ListUserComments(user, before, limit);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<int64_t> ids;
    if (page.ok())
      for (const auto& c : *page) ids.push_back(c.comment.id);
    return ids;
  }

  int64_t ann_ = 0, bob_ = 0, article_ = 0;
};

TEST_P(CommentQueueTest, PendingIsHeldCommentsOldestFirstInKeysetPages) {
  const int64_t h1 = Add(ann_, CommentStatus::kHeld);
  Add(ann_, CommentStatus::kVisible);
  const int64_t h2 = Add(bob_, CommentStatus::kHeld);
  const int64_t h3 = Add(ann_, CommentStatus::kHeld);
  EXPECT_EQ(Ids(CommentQueue::kPending, 0, 2), (std::vector<int64_t>{h1, h2}));
  EXPECT_EQ(Ids(CommentQueue::kPending, h2, 2), (std::vector<int64_t>{h3}));
  EXPECT_EQ(Ids(CommentQueue::kPending, h3, 2), std::vector<int64_t>{});
  EXPECT_EQ(Count(CommentQueue::kPending), 3);
  auto page = store_->ListCommentQueue(CommentQueue::kPending, 0, 1);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ((*page)[0].article_headline, "Harbour reopens");
  EXPECT_FALSE((*page)[0].article_slug.empty());
  EXPECT_EQ((*page)[0].comment.author_name, "Ann");
}

TEST_P(CommentQueueTest, SpamIsKeptApartFromHiddenUntilTheCommentIsRestored) {
  const int64_t hidden = Add(ann_, CommentStatus::kHidden);
  const int64_t s1 = Add(bob_, CommentStatus::kVisible);
  const int64_t s2 = Add(bob_, CommentStatus::kHeld);
  auto before = store_->ChangeSequence();
  ASSERT_TRUE(store_->MarkCommentSpam(s1, "spam").ok());
  EXPECT_GT(*store_->ChangeSequence(), *before) << "the thread changed, so cached pages follow";
  ASSERT_TRUE(store_->MarkCommentSpam(s2, "spam").ok());
  EXPECT_TRUE(store_->MarkCommentSpam(999999, "spam").is_not_found());
  auto c = store_->GetComment(s1);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->status, CommentStatus::kHidden);
  EXPECT_TRUE(c->spam);
  EXPECT_EQ(c->hold_reason, "spam");
  EXPECT_EQ(Ids(CommentQueue::kSpam, 0, 10), (std::vector<int64_t>{s2, s1})) << "newest first";
  EXPECT_EQ(Ids(CommentQueue::kSpam, s2, 10), (std::vector<int64_t>{s1}));
  EXPECT_EQ(Ids(CommentQueue::kHidden, 0, 10), (std::vector<int64_t>{hidden}));
  EXPECT_EQ(Count(CommentQueue::kSpam), 2);
  EXPECT_EQ(Count(CommentQueue::kHidden), 1);
  EXPECT_EQ(Count(CommentQueue::kPending), 0);
  ASSERT_TRUE(store_->SetCommentStatus(s1, CommentStatus::kVisible, "").ok());
  EXPECT_FALSE(store_->GetComment(s1)->spam) << "restoring takes the mark away";
  ASSERT_TRUE(store_->SetCommentStatus(s2, CommentStatus::kHidden, "").ok());
  EXPECT_EQ(Ids(CommentQueue::kHidden, 0, 10), (std::vector<int64_t>{s2, hidden}));
  EXPECT_EQ(Count(CommentQueue::kSpam), 0);
}

TEST_P(CommentQueueTest, ReportedListsEachCommentWithOpenReportsOnceWithTheNewestReason) {
  const int64_t a = Add(ann_, CommentStatus::kVisible);
  const int64_t b = Add(ann_, CommentStatus::kVisible);
  const int64_t c = Add(bob_, CommentStatus::kVisible);
  ASSERT_TRUE(store_->AddReport(a, bob_, "older", At("2026-12-01T12:00:00Z")).ok());
  const int64_t cy = AddUser("cy@example.org", "Cy");
  ASSERT_TRUE(store_->AddReport(a, cy, "newer", At("2026-12-01T13:00:00Z")).ok());
  ASSERT_TRUE(store_->AddReport(c, ann_, "", At("2026-12-01T12:00:00Z")).ok());
  ASSERT_TRUE(store_->AddReport(b, bob_, "resolved", At("2026-12-01T12:00:00Z")).ok());
  ASSERT_TRUE(store_->ResolveReports(b).ok());
  auto page = store_->ListCommentQueue(CommentQueue::kReported, 0, 10);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].comment.id, a);
  EXPECT_EQ((*page)[0].open_reports, 2);
  EXPECT_EQ((*page)[0].report_reason, "newer");
  EXPECT_EQ((*page)[1].comment.id, c);
  EXPECT_EQ((*page)[1].open_reports, 1);
  EXPECT_EQ(Ids(CommentQueue::kReported, a, 10), (std::vector<int64_t>{c}));
  EXPECT_EQ(Count(CommentQueue::kReported), 2);
}

TEST_P(CommentQueueTest, AReadersHistoryHasEveryStateNewestFirstInKeysetPages) {
  const int64_t visible = Add(ann_, CommentStatus::kVisible);
  const int64_t held = Add(ann_, CommentStatus::kHeld);
  Add(bob_, CommentStatus::kVisible);
  const int64_t hidden = Add(ann_, CommentStatus::kHidden);
  const int64_t deleted = Add(ann_, CommentStatus::kVisible);
  ASSERT_TRUE(store_->SetCommentStatus(deleted, CommentStatus::kDeleted, "").ok());
  EXPECT_EQ(History(ann_, 0, 10), (std::vector<int64_t>{deleted, hidden, held, visible}));
  EXPECT_EQ(History(ann_, 0, 2), (std::vector<int64_t>{deleted, hidden}));
  EXPECT_EQ(History(ann_, hidden, 2), (std::vector<int64_t>{held, visible}));
  EXPECT_EQ(History(ann_, visible, 2), std::vector<int64_t>{});
  EXPECT_EQ(History(999999, 0, 2), std::vector<int64_t>{});
}

INSTANTIATE_TEST_SUITE_P(Backends, CommentQueueTest, ::testing::Values("sqlite", "postgresql"), BackendName);

}  // namespace
}  // namespace newsdesk
