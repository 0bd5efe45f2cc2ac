#include "web/desk_impl.h"

#include <algorithm>

#include "web/translation_api.h"

namespace newsdesk {

namespace desk_internal {

bool IdFound(DeskRequest& r) {
  const auto& params = r.ctx.params;
  const bool has_id = std::any_of(params.begin(), params.end(), [](const auto& p) { return p.first == "id"; });
  if (!has_id) return true;
  auto id = ParsePositiveId(r.ctx.Param("id"));
  if (!id) return false;
  r.id = *id;
  return true;
}

std::string ReturnPath(const std::string& back, std::string_view prefix, std::string fallback) {
  if (back.rfind(prefix, 0) != 0 || back.find("//") != std::string::npos) return fallback;
  return back;
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
  routes.Add({"GET", "HEAD"}, "/desk", [](const RequestContext&) { return SeeOther("/desk/"); });
  using Handler = Response (Impl::*)(const DeskRequest&);
  // A translation's form: the API's cap on a translation, URL-encoded (up
  // to three bytes a byte), and a field per block (model/block_json.h
  // allows 2,000) besides headline, dateline, seen and the token.
  static constexpr FormLimits kTranslationForm{3 * TranslationApi::kMaxTranslationBytes, 2000 + 8};
  static constexpr FormLimits kArticleForm{kMaxArticleFormBytes, kMaxArticleFormFields};
  struct DeskRoute {
    bool post;  // a change (POST, CSRF) or a page (GET, HEAD)
    const char* pattern;
    Role least;
    Handler handler;
    FormLimits limits = {};
  };
  // Moderators reach the overview and the comments (the hold-word list is
  // for editors, as readers/ rules); people are for admins; everything else
  // for editors.
  static const DeskRoute kRoutes[] = {
      {false, "/desk/", Role::kModerator, &Impl::Home},
      {true, "/desk/language", Role::kModerator, &Impl::PostLanguage},
      {true, "/desk/mail", Role::kEditor, &Impl::PostDeskMail},
      {false, "/desk/sources", Role::kEditor, &Impl::SourcesBoard},
      {true, "/desk/sources/discover", Role::kEditor, &Impl::DiscoverSource},
      {true, "/desk/sources/follow", Role::kEditor, &Impl::FollowSource},
      {false, "/desk/sources/{id}", Role::kEditor, &Impl::SourcePage},
      {true, "/desk/sources/{id}/remove", Role::kEditor, &Impl::RemoveSource},
      {true, "/desk/feeds/{id}/pause", Role::kEditor, &Impl::PauseFeed},
      {true, "/desk/feeds/{id}/resume", Role::kEditor, &Impl::ResumeFeed},
      {true, "/desk/feeds/{id}/fetch", Role::kEditor, &Impl::FetchFeed},
      {true, "/desk/feeds/{id}/interval", Role::kEditor, &Impl::FeedInterval},
      {false, "/desk/articles", Role::kEditor, &Impl::Articles},
      {false, "/desk/articles/{id}", Role::kEditor, &Impl::ArticleDesk},
      {true, "/desk/articles/{id}/state", Role::kEditor, &Impl::PostPublication},
      {true, "/desk/articles/{id}/edit", Role::kEditor, &Impl::PostArticleEdit, kArticleForm},
      {false, "/desk/revisions/{id}", Role::kEditor, &Impl::RevisionPage},
      {true, "/desk/revisions/{id}/restore", Role::kEditor, &Impl::PostRestoreRevision},
      {true, "/desk/sources/{id}/hold", Role::kEditor, &Impl::PostHoldPolicy},
      {false, "/desk/sources/{id}/rule", Role::kEditor, &Impl::RuleEditor},
      {true, "/desk/sources/{id}/rule", Role::kEditor, &Impl::SaveRule},
      {true, "/desk/sources/{id}/rule/preview", Role::kEditor, &Impl::PreviewRule},
      {false, "/desk/comments", Role::kModerator, &Impl::CommentsRoom},
      {true, "/desk/comments/bulk", Role::kModerator, &Impl::PostCommentsBulk},
      {true, "/desk/comments/{id}/ban", Role::kModerator, &Impl::PostCommentBan},
      {true, "/desk/comments/hold-words", Role::kEditor, &Impl::PostHoldWords},
      {false, "/desk/comments/user/{id}", Role::kModerator, &Impl::CommentHistory},
      {false, "/desk/people", Role::kAdmin, &Impl::People},
      {true, "/desk/people/{id}/role", Role::kAdmin, &Impl::PostRole},
      {true, "/desk/people/{id}/ban", Role::kAdmin, &Impl::PostBan},
      {true, "/desk/people/{id}/reset", Role::kAdmin, &Impl::PostPasswordReset},
      {false, "/desk/jobs", Role::kEditor, &Impl::Jobs},
      {true, "/desk/jobs/{id}/retry", Role::kEditor, &Impl::PostRetryJob},
      {false, "/desk/audit", Role::kEditor, &Impl::AuditLogPage},
      {false, "/desk/translations", Role::kEditor, &Impl::Translations},
      {false, "/desk/translations/{id}/{lang}", Role::kEditor, &Impl::TranslationPage},
      {true, "/desk/translations/{id}/{lang}/save", Role::kEditor, &Impl::SaveTranslation, kTranslationForm},
      {true, "/desk/translations/{id}/{lang}/review", Role::kEditor, &Impl::ReviewTranslation},
      {true, "/desk/translations/{id}/{lang}/retry", Role::kEditor, &Impl::RetryTranslation},
      // entities (desk_entities.cc); the literal paths before {entity}
      {false, "/desk/entities", Role::kEditor, &Impl::EntitiesPage},
      {false, "/desk/entities/candidate", Role::kEditor, &Impl::CandidatePage},
      {false, "/desk/entities/search", Role::kEditor, &Impl::EntitySearch},
      {true, "/desk/entities/add", Role::kEditor, &Impl::PostEntityAdd},
      {true, "/desk/entities/alias", Role::kEditor, &Impl::PostEntityAlias},
      {true, "/desk/entities/unalias", Role::kEditor, &Impl::PostEntityUnalias},
      {true, "/desk/entities/merge", Role::kEditor, &Impl::PostEntityMerge},
      {true, "/desk/entities/dismiss", Role::kEditor, &Impl::PostCandidateDismiss},
      {false, "/desk/entities/{entity}", Role::kEditor, &Impl::EntityPage},
  };
  for (const DeskRoute& d : kRoutes) {
    DeskHandler fn = [this, h = d.handler](const DeskRequest& r) { return (this->*h)(r); };
    if (d.post) routes.Add({"POST"}, d.pattern, Action(d.least, std::move(fn), d.limits));
    else routes.Add({"GET", "HEAD"}, d.pattern, Page(d.least, std::move(fn)));
  }
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

RouteHandler Desk::Impl::Page(Role least, DeskHandler page) {
  return [this, least, page](const RequestContext& ctx) {
    const std::string lang = LanguageOf(ctx.request);
    if (auto refused = Refused(ctx, least, lang)) return *refused;
    DeskRequest r{ctx, *ctx.viewer.user(), lang, CatalogOf(lang)};
    if (!IdFound(r)) return NotFound(r);
    return page(r);
  };
}

RouteHandler Desk::Impl::Action(Role least, DeskHandler act, FormLimits limits) {
  return [this, least, act, limits](const RequestContext& ctx) {
    const std::string lang = LanguageOf(ctx.request);
    if (auto refused = Refused(ctx, least, lang)) return *refused;
    const Catalog& cat = CatalogOf(lang);
    const User& user = *ctx.viewer.user();
    if (ctx.request.Header("content-type").rfind("application/x-www-form-urlencoded", 0) != 0)
      return Message(ctx, &user, lang, 415, cat.Get("error_400_title"), cat.Get("form_wrong_type"));
    auto form = ParseForm(ctx.request.body, limits.bytes, limits.fields);
    if (!form.ok())
      return Message(ctx, &user, lang, ctx.request.body.size() > limits.bytes ? 413 : 400, cat.Get("error_400_title"),
                     cat.Format("refused", {{"reason", cat.Reason(form.status())}}));
    if (!services_.csrf_ok || !services_.csrf_ok(ctx.viewer, FormValue(*form, "csrf")))
      return Message(ctx, &user, lang, 403, cat.Get("error_403_title"), cat.Get("desk_csrf_failed"));
    DeskRequest r{ctx, user, lang, cat, &*form};
    if (!IdFound(r)) return NotFound(r);
    return act(r);
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
  view["csrf"] = r.csrf();
  const std::string content = templates_.Render(tmpl, view);
  json nav = json::array();
  struct Item {
    const char* section;
    const char* href;
    Role least;
  };
  for (const Item& i : {Item{"home", "/desk/", Role::kModerator}, Item{"sources", "/desk/sources", Role::kEditor},
                        Item{"articles", "/desk/articles", Role::kEditor},
                        Item{"comments", "/desk/comments", Role::kModerator}, Item{"jobs", "/desk/jobs", Role::kEditor},
                        Item{"translations", "/desk/translations", Role::kEditor},
                        Item{"entities", "/desk/entities", Role::kEditor},
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
    // The same states the board shows and filters by.
    int failing = 0, paused = 0, followed = 0;
    for (const auto& s : *sources) {
      const SourceState state = StateOf(s);
      failing += state == SourceState::kFailing;
      paused += state == SourceState::kPaused;
      followed += state != SourceState::kNotFollowed;
    }
    auto jobs = store_.CountJobs();
    if (!jobs.ok()) return StoreFailed(r, jobs.status());
    view["sources"] = {{"followed", followed}, {"failing", failing}, {"paused", paused},
                       {"failing_href", "/desk/sources?filter=failing"}};
    view["jobs"] = {{"failed", jobs->failed}, {"queued", jobs->queued}, {"running", jobs->running}};
    auto unpublished = store_.CountUnpublished();
    if (!unpublished.ok()) return StoreFailed(r, unpublished.status());
    int64_t held = 0, scheduled = 0;
    for (const auto& c : *unpublished) {
      if (c.publication == Publication::kHeld) held = c.count;
      if (c.publication == Publication::kScheduled) scheduled = c.count;
    }
    view["articles"] = {{"held", held}, {"scheduled", scheduled}};
    view["desk_mail"] = {{"on", r.user.desk_mail}, {"site_on", config_.desk_mail_enabled}};
  }
  auto held = store_.CountCommentQueue(CommentQueue::kPending);
  if (!held.ok()) return StoreFailed(r, held.status());
  auto reported = store_.CountCommentQueue(CommentQueue::kReported);
  if (!reported.ok()) return StoreFailed(r, reported.status());
  view["comments"] = {{"held", *held}, {"reported", *reported}};
  view["notice"] = DoneNotice(r, {"mail"});
  return Render(r, 200, r.cat.Get("desk_title"), "desk_home", view, "home");
}

Response Desk::Impl::PostDeskMail(const DeskRequest& r) {
  const std::string on = r.Field("on");
  if (on != "1" && on != "0") return Invalid(r, r.cat.Get("desk_unknown_state"));
  UserChanges change;
  change.desk_mail = on == "1";
  if (Status s = store_.UpdateUser(r.user.id, change); !s.ok()) return Failure(r, s);
  Audit(r, "user.desk_mail", fmt::format("user:{}", r.user.id), r.user.display_name, r.user.desk_mail ? "on" : "off",
        on == "1" ? "on" : "off");
  return SeeOther("/desk/?done=mail");
}

Response Desk::Impl::PostLanguage(const DeskRequest& r) {
  std::string lang = r.Field("lang");
  if (!catalogs_.count(lang)) return Invalid(r, r.cat.Get("desk_unknown_language"));
  const std::string back = ReturnPath(r.Field("back"), "/desk/", "/desk/");
  Response res = SeeOther(back);
  const bool secure = config_.base_url.rfind("https://", 0) == 0;
  res.headers.emplace_back("Set-Cookie", fmt::format("{}={}; Max-Age=31536000; Path=/desk; SameSite=Lax{}", kLanguageCookie,
                                                     lang, secure ? "; Secure" : ""));
  return res;
}

}  // namespace newsdesk
