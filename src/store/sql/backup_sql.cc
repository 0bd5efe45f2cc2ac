// The database half of backups (store/sql/backup_sql.h): SQLite's online
// backup API, and pg_dump / pg_restore for PostgreSQL.
#include "store/sql/backup_sql.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/backup.h"
#include "store/sql/connection.h"
#include "store/sql/migrations.h"
#include "store/sql/pool.h"
#include "store/sql/table_summary.h"

extern char** environ;

namespace newsdesk {

int LatestSchemaVersion() {
  int latest = 0;
  for (const auto& m : sql::Migrations()) latest = std::max(latest, m.version);
  return latest;
}

namespace sql {
namespace {

Result<int> SchemaVersion(Connection& c) {
  auto v = QueryInt(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NoParameters);
  if (!v.ok()) return v.status().WithContext("the database has no schema_migrations: is it a newsdesk store?");
  return static_cast<int>(*v);
}

// A schema or table name written into SQL or onto pg_dump's command line
// (names cannot be parameters): plain lower-case identifiers only.
bool IsPlainIdentifier(const std::string& name) {
  if (name.empty() || name.size() > 63 || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'; });
}

// PostgresProgramLogin: how pg_dump and pg_restore reach `url`: a conninfo
// string without the password (a command line is visible to every user of
// the machine), and the password, for their environment.
struct PostgresProgramLogin {
  std::string conninfo;
  std::string password;
};

Result<PostgresProgramLogin> ProgramLogin(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &err);
  if (!options) {
    std::string why = err ? err : "out of memory";
    PQfreemem(err);
    return Status::InvalidArgument(fmt::format("cannot read the database URL {}: {}", RedactUrl(url), why));
  }
  PostgresProgramLogin login;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    const std::string key = o->keyword;
    if (key == "password") {
      login.password = o->val;
      continue;
    }
    std::string value;
    for (const char* p = o->val; *p; ++p) {
      if (*p == '\'' || *p == '\\') value.push_back('\\');
      value.push_back(*p);
    }
    login.conninfo += fmt::format("{}{}='{}'", login.conninfo.empty() ? "" : " ", key, value);
  }
  PQconninfoFree(options);
  return login;
}

// LastLines: the end of a program's messages, for an error.
std::string LastLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(line);
  std::string out;
  for (size_t i = lines.size() > 3 ? lines.size() - 3 : 0; i < lines.size(); ++i) out += (out.empty() ? "" : " | ") + lines[i];
  return out.empty() ? "no message" : out;
}

// RunProgram runs `argv` (found on PATH) with PGPASSWORD set to `password`
// when given, stdout and stderr appended to `log`, and waits for it.
Status RunProgram(const std::vector<std::string>& argv, const std::string& password, const std::string& log) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "PGPASSWORD=", 11) != 0) env_strings.emplace_back(*e);
  if (!password.empty()) env_strings.push_back("PGPASSWORD=" + password);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    if (rc == ENOENT)
      return Status::NotFound(fmt::format("{} is not installed (Debian: apt-get install postgresql-client)", argv[0]));
    return Status::IOError(fmt::format("cannot run {}: {}", argv[0], std::strerror(rc)));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Status::IOError(fmt::format("waiting for {}: {}", argv[0], std::strerror(errno)));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  return Status::IOError(fmt::format("{} failed: {}", argv[0], LastLines(log)));
}

Result<std::string> CurrentSchema(Connection& c) {
  auto schema = QueryOne<std::string>(c, "SELECT current_schema()", NoParameters,
                                      [](const Stmt& st) { return st.IsNull(0) ? std::string() : st.Text(0); });
  if (!schema.ok()) return schema.status();
  if (!*schema || (*schema)->empty())
    return Status::InvalidArgument("the database has no current schema: no schema of its search_path exists");
  return **schema;
}

Status CloseSqlite(sqlite3* db) { return sqlite3_close_v2(db) == SQLITE_OK ? Status::Ok() : Status::IOError("close"); }

}  // namespace

Result<DatabaseSnapshot> SnapshotSqlite(const std::string& path, const std::string& out) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return Status::NotFound(fmt::format("no SQLite database at {}: there is no site to back up", path));
  sqlite3* src = nullptr;
  sqlite3* dst = nullptr;
  auto close_both = [&] {
    if (src) (void)CloseSqlite(src);
    if (dst) (void)CloseSqlite(dst);
  };
  if (sqlite3_open_v2(path.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK ||
      sqlite3_open_v2(out.c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    std::string why = src ? sqlite3_errmsg(src) : "out of memory";
    if (dst) why = sqlite3_errmsg(dst);
    close_both();
    return Status::IOError(fmt::format("cannot open {} for a backup: {}", path, why));
  }
  sqlite3_busy_timeout(src, 5000);
  int rc = SQLITE_BUSY;
  // One step of -1 pages copies everything under one read transaction; a
  // step that finds the database locked (a checkpoint restarting the WAL)
  // is tried again.
  for (int attempt = 0; attempt < 50 && (rc == SQLITE_BUSY || rc == SQLITE_LOCKED); ++attempt) {
    sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) break;
    rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ::usleep(100 * 1000);
  }
  if (rc != SQLITE_DONE) {
    const std::string why = sqlite3_errstr(rc);
    close_both();
    return Status::IOError(fmt::format("the online backup of {} failed: {}", path, why));
  }
  char* err = nullptr;
  if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    close_both();
    return Status::IOError(fmt::format("cannot finish the copy of {}: {}", path, why));
  }
  close_both();

  auto c = OpenSqliteConnection(out);
  if (!c.ok()) return c.status();
  DatabaseSnapshot snapshot;
  auto version = SchemaVersion(**c);
  if (!version.ok()) return version.status();
  snapshot.schema_version = *version;
  auto tables = SummarizeTables(**c);
  if (!tables.ok()) return tables.status();
  snapshot.tables = std::move(*tables);
  return snapshot;
}

Result<DatabaseSnapshot> SnapshotPostgres(const std::string& url, const std::string& out, const std::string& log) {
  auto login = ProgramLogin(url);
  if (!login.ok()) return login.status();
  auto conn = OpenPostgresConnection(url);
  if (!conn.ok()) return conn.status();
  Connection& c = **conn;
  // pg_dump takes the snapshot this transaction exports, so the dump and the
  // summary below see the same rows; it stays open until both are done.
  ND_RETURN_IF_ERROR(c.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
  DatabaseSnapshot snapshot;
  auto schema = CurrentSchema(c);
  if (!schema.ok()) return schema.status();
  if (!IsPlainIdentifier(*schema))
    return Status::InvalidArgument(fmt::format("the site's schema '{}' is not a plain lower-case name", *schema));
  snapshot.pg_schema = *schema;
  auto exported = QueryRow<std::string>(c, "SELECT pg_export_snapshot()", NoParameters,
                                        [](const Stmt& st) { return st.Text(0); });
  if (!exported.ok()) return exported.status();
  auto version = SchemaVersion(c);
  if (!version.ok()) return version.status();
  snapshot.schema_version = *version;
  ND_RETURN_IF_ERROR(RunProgram({"pg_dump", "--format=custom", "--schema=" + *schema, "--snapshot=" + *exported,
                                 "--file=" + out, "--dbname=" + login->conninfo},
                                login->password, log));
  auto tables = SummarizeTables(c);
  if (!tables.ok()) return tables.status();
  snapshot.tables = std::move(*tables);
  ND_RETURN_IF_ERROR(c.Exec("COMMIT"));
  return snapshot;
}

Status SameTables(const std::vector<TableCopy>& expected, const std::vector<TableCopy>& actual) {
  for (const auto& want : expected) {
    auto it = std::find_if(actual.begin(), actual.end(), [&](const TableCopy& t) { return t.table == want.table; });
    if (it == actual.end()) return Status::IOError(fmt::format("table {} of the backup is missing", want.table));
    if (it->rows != want.rows || it->checksum != want.checksum)
      return Status::IOError(fmt::format("table {}: the backup holds {} rows (checksum {:016x}), the restored copy {} "
                                         "({:016x})",
                                         want.table, want.rows, want.checksum, it->rows, it->checksum));
  }
  for (const auto& t : actual) {
    if (std::none_of(expected.begin(), expected.end(), [&](const TableCopy& e) { return e.table == t.table; }))
      return Status::IOError(fmt::format("the restored copy has a table the backup does not list: {}", t.table));
  }
  return Status::Ok();
}

Status CheckSqliteCopy(const std::string& path, const std::vector<TableCopy>& expected) {
  auto c = OpenSqliteConnection(path);
  if (!c.ok()) return c.status();
  auto integrity = QueryAll<std::string>(**c, "PRAGMA integrity_check", NoParameters,
                                         [](const Stmt& st) { return st.Text(0); });
  if (!integrity.ok()) return integrity.status();
  if (integrity->size() != 1 || integrity->front() != "ok")
    return Status::IOError(fmt::format("the restored database fails SQLite's integrity check: {}",
                                       integrity->empty() ? "no answer" : integrity->front()));
  auto orphans = QueryInt(**c, "SELECT COUNT(*) FROM pragma_foreign_key_check", NoParameters);
  if (!orphans.ok()) return orphans.status();
  if (*orphans != 0)
    return Status::IOError(fmt::format("the restored database has {} rows whose foreign keys point nowhere", *orphans));
  auto tables = SummarizeTables(**c);
  if (!tables.ok()) return tables.status();
  return SameTables(expected, *tables);
}

Status CheckPostgresTarget(const std::string& url, const std::string& schema) {
  auto conn = OpenPostgresConnection(url);
  if (!conn.ok()) return conn.status();
  auto current = CurrentSchema(**conn);
  if (!current.ok()) return current.status();
  if (*current != schema)
    return Status::InvalidArgument(fmt::format(
        "the backup is of schema {}, but the target's current schema is {}: give a URL whose search_path names {}",
        schema, *current, schema));
  auto tables = QueryInt(**conn,
                         "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()",
                         NoParameters);
  if (!tables.ok()) return tables.status();
  if (*tables != 0)
    return Status::InvalidArgument(fmt::format(
        "the target database is not empty (schema {} has {} tables): restore fills a new, empty database; nothing "
        "was written",
        schema, *tables));
  return Status::Ok();
}

Status RestorePostgres(const std::string& url, const std::string& dump, const std::string& schema,
                       const std::vector<TableCopy>& expected, const std::string& work_dir, const std::string& log) {
  auto login = ProgramLogin(url);
  if (!login.ok()) return login.status();
  if (!IsPlainIdentifier(schema))
    return Status::InvalidArgument(fmt::format("the backup's schema '{}' is not a plain lower-case name", schema));
  // The schema exists in the target already (CheckPostgresTarget): its own
  // entries would fail the one transaction, so the table of contents
  // pg_restore follows leaves them out.
  const std::string full = (std::filesystem::path(work_dir) / "restore.list").string();
  const std::string kept = (std::filesystem::path(work_dir) / "restore-kept.list").string();
  ND_RETURN_IF_ERROR(RunProgram({"pg_restore", "--list", "--file=" + full, dump}, "", log));
  {
    std::ifstream in(full);
    std::ofstream outf(kept);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find(" SCHEMA - " + schema + " ") != std::string::npos ||
          line.find(" COMMENT - SCHEMA " + schema + " ") != std::string::npos)
        continue;
      outf << line << "\n";
    }
    if (!outf) return Status::IOError(fmt::format("cannot write {}", kept));
  }
  ND_RETURN_IF_ERROR(RunProgram({"pg_restore", "--single-transaction", "--exit-on-error", "--no-owner",
                                 "--no-privileges", "--use-list=" + kept, "--dbname=" + login->conninfo, dump},
                                login->password, log));
  Status checked = [&]() -> Status {
    auto conn = OpenPostgresConnection(url);
    if (!conn.ok()) return conn.status();
    auto tables = SummarizeTables(**conn);
    if (!tables.ok()) return tables.status();
    return SameTables(expected, *tables);
  }();
  if (!checked.ok()) (void)DropTables(url, expected);
  return checked;
}

Status DropTables(const std::string& url, const std::vector<TableCopy>& tables) {
  auto conn = OpenPostgresConnection(url);
  if (!conn.ok()) return conn.status();
  Connection& c = **conn;
  ND_RETURN_IF_ERROR(c.Exec("BEGIN"));
  for (const auto& t : tables) {
    if (!IsPlainIdentifier(t.table)) continue;
    Status dropped = c.Exec(fmt::format("DROP TABLE IF EXISTS {} CASCADE", t.table));
    if (!dropped.ok()) {
      (void)c.Exec("ROLLBACK");
      return dropped;
    }
  }
  return c.Exec("COMMIT");
}

}  // namespace sql
}  // namespace newsdesk
