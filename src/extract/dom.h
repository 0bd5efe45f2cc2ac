// File: extract/dom.h  (internal to extract/; callers use extract/extractor.h)
//
// A small mutable DOM built from gumbo's parse tree. Gumbo parses HTML the
// way a browser does (it recovers from any markup), but its tree cannot be
// edited cheaply and has no room for scores, so the extractor works on this
// copy: nodes with parent/child/sibling links that can be detached, moved
// and re-tagged in O(1), plus scratch fields for content scoring.
//
//   auto doc = Document::Parse(html);     // Result<std::unique_ptr<Document>>
//   if (!doc.ok()) ...;                   // InvalidArgument: nesting too deep
//   for (Node* n = (*doc)->root(); n; n = NextNode(n, (*doc)->root())) ...
//
// Strings (`Node::text`, attribute names and values) are views into memory
// the Document owns; they live as long as it does. Every walk here is
// iterative: pages nest tens of thousands of elements deep and recursion
// would overflow the stack.
//
// Thread-safety: a Document is not safe to share between threads while it is
// being edited; distinct Documents are independent.
#pragma once

#include <gumbo.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/text.h"

namespace newsdesk::extract_internal {

enum class NodeType : uint8_t { kDocument, kElement, kText, kComment };

struct Attribute {
  std::string_view name;  // lower case
  std::string_view value;
};

struct Node {
  NodeType type = NodeType::kElement;
  GumboTag tag = GUMBO_TAG_UNKNOWN;
  std::string_view name;  // element: lower-case tag name
  std::string_view text;  // text and comment nodes
  Node* parent = nullptr;
  Node* first_child = nullptr;
  Node* last_child = nullptr;
  Node* prev = nullptr;
  Node* next = nullptr;
  const Attribute* attrs = nullptr;
  uint32_t attr_count = 0;

  // Scratch for the content scorer.
  bool has_score = false;
  double score = 0;
  int data_table = -1;  // -1 unknown, 0 layout table, 1 data table
  // Text measures of the subtree, filled by ComputeTextStats and valid
  // until the subtree is edited: InnerTextLength, commas in the text, and
  // link text length (hash links weighted 0.3), as LinkDensity counts it.
  uint32_t stat_len = 0;
  uint32_t stat_commas = 0;
  float stat_link = 0;
  uint8_t stat_flags = 0;  // internal to ComputeTextStats

  bool is_element() const { return type == NodeType::kElement; }
  bool is_text() const { return type == NodeType::kText; }
  bool Is(GumboTag t) const { return type == NodeType::kElement && tag == t; }

  // Attr returns the value of attribute `name` (lower case), or "" when absent.
  std::string_view Attr(std::string_view attr_name) const;
  bool HasAttr(std::string_view attr_name) const;

  Node* FirstElementChild() const;
  Node* NextElementSibling() const;
  Node* PrevElementSibling() const;
  size_t ElementChildCount() const;
};

class Document {
 public:
  // kMaxBlockNesting bounds how deeply block containers (div, section, ul…)
  // may nest, and (times four) how many formatting elements (b, i, font…)
  // may be left open: the HTML tree builder's scope checks and its list of
  // formatting elements make such pages quadratic to parse, and no real
  // page comes near either.
  static constexpr int kMaxBlockNesting = 4000;

  // Parse builds the tree of `html` (UTF-8). Fails with InvalidArgument only
  // when the page nests block containers deeper than kMaxBlockNesting; any
  // other input, however broken, yields a tree with html, head and body.
  static Result<std::unique_ptr<Document>> Parse(std::string_view html);

  ~Document();
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  Node* root() const { return root_; }
  Node* html() const { return html_; }
  Node* head() const { return head_; }
  Node* body() const { return body_; }

  // NewElement / NewText create detached nodes owned by the document.
  Node* NewElement(GumboTag tag);
  Node* NewText(std::string_view text);
  // Intern copies `s` into the document and returns a view that lives as
  // long as the document.
  std::string_view Intern(std::string_view s);
  // SetAttr sets (or adds) attribute `name` on element `n`.
  void SetAttr(Node* n, std::string_view name, std::string_view value);
  // Clone deep-copies the subtree of `n` (detached, scratch fields reset).
  Node* Clone(const Node* n);
  // Retag changes an element's tag (Readability's "turn this div into a p").
  static void Retag(Node* n, GumboTag tag);

  size_t node_count() const { return nodes_.size(); }

 private:
  struct Arena;
  Document();
  void Build(const GumboNode* groot);

  std::unique_ptr<Arena> arena_;
  GumboOutput* output_ = nullptr;
  std::deque<Node> nodes_;
  std::deque<std::vector<Attribute>> attr_blocks_;
  std::deque<std::string> strings_;
  Node* root_ = nullptr;
  Node* html_ = nullptr;
  Node* head_ = nullptr;
  Node* body_ = nullptr;
};

// Tree edits. REQUIRES: `n` is not an ancestor of the place it moves to.
void Detach(Node* n);
void AppendChild(Node* parent, Node* n);
void InsertBefore(Node* ref, Node* n);
// ReplaceWith puts `n` where `old` was; `old` is left detached.
void ReplaceWith(Node* old, Node* n);

// NextNode is the pre-order successor of `n` within the subtree of `scope`
// (nullptr at the end). NextNodeSkippingChildren is the same but does not
// descend into `n`.
Node* NextNode(const Node* n, const Node* scope);
Node* NextNodeSkippingChildren(const Node* n, const Node* scope);

// Walk visits the subtree under `root` (not `root` itself) in document
// order, iteratively. `enter(n)` returns whether to descend into `n`;
// `leave(n)` runs once the subtree of `n` is done (for every visited node).
template <typename Enter, typename Leave>
void Walk(const Node* root, Enter&& enter, Leave&& leave) {
  const Node* n = root->first_child;
  while (n) {
    if (enter(n) && n->first_child) {
      n = n->first_child;
      continue;
    }
    leave(n);
    while (n != root && !n->next) {
      n = n->parent;
      if (n == root) return;
      leave(n);
    }
    if (n == root) return;
    n = n->next;
  }
}

// IsHeadingTag: h1 to h6.
inline bool IsHeadingTag(GumboTag t) {
  return t == GUMBO_TAG_H1 || t == GUMBO_TAG_H2 || t == GUMBO_TAG_H3 || t == GUMBO_TAG_H4 || t == GUMBO_TAG_H5 ||
         t == GUMBO_TAG_H6;
}

// IsAncestor is true when `a` is `n` or one of its ancestors.
bool IsAncestorOrSelf(const Node* a, const Node* n);

// TextContent appends the text of every text node under `n` (DOM textContent).
void AppendTextContent(const Node* n, std::string& out);
std::string TextContent(const Node* n);

// IsSpace is true for the whitespace that JavaScript's \s matches, given the
// code point.
bool IsSpaceCodePoint(uint32_t cp);
// DecodeUtf8 reads the code point at `s[i]` and advances `i`; invalid bytes
// read as U+FFFD.
uint32_t DecodeUtf8(std::string_view s, size_t& i);

// CollapseSpaces trims `s` and turns each run of whitespace into one space.
std::string CollapseSpaces(std::string_view s);

// InnerText is TextContent trimmed with whitespace runs collapsed (what
// Readability's _getInnerText returns); InnerTextLength is its length in
// code points, computed without building the string.
std::string InnerText(const Node* n);
size_t InnerTextLength(const Node* n);

// ContainsSubstringCI reports whether `haystack` contains `needle` (ASCII
// case-insensitive). REQUIRES: `needle` is lower case.
bool ContainsCI(std::string_view haystack, std::string_view needle);

}  // namespace newsdesk::extract_internal
