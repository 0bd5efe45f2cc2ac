#include "render/catalog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>

#include "common/time.h"
#include "render/assets.h"

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

// KeysOf lists an object's keys, sorted (nlohmann's default order).
std::vector<std::string> KeysOf(const nlohmann::json& j) {
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  return keys;
}

// Placeholders lists the "{name}" placeholders a string uses, sorted.
std::set<std::string> Placeholders(const std::string& text) {
  static const std::regex kPlaceholder(R"(\{[a-z0-9_]+\})");
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kPlaceholder); it != std::sregex_iterator(); ++it)
    out.insert(it->str());
  return out;
}

nlohmann::json CatalogFile(const std::string& lang) {
  auto text = FindAsset("i18n/" + lang + ".json");
  if (!text) return nlohmann::json();
  return nlohmann::json::parse(*text, nullptr, false);
}

// A new language cannot ship incomplete: every catalog file has exactly the
// key set of en.json (top level, "strings", "languages", "reasons"), no
// empty value, and each translation uses the same {placeholders} as the
// English text, so no value is lost in a language.
TEST(Catalog, EveryCatalogHasExactlyTheKeysOfTheEnglishOneAndNoEmptyValue) {
  const nlohmann::json en = CatalogFile("en");
  ASSERT_TRUE(en.is_object());
  auto langs = CatalogLanguages();
  ASSERT_GE(langs.size(), 3u) << "en, ru and es at least";
  EXPECT_TRUE(std::count(langs.begin(), langs.end(), "es"));
  for (const auto& lang : langs) {
    SCOPED_TRACE("i18n/" + lang + ".json");
    auto c = Catalog::Load(lang);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    const nlohmann::json file = CatalogFile(lang);
    ASSERT_TRUE(file.is_object());
    EXPECT_EQ(KeysOf(file), KeysOf(en));
    for (const char* section : {"strings", "languages", "reasons"}) {
      SCOPED_TRACE(section);
      ASSERT_TRUE(file.contains(section) && file[section].is_object());
      EXPECT_EQ(KeysOf(file[section]), KeysOf(en[section]));
      for (auto it = file[section].begin(); it != file[section].end(); ++it) {
        ASSERT_TRUE(it->is_string()) << it.key();
        const std::string value = it->get<std::string>();
        EXPECT_FALSE(value.find_first_not_of(" \t\n") == std::string::npos) << it.key() << " is empty";
        if (en[section].contains(it.key()))
          EXPECT_EQ(Placeholders(value), Placeholders(en[section][it.key()].get<std::string>())) << it.key();
      }
    }
    EXPECT_FALSE(c->language_name().empty());
    for (int m = 1; m <= 12; ++m) EXPECT_FALSE(c->MonthName(m).empty()) << "month " << m;
  }
}

// The Spanish catalog is a translation, not a copy: most of its strings
// differ from the English ones.
TEST(Catalog, SpanishIsTranslated) {
  auto en = Catalog::Load("en"), es = Catalog::Load("es");
  ASSERT_TRUE(en.ok() && es.ok());
  int same = 0, total = 0;
  for (auto it = en->strings().begin(); it != en->strings().end(); ++it, ++total)
    if (es->Get(it.key()) == it->get<std::string>()) ++same;
  EXPECT_LT(same, total / 20) << same << " of " << total << " strings are the English text";
  EXPECT_EQ(es->Get("latest_news"), "Últimas noticias");
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
  EXPECT_EQ(Catalog::Load("es")->Date(t, 0, "UTC"), "26 de abril de 2024, 09:40 UTC");
  EXPECT_EQ(Catalog::Load("es")->ShortDate(t, 0), "26/04 09:40");
}

// Reasons other modules write in English come out in the edition's
// language, numbers and 'quoted' parts kept; a number inside a word
// ("UTF-8") is part of the pattern; an unknown message stays as it is.
TEST(Catalog, ReasonTranslatesEnglishMessagesByPattern) {
  auto es = Catalog::Load("es"), ru = Catalog::Load("ru"), en = Catalog::Load("en");
  EXPECT_EQ(es->Reason("the comment is 5000 characters long; the limit is 4000"),
            "el comentario tiene 5000 caracteres; el máximo es 4000");
  EXPECT_EQ(ru->Reason("the comment is not valid UTF-8 text"), "комментарий содержит недопустимые символы");
  EXPECT_EQ(es->Reason("there is no 'xx' edition"), "no existe la edición 'xx'");
  EXPECT_EQ(es->Reason("Type one or more words to search for."), "Escriba una o más palabras que buscar.");
  EXPECT_EQ(es->Reason("something nobody translated"), "something nobody translated");
  EXPECT_EQ(en->Reason("the comment is empty"), "the comment is empty");
}

// Every reason code a library can attach has a non-empty text in every
// catalog, using exactly the placeholders the code declares
// (ND_REASON_CODES), so no refusal reaches a reader as a bare key or with a
// value lost; and no catalog keeps a reason no code names any more.
TEST(Catalog, EveryReasonCodeHasATextWithItsPlaceholdersInEveryCatalog) {
  ASSERT_GT(AllReasons().size(), 80u);
  std::set<std::string> keys;
  for (const ReasonInfo& info : AllReasons()) {
    EXPECT_TRUE(keys.insert(info.key).second) << "two codes share the key " << info.key;
    EXPECT_EQ(ReasonKey(info.code), std::string(info.key));
  }
  for (const auto& lang : CatalogLanguages()) {
    SCOPED_TRACE("i18n/" + lang + ".json");
    const nlohmann::json reasons = CatalogFile(lang)["reasons"];
    ASSERT_TRUE(reasons.is_object());
    for (const ReasonInfo& info : AllReasons()) {
      SCOPED_TRACE(info.key);
      ASSERT_TRUE(reasons.contains(info.key) && reasons[info.key].is_string());
      const std::string text = reasons[info.key].get<std::string>();
      EXPECT_NE(text.find_first_not_of(" \t\n"), std::string::npos);
      std::set<std::string> declared;
      std::string params = info.params;
      for (size_t start = 0; start < params.size();) {
        size_t end = params.find(',', start);
        if (end == std::string::npos) end = params.size();
        declared.insert("{" + params.substr(start, end - start) + "}");
        start = end + 1;
      }
      EXPECT_EQ(Placeholders(text), declared);
    }
    for (auto it = reasons.begin(); it != reasons.end(); ++it)
      EXPECT_TRUE(keys.count(it.key())) << "reasons." << it.key() << " has no code";
  }
}

// A reason is translated by its code, its values put in their places; the
// English page says the `en` catalog's text.
TEST(Catalog, ReasonTranslatesACodeWithItsValues) {
  auto ru = Catalog::Load("ru"), en = Catalog::Load("en"), es = Catalog::Load("es");
  ASSERT_TRUE(ru.ok() && en.ok() && es.ok());
  const Reason short_password{ReasonCode::kPasswordTooShort, {{"min", "10"}}};
  EXPECT_EQ(ru->Reason(short_password), "пароль должен быть не короче 10 символов");
  EXPECT_EQ(en->Reason(short_password), "the password must be at least 10 characters long");
  const Status refused = Status::InvalidArgument("anything at all, for the log")
                             .With(ReasonCode::kEmailLocalChar, {{"email", "a b@x.org"}, {"char", " "}});
  EXPECT_EQ(ru->Reason(refused), "'a b@x.org' — не адрес почты: часть до @ не может содержать ' '");
  EXPECT_EQ(es->Reason(Reason{}), "");
  // The reason survives context added on the way up.
  EXPECT_EQ(ru->Reason(refused.WithContext("register")), ru->Reason(refused));
}

// Text without a code (a comment held before codes existed stores its
// English reason) is matched against the `en` texts and translated.
TEST(Catalog, ReasonTranslatesStoredEnglishThroughTheEnglishCatalog) {
  auto ru = Catalog::Load("ru");
  ASSERT_TRUE(ru.ok());
  EXPECT_EQ(ru->Reason("it has 3 links (more than 2); a moderator will check it"),
            "в нём 3 ссылок (больше 2); его проверит модератор");
  EXPECT_EQ(ru->Reason("a reader's first comment is read by a moderator before it appears"),
            "первый комментарий читателя читает модератор, прежде чем он появится");
  EXPECT_EQ(ru->ReasonOf("the password must be at least 8 characters long"),
            (Reason{ReasonCode::kPasswordTooShort, {{"min", "8"}}}));
  EXPECT_EQ(ru->Reason("rude"), "rude");  // a moderator's own words stay as written
  EXPECT_EQ(ru->Reason(Status::InvalidArgument("no code here")), "no code here");
}

TEST(Catalog, UnknownEditionIsNotFound) { EXPECT_TRUE(Catalog::Load("xx").status().is_not_found()); }

TEST(Substitute, ReplacesEveryPlaceholder) {
  EXPECT_EQ(Substitute("{a} and {a} or {b}", {{"a", "x"}, {"b", "{a}"}}), "x and x or {a}");
}

}  // namespace
}  // namespace newsdesk
