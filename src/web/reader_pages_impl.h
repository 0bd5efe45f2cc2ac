// File: web/reader_pages_impl.h (internal to web/)
//
// The readers' pages inside, shared by the files they are written in:
// reader_pages.cc (routes, who is asking, the views the site's pages embed,
// responses, account mail, one-click unsubscribe), account_pages.cc
// (register, confirm, log in and out, password reset, the account page) and
// comment_pages.cc (posting, editing, replying, reporting, moderation, the
// Discussion page, the comments API). Only those files include it; everyone
// else uses web/reader_pages.h.
#pragma once

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

namespace reader_pages_internal {

// The state changes CommentAction makes.
enum class CommentActionKind { kDelete, kReport, kHide, kRestore };

inline constexpr const char* kSessionCookie = "nd_session";
// kDeviceCookie marks a browser that logged in to an account before: a
// locked account still lets its owner in from it (issue 18).
inline constexpr const char* kDeviceCookie = "nd_device";
inline constexpr const char* kPreCookie = "nd_pre";
inline constexpr int kPreCookieSeconds = 2 * 3600;
inline constexpr size_t kMaxFormBytes = 64 * 1024;

// LocalPath keeps `next` only when it is a path on this site ("/en/…", not
// "//evil.example" or "https://…"): no open redirects.
std::string LocalPath(const std::string& next, const std::string& fallback);

// StatusFor is the HTTP status of a refusal from readers/.
int StatusFor(const Status& s);

// Field and Form are one form field and one form as the account_form
// template reads them.
json Field(const std::string& kind, const std::string& name, const std::string& label, const std::string& value = "",
           const std::string& type = "text", const std::string& autocomplete = "off", int maxlength = 200);
json Form(const std::string& action, const std::string& csrf, const std::string& title, const std::string& submit,
          json fields, bool danger = false);

}  // namespace reader_pages_internal

using namespace reader_pages_internal;

class ReaderPages::Impl {
 public:
  Impl(Store& store, const Config& config, const Templates& templates, const std::map<std::string, Catalog>& catalogs,
       PageFn page, SiteSecret secret, std::shared_ptr<Mailer> mailer)
      : articles_(store),
        view_store_(store),
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

  // Reason gives a refusal's reason in edition `ed`'s language, by its
  // reason code (Catalog::Reason: i18n/<ed>.json "reasons").
  std::string Reason(const std::string& ed, const Status& refusal) const { return catalog(ed).Reason(refusal); }
  // Reason(ed, stored) gives a stored English reason (a held comment's
  // `hold_reason`) through the catalog's English fallback.
  std::string Reason(const std::string& ed, const std::string& stored) const { return catalog(ed).Reason(stored); }
  void UseMailer(std::shared_ptr<Mailer> mailer) {
    std::lock_guard<std::mutex> lock(mail_mu_);
    mail_ = std::make_unique<MailQueue>(std::move(mailer));
    mail_->ReportTo(health_);
  }
  void ReportMailTo(Health* health) {
    std::lock_guard<std::mutex> lock(mail_mu_);
    health_ = health;
    if (mail_) mail_->ReportTo(health);
  }
  bool WaitForMail(std::chrono::milliseconds timeout) {
    std::lock_guard<std::mutex> lock(mail_mu_);
    return !mail_ || mail_->WaitIdle(timeout);
  }
  Viewer Identify(const Request& req);
  bool CsrfOk(const Viewer& v, const std::string& csrf_token) {
    return v.session && !csrf_token.empty() && accounts_.VerifyCsrf(v.session_token, csrf_token).ok();
  }
  // For the desk (DeskServices): the reset link an admin sends, and the
  // reply notification a comment the desk approved is owed.
  Status SendPasswordReset(int64_t user_id, const std::string& ed);
  void NotifyApproved(const Comment& reply) { NotifyReply(config_.editions.front(), reply); }

  // --- routes ---------------------------------------------------------------
  using FormHandler = std::function<Response(const RequestContext&, const FormFields&)>;

  // PublicForm answers a form anyone may send (register, log in, forgot,
  // reset): `show` the form, or `submit` a posted one.
  RouteHandler PublicForm(RouteHandler show, FormHandler submit);

  // ReaderForm answers a POST that changes a logged-in reader's state: it
  // needs a session and the session's CSRF token. `guest` answers a guest
  // (by default: log in first).
  RouteHandler ReaderForm(FormHandler submit, RouteHandler guest = nullptr);

  // ShowOr answers GET with `show` and POST with `post`.
  static RouteHandler ShowOr(RouteHandler show, RouteHandler post) {
    return [show, post](const RequestContext& ctx) { return ctx.request.method == "POST" ? post(ctx) : show(ctx); };
  }
  void AddRoutes(RouteTable& routes);

  // --- views for the site's pages ------------------------------------------
  json HeaderView(const Viewer& v, const std::string& ed, const std::string& here);
  json DiscussionView(const std::string& ed, int limit);
  std::map<int64_t, int64_t> CommentCounts(const std::vector<int64_t>& ids);
  std::string CommentsHtml(int64_t article_id, const std::string& ed, const std::string& path, const Viewer& v,
                           const Request& req);
  void CountView(int64_t id) { views_.Count(id); }
  Status FlushViews() { return views_.Flush(view_store_); }
  Status Housekeeping() { return accounts_.PruneExpired(); }
 private:
  const Catalog& catalog(const std::string& ed) const { return catalogs_.at(ed); }
  json CommentView(const Comment& c, const std::string& ed, const std::string& path, const Viewer& v, bool moderator,
                   TimePoint now);

  // --- responses ------------------------------------------------------------
  std::string CookieFlags() const { return secure_ ? "; Path=/; HttpOnly; SameSite=Lax; Secure" : "; Path=/; HttpOnly; SameSite=Lax"; }
  // Issue 17, HTTP caching: guests' pages may be kept a minute by the
  // browser, so logging in or out empties its cache of this site; else the
  // guest's page (with "Log in") would show after logging in.
  void SetSessionCookie(Response& r, const std::string& token) {
    r.headers.emplace_back("Set-Cookie", fmt::format("{}={}; Max-Age={}{}", kSessionCookie, token,
                                                     static_cast<int64_t>(config_.session_days) * 86400, CookieFlags()));
    r.headers.emplace_back("Clear-Site-Data", "\"cache\"");
  }
  void ClearSessionCookie(Response& r) {
    r.headers.emplace_back("Set-Cookie", fmt::format("{}=; Max-Age=0{}", kSessionCookie, CookieFlags()));
    r.headers.emplace_back("Clear-Site-Data", "\"cache\"");
  }
  static Response SeeOther(const std::string& location);
  Response Render(const RequestContext& ctx, int status, const std::string& title, const std::string& tmpl, json view);
  Response Message(const RequestContext& ctx, int status, const std::string& title_key, const std::string& text,
                   const std::string& link_href = "", const std::string& link_key = "");
  // NotFound is the readers' own "not found" page.
  Response NotFound(const RequestContext& ctx) {
    return Message(ctx, 404, "error_404_title", catalog(ctx.edition).Get("error_404_text"));
  }

  // CommentOf is the comment a route's {id} names (NotFound when none).
  Result<Comment> CommentOf(const std::string& id_text);

  Response Forbidden(const RequestContext& ctx) {
    const std::string& ed = ctx.edition;
    return Message(ctx, 403, "error_403_title", catalog(ed).Get("error_403_text"), "/" + ed + "/", "back_home");
  }

  // Refusal shows why a reader's request was refused: the library's reason
  // after a localised lead.
  Response Refusal(const RequestContext& ctx, const Status& s, const std::string& back = "");
  Response LoginRequired(const RequestContext& ctx, const std::string& next) {
    const std::string& ed = ctx.edition;
    return SeeOther("/" + ed + "/account/login?next=" + PercentEncode(next));
  }

  // PreSession returns the pre-session cookie's token, making one (and
  // setting the cookie on `r`) when the request has none.
  std::string PreSession(const Request& req, Response* r);
  bool PreSessionOk(const Request& req, const FormFields& f) {
    auto token = CookieValue(req.Header("cookie"), kPreCookie);
    return token && VerifyPreSessionCsrf(secret_, *token, FormValue(f, "csrf"));
  }
  bool SessionCsrfOk(const Viewer& v, const FormFields& f) {
    return v.session && accounts_.VerifyCsrf(v.session_token, FormValue(f, "csrf")).ok();
  }

  // FormOf parses a POST body; nullopt (and `bad` set) when it is no form.
  std::optional<FormFields> FormOf(const RequestContext& ctx, Response& bad);

  // --- mail -------------------------------------------------------------------
  void Mail(const std::string& to_email, const std::string& to_name, const std::string& subject,
            const std::string& text, const std::string& what,
            std::vector<std::pair<std::string, std::string>> headers = {});
  std::string Url(const std::string& path) const { return config_.base_url + path; }
  void MailConfirmation(const std::string& ed, const User& u, const std::string& token);
  void MailPasswordReset(const std::string& ed, const User& u, const std::string& token);
  void MailReplyNotification(const std::string& ed, const User& to, const Comment& reply, const std::string& path);
  void NotifyReply(const std::string& ed, const Comment& reply);

  // --- dispatch -------------------------------------------------------------

  // --- the routes' handlers ----------------------------------------------
  Response PostLogout(const RequestContext& ctx);
  Response PostPassword(const RequestContext& ctx, const FormFields& f);
  Response PostDeleteAccount(const RequestContext& ctx, const FormFields& f);
  Response PostBan(const RequestContext& ctx, const std::string& id_text, const FormFields& f);
  Response PostHoldWords(const RequestContext& ctx, const FormFields& f);

  // --- accounts -------------------------------------------------------------
  Response FormPage(const RequestContext& ctx, int status, const std::string& title_key,
                    const std::string& error, const std::string& notice, const std::string& intro,
                    const std::string& action, const std::string& submit_key, json fields, json links);
  static std::string NoticeKey(const Request& req);
  Response RegisterForm(const RequestContext& ctx, int status, const std::string& error,
                        const FormFields& f);
  Response PostRegister(const RequestContext& ctx, const FormFields& f);
  Response Confirm(const RequestContext& ctx, const std::string& token);
  Response LoginForm(const RequestContext& ctx, int status, const std::string& error,
                     const std::string& email, const std::string& next_in = "");
  Response PostLogin(const RequestContext& ctx, const FormFields& f);
  Response ForgotForm(const RequestContext& ctx, int status, const std::string& error, bool sent);
  Response PostForgot(const RequestContext& ctx, const FormFields& f);
  // PostMailedLinkForm answers a form that mails an account a one-time link
  // (a password reset, a log-in link): limited per account by `kind`
  // (MayMailAccount), the same page whether a mail went or not. `page`
  // renders the form (status, error, sent), `make` the token for an address
  // (nullopt when no account has it), `mail` sends it to its account.
  using MailedLinkPage = std::function<Response(int status, const std::string& error, bool sent)>;
  using MailedLinkToken = std::function<Result<std::optional<std::string>>(const std::string& email)>;
  using MailedLinkMail = std::function<void(const User& user, const std::string& token)>;
  Response PostMailedLinkForm(const RequestContext& ctx, const FormFields& f, const char* kind,
                              const MailedLinkPage& page, const MailedLinkToken& make, const MailedLinkMail& mail);
  Response ResetForm(const RequestContext& ctx, int status, const std::string& error,
                     const std::string& token);
  Response PostReset(const RequestContext& ctx, const FormFields& f);
  // The one-time log-in link (issue 18): asked for by address, mailed,
  // and used through a button, so that a mail scanner opening the link
  // does not spend it.
  Response LoginLinkForm(const RequestContext& ctx, int status, const std::string& error, bool sent);
  Response PostLoginLink(const RequestContext& ctx, const FormFields& f);
  Response UseLoginLinkForm(const RequestContext& ctx, int status, const std::string& error, const std::string& token);
  Response PostUseLoginLink(const RequestContext& ctx, const FormFields& f);
  // LoggedIn answers a successful log-in: the session and device cookies,
  // then on to `next` (a local path) or the edition's front page.
  Response LoggedIn(const RequestContext& ctx, const LoginResult& login, const std::string& next);
  Response AccountPage(const RequestContext& ctx, int status = 200,
                       const Status& error = Status::Ok());
  Response AccountResult(const RequestContext& ctx, const Status& s);
  Response Unsubscribe(const RequestContext& ctx, const std::string& user, const std::string& token);

  // --- comments ---------------------------------------------------------------
  Result<Article> ArticleOf(const std::string& idslug);
  std::string ArticlePathOf(const std::string& ed, const Article& a) {
    return fmt::format("/{}/articles/{}-{}", ed, a.id, a.slug);
  }
  Response PostComment(const RequestContext& ctx, const std::string& idslug,
                       const FormFields& f);

  // CommentRefused says why, and gives the text back in a form to try again.
  Response CommentRefused(const RequestContext& ctx, const Status& s, const std::string& path, const std::string& body,
                          int64_t parent_id, const Viewer& v);
  Response EditForm(const RequestContext& ctx, const std::string& id_text, int status,
                    const Status& error, std::optional<std::string> body);

  // ReplyOrReportForm shows a comment with the form to answer it (`reply`)
  // or to report it to the moderators.
  Response ReplyOrReportForm(const RequestContext& ctx, const std::string& id_text,
                             bool reply);
  Response PostEdit(const RequestContext& ctx, const std::string& id_text,
                    const FormFields& f);
  Response CommentAction(const RequestContext& ctx, CommentActionKind kind, const std::string& id_text,
                         const FormFields& f);

  // --- moderation ---------------------------------------------------------------
  Response ModerationPage(const RequestContext& ctx);

  Response DiscussionPage(const RequestContext& ctx);

  // --- JSON API -------------------------------------------------------------------
  static Response Json(int status, const json& body);
  static Response ApiError(int status, const std::string& code, const std::string& message) {
    return Json(status, {{"error", message}, {"code", code}});
  }
  json CommentJson(const Comment& c);
  Response ApiComments(const Request& req, const std::string& id_text, const Viewer& v);
  ArticleStore& articles_;    // headlines and translations for the views
  CommentStore& view_store_;  // where counted views are written
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
  std::unique_ptr<MailQueue> mail_;
  Health* health_ = nullptr;  // GUARDED_BY(mail_mu_)

  // GUARDED_BY(mail_mu_); null when mail is not configured
  std::mutex discussion_mu_;
  std::map<std::string, std::pair<int64_t, json>> discussion_;
};

}  // namespace newsdesk
