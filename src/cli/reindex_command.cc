// `newsdesk reindex`: rebuild the search index from the store.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "cli/commands.h"
#include "search/follower.h"
#include "store/store.h"

namespace newsdesk {

std::string SearchIndexPath(const Config& config) {
  return (std::filesystem::path(config.data_dir) / "search").string();
}

Result<Reindexed> RebuildSearchIndex(const Config& config) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  SearchOptions options;
  options.shards = static_cast<int>(config.search_shards);
  auto index = SearchIndex::Open(SearchIndexPath(config), options);
  if (!index.ok()) {
    if (index.status().code() == Code::kUnavailable)
      return Status::Unavailable(fmt::format(
          "{}: the index is in use by a running `newsdesk serve`, which keeps it up to date by itself; stop it "
          "first to rebuild from scratch",
          SearchIndexPath(config)));
    return index.status();
  }
  const bool tty = ::isatty(STDERR_FILENO);
  IndexFollower follower(**store, **index);
  auto done = follower.Rebuild([&](int64_t n, int64_t total) {
    if (!tty || total == 0) return;
    const int width = 30;
    const int filled = static_cast<int>(width * n / total);
    fmt::print(stderr, "\r[{}{}] {}/{} articles", std::string(filled, '#'), std::string(width - filled, ' '), n, total);
    if (n == total) fmt::print(stderr, "\n");
  });
  if (!done.ok()) return done.status();
  return Reindexed{*done, (*index)->ShardCount()};
}

Status RunReindex(const Config& config) {
  auto done = RebuildSearchIndex(config);
  if (!done.ok()) return done.status();
  fmt::print("indexed {} articles into {} ({} shards)\n", done->articles, SearchIndexPath(config), done->shards);
  return Status::Ok();
}

}  // namespace newsdesk
