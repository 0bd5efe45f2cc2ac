#include "store/store.h"

#include <fmt/format.h>

#include <filesystem>

#include "store/sql/sql_store.h"

namespace newsdesk {

const char* SubscriberStateName(SubscriberState s) {
  switch (s) {
    case SubscriberState::kPending: return "pending";
    case SubscriberState::kConfirmed: return "confirmed";
    case SubscriberState::kUnsubscribed: return "unsubscribed";
    case SubscriberState::kBounced: return "bounced";
  }
  return "pending";
}

bool IsPostgresUrl(const std::string& database) {
  return database.rfind("postgresql://", 0) == 0 || database.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Store>> OpenSqliteStoreAt(const std::string& path) {
  return OpenSqlStore(sql::Dialect::kSqlite, path, /*max_connections=*/0);
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& data_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) return Status::IOError(fmt::format("cannot create data directory {}: {}", data_dir, ec.message()));
  if (!fs::is_directory(data_dir, ec))
    return Status::IOError(fmt::format("data directory {} is not a directory", data_dir));
  return OpenSqliteStoreAt((fs::path(data_dir) / "newsdesk.db").string());
}

Result<std::unique_ptr<Store>> OpenStoreAt(const std::string& database, size_t max_connections) {
  if (IsPostgresUrl(database)) return OpenSqlStore(sql::Dialect::kPostgres, database, max_connections);
  if (database.rfind("sqlite:", 0) == 0) {
    const std::string path = database.substr(7);
    if (path.empty()) return Status::InvalidArgument("sqlite: needs a file path, e.g. sqlite:data/newsdesk.db");
    return OpenSqliteStoreAt(path);
  }
  return Status::InvalidArgument(fmt::format(
      "unknown database '{}': use sqlite:PATH or postgresql://user@host:port/db", sql::RedactUrl(database)));
}

Result<std::unique_ptr<Store>> OpenStore(const Config& config) {
  if (config.database.empty()) return OpenSqliteStore(config.data_dir);
  return OpenStoreAt(config.database, config.max_connections);
}

}  // namespace newsdesk
