// File: store/sql/pool.h
//
// The store's connections and how work runs on them, apart from what the
// work is: a capped pool of connections of one kind (SQLite or PostgreSQL,
// store/sql/connection.h), retries with backoff when PostgreSQL asks for a
// transaction to run again or a connection breaks, write transactions, and
// small helpers that replace the prepare, check, bind, step and error
// blocks of a query.
//
//   sql::Pool pool(open, 16);
//   pool.Adopt(std::move(first));                 // a connection opened and migrated already
//   auto n = pool.WithConnection<int64_t>([&](sql::Connection& c) {
//     return sql::QueryOne<int64_t>(c, "SELECT COUNT(*) FROM users WHERE role = ?1",
//                                   [&](sql::Stmt& st) { st.Bind(1, role); },
//                                   [](const sql::Stmt& st) { return st.Int(0); });   // Result<optional<…>>
//   });
//   Status s = pool.Write([&](sql::Connection& c) { return sql::Exec(c, "DELETE FROM jobs WHERE id = ?1", …); });
//
// Retried work runs again from scratch on a fresh connection, for up to
// 15 s: whatever it fills in outside itself it must clear first. A
// connection lost during COMMIT is not retried (the write may have
// happened): the caller gets Unavailable and says so.
//
// Thread-safety: WithConnection and Write may be called from many threads;
// each call has a connection of its own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/sql/connection.h"

namespace newsdesk::sql {

class Pool {
 public:
  using Opener = std::function<Result<std::unique_ptr<Connection>>()>;

  // `max_connections` caps the connections open at once (0: no cap).
  Pool(Opener open, size_t max_connections) : open_(std::move(open)), max_connections_(max_connections) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Open makes a new connection of the pool's kind, outside the pool.
  Result<std::unique_ptr<Connection>> Open() { return open_(); }
  // Adopt puts a connection opened by Open into the pool.
  void Adopt(std::unique_ptr<Connection> conn);

  // WithConnection runs `f(Connection&) -> Result<T>` on a pooled connection,
  // again on a fresh one when the database asks for a retry or the
  // connection broke, for up to kRetryFor; then the error is returned.
  template <typename T, typename F>
  Result<T> WithConnection(F&& f) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + kRetryFor;
    for (int attempt = 0;; ++attempt) {
      auto conn = Acquire(deadline);
      if (!conn.ok()) {
        if (conn.status().code() != Code::kUnavailable || Clock::now() >= deadline) return conn.status();
        std::this_thread::sleep_for(Backoff(attempt, Failure::kConnection));
        continue;
      }
      (*conn)->ClearFailure();
      Result<T> result = f(**conn);
      const Failure failure = result.ok() ? Failure::kNone : (*conn)->LastFailure();
      Release(std::move(*conn), failure == Failure::kConnection);
      if (failure != Failure::kRetry && failure != Failure::kConnection) return result;
      if (Clock::now() >= deadline) {
        if (failure == Failure::kConnection)
          return Status::Unavailable("the database is unreachable: " + result.status().message());
        return result;
      }
      std::this_thread::sleep_for(Backoff(attempt, failure));
    }
  }

  // WriteReturning runs `f(Connection&) -> Result<T>` in a transaction:
  // all or nothing; what it returns once committed.
  template <typename T, typename F>
  Result<T> WriteReturning(F&& f) {
    return WithConnection<T>([&](Connection& c) -> Result<T> {
      Transaction tx(c);
      ND_RETURN_IF_ERROR(tx.status());
      Result<T> result = f(c);
      if (!result.ok()) return result;
      ND_RETURN_IF_ERROR(tx.Commit());
      return result;
    });
  }

  // Write runs `f(Connection&) -> Status` in a transaction: all or nothing.
  template <typename F>
  Status Write(F&& f) {
    return WriteReturning<bool>([&](Connection& c) -> Result<bool> {
      ND_RETURN_IF_ERROR(f(c));
      return true;
    }).status();
  }

  static constexpr std::chrono::seconds kRetryFor{15};

 private:
  // Backoff: conflicts clear in milliseconds, a restarting server takes seconds.
  static std::chrono::milliseconds Backoff(int attempt, Failure failure);
  // Acquire hands out an idle connection, or opens one while fewer than
  // max_connections_ are open, or waits for one until `deadline`.
  Result<std::unique_ptr<Connection>> Acquire(std::chrono::steady_clock::time_point deadline);
  void Release(std::unique_ptr<Connection> conn, bool broken);

  const Opener open_;
  const size_t max_connections_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;  // GUARDED_BY(mu_)
  size_t open_connections_ = 0;                    // GUARDED_BY(mu_): idle and in use
};

// --- query helpers: one statement, its bindings, its rows -----------------------
//
// `bind` is `void(Stmt&)` (it binds the parameters), `row` is `T(const Stmt&)`
// (it reads one row). A failed step is an IOError with the database's message.
//
//   ND_RETURN_IF_ERROR(sql::Exec(c, "DELETE FROM sessions WHERE user_id = ?1", [&](sql::Stmt& st) { st.Bind(1, id); }));
//   auto user = sql::QueryFound<User>(c, "SELECT … WHERE id = ?1", bind, UserFromRow, "no user 7");  // NotFound
//   auto n = sql::QueryInt(c, "SELECT COUNT(*) FROM jobs", sql::NoParameters);

inline void NoParameters(Stmt&) {}

// WithStatement prepares `sql`, binds it and hands it to `use(Stmt&)`, which
// returns a Status or a Result; a statement that cannot be prepared is that
// error instead.
template <typename Bind, typename Use>
auto WithStatement(Connection& c, const std::string& sql, Bind&& bind, Use&& use) -> decltype(use(std::declval<Stmt&>())) {
  auto p = c.Prepare(sql);
  if (!p.ok()) return p.status();
  Stmt st(*p);
  bind(st);
  return use(st);
}

// Exec runs a statement that returns no rows; `c.Changes()` then counts
// the rows it touched.
template <typename Bind>
Status Exec(Connection& c, const std::string& sql, Bind&& bind) {
  return WithStatement(c, sql, bind, [&](Stmt& st) {
    return st.Step() == kDone ? Status::Ok() : Status::IOError(c.LastError());
  });
}

// TryInsert runs an INSERT: true when the row went in, false when a UNIQUE
// or PRIMARY KEY constraint refused it.
template <typename Bind>
Result<bool> TryInsert(Connection& c, const std::string& sql, Bind&& bind) {
  return WithStatement(c, sql, bind, [&](Stmt& st) -> Result<bool> {
    const int rc = st.Step();
    if (rc == kUniqueViolation) return false;
    if (rc != kDone) return Status::IOError(c.LastError());
    return true;
  });
}

// QueryEach calls `on_row(const Stmt&)` for every row.
template <typename Bind, typename OnRow>
Status QueryEach(Connection& c, const std::string& sql, Bind&& bind, OnRow&& on_row) {
  return WithStatement(c, sql, bind, [&](Stmt& st) {
    int rc;
    while ((rc = st.Step()) == kRow) on_row(std::as_const(st));
    return rc == kDone ? Status::Ok() : Status::IOError(c.LastError());
  });
}

// QueryAll reads every row.
template <typename T, typename Bind, typename Row>
Result<std::vector<T>> QueryAll(Connection& c, const std::string& sql, Bind&& bind, Row&& row) {
  std::vector<T> out;
  ND_RETURN_IF_ERROR(QueryEach(c, sql, bind, [&](const Stmt& st) { out.push_back(row(st)); }));
  return out;
}

// QueryOne reads the first row, or nullopt when there is none.
template <typename T, typename Bind, typename Row>
Result<std::optional<T>> QueryOne(Connection& c, const std::string& sql, Bind&& bind, Row&& row) {
  return WithStatement(c, sql, bind, [&](Stmt& st) -> Result<std::optional<T>> {
    const int rc = st.Step();
    if (rc == kDone) return std::optional<T>();
    if (rc != kRow) return Status::IOError(c.LastError());
    return std::optional<T>(row(std::as_const(st)));
  });
}

// QueryFound reads the first row; none is NotFound(`not_found`).
template <typename T, typename Bind, typename Row>
Result<T> QueryFound(Connection& c, const std::string& sql, Bind&& bind, Row&& row, const std::string& not_found) {
  auto one = QueryOne<T>(c, sql, bind, row);
  if (!one.ok()) return one.status();
  if (!*one) return Status::NotFound(not_found);
  return std::move(**one);
}

// QueryRow reads the one row a query always returns (an aggregate such as
// COUNT or MAX); none is an IOError.
template <typename T, typename Bind, typename Row>
Result<T> QueryRow(Connection& c, const std::string& sql, Bind&& bind, Row&& row) {
  auto one = QueryOne<T>(c, sql, bind, row);
  if (!one.ok()) return one.status();
  if (!*one) return Status::IOError(c.LastError());
  return std::move(**one);
}

// QueryInt reads the integer in the first column of that one row.
template <typename Bind>
Result<int64_t> QueryInt(Connection& c, const std::string& sql, Bind&& bind) {
  return QueryRow<int64_t>(c, sql, bind, [](const Stmt& st) { return st.Int(0); });
}

}  // namespace newsdesk::sql
