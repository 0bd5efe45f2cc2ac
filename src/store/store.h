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
  bool one_per_story = false;           // only the newest article of each story
  std::optional<std::string> entity;    // only articles that mention it
};

// EntityCount: an entity with a number (articles or mentions).
struct EntityCount {
  std::string entity;
  int64_t count = 0;
};

// DayCount: a UTC day (its midnight) and a number.
struct DayCount {
  TimePoint day{};
  int64_t count = 0;
};

// CandidateSummary: an unknown name (see NameCandidate) over all articles.
struct CandidateSummary {
  std::string key;
  std::string form;       // the form most articles use
  std::string language;
  int64_t articles = 0;   // articles that use it
  int64_t mentions = 0;   // times, over all of them
  TimePoint last_seen{};  // publish time of the newest such article
};

// EntityEdit: an editor's definition of an entity (one line of the
// gazetteer's JSON Lines format), which adds to or replaces the built-in one.
struct EntityEdit {
  std::string id;
  std::string definition;
  TimePoint updated_at{};
};

// Change: one committed write, in the order of the change sequence.
struct Change {
  int64_t seq = 0;
  std::string entity;     // "article", "gazetteer", …
  int64_t entity_id = 0;
};

struct ArticlePage {
  std::vector<ArticleSummary> items;
  std::optional<ArticleCursor> next;    // absent on the last page
};

struct UpsertSummary {
  int inserted = 0;
  int updated = 0;
  int skipped = 0;                      // deleted by an editor: kept out
  std::vector<int64_t> ids;             // in the order of the records; 0 when skipped
};

// ArticleKey: what the store knows of an article by its URL or feed guid.
struct ArticleKey {
  enum class State { kNew, kStored, kDeleted } state = State::kNew;
  int64_t id = 0;             // when stored
  TimePoint stored_at{};      // when stored: the last time it was written
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

  // LookupArticle tells whether an article of `source_id` with `url` or
  // (when non-empty) `guid` is stored, deleted by an editor, or new.
  virtual Result<ArticleKey> LookupArticle(int64_t source_id, const std::string& url, const std::string& guid) = 0;

  // DeleteArticle removes an article and leaves a tombstone, so fetching its
  // source again never brings it back. NotFound when there is no such article.
  virtual Status DeleteArticle(int64_t id) = 0;

  // StoryArticles lists the articles of a story, newest first.
  virtual Result<std::vector<ArticleSummary>> StoryArticles(int64_t story_id) = 0;

  // --- followed sources --------------------------------------------------

  // AddFeedSource starts following `source.feed_url`. AlreadyExists when the
  // feed is followed already, or when its outlet (home URL) is followed
  // through another feed (one feed per outlet for now); a source known by its
  // home URL from imports becomes followed.
  virtual Result<Source> AddFeedSource(const Source& source) = 0;
  virtual Result<SourceStatus> GetSourceStatus(int64_t id) = 0;
  // ListSourceStatuses lists every source, followed or not, by name.
  virtual Result<std::vector<SourceStatus>> ListSourceStatuses() = 0;
  // RemoveSource stops following a source; a source with no articles is
  // forgotten, one with articles stays for their attribution.
  virtual Status RemoveSource(int64_t id) = 0;
  // DueSources lists followed sources whose next fetch is at or before `now`.
  virtual Result<std::vector<SourceStatus>> DueSources(TimePoint now, int limit) = 0;
  // RecordFetch stores how a fetch went: status, error, validators, failures
  // in a row, and when to fetch next.
  virtual Status RecordFetch(int64_t source_id, const FetchOutcome& outcome) = 0;

  // --- mentions -----------------------------------------------------------

  // ReplaceTags sets an article's mentions and unknown names (after re-tagging).
  virtual Status ReplaceTags(int64_t article_id, const std::vector<MentionRecord>& mentions,
                             const std::vector<NameCandidate>& candidates) = 0;
  // MentionsPerDay counts the articles mentioning `entity` per UTC day in
  // [from, to); days without any are left out.
  virtual Result<std::vector<DayCount>> MentionsPerDay(const std::string& entity, TimePoint from, TimePoint to) = 0;
  // CoMentioned lists the entities most often named in the same articles.
  virtual Result<std::vector<EntityCount>> CoMentioned(const std::string& entity, int limit) = 0;
  // TopEntities lists the entities named by the most articles published since `since`.
  virtual Result<std::vector<EntityCount>> TopEntities(TimePoint since, int limit) = 0;
  // ArticleIds lists every article id, oldest first, for re-tagging.
  virtual Result<std::vector<int64_t>> ArticleIds() = 0;

  // --- the editors' knowledge base -----------------------------------------

  // ListCandidates lists unknown names used by at least `min_articles`
  // articles, most used first, leaving out dismissed ones.
  virtual Result<std::vector<CandidateSummary>> ListCandidates(int min_articles, int limit) = 0;
  // DismissCandidate keeps a candidate key off the list for good.
  virtual Status DismissCandidate(const std::string& key) = 0;
  // PutEntityEdit stores an editor's definition of entity `id`.
  virtual Status PutEntityEdit(const EntityEdit& edit) = 0;
  virtual Result<std::vector<EntityEdit>> ListEntityEdits() = 0;
  // MergeEntities folds entity `from` into `into`, in one transaction: the
  // articles that mention `from` mention `into` instead (counts added),
  // `from` redirects to `into` (and whatever redirected to `from` does too),
  // and `into` gets the definition `into_definition` (its merged aliases).
  virtual Status MergeEntities(const std::string& from, const EntityEdit& into_definition) = 0;
  // EntityRedirects maps merged-away ids to the entity they became.
  virtual Result<std::vector<std::pair<std::string, std::string>>> EntityRedirects() = 0;
  // KnowledgeVersion grows with every change to edits and redirects, so a
  // running server knows to reload its gazetteer.
  virtual Result<int64_t> KnowledgeVersion() = 0;

  // ChangesSince lists up to `limit` changes after sequence number `after`,
  // oldest first: what a derived index replays to catch up.
  virtual Result<std::vector<Change>> ChangesSince(int64_t after, int limit) = 0;

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
