// CopyStore (store/store.h): a whole site from one database to another,
// e.g. SQLite to PostgreSQL when a site outgrows one machine.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "store/sql/connection.h"
#include "store/sql/pool.h"
#include "store/sql/table_summary.h"
#include "store/store.h"

namespace newsdesk {

namespace {

// Parents before children, so foreign keys hold at every insert. A table
// the source has and this list lacks stops the copy: nothing is left behind.
const std::vector<std::string>& TablesInOrder() {
  static const std::vector<std::string> kTables = {
      "sources", "source_feeds", "articles", "article_translations", "article_revisions", "changes", "tombstones", "article_mentions",
      "article_candidates", "dismissed_candidates", "entity_edits", "entity_redirects", "users", "sessions",
      "user_tokens", "login_failures", "account_mails", "comments", "comment_reports", "hold_words", "subscribers", "digest_runs",
      "digest_deliveries", "desk_mail_deliveries", "translation_cache", "translation_failures", "jobs", "settings", "audit_log"};
  return kTables;
}

Result<std::unique_ptr<sql::Connection>> Connect(const std::string& database) {
  if (IsPostgresUrl(database)) return sql::OpenPostgresConnection(database);
  if (database.rfind("sqlite:", 0) == 0) return sql::OpenSqliteConnection(database.substr(7));
  return Status::InvalidArgument(fmt::format("unknown database '{}'", sql::RedactUrl(database)));
}

struct Column {
  std::string name;
  bool integer = false;
};

Result<std::vector<std::string>> ListTables(sql::Connection& c) {
  return sql::QueryAll<std::string>(c,
      c.dialect() == sql::Dialect::kPostgres
          ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE'"
          : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      sql::NoParameters, [](const sql::Stmt& st) { return st.Text(0); });
}

Result<std::vector<Column>> ListColumns(sql::Connection& c, const std::string& table) {
  auto out = sql::QueryAll<Column>(c,
      c.dialect() == sql::Dialect::kPostgres
          ? "SELECT column_name, data_type FROM information_schema.columns WHERE "
            "table_schema = current_schema() AND table_name = ?1 ORDER BY ordinal_position"
          : "SELECT name, type FROM pragma_table_info(?1) ORDER BY cid",
      [&](sql::Stmt& st) { st.Bind(1, table); },
      [](const sql::Stmt& st) {
        std::string type = st.Text(1);
        for (auto& ch : type) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        return Column{st.Text(0), type == "INTEGER" || type == "BIGINT"};
      });
  if (!out.ok()) return out.status();
  if (out->empty()) return Status::NotFound(fmt::format("no table {}", table));
  return out;
}

// RowHash: FNV-1a over each value with its kind, so 1 and "1" differ.
uint64_t RowHash(const sql::Stmt& st, const std::vector<Column>& columns) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const std::string& s) {
    for (unsigned char ch : s) {
      h ^= ch;
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  };
  for (size_t i = 0; i < columns.size(); ++i) {
    const int col = static_cast<int>(i);
    if (st.IsNull(col)) mix("n");
    else if (columns[i].integer) mix("i" + std::to_string(st.Int(col)));
    else mix("t" + st.Text(col));
  }
  return h;
}

std::string SelectAll(const std::string& table, const std::vector<Column>& columns) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + columns[i].name;
  return sql + " FROM " + table;
}

// Summary: rows and the order-free sum of their hashes.
Result<std::pair<int64_t, uint64_t>> Summarize(sql::Connection& c, const std::string& table,
                                               const std::vector<Column>& columns) {
  int64_t rows = 0;
  uint64_t sum = 0;
  ND_RETURN_IF_ERROR(sql::QueryEach(c, SelectAll(table, columns), sql::NoParameters, [&](const sql::Stmt& st) {
    ++rows;
    sum += RowHash(st, columns);
  }));
  return std::make_pair(rows, sum);
}

}  // namespace

namespace sql {

Result<std::vector<TableCopy>> SummarizeTables(Connection& c) {
  auto tables = ListTables(c);
  if (!tables.ok()) return tables.status();
  std::sort(tables->begin(), tables->end());
  std::vector<TableCopy> out;
  for (const auto& table : *tables) {
    auto columns = ListColumns(c, table);
    if (!columns.ok()) return columns.status();
    auto summary = Summarize(c, table, *columns);
    if (!summary.ok()) return summary.status();
    out.push_back(TableCopy{table, summary->first, summary->second, false});
  }
  return out;
}

}  // namespace sql

Result<std::vector<TableCopy>> CopyStore(const std::string& from, const std::string& to,
                                         const std::function<void(const TableCopy&)>& progress) {
  if (from == to) return Status::InvalidArgument("--from and --to name the same database");
  // Opening migrates both to this version's schema, so their tables match.
  for (const auto* db : {&from, &to}) {
    auto store = OpenStoreAt(*db, 2);
    if (!store.ok()) return store.status().WithContext(sql::RedactUrl(*db));
  }
  auto src = Connect(from);
  if (!src.ok()) return src.status();
  auto dst = Connect(to);
  if (!dst.ok()) return dst.status();
  sql::Connection& s = **src;
  sql::Connection& d = **dst;

  auto tables = ListTables(s);
  if (!tables.ok()) return tables.status();
  const std::set<std::string> known(TablesInOrder().begin(), TablesInOrder().end());
  for (const auto& t : *tables)
    if (!known.count(t) && t != "schema_migrations")
      return Status::Internal(fmt::format("the source has a table this version does not know: {}", t));

  std::vector<TableCopy> report;
  sql::Transaction tx(d);
  ND_RETURN_IF_ERROR(tx.status());
  for (const auto& table : TablesInOrder()) {
    auto columns = ListColumns(d, table);
    if (!columns.ok()) return columns.status();
    auto existing = Summarize(d, table, *columns);
    if (!existing.ok()) return existing.status();
    if (existing->first != 0)
      return Status::InvalidArgument(fmt::format(
          "the target is not empty ({} has {} rows): migrate-store fills a new, empty database", table,
          existing->first));
    std::string insert = "INSERT INTO " + table + " (";
    for (size_t i = 0; i < columns->size(); ++i) insert += (i ? ", " : "") + (*columns)[i].name;
    insert += ") VALUES (";
    for (size_t i = 0; i < columns->size(); ++i) insert += fmt::format("{}?{}", i ? ", " : "", i + 1);
    insert += ")";
    auto read = s.Prepare(SelectAll(table, *columns));
    if (!read.ok()) return read.status();
    auto write = d.Prepare(insert);
    if (!write.ok()) return write.status();
    TableCopy copy{table, 0, 0, false};
    uint64_t source_sum = 0;
    {
      sql::Stmt in(*read);
      int rc;
      while ((rc = in.Step()) == sql::kRow) {
        source_sum += RowHash(in, *columns);
        sql::Stmt out(*write);
        for (size_t i = 0; i < columns->size(); ++i) {
          const int col = static_cast<int>(i);
          if (in.IsNull(col)) out.BindNull(col + 1);
          else if ((*columns)[i].integer) out.Bind(col + 1, in.Int(col));
          else out.Bind(col + 1, in.Text(col));
        }
        if (out.Step() != sql::kDone)
          return Status::IOError(fmt::format("{} row {}: {}", table, copy.rows + 1, d.LastError()));
        ++copy.rows;
        if (progress && copy.rows % 10000 == 0) progress(copy);
      }
      if (rc != sql::kDone) return Status::IOError(fmt::format("reading {}: {}", table, s.LastError()));
    }
    auto copied = Summarize(d, table, *columns);
    if (!copied.ok()) return copied.status();
    copy.checksum = source_sum;
    copy.verified = copied->first == copy.rows && copied->second == source_sum;
    if (!copy.verified)
      return Status::Internal(fmt::format("{}: {} rows read but {} written, or their checksums differ; nothing kept",
                                          table, copy.rows, copied->first));
    if (progress) progress(copy);
    report.push_back(copy);
  }
  if (d.dialect() == sql::Dialect::kPostgres) {
    // Copied ids were given, not drawn: the identity sequences start after them.
    using Identity = std::pair<std::string, std::string>;
    auto identities = sql::QueryAll<Identity>(d,
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND is_identity = 'YES'",
        sql::NoParameters, [](const sql::Stmt& st) { return Identity{st.Text(0), st.Text(1)}; });
    if (!identities.ok()) return identities.status();
    for (const auto& [table, column] : *identities) {
      ND_RETURN_IF_ERROR(d.Exec(fmt::format(
          "SELECT setval(pg_get_serial_sequence('{0}', '{1}'), COALESCE((SELECT MAX({1}) FROM {0}), 0) + 1, false)",
          table, column)));
    }
  }
  ND_RETURN_IF_ERROR(tx.Commit());
  return report;
}

}  // namespace newsdesk
