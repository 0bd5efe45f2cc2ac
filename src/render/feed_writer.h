// File: render/feed_writer.h
//
// Writes the site's outgoing feeds (issue 17, part 3) in RSS 2.0, Atom 1.0
// and JSON Feed 1.1 from one description of a feed, so the three never
// disagree. Every entry carries the full text as HTML and its lead image
// with the image's credit (in the HTML, and as Media RSS `media:credit` in
// the XML formats); the feed names its WebSub hubs and itself.
//
//   FeedDocument feed{.title = "…", .home_url = …, .self_url = …};
//   feed.entries.push_back(entry);
//   std::string xml = WriteFeed(feed, FeedType::kAtom);
//
// Text fields are plain text (the writers escape them); `content_html` is
// HTML the caller rendered from escaped templates.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "model/article.h"
#include "model/feed_address.h"

namespace newsdesk {

// FeedEntry: one article as a feed carries it.
struct FeedEntry {
  std::string id;            // permanent (the entry's address on the site)
  std::string url;           // the page on the site
  std::string original_url;  // the outlet's own article (Atom rel="via", JSON external_url)
  std::string title;
  std::string summary;       // plain text
  std::string content_html;  // the full text
  std::string language;      // of title and content
  TimePoint published{};
  TimePoint updated{};       // the latest of the text, its translation and its corrections
  std::string author_name;   // the writer, else the outlet
  std::string author_url;
  std::string source_name;   // the outlet
  std::string source_url;
  std::string rights;        // the outlet's rights line
  std::string image_url;     // the lead image, when there is one
  std::string image_caption;
  std::string image_credit;
  std::vector<std::string> tags;  // the names it mentions, most salient first
};

// FeedDocument: a feed as a whole.
struct FeedDocument {
  std::string title;
  std::string description;
  std::string language;   // the edition's
  std::string home_url;   // the page the feed follows (absolute)
  std::string self_url;   // this feed, in the format written (absolute)
  std::string site_name;  // the publisher, the feed's author
  std::string site_url;
  std::vector<std::string> hubs;  // WebSub
  int utc_offset_minutes = 0;     // how Atom and JSON Feed write times
  std::vector<FeedEntry> entries; // newest first
};

// WriteFeed writes `feed` as `type`.
std::string WriteFeed(const FeedDocument& feed, FeedType type);

}  // namespace newsdesk
