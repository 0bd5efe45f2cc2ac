// RemoveBoilerplate (extract/content.h): what Readability keeps but a
// reader skips — calendar widgets, "Related" / "Читайте также" labels with
// the link lists after them, "Read also: <link>" lines and stock widget
// phrases. Edits the body subtree; one thread per Document.
#include <cstdlib>
#include <string>

#include "extract/content.h"
#include "extract/content_internal.h"

namespace newsdesk::extract_internal {

namespace {

// Lower-cases ASCII and the Cyrillic capitals, for phrase matching.
std::string LowerText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    uint32_t cp = DecodeUtf8(s, i);
    if (cp >= 'A' && cp <= 'Z') cp += 32;
    else if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;
    else if (cp == 0x401) cp = 0x451;
    else {
      out.append(s.substr(start, i - start));
      continue;
    }
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

std::string_view StripPunct(std::string_view s) {
  auto junk = [](char c) { return c == ' ' || c == ':' || c == '.' || c == '!' || c == '>' || c == '|' || c == '-'; };
  while (!s.empty() && junk(s.back())) s.remove_suffix(1);
  while (!s.empty() && junk(s.front())) s.remove_prefix(1);
  // "…" and "»" at the end.
  for (std::string_view tail : {"\u2026", "\u00BB"})
    while (s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail) s.remove_suffix(tail.size());
  return s;
}

// A heading that opens a list of other stories.
bool IsRelatedLabel(std::string_view lower) {
  static constexpr std::string_view kLabels[] = {
      "читайте также", "читайте", "читать также", "также читайте", "смотрите также", "смотрите", "см. также",
      "по теме", "новости по теме", "ссылки по теме", "статьи по теме", "материалы по теме", "другие новости",
      "похожие новости", "похожие материалы", "последние новости", "лента новостей", "самое читаемое",
      "популярное", "самое популярное", "рекомендуем", "комментарии", "related", "related articles",
      "related stories", "related content", "related news", "read more", "read also", "see also", "more stories",
      "more from", "most read", "most popular", "you may also like", "recommended", "trending", "comments",
      "also read", "more on this story", "further reading"};
  lower = StripPunct(lower);
  for (auto k : kLabels)
    if (lower == k) return true;
  return false;
}

// Widget text that is never article text.
bool IsStockPhrase(std::string_view lower) {
  lower = StripPunct(lower);
  static constexpr std::string_view kExact[] = {
      "загрузка", "реклама", "поделиться", "версия для печати", "распечатать", "печать", "подписаться",
      "вернуться к списку", "все новости", "loading", "advertisement", "share", "share this", "tweet", "print",
      "email", "subscribe", "back to top", "share on facebook", "share on twitter"};
  for (auto k : kExact)
    if (lower == k) return true;
  // "Нашли ошибку? Выделите её и нажмите Ctrl+Enter"
  return lower.size() < 200 && lower.find("ctrl+enter") != std::string_view::npos;
}

bool HasBlockChild(const Node* n) {
  for (const Node* c = n->first_child; c; c = c->next)
    if (c->is_element() && (IsDivToPTag(c->tag) || IsHeadingTag(c->tag) || c->tag == GUMBO_TAG_LI ||
                            c->tag == GUMBO_TAG_SECTION || c->tag == GUMBO_TAG_ARTICLE))
      return true;
  return false;
}

}  // namespace

void RemoveBoilerplate(Node* content) {
  // Calendar widgets: grids of day numbers and weekday names.
  for (Node* table : Collect(content, [](Node* n) {
         return n->Is(GUMBO_TAG_TABLE) || n->Is(GUMBO_TAG_UL) || n->Is(GUMBO_TAG_OL);
       })) {
    if (!table->parent) continue;
    size_t cells = 0, tiny = 0;
    uint32_t days = 0;  // bit d set: a cell reads "d", 1..31
    for (Node* d = table->first_child; d; d = NextNode(d, table)) {
      if (!d->Is(GUMBO_TAG_TD) && !d->Is(GUMBO_TAG_TH) && !d->Is(GUMBO_TAG_LI)) continue;
      ++cells;
      std::string t = InnerText(d);
      if (Utf8Length(t) > 2) continue;
      ++tiny;
      int v = std::atoi(t.c_str());
      if (v >= 1 && v <= 31) days |= 1u << v;
    }
    if (cells >= 28 && tiny * 10 >= cells * 8 && __builtin_popcount(days) >= 28) Detach(table);
  }
  // Block leaves, and the outermost inline labels (span/b/strong): a walk
  // that keeps nested inline chains from being looked at once per level.
  std::vector<Node*> leaves;
  int inline_depth = 0;
  auto is_inline_label = [](const Node* n) {
    return n->tag == GUMBO_TAG_SPAN || n->tag == GUMBO_TAG_B || n->tag == GUMBO_TAG_STRONG;
  };
  Walk(
      content,
      [&](const Node* c) {
        if (!c->is_element()) return false;
        Node* n = const_cast<Node*>(c);
        if (is_inline_label(n)) {
          if (inline_depth++ == 0) leaves.push_back(n);
          return true;
        }
        if ((n->tag == GUMBO_TAG_P || n->tag == GUMBO_TAG_DIV || n->tag == GUMBO_TAG_LI || IsHeadingTag(n->tag)) &&
            !HasBlockChild(n))
          leaves.push_back(n);
        return true;
      },
      [&](const Node* c) {
        if (c->is_element() && is_inline_label(c)) --inline_depth;
      });
  for (Node* n : leaves) {
    if (!n->parent) continue;
    std::string text = InnerText(n);
    if (text.empty() || text.size() > 400) continue;
    std::string lower = LowerText(text);
    if (IsRelatedLabel(lower)) {
      // The label, and the links that follow it.
      Node* holder = n;
      while (holder->parent && holder->parent != content && holder->parent->ElementChildCount() == 1)
        holder = holder->parent;
      for (Node* s = holder->NextElementSibling(); s;) {
        Node* next = s->NextElementSibling();
        size_t len = InnerTextLength(s);
        if (LinkDensity(s) < 0.4 && len > 100) break;
        Detach(s);
        s = next;
      }
      Node* parent = holder->parent;
      Detach(holder);
      if (parent && parent != content && InnerTextLength(parent) < 2000 && LinkDensity(parent) > 0.5) Detach(parent);
      continue;
    }
    if (n->tag == GUMBO_TAG_SPAN || n->tag == GUMBO_TAG_B || n->tag == GUMBO_TAG_STRONG) continue;
    if (IsStockPhrase(lower)) {
      Detach(n);
      continue;
    }
    // "Read also: <a>Other story</a>" — a label and a link.
    double link_density = LinkDensity(n);
    if (link_density >= 0.5 && link_density < 1.0) {
      size_t non_link = static_cast<size_t>(static_cast<double>(Utf8Length(text)) * (1 - link_density));
      if (non_link <= 25 && text.find(':') != std::string::npos) Detach(n);
    }
  }
}

}  // namespace newsdesk::extract_internal
