// File: store/sqlite/sqlite_store.h
//
// The SQLite backend of `Store`: one database file, WAL journal, foreign keys
// on, a busy timeout, and a pool of connections each caching its prepared
// statements. Versioned migrations (sqlite/migrations.cc) run at open.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace newsdesk {

// OpenSqliteStore opens `data_dir`/newsdesk.db, creating the directory and
// the database, and applying pending migrations.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& data_dir);

// OpenSqliteStoreAt opens the database file at `path` (":memory:" is not
// supported: connections of the pool must share one database).
Result<std::unique_ptr<Store>> OpenSqliteStoreAt(const std::string& path);

}  // namespace newsdesk
