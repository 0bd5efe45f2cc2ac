#include "extract/url.h"

#include <optional>

namespace newsdesk::extract_internal {

namespace {

struct UrlParts {
  std::string_view scheme;  // without ':'
  std::optional<std::string_view> authority;
  std::string_view path;
  std::optional<std::string_view> query;
  std::optional<std::string_view> fragment;
};

bool IsSchemeChar(char c, bool first) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  if (first) return false;
  return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

UrlParts Split(std::string_view s) {
  UrlParts u;
  size_t colon = s.find(':');
  if (colon != std::string_view::npos && colon > 0) {
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

// RemoveDotSegments implements RFC 3986 section 5.2.4.
std::string RemoveDotSegments(std::string_view in) {
  std::string out;
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

std::string Merge(const UrlParts& base, std::string_view ref_path) {
  if (base.authority && base.path.empty()) {
    std::string out(1, '/');
    out.append(ref_path);
    return out;
  }
  size_t slash = base.path.rfind('/');
  if (slash == std::string_view::npos) return std::string(ref_path);
  return std::string(base.path.substr(0, slash + 1)) + std::string(ref_path);
}

std::string Join(std::string_view scheme, const std::optional<std::string_view>& authority, std::string_view path,
                 const std::optional<std::string_view>& query, const std::optional<std::string_view>& fragment) {
  std::string out;
  out.reserve(scheme.size() + path.size() + 32);
  out.append(scheme);
  out.push_back(':');
  if (authority) {
    out.append("//");
    out.append(*authority);
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

std::string CleanRef(std::string_view ref) {
  auto is_ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; };
  while (!ref.empty() && is_ws(ref.front())) ref.remove_prefix(1);
  while (!ref.empty() && is_ws(ref.back())) ref.remove_suffix(1);
  std::string out;
  out.reserve(ref.size());
  for (char c : ref) {
    if (c == '\n' || c == '\r' || c == '\t') continue;  // browsers strip these
    if (c == ' ') out.append("%20");
    else out.push_back(c);
  }
  return out;
}

bool EqualsLower(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

bool IsAbsoluteHttpUrl(std::string_view url) {
  UrlParts u = Split(url);
  return (EqualsLower(u.scheme, "http") || EqualsLower(u.scheme, "https")) && u.authority && !u.authority->empty();
}

std::string ResolveUrl(std::string_view base_in, std::string_view ref_in) {
  std::string ref = CleanRef(ref_in);
  std::string base = CleanRef(base_in);
  UrlParts r = Split(ref);
  if (!r.scheme.empty()) {
    // Absolute already; only hierarchical ones get their dots removed.
    if (!r.authority) return ref;
    std::string path = RemoveDotSegments(r.path);
    return Join(r.scheme, r.authority, path, r.query, r.fragment);
  }
  UrlParts b = Split(base);
  if (b.scheme.empty() || !b.authority) return ref;
  if (r.authority) {
    std::string path = RemoveDotSegments(r.path);
    if (path.empty()) path.assign(1, '/');
    return Join(b.scheme, r.authority, path, r.query, r.fragment);
  }
  std::string path;
  std::optional<std::string_view> query;
  if (r.path.empty()) {
    path = std::string(b.path);
    query = r.query ? r.query : b.query;
  } else {
    path = r.path[0] == '/' ? RemoveDotSegments(r.path) : RemoveDotSegments(Merge(b, r.path));
    query = r.query;
  }
  if (path.empty()) path.assign(1, '/');
  return Join(b.scheme, b.authority, path, query, r.fragment);
}

}  // namespace newsdesk::extract_internal
