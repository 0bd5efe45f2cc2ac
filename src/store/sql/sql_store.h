// File: store/sql/sql_store.h
//
// The Store written once in SQL (sql_store.cc) over a Connection of either
// dialect. Other stages open stores through store/store.h.
#pragma once

#include <memory>
#include <string>

#include "store/sql/connection.h"
#include "store/store.h"

namespace newsdesk {

// OpenSqlStore opens and migrates the database `where` (a SQLite file path
// or a PostgreSQL URL) with at most `max_connections` connections at once
// (0 = as many as callers).
Result<std::unique_ptr<Store>> OpenSqlStore(sql::Dialect dialect, const std::string& where, size_t max_connections);

}  // namespace newsdesk
