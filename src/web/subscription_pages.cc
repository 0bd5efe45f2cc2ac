#include "web/subscription_pages.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <set>

#include "render/catalog.h"
#include "render/templates.h"

namespace newsdesk {

using json = nlohmann::json;

namespace {

// The part of a URL up to its path: "https://news.example:8443".
std::string OriginOf(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  const size_t path = url.find('/', scheme + 3);
  return std::string(url.substr(0, path));
}

// FollowList reads the entity ids a form lists: checked boxes, and typed
// ids or entity-page URLs separated by commas or spaces.
std::vector<std::string> FollowList(const FormFields& form) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](std::string id) {
    if (const size_t slash = id.find_last_of('/'); slash != std::string::npos) id = id.substr(slash + 1);
    for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!id.empty() && seen.insert(id).second) out.push_back(id);
  };
  for (const auto& [name, value] : form)
    if (name == "follow") add(value);
  const std::string typed = FormValue(form, "follow_add");
  std::string word;
  for (char c : typed + " ") {
    if (c == ',' || c == ' ' || c == '\n' || c == '\t') {
      add(word);
      word.clear();
    } else {
      word += c;
    }
  }
  return out;
}

}  // namespace

SubscriptionPages::SubscriptionPages(Subscriptions* subscriptions, const Config& config, const Templates& templates,
                                     const std::map<std::string, Catalog>& catalogs, PageFn page,
                                     EntityName entity_name)
    : subscriptions_(subscriptions),
      config_(config),
      templates_(templates),
      catalogs_(catalogs),
      page_(std::move(page)),
      entity_name_(std::move(entity_name)),
      site_origin_(OriginOf(SiteBaseUrl(config))) {}

json SubscriptionPages::BoxView(const std::string& ed) const {
  return {{"available", subscriptions_ != nullptr}, {"action", "/" + ed + "/subscriptions"}};
}

bool SubscriptionPages::FromThisSite(const Request& request) const {
  const std::string_view origin = request.Header("origin");
  if (!origin.empty() && origin != "null") return origin == site_origin_;
  const std::string_view referer = request.Header("referer");
  return !referer.empty() && OriginOf(referer) == site_origin_;
}

void SubscriptionPages::AddRoutes(RouteTable& routes) {
  routes.Add({"*"}, "/api/v1/subscriptions", [this](const RequestContext& c) {
    if (c.request.method != "POST") {
      Response r = Response::Text(405, "POST a subscription\n");
      r.headers.emplace_back("Allow", "POST");
      return r;
    }
    return Subscribe(c, true);
  });
  const std::vector<std::string> get = {"GET", "HEAD"}, both = {"GET", "HEAD", "POST"};
  routes.Add({"POST"}, "/{ed}/subscriptions", [this](const RequestContext& c) { return Subscribe(c, false); });
  // The subscribers' links need the mailing; without mail they say so.
  auto available = [this](Response (SubscriptionPages::*page)(const RequestContext&)) {
    return [this, page](const RequestContext& c) {
      if (!subscriptions_) {
        const Catalog& cat = catalogs_.at(c.edition);
        return Message(c, cat.Get("subscribe_heading"), cat.Get("subscribe_unavailable"), 503);
      }
      return (this->*page)(c);
    };
  };
  routes.Add(get, "/{ed}/subscriptions/confirm", available(&SubscriptionPages::Confirm));
  routes.Add(both, "/{ed}/subscriptions/manage", available(&SubscriptionPages::Manage));
  routes.Add(both, "/{ed}/subscriptions/unsubscribe", available(&SubscriptionPages::Unsubscribe));
  // Any other address or method under /{ed}/subscriptions is the mailing's
  // own "not found".
  auto not_found = [this](const RequestContext& c) {
    return Message(c, catalogs_.at(c.edition).Get("error_404_title"), "", 404);
  };
  routes.Add({"*"}, "/{ed}/subscriptions", not_found);
  routes.Add({"*"}, "/{ed}/subscriptions/{page}", not_found);
}

Response SubscriptionPages::Message(const RequestContext& ctx, const std::string& title, const std::string& text,
                                    int status) {
  const std::string& ed = ctx.edition;
  const Catalog& cat = catalogs_.at(ed);
  json view = {{"t", cat.strings()}, {"title", title}, {"text", text}};
  Response r = page_(ctx, ed, title, templates_.Render("subscription", view), {}, status);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response SubscriptionPages::Subscribe(const RequestContext& ctx, bool api) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  const Catalog& cat = catalogs_.at(ed);
  auto answer = [&](int status, const std::string& text) {
    if (api) {
      json body = status < 300 ? json{{"status", "confirmation sent"}, {"message", text}} : json{{"error", text}};
      Response r;
      r.status = status;
      r.content_type = "application/json";
      r.body = body.dump();
      return r;
    }
    return Message(ctx, cat.Get("subscribe_heading"), text, status);
  };
  std::string email, edition = ed;
  std::vector<std::string> follow;
  if (api) {
    if (!IsJsonContentType(req.Header("content-type")))
      return answer(415, "send application/json: {\"email\": \"…\", \"edition\": \"en\", \"follow\": [\"nato\"]}");
    auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("email") || !body["email"].is_string())
      return answer(400, "a JSON object with \"email\" is required");
    email = body["email"].get<std::string>();
    if (body.contains("edition") && body["edition"].is_string()) edition = body["edition"].get<std::string>();
    if (body.contains("follow") && body["follow"].is_array())
      for (const auto& f : body["follow"])
        if (f.is_string()) follow.push_back(f.get<std::string>());
  } else {
    if (!FromThisSite(req)) return answer(403, cat.Format("subscribe_failed", {{"reason", cat.Reason(Reason{ReasonCode::kFormForeign})}}));
    auto form = ParseForm(req.body);
    if (!form.ok()) return answer(400, cat.Format("subscribe_failed", {{"reason", cat.Reason(form.status())}}));
    // The honeypot: a field people don't see and robots fill in. They get
    // the usual answer, and nothing is done.
    if (!FormValue(*form, "website").empty()) return answer(200, cat.Get("subscribe_sent"));
    email = FormValue(*form, "email");
    follow = FollowList(*form);
  }
  if (!subscriptions_) return answer(503, cat.Get("subscribe_unavailable"));
  Status s = subscriptions_->Subscribe(email, edition, follow);
  if (s.ok()) return answer(api ? 202 : 200, cat.Get("subscribe_sent"));
  if (s.code() == Code::kInvalidArgument) return answer(400, cat.Format("subscribe_failed", {{"reason", cat.Reason(s)}}));
  spdlog::error("subscription failed: {}", s.ToString());
  return answer(503, cat.Get("subscribe_unavailable"));
}

Response SubscriptionPages::Confirm(const RequestContext& ctx) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  const Catalog& cat = catalogs_.at(ed);
  auto s = subscriptions_->Confirm(req.QueryParam("token").value_or(""));
  if (!s.ok())
    return Message(ctx, cat.Get("subscribe_heading"),
                   cat.Format("subscribe_link_problem", {{"reason", cat.Reason(s.status())}}),
                   s.status().code() == Code::kInvalidArgument ? 400 : 503);
  return Message(ctx, cat.Get("subscribe_heading"), cat.Get("subscribe_confirmed"), 200);
}

Response SubscriptionPages::Unsubscribe(const RequestContext& ctx) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  const Catalog& cat = catalogs_.at(ed);
  const std::string token = req.QueryParam("token").value_or("");
  if (req.method == "POST") {  // our button, or a mail provider's one-click POST
    auto s = subscriptions_->Unsubscribe(token);
    if (!s.ok())
      return Message(ctx, cat.Get("digest_unsubscribe"),
                     cat.Format("subscribe_link_problem", {{"reason", cat.Reason(s.status())}}), 400);
    return Message(ctx, cat.Get("digest_unsubscribe"), cat.Get("subscribe_unsubscribed"), 200);
  }
  // A GET changes nothing: link checkers and previews open links too.
  auto s = subscriptions_->Manage(token);
  if (!s.ok())
    return Message(ctx, cat.Get("digest_unsubscribe"),
                   cat.Format("subscribe_link_problem", {{"reason", cat.Reason(s.status())}}), 400);
  if (s->state == SubscriberState::kUnsubscribed)
    return Message(ctx, cat.Get("digest_unsubscribe"), cat.Get("subscribe_unsubscribed"), 200);
  json view = {{"t", cat.strings()},
               {"title", cat.Get("digest_unsubscribe")},
               {"text", false},
               {"unsubscribe_form",
                {{"action", fmt::format("/{}/subscriptions/unsubscribe?token={}", ed, PercentEncode(token))},
                 {"question", cat.Format("subscribe_unsubscribe_question", {{"email", s->email}})}}}};
  Response r = page_(ctx, ed, cat.Get("digest_unsubscribe"), templates_.Render("subscription", view), {}, 200);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response SubscriptionPages::Manage(const RequestContext& ctx) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  const Catalog& cat = catalogs_.at(ed);
  const std::string token = req.QueryParam("token").value_or("");
  const std::string here = fmt::format("/{}/subscriptions/manage?token={}", ed, PercentEncode(token));
  std::string notice;
  if (req.method == "POST") {
    auto form = ParseForm(req.body);
    if (!form.ok()) return Message(ctx, cat.Get("subscribe_manage_heading"), cat.Reason(form.status()), 400);
    Status saved = subscriptions_->UpdatePreferences(token, FormValue(*form, "edition"), FollowList(*form));
    if (!saved.ok())
      return Message(ctx, cat.Get("subscribe_manage_heading"),
                     cat.Format("subscribe_link_problem", {{"reason", cat.Reason(saved)}}),
                     saved.code() == Code::kInvalidArgument ? 400 : 503);
    Response r = Response::Redirect(303, here + "&saved=1");
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }
  auto s = subscriptions_->Manage(token);
  if (!s.ok())
    return Message(ctx, cat.Get("subscribe_manage_heading"),
                   cat.Format("subscribe_link_problem", {{"reason", cat.Reason(s.status())}}), 400);
  if (req.QueryParam("saved")) notice = cat.Get("subscribe_saved");
  if (s->state == SubscriberState::kUnsubscribed) notice = cat.Get("subscribe_unsubscribed");
  json editions = json::array();
  for (const auto& code : config_.editions)
    editions.push_back({{"code", code}, {"name", catalogs_.at(code).language_name()}, {"selected", code == s->edition}});
  json followed = json::array();
  for (const auto& id : s->entities) {
    std::string name = entity_name_ ? entity_name_(id, ed) : "";
    followed.push_back({{"id", id}, {"name", name.empty() ? id : name}});
  }
  json view = {{"t", cat.strings()},
               {"title", cat.Get("subscribe_manage_heading")},
               {"text", notice.empty() ? json(false) : json(notice)},
               {"manage",
                {{"action", here},
                 {"editions", editions},
                 {"followed", followed},
                 {"unsubscribe_href", fmt::format("/{}/subscriptions/unsubscribe?token={}", ed, PercentEncode(token))}}}};
  Response r = page_(ctx, ed, cat.Get("subscribe_manage_heading"), templates_.Render("subscription", view), {}, 200);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace newsdesk
