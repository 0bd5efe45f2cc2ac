// File: store/store.h
//
// Front door of the storage stage. `Store` is the one interface every other
// stage uses to keep and read sources, articles and translations; all SQL
// lives behind it, in src/store/. SQLite (src/store/sqlite/) is the default
// backend; a PostgreSQL backend will implement the same interface.
//
//   auto store = OpenStore(config);            // creates and migrates
//   if (!store.ok()) return store.status();
//   auto page = (*store)->ListArticles({.edition = "en", .limit = 30});
//
// Thread-safety: a Store is safe to use from many threads at once.
// Every write method is atomic: it writes all it was given or nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "model/article.h"

namespace newsdesk {

// ArticleCursor: the position after which the next page starts, in the
// order (published_at DESC, id DESC).
struct ArticleCursor {
  TimePoint published_at{};
  int64_t id = 0;
};

struct ArticleQuery {
  std::optional<std::string> language;  // only articles originally in it
  std::optional<int64_t> source_id;     // only this source's articles
  std::string edition;                  // attach the translation into it, if any
  std::optional<ArticleCursor> after;
  int limit = 30;                       // 1..200
};

struct ArticlePage {
  std::vector<ArticleSummary> items;
  std::optional<ArticleCursor> next;    // absent on the last page
};

struct UpsertSummary {
  int inserted = 0;
  int updated = 0;
  std::vector<int64_t> ids;             // in the order of the records
};

class Store {
 public:
  virtual ~Store() = default;

  // UpsertArticles writes every record in one transaction: an article whose
  // `url` is already stored is updated (never duplicated), its source is
  // matched by home URL and created when new. A human translation is never
  // replaced by a machine one. On any error nothing is written.
  virtual Result<UpsertSummary> UpsertArticles(const std::vector<ArticleRecord>& records) = 0;

  // GetArticle returns NotFound when there is no article `id`.
  virtual Result<Article> GetArticle(int64_t id) = 0;

  // GetTranslation returns NotFound when `id` has no translation into `language`.
  virtual Result<Translation> GetTranslation(int64_t id, const std::string& language) = 0;

  virtual Result<ArticlePage> ListArticles(const ArticleQuery& query) = 0;

  virtual Result<Source> GetSourceBySlug(const std::string& slug) = 0;
  virtual Result<std::vector<Source>> ListSources() = 0;

  // ChangeSequence grows with every committed write, from any process using
  // the same database; caches compare it to know they are stale.
  virtual Result<int64_t> ChangeSequence() = 0;

  // Ping is OK when the store answers a query.
  virtual Status Ping() = 0;
};

// OpenStore opens (creating and migrating when needed) the store the config
// names: today the SQLite database `newsdesk.db` in `config.data_dir`.
// A data directory that can't be created or written is an IOError naming it.
Result<std::unique_ptr<Store>> OpenStore(const Config& config);

}  // namespace newsdesk
