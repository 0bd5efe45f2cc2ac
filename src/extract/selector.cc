#include "extract/selector.h"

#include <fmt/format.h>

namespace newsdesk::extract_internal {

namespace {

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// HasClassToken: `cls` is one of the whitespace-separated words of `attr`.
bool HasWord(std::string_view attr, std::string_view word) {
  size_t i = 0;
  while (i < attr.size()) {
    while (i < attr.size() && IsSpace(attr[i])) ++i;
    size_t b = i;
    while (i < attr.size() && !IsSpace(attr[i])) ++i;
    if (i > b && attr.substr(b, i - b) == word) return true;
  }
  return false;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Status Error(std::string_view what) const {
    return Status::InvalidArgument(fmt::format("selector '{}': {} at offset {}", s_, what, i_));
  }
  bool AtEnd() const { return i_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }
  void SkipSpace() {
    while (!AtEnd() && IsSpace(s_[i_])) ++i_;
  }
  std::string Ident() {
    size_t b = i_;
    while (!AtEnd() && IsIdentChar(s_[i_])) ++i_;
    return std::string(s_.substr(b, i_ - b));
  }
  Result<std::string> Value() {
    if (Peek() == '"' || Peek() == '\'') {
      char q = s_[i_++];
      size_t end = s_.find(q, i_);
      if (end == std::string_view::npos) return Error("unterminated string");
      std::string v(s_.substr(i_, end - i_));
      i_ = end + 1;
      return v;
    }
    std::string v = Ident();
    if (v.empty()) return Error("expected a value");
    return v;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

Result<Selector> Selector::Parse(std::string_view text) {
  Selector sel;
  sel.text_ = std::string(text);
  Parser p(text);
  p.SkipSpace();
  if (p.AtEnd()) return Status::InvalidArgument("selector is empty");
  Complex complex;
  bool pending_child = false;
  while (true) {
    p.SkipSpace();
    if (p.AtEnd() || p.Peek() == ',') {
      if (complex.empty() || pending_child) return p.Error("selector ends without a compound");
      sel.group_.push_back(std::move(complex));
      complex.clear();
      if (p.AtEnd()) break;
      ++p.i_;
      continue;
    }
    if (p.Peek() == '>') {
      if (complex.empty() || pending_child) return p.Error("'>' without an element before it");
      pending_child = true;
      ++p.i_;
      continue;
    }
    Compound c;
    c.child_of_previous = pending_child;
    pending_child = false;
    if (p.Peek() == '*') {
      ++p.i_;
      c.tag = "*";
    } else if (IsIdentChar(p.Peek())) {
      c.tag = AsciiLower(p.Ident());
    }
    while (!p.AtEnd()) {
      char ch = p.Peek();
      if (ch == '.') {
        ++p.i_;
        std::string cls = p.Ident();
        if (cls.empty()) return p.Error("expected a class name after '.'");
        c.classes.push_back(std::move(cls));
      } else if (ch == '#') {
        ++p.i_;
        c.id = p.Ident();
        if (c.id.empty()) return p.Error("expected an id after '#'");
      } else if (ch == '[') {
        ++p.i_;
        p.SkipSpace();
        AttrTest t;
        t.name = AsciiLower(p.Ident());
        if (t.name.empty()) return p.Error("expected an attribute name after '['");
        p.SkipSpace();
        if (p.Peek() != ']') {
          char op = p.Peek();
          if (op == '=') {
            t.op = AttrOp::kEquals;
            ++p.i_;
          } else if ((op == '~' || op == '^' || op == '$' || op == '*') && p.i_ + 1 < text.size() &&
                     text[p.i_ + 1] == '=') {
            t.op = op == '~' ? AttrOp::kWord : op == '^' ? AttrOp::kPrefix : op == '$' ? AttrOp::kSuffix
                                                                                      : AttrOp::kContains;
            p.i_ += 2;
          } else {
            return p.Error("unsupported attribute operator");
          }
          p.SkipSpace();
          auto v = p.Value();
          if (!v.ok()) return v.status();
          t.value = std::move(*v);
          p.SkipSpace();
        }
        if (p.Peek() != ']') return p.Error("expected ']'");
        ++p.i_;
        c.attrs.push_back(std::move(t));
      } else {
        break;
      }
    }
    if (c.tag.empty() && c.id.empty() && c.classes.empty() && c.attrs.empty())
      return p.Error(fmt::format("unsupported character '{}'", p.Peek()));
    if (!p.AtEnd() && !IsSpace(p.Peek()) && p.Peek() != ',' && p.Peek() != '>')
      return p.Error(fmt::format("unsupported character '{}'", p.Peek()));
    complex.push_back(std::move(c));
    if (complex.size() > 32) return p.Error("too many compounds");
  }
  return sel;
}

bool Selector::MatchCompound(const Compound& c, const Node* n) {
  if (!n->is_element()) return false;
  if (!c.tag.empty() && c.tag != "*" && c.tag != n->name) return false;
  if (!c.id.empty() && n->Attr("id") != c.id) return false;
  if (!c.classes.empty()) {
    std::string_view cls = n->Attr("class");
    for (const auto& k : c.classes)
      if (!HasWord(cls, k)) return false;
  }
  for (const auto& t : c.attrs) {
    if (!n->HasAttr(t.name)) return false;
    std::string_view v = n->Attr(t.name);
    switch (t.op) {
      case AttrOp::kExists: break;
      case AttrOp::kEquals:
        if (v != t.value) return false;
        break;
      case AttrOp::kWord:
        if (!HasWord(v, t.value)) return false;
        break;
      case AttrOp::kPrefix:
        if (t.value.empty() || v.substr(0, t.value.size()) != t.value) return false;
        break;
      case AttrOp::kSuffix:
        if (t.value.empty() || v.size() < t.value.size() || v.substr(v.size() - t.value.size()) != t.value)
          return false;
        break;
      case AttrOp::kContains:
        if (t.value.empty() || v.find(t.value) == std::string_view::npos) return false;
        break;
    }
  }
  return true;
}

// MatchComplex: does `n` match sel[0..index], with sel[index] matched by `n`
// itself? Walks up for the compounds to the left, backtracking over
// descendant combinators; `budget` bounds the ancestor steps of the
// whole match, backtracking included.
bool Selector::MatchComplex(const Complex& sel, size_t index, const Node* n, int& budget) {
  if (!MatchCompound(sel[index], n)) return false;
  if (index == 0) return true;
  const Compound& cur = sel[index];
  const Node* a = n->parent;
  if (--budget < 0) return false;
  if (cur.child_of_previous) return a && a->is_element() && MatchComplex(sel, index - 1, a, budget);
  for (; a && a->is_element() && budget > 0; a = a->parent, --budget)
    if (MatchComplex(sel, index - 1, a, budget)) return true;
  return false;
}

bool Selector::Matches(const Node* n) const {
  for (const auto& c : group_) {
    int budget = kMaxAncestors;
    if (MatchComplex(c, c.size() - 1, n, budget)) return true;
  }
  return false;
}

std::vector<Node*> Selector::SelectAll(Node* scope, bool outermost_only) const {
  std::vector<Node*> out;
  Node* n = scope->first_child;
  while (n) {
    if (n->is_element() && Matches(n)) {
      out.push_back(n);
      if (outermost_only) {
        n = NextNodeSkippingChildren(n, scope);
        continue;
      }
    }
    n = NextNode(n, scope);
  }
  return out;
}

}  // namespace newsdesk::extract_internal
