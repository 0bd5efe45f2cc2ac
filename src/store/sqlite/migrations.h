// File: store/sqlite/migrations.h
//
// The schema's history: each migration a version and its SQL, applied in
// order, each in its own transaction, recorded in `schema_migrations`.
// Never edit a shipped migration; add the next one.
#pragma once

#include <vector>

namespace newsdesk::sqlite {

struct Migration {
  int version;
  const char* sql;
};

const std::vector<Migration>& Migrations();

}  // namespace newsdesk::sqlite
