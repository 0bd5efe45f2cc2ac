// File: store/backup.h
//
// Backups that restore (issue 18). `BackupSite` writes a whole site as one
// archive (a tar written by libarchive): the database as a consistent
// snapshot taken while the site serves — SQLite's online backup API, or
// pg_dump of the site's schema on PostgreSQL — plus what the database does
// not hold: the site secret file of the data directory and the config file.
// The editors' gazetteer overlay (entities, merges, dismissed names) and
// the site's settings are tables of the store, so they are in the snapshot.
// The search index is not copied: it is rebuilt from the store.
//
// The archive's first member, manifest.json, names the newsdesk version,
// the schema version (the last migration applied), the backend, the
// creation time, each member with its size and SHA-256, and every table of
// the snapshot with its rows and checksum as CopyStore counts them.
//
//   auto made = BackupSite({.database = "sqlite:data/newsdesk.db", .data_dir = "data"}, "site.tar");
//
//   auto restored = RestoreSite("site.tar", {.data_dir = "restored"},
//                               [&](const StagedSite& s) { return RebuildIndex(s); });
//
// `RestoreSite` checks the target is empty, then reads the whole archive
// and verifies every member's checksum before writing anything; it refuses
// a schema newer than this binary's and a backup of the other backend
// (migrate-store moves a site between backends). It stages the data
// directory beside the target, checks every table against the manifest,
// lets `finish` work on the staged site (the caller rebuilds the search
// index there), and only then renames it into place. On any failure it
// removes what it wrote: the staged directory, and on PostgreSQL the
// restored tables (pg_restore runs in one transaction).
//
// Pitfalls: the archive holds the site secret; it is created with mode
// 0600 and nothing here prints or logs the secret. pg_dump and pg_restore
// (postgresql-client) must be on PATH for a PostgreSQL site; their major
// version should be the server's.
//
// Thread-safety: each call is independent; nothing is shared.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"

namespace newsdesk {

struct TableCopy;

// BackupMember: one file of a backup archive.
struct BackupMember {
  std::string name;    // its path in the archive, e.g. "database/newsdesk.db"
  int64_t size = 0;
  std::string sha256;  // lower-case hex
};

// BackupManifest: what manifest.json says about the archive.
struct BackupManifest {
  int format = 1;
  std::string newsdesk_version;
  int schema_version = 0;   // the last migration applied to the snapshot
  std::string backend;      // "sqlite" or "postgresql"
  std::string pg_schema;    // PostgreSQL: the schema dumped (the site's current_schema)
  std::string created_at;   // ISO 8601, UTC
  std::vector<BackupMember> members;
  std::vector<TableCopy> tables;  // the snapshot's tables, by name
};

// BackupSource: the site to back up.
struct BackupSource {
  std::string database;     // as OpenStoreAt takes it: "sqlite:PATH" or a postgresql:// URL
  std::string data_dir;     // where the site secret file is (absent is fine)
  std::string config_file;  // the TOML config file; empty: none
};

// BackupSite writes `source` to a new archive at `archive_path` (mode 0600;
// an existing file is refused). ".tar.gz" (".tgz"), ".tar.xz" and
// ".tar.bz2" compress; any other name is a plain tar. Written beside the target and renamed into place, so a failed backup
// leaves no half archive. A site that does not exist is NotFound.
Result<BackupManifest> BackupSite(const BackupSource& source, const std::string& archive_path);

// RestoreTarget: where a backup goes.
struct RestoreTarget {
  std::string data_dir;  // absent or empty; holds the restored site secret, config and search index
  std::string database;  // empty: SQLite, data_dir/newsdesk.db; else an empty postgresql:// database
};

// StagedSite: the restored site before it is moved into place.
struct StagedSite {
  std::string data_dir;  // the staging directory, renamed to the target's data_dir on success
  std::string database;  // empty (SQLite in data_dir) or the target's PostgreSQL URL
};

// RestoreSite restores the archive at `archive_path` into `target` (see the
// file comment). A target that is not empty is InvalidArgument, saying so;
// a damaged archive or a checksum that differs is InvalidArgument naming
// the member; in every failure nothing is left behind.
Result<BackupManifest> RestoreSite(const std::string& archive_path, const RestoreTarget& target,
                                   const std::function<Status(const StagedSite&)>& finish);

// LatestSchemaVersion is the last migration this binary knows.
int LatestSchemaVersion();

}  // namespace newsdesk
