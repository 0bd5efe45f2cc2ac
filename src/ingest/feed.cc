#include "ingest/feed.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/charset.h"
#include "common/text.h"
#include "common/time.h"
#include "ingest/feed_markup.h"

namespace newsdesk {

namespace {

using namespace feed_internal;  // the markup the formats are read with

// ---------------------------------------------------------------------------
// Building items
// ---------------------------------------------------------------------------

// AuthorName turns "jo@example.com (Jo Smith)" and "Jo Smith <jo@example.com>"
// into "Jo Smith"; anything else stays as written.
std::string AuthorName(std::string_view raw) {
  std::string s = CollapseWhitespace(raw);
  size_t open = s.find('(');
  if (open != std::string::npos && !s.empty() && s.back() == ')') {
    std::string before = Trim(s.substr(0, open));
    std::string inside = Trim(s.substr(open + 1, s.size() - open - 2));
    if (before.find('@') != std::string::npos && before.find(' ') == std::string::npos && !inside.empty())
      return inside;
  }
  size_t lt = s.find('<');
  if (lt != std::string::npos && lt > 0 && s.back() == '>' && s.find('@', lt) != std::string::npos) {
    std::string before = Trim(s.substr(0, lt));
    if (before.size() >= 2 && before.front() == '"' && before.back() == '"') before = before.substr(1, before.size() - 2);
    if (!before.empty()) return before;
  }
  return s;
}

// kMaxList bounds the categories, authors and images kept per item (and the
// links FindFeedLinks returns), so a hostile feed can't make them quadratic.
constexpr size_t kMaxList = 64;

void AddUnique(std::vector<std::string>& v, std::string s) {
  if (s.empty() || v.size() >= kMaxList) return;
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

struct ItemContext {
  std::string base;
  std::vector<std::string>* warnings;
  size_t index;  // 1-based, for warnings
};

struct ImageSet {
  std::vector<FeedImage> primary;  // media:content, enclosures
  std::vector<FeedImage> thumbs;   // media:thumbnail
  std::vector<FeedImage> itunes;   // itunes:image
  std::string item_credit, item_caption;  // item-level media:credit / media:description

  std::vector<FeedImage> Merge() {
    std::vector<FeedImage> out;
    for (auto* list : {&primary, &thumbs, &itunes}) {
      for (FeedImage& im : *list) {
        if (im.url.empty()) continue;
        if (im.credit.empty()) im.credit = item_credit;
        if (im.caption.empty()) im.caption = item_caption;
        auto it = std::find_if(out.begin(), out.end(), [&](const FeedImage& o) { return o.url == im.url; });
        if (it == out.end()) {
          if (out.size() < kMaxList) out.push_back(im);
        } else {
          if (it->type.empty()) it->type = im.type;
          if (it->credit.empty()) it->credit = im.credit;
          if (it->caption.empty()) it->caption = im.caption;
        }
      }
    }
    return out;
  }
};

bool IsImageType(std::string_view type) { return IStartsWith(Trim(type), "image/"); }

std::string MediaText(pugi::xml_node n) {
  std::string type = AsciiLower(Attr(n, "type"));
  return HtmlToText(type == "html" ? Value(n) : EscapeHtml(Value(n)), false);
}

// MediaMeta: credit and caption from the media:* children of `n`.
struct MediaMeta {
  std::string credit, caption;
};

MediaMeta ReadMediaMeta(pugi::xml_node n, const MediaMeta& inherited) {
  MediaMeta m;
  std::string title;
  for (pugi::xml_node c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    QName q = NameOf(c);
    if (q.ns != Ns::kMedia) continue;
    if (q.local == "credit" && m.credit.empty()) m.credit = CollapseWhitespace(Value(c));
    else if (q.local == "description" && m.caption.empty()) m.caption = MediaText(c);
    else if (q.local == "title" && title.empty()) title = MediaText(c);
    else if (q.local == "text" && m.caption.empty()) m.caption = MediaText(c);
  }
  if (m.caption.empty()) m.caption = title;
  if (m.credit.empty()) m.credit = inherited.credit;
  if (m.caption.empty()) m.caption = inherited.caption;
  return m;
}

void ReadMediaThumbnail(pugi::xml_node n, const std::string& base, const MediaMeta& meta, ImageSet& images) {
  std::string url = Attr(n, "url");
  if (Trim(url).empty()) return;
  images.thumbs.push_back({ResolveUrl(base, url), "", meta.credit, meta.caption});
}

void ReadMediaContent(pugi::xml_node n, const std::string& base, const MediaMeta& inherited, ImageSet& images) {
  MediaMeta meta = ReadMediaMeta(n, inherited);
  std::string url = Trim(Attr(n, "url"));
  std::string type = Trim(Attr(n, "type"));
  std::string medium = AsciiLower(Trim(Attr(n, "medium")));
  bool image = medium == "image" || IsImageType(type) || (type.empty() && medium.empty() && LooksLikeImageUrl(url));
  if (!url.empty() && image) images.primary.push_back({ResolveUrl(base, url), type, meta.credit, meta.caption});
  for (pugi::xml_node c : n.children()) {
    if (c.type() == pugi::node_element && Is(NameOf(c), Ns::kMedia, "thumbnail")) ReadMediaThumbnail(c, base, meta, images);
  }
}

void ReadMediaGroup(pugi::xml_node n, const std::string& base, ImageSet& images) {
  MediaMeta meta = ReadMediaMeta(n, {});
  for (pugi::xml_node c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    QName q = NameOf(c);
    if (q.ns != Ns::kMedia) continue;
    if (q.local == "content") ReadMediaContent(c, base, meta, images);
    else if (q.local == "thumbnail") ReadMediaThumbnail(c, base, meta, images);
  }
}

// Media elements shared by RSS items and Atom entries. Returns true when `c`
// was one.
bool ReadMediaElement(pugi::xml_node c, const QName& q, const std::string& base, ImageSet& images) {
  if (q.ns == Ns::kMedia) {
    if (q.local == "content") ReadMediaContent(c, base, {}, images);
    else if (q.local == "group") ReadMediaGroup(c, base, images);
    else if (q.local == "thumbnail") ReadMediaThumbnail(c, base, {}, images);
    else if (q.local == "credit" && images.item_credit.empty()) images.item_credit = CollapseWhitespace(Value(c));
    else if (q.local == "description" && images.item_caption.empty()) images.item_caption = MediaText(c);
    return true;
  }
  if (q.ns == Ns::kItunes && q.local == "image") {
    std::string href = Trim(Attr(c, "href"));
    if (href.empty()) href = TrimmedValue(c);
    if (!href.empty()) images.itunes.push_back({ResolveUrl(base, href), "", "", ""});
    return true;
  }
  return false;
}

std::optional<TimePoint> DateOf(pugi::xml_node n, const ItemContext& ctx) {
  std::string text = CollapseWhitespace(Value(n));
  if (text.empty()) return std::nullopt;
  auto t = ParseFeedDate(text);
  if (!t) {
    ctx.warnings->push_back(
        fmt::format("item {}: unreadable date '{}' in <{}>", ctx.index, text.substr(0, 64), n.name()));
  }
  return t;
}

void Categorize(FeedItem& item, std::string text) {
  std::string c = CollapseWhitespace(text);
  AddUnique(item.categories, std::move(c));
}

// ReadRssItem reads an RSS 0.9x/1.0/2.0 <item>.
FeedItem ReadRssItem(pugi::xml_node node, const ItemContext& ctx) {
  FeedItem item;
  ImageSet images;
  std::vector<std::string> authors;
  std::string guid_link;
  std::string atom_link;
  std::string orig_link;
  std::optional<TimePoint> dc_date, issued;
  for (pugi::xml_node c : node.children()) {
    if (c.type() != pugi::node_element) continue;
    QName q = NameOf(c);
    const std::string base = ChildBase(c, ctx.base);
    if (IsCore(q, Ns::kRss)) {
      std::string_view l = q.local;
      if (l == "title") {
        if (item.title.empty()) item.title = HtmlToText(Value(c), true);
      } else if (l == "link") {
        std::string v = TrimmedValue(c);
        if (v.empty()) v = Trim(Attr(c, "href"));
        if (item.link.empty() && !v.empty()) item.link = ResolveUrl(base, v);
      } else if (l == "guid") {
        item.guid = TrimmedValue(c);
        std::string perma = AsciiLower(Trim(Attr(c, "isPermaLink")));
        // A permalink guid is the item's URL when it has no <link>; only an absolute one, though.
        if (perma != "false" && IStartsWith(item.guid, "http") && IsAbsoluteUrl(item.guid)) guid_link = item.guid;
      } else if (l == "description") {
        if (item.summary.empty()) item.summary = HtmlToText(Value(c), false);
      } else if (l == "pubDate") {
        if (!item.published) item.published = DateOf(c, ctx);
      } else if (l == "author") {
        AddUnique(authors, AuthorName(HtmlToText(Value(c), false)));
      } else if (l == "category") {
        Categorize(item, Value(c));
      } else if (l == "enclosure") {
        std::string url = Trim(Attr(c, "url"));
        std::string type = Trim(Attr(c, "type"));
        if (!url.empty() && (IsImageType(type) || (type.empty() && LooksLikeImageUrl(url))))
          images.primary.push_back({ResolveUrl(base, url), type, "", ""});
      }
      continue;
    }
    if (Is(q, Ns::kContent, "encoded")) {
      if (item.content_html.empty()) item.content_html = TrimmedValue(c);
    } else if (q.ns == Ns::kDc) {
      if (q.local == "creator" || q.local == "author") AddUnique(authors, AuthorName(HtmlToText(Value(c), false)));
      else if (q.local == "date" && !dc_date) dc_date = DateOf(c, ctx);
      else if (q.local == "subject") Categorize(item, Value(c));
      else if (q.local == "title" && item.title.empty()) item.title = HtmlToText(Value(c), true);
      else if (q.local == "description" && item.summary.empty()) item.summary = HtmlToText(Value(c), false);
      else if (q.local == "identifier" && item.guid.empty()) item.guid = TrimmedValue(c);
    } else if (q.ns == Ns::kDcTerms) {
      if ((q.local == "issued" || q.local == "created") && !issued) issued = DateOf(c, ctx);
      else if (q.local == "modified" && !item.updated) item.updated = DateOf(c, ctx);
    } else if (q.ns == Ns::kAtom) {
      if (q.local == "link") {
        std::string rel = Trim(Attr(c, "rel"));
        std::string href = Trim(Attr(c, "href"));
        if ((rel.empty() || rel == "alternate") && atom_link.empty() && !href.empty()) atom_link = ResolveUrl(base, href);
      } else if (q.local == "updated" && !item.updated) {
        item.updated = DateOf(c, ctx);
      } else if (q.local == "published" && !issued) {
        issued = DateOf(c, ctx);
      } else if (q.local == "author") {
        for (pugi::xml_node a : c.children())
          if (a.type() == pugi::node_element && NameOf(a).local == "name") AddUnique(authors, CollapseWhitespace(Value(a)));
      } else if (q.local == "summary" && item.summary.empty()) {
        item.summary = HtmlToText(HtmlOfTextConstruct(c), false);
      } else if (q.local == "content" && item.content_html.empty()) {
        item.content_html = HtmlOfTextConstruct(c);
      }
    } else if (q.ns == Ns::kItunes) {
      // itunes:author names the show's maker, not the item's writer: not an author here.
      if ((q.local == "summary" || q.local == "subtitle") && item.summary.empty())
        item.summary = HtmlToText(Value(c), false);
      else ReadMediaElement(c, q, base, images);
    } else if (q.ns == Ns::kFeedburner && q.local == "origLink") {
      orig_link = ResolveUrl(base, TrimmedValue(c));
    } else {
      ReadMediaElement(c, q, base, images);
    }
  }
  // FeedBurner's origLink is the article's own URL; <link> is its redirector.
  if (!orig_link.empty()) item.link = orig_link;
  if (item.link.empty()) item.link = atom_link;
  if (item.link.empty()) item.link = guid_link;
  if (item.guid.empty()) item.guid = Trim(AttrLocal(node, "about"));
  if (!item.published) item.published = dc_date ? dc_date : issued;
  item.author = JoinNames(authors);
  item.images = images.Merge();
  return item;
}

// AtomAuthors reads the names of the <author> children of `n`.
std::vector<std::string> AtomAuthors(pugi::xml_node n) {
  std::vector<std::string> names;
  for (pugi::xml_node c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    QName q = NameOf(c);
    if (!IsCore(q, Ns::kAtom) || q.local != "author") continue;
    std::string name, email;
    for (pugi::xml_node a : c.children()) {
      if (a.type() != pugi::node_element) continue;
      std::string_view l = NameOf(a).local;
      if (l == "name") name = CollapseWhitespace(Value(a));
      else if (l == "email") email = CollapseWhitespace(Value(a));
    }
    if (name.empty()) name = email;
    if (name.empty()) name = CollapseWhitespace(Value(c));  // <author>Jo</author>
    AddUnique(names, name);
  }
  return names;
}

// ReadAtomEntry reads an Atom 0.3/1.0 <entry>. `feed_authors` apply when the
// entry names none, as the spec says.
FeedItem ReadAtomEntry(pugi::xml_node node, const ItemContext& ctx, const std::vector<std::string>& feed_authors) {
  FeedItem item;
  ImageSet images;
  std::vector<std::string> authors = AtomAuthors(node);
  std::string first_link, orig_link;
  std::optional<TimePoint> created;
  for (pugi::xml_node c : node.children()) {
    if (c.type() != pugi::node_element) continue;
    QName q = NameOf(c);
    const std::string base = ChildBase(c, ctx.base);
    if (IsCore(q, Ns::kAtom)) {
      std::string_view l = q.local;
      if (l == "title") {
        if (item.title.empty()) item.title = HtmlToText(HtmlOfTextConstruct(c), false);
      } else if (l == "link") {
        std::string rel = Trim(Attr(c, "rel"));
        std::string href = Trim(Attr(c, "href"));
        if (href.empty()) href = TrimmedValue(c);
        if (href.empty()) continue;
        std::string url = ResolveUrl(base, href);
        if ((rel.empty() || rel == "alternate") && item.link.empty()) item.link = url;
        if (first_link.empty()) first_link = url;
        std::string type = Trim(Attr(c, "type"));
        if (rel == "enclosure" && (IsImageType(type) || (type.empty() && LooksLikeImageUrl(url))))
          images.primary.push_back({url, type, "", ""});
      } else if (l == "id") {
        if (item.guid.empty()) item.guid = TrimmedValue(c);
      } else if (l == "published" || l == "issued") {
        if (!item.published) item.published = DateOf(c, ctx);
      } else if (l == "created") {
        if (!created) created = DateOf(c, ctx);
      } else if (l == "updated" || l == "modified") {
        if (!item.updated) item.updated = DateOf(c, ctx);
      } else if (l == "summary") {
        if (item.summary.empty()) item.summary = HtmlToText(HtmlOfTextConstruct(c), false);
      } else if (l == "content") {
        if (item.content_html.empty() && Trim(Attr(c, "src")).empty()) item.content_html = HtmlOfTextConstruct(c);
      } else if (l == "category") {
        std::string term = Trim(Attr(c, "term"));
        if (term.empty()) term = Trim(Attr(c, "label"));
        if (term.empty()) term = TrimmedValue(c);
        Categorize(item, term);
      }
      continue;
    }
    if (Is(q, Ns::kContent, "encoded")) {
      if (item.content_html.empty()) item.content_html = TrimmedValue(c);
    } else if (q.ns == Ns::kDc) {
      if (q.local == "creator") AddUnique(authors, AuthorName(HtmlToText(Value(c), false)));
      else if (q.local == "subject") Categorize(item, Value(c));
      else if (q.local == "date" && !created) created = DateOf(c, ctx);
    } else if (q.ns == Ns::kFeedburner && q.local == "origLink") {
      orig_link = ResolveUrl(base, TrimmedValue(c));
    } else {
      ReadMediaElement(c, q, base, images);
    }
  }
  if (!orig_link.empty()) item.link = orig_link;  // the article's own URL, not FeedBurner's redirector
  if (item.link.empty()) item.link = first_link;
  if (!item.published) item.published = created;
  if (authors.empty()) authors = feed_authors;
  item.author = JoinNames(authors);
  item.images = images.Merge();
  return item;
}

// ---------------------------------------------------------------------------
// Feeds
// ---------------------------------------------------------------------------

pugi::xml_node FirstChild(pugi::xml_node n, std::string_view local) {
  for (pugi::xml_node c : n.children())
    if (c.type() == pugi::node_element && NameOf(c).local == local) return c;
  return {};
}

// CollectEntries finds the `local` elements of the format `own` under `top`,
// in document order, without looking inside them. Searching the whole tree
// rather than the children finds the items of a feed in which an unclosed
// element (closed by the repair at the channel's end) swallowed them.
std::vector<pugi::xml_node> CollectEntries(pugi::xml_node top, std::string_view local, Ns own) {
  std::vector<pugi::xml_node> out;
  std::vector<std::pair<pugi::xml_node, size_t>> todo;
  for (pugi::xml_node c = top.last_child(); c; c = c.previous_sibling()) todo.push_back({c, 1});
  while (!todo.empty()) {
    auto [n, depth] = todo.back();
    todo.pop_back();
    if (n.type() != pugi::node_element) continue;
    std::string_view name = n.name();
    if (name.ends_with(local) && (name.size() == local.size() || name[name.size() - local.size() - 1] == ':')) {
      if (IsCore(NameOf(n), own)) {
        out.push_back(n);
        continue;
      }
    }
    if (depth >= kMaxDepth) continue;
    for (pugi::xml_node c = n.last_child(); c; c = c.previous_sibling()) todo.push_back({c, depth + 1});
  }
  return out;
}

void ReadRss(pugi::xml_node root, const std::string& base_url, Feed& feed) {
  pugi::xml_node channel = FirstChild(root, "channel");
  std::string base = ChildBase(root, base_url);
  bool explicit_base = !root.attribute("xml:base").empty();
  if (channel) {
    explicit_base = explicit_base || !channel.attribute("xml:base").empty();
    base = ChildBase(channel, base);
  }
  pugi::xml_node head = channel ? channel : root;
  std::string atom_link;
  for (pugi::xml_node c : head.children()) {
    if (c.type() != pugi::node_element) continue;
    QName q = NameOf(c);
    if (IsCore(q, Ns::kRss)) {
      std::string_view l = q.local;
      if (l == "title" && feed.title.empty()) feed.title = HtmlToText(Value(c), true);
      else if (l == "link" && feed.link.empty()) feed.link = ResolveUrl(ChildBase(c, base), TrimmedValue(c));
      else if (l == "description" && feed.description.empty()) feed.description = HtmlToText(Value(c), false);
      else if (l == "language" && feed.language.empty()) feed.language = CollapseWhitespace(Value(c));
    } else if (q.ns == Ns::kDc) {
      if (q.local == "language" && feed.language.empty()) feed.language = CollapseWhitespace(Value(c));
      else if (q.local == "title" && feed.title.empty()) feed.title = HtmlToText(Value(c), true);
      else if (q.local == "description" && feed.description.empty()) feed.description = HtmlToText(Value(c), false);
    } else if (q.ns == Ns::kAtom && q.local == "link") {
      std::string rel = Trim(Attr(c, "rel"));
      std::string href = Trim(Attr(c, "href"));
      if ((rel.empty() || rel == "alternate") && atom_link.empty() && !href.empty())
        atom_link = ResolveUrl(ChildBase(c, base), href);
    }
  }
  if (feed.link.empty()) feed.link = atom_link;
  // Items may sit outside the channel: RSS 1.0 puts them there, and broken RSS 2.0 feeds do too.
  std::vector<pugi::xml_node> items = CollectEntries(root, "item", Ns::kRss);
  if (!explicit_base && IsAbsoluteUrl(feed.link)) base = feed.link;
  for (pugi::xml_node it : items) {
    ItemContext ctx{ChildBase(it, base), &feed.warnings, feed.items.size() + 1};
    feed.items.push_back(ReadRssItem(it, ctx));
  }
}

void ReadAtom(pugi::xml_node root, const std::string& base_url, Feed& feed) {
  const bool single_entry = NameOf(root).local == "entry";
  std::string base = ChildBase(root, base_url);
  feed.language = CollapseWhitespace(Attr(root, "xml:lang"));
  std::vector<std::string> feed_authors;
  std::vector<pugi::xml_node> entries;
  if (single_entry) {
    entries.push_back(root);
  } else {
    entries = CollectEntries(root, "entry", Ns::kAtom);
    feed_authors = AtomAuthors(root);
    for (pugi::xml_node c : root.children()) {
      if (c.type() != pugi::node_element) continue;
      QName q = NameOf(c);
      if (!IsCore(q, Ns::kAtom)) continue;
      std::string_view l = q.local;
      if (l == "title" && feed.title.empty()) {
        feed.title = HtmlToText(HtmlOfTextConstruct(c), false);
      } else if ((l == "subtitle" || l == "tagline") && feed.description.empty()) {
        feed.description = HtmlToText(HtmlOfTextConstruct(c), false);
      } else if (l == "link" && feed.link.empty()) {
        std::string rel = Trim(Attr(c, "rel"));
        std::string href = Trim(Attr(c, "href"));
        if ((rel.empty() || rel == "alternate") && !href.empty()) feed.link = ResolveUrl(ChildBase(c, base), href);
      }
    }
  }
  if (base.empty() && IsAbsoluteUrl(feed.link)) base = feed.link;
  for (pugi::xml_node e : entries) {
    ItemContext ctx{ChildBase(e, base), &feed.warnings, feed.items.size() + 1};
    feed.items.push_back(ReadAtomEntry(e, ctx, feed_authors));
  }
}

// ---------------------------------------------------------------------------
// JSON Feed
// ---------------------------------------------------------------------------

std::string JsonString(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return {};
  if (it->is_string()) return ScrubUtf8(it->get_ref<const std::string&>());
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  if (it->is_number_unsigned()) return std::to_string(it->get<uint64_t>());
  return {};
}

std::vector<std::string> JsonAuthors(const nlohmann::json& j) {
  std::vector<std::string> names;
  auto add = [&](const nlohmann::json& a) {
    if (a.is_object()) AddUnique(names, CollapseWhitespace(JsonString(a, "name")));
    else if (a.is_string()) AddUnique(names, CollapseWhitespace(ScrubUtf8(a.get_ref<const std::string&>())));
  };
  // Version 1 has `author`, 1.1 `authors`; feeds in transition carry both.
  if (auto it = j.find("author"); it != j.end()) add(*it);
  if (auto it = j.find("authors"); it != j.end() && it->is_array())
    for (const auto& a : *it) add(a);
  return names;
}

std::optional<TimePoint> JsonDate(const nlohmann::json& j, const char* key, size_t index, Feed& feed) {
  std::string s = Trim(JsonString(j, key));
  if (s.empty()) return std::nullopt;
  auto t = ParseFeedDate(s);
  if (!t) feed.warnings.push_back(fmt::format("item {}: unreadable date '{}' in {}", index, s.substr(0, 64), key));
  return t;
}

// TextToHtml writes plain text as HTML paragraphs (blank lines) and line breaks.
std::string TextToHtml(std::string_view text_in) {
  std::string text = Trim(text_in);
  if (text.empty()) return {};
  std::string out = "<p>";
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') continue;
    if (text[i] == '\n') {
      size_t j = i + 1;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r')) ++j;
      if (j < text.size() && text[j] == '\n') {
        while (j < text.size() && IsSpace(text[j])) ++j;
        out += "</p><p>";
        i = j - 1;
      } else {
        out += "<br>";
      }
      continue;
    }
    AppendEscapedHtml(out, std::string_view(&text[i], 1));
  }
  return out + "</p>";
}

Result<Feed> ReadJsonFeed(std::string_view text, const std::string& base_url) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("not a feed: malformed JSON");
  if (!j.is_object()) return Status::InvalidArgument("not a feed: JSON that is not an object");
  std::string version = JsonString(j, "version");
  auto items_it = j.find("items");
  bool has_items = items_it != j.end() && items_it->is_array();
  if (version.find("jsonfeed.org") == std::string::npos && !has_items)
    return Status::InvalidArgument("not a feed: JSON without a JSON Feed version or items");
  Feed feed;
  feed.format = FeedFormat::kJson;
  feed.title = HtmlToText(JsonString(j, "title"), true);
  feed.link = ResolveUrl(base_url, JsonString(j, "home_page_url"));
  if (feed.link.empty()) feed.link = CleanUrl(JsonString(j, "home_page_url"));
  feed.description = CollapseWhitespace(JsonString(j, "description"));
  feed.language = CollapseWhitespace(JsonString(j, "language"));
  std::string base = base_url;
  if (base.empty()) base = IsAbsoluteUrl(feed.link) ? feed.link : CleanUrl(JsonString(j, "feed_url"));
  std::vector<std::string> feed_authors = JsonAuthors(j);
  if (!has_items) return feed;
  for (const auto& it : *items_it) {
    if (!it.is_object()) continue;
    FeedItem item;
    size_t index = feed.items.size() + 1;
    item.guid = Trim(JsonString(it, "id"));
    std::string url = JsonString(it, "url");
    if (Trim(url).empty()) url = JsonString(it, "external_url");
    item.link = ResolveUrl(base, url);
    item.title = HtmlToText(JsonString(it, "title"), true);  // plain text by the spec, yet "&#8211;" is common
    item.content_html = Trim(JsonString(it, "content_html"));
    if (item.content_html.empty()) item.content_html = TextToHtml(JsonString(it, "content_text"));
    item.summary = CollapseWhitespace(JsonString(it, "summary"));
    item.published = JsonDate(it, "date_published", index, feed);
    item.updated = JsonDate(it, "date_modified", index, feed);
    std::vector<std::string> authors = JsonAuthors(it);
    item.author = JoinNames(authors.empty() ? feed_authors : authors);
    if (auto tags = it.find("tags"); tags != it.end() && tags->is_array()) {
      for (const auto& t : *tags)
        if (t.is_string()) Categorize(item, ScrubUtf8(t.get_ref<const std::string&>()));
    }
    ImageSet images;
    for (const char* key : {"image", "banner_image"}) {
      std::string u = Trim(JsonString(it, key));
      if (!u.empty()) images.primary.push_back({ResolveUrl(base, u), "", "", ""});
    }
    if (auto att = it.find("attachments"); att != it.end() && att->is_array()) {
      for (const auto& a : *att) {
        if (!a.is_object()) continue;
        std::string u = Trim(JsonString(a, "url"));
        std::string type = Trim(JsonString(a, "mime_type"));
        if (!u.empty() && (IsImageType(type) || (type.empty() && LooksLikeImageUrl(u))))
          images.primary.push_back({ResolveUrl(base, u), type, "", CollapseWhitespace(JsonString(a, "title"))});
      }
    }
    item.images = images.Merge();
    feed.items.push_back(std::move(item));
  }
  return feed;
}

// ---------------------------------------------------------------------------
// Text that went through the wrong charset
// ---------------------------------------------------------------------------

// Cp1252Byte: the windows-1252 byte that displays as `cp`, for the code
// points windows-1252 and Latin-1 share or windows-1252 adds (0 when none).
int Cp1252Byte(uint32_t cp) {
  if (cp < 0x100) return static_cast<int>(cp);
  for (int i = 0; i < 32; ++i)
    if (kCp1252C1[i] == cp) return 0x80 + i;
  return -1;
}

// UndoDoubleUtf8 repairs text that was UTF-8, read as windows-1252 and
// encoded as UTF-8 again ("Ð¯Ð½Ð´ÐµÐºÑ" for "Яндекс", "â€¦" for "…"): when
// every non-ASCII character maps back to a windows-1252 byte and those bytes
// are valid UTF-8 with at least one multi-byte character, that is what the
// text was. Anything else is left alone.
bool UndoDoubleUtf8(std::string& s) {
  std::string bytes;
  bytes.reserve(s.size());
  bool multibyte = false;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      bytes += static_cast<char>(c);
      ++i;
      continue;
    }
    uint32_t cp;
    size_t len;
    if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) { cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3F); len = 2; }
    else if ((c & 0xF0) == 0xE0 && i + 2 < s.size()) { cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3F); len = 3; }
    else return false;
    int b = Cp1252Byte(cp);
    if (b < 0x80) return false;
    if (b >= 0xC0) multibyte = true;
    bytes += static_cast<char>(b);
    i += len;
  }
  if (!multibyte || !IsValidUtf8(bytes)) return false;
  s = std::move(bytes);
  return true;
}

// FixText undoes double UTF-8 and reads C1 controls (U+0080..U+009F, never
// meant as such in a feed) as the windows-1252 characters they were.
// Returns true when it undid double UTF-8.
bool FixText(std::string& s) {
  bool redone = UndoDoubleUtf8(s);
  if (s.find('\xC2') == std::string::npos) return redone;
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    unsigned char d = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (c == 0xC2 && d >= 0x80 && d <= 0x9F) {
      AppendUtf8(out, kCp1252C1[d - 0x80]);
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  s = std::move(out);
  return redone;
}

void FixFeedText(Feed& feed) {
  bool redone = false;
  auto fix = [&](std::string& s) { redone = FixText(s) || redone; };
  fix(feed.title);
  fix(feed.description);
  for (FeedItem& item : feed.items) {
    fix(item.title);
    fix(item.summary);
    fix(item.content_html);
    fix(item.author);
    for (std::string& c : item.categories) fix(c);
    for (FeedImage& im : item.images) {
      fix(im.credit);
      fix(im.caption);
    }
  }
  if (redone) feed.warnings.push_back("text encoded twice as UTF-8 was decoded once more");
}

// MostlyUtf8: the bytes are not valid UTF-8, but they hold at least twice
// as many well-formed multi-byte UTF-8 characters as stray bytes.
bool MostlyUtf8(std::string_view s) {
  if (IsValidUtf8(s)) return false;
  const Utf8Census census = CountUtf8(s);
  return census.well_formed >= 2 * census.stray;
}

}  // namespace

const char* FeedFormatName(FeedFormat f) {
  switch (f) {
    case FeedFormat::kRss2: return "rss2";
    case FeedFormat::kRss1: return "rss1";
    case FeedFormat::kAtom: return "atom";
    case FeedFormat::kJson: return "json";
  }
  return "?";
}

Result<Feed> ParseFeed(std::string_view input, const std::string& base_url) {
  if (input.substr(0, 3) == "\xEF\xBB\xBF") input.remove_prefix(3);
  std::string text = ScrubUtf8(input);
  size_t start = text.find_first_not_of(" \t\r\n\f\v");
  if (start == std::string::npos) return Status::InvalidArgument("not a feed: the document is empty");
  std::string_view body = std::string_view(text).substr(start);
  if (body[0] == '{' || body[0] == '[') {
    auto feed = ReadJsonFeed(body, base_url);
    if (feed.ok()) FixFeedText(*feed);
    return feed;
  }
  if (body[0] != '<') {
    // Some feeds have junk before the XML; skip to the first tag if there is one.
    size_t lt = body.find('<');
    if (lt == std::string_view::npos) return Status::InvalidArgument("not a feed: neither XML nor JSON");
    body.remove_prefix(lt);
  }

  Feed feed;
  pugi::xml_document strict, repaired;
  pugi::xml_document* doc = &strict;
  // Character references are decoded by us (pugixml knows only XML's five), so
  // text keeps "&nbsp;" and CDATA stays distinguishable from escaped text.
  const unsigned options = pugi::parse_default & ~pugi::parse_escapes;
  pugi::xml_parse_result r = strict.load_buffer(body.data(), body.size(), options, pugi::encoding_utf8);
  if (!r) {
    RepairCounts counts;
    std::string fixed = RepairXml(body, counts);
    pugi::xml_parse_result r2 = repaired.load_buffer(fixed.data(), fixed.size(), options, pugi::encoding_utf8);
    size_t offset = static_cast<size_t>(body.data() - text.data()) + static_cast<size_t>(std::max<ptrdiff_t>(0, r.offset));
    auto [line, col] = LineAndColumn(text, offset);
    if (!r2 || !repaired.document_element()) {
      return Status::InvalidArgument(
          fmt::format("not a feed: malformed XML ({} at line {}, column {})", r.description(), line, col));
    }
    feed.warnings.push_back(fmt::format("malformed XML ({} at line {}, column {}); repaired: {}", r.description(),
                                        line, col, DescribeRepair(counts)));
    doc = &repaired;
  }
  pugi::xml_node root = doc->document_element();
  if (!root) return Status::InvalidArgument("not a feed: no root element");
  LimitAttributes(root);
  QName q = NameOf(root);
  std::string_view l = q.local;
  if (l == "rss" || (l == "channel" && IsCore(q, Ns::kRss))) {
    feed.format = FeedFormat::kRss2;
    ReadRss(root, base_url, feed);
  } else if (l == "RDF" || l == "rdf") {
    feed.format = FeedFormat::kRss1;
    ReadRss(root, base_url, feed);
  } else if ((l == "feed" || l == "entry") && (q.ns == Ns::kAtom || q.ns == Ns::kNone || q.ns == Ns::kOther)) {
    feed.format = FeedFormat::kAtom;
    ReadAtom(root, base_url, feed);
  } else {
    return Status::InvalidArgument(
        fmt::format("not a feed: the root element is <{}>", ScrubUtf8(std::string_view(root.name()).substr(0, 40))));
  }
  FixFeedText(feed);
  return feed;
}

Result<Feed> ParseFeedBytes(std::string_view bytes, std::string_view content_type, const std::string& base_url) {
  if (auto wide = DecodeWideXml(bytes)) return ParseFeed(*wide, base_url);
  // UTF-8 with a few broken bytes is still UTF-8: without this the charset
  // detector may read the whole feed as KOI8-R.
  std::string http_charset = AsciiLower(CharsetFromContentType(content_type));
  std::string declared = AsciiLower(DeclaredCharset(bytes));
  if ((http_charset.empty() || http_charset == "utf-8" || http_charset == "utf8") &&
      (declared.empty() || declared == "utf-8" || declared == "utf8") && MostlyUtf8(bytes)) {
    auto feed = ParseFeed(bytes, base_url);
    if (feed.ok()) feed->warnings.push_back("invalid UTF-8 bytes replaced with U+FFFD");
    return feed;
  }
  auto text = DecodeToUtf8(bytes, content_type);
  if (!text.ok()) return Status::InvalidArgument("not a feed: " + text.status().message());
  return ParseFeed(text->utf8, base_url);
}

std::vector<std::string> FindFeedLinks(std::string_view html, const std::string& base_url) {
  std::vector<std::string> out;
  std::string base = base_url;
  struct Tag {
    std::string name;
    std::map<std::string, std::string> attrs;
  };
  std::vector<Tag> links;
  size_t i = 0;
  const size_t n = html.size();
  while (i < n) {
    size_t lt = html.find('<', i);
    if (lt == std::string_view::npos) break;
    if (html.compare(lt, 4, "<!--") == 0) {
      size_t end = html.find("-->", lt + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    size_t j = lt + 1;
    size_t name_start = j;
    while (j < n && IsAsciiAlnum(html[j])) ++j;
    std::string name = AsciiLower(html.substr(name_start, j - name_start));
    if (name != "link" && name != "base") {
      i = lt + 1;
      continue;
    }
    Tag tag{name, {}};
    while (j < n && html[j] != '>') {
      while (j < n && (IsSpace(html[j]) || html[j] == '/')) ++j;
      if (j >= n || html[j] == '>') break;
      size_t a = j;
      while (j < n && !IsSpace(html[j]) && html[j] != '=' && html[j] != '>' && html[j] != '/') ++j;
      std::string attr = AsciiLower(html.substr(a, j - a));
      while (j < n && IsSpace(html[j])) ++j;
      std::string value;
      if (j < n && html[j] == '=') {
        ++j;
        while (j < n && IsSpace(html[j])) ++j;
        if (j < n && (html[j] == '"' || html[j] == '\'')) {
          char q = html[j];
          size_t end = html.find(q, j + 1);
          if (end == std::string_view::npos) end = n;
          value = std::string(html.substr(j + 1, end - j - 1));
          j = end + 1;
        } else {
          size_t v = j;
          while (j < n && !IsSpace(html[j]) && html[j] != '>') ++j;
          value = std::string(html.substr(v, j - v));
        }
      }
      if (attr.empty()) {
        ++j;
        continue;
      }
      tag.attrs.emplace(attr, DecodeEntities(value));
    }
    i = j;
    if (name == "base") {
      auto href = tag.attrs.find("href");
      if (href != tag.attrs.end() && !Trim(href->second).empty())
        base = base.empty() ? CleanUrl(href->second) : ResolveUrl(base, href->second);
      continue;
    }
    links.push_back(std::move(tag));
  }
  for (const Tag& tag : links) {
    auto rel = tag.attrs.find("rel");
    auto type = tag.attrs.find("type");
    auto href = tag.attrs.find("href");
    if (rel == tag.attrs.end() || type == tag.attrs.end() || href == tag.attrs.end()) continue;
    bool alternate = false;
    std::string rels = AsciiLower(rel->second);
    for (size_t p = 0; p < rels.size();) {
      size_t e = rels.find_first_of(" \t\r\n", p);
      if (e == std::string::npos) e = rels.size();
      if (rels.compare(p, e - p, "alternate") == 0) alternate = true;
      p = e + 1;
    }
    std::string t = AsciiLower(Trim(type->second));
    t = t.substr(0, t.find(';'));
    t = Trim(t);
    bool feed_type = t == "application/rss+xml" || t == "application/atom+xml" || t == "application/rdf+xml" ||
                     t == "application/feed+json" || t == "application/x.atom+xml" || t == "application/x-atom+xml";
    if (!alternate || !feed_type || Trim(href->second).empty()) continue;
    std::string url = ResolveUrl(base, href->second);
    AddUnique(out, ScrubUtf8(url));
  }
  return out;
}

}  // namespace newsdesk
