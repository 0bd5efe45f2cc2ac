// The SQLite side of store/sql/connection.h: one sqlite3 handle with its
// cache of prepared statements; foreign keys on, a busy timeout.
#include <fmt/format.h>
#include <sqlite3.h>

#include <unordered_map>

#include "store/sql/connection.h"

namespace newsdesk::sql {
namespace {

class SqliteConnection;

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3_stmt* s, SqliteConnection* owner) : s_(s), owner_(owner) {}
  ~SqliteStatement() override { sqlite3_finalize(s_); }

  void BindInt(int i, int64_t v) override { sqlite3_bind_int64(s_, i, v); }
  void BindText(int i, const std::string& v) override {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindNull(int i) override { sqlite3_bind_null(s_, i); }
  int Step() override;
  int64_t Int(int col) const override { return sqlite3_column_int64(s_, col); }
  bool IsNull(int col) const override { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::string Text(int col) const override {
    const unsigned char* t = sqlite3_column_text(s_, col);
    if (!t) return {};
    return std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s_, col)));
  }
  void Reset() override {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

 private:
  sqlite3_stmt* s_;
  SqliteConnection* owner_;
};

class SqliteConnection final : public Connection {
 public:
  ~SqliteConnection() override {
    cache_.clear();  // statements are finalized before the handle closes
    if (db_) sqlite3_close_v2(db_);
  }

  static Result<std::unique_ptr<Connection>> Open(const std::string& path) {
    auto c = std::unique_ptr<SqliteConnection>(new SqliteConnection());
    int rc = sqlite3_open_v2(path.c_str(), &c->db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string why = c->db_ ? sqlite3_errmsg(c->db_) : sqlite3_errstr(rc);
      return Status::IOError(fmt::format("cannot open database {}: {}", path, why));
    }
    sqlite3_busy_timeout(c->db_, 5000);
    sqlite3_extended_result_codes(c->db_, 1);
    for (const char* pragma : {"PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL"}) {
      ND_RETURN_IF_ERROR(c->Exec(pragma));
    }
    return std::unique_ptr<Connection>(std::move(c));
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Status Exec(const std::string& sql) override {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      failure_ = Failure::kOther;
      return Status::IOError(msg);
    }
    return Status::Ok();
  }

  Status Begin() override { return Exec("BEGIN IMMEDIATE"); }

  Result<Statement*> Prepare(const std::string& sql) override {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second.get();
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                nullptr);
    if (rc != SQLITE_OK) return Status::Internal(fmt::format("prepare failed: {}", sqlite3_errmsg(db_)));
    auto [pos, inserted] = cache_.emplace(sql, std::make_unique<SqliteStatement>(stmt, this));
    return pos->second.get();
  }

  std::string LastError() const override { return sqlite3_errmsg(db_); }
  Failure LastFailure() const override { return failure_; }
  void SetFailure(Failure f) override { failure_ = f; }
  void NoteFailure() { failure_ = Failure::kOther; }
  Result<int64_t> LastInsertId() override { return static_cast<int64_t>(sqlite3_last_insert_rowid(db_)); }
  int64_t Changes() const override { return sqlite3_changes(db_); }

 private:
  SqliteConnection() = default;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> cache_;
  Failure failure_ = Failure::kNone;
};

int SqliteStatement::Step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return kRow;
  if (rc == SQLITE_DONE) return kDone;
  owner_->NoteFailure();
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return kUniqueViolation;
  return kError;
}

}  // namespace

Result<std::unique_ptr<Connection>> OpenSqliteConnection(const std::string& path) {
  return SqliteConnection::Open(path);
}

}  // namespace newsdesk::sql
