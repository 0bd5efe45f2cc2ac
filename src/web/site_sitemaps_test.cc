// robots.txt and the sitemaps (issue 17, part 1) over real HTTP, on both
// backends: the index, a month with its alternates, a month split past the
// limit, the Google News sitemap's 48 hours and 1,000 articles, held and
// deleted articles kept out; every sitemap validated by xmllint against
// the schemas in tests/sitemaps/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <pugixml.hpp>

#include <cstdio>
#include <fstream>
#include <set>

#include "common/time.h"
#include "web/test_client.h"
#include "web/testing/served_site_test.h"

namespace newsdesk {
namespace {

using testing::RawResponse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAreArray;

TimePoint Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

TimePoint At(int year, unsigned month, unsigned day, int hour = 12) {
  return TimePoint{std::chrono::sys_days{std::chrono::year{year} / std::chrono::month{month} / day}} +
         std::chrono::hours(hour);
}

// W3c is how the site writes `t` at UTC offset 0 (W3C's "Z").
std::string W3c(TimePoint t) { return FormatIso8601(t, 0); }

const std::string kSchemas = std::string(ND_SOURCE_DIR) + "/tests/sitemaps/";

class SitemapsTest : public testing::ServedSiteTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore("nd_sitemaps", "http://news.example"));
    config_.site_name = "Test Gazette";
  }

  // Add stores an article of `language` published at `at` (with its
  // translation into `translated`'s language, when given); its id.
  int64_t Add(const std::string& path, const std::string& headline, const std::string& language, TimePoint at,
              std::optional<Translation> translated = std::nullopt) {
    ArticleRecord r;
    r.url = "https://wire.example/" + path;
    r.source = Source{0, "", "Wire", "https://wire.example/", "", "en"};
    r.language = language;
    r.headline = headline;
    r.published_at = at;
    r.body = {Block{BlockType::kParagraph, "Text of " + headline + ".", {}, {}, {}, {}}};
    if (translated) r.translations.push_back(*translated);
    auto stored = store_->UpsertArticles({r});
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() ? stored->ids.front() : 0;
  }
  static Translation Into(const std::string& language, const std::string& headline) {
    Translation t;
    t.language = language;
    t.headline = headline;
    t.body = {Block{BlockType::kParagraph, "Текст.", {}, {}, {}, {}}};
    t.by = TranslatedBy::kHuman;
    return t;
  }

  RawResponse Fetch(const std::string& target) { return testing::Get(port(), target); }

  // Xml fetches `target`, expects a 200 XML answer and parses it into `doc`.
  void Xml(const std::string& target, pugi::xml_document& doc) {
    RawResponse r = Fetch(target);
    ASSERT_EQ(r.status, 200) << target << "\n" << r.body;
    EXPECT_THAT(r.headers["content-type"], HasSubstr("application/xml"));
    ASSERT_TRUE(doc.load_string(r.body.c_str())) << r.body;
    last_body_ = r.body;
  }

  // Valid runs xmllint on what Xml fetched last: "" when it validates
  // against `schema` (in tests/sitemaps/), else xmllint's complaint.
  std::string Valid(const std::string& schema) {
    const std::string file = (dir_ / "sitemap.xml").string();
    std::ofstream(file) << last_body_;
    const std::string command =
        fmt::format("xmllint --nonet --noout --schema '{}{}' '{}' 2>&1", kSchemas, schema, file);
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    if (!p) return "cannot run xmllint";
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int rc = pclose(p);
    return rc == 0 ? "" : out;
  }

  // Locs lists the <loc> of each <url> (or <sitemap>) of `doc`.
  static std::vector<std::string> Locs(const pugi::xml_document& doc, const char* item) {
    std::vector<std::string> locs;
    for (auto n : doc.document_element().children(item)) locs.push_back(n.child_value("loc"));
    return locs;
  }
  static pugi::xml_node UrlOf(const pugi::xml_document& doc, const std::string& loc) {
    for (auto n : doc.document_element().children("url"))
      if (loc == n.child_value("loc")) return n;
    return {};
  }
  // Alternates maps hreflang to href for a <url>.
  static std::map<std::string, std::string> Alternates(pugi::xml_node url) {
    std::map<std::string, std::string> out;
    for (auto l : url.children("xhtml:link")) {
      EXPECT_STREQ(l.attribute("rel").value(), "alternate");
      out[l.attribute("hreflang").value()] = l.attribute("href").value();
    }
    return out;
  }
  static std::string Href(const std::string& ed, int64_t id, const std::string& slug) {
    return fmt::format("http://news.example/{}/articles/{}-{}", ed, id, slug);
  }

  std::string last_body_;
};

TEST_F(SitemapsTest, RobotsTxtAllowsThePublicSiteKeepsOutAccountsDeskAndApiAndNamesTheIndex) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  RawResponse r = Fetch("/robots.txt");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.headers["content-type"], HasSubstr("text/plain"));
  for (const char* line : {"User-agent: *\n", "Allow: /\n", "Disallow: /desk\n", "Disallow: /api/\n",
                           "Disallow: /en/account\n", "Disallow: /ru/account\n", "Disallow: /en/moderation\n",
                           "Disallow: /ru/subscriptions\n", "Disallow: /en/comments/\n",
                           "Sitemap: http://news.example/sitemap.xml\n"})
    EXPECT_THAT(r.body, HasSubstr(line));
  EXPECT_THAT(r.body, Not(HasSubstr("/articles")));
  EXPECT_THAT(r.body, Not(HasSubstr("/sources")));
}

TEST_F(SitemapsTest, IndexNamesEachEditionsMonthsWithTheLastChangeAndTheNewsSitemaps) {
  const int64_t a = Add("a", "Frigate launched", "en", At(2025, 3, 10), Into("ru", "Фрегат спущен на воду"));
  const int64_t b = Add("b", "Harbour reopens", "en", At(2025, 3, 20));
  Add("c", "Storm warning", "en", At(2025, 5, 2));
  // An editor's change moves its month's lastmod to the time of the edit.
  const TimePoint edited = Now() + std::chrono::hours(30);
  ArticleEdit edit;
  edit.article_id = b;
  edit.content = ContentOf(*store_->GetArticle(b));
  edit.content.headline = "Harbour reopens at last";
  edit.actor = "user:1";
  edit.at = edited;
  ASSERT_TRUE(store_->SaveArticleEdit(edit).ok());
  ASSERT_NO_FATAL_FAILURE(Serve());

  pugi::xml_document doc;
  ASSERT_NO_FATAL_FAILURE(Xml("/sitemap.xml", doc));
  EXPECT_STREQ(doc.document_element().name(), "sitemapindex");
  std::vector<std::string> locs = Locs(doc, "sitemap");
  for (const char* ed : {"en", "ru"}) {
    const std::string base = fmt::format("http://news.example/sitemaps/{}/", ed);
    EXPECT_THAT(locs, ::testing::Contains(base + "2025-03.xml"));
    EXPECT_THAT(locs, ::testing::Contains(base + "news.xml"));
    EXPECT_THAT(locs, Not(::testing::Contains(base + "2025-04.xml")));  // a month without articles
  }
  EXPECT_THAT(locs, ::testing::Contains("http://news.example/sitemaps/en/2025-05.xml"));
  EXPECT_THAT(locs, Not(::testing::Contains("http://news.example/sitemaps/ru/2025-05.xml")));
  std::map<std::string, std::string> lastmod;
  for (auto s : doc.document_element().children("sitemap")) lastmod[s.child_value("loc")] = s.child_value("lastmod");
  EXPECT_EQ(lastmod["http://news.example/sitemaps/en/2025-03.xml"], W3c(edited));
  // The Russian edition offers only the article translated into Russian:
  // the edited one is not its, and May has nothing in Russian.
  EXPECT_NE(lastmod["http://news.example/sitemaps/ru/2025-03.xml"], W3c(edited));
  EXPECT_FALSE(lastmod["http://news.example/sitemaps/ru/2025-03.xml"].empty());
  EXPECT_EQ(lastmod["http://news.example/sitemaps/en/news.xml"], "");
  EXPECT_EQ(Valid("siteindex.xsd"), "");

  // The month's file gives the edit's time to that article alone.
  ASSERT_NO_FATAL_FAILURE(Xml("/sitemaps/en/2025-03.xml", doc));
  auto slug_b = store_->GetArticle(b)->slug;
  EXPECT_STREQ(UrlOf(doc, Href("en", b, slug_b)).child_value("lastmod"), W3c(edited).c_str());
  auto slug_a = store_->GetArticle(a)->slug;
  EXPECT_STRNE(UrlOf(doc, Href("en", a, slug_a)).child_value("lastmod"), W3c(edited).c_str());
}

// An edition's sitemap offers what its pages let search engines index: the
// articles written in its language or translated into it, without unreviewed
// machine translations (their pages say noindex), each with the alternates
// its page lists.
TEST_F(SitemapsTest, MonthSitemapListsTheArticlesAnEditionOffersWithTheAlternatesTheirPagesList) {
  const int64_t en = Add("a", "Frigate launched", "en", At(2025, 3, 10), Into("ru", "Фрегат спущен на воду"));
  Translation machine = Into("en", "Navigation is open");
  machine.by = TranslatedBy::kMachine;
  const int64_t ru_machine = Add("r", "Навигация открыта", "ru", At(2025, 3, 11), machine);
  machine.headline = "The port is closed";
  const int64_t ru_reviewed = Add("p", "Порт закрыт", "ru", At(2025, 3, 11, 13), machine);
  auto listing = store_->GetTranslationListing(ru_reviewed, "en");
  ASSERT_TRUE(listing.ok()) << listing.status().ToString();
  ASSERT_TRUE(store_->MarkTranslationReviewed(ru_reviewed, "en", listing->updated_at, Now()).ok());
  const int64_t de = Add("d", "Hafen offen", "de", At(2025, 3, 12));
  const int64_t ru_only = Add("n", "Учения завершены", "ru", At(2025, 3, 12, 14));
  const int64_t held = Add("h", "Held story", "en", At(2025, 3, 13));
  const int64_t deleted = Add("x", "Deleted story", "en", At(2025, 3, 14));
  const int64_t other_month = Add("o", "April story", "en", At(2025, 4, 1));
  ASSERT_TRUE(store_->SetPublication(held, Publication::kHeld, std::nullopt).ok());
  ASSERT_TRUE(store_->DeleteArticle(deleted).ok());
  ASSERT_NO_FATAL_FAILURE(Serve());
  auto slug = [&](int64_t id) { return store_->GetArticleInAnyState(id)->slug; };

  pugi::xml_document doc;
  ASSERT_NO_FATAL_FAILURE(Xml("/sitemaps/en/2025-03.xml", doc));
  EXPECT_STREQ(doc.document_element().name(), "urlset");
  EXPECT_THAT(Locs(doc, "url"), ElementsAre(Href("en", en, slug(en)), Href("en", ru_reviewed, slug(ru_reviewed))));
  for (int64_t kept_out : {ru_machine, de, ru_only, held, deleted, other_month})
    EXPECT_THAT(last_body_, Not(HasSubstr(fmt::format("/articles/{}-", kept_out))));
  EXPECT_EQ(Alternates(UrlOf(doc, Href("en", en, slug(en)))),
            (std::map<std::string, std::string>{{"en", Href("en", en, slug(en))},
                                                {"ru", Href("ru", en, slug(en))},
                                                {"x-default", Href("en", en, slug(en))}}));
  // x-default is the original's edition.
  EXPECT_EQ(Alternates(UrlOf(doc, Href("en", ru_reviewed, slug(ru_reviewed)))),
            (std::map<std::string, std::string>{{"en", Href("en", ru_reviewed, slug(ru_reviewed))},
                                                {"ru", Href("ru", ru_reviewed, slug(ru_reviewed))},
                                                {"x-default", Href("ru", ru_reviewed, slug(ru_reviewed))}}));
  EXPECT_FALSE(std::string(UrlOf(doc, Href("en", en, slug(en))).child_value("lastmod")).empty());
  EXPECT_EQ(Valid("urlset.xsd"), "");

  // The Russian edition lists its own addresses; the unreviewed machine
  // translation is no alternate of its original.
  ASSERT_NO_FATAL_FAILURE(Xml("/sitemaps/ru/2025-03.xml", doc));
  EXPECT_THAT(Locs(doc, "url"), ElementsAre(Href("ru", en, slug(en)), Href("ru", ru_machine, slug(ru_machine)),
                                            Href("ru", ru_reviewed, slug(ru_reviewed)), Href("ru", ru_only, slug(ru_only))));
  EXPECT_EQ(Alternates(UrlOf(doc, Href("ru", en, slug(en))))["en"], Href("en", en, slug(en)));
  EXPECT_EQ(Alternates(UrlOf(doc, Href("ru", ru_machine, slug(ru_machine)))),
            (std::map<std::string, std::string>{{"ru", Href("ru", ru_machine, slug(ru_machine))},
                                                {"x-default", Href("ru", ru_machine, slug(ru_machine))}}));
  EXPECT_EQ(Valid("urlset.xsd"), "");

  // The article pages say the same: the unreviewed machine translation's
  // page is noindex and no alternate; the reviewed one's is both.
  RawResponse page = Fetch(fmt::format("/ru/articles/{}-{}", ru_machine, slug(ru_machine)));
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, Not(HasSubstr("rel=\"alternate\" hreflang=\"en\"")));
  page = Fetch(fmt::format("/en/articles/{}-{}", ru_machine, slug(ru_machine)));
  EXPECT_THAT(page.body, HasSubstr("noindex"));
  page = Fetch(fmt::format("/ru/articles/{}-{}", ru_reviewed, slug(ru_reviewed)));
  EXPECT_THAT(page.body, HasSubstr(fmt::format("hreflang=\"en\" href=\"{}\"", Href("en", ru_reviewed, slug(ru_reviewed)))));
  // A page showing an original untranslated, under a label, repeats the
  // original's edition's page: that one is canonical.
  page = Fetch(fmt::format("/en/articles/{}-{}", ru_only, slug(ru_only)));
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr(fmt::format("rel=\"canonical\" href=\"{}\"", Href("ru", ru_only, slug(ru_only)))));
  // One in a language the site has no edition for has no other page.
  page = Fetch(fmt::format("/en/articles/{}-{}", de, slug(de)));
  EXPECT_THAT(page.body, HasSubstr(fmt::format("rel=\"canonical\" href=\"{}\"", Href("en", de, slug(de)))));

  // With the switch off, every machine translation is offered.
  config_.noindex_machine_translations = false;
  ASSERT_NO_FATAL_FAILURE(Serve());
  ASSERT_NO_FATAL_FAILURE(Xml("/sitemaps/en/2025-03.xml", doc));
  EXPECT_THAT(Locs(doc, "url"), ::testing::Contains(Href("en", ru_machine, slug(ru_machine))));

  // Names the index would not give are not found.
  for (const char* bad : {"/sitemaps/en/2025-02.xml", "/sitemaps/en/2025-03-1.xml", "/sitemaps/en/2025-3.xml",
                          "/sitemaps/en/2025-13.xml", "/sitemaps/en/march.xml", "/sitemaps/fr/2025-03.xml"})
    EXPECT_EQ(Fetch(bad).status, 404) << bad;
}

TEST_F(SitemapsTest, MonthPastTheLimitIsSplitIntoNumberedFilesAllNamedInTheIndex) {
  config_.sitemap_max_urls = 2;
  std::vector<std::string> all;
  for (int day = 1; day <= 5; ++day) {
    const int64_t id = Add(fmt::format("s{}", day), fmt::format("Story {}", day), "en", At(2025, 3, day));
    all.push_back(Href("en", id, store_->GetArticle(id)->slug));
  }
  // Two on the same second: the keyset orders them by id, never skipping one.
  const int64_t twin = Add("twin", "Story twin", "en", At(2025, 3, 5));
  all.push_back(Href("en", twin, store_->GetArticle(twin)->slug));
  ASSERT_NO_FATAL_FAILURE(Serve());

  pugi::xml_document doc;
  ASSERT_NO_FATAL_FAILURE(Xml("/sitemap.xml", doc));
  std::vector<std::string> locs = Locs(doc, "sitemap");
  for (const char* piece : {"2025-03-1.xml", "2025-03-2.xml", "2025-03-3.xml"})
    EXPECT_THAT(locs, ::testing::Contains(std::string("http://news.example/sitemaps/en/") + piece));
  EXPECT_THAT(locs, Not(::testing::Contains("http://news.example/sitemaps/en/2025-03.xml")));
  EXPECT_THAT(locs, Not(::testing::Contains("http://news.example/sitemaps/en/2025-03-4.xml")));
  EXPECT_EQ(Valid("siteindex.xsd"), "");

  std::vector<std::string> listed;
  for (const char* piece : {"2025-03-1.xml", "2025-03-2.xml", "2025-03-3.xml"}) {
    ASSERT_NO_FATAL_FAILURE(Xml(std::string("/sitemaps/en/") + piece, doc));
    std::vector<std::string> urls = Locs(doc, "url");
    EXPECT_EQ(urls.size(), 2u) << piece;
    listed.insert(listed.end(), urls.begin(), urls.end());
    EXPECT_EQ(Valid("urlset.xsd"), "") << piece;
  }
  EXPECT_THAT(listed, UnorderedElementsAreArray(all));
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()).size(), listed.size());
  EXPECT_EQ(Fetch("/sitemaps/en/2025-03.xml").status, 404);
  EXPECT_EQ(Fetch("/sitemaps/en/2025-03-4.xml").status, 404);
  EXPECT_EQ(Fetch("/sitemaps/en/2025-03-01.xml").status, 404);
}

TEST_F(SitemapsTest, NewsSitemapHasTheLast48HoursInTheEditionsLanguage) {
  const TimePoint now = Now();
  const int64_t fresh = Add("e", "Frigate launched", "en", now - std::chrono::hours(1), Into("ru", "Фрегат спущен"));
  const int64_t stale = Add("f", "Old frigate", "en", now - std::chrono::hours(50));
  const int64_t russian = Add("g", "Навигация открыта", "ru", now - std::chrono::hours(2));
  const int64_t held = Add("h", "Held frigate", "en", now - std::chrono::hours(3));
  const int64_t deleted = Add("x", "Deleted frigate", "en", now - std::chrono::hours(4));
  ASSERT_TRUE(store_->SetPublication(held, Publication::kHeld, std::nullopt).ok());
  ASSERT_TRUE(store_->DeleteArticle(deleted).ok());
  ASSERT_NO_FATAL_FAILURE(Serve());
  auto slug = [&](int64_t id) { return store_->GetArticleInAnyState(id)->slug; };

  pugi::xml_document doc;
  ASSERT_NO_FATAL_FAILURE(Xml("/sitemaps/en/news.xml", doc));
  // The Russian original has no English version: it is not English news.
  EXPECT_THAT(Locs(doc, "url"), ElementsAre(Href("en", fresh, slug(fresh))));
  pugi::xml_node news = doc.document_element().child("url").child("news:news");
  EXPECT_STREQ(news.child("news:publication").child_value("news:name"), "Test Gazette");
  EXPECT_STREQ(news.child("news:publication").child_value("news:language"), "en");
  EXPECT_STREQ(news.child_value("news:publication_date"), W3c(now - std::chrono::hours(1)).c_str());
  EXPECT_STREQ(news.child_value("news:title"), "Frigate launched");
  EXPECT_STREQ(doc.document_element().attribute("xmlns:news").value(), "http://www.google.com/schemas/sitemap-news/0.9");
  EXPECT_EQ(Valid("urlset.xsd"), "");

  ASSERT_NO_FATAL_FAILURE(Xml("/sitemaps/ru/news.xml", doc));
  EXPECT_THAT(Locs(doc, "url"), ElementsAre(Href("ru", fresh, slug(fresh)), Href("ru", russian, slug(russian))));
  std::vector<std::string> titles;
  for (auto u : doc.document_element().children("url")) {
    titles.push_back(u.child("news:news").child_value("news:title"));
    EXPECT_STREQ(u.child("news:news").child("news:publication").child_value("news:language"), "ru");
  }
  EXPECT_THAT(titles, ElementsAre("Фрегат спущен", "Навигация открыта"));
  EXPECT_EQ(Valid("urlset.xsd"), "");
  for (int64_t kept_out : {stale, held, deleted})
    EXPECT_THAT(last_body_, Not(HasSubstr(fmt::format("/articles/{}-", kept_out))));
}

TEST_F(SitemapsTest, NewsSitemapMayBeEmpty) {
  Add("old", "Old news", "en", Now() - std::chrono::hours(72));
  ASSERT_NO_FATAL_FAILURE(Serve());
  pugi::xml_document doc;
  ASSERT_NO_FATAL_FAILURE(Xml("/sitemaps/en/news.xml", doc));
  EXPECT_STREQ(doc.document_element().name(), "urlset");
  // (sitemap.xsd asks for one <url> at least, so an empty file is not
  // validated: Google reads it as "nothing new".)
  EXPECT_TRUE(doc.document_element().children("url").begin() == doc.document_element().children("url").end());
}

TEST_F(SitemapsTest, NewsSitemapStopsAtAThousandNewestFirst) {
  const TimePoint now = Now();
  std::vector<ArticleRecord> records;
  for (int i = 0; i < 1005; ++i) {
    ArticleRecord r;
    r.url = fmt::format("https://wire.example/n{}", i);
    r.source = Source{0, "", "Wire", "https://wire.example/", "", "en"};
    r.language = "en";
    r.headline = fmt::format("N{}", i);
    r.published_at = now - std::chrono::seconds(60 * (i + 1));
    r.body = {Block{BlockType::kParagraph, "x", {}, {}, {}, {}}};
    records.push_back(std::move(r));
  }
  auto stored = store_->UpsertArticles(records);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_NO_FATAL_FAILURE(Serve());

  pugi::xml_document doc;
  ASSERT_NO_FATAL_FAILURE(Xml("/sitemaps/en/news.xml", doc));
  std::vector<std::string> titles;
  for (auto u : doc.document_element().children("url")) titles.push_back(u.child("news:news").child_value("news:title"));
  ASSERT_EQ(titles.size(), 1000u);
  EXPECT_EQ(titles.front(), "N0");
  EXPECT_EQ(titles.back(), "N999");
  EXPECT_EQ(Valid("urlset.xsd"), "");
}

}  // namespace
}  // namespace newsdesk
