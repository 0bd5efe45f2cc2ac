// File: extract/content.h  (internal to extract/)
//
// Finding the article body in a page: a port of the content scoring of
// Mozilla Readability (Readability.js 0.6): paragraphs score by length and
// commas, their score flows to their ancestors, candidates are weighed by
// class/id hints and link density, the best one gathers its siblings, and
// the result is cleaned of forms, share boxes and link lists. Retries with
// gentler settings when the first pass finds too little.
//
//   PrepareDocument(doc);                       // scripts, styles, <br><br>, lazy images
//   auto found = GrabArticle(doc, {.title = md.title});
//   if (found.content) ...                      // a detached <div> holding the body
//
// Where it departs from Readability, each measured on the fixture pages
// (extract_quality_test), because news pages and people's reading of them
// want it: a table cell holding blocks is a container, not a paragraph; a
// block inside a short link is a teaser (all link); between near-equal
// candidates the one with twice the text wins; several strong candidates
// pull the choice up at most four levels; a sibling that is a third links
// is not gathered; lists of links go; <nav> goes; itemprop=articleBody
// counts as a good name. RemoveBoilerplate then drops what a reader skips.
//
// The parts behind this header, and what they share: content_internal.h.
//
// Thread-safety: edits `doc`; one thread per Document.
#pragma once

#include <string>

#include "extract/dom.h"

namespace newsdesk::extract_internal {

struct GrabOptions {
  std::string title;          // the headline, so a heading repeating it is dropped from the body
  bool find_byline = true;    // look for a byline element when the metadata had no author
  size_t char_threshold = 500;  // below this many characters, retry with gentler settings
};

struct GrabResult {
  Node* content = nullptr;    // a detached div with the article's nodes; null when nothing was found
  std::string byline;         // text of a byline element found (and removed) on the way
  size_t text_length = 0;     // code points of text in `content`
};

// PrepareDocument does Readability's document preparation: images from
// <noscript> replace their lazy placeholders, scripts/styles/noscript go,
// chains of <br> become paragraph breaks, <font> becomes <span>.
void PrepareDocument(Document& doc);

// GrabArticle finds the article body of a prepared document. It edits the
// tree (the body is moved into the result).
GrabResult GrabArticle(Document& doc, const GrabOptions& options);

// RemoveBoilerplate drops what Readability keeps but a reader does not
// want in the text: "Read also: <link>" lines, "Related"/"Читайте также"
// sections with their link lists, calendar widgets, and stock widget
// phrases ("Ctrl+Enter", "Loading…", "Share").
void RemoveBoilerplate(Node* content);

// IsProbablyVisible: not display:none / visibility:hidden / hidden /
// aria-hidden (Readability's test).
bool IsProbablyVisible(const Node* n);

}  // namespace newsdesk::extract_internal
