#include "extract/blocks.h"

#include <algorithm>
#include <cstdlib>

#include "extract/content.h"
#include "common/url.h"

namespace newsdesk::extract_internal {

namespace {

constexpr size_t kMaxBlocks = 2000;  // model/block_json.h accepts no more

bool IsSkippedTag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_BUTTON: case GUMBO_TAG_INPUT: case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_SVG:
    case GUMBO_TAG_CANVAS: case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO: case GUMBO_TAG_MAP:
    case GUMBO_TAG_HEAD: case GUMBO_TAG_TITLE: case GUMBO_TAG_META: case GUMBO_TAG_LINK: case GUMBO_TAG_OPTION:
    case GUMBO_TAG_DATALIST:
      return true;
    default:
      return false;
  }
}

bool IsBlockTag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_CENTER: case GUMBO_TAG_DD: case GUMBO_TAG_DETAILS: case GUMBO_TAG_DIR: case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
    case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP: case GUMBO_TAG_HR: case GUMBO_TAG_LI: case GUMBO_TAG_MAIN: case GUMBO_TAG_MENU:
    case GUMBO_TAG_NAV: case GUMBO_TAG_OL: case GUMBO_TAG_P: case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION:
    case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY: case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT: case GUMBO_TAG_TR:
    case GUMBO_TAG_CAPTION: case GUMBO_TAG_UL: case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_LEGEND: case GUMBO_TAG_BODY: case GUMBO_TAG_HTML: case GUMBO_TAG_LISTING:
      return true;
    default:
      return false;
  }
}

std::string_view TrimView(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

bool IsPlaceholderSrc(std::string_view src) {
  if (src.empty()) return true;
  if (src.size() >= 5 && AsciiIEquals(src.substr(0, 5), "data:")) {
    // Tiny data: URIs are spacer pixels; an inline SVG can be a real image.
    return !(ContainsCI(src.substr(0, 40), "image/svg") && src.size() > 200) && src.size() < 2000;
  }
  static constexpr std::string_view kPlaceholders[] = {
      "blank.gif", "spacer.gif", "pixel.gif", "transparent.gif", "1x1.", "placeholder", "lazy-load", "lazyload",
      "loading.gif", "grey.gif", "gray.gif", "empty.gif", "dot.gif", "clear.gif", "about:blank"};
  for (auto p : kPlaceholders)
    if (ContainsCI(src, p)) return true;
  return false;
}

// LargestSrcsetUrl picks the candidate with the largest width (or density)
// descriptor from a srcset value.
std::string LargestSrcsetUrl(std::string_view srcset) {
  std::string best;
  double best_size = -1;
  size_t i = 0;
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; };
  while (i < srcset.size()) {
    while (i < srcset.size() && (ws(srcset[i]) || srcset[i] == ',')) ++i;
    size_t b = i;
    while (i < srcset.size() && !ws(srcset[i])) ++i;
    std::string_view url = srcset.substr(b, i - b);
    bool ended_by_comma = false;
    while (!url.empty() && url.back() == ',') {
      url.remove_suffix(1);
      ended_by_comma = true;
    }
    double size = 1;
    if (!ended_by_comma) {
      while (i < srcset.size() && ws(srcset[i])) ++i;
      size_t d = i;
      while (i < srcset.size() && srcset[i] != ',') ++i;
      std::string desc(TrimView(srcset.substr(d, i - d)));
      if (!desc.empty()) {
        char unit = desc.back();
        double v = std::atof(desc.c_str());
        if ((unit == 'w' || unit == 'x') && v > 0) size = unit == 'w' ? v : v * 1000;
      }
    }
    if (!url.empty() && !IsPlaceholderSrc(url) && size > best_size) {
      best_size = size;
      best = std::string(url);
    }
  }
  return best;
}

bool LooksLikeImageUrl(std::string_view v) {
  v = TrimView(v);
  if (v.empty() || v.find(' ') != std::string_view::npos) return false;
  for (std::string_view ext : {".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"})
    if (ContainsCI(v, ext)) return true;
  return false;
}

bool IsTinyImage(const Node* img) {
  auto dim = [&](std::string_view name) {
    std::string v(img->Attr(name));
    return v.empty() ? -1 : std::atoi(v.c_str());
  };
  int w = dim("width"), h = dim("height");
  return (w >= 0 && w <= 2) || (h >= 0 && h <= 2);
}

// HasAttrHint: the node's class, id or itemprop contains one of `hints`.
template <size_t N>
bool HasAttrHint(const Node* n, const std::string_view (&hints)[N]) {
  for (std::string_view attr : {"class", "id", "itemprop"}) {
    std::string_view v = n->Attr(attr);
    if (v.empty()) continue;
    for (auto k : hints)
      if (ContainsCI(v, k)) return true;
  }
  return false;
}

bool HasCreditHint(const Node* n) {
  static constexpr std::string_view kHints[] = {"credit", "copyright", "photographer", "byline", "attribution",
                                                "source", "author", "rights", "photo-by", "photoby"};
  return HasAttrHint(n, kHints);
}

bool HasCaptionHint(const Node* n) {
  static constexpr std::string_view kHints[] = {"caption", "credit", "copyright", "legend", "photo-text",
                                                "image-text", "img-text", "imagetext", "signature", "podpis"};
  return HasAttrHint(n, kHints);
}

// StripCreditLabel removes a leading "Photo:" / "Фото:" label.
std::string_view StripLabel(std::string_view s) {
  static constexpr std::string_view kLabels[] = {
      "image source", "photo credit", "photograph", "photos", "photo", "picture", "image", "illustration",
      "credits", "credit", "source", "фото", "Фото", "ФОТО", "источник фото", "Источник фото", "источник",
      "Источник", "иллюстрация", "Иллюстрация", "изображение", "Изображение", "снимок", "Снимок"};
  s = TrimView(s);
  for (auto label : kLabels) {
    if (s.size() > label.size() && AsciiIEquals(s.substr(0, label.size()), label)) {
      std::string_view rest = TrimView(s.substr(label.size()));
      if (!rest.empty() && (rest[0] == ':' || rest[0] == '-')) return TrimView(rest.substr(1));
      if (rest.substr(0, 3) == "\u2014" || rest.substr(0, 3) == "\u2013") return TrimView(rest.substr(3));
      if (AsciiIEquals(rest.substr(0, 3), "by ")) return TrimView(rest.substr(3));
    }
  }
  return s;
}

std::string TrimSeparators(std::string_view s) {
  s = TrimView(s);
  while (!s.empty()) {
    if (s.back() == '|' || s.back() == '/' || s.back() == '-' || s.back() == ':' || s.back() == ',' ||
        s.back() == '(') {
      s.remove_suffix(1);
    } else if (s.size() >= 3 && (s.substr(s.size() - 3) == "\u2014" || s.substr(s.size() - 3) == "\u2013")) {
      s.remove_suffix(3);
    } else {
      break;
    }
    s = TrimView(s);
  }
  return std::string(s);
}

// --- the block writer -------------------------------------------------------------

class BlockWriter {
 public:
  explicit BlockWriter(std::string_view base_url) : base_url_(base_url) {}

  std::vector<Block> Run(const Node* content);

 private:
  bool Enter(const Node* n);
  void Leave(const Node* n);
  void AddText(std::string_view s);
  void LineBreak();
  void Flush(BlockType type = BlockType::kParagraph);
  void Emit(Block b);
  void AddImage(const Node* img, const Node* caption_area);

  std::string_view base_url_;
  std::vector<Block> out_;
  std::string buf_;
  bool pending_space_ = false;
  int pre_depth_ = 0;
  int list_depth_ = 0;
  int quote_depth_ = 0;
  int heading_depth_ = 0;
  std::vector<std::string> list_items_;
  std::vector<std::string> quote_parts_;
  std::vector<Block> pending_images_;
  std::vector<const Node*> entered_;  // elements Enter descended into, to pair Leave calls
};

void BlockWriter::AddText(std::string_view s) {
  if (pre_depth_ > 0) {
    for (char c : s)
      if (c != '\r') buf_.push_back(c);
    return;
  }
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t start = i;
    uint32_t cp = c < 0x80 ? (++i, c) : DecodeUtf8(s, i);
    if (IsSpaceCodePoint(cp)) {
      pending_space_ = true;
      continue;
    }
    if (pending_space_ && !buf_.empty() && buf_.back() != '\n') buf_.push_back(' ');
    pending_space_ = false;
    buf_.append(s.substr(start, i - start));
  }
}

void BlockWriter::LineBreak() {
  while (!buf_.empty() && buf_.back() == ' ') buf_.pop_back();
  if (!buf_.empty() && buf_.back() != '\n') buf_.push_back('\n');
  pending_space_ = false;
}

void BlockWriter::Emit(Block b) {
  if (out_.size() < kMaxBlocks) out_.push_back(std::move(b));
}

void BlockWriter::Flush(BlockType type) {
  std::string text = CleanBlockText(buf_);
  buf_.clear();
  pending_space_ = false;
  if (!text.empty()) {
    if (list_depth_ > 0) {
      list_items_.push_back(TruncateText(text));
    } else if (quote_depth_ > 0) {
      quote_parts_.push_back(std::move(text));
    } else {
      for (auto& piece : SplitLongText(text)) {
        Block b;
        b.type = type;
        b.text = std::move(piece);
        Emit(std::move(b));
      }
    }
  }
  if (list_depth_ == 0 && quote_depth_ == 0) {
    for (auto& img : pending_images_) Emit(std::move(img));
    pending_images_.clear();
  }
}

void BlockWriter::AddImage(const Node* img, const Node* caption_area) {
  if (IsTinyImage(img)) return;
  std::string url = ImageUrl(img, base_url_);
  if (url.empty() || (url.size() >= 5 && AsciiIEquals(std::string_view(url).substr(0, 5), "data:"))) return;
  Block b;
  b.type = BlockType::kImage;
  b.url = std::move(url);
  if (caption_area) {
    CaptionCredit cc = SplitCaption(caption_area);
    b.caption = CleanBlockText(cc.caption);
    b.credit = CleanBlockText(cc.credit);
  }
  if (b.caption.empty() && b.credit.empty()) b.caption = CleanBlockText(CollapseSpaces(img->Attr("title")));
  pending_images_.push_back(std::move(b));
}

bool BlockWriter::Enter(const Node* n) {
  if (n->is_text()) {
    AddText(n->text);
    return false;
  }
  if (!n->is_element()) return false;
  if (IsSkippedTag(n->tag) || !IsProbablyVisible(n)) return false;
  switch (n->tag) {
    case GUMBO_TAG_BR:
      LineBreak();
      return false;
    case GUMBO_TAG_HR:
      Flush();
      return false;
    case GUMBO_TAG_IMG:
      AddImage(n, CaptionAreaOf(n));
      return false;
    case GUMBO_TAG_FIGURE: {
      const Node* img = nullptr;
      for (const Node* d = n->first_child; d && !img; d = NextNode(d, n))
        if (d->Is(GUMBO_TAG_IMG)) img = d;
      if (img && !ImageUrl(img, base_url_).empty()) {
        Flush();
        AddImage(img, CaptionAreaOf(img));
        Flush();
        return false;
      }
      break;
    }
    default:
      break;
  }
  // A caption next to an image was taken with the image.
  if (HasCaptionHint(n)) {
    const Node* prev = n->PrevElementSibling();
    if (prev && (prev->Is(GUMBO_TAG_IMG) || (prev->ElementChildCount() == 1 && prev->FirstElementChild()->Is(GUMBO_TAG_IMG))))
      return false;
  }
  const GumboTag t = n->tag;
  if (IsBlockTag(t)) Flush();
  if (IsHeadingTag(t)) ++heading_depth_;
  if (t == GUMBO_TAG_UL || t == GUMBO_TAG_OL) ++list_depth_;
  if (t == GUMBO_TAG_BLOCKQUOTE) ++quote_depth_;
  if (t == GUMBO_TAG_PRE || t == GUMBO_TAG_LISTING) ++pre_depth_;
  if ((t == GUMBO_TAG_TD || t == GUMBO_TAG_TH) && !buf_.empty() && buf_.back() != '\n') {
    // The cells of a row read as one line: "a | b".
    AddText(" | ");
  }
  entered_.push_back(n);
  return true;
}

void BlockWriter::Leave(const Node* n) {
  if (entered_.empty() || entered_.back() != n) return;
  entered_.pop_back();
  const GumboTag t = n->tag;
  if (IsHeadingTag(t)) {
    Flush(list_depth_ == 0 && quote_depth_ == 0 ? BlockType::kHeading : BlockType::kParagraph);
    --heading_depth_;
    return;
  }
  if (IsBlockTag(t)) Flush();
  if (t == GUMBO_TAG_PRE || t == GUMBO_TAG_LISTING) --pre_depth_;
  if (t == GUMBO_TAG_UL || t == GUMBO_TAG_OL) {
    if (--list_depth_ == 0 && !list_items_.empty()) {
      if (quote_depth_ > 0) {
        for (auto& item : list_items_) quote_parts_.push_back(std::move(item));
      } else {
        Block b;
        b.type = BlockType::kList;
        b.items = std::move(list_items_);
        Emit(std::move(b));
      }
      list_items_.clear();
      Flush();
    }
  }
  if (t == GUMBO_TAG_BLOCKQUOTE) {
    if (--quote_depth_ == 0 && !quote_parts_.empty()) {
      std::string text;
      for (auto& part : quote_parts_) {
        if (!text.empty()) text += "\n\n";
        text += part;
      }
      quote_parts_.clear();
      Block b;
      b.type = BlockType::kQuote;
      b.text = TruncateText(text);
      Emit(std::move(b));
      Flush();
    }
  }
}

std::vector<Block> BlockWriter::Run(const Node* content) {
  Walk(
      content, [&](const Node* n) { return Enter(n); }, [&](const Node* n) { Leave(n); });
  Flush();
  if (!list_items_.empty()) {
    Block b;
    b.type = BlockType::kList;
    b.items = std::move(list_items_);
    Emit(std::move(b));
  }
  if (!quote_parts_.empty()) {
    Block b;
    b.type = BlockType::kQuote;
    for (auto& part : quote_parts_) {
      if (!b.text.empty()) b.text += "\n\n";
      b.text += part;
    }
    b.text = TruncateText(b.text);
    Emit(std::move(b));
  }
  for (auto& img : pending_images_) Emit(std::move(img));
  return std::move(out_);
}

}  // namespace

std::string TruncateText(std::string_view text) {
  if (text.size() <= kMaxBlockBytes) return std::string(text);
  size_t cut = kMaxBlockBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(TrimView(text.substr(0, cut)));
}

std::vector<std::string> SplitLongText(std::string_view rest) {
  std::vector<std::string> out;
  while (!rest.empty()) {
    size_t cut = rest.size();
    if (cut > kMaxBlockBytes) {
      cut = rest.rfind(' ', kMaxBlockBytes);
      if (cut == std::string_view::npos || cut < kMaxBlockBytes / 2) {
        cut = kMaxBlockBytes;
        while (cut > 0 && (static_cast<unsigned char>(rest[cut]) & 0xC0) == 0x80) --cut;
      }
    }
    std::string_view piece = TrimView(rest.substr(0, cut));
    if (!piece.empty()) out.emplace_back(piece);
    rest.remove_prefix(cut);
  }
  return out;
}

std::string CleanBlockText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      if (c == '\n') out.push_back('\n');
      else if (c == '\t') out.push_back(' ');
      ++i;
      continue;
    }
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    size_t start = i;
    uint32_t cp = DecodeUtf8(s, i);
    if (cp == 0xFFFD && i - start == 1) continue;  // a stray byte
    out.append(s.substr(start, i - start));
  }
  // Trim spaces and newlines, and spaces around newlines.
  std::string trimmed;
  trimmed.reserve(out.size());
  for (size_t k = 0; k < out.size(); ++k) {
    char c = out[k];
    if (c == ' ' && (trimmed.empty() || trimmed.back() == '\n' || trimmed.back() == ' ')) continue;
    if (c == '\n') {
      while (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();
      if (trimmed.empty() || (trimmed.size() >= 2 && trimmed.back() == '\n' && trimmed[trimmed.size() - 2] == '\n'))
        continue;
    }
    trimmed.push_back(c);
  }
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\n')) trimmed.pop_back();
  return trimmed;
}

std::string ImageUrl(const Node* img, std::string_view base_url) {
  auto resolve = [&](std::string_view u) { return ResolveUrl(base_url, u); };
  static constexpr std::string_view kLazy[] = {"data-src", "data-lazy-src", "data-original", "data-lazy",
                                               "data-url", "data-hi-res-src", "data-full-src", "data-orig-src",
                                               "data-echo", "data-img-src", "data-actualsrc", "data-original-src"};
  for (auto a : kLazy) {
    std::string_view v = TrimView(img->Attr(a));
    if (!v.empty() && !IsPlaceholderSrc(v) && v.find(' ') == std::string_view::npos) return resolve(v);
  }
  std::string_view src = TrimView(img->Attr("src"));
  bool lazy_class = ContainsCI(img->Attr("class"), "lazy");
  if (!IsPlaceholderSrc(src) && !lazy_class) return resolve(src);
  for (std::string_view a : {"data-srcset", "data-lazy-srcset", "srcset"}) {
    std::string best = LargestSrcsetUrl(img->Attr(a));
    if (!best.empty()) return resolve(best);
  }
  // A <picture>'s sources.
  if (img->parent && img->parent->tag == GUMBO_TAG_UNKNOWN && img->parent->name == "picture") {
    for (const Node* s = img->parent->first_child; s; s = s->next) {
      if (!s->Is(GUMBO_TAG_SOURCE)) continue;
      for (std::string_view a : {"srcset", "data-srcset"}) {
        std::string best = LargestSrcsetUrl(s->Attr(a));
        if (!best.empty()) return resolve(best);
      }
    }
  }
  if (!IsPlaceholderSrc(src)) return resolve(src);
  // Any attribute holding an image URL (Readability's fixLazyImages).
  for (uint32_t i = 0; i < img->attr_count; ++i) {
    const Attribute& a = img->attrs[i];
    if (a.name == "src" || a.name == "alt" || a.name == "title") continue;
    if (LooksLikeImageUrl(a.value) && !IsPlaceholderSrc(a.value)) return resolve(TrimView(a.value));
  }
  return {};
}

CaptionCredit SplitCaptionText(std::string_view text_in) {
  static constexpr std::string_view kLabels[] = {
      "Image source:", "Photo credit:", "Photograph:", "Photos:", "Photo:", "Picture:", "Image:", "Illustration:",
      "Credit:", "Credits:", "Source:", "Photo by ", "Фото:", "ФОТО:", "фото:", "Фото -", "Фото \u2014",
      "Источник фото:", "Источник:", "Иллюстрация:", "Изображение:", "Снимок:"};
  CaptionCredit out;
  std::string text = CollapseSpaces(text_in);
  std::string_view t = text;
  // Caption text with a trailing label ("… Photo:") loses the label.
  auto caption_before = [&](std::string_view before) {
    std::string b = TrimSeparators(before);
    for (auto label : kLabels) {
      std::string_view word = TrimView(label);
      while (!word.empty() && (word.back() == ':' || word.back() == '-')) word.remove_suffix(1);
      word = TrimView(word);
      if (b.size() >= word.size() && AsciiIEquals(std::string_view(b).substr(b.size() - word.size()), word)) {
        size_t cut = b.size() - word.size();
        if (cut == 0 || b[cut - 1] == ' ' || b[cut - 1] == '(') {
          b = TrimSeparators(std::string_view(b).substr(0, cut));
          break;
        }
      }
    }
    return b;
  };
  if (size_t c = t.find("\u00A9"); c != std::string_view::npos) {
    out.credit = std::string(TrimView(t.substr(c)));
    out.caption = caption_before(t.substr(0, c));
    return out;
  }
  // "…caption. Photo: Reuters" / "Фото: РИА Новости"
  size_t best = std::string_view::npos, best_len = 0;
  for (auto label : kLabels) {
    for (size_t i = 0; i + label.size() <= t.size() && i < best; ++i) {
      if (!AsciiIEquals(t.substr(i, label.size()), label)) continue;
      if (i == 0 || t[i - 1] == ' ' || t[i - 1] == '(' || t[i - 1] == '|') {
        best = i;
        best_len = label.size();
      }
      break;
    }
  }
  if (best != std::string_view::npos) {
    std::string_view credit = TrimView(t.substr(best + best_len));
    if (!credit.empty() && credit.back() == ')' && best > 0 && t[best - 1] == '(') credit.remove_suffix(1);
    out.credit = std::string(TrimView(credit));
    std::string_view before = t.substr(0, best);
    if (!before.empty() && before.back() == '(') before.remove_suffix(1);
    out.caption = TrimSeparators(before);
    return out;
  }
  out.caption = text;
  return out;
}

CaptionCredit SplitCaption(const Node* area) {
  // An element marked as the credit wins.
  const Node* credit_node = nullptr;
  if (HasCreditHint(area) && !HasCaptionHint(area)) credit_node = area;
  for (const Node* d = area->first_child; d && !credit_node; d = NextNode(d, area))
    if (d->is_element() && HasCreditHint(d)) credit_node = d;
  if (!credit_node) return SplitCaptionText(TextContent(area));
  CaptionCredit out;
  out.credit = std::string(StripLabel(CollapseSpaces(TextContent(credit_node))));
  if (credit_node != area) {
    std::string caption;
    for (const Node* d = area->first_child; d;) {
      if (d == credit_node) {
        d = NextNodeSkippingChildren(d, area);
        continue;
      }
      if (d->is_text()) caption.append(d->text);
      d = NextNode(d, area);
    }
    out.caption = TrimSeparators(CollapseSpaces(caption));
  }
  return out;
}

const Node* CaptionAreaOf(const Node* img) {
  int up = 0;
  for (const Node* a = img->parent; a && up < 5; a = a->parent, ++up) {
    if (a->Is(GUMBO_TAG_FIGURE)) {
      for (const Node* d = a->first_child; d; d = NextNode(d, a))
        if (d->Is(GUMBO_TAG_FIGCAPTION)) return d;
      break;
    }
  }
  // <div class="photo"><img><p class="caption">…</p></div>, or the caption
  // next to the image's only-child wrapper.
  const Node* holder = img;
  for (int i = 0; i < 2 && holder; ++i) {
    for (const Node* s = holder->NextElementSibling(); s; s = s->NextElementSibling()) {
      if (HasCaptionHint(s)) return s;
      break;
    }
    if (!holder->parent || holder->parent->ElementChildCount() != 1) break;
    holder = holder->parent;
  }
  return nullptr;
}

std::vector<Block> ContentToBlocks(const Node* content, std::string_view base_url) {
  BlockWriter w(base_url);
  return w.Run(content);
}

}  // namespace newsdesk::extract_internal
