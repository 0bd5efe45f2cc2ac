#include "web/reader_pages_impl.h"

namespace newsdesk {

namespace reader_pages_internal {

std::string LocalPath(const std::string& next, const std::string& fallback) {
  if (next.size() < 2 || next.size() > 500 || next[0] != '/' || next[1] == '/' || next[1] == '\\') return fallback;
  for (char c : next)
    if (static_cast<unsigned char>(c) < 0x20) return fallback;
  return next;
}

int StatusFor(const Status& s) {
  switch (s.code()) {
    case Code::kInvalidArgument: return 400;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists: return 409;
    case Code::kUnavailable: return 429;
    case Code::kPermissionDenied: return 403;
    default: return 503;
  }
}

json Field(const std::string& kind, const std::string& name, const std::string& label, const std::string& value,
           const std::string& type, const std::string& autocomplete, int maxlength) {
  return {{"hidden", kind == "hidden"},
          {"honeypot", kind == "honeypot"},
          {"checkbox", kind == "checkbox"},
          {"input", kind == "input"},
          {"textarea", kind == "textarea"},
          {"name", name},
          {"label", label},
          {"value", value},
          {"type", type},
          {"autocomplete", autocomplete},
          {"maxlength", maxlength},
          {"checked", kind == "checkbox" && value == "1"},
          {"required", kind == "input" || kind == "textarea"}};
}

json Form(const std::string& action, const std::string& csrf, const std::string& title, const std::string& submit,
          json fields, bool danger) {
  return {{"action", action}, {"csrf", csrf}, {"title", title}, {"submit", submit},
          {"fields", std::move(fields)}, {"danger", danger}};
}

}  // namespace reader_pages_internal

Viewer ReaderPages::Impl::Identify(const Request& req) {
  Viewer v;
  auto token = CookieValue(req.Header("cookie"), kSessionCookie);
  if (!token || token->empty()) return v;
  v.session_token = *token;
  auto s = accounts_.Authenticate(*token);
  if (s.ok()) v.session = std::move(*s);
  else if (!s.status().is_not_found()) spdlog::warn("cannot check a session: {}", s.status().ToString());
  return v;
}

// PublicForm answers a form anyone may send (register, log in, forgot,
// reset): `show` the form, or `submit` a posted one.
RouteHandler ReaderPages::Impl::PublicForm(RouteHandler show, FormHandler submit) {
  return [this, show, submit](const RequestContext& ctx) {
    if (ctx.request.method != "POST") return show(ctx);
    Response bad;
    auto form = FormOf(ctx, bad);
    return form ? submit(ctx, *form) : bad;
  };
}

// ReaderForm answers a POST that changes a logged-in reader's state: it
// needs a session and the session's CSRF token. `guest` answers a guest
// (by default: log in first).
RouteHandler ReaderPages::Impl::ReaderForm(FormHandler submit, RouteHandler guest) {
  return [this, submit, guest](const RequestContext& ctx) {
    Response bad;
    auto form = FormOf(ctx, bad);
    if (!form) return bad;
    if (!ctx.viewer.session) return guest ? guest(ctx) : LoginRequired(ctx, "/" + ctx.edition + "/");
    if (!SessionCsrfOk(ctx.viewer, *form)) return Forbidden(ctx);
    return submit(ctx, *form);
  };
}

void ReaderPages::Impl::AddRoutes(RouteTable& routes) {
  const std::vector<std::string> get = {"GET", "HEAD"}, post = {"POST"}, both = {"GET", "HEAD", "POST"};
  auto token = [](const RequestContext& c) { return c.request.QueryParam("token").value_or(""); };
  // Accounts.
  routes.Add(both, "/{ed}/account/register",
             PublicForm([this](const RequestContext& c) { return RegisterForm(c, 200, "", {}); },
                        [this](const RequestContext& c, const FormFields& f) { return PostRegister(c, f); }));
  routes.Add(get, "/{ed}/account/confirm", [this, token](const RequestContext& c) { return Confirm(c, token(c)); });
  routes.Add(both, "/{ed}/account/login",
             PublicForm([this](const RequestContext& c) { return LoginForm(c, 200, "", ""); },
                        [this](const RequestContext& c, const FormFields& f) { return PostLogin(c, f); }));
  routes.Add(post, "/{ed}/account/logout",
             ReaderForm([this](const RequestContext& c, const FormFields&) { return PostLogout(c); },
                        [](const RequestContext& c) { return SeeOther("/" + c.edition + "/"); }));
  routes.Add(both, "/{ed}/account/forgot",
             PublicForm([this](const RequestContext& c) { return ForgotForm(c, 200, "", false); },
                        [this](const RequestContext& c, const FormFields& f) { return PostForgot(c, f); }));
  routes.Add(both, "/{ed}/account/reset",
             PublicForm([this, token](const RequestContext& c) { return ResetForm(c, 200, "", token(c)); },
                        [this](const RequestContext& c, const FormFields& f) { return PostReset(c, f); }));
  routes.Add(both, "/{ed}/account/login-link",
             PublicForm([this](const RequestContext& c) { return LoginLinkForm(c, 200, "", false); },
                        [this](const RequestContext& c, const FormFields& f) { return PostLoginLink(c, f); }));
  routes.Add(both, "/{ed}/account/login-link/use",
             PublicForm([this, token](const RequestContext& c) { return UseLoginLinkForm(c, 200, "", token(c)); },
                        [this](const RequestContext& c, const FormFields& f) { return PostUseLoginLink(c, f); }));
  routes.Add(get, "/{ed}/account", [this](const RequestContext& c) { return AccountPage(c); });
  routes.Add(post, "/{ed}/account/name", ReaderForm([this](const RequestContext& c, const FormFields& f) {
               return AccountResult(c, accounts_.ChangeDisplayName(c.viewer.user()->id, FormValue(f, "display_name")));
             }));
  routes.Add(post, "/{ed}/account/notify", ReaderForm([this](const RequestContext& c, const FormFields& f) {
               return AccountResult(c, accounts_.SetNotifyReplies(c.viewer.user()->id, FormValue(f, "notify") == "1"));
             }));
  routes.Add(post, "/{ed}/account/password",
             ReaderForm([this](const RequestContext& c, const FormFields& f) { return PostPassword(c, f); }));
  routes.Add(post, "/{ed}/account/delete",
             ReaderForm([this](const RequestContext& c, const FormFields& f) { return PostDeleteAccount(c, f); }));
  // Comments.
  routes.Add(post, "/{ed}/articles/{idslug}/comments", ReaderForm([this](const RequestContext& c, const FormFields& f) {
               return PostComment(c, c.Param("idslug"), f);
             }));
  routes.Add(both, "/{ed}/comments/{id}/edit",
             ShowOr([this](const RequestContext& c) { return EditForm(c, c.Param("id"), 200, Status::Ok(), std::nullopt); },
                    ReaderForm([this](const RequestContext& c, const FormFields& f) {
                      return PostEdit(c, c.Param("id"), f);
                    })));
  auto action = [this](CommentActionKind kind) {
    return ReaderForm([this, kind](const RequestContext& c, const FormFields& f) {
      return CommentAction(c, kind, c.Param("id"), f);
    });
  };
  routes.Add(post, "/{ed}/comments/{id}/delete", action(CommentActionKind::kDelete));
  routes.Add(both, "/{ed}/comments/{id}/report",
             ShowOr([this](const RequestContext& c) { return ReplyOrReportForm(c, c.Param("id"), false); },
                    action(CommentActionKind::kReport)));
  routes.Add(get, "/{ed}/comments/{id}/reply",
             [this](const RequestContext& c) { return ReplyOrReportForm(c, c.Param("id"), true); });
  routes.Add(post, "/{ed}/comments/{id}/hide", action(CommentActionKind::kHide));
  routes.Add(post, "/{ed}/comments/{id}/restore", action(CommentActionKind::kRestore));
  // Moderation.
  routes.Add(post, "/{ed}/users/{id}/ban",
             ReaderForm([this](const RequestContext& c, const FormFields& f) { return PostBan(c, c.Param("id"), f); }));
  routes.Add(get, "/{ed}/moderation", [this](const RequestContext& c) { return ModerationPage(c); });
  routes.Add(post, "/{ed}/moderation/hold-words",
             ReaderForm([this](const RequestContext& c, const FormFields& f) { return PostHoldWords(c, f); }));
  routes.Add(get, "/{ed}/discussion", [this](const RequestContext& c) { return DiscussionPage(c); });
  // Mail links and the comments API (the default edition's language).
  routes.Add(both, "/unsubscribe/{user}/{token}",
             [this](const RequestContext& c) { return Unsubscribe(c, c.Param("user"), c.Param("token")); });
  routes.Add(both, "/api/v1/articles/{id}/comments",
             [this](const RequestContext& c) { return ApiComments(c.request, c.Param("id"), c.viewer); });
}

json ReaderPages::Impl::HeaderView(const Viewer& v, const std::string& ed, const std::string& here) {
  const Catalog& cat = catalog(ed);
  if (!v.session) {
    // Back to this page after logging in, unless it is an account page.
    const bool account_page = here.rfind("/" + ed + "/account", 0) == 0;
    const std::string next = "?next=" + PercentEncode(account_page ? "/" + ed + "/" : here);
    return {{"guest", true},
            {"login_href", "/" + ed + "/account/login" + next},
            {"register_href", "/" + ed + "/account/register"}};
  }
  const User& u = v.session->user;
  json h = {{"guest", false},
            {"name", u.display_name},
            {"account_href", "/" + ed + "/account"},
            {"logout_action", "/" + ed + "/account/logout"},
            {"csrf", v.session->csrf_token},
            {"moderation_href", IsModerator(u) ? json("/" + ed + "/moderation") : json(false)}};
  (void)cat;
  return h;
}

json ReaderPages::Impl::DiscussionView(const std::string& ed, int limit) {
  auto seq = articles_.ChangeSequence();
  const std::string key = fmt::format("{}:{}", ed, limit);
  if (seq.ok()) {
    std::lock_guard<std::mutex> lock(discussion_mu_);
    auto it = discussion_.find(key);
    if (it != discussion_.end() && it->second.first == *seq) return it->second.second;
  }
  const Catalog& cat = catalog(ed);
  json items = json::array();
  auto recent = comments_.RecentlyDiscussed(limit);
  if (!recent.ok()) {
    spdlog::warn("discussion list: {}", recent.status().ToString());
    return items;
  }
  for (const auto& d : *recent) {
    auto a = articles_.GetArticle(d.article_id);
    if (!a.ok()) continue;
    json item = {{"href", fmt::format("/{}/articles/{}-{}#comments", ed, a->id, a->slug)},
                 {"time", cat.ShortDate(d.last_comment_at, config_.utc_offset_minutes)},
                 {"iso", FormatIso8601(d.last_comment_at)},
                 {"count", d.comment_count},
                 {"count_title", cat.Format("comment_count", {{"count", std::to_string(d.comment_count)}})},
                 {"headline", a->headline},
                 {"content_lang", false},
                 {"label", false},
                 {"label_title", ""}};
    if (a->language != ed) {
      auto t = articles_.GetTranslation(a->id, ed);
      if (t.ok()) {
        item["headline"] = t->headline;
      } else {
        item["content_lang"] = a->language;
        item["label"] = AsciiUpper(a->language);
        item["label_title"] = cat.Format("untranslated_short_title", {{"language", cat.LanguageName(a->language)}});
      }
    }
    items.push_back(std::move(item));
  }
  if (seq.ok()) {
    std::lock_guard<std::mutex> lock(discussion_mu_);
    discussion_[key] = {*seq, items};
  }
  return items;
}

std::map<int64_t, int64_t> ReaderPages::Impl::CommentCounts(const std::vector<int64_t>& ids) {
  auto counts = comments_.VisibleCounts(ids);
  if (!counts.ok()) {
    spdlog::warn("comment counts: {}", counts.status().ToString());
    return {};
  }
  return std::move(*counts);
}

std::string ReaderPages::Impl::CommentsHtml(int64_t article_id, const std::string& ed, const std::string& path, const Viewer& v, const Request& req) {
  const Catalog& cat = catalog(ed);
  const User* user = v.user();
  auto list = comments_.ForArticle(article_id, user);
  json view = {{"t", cat.strings()}, {"lang", ed}};
  json items = json::array();
  int64_t visible = 0;
  const bool moderator = user && IsModerator(*user);
  const auto now = SystemNow();
  if (list.ok()) {
    for (const Comment& c : *list) {
      if (c.status == CommentStatus::kVisible) ++visible;
      items.push_back(CommentView(c, ed, path, v, moderator, now));
    }
  } else {
    spdlog::warn("comments of article {}: {}", article_id, list.status().ToString());
  }
  view["comments"] = items;
  view["heading"] = cat.Format("comments_heading", {{"count", std::to_string(visible)}});
  view["notice"] = false;
  if (auto n = req.QueryParam("notice"); n && (*n == "held" || *n == "posted" || *n == "edited" ||
                                               *n == "deleted" || *n == "reported" || *n == "done"))
    view["notice"] = cat.Get("comment_notice_" + *n);
  if (user) {
    view["guest"] = false;
    view["form"] = {{"action", path + "/comments"}, {"csrf", v.session->csrf_token},
                    {"maxlength", config_.comment_max_chars}};
  } else {
    view["form"] = false;
    view["guest"] = {{"register_href", "/" + ed + "/account/register?next=" + PercentEncode(path)},
                     {"login_href", "/" + ed + "/account/login?next=" + PercentEncode(path + "#comments")}};
  }
  return templates_.Render("comments", view);
}

json ReaderPages::Impl::CommentView(const Comment& c, const std::string& ed, const std::string& path, const Viewer& v, bool moderator, TimePoint now) {
  const Catalog& cat = catalog(ed);
  const User* user = v.user();
  const bool own = user && user->id == c.user_id;
  json item = {{"id", c.id},
               {"is_reply", c.parent_id != 0},
               // Invisible and direction-changing characters are dropped on
               // output too: names and comments stored before they were
               // refused (issue 18) must not reorder the page either.
               {"author", c.author_deleted ? cat.Get("deleted_user") : WithoutInvisibleChars(c.author_name)},
               {"iso", FormatIso8601(c.created_at)},
               {"time", cat.Date(c.created_at, config_.utc_offset_minutes, config_.zone_label)},
               {"edited", c.edited_at.has_value()},
               {"html", ""},
               {"placeholder", false},
               {"status_note", false},
               {"held", c.status == CommentStatus::kHeld},
               {"actions", false}};
  const bool text_shown = !c.html.empty() && c.status != CommentStatus::kDeleted;
  if (c.status == CommentStatus::kDeleted) item["placeholder"] = cat.Get("comment_deleted");
  else if (c.status == CommentStatus::kHidden && !moderator) item["placeholder"] = cat.Get("comment_hidden");
  else if (text_shown) item["html"] = WithoutInvisibleChars(c.html);  // from RenderCommentMarkdown only
  if (c.status == CommentStatus::kHeld)
    item["status_note"] = cat.Format("comment_held", {{"reason", Reason(ed, c.hold_reason)}});
  else if (c.status == CommentStatus::kHidden && moderator)
    item["status_note"] = cat.Format("comment_hidden_note", {{"reason", Reason(ed, c.hold_reason)}});
  if (moderator && !c.address.empty()) item["address"] = c.address;
  else item["address"] = false;
  if (!user) return item;
  const std::string csrf = v.session->csrf_token;
  const std::string base = fmt::format("/{}/comments/{}", ed, c.id);
  // Replying and reporting take a page of their own (links, not a form per
  // comment): a thread of 200 comments stays a page of modest size.
  json a = {{"csrf", csrf},
            {"reply_href", false},
            {"edit_href", false},
            {"delete_action", false},
            {"report_href", false},
            {"hide_action", false},
            {"restore_action", false},
            {"ban_action", false}};
  if (c.status == CommentStatus::kVisible && c.parent_id == 0) a["reply_href"] = base + "/reply";
  if (own && (c.status == CommentStatus::kVisible || c.status == CommentStatus::kHeld) &&
      now < c.created_at + std::chrono::seconds(config_.comment_edit_seconds))
    a["edit_href"] = base + "/edit";
  if ((own || moderator) && c.status != CommentStatus::kDeleted) a["delete_action"] = base + "/delete";
  if (!own && c.status == CommentStatus::kVisible) a["report_href"] = base + "/report";
  if (moderator && (c.status == CommentStatus::kVisible || c.status == CommentStatus::kHeld))
    a["hide_action"] = base + "/hide";
  if (moderator && (c.status == CommentStatus::kHidden || c.status == CommentStatus::kHeld))
    a["restore_action"] = base + "/restore";
  if (moderator && !own && !c.author_deleted) a["ban_action"] = fmt::format("/{}/users/{}/ban", ed, c.user_id);
  item["actions"] = a;
  return item;
}

Response ReaderPages::Impl::SeeOther(const std::string& location) {
  Response r = Response::Redirect(303, location);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response ReaderPages::Impl::Render(const RequestContext& ctx, int status, const std::string& title, const std::string& tmpl, json view) {
  const std::string& ed = ctx.edition;
  view["t"] = catalog(ed).strings();
  view["lang"] = ed;
  Response r = page_(ctx, ed, title, templates_.Render(tmpl, view), {}, status);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response ReaderPages::Impl::Message(const RequestContext& ctx, int status, const std::string& title_key, const std::string& text, const std::string& link_href, const std::string& link_key) {
  const std::string& ed = ctx.edition;
  const Catalog& cat = catalog(ed);
  json view = {{"heading", cat.Get(title_key)}, {"error", status >= 400 ? json(text) : json(false)},
               {"notice", status < 400 ? json(text) : json(false)}, {"intro", false}, {"forms", json::array()},
               {"links", json::array()}};
  if (!link_href.empty()) view["links"].push_back({{"href", link_href}, {"text", cat.Get(link_key)}});
  return Render(ctx, status, cat.Get(title_key), "account_form", view);
}

// Refusal shows why a reader's request was refused: the library's reason
// after a localised lead.
Response ReaderPages::Impl::Refusal(const RequestContext& ctx, const Status& s, const std::string& back) {
  const std::string& ed = ctx.edition;
  if (StatusFor(s) >= 500) spdlog::error("readers: {}", s.ToString());
  const Catalog& cat = catalog(ed);
  const std::string text = StatusFor(s) >= 500 ? cat.Get("error_503_text") : cat.Format("refused", {{"reason", Reason(ed, s)}});
  return Message(ctx, StatusFor(s) == 409 ? 400 : StatusFor(s), "refused_title", text,
                 back.empty() ? "/" + ed + "/" : back, back.empty() ? "back_home" : "go_back");
}

// PreSession returns the pre-session cookie's token, making one (and
// setting the cookie on `r`) when the request has none.
std::string ReaderPages::Impl::PreSession(const Request& req, Response* r) {
  auto token = CookieValue(req.Header("cookie"), kPreCookie);
  if (token && token->size() >= 32 && token->size() <= 64) return *token;
  std::string fresh = NewPreSessionToken();
  if (r) r->headers.emplace_back("Set-Cookie", fmt::format("{}={}; Max-Age={}{}", kPreCookie, fresh,
                                                           kPreCookieSeconds, CookieFlags()));
  return fresh;
}

// FormOf parses a POST body; nullopt (and `bad` set) when it is no form.
std::optional<FormFields> ReaderPages::Impl::FormOf(const RequestContext& ctx, Response& bad) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  auto type = req.Header("content-type");
  if (type.rfind("application/x-www-form-urlencoded", 0) != 0) {
    bad = Message(ctx, 415, "error_400_title", catalog(ed).Get("form_wrong_type"));
    return std::nullopt;
  }
  auto f = ParseForm(req.body, kMaxFormBytes);
  if (!f.ok()) {
    bad = Message(ctx, req.body.size() > kMaxFormBytes ? 413 : 400, "error_400_title",
                  catalog(ed).Format("refused", {{"reason", Reason(ed, f.status())}}));
    return std::nullopt;
  }
  return std::move(*f);
}

void ReaderPages::Impl::Mail(const std::string& to_email, const std::string& to_name, const std::string& subject, const std::string& text, const std::string& what, std::vector<std::pair<std::string, std::string>> headers) {
  std::lock_guard<std::mutex> lock(mail_mu_);
  if (!mail_) {
    spdlog::warn("mail is not configured (no [mail] smtp_url or outbox); not sending {}", what);
    return;
  }
  auto from = ParseAddress(config_.mail_from);
  if (!from.ok()) {
    spdlog::error("mail: [mail] from is malformed: {}", from.status().message());
    return;
  }
  newsdesk::Message m;
  m.from = *from;
  if (!config_.mail_reply_to.empty())
    if (auto rt = ParseAddress(config_.mail_reply_to); rt.ok()) m.reply_to = *rt;
  m.to = {{to_name, to_email}};
  m.subject = subject;
  m.text = text;
  m.headers = std::move(headers);
  mail_->Enqueue(std::move(m), what);
}

void ReaderPages::Impl::MailConfirmation(const std::string& ed, const User& u, const std::string& token) {
  const Catalog& cat = catalog(ed);
  const std::string link = Url("/" + ed + "/account/confirm?token=" + PercentEncode(token));
  Mail(u.email, u.display_name, cat.Format("mail_confirm_subject", {{"site", config_.site_name}}),
       cat.Format("mail_confirm_text", {{"name", u.display_name}, {"link", link}, {"site", config_.site_name},
                                        {"hours", std::to_string(config_.confirm_token_hours)}}),
       fmt::format("e-mail confirmation for user {}", u.id));
}

void ReaderPages::Impl::MailReplyNotification(const std::string& ed, const User& to, const Comment& reply, const std::string& path) {
  const Catalog& cat = catalog(ed);
  const std::string unsubscribe = Url(fmt::format("/unsubscribe/{}/{}", to.id, accounts_.UnsubscribeToken(to.id)));
  Mail(to.email, to.display_name, cat.Format("mail_reply_subject", {{"site", config_.site_name}}),
       cat.Format("mail_reply_text", {{"name", to.display_name}, {"author", reply.author_name},
                                      {"link", Url(fmt::format("{}#c{}", path, reply.id))},
                                      {"text", reply.body.substr(0, 1000)},
                                      {"unsubscribe", unsubscribe}, {"site", config_.site_name}}),
       fmt::format("reply notification for user {}", to.id),
       {{"List-Unsubscribe", "<" + unsubscribe + ">"}, {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}});
}

void ReaderPages::Impl::NotifyReply(const std::string& ed, const Comment& reply) {
  auto to = comments_.ReplyRecipient(reply);
  if (!to.ok()) {
    spdlog::warn("reply notification for comment {}: {}", reply.id, to.status().ToString());
    return;
  }
  if (!*to) return;
  auto a = articles_.GetArticle(reply.article_id);
  if (!a.ok()) return;
  Comment named = reply;
  if (named.author_name.empty())
    if (auto u = comments_.Author(reply); u.ok()) named.author_name = u->display_name;
  MailReplyNotification(ed, **to, named, fmt::format("/{}/articles/{}-{}", ed, a->id, a->slug));
}

Response ReaderPages::Impl::Unsubscribe(const RequestContext& ctx, const std::string& user, const std::string& token) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  auto id = ParsePositiveId(user);
  if (!id) return NotFound(ctx);
  const Catalog& cat = catalog(ed);
  if (req.method != "POST") {
    // A GET changes nothing (mail scanners follow links): one button.
    json view = {{"heading", cat.Get("unsubscribe_title")}, {"error", false}, {"notice", false},
                 {"intro", cat.Get("unsubscribe_intro")},
                 {"forms", json::array({Form(req.path, "", "", cat.Get("unsubscribe"),
                                             json::array({Field("hidden", "List-Unsubscribe", "", "One-Click")}))})},
                 {"links", json::array()}};
    return Render(ctx, 200, cat.Get("unsubscribe_title"), "account_form", view);
  }
  // The token in the path is the credential (RFC 8058 one-click POST):
  // no session and no CSRF token are needed or possible.
  Status s = accounts_.Unsubscribe(*id, token);
  if (!s.ok()) {
    if (StatusFor(s) >= 500) return Refusal(ctx, s);
    return Message(ctx, 400, "unsubscribe_title", cat.Get("unsubscribe_failed"));
  }
  return Message(ctx, 200, "unsubscribe_title", cat.Get("notice_unsubscribed"), "/" + ed + "/", "back_home");
}

ReaderPages::ReaderPages(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReaderPages::~ReaderPages() = default;

Result<std::unique_ptr<ReaderPages>> ReaderPages::Create(Store& store, const Config& config, const Templates& templates,
                                                         const std::map<std::string, Catalog>& catalogs, PageFn page,
                                                         std::shared_ptr<Mailer> mailer) {
  auto secret = LoadSharedSiteSecret(store, config.data_dir);
  if (!secret.ok()) return secret.status();
  auto impl = std::make_unique<Impl>(store, config, templates, catalogs, std::move(page), *secret, std::move(mailer));
  return std::unique_ptr<ReaderPages>(new ReaderPages(std::move(impl)));
}

void ReaderPages::UseMailer(std::shared_ptr<Mailer> mailer) { impl_->UseMailer(std::move(mailer)); }
void ReaderPages::ReportMailTo(Health* health) { impl_->ReportMailTo(health); }
bool ReaderPages::WaitForMail(std::chrono::milliseconds timeout) { return impl_->WaitForMail(timeout); }

bool ReaderPages::HasSessionCookie(const Request& request) {
  auto c = CookieValue(request.Header("cookie"), kSessionCookie);
  return c && !c->empty();
}

Viewer ReaderPages::Identify(const Request& request) { return impl_->Identify(request); }

void ReaderPages::NotifyApproved(const Comment& reply) { impl_->NotifyApproved(reply); }

Status ReaderPages::SendPasswordReset(int64_t user_id, const std::string& ed) {
  return impl_->SendPasswordReset(user_id, ed);
}

bool ReaderPages::CsrfOk(const Viewer& viewer, const std::string& csrf_token) {
  return impl_->CsrfOk(viewer, csrf_token);
}

void ReaderPages::AddRoutes(RouteTable& routes) { impl_->AddRoutes(routes); }

json ReaderPages::HeaderView(const Viewer& viewer, const std::string& ed, const std::string& here) {
  return impl_->HeaderView(viewer, ed, here);
}

json ReaderPages::DiscussionView(const std::string& ed, int limit) { return impl_->DiscussionView(ed, limit); }

std::string ReaderPages::CommentsHtml(int64_t article_id, const std::string& ed, const std::string& article_path,
                                      const Viewer& viewer, const Request& request) {
  return impl_->CommentsHtml(article_id, ed, article_path, viewer, request);
}

std::map<int64_t, int64_t> ReaderPages::CommentCounts(const std::vector<int64_t>& ids) {
  return impl_->CommentCounts(ids);
}

void ReaderPages::CountView(int64_t article_id) { impl_->CountView(article_id); }
Status ReaderPages::FlushViews() { return impl_->FlushViews(); }
Status ReaderPages::Housekeeping() { return impl_->Housekeeping(); }

}  // namespace newsdesk
