// File: extract/selector.h  (internal to extract/)
//
// The CSS subset per-source extraction rules are written in:
//   tag  .class  #id  *  tag.class#id  [attr]  [attr=value]  [attr="v"]
//   [attr~=word]  [attr^=prefix]  [attr*=part]  [attr$=suffix]
//   "a b" (descendant)  "a > b" (child)  "a, b" (either)
//
//   auto sel = Selector::Parse("article .story-body > p, #main");
//   if (!sel.ok()) ...;               // InvalidArgument naming the problem
//   for (Node* n : sel->SelectAll(doc.body())) ...
//
// A match takes at most kMaxAncestors steps up the tree for combinators
// (backtracking included): enough for any real page, bounded on hostile ones.
// Thread-safety: a parsed Selector is immutable and may be shared.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "extract/dom.h"

namespace newsdesk::extract_internal {

class Selector {
 public:
  static constexpr int kMaxAncestors = 512;

  // Parse reads a selector group. InvalidArgument on anything outside the
  // subset (pseudo-classes, sibling combinators, unbalanced brackets).
  static Result<Selector> Parse(std::string_view text);

  // Matches is true when element `n` matches any selector in the group.
  bool Matches(const Node* n) const;

  // SelectAll returns the elements under `scope` (not `scope` itself) that
  // match, in document order, skipping the inside of matched elements when
  // `outermost_only`.
  std::vector<Node*> SelectAll(Node* scope, bool outermost_only = false) const;

  const std::string& text() const { return text_; }

 private:
  enum class AttrOp { kExists, kEquals, kWord, kPrefix, kSuffix, kContains };
  struct AttrTest {
    std::string name;
    AttrOp op = AttrOp::kExists;
    std::string value;
  };
  struct Compound {
    std::string tag;  // "" or "*" for any
    std::string id;
    std::vector<std::string> classes;
    std::vector<AttrTest> attrs;
    bool child_of_previous = false;  // combinator between this and the compound before it
  };
  using Complex = std::vector<Compound>;  // left to right

  static bool MatchCompound(const Compound& c, const Node* n);
  static bool MatchComplex(const Complex& sel, size_t index, const Node* n, int& budget);

  std::string text_;
  std::vector<Complex> group_;
};

}  // namespace newsdesk::extract_internal
