// File: store/testing/test_database.h
//
// For tests that run against both backends. `make test` starts a throwaway
// PostgreSQL cluster (tests/postgres/cluster.sh) and names its admin URL, or
// a file holding it, in NEWSDESK_TEST_POSTGRES; each test gets a database of
// its own from CreateTestDatabase. A test binary run with
// NEWSDESK_TEST_BACKEND=postgresql puts its stores on PostgreSQL through
// UseTestBackend.
#pragma once

#include <memory>
#include <string>

#include "common/config.h"
#include "common/status.h"
#include "store/store.h"

namespace newsdesk::testing {

// PostgresAdminUrl is the cluster's admin URL, or NotFound naming the
// variable when the tests were started without a cluster.
Result<std::string> PostgresAdminUrl();

// CreateTestDatabase makes a new, empty database and returns its URL.
Result<std::string> CreateTestDatabase();

// TestBackendIsPostgres tells whether NEWSDESK_TEST_BACKEND asks for PostgreSQL.
bool TestBackendIsPostgres();

// UseTestBackend points `config` at a new PostgreSQL database when the test
// backend is PostgreSQL, and leaves it on SQLite in its data_dir otherwise.
Status UseTestBackend(Config& config);

// OpenStoreOnTestBackend opens a new store for `config` on the test backend:
// first UseTestBackend, then OpenStore (so SQLite in `config.data_dir` unless
// PostgreSQL is asked for). Fails with the error of whichever step failed.
Result<std::unique_ptr<Store>> OpenStoreOnTestBackend(Config& config);

}  // namespace newsdesk::testing
