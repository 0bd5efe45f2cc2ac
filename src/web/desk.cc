#include "web/desk_impl.h"

namespace newsdesk {

namespace desk_internal {

std::optional<int64_t> IdOf(const RequestContext& ctx, std::string_view name) {
  return ParsePositiveId(ctx.Param(name));
}

Response SeeOther(const std::string& location) {
  Response r = Response::Redirect(303, location);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace desk_internal

Result<std::unique_ptr<Desk>> Desk::Create(Store& store, const Config& config, const Templates& templates,
                                           DeskServices services) {
  std::map<std::string, Catalog> catalogs;
  for (const char* lang : {"en", "ru"}) {
    auto c = Catalog::Load(lang);
    if (!c.ok()) return c.status();
    catalogs.emplace(lang, std::move(*c));
  }
  return std::unique_ptr<Desk>(
      new Desk(std::make_unique<Impl>(store, config, templates, std::move(catalogs), std::move(services))));
}

Desk::Desk(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Desk::~Desk() = default;
void Desk::AddRoutes(RouteTable& routes) { impl_->AddRoutes(routes); }

void Desk::Impl::AddRoutes(RouteTable& routes) {
  const std::vector<std::string> get = {"GET", "HEAD"}, post = {"POST"};
  routes.Add(get, "/desk", [](const RequestContext&) { return SeeOther("/desk/"); });
  routes.Add(get, "/desk/", Page(Role::kModerator, [this](const DeskRequest& r) { return Home(r); }));
  routes.Add(post, "/desk/language", Action(Role::kModerator, [this](const DeskRequest& r) { return PostLanguage(r); }));
  // Sources.
  routes.Add(get, "/desk/sources", Page(Role::kEditor, [this](const DeskRequest& r) { return SourcesBoard(r); }));
  routes.Add(post, "/desk/sources/discover", Action(Role::kEditor, [this](const DeskRequest& r) { return DiscoverSource(r); }));
  routes.Add(post, "/desk/sources/follow", Action(Role::kEditor, [this](const DeskRequest& r) { return FollowSource(r); }));
  routes.Add(get, "/desk/sources/{id}", Page(Role::kEditor, [this](const DeskRequest& r) { return SourcePage(r); }));
  routes.Add(post, "/desk/sources/{id}/remove", Action(Role::kEditor, [this](const DeskRequest& r) { return RemoveSource(r); }));
  for (const char* what : {"pause", "resume", "fetch", "interval"}) {
    routes.Add(post, fmt::format("/desk/feeds/{{id}}/{}", what),
               Action(Role::kEditor, [this, what = std::string(what)](const DeskRequest& r) { return FeedAction(r, what); }));
  }
  // Comments (moderators and up), people (admins), jobs and the log (editors).
  routes.Add(get, "/desk/comments", Page(Role::kModerator, [this](const DeskRequest& r) { return Comments(r); }));
  routes.Add(get, "/desk/people", Page(Role::kAdmin, [this](const DeskRequest& r) { return People(r); }));
  routes.Add(post, "/desk/people/{id}/role", Action(Role::kAdmin, [this](const DeskRequest& r) { return PostRole(r); }));
  routes.Add(post, "/desk/people/{id}/ban", Action(Role::kAdmin, [this](const DeskRequest& r) { return PostBan(r); }));
  routes.Add(get, "/desk/jobs", Page(Role::kEditor, [this](const DeskRequest& r) { return Jobs(r); }));
  routes.Add(post, "/desk/jobs/{id}/retry", Action(Role::kEditor, [this](const DeskRequest& r) { return PostRetryJob(r); }));
  routes.Add(get, "/desk/audit", Page(Role::kEditor, [this](const DeskRequest& r) { return AuditLogPage(r); }));
}

std::optional<Response> Desk::Impl::Refused(const RequestContext& ctx, Role least, const std::string& lang) {
  const Catalog& cat = CatalogOf(lang);
  const User* user = ctx.viewer.user();
  if (!user) {
    Response r = Message(ctx, nullptr, lang, 401, cat.Get("desk_login_title"), cat.Get("desk_login_text"));
    r.headers.emplace_back("WWW-Authenticate", "Cookie realm=\"newsdesk\"");
    return r;
  }
  if (user->banned || !AtLeast(user->role, least)) {
    return Message(ctx, user, lang, 403, cat.Get("error_403_title"),
                   cat.Format("desk_role_needed", {{"needed", cat.Get(std::string("desk_role_") + RoleName(least))},
                                                   {"role", cat.Get(std::string("desk_role_") + RoleName(user->role))}}));
  }
  return std::nullopt;
}

RouteHandler Desk::Impl::Page(Role least, PageFn page) {
  return [this, least, page](const RequestContext& ctx) {
    const std::string lang = LanguageOf(ctx.request);
    if (auto refused = Refused(ctx, least, lang)) return *refused;
    return page(DeskRequest{ctx, *ctx.viewer.user(), lang, CatalogOf(lang)});
  };
}

RouteHandler Desk::Impl::Action(Role least, PageFn act) {
  return [this, least, act](const RequestContext& ctx) {
    const std::string lang = LanguageOf(ctx.request);
    if (auto refused = Refused(ctx, least, lang)) return *refused;
    const Catalog& cat = CatalogOf(lang);
    const User& user = *ctx.viewer.user();
    if (ctx.request.Header("content-type").rfind("application/x-www-form-urlencoded", 0) != 0)
      return Message(ctx, &user, lang, 415, cat.Get("error_400_title"), cat.Get("form_wrong_type"));
    auto form = ParseForm(ctx.request.body, kMaxFormBytes);
    if (!form.ok())
      return Message(ctx, &user, lang, ctx.request.body.size() > kMaxFormBytes ? 413 : 400, cat.Get("error_400_title"),
                     cat.Format("refused", {{"reason", cat.Reason(form.status())}}));
    if (!services_.csrf_ok || !services_.csrf_ok(ctx.viewer, FormValue(*form, "csrf")))
      return Message(ctx, &user, lang, 403, cat.Get("error_403_title"), cat.Get("desk_csrf_failed"));
    return act(DeskRequest{ctx, user, lang, cat, &*form});
  };
}

std::string Desk::Impl::LanguageOf(const Request& req) const {
  if (auto chosen = CookieValue(req.Header("cookie"), kLanguageCookie); chosen && catalogs_.count(*chosen)) return *chosen;
  std::string preferred = PreferredLanguage(req.Header("accept-language"), {"en", "ru"});
  return preferred.empty() ? "en" : preferred;
}

TimePoint Desk::Impl::Now() const {
  return services_.now ? services_.now()
                       : std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string Desk::Impl::When(const DeskRequest& r, std::optional<TimePoint> t) const {
  if (!t || t->time_since_epoch().count() == 0) return "—";
  return r.cat.Date(*t, 0, "UTC");
}

Response Desk::Impl::Render(const DeskRequest& r, int status, const std::string& title, const std::string& tmpl,
                            json view, const std::string& section) {
  view["t"] = r.cat.strings();
  view["lang"] = r.lang;
  view["csrf"] = r.ctx.viewer.session ? r.ctx.viewer.session->csrf_token : "";
  const std::string content = templates_.Render(tmpl, view);
  json nav = json::array();
  struct Item {
    const char* section;
    const char* href;
    Role least;
  };
  for (const Item& i : {Item{"home", "/desk/", Role::kModerator}, Item{"sources", "/desk/sources", Role::kEditor},
                        Item{"comments", "/desk/comments", Role::kModerator}, Item{"jobs", "/desk/jobs", Role::kEditor},
                        Item{"people", "/desk/people", Role::kAdmin}, Item{"audit", "/desk/audit", Role::kEditor}}) {
    if (!AtLeast(r.user.role, i.least)) continue;
    nav.push_back({{"href", i.href}, {"text", r.cat.Get(std::string("desk_nav_") + i.section)},
                   {"current", section == i.section}});
  }
  json layout = {{"lang", r.lang},
                 {"t", r.cat.strings()},
                 {"title", title},
                 {"site_name", config_.site_name},
                 {"nav", nav},
                 {"has_nav", !nav.empty()},
                 {"user", r.user.display_name},
                 {"role", r.cat.Get(std::string("desk_role_") + RoleName(r.user.role))},
                 {"csrf", view["csrf"]},
                 {"here", r.ctx.request.target},
                 {"other_lang", r.lang == "en" ? "ru" : "en"},
                 {"other_lang_name", CatalogOf(r.lang == "en" ? "ru" : "en").language_name()},
                 {"content", content}};
  Response res;
  res.status = status;
  res.body = templates_.Render("desk_layout", layout);
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

Response Desk::Impl::Message(const RequestContext& ctx, const User* user, const std::string& lang, int status,
                             const std::string& title, const std::string& text) {
  const Catalog& cat = CatalogOf(lang);
  json view = {{"t", cat.strings()}, {"lang", lang}, {"title", title}, {"text", text},
               {"login_href", user ? json(false) : json("/" + config_.editions.front() + "/account/login?next=" +
                                                        PercentEncode(ctx.request.path))}};
  if (user && !user->banned && AtLeast(user->role, Role::kModerator)) {
    DeskRequest r{ctx, *user, lang, cat};
    return Render(r, status, title, "desk_message", view, "");
  }
  // Outside the desk (a guest, a reader): the message alone, in the desk's plain layout.
  json layout = {{"lang", lang}, {"t", cat.strings()}, {"title", title}, {"site_name", config_.site_name},
                 {"nav", json::array()}, {"user", user ? json(user->display_name) : json(false)},
                 {"csrf", ""}, {"content", templates_.Render("desk_message", view)}};
  Response res;
  res.status = status;
  res.body = templates_.Render("desk_layout", layout);
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

Response Desk::Impl::StoreFailed(const DeskRequest& r, const Status& s) {
  spdlog::error("desk: {} {}: {}", r.ctx.request.method, r.ctx.request.path.substr(0, 200), s.ToString());
  return Message(r.ctx, &r.user, r.lang, 503, r.cat.Get("error_503_title"), r.cat.Get("error_503_text"));
}

json Desk::Impl::DoneNotice(const DeskRequest& r, std::initializer_list<const char*> known) {
  const std::string done = r.Query("done");
  for (const char* key : known)
    if (done == key) return r.cat.Get(std::string("desk_done_") + key);
  return false;
}

void Desk::Impl::Audit(const DeskRequest& r, const std::string& action, const std::string& target,
                       const std::string& summary, const std::string& before, const std::string& after) {
  AuditEntry e;
  e.at = Now();
  e.actor = fmt::format("user:{}", r.user.id);
  e.actor_name = r.user.display_name;
  e.action = action;
  e.target = target;
  e.summary = summary;
  e.before = before;
  e.after = after;
  auto id = store_.AppendAudit(e);
  if (!id.ok()) spdlog::error("desk: could not record {} on {} in the audit log: {}", action, target, id.status().ToString());
}

Response Desk::Impl::Home(const DeskRequest& r) {
  json view = json::object();
  if (AtLeast(r.user.role, Role::kEditor)) {
    auto sources = store_.ListSourceStatuses();
    if (!sources.ok()) return StoreFailed(r, sources.status());
    int failing = 0, paused = 0, followed = 0;
    for (const auto& s : *sources) {
      bool fails = false, pauses = false;
      for (const auto& f : s.feeds) {
        fails |= !f.paused && f.consecutive_failures > 0;
        pauses |= f.paused;
      }
      failing += fails;
      paused += pauses;
      followed += !s.feeds.empty();
    }
    auto jobs = store_.CountJobs();
    if (!jobs.ok()) return StoreFailed(r, jobs.status());
    view["sources"] = {{"followed", followed}, {"failing", failing}, {"paused", paused},
                       {"failing_href", "/desk/sources?filter=failing"}};
    view["jobs"] = {{"failed", jobs->failed}, {"queued", jobs->queued}, {"running", jobs->running}};
  }
  auto held = store_.ListCommentsByStatus(CommentStatus::kHeld, 500);
  if (!held.ok()) return StoreFailed(r, held.status());
  auto reports = store_.ListOpenReports(500);
  if (!reports.ok()) return StoreFailed(r, reports.status());
  view["comments"] = {{"held", held->size()}, {"reported", reports->size()}};
  return Render(r, 200, r.cat.Get("desk_title"), "desk_home", view, "home");
}

Response Desk::Impl::PostLanguage(const DeskRequest& r) {
  std::string lang = r.Field("lang");
  if (!catalogs_.count(lang)) return Invalid(r, r.cat.Get("desk_unknown_language"));
  std::string back = r.Field("back");
  if (back.rfind("/desk/", 0) != 0 || back.find("//") != std::string::npos) back = "/desk/";
  Response res = SeeOther(back);
  const bool secure = config_.base_url.rfind("https://", 0) == 0;
  res.headers.emplace_back("Set-Cookie", fmt::format("{}={}; Max-Age=31536000; Path=/desk; SameSite=Lax{}", kLanguageCookie,
                                                     lang, secure ? "; Secure" : ""));
  return res;
}

}  // namespace newsdesk
