// File: ingest/feed.h
//
// Front door for feeds: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 0.3/1.0 and JSON
// Feed 1/1.1, parsed into one `Feed` shape whatever the format.
//
//   auto feed = ParseFeedBytes(body, response.content_type, "https://outlet.example/rss");
//   if (!feed.ok()) return feed.status();      // InvalidArgument: not a feed
//   for (const FeedItem& item : feed->items) {
//     item.link;                                // absolute
//     item.published.value_or(fallback);        // UTC
//     if (!item.images.empty()) item.images[0].credit;
//   }
//   for (const auto& w : feed->warnings) ...    // what the parser recovered from
//
// Feeds on the web are often broken, and the parser reads them the way a
// lenient feed reader does rather than refusing them:
//   - malformed XML (unclosed or mismatched tags, a stray `&` or `<`, an
//     unterminated CDATA section, garbage after the root element) is repaired
//     and parsed again, with a line in `Feed::warnings`;
//   - HTML named entities (`&nbsp;`, `&mdash;`, `&laquo;`) are decoded, and
//     double-escaped text (`&amp;amp;`, `&lt;b&gt;`) becomes plain text in
//     `title` and `summary`;
//   - dates come in many broken shapes (see `ParseFeedDate`, common/time.h);
//     one that can't be read leaves the field empty and adds a warning;
//   - relative links are resolved against xml:base, then the channel's own
//     link (RSS), then the URL the feed was fetched from.
// What is not a feed at all (an HTML page, an empty body, JSON that is not a
// JSON Feed) is an InvalidArgument error whose message says what it was.
//
// Pitfall: `ParseFeed` takes text already decoded to UTF-8 and ignores the
// XML declaration's encoding; hand raw bytes to `ParseFeedBytes`, which
// decodes them first (common/charset.h).
//
// Thread-safety: all functions are pure and safe to call concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/article.h"

namespace newsdesk {

// FeedImage: an image attached to an item by `<enclosure>`, `<media:content>`,
// `<media:thumbnail>`, `<itunes:image>`, an Atom `rel="enclosure"` link or a
// JSON Feed attachment. `url` is absolute; the other fields may be empty.
struct FeedImage {
  std::string url;
  std::string type;     // MIME type when the feed gives one ("image/jpeg")
  std::string credit;   // media:credit, of the image, its group or its item
  std::string caption;  // media:description or media:title of the image
};

struct FeedItem {
  std::string title;         // plain text: entities decoded, tags stripped
  std::string link;          // absolute; empty when the item has none
  std::string guid;          // RSS guid, Atom id, JSON Feed id; empty if absent
  std::optional<TimePoint> published;
  std::optional<TimePoint> updated;
  std::string summary;       // plain text (RSS description, Atom summary)
  std::string content_html;  // content:encoded, Atom content, JSON content_html
  std::string author;        // names, comma-separated when several
  std::vector<std::string> categories;  // without duplicates
  std::vector<FeedImage> images;  // without duplicates; content and enclosures, then thumbnails, then itunes:image
  // An item keeps at most 64 categories, 64 authors and 64 images.
};

// FeedFormat: the family a feed belongs to. RSS 0.9x is read as kRss2.
enum class FeedFormat { kRss2, kRss1, kAtom, kJson };

const char* FeedFormatName(FeedFormat f);  // "rss2", "rss1", "atom", "json"

struct Feed {
  FeedFormat format = FeedFormat::kRss2;
  std::string title;        // plain text
  std::string link;         // the site's home page, absolute
  std::string description;  // plain text
  std::string language;     // as the feed declares it ("ru", "en-us"), may be empty
  std::vector<FeedItem> items;
  std::vector<std::string> warnings;  // what was recovered from: malformed XML, bad dates, …
};

// ParseFeed parses a feed that is already UTF-8 text (a leading byte-order
// mark is skipped). `base_url` is the URL the feed was fetched from, or ""
// when unknown; relative links stay relative only when nothing can resolve
// them.
// Returns InvalidArgument when `utf8` is empty, is not XML or JSON even after
// repair, or its root is not a feed (e.g. `<html>`); the message names why.
Result<Feed> ParseFeed(std::string_view utf8, const std::string& base_url);

// ParseFeedBytes decodes `bytes` to UTF-8 (byte-order mark, the charset of
// `content_type`, the XML declaration, then detection; UTF-16 and UTF-32
// without a mark are recognised by the XML declaration's shape) and parses
// the result with `ParseFeed`. `content_type` is the HTTP Content-Type value,
// or "" for a file. Errors as `ParseFeed`, plus InvalidArgument for bytes no
// charset can decode.
Result<Feed> ParseFeedBytes(std::string_view bytes, std::string_view content_type, const std::string& base_url);

// FindFeedLinks returns the feeds a home page announces: the `href` of every
// `<link rel="alternate">` whose type is application/rss+xml, atom+xml,
// rdf+xml or feed+json, resolved against the page's `<base href>` and then
// `base_url`, in document order without duplicates (at most 64). Never
// fails: a page without such links gives an empty vector.
std::vector<std::string> FindFeedLinks(std::string_view html, const std::string& base_url);

}  // namespace newsdesk
