// File: store/sql/migrations.h
//
// The schema's history: each migration a version and its SQL, applied in
// order, each in its own transaction, recorded in `schema_migrations`.
// Never edit a shipped migration; add the next one. Written in SQLite's
// dialect; MigrationSql makes PostgreSQL's from it (64-bit integers,
// identity keys), so both databases get the same schema from one text.
#pragma once

#include <string>
#include <vector>

#include "store/sql/connection.h"

namespace newsdesk::sql {

struct Migration {
  int version;
  const char* sql;
};

const std::vector<Migration>& Migrations();

// MigrationSql returns `sql` in `dialect`.
std::string MigrationSql(const std::string& sql, Dialect dialect);

}  // namespace newsdesk::sql
