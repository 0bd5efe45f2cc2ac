// File: store/store.h
//
// Front door of the storage stage. The store is a set of narrow interfaces,
// one per concern, each a header of its own:
//
//   store/article_store.h      ArticleStore      articles, mentions, stories, the change sequence
//   store/source_store.h       SourceStore       outlets, feeds, fetch state
//   store/knowledge_store.h    KnowledgeStore    editors' entities, candidates, merges
//   store/account_store.h      AccountStore      readers' accounts, sessions, tokens
//   store/comment_store.h      CommentStore      comments, reports, views, discussion
//   store/mailing_store.h      MailingStore      subscribers, digest runs and deliveries
//   store/translation_store.h  TranslationStore  machine translation's queue and cache
//   store/job_queue.h          JobQueue          background jobs every node shares
//   store/settings.h           Settings          site-wide values
//   store/audit_log.h          AuditLog          who changed what, append-only
//   store/backup.h             BackupSite        a whole site as one archive, and back (issue 18)
//
// `Store` is all of them, as OpenStore opens it; a stage takes only the
// interfaces it uses. All SQL lives behind them, in src/store/sql/, written
// once for SQLite (the default) and PostgreSQL (several nodes).
//
//   auto store = OpenStore(config);            // creates and migrates
//   if (!store.ok()) return store.status();
//   auto page = (*store)->ListArticles({.edition = "en", .limit = 30});
//
// Thread-safety: a Store is safe to use from many threads at once.
// Every write method is atomic: it writes all it was given or nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "store/account_store.h"
#include "store/audit_log.h"
#include "store/article_store.h"
#include "store/backup.h"
#include "store/comment_store.h"
#include "store/job_queue.h"
#include "store/knowledge_store.h"
#include "store/mailing_store.h"
#include "store/settings.h"
#include "store/source_store.h"
#include "store/translation_store.h"

namespace newsdesk {

// Store: every concern of the site's storage, on one database.
class Store : public ArticleStore,
              public SourceStore,
              public KnowledgeStore,
              public AccountStore,
              public CommentStore,
              public MailingStore,
              public TranslationStore,
              public JobQueue,
              public Settings,
              public AuditLog {
 public:
  ~Store() override = default;
};

// OpenStore opens (creating and migrating when needed) the store the config
// names (`config.database`, see OpenStoreAt), by default the SQLite database
// `newsdesk.db` in `config.data_dir`. A data directory that can't be created
// or written is an IOError naming it; an unreachable PostgreSQL is Unavailable.
Result<std::unique_ptr<Store>> OpenStore(const Config& config);

// OpenStoreAt opens the store `database` names: "sqlite:PATH" (a file),
// "postgresql://…" or "postgres://…" (libpq URL; at most `max_connections`
// at once). Anything else is InvalidArgument.
Result<std::unique_ptr<Store>> OpenStoreAt(const std::string& database, size_t max_connections = 16);

// OpenSqliteStore opens `data_dir`/newsdesk.db, creating the directory and
// the database, and applying pending migrations.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& data_dir);

// OpenSqliteStoreAt opens the database file at `path` (":memory:" is not
// supported: connections of the pool must share one database).
Result<std::unique_ptr<Store>> OpenSqliteStoreAt(const std::string& path);

// TableCopy: how one table of a store went over to another.
struct TableCopy {
  std::string table;
  int64_t rows = 0;
  uint64_t checksum = 0;  // order-free sum of the rows' hashes, the same on both sides
  bool verified = false;
};

// CopyStore moves a whole site: every row of every table of the store
// `from` into the store `to` (both named as OpenStoreAt takes them, and
// both migrated to this version first), in one transaction on `to` that
// commits only when each table's count and checksum match the source's.
// `to` must be empty (InvalidArgument otherwise); on any error nothing is
// kept. `progress` hears of each table (and every 10,000 rows).
Result<std::vector<TableCopy>> CopyStore(const std::string& from, const std::string& to,
                                         const std::function<void(const TableCopy&)>& progress);

// IsPostgresUrl tells whether `database` names a PostgreSQL server.
bool IsPostgresUrl(const std::string& database);

}  // namespace newsdesk
