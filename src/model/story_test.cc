#include "model/story.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/minhash.h"
#include "common/time.h"

namespace newsdesk {
namespace {

constexpr const char* kReport =
    "The shipyard in the north launched a new corvette on Thursday after two years of construction, "
    "the navy said, and sea trials are due to begin in the spring once the crew has been trained.";
constexpr const char* kOtherReport =
    "Parliament passed the budget late on Wednesday after a long debate about pensions, "
    "and the finance minister promised that taxes on small firms would not rise next year.";

std::string Print(const std::string& text) { return EncodeFingerprint(MinHash(text)); }

const TimePoint kNoon = *ParseIso8601("2024-04-26T12:00:00Z");

StoryCandidate Candidate(int64_t article_id, int64_t story_id, TimePoint published, const std::string& text) {
  return StoryCandidate{article_id, story_id, published, Print(text)};
}

TEST(ChooseStory, JoinsTheStoryOfANearDuplicate) {
  const std::string edited = std::string("Wire reports: ") + kReport + " More to follow.";
  auto story = ChooseStory(Print(edited), kNoon, {Candidate(7, 3, kNoon - std::chrono::hours(2), kReport)});
  ASSERT_TRUE(story.has_value());
  EXPECT_EQ(*story, 3);
}

TEST(ChooseStory, StartsAStoryOfItsOwnWhenNoCandidateIsAlike) {
  EXPECT_FALSE(ChooseStory(Print(kReport), kNoon, {Candidate(7, 7, kNoon, kOtherReport)}).has_value());
}

TEST(ChooseStory, StartsAStoryOfItsOwnWithoutCandidates) {
  EXPECT_FALSE(ChooseStory(Print(kReport), kNoon, {}).has_value());
}

TEST(ChooseStory, AnArticleWithoutAFingerprintJoinsNoStory) {
  EXPECT_FALSE(ChooseStory("", kNoon, {Candidate(7, 7, kNoon, kReport)}).has_value());
}

TEST(ChooseStory, SkipsCandidatesWithoutAFingerprint) {
  StoryCandidate blank{7, 7, kNoon, ""};
  EXPECT_FALSE(ChooseStory(Print(kReport), kNoon, {blank}).has_value());
}

TEST(ChooseStory, IgnoresNearDuplicatesPublishedOutsideTheWindow) {
  const auto late = kStoryWindow + std::chrono::seconds(1);
  EXPECT_FALSE(ChooseStory(Print(kReport), kNoon, {Candidate(7, 7, kNoon - late, kReport),
                                                   Candidate(8, 8, kNoon + late, kReport)})
                   .has_value());
  auto edge = ChooseStory(Print(kReport), kNoon, {Candidate(9, 5, kNoon + kStoryWindow, kReport)});
  ASSERT_TRUE(edge.has_value());
  EXPECT_EQ(*edge, 5);
}

TEST(ChooseStory, PrefersTheEarliestNearDuplicateWhateverTheOrderGiven) {
  auto story = ChooseStory(Print(kReport), kNoon,
                           {Candidate(12, 40, kNoon, kReport), Candidate(10, 20, kNoon - std::chrono::hours(5), kReport),
                            Candidate(11, 30, kNoon - std::chrono::hours(1), kReport)});
  ASSERT_TRUE(story.has_value());
  EXPECT_EQ(*story, 20);
}

TEST(ChooseStory, BreaksATieInPublicationByTheOlderArticle) {
  auto story = ChooseStory(Print(kReport), kNoon, {Candidate(12, 40, kNoon, kReport), Candidate(10, 20, kNoon, kReport)});
  ASSERT_TRUE(story.has_value());
  EXPECT_EQ(*story, 20);
}

TEST(ChooseStory, AnEarlierUnrelatedArticleDoesNotHideALaterNearDuplicate) {
  auto story = ChooseStory(Print(kReport), kNoon,
                           {Candidate(1, 1, kNoon - std::chrono::hours(9), kOtherReport), Candidate(2, 2, kNoon, kReport)});
  ASSERT_TRUE(story.has_value());
  EXPECT_EQ(*story, 2);
}

}  // namespace
}  // namespace newsdesk
