// File: web/subscription_pages.h
//
// The daily mailing's side of the site (issue 7): the subscribe box every
// page carries, `POST /api/v1/subscriptions`, and the pages a subscriber's
// links open — confirm, preferences, unsubscribe — which need no log-in: the
// signed token in the link is the subscriber's key (digest/digest.h).
//
//   SubscriptionPages pages(subscriptions, config, templates, catalogs, page, gazetteer);
//   pages.AddRoutes(routes);   // the site's one route table
//   view["subscribe"] = pages.BoxView(ed);
//
// Cross-site requests: the subscribe form is on cached pages, so it carries
// no per-reader token; instead a form POST must come from the site itself
// (its Origin, or failing that its Referer, names the site), and the JSON
// API takes only application/json, which a cross-site page can't send
// without the browser asking first. The unsubscribe and preferences POSTs
// are authorised by the token in their URL, and the unsubscribe one accepts
// RFC 8058's one-click POST from a mail provider (no Origin, no cookie).
//
// Thread-safety: Handle and BoxView may be called from many threads at once.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "common/config.h"
#include "digest/digest.h"
#include "web/http.h"
#include "web/routes.h"

namespace newsdesk {

class Catalog;
class Templates;

class SubscriptionPages {
 public:
  // EntityName gives an entity's name in an edition ("" when unknown).
  using EntityName = std::function<std::string(const std::string& id, const std::string& ed)>;

  // `subscriptions` is null when mail is not configured: the box says the
  // mailing is not available. Every reference must outlive the object.
  SubscriptionPages(Subscriptions* subscriptions, const Config& config, const Templates& templates,
                    const std::map<std::string, Catalog>& catalogs, PageFn page, EntityName entity_name);

  // AddRoutes adds the mailing's routes (the subscribe form and API,
  // confirm, manage, unsubscribe) to the site's route table.
  void AddRoutes(RouteTable& routes);

  // BoxView is the subscribe box of edition `ed`'s pages.
  nlohmann::json BoxView(const std::string& ed) const;

 private:
  Response Subscribe(const RequestContext& ctx, bool api);
  Response Confirm(const RequestContext& ctx);
  Response Manage(const RequestContext& ctx);
  Response Unsubscribe(const RequestContext& ctx);
  Response Message(const RequestContext& ctx, const std::string& title, const std::string& text, int status);
  bool FromThisSite(const Request& request) const;

  Subscriptions* subscriptions_;
  const Config& config_;
  const Templates& templates_;
  const std::map<std::string, Catalog>& catalogs_;
  PageFn page_;
  EntityName entity_name_;
  std::string site_origin_;  // "https://news.example"
};

}  // namespace newsdesk
