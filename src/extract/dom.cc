#include "extract/dom.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace newsdesk::extract_internal {

// --- Node --------------------------------------------------------------------

std::string_view Node::Attr(std::string_view attr_name) const {
  for (uint32_t i = 0; i < attr_count; ++i)
    if (attrs[i].name == attr_name) return attrs[i].value;
  return {};
}

bool Node::HasAttr(std::string_view attr_name) const {
  for (uint32_t i = 0; i < attr_count; ++i)
    if (attrs[i].name == attr_name) return true;
  return false;
}

Node* Node::FirstElementChild() const {
  for (Node* c = first_child; c; c = c->next)
    if (c->is_element()) return c;
  return nullptr;
}

Node* Node::NextElementSibling() const {
  for (Node* c = next; c; c = c->next)
    if (c->is_element()) return c;
  return nullptr;
}

Node* Node::PrevElementSibling() const {
  for (Node* c = prev; c; c = c->prev)
    if (c->is_element()) return c;
  return nullptr;
}

size_t Node::ElementChildCount() const {
  size_t n = 0;
  for (Node* c = first_child; c; c = c->next) n += c->is_element();
  return n;
}

// --- Document ----------------------------------------------------------------

// Arena: gumbo allocates many small pieces and frees them all at the end;
// a bump allocator makes both cheap, and dropping the arena frees the whole
// parse tree without gumbo's recursive destroy.
struct Document::Arena {
  static constexpr size_t kBlock = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks;
  char* cur = nullptr;
  size_t left = 0;

  static void* Allocate(void* self, size_t size) {
    auto* a = static_cast<Arena*>(self);
    size = (size + 15) & ~size_t{15};
    if (size > kBlock / 4) {
      a->blocks.emplace_back(new char[size]);
      return a->blocks.back().get();
    }
    if (size > a->left) {
      a->blocks.emplace_back(new char[kBlock]);
      a->cur = a->blocks.back().get();
      a->left = kBlock;
    }
    void* p = a->cur;
    a->cur += size;
    a->left -= size;
    return p;
  }
  static void Free(void*, void*) {}
};

Document::Document() : arena_(std::make_unique<Arena>()) {}
Document::~Document() = default;  // the arena owns gumbo's output

namespace {

// The block containers whose nesting the tree builder pays for quadratically.
bool IsNestingTag(std::string_view name) {
  static constexpr std::string_view kTags[] = {
      "div", "section", "article", "aside", "nav", "header", "footer", "main", "blockquote", "ul", "ol", "dl",
      "fieldset", "figure", "figcaption", "details", "center", "address", "menu", "dir", "hgroup", "summary",
      "dialog", "form", "table", "pre", "listing"};
  for (auto t : kTags)
    if (AsciiIEquals(t, name)) return true;
  return false;
}

// The formatting elements the tree builder keeps a list of, and rescans on
// every new one.
bool IsFormattingTag(std::string_view name) {
  static constexpr std::string_view kTags[] = {"a",     "b",  "big", "code", "em", "font", "i",
                                               "nobr",  "s",  "small", "strike", "strong", "tt", "u"};
  for (auto t : kTags)
    if (AsciiIEquals(t, name)) return true;
  return false;
}

// MaxBlockNesting estimates how deeply block containers nest: start tags
// minus end tags of IsNestingTag elements, outside comments and raw text;
// and likewise how many formatting elements are left open. It is a guard,
// not a parser: it only has to be right about pathological pages.
int MaxBlockNesting(std::string_view s, int limit) {
  int depth = 0, max_depth = 0, formatting = 0;
  size_t i = 0;
  const size_t n = s.size();
  auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  while (i < n) {
    size_t lt = s.find('<', i);
    if (lt == std::string_view::npos || lt + 1 >= n) break;
    i = lt + 1;
    if (s.compare(i, 3, "!--") == 0) {
      size_t end = s.find("-->", i + 3);
      if (end == std::string_view::npos) break;
      i = end + 3;
      continue;
    }
    bool closing = s[i] == '/';
    if (closing) ++i;
    if (i >= n || !is_alpha(s[i])) continue;
    size_t b = i;
    while (i < n && (is_alpha(s[i]) || (s[i] >= '0' && s[i] <= '9') || s[i] == '-')) ++i;
    std::string_view name = s.substr(b, i - b);
    if (!closing && (AsciiIEquals(name, "script") || AsciiIEquals(name, "style") || AsciiIEquals(name, "textarea") ||
                     AsciiIEquals(name, "xmp") || AsciiIEquals(name, "title"))) {
      std::string close = "</" + AsciiLower(name);
      // Raw text: skip to the matching end tag (case-insensitively).
      size_t j = i;
      bool found = false;
      while ((j = s.find("</", j)) != std::string_view::npos) {
        if (AsciiIEquals(s.substr(j, close.size()), close)) {
          i = j + close.size();
          found = true;
          break;
        }
        j += 2;
      }
      if (!found) break;
      continue;
    }
    if (IsFormattingTag(name)) {
      formatting = closing ? std::max(0, formatting - 1) : formatting + 1;
      // Open formatting elements cost the tree builder like nesting does,
      // at a quarter of the price each.
      if (formatting > 4 * limit) return limit + 1;
      continue;
    }
    if (!IsNestingTag(name)) continue;
    if (closing) {
      if (depth > 0) --depth;
    } else {
      // A self-closing "<div/>" still opens a div in HTML, so it counts.
      max_depth = std::max(max_depth, ++depth);
      if (max_depth > limit) return max_depth;
    }
  }
  return max_depth;
}

std::string_view UnknownTagName(const GumboElement& el) {
  GumboStringPiece piece = el.original_tag;
  if (piece.data == nullptr || piece.length == 0) return {};
  gumbo_tag_from_original_text(&piece);
  return std::string_view(piece.data, piece.length);
}

}  // namespace

Result<std::unique_ptr<Document>> Document::Parse(std::string_view html) {
  if (int depth = MaxBlockNesting(html, kMaxBlockNesting); depth > kMaxBlockNesting)
    return Status::InvalidArgument(
        fmt::format("the page nests elements too deeply (over {} block containers, or {} open formatting "
                    "elements); refusing to parse it",
                    kMaxBlockNesting, 4 * kMaxBlockNesting));
  std::unique_ptr<Document> doc(new Document());
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &Arena::Allocate;
  options.deallocator = &Arena::Free;
  options.userdata = doc->arena_.get();
  options.max_errors = 0;  // each recorded error copies the open-element stack
  doc->output_ = gumbo_parse_with_options(&options, html.data(), html.size());
  doc->Build(doc->output_->document);
  return doc;
}

void Document::Build(const GumboNode* groot) {
  root_ = &nodes_.emplace_back();
  root_->type = NodeType::kDocument;
  struct Item {
    const GumboNode* g;
    Node* parent;
  };
  std::vector<Item> stack;
  const GumboVector& top = groot->v.document.children;
  for (size_t i = top.length; i-- > 0;) stack.push_back({static_cast<const GumboNode*>(top.data[i]), root_});
  while (!stack.empty()) {
    Item it = stack.back();
    stack.pop_back();
    const GumboNode* g = it.g;
    Node* n = nullptr;
    switch (g->type) {
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE: {
        const GumboElement& el = g->v.element;
        n = &nodes_.emplace_back();
        n->type = NodeType::kElement;
        n->tag = el.tag;
        if (el.tag == GUMBO_TAG_UNKNOWN) {
          std::string lower = AsciiLower(UnknownTagName(el));
          n->name = Intern(lower);
        } else {
          n->name = gumbo_normalized_tagname(el.tag);
        }
        if (el.attributes.length > 0) {
          auto& block = attr_blocks_.emplace_back();
          block.reserve(el.attributes.length);
          for (size_t i = 0; i < el.attributes.length; ++i) {
            auto* a = static_cast<const GumboAttribute*>(el.attributes.data[i]);
            block.push_back({a->name ? std::string_view(a->name) : std::string_view(),
                             a->value ? std::string_view(a->value) : std::string_view()});
          }
          n->attrs = block.data();
          n->attr_count = static_cast<uint32_t>(block.size());
        }
        AppendChild(it.parent, n);
        for (size_t i = el.children.length; i-- > 0;)
          stack.push_back({static_cast<const GumboNode*>(el.children.data[i]), n});
        if (el.tag == GUMBO_TAG_HTML && !html_) html_ = n;
        if (el.tag == GUMBO_TAG_HEAD && !head_) head_ = n;
        if (el.tag == GUMBO_TAG_BODY && !body_) body_ = n;
        break;
      }
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
      case GUMBO_NODE_COMMENT:
        n = &nodes_.emplace_back();
        n->type = g->type == GUMBO_NODE_COMMENT ? NodeType::kComment : NodeType::kText;
        n->text = g->v.text.text ? std::string_view(g->v.text.text) : std::string_view();
        AppendChild(it.parent, n);
        break;
      case GUMBO_NODE_DOCUMENT:
        break;
    }
  }
  // Gumbo always makes html, head and body; keep the invariant even so.
  if (!html_) {
    html_ = NewElement(GUMBO_TAG_HTML);
    AppendChild(root_, html_);
  }
  if (!head_) {
    head_ = NewElement(GUMBO_TAG_HEAD);
    InsertBefore(html_->first_child, head_);
    if (!head_->parent) AppendChild(html_, head_);
  }
  if (!body_) {
    body_ = NewElement(GUMBO_TAG_BODY);
    AppendChild(html_, body_);
  }
}

Node* Document::NewElement(GumboTag tag) {
  Node* n = &nodes_.emplace_back();
  n->type = NodeType::kElement;
  n->tag = tag;
  n->name = gumbo_normalized_tagname(tag);
  return n;
}

Node* Document::NewText(std::string_view text) {
  Node* n = &nodes_.emplace_back();
  n->type = NodeType::kText;
  n->text = Intern(text);
  return n;
}

std::string_view Document::Intern(std::string_view s) { return strings_.emplace_back(s); }

void Document::SetAttr(Node* n, std::string_view name, std::string_view value) {
  auto& block = attr_blocks_.emplace_back(n->attrs, n->attrs + n->attr_count);
  std::string_view v = Intern(value);
  bool found = false;
  for (auto& a : block) {
    if (a.name == name) {
      a.value = v;
      found = true;
    }
  }
  if (!found) block.push_back({Intern(name), v});
  n->attrs = block.data();
  n->attr_count = static_cast<uint32_t>(block.size());
}

Node* Document::Clone(const Node* src) {
  auto copy = [&](const Node* from) {
    Node* n = &nodes_.emplace_back();
    n->type = from->type;
    n->tag = from->tag;
    n->name = from->name;
    n->text = from->text;
    n->attrs = from->attrs;  // attribute arrays are never edited in place
    n->attr_count = from->attr_count;
    return n;
  };
  Node* top = copy(src);
  // Walk the source in pre-order, keeping the copy of the current parent.
  const Node* s = src->first_child;
  Node* parent = top;
  while (s) {
    Node* c = copy(s);
    AppendChild(parent, c);
    if (s->first_child) {
      parent = c;
      s = s->first_child;
      continue;
    }
    while (s && s != src && !s->next) {
      s = s->parent;
      parent = parent->parent;
    }
    if (!s || s == src) break;
    s = s->next;
  }
  return top;
}

void Document::Retag(Node* n, GumboTag tag) {
  n->tag = tag;
  n->name = gumbo_normalized_tagname(tag);
}

// --- edits and walks ---------------------------------------------------------

void Detach(Node* n) {
  Node* p = n->parent;
  if (!p) return;
  if (n->prev) n->prev->next = n->next;
  else p->first_child = n->next;
  if (n->next) n->next->prev = n->prev;
  else p->last_child = n->prev;
  n->parent = n->prev = n->next = nullptr;
}

namespace {

// Link puts the detached `n` under `parent` between the siblings `prev` and
// `next` (null at either end).
void Link(Node* parent, Node* prev, Node* next, Node* n) {
  n->parent = parent;
  n->prev = prev;
  n->next = next;
  if (prev) prev->next = n;
  else parent->first_child = n;
  if (next) next->prev = n;
  else parent->last_child = n;
}

}  // namespace

void AppendChild(Node* parent, Node* n) {
  Detach(n);
  Link(parent, parent->last_child, nullptr, n);
}

void InsertBefore(Node* ref, Node* n) {
  if (!ref || !ref->parent) return;
  Detach(n);
  Link(ref->parent, ref->prev, ref, n);
}

void ReplaceWith(Node* old, Node* n) {
  if (old == n || !old->parent) return;
  InsertBefore(old, n);
  Detach(old);
}

Node* NextNode(const Node* n, const Node* scope) {
  if (n->first_child) return n->first_child;
  return NextNodeSkippingChildren(n, scope);
}

Node* NextNodeSkippingChildren(const Node* n, const Node* scope) {
  while (n && n != scope) {
    if (n->next) return n->next;
    n = n->parent;
  }
  return nullptr;
}

bool IsAncestorOrSelf(const Node* a, const Node* n) {
  for (; n; n = n->parent)
    if (n == a) return true;
  return false;
}

// --- text --------------------------------------------------------------------

void AppendTextContent(const Node* n, std::string& out) {
  if (n->is_text()) {
    out.append(n->text);
    return;
  }
  for (const Node* c = n->first_child; c; c = NextNode(c, n))
    if (c->is_text()) out.append(c->text);
}

std::string TextContent(const Node* n) {
  std::string out;
  AppendTextContent(n, out);
  return out;
}

uint32_t DecodeUtf8(std::string_view s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  uint32_t cp = c & (0xFF >> (len + 1));
  for (size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  i += len;
  return cp;
}

bool IsSpaceCodePoint(uint32_t cp) {
  if (cp < 0x80) return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v';
  return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

namespace {

// SpaceCollapser feeds text pieces and keeps Readability's normalised form:
// trimmed, each whitespace run one space.
struct SpaceCollapser {
  std::string* out = nullptr;  // null: only count
  size_t length = 0;           // code points emitted
  bool pending_space = false;
  bool any = false;

  void Feed(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c < 0x80) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
          pending_space = true;
        } else {
          Emit(s.substr(i, 1));
        }
        ++i;
        continue;
      }
      size_t start = i;
      uint32_t cp = DecodeUtf8(s, i);
      if (IsSpaceCodePoint(cp)) pending_space = true;
      else Emit(s.substr(start, i - start));
    }
  }
  void Emit(std::string_view ch) {
    if (pending_space && any) {
      if (out) out->push_back(' ');
      ++length;
    }
    pending_space = false;
    any = true;
    if (out) out->append(ch);
    ++length;
  }
};

}  // namespace

std::string CollapseSpaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  SpaceCollapser c;
  c.out = &out;
  c.Feed(s);
  return out;
}

std::string InnerText(const Node* n) {
  std::string out;
  SpaceCollapser c;
  c.out = &out;
  if (n->is_text()) {
    c.Feed(n->text);
    return out;
  }
  for (const Node* d = n->first_child; d; d = NextNode(d, n))
    if (d->is_text()) c.Feed(d->text);
  return out;
}

size_t InnerTextLength(const Node* n) {
  SpaceCollapser c;
  if (n->is_text()) {
    c.Feed(n->text);
    return c.length;
  }
  for (const Node* d = n->first_child; d; d = NextNode(d, n))
    if (d->is_text()) c.Feed(d->text);
  return c.length;
}

bool ContainsCI(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > haystack.size()) return false;
  const size_t last = haystack.size() - needle.size();
  for (size_t i = 0; i <= last; ++i) {
    size_t k = 0;
    for (; k < needle.size(); ++k) {
      char x = haystack[i + k];
      if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
      if (x != needle[k]) break;
    }
    if (k == needle.size()) return true;
  }
  return false;
}

}  // namespace newsdesk::extract_internal
