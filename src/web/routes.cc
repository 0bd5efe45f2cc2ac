#include "web/routes.h"

namespace newsdesk {

std::string RequestContext::Param(std::string_view name) const { return ParamOf(params, name); }

void RouteTable::Add(std::vector<std::string> methods, std::string pattern, RouteHandler handler) {
  router_.Add(std::move(methods), std::move(pattern), static_cast<int>(handlers_.size()));
  handlers_.push_back(std::move(handler));
}

RouteTable::Found RouteTable::Match(std::string_view method, std::string_view path) const {
  Found found;
  found.match = router_.Match(method, path);
  if (found.match.kind == RouteMatch::Kind::kFound) found.handler = &handlers_.at(found.match.route);
  return found;
}

}  // namespace newsdesk
