#include "common/text.h"

#include <gtest/gtest.h>

namespace newsdesk {
namespace {

TEST(Slugify, TransliteratesRussianReadably) {
  EXPECT_EQ(Slugify("Радиолокационная станция «Зарево»"), "radiolokatsionnaya-stantsiya-zarevo");
  EXPECT_EQ(Slugify("Шойгу выступил в Астане"), "shoygu-vystupil-v-astane");
}

TEST(Slugify, KeepsHardAndSoftSignsInsideTheWord) {
  EXPECT_EQ(Slugify("Щит-2026: объём"), "shchit-2026-obyem");
}

TEST(Slugify, LowercasesAndJoinsPunctuationRuns) {
  EXPECT_EQ(Slugify("  NordSec 2026 opens in Riga — and “drones” dominate!  "),
            "nordsec-2026-opens-in-riga-and-drones-dominate");
  EXPECT_EQ(Slugify("Don't panic"), "dont-panic");
}

TEST(Slugify, FallsBackToItemWhenNothingIsLeft) {
  EXPECT_EQ(Slugify(""), "item");
  EXPECT_EQ(Slugify("«—»"), "item");
}

TEST(Slugify, CutsLongSlugsAtAWordBoundary) {
  std::string slug = Slugify("alpha beta gamma delta epsilon", 14);
  EXPECT_EQ(slug, "alpha-beta");
}

TEST(IsValidUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("Россия 北京 😀"));
}

TEST(IsValidUtf8, RejectsMalformedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xd0"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
}

TEST(HasControlChars, AllowsWhitespaceButNotOtherControls) {
  EXPECT_FALSE(HasControlChars("a\tb\nc\r"));
  EXPECT_TRUE(HasControlChars(std::string("a\0b", 3)));
  EXPECT_TRUE(HasControlChars("a\x1b[31m"));
}

TEST(Utf8Length, CountsCodePoints) { EXPECT_EQ(Utf8Length("Шойгу"), 5u); }

}  // namespace
}  // namespace newsdesk
