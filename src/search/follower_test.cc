#include "search/follower.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/time.h"

namespace newsdesk {
namespace {

namespace fs = std::filesystem;

class IndexFollowerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nd_follower_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    Config config;
    config.data_dir = dir_.string();
    auto store = OpenStore(config);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    OpenIndex();
  }
  void TearDown() override {
    index_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }
  void OpenIndex() {
    index_.reset();
    auto index = SearchIndex::Open((dir_ / "search").string());
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = std::move(*index);
  }

  static ArticleRecord Record(const std::string& slug, const std::string& headline, const std::string& body,
                              const std::string& language = "en") {
    ArticleRecord r;
    r.url = "https://navy.example/" + slug;
    r.source = Source{0, "", "Navy Review", "https://navy.example/", "", language};
    r.language = language;
    r.headline = headline;
    r.published_at = *ParseIso8601("2026-11-20T10:00:00Z");
    r.body = {Block{BlockType::kParagraph, body, {}, {}, {}, {}}};
    return r;
  }

  int64_t Hits(const std::string& text) {
    SearchQuery q;
    q.text = text;
    auto r = index_->Search(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->total : -1;
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SearchIndex> index_;
};

TEST_F(IndexFollowerTest, ANewIndexIsBuiltFromTheWholeStore) {
  ASSERT_TRUE(store_->UpsertArticles({Record("a", "Frigate ordered", "The navy ordered a frigate."),
                                      Record("b", "Submarine launched", "A submarine was launched.")})
                  .ok());
  IndexFollower follower(*store_, *index_);
  auto n = follower.CatchUp();
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(Hits("frigates"), 1);
  EXPECT_EQ(*index_->IndexedSequence(), *store_->ChangeSequence());
  EXPECT_EQ(*follower.CatchUp(), 0) << "nothing new: nothing done";
}

TEST_F(IndexFollowerTest, EditsTranslationsAndDeletionsReachSearch) {
  auto ids = store_->UpsertArticles({Record("a", "Frigate ordered", "The navy ordered a frigate.")});
  ASSERT_TRUE(ids.ok());
  IndexFollower follower(*store_, *index_);
  ASSERT_TRUE(follower.CatchUp().ok());

  auto edited = Record("a", "Corvette ordered", "The navy ordered a corvette instead.");
  edited.translations = {Translation{"ru", "Заказан корвет", "", {Block{BlockType::kParagraph, "Флот заказал корвет.", {}, {}, {}, {}}}, TranslatedBy::kHuman}};
  ASSERT_TRUE(store_->UpsertArticles({edited}).ok());
  ASSERT_TRUE(follower.CatchUp().ok());
  EXPECT_EQ(Hits("frigate"), 0);
  EXPECT_EQ(Hits("corvette"), 1);
  EXPECT_EQ(Hits("корвета"), 1) << "the translation is found by its own word forms";

  ASSERT_TRUE(store_->DeleteArticle(ids->ids[0]).ok());
  ASSERT_TRUE(follower.CatchUp().ok());
  EXPECT_EQ(Hits("corvette"), 0);
}

TEST_F(IndexFollowerTest, AnIndexLeftBehindCatchesUpAfterAReopen) {
  IndexFollower first(*store_, *index_);
  ASSERT_TRUE(store_->UpsertArticles({Record("a", "Frigate ordered", "The navy ordered a frigate.")}).ok());
  ASSERT_TRUE(first.CatchUp().ok());
  // Written while no server followed the store (an import from the command line).
  ASSERT_TRUE(store_->UpsertArticles({Record("b", "Submarine launched", "A submarine was launched.")}).ok());
  OpenIndex();
  EXPECT_EQ(Hits("submarine"), 0);
  IndexFollower second(*store_, *index_);
  auto n = second.CatchUp();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1) << "only what changed is indexed again";
  EXPECT_EQ(Hits("submarine"), 1);
}

TEST_F(IndexFollowerTest, RebuildStartsFromScratchWithProgress) {
  std::vector<ArticleRecord> records;
  for (int i = 0; i < 1200; ++i)
    records.push_back(Record("n" + std::to_string(i), "Report " + std::to_string(i), "Tanks and drones."));
  ASSERT_TRUE(store_->UpsertArticles(records).ok());
  IndexFollower follower(*store_, *index_);
  std::vector<int64_t> seen;
  auto n = follower.Rebuild([&](int64_t done, int64_t total) {
    EXPECT_EQ(total, 1200);
    seen.push_back(done);
  });
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1200);
  EXPECT_EQ(seen.back(), 1200);
  EXPECT_GE(seen.size(), 3u);
  EXPECT_EQ(*index_->DocumentCount(), 1200);
}

}  // namespace
}  // namespace newsdesk
