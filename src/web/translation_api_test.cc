// The editors' translation API over real HTTP: a real server on a loopback
// port, the real site on a SQLite store in a temporary folder, accounts made
// as `newsdesk user add` makes them, and clients that log in with the form
// and send the session's CSRF token in X-CSRF-Token, as a script would.
#include "web/translation_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/testing/test_directory.h"
#include "common/time.h"
#include "readers/readers.h"
#include "web/server.h"
#include "web/site.h"
#include "web/test_client.h"
#include "web/testing/served_site.h"
#include "web/testing/served_site_test.h"

namespace newsdesk {
namespace {

using nlohmann::json;
using testing::CsrfField;
using testing::RawResponse;
using ::testing::HasSubstr;
using ::testing::Not;

const char* const kPassword = testing::kTestPassword;

// Client: one API user, logged in through the form, sending translations
// with the session's CSRF token.
class Client : public testing::Browser {
 public:
  using Browser::Browser;

  // LogIn logs in through the form; the session's CSRF token is read off a
  // page that shows the logged-in reader's forms.
  bool LogIn(const std::string& email, const std::string& page) {
    RawResponse r = Post("/en/account/login", {{"email", email}, {"password", kPassword}}, "/en/account/login");
    if (r.status != 303) return false;
    csrf_ = CsrfField(Get(page).body);
    return !csrf_.empty();
  }

  // Put sends a JSON translation with the session's CSRF token.
  RawResponse Put(const std::string& target, const std::string& body, const std::string& type = "application/json",
                  const std::optional<std::string>& token = std::nullopt) {
    const std::string t = token.value_or(csrf_);
    return Send("PUT", target, body, type, t.empty() ? "" : "X-CSRF-Token: " + t + "\r\n");
  }

  const std::string& csrf() const { return csrf_; }

 private:
  std::string csrf_;
};

class TranslationApiTest : public testing::ServedSiteTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore("nd_translation_api", "http://news.example"));
    config_.editions = {"en", "es"};
    ArticleRecord r;
    r.url = "https://outlet.example/harbour";
    r.source = Source{0, "", "Outlet", "https://outlet.example/", "GB", "en"};
    r.language = "en";
    r.headline = "The harbour reopens";
    r.dateline = "LONDON, June 26";
    r.published_at = *ParseIso8601("2026-06-26T12:00:00Z");
    r.body = {Block{BlockType::kParagraph, "The harbour reopened on Friday.", {}, {}, {}, {}},
              Block{BlockType::kImage, "", {}, "https://outlet.example/harbour.jpg", "The harbour", "© Outlet"}};
    auto up = store_->UpsertArticles({r});
    ASSERT_TRUE(up.ok()) << up.status().ToString();
    article_ = up->ids[0];
    auto a = store_->GetArticle(article_);
    ASSERT_TRUE(a.ok());
    page_ = "/es/articles/" + std::to_string(a->id) + "-" + a->slug;
    api_ = "/api/v1/articles/" + std::to_string(article_) + "/translations/es";
    ASSERT_NO_FATAL_FAILURE(Serve());
  }

  Client As(const std::string& email, Role role) {
    AddUser(email, email.substr(0, email.find('@')), role);
    Client c(served_->port());
    EXPECT_TRUE(c.LogIn(email, page_)) << email;
    return c;
  }

  // ExpectError checks a JSON error: its status, code and a message.
  static void ExpectError(RawResponse r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_THAT(r.headers["content-type"], HasSubstr("application/json"));
    json j = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_EQ(j.value("code", ""), code) << r.body;
    EXPECT_GT(j.value("error", "").size(), 10u) << "a clear message: " << r.body;
  }

  static std::string Translation(const std::string& headline = "El puerto reabre") {
    return json{{"headline", headline},
                {"dateline", "LONDRES, 26 de junio"},
                {"body",
                 {{{"type", "paragraph"}, {"text", "El puerto reabrió el viernes."}},
                  {{"type", "image"},
                   {"url", "https://outlet.example/harbour.jpg"},
                   {"caption", "El puerto"},
                   {"credit", "© Outlet"}}}}}
        .dump();
  }

  int64_t article_ = 0;
  std::string page_, api_;
};

TEST_F(TranslationApiTest, AnEditorStoresAHumanTranslationThatThePageShowsAtOnce) {
  Client editor = As("ed@example.org", Role::kEditor);
  Client guest(served_->port());
  // The guest's page is cached before the correction: it must follow.
  EXPECT_THAT(guest.Get(page_).body, HasSubstr("todavía sin traducir"));
  ExpectError(editor.Get(api_), 404, "no_translation");
  RawResponse r = editor.Put(api_, Translation());
  ASSERT_EQ(r.status, 200) << r.body;
  json j = json::parse(r.body);
  EXPECT_EQ(j["by"], "human");
  EXPECT_EQ(j["headline"], "El puerto reabre");
  EXPECT_EQ(j["language"], "es");
  EXPECT_EQ(j["body"][1]["caption"], "El puerto");
  j = json::parse(editor.Get(api_).body);
  EXPECT_EQ(j["by"], "human");
  EXPECT_EQ(j["dateline"], "LONDRES, 26 de junio");
  const std::string html = guest.Get(page_).body;
  EXPECT_THAT(html, HasSubstr("El puerto reabre"));
  EXPECT_THAT(html, HasSubstr("Traducido del inglés."));
  EXPECT_THAT(html, Not(HasSubstr("Traducción automática")));
  EXPECT_THAT(html, HasSubstr("?original=1")) << "the original one click away";
  // An admin may correct it again.
  Client admin = As("admin@example.org", Role::kAdmin);
  r = admin.Put(api_, Translation("El puerto vuelve a abrir"));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(guest.Get(page_).body, HasSubstr("El puerto vuelve a abrir"));
}

TEST_F(TranslationApiTest, AMachineTranslationNeverOverwritesTheHumanOne) {
  Client editor = As("ed@example.org", Role::kEditor);
  // A machine translation first: GET tells it is one.
  ::newsdesk::Translation machine;
  machine.language = "es";
  machine.headline = "El puerto reabre (máquina)";
  machine.body = {Block{BlockType::kParagraph, "Texto de máquina.", {}, {}, {}, {}}};
  machine.by = TranslatedBy::kMachine;
  ASSERT_TRUE(store_->PutTranslation(article_, machine).ok());
  json j = json::parse(editor.Get(api_).body);
  EXPECT_EQ(j["by"], "machine");
  EXPECT_EQ(j["headline"], "El puerto reabre (máquina)");
  // The editor corrects it; a later machine pass leaves it alone, and the
  // pass's query no longer lists the article.
  ASSERT_EQ(editor.Put(api_, Translation()).status, 200);
  machine.headline = "Otra vez la máquina";
  EXPECT_TRUE(store_->PutTranslation(article_, machine).ok());
  j = json::parse(editor.Get(api_).body);
  EXPECT_EQ(j["by"], "human");
  EXPECT_EQ(j["headline"], "El puerto reabre");
  auto pending = store_->ArticlesNeedingTranslation("en", "es", std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()), 0, 100);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  EXPECT_THAT(*pending, Not(::testing::Contains(article_)));
}

TEST_F(TranslationApiTest, OnlyLoggedInEditorsAndAdminsMayUseIt) {
  Client guest(served_->port());
  ExpectError(guest.Get(api_), 401, "not_logged_in");
  ExpectError(guest.Put(api_, Translation(), "application/json", "x"), 401, "not_logged_in");
  Client reader = As("ann@example.org", Role::kReader);
  ExpectError(reader.Get(api_), 403, "forbidden");
  ExpectError(reader.Put(api_, Translation()), 403, "forbidden");
  Client moderator = As("mod@example.org", Role::kModerator);
  ExpectError(moderator.Put(api_, Translation()), 403, "forbidden");
  auto t = store_->GetTranslation(article_, "es");
  EXPECT_TRUE(t.status().is_not_found()) << "nothing was stored";
}

TEST_F(TranslationApiTest, EveryPutNeedsTheSessionsCsrfToken) {
  Client editor = As("ed@example.org", Role::kEditor);
  Client other = As("other@example.org", Role::kEditor);
  ExpectError(editor.Put(api_, Translation(), "application/json", ""), 403, "csrf");
  ExpectError(editor.Put(api_, Translation(), "application/json", "not-a-token"), 403, "csrf");
  // Another session's token is no good either.
  ExpectError(editor.Put(api_, Translation(), "application/json", other.csrf()), 403, "csrf");
  EXPECT_TRUE(store_->GetTranslation(article_, "es").status().is_not_found());
  EXPECT_EQ(editor.Put(api_, Translation()).status, 200);
}

TEST_F(TranslationApiTest, MalformedBodiesAreRefusedWithAReason) {
  Client editor = As("ed@example.org", Role::kEditor);
  ExpectError(editor.Put(api_, Translation(), "text/plain"), 415, "content_type");
  ExpectError(editor.Put(api_, "{\"headline\": "), 400, "malformed");
  ExpectError(editor.Put(api_, "[1, 2]"), 400, "malformed");
  ExpectError(editor.Put(api_, "{\"headline\": \"\\ud800\"}"), 400, "malformed");
  ExpectError(editor.Put(api_, json{{"body", {{{"type", "paragraph"}, {"text", "x"}}}}}.dump()), 400, "malformed");
  ExpectError(editor.Put(api_, json{{"headline", "  "}, {"body", {{{"type", "paragraph"}, {"text", "x"}}}}}.dump()),
              400, "malformed");
  ExpectError(editor.Put(api_, json{{"headline", "Dos\nlíneas"}, {"body", {{{"type", "paragraph"}, {"text", "x"}}}}}.dump()),
              400, "malformed");
  ExpectError(editor.Put(api_, json{{"headline", "H"}}.dump()), 400, "malformed");
  ExpectError(editor.Put(api_, json{{"headline", "H"}, {"body", json::array()}}.dump()), 400, "malformed");
  ExpectError(editor.Put(api_, json{{"headline", "H"}, {"body", {{{"type", "poem"}, {"text", "x"}}}}}.dump()), 400,
              "malformed");
  ExpectError(editor.Put(api_, json{{"headline", 5}, {"body", {{{"type", "paragraph"}, {"text", "x"}}}}}.dump()), 400,
              "malformed");
  RawResponse r = editor.Put(
      api_, json{{"headline", "H"},
                 {"body", {{{"type", "paragraph"}, {"text", "x"}}, {{"type", "image"}, {"url", "https://evil.example/x.png"}}}}}
                .dump());
  ExpectError(r, 400, "malformed");
  EXPECT_THAT(r.body, HasSubstr("body[1]"));
  ExpectError(editor.Put(api_, json{{"headline", "H"},
                                    {"body", {{{"type", "image"}, {"url", "https://outlet.example/harbour.jpg"}}}}}
                                   .dump()),
              400, "malformed");
  // Over the API's own cap (and under the server's): 413 in JSON.
  const std::string big = json{{"headline", "H"},
                               {"body", {{{"type", "paragraph"}, {"text", std::string(600 * 1024, 'a')}}}}}
                              .dump();
  ExpectError(editor.Put(api_, big), 413, "too_large");
  EXPECT_TRUE(store_->GetTranslation(article_, "es").status().is_not_found()) << "nothing was stored";
}

TEST_F(TranslationApiTest, UnknownArticlesAndLanguagesAreNotFound) {
  Client editor = As("ed@example.org", Role::kEditor);
  ExpectError(editor.Get("/api/v1/articles/999999/translations/es"), 404, "not_found");
  ExpectError(editor.Put("/api/v1/articles/999999/translations/es", Translation()), 404, "not_found");
  ExpectError(editor.Get("/api/v1/articles/abc/translations/es"), 404, "not_found");
  ExpectError(editor.Put("/api/v1/articles/" + std::to_string(article_) + "/translations/xx", Translation()), 404,
              "unknown_language");
  // ru is not an edition of this site.
  ExpectError(editor.Get("/api/v1/articles/" + std::to_string(article_) + "/translations/ru"), 404,
              "unknown_language");
  ExpectError(editor.Put("/api/v1/articles/" + std::to_string(article_) + "/translations/en", Translation()), 400,
              "original");
  EXPECT_TRUE(store_->GetTranslation(article_, "en").status().is_not_found());
}

}  // namespace
}  // namespace newsdesk
