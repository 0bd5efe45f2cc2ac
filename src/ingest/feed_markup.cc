// The markup under the feed parser: characters and entities, HTML to text,
// image URLs, tolerant XML repair, XML access (ingest/feed_markup.h).
#include "ingest/feed_markup.h"

#include <fmt/format.h>
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

namespace newsdesk::feed_internal {

// ---------------------------------------------------------------------------
// Characters and entities
// ---------------------------------------------------------------------------

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IStartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && AsciiIEquals(s.substr(0, prefix.size()), prefix);
}

// ScrubUtf8 replaces ill-formed UTF-8 sequences and NUL bytes with U+FFFD,
// so that every string the parser returns is valid UTF-8.
std::string ScrubUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const size_t len = s[i] == '\0' ? 0 : Utf8SequenceAt(s, i);
    if (len) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      AppendUtf8(out, 0xFFFD);
      ++i;
    }
  }
  return out;
}

struct NamedEntity {
  std::string_view name;
  uint32_t cp;
};

// The HTML 4 entities plus &apos;, sorted by name (byte order) for binary search.
constexpr NamedEntity kEntities[] = {
    {"AElig", 0xC6}, {"Aacute", 0xC1}, {"Acirc", 0xC2}, {"Agrave", 0xC0}, {"Alpha", 0x391}, {"Aring", 0xC5},
    {"Atilde", 0xC3}, {"Auml", 0xC4}, {"Beta", 0x392}, {"Ccedil", 0xC7}, {"Chi", 0x3A7}, {"Dagger", 0x2021},
    {"Delta", 0x394}, {"ETH", 0xD0}, {"Eacute", 0xC9}, {"Ecirc", 0xCA}, {"Egrave", 0xC8}, {"Epsilon", 0x395},
    {"Eta", 0x397}, {"Euml", 0xCB}, {"Gamma", 0x393}, {"Iacute", 0xCD}, {"Icirc", 0xCE}, {"Igrave", 0xCC},
    {"Iota", 0x399}, {"Iuml", 0xCF}, {"Kappa", 0x39A}, {"Lambda", 0x39B}, {"Mu", 0x39C}, {"Ntilde", 0xD1},
    {"Nu", 0x39D}, {"OElig", 0x152}, {"Oacute", 0xD3}, {"Ocirc", 0xD4}, {"Ograve", 0xD2}, {"Omega", 0x3A9},
    {"Omicron", 0x39F}, {"Oslash", 0xD8}, {"Otilde", 0xD5}, {"Ouml", 0xD6}, {"Phi", 0x3A6}, {"Pi", 0x3A0},
    {"Prime", 0x2033}, {"Psi", 0x3A8}, {"Rho", 0x3A1}, {"Scaron", 0x160}, {"Sigma", 0x3A3}, {"THORN", 0xDE},
    {"Tau", 0x3A4}, {"Theta", 0x398}, {"Uacute", 0xDA}, {"Ucirc", 0xDB}, {"Ugrave", 0xD9}, {"Upsilon", 0x3A5},
    {"Uuml", 0xDC}, {"Xi", 0x39E}, {"Yacute", 0xDD}, {"Yuml", 0x178}, {"Zeta", 0x396}, {"aacute", 0xE1},
    {"acirc", 0xE2}, {"acute", 0xB4}, {"aelig", 0xE6}, {"agrave", 0xE0}, {"alefsym", 0x2135}, {"alpha", 0x3B1},
    {"amp", 0x26}, {"and", 0x2227}, {"ang", 0x2220}, {"apos", 0x27}, {"aring", 0xE5}, {"asymp", 0x2248},
    {"atilde", 0xE3}, {"auml", 0xE4}, {"bdquo", 0x201E}, {"beta", 0x3B2}, {"brvbar", 0xA6}, {"bull", 0x2022},
    {"cap", 0x2229}, {"ccedil", 0xE7}, {"cedil", 0xB8}, {"cent", 0xA2}, {"chi", 0x3C7}, {"circ", 0x2C6},
    {"clubs", 0x2663}, {"cong", 0x2245}, {"copy", 0xA9}, {"crarr", 0x21B5}, {"cup", 0x222A}, {"curren", 0xA4},
    {"dArr", 0x21D3}, {"dagger", 0x2020}, {"darr", 0x2193}, {"deg", 0xB0}, {"delta", 0x3B4}, {"diams", 0x2666},
    {"divide", 0xF7}, {"eacute", 0xE9}, {"ecirc", 0xEA}, {"egrave", 0xE8}, {"empty", 0x2205}, {"emsp", 0x2003},
    {"ensp", 0x2002}, {"epsilon", 0x3B5}, {"equiv", 0x2261}, {"eta", 0x3B7}, {"eth", 0xF0}, {"euml", 0xEB},
    {"euro", 0x20AC}, {"exist", 0x2203}, {"fnof", 0x192}, {"forall", 0x2200}, {"frac12", 0xBD}, {"frac14", 0xBC},
    {"frac34", 0xBE}, {"frasl", 0x2044}, {"gamma", 0x3B3}, {"ge", 0x2265}, {"gt", 0x3E}, {"hArr", 0x21D4},
    {"harr", 0x2194}, {"hearts", 0x2665}, {"hellip", 0x2026}, {"iacute", 0xED}, {"icirc", 0xEE}, {"iexcl", 0xA1},
    {"igrave", 0xEC}, {"image", 0x2111}, {"infin", 0x221E}, {"int", 0x222B}, {"iota", 0x3B9}, {"iquest", 0xBF},
    {"isin", 0x2208}, {"iuml", 0xEF}, {"kappa", 0x3BA}, {"lArr", 0x21D0}, {"lambda", 0x3BB}, {"lang", 0x2329},
    {"laquo", 0xAB}, {"larr", 0x2190}, {"lceil", 0x2308}, {"ldquo", 0x201C}, {"le", 0x2264}, {"lfloor", 0x230A},
    {"lowast", 0x2217}, {"loz", 0x25CA}, {"lrm", 0x200E}, {"lsaquo", 0x2039}, {"lsquo", 0x2018}, {"lt", 0x3C},
    {"macr", 0xAF}, {"mdash", 0x2014}, {"micro", 0xB5}, {"middot", 0xB7}, {"minus", 0x2212}, {"mu", 0x3BC},
    {"nabla", 0x2207}, {"nbsp", 0xA0}, {"ndash", 0x2013}, {"ne", 0x2260}, {"ni", 0x220B}, {"not", 0xAC},
    {"notin", 0x2209}, {"nsub", 0x2284}, {"ntilde", 0xF1}, {"nu", 0x3BD}, {"oacute", 0xF3}, {"ocirc", 0xF4},
    {"oelig", 0x153}, {"ograve", 0xF2}, {"oline", 0x203E}, {"omega", 0x3C9}, {"omicron", 0x3BF}, {"oplus", 0x2295},
    {"or", 0x2228}, {"ordf", 0xAA}, {"ordm", 0xBA}, {"oslash", 0xF8}, {"otilde", 0xF5}, {"otimes", 0x2297},
    {"ouml", 0xF6}, {"para", 0xB6}, {"part", 0x2202}, {"permil", 0x2030}, {"perp", 0x22A5}, {"phi", 0x3C6},
    {"pi", 0x3C0}, {"piv", 0x3D6}, {"plusmn", 0xB1}, {"pound", 0xA3}, {"prime", 0x2032}, {"prod", 0x220F},
    {"prop", 0x221D}, {"psi", 0x3C8}, {"quot", 0x22}, {"rArr", 0x21D2}, {"radic", 0x221A}, {"rang", 0x232A},
    {"raquo", 0xBB}, {"rarr", 0x2192}, {"rceil", 0x2309}, {"rdquo", 0x201D}, {"real", 0x211C}, {"reg", 0xAE},
    {"rfloor", 0x230B}, {"rho", 0x3C1}, {"rlm", 0x200F}, {"rsaquo", 0x203A}, {"rsquo", 0x2019}, {"sbquo", 0x201A},
    {"scaron", 0x161}, {"sdot", 0x22C5}, {"sect", 0xA7}, {"shy", 0xAD}, {"sigma", 0x3C3}, {"sigmaf", 0x3C2},
    {"sim", 0x223C}, {"spades", 0x2660}, {"sub", 0x2282}, {"sube", 0x2286}, {"sum", 0x2211}, {"sup", 0x2283},
    {"sup1", 0xB9}, {"sup2", 0xB2}, {"sup3", 0xB3}, {"supe", 0x2287}, {"szlig", 0xDF}, {"tau", 0x3C4},
    {"there4", 0x2234}, {"theta", 0x3B8}, {"thetasym", 0x3D1}, {"thinsp", 0x2009}, {"thorn", 0xFE}, {"tilde", 0x2DC},
    {"times", 0xD7}, {"trade", 0x2122}, {"uArr", 0x21D1}, {"uacute", 0xFA}, {"uarr", 0x2191}, {"ucirc", 0xFB},
    {"ugrave", 0xF9}, {"uml", 0xA8}, {"upsih", 0x3D2}, {"upsilon", 0x3C5}, {"uuml", 0xFC}, {"weierp", 0x2118},
    {"xi", 0x3BE}, {"yacute", 0xFD}, {"yen", 0xA5}, {"yuml", 0xFF}, {"zeta", 0x3B6}, {"zwj", 0x200D},
    {"zwnj", 0x200C},
};

std::optional<uint32_t> LookupEntity(std::string_view name) {
  auto it = std::lower_bound(std::begin(kEntities), std::end(kEntities), name,
                             [](const NamedEntity& e, std::string_view n) { return e.name < n; });
  if (it != std::end(kEntities) && it->name == name) return it->cp;
  return std::nullopt;
}

// DecodeEntityAt decodes the character reference starting at s[i] == '&'.
// On success appends the character(s) to `out`, and returns the length
// consumed; returns 0 when s[i] does not start a reference we know.
size_t DecodeEntityAt(std::string_view s, size_t i, std::string& out) {
  size_t j = i + 1;
  if (j < s.size() && s[j] == '#') {
    ++j;
    bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
    if (hex) ++j;
    size_t start = j;
    uint64_t v = 0;
    while (j < s.size() && (hex ? std::isxdigit(static_cast<unsigned char>(s[j])) : IsAsciiDigit(s[j]))) {
      int d = IsAsciiDigit(s[j]) ? s[j] - '0' : Lower(s[j]) - 'a' + 10;
      if (v < 0x1000000) v = v * (hex ? 16 : 10) + static_cast<uint64_t>(d);
      ++j;
    }
    if (j == start) return 0;
    if (j < s.size() && s[j] == ';') ++j;
    uint32_t cp = v > 0x10FFFF ? 0xFFFD : static_cast<uint32_t>(v);
    if (cp >= 0x80 && cp < 0xA0) cp = kCp1252C1[cp - 0x80];
    AppendUtf8(out, cp);
    return j - i;
  }
  size_t start = j;
  while (j < s.size() && j - start < 10 && IsAsciiAlnum(s[j])) ++j;
  if (j == start || j >= s.size() || s[j] != ';') return 0;
  auto cp = LookupEntity(s.substr(start, j - start));
  if (!cp) return 0;
  AppendUtf8(out, *cp);
  return j + 1 - i;
}

// DecodeEntities decodes XML and HTML character references; what isn't one
// (a stray '&', an unknown name) stays as written.
std::string DecodeEntities(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '&') {
      size_t n = DecodeEntityAt(s, i, out);
      if (n) {
        i += n;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

void AppendEscapedHtml(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
}

std::string EscapeHtml(std::string_view s) {
  std::string out;
  AppendEscapedHtml(out, s);
  return out;
}

bool IsBlockTag(std::string_view name) {
  static constexpr std::string_view kBlocks[] = {
      "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "figcaption",
      "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li", "main", "nav",
      "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"};
  return std::find(std::begin(kBlocks), std::end(kBlocks), name) != std::end(kBlocks);
}

bool IsKnownHtmlTag(std::string_view name) {
  static constexpr std::string_view kInline[] = {
      "a", "abbr", "acronym", "b", "big", "cite", "code", "del", "dfn", "em", "font", "i", "ins", "kbd", "mark",
      "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr"};
  return IsBlockTag(name) || std::find(std::begin(kInline), std::end(kInline), name) != std::end(kInline);
}

// HtmlToText reads `html` as a browser would show it as one line of text:
// tags dropped (block-level ones become a space), script and style skipped,
// entities decoded, whitespace collapsed. With `known_tags_only`, only tags
// named like HTML elements are dropped, so "a <b" and "<T>" in a title stay.
std::string HtmlToText(std::string_view html, bool known_tags_only) {
  std::string out;
  out.reserve(html.size());
  size_t i = 0;
  const size_t n = html.size();
  bool tags_possible = true;  // false once no '>' is left: every '<' after is text
  while (i < n) {
    char c = html[i];
    if (c == '<' && i + 1 < n && tags_possible) {
      if (html.compare(i, 4, "<!--") == 0) {
        size_t end = html.find("-->", i + 4);
        i = end == std::string_view::npos ? n : end + 3;
        continue;
      }
      char d = html[i + 1];
      bool tagish = IsAsciiAlpha(d) || (d == '/' && i + 2 < n && IsAsciiAlpha(html[i + 2])) ||
                    (!known_tags_only && (d == '/' || d == '!' || d == '?'));
      if (!tagish) {
        out += c;
        ++i;
        continue;
      }
      size_t j = i + 1;
      bool closing = html[j] == '/';
      if (closing) ++j;
      size_t name_start = j;
      while (j < n && (IsAsciiAlnum(html[j]) || html[j] == ':' || html[j] == '-')) ++j;
      std::string name = AsciiLower(html.substr(name_start, j - name_start));
      if (known_tags_only && !IsKnownHtmlTag(name)) {
        out += c;
        ++i;
        continue;
      }
      // Find the end of the tag, honouring quoted attribute values.
      char quote = 0;
      size_t k = j;
      for (; k < n; ++k) {
        if (quote) {
          if (html[k] == quote) quote = 0;
        } else if (html[k] == '"' || html[k] == '\'') {
          quote = html[k];
        } else if (html[k] == '>') {
          break;
        }
      }
      if (k >= n) {  // an unmatched quote: end at the next '>', if there is one
        k = html.find('>', j);
        if (k == std::string_view::npos) {
          tags_possible = false;
          out += c;
          ++i;
          continue;
        }
      }
      i = k + 1;
      if (!closing && (name == "script" || name == "style")) {
        size_t end = std::string_view::npos;
        for (size_t p = i; p + 2 + name.size() <= n; ++p) {
          if (html[p] == '<' && html[p + 1] == '/' && AsciiIEquals(html.substr(p + 2, name.size()), name)) {
            end = p;
            break;
          }
        }
        if (end == std::string_view::npos) {
          i = n;
        } else {
          size_t gt = html.find('>', end);
          i = gt == std::string_view::npos ? n : gt + 1;
        }
        continue;
      }
      if (IsBlockTag(name)) out += ' ';
      continue;
    }
    if (c == '&') {
      size_t used = DecodeEntityAt(html, i, out);
      if (used) {
        i += used;
        continue;
      }
    }
    out += c;
    ++i;
  }
  return CollapseWhitespace(out);
}

// ---------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------

bool LooksLikeImageUrl(std::string_view url) {
  std::string path = AsciiLower(SplitUrl(url).path);
  for (std::string_view ext : {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".bmp"}) {
    if (path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Tolerant XML repair
// ---------------------------------------------------------------------------


bool IsNameStart(char c) { return IsAsciiAlpha(c) || c == '_' || c == ':' || static_cast<unsigned char>(c) >= 0x80; }
bool IsNameChar(char c) { return IsNameStart(c) || IsAsciiDigit(c) || c == '-' || c == '.'; }

// AppendText appends character data with stray '&' and '<' escaped.
void AppendXmlText(std::string& out, std::string_view text, int& stray) {
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '&') {
      size_t j = i + 1;
      if (j < text.size() && text[j] == '#') {
        ++j;
        if (j < text.size() && (text[j] == 'x' || text[j] == 'X')) ++j;
      }
      size_t start = j;
      while (j < text.size() && IsAsciiAlnum(text[j]) && j - start < 32) ++j;
      if (j > start && j < text.size() && text[j] == ';') {
        out += c;
      } else {
        out += "&amp;";
        ++stray;
      }
    } else if (c == '<') {
      out += "&lt;";
      ++stray;
    } else {
      out += c;
    }
  }
}

// RepairXml rewrites `in` into well-formed XML the way a lenient reader
// understands it: stray '&' and '<' escaped, attributes quoted and
// de-duplicated, end tags matched to the nearest open element of that name
// (closing the ones in between) or dropped, an unterminated CDATA section or
// tag closed at the end, open elements closed at the end, and what follows
// the root element dropped. Comments, processing instructions and the
// DOCTYPE are dropped.
std::string RepairXml(std::string_view in, RepairCounts& counts) {
  std::string out;
  out.reserve(in.size() + in.size() / 8 + 64);
  std::vector<std::string> stack;
  bool root_done = false;
  size_t i = 0;
  const size_t n = in.size();
  while (i < n && !root_done) {
    if (in[i] != '<') {
      size_t end = in.find('<', i);
      if (end == std::string_view::npos) end = n;
      if (!stack.empty()) AppendXmlText(out, in.substr(i, end - i), counts.stray_chars);
      i = end;
      continue;
    }
    std::string_view rest = in.substr(i);
    if (rest.substr(0, 4) == "<!--") {
      size_t end = in.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    if (rest.substr(0, 9) == "<![CDATA[") {
      size_t end = in.find("]]>", i + 9);
      std::string_view body = in.substr(i + 9, end == std::string_view::npos ? std::string_view::npos : end - i - 9);
      if (end == std::string_view::npos) counts.unterminated_cdata = true;
      if (!stack.empty()) {
        out += "<![CDATA[";
        out += body;
        out += "]]>";
      }
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    if (rest.substr(0, 2) == "<!") {  // DOCTYPE, with an internal subset in brackets
      size_t j = i + 2;
      int bracket = 0;
      for (; j < n; ++j) {
        if (in[j] == '[') ++bracket;
        else if (in[j] == ']' && bracket > 0) --bracket;
        else if (in[j] == '>' && bracket == 0) break;
      }
      i = j < n ? j + 1 : n;
      continue;
    }
    if (rest.substr(0, 2) == "<?") {
      size_t end = in.find("?>", i + 2);
      i = end == std::string_view::npos ? n : end + 2;
      continue;
    }
    if (rest.size() >= 3 && rest[1] == '/' && IsNameStart(rest[2])) {
      size_t j = i + 2;
      while (j < n && IsNameChar(in[j])) ++j;
      std::string name(in.substr(i + 2, j - i - 2));
      size_t lt = in.find('<', j);
      size_t gt = in.substr(0, lt).find('>', j);  // only up to the next tag: no quadratic scans
      if (gt == std::string_view::npos) {
        ++counts.fixed_end_tags;  // "</rss" without its '>'
        i = j;
      } else {
        i = gt + 1;
      }
      auto it = std::find(stack.rbegin(), stack.rend(), name);
      if (it == stack.rend()) {
        ++counts.dropped_end_tags;
        continue;
      }
      while (!stack.empty()) {
        bool match = stack.back() == name;
        out += "</" + stack.back() + ">";
        if (!match) ++counts.closed_elements;
        stack.pop_back();
        if (match) break;
      }
      if (stack.empty()) root_done = true;
      continue;
    }
    if (rest.size() >= 2 && IsNameStart(rest[1])) {
      size_t j = i + 1;
      while (j < n && IsNameChar(in[j])) ++j;
      std::string name(in.substr(i + 1, j - i - 1));
      std::string tag = "<" + name;
      std::set<std::string> seen;
      bool self_closing = false;
      bool complete = false;
      while (j < n) {
        while (j < n && IsSpace(in[j])) ++j;
        if (j >= n) break;
        if (in[j] == '>') {
          complete = true;
          ++j;
          break;
        }
        if (in[j] == '/' && j + 1 < n && in[j + 1] == '>') {
          self_closing = complete = true;
          j += 2;
          break;
        }
        if (in[j] == '<') break;  // a tag that never ended
        if (!IsNameStart(in[j])) {
          ++counts.fixed_attributes;
          ++j;
          continue;
        }
        size_t a = j;
        while (j < n && IsNameChar(in[j])) ++j;
        std::string attr(in.substr(a, j - a));
        while (j < n && IsSpace(in[j])) ++j;
        std::string value;
        bool has_value = false;
        if (j < n && in[j] == '=') {
          ++j;
          while (j < n && IsSpace(in[j])) ++j;
          if (j < n && (in[j] == '"' || in[j] == '\'')) {
            char q = in[j];
            size_t end = in.find(q, j + 1);
            if (end == std::string_view::npos) {  // unterminated: up to the '>'
              size_t gt = in.find('>', j + 1);
              end = gt == std::string_view::npos ? n : gt;
              ++counts.fixed_attributes;
              value = std::string(in.substr(j + 1, end - j - 1));
              j = end;
            } else {
              value = std::string(in.substr(j + 1, end - j - 1));
              j = end + 1;
            }
          } else {
            size_t a2 = j;
            while (j < n && !IsSpace(in[j]) && in[j] != '>' && !(in[j] == '/' && j + 1 < n && in[j + 1] == '>')) ++j;
            value = std::string(in.substr(a2, j - a2));
            ++counts.fixed_attributes;
          }
          has_value = true;
        }
        if (!has_value) {
          value = attr;
          ++counts.fixed_attributes;
        }
        if (!seen.insert(attr).second) {
          ++counts.fixed_attributes;
          continue;
        }
        tag += " " + attr + "=\"";
        int ignored = 0;
        std::string escaped;
        AppendXmlText(escaped, value, ignored);
        for (char ch : escaped) tag += ch == '"' ? std::string("&quot;") : std::string(1, ch);
        tag += "\"";
      }
      if (!complete) {
        ++counts.dropped_tags;
        i = j;
        continue;
      }
      i = j;
      // An item or entry never nests in another: a new one closes the open one
      // (the way HTML closes an open <p> or <li>).
      std::string_view local = std::string_view(name).substr(name.find(':') == std::string::npos ? 0 : name.find(':') + 1);
      if (local == "item" || local == "entry") {
        auto open = std::find(stack.rbegin(), stack.rend(), name);
        if (open != stack.rend()) {
          while (!stack.empty()) {
            bool match = stack.back() == name;
            out += "</" + stack.back() + ">";
            ++counts.closed_elements;
            stack.pop_back();
            if (match) break;
          }
        }
      }
      if (stack.size() >= kMaxDepth) {
        ++counts.dropped_tags;
        continue;
      }
      out += tag;
      out += self_closing ? "/>" : ">";
      if (!self_closing) stack.push_back(std::move(name));
      else if (stack.empty()) root_done = true;
      continue;
    }
    // A '<' that starts nothing.
    if (!stack.empty()) {
      out += "&lt;";
      ++counts.stray_chars;
    }
    ++i;
  }
  if (root_done && in.find_first_not_of(" \t\r\n", i) != std::string_view::npos) {
    // Anything but comments and whitespace after the root is garbage.
    std::string_view tail = in.substr(i);
    size_t p = 0;
    while (p < tail.size()) {
      p = tail.find_first_not_of(" \t\r\n", p);
      if (p == std::string_view::npos) break;
      if (tail.substr(p, 4) == "<!--") {
        size_t end = tail.find("-->", p);
        p = end == std::string_view::npos ? tail.size() : end + 3;
        continue;
      }
      counts.trailing_garbage = true;
      break;
    }
  }
  counts.closed_elements += static_cast<int>(stack.size());
  while (!stack.empty()) {
    out += "</" + stack.back() + ">";
    stack.pop_back();
  }
  return out;
}

std::string DescribeRepair(const RepairCounts& c) {
  std::vector<std::string> parts;
  if (c.stray_chars) parts.push_back(fmt::format("{} stray '&' or '<' escaped", c.stray_chars));
  if (c.closed_elements) parts.push_back(fmt::format("{} unclosed element(s) closed", c.closed_elements));
  if (c.dropped_end_tags) parts.push_back(fmt::format("{} unmatched end tag(s) dropped", c.dropped_end_tags));
  if (c.fixed_attributes) parts.push_back(fmt::format("{} attribute(s) fixed", c.fixed_attributes));
  if (c.dropped_tags) parts.push_back(fmt::format("{} broken tag(s) dropped", c.dropped_tags));
  if (c.fixed_end_tags) parts.push_back(fmt::format("{} unterminated end tag(s) completed", c.fixed_end_tags));
  if (c.unterminated_cdata) parts.push_back("an unterminated CDATA section closed");
  if (c.trailing_garbage) parts.push_back("content after the root element ignored");
  if (parts.empty()) return "no change needed";
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out;
}

std::pair<int, int> LineAndColumn(std::string_view s, size_t offset) {
  offset = std::min(offset, s.size());
  int line = 1, col = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (s[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

// ---------------------------------------------------------------------------
// XML access: namespaces, values
// ---------------------------------------------------------------------------

Ns NsOfUri(std::string_view uri_in) {
  std::string uri = AsciiLower(Trim(uri_in));
  if (uri.empty()) return Ns::kNone;
  if (uri == "http://www.w3.org/2005/atom" || uri == "http://purl.org/atom/ns#" || uri == "https://www.w3.org/2005/atom")
    return Ns::kAtom;
  if (uri == "http://purl.org/rss/1.0/" || uri == "http://my.netscape.com/rdf/simple/0.9/" ||
      uri == "http://backend.userland.com/rss2" || uri == "http://blogs.law.harvard.edu/tech/rss" ||
      uri == "http://backend.userland.com/rss")
    return Ns::kRss;
  if (uri == "http://www.w3.org/1999/02/22-rdf-syntax-ns#") return Ns::kRdf;
  if (uri == "http://purl.org/rss/1.0/modules/content/") return Ns::kContent;
  if (uri == "http://purl.org/dc/elements/1.1/" || uri == "http://purl.org/dc/elements/1.0/") return Ns::kDc;
  if (uri == "http://purl.org/dc/terms/") return Ns::kDcTerms;
  if (uri.rfind("http://search.yahoo.com/mrss", 0) == 0 || uri.rfind("http://video.search.yahoo.com/mrss", 0) == 0 ||
      uri.rfind("https://search.yahoo.com/mrss", 0) == 0)
    return Ns::kMedia;
  if (uri.find("itunes.com/dtds/podcast") != std::string::npos) return Ns::kItunes;
  if (uri == "http://www.w3.org/1999/xhtml") return Ns::kXhtml;
  if (uri.find("rssnamespace.org/feedburner") != std::string::npos) return Ns::kFeedburner;
  return Ns::kOther;
}

Ns NsOfPrefix(std::string_view prefix) {
  std::string p = AsciiLower(prefix);
  if (p == "atom") return Ns::kAtom;
  if (p == "rdf") return Ns::kRdf;
  if (p == "content") return Ns::kContent;
  if (p == "dc") return Ns::kDc;
  if (p == "dcterms") return Ns::kDcTerms;
  if (p == "media") return Ns::kMedia;
  if (p == "itunes") return Ns::kItunes;
  if (p == "xhtml" || p == "html") return Ns::kXhtml;
  if (p == "feedburner") return Ns::kFeedburner;
  return Ns::kOther;
}

// NameOf resolves an element's namespace through the xmlns declarations in
// scope; an undeclared prefix falls back on its conventional meaning.
QName NameOf(pugi::xml_node n) {
  QName q;
  std::string_view name = n.name();
  size_t colon = name.find(':');
  std::string key = "xmlns";
  if (colon != std::string_view::npos) {
    q.prefixed = true;
    key += ":";
    key += name.substr(0, colon);
    q.local = name.substr(colon + 1);
  } else {
    q.local = name;
  }
  size_t depth = 0;
  for (pugi::xml_node a = n; a && a.type() == pugi::node_element && depth < kMaxDepth; a = a.parent(), ++depth) {
    pugi::xml_attribute attr = a.attribute(key.c_str());
    if (attr) {
      q.ns = NsOfUri(attr.value());
      return q;
    }
  }
  q.ns = q.prefixed ? NsOfPrefix(name.substr(0, colon)) : Ns::kNone;
  return q;
}

// kMaxAttributes: an element keeps its first 64 attributes. Namespace and
// attribute lookups scan them, and a feed with a million attributes on its
// channel would otherwise make every lookup below it slow.
constexpr size_t kMaxAttributes = 64;

void LimitAttributes(pugi::xml_node top) {
  std::vector<pugi::xml_node> todo{top};
  while (!todo.empty()) {
    pugi::xml_node n = todo.back();
    todo.pop_back();
    size_t count = 0;
    pugi::xml_attribute a = n.first_attribute();
    while (a) {
      pugi::xml_attribute next = a.next_attribute();
      if (++count > kMaxAttributes) n.remove_attribute(a);
      a = next;
    }
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
      if (c.type() == pugi::node_element) todo.push_back(c);
  }
}

// Core: the format's own (unprefixed or own-namespace) elements.
bool IsCore(const QName& q, Ns own) {
  return q.ns == own || (!q.prefixed && (q.ns == Ns::kNone || q.ns == Ns::kOther || q.ns == Ns::kRss));
}

bool Is(const QName& q, Ns ns, std::string_view local) { return q.ns == ns && q.local == local; }

std::string Attr(pugi::xml_node n, const char* name) { return DecodeEntities(n.attribute(name).value()); }

// AttrLocal finds an attribute by local name ("rdf:about" as "about").
std::string AttrLocal(pugi::xml_node n, std::string_view local) {
  for (pugi::xml_attribute a : n.attributes()) {
    std::string_view name = a.name();
    size_t colon = name.find(':');
    std::string_view l = colon == std::string_view::npos ? name : name.substr(colon + 1);
    if (l == local) return DecodeEntities(a.value());
  }
  return {};
}

bool IsVoidElement(std::string_view name) {
  static constexpr std::string_view kVoid[] = {"area", "base", "br", "col", "embed", "hr", "img", "input",
                                               "link", "meta", "param", "source", "track", "wbr"};
  return std::find(std::begin(kVoid), std::end(kVoid), name) != std::end(kVoid);
}

// AppendHtml serializes `n` (an element, text or CDATA node) as HTML.
// Text is written as the source wrote it (it is already escaped markup).
void AppendHtml(std::string& out, pugi::xml_node n, size_t depth) {
  switch (n.type()) {
    case pugi::node_pcdata:
      out += n.value();
      return;
    case pugi::node_cdata:
      AppendEscapedHtml(out, n.value());
      return;
    case pugi::node_element: {
      if (depth >= kMaxDepth) return;
      std::string_view name = n.name();
      size_t colon = name.find(':');
      if (colon != std::string_view::npos) name = name.substr(colon + 1);
      out += '<';
      out += name;
      for (pugi::xml_attribute a : n.attributes()) {
        std::string_view an = a.name();
        if (an == "xmlns" || an.rfind("xmlns:", 0) == 0) continue;
        out += ' ';
        out += an;
        out += "=\"";
        for (const char* v = a.value(); *v; ++v) {
          if (*v == '"') out += "&quot;";
          else if (*v == '<') out += "&lt;";
          else out += *v;
        }
        out += '"';
      }
      out += '>';
      if (IsVoidElement(name) && !n.first_child()) return;
      for (pugi::xml_node c : n.children()) AppendHtml(out, c, depth + 1);
      out += "</";
      out += name;
      out += '>';
      return;
    }
    default:
      return;
  }
}

std::string InnerHtml(pugi::xml_node n) {
  std::string out;
  for (pugi::xml_node c : n.children()) AppendHtml(out, c, 1);
  return out;
}

// Value: an element's content as a string: text with its character
// references decoded, CDATA as written, child elements as HTML.
std::string Value(pugi::xml_node n) {
  std::string out;
  for (pugi::xml_node c : n.children()) {
    if (c.type() == pugi::node_pcdata) out += DecodeEntities(c.value());
    else if (c.type() == pugi::node_cdata) out += c.value();
    else if (c.type() == pugi::node_element) AppendHtml(out, c, 1);
  }
  return out;
}

std::string TrimmedValue(pugi::xml_node n) { return Trim(Value(n)); }

// HtmlOfTextConstruct reads an Atom text construct (or anything with a
// `type`/`mode` attribute) as HTML.
std::string HtmlOfTextConstruct(pugi::xml_node n) {
  std::string type = AsciiLower(Trim(Attr(n, "type")));
  std::string mode = AsciiLower(Trim(Attr(n, "mode")));
  if (type == "xhtml" || type == "application/xhtml+xml" || mode == "xml") {
    for (pugi::xml_node c : n.children()) {
      if (c.type() == pugi::node_element) {
        std::string_view name = c.name();
        size_t colon = name.find(':');
        if ((colon == std::string_view::npos ? name : name.substr(colon + 1)) == "div") return Trim(InnerHtml(c));
        break;
      }
    }
    return Trim(InnerHtml(n));
  }
  if (type == "html" || type == "text/html" || mode == "escaped") return Trim(Value(n));
  if (type.empty() || type == "text" || type == "text/plain") {
    // Plain text by the spec; but an element child means someone put markup in.
    bool has_element = false;
    for (pugi::xml_node c : n.children())
      if (c.type() == pugi::node_element) has_element = true;
    if (has_element) return Trim(Value(n));
    return EscapeHtml(Trim(Value(n)));
  }
  return Trim(Value(n));  // another media type: best effort
}

std::string ChildBase(pugi::xml_node n, const std::string& parent_base) {
  pugi::xml_attribute a = n.attribute("xml:base");
  if (!a) return parent_base;
  std::string v = DecodeEntities(a.value());
  if (parent_base.empty()) return CleanUrl(v);
  return ResolveUrl(parent_base, v);
}

}  // namespace newsdesk::feed_internal
