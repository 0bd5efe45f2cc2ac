#include "extract/metadata.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <vector>

#include "common/time.h"
#include "common/url.h"

namespace newsdesk::extract_internal {

namespace {

using nlohmann::json;

std::string Trimmed(std::string_view s) { return CollapseSpaces(s); }

// UnescapeEntities decodes the entities sites leave in metadata values that
// were escaped twice ("&amp;quot;" arrives as "&quot;").
std::string UnescapeEntities(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  auto append_cp = [&](uint32_t cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) out.push_back(static_cast<char>(cp));
    else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  };
  static const std::array<std::pair<std::string_view, std::string_view>, 7> kNamed = {{
      {"amp;", "&"}, {"quot;", "\""}, {"apos;", "'"}, {"lt;", "<"}, {"gt;", ">"}, {"nbsp;", "\u00A0"},
      {"#39;", "'"}}};
  while (i < s.size()) {
    if (s[i] != '&') {
      out.push_back(s[i++]);
      continue;
    }
    std::string_view rest = s.substr(i + 1);
    bool done = false;
    for (const auto& [name, value] : kNamed) {
      if (rest.substr(0, name.size()) == name) {
        out.append(value);
        i += 1 + name.size();
        done = true;
        break;
      }
    }
    if (done) continue;
    if (!rest.empty() && rest[0] == '#') {
      size_t k = 1;
      bool hex = k < rest.size() && (rest[k] == 'x' || rest[k] == 'X');
      if (hex) ++k;
      uint32_t cp = 0;
      size_t digits = 0;
      while (k < rest.size() && digits < 8) {
        char c = rest[k];
        int d = (c >= '0' && c <= '9') ? c - '0'
                : (hex && c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (hex && c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                : -1;
        if (d < 0) break;
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
        ++k;
        ++digits;
      }
      if (digits > 0 && k < rest.size() && rest[k] == ';') {
        append_cp(cp);
        i += 1 + k + 1;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

int WordCount(std::string_view s) {
  int n = 0;
  bool in = false;
  for (char c : s) {
    bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (!ws && !in) ++n;
    in = !ws;
  }
  return n;
}

// --- dates -------------------------------------------------------------------

bool Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return false;
  for (size_t i = pos; i < pos + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int Num(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

std::optional<TimePoint> ParseRfc822(std::string_view s) {
  // [Day, ]DD Mon YYYY HH:MM[:SS] zone
  static constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                               "jul", "aug", "sep", "oct", "nov", "dec"};
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
    size_t b = i;
    while (i < s.size() && s[i] != ' ' && s[i] != ',') ++i;
    if (i > b) parts.push_back(s.substr(b, i - b));
  }
  if (!parts.empty() && !parts[0].empty() && (parts[0][0] < '0' || parts[0][0] > '9')) parts.erase(parts.begin());
  if (parts.size() < 4) return std::nullopt;
  std::string_view day = parts[0], mon = parts[1], year = parts[2], hms = parts[3];
  if (day.empty() || day.size() > 2 || !Digits(day, 0, day.size())) return std::nullopt;
  int month = 0;
  for (size_t m = 0; m < kMonths.size(); ++m)
    if (mon.size() >= 3 && AsciiIEquals(mon.substr(0, 3), kMonths[m])) month = static_cast<int>(m) + 1;
  if (month == 0 || year.size() != 4 || !Digits(year, 0, 4)) return std::nullopt;
  if (!(hms.size() == 5 || hms.size() == 8) || !Digits(hms, 0, 2) || hms[2] != ':' || !Digits(hms, 3, 2))
    return std::nullopt;
  int sec = 0;
  if (hms.size() == 8) {
    if (hms[5] != ':' || !Digits(hms, 6, 2)) return std::nullopt;
    sec = Num(hms, 6, 2);
  }
  std::string zone = "+00:00";
  if (parts.size() >= 5) {
    std::string_view z = parts[4];
    if ((z[0] == '+' || z[0] == '-') && z.size() == 5 && Digits(z, 1, 4))
      zone = fmt::format("{}{}:{}", z[0], z.substr(1, 2), z.substr(3, 2));
    else if (AsciiIEquals(z, "EST")) zone = "-05:00";
    else if (AsciiIEquals(z, "EDT")) zone = "-04:00";
    else if (AsciiIEquals(z, "CST")) zone = "-06:00";
    else if (AsciiIEquals(z, "CDT")) zone = "-05:00";
    else if (AsciiIEquals(z, "MST")) zone = "-07:00";
    else if (AsciiIEquals(z, "MDT")) zone = "-06:00";
    else if (AsciiIEquals(z, "PST")) zone = "-08:00";
    else if (AsciiIEquals(z, "PDT")) zone = "-07:00";
    else if (AsciiIEquals(z, "MSK")) zone = "+03:00";
  }
  auto t = ParseIso8601(fmt::format("{}-{:02d}-{:02d}T{}:{}:{:02d}{}", year, month, Num(day, 0, day.size()),
                                    hms.substr(0, 2), hms.substr(3, 2), sec, zone));
  if (!t.ok()) return std::nullopt;
  return *t;
}

// --- JSON-LD -----------------------------------------------------------------

bool IsArticleType(const json& type) {
  static constexpr std::string_view kTypes[] = {
      "Article", "AdvertiserContentArticle", "NewsArticle", "AnalysisNewsArticle", "AskPublicNewsArticle",
      "BackgroundNewsArticle", "OpinionNewsArticle", "ReportageNewsArticle", "ReviewNewsArticle", "Report",
      "SatiricalArticle", "ScholarlyArticle", "MedicalScholarlyArticle", "SocialMediaPosting", "BlogPosting",
      "LiveBlogPosting", "DiscussionForumPosting", "TechArticle", "APIReference"};
  auto one = [](const json& t) {
    if (!t.is_string()) return false;
    std::string_view s = t.get_ref<const std::string&>();
    if (size_t slash = s.rfind('/'); slash != std::string_view::npos) s = s.substr(slash + 1);  // full IRIs
    for (auto k : kTypes)
      if (s == k) return true;
    return false;
  };
  if (type.is_array()) return std::any_of(type.begin(), type.end(), one);
  return one(type);
}

std::string StringOf(const json& v) {
  if (v.is_string()) return UnescapeEntities(Trimmed(v.get_ref<const std::string&>()));
  return {};
}

// NameOf: "X", {"name": "X"}, or [those] joined by ", ".
std::string NamesOf(const json& v) {
  if (v.is_string()) return StringOf(v);
  if (v.is_object()) {
    auto it = v.find("name");
    return it != v.end() ? NamesOf(*it) : std::string();
  }
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) {
      if (e.is_array()) continue;  // no deeper than one level
      std::string n = NamesOf(e);
      if (n.empty() || out.find(n) != std::string::npos) continue;
      if (!out.empty()) out += ", ";
      out += n;
    }
    return out;
  }
  return {};
}

// UrlOf: "u", {"url": "u"} / {"@id": "u"}, or the first of an array.
std::string UrlOf(const json& v) {
  if (v.is_string()) return StringOf(v);
  if (v.is_object()) {
    for (const char* k : {"url", "contentUrl", "@id"}) {
      auto it = v.find(k);
      if (it != v.end() && it->is_string()) return StringOf(*it);
    }
    return {};
  }
  if (v.is_array()) {
    for (const auto& e : v) {
      if (e.is_array()) continue;
      std::string u = UrlOf(e);
      if (!u.empty()) return u;
    }
  }
  return {};
}

// FindArticleObject returns the first object typed as an article, searching
// arrays, @graph and nested objects breadth-first (bounded).
const json* FindArticleObject(const json& root) {
  std::vector<std::pair<const json*, int>> queue = {{&root, 0}};
  for (size_t qi = 0; qi < queue.size() && qi < 4096; ++qi) {
    auto [v, depth] = queue[qi];
    if (v->is_object()) {
      auto t = v->find("@type");
      if (t != v->end() && IsArticleType(*t)) return v;
    }
    if (depth >= 6) continue;
    if (v->is_array()) {
      for (const auto& e : *v)
        if (e.is_object() || e.is_array()) queue.push_back({&e, depth + 1});
    } else if (v->is_object()) {
      for (const auto& [k, e] : v->items())
        if (e.is_object() || e.is_array()) queue.push_back({&e, depth + 1});
    }
  }
  return nullptr;
}

struct JsonLd {
  std::string headline, name, author, date_published, image, body, license, url, language, publisher;
  bool found = false;
};

void ReadJsonLd(const Node* script, JsonLd& out) {
  std::string text = TextContent(script);
  std::string_view t = text;
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t'))
      s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
      s.remove_suffix(1);
    return s;
  };
  t = trim(t);
  if (t.substr(0, 9) == "<![CDATA[") t = trim(t.substr(9));
  if (t.size() >= 3 && t.substr(t.size() - 3) == "]]>") t = trim(t.substr(0, t.size() - 3));
  if (t.substr(0, 4) == "<!--") t = trim(t.substr(4));
  if (t.size() >= 3 && t.substr(t.size() - 3) == "-->") t = trim(t.substr(0, t.size() - 3));
  json parsed = json::parse(t.begin(), t.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return;
  const json* a = FindArticleObject(parsed);
  if (!a) return;
  out.found = true;
  auto get = [&](const char* k) -> const json& {
    static const json kNull;
    auto it = a->find(k);
    return it == a->end() ? kNull : *it;
  };
  out.headline = StringOf(get("headline"));
  out.name = StringOf(get("name"));
  out.author = NamesOf(get("author"));
  if (out.author.empty()) out.author = NamesOf(get("creator"));
  out.date_published = StringOf(get("datePublished"));
  if (out.date_published.empty()) out.date_published = StringOf(get("dateCreated"));
  out.image = UrlOf(get("image"));
  if (out.image.empty()) out.image = UrlOf(get("thumbnailUrl"));
  if (get("articleBody").is_string()) out.body = get("articleBody").get<std::string>();
  out.license = StringOf(get("license"));
  if (out.license.empty()) out.license = UrlOf(get("license"));
  if (out.license.empty()) out.license = StringOf(get("copyrightNotice"));
  out.url = UrlOf(get("mainEntityOfPage"));
  if (out.url.empty()) out.url = StringOf(get("url"));
  out.language = StringOf(get("inLanguage"));
  out.publisher = NamesOf(get("publisher"));
}

}  // namespace

// --- public --------------------------------------------------------------------

std::optional<TimePoint> ParsePageTime(std::string_view in) {
  std::string s = Trimmed(in);
  if (s.empty() || s.size() > 64) return std::nullopt;
  if (auto t = ParseIso8601(s); t.ok()) return *t;
  if (Digits(s, 0, 4) && s.size() >= 10 && s[4] == '-' && Digits(s, 5, 2) && s[7] == '-' && Digits(s, 8, 2)) {
    if (s.size() == 10) {
      if (auto t = ParseIso8601(s + "T00:00:00Z"); t.ok()) return *t;
      return std::nullopt;
    }
    // A time without a zone: UTC is the least wrong reading.
    if (auto t = ParseIso8601(s + "Z"); t.ok()) return *t;
    return std::nullopt;
  }
  return ParseRfc822(s);
}

double TextSimilarity(std::string_view a, std::string_view b) {
  auto tokens = [](std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
      unsigned char u = static_cast<unsigned char>(c);
      bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || u >= 0x80;
      if (word) {
        cur.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      } else if (!cur.empty()) {
        out.push_back(std::move(cur));
        cur.clear();
      }
    }
    if (!cur.empty()) out.push_back(std::move(cur));
    return out;
  };
  auto ta = tokens(a), tb = tokens(b);
  if (ta.empty() || tb.empty()) return 0;
  std::string uniq, all;
  for (const auto& t : tb) {
    if (!all.empty()) all += ' ';
    all += t;
    if (std::find(ta.begin(), ta.end(), t) == ta.end()) {
      if (!uniq.empty()) uniq += ' ';
      uniq += t;
    }
  }
  return 1.0 - static_cast<double>(uniq.size()) / static_cast<double>(all.size());
}

std::string CleanTitle(std::string_view title, const Document& doc) {
  const std::string orig = Trimmed(title);
  std::string cur = orig;
  bool hierarchical = false;
  // Separators surrounded by spaces: " | ", " - ", " \ ", " / ", " > ", " » ".
  std::vector<std::pair<size_t, size_t>> seps;  // position of the leading space, length
  for (size_t i = 0; i + 2 < orig.size(); ++i) {
    if (orig[i] != ' ') continue;
    std::string_view rest = std::string_view(orig).substr(i + 1);
    size_t len = 0;
    if (!rest.empty() && (rest[0] == '|' || rest[0] == '-' || rest[0] == '\\' || rest[0] == '/' || rest[0] == '>'))
      len = 1;
    else if (rest.substr(0, 2) == "\u00BB") len = 2;
    else if (rest.substr(0, 3) == "\u2013" || rest.substr(0, 3) == "\u2014") len = 3;  // en, em dash
    if (len && rest.size() > len && rest[len] == ' ') {
      seps.push_back({i, len});
      if (rest[0] != '|' && rest[0] != '-' && len != 3) hierarchical = true;
    }
  }
  if (!seps.empty()) {
    cur = orig.substr(0, seps.back().first);
    if (WordCount(cur) < 3) {
      // Drop everything up to the first separator character.
      size_t first = std::string::npos;
      for (size_t i = 0; i < orig.size(); ++i) {
        char c = orig[i];
        if (c == '|' || c == '-' || c == '\\' || c == '/' || c == '>' ||
            std::string_view(orig).substr(i, 2) == "\u00BB") {
          first = i + (c == '\xC2' ? 2 : 1);
          break;
        }
      }
      if (first != std::string::npos) cur = orig.substr(first);
    }
  } else if (orig.find(": ") != std::string::npos) {
    bool heading_matches = false;
    for (Node* n = doc.root(); n && !heading_matches; n = NextNode(n, doc.root()))
      if ((n->Is(GUMBO_TAG_H1) || n->Is(GUMBO_TAG_H2)) && InnerText(n) == orig) heading_matches = true;
    if (!heading_matches) {
      cur = orig.substr(orig.rfind(':') + 1);
      if (WordCount(cur) < 3) cur = orig.substr(orig.find(':') + 1);
      else if (WordCount(orig.substr(0, orig.find(':'))) > 5) cur = orig;
    }
  } else if (orig.size() > 150 || orig.size() < 15) {
    Node* only_h1 = nullptr;
    int h1s = 0;
    for (Node* n = doc.root(); n; n = NextNode(n, doc.root()))
      if (n->Is(GUMBO_TAG_H1) && ++h1s == 1) only_h1 = n;
    if (h1s == 1) cur = InnerText(only_h1);
  }
  cur = Trimmed(cur);
  int words = WordCount(cur);
  if (words <= 4) {
    std::string stripped;
    for (char c : orig)
      if (c != '|' && c != '-' && c != '\\' && c != '/' && c != '>') stripped.push_back(c);
    if (!hierarchical || words != WordCount(stripped) - 1) cur = orig;
  }
  return cur;
}

PageMetadata ReadMetadata(const Document& doc, std::string_view page_url) {
  PageMetadata md;
  std::map<std::string, std::string> meta;  // lower-case key -> first non-empty content
  JsonLd ld;
  std::string canonical, base_href, rel_license, time_in_article, time_first, itemprop_date, itemprop_author;
  const Node* root = doc.root();
  bool author_tried = false;
  for (Node* n = root->first_child; n; n = NextNode(n, root)) {
    if (!n->is_element()) continue;
    switch (n->tag) {
      case GUMBO_TAG_META: {
        std::string_view content = n->Attr("content");
        if (content.empty()) break;
        for (const char* attr : {"property", "name", "itemprop", "http-equiv"}) {
          std::string_view key = n->Attr(attr);
          if (key.empty() || key.size() > 80) continue;
          // "property" may hold several space-separated names.
          size_t i = 0;
          while (i < key.size()) {
            while (i < key.size() && key[i] == ' ') ++i;
            size_t b = i;
            while (i < key.size() && key[i] != ' ') ++i;
            if (i > b) meta.emplace(AsciiLower(key.substr(b, i - b)), UnescapeEntities(Trimmed(content)));
          }
        }
        break;
      }
      case GUMBO_TAG_LINK: {
        std::string_view rel = n->Attr("rel");
        if (AsciiIEquals(rel, "canonical") && canonical.empty()) canonical = Trimmed(n->Attr("href"));
        if (AsciiIEquals(rel, "image_src")) meta.emplace("image_src", Trimmed(n->Attr("href")));
        if (AsciiIEquals(rel, "license") && rel_license.empty()) rel_license = Trimmed(n->Attr("href"));
        break;
      }
      case GUMBO_TAG_BASE:
        if (base_href.empty()) base_href = Trimmed(n->Attr("href"));
        break;
      case GUMBO_TAG_TITLE:
        if (md.html_title.empty()) md.html_title = Trimmed(TextContent(n));
        break;
      case GUMBO_TAG_SCRIPT:
        if (!ld.found && ContainsCI(n->Attr("type"), "ld+json")) ReadJsonLd(n, ld);
        break;
      case GUMBO_TAG_TIME: {
        std::string_view dt = n->Attr("datetime");
        if (dt.empty()) break;
        if (n->HasAttr("pubdate") && time_in_article.empty()) time_in_article = Trimmed(dt);
        if (!time_in_article.empty() && !time_first.empty()) break;
        // Times of other stories sit in lists, asides, navigation, footers.
        bool in_article = false, elsewhere = false;
        int up = 0;
        for (Node* a = n->parent; a && up < 64 && !in_article && !elsewhere; a = a->parent, ++up) {
          in_article = a->Is(GUMBO_TAG_ARTICLE) || a->Is(GUMBO_TAG_MAIN);
          elsewhere = a->Is(GUMBO_TAG_ASIDE) || a->Is(GUMBO_TAG_NAV) || a->Is(GUMBO_TAG_FOOTER) || a->Is(GUMBO_TAG_LI);
        }
        if (in_article && time_in_article.empty()) time_in_article = Trimmed(dt);
        if (!elsewhere && time_first.empty()) time_first = Trimmed(dt);
        break;
      }
      case GUMBO_TAG_A:
        if (AsciiIEquals(n->Attr("rel"), "license") && rel_license.empty()) {
          rel_license = Trimmed(InnerText(n));
          if (rel_license.empty()) rel_license = Trimmed(n->Attr("href"));
        }
        break;
      default:
        break;
    }
    std::string_view itemprop = n->Attr("itemprop");
    if (!itemprop.empty() && n->tag != GUMBO_TAG_META) {
      if (itemprop == "datePublished" && itemprop_date.empty()) {
        std::string_view v = n->Attr("datetime");
        if (v.empty()) v = n->Attr("content");
        itemprop_date = v.empty() ? Trimmed(InnerText(n)) : Trimmed(v);
      } else if (itemprop == "author" && !author_tried) {
        author_tried = true;
        Node* name_node = nullptr;
        for (Node* d = n->first_child; d && !name_node; d = NextNode(d, n))
          if (d->is_element() && d->Attr("itemprop") == "name") name_node = d;
        std::string_view content = (name_node ? name_node : n)->Attr("content");
        itemprop_author = content.empty() ? InnerText(name_node ? name_node : n) : Trimmed(content);
        if (itemprop_author.size() > 100) itemprop_author.clear();
      }
    }
  }
  auto m = [&](std::initializer_list<const char*> keys) -> std::string {
    for (const char* k : keys) {
      auto it = meta.find(k);
      if (it != meta.end() && !it->second.empty()) return it->second;
    }
    return {};
  };

  // Base URL: the page's own address, else <base href>, else canonical.
  std::string og_url = m({"og:url"});
  if (IsAbsoluteHttpUrl(page_url)) {
    md.base_url = std::string(page_url);
    if (!base_href.empty()) md.base_url = ResolveUrl(md.base_url, base_href);
  } else if (IsAbsoluteHttpUrl(base_href)) {
    md.base_url = base_href;
  } else if (IsAbsoluteHttpUrl(canonical)) {
    md.base_url = canonical;
  } else if (IsAbsoluteHttpUrl(og_url)) {
    md.base_url = og_url;
  } else if (IsAbsoluteHttpUrl(ld.url)) {
    md.base_url = ld.url;
  }
  auto abs = [&](const std::string& u) { return u.empty() ? u : ResolveUrl(md.base_url, u); };

  // Title.
  // JSON-LD's "name" is sometimes the site's name, and "headline" sometimes
  // a description (Wikipedia): as Readability does, "headline" only when
  // the <title> agrees with it and not with "name".
  std::string ld_title = !ld.name.empty() ? ld.name : ld.headline;
  if (!ld.headline.empty() && !ld.name.empty() && ld.headline != ld.name) {
    const std::string page_title = CleanTitle(md.html_title, doc);
    const bool name_matches = TextSimilarity(ld.name, page_title) > 0.75;
    const bool headline_matches = TextSimilarity(ld.headline, page_title) > 0.75;
    if (headline_matches && !name_matches) ld_title = ld.headline;
  }
  md.title = ld_title;
  if (md.title.empty())
    md.title = m({"dc:title", "dc.title", "dcterm:title", "dcterms.title", "og:title", "weibo:article:title",
                  "title", "twitter:title", "parsely-title"});
  if (md.title.empty()) md.title = CleanTitle(md.html_title, doc);

  // Author.
  md.author = ld.author;
  if (md.author.empty())
    md.author = m({"dc:creator", "dc.creator", "dcterm:creator", "dcterms.creator", "author", "parsely-author",
                   "sailthru.author"});
  if (md.author.empty()) {
    std::string a = m({"article:author"});
    if (!a.empty() && !IsAbsoluteHttpUrl(a)) md.author = a;
  }
  if (md.author.empty()) {
    std::string byl = m({"byl"});
    if (byl.size() > 3 && AsciiIEquals(std::string_view(byl).substr(0, 3), "by ")) byl = byl.substr(3);
    md.author = byl;
  }
  if (md.author.empty()) md.author = itemprop_author;

  // Publish time: the article's own statements first.
  for (const std::string& cand :
       {ld.date_published,
        m({"article:published_time", "og:article:published_time", "og:published_time", "published_time",
           "article.published", "article:published", "parsely-pub-date", "sailthru.date", "datepublished",
           "publishdate", "publish-date", "pubdate", "publication_date", "dc.date.issued", "dcterms.issued",
           "dc.date", "dcterms.date", "dcterms.created", "date", "mediator_published_time"}),
        itemprop_date, time_in_article, time_first}) {
    if (cand.empty()) continue;
    if (auto t = ParsePageTime(cand)) {
      md.published = t;
      break;
    }
  }

  // Canonical URL and lead image.
  md.canonical_url = abs(!canonical.empty() ? canonical : og_url);
  std::string image = m({"og:image", "og:image:url", "og:image:secure_url"});
  if (image.empty()) image = ld.image;
  if (image.empty()) image = m({"twitter:image", "twitter:image:src", "image_src", "image", "thumbnailurl"});
  md.image = abs(image);

  md.site_name = m({"og:site_name"});
  if (md.site_name.empty()) md.site_name = ld.publisher;
  md.description = m({"description", "og:description", "dc.description", "twitter:description"});

  // Declared language.
  if (doc.html()) md.language = Trimmed(doc.html()->Attr("lang"));
  if (md.language.empty()) md.language = Trimmed(doc.html() ? doc.html()->Attr("xml:lang") : "");
  if (md.language.empty()) md.language = m({"content-language", "language", "dc.language", "dcterms.language"});
  if (md.language.empty()) md.language = ld.language;
  if (md.language.empty()) {
    std::string locale = m({"og:locale"});
    std::replace(locale.begin(), locale.end(), '_', '-');
    md.language = locale;
  }

  // Rights.
  md.rights = ld.license;
  if (md.rights.empty()) md.rights = rel_license;
  if (md.rights.empty()) md.rights = m({"dc.rights", "dcterms.rights", "rights", "copyright", "dc:rights"});

  md.json_ld_body = ld.body;
  return md;
}

}  // namespace newsdesk::extract_internal
