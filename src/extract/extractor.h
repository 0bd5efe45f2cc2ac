// File: extract/extractor.h
//
// The article extractor: from an article page's HTML to the article itself
// (headline, publish time, author, canonical URL, lead image with its
// caption and credit, rights line, language, and the body as structured
// blocks) without the page's chrome: navigation, related-story and
// "Discussion" lists, comment prompts, newsletter boxes, share buttons,
// footers.
//
//   auto text = DecodeToUtf8(bytes, content_type);            // common/charset.h
//   auto article = ExtractArticle(text->utf8, {.url = page_url});
//   if (!article.ok()) ...;            // InvalidArgument: no article body on the page
//   article->title, article->published, article->blocks, article->Text() ...
//
// How: the page is parsed as a browser would (gumbo, HTML5 error recovery).
// Metadata comes from <meta> (Open Graph, article:*, Dublin Core),
// JSON-LD (schema.org NewsArticle and kin), <link rel=canonical> and
// <time datetime>. The body is found by content scoring in the manner of
// Mozilla Readability: paragraphs score by length and commas, ancestors
// collect their paragraphs' scores, class/id hints and link density weigh
// the candidates, the best gathers its siblings and is cleaned of link
// lists, forms and share boxes. JSON-LD `articleBody` is the fallback when
// the page's markup yields nothing. Lazy images (data-src, srcset,
// <noscript> fallbacks) resolve to absolute URLs. Language comes from CLD2
// over the body text, the page's declared language only a hint.
//
// Per-source rules (`ExtractRules`) replace the scoring with an editor's
// CSS selector for the body and remove what the drop selectors match.
//
// Pitfalls:
//  - Input must be UTF-8: decode bytes with DecodeToUtf8 first.
//  - Without `url`, relative image and canonical URLs resolve against the
//    page's <base href> or canonical URL, or stay relative if it has none.
//  - Pages nesting block elements more than 4000 deep, or leaving more than
//    16000 formatting elements (b, i, font…) open, are refused
//    (InvalidArgument): the HTML tree builder is quadratic on them.
//
// Thread-safety: ExtractArticle is safe to call concurrently; it shares no
// state between calls.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/article.h"

namespace newsdesk {

// ExtractRules: an editor's override for one source.
//  `body_selector` picks the body (every match, in page order); when it
//    matches nothing, ExtractArticle fails with NotFound so the source can
//    show that the rule stopped matching.
//  `drop_selectors` remove what they match before anything else.
// Selectors are a CSS subset: tag, .class, #id, *, tag.class, [attr],
// [attr=value] (also ~= ^= $= *=), descendant "a b", child "a > b",
// groups "a, b".
struct ExtractRules {
  std::string body_selector;
  std::vector<std::string> drop_selectors;
};

struct ExtractOptions {
  // url: where the page came from; the base for absolute URLs. May be empty.
  std::string url;
  // language_hint: the source's or feed's declared language ("ru"), a hint
  // for detection only. May be empty.
  std::string language_hint;
  std::optional<ExtractRules> rules;
};

struct ExtractedArticle {
  std::string title;
  std::optional<TimePoint> published;  // UTC
  std::string author;                  // several joined by ", "
  std::string canonical_url;
  std::string image;                   // lead image, absolute when a base is known
  std::string image_caption;
  std::string image_credit;            // "© Sputnik / …"
  std::string language;                // ISO 639-1 ("en", "ru"), "" when unknown
  int language_percent = 0;            // CLD2's share of the text in `language`, 0 when declared only
  std::string rights;                  // the rights/licence line, "" when the page has none
  std::vector<Block> blocks;           // the body; never empty on success

  // Text returns the body as plain text: paragraphs, headings, quotes and
  // list items, each separated by a blank line ("\n\n"); images are left out.
  std::string Text() const;
};

// CheckRules is OK when every selector of `rules` parses (an empty body
// selector means the generic extractor), InvalidArgument naming the first
// that does not.
Status CheckRules(const ExtractRules& rules);

// ExtractArticle extracts the article from `html_utf8`.
// Returns InvalidArgument when the page has no article body (or nests too
// deeply to parse), InvalidArgument for a malformed rule selector, and
// NotFound when `options.rules->body_selector` matches nothing.
Result<ExtractedArticle> ExtractArticle(std::string_view html_utf8, const ExtractOptions& options = {});

}  // namespace newsdesk
