#include "web/site.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "common/health.h"
#include "common/testing/matchers.h"
#include "common/testing/test_directory.h"
#include "common/time.h"
#include "import/importer.h"
#include "mentions/tagger.h"
#include "search/follower.h"
#include "store/testing/test_database.h"

namespace newsdesk {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::HasSubstrs;
using ::testing::Not;

class SiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDirectory("nd_site");
    config_.data_dir = dir_.string();
    config_.base_url = "https://news.example";
    auto s = testing::OpenStoreOnTestBackend(config_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    Add(Record("https://tass.example/1", "ru", "Шойгу выступил в Астане", "2024-04-26T12:40:00+03:00"));
    auto translated = Record("https://tass.example/2", "ru", "Учения ОДКБ начались", "2024-04-25T10:00:00Z");
    translated.translations.push_back(
        Translation{"en", "CSTO exercises begin", "TASS, April 25th",
                    {Block{BlockType::kParagraph, "The exercises began.", {}, {}, {}, {}}}, TranslatedBy::kMachine});
    Add(translated);
    Add(Record("https://wire.example/3", "en", "NATO ministers meet", "2024-04-24T10:00:00Z"));
    auto site = Site::Create(*store_, config_);
    ASSERT_TRUE(site.ok()) << site.status().ToString();
    site_ = std::move(*site);
  }
  void TearDown() override {
    site_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  static ArticleRecord Record(const std::string& url, const std::string& lang, const std::string& headline,
                              const std::string& when) {
    ArticleRecord r;
    r.url = url;
    r.source = lang == "ru" ? Source{0, "", "ТАСС", "https://tass.example/", "RU", "ru"}
                            : Source{0, "", "Wire", "https://wire.example/", "GB", "en"};
    r.language = lang;
    r.headline = headline;
    r.dateline = lang == "ru" ? "ТАСС, 26 апреля" : "Wire, April 24th";
    r.published_at = *ParseIso8601(when);
    r.image = Image{"https://tass.example/1.jpg", "© Sputnik / Болат Шайхинов", "Астана"};
    r.rights = "The material is placed by the copyright holder in the public domain";
    r.body = {Block{BlockType::kParagraph, "Первый абзац.", {}, {}, {}, {}},
              Block{BlockType::kQuote, "Уважаемые коллеги!", {}, {}, {}, {}}};
    return r;
  }

  int64_t Add(const ArticleRecord& r) {
    auto s = store_->UpsertArticles({r});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? s->ids[0] : 0;
  }

  Response Get(const std::string& target, std::vector<std::pair<std::string, std::string>> headers = {},
               const std::string& method = "GET") {
    Request r;
    r.method = method;
    r.target = target;
    r.headers = std::move(headers);
    if (Status s = ParseTarget(r); !s.ok()) r.target_error = s.message();
    return site_->Handle(r);
  }

  // GetJson fetches an API answer, expects `status` and parses the body
  // (a body that is not JSON parses as "discarded" and fails what follows).
  nlohmann::json GetJson(const std::string& target, int status = 200) {
    Response r = Get(target);
    EXPECT_EQ(r.status, status) << target << ": " << r.body;
    return nlohmann::json::parse(r.body, nullptr, false);
  }

  static std::string Header(const Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return {};
  }

  fs::path dir_;
  Config config_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Site> site_;
};

TEST_F(SiteTest, RootRedirectsByAcceptLanguage) {
  auto r = Get("/", {{"accept-language", "de-DE,ru;q=0.8,en;q=0.5"}});
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(Header(r, "Location"), "/ru/");
  EXPECT_EQ(Header(Get("/", {{"accept-language", "fr"}}), "Location"), "/en/");
  EXPECT_EQ(Header(Get("/"), "Location"), "/en/");
}

TEST_F(SiteTest, FrontPageListsTranslatedHeadlinesAndLabelsTheRest) {
  auto r = Get("/en/");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("CSTO exercises begin"));
  EXPECT_THAT(r.body, Not(HasSubstr("Учения ОДКБ начались")));
  EXPECT_THAT(r.body, HasSubstr("NATO ministers meet"));
  // The untranslated Russian article: original headline, marked as Russian.
  EXPECT_THAT(r.body, HasSubstr("lang=\"ru\">Шойгу выступил в Астане</a> <span class=\"lang-label\""));
}

TEST_F(SiteTest, ArticlePageShowsHeadlineDatelineCreditRightsAndBody) {
  auto r = Get("/ru/articles/1-shoygu-vystupil-v-astane");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstrs({"<h1 class=\"article-headline\">Шойгу выступил в Астане</h1>",
                                  "<p class=\"dateline\">ТАСС, 26 апреля</p>",
                                  "Источник изображения: <span lang=\"ru\">© Sputnik / Болат Шайхинов</span>",
                                  "The material is placed by the copyright holder in the public domain",
                                  "<blockquote><p>Уважаемые коллеги!</p></blockquote>",
                                  "href=\"/en/articles/1-shoygu-vystupil-v-astane\""}));
}

TEST_F(SiteTest, UntranslatedArticleShowsItsOriginalWithALanguageLabel) {
  auto r = Get("/en/articles/1-shoygu-vystupil-v-astane");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("<article class=\"article\" lang=\"ru\">"));
  EXPECT_THAT(r.body, HasSubstr("<span class=\"lang-label\">In Russian, not yet translated</span>"));
}

// Regression: the sidebar's items inherited the page's language label
// (Mustache looks missing keys up in the enclosing context), so an English
// headline in the sidebar of an untranslated Russian article was marked as
// Russian.
TEST_F(SiteTest, SidebarItemsDoNotInheritThePagesLanguageLabel) {
  auto r = Get("/en/articles/1-shoygu-vystupil-v-astane");
  ASSERT_EQ(r.status, 200);
  const size_t sidebar = r.body.find("class=\"sidebar\"");
  ASSERT_NE(sidebar, std::string::npos);
  const std::string side = r.body.substr(sidebar);
  EXPECT_THAT(side, HasSubstr(">NATO ministers meet</a></li>"));
  EXPECT_THAT(side, Not(HasSubstr("lang=\"ru\">NATO ministers meet")));
}

TEST_F(SiteTest, MachineTranslationIsMarkedWithTheOriginalOneClickAway) {
  auto r = Get("/en/articles/2-ucheniya-odkb-nachalis");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("CSTO exercises begin"));
  EXPECT_THAT(r.body, HasSubstr("Machine translation from Russian."));
  EXPECT_THAT(r.body, HasSubstr("href=\"/en/articles/2-ucheniya-odkb-nachalis?original=1\""));
  auto original = Get("/en/articles/2-ucheniya-odkb-nachalis?original=1");
  ASSERT_EQ(original.status, 200);
  EXPECT_THAT(original.body, HasSubstr("Учения ОДКБ начались"));
  EXPECT_THAT(original.body, HasSubstr("Original text in Russian."));
  // Lists say so too, beside the headline; an original gets no tag.
  auto front = Get("/en/");
  EXPECT_THAT(front.body, HasSubstr(">CSTO exercises begin</a> <span class=\"mt-label\" "
                                    "title=\"Machine translation from Russian.\">machine translation</span>"));
  EXPECT_THAT(front.body, HasSubstr(">NATO ministers meet</a>\n"));
}

TEST_F(SiteTest, WrongSlugRedirectsPermanentlyToTheRightOne) {
  auto r = Get("/en/articles/1-old-headline");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(Header(r, "Location"), "/en/articles/1-shoygu-vystupil-v-astane");
  EXPECT_EQ(Header(Get("/en/articles/1"), "Location"), "/en/articles/1-shoygu-vystupil-v-astane");
}

TEST_F(SiteTest, BadIdsAndUnknownRoutesAre404InTheEditionsLanguage) {
  for (const char* t : {"/ru/articles/abc", "/ru/articles/-1", "/ru/articles/999999", "/ru/articles/99999999999999999999",
                        "/ru/nope", "/ru/sources/nobody"}) {
    auto r = Get(t);
    EXPECT_EQ(r.status, 404) << t;
    EXPECT_THAT(r.body, HasSubstr("Страница не найдена")) << t;
  }
  auto en = Get("/xx/");
  EXPECT_EQ(en.status, 404);
  EXPECT_THAT(en.body, HasSubstr("Page not found"));
}

TEST_F(SiteTest, MalformedTargetsAre400) {
  auto r = Get("/en/%ff");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("Bad request"));
  EXPECT_EQ(Get("/en/?cursor=%00").status, 400);
  EXPECT_EQ(Get("/en/?cursor=nonsense").status, 400);
  EXPECT_EQ(Get("/en/?cursor=1.2;DROP TABLE articles").status, 400);
}

TEST_F(SiteTest, SqlMetacharactersInParametersAreHarmless) {
  EXPECT_EQ(Get("/en/sources/x'%20OR%20'1'='1").status, 404);
  EXPECT_EQ(Get("/api/v1/articles?source=x%27%3B--").status, 400);
  EXPECT_EQ(Get("/api/v1/articles?lang=en'--").status, 400);
  EXPECT_EQ(Get("/en/").status, 200);
}

TEST_F(SiteTest, OtherMethodsAre405WithAllow) {
  auto r = Get("/en/", {}, "POST");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(Header(r, "Allow"), "GET, HEAD");
}

TEST_F(SiteTest, MarkupInStoredTextIsEscaped) {
  auto rec = Record("https://wire.example/x", "en", "<script>alert(1)</script> & \"quotes\"", "2024-04-27T10:00:00Z");
  rec.body = {Block{BlockType::kParagraph, "<img src=x onerror=alert(1)>", {}, {}, {}, {}}};
  int64_t id = Add(rec);
  site_->SyncWithStore();
  auto r = Get("/en/articles/" + std::to_string(id) + "-script-alert-1-script-quotes");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, Not(HasSubstr("<script>")));
  EXPECT_THAT(r.body, Not(HasSubstr("<img src=x")));
  EXPECT_THAT(r.body, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
}

// JsonLd parses every JSON-LD block of a page.
std::vector<nlohmann::json> JsonLd(const std::string& body) {
  std::vector<nlohmann::json> out;
  const std::string open = "<script type=\"application/ld+json\">";
  for (size_t at = body.find(open); at != std::string::npos; at = body.find(open, at + 1)) {
    const size_t start = at + open.size();
    out.push_back(nlohmann::json::parse(body.substr(start, body.find("</script>", start) - start), nullptr, false));
  }
  return out;
}

TEST_F(SiteTest, AnArticleDescribesItselfToSearchEnginesAndSocialSites) {
  auto r = Get("/ru/articles/1-shoygu-vystupil-v-astane");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstrs({
      "<link rel=\"canonical\" href=\"https://news.example/ru/articles/1-shoygu-vystupil-v-astane\">",
      "<link rel=\"alternate\" hreflang=\"ru\" href=\"https://news.example/ru/articles/1-shoygu-vystupil-v-astane\">",
      "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://news.example/ru/articles/1-shoygu-vystupil-v-astane\">",
      "<meta name=\"robots\" content=\"max-image-preview:large\">",
      "<meta name=\"twitter:card\" content=\"summary_large_image\">",
      "<meta property=\"og:type\" content=\"article\">",
      "<meta property=\"og:title\" content=\"Шойгу выступил в Астане\">",
      "<meta property=\"og:locale\" content=\"ru_RU\">",
      "<meta property=\"og:image\" content=\"https://tass.example/1.jpg\">",
      "<meta property=\"article:published_time\" content=\"2024-04-26T09:40:00Z\">"}));
  EXPECT_THAT(r.body, Not(HasSubstr("<link rel=\"alternate\" hreflang=\"en\"")))
      << "the English edition does not carry it: untranslated";
  auto ld = JsonLd(r.body);
  ASSERT_EQ(ld.size(), 1u);
  const auto& a = ld[0];
  EXPECT_EQ(a["@type"], "NewsArticle");
  EXPECT_EQ(a["headline"], "Шойгу выступил в Астане");
  EXPECT_EQ(a["datePublished"], "2024-04-26T09:40:00Z");
  EXPECT_TRUE(a.contains("dateModified"));
  EXPECT_EQ(a["author"]["name"], "ТАСС");
  EXPECT_EQ(a["author"]["url"], "https://tass.example/");
  EXPECT_EQ(a["publisher"]["url"], "https://news.example/");
  EXPECT_EQ(a["image"]["creditText"], "© Sputnik / Болат Шайхинов");
  EXPECT_EQ(a["inLanguage"], "ru");
  EXPECT_EQ(a["isBasedOn"], "https://tass.example/1");
  EXPECT_FALSE(a.contains("translationOfWork"));
  EXPECT_FALSE(a.contains("correction"));
}

TEST_F(SiteTest, AMachineTranslationSaysWhatItTranslatesAndIsNotIndexedUntilReviewed) {
  auto r = Get("/en/articles/2-ucheniya-odkb-nachalis");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstrs({
      "<link rel=\"canonical\" href=\"https://news.example/en/articles/2-ucheniya-odkb-nachalis\">",
      "<link rel=\"alternate\" hreflang=\"ru\" href=\"https://news.example/ru/articles/2-ucheniya-odkb-nachalis\">",
      "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://news.example/ru/articles/2-ucheniya-odkb-nachalis\">",
      "<meta name=\"robots\" content=\"noindex, max-image-preview:large\">",
      "<meta property=\"og:locale:alternate\" content=\"ru_RU\">"}));
  auto ld = JsonLd(r.body);
  ASSERT_EQ(ld.size(), 1u);
  EXPECT_EQ(ld[0]["inLanguage"], "en");
  EXPECT_EQ(ld[0]["headline"], "CSTO exercises begin");
  EXPECT_EQ(ld[0]["translationOfWork"]["url"], "https://news.example/ru/articles/2-ucheniya-odkb-nachalis");
  EXPECT_EQ(ld[0]["translationOfWork"]["inLanguage"], "ru");
  EXPECT_EQ(ld[0]["translator"]["@type"], "SoftwareApplication");

  // A human translation is indexed, translated by the site.
  ASSERT_TRUE(store_->PutTranslation(2, Translation{"en", "CSTO drills begin", "TASS, April 25th",
                                                    {Block{BlockType::kParagraph, "The drills began.", {}, {}, {}, {}}},
                                                    TranslatedBy::kHuman}).ok());
  site_->SyncWithStore();
  auto human = Get("/en/articles/2-ucheniya-odkb-nachalis");
  EXPECT_THAT(human.body, HasSubstr("<meta name=\"robots\" content=\"max-image-preview:large\">"));
  auto hld = JsonLd(human.body);
  ASSERT_EQ(hld.size(), 1u);
  EXPECT_EQ(hld[0]["translator"]["@type"], "Organization");
  EXPECT_EQ(hld[0]["translationOfWork"]["url"], "https://news.example/ru/articles/2-ucheniya-odkb-nachalis");
}

TEST_F(SiteTest, TheFrontPageNamesTheSiteAndItsSearch) {
  auto r = Get("/en/");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstrs({"<link rel=\"canonical\" href=\"https://news.example/en/\">",
                                  "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://news.example/en/\">"}));
  auto ld = JsonLd(r.body);
  ASSERT_EQ(ld.size(), 2u);
  EXPECT_EQ(ld[0]["@type"], "NewsMediaOrganization");
  EXPECT_EQ(ld[1]["@type"], "WebSite");
  EXPECT_EQ(ld[1]["potentialAction"]["target"]["urlTemplate"], "https://news.example/en/search?q={search_term_string}");
}

TEST_F(SiteTest, HostileTextCannotLeaveTheJsonLdScript) {
  auto rec = Record("https://wire.example/y", "en", "</script><script>alert(1)</script> <!--", "2024-04-27T10:00:00Z");
  int64_t id = Add(rec);
  site_->SyncWithStore();
  auto r = Get("/en/articles/" + std::to_string(id) + "-script-script-alert-1-script");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(r.body, Not(HasSubstr("<!--")));
  auto ld = JsonLd(r.body);
  ASSERT_EQ(ld.size(), 1u);
  EXPECT_EQ(ld[0]["headline"], "</script><script>alert(1)</script> <!--") << "the text survives, escaped";
}

TEST_F(SiteTest, CachedPagesAreReplacedWhenTheStoreChanges) {
  auto before = Get("/en/");
  ASSERT_EQ(before.status, 200);
  EXPECT_EQ(Get("/en/").body, before.body);  // served from the cache
  Add(Record("https://wire.example/new", "en", "Fresh headline", "2024-04-28T10:00:00Z"));
  EXPECT_THAT(Get("/en/").body, Not(HasSubstr("Fresh headline")));  // not yet observed
  site_->SyncWithStore();
  EXPECT_THAT(Get("/en/").body, HasSubstr("Fresh headline"));
  auto metrics = Get("/metrics").body;
  EXPECT_THAT(metrics, HasSubstr("newsdesk_page_cache_hits_total"));
  EXPECT_THAT(metrics, Not(HasSubstr("newsdesk_page_cache_hits_total 0\n")));
}

TEST_F(SiteTest, CursorPaginationWalksTheWholeList) {
  std::vector<ArticleRecord> records;
  for (int i = 0; i < 65; ++i) {
    const std::string n = std::to_string(i);
    records.push_back(Record("https://wire.example/p" + n, "en", "Paged " + n, "2023-01-01T00:00:00Z"));
    // Distinct texts: identical ones would rightly fold into one story.
    records.back().body = {Block{BlockType::kParagraph, "alpha" + n + " beta" + n + " gamma" + n + " delta" + n,
                                 {}, {}, {}, {}}};
  }
  ASSERT_TRUE(store_->UpsertArticles(records).ok());
  site_->SyncWithStore();
  std::string target = "/en/";
  int pages = 0, items = 0;
  while (!target.empty() && pages < 10) {
    auto r = Get(target);
    ASSERT_EQ(r.status, 200);
    ++pages;
    for (size_t p = r.body.find("class=\"article-item\""); p != std::string::npos;
         p = r.body.find("class=\"article-item\"", p + 1))
      ++items;
    size_t next = r.body.find("rel=\"next\" href=\"");
    target.clear();
    if (next != std::string::npos) {
      size_t start = next + 17;
      target = r.body.substr(start, r.body.find('"', start) - start);
    }
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(items, 68);
}

TEST_F(SiteTest, FeedIsRss2WithLabelsForUntranslatedItems) {
  auto r = Get("/en/feed.xml");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/rss+xml; charset=utf-8");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(r.body.c_str()));
  auto channel = doc.child("rss").child("channel");
  ASSERT_TRUE(channel);
  EXPECT_STREQ(channel.child_value("language"), "en");
  std::vector<std::string> titles;
  for (auto item : channel.children("item")) titles.push_back(item.child_value("title"));
  EXPECT_THAT(titles, ::testing::ElementsAre("[RU] Шойгу выступил в Астане", "CSTO exercises begin",
                                             "NATO ministers meet"));
  EXPECT_STREQ(channel.child("item").child_value("link"), "https://news.example/en/articles/1-shoygu-vystupil-v-astane");
}

// Issue 18: the API answered a target it could not decode with the HTML
// error page; a JSON client gets JSON.
TEST_F(SiteTest, ApiAnswersAnUndecodableTargetInJson) {
  for (const char* target : {"/api/v1/search?q=%FF%FE", "/api/v1/articles/%C3%28", "/api/v1/articles?cursor=%zz"}) {
    Response r = Get(target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_THAT(r.content_type, HasSubstr("application/json")) << target;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_FALSE(j["error"].get<std::string>().empty());
  }
  EXPECT_THAT(Get("/en/search?q=%FF").content_type, HasSubstr("text/html")) << "pages keep their HTML page";
}

TEST_F(SiteTest, ApiListsAndShowsArticles) {
  auto j = GetJson("/api/v1/articles?lang=ru&limit=1");
  ASSERT_EQ(j["articles"].size(), 1u);
  EXPECT_EQ(j["articles"][0]["headline"], "Шойгу выступил в Астане");
  ASSERT_TRUE(j["next_cursor"].is_string());
  auto next = GetJson("/api/v1/articles?lang=ru&limit=1&cursor=" + j["next_cursor"].get<std::string>());
  EXPECT_EQ(next["articles"][0]["headline"], "Учения ОДКБ начались");

  auto a = GetJson("/api/v1/articles/2");
  EXPECT_EQ(a["image"]["credit"], "© Sputnik / Болат Шайхинов");
  EXPECT_EQ(a["translations"][0]["language"], "en");
  EXPECT_EQ(a["translations"][0]["by"], "machine");
  EXPECT_EQ(a["body"][1]["type"], "quote");

  EXPECT_EQ(Get("/api/v1/articles/abc").status, 404);
  EXPECT_EQ(Get("/api/v1/articles?limit=0").status, 400);
  EXPECT_EQ(GetJson("/api/v1/articles?cursor=zz", 400)["error"], "malformed cursor");
}

TEST_F(SiteTest, AStoryIsShownOnceWithItsOtherReports) {
  const std::string text =
      "The defence ministers of the member states met in Astana on Friday to discuss regional security, joint "
      "exercises and the situation in Afghanistan, and agreed to expand military contacts over the coming year.";
  auto first = Record("https://wire.example/s1", "en", "Ministers meet in Astana", "2024-04-27T10:00:00Z");
  first.body = {Block{BlockType::kParagraph, text, {}, {}, {}, {}}};
  auto second = Record("https://tass.example/s2", "en", "Ministers meet in Astana, agree on contacts",
                       "2024-04-27T11:00:00Z");
  second.source = Source{0, "", "ТАСС", "https://tass.example/", "RU", "ru"};
  second.body = {Block{BlockType::kParagraph, "TASS: " + text, {}, {}, {}, {}}};
  int64_t a = Add(first);
  int64_t b = Add(second);
  site_->SyncWithStore();
  auto front = Get("/en/").body;
  EXPECT_THAT(front, HasSubstr("Ministers meet in Astana, agree on contacts"));
  EXPECT_THAT(front, Not(HasSubstr(">Ministers meet in Astana</a>")));
  auto page = Get("/en/articles/" + std::to_string(b) + "-ministers-meet-in-astana-agree-on-contacts");
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("Also reported by <a href=\"/en/articles/" + std::to_string(a) +
                                   "-ministers-meet-in-astana\">Wire</a>"));
}

TEST_F(SiteTest, ApiListsSourcesWithTheirFetchStatus) {
  auto j = GetJson("/api/v1/sources");
  ASSERT_EQ(j["sources"].size(), 2u);
  EXPECT_EQ(j["sources"][1]["name"], "ТАСС");
  EXPECT_EQ(j["sources"][1]["articles"], 2);
  EXPECT_TRUE(j["sources"][1]["feed_url"].is_null());
}

class SiteMentionsTest : public SiteTest {
 protected:
  void SetUp() override {
    SiteTest::SetUp();
    gazetteer_ = *Gazetteer::LoadBuiltIn();
    Tagger tagger(gazetteer_);
    auto r = Record("https://wire.example/m1", "en", "NATO and Russia talk in Astana", "2024-04-27T10:00:00Z");
    r.body = {Block{BlockType::kParagraph, "Russia told NATO in Astana that Russia would respond.", {}, {}, {}, {}}};
    TagRecord(tagger, r);
    id_ = Add(r);
    auto site = Site::Create(*store_, config_, gazetteer_);
    ASSERT_TRUE(site.ok());
    site_ = std::move(*site);
  }
  std::shared_ptr<const Gazetteer> gazetteer_;
  int64_t id_ = 0;
};

TEST_F(SiteMentionsTest, ArticlesListTheirMentionsInTheEditionsNames) {
  auto r = Get("/ru/articles/" + std::to_string(id_) + "-nato-and-russia-talk-in-astana");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("Новость упоминает"));
  // Russia is named most often, so it comes first.
  const size_t russia = r.body.find(">Россия</a>");
  const size_t nato = r.body.find(">НАТО</a>");
  ASSERT_NE(russia, std::string::npos);
  ASSERT_NE(nato, std::string::npos);
  EXPECT_LT(russia, nato);
  EXPECT_THAT(r.body, HasSubstr("href=\"/ru/mentions/russia\""));
}

TEST_F(SiteMentionsTest, EntityPagesListArticlesWithAChartAndCoMentions) {
  auto r = Get("/en/mentions/russia");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstrs({"<h1 class=\"page-title\">Russia</h1>", "NATO and Russia talk in Astana",
                                  "<svg class=\"chart\"", "Mentioned with", "href=\"/en/mentions/nato\""}));
  EXPECT_EQ(Get("/en/mentions/no-such-entity").status, 404);
  EXPECT_EQ(Get("/en/mentions/").status, 200);
}

TEST_F(SiteMentionsTest, ApiGivesEntitiesWithDailyCounts) {
  auto j = GetJson("/api/v1/entities/russia");
  EXPECT_EQ(j["name"]["en"], "Russia");
  EXPECT_EQ(j["type"], "country");
  EXPECT_TRUE(j["co_mentioned"].is_array());
  EXPECT_EQ(Get("/api/v1/entities/nobody").status, 404);
}

TEST_F(SiteTest, HealthAndStaticFiles) {
  EXPECT_EQ(Get("/healthz").status, 200);
  auto css = Get("/static/site.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Get("/static/demo/ship.svg").content_type, "image/svg+xml");
  EXPECT_EQ(Get("/static/..%2Fsrc%2Fmain.cc").status, 404);
  EXPECT_EQ(Get("/static/nope.css").status, 404);
}

// Issue 18, finding 5: images only from the site (and configured hosts):
// a remote lead image is shown through the site's image proxy.
TEST_F(SiteTest, RemoteImagesGoThroughTheImageProxyAndTheCspAllowsNoOtherHost) {
  auto r = Get("/en/articles/1-shoygu-vystupil-v-astane");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("src=\"/images/"));
  EXPECT_THAT(r.body, HasSubstr("?u=https%3A%2F%2Ftass.example%2F1.jpg"));
  EXPECT_THAT(r.body, Not(HasSubstr("src=\"https://tass.example/1.jpg\"")));
  const std::string csp = Header(r, "Content-Security-Policy");
  EXPECT_THAT(csp, HasSubstr("img-src 'self' data:;"));
  EXPECT_THAT(csp, Not(HasSubstr("https:")));
  EXPECT_THAT(Get("/en/feed.xml").body, HasSubstr("https://tass.example/1.jpg")) << "feeds keep the address";
  EXPECT_EQ(Get("/images/forged?u=https%3A%2F%2Ftass.example%2F1.jpg").status, 404);
}

TEST_F(SiteTest, ReadyzAsksTheStoreWhenNoPartReports) {
  auto j = GetJson("/readyz");
  EXPECT_EQ(j["ready"], true);
  ASSERT_EQ(j["components"].size(), 1u);
  EXPECT_EQ(j["components"][0]["name"], "store");
  EXPECT_EQ(j["components"][0]["up"], true);
}

TEST_F(SiteTest, ReadyzAndTheGaugeFollowEachPartAndGiveReasonsOnlyToThisMachine) {
  Health health;
  health.Register("store");
  health.Register("search");
  site_->AttachHealth(&health);
  EXPECT_EQ(GetJson("/readyz")["ready"], true);
  EXPECT_THAT(Get("/metrics").body, HasSubstr("newsdesk_component_up{component=\"search\"} 1"));

  health.Down("search", Status::IOError("search index: commit: No space left on device"));
  auto ask = [&](const std::string& from) {
    Request r;
    r.method = "GET";
    r.target = "/readyz";
    r.remote_address = from;
    EXPECT_TRUE(ParseTarget(r).ok());
    return site_->Handle(r);
  };
  Response local = ask("127.0.0.1");
  EXPECT_EQ(local.status, 503);
  EXPECT_THAT(Header(local, "Cache-Control"), HasSubstr("no-store"));
  auto j = nlohmann::json::parse(local.body);
  EXPECT_EQ(j["ready"], false);
  bool seen = false;
  for (const auto& part : j["components"]) {
    if (part["name"] != "search") continue;
    seen = true;
    EXPECT_EQ(part["up"], false);
    EXPECT_EQ(part["failures"], 1);
    EXPECT_THAT(part["error"].get<std::string>(), HasSubstr("No space left"));
  }
  EXPECT_TRUE(seen);
  Response remote = ask("203.0.113.9");
  EXPECT_EQ(remote.status, 503);
  EXPECT_THAT(remote.body, Not(HasSubstr("No space left"))) << "internal reasons stay on this machine";
  EXPECT_THAT(Get("/metrics").body, HasSubstr("newsdesk_component_up{component=\"search\"} 0"));

  health.Up("search");
  EXPECT_EQ(ask("127.0.0.1").status, 200) << "answered now, never from the page cache";
  site_->AttachHealth(nullptr);
}

TEST_F(SiteTest, HtmlResponsesCarrySecurityHeaders) {
  auto r = Get("/en/");
  EXPECT_THAT(Header(r, "Content-Security-Policy"), HasSubstr("default-src 'none'"));
  EXPECT_EQ(Header(r, "X-Content-Type-Options"), "nosniff");
}

// --- search ------------------------------------------------------------------

class SiteSearchTest : public SiteTest {
 protected:
  void SetUp() override {
    SiteTest::SetUp();
    auto index = SearchIndex::Open((dir_ / "search").string());
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = std::move(*index);
    IndexFollower follower(*store_, *index_);
    ASSERT_TRUE(follower.CatchUp().ok());
    site_->AttachSearch(index_.get());
  }
  void TearDown() override {
    site_.reset();
    index_.reset();
    SiteTest::TearDown();
  }
  std::unique_ptr<SearchIndex> index_;
};

TEST_F(SiteSearchTest, EveryPageHasASearchBox) {
  EXPECT_THAT(Get("/en/").body, HasSubstr("action=\"/en/search\""));
  EXPECT_THAT(Get("/ru/").body, HasSubstr("action=\"/ru/search\""));
}

TEST_F(SiteSearchTest, FindsWordFormsAndLabelsUntranslatedHits) {
  Response r = Get("/en/search?q=%D0%90%D1%81%D1%82%D0%B0%D0%BD%D0%B0");  // "Астана" finds "Астане"
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("Шойгу выступил в Астане"));
  EXPECT_THAT(r.body, HasSubstr("<h2>Sources</h2>")) << "facets";
  EXPECT_THAT(r.body, HasSubstr("href=\"/en/search?q=%D0%90%D1%81%D1%82%D0%B0%D0%BD%D0%B0&amp;source=tass\""));
  EXPECT_THAT(r.body, HasSubstr("class=\"lang-label\"")) << "a Russian original in the English edition is labelled";
  EXPECT_THAT(r.body, HasSubstr("Found: 1"));
}

TEST_F(SiteSearchTest, ATranslationIsFoundByItsWordsAndShownInTheEdition) {
  Response r = Get("/en/search?q=exercise");
  EXPECT_THAT(r.body, HasSubstr("CSTO exercises begin"));
  EXPECT_THAT(r.body, HasSubstr("<mark>exercises</mark>"));
}

TEST_F(SiteSearchTest, FacetsAndFiltersNarrowTheResults) {
  Response only_en = Get("/en/search?q=ministers&lang=en");
  EXPECT_THAT(only_en.body, HasSubstr("NATO ministers meet"));
  EXPECT_THAT(only_en.body, HasSubstr("Language: English"));
  Response none = Get("/en/search?q=ministers&lang=ru");
  EXPECT_THAT(none.body, HasSubstr("Nothing found"));
}

// The search module writes its notices in English; the page shows them, and
// its filter labels, in the edition's language.
TEST_F(SiteSearchTest, NoticesAndFilterLabelsAreInTheEditionsLanguage) {
  EXPECT_THAT(Get("/en/search?q=%2C%2C").body, HasSubstr("Type one or more words to search for."));
  Response r = Get("/ru/search?q=%2C%2C");
  EXPECT_THAT(r.body, HasSubstr("Введите одно или несколько слов для поиска."));
  EXPECT_THAT(r.body, Not(HasSubstr("Type one or more words")));
  EXPECT_THAT(Get("/ru/search?q=ministers&lang=en").body, HasSubstr("Язык: английский"));
}

TEST_F(SiteSearchTest, BadInputGetsResultsOrAMessageNeverA500) {
  const std::string long_query(10000, 'a');
  for (const std::string& target : std::vector<std::string>{"/en/search?q=%22unbalanced", "/en/search?q=the%20of%20and", "/en/search?q=%01%02%03",
        "/en/search?q=foo:bar", "/en/search?q=nato&from=yesterday", "/en/search?q=nato&page=-4",
        "/en/search?q=%EF%BF%BF%E2%80%AE", std::string("/en/search?q=") + long_query, "/en/search"}) {
    Response r = Get(target);
    EXPECT_EQ(r.status, 200) << target.substr(0, 60);
  }
  EXPECT_THAT(Get("/en/search?q=nato&from=yesterday").body, HasSubstr("Ignored from=yesterday"));
  EXPECT_THAT(Get("/en/search?q=%3Cscript%3E").body, Not(HasSubstr("<script>")));
}

TEST_F(SiteSearchTest, ApiAnswersJson) {
  auto j = GetJson("/api/v1/search?q=%D0%90%D1%81%D1%82%D0%B0%D0%BD%D0%B0&ed=ru");
  EXPECT_EQ(j["total"], 1);
  ASSERT_EQ(j["results"].size(), 1u);
  EXPECT_EQ(j["results"][0]["headline"], "Шойгу выступил в Астане");
  EXPECT_THAT(j["results"][0]["url"].get<std::string>(), HasSubstr("https://news.example/ru/articles/"));
  EXPECT_TRUE(j.contains("suggestion"));
  EXPECT_EQ(Get("/api/v1/search?q=x&from=2024-13-45").status, 400);
}

TEST_F(SiteTest, SearchWithoutAnIndexSaysItIsUnavailable) {
  Response r = Get("/en/search?q=nato");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("Search is unavailable"));
  EXPECT_EQ(Get("/api/v1/search?q=nato").status, 503);
}

}  // namespace
}  // namespace newsdesk
