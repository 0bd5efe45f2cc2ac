// File: store/sql/table_summary.h (internal to store/)
//
// Every table of a database as CopyStore counts it: rows, and the
// order-free sum of each row's hash (FNV-1a over each value with its kind),
// so two databases of either backend holding the same rows give the same
// summary. migrate-store checks a copy with it, and backups record it in
// their manifest so that a restore can be checked against the snapshot.
#pragma once

#include <vector>

#include "common/status.h"
#include "store/sql/connection.h"
#include "store/store.h"

namespace newsdesk::sql {

// SummarizeTables summarises every base table of `c` (its current schema on
// PostgreSQL), sorted by name, schema_migrations included; `verified` is
// left false. Reads in whatever transaction `c` is in, so a caller that
// wants one snapshot opens it first.
Result<std::vector<TableCopy>> SummarizeTables(Connection& c);

}  // namespace newsdesk::sql
