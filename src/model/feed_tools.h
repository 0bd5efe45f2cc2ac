// File: model/feed_tools.h
//
// What the ingest stage lends the editors' desk: fetching a feed now, and
// finding the feed behind a URL an editor gives, and the images the pages
// show through the image proxy. The types are plain data
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

// ExtractionRule: an editor's rule for a source's pages (see
// extract/extractor.h ExtractRules): the body's CSS selector, "" for the
// generic extractor, and the parts to leave out.
struct ExtractionRule {
  std::string body_selector;
  std::vector<std::string> drop_selectors;
  bool operator==(const ExtractionRule&) const = default;
};

// RuleOutcome: one page extracted with one rule: the headline and body, or
// why it failed (a selector that matches nothing, a page with no article).
struct RuleOutcome {
  Status status;
  std::string title;
  std::vector<Block> blocks;
};

// RulePreview: one page extracted with the rule in force and with a draft.
struct RulePreview {
  std::string url;  // where the page was fetched from, after redirects
  RuleOutcome current;
  RuleOutcome draft;
};

// FeedTools: serve's ingest stage, lent to the desk. Either may be empty;
// the desk then says the action is not available on this server.
// FetchedImage: an image fetched for the site's image proxy, as the remote
// server sent it (the proxy checks what it is).
struct FetchedImage {
  std::string content_type;
  std::string body;
};

struct FeedTools {
  // FetchNow fetches a feed at once and records the outcome on it, as the
  // scheduled fetch would (FeedFetch::attempted false when it cannot).
  std::function<FeedFetch(const FeedStatus& feed)> fetch_now;
  // Discover fetches `url` (through the fetcher's guard against internal
  // addresses) and finds its feed: the URL itself, or one its page links.
  std::function<Result<FoundFeed>(const std::string& url)> discover;
  // PreviewRule fetches the page at `url` (through the same guard) and
  // extracts it with `current` and with `draft`; an error when the page
  // cannot be fetched or read.
  std::function<Result<RulePreview>(const std::string& url, const ExtractionRule& current,
                                    const ExtractionRule& draft)> preview_rule;
  // CheckRule is OK for a rule whose selectors parse, InvalidArgument naming
  // the problem otherwise.
  std::function<Status(const ExtractionRule& rule)> check_rule;
  // FetchImage fetches an image a page shows, for the image proxy (issue
  // 18), through a fetcher with the same guard against internal addresses.
  std::function<Result<FetchedImage>(const std::string& url)> fetch_image;
};

}  // namespace newsdesk
