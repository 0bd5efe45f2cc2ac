#include "web/catalog.h"

#include <gtest/gtest.h>

#include <regex>

#include "common/time.h"
#include "web/assets.h"

namespace newsdesk {
namespace {

std::vector<std::string> CatalogLanguages() {
  std::vector<std::string> langs;
  for (const auto& a : EmbeddedAssets()) {
    std::string p(a.path);
    if (p.rfind("i18n/", 0) == 0 && p.size() > 10) langs.push_back(p.substr(5, p.size() - 10));
  }
  return langs;
}

TEST(Catalog, EveryCatalogHasEveryKeyOfTheEnglishOne) {
  auto en = Catalog::Load("en");
  ASSERT_TRUE(en.ok()) << en.status().ToString();
  auto langs = CatalogLanguages();
  ASSERT_GE(langs.size(), 2u);
  for (const auto& lang : langs) {
    auto c = Catalog::Load(lang);
    ASSERT_TRUE(c.ok()) << lang << ": " << c.status().ToString();
    for (auto it = en->strings().begin(); it != en->strings().end(); ++it)
      EXPECT_TRUE(c->strings().contains(it.key())) << lang << " lacks " << it.key();
  }
}

// Every {{t.key}} a template uses must exist in the catalogs, or a reader
// would see the bare key.
TEST(Catalog, EveryStringTheTemplatesUseExists) {
  auto en = Catalog::Load("en");
  ASSERT_TRUE(en.ok());
  std::regex use(R"(\{\{t\.([a-z0-9_]+)\}\})");
  int uses = 0;
  for (const auto& a : EmbeddedAssets()) {
    std::string text(a.content);
    if (std::string(a.path).rfind("templates/", 0) != 0) continue;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), use); it != std::sregex_iterator(); ++it) {
      ++uses;
      EXPECT_TRUE(en->strings().contains((*it)[1].str())) << a.path << " uses t." << (*it)[1].str();
    }
  }
  EXPECT_GT(uses, 10);
}

TEST(Catalog, FormatsDatesInTheEditionsLanguage) {
  auto t = *ParseIso8601("2024-04-26T09:40:00Z");
  EXPECT_EQ(Catalog::Load("en")->Date(t, 180, "MSK"), "April 26, 2024, 12:40 MSK");
  EXPECT_EQ(Catalog::Load("ru")->Date(t, 180, "MSK"), "26 апреля 2024, 12:40 MSK");
  EXPECT_EQ(Catalog::Load("ru")->ShortDate(t, 0), "26.04 09:40");
}

TEST(Catalog, UnknownEditionIsNotFound) { EXPECT_TRUE(Catalog::Load("xx").status().is_not_found()); }

TEST(Substitute, ReplacesEveryPlaceholder) {
  EXPECT_EQ(Substitute("{a} and {a} or {b}", {{"a", "x"}, {"b", "{a}"}}), "x and x or {a}");
}

}  // namespace
}  // namespace newsdesk
