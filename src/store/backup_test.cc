// BackupSite / RestoreSite (store/backup.h) on SQLite: what the shell test
// (tests/backup_restore_test.sh) cannot reach from the command line, a
// restore that fails in its last step and a truncated archive.
#include "store/backup.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/testing/test_directory.h"
#include "store/store.h"

namespace newsdesk {
namespace {

namespace fs = std::filesystem;

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDirectory("nd_backup");
    fs::create_directories(dir_ / "site");
    auto store = OpenSqliteStore((dir_ / "site").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->PutSettingIfAbsent("probe", "kept").ok());
    std::ofstream(dir_ / "site" / "site_secret") << std::string(32, 's');
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Backup writes the site to DIR/NAME and returns the archive's path.
  std::string Backup(const std::string& name) {
    const std::string archive = (dir_ / name).string();
    auto made = BackupSite({"sqlite:" + (dir_ / "site" / "newsdesk.db").string(), (dir_ / "site").string(), ""},
                           archive);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return archive;
  }

  // Leftovers: what a restore into `target` left beside it.
  std::vector<std::string> Leftovers(const std::string& target) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_))
      if (e.path().filename().string().find(target) != std::string::npos) out.push_back(e.path().string());
    return out;
  }

  fs::path dir_;
};

TEST_F(BackupTest, RestoreHandsTheStagedSiteToFinishThenMovesItIntoPlace) {
  const std::string archive = Backup("site.tar");
  std::string staged_at;
  auto restored = RestoreSite(archive, {(dir_ / "restored").string(), ""}, [&](const StagedSite& s) {
    staged_at = s.data_dir;
    EXPECT_TRUE(fs::exists(fs::path(s.data_dir) / "newsdesk.db"));
    EXPECT_FALSE(fs::exists(dir_ / "restored"));
    return Status::Ok();
  });
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_FALSE(fs::exists(staged_at));
  auto store = OpenSqliteStore((dir_ / "restored").string());
  ASSERT_TRUE(store.ok());
  auto probe = (*store)->GetSetting("probe");
  ASSERT_TRUE(probe.ok() && probe->has_value());
  EXPECT_EQ(**probe, "kept");
  EXPECT_EQ(fs::status(dir_ / "restored" / "site_secret").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(BackupTest, RestoreWhoseLastStepFailsLeavesNothingBehind) {
  const std::string archive = Backup("site.tar");
  auto restored = RestoreSite(archive, {(dir_ / "restored").string(), ""},
                              [](const StagedSite&) { return Status::IOError("the index could not be built"); });
  ASSERT_FALSE(restored.ok());
  EXPECT_NE(restored.status().message().find("the index could not be built"), std::string::npos);
  EXPECT_TRUE(Leftovers("restored").empty());
}

TEST_F(BackupTest, TruncatedArchiveIsRefusedBeforeAnythingIsWritten) {
  const std::string archive = Backup("site.tar");
  fs::resize_file(archive, fs::file_size(archive) / 2);
  bool finished = false;
  auto restored = RestoreSite(archive, {(dir_ / "restored").string(), ""}, [&](const StagedSite&) {
    finished = true;
    return Status::Ok();
  });
  ASSERT_FALSE(restored.ok());
  EXPECT_EQ(restored.status().code(), Code::kInvalidArgument) << restored.status().ToString();
  EXPECT_FALSE(finished);
  EXPECT_TRUE(Leftovers("restored").empty());
}

TEST_F(BackupTest, FailedBackupLeavesNoArchiveAndNoParts) {
  auto made = BackupSite({"sqlite:" + (dir_ / "nowhere.db").string(), (dir_ / "site").string(), ""},
                         (dir_ / "site.tar").string());
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), Code::kNotFound);
  EXPECT_TRUE(Leftovers("site.tar").empty());
}

}  // namespace
}  // namespace newsdesk
