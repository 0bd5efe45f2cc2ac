#include "extract/extractor.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <map>

#include "extract/blocks.h"
#include "extract/content.h"
#include "extract/dom.h"
#include "extract/language.h"
#include "extract/metadata.h"
#include "extract/selector.h"
#include "common/url.h"

namespace newsdesk {

using namespace extract_internal;  // NOLINT: this file is the module's implementation

std::string ExtractedArticle::Text() const {
  std::string out;
  auto add = [&](const std::string& s) {
    if (s.empty()) return;
    if (!out.empty()) out += "\n\n";
    out += s;
  };
  for (const Block& b : blocks) {
    switch (b.type) {
      case BlockType::kParagraph:
      case BlockType::kHeading:
      case BlockType::kQuote:
        add(b.text);
        break;
      case BlockType::kList:
        for (const auto& item : b.items) add(item);
        break;
      case BlockType::kImage:
        break;
    }
  }
  return out;
}

namespace {

// --- lead image ------------------------------------------------------------------

// SameImage: the same picture, allowing for a different scheme or query
// string (resizing parameters).
bool SameImage(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return false;
  if (a == b) return true;
  auto core = [](std::string_view u) {
    if (size_t p = u.find("://"); p != std::string_view::npos) u.remove_prefix(p + 3);
    else if (u.substr(0, 2) == "//") u.remove_prefix(2);
    if (size_t q = u.find_first_of("?#"); q != std::string_view::npos) u = u.substr(0, q);
    return u;
  };
  std::string_view ca = core(a), cb = core(b);
  if (ca == cb) return true;
  // A relative reference against an absolute one: compare paths.
  auto path = [](std::string_view u) {
    size_t slash = u.find('/');
    return slash == std::string_view::npos ? std::string_view() : u.substr(slash);
  };
  std::string_view pa = a.find("://") != std::string_view::npos ? path(ca) : ca;
  std::string_view pb = b.find("://") != std::string_view::npos ? path(cb) : cb;
  return !pa.empty() && pa == pb;
}

struct LeadImage {
  std::string url;
  CaptionCredit caption;
};

LeadImage FindLeadImage(const Document& doc, const PageMetadata& md) {
  LeadImage lead;
  lead.url = md.image;
  if (md.image.empty()) return lead;
  for (Node* n = doc.root(); n; n = NextNode(n, doc.root())) {
    if (!n->Is(GUMBO_TAG_IMG)) continue;
    if (!SameImage(ImageUrl(n, md.base_url), md.image) && !SameImage(n->Attr("src"), md.image)) continue;
    if (const Node* area = CaptionAreaOf(n)) {
      lead.caption = SplitCaption(area);
      if (!lead.caption.caption.empty() || !lead.caption.credit.empty()) break;
    }
  }
  return lead;
}

// --- rights line ------------------------------------------------------------------

int RightsScore(std::string_view line) {
  if (line.empty() || line.size() > 600) return -10;
  int score = 0;
  static constexpr std::string_view kStrong[] = {
      "public domain", "creative commons", "licensed under", "license", "licence", "cc by", "cc-by",
      "общественное достояние", "общественном достоянии", "лицензи", "creativecommons.org"};
  static constexpr std::string_view kMedium[] = {"\u00A9", "copyright", "rights reserved", "права защищены",
                                                 "Права защищены", "перепечатк", "reprint", "republish",
                                                 "использование материалов", "Использование материалов"};
  for (auto k : kStrong)
    if (ContainsCI(line, k)) score += 3;
  for (auto k : kMedium)
    if (ContainsCI(line, k)) score += 1;
  return score;
}

// InChrome: inside the page's header, navigation or footer.
bool InChrome(const Node* n) {
  int up = 0;
  for (const Node* a = n; a && up < 40; a = a->parent, ++up) {
    if (a->Is(GUMBO_TAG_FOOTER) || a->Is(GUMBO_TAG_NAV) || a->Is(GUMBO_TAG_HEADER)) return true;
    if (ContainsCI(a->Attr("class"), "footer") || ContainsCI(a->Attr("id"), "footer")) return true;
  }
  return false;
}

struct Rights {
  std::string line;
  std::vector<std::string> container_lines;  // every line of the element it came from, kept out of the body
};

std::vector<std::string> LinesOf(const Node* n, std::string_view base) {
  std::vector<std::string> lines;
  for (const Block& b : ContentToBlocks(n, base)) {
    if (b.type == BlockType::kList) lines.insert(lines.end(), b.items.begin(), b.items.end());
    else if (!b.text.empty()) lines.push_back(b.text);
  }
  return lines;
}

Rights FindRights(const Document& doc, std::string_view base) {
  Rights best;
  int best_score = 0;
  static constexpr std::string_view kHints[] = {"rights", "copyright", "licen", "copyleft"};
  const Node* root = doc.body();
  if (!root) return best;
  for (const Node* n = root->first_child; n;) {
    if (!n->is_element()) {
      n = NextNode(n, root);
      continue;
    }
    bool hinted = false;
    for (std::string_view attr : {"class", "id"}) {
      std::string_view v = n->Attr(attr);
      for (auto k : kHints)
        if (!v.empty() && ContainsCI(v, k)) hinted = true;
    }
    bool licence_link = n->Is(GUMBO_TAG_A) && AsciiIEquals(n->Attr("rel"), "license");
    // A rights box is a few lines; a big element merely named so (a
    // wrapper with "copyright" in its class) is looked into instead.
    constexpr size_t kMaxRightsBoxChars = 1500;
    if ((hinted || licence_link) && !InChrome(n) &&
        InnerTextLength(licence_link && n->parent ? n->parent : n) <= kMaxRightsBoxChars) {
      const Node* area = licence_link && n->parent ? n->parent : n;
      std::vector<std::string> lines = LinesOf(area, base);
      for (const auto& line : lines) {
        int score = RightsScore(line) + (licence_link ? 3 : 0);
        if (score > best_score) {
          best_score = score;
          best.line = line;
          best.container_lines = lines;
        }
      }
      if (best_score == 0 && hinted && lines.size() == 1 && lines[0].size() <= 200 && best.line.empty()) {
        best.line = lines[0];
        best.container_lines = lines;
      }
      n = NextNodeSkippingChildren(n, root);
      continue;
    }
    n = NextNode(n, root);
  }
  return best;
}

// --- rules -------------------------------------------------------------------------

Status ApplyDropSelectors(Document& doc, const ExtractRules& rules) {
  for (const auto& text : rules.drop_selectors) {
    auto sel = Selector::Parse(text);
    if (!sel.ok()) return sel.status().WithContext("drop selector");
    for (Node* n : sel->SelectAll(doc.root(), /*outermost_only=*/true)) Detach(n);
  }
  return Status::Ok();
}

}  // namespace

Status CheckRules(const ExtractRules& rules) {
  if (!rules.body_selector.empty()) {
    if (auto sel = Selector::Parse(rules.body_selector); !sel.ok()) return sel.status().WithContext("body selector");
  }
  for (const auto& text : rules.drop_selectors)
    if (auto sel = Selector::Parse(text); !sel.ok()) return sel.status().WithContext("drop selector");
  return Status::Ok();
}

namespace {

Result<Node*> SelectBody(Document& doc, const ExtractRules& rules) {
  auto sel = Selector::Parse(rules.body_selector);
  if (!sel.ok()) return sel.status().WithContext("body selector");
  std::vector<Node*> matches = sel->SelectAll(doc.root(), /*outermost_only=*/true);
  if (matches.empty())
    return Status::NotFound(
        fmt::format("body selector '{}' matched nothing on the page (the rule no longer fits the site?)",
                    rules.body_selector));
  Node* content = doc.NewElement(GUMBO_TAG_DIV);
  for (Node* m : matches) AppendChild(content, m);
  // What the editor chose stays, but hidden parts and controls still go.
  std::vector<Node*> drop;
  for (Node* n = content->first_child; n;) {
    if (n->is_element() && (!IsProbablyVisible(n) || n->Is(GUMBO_TAG_FORM) || n->Is(GUMBO_TAG_NAV))) {
      drop.push_back(n);
      n = NextNodeSkippingChildren(n, content);
      continue;
    }
    n = NextNode(n, content);
  }
  for (Node* n : drop) Detach(n);
  return content;
}

// --- body post-processing -------------------------------------------------------------

std::vector<Block> BlocksFromPlainText(std::string_view text) {
  std::vector<Block> blocks;
  size_t i = 0;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    if (nl == std::string_view::npos) nl = text.size();
    std::string line = CleanBlockText(CollapseSpaces(text.substr(i, nl - i)));
    for (auto& piece : SplitLongText(line)) {
      Block b;
      b.text = std::move(piece);
      blocks.push_back(std::move(b));
    }
    i = nl + 1;
  }
  return blocks;
}

size_t TextLength(const std::vector<Block>& blocks) {
  size_t n = 0;
  for (const auto& b : blocks) {
    n += Utf8Length(b.text);
    for (const auto& item : b.items) n += Utf8Length(item);
  }
  return n;
}

bool HasText(const std::vector<Block>& blocks) {
  return std::any_of(blocks.begin(), blocks.end(),
                     [](const Block& b) { return b.type != BlockType::kImage && (!b.text.empty() || !b.items.empty()); });
}

bool EndsSentence(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '"' || s.back() == '\'' || s.back() == ')')) s.remove_suffix(1);
  if (s.empty()) return false;
  char c = s.back();
  if (c == '.' || c == '!' || c == '?' || c == ';') return true;
  for (std::string_view tail : {"\u2026", "\u00BB", "\u201D", "\u3002", "\uFF01", "\uFF1F", "\uFF1B"})
    if (s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail) return true;
  return false;
}

bool HasLetter(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    uint32_t cp = DecodeUtf8(s, i);
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && !IsSpaceCodePoint(cp) &&
                                                                  cp != 0x2013 && cp != 0x2014 && cp != 0x2026 &&
                                                                  cp != 0xAB && cp != 0xBB))
      return true;
  }
  return false;
}

// StartsWithWord: `text` begins with `word` (ASCII case-insensitively, and
// with either case of its first Cyrillic letter given both spellings).
bool StartsWithAny(std::string_view text, std::initializer_list<std::string_view> words) {
  for (auto w : words) {
    if (text.size() < w.size() || !AsciiIEquals(text.substr(0, w.size()), w)) continue;
    if (text.size() == w.size()) return true;
    unsigned char next = static_cast<unsigned char>(text[w.size()]);
    if (!((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || next >= 0x80)) return true;
  }
  return false;
}

// IsCreditOrCounter: a line that is an image credit ("Фото: РИА Новости",
// "Photo by …") or a counter ("Просмотров: 2639", "Views: 12").
bool IsCreditOrCounter(std::string_view text) {
  if (Utf8Length(text) > 80) return false;
  if (StartsWithAny(text, {"Фото", "фото", "ФОТО", "Photo", "Photos", "Photograph", "Image", "Credit",
                           "Иллюстрация", "Источник фото", "Снимок"}))
    return true;
  bool digits = text.find_first_of("0123456789") != std::string_view::npos;
  return digits && Utf8Length(text) <= 40 &&
         StartsWithAny(text, {"Просмотров", "Просмотры", "Прочтений", "Прочитано", "Комментариев", "Views",
                              "Comments", "Reads"});
}

// DropWidgetLines removes what no story says: a short line repeated three
// times or more, beyond its first showing (a gallery's caption, per slide),
// lone page numbers or arrows ("1", "»", "<<"), and image credits and
// view counters standing as paragraphs.
void DropWidgetLines(std::vector<Block>& blocks) {
  auto is_line = [](const Block& b) { return b.type == BlockType::kParagraph || b.type == BlockType::kHeading; };
  constexpr size_t kShortLine = 100;  // captions and titles; a repeated paragraph may be a quote
  std::map<std::string, int> count;
  for (const auto& b : blocks)
    if (is_line(b) && b.text.size() < kShortLine) ++count[b.text];
  std::map<std::string, bool> shown;
  std::vector<Block> kept;
  kept.reserve(blocks.size());
  for (auto& b : blocks) {
    if (is_line(b)) {
      if (Utf8Length(b.text) <= 5 && !HasLetter(b.text)) continue;
      if (b.type == BlockType::kParagraph && IsCreditOrCounter(b.text)) continue;
      if (b.text.size() < kShortLine) {
        if (count[b.text] >= 3 && shown[b.text]) continue;
        shown[b.text] = true;
      }
    }
    kept.push_back(std::move(b));
  }
  blocks = std::move(kept);
}

// TrimTrailingChrome drops the run of short, sentence-less lines after the
// body's last real paragraph: tags, dates, counters, widget labels.
void TrimTrailingChrome(std::vector<Block>& blocks) {
  auto substantial = [](const Block& b) {
    switch (b.type) {
      case BlockType::kImage:
        return true;
      case BlockType::kList:
        for (const auto& item : b.items)
          if (Utf8Length(item) >= 80 || (Utf8Length(item) >= 25 && EndsSentence(item))) return true;
        return false;
      default:
        return Utf8Length(b.text) >= 80 || (Utf8Length(b.text) >= 25 && EndsSentence(b.text));
    }
  };
  size_t last = blocks.size();
  while (last > 0 && !substantial(blocks[last - 1])) --last;
  if (last == 0) return;  // nothing substantial at all: leave it be
  // One short closing line is often the author's name or a dateline; two
  // or more are widgets.
  if (blocks.size() - last >= 2) blocks.resize(last);
}

std::string CleanByline(std::string s) {
  s = CollapseSpaces(s);
  // A photo credit caught as a byline is not the author.
  if (IsCreditOrCounter(s)) return {};
  for (std::string_view prefix : {"By ", "by ", "BY ", "Автор: ", "Автор ", "Author: "}) {
    if (s.size() > prefix.size() && std::string_view(s).substr(0, prefix.size()) == prefix) {
      s = s.substr(prefix.size());
      break;
    }
  }
  return s.size() > 200 ? std::string() : s;
}

std::string PrimaryLanguage(std::string_view declared) {
  std::string code = AsciiLower(declared.substr(0, declared.find_first_of("-_ ,;")));
  if (code.size() < 2 || code.size() > 3) return {};
  for (char c : code)
    if (c < 'a' || c > 'z') return {};
  return code;
}

}  // namespace

Result<ExtractedArticle> ExtractArticle(std::string_view html_utf8, const ExtractOptions& options) {
  auto parsed = Document::Parse(html_utf8);
  if (!parsed.ok()) return parsed.status();
  Document& doc = **parsed;

  PageMetadata md = ReadMetadata(doc, options.url);
  ExtractedArticle article;
  article.title = md.title;
  article.published = md.published;
  article.canonical_url = md.canonical_url;

  // Read what the body search would disturb first.
  LeadImage lead = FindLeadImage(doc, md);
  Rights rights = FindRights(doc, md.base_url);

  Node* content = nullptr;
  std::string byline;
  if (options.rules) {
    ND_RETURN_IF_ERROR(ApplyDropSelectors(doc, *options.rules));
    if (!options.rules->body_selector.empty()) {
      PrepareDocument(doc);
      auto body = SelectBody(doc, *options.rules);
      if (!body.ok()) return body.status();
      content = *body;
    }
  }
  if (!content) {
    PrepareDocument(doc);
    GrabOptions grab;
    grab.title = md.title;
    grab.find_byline = md.author.empty();
    GrabResult found = GrabArticle(doc, grab);
    content = found.content;
    byline = found.byline;
  }

  std::vector<Block> blocks;
  if (content) {
    RemoveBoilerplate(content);
    blocks = ContentToBlocks(content, md.base_url);
  }

  // JSON-LD articleBody, when the page's markup gave much less.
  if (!md.json_ld_body.empty() && (!options.rules || options.rules->body_selector.empty())) {
    std::vector<Block> ld = BlocksFromPlainText(md.json_ld_body);
    if (TextLength(ld) > 2 * TextLength(blocks) + 200) blocks = std::move(ld);
  }

  // The rights line and its container are not body text.
  if (!rights.line.empty()) {
    blocks.erase(std::remove_if(blocks.begin(), blocks.end(),
                                [&](const Block& b) {
                                  return b.type == BlockType::kParagraph &&
                                         std::find(rights.container_lines.begin(), rights.container_lines.end(),
                                                   b.text) != rights.container_lines.end();
                                }),
                 blocks.end());
    article.rights = rights.line;
  } else if (!md.rights.empty()) {
    article.rights = md.rights;
  }

  // Lead image: the page's declared one, else an image opening the body.
  if (!lead.url.empty()) {
    article.image = lead.url;
    article.image_caption = CleanBlockText(lead.caption.caption);
    article.image_credit = CleanBlockText(lead.caption.credit);
    for (auto it = blocks.begin(); it != blocks.end(); ++it) {
      if (it->type == BlockType::kImage && SameImage(it->url, lead.url)) {
        if (article.image_caption.empty()) article.image_caption = it->caption;
        if (article.image_credit.empty()) article.image_credit = it->credit;
        blocks.erase(it);
        break;
      }
    }
  } else {
    // An image before the first paragraph (headings aside) opens the story.
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (blocks[i].type == BlockType::kHeading) continue;
      if (blocks[i].type != BlockType::kImage) break;
      article.image = blocks[i].url;
      article.image_caption = blocks[i].caption;
      article.image_credit = blocks[i].credit;
      blocks.erase(blocks.begin() + static_cast<long>(i));
      break;
    }
  }
  // A leading heading that repeats the headline.
  if (!blocks.empty() && blocks.front().type == BlockType::kHeading && !article.title.empty() &&
      TextSimilarity(article.title, blocks.front().text) > 0.75)
    blocks.erase(blocks.begin());

  DropWidgetLines(blocks);
  TrimTrailingChrome(blocks);
  if (!HasText(blocks)) return Status::InvalidArgument("no article body found on the page");
  article.blocks = std::move(blocks);

  article.author = CleanByline(!md.author.empty() ? md.author : byline);
  // "Headline | Author" / "Headline - Site": the suffix is not the headline.
  for (const std::string& suffix : {article.author, md.site_name}) {
    if (suffix.empty()) continue;
    for (std::string_view sep : {" | ", " - ", " \u2013 ", " \u2014 "}) {
      std::string tail = std::string(sep) + suffix;
      if (article.title.size() > tail.size() + 10 &&
          article.title.compare(article.title.size() - tail.size(), tail.size(), tail) == 0)
        article.title.resize(article.title.size() - tail.size());
    }
  }
  if (article.title.empty()) {
    for (Node* n = doc.root(); n; n = NextNode(n, doc.root()))
      if (n->Is(GUMBO_TAG_H1)) {
        article.title = InnerText(n);
        break;
      }
  }

  std::string hint = !md.language.empty() ? md.language : options.language_hint;
  LanguageGuess guess = DetectLanguage(article.Text(), hint);
  if (!guess.code.empty() && (guess.reliable || PrimaryLanguage(hint).empty())) {
    article.language = guess.code;
    article.language_percent = guess.percent;
  } else {
    article.language = PrimaryLanguage(hint);
    if (article.language.empty()) {
      article.language = guess.code;
      article.language_percent = guess.percent;
    }
  }
  return article;
}

}  // namespace newsdesk
