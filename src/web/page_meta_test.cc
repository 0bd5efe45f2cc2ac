#include "web/page_meta.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace newsdesk {
namespace {

using nlohmann::json;

Article Sample() {
  Article a;
  a.id = 7;
  a.slug = "frigate";
  a.language = "ru";
  a.headline = std::string(60, 'x') + " " + "Фрегат «Адмирал Головко» спущен на воду на Северной верфи";
  a.url = "https://tass.example/7";
  a.source = Source{1, "tass", "ТАСС", "https://tass.example/", "RU", "ru"};
  a.published_at = *ParseIso8601("2026-12-01T09:00:00Z");
  a.updated_at = *ParseIso8601("2026-12-01T10:30:00Z");
  a.image = Image{"https://tass.example/7.jpg", "© ТАСС", "Фрегат"};
  a.body = {Block{BlockType::kParagraph, "Первый абзац.", {}, {}, {}, {}}};
  return a;
}

const json& Ld(const PageHead& h) { return h.json_ld.at(0); }

std::string Name(const PageHead& h, const std::string& key) {
  for (const auto& [k, v] : h.names)
    if (k == key) return v;
  return "";
}

TEST(PageMeta, DatesCarryTheSitesOffsetAndTheHeadlineIsCutAt110Characters) {
  Config config;
  config.utc_offset_minutes = 180;
  Article a = Sample();
  ArticlePageFacts f{&a, nullptr, "ru", "https://news.example", {{"ru", "https://news.example/ru/articles/7-frigate"}}, {}};
  PageHead h = ArticleHead(f, config);
  EXPECT_EQ(Ld(h)["datePublished"], "2026-12-01T12:00:00+03:00");
  EXPECT_EQ(Ld(h)["dateModified"], "2026-12-01T13:30:00+03:00");
  const std::string headline = Ld(h)["headline"];
  size_t chars = 0;
  for (unsigned char c : headline) chars += (c & 0xC0) != 0x80;
  EXPECT_EQ(chars, 110u) << headline;
  EXPECT_EQ(headline.substr(headline.size() - 3), "…");
}

TEST(PageMeta, CorrectionsAreListedWithTheirDates) {
  Config config;
  Article a = Sample();
  a.corrections = {Correction{7, *ParseIso8601("2026-12-02T08:00:00Z"), "The yard was misnamed."}};
  ArticlePageFacts f{&a, nullptr, "ru", "https://news.example", {}, {"Северная верфь"}};
  PageHead h = ArticleHead(f, config);
  ASSERT_EQ(Ld(h)["correction"].size(), 1u);
  EXPECT_EQ(Ld(h)["correction"][0]["@type"], "CorrectionComment");
  EXPECT_EQ(Ld(h)["correction"][0]["text"], "The yard was misnamed.");
  EXPECT_EQ(Ld(h)["correction"][0]["datePublished"], "2026-12-02T08:00:00Z");
  EXPECT_EQ(Ld(h)["about"][0]["name"], "Северная верфь");
  EXPECT_EQ(h.canonical, "https://news.example/ru/articles/7-frigate") << "the page itself, in its edition";
}

TEST(PageMeta, AReviewedMachineTranslationOrASwitchedOffRuleIsIndexed) {
  Config config;
  Article a = Sample();
  Translation t{"en", "Frigate launched", "", {Block{BlockType::kParagraph, "First.", {}, {}, {}, {}}},
                TranslatedBy::kMachine};
  ArticlePageFacts f{&a, &t, "en", "https://news.example", {}, {}};
  EXPECT_EQ(Name(ArticleHead(f, config), "robots"), "noindex, max-image-preview:large");
  t.reviewed = true;
  EXPECT_EQ(Name(ArticleHead(f, config), "robots"), "max-image-preview:large");
  t.reviewed = false;
  config.noindex_machine_translations = false;
  EXPECT_EQ(Name(ArticleHead(f, config), "robots"), "max-image-preview:large");
  EXPECT_EQ(Ld(ArticleHead(f, config))["translator"]["description"], "machine translation, not reviewed");
}

TEST(PageMeta, ScriptSafeJsonCannotCloseTheScriptAndReadsBackTheSame) {
  const json value = {{"headline", "</script><!-- & >"}};
  const std::string text = ScriptSafeJson(value);
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_EQ(text.find('>'), std::string::npos);
  EXPECT_EQ(text.find('&'), std::string::npos);
  EXPECT_EQ(json::parse(text), value);
}

}  // namespace
}  // namespace newsdesk
