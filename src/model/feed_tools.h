// File: model/feed_tools.h
//
// What the ingest stage lends the editors' desk: fetching a feed now, and
// finding the feed behind a URL an editor gives. The types are plain data
// and functions, so that the desk (web/) and ingest (ingest/) meet here
// without either including the other; `MakeFeedTools` (ingest/ingest.h)
// makes the real ones.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/article.h"

namespace newsdesk {

// FeedFetch: how fetching one feed at an editor's request went.
struct FeedFetch {
  int new_articles = 0;
  int updated = 0;
  int unchanged = 0;
  int failed = 0;
  bool not_modified = false;
  bool attempted = true;  // false: nothing here can fetch (the desk says so, and records nothing)
  Status status;          // not OK when the feed itself could not be fetched or read
};

// FoundFeed: what discovery found at a URL an editor gave, shown before
// the editor decides to follow it.
struct FoundFeed {
  Source proposed;                     // feed URL, name, home page, language as the feed declares them
  std::vector<std::string> headlines;  // the feed's newest items, up to 5
  size_t items = 0;
};

// FeedTools: serve's ingest stage, lent to the desk. Either may be empty;
// the desk then says the action is not available on this server.
struct FeedTools {
  // FetchNow fetches a feed at once and records the outcome on it, as the
  // scheduled fetch would (FeedFetch::attempted false when it cannot).
  std::function<FeedFetch(const FeedStatus& feed)> fetch_now;
  // Discover fetches `url` (through the fetcher's guard against internal
  // addresses) and finds its feed: the URL itself, or one its page links.
  std::function<Result<FoundFeed>(const std::string& url)> discover;
};

}  // namespace newsdesk
