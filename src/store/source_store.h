// File: store/source_store.h
//
// SourceStore: the outlets articles come from, the feeds followed for each,
// and each feed's fetch state (status, validators, failures in a row, next
// fetch).
//
// One of the store's narrow interfaces: `Store` (store/store.h) is all of
// them, opened by OpenStore; a stage takes only the ones it uses.
// Thread-safety: safe to use from many threads at once; every write is
// atomic (all it was given, or nothing).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/article.h"

namespace newsdesk {



class SourceStore {
 public:
  virtual ~SourceStore() = default;

  virtual Result<Source> GetSourceBySlug(const std::string& slug) = 0;
  virtual Result<std::vector<Source>> ListSources() = 0;

  // AddFeedSource starts following `source.feed_url` and returns the new
  // feed. The source (outlet) is found by its home URL: a new one is created,
  // one known from imports becomes followed, and one followed already gets
  // this feed beside its others (its name, country and language stay; the
  // feed keeps `source.language` as its own when it differs). Non-empty
  // extraction rules replace the source's. `source.fetch_interval_seconds`
  // is the feed's. AlreadyExists only when this feed URL is followed already.
  virtual Result<FeedStatus> AddFeedSource(const Source& source) = 0;
  // GetSourceStatus returns a source with every feed; NotFound when none.
  virtual Result<SourceStatus> GetSourceStatus(int64_t id) = 0;
  // GetFeedStatus returns one feed; NotFound when there is no feed `id`.
  virtual Result<FeedStatus> GetFeedStatus(int64_t id) = 0;
  // ListSourceStatuses lists every source, followed or not, by name.
  virtual Result<std::vector<SourceStatus>> ListSourceStatuses() = 0;
  // RemoveSource stops following a source through all its feeds; a source
  // with no articles is forgotten, one with articles stays for their
  // attribution.
  virtual Status RemoveSource(int64_t id) = 0;
  // RemoveFeed stops following one feed; the source keeps its other feeds.
  // Removing its last feed is RemoveSource. NotFound when there is no feed `id`.
  virtual Status RemoveFeed(int64_t id) = 0;
  // SetFeedPaused pauses or resumes feed `id`. A paused feed is never due
  // (DueFeeds) and keeps its fetch state; resuming a paused feed makes it
  // due at `now`. Pausing a paused feed, or resuming one that is not, changes
  // nothing. NotFound when there is no feed `id`.
  virtual Status SetFeedPaused(int64_t id, bool paused, TimePoint now) = 0;
  // SetFeedInterval sets how often feed `id` is fetched, in seconds (> 0,
  // else InvalidArgument), and moves its next fetch to its last fetch plus
  // the new interval, or to `now` when that is earlier or the feed was
  // never fetched (a backoff after failures is dropped with it). NotFound
  // when there is no feed `id`.
  virtual Status SetFeedInterval(int64_t id, int seconds, TimePoint now) = 0;
  // SetHoldForReview sets source `source_id`'s publication policy: held,
  // its new articles wait in the desk's Incoming queue; otherwise they are
  // published as they arrive. Articles stored before keep their state.
  // NotFound when there is no such source.
  virtual Status SetHoldForReview(int64_t source_id, bool hold) = 0;
  // SetExtractionRule sets the rule its pages are extracted with: the
  // body's selector ("" for the generic extractor) and the parts to drop.
  // The caller checks the selectors. NotFound when there is no such source.
  virtual Status SetExtractionRule(int64_t source_id, const std::string& body_selector,
                                   const std::vector<std::string>& drop_selectors) = 0;
  // DailyArticleCounts counts the articles of each of `sources` published
  // on each of the `days` days starting at `from` (a UTC day's start; day n
  // is [from + n days, from + n + 1 days)): source id → `days` counts,
  // oldest day first. Sources with none are left out. Only the sources
  // asked for are read (a page of a board, not the whole archive).
  // InvalidArgument unless `days` is 1 to 366 and there are at most 500 sources.
  virtual Result<std::map<int64_t, std::vector<int>>> DailyArticleCounts(const std::vector<int64_t>& sources,
                                                                         TimePoint from, int days) = 0;
  // DueFeeds lists followed feeds whose next fetch is at or before `now`,
  // the longest due first; paused feeds are never due.
  virtual Result<std::vector<FeedStatus>> DueFeeds(TimePoint now, int limit) = 0;
  // RecordFetch stores how a fetch of feed `feed_id` went: status, error,
  // validators, failures in a row, and when to fetch it next.
  virtual Status RecordFetch(int64_t feed_id, const FetchOutcome& outcome) = 0;
};

}  // namespace newsdesk
