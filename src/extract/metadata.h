// File: extract/metadata.h  (internal to extract/)
//
// What a page says about itself outside its body: <meta> tags (Open Graph,
// article:*, Dublin Core, Parse.ly, twitter:*), JSON-LD (schema.org
// NewsArticle and its kin, also inside @graph), <link rel=canonical>,
// <time datetime>, <html lang>, <base href>. Read before the extractor
// edits the tree (it removes scripts, where JSON-LD lives).
//
// Thread-safety: pure functions over a Document nobody else is editing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "extract/dom.h"
#include "model/article.h"

namespace newsdesk::extract_internal {

struct PageMetadata {
  std::string title;          // best headline: JSON-LD, og:title, dc.title, then <title> without the site name
  std::string html_title;     // <title> as written
  std::string author;         // "A, B" for several
  std::optional<TimePoint> published;
  std::string canonical_url;  // absolute when a base is known
  std::string image;          // og:image / JSON-LD image, absolute when a base is known
  std::string site_name;
  std::string description;
  std::string language;       // declared: <html lang>, Content-Language, og:locale ("ru", "en-GB")
  std::string rights;         // JSON-LD license / copyrightNotice, <meta name=copyright>, rel=license
  std::string json_ld_body;   // JSON-LD articleBody, the fallback body
  std::string base_url;       // what relative URLs resolve against
};

// ReadMetadata collects the metadata of `doc`. `page_url` is where the page
// came from ("" when unknown); <base href> and then the canonical URL stand
// in for it when it is empty.
PageMetadata ReadMetadata(const Document& doc, std::string_view page_url);

// ParsePageTime reads the date formats pages put in metadata: ISO 8601 with
// or without a zone (no zone is taken as UTC), a bare date (midnight UTC),
// and RFC 822 ("Tue, 15 Nov 1994 08:12:31 GMT").
std::optional<TimePoint> ParsePageTime(std::string_view s);

// CleanTitle drops a site name the <title> carries ("Headline | Site",
// "Site - Headline"), the way Readability does.
std::string CleanTitle(std::string_view title, const Document& doc);

// TextSimilarity: 1 when every word of `b` is in `a`, 0 when none is
// (Readability's _textSimilarity).
double TextSimilarity(std::string_view a, std::string_view b);

}  // namespace newsdesk::extract_internal
