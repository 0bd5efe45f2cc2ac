#include "search/follower.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/time.h"
#include "store/testing/sqlite_store_test.h"

namespace newsdesk {
namespace {

namespace fs = std::filesystem;

class IndexFollowerTest : public testing::SqliteStoreTest {
 protected:
  IndexFollowerTest() : SqliteStoreTest("nd_follower") {}
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(SqliteStoreTest::SetUp());
    OpenIndex();
  }
  void TearDown() override {
    index_.reset();
    SqliteStoreTest::TearDown();
  }
  void OpenIndex(int shards = 0) {
    index_.reset();
    SearchOptions options;
    options.shards = shards;
    auto index = SearchIndex::Open((dir_ / "search").string(), options);
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

// The state a crash between shard commits leaves: every shard but one has
// committed a batch and its sequence; that one still holds the batch before.
// The index then reports the lower sequence, and catching up from it
// replays the batch (again, for the other shards: harmless).
TEST_F(IndexFollowerTest, ACrashBetweenShardCommitsIsRepairedByCatchUp) {
  constexpr int kShards = 3;
  OpenIndex(kShards);
  auto first = store_->UpsertArticles({Record("a", "Frigate ordered", "The navy ordered a frigate."),
                                       Record("b", "Submarine launched", "A submarine was launched."),
                                       Record("c", "Destroyer refitted", "A destroyer was refitted.")});
  ASSERT_TRUE(first.ok());
  IndexFollower follower(*store_, *index_);
  ASSERT_TRUE(follower.CatchUp().ok());
  const int64_t before = *index_->IndexedSequence();

  // The next batch: a new article, an edit in the same shard, an edit in another.
  auto added = store_->UpsertArticles({Record("d", "Corvette commissioned", "A corvette joined the fleet.")});
  ASSERT_TRUE(added.ok());
  const int64_t new_id = added->ids[0];
  const int lagging = static_cast<int>(new_id % kShards);
  std::string same_shard_slug, other_shard_slug;
  for (size_t i = 0; i < first->ids.size(); ++i) {
    std::string& slot = first->ids[i] % kShards == lagging ? same_shard_slug : other_shard_slug;
    if (slot.empty()) slot = std::string(1, static_cast<char>('a' + i));
  }
  ASSERT_FALSE(same_shard_slug.empty());
  ASSERT_FALSE(other_shard_slug.empty());
  ASSERT_TRUE(store_->UpsertArticles({Record(same_shard_slug, "Minesweeper renamed", "The minesweeper was renamed."),
                                      Record(other_shard_slug, "Icebreaker renamed", "The icebreaker was renamed.")})
                  .ok());

  // Keep the lagging shard as it is now, commit the batch everywhere, then
  // put the kept copy back: that shard's commit of the batch never happened.
  const fs::path shard = dir_ / "search" / ("shard-" + std::to_string(lagging));
  const fs::path kept = dir_ / "kept-shard";
  index_.reset();
  fs::copy(shard, kept, fs::copy_options::recursive);
  OpenIndex(kShards);
  IndexFollower second(*store_, *index_);
  ASSERT_TRUE(second.CatchUp().ok());
  const int64_t after = *index_->IndexedSequence();
  ASSERT_GT(after, before);
  EXPECT_EQ(Hits("corvette"), 1);
  index_.reset();
  fs::remove_all(shard);
  fs::rename(kept, shard);

  OpenIndex(kShards);
  EXPECT_EQ(*index_->IndexedSequence(), before) << "the lowest shard's sequence";
  EXPECT_EQ(Hits("corvette"), 0) << "lost with the lagging shard's commit";
  EXPECT_EQ(Hits("minesweeper"), 0);
  EXPECT_EQ(Hits("icebreaker"), 1) << "the other shards committed";

  IndexFollower third(*store_, *index_);
  auto repaired = third.CatchUp();
  ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
  EXPECT_EQ(*repaired, 3) << "the batch is replayed whole";
  EXPECT_EQ(*index_->IndexedSequence(), after);
  EXPECT_EQ(Hits("corvette"), 1);
  EXPECT_EQ(Hits("minesweeper"), 1);
  EXPECT_EQ(Hits("icebreaker"), 1) << "replayed in place, not twice";
  EXPECT_EQ(*index_->DocumentCount(), 4);
  EXPECT_EQ(*third.CatchUp(), 0);
}

TEST_F(IndexFollowerTest, AnotherShardCountIsRebuiltFromTheStore) {
  OpenIndex(2);
  ASSERT_TRUE(store_->UpsertArticles({Record("a", "Frigate ordered", "The navy ordered a frigate."),
                                      Record("b", "Submarine launched", "A submarine was launched.")})
                  .ok());
  ASSERT_TRUE(IndexFollower(*store_, *index_).CatchUp().ok());
  OpenIndex(3);
  EXPECT_EQ(Hits("frigate"), 0);
  auto n = IndexFollower(*store_, *index_).CatchUp();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(Hits("frigate"), 1);
  EXPECT_EQ(*index_->IndexedSequence(), *store_->ChangeSequence());
}

}  // namespace
}  // namespace newsdesk
