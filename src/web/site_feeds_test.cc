// The outgoing feeds (issue 17, part 3) over real HTTP, on both backends:
// each scope (edition, source, entity, search) in each format (RSS 2.0,
// Atom 1.0, JSON Feed 1.1) is read back by the project's own feed parser
// and by Debian's python3-feedparser (no bozo flag), with full text, the
// image credit, WebSub hubs and autodiscovery links.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

#include "ingest/feed.h"
#include "mentions/gazetteer.h"
#include "model/feed_address.h"
#include "search/follower.h"
#include "search/search.h"
#include "web/test_client.h"
#include "web/testing/served_site_test.h"

namespace newsdesk {
namespace {

using testing::RawResponse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TimePoint At(const char* iso) { return *ParseIso8601(iso); }

class SiteFeedsTest : public testing::ServedSiteTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore("nd_feeds", "http://news.example"));
    config_.site_name = "Test Gazette";
    config_.websub_hubs = {"https://hub.example/", "https://second-hub.example/publish"};
    gazetteer_ = *Gazetteer::LoadBuiltIn();

    ArticleRecord en = Record("https://wire.example/frigate", "en", "Frigate <b>launched</b> & named",
                              "2025-03-10T09:00:00Z");
    en.author = "Jane Writer";
    en.image = Image{"https://wire.example/frigate.jpg", "© Wire Photo / J. Smith", "The frigate at sea"};
    en.body = {Block{BlockType::kParagraph, "NATO saw the frigate launched at the yard.", {}, {}, {}, {}},
               Block{BlockType::kQuote, "A fine ship & a <script>fast</script> one.", {}, {}, {}, {}}};
    en.mentions = {MentionRecord{"nato", 1, 0}};
    Translation ru;
    ru.language = "ru";
    ru.headline = "Фрегат спущен на воду";
    ru.body = {Block{BlockType::kParagraph, "НАТО увидело спуск фрегата.", {}, {}, {}, {}}};
    ru.by = TranslatedBy::kMachine;
    en.translations.push_back(ru);
    frigate_ = Add(en);

    ArticleRecord tass = Record("https://tass.example/1", "ru", "Учения завершены", "2025-03-11T09:00:00Z");
    tass.source = Source{0, "", "ТАСС", "https://tass.example/", "ru", "ru"};
    tass.body = {Block{BlockType::kParagraph, "Учения завершились в срок.", {}, {}, {}, {}}};
    drill_ = Add(tass);
  }

  ArticleRecord Record(const std::string& url, const std::string& language, const std::string& headline,
                       const char* published) {
    ArticleRecord r;
    r.url = url;
    r.source = Source{0, "", "Wire", "https://wire.example/", "", "en"};
    r.language = language;
    r.headline = headline;
    r.published_at = At(published);
    r.body = {Block{BlockType::kParagraph, "Text of " + headline + ".", {}, {}, {}, {}}};
    return r;
  }
  int64_t Add(const ArticleRecord& r) {
    auto stored = store_->UpsertArticles({r});
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() ? stored->ids.front() : 0;
  }
  void ServeWithSearch() {
    ASSERT_NO_FATAL_FAILURE(Serve(gazetteer_));
    auto index = SearchIndex::Open((dir_ / "search").string());
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = std::move(*index);
    IndexFollower follower(*store_, *index_);
    ASSERT_TRUE(follower.CatchUp().ok());
    served_->site().AttachSearch(index_.get());
  }
  std::string Slug(int64_t id) { return store_->GetArticle(id)->slug; }

  // Parsed fetches `target` and reads it with the project's own parser.
  Feed Parsed(const std::string& target, const std::string& content_type) {
    RawResponse r = testing::Get(port(), target);
    EXPECT_EQ(r.status, 200) << target << "\n" << r.body;
    EXPECT_EQ(r.headers["content-type"], content_type) << target;
    last_ = r;
    auto feed = ParseFeed(r.body, "http://news.example" + target);
    EXPECT_TRUE(feed.ok()) << target << ": " << feed.status().ToString();
    EXPECT_TRUE(feed.ok() && feed->warnings.empty()) << target << ": " << (feed.ok() && !feed->warnings.empty() ? feed->warnings.front() : "");
    return feed.ok() ? *feed : Feed{};
  }

  // FeedParser reads what Parsed fetched last with python3-feedparser: its
  // verdict as JSON (bozo, version, entries with id, updated, author,
  // content and language); a JSON Feed is checked against its schema.
  nlohmann::json FeedParser() {
    const std::string file = (dir_ / "feed.out").string();
    std::ofstream(file, std::ios::binary) << last_.body;
    const std::string script = (dir_ / "read_feed.py").string();
    std::ofstream(script) << R"py(
import json, sys
body = open(sys.argv[1], 'rb').read()
try:
    feed = json.loads(body)
except ValueError:
    feed = None
if isinstance(feed, dict):
    # Debian 12's feedparser (6.0.10) reads no JSON Feed: the feed is held
    # to the JSON Feed 1.1 schema written from the specification instead.
    import jsonschema
    schema = json.load(open(sys.argv[2]))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(feed), key=str)
    print(json.dumps({
      'bozo': bool(errors), 'why': errors[0].message if errors else '', 'version': 'json11',
      'hubs': [h['url'] for h in feed.get('hubs', [])],
      'entries': [{'id': i.get('id', ''), 'updated': i.get('date_modified', ''),
                   'author': (i.get('authors') or [{}])[0].get('name', ''), 'title': i.get('title', ''),
                   'link': i.get('url', ''), 'content': i.get('content_html', ''), 'language': i.get('language', '')}
                  for i in feed.get('items', [])]}))
    sys.exit(0)
import feedparser
d = feedparser.parse(body)
print(json.dumps({
  'bozo': bool(d.bozo), 'why': str(d.get('bozo_exception', '')), 'version': d.version,
  'hubs': [l['href'] for l in d.feed.get('links', []) if l.get('rel') == 'hub'],
  'entries': [{'id': e.get('id', ''), 'updated': e.get('updated', ''), 'author': e.get('author', ''),
               'title': e.get('title', ''), 'link': e.get('link', ''),
               'content': (e.get('content') or [{'value': e.get('summary', '')}])[0]['value'],
               'language': (e.get('content') or [{}])[0].get('language') or ''}
              for e in d.entries]}))
)py";
    // Debian's python (the one python3-feedparser installs into), not a
    // user's own on PATH.
    const std::string schema = std::string(ND_SOURCE_DIR) + "/tests/feeds/jsonfeed-1.1.schema.json";
    FILE* p = popen(fmt::format("/usr/bin/python3 '{}' '{}' '{}' 2>&1", script, file, schema).c_str(), "r");
    if (!p) return {{"bozo", true}, {"why", "cannot run python3"}};
    std::string out;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    pclose(p);
    auto j = nlohmann::json::parse(out, nullptr, false);
    if (j.is_discarded()) return {{"bozo", true}, {"why", out}};
    return j;
  }

  std::shared_ptr<const Gazetteer> gazetteer_;
  std::unique_ptr<SearchIndex> index_;
  RawResponse last_;
  int64_t frigate_ = 0, drill_ = 0;
};

constexpr const char* kRssType = "application/rss+xml; charset=utf-8";
constexpr const char* kAtomType = "application/atom+xml; charset=utf-8";
constexpr const char* kJsonType = "application/feed+json; charset=utf-8";

TEST_F(SiteFeedsTest, EditionFeedsInEveryFormatCarryFullTextTheImageCreditAndTheHubs) {
  ASSERT_NO_FATAL_FAILURE(Serve(gazetteer_));
  const std::string frigate_url = fmt::format("http://news.example/en/articles/{}-{}", frigate_, Slug(frigate_));
  for (auto [path, type, format] : {std::tuple{"/en/feed.xml", kRssType, FeedFormat::kRss2},
                                    std::tuple{"/en/feed.atom", kAtomType, FeedFormat::kAtom},
                                    std::tuple{"/en/feed.json", kJsonType, FeedFormat::kJson}}) {
    SCOPED_TRACE(path);
    Feed feed = Parsed(path, type);
    EXPECT_EQ(feed.format, format);
    ASSERT_EQ(feed.items.size(), 2u);
    // Newest first; an untranslated original says its language in its title.
    EXPECT_EQ(feed.items[0].title, "[RU] Учения завершены");
    const FeedItem& item = feed.items[1];
    // Text, never markup (readers of RSS and Atom titles strip tags).
    EXPECT_THAT(item.title, ::testing::AnyOf("Frigate <b>launched</b> & named", "Frigate launched & named"));
    if (format != FeedFormat::kJson) EXPECT_THAT(last_.body, Not(HasSubstr("<b>launched")));
    EXPECT_EQ(item.link, frigate_url);
    EXPECT_EQ(item.guid, frigate_url);
    EXPECT_EQ(item.published, At("2025-03-10T09:00:00Z"));
    EXPECT_EQ(item.author, "Jane Writer");
    // The full text, escaped, with the lead image's credit and the rights.
    EXPECT_THAT(item.content_html, HasSubstr("NATO saw the frigate launched at the yard."));
    EXPECT_THAT(item.content_html, HasSubstr("A fine ship &amp; a &lt;script&gt;fast&lt;/script&gt; one."));
    EXPECT_THAT(item.content_html, HasSubstr("© Wire Photo / J. Smith"));
    EXPECT_THAT(item.content_html, Not(HasSubstr("<script>")));
    ASSERT_FALSE(item.images.empty());
    EXPECT_EQ(item.images[0].url, "https://wire.example/frigate.jpg");
    if (format != FeedFormat::kJson)
      EXPECT_THAT(last_.body, HasSubstr("<media:credit>© Wire Photo / J. Smith</media:credit>"));
    EXPECT_THAT(item.categories, ::testing::Contains("NATO"));
    EXPECT_THAT(feed.items[0].content_html, HasSubstr("Учения завершились в срок."));
    // WebSub: the hubs and the feed itself, in the HTTP Link header too.
    EXPECT_THAT(last_.headers["link"], HasSubstr("<https://hub.example/>; rel=\"hub\""));
    EXPECT_THAT(last_.headers["link"], HasSubstr(fmt::format("<http://news.example{}>; rel=\"self\"", path)));
    EXPECT_THAT(last_.body, HasSubstr("https://second-hub.example/publish"));

    nlohmann::json fp = FeedParser();
    EXPECT_FALSE(fp["bozo"].get<bool>()) << fp["why"];
    ASSERT_EQ(fp["entries"].size(), 2u) << fp.dump();
    EXPECT_EQ(fp["entries"][1]["id"], frigate_url);
    EXPECT_EQ(fp["entries"][1]["author"], "Jane Writer");
    EXPECT_FALSE(fp["entries"][1]["updated"].get<std::string>().empty()) << fp.dump();
    EXPECT_THAT(fp["entries"][1]["content"].get<std::string>(), HasSubstr("© Wire Photo / J. Smith"));
    EXPECT_THAT(fp["hubs"], ::testing::Contains("https://hub.example/")) << fp.dump();
  }
  EXPECT_EQ(FeedParser()["version"], "json11");
  Parsed("/en/feed.atom", kAtomType);
  EXPECT_EQ(FeedParser()["version"], "atom10");
  Parsed("/en/feed.xml", kRssType);
  EXPECT_EQ(FeedParser()["version"], "rss20");
}

TEST_F(SiteFeedsTest, TranslationsAreTheEditionsTextAndSayTheyAreMachineMade) {
  ASSERT_NO_FATAL_FAILURE(Serve(gazetteer_));
  Feed feed = Parsed("/ru/feed.atom", kAtomType);
  ASSERT_EQ(feed.items.size(), 2u);
  EXPECT_EQ(feed.items[1].title, "Фрегат спущен на воду");
  EXPECT_THAT(feed.items[1].content_html, HasSubstr("НАТО увидело спуск фрегата."));
  EXPECT_THAT(feed.items[1].content_html, HasSubstr("Машинный перевод"));
  EXPECT_THAT(feed.items[1].content_html, Not(HasSubstr("NATO saw")));
  // The Russian original in the Russian edition, unlabelled.
  EXPECT_EQ(feed.items[0].title, "Учения завершены");
  // Atom names an entry's language when it differs from the feed's.
  Parsed("/en/feed.atom", kAtomType);
  nlohmann::json fp = FeedParser();
  EXPECT_FALSE(fp["bozo"].get<bool>()) << fp["why"];
  EXPECT_EQ(fp["entries"][0]["language"], "ru") << fp.dump();
}

TEST_F(SiteFeedsTest, SourceAndEntityFeedsCarryOnlyTheirArticles) {
  ASSERT_NO_FATAL_FAILURE(Serve(gazetteer_));
  auto source = store_->GetArticle(drill_)->source.slug;
  for (FeedType type : kFeedTypes) {
    Feed by_source = Parsed(FeedPath({FeedScope::Kind::kSource, "en", source}, type), FeedContentType(type));
    ASSERT_EQ(by_source.items.size(), 1u);
    EXPECT_EQ(by_source.items[0].title, "[RU] Учения завершены");
    Feed by_entity = Parsed(FeedPath({FeedScope::Kind::kEntity, "en", "nato"}, type), FeedContentType(type));
    ASSERT_EQ(by_entity.items.size(), 1u);
    EXPECT_THAT(by_entity.items[0].title, HasSubstr("Frigate"));
    EXPECT_FALSE(FeedParser()["bozo"].get<bool>());
  }
  EXPECT_EQ(testing::Get(port(), "/en/sources/no-such-source/feed.atom").status, 404);
  EXPECT_EQ(testing::Get(port(), "/en/mentions/no-such-entity/feed.json").status, 404);
  EXPECT_EQ(testing::Get(port(), "/en/mentions/nato/feed.html").status, 404);
  EXPECT_EQ(testing::Get(port(), "/fr/feed.atom").status, 404);
}

TEST_F(SiteFeedsTest, SearchFeedFollowsAQueryNewestFirst) {
  ASSERT_NO_FATAL_FAILURE(ServeWithSearch());
  Feed feed = Parsed("/en/search/feed.atom?q=frigate", kAtomType);
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_THAT(feed.items[0].title, HasSubstr("Frigate"));
  nlohmann::json fp = FeedParser();
  EXPECT_FALSE(fp["bozo"].get<bool>()) << fp["why"];
  EXPECT_THAT(last_.headers["link"], HasSubstr("<http://news.example/en/search/feed.atom?q=frigate>; rel=\"self\""));
  Feed none = Parsed("/en/search/feed.json?q=zeppelin", kJsonType);
  EXPECT_TRUE(none.items.empty());
}

TEST_F(SiteFeedsTest, PagesLinkTheirFeedsForAutodiscovery) {
  ASSERT_NO_FATAL_FAILURE(ServeWithSearch());
  RawResponse front = testing::Get(port(), "/en/");
  for (const char* link : {"<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Test Gazette — English\" "
                           "href=\"/en/feed.xml\">",
                           "type=\"application/atom+xml\" title=\"Test Gazette — English\" href=\"/en/feed.atom\"",
                           "type=\"application/feed+json\" title=\"Test Gazette — English\" href=\"/en/feed.json\""})
    EXPECT_THAT(front.body, HasSubstr(link));
  auto source = store_->GetArticle(drill_)->source.slug;
  RawResponse source_page = testing::Get(port(), "/en/sources/" + source);
  EXPECT_THAT(source_page.body, HasSubstr(fmt::format("href=\"/en/sources/{}/feed.atom\"", source)));
  EXPECT_THAT(source_page.body, HasSubstr("href=\"/en/feed.atom\""));
  EXPECT_THAT(testing::Get(port(), "/en/mentions/nato").body, HasSubstr("href=\"/en/mentions/nato/feed.json\""));
  EXPECT_THAT(testing::Get(port(), "/en/search?q=frigate").body,
              HasSubstr("href=\"/en/search/feed.xml?q=frigate\""));
}

TEST_F(SiteFeedsTest, FeedsAnswerConditionalRequestsWith304) {
  ASSERT_NO_FATAL_FAILURE(Serve(gazetteer_));
  RawResponse first = testing::Get(port(), "/en/feed.atom");
  ASSERT_EQ(first.status, 200);
  ASSERT_FALSE(first.headers["etag"].empty());
  RawResponse again = testing::Get(port(), "/en/feed.atom", "If-None-Match: " + first.headers["etag"] + "\r\n");
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

}  // namespace
}  // namespace newsdesk
