// File: extract/content_internal.h  (internal to the content finder, content*.cc)
//
// What the parts of the content finder share (content.h is its front door):
// the text measures the scorer and the boilerplate pass ask of the tree
// (text length, link density, commas, kept per node by ComputeTextStats),
// Readability's tag classes, and a collecting walk. Split by stage:
//   content.cc              the grabber: scoring, choosing, cleaning (GrabArticle)
//   content_measures.cc     the measures below, and IsProbablyVisible
//   content_prepare.cc      PrepareDocument
//   content_boilerplate.cc  RemoveBoilerplate
//
// Thread-safety: pure functions, except that ComputeTextStats writes the
// stat_* fields of the nodes it measures; one thread per Document.
#pragma once

#include <algorithm>
#include <string_view>
#include <vector>

#include "extract/dom.h"

namespace newsdesk::extract_internal {

// Collect lists the elements under `root` (not `root` itself), in document
// order, for which `pred(n)` holds; the list survives edits to the tree.
template <typename F>
std::vector<Node*> Collect(Node* root, F&& pred) {
  std::vector<Node*> out;
  for (Node* n = root->first_child; n; n = NextNode(n, root))
    if (n->is_element() && pred(n)) out.push_back(n);
  return out;
}

// IsDivToPTag: the block tags that keep Readability from turning a <div>
// holding them into a paragraph.
inline bool IsDivToPTag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_DL: case GUMBO_TAG_DIV: case GUMBO_TAG_IMG: case GUMBO_TAG_OL:
    case GUMBO_TAG_P: case GUMBO_TAG_PRE: case GUMBO_TAG_TABLE: case GUMBO_TAG_UL:
      return true;
    default:
      return false;
  }
}

// IsBlankText: `s` is whitespace only (JavaScript's \s), or empty.
bool IsBlankText(std::string_view s);

// IsPhrasingContent is Readability's _isPhrasingContent: text, a phrasing
// element, or an a/del/ins holding only phrasing content.
bool IsPhrasingContent(const Node* n);

// LinkDensity: the share of `e`'s text inside links (hash links count 0.3),
// from 0 to 1, measured by walking the subtree.
double LinkDensity(const Node* e);

// ComputeTextStats fills the stat_* fields of every node under (and of)
// `root` in one pass, so the scorer's many length and link-density
// questions about nested candidates cost O(1) each instead of a walk each.
// The lengths equal InnerTextLength exactly.
void ComputeTextStats(Node* root);

// CachedLinkDensity is LinkDensity from the stats. REQUIRES: ComputeTextStats
// ran over the subtree since it was last edited.
inline double CachedLinkDensity(const Node* e) {
  if (e->stat_len == 0) return 0;
  return std::min(1.0, static_cast<double>(e->stat_link) / e->stat_len);
}

// CandidateLinkDensity is LinkDensity, except that a block which is itself
// inside a short link (a teaser wrapped in <a>) is all link. Long "links"
// are left alone: an unclosed <a> swallows the rest of a broken page.
// REQUIRES: stats computed (ComputeTextStats).
double CandidateLinkDensity(const Node* e);

}  // namespace newsdesk::extract_internal
