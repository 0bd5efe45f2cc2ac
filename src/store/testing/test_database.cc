#include "store/testing/test_database.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>

#include "store/sql/connection.h"

namespace newsdesk::testing {

Result<std::string> PostgresAdminUrl() {
  const char* v = std::getenv("NEWSDESK_TEST_POSTGRES");
  // By default, the cluster ctest starts for the build (see CMakeLists.txt).
  std::string value = v && *v ? v : ND_TEST_POSTGRES_URL_FILE;
  if (value.rfind("postgres", 0) == 0) return value;
  std::ifstream in(value);
  std::string url;
  if (!in || !std::getline(in, url) || url.empty())
    return Status::NotFound(fmt::format(
        "{} holds no PostgreSQL URL: run the tests through ctest or `make test`, which start the cluster "
        "(tests/postgres/cluster.sh), or set NEWSDESK_TEST_POSTGRES",
        value));
  return url;
}

Result<std::string> CreateTestDatabase() {
  auto admin = PostgresAdminUrl();
  if (!admin.ok()) return admin.status();
  auto conn = sql::OpenPostgresConnection(*admin);
  if (!conn.ok()) return conn.status();
  static std::atomic<int> counter{0};
  std::random_device rd;
  const std::string name = fmt::format("nd_{}_{}_{:x}", ::getpid(), counter++, rd());
  // Database names can't be parameters; this one is made of digits and letters.
  ND_RETURN_IF_ERROR((*conn)->Exec(fmt::format("CREATE DATABASE {} TEMPLATE template0", name)));
  const size_t slash = admin->rfind('/');
  return admin->substr(0, slash + 1) + name;
}

bool TestBackendIsPostgres() {
  const char* v = std::getenv("NEWSDESK_TEST_BACKEND");
  return v && (std::string(v) == "postgresql" || std::string(v) == "postgres");
}

Status UseTestBackend(Config& config) {
  if (!TestBackendIsPostgres()) return Status::Ok();
  auto url = CreateTestDatabase();
  if (!url.ok()) return url.status();
  config.database = *url;
  return Status::Ok();
}

Result<std::unique_ptr<Store>> OpenStoreOnTestBackend(Config& config) {
  ND_RETURN_IF_ERROR(UseTestBackend(config));
  return OpenStore(config);
}

}  // namespace newsdesk::testing
