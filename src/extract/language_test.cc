#include "extract/language.h"

#include <gtest/gtest.h>

namespace newsdesk {
namespace {

TEST(DetectLanguage, RecognisesEnglishAndRussianNewsText) {
  LanguageGuess en = DetectLanguage(
      "The Russian Defense Minister spoke at a meeting of defense ministers of the member states in Astana. "
      "He said the situation remains complex and tends to worsen, and called for closer cooperation.");
  EXPECT_EQ(en.code, "en");
  EXPECT_TRUE(en.reliable);
  EXPECT_GT(en.percent, 80);

  LanguageGuess ru = DetectLanguage(
      "Министр обороны России выступил на совещании министров обороны государств-членов ШОС в Астане. "
      "Он отметил, что обстановка остаётся сложной и имеет тенденцию к ухудшению.");
  EXPECT_EQ(ru.code, "ru");
  EXPECT_TRUE(ru.reliable);
}

TEST(DetectLanguage, TheHintOnlyTipsACloseCall) {
  // Plain Russian stays Russian whatever the page claims.
  LanguageGuess g = DetectLanguage(
      "Министр обороны России выступил на совещании министров обороны государств-членов ШОС в Астане.", "en");
  EXPECT_EQ(g.code, "ru");
}

TEST(DetectLanguage, NothingToGoOnGivesNoLanguage) {
  for (const char* text : {"", "12345 67 89", "\xff\xfe\xfd not utf-8"}) {
    LanguageGuess g = DetectLanguage(text, "ru");
    EXPECT_FALSE(g.reliable) << text;
    if (g.code.empty()) {
      EXPECT_EQ(g.percent, 0);
    }
  }
}

}  // namespace
}  // namespace newsdesk
