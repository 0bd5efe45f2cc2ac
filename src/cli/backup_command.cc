// `newsdesk backup --to FILE` and `newsdesk restore FILE` (issue 18): a
// whole site as one archive while it serves, and back into an empty data
// directory (and database), with the search index rebuilt. See
// store/backup.h and docs/deploy.md, "Backups".
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "store/store.h"

namespace newsdesk {

namespace {

void PrintTables(const BackupManifest& m) {
  int64_t rows = 0;
  std::cout << fmt::format("{:<24} {:>10}  {}\n", "TABLE", "ROWS", "CHECKSUM");
  for (const auto& t : m.tables) {
    rows += t.rows;
    std::cout << fmt::format("{:<24} {:>10}  {:016x}\n", t.table, t.rows, t.checksum);
  }
  std::cout << fmt::format("{} tables, {} rows; schema version {}, {} backend, made {} by newsdesk {}\n",
                           m.tables.size(), rows, m.schema_version, m.backend, m.created_at, m.newsdesk_version);
}

}  // namespace

Status RunBackup(const Config& config, const std::string& config_file, const std::string& archive) {
  BackupSource source;
  source.database = config.database.empty()
                        ? "sqlite:" + (std::filesystem::path(config.data_dir) / "newsdesk.db").string()
                        : config.database;
  source.data_dir = config.data_dir;
  source.config_file = config_file;
  auto made = BackupSite(source, archive);
  if (!made.ok()) return made.status().WithContext("no backup was made");
  PrintTables(*made);
  for (const auto& m : made->members) std::cout << fmt::format("{:<28} {:>12} bytes  sha256 {}\n", m.name, m.size, m.sha256);
  std::cout << fmt::format("backed up into {} (mode 0600: it holds the site secret)\n", archive);
  return Status::Ok();
}

Status RunRestore(const Config& config, const std::string& archive) {
  RestoreTarget target{config.data_dir, config.database};
  auto restored = RestoreSite(archive, target, [&](const StagedSite& staged) -> Status {
    // The same rebuild as `newsdesk reindex`, into the staged directory, so
    // a restore that cannot index leaves nothing behind either.
    Config at = config;
    at.data_dir = staged.data_dir;
    at.database = staged.database;
    auto indexed = RebuildSearchIndex(at);
    if (!indexed.ok()) return indexed.status().WithContext("rebuilding the search index");
    std::cout << fmt::format("indexed {} articles ({} shards)\n", indexed->articles, indexed->shards);
    return Status::Ok();
  });
  if (!restored.ok()) return restored.status();
  PrintTables(*restored);
  std::cout << fmt::format("restored into {}{}: every checksum and every table verified\n", config.data_dir,
                           config.database.empty() ? "" : " and the database");
  for (const auto& m : restored->members) {
    if (m.name.rfind("config/", 0) == 0)
      std::cout << fmt::format("the backup's config file is {}/newsdesk.toml: check its data_dir and database\n",
                               config.data_dir);
  }
  return Status::Ok();
}

}  // namespace newsdesk
