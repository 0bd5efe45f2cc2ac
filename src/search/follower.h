// File: search/follower.h
//
// Keeps a SearchIndex level with the store. The index is derived data: it
// records the store's change sequence it reflects (committed with the
// documents), and CatchUp replays the store's changes after it, so an
// import from another process, an edit, a deletion or a re-tag reaches
// search, and a crash at any point is mended by the next CatchUp.
//
//   IndexFollower follower(store, index);
//   auto applied = follower.CatchUp();       // at start and then periodically
//   follower.Rebuild(progress);              // `newsdesk reindex`
//
// Thread-safety: one follower per index; CatchUp and Rebuild must not run
// at the same time (the server calls them from one thread).
#pragma once

#include <cstdint>
#include <functional>

#include "common/status.h"
#include "search/search.h"
#include "store/store.h"

namespace newsdesk {

// Progress: articles done so far and the total expected.
using IndexProgress = std::function<void(int64_t done, int64_t total)>;

class IndexFollower {
 public:
  IndexFollower(ArticleStore& store, SearchIndex& index) : store_(store), index_(index) {}

  // CatchUp indexes what changed in the store since the index's sequence,
  // committing every batch with the sequence it reached; a new (empty) index
  // is built from every stored article. Returns how many articles it
  // (re)indexed or removed.
  Result<int64_t> CatchUp(const IndexProgress& progress = nullptr);

  // Rebuild empties the index and indexes every stored article.
  Result<int64_t> Rebuild(const IndexProgress& progress = nullptr);

 private:
  // Reindex puts the article's current state in the index, or removes it
  // when the store no longer has it.
  Status Reindex(int64_t article_id);

  ArticleStore& store_;
  SearchIndex& index_;
};

}  // namespace newsdesk
