// File: web/router.h
//
// Maps a method and a decoded path to a route. Patterns are literal segments
// and `{name}` captures of one whole segment: "/{ed}/articles/{id}".
// Match returns Found (with captures), NotFound, or MethodNotAllowed (the
// path exists under another method), and the server maps those to responses.
// Thread-safety: add routes before serving; Match is then safe concurrently.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newsdesk {

using RouteParams = std::vector<std::pair<std::string, std::string>>;

// ParamOf is capture `name` of `params`, or "".
std::string ParamOf(const RouteParams& params, std::string_view name);

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed } kind = Kind::kNotFound;
  int route = -1;               // the id given to Add
  std::string pattern;          // for metrics: "/{ed}/articles/{id}"
  RouteParams params;
  std::string allowed_methods;  // for 405: "GET, HEAD"

  std::string Param(std::string_view name) const;
};

class Router {
 public:
  // Add registers `pattern` for `methods` (e.g. {"GET", "HEAD"}) under
  // `route`; the method "*" matches any method.
  void Add(std::vector<std::string> methods, std::string pattern, int route);
  RouteMatch Match(std::string_view method, std::string_view path) const;

 private:
  struct Entry {
    std::vector<std::string> methods;
    std::string pattern;
    std::vector<std::string> segments;
    int route;
  };
  std::vector<Entry> entries_;
};

// SplitPath splits "/a/b/" into {"a", "b", ""}: a trailing slash is an empty
// last segment, so "/en" and "/en/" differ.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace newsdesk
