// File: store/sql/backup_sql.h (internal to store/)
//
// The database half of backups (store/backup.h): a consistent snapshot of
// a live database into a file, and that file back into an empty database,
// checked table by table against what the snapshot held. SQLite uses its
// online backup API; PostgreSQL pg_dump and pg_restore (run as programs,
// the password handed over in their environment, never on a command line).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace newsdesk::sql {

// DatabaseSnapshot: what a snapshot holds, read from the snapshot itself.
struct DatabaseSnapshot {
  int schema_version = 0;
  std::string pg_schema;          // PostgreSQL: the schema dumped
  std::vector<TableCopy> tables;  // SummarizeTables of the snapshot
};

// SnapshotSqlite copies the SQLite database at `path` into the new file
// `out` in one step of the online backup API (one read transaction: writers
// go on meanwhile under WAL, and the copy is the database at one moment).
// The copy is left in rollback-journal mode, one self-contained file.
Result<DatabaseSnapshot> SnapshotSqlite(const std::string& path, const std::string& out);

// SnapshotPostgres dumps the current schema of `url` into `out` (pg_dump's
// custom format) from a snapshot exported by a REPEATABLE READ transaction,
// and summarises the tables in that same transaction, so the summary is of
// exactly the rows dumped. pg_dump's messages go to `log`.
Result<DatabaseSnapshot> SnapshotPostgres(const std::string& url, const std::string& out, const std::string& log);

// CheckSqliteCopy checks the SQLite file at `path`: integrity_check and
// foreign_key_check clean, and every table as `expected` says.
Status CheckSqliteCopy(const std::string& path, const std::vector<TableCopy>& expected);

// CheckPostgresTarget checks that `url` is an empty database whose current
// schema is `schema` (InvalidArgument saying what is wrong otherwise).
Status CheckPostgresTarget(const std::string& url, const std::string& schema);

// RestorePostgres runs pg_restore of `dump` into `url` in one transaction
// (the schema itself exists already and is left out), then checks every
// table as `expected` says; a mismatch drops what was restored. `work_dir`
// holds pg_restore's table of contents and `log` its messages.
Status RestorePostgres(const std::string& url, const std::string& dump, const std::string& schema,
                       const std::vector<TableCopy>& expected, const std::string& work_dir, const std::string& log);

// DropTables drops `tables` of `url`'s current schema in one transaction
// (cleaning up a restore that failed after pg_restore committed).
Status DropTables(const std::string& url, const std::vector<TableCopy>& tables);

// SameTables is OK when `actual` holds the tables of `expected` with their
// rows and checksums, and otherwise names the first that differs.
Status SameTables(const std::vector<TableCopy>& expected, const std::vector<TableCopy>& actual);

}  // namespace newsdesk::sql
