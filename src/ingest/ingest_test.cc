// The ingest pipeline end to end: a fixture server on loopback serves feeds
// and article pages (good and bad), the real fetcher, parser and extractor
// read them, and a real SQLite store keeps the result.
#include "ingest/ingest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unicode/ucnv.h>
#include <unistd.h>

#include <filesystem>

#include "common/testing/test_directory.h"
#include "ingest/testing/fixture_server.h"
#include "model/block_json.h"
#include "store/testing/test_database.h"

namespace newsdesk {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::FixtureServer;


std::string Page(const std::string& title, const std::string& body) {
  return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title + " | Wire</title>"
         "<meta property=\"article:published_time\" content=\"2024-04-26T09:00:00Z\"></head><body>"
         "<nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>"
         "<article><h1>" + title + "</h1>" + body + "</article>"
         "<aside class=\"related\"><h2>Discussion</h2><ul><li><a href=\"/x\">Other story</a></li></ul></aside>"
         "<footer>© Wire 2024</footer></body></html>";
}

std::string Rss(const std::vector<std::pair<std::string, std::string>>& items) {  // (title, link)
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Wire</title>"
                    "<link>https://wire.example/</link><language>en</language>";
  for (const auto& [title, link] : items)
    out += "<item><title>" + title + "</title><link>" + link + "</link><guid>" + link +
           "</guid><pubDate>Fri, 26 Apr 2024 09:00:00 GMT</pubDate><description>Teaser.</description></item>";
  return out + "</channel></rss>";
}

std::string ToWindows1251(const std::string& utf8) {
  UErrorCode err = U_ZERO_ERROR;
  std::string out(utf8.size() * 2 + 8, '\0');
  int32_t n = ucnv_convert("windows-1251", "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                           static_cast<int32_t>(utf8.size()), &err);
  out.resize(static_cast<size_t>(n));
  return out;
}

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDirectory("nd_ingest");
    Config c;
    c.data_dir = dir_.string();
    auto s = testing::OpenStoreOnTestBackend(c);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    FetchOptions o;
    o.allowed_hosts = {"127.0.0.1:" + std::to_string(server_.port())};
    o.per_host_delay = std::chrono::milliseconds(0);
    o.retry_backoff = std::chrono::milliseconds(5);
    o.max_attempts = 2;
    o.total_timeout = std::chrono::milliseconds(3000);
    fetcher_ = std::make_unique<Fetcher>(o);
    ingestor_ = std::make_unique<Ingestor>(*store_, *store_, *fetcher_, IngestOptions{});
  }
  void TearDown() override {
    ingestor_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  SourceStatus Follow(const std::string& feed_path, const std::string& language = "en",
                      const std::string& body_selector = "") {
    Source s;
    s.name = "Wire " + feed_path;
    s.home_url = server_.Url("/home" + feed_path);
    s.language = language;
    s.feed_url = server_.Url(feed_path);
    s.body_selector = body_selector;
    auto added = store_->AddFeedSource(s);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return *store_->GetSourceStatus(added->source_id);
  }

  // FetchNow fetches the (first) feed of source `id`.
  SourceReport FetchNow(int64_t id) {
    auto st = store_->GetSourceStatus(id);
    EXPECT_TRUE(st.ok());
    EXPECT_FALSE(st->feeds.empty());
    return ingestor_->FetchFeed(st->feeds.at(0), std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  }

  std::vector<ArticleSummary> Stored() { return store_->ListArticles({})->items; }

  FixtureServer server_;
  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Fetcher> fetcher_;
  std::unique_ptr<Ingestor> ingestor_;
};

TEST_F(IngestTest, StoresCleanArticlesFromAFeed) {
  server_.Serve("/rss", 200, Rss({{"Corvette launched", server_.Url("/a")}, {"Radar tested", server_.Url("/b")}}),
                {{"Content-Type", "application/rss+xml"}});
  server_.Serve("/a", 200, Page("Corvette launched at the northern yard", testing::ArticleParagraphs("Corvette", 4)),
                {{"Content-Type", "text/html; charset=utf-8"}});
  server_.Serve("/b", 200, Page("Radar tested at the range", testing::ArticleParagraphs("Radar", 4)),
                {{"Content-Type", "text/html; charset=utf-8"}});
  auto src = Follow("/rss");
  auto report = FetchNow(src.source.id);
  ASSERT_TRUE(report.status.ok()) << report.status.ToString();
  EXPECT_EQ(report.new_articles, 2);
  auto stored = Stored();
  ASSERT_EQ(stored.size(), 2u);
  auto a = store_->GetArticle(stored[0].id);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->language, "en");
  EXPECT_GT(a->language_confidence, 50);
  const std::string text = PlainText(a->body);
  EXPECT_THAT(text, HasSubstr("paragraph 3"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("Other story")));  // chrome stays out
  EXPECT_THAT(text, ::testing::Not(HasSubstr("Discussion")));
  auto st = store_->GetSourceStatus(src.source.id);
  EXPECT_EQ(st->last_status, "ok");
  EXPECT_EQ(st->consecutive_failures, 0);
  EXPECT_GT(st->next_fetch_at, *st->last_fetch_at);
}

TEST_F(IngestTest, KnownItemsAreNotFetchedAgainAndA304IsNotModified) {
  server_.On("/rss", [this](int fd, const std::string& head) {
    if (head.find("If-None-Match: \"v1\"") != std::string::npos) return FixtureServer::Write(fd, 304, "");
    FixtureServer::Write(fd, 200, Rss({{"Corvette launched", server_.Url("/a")}}), {{"ETag", "\"v1\""}});
  });
  server_.Serve("/a", 200, Page("Corvette launched at the northern yard", testing::ArticleParagraphs("Corvette", 4)));
  auto src = Follow("/rss");
  EXPECT_EQ(FetchNow(src.source.id).new_articles, 1);
  auto again = FetchNow(src.source.id);
  EXPECT_TRUE(again.not_modified);
  EXPECT_EQ(store_->GetSourceStatus(src.source.id)->last_status, "not modified");
  EXPECT_EQ(server_.Hits("/a"), 1);
}

TEST_F(IngestTest, ItemsSeenBeforeAreUnchanged) {
  server_.Serve("/rss", 200, Rss({{"Corvette launched", server_.Url("/a")}}));
  server_.Serve("/a", 200, Page("Corvette launched at the northern yard", testing::ArticleParagraphs("Corvette", 4)));
  auto src = Follow("/rss");
  FetchNow(src.source.id);
  auto again = FetchNow(src.source.id);
  EXPECT_EQ(again.unchanged, 1);
  EXPECT_EQ(again.new_articles, 0);
  EXPECT_EQ(server_.Hits("/a"), 1);
}

TEST_F(IngestTest, AnItemUpdatedSinceItWasStoredIsFetchedAgain) {
  std::string feed = Rss({{"Corvette launched", server_.Url("/a")}});
  server_.Serve("/rss", 200, feed);
  server_.Serve("/a", 200, Page("Corvette launched at the northern yard", testing::ArticleParagraphs("Corvette", 4)));
  auto src = Follow("/rss");
  FetchNow(src.source.id);
  std::string updated = feed;
  updated.replace(updated.find("</item>"), 7, "<atom:updated xmlns:atom=\"http://www.w3.org/2005/Atom\">2099-01-01T00:00:00Z</atom:updated></item>");
  server_.Serve("/rss", 200, updated);
  server_.Serve("/a", 200, Page("Corvette launched at the northern yard, corrected", testing::ArticleParagraphs("Corvette", 4)));
  auto again = FetchNow(src.source.id);
  EXPECT_EQ(again.updated, 1);
  EXPECT_EQ(store_->GetArticle(Stored()[0].id)->headline, "Corvette launched at the northern yard, corrected");
}

TEST_F(IngestTest, AFailingFeedIsRecordedOnItsSourceAndBacksOff) {
  server_.Serve("/rss", 500, "down");
  auto src = Follow("/rss");
  auto report = FetchNow(src.source.id);
  EXPECT_FALSE(report.status.ok());
  auto st = store_->GetSourceStatus(src.source.id);
  EXPECT_EQ(st->last_status, "HTTP 500");
  EXPECT_EQ(st->last_error, "HTTP 500");
  EXPECT_EQ(st->consecutive_failures, 1);
  EXPECT_GE(st->next_fetch_at - *st->last_fetch_at, std::chrono::seconds(1800));  // twice the interval
  FetchNow(src.source.id);
  EXPECT_EQ(store_->GetSourceStatus(src.source.id)->consecutive_failures, 2);
}

TEST_F(IngestTest, NotAFeedIsAParseErrorOnTheSource) {
  server_.Serve("/rss", 200, "<html><body>Welcome</body></html>", {{"Content-Type", "text/html"}});
  auto src = Follow("/rss");
  EXPECT_FALSE(FetchNow(src.source.id).status.ok());
  EXPECT_EQ(store_->GetSourceStatus(src.source.id)->last_status, "parse error");
  EXPECT_TRUE(Stored().empty());
}

TEST_F(IngestTest, OneBadPageDoesNotStopTheOthers) {
  server_.Serve("/rss", 200, Rss({{"Missing", server_.Url("/missing")}, {"Radar tested", server_.Url("/b")}}));
  server_.Serve("/b", 200, Page("Radar tested at the range", testing::ArticleParagraphs("Radar", 4)));
  auto src = Follow("/rss");
  auto report = FetchNow(src.source.id);
  EXPECT_TRUE(report.status.ok());
  EXPECT_EQ(report.new_articles, 1);
  EXPECT_EQ(report.failed, 1);
  auto st = store_->GetSourceStatus(src.source.id);
  EXPECT_EQ(st->last_status, "partial");
  EXPECT_THAT(st->last_error, HasSubstr("HTTP 404"));
}

TEST_F(IngestTest, PagesRedirectingToInternalAddressesAreRefused) {
  FixtureServer internal;
  internal.Serve("/admin", 200, Page("Internal", testing::ArticleParagraphs("Secret", 4)));
  server_.Serve("/rss", 200, Rss({{"Trap", server_.Url("/trap")}}));
  server_.Serve("/trap", 302, "", {{"Location", internal.Url("/admin")}});
  auto src = Follow("/rss");
  auto report = FetchNow(src.source.id);
  EXPECT_EQ(report.failed, 1);
  EXPECT_THAT(store_->GetSourceStatus(src.source.id)->last_error, HasSubstr("private or reserved address"));
  EXPECT_EQ(internal.Hits("/admin"), 0);
  EXPECT_TRUE(Stored().empty());
}

TEST_F(IngestTest, DeletedArticlesAreNotBroughtBack) {
  server_.Serve("/rss", 200, Rss({{"Corvette launched", server_.Url("/a")}}));
  server_.Serve("/a", 200, Page("Corvette launched at the northern yard", testing::ArticleParagraphs("Corvette", 4)));
  auto src = Follow("/rss");
  FetchNow(src.source.id);
  ASSERT_EQ(Stored().size(), 1u);
  ASSERT_TRUE(store_->DeleteArticle(Stored()[0].id).ok());
  auto again = FetchNow(src.source.id);
  EXPECT_EQ(again.new_articles, 0);
  EXPECT_TRUE(Stored().empty());
}

TEST_F(IngestTest, ARuleThatStopsMatchingIsAnErrorNotAnEmptyArticle) {
  server_.Serve("/rss", 200, Rss({{"Corvette launched", server_.Url("/a")}}));
  server_.Serve("/a", 200, Page("Corvette launched at the northern yard", testing::ArticleParagraphs("Corvette", 4)));
  auto src = Follow("/rss", "en", "div.article-text-that-was-renamed");
  auto report = FetchNow(src.source.id);
  EXPECT_FALSE(report.status.ok());
  auto st = store_->GetSourceStatus(src.source.id);
  EXPECT_EQ(st->last_status, "rule error");
  EXPECT_THAT(st->last_error, HasSubstr("extraction rule stopped matching"));
  EXPECT_TRUE(Stored().empty());
}

TEST_F(IngestTest, RussianPagesWithAWrongCharsetLabelComeOutRight) {
  const std::string title = "Корвет спущен на воду на северной верфи";
  std::string body;
  for (int i = 0; i < 4; ++i)
    body += "<p>Министерство сообщило, что программа продолжится в следующем году: поставки в части нескольких "
            "регионов, дополнительные испытания на полигоне и разбор результатов до конца квартала.</p>";
  server_.Serve("/rss", 200, Rss({{"Корвет", server_.Url("/ru")}}));
  server_.Serve("/ru", 200, ToWindows1251(Page(title, body)), {{"Content-Type", "text/html; charset=utf-8"}});
  auto src = Follow("/rss", "");
  auto report = FetchNow(src.source.id);
  ASSERT_EQ(report.new_articles, 1) << store_->GetSourceStatus(src.source.id)->last_error;
  auto a = store_->GetArticle(Stored()[0].id);
  EXPECT_EQ(a->headline, title);
  EXPECT_EQ(a->language, "ru");
  EXPECT_THAT(PlainText(a->body), HasSubstr("Министерство сообщило"));
}

TEST_F(IngestTest, FetchDueRunsOnlyDueSources) {
  server_.Serve("/rss", 200, Rss({}));
  server_.Serve("/rss2", 200, Rss({}));
  auto first = Follow("/rss");
  Follow("/rss2");
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  auto reports = ingestor_->FetchDue(now, nullptr);
  EXPECT_EQ(reports.size(), 2u);
  EXPECT_TRUE(ingestor_->FetchDue(now, nullptr).empty());  // both scheduled later now
  EXPECT_EQ(ingestor_->FetchDue(now, nullptr, first.source.id).size(), 1u);
}

TEST_F(IngestTest, AnItemInTwoFeedsOfAnOutletIsStoredOnceUnderIt) {
  // The outlet's defence feed has the corvette and radar stories; its world
  // feed has the radar story at the same URL, the corvette story at another
  // URL with the same guid, and a story of its own.
  server_.Serve("/defence.xml", 200,
                Rss({{"Corvette launched", server_.Url("/a")}, {"Radar tested", server_.Url("/b")}}));
  server_.Serve("/world.xml", 200,
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Wire: world</title>"
                "<link>https://wire.example/</link><language>en</language>"
                "<item><title>Radar tested</title><link>" + server_.Url("/b") + "</link><guid>" + server_.Url("/b") +
                "</guid></item>"
                "<item><title>Corvette launched</title><link>" + server_.Url("/a2") + "</link><guid>" +
                server_.Url("/a") + "</guid></item>"
                "<item><title>Summit held</title><link>" + server_.Url("/c") + "</link><guid>" + server_.Url("/c") +
                "</guid></item></channel></rss>");
  server_.Serve("/a", 200, Page("Corvette launched at the northern yard", testing::ArticleParagraphs("Corvette", 4)));
  server_.Serve("/a2", 200, Page("Corvette launched at the northern yard", testing::ArticleParagraphs("Corvette", 4)));
  server_.Serve("/b", 200, Page("Radar tested at the range", testing::ArticleParagraphs("Radar", 4)));
  server_.Serve("/c", 200, Page("Summit held in the capital", testing::ArticleParagraphs("Summit", 4)));
  Source s;
  s.name = "Wire";
  s.home_url = server_.Url("/home");
  s.language = "en";
  s.feed_url = server_.Url("/defence.xml");
  auto defence = store_->AddFeedSource(s);
  ASSERT_TRUE(defence.ok()) << defence.status().ToString();
  s.name = "Wire: world";
  s.feed_url = server_.Url("/world.xml");
  auto world = store_->AddFeedSource(s);
  ASSERT_TRUE(world.ok()) << world.status().ToString();
  ASSERT_EQ(world->source_id, defence->source_id);

  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  auto first = ingestor_->FetchFeed(*defence, now);
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  EXPECT_EQ(first.new_articles, 2);
  EXPECT_EQ(first.feed_id, defence->id);
  auto second = ingestor_->FetchFeed(*world, now);
  ASSERT_TRUE(second.status.ok()) << second.status.ToString();
  EXPECT_EQ(second.new_articles, 1);
  EXPECT_EQ(second.unchanged, 2);
  EXPECT_EQ(second.source_name, "Wire");

  auto stored = Stored();
  ASSERT_EQ(stored.size(), 3u);
  for (const auto& a : stored) EXPECT_EQ(a.source.id, defence->source_id) << a.headline;
  EXPECT_EQ(server_.Hits("/a"), 1);
  EXPECT_EQ(server_.Hits("/a2"), 0);  // known by its guid: not fetched
  EXPECT_EQ(server_.Hits("/b"), 1);
  EXPECT_EQ(store_->GetSourceStatus(defence->source_id)->article_count, 3);

  // Each feed has its own status and schedule.
  auto d = store_->GetFeedStatus(defence->id);
  auto w = store_->GetFeedStatus(world->id);
  ASSERT_TRUE(d.ok() && w.ok());
  EXPECT_EQ(d->last_status, "ok");
  EXPECT_EQ(w->last_status, "ok");
  EXPECT_GT(w->next_fetch_at, now);
  // `fetch --source` fetches every feed of the outlet.
  EXPECT_EQ(ingestor_->FetchDue(now, nullptr, defence->source_id).size(), 2u);
}

TEST_F(IngestTest, DiscoversTheFeedAHomePageNames) {
  server_.Serve("/", 200,
                "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.xml\"></head></html>",
                {{"Content-Type", "text/html"}});
  server_.Serve("/feed.xml", 200, Rss({{"One", server_.Url("/a")}}));
  auto found = DiscoverFeed(*fetcher_, server_.Url("/"));
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->feed_url, server_.Url("/feed.xml"));
  EXPECT_EQ(found->feed.items.size(), 1u);
  server_.Serve("/plain", 200, "<html><body>No feed here</body></html>", {{"Content-Type", "text/html"}});
  auto none = DiscoverFeed(*fetcher_, server_.Url("/plain"));
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), HasSubstr("neither a feed nor a page naming one"));
}

TEST(Opml, RoundTripsFollowedSourcesFeedByFeed) {
  SourceStatus a;
  a.source.name = "ТАСС & Co";
  a.source.home_url = "https://tass.example/";
  a.source.language = "ru";
  FeedStatus ru;
  ru.feed_url = "https://tass.example/rss";
  FeedStatus en;
  en.feed_url = "https://tass.example/en/rss";
  en.language = "en";
  a.feeds = {ru, en};
  SourceStatus not_followed;
  not_followed.source.name = "Imported only";
  auto opml = SourcesToOpml({a, not_followed}, "newsdesk sources");
  auto back = SourcesFromOpml(opml);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 2u) << "one outline per feed; a source without feeds is not followed";
  EXPECT_EQ((*back)[0].name, "ТАСС & Co");
  EXPECT_EQ((*back)[0].feed_url, "https://tass.example/rss");
  EXPECT_EQ((*back)[0].language, "ru");
  EXPECT_EQ((*back)[1].feed_url, "https://tass.example/en/rss");
  EXPECT_EQ((*back)[1].language, "en") << "a feed's own language";
  EXPECT_EQ((*back)[1].home_url, "https://tass.example/") << "the feeds share their outlet";
}

TEST(Opml, ReadsNestedOutlinesAndRejectsBadUrls) {
  auto nested = SourcesFromOpml(
      "<opml version=\"1.0\"><body><outline text=\"Folder\"><outline text=\"A\" xmlUrl=\"https://a.example/rss\"/>"
      "</outline></body></opml>");
  ASSERT_TRUE(nested.ok());
  ASSERT_EQ(nested->size(), 1u);
  EXPECT_EQ((*nested)[0].name, "A");
  EXPECT_FALSE(SourcesFromOpml("<opml><body><outline text=\"x\" xmlUrl=\"file:///etc/passwd\"/></body></opml>").ok());
  EXPECT_FALSE(SourcesFromOpml("not xml").ok());
}

}  // namespace
}  // namespace newsdesk
