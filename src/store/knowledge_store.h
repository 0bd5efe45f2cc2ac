// File: store/knowledge_store.h
//
// KnowledgeStore: what editors add to the built-in gazetteer: the names
// articles use that no entity has (candidates), their own entity
// definitions, merges and redirects, and a version that moves with every
// change so running servers reload.
//
// One of the store's narrow interfaces: `Store` (store/store.h) is all of
// them, opened by OpenStore; a stage takes only the ones it uses.
// Thread-safety: safe to use from many threads at once; every write is
// atomic (all it was given, or nothing).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/article.h"
#include "store/article_store.h"

namespace newsdesk {

// CandidateSummary: an unknown name (see NameCandidate) over all articles.
// CandidateUse: an article that uses an unknown name, with the form it wrote.
struct CandidateUse {
  int64_t article_id = 0;
  std::string headline;
  std::string language;
  TimePoint published_at{};
  std::string form;
  int64_t count = 0;
};

struct CandidateSummary {
  std::string key;
  std::string form;       // the form most articles use
  std::string language;
  int64_t articles = 0;   // articles that use it
  int64_t mentions = 0;   // times, over all of them
  TimePoint last_seen{};  // publish time of the newest such article
  std::vector<CandidateUse> newest;  // its newest articles, when the query asked for them
};

// CandidateCursor: where the next page of candidates starts, in their
// order (articles DESC, mentions DESC, key).
struct CandidateCursor {
  int64_t articles = 0;
  int64_t mentions = 0;
  std::string key;
};

// CandidateQuery: a page of unknown names used by at least `min_articles`
// articles, counting only articles published since `since` (all when
// unset), most used first, dismissed ones left out.
struct CandidateQuery {
  int min_articles = 2;
  std::optional<TimePoint> since;
  std::optional<CandidateCursor> after;
  int limit = 50;  // clamped to 1..10000
  int newest_uses = 0;  // each candidate's newest articles to list with it (0..20)
};

struct CandidatePage {
  std::vector<CandidateSummary> candidates;
  std::optional<CandidateCursor> next;  // set when more follow
};

// EntityEdit: an editor's definition of an entity (one line of the
// gazetteer's JSON Lines format), which adds to or replaces the built-in one.
struct EntityEdit {
  std::string id;
  std::string definition;
  TimePoint updated_at{};
};

class KnowledgeStore {
 public:
  virtual ~KnowledgeStore() = default;

  // FindCandidates lists a page of unknown names (see CandidateQuery). Pages
  // follow by key (CandidatePage::next), never by offset; with `since`, only
  // the articles of that window are counted, which is what keeps a page
  // quick on a large archive.
  virtual Result<CandidatePage> FindCandidates(const CandidateQuery& query) = 0;
  // CandidateArticles lists the articles that use the unknown name `key`,
  // newest first (published_at DESC, id DESC), after `after` when given;
  // `limit` is clamped to 1..1000.
  virtual Result<std::vector<CandidateUse>> CandidateArticles(const std::string& key,
                                                              const std::optional<ArticleCursor>& after, int limit) = 0;
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
};

}  // namespace newsdesk
