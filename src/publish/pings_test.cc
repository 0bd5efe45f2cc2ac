// The publish pings (issue 17, part 3) against real loopback "hubs" and an
// "IndexNow" endpoint (the fetcher's fixture server), on both backends:
// what is sent for a published article, a failing hub keeping the
// watermark for the retry, held and deleted articles left out, an
// unreachable hub, the job runner retrying, and /{key}.txt on the site.
#include "publish/pings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "common/testing/free_port.h"
#include "ingest/testing/fixture_server.h"
#include "jobs/jobs.h"
#include "web/http.h"
#include "web/testing/served_site_test.h"

namespace newsdesk {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;
using testing::FixtureServer;

constexpr const char* kKey = "a1b2c3d4-key";

TimePoint Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// ClosedPort is a loopback port nothing listens on.
uint16_t ClosedPort() { return static_cast<uint16_t>(FreeLoopbackPort()); }

// HubUrls is the hub.url values of a WebSub ping's form, after checking
// that it asks to publish.
std::vector<std::string> HubUrls(const std::string& body) {
  auto form = ParseForm(body, 1 << 20, 4096);
  EXPECT_TRUE(form.ok()) << form.status().ToString();
  std::vector<std::string> urls;
  if (!form.ok()) return urls;
  EXPECT_FALSE(form->empty());
  if (!form->empty()) {
    EXPECT_EQ(form->front(), std::make_pair(std::string("hub.mode"), std::string("publish")));
  }
  for (const auto& [k, v] : *form)
    if (k == "hub.url") urls.push_back(v);
  return urls;
}

// Topics is the feeds, in the three formats, of each "{ed}/{scope}" given
// ("en" is the edition's, "en/sources/wire" a source's).
std::vector<std::string> Topics(const std::vector<std::string>& scopes) {
  std::vector<std::string> out;
  for (const auto& s : scopes)
    for (const char* file : {"feed.xml", "feed.atom", "feed.json"})
      out.push_back(fmt::format("http://news.example/{}/{}", s, file));
  return out;
}

class PingsTest : public testing::ServedSiteTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore("nd_pings", "http://news.example"));
    config_.websub_hubs = {hub_.Url("/hub")};
    config_.indexnow_key = kKey;
    config_.indexnow_endpoint = indexnow_.Url("/indexnow");
    hub_.Serve("/hub", 204, "");
    indexnow_.Serve("/indexnow", 200, "");
    fetcher_ = std::make_unique<Fetcher>(PingFetchOptions(Options()));
    pings_ = std::make_unique<PublishPings>(*store_, *store_, config_, *fetcher_);
    if (!start_) return;
    auto start = pings_->Start();
    ASSERT_TRUE(start.ok()) << start.status().ToString();
  }

  // Options lets the fetcher reach the loopback servers, and only them.
  FetchOptions Options() const {
    FetchOptions o;
    o.allowed_hosts = {fmt::format("127.0.0.1:{}", hub_.port()), fmt::format("127.0.0.1:{}", indexnow_.port()),
                       fmt::format("127.0.0.1:{}", other_hub_.port())};
    o.per_host_delay = std::chrono::milliseconds(0);
    return o;
  }

  // Add stores an article in English from `source` naming `entities` (most
  // salient first), with a human translation into Russian when asked; its id.
  int64_t Add(const std::string& path, const std::string& source, std::vector<std::string> entities = {},
              bool russian = false) {
    ArticleRecord r;
    r.url = "https://" + source + ".example/" + path;
    r.source = Source{0, "", source, "https://" + source + ".example/", "", "en"};
    r.language = "en";
    r.headline = "Story " + path;
    r.published_at = Now();
    r.body = {Block{BlockType::kParagraph, "Text of " + path + ".", {}, {}, {}, {}}};
    int count = 100;
    for (const auto& e : entities) r.mentions.push_back(MentionRecord{e, count--, 0});
    if (russian) {
      Translation t;
      t.language = "ru";
      t.headline = "Статья " + path;
      t.body = {Block{BlockType::kParagraph, "Текст.", {}, {}, {}, {}}};
      t.by = TranslatedBy::kHuman;
      r.translations.push_back(t);
    }
    auto stored = store_->UpsertArticles({r});
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() ? stored->ids.front() : 0;
  }

  std::string Href(const std::string& ed, int64_t id) {
    auto a = store_->GetArticleInAnyState(id);
    EXPECT_TRUE(a.ok());
    return "http://news.example" + ArticleHref(ed, id, a.ok() ? a->slug : "");
  }

  int64_t Sequence() {
    auto seq = store_->ChangeSequence();
    EXPECT_TRUE(seq.ok());
    return seq.ok() ? *seq : 0;
  }
  int64_t Watermark() {
    auto mark = pings_->Watermark();
    EXPECT_TRUE(mark.ok());
    return mark.ok() ? *mark : -1;
  }

  bool start_ = true;  // SetUp starts the pings (sets the watermark)
  FixtureServer hub_, indexnow_, other_hub_;
  std::unique_ptr<Fetcher> fetcher_;
  std::unique_ptr<PublishPings> pings_;
};

TEST_F(PingsTest, PublishingAnArticleSendsItsFeedsToTheHubsAndItsAddressesToIndexNow) {
  config_.websub_hubs.push_back(other_hub_.Url("/websub"));
  other_hub_.Serve("/websub", 202, "");
  const int64_t id = Add("tanks", "wire", {"e1", "e2", "e3", "e4", "e5", "e6"}, /*russian=*/true);
  const int64_t through = Sequence();
  auto report = pings_->Run(through);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->articles, 1);
  EXPECT_EQ(Watermark(), through);

  // Both editions offer it: each edition's feed, the source's and the five
  // most salient entities' (not the sixth), in RSS, Atom and JSON Feed.
  std::vector<std::string> scopes;
  for (const char* ed : {"en", "ru"}) {
    scopes.push_back(ed);
    scopes.push_back(std::string(ed) + "/sources/wire");
    for (const char* e : {"e1", "e2", "e3", "e4", "e5"}) scopes.push_back(fmt::format("{}/mentions/{}", ed, e));
  }
  for (auto* server : {&hub_, &other_hub_}) {
    const std::string path = server == &hub_ ? "/hub" : "/websub";
    ASSERT_EQ(server->Hits(path), 1);
    EXPECT_THAT(server->LastHead(path), ::testing::StartsWith("POST " + path + " "));
    EXPECT_THAT(server->LastHead(path), HasSubstr("Content-Type: application/x-www-form-urlencoded\r\n"));
    EXPECT_THAT(HubUrls(server->LastBody(path)), UnorderedElementsAreArray(Topics(scopes)));
  }

  ASSERT_EQ(indexnow_.Hits("/indexnow"), 1);
  EXPECT_THAT(indexnow_.LastHead("/indexnow"), HasSubstr("Content-Type: application/json; charset=utf-8\r\n"));
  auto sent = nlohmann::json::parse(indexnow_.LastBody("/indexnow"), nullptr, false);
  ASSERT_FALSE(sent.is_discarded()) << indexnow_.LastBody("/indexnow");
  EXPECT_EQ(sent["host"].get<std::string>(), "news.example");
  EXPECT_EQ(sent["key"].get<std::string>(), kKey);
  EXPECT_EQ(sent["keyLocation"].get<std::string>(), std::string("http://news.example/") + kKey + ".txt");
  EXPECT_THAT(sent["urlList"].get<std::vector<std::string>>(), ElementsAre(Href("en", id), Href("ru", id)));

  // Nothing new: nothing sent again.
  ASSERT_TRUE(pings_->Run(Sequence()).ok());
  EXPECT_EQ(hub_.Hits("/hub"), 1);
  EXPECT_EQ(indexnow_.Hits("/indexnow"), 1);
}

TEST_F(PingsTest, AnUnreviewedMachineTranslationIsNotAnnounced) {
  Article a;
  a.id = 7;
  a.slug = "story";
  a.language = "en";
  a.source.slug = "wire";
  a.translation_languages = {"ru"};
  a.unreviewed_machine_translations = {"ru"};
  EXPECT_THAT(PingArticleUrls(a, config_), ElementsAre("http://news.example/en/articles/7-story"));
  EXPECT_THAT(PingTopics(a, config_), UnorderedElementsAreArray(Topics({"en", "en/sources/wire"})));
  config_.noindex_machine_translations = false;
  EXPECT_THAT(PingArticleUrls(a, config_),
              ElementsAre("http://news.example/en/articles/7-story", "http://news.example/ru/articles/7-story"));
}

TEST_F(PingsTest, AHubAnsweringAnErrorFailsTheJobAndTheRetrySendsAgain) {
  const int64_t before = Watermark();
  hub_.Serve("/hub", 500, "<html>" + std::string(5000, 'x') + "</html>");
  const int64_t id = Add("tanks", "wire");
  const int64_t through = Sequence();
  Job job;
  job.kind = kPublishPingJob;
  job.payload = std::to_string(through);
  Status failed = pings_->RunJob(job).status();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.code(), Code::kUnavailable);
  EXPECT_THAT(failed.message(), HasSubstr("WebSub hub " + hub_.Url("/hub") + ": HTTP 500"));
  EXPECT_THAT(failed.message(), ::testing::Not(HasSubstr("xxxx")));  // the hub's page stays out
  EXPECT_EQ(Watermark(), before);

  hub_.Serve("/hub", 204, "");
  ASSERT_TRUE(pings_->RunJob(job).ok());
  EXPECT_EQ(hub_.Hits("/hub"), 2);
  EXPECT_THAT(HubUrls(hub_.LastBody("/hub")), ::testing::Contains("http://news.example/en/feed.xml"));
  EXPECT_THAT(indexnow_.LastBody("/indexnow"), HasSubstr(Href("en", id)));
  EXPECT_EQ(Watermark(), through);
}

TEST_F(PingsTest, IndexNowRefusingFailsTheJobNamingTheEndpoint) {
  indexnow_.Serve("/indexnow", 422, "");
  Add("tanks", "wire");
  auto report = pings_->Run(Sequence());
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("IndexNow " + indexnow_.Url("/indexnow") + ": HTTP 422"));
  EXPECT_EQ(hub_.Hits("/hub"), 1);  // the hub had its ping all the same
}

TEST_F(PingsTest, HeldAndDeletedArticlesAreNotPinged) {
  const int64_t published = Add("published", "wire");
  const int64_t held = Add("held", "desk");
  const int64_t deleted = Add("deleted", "gone");
  ASSERT_TRUE(store_->SetPublication(held, Publication::kHeld, std::nullopt).ok());
  ASSERT_TRUE(store_->DeleteArticle(deleted).ok());
  ASSERT_TRUE(pings_->Run(Sequence()).ok());
  EXPECT_THAT(HubUrls(hub_.LastBody("/hub")), UnorderedElementsAreArray(Topics({"en", "en/sources/wire"})));
  auto sent = nlohmann::json::parse(indexnow_.LastBody("/indexnow"), nullptr, false);
  EXPECT_THAT(sent["urlList"].get<std::vector<std::string>>(), ElementsAre(Href("en", published)));

  // Holding the only changed article: nothing to announce, no request.
  ASSERT_TRUE(store_->SetPublication(published, Publication::kHeld, std::nullopt).ok());
  const int64_t through = Sequence();
  ASSERT_TRUE(pings_->Run(through).ok());
  EXPECT_EQ(hub_.Hits("/hub"), 1);
  EXPECT_EQ(indexnow_.Hits("/indexnow"), 1);
  EXPECT_EQ(Watermark(), through);
}

TEST_F(PingsTest, AnUnreachableHubFailsCleanly) {
  config_.websub_hubs = {fmt::format("http://127.0.0.1:{}/hub", ClosedPort())};
  FetchOptions o = Options();
  o.allow_private_networks = true;
  Fetcher fetcher(PingFetchOptions(o));
  PublishPings pings(*store_, *store_, config_, fetcher);
  const int64_t before = Watermark();
  Add("tanks", "wire");
  auto report = pings.Run(Sequence());
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("WebSub hub " + config_.websub_hubs.front() + ": "));
  EXPECT_EQ(Watermark(), before);
}

TEST_F(PingsTest, AHubOnAPrivateAddressIsRefusedUnlessAllowed) {
  config_.websub_hubs = {other_hub_.Url("/hub")};
  FetchOptions o;  // no host allowed
  Fetcher fetcher(PingFetchOptions(o));
  PublishPings pings(*store_, *store_, config_, fetcher);
  Add("tanks", "wire");
  auto report = pings.Run(Sequence());
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("refused: 127.0.0.1"));
  EXPECT_EQ(other_hub_.Hits("/hub"), 0);
}

// A site that had articles before pings were turned on.
class BackCatalogueTest : public PingsTest {
 protected:
  void SetUp() override {
    start_ = false;
    PingsTest::SetUp();
  }
};

TEST_F(BackCatalogueTest, TurningPingsOnLeavesTheBackCatalogueUnannounced) {
  const int64_t old = Add("old", "wire");
  auto mark = pings_->Start();
  ASSERT_TRUE(mark.ok()) << mark.status().ToString();
  EXPECT_EQ(*mark, Sequence());
  ASSERT_TRUE(pings_->Run(Sequence()).ok());
  EXPECT_EQ(hub_.Hits("/hub"), 0);
  EXPECT_EQ(indexnow_.Hits("/indexnow"), 0);

  const int64_t fresh = Add("fresh", "wire");
  EXPECT_EQ(*pings_->Start(), *mark);  // any node may start: the first one's watermark stays
  ASSERT_TRUE(pings_->Run(Sequence()).ok());
  EXPECT_THAT(indexnow_.LastBody("/indexnow"), HasSubstr(Href("en", fresh)));
  EXPECT_THAT(indexnow_.LastBody("/indexnow"), ::testing::Not(HasSubstr(Href("en", old))));
}

TEST_F(PingsTest, TheJobRunnerRetriesAFailedPingUntilTheHubRecovers) {
  auto answered = std::make_shared<std::atomic<int>>(0);
  hub_.On("/hub", [answered](int fd, const std::string&) {  // down for the first ping only
    FixtureServer::Write(fd, answered->fetch_add(1) == 0 ? 503 : 204, "");
  });
  Add("tanks", "wire");
  PingSchedule schedule(Watermark(), std::chrono::seconds(10), std::chrono::seconds(0));
  auto request = schedule.Next(Sequence(), Now());
  ASSERT_TRUE(request.has_value());
  ASSERT_TRUE(store_->EnqueueJob(*request, Now()).ok());
  schedule.Queued(*request, Now());
  JobRunner runner(*store_, {.holder = "test", .workers = 1, .idle_poll = std::chrono::milliseconds(50),
                             .retry_after = std::chrono::seconds(1)});
  runner.Handle(kPublishPingJob, [this](const Job& job) { return pings_->RunJob(job).status(); });
  runner.Start();
  for (int i = 0; i < 100 && runner.stats().done < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  runner.Stop();
  EXPECT_EQ(runner.stats().failed, 1);
  EXPECT_EQ(runner.stats().done, 1);
  EXPECT_EQ(hub_.Hits("/hub"), 2);
  EXPECT_EQ(Watermark(), std::stoll(request->payload));
}

TEST(PingSchedule, ABurstOfChangesMakesOnePingAndPingsComeAtMostEveryTenSeconds) {
  const TimePoint t0 = TimePoint{std::chrono::seconds(1'000'000)};
  PingSchedule schedule(100);
  EXPECT_FALSE(schedule.Next(100, t0).has_value());  // nothing new
  EXPECT_FALSE(schedule.Next(101, t0).has_value());  // settling
  EXPECT_FALSE(schedule.Next(140, t0 + std::chrono::seconds(1)).has_value());
  auto first = schedule.Next(150, t0 + std::chrono::seconds(2));
  ASSERT_TRUE(first.has_value());
  // Not queued (the store was down): asked again.
  ASSERT_TRUE(schedule.Next(150, t0 + std::chrono::seconds(3)).has_value());
  schedule.Queued(*first, t0 + std::chrono::seconds(3));
  EXPECT_EQ(first->kind, "publish-ping");
  EXPECT_EQ(first->key, "publish-ping@150");
  EXPECT_EQ(first->payload, "150");
  EXPECT_EQ(first->max_attempts, 8);
  EXPECT_FALSE(schedule.Next(150, t0 + std::chrono::seconds(30)).has_value());  // queued already
  EXPECT_FALSE(schedule.Next(151, t0 + std::chrono::seconds(6)).has_value());
  EXPECT_FALSE(schedule.Next(160, t0 + std::chrono::seconds(12)).has_value());
  auto second = schedule.Next(170, t0 + std::chrono::seconds(13));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->key, "publish-ping@170");
}

TEST(PingFetchOptions, KeepTheSitesGuardAndAnswerNoRobotsTxt) {
  FetchOptions base;
  base.allowed_hosts = {"hub.test:8080"};
  base.allow_private_networks = true;
  base.total_timeout = std::chrono::seconds(30);
  FetchOptions o = PingFetchOptions(base);
  EXPECT_FALSE(o.honour_robots);
  EXPECT_EQ(o.max_attempts, 1);
  EXPECT_LE(o.total_timeout, std::chrono::seconds(15));
  EXPECT_TRUE(o.allow_private_networks);
  EXPECT_THAT(o.allowed_hosts, ElementsAre("hub.test:8080"));
}

// --- the key file (GET /{key}.txt) -------------------------------------------

class IndexNowKeyTest : public testing::ServedSiteTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenStore("nd_indexnow_key", "http://news.example")); }
};

TEST_F(IndexNowKeyTest, TheKeyFileAnswersTheKey) {
  config_.indexnow_key = kKey;
  ASSERT_NO_FATAL_FAILURE(Serve());
  auto r = testing::Get(port(), std::string("/") + kKey + ".txt");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.headers["content-type"], HasSubstr("text/plain"));
  EXPECT_EQ(r.body, kKey);
  EXPECT_EQ(testing::Get(port(), "/someotherkey.txt").status, 404);
}

TEST_F(IndexNowKeyTest, WithoutAKeyThereIsNoKeyFile) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  EXPECT_EQ(testing::Get(port(), std::string("/") + kKey + ".txt").status, 404);
}

}  // namespace
}  // namespace newsdesk
