#include "search/query_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "search/analysis.h"
#include "search/lemmatizer.h"

namespace newsdesk::search {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::set<std::string> kFilters = {"source", "lang", "mention", "story", "from", "to"};

TEST(CleanQuery, FoldsWordsAndKeepsOperators) {
  CleanedQuery q = CleanQuery("Министр  OR \"Шойгу\" NEAR/3 Astana AND not", kFilters);
  EXPECT_EQ(q.text, "министр OR \"шойгу\" NEAR/3 astana AND not");
  EXPECT_THAT(q.words, ElementsAre("министр", "шойгу", "astana", "not"));
  EXPECT_TRUE(q.quoted);
  EXPECT_FALSE(q.truncated);
}

TEST(CleanQuery, KnownFiltersStayUnknownOnesBecomeWords) {
  CleanedQuery q = CleanQuery("nato Lang:EN foo:bar (source:tass http://x.y", kFilters);
  EXPECT_EQ(q.text, "nato lang:en foo bar (source:tass http //x.y");
  EXPECT_THAT(q.words, ElementsAre("nato", "foo", "bar", "http", "x", "y"));
  EXPECT_TRUE(q.has_filters);
  EXPECT_FALSE(CleanQuery("lang: nato", kFilters).has_filters);  // no value: a word
}

TEST(CleanQuery, ControlAndInvisibleCharactersGo) {
  CleanedQuery q = CleanQuery("a\x01" "b\tc\nd\x7f" "\u00AD" "e\u200B" "f", kFilters);
  EXPECT_EQ(q.text, "a b c d ef");
}

TEST(CleanQuery, YoBecomesYeAndCompatibilityFormsAreNormal) {
  EXPECT_EQ(CleanQuery("Ёлка ЕЩЁ ＮＡＴＯ ﬁnal ①", kFilters).text, "елка еще nato final 1");
}

TEST(CleanQuery, LongQueryIsCutAtASpace) {
  std::string raw;
  while (raw.size() < 10000) raw += "слово ";
  CleanedQuery q = CleanQuery(raw, kFilters);
  EXPECT_TRUE(q.truncated);
  EXPECT_LE(q.text.size(), kMaxQueryBytes);
  EXPECT_TRUE(q.text.ends_with("слово")) << q.text;  // whole words only
}

TEST(TruncateUtf8, NeverSplitsACharacter) {
  std::string s = "жжжжж";  // 10 bytes
  for (size_t n = 0; n <= s.size(); ++n) {
    std::string_view cut = TruncateUtf8(s, n);
    EXPECT_LE(cut.size(), n);
    EXPECT_EQ(cut.size() % 2, 0u) << n;
  }
  EXPECT_EQ(TruncateUtf8("abcdefgh ijkl", 10), "abcdefgh");
  EXPECT_EQ(TruncateUtf8("abcdefghijkl", 10), "abcdefghij");
}

TEST(CleanQuery, WildcardPrefixIsCutToItsStem) {
  CleanedQuery q = CleanQuery("министерство* presidents* минист* x*", kFilters);
  EXPECT_EQ(q.text, "министерств* presid* минист* x*");
  EXPECT_THAT(q.wildcards, ElementsAre("министерств", "presid", "минист", "x"));
}

TEST(ReplaceWords, ReplacesOnlyFreeTextWords) {
  CleanedQuery q = CleanQuery("\"goverment crisis\" OR lang:en goverment* goverment", kFilters);
  auto fix = [](const std::string& w) { return w == "goverment" ? std::string("government") : std::string(); };
  EXPECT_EQ(ReplaceWords(q, kFilters, fix), "\"government crisis\" OR lang:en gover* government");  // (wildcards are stemmed first)
  EXPECT_EQ(ReplaceWords(q, kFilters, [](const std::string&) { return std::string(); }), "");
}

TEST(PlainWords, DropsSyntaxKeepsFilters) {
  CleanedQuery q = CleanQuery("\"nato* AND (summit -vilnius lang:en +source:tass", kFilters);
  EXPECT_EQ(PlainWords(q, kFilters), "nato summit vilnius lang:en source:tass");
  EXPECT_EQ(FiltersOnly(q, kFilters), "lang:en source:tass");
}

TEST(NormalizeText, KeepsCaseAndLineBreaks) {
  EXPECT_EQ(NormalizeText("Королёв\nЁж\u00A0x"), "Королев\nЕж x");
  EXPECT_EQ(NormalizeText("plain ascii\n"), "plain ascii\n");
  EXPECT_EQ(NormalizeText("bad \xff\xfe utf"), "bad    utf");  // each broken byte a space
}

TEST(Stemmer, PicksTheLanguageByScript) {
  Xapian::Stem stem = MakeStemmer();
  EXPECT_EQ(stem("министров"), "министр");
  EXPECT_EQ(stem("ministers"), stem("minister"));
  EXPECT_EQ(stem("россии"), stem("россия"));
}

TEST(Stopwords, CoverBothLanguages) {
  EXPECT_TRUE(IsStopword("the"));
  EXPECT_TRUE(IsStopword("и"));
  EXPECT_TRUE(IsStopword("еще"));
  EXPECT_FALSE(IsStopword("nato"));
}

TEST(Lemmatizer, GivesLemmasOfRussianWords) {
  auto lem = Lemmatizer::Shared("/usr/share/hunspell/ru_RU");
  ASSERT_TRUE(lem) << "hunspell-ru is installed by install-deps";
  EXPECT_THAT(lem->Lemmas("ребёнка"), ElementsAre("ребенок"));
  EXPECT_THAT(lem->Lemmas("России"), ElementsAre("россия"));
  EXPECT_THAT(lem->Lemmas("россии"), ElementsAre("россия"));  // as readers type it
  EXPECT_THAT(lem->Lemmas("людей"), ElementsAre("людей", "человек"));
  EXPECT_THAT(lem->Lemmas("nato"), IsEmpty());
  EXPECT_THAT(lem->Lemmas("в"), IsEmpty());
  EXPECT_THAT(lem->Lemmas("фывапролдж"), IsEmpty());
  auto plain = Lemmatizer::Load("/usr/share/hunspell/ru_RU", /*irregular_forms=*/false);
  ASSERT_TRUE(plain);
  EXPECT_THAT(plain->Lemmas("людей"), ElementsAre("людей"));
}

TEST(Lemmatizer, MissingDictionaryIsNull) {
  EXPECT_EQ(Lemmatizer::Shared("/nonexistent/ru_RU"), nullptr);
  EXPECT_EQ(Lemmatizer::Load(""), nullptr);
}

}  // namespace
}  // namespace newsdesk::search
