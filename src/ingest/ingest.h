// File: ingest/ingest.h
//
// Front door of the ingest stage: from a followed source's feeds to clean
// articles in the store. A source (outlet) may be followed through several
// feeds; each is fetched on its own schedule, and the articles of all of them
// belong to the one source (an item in two of its feeds is stored once). For
// each due feed it fetches the feed (conditionally), parses it, and for each item not seen before fetches the
// article page, extracts it (the source's rules, if an editor set them, over
// the generic extractor), identifies its language with CLD2, and stores it
// whole or not at all. Everything that goes wrong is recorded on the source
// (time, status, message) on the feed and never stops the other feeds.
//
//   Fetcher fetcher(options);
//   Ingestor ingestor(store, store, fetcher, IngestOptions{});   // sources, articles
//   auto reports = ingestor.FetchDue(now, [](const SourceReport& r) { print(r); });
//
// Inside `newsdesk serve`, each due feed is a "fetch" job (jobs/jobs.h)
// whose handler calls FetchFeed, so several nodes never fetch it twice.
//
// Thread-safety: an Ingestor may run several sources at once (FetchDue does,
// with `workers` threads); the store and fetcher are shared.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "ingest/feed.h"
#include "ingest/fetcher.h"
#include "mentions/tagger.h"
#include "model/article.h"
#include "model/feed_tools.h"
#include "store/store.h"

namespace newsdesk {

struct IngestOptions {
  int workers = 2;                       // sources fetched at once
  size_t max_items_per_fetch = 50;       // newest items of a feed considered per fetch
  std::chrono::seconds max_backoff{6 * 3600};  // longest wait after repeated failures
};

// SourceReport: what one fetch of one feed of a source did.
struct SourceReport {
  int64_t source_id = 0;
  std::string source_name;
  int64_t feed_id = 0;
  std::string feed_url;
  int new_articles = 0;
  int updated = 0;
  int unchanged = 0;
  int failed = 0;
  bool not_modified = false;
  Status status;  // not OK when the feed itself could not be fetched or read
};

class Ingestor {
 public:
  // `tagger`, when given, tags each article's mentions before it is stored
  // (with whatever gazetteer it holds at the time).
  // `sources` holds the feeds and their fetch state, `articles` what they bring.
  Ingestor(SourceStore& sources, ArticleStore& articles, Fetcher& fetcher, IngestOptions options,
           const SharedTagger* tagger = nullptr);

  // FetchFeed fetches one feed now and records the outcome on it; its
  // articles are its source's.
  SourceReport FetchFeed(const FeedStatus& feed, TimePoint now);

  // FetchDue fetches every feed due at `now` (or every feed of `only_source`
  // when non-zero, due or not), calling `progress` after each.
  std::vector<SourceReport> FetchDue(TimePoint now, const std::function<void(const SourceReport&)>& progress,
                                     int64_t only_source = 0);

  // NextFetch is when a feed should be fetched next after `failures`
  // failures in a row (0 after a success), never before `retry_after`.
  TimePoint NextFetch(const FeedStatus& feed, TimePoint now, int failures,
                      std::optional<TimePoint> retry_after = std::nullopt) const;

 private:
  Result<ArticleRecord> BuildArticle(const SourceStatus& source, const FeedStatus& followed, const FeedItem& item,
                                     const std::string& feed_language, bool& rule_failed);

  SourceStore& sources_;
  ArticleStore& articles_;
  Fetcher& fetcher_;
  const IngestOptions options_;
  const SharedTagger* tagger_;
};

// FetchOptionsFrom and IngestOptionsFrom read the [ingest] settings.
FetchOptions FetchOptionsFrom(const Config& config);
IngestOptions IngestOptionsFrom(const Config& config);

// DiscoveredFeed: a feed found from a URL given by an editor.
struct DiscoveredFeed {
  std::string feed_url;
  Feed feed;
};

// DiscoverFeed fetches `url`: a feed is taken as it is; an HTML page is
// searched for `<link rel="alternate">` feeds and the first that parses is
// taken. Errors say what was found instead.
Result<DiscoveredFeed> DiscoverFeed(Fetcher& fetcher, const std::string& url);

// ProposedSource is the source a discovered feed describes, to follow as it
// is or after an editor's changes: its feed URL, the feed's title as the
// name (else the feed URL), its home page (else `asked_url`) and its
// declared language's primary tag, lower-cased ("en-US" → "en").
Source ProposedSource(const DiscoveredFeed& found, const std::string& asked_url);

// MakeFeedTools lends the desk `ingestor` (fetch now, as a scheduled fetch
// would) and `fetcher` (discovery, behind the fetcher's address guard), and
// the image proxy `images` when given (a fetcher made with
// ImageFetchOptions); all must outlive the tools.
FeedTools MakeFeedTools(Ingestor& ingestor, Fetcher& fetcher, Fetcher* images = nullptr);

// ImageFetchOptions: the fetcher's options for the image proxy, fetching
// on a reader's behalf as their browser would: the same address guard and
// timeouts, no robots.txt and no per-host delay (a page's images come from
// one host at once), one attempt, at most 5 MB.
FetchOptions ImageFetchOptions(const Config& config);

// OPML, the list of feeds that feed readers exchange: one outline per feed,
// the feeds of a source under its name and home page (`htmlUrl`).
std::string SourcesToOpml(const std::vector<SourceStatus>& sources, const std::string& title);
Result<std::vector<Source>> SourcesFromOpml(std::string_view opml);

}  // namespace newsdesk
