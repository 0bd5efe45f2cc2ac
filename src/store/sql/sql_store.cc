// sql_store.cc: the SqlStore itself (store/sql/sql_internal.h): opening a
// database of either kind, migrating it, listening for changes; each
// concern's methods are in a file of their own (article_sql.cc, …).
#include "store/sql/sql_store.h"

#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "store/sql/migrations.h"
#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

std::unique_ptr<ChangeListener> SqlStore::ListenForChanges() {
  if (!listen_) return nullptr;
  struct Adapter final : ChangeListener {
    explicit Adapter(std::unique_ptr<Listener> l) : l_(std::move(l)) {}
    bool Wait(std::chrono::milliseconds timeout) override { return l_->Wait(timeout); }
    bool Connected() const override { return l_->Connected(); }
    std::unique_ptr<Listener> l_;
  };
  auto l = listen_();
  if (!l.ok()) return nullptr;  // callers poll instead
  return std::make_unique<Adapter>(std::move(*l));
}

Status SqlStore::Init() {
  auto conn = pool_.Open();
  if (!conn.ok()) return conn.status();
  auto& c = **conn;
  dialect_ = c.dialect();
  if (dialect_ == Dialect::kSqlite) {
    // WAL is a property of the file: set once, readers then never block the writer.
    ND_RETURN_IF_ERROR(c.Exec("PRAGMA journal_mode = WAL").WithContext(
        fmt::format("cannot write database {}", where_)));
  }
  ND_RETURN_IF_ERROR(Migrate(c).WithContext(fmt::format("cannot migrate database {}", where_)));
  pool_.Adopt(std::move(*conn));
  return Status::Ok();
}

Status SqlStore::Migrate(Connection& c) {
  if (dialect_ == Dialect::kPostgres) {
    // Nodes starting together: one migrates, the others wait and find it done.
    ND_RETURN_IF_ERROR(c.Exec("SELECT pg_advisory_lock(7309)"));
    Status s = ApplyMigrations(c);
    (void)c.Exec("SELECT pg_advisory_unlock(7309)");
    return s;
  }
  return ApplyMigrations(c);
}

Status SqlStore::ApplyMigrations(Connection& c) {
  ND_RETURN_IF_ERROR(c.Exec(MigrationSql(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
      dialect_)));
  for (const auto& m : Migrations()) {
    Transaction tx(c);
    ND_RETURN_IF_ERROR(tx.status());
    auto version = [&](Stmt& st) { st.Bind(1, static_cast<int64_t>(m.version)); };
    auto applied = QueryOne<bool>(c, "SELECT 1 FROM schema_migrations WHERE version = ?", version,
                                  [](const Stmt&) { return true; });
    if (!applied.ok()) return applied.status();
    if (*applied) continue;
    ND_RETURN_IF_ERROR(c.Exec(MigrationSql(m.sql, dialect_)).WithContext(fmt::format("migration {}", m.version)));
    ND_RETURN_IF_ERROR(Exec(c, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", [&](Stmt& st) {
      version(st);
      st.Bind(2, NowSeconds());
    }));
    ND_RETURN_IF_ERROR(tx.Commit());
  }
  return Status::Ok();
}

}  // namespace newsdesk::sql

namespace newsdesk {

Result<std::unique_ptr<Store>> OpenSqlStore(sql::Dialect dialect, const std::string& where,
                                            size_t max_connections) {
  sql::SqlStore::Opener open;
  sql::SqlStore::ListenerOpener listen;
  std::string shown = where;
  if (dialect == sql::Dialect::kPostgres) {
    open = [where] { return sql::OpenPostgresConnection(where); };
    listen = [where] { return sql::ListenPostgres(where, "newsdesk_changes"); };
    shown = sql::RedactUrl(where);
  } else {
    open = [where] { return sql::OpenSqliteConnection(where); };
  }
  auto store = std::make_unique<sql::SqlStore>(std::move(open), std::move(listen), shown, max_connections);
  ND_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace newsdesk
