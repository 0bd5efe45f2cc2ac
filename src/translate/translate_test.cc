// Machine translation against real servers: Debian's apertium-apy (en→es)
// and a LibreTranslate-compatible fixture that fails on demand.
#include "translate/translate.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/testing/test_directory.h"
#include "store/store.h"
#include "store/testing/sqlite_store_test.h"
#include "translate/testing/servers.h"

namespace newsdesk {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

// EnglishArticle: eight texts (headline, dateline, paragraph, heading, two
// list items, caption, quote); `tag` makes its body differ from others'.
ArticleRecord EnglishArticle(const std::string& url, const std::string& headline, const std::string& tag = "") {
  ArticleRecord r;
  r.url = url;
  r.source = Source{0, "", "Naval News", "https://navalnews.example/", "FR", "en"};
  r.language = "en";
  r.headline = headline;
  r.dateline = "Paris, April 26th";
  r.published_at = TimePoint{seconds{1777000000}};
  r.body = {Block{BlockType::kParagraph, "The minister said the ship is ready." + tag, {}, "", "", ""},
            Block{BlockType::kHeading, "The new frigate", {}, "", "", ""},
            Block{BlockType::kList, "", {"The first ship" + tag, "The second ship" + tag}, "", "", ""},
            Block{BlockType::kImage, "", {}, "https://navalnews.example/ship.jpg", "The ship in the port", "Navy"},
            Block{BlockType::kQuote, "We are ready for the sea." + tag, {}, "", "", ""}};
  return r;
}

class StoreFixture : public testing::SqliteStoreTest {
 protected:
  StoreFixture() : SqliteStoreTest("nd_translate") {}

  int64_t Add(const ArticleRecord& r) {
    auto up = store_->UpsertArticles({r});
    EXPECT_TRUE(up.ok()) << up.status().ToString();
    return up.ok() ? up->ids.at(0) : 0;
  }

  static PassOptions EnEs() {
    PassOptions o;
    o.editions = {"en", "es"};
    o.retry_failed_after = seconds(0);
    return o;
  }
};

// --- Apertium APy, the real thing -----------------------------------------

class ApertiumTest : public StoreFixture {
 protected:
  static void SetUpTestSuite() { apy_ = new testing::ApertiumServer(); }
  static void TearDownTestSuite() {
    delete apy_;
    apy_ = nullptr;
  }
  void SetUp() override {
    // Not skipped: CI installs apertium-apy (scripts/install-deps --test).
    ASSERT_TRUE(apy_->ok()) << apy_->error();
    StoreFixture::SetUp();
  }
  static TranslatorOptions Options() {
    TranslatorOptions o;
    o.url = apy_->url();
    o.timeout = seconds(30);
    o.requests_per_second = 0;
    return o;
  }
  static testing::ApertiumServer* apy_;
};
testing::ApertiumServer* ApertiumTest::apy_ = nullptr;

TEST_F(ApertiumTest, TranslatesEnglishIntoSpanishKeepingEmptyParagraphs) {
  auto client = MakeApertiumClient(Options());
  auto out = client->Translate({"The minister said the ship is ready.", "", "The navy has a new ship."}, "en", "es",
                               Format::kText);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), 3u);
  EXPECT_NE((*out)[0].find("ministro"), std::string::npos) << (*out)[0];
  EXPECT_EQ((*out)[1], "");
  EXPECT_NE((*out)[2].find("barco"), std::string::npos) << (*out)[2];
}

TEST_F(ApertiumTest, BatchesComeBackInOrder) {
  TranslatorOptions o = Options();
  o.batch_paragraphs = 4;
  auto client = MakeApertiumClient(o);
  std::vector<std::string> in;
  for (int i = 1; i <= 10; ++i) in.push_back(fmt::format("The ship number {} is ready.", i));
  auto out = client->Translate(in, "en", "es", Format::kText);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), in.size());
  for (int i = 1; i <= 10; ++i) EXPECT_NE((*out)[i - 1].find(std::to_string(i)), std::string::npos) << (*out)[i - 1];
  EXPECT_EQ(client->counters().requests, 3) << "10 paragraphs, 4 per request";
}

TEST_F(ApertiumTest, AnEnglishArticleGetsASpanishMachineTranslation) {
  const int64_t id = Add(EnglishArticle("https://navalnews.example/1", "The minister said the ship is ready"));
  Translators translators;
  translators.Add(MakeApertiumClient(Options()), {"en-es"});
  TranslationPass pass(*store_, *store_, translators, EnEs());
  auto stats = pass.RunOnce();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->translated, 1);
  EXPECT_EQ(stats->failed, 0);

  auto t = store_->GetTranslation(id, "es");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->by, TranslatedBy::kMachine);
  EXPECT_NE(t->headline.find("ministro"), std::string::npos) << t->headline;
  EXPECT_NE(t->dateline.find("abril"), std::string::npos) << t->dateline;
  ASSERT_EQ(t->body.size(), 5u) << "the same blocks, translated";
  EXPECT_EQ(t->body[1].type, BlockType::kHeading);
  ASSERT_EQ(t->body[2].items.size(), 2u);
  EXPECT_NE(t->body[2].items[1].find("segundo"), std::string::npos) << t->body[2].items[1];
  EXPECT_EQ(t->body[3].url, "https://navalnews.example/ship.jpg");
  EXPECT_NE(t->body[3].caption.find("puerto"), std::string::npos) << t->body[3].caption;
  EXPECT_EQ(t->body[3].credit, "Navy");

  auto again = pass.RunOnce();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->articles_seen, 0) << "done is done until the article changes";
}

TEST_F(ApertiumTest, TheSecondPassOverUnchangedTextHitsTheCache) {
  const ArticleRecord r = EnglishArticle("https://navalnews.example/2", "The navy has a new ship");
  const int64_t id = Add(r);
  Translators translators;
  auto client = std::shared_ptr<Translator>(MakeApertiumClient(Options()));
  translators.Add(client, {"en-es"});
  TranslationPass pass(*store_, *store_, translators, EnEs());
  auto first = pass.RunOnce();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->cache_hits, 0);
  const auto requests = client->counters().requests;
  auto before = store_->GetTranslation(id, "es");
  ASSERT_TRUE(before.ok());

  std::this_thread::sleep_for(milliseconds(1100));  // the store's clock counts seconds
  Add(r);  // re-ingested, unchanged
  auto second = pass.RunOnce();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->translated, 1);
  EXPECT_EQ(second->paragraphs, first->paragraphs);
  EXPECT_EQ(second->cache_hits, second->paragraphs);
  EXPECT_DOUBLE_EQ(second->hit_rate(), 1.0);
  EXPECT_EQ(second->sent, 0);
  EXPECT_EQ(client->counters().requests, requests) << "nothing sent twice";
  EXPECT_EQ(store_->GetTranslation(id, "es")->headline, before->headline);
}

TEST_F(ApertiumTest, AHumanTranslationIsNeverOverwritten) {
  const ArticleRecord r = EnglishArticle("https://navalnews.example/3", "The ship is ready");
  const int64_t id = Add(r);
  Translation human;
  human.language = "es";
  human.by = TranslatedBy::kHuman;
  human.headline = "El buque está listo";
  human.body = {Block{BlockType::kParagraph, "Traducido por una persona.", {}, "", "", ""}};
  ASSERT_TRUE(store_->PutTranslation(id, human).ok());

  std::this_thread::sleep_for(milliseconds(1100));
  Add(r);  // the article changes after the editor's translation
  Translators translators;
  translators.Add(MakeApertiumClient(Options()), {"en-es"});
  TranslationPass pass(*store_, *store_, translators, EnEs());
  auto stats = pass.RunOnce();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->articles_seen, 0);
  // Even a machine translation stored directly leaves it alone.
  Translation machine = human;
  machine.by = TranslatedBy::kMachine;
  machine.headline = "El barco está a punto";
  ASSERT_TRUE(store_->PutTranslation(id, machine).ok());
  auto t = store_->GetTranslation(id, "es");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->by, TranslatedBy::kHuman);
  EXPECT_EQ(t->headline, "El buque está listo");
}

// --- the LibreTranslate fixture: every failure path ---------------------------

class LibreTranslateTest : public StoreFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok()) << "the LibreTranslate fixture did not start";
    StoreFixture::SetUp();
  }
  TranslatorOptions Options(const std::string& mode) {
    TranslatorOptions o;
    o.url = server_.url();
    o.api_key = mode;
    o.timeout = milliseconds(1000);
    o.max_attempts = 3;
    o.backoff = milliseconds(50);
    o.requests_per_second = 0;
    return o;
  }
  Result<std::vector<std::string>> Run(const std::string& mode, const std::vector<std::string>& in,
                                       TranslatorCounters* counters = nullptr) {
    auto client = MakeLibreTranslateClient(Options(mode));
    auto out = client->Translate(in, "en", "es", Format::kText);
    if (counters) *counters = client->counters();
    return out;
  }
  static void ExpectUnavailable(const Result<std::vector<std::string>>& out, const std::string& because) {
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), Code::kUnavailable);
    EXPECT_NE(out.status().message().find(because), std::string::npos) << out.status().message();
  }
  testing::LibreTranslateFixture server_;
};

TEST_F(LibreTranslateTest, TranslatesABatch) {
  auto out = Run("ok", {"one", "", "two"});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, (std::vector<std::string>{"[es] one", "", "[es] two"}));
}

TEST_F(LibreTranslateTest, ATimeoutIsUnavailableAfterTheRetries) {
  TranslatorCounters c;
  ExpectUnavailable(Run("slow", {"one"}, &c), "timed out");
  EXPECT_EQ(c.requests, 3);
}

TEST_F(LibreTranslateTest, A429WaitsForRetryAfterThenSucceeds) {
  const auto start = std::chrono::steady_clock::now();
  TranslatorCounters c;
  auto out = Run("429", {"one"}, &c);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0], "[es] one");
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(950)) << "Retry-After: 1 honoured";
  EXPECT_EQ(c.retries, 1);
}

TEST_F(LibreTranslateTest, ARetryAfterBeyondTheLimitGivesUpAtOnce) {
  TranslatorCounters c;
  ExpectUnavailable(Run("429-long", {"one"}, &c), "retry after 3600");
  EXPECT_EQ(c.requests, 1);
}

TEST_F(LibreTranslateTest, A500IsRetriedThenUnavailable) {
  TranslatorCounters c;
  auto out = Run("500", {"one"}, &c);
  EXPECT_EQ(out.status().code(), Code::kUnavailable);
  EXPECT_EQ(c.requests, 3);
  auto once = Run("500-once", {"one"});
  ASSERT_TRUE(once.ok()) << once.status().ToString();
}

TEST_F(LibreTranslateTest, MalformedOrShortRepliesAreUnavailable) {
  auto malformed = Run("malformed", {"one"});
  EXPECT_EQ(malformed.status().code(), Code::kUnavailable);
  EXPECT_NE(malformed.status().message().find("malformed"), std::string::npos) << malformed.status().message();
  auto shorter = Run("short", {"one", "two"});
  EXPECT_EQ(shorter.status().code(), Code::kUnavailable);
}

TEST_F(LibreTranslateTest, ADroppedConnectionIsUnavailable) {
  auto out = Run("drop", {"one"});
  EXPECT_EQ(out.status().code(), Code::kUnavailable) << out.status().ToString();
}

TEST_F(LibreTranslateTest, ARefusedKeyIsPermanentAndNotRetried) {
  TranslatorCounters c;
  auto out = Run("bad-key", {"one"}, &c);
  EXPECT_EQ(out.status().code(), Code::kInvalidArgument);
  EXPECT_NE(out.status().message().find("Invalid API key"), std::string::npos);
  EXPECT_EQ(c.requests, 1);
}

// No failure loses an article or leaves half of it translated; the next
// pass, with the server well again, translates it.
TEST_F(LibreTranslateTest, NoFailureLosesAnArticleOrStoresHalfATranslation) {
  for (const std::string mode : {"slow", "500", "malformed", "short", "drop", "after-1", "429-long"}) {
    SCOPED_TRACE(mode);
    const int64_t id =
        Add(EnglishArticle("https://navalnews.example/" + mode, "Headline in " + mode, " (" + mode + ")"));
    TranslatorOptions o = Options(mode);
    o.batch_paragraphs = 2;  // several requests per article: "after-1" fails half way
    o.max_attempts = 2;
    Translators failing;
    failing.Add(MakeLibreTranslateClient(o), {"en-es"});
    TranslationPass pass(*store_, *store_, failing, EnEs());
    auto stats = pass.RunOnce();
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    EXPECT_EQ(stats->translated, 0);
    EXPECT_EQ(stats->failed, 1);
    EXPECT_FALSE(stats->last_error.empty());
    EXPECT_TRUE(store_->GetTranslation(id, "es").status().is_not_found()) << "no half translation";
    EXPECT_TRUE(store_->GetArticle(id).ok()) << "the article is still there";
    EXPECT_EQ(*store_->CountTranslationFailures(), 1);

    Translators well;
    well.Add(MakeLibreTranslateClient(Options("ok")), {"en-es"});
    TranslationPass retry(*store_, *store_, well, EnEs());
    auto healed = retry.RunOnce();
    ASSERT_TRUE(healed.ok());
    EXPECT_EQ(healed->translated, 1);
    auto t = store_->GetTranslation(id, "es");
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->headline, "[es] Headline in " + mode);
    EXPECT_EQ(t->body.size(), 5u);
    EXPECT_EQ(*store_->CountTranslationFailures(), 0);
  }
}

TEST_F(LibreTranslateTest, AFailedArticleWaitsBeforeItIsTriedAgain) {
  const int64_t id = Add(EnglishArticle("https://navalnews.example/wait", "Waiting"));
  Translators failing;
  failing.Add(MakeLibreTranslateClient(Options("bad-key")), {"en-es"});
  PassOptions o = EnEs();
  o.retry_failed_after = seconds(3600);
  TranslationPass pass(*store_, *store_, failing, o);
  ASSERT_EQ(pass.RunOnce()->failed, 1);
  EXPECT_EQ(pass.RunOnce()->articles_seen, 0) << "not before its retry time";
  EXPECT_TRUE(store_->GetArticle(id).ok());
}

TEST_F(LibreTranslateTest, APairWithoutAServerStaysUntranslated) {
  const int64_t id = Add(EnglishArticle("https://navalnews.example/ru", "Untranslated"));
  Translators translators;
  translators.Add(MakeLibreTranslateClient(Options("ok")), {"en-ru"});  // ru is not an edition here
  TranslationPass pass(*store_, *store_, translators, EnEs());
  auto stats = pass.RunOnce();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->articles_seen, 0);
  EXPECT_TRUE(store_->GetTranslation(id, "es").status().is_not_found());
}

// --- configuration and helpers ---------------------------------------------------

TEST(TranslateConfig, ServersArePairsByKindFromToml) {
  const testing::TestDirectory tmp("nd_translate_config");
  const fs::path path = tmp / "newsdesk.toml";
  std::ofstream(path) << R"(
[site]
editions = ["en", "es", "ru"]
[translate]
timeout_seconds = 20
[[translate.servers]]
kind = "apertium"
url = "http://127.0.0.1:2737"
pairs = ["en-es", "es-en"]
requests_per_second = 20
[[translate.servers]]
kind = "libretranslate"
url = "http://127.0.0.1:5000/"
api_key = "secret"
pairs = ["ru-en", "en-es"]
)";
  Config c;
  Status s = LoadConfigFile(path.string(), c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(c.translate_servers.size(), 2u);
  EXPECT_EQ(c.translate_servers[0].kind, "apertium");
  EXPECT_EQ(c.translate_servers[0].requests_per_second, 20);
  EXPECT_EQ(c.translate_servers[1].api_key, "secret");
  EXPECT_EQ(c.translate_timeout_seconds, 20u);
  auto translators = Translators::FromConfig(c);
  ASSERT_TRUE(translators.ok());
  EXPECT_EQ(translators->Pairs(), (std::vector<std::string>{"en-es", "es-en", "ru-en"}));
  EXPECT_EQ(translators->For("ru", "es"), nullptr);

  std::ofstream(path) << "[[translate.servers]]\nkind = \"deepl\"\nurl = \"http://x\"\n";
  Config bad;
  EXPECT_EQ(LoadConfigFile(path.string(), bad).code(), Code::kInvalidArgument);
}

TEST(TranslateHelpers, ApertiumCodesAndStableHashes) {
  EXPECT_EQ(ApertiumCode("en"), "eng");
  EXPECT_EQ(ApertiumCode("es"), "spa");
  EXPECT_EQ(ApertiumCode("xyz"), "xyz");
  EXPECT_EQ(TextHash("ship", Format::kText), TextHash("ship", Format::kText));
  EXPECT_NE(TextHash("ship", Format::kText), TextHash("ship", Format::kHtml));
  EXPECT_EQ(TextHash("ship", Format::kText).size(), 32u);
}

}  // namespace
}  // namespace newsdesk
