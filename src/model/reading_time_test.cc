#include "model/reading_time.h"

#include <gtest/gtest.h>

#include <string>

#include "common/text.h"

namespace newsdesk {
namespace {

std::string Words(int n, const std::string& word) {
  std::string out;
  for (int i = 0; i < n; ++i) out += (i ? " " : "") + word;
  return out;
}

TEST(CountWords, CountsWordsNotSpacesOrPunctuation) {
  EXPECT_EQ(CountWords(""), 0u);
  EXPECT_EQ(CountWords(" — , . !"), 0u);
  EXPECT_EQ(CountWords("The ministers met, in Brussels."), 5u);
  EXPECT_EQ(CountWords("Министр обороны выступил на совещании в Астане."), 7u);
  EXPECT_EQ(CountWords("«Три заказа» — 2027 год"), 4u) << "numbers are words, dashes and quotes are not";
  EXPECT_EQ(CountWords("O'Brien's\tair-defence\nplan"), 4u) << "an apostrophe joins, a hyphen splits (UAX #29)";
}

TEST(WordsPerMinute, TakesTheIrestRatesOfEnglishAndRussian) {
  EXPECT_EQ(WordsPerMinute("en"), 228);
  EXPECT_EQ(WordsPerMinute("ru"), 184);
  EXPECT_EQ(WordsPerMinute("es"), 184) << "a language without a rate here gets the mean of all 17";
}

TEST(ReadingMinutes, RoundsToTheNearestMinuteAndNeverSaysZeroForText) {
  EXPECT_EQ(ReadingMinutes(0, "en"), 0);
  EXPECT_EQ(ReadingMinutes(1, "en"), 1);
  EXPECT_EQ(ReadingMinutes(228 * 3, "en"), 3);
  EXPECT_EQ(ReadingMinutes(228 * 3 + 113, "en"), 3);
  EXPECT_EQ(ReadingMinutes(228 * 3 + 114, "en"), 4);
}

TEST(ReadingMinutes, TheSameLengthTakesLongerInRussian) {
  EXPECT_EQ(ReadingMinutes(920, "en"), 4);  // 920 / 228 = 4.04
  EXPECT_EQ(ReadingMinutes(920, "ru"), 5);  // 920 / 184 = 5.0
}

TEST(ReadingMinutes, CountsEveryBlockOfABody) {
  std::vector<Block> body = {Block{BlockType::kParagraph, Words(300, "слово"), {}, {}, {}, {}},
                             Block{BlockType::kHeading, "Итоги", {}, {}, {}, {}},
                             Block{BlockType::kParagraph, Words(250, "слово") + ".", {}, {}, {}, {}}};
  EXPECT_EQ(ReadingMinutes(body, "ru"), 3);  // 551 words / 184 = 2.99
  EXPECT_EQ(ReadingMinutes(std::vector<Block>{}, "ru"), 0);
}

}  // namespace
}  // namespace newsdesk
