#include "web/reader_pages.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "common/text.h"
#include "common/time.h"
#include "mail/mail.h"
#include "render/catalog.h"
#include "web/mail_queue.h"
#include "web/routes.h"
#include "render/templates.h"

namespace newsdesk {

using nlohmann::json;

namespace {

// The state changes CommentAction makes.
enum class CommentActionKind { kDelete, kReport, kHide, kRestore };

constexpr const char* kSessionCookie = "nd_session";
constexpr const char* kPreCookie = "nd_pre";
constexpr int kPreCookieSeconds = 2 * 3600;
constexpr size_t kMaxFormBytes = 64 * 1024;

// LocalPath keeps `next` only when it is a path on this site ("/en/…", not
// "//evil.example" or "https://…"): no open redirects.
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
    default: return 503;
  }
}

json Field(const std::string& kind, const std::string& name, const std::string& label, const std::string& value = "",
           const std::string& type = "text", const std::string& autocomplete = "off", int maxlength = 200) {
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
          json fields, bool danger = false) {
  return {{"action", action}, {"csrf", csrf}, {"title", title}, {"submit", submit},
          {"fields", std::move(fields)}, {"danger", danger}};
}

}  // namespace

class ReaderPages::Impl {
 public:
  Impl(Store& store, const Config& config, const Templates& templates, const std::map<std::string, Catalog>& catalogs,
       PageFn page, SiteSecret secret, std::shared_ptr<Mailer> mailer)
      : store_(store),
        config_(config),
        templates_(templates),
        catalogs_(catalogs),
        page_(std::move(page)),
        secret_(secret),
        accounts_(store, config_, secret),
        comments_(store, config_),
        secure_(config.base_url.rfind("https://", 0) == 0) {
    if (mailer) mail_ = std::make_unique<MailQueue>(std::move(mailer));
  }

  // Reason gives a refusal's reason in edition `ed`'s language
  // (Catalog::Reason: i18n/<ed>.json "reasons").
  std::string Reason(const std::string& ed, const std::string& message) const { return catalog(ed).Reason(message); }

  void UseMailer(std::shared_ptr<Mailer> mailer) {
    std::lock_guard<std::mutex> lock(mail_mu_);
    mail_ = std::make_unique<MailQueue>(std::move(mailer));
  }

  bool WaitForMail(std::chrono::milliseconds timeout) {
    std::lock_guard<std::mutex> lock(mail_mu_);
    return !mail_ || mail_->WaitIdle(timeout);
  }

  Viewer Identify(const Request& req) {
    Viewer v;
    auto token = CookieValue(req.Header("cookie"), kSessionCookie);
    if (!token || token->empty()) return v;
    v.session_token = *token;
    auto s = accounts_.Authenticate(*token);
    if (s.ok()) v.session = std::move(*s);
    else if (!s.status().is_not_found()) spdlog::warn("cannot check a session: {}", s.status().ToString());
    return v;
  }

  bool CsrfOk(const Viewer& v, const std::string& csrf_token) {
    return v.session && !csrf_token.empty() && accounts_.VerifyCsrf(v.session_token, csrf_token).ok();
  }

  // --- routes ---------------------------------------------------------------

  using FormHandler = std::function<Response(const RequestContext&, const FormFields&)>;

  // PublicForm answers a form anyone may send (register, log in, forgot,
  // reset): `show` the form, or `submit` a posted one.
  RouteHandler PublicForm(RouteHandler show, FormHandler submit) {
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
  RouteHandler ReaderForm(FormHandler submit, RouteHandler guest = nullptr) {
    return [this, submit, guest](const RequestContext& ctx) {
      Response bad;
      auto form = FormOf(ctx, bad);
      if (!form) return bad;
      if (!ctx.viewer.session) return guest ? guest(ctx) : LoginRequired(ctx, "/" + ctx.edition + "/");
      if (!SessionCsrfOk(ctx.viewer, *form)) return Forbidden(ctx);
      return submit(ctx, *form);
    };
  }

  // ShowOr answers GET with `show` and POST with `post`.
  static RouteHandler ShowOr(RouteHandler show, RouteHandler post) {
    return [show, post](const RequestContext& ctx) { return ctx.request.method == "POST" ? post(ctx) : show(ctx); };
  }

  void AddRoutes(RouteTable& routes) {
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
               ShowOr([this](const RequestContext& c) { return EditForm(c, c.Param("id"), 200, "", std::nullopt); },
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

  // --- views for the site's pages ------------------------------------------

  json HeaderView(const Viewer& v, const std::string& ed, const std::string& here) {
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

  json DiscussionView(const std::string& ed, int limit) {
    auto seq = store_.ChangeSequence();
    const std::string key = fmt::format("{}:{}", ed, limit);
    if (seq.ok()) {
      std::lock_guard<std::mutex> lock(discussion_mu_);
      auto it = discussion_.find(key);
      if (it != discussion_.end() && it->second.first == *seq) return it->second.second;
    }
    const Catalog& cat = catalog(ed);
    json items = json::array();
    auto recent = store_.RecentlyCommented(limit);
    if (!recent.ok()) {
      spdlog::warn("discussion list: {}", recent.status().ToString());
      return items;
    }
    for (const auto& d : *recent) {
      auto a = store_.GetArticle(d.article_id);
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
        auto t = store_.GetTranslation(a->id, ed);
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

  std::map<int64_t, int64_t> CommentCounts(const std::vector<int64_t>& ids) {
    std::map<int64_t, int64_t> out;
    if (ids.empty()) return out;
    auto counts = store_.CommentCounts(ids);
    if (!counts.ok()) {
      spdlog::warn("comment counts: {}", counts.status().ToString());
      return out;
    }
    for (const auto& [id, n] : *counts) out[id] = n;
    return out;
  }

  std::string CommentsHtml(int64_t article_id, const std::string& ed, const std::string& path, const Viewer& v,
                           const Request& req) {
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

  void CountView(int64_t id) { views_.Count(id); }
  Status FlushViews() { return views_.Flush(store_); }
  Status Housekeeping() { return accounts_.PruneExpired(); }

 private:
  const Catalog& catalog(const std::string& ed) const { return catalogs_.at(ed); }

  json CommentView(const Comment& c, const std::string& ed, const std::string& path, const Viewer& v, bool moderator,
                   TimePoint now) {
    const Catalog& cat = catalog(ed);
    const User* user = v.user();
    const bool own = user && user->id == c.user_id;
    json item = {{"id", c.id},
                 {"is_reply", c.parent_id != 0},
                 {"author", c.author_deleted ? cat.Get("deleted_user") : c.author_name},
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
    else if (text_shown) item["html"] = c.html;  // from RenderCommentMarkdown only
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

  // --- responses ------------------------------------------------------------

  std::string CookieFlags() const { return secure_ ? "; Path=/; HttpOnly; SameSite=Lax; Secure" : "; Path=/; HttpOnly; SameSite=Lax"; }

  void SetSessionCookie(Response& r, const std::string& token) {
    r.headers.emplace_back("Set-Cookie", fmt::format("{}={}; Max-Age={}{}", kSessionCookie, token,
                                                     static_cast<int64_t>(config_.session_days) * 86400, CookieFlags()));
  }
  void ClearSessionCookie(Response& r) {
    r.headers.emplace_back("Set-Cookie", fmt::format("{}=; Max-Age=0{}", kSessionCookie, CookieFlags()));
  }

  static Response SeeOther(const std::string& location) {
    Response r = Response::Redirect(303, location);
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }

  Response Render(const RequestContext& ctx, int status, const std::string& title, const std::string& tmpl, json view) {
    const std::string& ed = ctx.edition;
    view["t"] = catalog(ed).strings();
    view["lang"] = ed;
    Response r = page_(ctx, ed, title, templates_.Render(tmpl, view), {}, status);
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }

  Response Message(const RequestContext& ctx, int status, const std::string& title_key, const std::string& text,
                   const std::string& link_href = "", const std::string& link_key = "") {
    const std::string& ed = ctx.edition;
    const Catalog& cat = catalog(ed);
    json view = {{"heading", cat.Get(title_key)}, {"error", status >= 400 ? json(text) : json(false)},
                 {"notice", status < 400 ? json(text) : json(false)}, {"intro", false}, {"forms", json::array()},
                 {"links", json::array()}};
    if (!link_href.empty()) view["links"].push_back({{"href", link_href}, {"text", cat.Get(link_key)}});
    return Render(ctx, status, cat.Get(title_key), "account_form", view);
  }

  Response Forbidden(const RequestContext& ctx) {
    const std::string& ed = ctx.edition;
    return Message(ctx, 403, "error_403_title", catalog(ed).Get("error_403_text"), "/" + ed + "/", "back_home");
  }

  // Refusal shows why a reader's request was refused: the library's reason
  // after a localised lead.
  Response Refusal(const RequestContext& ctx, const Status& s, const std::string& back = "") {
    const std::string& ed = ctx.edition;
    if (StatusFor(s) >= 500) spdlog::error("readers: {}", s.ToString());
    const Catalog& cat = catalog(ed);
    const std::string text = StatusFor(s) >= 500 ? cat.Get("error_503_text") : cat.Format("refused", {{"reason", Reason(ed, s.message())}});
    return Message(ctx, StatusFor(s) == 409 ? 400 : StatusFor(s), "refused_title", text,
                   back.empty() ? "/" + ed + "/" : back, back.empty() ? "back_home" : "go_back");
  }

  Response LoginRequired(const RequestContext& ctx, const std::string& next) {
    const std::string& ed = ctx.edition;
    return SeeOther("/" + ed + "/account/login?next=" + PercentEncode(next));
  }

  // PreSession returns the pre-session cookie's token, making one (and
  // setting the cookie on `r`) when the request has none.
  std::string PreSession(const Request& req, Response* r) {
    auto token = CookieValue(req.Header("cookie"), kPreCookie);
    if (token && token->size() >= 32 && token->size() <= 64) return *token;
    std::string fresh = NewPreSessionToken();
    if (r) r->headers.emplace_back("Set-Cookie", fmt::format("{}={}; Max-Age={}{}", kPreCookie, fresh,
                                                             kPreCookieSeconds, CookieFlags()));
    return fresh;
  }

  bool PreSessionOk(const Request& req, const FormFields& f) {
    auto token = CookieValue(req.Header("cookie"), kPreCookie);
    return token && VerifyPreSessionCsrf(secret_, *token, FormValue(f, "csrf"));
  }

  bool SessionCsrfOk(const Viewer& v, const FormFields& f) {
    return v.session && accounts_.VerifyCsrf(v.session_token, FormValue(f, "csrf")).ok();
  }

  // FormOf parses a POST body; nullopt (and `bad` set) when it is no form.
  std::optional<FormFields> FormOf(const RequestContext& ctx, Response& bad) {
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
                    catalog(ed).Format("refused", {{"reason", Reason(ed, f.status().message())}}));
      return std::nullopt;
    }
    return std::move(*f);
  }

  // --- mail -------------------------------------------------------------------

  void Mail(const std::string& to_email, const std::string& to_name, const std::string& subject,
            const std::string& text, const std::string& what,
            std::vector<std::pair<std::string, std::string>> headers = {}) {
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

  std::string Url(const std::string& path) const { return config_.base_url + path; }

  void MailConfirmation(const std::string& ed, const User& u, const std::string& token) {
    const Catalog& cat = catalog(ed);
    const std::string link = Url("/" + ed + "/account/confirm?token=" + PercentEncode(token));
    Mail(u.email, u.display_name, cat.Format("mail_confirm_subject", {{"site", config_.site_name}}),
         cat.Format("mail_confirm_text", {{"name", u.display_name}, {"link", link}, {"site", config_.site_name},
                                          {"hours", std::to_string(config_.confirm_token_hours)}}),
         fmt::format("e-mail confirmation for user {}", u.id));
  }

  void MailReplyNotification(const std::string& ed, const User& to, const Comment& reply, const std::string& path) {
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

  void NotifyReply(const std::string& ed, const Comment& reply) {
    auto to = comments_.ReplyRecipient(reply);
    if (!to.ok()) {
      spdlog::warn("reply notification for comment {}: {}", reply.id, to.status().ToString());
      return;
    }
    if (!*to) return;
    auto a = store_.GetArticle(reply.article_id);
    if (!a.ok()) return;
    Comment named = reply;
    if (named.author_name.empty())
      if (auto u = store_.GetUser(reply.user_id); u.ok()) named.author_name = u->display_name;
    MailReplyNotification(ed, **to, named, fmt::format("/{}/articles/{}-{}", ed, a->id, a->slug));
  }

  // --- dispatch -------------------------------------------------------------

  // --- the routes' handlers ----------------------------------------------

  Response PostLogout(const RequestContext& ctx) {
    if (Status s = accounts_.Logout(ctx.viewer.session_token); !s.ok()) return Refusal(ctx, s);
    Response r = SeeOther("/" + ctx.edition + "/");
    ClearSessionCookie(r);
    return r;
  }

  Response PostPassword(const RequestContext& ctx, const FormFields& f) {
    Status s = accounts_.ChangePassword(ctx.viewer.user()->id, FormValue(f, "current_password"),
                                        FormValue(f, "new_password"));
    if (!s.ok()) return AccountPage(ctx, StatusFor(s) == 503 ? 503 : 400, s.message());
    Response r = SeeOther("/" + ctx.edition + "/account/login?notice=password_changed");
    ClearSessionCookie(r);
    return r;
  }

  Response PostDeleteAccount(const RequestContext& ctx, const FormFields& f) {
    Status s = accounts_.DeleteAccount(ctx.viewer.user()->id, FormValue(f, "password"));
    if (!s.ok()) return AccountPage(ctx, StatusFor(s) == 503 ? 503 : 400, s.message());
    Response r = SeeOther("/" + ctx.edition + "/?notice=account_deleted");
    ClearSessionCookie(r);
    return r;
  }

  Response PostBan(const RequestContext& ctx, const std::string& id_text, const FormFields& f) {
    const std::string& ed = ctx.edition;
    auto id = ParsePositiveId(id_text);
    if (!id) return Message(ctx, 404, "error_404_title", catalog(ed).Get("error_404_text"));
    Status s = accounts_.SetBanned(*ctx.viewer.user(), *id, FormValue(f, "banned") != "0");
    if (!s.ok()) return Refusal(ctx, s);
    return SeeOther(LocalPath(FormValue(f, "back"), "/" + ed + "/moderation"));
  }

  Response PostHoldWords(const RequestContext& ctx, const FormFields& f) {
    const std::string& ed = ctx.edition;
    std::vector<std::string> words;
    std::string all = FormValue(f, "words");
    size_t pos = 0;
    while (pos <= all.size()) {
      size_t nl = all.find('\n', pos);
      std::string w = all.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      while (!w.empty() && (w.back() == '\r' || w.back() == ' ')) w.pop_back();
      while (!w.empty() && w.front() == ' ') w.erase(0, 1);
      if (!w.empty()) words.push_back(w);
      if (nl == std::string::npos) break;
      pos = nl + 1;
    }
    Status s = comments_.SetHoldWords(*ctx.viewer.user(), words);
    if (!s.ok()) return Refusal(ctx, s, "/" + ed + "/moderation");
    return SeeOther("/" + ed + "/moderation?notice=saved");
  }

  // --- accounts -------------------------------------------------------------

  Response FormPage(const RequestContext& ctx, int status, const std::string& title_key,
                    const std::string& error, const std::string& notice, const std::string& intro,
                    const std::string& action, const std::string& submit_key, json fields, json links) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    const Catalog& cat = catalog(ed);
    Response r;
    const std::string pre = PreSession(req, &r);
    json view = {{"heading", cat.Get(title_key)},
                 {"error", error.empty() ? json(false) : json(error)},
                 {"notice", notice.empty() ? json(false) : json(notice)},
                 {"intro", intro.empty() ? json(false) : json(intro)},
                 {"forms", json::array({Form(action, PreSessionCsrf(secret_, pre), "", cat.Get(submit_key), fields)})},
                 {"links", links}};
    Response page = Render(ctx, status, cat.Get(title_key), "account_form", view);
    for (auto& h : r.headers) page.headers.push_back(h);
    return page;
  }

  static std::string NoticeKey(const Request& req) {
    auto n = req.QueryParam("notice").value_or("");
    static const std::set<std::string> known = {"check_mail", "password_changed", "password_reset", "confirmed",
                                                "saved", "unsubscribed"};
    return known.count(n) ? "notice_" + n : "";
  }

  Response RegisterForm(const RequestContext& ctx, int status, const std::string& error,
                        const FormFields& f) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    const Catalog& cat = catalog(ed);
    json fields = json::array({Field("input", "email", cat.Get("field_email"), FormValue(f, "email"), "email", "email", 254),
                               Field("input", "display_name", cat.Get("field_display_name"), FormValue(f, "display_name"),
                                     "text", "nickname", 60),
                               Field("input", "password", cat.Get("field_new_password"), "", "password", "new-password", 1024),
                               Field("honeypot", "website", cat.Get("field_honeypot")),
                               Field("hidden", "next", "", FormValue(f, "next").empty() ? req.QueryParam("next").value_or("")
                                                                                         : FormValue(f, "next"))});
    json links = json::array({{{"href", "/" + ed + "/account/login"}, {"text", cat.Get("have_account")}}});
    return FormPage(ctx, status, "register_title", error, "", cat.Get("register_intro"),
                    "/" + ed + "/account/register", "register", fields, links);
  }

  Response PostRegister(const RequestContext& ctx, const FormFields& f) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    if (!PreSessionOk(req, f)) return Forbidden(ctx);
    RegistrationForm form{.email = FormValue(f, "email"),
                          .display_name = FormValue(f, "display_name"),
                          .password = FormValue(f, "password"),
                          .address = req.remote_address,
                          .honeypot = FormValue(f, "website")};
    auto reg = accounts_.Register(form);
    if (reg.ok()) {
      MailConfirmation(ed, reg->user, reg->confirm_token);
    } else if (reg.status().code() == Code::kAlreadyExists) {
      // Same page as a new account: nobody learns which addresses have one.
      // The owner hears of it by mail.
      if (auto owner = store_.GetUserByEmail(*NormalizeEmail(form.email)); owner.ok()) {
        const Catalog& cat = catalog(ed);
        Mail(owner->email, owner->display_name, cat.Format("mail_exists_subject", {{"site", config_.site_name}}),
             cat.Format("mail_exists_text", {{"name", owner->display_name}, {"site", config_.site_name},
                                             {"login", Url("/" + ed + "/account/login")},
                                             {"reset", Url("/" + ed + "/account/forgot")}}),
             fmt::format("'address has an account' notice for user {}", owner->id));
      }
    } else {
      return RegisterForm(ctx, StatusFor(reg.status()) == 503 ? 503 : 400,
                          catalog(ed).Format("refused", {{"reason", Reason(ed, reg.status().message())}}), f);
    }
    return SeeOther("/" + ed + "/account/login?notice=check_mail");
  }

  Response Confirm(const RequestContext& ctx, const std::string& token) {
    const std::string& ed = ctx.edition;
    auto user = accounts_.ConfirmEmail(token);
    if (!user.ok()) {
      if (StatusFor(user.status()) >= 500) return Refusal(ctx, user.status());
      return Message(ctx, 400, "confirm_failed_title", catalog(ed).Get("confirm_failed_text"),
                     "/" + ed + "/account/login", "log_in");
    }
    return SeeOther("/" + ed + "/account/login?notice=confirmed");
  }

  Response LoginForm(const RequestContext& ctx, int status, const std::string& error,
                     const std::string& email, const std::string& next_in = "") {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    const Catalog& cat = catalog(ed);
    const std::string next = next_in.empty() ? req.QueryParam("next").value_or("") : next_in;
    const std::string notice = NoticeKey(req);
    json fields = json::array({Field("input", "email", cat.Get("field_email"), email, "email", "email", 254),
                               Field("input", "password", cat.Get("field_password"), "", "password", "current-password", 1024),
                               Field("hidden", "next", "", next)});
    json links = json::array({{{"href", "/" + ed + "/account/register"}, {"text", cat.Get("no_account")}},
                              {{"href", "/" + ed + "/account/forgot"}, {"text", cat.Get("forgot_password")}}});
    return FormPage(ctx, status, "login_title", error, notice.empty() ? "" : cat.Get(notice), "",
                    "/" + ed + "/account/login", "log_in", fields, links);
  }

  Response PostLogin(const RequestContext& ctx, const FormFields& f) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    if (!PreSessionOk(req, f)) return Forbidden(ctx);
    auto login = accounts_.Login(FormValue(f, "email"), FormValue(f, "password"), req.remote_address);
    if (!login.ok()) {
      // The right password for an account not confirmed yet (the library
      // says so only then): mail a fresh confirmation link.
      if (login.status().code() == Code::kInvalidArgument &&
          login.status().message().rfind("confirm your e-mail", 0) == 0) {
        auto email = NormalizeEmail(FormValue(f, "email"));
        auto token = email.ok() ? accounts_.NewConfirmToken(*email) : Result<std::string>(email.status());
        auto user = email.ok() ? store_.GetUserByEmail(*email) : Result<User>(email.status());
        if (token.ok() && user.ok()) MailConfirmation(ed, *user, *token);
      }
      const int status = StatusFor(login.status()) == 429 ? 429 : StatusFor(login.status()) >= 500 ? 503 : 400;
      Response r = LoginForm(ctx, status, catalog(ed).Format("refused", {{"reason", Reason(ed, login.status().message())}}),
                             FormValue(f, "email").substr(0, 254), FormValue(f, "next"));
      if (status == 429) r.headers.emplace_back("Retry-After", std::to_string(config_.login_failure_window_seconds));
      return r;
    }
    Response r = SeeOther(LocalPath(FormValue(f, "next"), "/" + ed + "/"));
    SetSessionCookie(r, login->session_token);
    return r;
  }

  Response ForgotForm(const RequestContext& ctx, int status, const std::string& error, bool sent) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    const Catalog& cat = catalog(ed);
    json fields = json::array({Field("input", "email", cat.Get("field_email"), "", "email", "email", 254)});
    return FormPage(ctx, status, "forgot_title", error, sent ? cat.Get("notice_reset_sent") : "",
                    cat.Get("forgot_intro"), "/" + ed + "/account/forgot", "send_link", fields, json::array());
  }

  Response PostForgot(const RequestContext& ctx, const FormFields& f) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    if (!PreSessionOk(req, f)) return Forbidden(ctx);
    const std::string email = FormValue(f, "email");
    auto token = accounts_.RequestPasswordReset(email);
    if (!token.ok()) {
      if (StatusFor(token.status()) >= 500) return Refusal(ctx, token.status());
      return ForgotForm(ctx, 400, catalog(ed).Format("refused", {{"reason", Reason(ed, token.status().message())}}), false);
    }
    if (*token) {
      auto user = store_.GetUserByEmail(*NormalizeEmail(email));
      if (user.ok()) {
        const Catalog& cat = catalog(ed);
        const std::string link = Url("/" + ed + "/account/reset?token=" + PercentEncode(**token));
        Mail(user->email, user->display_name, cat.Format("mail_reset_subject", {{"site", config_.site_name}}),
             cat.Format("mail_reset_text", {{"name", user->display_name}, {"link", link}, {"site", config_.site_name},
                                            {"minutes", std::to_string(config_.reset_token_minutes)}}),
             fmt::format("password reset for user {}", user->id));
      }
    }
    return ForgotForm(ctx, 200, "", true);
  }

  Response ResetForm(const RequestContext& ctx, int status, const std::string& error,
                     const std::string& token) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    const Catalog& cat = catalog(ed);
    json fields = json::array({Field("hidden", "token", "", token),
                               Field("input", "password", cat.Get("field_new_password"), "", "password", "new-password", 1024)});
    return FormPage(ctx, status, "reset_title", error, "", "", "/" + ed + "/account/reset", "save_password", fields,
                    json::array());
  }

  Response PostReset(const RequestContext& ctx, const FormFields& f) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    if (!PreSessionOk(req, f)) return Forbidden(ctx);
    Status s = accounts_.ResetPassword(FormValue(f, "token"), FormValue(f, "password"));
    if (!s.ok()) {
      if (StatusFor(s) >= 500) return Refusal(ctx, s);
      return ResetForm(ctx, 400, catalog(ed).Format("refused", {{"reason", Reason(ed, s.message())}}), FormValue(f, "token"));
    }
    return SeeOther("/" + ed + "/account/login?notice=password_reset");
  }

  Response AccountPage(const RequestContext& ctx, int status = 200,
                       const std::string& error = "") {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    const Viewer& v = ctx.viewer;
    if (!v.session) return LoginRequired(ctx, "/" + ed + "/account");
    const Catalog& cat = catalog(ed);
    const User& u = v.session->user;
    const std::string csrf = v.session->csrf_token;
    const std::string base = "/" + ed + "/account/";
    json forms = json::array(
        {Form(base + "name", csrf, cat.Get("account_name"), cat.Get("save"),
              json::array({Field("input", "display_name", cat.Get("field_display_name"), u.display_name, "text",
                                 "nickname", 60)})),
         Form(base + "notify", csrf, cat.Get("account_notify"), cat.Get("save"),
              json::array({Field("checkbox", "notify", cat.Get("field_notify_replies"), u.notify_replies ? "1" : "0")})),
         Form(base + "password", csrf, cat.Get("account_password"), cat.Get("save_password"),
              json::array({Field("input", "current_password", cat.Get("field_current_password"), "", "password",
                                 "current-password", 1024),
                           Field("input", "new_password", cat.Get("field_new_password"), "", "password",
                                 "new-password", 1024)})),
         Form(base + "logout", csrf, "", cat.Get("log_out"), json::array()),
         Form(base + "delete", csrf, cat.Get("account_delete"), cat.Get("delete_account"),
              json::array({Field("input", "password", cat.Get("field_password"), "", "password", "current-password",
                                 1024)}),
              true)});
    const std::string notice = NoticeKey(req);
    json view = {{"heading", cat.Get("account_title")},
                 {"intro", cat.Format("account_intro", {{"email", u.email}, {"role", cat.Get(std::string("role_") + RoleName(u.role))}})},
                 {"error", error.empty() ? json(false) : json(cat.Format("refused", {{"reason", Reason(ed, error)}}))},
                 {"notice", notice.empty() ? json(false) : json(cat.Get(notice))},
                 {"forms", forms},
                 {"links", json::array()}};
    return Render(ctx, status, cat.Get("account_title"), "account_form", view);
  }

  Response AccountResult(const RequestContext& ctx, const Status& s) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    const Viewer& v = ctx.viewer;
    if (!s.ok()) return AccountPage(ctx, StatusFor(s) >= 500 ? 503 : 400, s.message());
    return SeeOther("/" + ed + "/account?notice=saved");
  }

  Response Unsubscribe(const RequestContext& ctx, const std::string& user, const std::string& token) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    auto id = ParsePositiveId(user);
    if (!id) return Message(ctx, 404, "error_404_title", catalog(ed).Get("error_404_text"));
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

  // --- comments ---------------------------------------------------------------

  Result<Article> ArticleOf(const std::string& idslug) {
    auto id = ParsePositiveId(std::string_view(idslug).substr(0, idslug.find('-')));
    if (!id) return Status::NotFound("no such article");
    return store_.GetArticle(*id);
  }

  std::string ArticlePathOf(const std::string& ed, const Article& a) {
    return fmt::format("/{}/articles/{}-{}", ed, a.id, a.slug);
  }

  Response PostComment(const RequestContext& ctx, const std::string& idslug,
                       const FormFields& f) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    const Viewer& v = ctx.viewer;
    auto a = ArticleOf(idslug);
    if (!a.ok()) return a.status().is_not_found() ? Message(ctx, 404, "error_404_title", catalog(ed).Get("error_404_text"))
                                                  : Refusal(ctx, a.status());
    const std::string path = ArticlePathOf(ed, *a);
    CommentForm form;
    form.article_id = a->id;
    form.parent_id = ParsePositiveId(FormValue(f, "parent_id")).value_or(0);
    form.body = FormValue(f, "body");
    form.address = req.remote_address;
    form.honeypot = FormValue(f, "website");
    auto posted = comments_.Post(v.session->user, form);
    if (!posted.ok()) return CommentRefused(ctx, posted.status(), path, form.body, form.parent_id, v);
    if (posted->status == CommentStatus::kVisible) NotifyReply(ed, *posted);
    return SeeOther(fmt::format("{}?notice={}#c{}", path, posted->status == CommentStatus::kHeld ? "held" : "posted",
                                posted->id));
  }

  // CommentRefused says why, and gives the text back in a form to try again.
  Response CommentRefused(const RequestContext& ctx, const Status& s, const std::string& path, const std::string& body,
                          int64_t parent_id, const Viewer& v) {
    const std::string& ed = ctx.edition;
    if (StatusFor(s) >= 500) return Refusal(ctx, s, path);
    const Catalog& cat = catalog(ed);
    json fields = json::array({Field("textarea", "body", cat.Get("field_comment"), body, "text", "off",
                                     static_cast<int>(config_.comment_max_chars)),
                               Field("hidden", "parent_id", "", parent_id ? std::to_string(parent_id) : ""),
                               Field("honeypot", "website", cat.Get("field_honeypot"))});
    json view = {{"heading", cat.Get("comment_refused_title")},
                 {"error", cat.Format("refused", {{"reason", Reason(ed, s.message())}})},
                 {"notice", false},
                 {"intro", false},
                 {"forms", json::array({Form(path + "/comments", v.session->csrf_token, "", cat.Get("post_comment"), fields)})},
                 {"links", json::array({{{"href", path + "#comments"}, {"text", cat.Get("back_to_article")}}})}};
    Response r = Render(ctx, StatusFor(s) == 409 ? 400 : StatusFor(s), cat.Get("comment_refused_title"), "account_form", view);
    if (r.status == 429) r.headers.emplace_back("Retry-After", std::to_string(config_.comment_rate_window_seconds));
    return r;
  }

  Response EditForm(const RequestContext& ctx, const std::string& id_text, int status,
                    const std::string& error, std::optional<std::string> body) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    const Viewer& v = ctx.viewer;
    if (!v.session) return LoginRequired(ctx, req.path);
    auto id = ParsePositiveId(id_text);
    auto c = id ? store_.GetComment(*id) : Result<Comment>(Status::NotFound("no such comment"));
    if (!c.ok()) return c.status().is_not_found() ? Message(ctx, 404, "error_404_title", catalog(ed).Get("error_404_text"))
                                                  : Refusal(ctx, c.status());
    if (c->user_id != v.session->user.id) return Forbidden(ctx);
    const Catalog& cat = catalog(ed);
    auto a = store_.GetArticle(c->article_id);
    const std::string back = a.ok() ? ArticlePathOf(ed, *a) + "#c" + std::to_string(c->id) : "/" + ed + "/";
    json fields = json::array({Field("textarea", "body", cat.Get("field_comment"), body.value_or(c->body), "text", "off",
                                     static_cast<int>(config_.comment_max_chars))});
    json view = {{"heading", cat.Get("edit_comment_title")},
                 {"error", error.empty() ? json(false) : json(cat.Format("refused", {{"reason", Reason(ed, error)}}))},
                 {"notice", false},
                 {"intro", cat.Format("edit_comment_intro", {{"minutes", std::to_string(config_.comment_edit_seconds / 60)}})},
                 {"forms", json::array({Form(fmt::format("/{}/comments/{}/edit", ed, c->id), v.session->csrf_token, "",
                                             cat.Get("save"), fields)})},
                 {"links", json::array({{{"href", back}, {"text", cat.Get("back_to_article")}}})}};
    return Render(ctx, status, cat.Get("edit_comment_title"), "account_form", view);
  }

  // ReplyOrReportForm shows a comment with the form to answer it (`reply`)
  // or to report it to the moderators.
  Response ReplyOrReportForm(const RequestContext& ctx, const std::string& id_text,
                             bool reply) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    const Viewer& v = ctx.viewer;
    if (!v.session) return LoginRequired(ctx, req.path);
    auto id = ParsePositiveId(id_text);
    auto c = id ? store_.GetComment(*id) : Result<Comment>(Status::NotFound("no such comment"));
    if (!c.ok() || c->status != CommentStatus::kVisible)
      return c.ok() || c.status().is_not_found() ? Message(ctx, 404, "error_404_title", catalog(ed).Get("error_404_text"))
                                                 : Refusal(ctx, c.status());
    auto a = store_.GetArticle(c->article_id);
    if (!a.ok()) return Refusal(ctx, a.status());
    const Catalog& cat = catalog(ed);
    const std::string path = ArticlePathOf(ed, *a);
    auto author = store_.GetUser(c->user_id);
    json quoted = {{"author", author.ok() && !author->deleted ? author->display_name : cat.Get("deleted_user")},
                   {"html", c->html}};
    json fields = reply ? json::array({Field("textarea", "body", cat.Get("field_reply"), "", "text", "off",
                                             static_cast<int>(config_.comment_max_chars)),
                                       Field("hidden", "parent_id", "", std::to_string(c->parent_id ? c->parent_id : c->id)),
                                       Field("honeypot", "website", cat.Get("field_honeypot"))})
                        : json::array({Field("input", "reason", cat.Get("report_reason"), "", "text", "off", 500)});
    if (!reply) fields[0]["required"] = false;
    const std::string title = cat.Get(reply ? "reply_title" : "report_title");
    json view = {{"heading", title},
                 {"error", false},
                 {"notice", false},
                 {"intro", false},
                 {"quoted", quoted},
                 {"forms", json::array({Form(reply ? path + "/comments" : fmt::format("/{}/comments/{}/report", ed, c->id),
                                             v.session->csrf_token, "", cat.Get(reply ? "post_reply" : "report"), fields)})},
                 {"links", json::array({{{"href", path + "#c" + std::to_string(c->id)}, {"text", cat.Get("back_to_article")}}})}};
    return Render(ctx, 200, title, "account_form", view);
  }

  Response PostEdit(const RequestContext& ctx, const std::string& id_text,
                    const FormFields& f) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    const Viewer& v = ctx.viewer;
    auto id = ParsePositiveId(id_text);
    if (!id) return Message(ctx, 404, "error_404_title", catalog(ed).Get("error_404_text"));
    auto edited = comments_.Edit(v.session->user, *id, FormValue(f, "body"));
    if (!edited.ok()) {
      if (edited.status().is_not_found()) return Message(ctx, 404, "error_404_title", catalog(ed).Get("error_404_text"));
      auto c = store_.GetComment(*id);
      if (c.ok() && c->user_id != v.session->user.id) return Forbidden(ctx);
      if (StatusFor(edited.status()) >= 500) return Refusal(ctx, edited.status());
      return EditForm(ctx, id_text, StatusFor(edited.status()), edited.status().message(), FormValue(f, "body"));
    }
    auto a = store_.GetArticle(edited->article_id);
    if (!a.ok()) return SeeOther("/" + ed + "/");
    return SeeOther(fmt::format("{}?notice={}#c{}", ArticlePathOf(ed, *a),
                                edited->status == CommentStatus::kHeld ? "held" : "edited", edited->id));
  }

  Response CommentAction(const RequestContext& ctx, CommentActionKind kind, const std::string& id_text,
                         const FormFields& f) {
    const std::string& ed = ctx.edition;
    const Viewer& v = ctx.viewer;
    auto id = ParsePositiveId(id_text);
    auto c = id ? store_.GetComment(*id) : Result<Comment>(Status::NotFound("no such comment"));
    if (!c.ok()) return c.status().is_not_found() ? Message(ctx, 404, "error_404_title", catalog(ed).Get("error_404_text"))
                                                  : Refusal(ctx, c.status());
    const User& u = v.session->user;
    auto a = store_.GetArticle(c->article_id);
    const std::string path = a.ok() ? ArticlePathOf(ed, *a) : "/" + ed + "/";
    Status s;
    std::string notice = "done";
    switch (kind) {
      case CommentActionKind::kDelete:
        if (c->user_id != u.id && !IsModerator(u)) return Forbidden(ctx);
        s = comments_.Delete(u, *id);
        notice = "deleted";
        break;
      case CommentActionKind::kReport:
        s = comments_.Report(u, *id, FormValue(f, "reason"));
        notice = "reported";
        break;
      case CommentActionKind::kHide:
        if (!IsModerator(u)) return Forbidden(ctx);
        s = comments_.Hide(u, *id, FormValue(f, "reason"));
        break;
      case CommentActionKind::kRestore: {
        if (!IsModerator(u)) return Forbidden(ctx);
        s = comments_.Restore(u, *id);
        if (s.ok())
          if (auto restored = store_.GetComment(*id); restored.ok()) NotifyReply(ed, *restored);
        break;
      }
      default: break;
    }
    if (!s.ok()) return Refusal(ctx, s, path);
    const std::string back = LocalPath(FormValue(f, "back"), "");
    if (!back.empty()) return SeeOther(back);
    return SeeOther(fmt::format("{}?notice={}#c{}", path, notice, c->id));
  }

  // --- moderation ---------------------------------------------------------------

  Response ModerationPage(const RequestContext& ctx) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    const Viewer& v = ctx.viewer;
    if (!v.session) return LoginRequired(ctx, "/" + ed + "/moderation");
    const User& u = v.session->user;
    if (!IsModerator(u)) return Forbidden(ctx);
    const Catalog& cat = catalog(ed);
    auto queue = comments_.Queue(u, 200);
    auto reports = comments_.Reports(u, 200);
    if (!queue.ok()) return Refusal(ctx, queue.status());
    if (!reports.ok()) return Refusal(ctx, reports.status());
    std::map<int64_t, std::string> paths, headlines;
    auto path_of = [&](int64_t article_id) {
      auto it = paths.find(article_id);
      if (it != paths.end()) return it->second;
      auto a = store_.GetArticle(article_id);
      std::string p = a.ok() ? ArticlePathOf(ed, *a) : "/" + ed + "/";
      std::string headline = a.ok() ? a->headline : "";
      paths[article_id] = p;
      headlines[article_id] = headline;
      return p;
    };
    const std::string back = "/" + ed + "/moderation";
    auto item_of = [&](const Comment& c) {
      json it = {{"id", c.id},
                 {"article_href", path_of(c.article_id) + "#c" + std::to_string(c.id)},
                 {"headline", headlines[c.article_id]},
                 {"author", c.author_deleted ? cat.Get("deleted_user") : c.author_name},
                 {"time", cat.Date(c.created_at, config_.utc_offset_minutes, config_.zone_label)},
                 {"html", c.status == CommentStatus::kDeleted ? "" : c.html},
                 {"reason", Reason(ed, c.hold_reason)},
                 {"address", c.address},
                 {"csrf", v.session->csrf_token},
                 {"back", back},
                 {"hide_action", c.status == CommentStatus::kHidden || c.status == CommentStatus::kDeleted
                                     ? json(false)
                                     : json(fmt::format("/{}/comments/{}/hide", ed, c.id))},
                 {"restore_action", c.status == CommentStatus::kVisible || c.status == CommentStatus::kDeleted
                                        ? json(false)
                                        : json(fmt::format("/{}/comments/{}/restore", ed, c.id))},
                 {"ban_action", c.author_deleted || c.user_id == u.id ? json(false)
                                                                      : json(fmt::format("/{}/users/{}/ban", ed, c.user_id))},
                 {"report_reason", false}};
      return it;
    };
    json held = json::array();
    for (const auto& c : *queue) held.push_back(item_of(c));
    json reported = json::array();
    for (const auto& r : *reports) {
      json it = item_of(r.comment);
      it["report_reason"] = r.reason.empty() ? cat.Get("no_reason") : r.reason;
      reported.push_back(std::move(it));
    }
    json fresh = json::array();
    for (const auto& c : NewUsersComments(100)) fresh.push_back(item_of(c));
    json view = {{"held", held},
                 {"has_held", !held.empty()},
                 {"fresh", fresh},
                 {"has_fresh", !fresh.empty()},
                 {"reports", reported},
                 {"has_reports", !reported.empty()},
                 {"notice", NoticeKey(req).empty() ? json(false) : json(cat.Get(NoticeKey(req)))},
                 {"hold_words", false}};
    if (u.role == Role::kEditor || u.role == Role::kAdmin) {
      auto words = store_.HoldWords();
      std::string text;
      if (words.ok())
        for (const auto& w : *words) text += w + "\n";
      view["hold_words"] = {{"action", "/" + ed + "/moderation/hold-words"}, {"csrf", v.session->csrf_token},
                            {"text", text}};
    }
    return Render(ctx, 200, cat.Get("moderation_title"), "moderation", view);
  }

  // NewUsersComments lists visible comments by accounts younger than
  // `new_account_hours`, newest first, from the most recently commented
  // articles (what a moderator should look at besides the queue).
  std::vector<Comment> NewUsersComments(size_t limit) {
    std::vector<Comment> out;
    const TimePoint since = SystemNow() - std::chrono::hours(config_.new_account_hours);
    auto recent = store_.RecentlyCommented(30);
    if (!recent.ok()) return out;
    std::map<int64_t, bool> is_new;  // user id → account younger than the limit
    for (const auto& d : *recent) {
      if (d.last_comment_at < since) break;
      auto list = store_.ListArticleComments(d.article_id, {CommentStatus::kVisible});
      if (!list.ok()) continue;
      for (auto& c : *list) {
        if (c.created_at < since) continue;
        auto it = is_new.find(c.user_id);
        if (it == is_new.end()) {
          auto u = store_.GetUser(c.user_id);
          it = is_new.emplace(c.user_id, u.ok() && !IsModerator(*u) && u->created_at >= since).first;
        }
        if (it->second) out.push_back(std::move(c));
      }
    }
    std::sort(out.begin(), out.end(), [](const Comment& a, const Comment& b) { return a.created_at > b.created_at; });
    if (out.size() > limit) out.resize(limit);
    return out;
  }

  Response DiscussionPage(const RequestContext& ctx) {
    const std::string& ed = ctx.edition;
    const Catalog& cat = catalog(ed);
    json view = {{"items", DiscussionView(ed, 50)}};
    view["t"] = cat.strings();
    view["lang"] = ed;
    std::map<std::string, std::string> hrefs;
    for (const auto& e : config_.editions) hrefs[e] = "/" + e + "/discussion";
    Response r = page_(ctx, ed, cat.Get("discussion"), templates_.Render("discussion", view), hrefs, 200);
    r.cacheable = true;
    return r;
  }

  // --- JSON API -------------------------------------------------------------------

  static Response Json(int status, const json& body) {
    Response r;
    r.status = status;
    r.content_type = "application/json; charset=utf-8";
    r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }
  static Response ApiError(int status, const std::string& code, const std::string& message) {
    return Json(status, {{"error", message}, {"code", code}});
  }

  json CommentJson(const Comment& c) {
    static const char* kStatus[] = {"visible", "held", "hidden", "deleted"};
    json j = {{"id", c.id},
              {"article_id", c.article_id},
              {"parent_id", c.parent_id ? json(c.parent_id) : json(nullptr)},
              {"author", c.author_deleted ? json(nullptr) : json(c.author_name)},
              {"html", c.status == CommentStatus::kDeleted ? "" : c.html},
              {"status", kStatus[static_cast<int>(c.status)]},
              {"created", FormatIso8601(c.created_at)},
              {"edited", c.edited_at ? json(FormatIso8601(*c.edited_at)) : json(nullptr)}};
    if (c.status == CommentStatus::kHeld) j["hold_reason"] = c.hold_reason;
    return j;
  }

  Response ApiComments(const Request& req, const std::string& id_text, const Viewer& v) {
    auto id = ParsePositiveId(id_text);
    if (!id) return ApiError(404, "not_found", "no such article");
    auto a = store_.GetArticle(*id);
    if (!a.ok()) {
      if (a.status().is_not_found()) return ApiError(404, "not_found", "no such article");
      return ApiError(503, "unavailable", "store unavailable");
    }
    if (req.method != "POST") {
      auto list = comments_.ForArticle(*id, v.user());
      if (!list.ok()) return ApiError(503, "unavailable", "store unavailable");
      json items = json::array();
      for (const auto& c : *list) items.push_back(CommentJson(c));
      return Json(200, {{"article_id", *id}, {"comments", items}});
    }
    if (!v.session) return ApiError(401, "not_logged_in", "log in first: the session cookie is missing or expired");
    if (!accounts_.VerifyCsrf(v.session_token, std::string(req.Header("x-csrf-token"))).ok())
      return ApiError(403, "csrf", "the X-CSRF-Token header is missing or wrong");
    if (req.Header("content-type").rfind("application/json", 0) != 0)
      return ApiError(415, "content_type", "send application/json");
    if (req.body.size() > kMaxFormBytes) return ApiError(413, "too_large", "the request body is too large");
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return ApiError(400, "malformed", "the body is not a JSON object");
    if (!body.contains("body") || !body["body"].is_string())
      return ApiError(400, "malformed", "\"body\" must be a string (the comment's Markdown)");
    CommentForm form;
    form.article_id = *id;
    form.body = body["body"].get<std::string>();
    form.address = req.remote_address;
    if (body.contains("parent_id") && !body["parent_id"].is_null()) {
      if (!body["parent_id"].is_number_integer() || body["parent_id"].get<int64_t>() < 0)
        return ApiError(400, "malformed", "\"parent_id\" must be a comment id");
      form.parent_id = body["parent_id"].get<int64_t>();
    }
    if (body.contains("website") && body["website"].is_string()) form.honeypot = body["website"].get<std::string>();
    auto posted = comments_.Post(v.session->user, form);
    if (!posted.ok()) {
      const int status = StatusFor(posted.status());
      static const std::map<int, std::string> codes = {{400, "refused"}, {404, "not_found"}, {409, "refused"},
                                                       {429, "rate_limited"}, {503, "unavailable"}};
      Response r = ApiError(status == 409 ? 400 : status, codes.at(status),
                            status >= 500 ? "store unavailable" : posted.status().message());
      if (status == 429) r.headers.emplace_back("Retry-After", std::to_string(config_.comment_rate_window_seconds));
      if (status >= 500) spdlog::error("API comment: {}", posted.status().ToString());
      return r;
    }
    if (posted->status == CommentStatus::kVisible) NotifyReply(config_.editions.front(), *posted);
    Comment shown = *posted;
    shown.author_name = v.session->user.display_name;
    Response r = Json(201, {{"comment", CommentJson(shown)}});
    r.headers.emplace_back("Location", fmt::format("/api/v1/articles/{}/comments#c{}", *id, posted->id));
    return r;
  }

  Store& store_;
  const Config config_;
  const Templates& templates_;
  const std::map<std::string, Catalog>& catalogs_;
  PageFn page_;
  SiteSecret secret_;
  Accounts accounts_;
  Comments comments_;
  ViewCounter views_;
  const bool secure_;
  std::mutex mail_mu_;
  std::unique_ptr<MailQueue> mail_;  // GUARDED_BY(mail_mu_); null when mail is not configured
  std::mutex discussion_mu_;
  std::map<std::string, std::pair<int64_t, json>> discussion_;  // GUARDED_BY(discussion_mu_)
};

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
bool ReaderPages::WaitForMail(std::chrono::milliseconds timeout) { return impl_->WaitForMail(timeout); }

bool ReaderPages::HasSessionCookie(const Request& request) {
  auto c = CookieValue(request.Header("cookie"), kSessionCookie);
  return c && !c->empty();
}

Viewer ReaderPages::Identify(const Request& request) { return impl_->Identify(request); }

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
