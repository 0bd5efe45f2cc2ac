#include "store/store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <mutex>
#include <thread>

#include "common/testing/test_directory.h"
#include "common/time.h"
#include "store/sql/connection.h"
#include "store/sql/migrations.h"
#include "store/testing/backend_store_test.h"
#include "store/testing/test_database.h"

namespace newsdesk {
namespace {

namespace fs = std::filesystem;

using testing::BackendName;
using testing::BackendStoreTest;

class StoreTest : public BackendStoreTest {
 protected:
  StoreTest() : BackendStoreTest("nd_store") {}

  static ArticleRecord Record(const std::string& url, const std::string& headline, const std::string& when,
                              const std::string& language = "en") {
    ArticleRecord r;
    r.url = url;
    r.source = Source{0, "", "TSAMTO", "https://tsamto.example/", "RU", "ru"};
    r.language = language;
    r.headline = headline;
    r.dateline = "TSAMTO, April 26th";
    r.published_at = *ParseIso8601(when);
    r.image = Image{"https://tsamto.example/1.jpg", "© Sputnik / Bolat", ""};
    r.rights = "Public domain";
    r.body = {Block{BlockType::kParagraph, "First paragraph.", {}, {}, {}, {}}};
    return r;
  }
};

TEST_P(StoreTest, InsertsThenReadsBackEveryField) {
  auto r = Record("https://tsamto.example/a", "Шойгу выступил в Астане", "2024-04-26T12:40:00+03:00", "ru");
  auto summary = store_->UpsertArticles({r});
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_EQ(summary->inserted, 1);
  auto a = store_->GetArticle(summary->ids[0]);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->headline, "Шойгу выступил в Астане");
  EXPECT_EQ(a->slug, "shoygu-vystupil-v-astane");
  EXPECT_EQ(a->language, "ru");
  EXPECT_EQ(a->dateline, "TSAMTO, April 26th");
  EXPECT_EQ(FormatIso8601(a->published_at), "2024-04-26T09:40:00Z");
  ASSERT_TRUE(a->image.has_value());
  EXPECT_EQ(a->image->credit, "© Sputnik / Bolat");
  EXPECT_EQ(a->rights, "Public domain");
  EXPECT_EQ(a->canonical_url, "https://tsamto.example/a");
  EXPECT_EQ(a->source.name, "TSAMTO");
  EXPECT_EQ(a->source.slug, "tsamto");
  ASSERT_EQ(a->body.size(), 1u);
  EXPECT_EQ(a->body[0].text, "First paragraph.");
}

TEST_P(StoreTest, ReimportingAUrlUpdatesInsteadOfDuplicating) {
  ASSERT_TRUE(store_->UpsertArticles({Record("https://tsamto.example/a", "Old", "2024-04-26T10:00:00Z")}).ok());
  auto again = store_->UpsertArticles({Record("https://tsamto.example/a", "New", "2024-04-26T10:00:00Z")});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->inserted, 0);
  EXPECT_EQ(again->updated, 1);
  auto page = store_->ListArticles({});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].headline, "New");
}

TEST_P(StoreTest, AFailingRecordRollsBackTheWholeBatch) {
  auto bad = Record("https://tsamto.example/b", "", "2024-04-26T10:00:00Z");  // violates CHECK
  auto result = store_->UpsertArticles({Record("https://tsamto.example/a", "Good", "2024-04-26T10:00:00Z"), bad});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("record 2"), std::string::npos) << result.status().message();
  auto page = store_->ListArticles({});
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());
  auto sources = store_->ListSources();
  ASSERT_TRUE(sources.ok());
  EXPECT_TRUE(sources->empty());
}

// A body that could not be read back (a stray control byte) is refused
// with a clear message, and nothing of its batch is written: no article
// left behind that every page showing it would answer with a 500.
TEST_P(StoreTest, ABodyThatCouldNotBeReadBackIsRefusedAndNothingIsWritten) {
  auto bad = Record("https://tsamto.example/bell", "Bell", "2024-04-26T10:00:00Z");
  bad.body = {Block{BlockType::kParagraph, "A bell\x07 rings.", {}, {}, {}, {}}};
  auto result = store_->UpsertArticles({Record("https://tsamto.example/a", "Good", "2024-04-26T10:00:00Z"), bad});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("record 2"), std::string::npos) << result.status().message();
  EXPECT_NE(result.status().message().find("control characters"), std::string::npos) << result.status().message();
  EXPECT_TRUE(store_->ListArticles({})->items.empty());

  auto translated = Record("https://tsamto.example/t", "Translated", "2024-04-26T10:00:00Z");
  Translation t;
  t.language = "ru";
  t.headline = "Перевод";
  t.body = {Block{BlockType::kParagraph, "Звонок\x07.", {}, {}, {}, {}}};
  translated.translations.push_back(t);
  result = store_->UpsertArticles({translated});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("translation into ru"), std::string::npos) << result.status().message();
  EXPECT_TRUE(store_->ListArticles({})->items.empty());
}

// The step import, ingest and the demo share drops such bytes instead, so
// an outlet's stray control byte does not cost the article.
TEST(RemoveControlChars, DropsControlBytesFromEveryTextButKeepsLineBreaks) {
  ArticleRecord r;
  r.headline = "Bell\x07 rings";
  r.rights = "\x01© TSAMTO";
  r.image = Image{"https://tsamto.example/1.jpg", "©\x1f Sputnik", "A\x7f caption"};
  r.body = {Block{BlockType::kList, "", {"one\x02", "two"}, {}, {}, {}},
            Block{BlockType::kParagraph, "Line one\nline two\x0b.", {}, {}, {}, {}}};
  Translation t;
  t.headline = "Звонок\x07";
  t.body = {Block{BlockType::kParagraph, "Текст\x08.", {}, {}, {}, {}}};
  r.translations.push_back(t);
  RemoveControlChars(r);
  EXPECT_EQ(r.headline, "Bell rings");
  EXPECT_EQ(r.rights, "© TSAMTO");
  EXPECT_EQ(r.image->credit, "© Sputnik");
  EXPECT_EQ(r.image->caption, "A caption");
  EXPECT_EQ(r.body[0].items[0], "one");
  EXPECT_EQ(r.body[1].text, "Line one\nline two.");
  EXPECT_EQ(r.translations[0].headline, "Звонок");
  EXPECT_EQ(r.translations[0].body[0].text, "Текст.");
}

TEST_P(StoreTest, MissingArticleIsNotFound) {
  auto a = store_->GetArticle(12345);
  ASSERT_FALSE(a.ok());
  EXPECT_TRUE(a.status().is_not_found());
}

TEST_P(StoreTest, PaginatesNewestFirstWithACursor) {
  std::vector<ArticleRecord> records;
  for (int i = 0; i < 7; ++i)
    records.push_back(Record("https://tsamto.example/" + std::to_string(i), "H" + std::to_string(i),
                             "2024-04-2" + std::to_string(i) + "T10:00:00Z"));
  ASSERT_TRUE(store_->UpsertArticles(records).ok());
  std::vector<std::string> seen;
  ArticleQuery q;
  q.limit = 3;
  for (int pages = 0; pages < 5; ++pages) {
    auto page = store_->ListArticles(q);
    ASSERT_TRUE(page.ok());
    for (const auto& s : page->items) seen.push_back(s.headline);
    if (!page->next) break;
    q.after = page->next;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"H6", "H5", "H4", "H3", "H2", "H1", "H0"}));
}

TEST_P(StoreTest, FiltersByLanguageAndSource) {
  auto ru = Record("https://tsamto.example/ru", "Русский", "2024-04-26T10:00:00Z", "ru");
  auto other = Record("https://other.example/en", "Other", "2024-04-26T11:00:00Z");
  other.source = Source{0, "", "Other Wire", "https://other.example/", "GB", "en"};
  ASSERT_TRUE(store_->UpsertArticles({ru, other}).ok());
  ArticleQuery q;
  q.language = "ru";
  auto page = store_->ListArticles(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].headline, "Русский");

  auto src = store_->GetSourceBySlug("other-wire");
  ASSERT_TRUE(src.ok());
  ArticleQuery by_source;
  by_source.source_id = src->id;
  page = store_->ListArticles(by_source);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].headline, "Other");
}

TEST_P(StoreTest, AttachesTheEditionsTranslationToSummaries) {
  auto r = Record("https://tsamto.example/ru", "Шойгу в Астане", "2024-04-26T10:00:00Z", "ru");
  r.translations.push_back(
      Translation{"en", "Shoigu in Astana", "", {Block{BlockType::kParagraph, "Lead EN.", {}, {}, {}, {}}},
                  TranslatedBy::kHuman});
  ASSERT_TRUE(store_->UpsertArticles({r}).ok());
  ArticleQuery q;
  q.edition = "en";
  auto page = store_->ListArticles(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  ASSERT_TRUE(page->items[0].translation.has_value());
  EXPECT_EQ(page->items[0].translation->headline, "Shoigu in Astana");
  q.edition = "de";
  page = store_->ListArticles(q);
  ASSERT_TRUE(page.ok());
  EXPECT_FALSE(page->items[0].translation.has_value());
}

TEST_P(StoreTest, MachineTranslationNeverReplacesAHumanOne) {
  auto r = Record("https://tsamto.example/ru", "Оригинал", "2024-04-26T10:00:00Z", "ru");
  r.translations.push_back(
      Translation{"en", "Human", "", {Block{BlockType::kParagraph, "H.", {}, {}, {}, {}}}, TranslatedBy::kHuman});
  auto first = store_->UpsertArticles({r});
  ASSERT_TRUE(first.ok());
  r.translations[0] =
      Translation{"en", "Machine", "", {Block{BlockType::kParagraph, "M.", {}, {}, {}, {}}}, TranslatedBy::kMachine};
  ASSERT_TRUE(store_->UpsertArticles({r}).ok());
  auto t = store_->GetTranslation(first->ids[0], "en");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->headline, "Human");
  EXPECT_EQ(t->by, TranslatedBy::kHuman);
  EXPECT_TRUE(store_->GetTranslation(first->ids[0], "de").status().is_not_found());
}

// The publish pings' watermark (issue 17, part 3): nodes racing to record
// how far they pinged never move it back.
TEST_P(StoreTest, ARaisedSettingOnlyMovesForward) {
  EXPECT_EQ(*store_->RaiseSetting("publish.test_seq", 5), 5);
  EXPECT_EQ(*store_->RaiseSetting("publish.test_seq", 120), 120);
  EXPECT_EQ(*store_->RaiseSetting("publish.test_seq", 7), 120);
  EXPECT_EQ(**store_->GetSetting("publish.test_seq"), "120");
  std::vector<std::thread> nodes;
  for (int64_t v : {300, 200, 250, 150}) nodes.emplace_back([&, v] { EXPECT_TRUE(store_->RaiseSetting("publish.test_seq", v).ok()); });
  for (auto& t : nodes) t.join();
  EXPECT_EQ(**store_->GetSetting("publish.test_seq"), "300");
}

TEST_P(StoreTest, ChangeSequenceGrowsWithEveryWrite) {
  auto before = store_->ChangeSequence();
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(store_->UpsertArticles({Record("https://tsamto.example/a", "A", "2024-04-26T10:00:00Z")}).ok());
  auto after = store_->ChangeSequence();
  ASSERT_TRUE(after.ok());
  EXPECT_GT(*after, *before);
}

TEST_P(StoreTest, ReopeningAppliesNoMigrationTwiceAndKeepsData) {
  ASSERT_TRUE(store_->UpsertArticles({Record("https://tsamto.example/a", "A", "2024-04-26T10:00:00Z")}).ok());
  store_.reset();
  auto again = OpenStoreAt(database_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto page = (*again)->ListArticles({});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 1u);
}

TEST_P(StoreTest, SourceSlugsStayUniqueWhenNamesCollide) {
  auto a = Record("https://one.example/a", "A", "2024-04-26T10:00:00Z");
  a.source = Source{0, "", "Defence News", "https://one.example/", "", "en"};
  auto b = Record("https://two.example/b", "B", "2024-04-26T10:00:00Z");
  b.source = Source{0, "", "Defence News", "https://two.example/", "", "en"};
  ASSERT_TRUE(store_->UpsertArticles({a, b}).ok());
  EXPECT_TRUE(store_->GetSourceBySlug("defence-news").ok());
  EXPECT_TRUE(store_->GetSourceBySlug("defence-news-2").ok());
}

TEST_P(StoreTest, ServesReadersOnManyThreadsAtOnce) {
  ASSERT_TRUE(store_->UpsertArticles({Record("https://tsamto.example/a", "A", "2024-04-26T10:00:00Z")}).ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i)
        if (!store_->ListArticles({}).ok() || !store_->GetArticle(1).ok()) ++failures;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

// --- mentions, unknown names and the editors' knowledge base ---------------

NameCandidate Unknown(const std::string& key, const std::string& form, int count = 1) {
  return NameCandidate{key, form, "en", count};
}

TEST_P(StoreTest, UnknownNamesUsedByEnoughArticlesAreOfferedMostUsedFirst) {
  std::vector<ArticleRecord> records;
  for (int i = 0; i < 4; ++i) {
    auto r = Record("https://tsamto.example/" + std::to_string(i), "Story " + std::to_string(i),
                    "2024-04-2" + std::to_string(i) + "T10:00:00Z");
    r.candidates = {Unknown("naval group", i == 0 ? "Naval Groups" : "Naval Group", 2)};
    if (i < 2) r.candidates.push_back(Unknown("thales alenia space", "Thales Alenia Space"));
    if (i == 0) r.candidates.push_back(Unknown("once only", "Once Only"));
    records.push_back(r);
  }
  ASSERT_TRUE(store_->UpsertArticles(records).ok());
  auto page = store_->FindCandidates({.min_articles = 2, .limit = 10});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  auto* list = &page->candidates;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].form, "Naval Group") << "the form most articles use";
  EXPECT_EQ((*list)[0].articles, 4);
  EXPECT_EQ((*list)[0].mentions, 8);
  EXPECT_EQ(FormatIso8601((*list)[0].last_seen), "2024-04-23T10:00:00Z");
  EXPECT_EQ((*list)[1].key, "thales alenia space");
  EXPECT_FALSE(page->next);

  // Pages follow by key: one at a time, the second starts after the first.
  auto first = store_->FindCandidates({.min_articles = 1, .limit = 1});
  ASSERT_TRUE(first.ok() && first->next);
  EXPECT_EQ(first->candidates.at(0).key, "naval group");
  auto second = store_->FindCandidates({.min_articles = 1, .after = first->next, .limit = 1});
  ASSERT_TRUE(second.ok() && second->next);
  EXPECT_EQ(second->candidates.at(0).key, "thales alenia space");
  auto third = store_->FindCandidates({.min_articles = 1, .after = second->next, .limit = 1});
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->candidates.at(0).key, "once only");
  EXPECT_FALSE(third->next);

  // A window counts only its articles: since the 22nd, two use "naval group".
  auto recent = store_->FindCandidates({.min_articles = 1, .since = *ParseIso8601("2024-04-22T00:00:00Z")});
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->candidates.size(), 1u);
  EXPECT_EQ(recent->candidates[0].articles, 2);

  // The articles that use a name, newest first, by key too.
  auto uses = store_->CandidateArticles("naval group", std::nullopt, 3);
  ASSERT_TRUE(uses.ok()) << uses.status().ToString();
  ASSERT_EQ(uses->size(), 3u);
  EXPECT_EQ((*uses)[0].headline, "Story 3");
  EXPECT_EQ((*uses)[0].form, "Naval Group");
  auto older = store_->CandidateArticles("naval group", ArticleCursor{uses->back().published_at, uses->back().article_id}, 3);
  ASSERT_TRUE(older.ok());
  ASSERT_EQ(older->size(), 1u);
  EXPECT_EQ((*older)[0].headline, "Story 0");
  EXPECT_EQ((*older)[0].form, "Naval Groups");

  ASSERT_TRUE(store_->DismissCandidate("naval group").ok());
  page = store_->FindCandidates({.min_articles = 2, .limit = 10});
  ASSERT_EQ(page->candidates.size(), 1u);
  EXPECT_EQ(page->candidates[0].key, "thales alenia space");

  // Re-tagging replaces an article's unknown names.
  auto ids = store_->ArticleIds();
  for (int64_t id : *ids) ASSERT_TRUE(store_->ReplaceTags(id, {}, {}).ok());
  EXPECT_TRUE(store_->FindCandidates({.min_articles = 1})->candidates.empty());
}

TEST_P(StoreTest, MergingMovesMentionsAddsCountsAndRedirects) {
  auto a = Record("https://tsamto.example/a", "A", "2024-04-20T10:00:00Z");
  a.mentions = {MentionRecord{"kiev", 2, 10}, MentionRecord{"kyiv-city", 3, 4}};
  auto b = Record("https://tsamto.example/b", "B", "2024-04-21T10:00:00Z");
  b.mentions = {MentionRecord{"kyiv-city", 1, 7}};
  auto ids = store_->UpsertArticles({a, b});
  ASSERT_TRUE(ids.ok());
  const int64_t version = *store_->KnowledgeVersion();
  const int64_t seq = *store_->ChangeSequence();

  ASSERT_TRUE(store_->PutEntityEdit(EntityEdit{"kyiv-city", R"({"id":"kyiv-city"})", {}}).ok());
  ASSERT_TRUE(store_->MergeEntities("kyiv-city", EntityEdit{"kiev", R"({"id":"kiev","merged":true})", {}}).ok());

  auto first = store_->GetArticle(ids->ids[0]);
  ASSERT_EQ(first->mentions.size(), 1u);
  EXPECT_EQ(first->mentions[0].entity, "kiev");
  EXPECT_EQ(first->mentions[0].count, 5);
  EXPECT_EQ(first->mentions[0].first_offset, 4);
  EXPECT_EQ(store_->GetArticle(ids->ids[1])->mentions[0].entity, "kiev");
  auto redirects = store_->EntityRedirects();
  ASSERT_EQ(redirects->size(), 1u);
  EXPECT_EQ((*redirects)[0], std::make_pair(std::string("kyiv-city"), std::string("kiev")));
  auto edits = store_->ListEntityEdits();
  ASSERT_EQ(edits->size(), 1u) << "the merged-away entity's own edit is gone";
  EXPECT_EQ((*edits)[0].definition, R"({"id":"kiev","merged":true})");
  EXPECT_GT(*store_->KnowledgeVersion(), version);

  // Both articles changed: an index following the changes sees them.
  auto changes = store_->ChangesSince(seq, 100);
  ASSERT_TRUE(changes.ok());
  std::set<int64_t> touched;
  for (const auto& c : *changes)
    if (c.entity == "article") touched.insert(c.entity_id);
  EXPECT_EQ(touched, (std::set<int64_t>{ids->ids[0], ids->ids[1]}));

  // A later merge carries earlier redirects along.
  ASSERT_TRUE(store_->MergeEntities("kiev", EntityEdit{"kyiv", R"({"id":"kyiv"})", {}}).ok());
  redirects = store_->EntityRedirects();
  ASSERT_EQ(redirects->size(), 2u);
  for (const auto& [from, to] : *redirects) EXPECT_EQ(to, "kyiv") << from;
  EXPECT_FALSE(store_->MergeEntities("kyiv", EntityEdit{"kyiv", "{}", {}}).ok());
}

TEST_P(StoreTest, ChangesAreListedInOrderFromASequenceNumber) {
  ASSERT_TRUE(store_->UpsertArticles({Record("https://tsamto.example/1", "One", "2024-04-20T10:00:00Z")}).ok());
  ASSERT_TRUE(store_->UpsertArticles({Record("https://tsamto.example/2", "Two", "2024-04-20T11:00:00Z")}).ok());
  auto all = store_->ChangesSince(0, 100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_LT((*all)[0].seq, (*all)[1].seq);
  auto rest = store_->ChangesSince((*all)[0].seq, 100);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].entity, "article");
  EXPECT_EQ(store_->ChangesSince((*all)[1].seq, 100)->size(), 0u);
}

TEST(OpenSqliteStore, DataDirectoryThatIsAFileIsAClearError) {
  testing::TestDirectory tmp("nd_store");
  auto file = tmp / "not_a_dir";
  std::ofstream(file) << "x";
  auto s = OpenSqliteStore(file.string());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kIOError);
  EXPECT_NE(s.status().message().find(file.string()), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace newsdesk

namespace newsdesk {
namespace {

class FeedStoreTest : public BackendStoreTest {
 protected:
  FeedStoreTest() : BackendStoreTest("nd_feedstore") {}
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(BackendStoreTest::SetUp());
    Source src;
    src.name = "Wire";
    src.home_url = "https://wire.example/";
    src.language = "en";
    src.feed_url = "https://wire.example/rss";
    src.fetch_interval_seconds = 600;
    src.drop_selectors = {".share", "#comments"};
    auto added = store_->AddFeedSource(src);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    feed_ = *added;
    auto st = store_->GetSourceStatus(added->source_id);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    source_ = st->source;
  }
  ArticleRecord Item(const std::string& url, const std::string& guid, const std::string& text) {
    ArticleRecord r;
    r.url = url;
    r.guid = guid;
    r.source = source_;
    r.language = "en";
    r.headline = "Headline of " + url;
    r.published_at = *ParseIso8601("2024-04-26T10:00:00Z");
    r.body = {Block{BlockType::kParagraph, text, {}, {}, {}, {}}};
    return r;
  }
  // EmptyOutlet is an outlet of its own with one feed, which no article
  // comes from.
  static Source EmptyOutlet() {
    Source empty;
    empty.name = "Empty";
    empty.home_url = "https://empty.example/";
    empty.language = "en";
    empty.feed_url = "https://empty.example/rss";
    return empty;
  }
  // AddSecondFeed follows `feed_url` as another feed of the same outlet.
  Result<FeedStatus> AddSecondFeed(const std::string& feed_url, const std::string& language = "en") {
    Source other;
    other.name = "Wire in another language";
    other.home_url = source_.home_url;
    other.language = language;
    other.feed_url = feed_url;
    other.fetch_interval_seconds = 1800;
    return store_->AddFeedSource(other);
  }
  Source source_;
  FeedStatus feed_;
};

const char* kStory =
    "The defence ministers of the member states met in Astana on Friday to discuss regional security, joint "
    "exercises and the situation in Afghanistan, and agreed to expand military contacts between the organisations "
    "over the coming year, the ministry said in a statement published after the meeting.";

TEST_P(FeedStoreTest, FollowedSourcesKeepTheirSettings) {
  EXPECT_EQ(source_.slug, "wire");
  auto st = store_->GetSourceStatus(source_.id);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->source.feed_url, "https://wire.example/rss");
  EXPECT_EQ(st->source.fetch_interval_seconds, 600);
  EXPECT_EQ(st->source.drop_selectors, (std::vector<std::string>{".share", "#comments"}));
  Source again = source_;
  EXPECT_EQ(store_->AddFeedSource(again).status().code(), Code::kAlreadyExists);
}

TEST_P(FeedStoreTest, RecordsFetchOutcomesAndSchedulesTheNext) {
  auto now = *ParseIso8601("2024-04-26T10:00:00Z");
  auto due = store_->DueFeeds(now, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  FetchOutcome fail{now, false, "HTTP 503", "HTTP 503", "", "", now + std::chrono::seconds(120)};
  ASSERT_TRUE(store_->RecordFetch(feed_.id, fail).ok());
  ASSERT_TRUE(store_->RecordFetch(feed_.id, fail).ok());
  auto st = store_->GetSourceStatus(source_.id);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->consecutive_failures, 2);
  EXPECT_EQ(st->last_error, "HTTP 503");
  EXPECT_TRUE(store_->DueFeeds(now, 10)->empty());
  EXPECT_EQ(store_->DueFeeds(now + std::chrono::seconds(120), 10)->size(), 1u);
  FetchOutcome ok{now, true, "ok", "", "\"e1\"", "Fri, 26 Apr 2024 10:00:00 GMT", now + std::chrono::seconds(600)};
  ASSERT_TRUE(store_->RecordFetch(feed_.id, ok).ok());
  st = store_->GetSourceStatus(source_.id);
  EXPECT_EQ(st->consecutive_failures, 0);
  EXPECT_EQ(st->last_error, "");
  EXPECT_EQ(st->etag, "\"e1\"");
  EXPECT_TRUE(store_->RecordFetch(feed_.id + 1000, ok).is_not_found());
}

TEST_P(FeedStoreTest, AnOutletIsFollowedThroughSeveralFeeds) {
  auto second = AddSecondFeed("https://wire.example/ru/rss", "ru");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->source_id, source_.id);
  EXPECT_NE(second->id, feed_.id);
  EXPECT_EQ(second->feed_url, "https://wire.example/ru/rss");
  EXPECT_EQ(second->language, "ru");  // its own, the outlet's is "en"
  EXPECT_EQ(second->fetch_interval_seconds, 1800);
  EXPECT_EQ(feed_.language, "");

  auto st = store_->GetSourceStatus(source_.id);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->source.name, "Wire");  // the outlet is not renamed by its second feed
  EXPECT_EQ(st->source.language, "en");
  EXPECT_EQ(st->source.drop_selectors, (std::vector<std::string>{".share", "#comments"}));
  ASSERT_EQ(st->feeds.size(), 2u);
  EXPECT_EQ(st->feeds[0].feed_url, "https://wire.example/rss");
  EXPECT_EQ(st->feeds[1].feed_url, "https://wire.example/ru/rss");
  EXPECT_EQ(st->source.feed_url, "https://wire.example/rss");  // the summary is the first feed's

  auto list = store_->ListSourceStatuses();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].feeds.size(), 2u);

  // Only the same feed URL is refused, whichever outlet it is offered for.
  auto again = AddSecondFeed("https://wire.example/ru/rss");
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(store_->GetSourceStatus(source_.id)->feeds.size(), 2u);

  // A second feed in the outlet's own language has no language of its own.
  auto third = AddSecondFeed("https://wire.example/world/rss", "en");
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->language, "");
}

TEST_P(FeedStoreTest, EachFeedHasItsOwnFetchStatus) {
  auto second = AddSecondFeed("https://wire.example/ru/rss", "ru");
  ASSERT_TRUE(second.ok());
  auto now = *ParseIso8601("2024-04-26T10:00:00Z");
  ASSERT_EQ(store_->DueFeeds(now, 10)->size(), 2u);
  FetchOutcome fail{now, false, "HTTP 404", "HTTP 404", "", "", now + std::chrono::seconds(120)};
  FetchOutcome ok{now, true, "ok", "", "\"e2\"", "", now + std::chrono::seconds(600)};
  ASSERT_TRUE(store_->RecordFetch(second->id, fail).ok());
  ASSERT_TRUE(store_->RecordFetch(feed_.id, ok).ok());

  auto first_now = store_->GetFeedStatus(feed_.id);
  auto second_now = store_->GetFeedStatus(second->id);
  ASSERT_TRUE(first_now.ok() && second_now.ok());
  EXPECT_EQ(first_now->last_status, "ok");
  EXPECT_EQ(first_now->consecutive_failures, 0);
  EXPECT_EQ(first_now->etag, "\"e2\"");
  EXPECT_EQ(second_now->last_status, "HTTP 404");
  EXPECT_EQ(second_now->last_error, "HTTP 404");
  EXPECT_EQ(second_now->consecutive_failures, 1);
  EXPECT_EQ(second_now->etag, "");
  auto st = store_->GetSourceStatus(source_.id);
  ASSERT_EQ(st->feeds.size(), 2u);
  EXPECT_EQ(st->feeds[1].last_status, "HTTP 404");

  // Due work is per feed: the failed one comes back first.
  auto due = store_->DueFeeds(now + std::chrono::seconds(120), 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, second->id);
  EXPECT_EQ(store_->DueFeeds(now + std::chrono::seconds(600), 10)->size(), 2u);
  EXPECT_TRUE(store_->GetFeedStatus(second->id + 1000).status().is_not_found());
}

TEST_P(FeedStoreTest, RemovingOneFeedKeepsTheOutletAndItsOtherFeeds) {
  auto second = AddSecondFeed("https://wire.example/ru/rss", "ru");
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(store_->UpsertArticles({Item("https://wire.example/a", "", kStory)}).ok());

  ASSERT_TRUE(store_->RemoveFeed(feed_.id).ok());
  auto st = store_->GetSourceStatus(source_.id);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(st->feeds.size(), 1u);
  EXPECT_EQ(st->feeds[0].id, second->id);
  EXPECT_EQ(st->source.feed_url, "https://wire.example/ru/rss");
  EXPECT_EQ(st->article_count, 1);
  EXPECT_TRUE(store_->GetFeedStatus(feed_.id).status().is_not_found());
  EXPECT_TRUE(store_->RemoveFeed(feed_.id).is_not_found());
  auto due = store_->DueFeeds(*ParseIso8601("2030-01-01T00:00:00Z"), 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, second->id);

  // The last feed: the outlet stays for its article, followed no more.
  ASSERT_TRUE(store_->RemoveFeed(second->id).ok());
  st = store_->GetSourceStatus(source_.id);
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(st->feeds.empty());
  EXPECT_EQ(st->source.feed_url, "");
  EXPECT_TRUE(store_->DueFeeds(*ParseIso8601("2030-01-01T00:00:00Z"), 10)->empty());
  EXPECT_EQ(store_->ListArticles({})->items.size(), 1u);

  // Following it again through a feed makes it a followed source again.
  auto back = store_->AddFeedSource(Source{0, "", "Wire", "https://wire.example/", "", "en",
                                           "https://wire.example/rss", 600, "", {}});
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->source_id, source_.id);

  // An outlet without articles is forgotten with its last feed.
  auto added = store_->AddFeedSource(EmptyOutlet());
  ASSERT_TRUE(added.ok());
  ASSERT_TRUE(store_->RemoveFeed(added->id).ok());
  EXPECT_TRUE(store_->GetSourceStatus(added->source_id).status().is_not_found());
}

TEST_P(FeedStoreTest, OneArticleFromTwoFeedsOfAnOutletIsStoredOnce) {
  ASSERT_TRUE(AddSecondFeed("https://wire.example/world/rss").ok());
  auto first = store_->UpsertArticles({Item("https://wire.example/a", "guid-a", kStory)});
  ASSERT_TRUE(first.ok());
  // The other feed finds it by guid under the one source, even at another URL.
  EXPECT_EQ(store_->LookupArticle(source_.id, "https://wire.example/world/a", "guid-a")->state,
            ArticleKey::State::kStored);
  auto second = store_->UpsertArticles({Item("https://wire.example/a", "guid-a", kStory)});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->inserted, 0);
  EXPECT_EQ(store_->ListArticles({})->items.size(), 1u);
  EXPECT_EQ(store_->GetSourceStatus(source_.id)->article_count, 1);
}

TEST_P(FeedStoreTest, FindsArticlesByUrlOrGuid) {
  ASSERT_TRUE(store_->UpsertArticles({Item("https://wire.example/a", "guid-a", kStory)}).ok());
  EXPECT_EQ(store_->LookupArticle(source_.id, "https://wire.example/a", "")->state, ArticleKey::State::kStored);
  EXPECT_EQ(store_->LookupArticle(source_.id, "https://wire.example/moved", "guid-a")->state,
            ArticleKey::State::kStored);
  EXPECT_EQ(store_->LookupArticle(source_.id, "https://wire.example/b", "guid-b")->state, ArticleKey::State::kNew);
  // The same guid under a new URL updates the article, it does not duplicate it.
  auto moved = store_->UpsertArticles({Item("https://wire.example/moved", "guid-a", kStory)});
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->updated, 1);
}

TEST_P(FeedStoreTest, DeletedArticlesStayDeleted) {
  auto s = store_->UpsertArticles({Item("https://wire.example/a", "guid-a", kStory)});
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(store_->DeleteArticle(s->ids[0]).ok());
  EXPECT_TRUE(store_->GetArticle(s->ids[0]).status().is_not_found());
  EXPECT_EQ(store_->LookupArticle(source_.id, "https://wire.example/other", "guid-a")->state,
            ArticleKey::State::kDeleted);
  auto again = store_->UpsertArticles({Item("https://wire.example/a", "guid-a", kStory)});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->skipped, 1);
  EXPECT_EQ(again->inserted, 0);
  EXPECT_TRUE(store_->ListArticles({})->items.empty());
  EXPECT_TRUE(store_->DeleteArticle(999).is_not_found());
}

TEST_P(FeedStoreTest, NearDuplicatesShareAStoryShownOnce) {
  std::string edited = std::string("Wire reports: ") + kStory + " More to follow.";
  auto s = store_->UpsertArticles({Item("https://wire.example/a", "", kStory), Item("https://wire.example/b", "", edited),
                                   Item("https://wire.example/c", "", "A different story entirely about shipbuilding "
                                                                      "in the north, where a new corvette was launched "
                                                                      "on Thursday after two years of construction.")});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto a = store_->GetArticle(s->ids[0]);
  auto b = store_->GetArticle(s->ids[1]);
  auto c = store_->GetArticle(s->ids[2]);
  EXPECT_EQ(a->story_id, a->id);
  EXPECT_EQ(b->story_id, a->id);
  EXPECT_EQ(c->story_id, c->id);
  auto story = store_->StoryArticles(a->id);
  ASSERT_TRUE(story.ok());
  EXPECT_EQ(story->size(), 2u);
  ArticleQuery q;
  q.one_per_story = true;
  EXPECT_EQ(store_->ListArticles(q)->items.size(), 2u);
  EXPECT_EQ(store_->ListArticles({})->items.size(), 3u);
}

TEST_P(FeedStoreTest, RemovingASourceKeepsItForItsArticles) {
  ASSERT_TRUE(store_->UpsertArticles({Item("https://wire.example/a", "", kStory)}).ok());
  ASSERT_TRUE(store_->RemoveSource(source_.id).ok());
  auto st = store_->GetSourceStatus(source_.id);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->source.feed_url, "");
  EXPECT_TRUE(st->feeds.empty());
  EXPECT_TRUE(store_->DueFeeds(*ParseIso8601("2030-01-01T00:00:00Z"), 10)->empty());

  auto added = store_->AddFeedSource(EmptyOutlet());
  ASSERT_TRUE(added.ok());
  ASSERT_TRUE(store_->RemoveSource(added->source_id).ok());
  EXPECT_TRUE(store_->GetSourceStatus(added->source_id).status().is_not_found());
  EXPECT_TRUE(store_->GetFeedStatus(added->id).status().is_not_found());
  EXPECT_TRUE(store_->RemoveSource(added->source_id).is_not_found());
}

// --- readers (issue 6) -------------------------------------------------------

User NewUser(const std::string& email, const std::string& name) {
  User u;
  u.email = email;
  u.display_name = name;
  u.password_hash = "$argon2id$not-a-real-hash";
  u.email_confirmed = true;
  u.created_at = *ParseIso8601("2026-06-01T00:00:00Z");
  return u;
}

TEST_P(StoreTest, UsersHaveUniqueEmailsUntilDeleted) {
  auto ann = store_->CreateUser(NewUser("ann@example.org", "Ann"));
  ASSERT_TRUE(ann.ok()) << ann.status().ToString();
  EXPECT_EQ(store_->CreateUser(NewUser("ann@example.org", "Other")).status().code(), Code::kAlreadyExists);
  ASSERT_TRUE(store_->UpdateUser(ann->id, UserChanges{.display_name = "Анна", .role = Role::kModerator}).ok());
  auto read = store_->GetUserByEmail("ann@example.org");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->display_name, "Анна");
  EXPECT_EQ(read->role, Role::kModerator);
  EXPECT_EQ(read->password_hash, "$argon2id$not-a-real-hash") << "fields not named stay";
  ASSERT_TRUE(store_->DeleteUser(ann->id).ok());
  EXPECT_TRUE(store_->GetUserByEmail("ann@example.org").status().is_not_found());
  auto deleted = store_->GetUser(ann->id);
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(deleted->deleted);
  EXPECT_EQ(deleted->email, "");
  EXPECT_EQ(deleted->password_hash, "");
  EXPECT_TRUE(store_->CreateUser(NewUser("ann@example.org", "Ann again")).ok());
  EXPECT_TRUE(store_->UpdateUser(9999, UserChanges{.banned = true}).is_not_found());
}

TEST_P(StoreTest, TokensAreConsumedOnceAndOnlyForTheirPurpose) {
  auto ann = store_->CreateUser(NewUser("ann@example.org", "Ann"));
  ASSERT_TRUE(ann.ok());
  const TimePoint later = *ParseIso8601("2026-07-01T00:00:00Z");
  ASSERT_TRUE(store_->CreateToken(TokenRecord{"h1", ann->id, TokenPurpose::kResetPassword, later}).ok());
  EXPECT_TRUE(store_->ConsumeToken("h1", TokenPurpose::kConfirmEmail).status().is_not_found());
  auto t = store_->ConsumeToken("h1", TokenPurpose::kResetPassword);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->user_id, ann->id);
  EXPECT_EQ(t->expires_at, later);
  EXPECT_TRUE(store_->ConsumeToken("h1", TokenPurpose::kResetPassword).status().is_not_found());
}

TEST_P(StoreTest, LoginFailuresAreCountedPerAccountAndAddressAndPruned) {
  const TimePoint t0 = *ParseIso8601("2026-06-01T00:00:00Z");
  ASSERT_TRUE(store_->RecordLoginFailure("a@x.org", "10.0.0.1", t0, t0 - std::chrono::minutes(15)).ok());
  ASSERT_TRUE(store_->RecordLoginFailure("a@x.org", "10.0.0.2", t0 + std::chrono::minutes(1), t0).ok());
  ASSERT_TRUE(store_->RecordLoginFailure("b@x.org", "10.0.0.1", t0 + std::chrono::minutes(2), t0).ok());
  auto n = store_->CountLoginFailures("a@x.org", "10.0.0.1", t0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->by_account, 2);
  EXPECT_EQ(n->by_address, 2);
  ASSERT_TRUE(store_->ClearLoginFailures("a@x.org").ok());
  EXPECT_EQ(store_->CountLoginFailures("a@x.org", "10.0.0.1", t0)->by_account, 0);
  EXPECT_EQ(store_->CountLoginFailures("a@x.org", "10.0.0.1", t0)->by_address, 1);
}

TEST_P(StoreTest, CommentsOfAnArticleComeThreadByThread) {
  auto ids = store_->UpsertArticles({Record("https://tsamto.example/a", "A", "2024-04-26T10:00:00Z")});
  ASSERT_TRUE(ids.ok());
  const int64_t article = ids->ids[0];
  auto ann = store_->CreateUser(NewUser("ann@example.org", "Ann"));
  ASSERT_TRUE(ann.ok());
  auto add = [&](int64_t parent, const std::string& body, CommentStatus status, int minute) {
    Comment c;
    c.article_id = article;
    c.user_id = ann->id;
    c.parent_id = parent;
    c.body = body;
    c.html = "<p>" + body + "</p>";
    c.status = status;
    c.created_at = *ParseIso8601("2026-06-01T00:00:00Z") + std::chrono::minutes(minute);
    auto r = store_->AddComment(c);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  };
  const int64_t first = add(0, "first", CommentStatus::kVisible, 0);
  const int64_t second = add(0, "second", CommentStatus::kVisible, 1);
  const int64_t reply = add(first, "reply", CommentStatus::kVisible, 2);
  add(0, "held", CommentStatus::kHeld, 3);
  auto visible = store_->ListArticleComments(article, {CommentStatus::kVisible});
  ASSERT_TRUE(visible.ok()) << visible.status().ToString();
  ASSERT_EQ(visible->size(), 3u);
  EXPECT_EQ((*visible)[0].id, first);
  EXPECT_EQ((*visible)[1].id, reply);
  EXPECT_EQ((*visible)[2].id, second);
  EXPECT_EQ((*visible)[0].author_name, "Ann");
  EXPECT_EQ(store_->ListArticleComments(article, {CommentStatus::kVisible, CommentStatus::kHeld})->size(), 4u);
  EXPECT_EQ(store_->ListCommentsByStatus(CommentStatus::kHeld, 10)->size(), 1u);

  Comment orphan;
  orphan.article_id = 424242;
  orphan.user_id = ann->id;
  EXPECT_TRUE(store_->AddComment(orphan).status().is_not_found());

  ASSERT_TRUE(store_->SetCommentStatus(second, CommentStatus::kDeleted, "").ok());
  auto gone = store_->GetComment(second);
  EXPECT_EQ(gone->status, CommentStatus::kDeleted);
  EXPECT_EQ(gone->body, "");
  EXPECT_TRUE(store_->SetCommentStatus(999999, CommentStatus::kHidden, "").is_not_found());
}

TEST_P(StoreTest, AddViewsAddsInOneBatchAndSkipsUnknownArticles) {
  auto ids = store_->UpsertArticles({Record("https://tsamto.example/a", "A", "2024-04-26T10:00:00Z")});
  ASSERT_TRUE(ids.ok());
  ASSERT_TRUE(store_->AddViews({{ids->ids[0], 3}, {999999, 5}}).ok());
  ASSERT_TRUE(store_->AddViews({{ids->ids[0], 4}}).ok());
  EXPECT_EQ(store_->GetArticle(ids->ids[0])->view_count, 7);
}


// --- the daily mailing ----------------------------------------------------------

TimePoint At(const std::string& iso) { return *ParseIso8601(iso); }

TEST_P(StoreTest, SubscribingIsPendingUntilConfirmedAndAConfirmedAddressStaysSo) {
  auto s = store_->SubscribePending("reader@example.org", "en", {"nato"}, At("2026-11-20T10:00:00Z"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->state, SubscriberState::kPending);
  EXPECT_EQ(s->entities, std::vector<std::string>{"nato"});
  auto again = store_->SubscribePending("reader@example.org", "ru", {}, At("2026-11-20T10:05:00Z"));
  EXPECT_EQ(again->id, s->id);
  EXPECT_EQ(again->edition, "ru") << "a pending address takes the newer choice";
  ASSERT_TRUE(store_->RecordConfirmationSent(s->id, At("2026-11-20T10:05:00Z")).ok());
  ASSERT_TRUE(store_->SetSubscriberState(s->id, SubscriberState::kConfirmed).ok());
  auto confirmed = store_->SubscribePending("reader@example.org", "en", {"iran"}, At("2026-11-21T10:00:00Z"));
  EXPECT_EQ(confirmed->state, SubscriberState::kConfirmed);
  EXPECT_EQ(confirmed->edition, "ru") << "a stranger cannot change a confirmed subscriber's choice";
  EXPECT_EQ(confirmed->confirmations_sent, 1);
  ASSERT_TRUE(store_->SetSubscriberState(s->id, SubscriberState::kUnsubscribed).ok());
  EXPECT_EQ(store_->SubscribePending("reader@example.org", "en", {}, At("2026-11-22T10:00:00Z"))->state,
            SubscriberState::kPending);
  EXPECT_TRUE(store_->GetSubscriber(999).status().is_not_found());
  EXPECT_TRUE(store_->SetSubscriberState(999, SubscriberState::kConfirmed).is_not_found());
}

TEST_P(StoreTest, ADigestRunQueuesEachConfirmedSubscriberOnceAndResumes) {
  std::vector<int64_t> ids;
  for (const char* email : {"a@example.org", "b@example.org", "c@example.org", "pending@example.org"}) {
    auto s = store_->SubscribePending(email, "en", {}, At("2026-11-20T10:00:00Z"));
    ids.push_back(s->id);
    if (std::string(email) != "pending@example.org")
      ASSERT_TRUE(store_->SetSubscriberState(s->id, SubscriberState::kConfirmed).ok());
  }
  auto run = store_->StartDigestRun("2026-11-20", At("2026-11-21T07:00:00Z"));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(store_->GetDigestProgress(run->id)->queued, 3);
  // Confirmed after the run began: not in this run, and a restart adds nobody.
  ASSERT_TRUE(store_->SetSubscriberState(ids[3], SubscriberState::kConfirmed).ok());
  auto resumed = store_->StartDigestRun("2026-11-20", At("2026-11-21T07:05:00Z"));
  EXPECT_EQ(resumed->id, run->id);
  EXPECT_EQ(store_->GetDigestProgress(run->id)->total(), 3);

  auto first = store_->ClaimDeliveries(run->id, 2, At("2026-11-21T07:00:01Z"));
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].subscriber.email, "a@example.org");
  ASSERT_TRUE(store_->FinishDelivery(run->id, (*first)[0].subscriber.id, Store::DeliveryOutcome::kSent, "",
                                     At("2026-11-21T07:00:01Z"), 3).ok());
  EXPECT_TRUE(store_->ClaimDeliveries(run->id, 10, At("2026-11-21T07:00:02Z"))->size() == 1u)
      << "what is being sent is not claimed twice";
  // The sender dies with b and c in flight: the next one puts them back and sends them again.
  ASSERT_TRUE(store_->RequeueInterrupted(run->id).ok());
  auto after_crash = store_->ClaimDeliveries(run->id, 10, At("2026-11-21T07:10:00Z"));
  ASSERT_EQ(after_crash->size(), 2u);
  EXPECT_EQ((*after_crash)[0].subscriber.email, "b@example.org");
  EXPECT_EQ((*after_crash)[0].attempts, 2);
  EXPECT_EQ((*after_crash)[1].attempts, 2);
  EXPECT_EQ(store_->GetDigestProgress(run->id)->sent, 1);
}

TEST_P(StoreTest, RetriesWaitTheirTurnAndHardFailuresBounceAnAddress) {
  auto s = store_->SubscribePending("x@example.org", "en", {}, At("2026-11-20T10:00:00Z"));
  ASSERT_TRUE(store_->SetSubscriberState(s->id, SubscriberState::kConfirmed).ok());
  auto run = store_->StartDigestRun("2026-11-20", At("2026-11-21T07:00:00Z"));
  ASSERT_EQ(store_->ClaimDeliveries(run->id, 10, At("2026-11-21T07:00:00Z"))->size(), 1u);
  ASSERT_TRUE(store_->FinishDelivery(run->id, s->id, Store::DeliveryOutcome::kRetry, "451 busy",
                                     At("2026-11-21T07:10:00Z"), 3).ok());
  EXPECT_TRUE(store_->ClaimDeliveries(run->id, 10, At("2026-11-21T07:05:00Z"))->empty()) << "not before its time";
  EXPECT_EQ(**store_->NextDeliveryAt(run->id), At("2026-11-21T07:10:00Z"));
  auto retried = store_->ClaimDeliveries(run->id, 10, At("2026-11-21T07:10:00Z"));
  ASSERT_EQ(retried->size(), 1u);
  EXPECT_EQ((*retried)[0].last_error, "451 busy");
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(store_->FinishDelivery(run->id, s->id, Store::DeliveryOutcome::kFailed, "550 no such user",
                                       At("2026-11-21T07:10:00Z"), 3).ok());
  EXPECT_EQ(store_->GetSubscriber(s->id)->state, SubscriberState::kBounced);
  EXPECT_EQ(store_->GetDigestProgress(run->id)->failed, 1);
  EXPECT_FALSE(store_->NextDeliveryAt(run->id)->has_value());
}

TEST_P(StoreTest, OneSenderHoldsARunUntilItsLeaseEndsOrItIsKnownDead) {
  auto run = store_->StartDigestRun("2026-11-20", At("2026-11-21T07:00:00Z"));
  const auto now = At("2026-11-21T07:00:00Z"), later = At("2026-11-21T07:00:15Z");
  auto alive = [](const std::string&) { return false; };
  ASSERT_TRUE(store_->LeaseDigestRun(run->id, "host:1", now, later, alive).ok());
  ASSERT_TRUE(store_->LeaseDigestRun(run->id, "host:1", now, later, alive).ok()) << "renewing";
  Status taken = store_->LeaseDigestRun(run->id, "host:2", now, later, alive);
  EXPECT_EQ(taken.code(), Code::kUnavailable);
  EXPECT_NE(taken.message().find("host:1"), std::string::npos);
  EXPECT_TRUE(store_->LeaseDigestRun(run->id, "host:2", now, later, [](const std::string&) { return true; }).ok());
  EXPECT_TRUE(store_->LeaseDigestRun(run->id, "host:3", At("2026-11-21T07:00:16Z"), later, alive).ok())
      << "an expired lease is free";
  ASSERT_TRUE(store_->ReleaseDigestRun(run->id, "host:3").ok());
  EXPECT_TRUE(store_->LeaseDigestRun(run->id, "host:4", now, later, alive).ok());
}

TEST_P(StoreTest, DigestArticlesAreTheDaysWithViewsAndMentions) {
  auto in = Record("https://tsamto.example/in", "In the day", "2026-11-20T12:00:00Z");
  in.mentions = {MentionRecord{"nato", 2, 0}};
  auto out = Record("https://tsamto.example/out", "The next day", "2026-11-21T00:00:00Z");
  auto ids = store_->UpsertArticles({in, out});
  ASSERT_TRUE(store_->AddViews({{ids->ids[0], 5}}).ok());
  auto items = store_->DigestArticles("en", At("2026-11-20T00:00:00Z"), At("2026-11-21T00:00:00Z"), 100);
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].summary.headline, "In the day");
  EXPECT_EQ((*items)[0].views, 5);
  EXPECT_EQ((*items)[0].comments, 0);
  EXPECT_EQ((*items)[0].entities, std::vector<std::string>{"nato"});
}

// --- machine translation (issue 9) ------------------------------------------

TEST_P(StoreTest, ArticlesNeedingTranslationSkipsDoneHumanAndWaitingOnes) {
  auto ids = store_->UpsertArticles({Record("https://tsamto.example/t1", "One", "2026-11-20T12:00:00Z"),
                                     Record("https://tsamto.example/t2", "Two", "2026-11-20T12:00:00Z"),
                                     Record("https://tsamto.example/t3", "Three", "2026-11-20T12:00:00Z"),
                                     Record("https://tsamto.example/t4", "Четыре", "2026-11-20T12:00:00Z", "ru")});
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  const int64_t one = ids->ids[0], two = ids->ids[1], three = ids->ids[2];
  const TimePoint now = At("2026-11-21T00:00:00Z");
  auto need = store_->ArticlesNeedingTranslation("en", "es", now, 0, 100);
  ASSERT_TRUE(need.ok()) << need.status().ToString();
  EXPECT_EQ(*need, (std::vector<int64_t>{one, two, three}));

  Translation machine;
  machine.language = "es";
  machine.headline = "Uno";
  machine.body = {Block{BlockType::kParagraph, "Primer párrafo.", {}, {}, {}, {}}};
  ASSERT_TRUE(store_->PutTranslation(one, machine).ok());
  ASSERT_TRUE(store_->RecordTranslationFailure(two, "es", "HTTP 500", now, now + std::chrono::hours(1)).ok());
  EXPECT_EQ(*store_->ArticlesNeedingTranslation("en", "es", now, 0, 100), std::vector<int64_t>{three});
  EXPECT_EQ(*store_->ArticlesNeedingTranslation("en", "es", now + std::chrono::hours(2), 0, 100),
            (std::vector<int64_t>{two, three}))
      << "a failure is retried once its time comes";
  EXPECT_EQ(*store_->CountTranslationFailures(), 1);
  EXPECT_EQ(*store_->ArticlesNeedingTranslation("en", "es", now, two, 100), std::vector<int64_t>{three}) << "after";
  EXPECT_EQ(store_->PutTranslation(987654, machine).code(), Code::kNotFound);
  machine.body.clear();
  EXPECT_EQ(store_->PutTranslation(three, machine).code(), Code::kInvalidArgument) << "never an empty body";
}

TEST_P(StoreTest, PutTranslationNeverReplacesAHumanOneWithAMachineOne) {
  auto ids = store_->UpsertArticles({Record("https://tsamto.example/h", "Human", "2026-11-20T12:00:00Z")});
  const int64_t id = ids->ids[0];
  Translation human;
  human.language = "es";
  human.headline = "Humano";
  human.body = {Block{BlockType::kParagraph, "Primer párrafo.", {}, {}, {}, {}}};
  human.by = TranslatedBy::kHuman;
  ASSERT_TRUE(store_->PutTranslation(id, human).ok());
  Translation machine = human;
  machine.headline = "Máquina";
  machine.by = TranslatedBy::kMachine;
  ASSERT_TRUE(store_->PutTranslation(id, machine).ok());
  auto kept = store_->GetTranslation(id, "es");
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(kept->headline, "Humano");
  human.headline = "Humano, corregido";
  ASSERT_TRUE(store_->PutTranslation(id, human).ok());
  auto corrected = store_->GetTranslation(id, "es");
  ASSERT_TRUE(corrected.ok()) << corrected.status().ToString();
  EXPECT_EQ(corrected->headline, "Humano, corregido") << "an editor may correct an editor";
}

TEST_P(StoreTest, TheTranslationCacheIsByPairAndHash) {
  ASSERT_TRUE(store_->PutCachedTranslations("en-es", {{"h1", "uno"}, {"h2", "dos"}}).ok());
  auto found = store_->CachedTranslations("en-es", {"h1", "h3", "h2"});
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->size(), 3u);
  EXPECT_EQ((*found)[0], std::optional<std::string>("uno"));
  EXPECT_FALSE((*found)[1].has_value());
  EXPECT_EQ((*found)[2], std::optional<std::string>("dos"));
  EXPECT_FALSE((*store_->CachedTranslations("en-ru", {"h1"}))[0].has_value()) << "another pair";
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"), BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, FeedStoreTest, ::testing::Values("sqlite", "postgresql"), BackendName);


}  // namespace
}  // namespace newsdesk
