// SearchIndex::Related (issue 17, part 5) on a real Xapian index: articles
// of two stories and some others, the article's own story left out,
// relations found by shared words and by shared entities, in order.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "common/testing/test_directory.h"
#include "search/search.h"

namespace newsdesk {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using ::testing::Contains;

SearchDocument Doc(int64_t id, int64_t story, const std::string& language, const std::string& headline,
                   const std::string& body, std::vector<std::string> entities = {}) {
  SearchDocument d;
  d.id = id;
  d.slug = "article-" + std::to_string(id);
  d.source = "wire";
  d.story_id = story;
  d.published_at = *ParseSearchDate("2026-11-01");
  d.original = {language, headline, body};
  d.entities = std::move(entities);
  return d;
}

class RelatedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDirectory("nd_related_test");
    auto opened = SearchIndex::Open(dir_.string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    index_ = std::move(*opened);
    const std::string frigate =
        "The navy's new frigate was launched at the northern shipyard on Monday. The frigate's hull was "
        "built in eighteen months, and the shipyard expects sea trials of the frigate in the spring.";
    std::vector<SearchDocument> docs = {
        // Story 10: one report, from two outlets.
        Doc(1, 10, "en", "Frigate launched at the northern shipyard", frigate, {"royal-navy"}),
        Doc(2, 10, "en", "New frigate launched at northern shipyard", frigate + " Families watched.", {"royal-navy"}),
        // Story 20: the same frigate's trials, many words in common.
        Doc(3, 20, "en", "Frigate begins sea trials",
            "The frigate launched at the northern shipyard began sea trials; the shipyard said the hull performed well."),
        // Story 30: the shipyard, a word or two in common.
        Doc(4, 30, "en", "Shipyard workers vote on pay", "Workers at the northern shipyard vote on a pay offer."),
        // Nothing in common.
        Doc(5, 40, "en", "Wheat harvest ends early", "Farmers finished the wheat harvest two weeks early."),
        // The same entity, no word in common.
        Doc(6, 50, "ru", "Адмиралтейство назначило командующего", "Командующий вступил в должность.", {"royal-navy"}),
    };
    for (const auto& d : docs) ASSERT_TRUE(index_->Put(d).ok());
    ASSERT_TRUE(index_->Commit().ok());
  }
  void TearDown() override {
    index_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::vector<int64_t> Related(int64_t id, RelatedQuery q = {}) {
    auto r = index_->Related(id, q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<int64_t>{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<SearchIndex> index_;
};

TEST_F(RelatedTest, LeavesOutTheArticleAndEveryArticleOfItsStory) {
  const std::vector<int64_t> related = Related(1);
  EXPECT_THAT(related, Not(Contains(1)));
  EXPECT_THAT(related, Not(Contains(2))) << "the same story told by another outlet";
  EXPECT_THAT(Related(2), Not(Contains(1)));
}

TEST_F(RelatedTest, PutsTheMostRelatedFirstAndLeavesOutTheUnrelated) {
  const std::vector<int64_t> related = Related(1);
  ASSERT_FALSE(related.empty());
  EXPECT_EQ(related.front(), 3) << "most words in common";
  EXPECT_THAT(related, UnorderedElementsAre(3, 4, 6));
  EXPECT_THAT(related, Not(Contains(5)));
}

TEST_F(RelatedTest, ASharedEntityRelatesArticlesWithNoWordInCommon) {
  EXPECT_THAT(Related(6), UnorderedElementsAre(1, 2));
}

TEST_F(RelatedTest, GivesAtMostTheLimit) {
  RelatedQuery q;
  q.limit = 1;
  EXPECT_THAT(Related(1, q), ElementsAre(3));
}

TEST_F(RelatedTest, AnArticleTheIndexDoesNotHoldHasNoRelations) {
  EXPECT_THAT(Related(99), IsEmpty());
  ASSERT_TRUE(index_->Remove(3).ok());
  ASSERT_TRUE(index_->Commit().ok());
  EXPECT_THAT(Related(3), IsEmpty());
  EXPECT_THAT(Related(1), Not(Contains(3))) << "a removed (unpublished) article is no relation";
}

}  // namespace
}  // namespace newsdesk
