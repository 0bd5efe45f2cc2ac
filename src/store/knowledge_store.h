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

namespace newsdesk {

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

class KnowledgeStore {
 public:
  virtual ~KnowledgeStore() = default;

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
};

}  // namespace newsdesk
