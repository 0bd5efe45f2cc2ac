#include "web/router.h"

#include <algorithm>

namespace newsdesk {

std::string ParamOf(const RouteParams& params, std::string_view name) {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

std::string RouteMatch::Param(std::string_view name) const { return ParamOf(params, name); }

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path[0] != '/') return out;
  path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

void Router::Add(std::vector<std::string> methods, std::string pattern, int route) {
  Entry e{std::move(methods), pattern, {}, route};
  for (auto seg : SplitPath(pattern)) e.segments.emplace_back(seg);
  entries_.push_back(std::move(e));
}

RouteMatch Router::Match(std::string_view method, std::string_view path) const {
  const auto segments = SplitPath(path);
  RouteMatch result;
  for (const auto& e : entries_) {
    if (e.segments.size() != segments.size()) continue;
    RouteParams params;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      const std::string& p = e.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        if (segments[i].empty()) ok = false;
        else params.emplace_back(p.substr(1, p.size() - 2), std::string(segments[i]));
      } else {
        ok = p == segments[i];
      }
    }
    if (!ok) continue;
    const bool any = std::find(e.methods.begin(), e.methods.end(), "*") != e.methods.end();
    if (!any && std::find(e.methods.begin(), e.methods.end(), method) == e.methods.end()) {
      result.kind = RouteMatch::Kind::kMethodNotAllowed;
      result.pattern = e.pattern;
      result.params = std::move(params);  // the edition of a 405 page
      for (const auto& m : e.methods) {
        if (!result.allowed_methods.empty()) result.allowed_methods += ", ";
        result.allowed_methods += m;
      }
      continue;
    }
    result.kind = RouteMatch::Kind::kFound;
    result.route = e.route;
    result.pattern = e.pattern;
    result.params = std::move(params);
    result.allowed_methods.clear();
    return result;
  }
  return result;
}

}  // namespace newsdesk
