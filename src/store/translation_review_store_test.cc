// The store as the desk's translations room uses it (issue 16): machine
// translations waiting for review, approving one as it is, and translation
// failures with a retry. Every test runs on SQLite and on PostgreSQL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "common/time.h"
#include "store/store.h"
#include "store/testing/backend_store_test.h"

namespace newsdesk {
namespace {

using testing::BackendName;
using testing::BackendStoreTest;
using ::testing::ElementsAre;

TimePoint At(const std::string& iso) { return *ParseIso8601(iso); }
TimePoint Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// Record is an English article at outlet.example/<slug>.
ArticleRecord Record(const std::string& slug, const std::string& headline) {
  ArticleRecord r;
  r.url = "https://outlet.example/" + slug;
  r.source = Source{0, "", "Outlet", "https://outlet.example/", "GB", "en"};
  r.language = "en";
  r.headline = headline;
  r.published_at = At("2026-11-20T12:00:00Z");
  r.body = {Block{BlockType::kParagraph, "Text of " + headline, {}, {}, {}, {}}};
  return r;
}

class TranslationReviewTest : public BackendStoreTest {
 protected:
  TranslationReviewTest() : BackendStoreTest("nd_translation_review") {}

  // Articles adds one English article per headline and returns their ids.
  std::vector<int64_t> Articles(const std::vector<std::string>& headlines) {
    std::vector<ArticleRecord> records;
    for (const auto& h : headlines) records.push_back(Record(h, h));
    auto up = store_->UpsertArticles(records);
    EXPECT_TRUE(up.ok()) << up.status().ToString();
    return up.ok() ? up->ids : std::vector<int64_t>{};
  }

  Status Write(int64_t id, const std::string& headline, TranslatedBy by = TranslatedBy::kMachine,
               const std::string& language = "es") {
    Translation t;
    t.language = language;
    t.by = by;
    t.headline = headline;
    t.body = {Block{BlockType::kParagraph, "Texto.", {}, {}, {}, {}}};
    return store_->PutTranslation(id, t);
  }

  // Unreviewed lists the ids of the unreviewed page into `language`.
  std::vector<int64_t> Unreviewed(const std::string& language, std::optional<TranslationCursor> before = {},
                                  int limit = 50) {
    auto page = store_->ListUnreviewedTranslations(language, before, limit);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<int64_t> ids;
    if (page.ok())
      for (const auto& t : *page) ids.push_back(t.article_id);
    return ids;
  }

  std::vector<int64_t> Failed(const std::string& language, std::optional<TranslationCursor> before = {},
                              int limit = 50) {
    auto page = store_->ListTranslationFailures(language, before, limit);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<int64_t> ids;
    if (page.ok())
      for (const auto& f : *page) ids.push_back(f.article_id);
    return ids;
  }

  TimePoint WrittenAt(int64_t id) { return store_->GetTranslationListing(id, "es")->updated_at; }
};

TEST_P(TranslationReviewTest, ListsAnEditionsUnreviewedMachineTranslationsNewestFirstInKeysetPages) {
  const auto ids = Articles({"one", "two", "three", "four", "five"});
  ASSERT_EQ(ids.size(), 5u);
  // Three is written a second before the rest: oldest, though not the lowest id.
  ASSERT_TRUE(Write(ids[2], "[es] three").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  for (int i : {0, 1, 3}) ASSERT_TRUE(Write(ids[i], "[es] " + std::to_string(i)).ok());
  ASSERT_TRUE(Write(ids[4], "Cinco", TranslatedBy::kHuman).ok());
  ASSERT_TRUE(Write(ids[0], "[ru] one", TranslatedBy::kMachine, "ru").ok());

  EXPECT_THAT(Unreviewed("es"), ElementsAre(ids[3], ids[1], ids[0], ids[2])) << "newest first, then by id; no human";
  EXPECT_THAT(Unreviewed("ru"), ElementsAre(ids[0]));
  EXPECT_TRUE(Unreviewed("de").empty());

  auto first = store_->ListUnreviewedTranslations("es", std::nullopt, 2);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 2u);
  const TranslationCursor cursor{first->back().updated_at, first->back().article_id};
  EXPECT_THAT(Unreviewed("es", cursor, 2), ElementsAre(ids[0], ids[2])) << "the next page, neither gap nor repeat";
  EXPECT_TRUE(Unreviewed("es", TranslationCursor{WrittenAt(ids[2]), ids[2]}).empty());

  const TranslationListing& l = first->front();
  EXPECT_EQ(l.article_id, ids[3]);
  EXPECT_EQ(l.slug, "four");
  EXPECT_EQ(l.language, "es");
  EXPECT_EQ(l.original_language, "en");
  EXPECT_EQ(l.original_headline, "four");
  EXPECT_EQ(l.headline, "[es] 3");
  EXPECT_EQ(l.state, TranslationState::kUnreviewed);
}

TEST_P(TranslationReviewTest, TellsEachTranslationsState) {
  const auto ids = Articles({"machine", "human"});
  ASSERT_TRUE(Write(ids[0], "[es] machine").ok());
  ASSERT_TRUE(Write(ids[1], "Humano", TranslatedBy::kHuman).ok());
  EXPECT_EQ(store_->GetTranslationListing(ids[0], "es")->state, TranslationState::kUnreviewed);
  EXPECT_EQ(store_->GetTranslationListing(ids[1], "es")->state, TranslationState::kHuman);
  EXPECT_EQ(store_->GetTranslationListing(ids[0], "ru").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->GetTranslationListing(987654, "es").status().code(), Code::kNotFound);
}

TEST_P(TranslationReviewTest, AReviewedTranslationIsKeptFromMachinePassesButNotFromPeople) {
  const auto ids = Articles({"kept", "other"});
  ASSERT_TRUE(Write(ids[0], "[es] kept").ok());
  ASSERT_TRUE(Write(ids[1], "[es] other").ok());
  const TimePoint now = Now();
  ASSERT_TRUE(store_->MarkTranslationReviewed(ids[0], "es", WrittenAt(ids[0]), now).ok());
  EXPECT_EQ(store_->GetTranslationListing(ids[0], "es")->state, TranslationState::kReviewed);
  EXPECT_THAT(Unreviewed("es"), ElementsAre(ids[1]));

  ASSERT_TRUE(Write(ids[0], "[es] machine again").ok()) << "dropped, and still OK";
  EXPECT_EQ(store_->GetTranslation(ids[0], "es")->headline, "[es] kept");
  // Both articles change a second later: a pass redoes the machine
  // translation, never the reviewed one.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_TRUE(store_->UpsertArticles({Record("kept", "kept, updated"), Record("other", "other, updated")}).ok());
  auto due = store_->ArticlesNeedingTranslation("en", "es", now + std::chrono::hours(1), 0, 100);
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  EXPECT_THAT(*due, ElementsAre(ids[1]));

  ASSERT_TRUE(Write(ids[0], "Conservado", TranslatedBy::kHuman).ok());
  EXPECT_EQ(store_->GetTranslation(ids[0], "es")->headline, "Conservado");
  EXPECT_EQ(store_->GetTranslationListing(ids[0], "es")->state, TranslationState::kHuman);
}

TEST_P(TranslationReviewTest, ApprovingIsRefusedForWhatWasRewrittenOrIsNotAnUnreviewedMachineOne) {
  const auto ids = Articles({"machine", "human"});
  ASSERT_TRUE(Write(ids[0], "[es] machine").ok());
  ASSERT_TRUE(Write(ids[1], "Humano", TranslatedBy::kHuman).ok());
  const TimePoint now = Now();
  const TimePoint seen = WrittenAt(ids[0]);
  EXPECT_EQ(store_->MarkTranslationReviewed(ids[0], "es", seen - std::chrono::seconds(1), now).code(),
            Code::kInvalidArgument)
      << "rewritten since it was read";
  EXPECT_EQ(store_->GetTranslationListing(ids[0], "es")->state, TranslationState::kUnreviewed);
  EXPECT_EQ(store_->MarkTranslationReviewed(ids[1], "es", WrittenAt(ids[1]), now).code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->GetTranslationListing(ids[1], "es")->state, TranslationState::kHuman);
  EXPECT_EQ(store_->MarkTranslationReviewed(ids[0], "ru", seen, now).code(), Code::kNotFound);
  ASSERT_TRUE(store_->MarkTranslationReviewed(ids[0], "es", seen, now).ok());
  EXPECT_EQ(store_->MarkTranslationReviewed(ids[0], "es", seen, now).code(), Code::kInvalidArgument)
      << "once is enough";
}

TEST_P(TranslationReviewTest, ListsAnEditionsFailuresNewestFirstInKeysetPages) {
  const auto ids = Articles({"a", "b", "c", "d"});
  const TimePoint t0 = At("2026-12-01T10:00:00Z");
  auto fail = [&](int64_t id, TimePoint at, const std::string& language = "es") {
    ASSERT_TRUE(store_->RecordTranslationFailure(id, language, "HTTP 500", at, at + std::chrono::hours(1)).ok());
  };
  fail(ids[0], t0 + std::chrono::minutes(2));
  fail(ids[1], t0);
  fail(ids[2], t0 + std::chrono::minutes(2));
  fail(ids[3], t0, "ru");
  fail(ids[1], t0 + std::chrono::minutes(5));  // a second attempt fails later
  EXPECT_THAT(Failed("es"), ElementsAre(ids[1], ids[2], ids[0]));
  EXPECT_THAT(Failed("ru"), ElementsAre(ids[3]));
  EXPECT_THAT(Failed("es", TranslationCursor{t0 + std::chrono::minutes(2), ids[2]}), ElementsAre(ids[0]));
  EXPECT_THAT(Failed("es", std::nullopt, 1), ElementsAre(ids[1]));

  auto page = store_->ListTranslationFailures("es", std::nullopt, 1);
  ASSERT_TRUE(page.ok());
  const TranslationFailure& f = page->front();
  EXPECT_EQ(f.slug, "b");
  EXPECT_EQ(f.language, "es");
  EXPECT_EQ(f.original_language, "en");
  EXPECT_EQ(f.original_headline, "b");
  EXPECT_EQ(f.error, "HTTP 500");
  EXPECT_EQ(f.attempts, 2);
  EXPECT_EQ(f.failed_at, t0 + std::chrono::minutes(5));
  EXPECT_EQ(f.retry_at, t0 + std::chrono::minutes(65));
}

TEST_P(TranslationReviewTest, ARetryMakesTheFailedArticleDueNowUntilAPassSucceeds) {
  const auto ids = Articles({"failing"});
  const TimePoint t0 = At("2026-12-01T10:00:00Z");
  ASSERT_TRUE(store_->RecordTranslationFailure(ids[0], "es", "HTTP 500", t0, t0 + std::chrono::hours(1)).ok());
  const TimePoint now = t0 + std::chrono::minutes(10);
  EXPECT_TRUE(store_->ArticlesNeedingTranslation("en", "es", now, 0, 100)->empty());

  auto retried = store_->RetryTranslationFailure(ids[0], "es", now);
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(retried->retry_at, t0 + std::chrono::hours(1)) << "the failure as it was";
  EXPECT_EQ(retried->error, "HTTP 500");
  EXPECT_EQ(store_->ListTranslationFailures("es", std::nullopt, 10)->front().retry_at, now);
  EXPECT_THAT(*store_->ArticlesNeedingTranslation("en", "es", now + std::chrono::seconds(1), 0, 100),
              ElementsAre(ids[0]));
  EXPECT_EQ(store_->RetryTranslationFailure(ids[0], "ru", now).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->RetryTranslationFailure(987654, "es", now).status().code(), Code::kNotFound);

  ASSERT_TRUE(Write(ids[0], "[es] failing").ok());
  EXPECT_TRUE(Failed("es").empty()) << "a success forgets the failure";
}

INSTANTIATE_TEST_SUITE_P(Backends, TranslationReviewTest, ::testing::Values("sqlite", "postgresql"), BackendName);

}  // namespace
}  // namespace newsdesk
