// File: web/routes.h
//
// The site's one route table. Every web area — the public pages, the JSON
// API, readers' accounts and comments, moderation, the mailing's pages,
// operations (health, metrics, static files) — adds its routes here once,
// each with the handler that answers it; the site matches a request once
// and calls that handler with the request's context (web/request_context.h).
//
//   RouteTable routes;
//   routes.Add({"GET", "HEAD"}, "/{ed}/articles/{idslug}", [this](const RequestContext& c) { return Article(c); });
//   auto found = routes.Match("GET", "/en/articles/7-x");
//   if (found.handler) response = (*found.handler)(ctx);
//
// Patterns are web/router.h's. Thread-safety: add routes before serving;
// Match is then safe concurrently.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "web/request_context.h"
#include "web/router.h"

namespace newsdesk {

using RouteHandler = std::function<Response(const RequestContext&)>;

class RouteTable {
 public:
  // Add registers `handler` for `methods` on `pattern`; the method "*"
  // matches any method. Earlier routes win over later ones.
  void Add(std::vector<std::string> methods, std::string pattern, RouteHandler handler);

  struct Found {
    RouteMatch match;
    const RouteHandler* handler = nullptr;  // set when match.kind is kFound
  };
  Found Match(std::string_view method, std::string_view path) const;

 private:
  Router router_;
  std::vector<RouteHandler> handlers_;  // indexed by the router's route id
};

}  // namespace newsdesk
