#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/time.h"

namespace newsdesk {
namespace {

namespace fs = std::filesystem;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("nd_store_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto s = OpenSqliteStore(dir_.string());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

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

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, InsertsThenReadsBackEveryField) {
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

TEST_F(SqliteStoreTest, ReimportingAUrlUpdatesInsteadOfDuplicating) {
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

TEST_F(SqliteStoreTest, AFailingRecordRollsBackTheWholeBatch) {
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

TEST_F(SqliteStoreTest, MissingArticleIsNotFound) {
  auto a = store_->GetArticle(12345);
  ASSERT_FALSE(a.ok());
  EXPECT_TRUE(a.status().is_not_found());
}

TEST_F(SqliteStoreTest, PaginatesNewestFirstWithACursor) {
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

TEST_F(SqliteStoreTest, FiltersByLanguageAndSource) {
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

TEST_F(SqliteStoreTest, AttachesTheEditionsTranslationToSummaries) {
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

TEST_F(SqliteStoreTest, MachineTranslationNeverReplacesAHumanOne) {
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

TEST_F(SqliteStoreTest, ChangeSequenceGrowsWithEveryWrite) {
  auto before = store_->ChangeSequence();
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(store_->UpsertArticles({Record("https://tsamto.example/a", "A", "2024-04-26T10:00:00Z")}).ok());
  auto after = store_->ChangeSequence();
  ASSERT_TRUE(after.ok());
  EXPECT_GT(*after, *before);
}

TEST_F(SqliteStoreTest, ReopeningAppliesNoMigrationTwiceAndKeepsData) {
  ASSERT_TRUE(store_->UpsertArticles({Record("https://tsamto.example/a", "A", "2024-04-26T10:00:00Z")}).ok());
  store_.reset();
  auto again = OpenSqliteStore(dir_.string());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto page = (*again)->ListArticles({});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 1u);
}

TEST_F(SqliteStoreTest, SourceSlugsStayUniqueWhenNamesCollide) {
  auto a = Record("https://one.example/a", "A", "2024-04-26T10:00:00Z");
  a.source = Source{0, "", "Defence News", "https://one.example/", "", "en"};
  auto b = Record("https://two.example/b", "B", "2024-04-26T10:00:00Z");
  b.source = Source{0, "", "Defence News", "https://two.example/", "", "en"};
  ASSERT_TRUE(store_->UpsertArticles({a, b}).ok());
  EXPECT_TRUE(store_->GetSourceBySlug("defence-news").ok());
  EXPECT_TRUE(store_->GetSourceBySlug("defence-news-2").ok());
}

TEST_F(SqliteStoreTest, ServesReadersOnManyThreadsAtOnce) {
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

TEST(OpenSqliteStore, DataDirectoryThatIsAFileIsAClearError) {
  auto file = fs::temp_directory_path() / "nd_store_not_a_dir";
  std::ofstream(file) << "x";
  auto s = OpenSqliteStore(file.string());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kIOError);
  EXPECT_NE(s.status().message().find(file.string()), std::string::npos) << s.status().message();
  fs::remove(file);
}

}  // namespace
}  // namespace newsdesk
