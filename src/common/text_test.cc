#include "common/text.h"

#include <gtest/gtest.h>

namespace newsdesk {
namespace {

TEST(CutWithEllipsis, CutsOnACharacterBoundaryWithinTheLimit) {
  EXPECT_EQ(CutWithEllipsis("short", 10), "short");
  EXPECT_EQ(CutWithEllipsis("abcdefghij", 10), "abcdefghij");
  EXPECT_EQ(CutWithEllipsis("abcdefghijk", 10), "abcdefg…");
  // "жж" is four bytes: with the ellipsis, only one fits in 6.
  EXPECT_EQ(CutWithEllipsis("жжжж", 6), "ж…");
  EXPECT_EQ(CutWithEllipsis("\xff\xff\xff\xff\xff", 4), "\xff…");
}

TEST(NonEmptyLines, TrimsEachLineAndLeavesOutBlankOnes) {
  EXPECT_EQ(NonEmptyLines(" spam \r\n\n\t\ncheap pills\r\nlast"),
            (std::vector<std::string>{"spam", "cheap pills", "last"}));
  EXPECT_TRUE(NonEmptyLines("").empty());
  EXPECT_TRUE(NonEmptyLines("\n \r\n").empty());
}

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

TEST(Utf8SequenceAt, MeasuresTheCharacterThereOrRefusesIt) {
  const std::string s = "a\xd0\x96\xe2\x82\xac\xf0\x9f\x98\x80\x80\xd0";  // a Ж € 😀, a stray byte, a truncated one
  EXPECT_EQ(Utf8SequenceAt(s, 0), 1u);
  EXPECT_EQ(Utf8SequenceAt(s, 1), 2u);
  EXPECT_EQ(Utf8SequenceAt(s, 3), 3u);
  EXPECT_EQ(Utf8SequenceAt(s, 6), 4u);
  EXPECT_EQ(Utf8SequenceAt(s, 10), 0u);
  EXPECT_EQ(Utf8SequenceAt(s, 11), 0u);
  EXPECT_EQ(Utf8SequenceAt("\xc0\xaf", 0), 0u);  // overlong
}

TEST(HasControlChars, AllowsWhitespaceButNotOtherControls) {
  EXPECT_FALSE(HasControlChars("a\tb\nc\r"));
  EXPECT_TRUE(HasControlChars(std::string("a\0b", 3)));
  EXPECT_TRUE(HasControlChars("a\x1b[31m"));
}

TEST(InvisibleChars, FindsAndDropsBidiControlsAndZeroWidthSpacesButKeepsWhatEmojiNeed) {
  EXPECT_TRUE(HasInvisibleChars("\u202enimdA"));
  EXPECT_TRUE(HasInvisibleChars("Ad\u200bmin"));
  EXPECT_TRUE(HasInvisibleChars("a\u2066b\u2069"));
  EXPECT_TRUE(HasInvisibleChars("\u061c"));
  EXPECT_TRUE(HasInvisibleChars("\ufeffBOM"));
  EXPECT_TRUE(HasInvisibleChars("\u3164"));  // Hangul filler: a blank name
  EXPECT_FALSE(HasInvisibleChars("Шойгу and Müller"));
  EXPECT_FALSE(HasInvisibleChars("\u2764\ufe0f \U0001F469\u200d\U0001F52C"));  // ❤️ and 👩‍🔬
  EXPECT_EQ(WithoutInvisibleChars("\u202enimdA, Ad\u200bmin"), "nimdA, Admin");
  EXPECT_EQ(WithoutInvisibleChars("\U0001F469\u200d\U0001F52C"), "\U0001F469\u200d\U0001F52C");
}

TEST(Utf8Length, CountsCodePoints) { EXPECT_EQ(Utf8Length("Шойгу"), 5u); }

TEST(AsciiCase, ChangesOnlyAsciiLettersWhateverTheText) {
  EXPECT_EQ(AsciiLower("Content-Type: TEXT/Html; CharSet=UTF-8"), "content-type: text/html; charset=utf-8");
  EXPECT_EQ(AsciiUpper("en-gb"), "EN-GB");
  // Readers' text is not these functions' business: Cyrillic and bytes
  // above 0x7F pass through untouched.
  EXPECT_EQ(AsciiLower("ШОЙГУ Sergei"), "ШОЙГУ sergei");
  EXPECT_EQ(AsciiUpper("шойгу sergei"), "шойгу SERGEI");
  EXPECT_EQ(AsciiLower(std::string("\xC0\xDE", 2)), std::string("\xC0\xDE", 2));
  EXPECT_TRUE(AsciiIEquals("ISO-8859-1", "iso-8859-1"));
  EXPECT_FALSE(AsciiIEquals("utf-8", "utf-16"));
  EXPECT_FALSE(AsciiIEquals("utf-8", "utf-8 "));
  EXPECT_FALSE(AsciiIEquals("Ш", "ш")) << "ASCII case only";
}

}  // namespace
}  // namespace newsdesk
