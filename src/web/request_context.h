// File: web/request_context.h
//
// What one request carries through the site's areas: the request itself,
// who sent it (Viewer), the gazetteer pinned for its whole life, its edition
// and the route's captures. The site makes one per request and hands it to
// the route's handler as an argument; nothing about a request is kept in
// the areas' own state, so every area serves many requests at once.
//
//   Response Page(const RequestContext& ctx) {
//     const Entity* e = ctx.gazetteer ? ctx.gazetteer->Find(ctx.Param("slug")) : nullptr;
//     ... ctx.viewer.user() ... ctx.edition ...
//   }
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "readers/readers.h"
#include "web/http.h"
#include "web/router.h"

namespace newsdesk {

class Gazetteer;

// Viewer: who sent a request. `session` is empty for guests (no cookie, or
// one that is unknown or expired).
struct Viewer {
  std::string session_token;
  std::optional<Session> session;
  const User* user() const { return session ? &session->user : nullptr; }
};

struct RequestContext {
  const Request& request;
  const Viewer& viewer;
  const Gazetteer* gazetteer = nullptr;  // pinned for this request; null: no mentions known
  std::string edition;                   // the route's {ed}, else the default edition
  RouteParams params;                    // the route's captures

  std::string Param(std::string_view name) const;
};

// PageFn wraps an area's content in the site's layout (header with the
// viewer's account links, editions, discussion block, subscribe box).
// `edition_hrefs` gives, per edition, where the same page is in it.
using PageFn = std::function<Response(const RequestContext& ctx, const std::string& ed, const std::string& title,
                                      const std::string& content,
                                      const std::map<std::string, std::string>& edition_hrefs, int status)>;

}  // namespace newsdesk
