// The content finder's text measures, tag classes and visibility test
// (extract/content_internal.h, IsProbablyVisible of extract/content.h):
// what the grabber, the document preparation and the boilerplate pass ask
// of a node. Pure, but for ComputeTextStats, which writes the nodes' stats.
#include <algorithm>

#include "extract/content.h"
#include "extract/content_internal.h"

namespace newsdesk::extract_internal {

namespace {

bool IsPhrasingTag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_ABBR: case GUMBO_TAG_AUDIO: case GUMBO_TAG_B: case GUMBO_TAG_BDO: case GUMBO_TAG_BR:
    case GUMBO_TAG_BUTTON: case GUMBO_TAG_CITE: case GUMBO_TAG_CODE: case GUMBO_TAG_DATA:
    case GUMBO_TAG_DATALIST: case GUMBO_TAG_DFN: case GUMBO_TAG_EM: case GUMBO_TAG_EMBED: case GUMBO_TAG_I:
    case GUMBO_TAG_IMG: case GUMBO_TAG_INPUT: case GUMBO_TAG_KBD: case GUMBO_TAG_LABEL: case GUMBO_TAG_MARK:
    case GUMBO_TAG_MATH: case GUMBO_TAG_METER: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_OUTPUT: case GUMBO_TAG_PROGRESS: case GUMBO_TAG_Q: case GUMBO_TAG_RUBY: case GUMBO_TAG_SAMP:
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_SELECT: case GUMBO_TAG_SMALL: case GUMBO_TAG_SPAN:
    case GUMBO_TAG_STRONG: case GUMBO_TAG_SUB: case GUMBO_TAG_SUP: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_TIME:
    case GUMBO_TAG_VAR: case GUMBO_TAG_WBR:
      return true;
    default:
      return false;
  }
}

bool IsHashLink(std::string_view href) { return href.size() > 1 && href[0] == '#'; }

bool IsComma(uint32_t cp) {
  return cp == 0x2C || cp == 0x60C || cp == 0xFE50 || cp == 0xFE10 || cp == 0xFE11 || cp == 0x2E41 ||
         cp == 0x2E34 || cp == 0x2E32 || cp == 0xFF0C;
}

// The stats (ComputeTextStats) equal InnerTextLength exactly: each subtree
// keeps whether its text starts or ends with whitespace, so joining siblings adds the one
// space InnerText would.
constexpr uint8_t kHasText = 1, kLeadingSpace = 2, kTrailingSpace = 4, kAnySpace = 8;

void JoinStats(Node* into, const Node* c) {
  if (!(c->stat_flags & kHasText)) {
    if (c->stat_flags & kAnySpace) {
      into->stat_flags |= kAnySpace;
      if (into->stat_flags & kHasText) into->stat_flags |= kTrailingSpace;
      else into->stat_flags |= kLeadingSpace;
    }
  } else if (!(into->stat_flags & kHasText)) {
    uint8_t lead = (into->stat_flags & kAnySpace) || (c->stat_flags & kLeadingSpace) ? kLeadingSpace : 0;
    into->stat_len = c->stat_len;
    into->stat_flags = static_cast<uint8_t>(kHasText | lead | (c->stat_flags & (kTrailingSpace | kAnySpace)) |
                                            (into->stat_flags & kAnySpace));
  } else {
    bool gap = (into->stat_flags & kTrailingSpace) || (c->stat_flags & kLeadingSpace);
    into->stat_len += c->stat_len + (gap ? 1 : 0);
    into->stat_flags = static_cast<uint8_t>((into->stat_flags & ~kTrailingSpace) | (c->stat_flags & kTrailingSpace) |
                                            ((c->stat_flags & kAnySpace) ? kAnySpace : 0));
  }
  into->stat_commas += c->stat_commas;
  if (c->Is(GUMBO_TAG_A))
    into->stat_link += static_cast<float>(c->stat_len) * (IsHashLink(c->Attr("href")) ? 0.3f : 1.0f);
  else
    into->stat_link += c->stat_link;
}

void TextStatsOfText(Node* n) {
  n->stat_len = n->stat_commas = 0;
  n->stat_link = 0;
  n->stat_flags = 0;
  if (!n->is_text()) return;
  std::string_view s = n->text;
  size_t i = 0;
  bool pending = false;
  while (i < s.size()) {
    uint32_t cp = DecodeUtf8(s, i);
    if (IsSpaceCodePoint(cp)) {
      pending = true;
      n->stat_flags |= kAnySpace;
      if (!(n->stat_flags & kHasText)) n->stat_flags |= kLeadingSpace;
      continue;
    }
    if (pending && (n->stat_flags & kHasText)) ++n->stat_len;
    pending = false;
    n->stat_flags |= kHasText;
    ++n->stat_len;
    if (IsComma(cp)) ++n->stat_commas;
  }
  if (pending && (n->stat_flags & kHasText)) n->stat_flags |= kTrailingSpace;
}

}  // namespace

bool IsBlankText(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (!IsSpaceCodePoint(DecodeUtf8(s, i))) return false;
  }
  return true;
}

bool IsPhrasingContent(const Node* n) {
  if (n->is_text()) return true;
  if (!n->is_element()) return false;
  if (IsPhrasingTag(n->tag)) return true;
  if (n->tag != GUMBO_TAG_A && n->tag != GUMBO_TAG_DEL && n->tag != GUMBO_TAG_INS) return false;
  // a/del/ins count when everything inside them does.
  const Node* d = n->first_child;
  while (d) {
    if (d->is_text() || (d->is_element() && IsPhrasingTag(d->tag))) {
      d = NextNodeSkippingChildren(d, n);
    } else if (d->Is(GUMBO_TAG_A) || d->Is(GUMBO_TAG_DEL) || d->Is(GUMBO_TAG_INS)) {
      d = NextNode(d, n);
    } else {
      return false;
    }
  }
  return true;
}

double LinkDensity(const Node* e) {
  size_t text = InnerTextLength(e);
  if (text == 0) return 0;
  double link = 0;
  for (const Node* n = e->first_child; n;) {
    if (n->Is(GUMBO_TAG_A)) {
      link += static_cast<double>(InnerTextLength(n)) * (IsHashLink(n->Attr("href")) ? 0.3 : 1);
      n = NextNodeSkippingChildren(n, e);
      continue;
    }
    n = NextNode(n, e);
  }
  return std::min(1.0, link / static_cast<double>(text));
}

void ComputeTextStats(Node* root) {
  auto fold = [](Node* n) {
    n->stat_len = n->stat_commas = 0;
    n->stat_link = 0;
    n->stat_flags = 0;
    for (const Node* c = n->first_child; c; c = c->next) JoinStats(n, c);
  };
  Walk(
      root,
      [](const Node* c) {
        if (!c->is_element()) TextStatsOfText(const_cast<Node*>(c));
        return c->is_element();
      },
      [&](const Node* c) {
        if (c->is_element()) fold(const_cast<Node*>(c));
      });
  fold(root);
}

double CandidateLinkDensity(const Node* e) {
  int up = 0;
  for (const Node* a = e; a && up < 16; a = a->parent, ++up) {
    if (a->Is(GUMBO_TAG_A) && !IsHashLink(a->Attr("href")) && a->stat_len <= 1000) return 1;
  }
  return CachedLinkDensity(e);
}


bool IsProbablyVisible(const Node* n) {
  std::string_view style = n->Attr("style");
  if (!style.empty()) {
    // Find "display: none" / "visibility: hidden" declarations.
    size_t i = 0;
    while (i < style.size()) {
      size_t semi = style.find(';', i);
      if (semi == std::string_view::npos) semi = style.size();
      std::string_view decl = style.substr(i, semi - i);
      i = semi + 1;
      size_t colon = decl.find(':');
      if (colon == std::string_view::npos) continue;
      std::string prop = CollapseSpaces(decl.substr(0, colon));
      std::string value = CollapseSpaces(decl.substr(colon + 1));
      if (AsciiIEquals(prop, "display") && AsciiIEquals(value, "none")) return false;
      if (AsciiIEquals(prop, "visibility") && AsciiIEquals(value, "hidden")) return false;
    }
  }
  if (n->HasAttr("hidden")) return false;
  if (n->Attr("aria-hidden") == "true" && !ContainsCI(n->Attr("class"), "fallback-image")) return false;
  return true;
}

}  // namespace newsdesk::extract_internal
