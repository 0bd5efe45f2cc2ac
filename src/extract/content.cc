// GrabArticle (extract/content.h): Readability's grabber — paragraphs
// scored and their scores handed up to their ancestors, the best candidate
// chosen and its siblings gathered, then cleaned of forms, share boxes and
// link lists; retried with gentler flags when too little text is found.
// The measures it asks of the tree are content_measures.cc's.
#include "extract/content.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <vector>

#include "extract/content_internal.h"
#include "extract/metadata.h"

namespace newsdesk::extract_internal {

namespace {

constexpr int kStripUnlikelys = 1;
constexpr int kWeightClasses = 2;
constexpr int kCleanConditionally = 4;

// Readability's regular expressions; every alternative is a plain
// substring, matched ASCII case-insensitively.
constexpr std::string_view kUnlikely[] = {
    "-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community", "cover-wrap", "disqus", "extra",
    "footer", "gdpr", "header", "legends", "menu", "related", "remark", "replies", "rss", "shoutbox", "sidebar",
    "skyscraper", "social", "sponsor", "supplemental", "ad-break", "agegate", "pagination", "pager", "popup",
    "yom-remote"};
constexpr std::string_view kMaybeCandidate[] = {"and", "article", "body", "column", "content", "main", "mathjax",
                                                "shadow"};
constexpr std::string_view kPositive[] = {"article", "body", "content", "entry", "hentry", "h-entry", "main",
                                          "page", "pagination", "post", "text", "blog", "story"};
constexpr std::string_view kNegative[] = {
    "-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "footer", "gdpr", "masthead", "media",
    "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor",
    "shopping", "tags", "widget"};
constexpr std::string_view kByline[] = {"byline", "author", "dateline", "writtenby", "p-author"};
constexpr std::string_view kUnlikelyRoles[] = {"menu", "menubar", "complementary", "navigation",
                                               "alert", "alertdialog", "dialog"};
constexpr std::string_view kVideoHosts[] = {
    "//www.dailymotion.com", "//dailymotion.com", "//www.youtube.com", "//youtube.com", "//www.youtube-nocookie.com",
    "//youtube-nocookie.com", "//player.vimeo.com", "//www.player.vimeo.com", "//v.qq.com", "//www.v.qq.com",
    "//archive.org", "//www.archive.org", "//upload.wikimedia.org", "//www.upload.wikimedia.org",
    "//player.twitch.tv", "//www.player.twitch.tv"};

template <size_t N>
bool AnyCI(std::string_view s, const std::string_view (&list)[N]) {
  for (auto k : list)
    if (ContainsCI(s, k)) return true;
  return false;
}

bool HasHidToken(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t b = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i - b == 3 && AsciiIEquals(s.substr(b, 3), "hid")) return true;
  }
  return false;
}

bool IsNegative(std::string_view s) { return AnyCI(s, kNegative) || HasHidToken(s); }


// IsTagToScore: Readability's DEFAULT_TAGS_TO_SCORE, "section, h2-h6, p,
// td, pre".
bool IsTagToScore(GumboTag t) {
  return t == GUMBO_TAG_SECTION || t == GUMBO_TAG_P || t == GUMBO_TAG_TD || t == GUMBO_TAG_PRE ||
         (IsHeadingTag(t) && t != GUMBO_TAG_H1);
}

std::string MatchString(const Node* n) {
  std::string s(n->Attr("class"));
  s.push_back(' ');
  s.append(n->Attr("id"));
  return s;
}

// --- walking -------------------------------------------------------------------

// NextElement is Readability's _getNextNode: the next element in document
// order, within `scope`.
Node* NextElement(Node* n, bool skip_children, const Node* scope) {
  if (!skip_children) {
    if (Node* c = n->FirstElementChild()) return c;
  }
  while (n && n != scope) {
    if (Node* s = n->NextElementSibling()) return s;
    n = n->parent;
  }
  return nullptr;
}

std::vector<Node*> ByTag(Node* root, std::initializer_list<GumboTag> tags) {
  return Collect(root, [&](Node* n) { return std::find(tags.begin(), tags.end(), n->tag) != tags.end(); });
}

bool HasAncestorTag(const Node* n, GumboTag tag, int max_depth = 3) {
  int depth = 0;
  for (; n->parent; n = n->parent, ++depth) {
    if (max_depth > 0 && depth > max_depth) return false;
    if (n->parent->Is(tag)) return true;
  }
  return false;
}

// --- the grabber ---------------------------------------------------------------

class Grabber {
 public:
  Grabber(Document& doc, const GrabOptions& options) : doc_(doc), options_(options) {}

  GrabResult Run();
  void PrepArticle(Node* content);

  int flags_ = kStripUnlikelys | kWeightClasses | kCleanConditionally;

 private:
  int ClassWeight(const Node* n) const;
  void InitializeNode(Node* n);
  static bool IsWhitespace(const Node* n);
  bool IsElementWithoutContent(const Node* n) const;
  bool HasChildBlockElement(const Node* n) const;
  static bool HasSingleTagInside(const Node* n, GumboTag tag);
  bool IsValidByline(const Node* n, std::string_view match) const;
  bool HeaderDuplicatesTitle(const Node* n) const;
  Node* GrabOnce(Node* page, size_t* text_length);
  void Clean(Node* e, GumboTag tag);
  void CleanConditionally(Node* e, GumboTag tag);
  void MarkDataTables(Node* root);

  Document& doc_;
  const GrabOptions& options_;
  std::string byline_;
  std::vector<Node*> scored_;  // nodes whose score fields were set, to reset between attempts
};

int Grabber::ClassWeight(const Node* n) const {
  if (!(flags_ & kWeightClasses)) return 0;
  int weight = 0;
  std::string_view cls = n->Attr("class");
  if (!cls.empty()) {
    if (IsNegative(cls)) weight -= 25;
    if (AnyCI(cls, kPositive)) weight += 25;
  }
  std::string_view id = n->Attr("id");
  if (!id.empty()) {
    if (IsNegative(id)) weight -= 25;
    if (AnyCI(id, kPositive)) weight += 25;
  }
  // Schema.org microdata says outright what the names only suggest; not
  // outright enough to trust alone (sites wrap their footers in it too).
  if (ContainsCI(n->Attr("itemprop"), "articlebody")) weight += 15;
  return weight;
}

void Grabber::InitializeNode(Node* n) {
  n->has_score = true;
  scored_.push_back(n);
  double score = 0;
  switch (n->tag) {
    case GUMBO_TAG_DIV: score += 5; break;
    case GUMBO_TAG_PRE: case GUMBO_TAG_TD: case GUMBO_TAG_BLOCKQUOTE: score += 3; break;
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_OL: case GUMBO_TAG_UL: case GUMBO_TAG_DL: case GUMBO_TAG_DD:
    case GUMBO_TAG_DT: case GUMBO_TAG_LI: case GUMBO_TAG_FORM: score -= 3; break;
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
    case GUMBO_TAG_H6: case GUMBO_TAG_TH: score -= 5; break;
    default: break;
  }
  n->score = score + ClassWeight(n);
}
bool Grabber::IsWhitespace(const Node* n) {
  return (n->is_text() && IsBlankText(n->text)) || n->Is(GUMBO_TAG_BR);
}

bool Grabber::IsElementWithoutContent(const Node* n) const {
  if (!n->is_element()) return false;
  size_t children = 0, brs = 0;
  for (const Node* d = n->first_child; d; d = NextNode(d, n)) {
    if (d->is_text() && !IsBlankText(d->text)) return false;
    if (d->is_element()) {
      if (d->parent == n) ++children;
      if (d->Is(GUMBO_TAG_BR) || d->Is(GUMBO_TAG_HR)) ++brs;
    }
  }
  return children == 0 || children == brs;
}

bool Grabber::HasChildBlockElement(const Node* n) const {
  for (const Node* d = n->first_child; d; d = NextNode(d, n))
    if (d->is_element() && IsDivToPTag(d->tag)) return true;
  return false;
}

bool Grabber::HasSingleTagInside(const Node* n, GumboTag tag) {
  const Node* only = nullptr;
  for (const Node* c = n->first_child; c; c = c->next) {
    if (c->is_element()) {
      if (only) return false;
      only = c;
    } else if (c->is_text() && !IsBlankText(c->text)) {
      return false;
    }
  }
  return only && only->tag == tag;
}

bool Grabber::IsValidByline(const Node* n, std::string_view match) const {
  bool looks = AsciiIEquals(n->Attr("rel"), "author") || ContainsCI(n->Attr("itemprop"), "author") ||
               AnyCI(match, kByline);
  if (!looks) return false;
  size_t len = Utf8Length(CollapseSpaces(TextContent(n)));
  return len > 0 && len < 100;
}

bool Grabber::HeaderDuplicatesTitle(const Node* n) const {
  if (!n->Is(GUMBO_TAG_H1) && !n->Is(GUMBO_TAG_H2)) return false;
  if (options_.title.empty()) return false;
  return TextSimilarity(options_.title, CollapseSpaces(TextContent(n))) > 0.75;
}

Node* Grabber::GrabOnce(Node* page, size_t* text_length) {
  const bool strip_unlikely = flags_ & kStripUnlikelys;
  std::vector<Node*> to_score;
  bool remove_title_header = true;

  Node* node = page;
  auto remove_and_next = [&](Node* n) {
    Node* next = NextElement(n, true, page);
    Detach(n);
    return next;
  };
  while (node) {
    std::string match = MatchString(node);
    if (!IsProbablyVisible(node)) {
      node = remove_and_next(node);
      continue;
    }
    if (node->Attr("aria-modal") == "true" && node->Attr("role") == "dialog") {
      node = remove_and_next(node);
      continue;
    }
    if (options_.find_byline && byline_.empty() && IsValidByline(node, match)) {
      const Node* name_node = nullptr;
      for (const Node* d = node->first_child; d && !name_node; d = NextNode(d, node))
        if (d->is_element() && ContainsCI(d->Attr("itemprop"), "name")) name_node = d;
      byline_ = CollapseSpaces(TextContent(name_node ? name_node : node));
      node = remove_and_next(node);
      continue;
    }
    if (remove_title_header && HeaderDuplicatesTitle(node)) {
      remove_title_header = false;
      node = remove_and_next(node);
      continue;
    }
    if (strip_unlikely && node != page) {
      if (AnyCI(match, kUnlikely) && !AnyCI(match, kMaybeCandidate) && !HasAncestorTag(node, GUMBO_TAG_TABLE) &&
          !HasAncestorTag(node, GUMBO_TAG_CODE) && node->tag != GUMBO_TAG_BODY && node->tag != GUMBO_TAG_A) {
        node = remove_and_next(node);
        continue;
      }
      std::string_view role = node->Attr("role");
      if (!role.empty() && std::find(std::begin(kUnlikelyRoles), std::end(kUnlikelyRoles), role) !=
                               std::end(kUnlikelyRoles)) {
        node = remove_and_next(node);
        continue;
      }
    }
    if ((node->tag == GUMBO_TAG_DIV || node->tag == GUMBO_TAG_SECTION || node->tag == GUMBO_TAG_HEADER ||
         IsHeadingTag(node->tag)) &&
        IsElementWithoutContent(node)) {
      node = remove_and_next(node);
      continue;
    }
    if (IsTagToScore(node->tag)) to_score.push_back(node);

    if (node->tag == GUMBO_TAG_DIV) {
      // Put runs of phrasing content into paragraphs.
      Node* p = nullptr;
      for (Node* child = node->first_child; child;) {
        Node* next_sibling = child->next;
        if (IsPhrasingContent(child)) {
          if (p) {
            AppendChild(p, child);
          } else if (!IsWhitespace(child)) {
            p = doc_.NewElement(GUMBO_TAG_P);
            ReplaceWith(child, p);
            AppendChild(p, child);
          }
        } else if (p) {
          while (p->last_child && IsWhitespace(p->last_child)) Detach(p->last_child);
          p = nullptr;
        }
        child = next_sibling;
      }
      // A div holding just one paragraph is that paragraph; a div with no
      // block inside is a paragraph itself.
      if (HasSingleTagInside(node, GUMBO_TAG_P) && LinkDensity(node) < 0.25) {
        Node* only = node->FirstElementChild();
        ReplaceWith(node, only);
        node = only;
        to_score.push_back(node);
      } else if (!HasChildBlockElement(node)) {
        Document::Retag(node, GUMBO_TAG_P);
        to_score.push_back(node);
      }
    }
    node = NextElement(node, false, page);
  }

  // Score paragraphs, and give their ancestors a share. From here until
  // PrepArticle nothing edits the tree, so the text stats hold.
  ComputeTextStats(page);
  std::vector<Node*> candidates;
  for (Node* e : to_score) {
    if (!e->parent || !e->parent->is_element()) continue;
    // A layout cell or section holding blocks is a container, not a
    // paragraph: scoring its whole text as one would reward every comma on
    // the page (comment threads laid out in tables).
    if (e->tag == GUMBO_TAG_TD && HasChildBlockElement(e)) continue;
    const size_t len = e->stat_len;
    if (len < 25) continue;
    double score = 1 + (e->stat_commas + 1) + std::min<double>(static_cast<double>(len / 100), 3);
    int level = 0;
    for (Node* a = e->parent; a && level < 5; a = a->parent, ++level) {
      if (!a->is_element() || !a->parent || !a->parent->is_element()) continue;
      if (!a->has_score) {
        InitializeNode(a);
        candidates.push_back(a);
      }
      double divider = level == 0 ? 1 : level == 1 ? 2 : level * 3;
      a->score += score / divider;
    }
  }

  // Link density scales the candidates; keep the best few.
  constexpr size_t kTopCandidates = 5;
  std::vector<Node*> top;
  for (Node* c : candidates) {
    c->score *= (1 - CandidateLinkDensity(c));
    for (size_t t = 0; t < kTopCandidates; ++t) {
      if (t >= top.size() || c->score > top[t]->score) {
        top.insert(top.begin() + static_cast<long>(t), c);
        if (top.size() > kTopCandidates) top.pop_back();
        break;
      }
    }
  }

  Node* top_candidate = top.empty() ? nullptr : top[0];
  if (top_candidate) {
    // Near-equal scores: a candidate with twice the text of its own wins
    // (a teaser box scores like the story it advertises).
    auto own_text = [](Node* c) { return static_cast<double>(c->stat_len) * (1 - CachedLinkDensity(c)); };
    double best_mass = own_text(top_candidate);
    Node* best = top_candidate;
    for (size_t i = 1; i < top.size(); ++i) {
      Node* c = top[i];
      if (c->score < 0.9 * top_candidate->score) continue;
      if (IsAncestorOrSelf(c, top_candidate) || IsAncestorOrSelf(top_candidate, c)) continue;
      double m = own_text(c);
      if (m > 2 * best_mass) {
        best = c;
        best_mass = m;
      }
    }
    if (best != top_candidate) {
      top.erase(std::find(top.begin(), top.end(), best));
      top.insert(top.begin(), best);
      top_candidate = best;
    }
  }
  if (!top_candidate || top_candidate->tag == GUMBO_TAG_BODY || top_candidate == page) {
    top_candidate = doc_.NewElement(GUMBO_TAG_DIV);
    while (page->first_child) AppendChild(top_candidate, page->first_child);
    AppendChild(page, top_candidate);
    InitializeNode(top_candidate);
  } else {
    // Several strong candidates under one ancestor: take the ancestor.
    std::vector<std::vector<Node*>> alternative_ancestors;
    for (size_t i = 1; i < top.size(); ++i) {
      if (top_candidate->score != 0 && top[i]->score / top_candidate->score >= 0.75) {
        std::vector<Node*> anc;
        for (Node* a = top[i]->parent; a; a = a->parent) anc.push_back(a);
        alternative_ancestors.push_back(std::move(anc));
      }
    }
    constexpr size_t kMinimumTopCandidates = 3;
    // (Readability looks all the way up; past a few levels the shared
    // ancestor is the page layout, and the "alternatives" are teasers.)
    constexpr int kMaxLevelsUp = 4;
    if (alternative_ancestors.size() >= kMinimumTopCandidates) {
      int up = 0;
      for (Node* parent = top_candidate->parent; parent && parent != page && parent->is_element() && up < kMaxLevelsUp;
           parent = parent->parent, ++up) {
        size_t lists = 0;
        for (size_t i = 0; i < alternative_ancestors.size() && lists < kMinimumTopCandidates; ++i)
          lists += std::find(alternative_ancestors[i].begin(), alternative_ancestors[i].end(), parent) !=
                   alternative_ancestors[i].end();
        if (lists >= kMinimumTopCandidates) {
          top_candidate = parent;
          break;
        }
      }
    }
    if (!top_candidate->has_score) InitializeNode(top_candidate);

    // Walk up while the parents' scores rise: more content may be lurking
    // in their other children.
    Node* parent = top_candidate->parent;
    double last_score = top_candidate->score;
    const double threshold = last_score / 3;
    while (parent && parent != page && parent->is_element()) {
      if (!parent->has_score) {
        parent = parent->parent;
        continue;
      }
      if (parent->score < threshold) break;
      if (parent->score > last_score) {
        top_candidate = parent;
        break;
      }
      last_score = parent->score;
      parent = parent->parent;
    }
    // An only child gives way to its parent, so sibling joining sees more.
    parent = top_candidate->parent;
    while (parent && parent != page && parent->is_element() && parent->ElementChildCount() == 1) {
      top_candidate = parent;
      parent = top_candidate->parent;
    }
    if (!top_candidate->has_score) InitializeNode(top_candidate);
  }

  // Gather the top candidate and the siblings that look like content.
  Node* content = doc_.NewElement(GUMBO_TAG_DIV);
  const double sibling_threshold = std::max(10.0, top_candidate->score * 0.2);
  Node* parent = top_candidate->parent;
  std::string_view top_class = top_candidate->Attr("class");
  std::vector<Node*> siblings;
  for (Node* s = parent ? parent->first_child : nullptr; s; s = s->next)
    if (s->is_element()) siblings.push_back(s);
  if (!parent) siblings.push_back(top_candidate);
  for (Node* s : siblings) {
    bool append = false;
    if (s == top_candidate) {
      append = true;
    } else {
      double bonus = 0;
      if (!top_class.empty() && s->Attr("class") == top_class) bonus += top_candidate->score * 0.2;
      if (s->has_score && s->score + bonus >= sibling_threshold && CachedLinkDensity(s) <= 0.35) {
        // (Readability takes any sibling scoring this well; one that is a
        // third links is a teaser list or a menu.)
        append = true;
      } else if (s->tag == GUMBO_TAG_P) {
        double link_density = CachedLinkDensity(s);
        size_t len = s->stat_len;
        if (len > 80 && link_density < 0.25) {
          append = true;
        } else if (len < 80 && len > 0 && link_density == 0) {
          // Ends a sentence: ". " or a final ".".
          std::string text = InnerText(s);
          for (size_t i = 0; i < text.size() && !append; ++i)
            if (text[i] == '.' && (i + 1 == text.size() || text[i + 1] == ' ')) append = true;
        }
      }
    }
    if (append) {
      if (s->tag != GUMBO_TAG_DIV && s->tag != GUMBO_TAG_ARTICLE && s->tag != GUMBO_TAG_SECTION &&
          s->tag != GUMBO_TAG_P && s->tag != GUMBO_TAG_OL && s->tag != GUMBO_TAG_UL)
        Document::Retag(s, GUMBO_TAG_DIV);
      AppendChild(content, s);
    }
  }

  PrepArticle(content);
  *text_length = InnerTextLength(content);
  return content;
}

GrabResult Grabber::Run() {
  GrabResult result;
  Node* page = doc_.body();
  if (!page) return result;
  Node* pristine = doc_.Clone(page);
  struct Attempt {
    Node* content;
    size_t length;
  };
  std::vector<Attempt> attempts;
  while (true) {
    for (Node* n : scored_) {
      n->has_score = false;
      n->score = 0;
    }
    scored_.clear();
    size_t length = 0;
    Node* content = GrabOnce(page, &length);
    if (length >= options_.char_threshold) {
      result.content = content;
      result.text_length = length;
      break;
    }
    attempts.push_back({content, length});
    if (flags_ & kStripUnlikelys) flags_ &= ~kStripUnlikelys;
    else if (flags_ & kWeightClasses) flags_ &= ~kWeightClasses;
    else if (flags_ & kCleanConditionally) flags_ &= ~kCleanConditionally;
    else {
      auto best = std::max_element(attempts.begin(), attempts.end(),
                                   [](const Attempt& a, const Attempt& b) { return a.length < b.length; });
      if (best->length > 0) {
        result.content = best->content;
        result.text_length = best->length;
      }
      break;
    }
    // Start again from the page as it was.
    Node* fresh = doc_.Clone(pristine);
    ReplaceWith(page, fresh);
    page = fresh;
  }
  for (Node* n : scored_) {
    n->has_score = false;
    n->score = 0;
  }
  result.byline = byline_;
  return result;
}

void Grabber::Clean(Node* e, GumboTag tag) {
  for (Node* n : ByTag(e, {tag})) Detach(n);
}

void Grabber::MarkDataTables(Node* root) {
  for (Node* table : ByTag(root, {GUMBO_TAG_TABLE})) {
    auto set = [&](bool v) { table->data_table = v ? 1 : 0; };
    if (table->Attr("role") == "presentation") { set(false); continue; }
    if (table->Attr("datatable") == "0") { set(false); continue; }
    if (!table->Attr("summary").empty()) { set(true); continue; }
    bool has_caption = false, data_descendant = false, nested = false;
    size_t rows = 0, columns = 0;
    for (Node* d = table->first_child; d; d = NextNode(d, table)) {
      if (!d->is_element()) continue;
      switch (d->tag) {
        case GUMBO_TAG_CAPTION: if (d->first_child) has_caption = true; break;
        case GUMBO_TAG_COL: case GUMBO_TAG_COLGROUP: case GUMBO_TAG_TFOOT: case GUMBO_TAG_THEAD:
        case GUMBO_TAG_TH: data_descendant = true; break;
        case GUMBO_TAG_TABLE: nested = true; break;
        case GUMBO_TAG_TR: {
          int rowspan = std::atoi(std::string(d->Attr("rowspan")).c_str());
          rows += rowspan > 0 ? static_cast<size_t>(rowspan) : 1;
          size_t cols = 0;
          for (Node* c = d->first_child; c; c = NextNode(c, d)) {
            if (!c->Is(GUMBO_TAG_TD)) continue;
            int colspan = std::atoi(std::string(c->Attr("colspan")).c_str());
            cols += colspan > 0 ? static_cast<size_t>(colspan) : 1;
          }
          columns = std::max(columns, cols);
          break;
        }
        default: break;
      }
    }
    if (has_caption || data_descendant) set(true);
    else if (nested) set(false);
    else if (columns == 1 || rows == 1) set(false);
    else if (rows >= 10 || columns > 4) set(true);
    else set(rows * columns > 10);
  }
}

void Grabber::CleanConditionally(Node* e, GumboTag tag) {
  if (!(flags_ & kCleanConditionally)) return;
  std::vector<Node*> nodes = ByTag(e, {tag});
  for (size_t i = nodes.size(); i-- > 0;) {
    Node* node = nodes[i];
    if (!node->parent) continue;
    bool is_list = tag == GUMBO_TAG_UL || tag == GUMBO_TAG_OL;

    // One pass over the subtree for every count the checks need.
    struct Stats {
      size_t p = 0, img = 0, li = 0, input = 0, embeds = 0, commas = 0, tables_data = 0;
      double list_len = 0, heading_len = 0, textish_len = 0;
      bool video = false;
    } st;
    int in_list = 0, in_heading = 0, textish_depth = 0;
    auto textish = [](GumboTag t) {
      return t == GUMBO_TAG_SPAN || t == GUMBO_TAG_LI || t == GUMBO_TAG_TD || IsDivToPTag(t);
    };
    Walk(
        node,
        [&](const Node* d) {
          if (d->is_text()) {
            size_t len = InnerTextLength(d);
            if (in_list) st.list_len += static_cast<double>(len);
            if (in_heading) st.heading_len += static_cast<double>(len);
            st.textish_len += static_cast<double>(len) * textish_depth;
            for (char c : d->text) st.commas += c == ',';
            return false;
          }
          if (!d->is_element()) return false;
          switch (d->tag) {
            case GUMBO_TAG_P: ++st.p; break;
            case GUMBO_TAG_IMG: ++st.img; break;
            case GUMBO_TAG_LI: ++st.li; break;
            case GUMBO_TAG_INPUT: ++st.input; break;
            case GUMBO_TAG_TABLE: st.tables_data += d->data_table == 1; break;
            case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_IFRAME:
              ++st.embeds;
              for (uint32_t a = 0; a < d->attr_count; ++a)
                if (AnyCI(d->attrs[a].value, kVideoHosts)) st.video = true;
              break;
            default: break;
          }
          if (d->tag == GUMBO_TAG_UL || d->tag == GUMBO_TAG_OL) ++in_list;
          if (IsHeadingTag(d->tag)) ++in_heading;
          if (textish(d->tag)) ++textish_depth;
          return true;
        },
        [&](const Node* d) {
          if (!d->is_element()) return;
          if (d->tag == GUMBO_TAG_UL || d->tag == GUMBO_TAG_OL) --in_list;
          if (IsHeadingTag(d->tag)) --in_heading;
          if (textish(d->tag)) --textish_depth;
        });
    std::string inner = InnerText(node);
    const double content_length = static_cast<double>(Utf8Length(inner));
    if (!is_list && content_length > 0) is_list = st.list_len / content_length > 0.9;

    if (tag == GUMBO_TAG_TABLE && node->data_table == 1) continue;
    bool in_data_table = false;
    int up = 0;
    for (Node* a = node->parent; a && !in_data_table && up < 64; a = a->parent, ++up)
      in_data_table = a->Is(GUMBO_TAG_TABLE) && a->data_table == 1;
    if (in_data_table) continue;
    if (HasAncestorTag(node, GUMBO_TAG_CODE)) continue;
    if (st.tables_data > 0) continue;

    const int weight = ClassWeight(node);
    bool remove = false;
    if (weight < 0) {
      remove = true;
    } else if ((tag == GUMBO_TAG_UL || tag == GUMBO_TAG_OL) && LinkDensity(node) > 0.5) {
      // A list of links ("see also", related stories) is navigation, not
      // body; removing it first keeps it from sinking the div around it.
      remove = true;
    } else if (st.commas < 10) {
      if (st.video) continue;
      // Nothing but an advertising or loading label.
      std::string lower = AsciiLower(inner);
      static constexpr std::string_view kAdWords[] = {
          "ad", "advertising", "advertisement", "pub", "publicité", "werb", "werbung", "广告", "Реклама",
          "реклама", "РЕКЛАМА", "anuncio", "loading", "loading…", "loading...", "正在加载", "Загрузка",
          "загрузка", "chargement", "cargando"};
      for (auto w : kAdWords)
        if (lower == w) remove = true;
      if (!remove) {
        const double link_density = LinkDensity(node);
        const double heading_density = content_length > 0 ? st.heading_len / content_length : 0;
        const double text_density = content_length > 0 ? st.textish_len / content_length : 0;
        const bool figure_child = HasAncestorTag(node, GUMBO_TAG_FIGURE);
        const double li = static_cast<double>(st.li) - 100;
        const double p = static_cast<double>(st.p), img = static_cast<double>(st.img);
        if (!figure_child && img > 1 && p / img < 0.5) remove = true;
        if (!is_list && li > p) remove = true;
        if (static_cast<double>(st.input) > std::floor(p / 3)) remove = true;
        if (!is_list && !figure_child && heading_density < 0.9 && content_length < 25 && (img == 0 || img > 2) &&
            link_density > 0)
          remove = true;
        if (!is_list && weight < 25 && link_density > 0.2) remove = true;
        if (weight >= 25 && link_density > 0.5) remove = true;
        if ((st.embeds == 1 && content_length < 75) || st.embeds > 1) remove = true;
        if (img == 0 && text_density == 0) remove = true;
        // Lists of images stay.
        if (is_list && remove) {
          bool simple = true;
          for (Node* c = node->first_child; c && simple; c = c->next)
            if (c->is_element() && c->ElementChildCount() > 1) simple = false;
          if (simple && st.img == st.li) remove = false;
        }
      }
    }
    if (remove) Detach(node);
  }
}

bool IsShareMatch(std::string_view s) {
  // (\b|_)(share|sharedaddy)(\b|_) with ASCII word boundaries.
  auto word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  for (size_t i = 0; i + 5 <= s.size(); ++i) {
    if (!AsciiIEquals(s.substr(i, 5), "share")) continue;
    bool left = i == 0 || !word(s[i - 1]) || s[i - 1] == '_';
    if (!left) continue;
    size_t end = i + 5;
    if (end + 5 <= s.size() && AsciiIEquals(s.substr(end, 5), "daddy")) {
      size_t e2 = end + 5;
      if (e2 == s.size() || !word(s[e2]) || s[e2] == '_') return true;
    }
    if (end == s.size() || !word(s[end]) || s[end] == '_') return true;
  }
  return false;
}

void Grabber::PrepArticle(Node* content) {
  MarkDataTables(content);
  CleanConditionally(content, GUMBO_TAG_FORM);
  CleanConditionally(content, GUMBO_TAG_FIELDSET);
  for (GumboTag t : {GUMBO_TAG_OBJECT, GUMBO_TAG_EMBED, GUMBO_TAG_FOOTER, GUMBO_TAG_LINK, GUMBO_TAG_ASIDE})
    Clean(content, t);

  // Small share boxes inside the top-level pieces go.
  for (Node* top = content->first_child; top; top = top->next) {
    if (!top->is_element()) continue;
    Node* n = top->first_child;
    while (n) {
      if (n->is_element() && IsShareMatch(MatchString(n)) && Utf8Length(TextContent(n)) < 500) {
        Node* next = NextNodeSkippingChildren(n, top);
        Detach(n);
        n = next;
        continue;
      }
      n = NextNode(n, top);
    }
  }
  for (GumboTag t : {GUMBO_TAG_IFRAME, GUMBO_TAG_INPUT, GUMBO_TAG_TEXTAREA, GUMBO_TAG_SELECT, GUMBO_TAG_BUTTON})
    Clean(content, t);
  for (Node* h : ByTag(content, {GUMBO_TAG_H1, GUMBO_TAG_H2}))
    if (ClassWeight(h) < 0) Detach(h);
  CleanConditionally(content, GUMBO_TAG_TABLE);
  CleanConditionally(content, GUMBO_TAG_UL);
  CleanConditionally(content, GUMBO_TAG_DIV);
  for (Node* h : ByTag(content, {GUMBO_TAG_H1})) Document::Retag(h, GUMBO_TAG_H2);

  // Empty paragraphs go.
  for (Node* p : ByTag(content, {GUMBO_TAG_P})) {
    bool media = false;
    for (Node* d = p->first_child; d && !media; d = NextNode(d, p))
      media = d->Is(GUMBO_TAG_IMG) || d->Is(GUMBO_TAG_EMBED) || d->Is(GUMBO_TAG_OBJECT) || d->Is(GUMBO_TAG_IFRAME);
    if (!media && InnerTextLength(p) == 0) Detach(p);
  }
  // Single-cell tables become their cell.
  for (Node* table : ByTag(content, {GUMBO_TAG_TABLE})) {
    if (!table->parent) continue;
    Node* tbody = HasSingleTagInside(table, GUMBO_TAG_TBODY) ? table->FirstElementChild() : table;
    if (!HasSingleTagInside(tbody, GUMBO_TAG_TR)) continue;
    Node* row = tbody->FirstElementChild();
    if (!HasSingleTagInside(row, GUMBO_TAG_TD)) continue;
    Node* cell = row->FirstElementChild();
    bool all_phrasing = true;
    for (Node* c = cell->first_child; c && all_phrasing; c = c->next) all_phrasing = IsPhrasingContent(c);
    Document::Retag(cell, all_phrasing ? GUMBO_TAG_P : GUMBO_TAG_DIV);
    ReplaceWith(table, cell);
  }
}

}  // namespace

GrabResult GrabArticle(Document& doc, const GrabOptions& options) {
  Grabber g(doc, options);
  return g.Run();
}

}  // namespace newsdesk::extract_internal
