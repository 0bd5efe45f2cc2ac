#include <gtest/gtest.h>

#include <algorithm>

#include "mentions/tagger.h"

namespace newsdesk {
namespace {

std::vector<std::string> Forms(const std::vector<NameCandidate>& found) {
  std::vector<std::string> out;
  for (const auto& c : found) out.push_back(c.form);
  return out;
}

std::shared_ptr<const Gazetteer> Known() {
  auto g = Gazetteer::Parse(
      R"({"id":"russia","type":"country","name":{"en":"Russia","ru":"Россия"}}
{"id":"nato","type":"organisation","name":{"en":"NATO","ru":"НАТО"},"exact":["NATO","НАТО"]})",
      "test");
  return *g;
}

std::vector<NameCandidate> Candidates(const std::string& text, size_t from = 0) {
  Tagger tagger(Known());
  return FindNameCandidates(text, tagger.Tag(text), from);
}

TEST(NameCandidates, ARunOfCapitalisedWordsInsideASentenceIsACandidate) {
  auto found = Candidates("The contract went to Naval Group after a long tender.");
  ASSERT_EQ(Forms(found), std::vector<std::string>{"Naval Group"});
  EXPECT_EQ(found[0].key, "naval group");
  EXPECT_EQ(found[0].language, "en");
}

TEST(NameCandidates, KnownNamesAreNotCandidates) {
  EXPECT_TRUE(Candidates("Officials in Russia met NATO envoys.").empty());
}

TEST(NameCandidates, ASentencesFirstWordCountsOnlyWhenCapitalisedElsewhereToo) {
  EXPECT_EQ(Forms(Candidates("Yesterday Naval Group signed.")), std::vector<std::string>{"Naval Group"});
  EXPECT_EQ(Forms(Candidates("Thales Alenia Space won. A deal with Thales Alenia Space followed.")),
            std::vector<std::string>{"Thales Alenia Space"});
}

TEST(NameCandidates, TitlesBeforeAPersonAreLeftOut) {
  EXPECT_EQ(Forms(Candidates("He met Defence Secretary John Healey in London.")),
            std::vector<std::string>{"John Healey"});
  EXPECT_EQ(Forms(Candidates("Shares of General Dynamics rose.")), std::vector<std::string>{"General Dynamics"});
}

TEST(NameCandidates, RussianCaseFormsShareOneKey) {
  auto found = Candidates("Контракт подписал «Рособоронэкспорт». Представители «Рособоронэкспорта» промолчали.");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].count, 2);
  EXPECT_EQ(found[0].form, "Рособоронэкспорт");
  EXPECT_EQ(found[0].language, "ru");
}

TEST(NameCandidates, AcronymsButNotRomanNumeralsOrShortWords) {
  auto forms = Forms(Candidates("Поставки ОДК выросли. The HIMARS batteries of World War II were not there. A US in caps."));
  EXPECT_NE(std::find(forms.begin(), forms.end(), "ОДК"), forms.end());
  EXPECT_NE(std::find(forms.begin(), forms.end(), "HIMARS"), forms.end());
  EXPECT_EQ(std::find(forms.begin(), forms.end(), "II"), forms.end());
}

TEST(NameCandidates, CalendarAndFunctionWordsAreNotNames) {
  EXPECT_TRUE(Candidates("It happened on Monday March the third, in the morning.").empty());
}

TEST(NameCandidates, TheHeadlineCanBeLeftOut) {
  const std::string text = "Navy Orders New Frigates From Yard\n\nThe order is small.";
  EXPECT_FALSE(Candidates(text).empty());
  EXPECT_TRUE(Candidates(text, text.find("\n\n")).empty());
}

TEST(NameCandidates, HostileInputIsHandled) {
  std::string junk(100000, 'A');
  junk += " \xC2\xAB\xC2\xAB\xC2\xBB «» «A» “ ” \xFF\xFE";
  auto found = Candidates(junk);
  EXPECT_LE(found.size(), 50u);
}

}  // namespace
}  // namespace newsdesk
