// URL splitting, cleaning and resolution (common/url.h): RFC 3986 appendix B
// and section 5.2, with the choices the header lists.
#include "common/url.h"

#include "common/text.h"

namespace newsdesk {

namespace {

bool IsSchemeChar(char c, bool first) {
  if (IsAsciiAlpha(c)) return true;
  if (first) return false;
  return IsAsciiDigit(c) || c == '+' || c == '-' || c == '.';
}

// RemoveDotSegments implements RFC 3986 section 5.2.4.
std::string RemoveDotSegments(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  while (!in.empty()) {
    if (in.substr(0, 3) == "../") in.remove_prefix(3);
    else if (in.substr(0, 2) == "./") in.remove_prefix(2);
    else if (in.substr(0, 3) == "/./") in.remove_prefix(2);
    else if (in == "/.") in = "/";
    else if (in.substr(0, 4) == "/../" || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      size_t last = out.rfind('/');
      out.resize(last == std::string::npos ? 0 : last);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      size_t start = in[0] == '/' ? 1 : 0;
      size_t next = in.find('/', start);
      if (next == std::string_view::npos) next = in.size();
      out.append(in.substr(0, next));
      in.remove_prefix(next);
    }
  }
  return out;
}

// Merge is RFC 3986 section 5.2.3: `ref_path` relative to the base's path.
std::string Merge(const UrlParts& base, std::string_view ref_path) {
  std::string out;
  if (base.authority && base.path.empty()) {
    out.reserve(ref_path.size() + 1);
    out.push_back('/');
  } else if (size_t slash = base.path.rfind('/'); slash != std::string_view::npos) {
    out.reserve(slash + 1 + ref_path.size());
    out.append(base.path.substr(0, slash + 1));
  }
  out.append(ref_path);
  return out;
}

bool IsHttpScheme(std::string_view scheme) { return AsciiIEquals(scheme, "http") || AsciiIEquals(scheme, "https"); }

// Join is RFC 3986 section 5.3, with the scheme in lower case and, when
// `resolved`, "/" for an http(s) URL's empty path.
std::string Join(std::string_view scheme, const std::optional<std::string_view>& authority, std::string_view path,
                 const std::optional<std::string_view>& query, const std::optional<std::string_view>& fragment,
                 bool resolved) {
  std::string out;
  out.reserve(scheme.size() + path.size() + 32);
  for (char c : scheme) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  out.push_back(':');
  if (authority) {
    out.append("//");
    out.append(*authority);
    if (resolved && path.empty() && IsHttpScheme(scheme)) out.push_back('/');
  }
  out.append(path);
  if (query) {
    out.push_back('?');
    out.append(*query);
  }
  if (fragment) {
    out.push_back('#');
    out.append(*fragment);
  }
  return out;
}

// IsHierarchical: a path that dot segments mean something in ("//host/…"
// or "/…"), unlike an opaque one ("mailto:a@b", "data:…", "about:blank").
bool IsHierarchical(const UrlParts& u) { return u.authority || (!u.path.empty() && u.path[0] == '/'); }

}  // namespace

UrlParts SplitUrl(std::string_view s) {
  UrlParts u;
  size_t colon = s.find_first_of(":/?#");
  if (colon != std::string_view::npos && colon > 0 && s[colon] == ':') {
    bool ok = true;
    for (size_t i = 0; i < colon && ok; ++i) ok = IsSchemeChar(s[i], i == 0);
    if (ok) {
      u.scheme = s.substr(0, colon);
      s.remove_prefix(colon + 1);
    }
  }
  if (size_t hash = s.find('#'); hash != std::string_view::npos) {
    u.fragment = s.substr(hash + 1);
    s = s.substr(0, hash);
  }
  if (size_t q = s.find('?'); q != std::string_view::npos) {
    u.query = s.substr(q + 1);
    s = s.substr(0, q);
  }
  if (s.substr(0, 2) == "//") {
    s.remove_prefix(2);
    size_t slash = s.find('/');
    u.authority = s.substr(0, slash);
    s = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
  }
  u.path = s;
  return u;
}

std::string CleanUrl(std::string_view url) {
  auto is_ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!url.empty() && is_ws(url.front())) url.remove_prefix(1);
  while (!url.empty() && is_ws(url.back())) url.remove_suffix(1);
  std::string out;
  out.reserve(url.size());
  for (char c : url) {
    if (c == '\n' || c == '\r' || c == '\t') continue;
    if (c == ' ') out.append("%20");
    else out.push_back(c);
  }
  return out;
}

bool IsAbsoluteUrl(std::string_view url) { return !SplitUrl(url).scheme.empty(); }

bool IsAbsoluteHttpUrl(std::string_view url) {
  UrlParts u = SplitUrl(url);
  return IsHttpScheme(u.scheme) && u.authority && !u.authority->empty();
}

bool IsSitePath(std::string_view url) {
  if (url.size() < 1 || url[0] != '/') return false;
  if (url.size() > 1 && url[1] == '/') return false;
  for (char ch : url)
    if (ch == '\\' || static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7F) return false;
  return true;
}

bool IsImageSource(std::string_view url) { return IsAbsoluteHttpUrl(url) || IsSitePath(url); }

std::string ResolveUrl(std::string_view base_in, std::string_view ref_in) {
  std::string ref = CleanUrl(ref_in);
  if (ref.empty()) return ref;
  UrlParts r = SplitUrl(ref);
  if (!r.scheme.empty()) {
    // Absolute already: an opaque one is left as written, but for its scheme's case.
    if (!IsHierarchical(r)) return Join(r.scheme, r.authority, r.path, r.query, r.fragment, false);
    return Join(r.scheme, r.authority, RemoveDotSegments(r.path), r.query, r.fragment, false);
  }
  std::string base = CleanUrl(base_in);
  UrlParts b = SplitUrl(base);
  if (b.scheme.empty() || !IsHierarchical(b)) return ref;
  if (r.authority) return Join(b.scheme, r.authority, RemoveDotSegments(r.path), r.query, r.fragment, true);
  if (r.path.empty()) return Join(b.scheme, b.authority, b.path, r.query ? r.query : b.query, r.fragment, true);
  std::string path = r.path[0] == '/' ? RemoveDotSegments(r.path) : RemoveDotSegments(Merge(b, r.path));
  return Join(b.scheme, b.authority, path, r.query, r.fragment, true);
}

std::string PercentEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace newsdesk
