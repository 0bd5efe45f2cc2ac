// BackupSite and RestoreSite (store/backup.h): the archive, its manifest
// and checksums, staging and cleanup; the database half is
// store/sql/backup_sql.cc. Why a tar written by libarchive: docs/deploy.md.
#include "store/backup.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "common/time.h"
#include "store/sql/backup_sql.h"
#include "store/sql/connection.h"
#include "store/store.h"

#ifndef ND_NEWSDESK_VERSION
#define ND_NEWSDESK_VERSION "unknown"
#endif

namespace newsdesk {
namespace {

namespace fs = std::filesystem;

constexpr const char* kManifest = "manifest.json";
constexpr const char* kSqliteMember = "database/newsdesk.db";
constexpr const char* kPostgresMember = "database/postgresql.dump";
constexpr const char* kSecretMember = "data/site_secret";
constexpr const char* kConfigMember = "config/newsdesk.toml";
constexpr size_t kMaxManifestBytes = 16 * 1024 * 1024;
constexpr size_t kChunk = 64 * 1024;

// Sha256: a running SHA-256 (libsodium), in lower-case hex at the end.
class Sha256 {
 public:
  Sha256() { crypto_hash_sha256_init(&state_); }
  void Add(const void* data, size_t n) {
    crypto_hash_sha256_update(&state_, static_cast<const unsigned char*>(data), n);
  }
  std::string Hex() {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state_, digest);
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
  }

 private:
  crypto_hash_sha256_state state_;
};

Result<BackupMember> HashFile(const std::string& name, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(fmt::format("cannot read {}", path));
  Sha256 sha;
  BackupMember m{name, 0, ""};
  std::vector<char> buf(kChunk);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    sha.Add(buf.data(), static_cast<size_t>(in.gcount()));
    m.size += in.gcount();
  }
  if (in.bad()) return Status::IOError(fmt::format("cannot read {}", path));
  m.sha256 = sha.Hex();
  return m;
}

std::string ManifestJson(const BackupManifest& m) {
  nlohmann::json j;
  j["format"] = m.format;
  j["newsdesk_version"] = m.newsdesk_version;
  j["schema_version"] = m.schema_version;
  j["backend"] = m.backend;
  if (!m.pg_schema.empty()) j["postgresql_schema"] = m.pg_schema;
  j["created_at"] = m.created_at;
  j["members"] = nlohmann::json::array();
  for (const auto& member : m.members)
    j["members"].push_back({{"name", member.name}, {"size", member.size}, {"sha256", member.sha256}});
  j["tables"] = nlohmann::json::array();
  for (const auto& t : m.tables)
    j["tables"].push_back({{"table", t.table}, {"rows", t.rows}, {"checksum", fmt::format("{:016x}", t.checksum)}});
  return j.dump(2) + "\n";
}

Result<BackupManifest> ParseManifest(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    BackupManifest m;
    m.format = j.at("format").get<int>();
    if (m.format != 1)
      return Status::InvalidArgument(fmt::format("the backup's format {} is newer than this newsdesk reads", m.format));
    m.newsdesk_version = j.at("newsdesk_version").get<std::string>();
    m.schema_version = j.at("schema_version").get<int>();
    m.backend = j.at("backend").get<std::string>();
    m.pg_schema = j.value("postgresql_schema", "");
    m.created_at = j.at("created_at").get<std::string>();
    for (const auto& member : j.at("members"))
      m.members.push_back({member.at("name").get<std::string>(), member.at("size").get<int64_t>(),
                           member.at("sha256").get<std::string>()});
    for (const auto& t : j.at("tables")) {
      const std::string sum = t.at("checksum").get<std::string>();
      m.tables.push_back(TableCopy{t.at("table").get<std::string>(), t.at("rows").get<int64_t>(),
                                   std::stoull(sum, nullptr, 16), false});
    }
    return m;
  } catch (const std::exception& e) {
    return Status::InvalidArgument(fmt::format("its manifest cannot be read ({})", e.what()));
  }
}

std::string NowIso() { return FormatIso8601(std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now())); }

// TempDir: a directory made with mkdtemp, removed with what it holds unless kept.
class TempDir {
 public:
  static Result<TempDir> Make(const std::string& prefix) {
    std::string pattern = prefix + "XXXXXX";
    if (!::mkdtemp(pattern.data()))
      return Status::IOError(fmt::format("cannot create {}: {}", pattern, std::strerror(errno)));
    return TempDir(pattern);
  }
  TempDir(TempDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempDir(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (fs::path(path_) / name).string(); }
  void Keep() { path_.clear(); }

 private:
  explicit TempDir(std::string p) : path_(std::move(p)) {}
  std::string path_;
};

std::string ArchiveError(archive* a) {
  const char* e = archive_error_string(a);
  return e ? e : "unknown error";
}

// --- writing ------------------------------------------------------------------

Status WriteMember(archive* a, const std::string& name, const std::string& path, int64_t size) {
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, name.c_str());
  archive_entry_set_size(entry, size);
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_perm(entry, 0600);
  archive_entry_set_mtime(entry, ::time(nullptr), 0);
  const int rc = archive_write_header(a, entry);
  archive_entry_free(entry);
  if (rc != ARCHIVE_OK) return Status::IOError(fmt::format("cannot write {}: {}", name, ArchiveError(a)));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(fmt::format("cannot read {}", path));
  std::vector<char> buf(kChunk);
  int64_t written = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = in.gcount();
    if (n > 0 && archive_write_data(a, buf.data(), static_cast<size_t>(n)) != n)
      return Status::IOError(fmt::format("cannot write {}: {}", name, ArchiveError(a)));
    written += n;
  }
  if (written != size) return Status::IOError(fmt::format("{} changed while it was being archived", path));
  return Status::Ok();
}

// Compression: the archive name's compressed-tar extension, or "" for a plain tar.
std::string Compression(const std::string& name) {
  for (const char* ext : {".tar.gz", ".tgz", ".tar.xz", ".tar.bz2"}) {
    const std::string e = ext;
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) return e;
  }
  return "";
}

Status WriteArchive(const std::string& path, const std::string& compression, const BackupManifest& manifest,
                    const std::map<std::string, std::string>& files, const std::string& manifest_file) {
  // Created private: the archive holds the site secret.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (compression == ".tar.gz" || compression == ".tgz") archive_write_add_filter_gzip(a);
  else if (compression == ".tar.xz") archive_write_add_filter_xz(a);
  else if (compression == ".tar.bz2") archive_write_add_filter_bzip2(a);
  Status s = archive_write_open_fd(a, fd) == ARCHIVE_OK
                 ? Status::Ok()
                 : Status::IOError(fmt::format("cannot write {}: {}", path, ArchiveError(a)));
  if (s.ok()) {
    std::error_code ec;
    s = WriteMember(a, kManifest, manifest_file, static_cast<int64_t>(fs::file_size(manifest_file, ec)));
  }
  for (const auto& m : manifest.members) {
    if (!s.ok()) break;
    s = WriteMember(a, m.name, files.at(m.name), m.size);
  }
  if (s.ok() && archive_write_close(a) != ARCHIVE_OK)
    s = Status::IOError(fmt::format("cannot write {}: {}", path, ArchiveError(a)));
  archive_write_free(a);
  if (s.ok() && ::fsync(fd) != 0) s = Status::IOError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  ::close(fd);
  return s;
}

// --- reading ------------------------------------------------------------------

// ArchiveReader: the members of an archive in order, streamed.
class ArchiveReader {
 public:
  explicit ArchiveReader(const std::string& path) : path_(path), a_(archive_read_new()) {
    archive_read_support_filter_all(a_);
    archive_read_support_format_tar(a_);
    if (archive_read_open_filename(a_, path.c_str(), kChunk) != ARCHIVE_OK) open_error_ = ArchiveError(a_);
  }
  ~ArchiveReader() { archive_read_free(a_); }
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  // Next moves to the next member: its name, "" at the end.
  Result<std::string> Next() {
    if (!open_error_.empty()) return Damaged(open_error_);
    archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(a_, &entry);
    if (rc == ARCHIVE_EOF) return std::string();
    if (rc != ARCHIVE_OK) return Damaged(ArchiveError(a_));
    if (archive_entry_filetype(entry) != AE_IFREG)
      return Damaged(fmt::format("member {} is not a plain file", archive_entry_pathname(entry)));
    return std::string(archive_entry_pathname(entry));
  }
  // Read hands the current member's bytes to `sink(const char*, size_t)`.
  template <typename Sink>
  Status Read(Sink&& sink) {
    std::vector<char> buf(kChunk);
    for (;;) {
      const la_ssize_t n = archive_read_data(a_, buf.data(), buf.size());
      if (n < 0) return Damaged(ArchiveError(a_));
      if (n == 0) return Status::Ok();
      ND_RETURN_IF_ERROR(sink(buf.data(), static_cast<size_t>(n)));
    }
  }
  Status Damaged(const std::string& why) const {
    return Status::InvalidArgument(fmt::format("{} is damaged or not a newsdesk backup: {}; nothing was written", path_, why));
  }

 private:
  std::string path_;
  archive* a_;
  std::string open_error_;
};

Result<BackupManifest> ReadManifest(ArchiveReader& reader) {
  auto first = reader.Next();
  if (!first.ok()) return first.status();
  if (*first != kManifest) return reader.Damaged(fmt::format("its first member is '{}', not {}", *first, kManifest));
  std::string text;
  ND_RETURN_IF_ERROR(reader.Read([&](const char* p, size_t n) {
    if (text.size() + n > kMaxManifestBytes) return Status::InvalidArgument("manifest too large");
    text.append(p, n);
    return Status::Ok();
  }));
  auto manifest = ParseManifest(text);
  if (!manifest.ok()) return reader.Damaged(manifest.status().message());
  return manifest;
}

// VerifyArchive reads the whole archive without writing anything: the
// manifest first, then every member, each against its size and SHA-256.
Result<BackupManifest> VerifyArchive(const std::string& path) {
  ArchiveReader reader(path);
  auto manifest = ReadManifest(reader);
  if (!manifest.ok()) return manifest.status();
  std::map<std::string, const BackupMember*> expected;
  for (const auto& m : manifest->members) expected[m.name] = &m;
  for (;;) {
    auto name = reader.Next();
    if (!name.ok()) return name.status();
    if (name->empty()) break;
    auto it = expected.find(*name);
    if (it == expected.end()) return reader.Damaged(fmt::format("member {} is not in its manifest", *name));
    Sha256 sha;
    int64_t size = 0;
    ND_RETURN_IF_ERROR(reader.Read([&](const char* p, size_t n) {
      sha.Add(p, n);
      size += static_cast<int64_t>(n);
      return Status::Ok();
    }));
    if (size != it->second->size || sha.Hex() != it->second->sha256)
      return Status::InvalidArgument(fmt::format(
          "{}: the checksum of {} does not match its manifest (the archive is damaged); nothing was written", path,
          *name));
    expected.erase(it);
  }
  if (!expected.empty())
    return reader.Damaged(fmt::format("member {} of its manifest is missing", expected.begin()->first));
  return manifest;
}

// Extract writes the members `where` names (member → file) of a verified
// archive, each file created private.
Status Extract(const std::string& path, const std::map<std::string, std::string>& where) {
  ArchiveReader reader(path);
  auto manifest = ReadManifest(reader);
  if (!manifest.ok()) return manifest.status();
  for (;;) {
    auto name = reader.Next();
    if (!name.ok()) return name.status();
    if (name->empty()) return Status::Ok();
    auto it = where.find(*name);
    if (it == where.end()) continue;
    const int fd = ::open(it->second.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Status::IOError(fmt::format("cannot create {}: {}", it->second, std::strerror(errno)));
    Status s = reader.Read([&](const char* p, size_t n) {
      while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return Status::IOError(fmt::format("cannot write {}: {}", it->second, std::strerror(errno)));
        p += w;
        n -= static_cast<size_t>(w);
      }
      return Status::Ok();
    });
    if (s.ok() && ::fsync(fd) != 0) s = Status::IOError(fmt::format("cannot write {}", it->second));
    ::close(fd);
    ND_RETURN_IF_ERROR(s);
  }
}

bool IsEmptyOrAbsentDirectory(const std::string& dir, std::string& why) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  if (!fs::is_directory(dir, ec)) {
    why = fmt::format("{} exists and is not a directory", dir);
    return false;
  }
  if (fs::directory_iterator(dir, ec) != fs::directory_iterator()) {
    why = fmt::format("{} is not empty: restore fills a new, empty data directory; nothing was written", dir);
    return false;
  }
  return true;
}

void SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

Result<BackupManifest> BackupSite(const BackupSource& source, const std::string& archive_path) {
  if (sodium_init() < 0) return Status::Internal("libsodium cannot start");
  std::error_code ec;
  if (fs::exists(archive_path, ec))
    return Status::AlreadyExists(fmt::format("{} exists: a backup never overwrites a file", archive_path));
  const fs::path target = fs::absolute(archive_path);
  auto work = TempDir::Make((target.parent_path() / ("." + target.filename().string() + ".parts-")).string());
  if (!work.ok()) return work.status();

  BackupManifest manifest;
  manifest.newsdesk_version = ND_NEWSDESK_VERSION;
  manifest.created_at = NowIso();
  std::map<std::string, std::string> files;  // member → file
  Result<sql::DatabaseSnapshot> snapshot = Status::Internal("no snapshot");
  std::string db_member;
  if (IsPostgresUrl(source.database)) {
    manifest.backend = "postgresql";
    db_member = kPostgresMember;
    files[db_member] = *work / "postgresql.dump";
    snapshot = sql::SnapshotPostgres(source.database, files[db_member], *work / "pg_dump.log");
  } else if (source.database.rfind("sqlite:", 0) == 0) {
    manifest.backend = "sqlite";
    db_member = kSqliteMember;
    files[db_member] = *work / "newsdesk.db";
    snapshot = sql::SnapshotSqlite(source.database.substr(7), files[db_member]);
  } else {
    return Status::InvalidArgument(fmt::format("unknown database '{}'", sql::RedactUrl(source.database)));
  }
  if (!snapshot.ok()) return snapshot.status();
  manifest.schema_version = snapshot->schema_version;
  manifest.pg_schema = snapshot->pg_schema;
  manifest.tables = std::move(snapshot->tables);

  const std::string secret = (fs::path(source.data_dir) / "site_secret").string();
  if (!source.data_dir.empty() && fs::is_regular_file(secret, ec)) files[kSecretMember] = secret;
  if (!source.config_file.empty()) files[kConfigMember] = source.config_file;
  for (const auto& [name, path] : files) {
    auto member = HashFile(name, path);
    if (!member.ok()) return member.status();
    manifest.members.push_back(std::move(*member));
  }
  const std::string manifest_file = *work / kManifest;
  {
    std::ofstream out(manifest_file, std::ios::binary);
    out << ManifestJson(manifest);
    if (!out) return Status::IOError(fmt::format("cannot write {}", manifest_file));
  }
  // Written under a temporary name and renamed: a backup that failed half-way
  // is never mistaken for one.
  const std::string partial = *work / "archive.partial";
  ND_RETURN_IF_ERROR(WriteArchive(partial, Compression(archive_path), manifest, files, manifest_file));
  if (::rename(partial.c_str(), target.c_str()) != 0)
    return Status::IOError(fmt::format("cannot create {}: {}", archive_path, std::strerror(errno)));
  SyncDirectory(target.parent_path().string());
  return manifest;
}

Result<BackupManifest> RestoreSite(const std::string& archive_path, const RestoreTarget& target,
                                   const std::function<Status(const StagedSite&)>& finish) {
  if (sodium_init() < 0) return Status::Internal("libsodium cannot start");
  const bool postgres = !target.database.empty();
  if (postgres && !IsPostgresUrl(target.database))
    return Status::InvalidArgument(
        "restore writes SQLite into the data directory (--data DIR) or PostgreSQL into an empty database (--db "
        "postgresql://…)");
  if (target.data_dir.empty()) return Status::InvalidArgument("restore needs a data directory (--data DIR)");
  std::string why;
  if (!IsEmptyOrAbsentDirectory(target.data_dir, why)) return Status::InvalidArgument(why);

  auto manifest = VerifyArchive(archive_path);
  if (!manifest.ok()) return manifest.status();
  if (manifest->schema_version > LatestSchemaVersion())
    return Status::InvalidArgument(fmt::format(
        "the backup's schema ({}) is newer than this newsdesk's ({}): restore it with newsdesk {} or later; nothing "
        "was written",
        manifest->schema_version, LatestSchemaVersion(), manifest->newsdesk_version));
  if (manifest->backend == "sqlite" && postgres)
    return Status::InvalidArgument(
        "this is a backup of a SQLite site: restore it into --data DIR without --db, then move it with `newsdesk "
        "migrate-store`; nothing was written");
  if (manifest->backend == "postgresql" && !postgres)
    return Status::InvalidArgument(
        "this is a backup of a PostgreSQL site: restore it with --db postgresql://… naming a new, empty database "
        "(and --data DIR for the site secret and search index); nothing was written");
  if (manifest->backend != "sqlite" && manifest->backend != "postgresql")
    return Status::InvalidArgument(fmt::format("unknown backend '{}' in the backup", manifest->backend));
  if (postgres) ND_RETURN_IF_ERROR(sql::CheckPostgresTarget(target.database, manifest->pg_schema));

  const fs::path dir = fs::absolute(target.data_dir).lexically_normal();
  const fs::path parent = dir.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return Status::IOError(fmt::format("cannot create {}: {}", parent.string(), ec.message()));
  auto staged = TempDir::Make((parent / ("." + dir.filename().string() + ".restoring-")).string());
  if (!staged.ok()) return staged.status();
  auto work = TempDir::Make((parent / ("." + dir.filename().string() + ".work-")).string());
  if (!work.ok()) return work.status();

  std::map<std::string, std::string> where;
  where[kSecretMember] = *staged / "site_secret";
  where[kConfigMember] = *staged / "newsdesk.toml";
  where[postgres ? kPostgresMember : kSqliteMember] = postgres ? *work / "postgresql.dump" : *staged / "newsdesk.db";
  ND_RETURN_IF_ERROR(Extract(archive_path, where));

  StagedSite site{staged->path(), target.database};
  if (postgres) {
    ND_RETURN_IF_ERROR(sql::RestorePostgres(target.database, where[kPostgresMember], manifest->pg_schema,
                                            manifest->tables, work->path(), *work / "pg_restore.log"));
    Status done = finish ? finish(site) : Status::Ok();
    if (!done.ok()) {
      (void)sql::DropTables(target.database, manifest->tables);
      return done;
    }
  } else {
    ND_RETURN_IF_ERROR(sql::CheckSqliteCopy(where[kSqliteMember], manifest->tables));
    if (finish) ND_RETURN_IF_ERROR(finish(site));
  }
  // rename() replaces an empty directory, and fails on one that filled meanwhile.
  if (::rename(staged->path().c_str(), dir.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    if (postgres) (void)sql::DropTables(target.database, manifest->tables);
    return Status::IOError(fmt::format("cannot move the restored site into {}: {}", dir.string(), err));
  }
  staged->Keep();
  SyncDirectory(parent.string());
  return manifest;
}

}  // namespace newsdesk
