// The PostgreSQL side of store/sql/connection.h, on libpq.
//
// The store's SQL uses SQLite's `?N` placeholders; here they become `$N`.
// Parameters are sent as text with declared types (int8 or text, from how
// each was bound), and a statement is prepared once per connection for each
// set of declared types. Why libpq rather than libpqxx: docs/dependencies.md.
#include <fmt/format.h>
#include <libpq-fe.h>

#include <poll.h>

#include <cstdlib>
#include <thread>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "store/sql/connection.h"

namespace newsdesk::sql {

std::string RedactUrl(const std::string& url) {
  // scheme://user:password@host → scheme://user:***@host
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

namespace {

constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;

// Placeholders is SQL with `?N` / `?` rewritten to `$N`, and which numbers
// it uses.
struct Placeholders {
  std::string sql;
  std::vector<bool> used;  // used[i] for $i+1
};

Placeholders RewritePlaceholders(const std::string& in) {
  Placeholders out;
  out.sql.reserve(in.size() + 16);
  int highest = 0;
  auto mark = [&](int n) {
    if (static_cast<int>(out.used.size()) < n) out.used.resize(n, false);
    out.used[n - 1] = true;
    highest = std::max(highest, n);
  };
  for (size_t i = 0; i < in.size(); ++i) {
    const char ch = in[i];
    if (ch == '\'' || ch == '"') {  // a literal or quoted name: copied as it is
      const size_t end = in.find(ch, i + 1);
      const size_t stop = end == std::string::npos ? in.size() : end + 1;
      out.sql.append(in, i, stop - i);
      i = stop - 1;
      continue;
    }
    if (ch == '-' && i + 1 < in.size() && in[i + 1] == '-') {
      const size_t end = in.find('\n', i);
      const size_t stop = end == std::string::npos ? in.size() : end;
      out.sql.append(in, i, stop - i);
      i = stop - 1;
      continue;
    }
    if (ch != '?') {
      out.sql.push_back(ch);
      continue;
    }
    size_t j = i + 1;
    while (j < in.size() && in[j] >= '0' && in[j] <= '9') ++j;
    const int n = j > i + 1 ? std::atoi(in.substr(i + 1, j - i - 1).c_str()) : highest + 1;
    mark(n);
    out.sql += fmt::format("${}", n);
    i = j - 1;
  }
  return out;
}

Failure Classify(PGconn* conn, const PGresult* res) {
  if (PQstatus(conn) != CONNECTION_OK) return Failure::kConnection;
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  if (!state) return Failure::kConnection;  // no result at all: the link broke
  const std::string s = state;
  if (s == "40001" || s == "40P01") return Failure::kRetry;
  if (s.rfind("08", 0) == 0 || s == "57P01" || s == "57P02" || s == "57P03") return Failure::kConnection;
  return Failure::kOther;
}

class PostgresConnection;

class PostgresStatement final : public Statement {
 public:
  PostgresStatement(PostgresConnection* owner, Placeholders p) : owner_(owner), p_(std::move(p)) {}
  ~PostgresStatement() override { Clear(); }

  void BindInt(int i, int64_t v) override { Set(i, std::to_string(v), kInt8Oid); }
  void BindText(int i, const std::string& v) override {
    // PostgreSQL's text cannot hold NUL; SQLite keeps it. Nothing we store
    // needs it, so it is dropped rather than failing the whole write.
    if (v.find('\0') == std::string::npos) {
      Set(i, v, kTextOid);
    } else {
      std::string clean;
      clean.reserve(v.size());
      for (char ch : v)
        if (ch != '\0') clean.push_back(ch);
      Set(i, std::move(clean), kTextOid);
    }
  }
  void BindNull(int i) override {
    Grow(i);
    values_[i - 1].reset();
    types_[i - 1] = 0;
  }
  int Step() override;
  int64_t Int(int col) const override {
    if (!res_ || PQgetisnull(res_, row_, col)) return 0;
    const char* v = PQgetvalue(res_, row_, col);
    if (v[0] == 't' && v[1] == '\0') return 1;
    if (v[0] == 'f' && v[1] == '\0') return 0;
    return std::strtoll(v, nullptr, 10);
  }
  bool IsNull(int col) const override { return !res_ || PQgetisnull(res_, row_, col); }
  std::string Text(int col) const override {
    if (!res_ || PQgetisnull(res_, row_, col)) return {};
    return std::string(PQgetvalue(res_, row_, col), static_cast<size_t>(PQgetlength(res_, row_, col)));
  }
  void Reset() override {
    Clear();
    values_.clear();
    types_.clear();
  }

 private:
  void Grow(int i) {
    if (static_cast<int>(values_.size()) < i) {
      values_.resize(i);
      types_.resize(i, 0);
    }
  }
  void Set(int i, std::string v, Oid type) {
    Grow(i);
    values_[i - 1] = std::move(v);
    types_[i - 1] = type;
  }
  void Clear() {
    if (res_) PQclear(res_);
    res_ = nullptr;
    row_ = -1;
  }

  PostgresConnection* owner_;
  Placeholders p_;
  std::vector<std::optional<std::string>> values_;
  std::vector<Oid> types_;
  std::map<std::vector<Oid>, std::string> prepared_;  // declared types → statement name
  PGresult* res_ = nullptr;
  int row_ = -1;
};

class PostgresConnection final : public Connection {
 public:
  ~PostgresConnection() override {
    cache_.clear();
    if (conn_) PQfinish(conn_);
  }

  static Result<std::unique_ptr<Connection>> Open(const std::string& url) {
    auto c = std::unique_ptr<PostgresConnection>(new PostgresConnection());
    // Defaults first: the URL's own parameters override them. Keepalives and
    // a TCP user timeout make a vanished server an error, not a hang.
    const char* keys[] = {"connect_timeout", "keepalives_idle", "keepalives_interval", "keepalives_count",
                          "tcp_user_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {"5", "10", "5", "3", "30000", "newsdesk", url.c_str(), nullptr};
    c->conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (!c->conn_ || PQstatus(c->conn_) != CONNECTION_OK) {
      std::string why = c->conn_ ? PQerrorMessage(c->conn_) : "out of memory";
      while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
      return Status::Unavailable(fmt::format("cannot connect to {}: {}", RedactUrl(url), why));
    }
    ND_RETURN_IF_ERROR(c->Exec("SET client_min_messages = warning"));
    return std::unique_ptr<Connection>(std::move(c));
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Status Exec(const std::string& sql) override {
    PGresult* res = PQexec(conn_, sql.c_str());
    const ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
      changes_ = std::atoll(PQcmdTuples(res));
      PQclear(res);
      return Status::Ok();
    }
    Fail(res);
    if (res) PQclear(res);
    return failure_ == Failure::kConnection ? Status::Unavailable(error_) : Status::IOError(error_);
  }

  Status Begin() override { return Exec("BEGIN ISOLATION LEVEL SERIALIZABLE"); }

  Result<Statement*> Prepare(const std::string& sql) override {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second.get();
    auto [pos, inserted] = cache_.emplace(sql, std::make_unique<PostgresStatement>(this, RewritePlaceholders(sql)));
    return pos->second.get();
  }

  std::string LastError() const override { return error_; }
  Failure LastFailure() const override { return failure_; }
  void SetFailure(Failure f) override {
    failure_ = f;
    if (f == Failure::kNone) error_.clear();
  }
  Result<int64_t> LastInsertId() override {
    PGresult* res = PQexec(conn_, "SELECT lastval()");
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
      Fail(res);
      if (res) PQclear(res);
      return Status::IOError(error_);
    }
    const int64_t id = std::strtoll(PQgetvalue(res, 0, 0), nullptr, 10);
    PQclear(res);
    return id;
  }
  int64_t Changes() const override { return changes_; }

  PGconn* handle() { return conn_; }
  std::string NextStatementName() { return fmt::format("nd{}", ++statements_); }
  void SetChanges(int64_t n) { changes_ = n; }

  // Fail records why `res` (maybe null) failed.
  void Fail(const PGresult* res) {
    failure_ = Classify(conn_, res);
    const char* msg = res ? PQresultErrorMessage(res) : nullptr;
    error_ = msg && *msg ? msg : PQerrorMessage(conn_);
    while (!error_.empty() && (error_.back() == '\n' || error_.back() == ' ')) error_.pop_back();
    if (error_.empty()) error_ = "the database connection was lost";
  }
  bool UniqueViolation(const PGresult* res) const {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    return state && std::string(state) == "23505";
  }

 private:
  PostgresConnection() = default;
  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<PostgresStatement>> cache_;
  Failure failure_ = Failure::kNone;
  std::string error_;
  int64_t changes_ = 0;
  int64_t statements_ = 0;
};

int PostgresStatement::Step() {
  if (res_) {  // already run: the next row
    ++row_;
    return row_ < PQntuples(res_) ? kRow : kDone;
  }
  const size_t n = std::max(values_.size(), p_.used.size());
  Grow(static_cast<int>(n));
  std::vector<Oid> types = types_;
  for (size_t i = 0; i < n; ++i) {
    // A parameter the SQL never names still needs a type; one it names but
    // nobody bound is NULL of whatever type the server infers.
    const bool used = i < p_.used.size() && p_.used[i];
    if (types[i] == 0 && !used) types[i] = kTextOid;
  }
  PGconn* conn = owner_->handle();
  auto name = prepared_.find(types);
  if (name == prepared_.end()) {
    std::string stmt_name = owner_->NextStatementName();
    PGresult* prep = PQprepare(conn, stmt_name.c_str(), p_.sql.c_str(), static_cast<int>(n), types.data());
    if (!prep || PQresultStatus(prep) != PGRES_COMMAND_OK) {
      owner_->Fail(prep);
      if (prep) PQclear(prep);
      return kError;
    }
    PQclear(prep);
    name = prepared_.emplace(types, std::move(stmt_name)).first;
  }
  std::vector<const char*> values(n, nullptr);
  for (size_t i = 0; i < n; ++i)
    if (values_[i]) values[i] = values_[i]->c_str();
  res_ = PQexecPrepared(conn, name->second.c_str(), static_cast<int>(n), values.data(), nullptr, nullptr, 0);
  const ExecStatusType st = res_ ? PQresultStatus(res_) : PGRES_FATAL_ERROR;
  if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
    owner_->SetChanges(std::atoll(PQcmdTuples(res_)));
    row_ = 0;
    return PQntuples(res_) > 0 ? kRow : kDone;
  }
  owner_->Fail(res_);
  const bool unique = owner_->UniqueViolation(res_);
  Clear();
  return unique ? kUniqueViolation : kError;
}

class PostgresListener final : public Listener {
 public:
  PostgresListener(std::string url, std::string channel) : url_(std::move(url)), channel_(std::move(channel)) {}
  ~PostgresListener() override {
    if (conn_) PQfinish(conn_);
  }

  Status Connect() {
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    // The listener keeps its own link; the pool's connections never LISTEN.
    const char* keys[] = {"connect_timeout", "keepalives_idle", "keepalives_interval", "keepalives_count",
                          "tcp_user_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {"5", "10", "5", "3", "30000", "newsdesk-listen", url_.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) return Status::Unavailable("cannot connect to listen");
    PGresult* r = PQexec(conn_, ("LISTEN " + channel_).c_str());
    const bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (r) PQclear(r);
    return ok ? Status::Ok() : Status::IOError("LISTEN failed");
  }

  bool Connected() const override { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

  bool Wait(std::chrono::milliseconds timeout) override {
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      if (!Connect().ok()) {
        std::this_thread::sleep_for(timeout);
        return false;
      }
    }
    if (Drain()) return true;
    pollfd fd{PQsocket(conn_), POLLIN, 0};
    const int n = ::poll(&fd, 1, static_cast<int>(timeout.count()));
    if (n <= 0) return false;
    if (!PQconsumeInput(conn_)) return false;  // broken: reconnect next time
    return Drain();
  }

 private:
  bool Drain() {
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_)) {
      any = true;
      PQfreemem(n);
    }
    return any;
  }

  const std::string url_;
  const std::string channel_;
  PGconn* conn_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<Listener>> ListenPostgres(const std::string& url, const std::string& channel) {
  auto l = std::make_unique<PostgresListener>(url, channel);
  ND_RETURN_IF_ERROR(l->Connect());
  return std::unique_ptr<Listener>(std::move(l));
}

Result<std::unique_ptr<Connection>> OpenPostgresConnection(const std::string& url) {
  return PostgresConnection::Open(url);
}

}  // namespace newsdesk::sql
