// File: store/sql/connection.h
//
// The one seam between the store's SQL (sql_store.cc, written once) and the
// two databases it runs on: a `Connection` prepares statements and runs
// them; `Stmt` binds values by position and steps through rows. SQLite
// (sqlite_connection.cc) and PostgreSQL (postgres_connection.cc, libpq)
// implement it. SQL is written in the dialect both understand: `?N`
// placeholders (PostgreSQL's driver renumbers them to `$N`), ON CONFLICT
// upserts, RETURNING; the few places that differ ask `dialect()`.
//
// Thread-safety: a Connection is used by one thread at a time (the store's
// pool hands it out).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace newsdesk::sql {

enum class Dialect { kSqlite, kPostgres };

// What Statement::Step returns.
inline constexpr int kRow = 100;
inline constexpr int kDone = 101;
inline constexpr int kError = 1;
inline constexpr int kUniqueViolation = 2;  // a UNIQUE or PRIMARY KEY constraint refused the row

// Why the last statement failed, for the store's retry loop.
enum class Failure {
  kNone,
  kOther,
  kRetry,       // serialization failure or deadlock: run the transaction again
  kConnection,  // the connection is gone: drop it, try another
};

// Statement: a prepared statement the connection caches by its SQL.
class Statement {
 public:
  virtual ~Statement() = default;
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindText(int index, const std::string& value) = 0;
  virtual void BindNull(int index) = 0;
  // Step runs the statement on its first call and moves to the next row:
  // kRow, kDone, kUniqueViolation or kError (the connection has the message).
  virtual int Step() = 0;
  virtual int64_t Int(int column) const = 0;
  virtual bool IsNull(int column) const = 0;
  virtual std::string Text(int column) const = 0;
  // Reset forgets the bindings and the rows so the statement can run again.
  virtual void Reset() = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Prepare returns the cached statement for `sql`, preparing it once.
  virtual Result<Statement*> Prepare(const std::string& sql) = 0;
  // Exec runs statements without parameters or results (DDL, BEGIN, …).
  virtual Status Exec(const std::string& sql) = 0;
  // Begin starts a write transaction that sees no other writer's half-done
  // work: SQLite's BEGIN IMMEDIATE, PostgreSQL's SERIALIZABLE.
  virtual Status Begin() = 0;
  virtual std::string LastError() const = 0;
  virtual Failure LastFailure() const = 0;
  virtual void SetFailure(Failure failure) = 0;
  void ClearFailure() { SetFailure(Failure::kNone); }
  // LastInsertId is the id the last INSERT gave its row.
  virtual Result<int64_t> LastInsertId() = 0;
  // Changes counts the rows the last INSERT, UPDATE or DELETE touched.
  virtual int64_t Changes() const = 0;
};

// Stmt: a borrowed statement; resets it when it goes out of scope so the
// connection's cache can hand it out again.
class Stmt {
 public:
  explicit Stmt(Statement* s) : s_(s) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { s_->Reset(); }

  Stmt& Bind(int i, int64_t v) { s_->BindInt(i, v); return *this; }
  Stmt& Bind(int i, const std::string& v) { s_->BindText(i, v); return *this; }
  Stmt& BindNull(int i) { s_->BindNull(i); return *this; }
  int Step() { return s_->Step(); }
  int64_t Int(int col) const { return s_->Int(col); }
  bool IsNull(int col) const { return s_->IsNull(col); }
  std::string Text(int col) const { return s_->Text(col); }

 private:
  Statement* s_;
};

// Transaction: Begin on construction, ROLLBACK unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) { status_ = c_.Begin(); }
  ~Transaction() {
    if (status_.ok() && !done_) (void)c_.Exec("ROLLBACK");
  }
  const Status& status() const { return status_; }
  Status Commit() {
    done_ = true;
    Status s = c_.Exec("COMMIT");
    if (!s.ok() && c_.LastFailure() == Failure::kConnection) {
      // The server may have committed before the link broke: running the
      // work again could do it twice, so this one is not retried.
      c_.SetFailure(Failure::kOther);
      return Status::Unavailable("the database connection broke while committing; the write may not be stored");
    }
    return s;
  }

 private:
  Connection& c_;
  Status status_;
  bool done_ = false;
};

// Listener: a connection that waits for NOTIFY on one channel (PostgreSQL).
class Listener {
 public:
  virtual ~Listener() = default;
  // Wait returns true when a notice came within `timeout`; false on timeout
  // or a broken link (it reconnects on the next call).
  virtual bool Wait(std::chrono::milliseconds timeout) = 0;
  // Connected: whether the link was up after the last Wait.
  virtual bool Connected() const = 0;
};
Result<std::unique_ptr<Listener>> ListenPostgres(const std::string& url, const std::string& channel);

// Opening connections; each returns a ready connection or why not.
Result<std::unique_ptr<Connection>> OpenSqliteConnection(const std::string& path);
Result<std::unique_ptr<Connection>> OpenPostgresConnection(const std::string& url);

// RedactUrl returns `url` with any password replaced by "***", for messages.
std::string RedactUrl(const std::string& url);

}  // namespace newsdesk::sql
