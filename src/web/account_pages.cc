#include "web/reader_pages_impl.h"

namespace newsdesk {

Response ReaderPages::Impl::PostLogout(const RequestContext& ctx) {
  if (Status s = accounts_.Logout(ctx.viewer.session_token); !s.ok()) return Refusal(ctx, s);
  Response r = SeeOther("/" + ctx.edition + "/");
  ClearSessionCookie(r);
  return r;
}

Response ReaderPages::Impl::PostPassword(const RequestContext& ctx, const FormFields& f) {
  Status s = accounts_.ChangePassword(ctx.viewer.user()->id, FormValue(f, "current_password"),
                                      FormValue(f, "new_password"));
  if (!s.ok()) return AccountPage(ctx, StatusFor(s) == 503 ? 503 : 400, s);
  Response r = SeeOther("/" + ctx.edition + "/account/login?notice=password_changed");
  ClearSessionCookie(r);
  return r;
}

Response ReaderPages::Impl::PostDeleteAccount(const RequestContext& ctx, const FormFields& f) {
  Status s = accounts_.DeleteAccount(ctx.viewer.user()->id, FormValue(f, "password"));
  if (!s.ok()) return AccountPage(ctx, StatusFor(s) == 503 ? 503 : 400, s);
  Response r = SeeOther("/" + ctx.edition + "/?notice=account_deleted");
  ClearSessionCookie(r);
  return r;
}

Response ReaderPages::Impl::FormPage(const RequestContext& ctx, int status, const std::string& title_key, const std::string& error, const std::string& notice, const std::string& intro, const std::string& action, const std::string& submit_key, json fields, json links) {
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

std::string ReaderPages::Impl::NoticeKey(const Request& req) {
  auto n = req.QueryParam("notice").value_or("");
  static const std::set<std::string> known = {"check_mail", "password_changed", "password_reset", "confirmed",
                                              "saved", "unsubscribed"};
  return known.count(n) ? "notice_" + n : "";
}

Response ReaderPages::Impl::RegisterForm(const RequestContext& ctx, int status, const std::string& error, const FormFields& f) {
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

Response ReaderPages::Impl::PostRegister(const RequestContext& ctx, const FormFields& f) {
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
    auto owner = accounts_.FindByEmail(form.email);
    // Limited per account: anyone can type the address again and again.
    auto may = owner.ok() ? accounts_.MayMailAccount(owner->id, "exists") : Result<bool>(false);
    if (!may.ok()) spdlog::error("account mail limit: {}", may.status().ToString());
    if (owner.ok() && may.ok() && *may) {
      const Catalog& cat = catalog(ed);
      Mail(owner->email, owner->display_name, cat.Format("mail_exists_subject", {{"site", config_.site_name}}),
           cat.Format("mail_exists_text", {{"name", owner->display_name}, {"site", config_.site_name},
                                           {"login", Url("/" + ed + "/account/login")},
                                           {"reset", Url("/" + ed + "/account/forgot")}}),
           fmt::format("'address has an account' notice for user {}", owner->id));
    }
  } else {
    return RegisterForm(ctx, StatusFor(reg.status()) == 503 ? 503 : 400,
                        catalog(ed).Format("refused", {{"reason", Reason(ed, reg.status())}}), f);
  }
  return SeeOther("/" + ed + "/account/login?notice=check_mail");
}

Response ReaderPages::Impl::Confirm(const RequestContext& ctx, const std::string& token) {
  const std::string& ed = ctx.edition;
  auto user = accounts_.ConfirmEmail(token);
  if (!user.ok()) {
    if (StatusFor(user.status()) >= 500) return Refusal(ctx, user.status());
    return Message(ctx, 400, "confirm_failed_title", catalog(ed).Get("confirm_failed_text"),
                   "/" + ed + "/account/login", "log_in");
  }
  return SeeOther("/" + ed + "/account/login?notice=confirmed");
}

Response ReaderPages::Impl::LoginForm(const RequestContext& ctx, int status, const std::string& error, const std::string& email, const std::string& next_in) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  const Catalog& cat = catalog(ed);
  const std::string next = next_in.empty() ? req.QueryParam("next").value_or("") : next_in;
  const std::string notice = NoticeKey(req);
  json fields = json::array({Field("input", "email", cat.Get("field_email"), email, "email", "email", 254),
                             Field("input", "password", cat.Get("field_password"), "", "password", "current-password", 1024),
                             Field("hidden", "next", "", next)});
  json links = json::array({{{"href", "/" + ed + "/account/register"}, {"text", cat.Get("no_account")}},
                            {{"href", "/" + ed + "/account/forgot"}, {"text", cat.Get("forgot_password")}},
                            {{"href", "/" + ed + "/account/login-link"}, {"text", cat.Get("login_by_mail")}}});
  return FormPage(ctx, status, "login_title", error, notice.empty() ? "" : cat.Get(notice), "",
                  "/" + ed + "/account/login", "log_in", fields, links);
}

Response ReaderPages::Impl::PostLogin(const RequestContext& ctx, const FormFields& f) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  if (!PreSessionOk(req, f)) return Forbidden(ctx);
  auto login = accounts_.Login(FormValue(f, "email"), FormValue(f, "password"), req.remote_address,
                               CookieValue(req.Header("cookie"), kDeviceCookie).value_or(""));
  if (!login.ok()) {
    // The right password for an account not confirmed yet (the library
    // says so only then): mail a fresh confirmation link.
    if (login.status().code() == Code::kInvalidArgument &&
        login.status().message().rfind("confirm your e-mail", 0) == 0) {
      auto email = NormalizeEmail(FormValue(f, "email"));
      auto token = email.ok() ? accounts_.NewConfirmToken(*email) : Result<std::string>(email.status());
      auto user = email.ok() ? accounts_.FindByEmail(*email) : Result<User>(email.status());
      if (token.ok() && user.ok()) MailConfirmation(ed, *user, *token);
    }
    const int status = StatusFor(login.status()) == 429 ? 429 : StatusFor(login.status()) >= 500 ? 503 : 400;
    Response r = LoginForm(ctx, status, catalog(ed).Format("refused", {{"reason", Reason(ed, login.status())}}),
                           FormValue(f, "email").substr(0, 254), FormValue(f, "next"));
    if (status == 429) r.headers.emplace_back("Retry-After", std::to_string(config_.login_failure_window_seconds));
    return r;
  }
  return LoggedIn(ctx, *login, FormValue(f, "next"));
}

Response ReaderPages::Impl::LoggedIn(const RequestContext& ctx, const LoginResult& login, const std::string& next) {
  Response r = SeeOther(LocalPath(next, "/" + ctx.edition + "/"));
  SetSessionCookie(r, login.session_token);
  r.headers.emplace_back("Set-Cookie", fmt::format("{}={}; Max-Age={}{}", kDeviceCookie,
                                                   accounts_.DeviceToken(login.user.id), 400 * 86400, CookieFlags()));
  return r;
}

Response ReaderPages::Impl::LoginLinkForm(const RequestContext& ctx, int status, const std::string& error, bool sent) {
  const std::string& ed = ctx.edition;
  const Catalog& cat = catalog(ed);
  json fields = json::array({Field("input", "email", cat.Get("field_email"), "", "email", "email", 254)});
  return FormPage(ctx, status, "login_link_title", error, sent ? cat.Get("notice_login_link_sent") : "",
                  cat.Get("login_link_intro"), "/" + ed + "/account/login-link", "send_login_link", fields,
                  json::array());
}

Response ReaderPages::Impl::PostLoginLink(const RequestContext& ctx, const FormFields& f) {
  const std::string& ed = ctx.edition;
  return PostMailedLinkForm(
      ctx, f, "login",
      [&](int status, const std::string& error, bool sent) { return LoginLinkForm(ctx, status, error, sent); },
      [&](const std::string& email) { return accounts_.RequestLogInLink(email); },
      [&](const User& u, const std::string& token) {
        const Catalog& cat = catalog(ed);
        const std::string link = Url("/" + ed + "/account/login-link/use?token=" + PercentEncode(token));
        Mail(u.email, u.display_name, cat.Format("mail_login_subject", {{"site", config_.site_name}}),
             cat.Format("mail_login_text", {{"name", u.display_name}, {"link", link}, {"site", config_.site_name},
                                            {"minutes", std::to_string(config_.reset_token_minutes)}}),
             fmt::format("log-in link for user {}", u.id));
      });
}

Response ReaderPages::Impl::UseLoginLinkForm(const RequestContext& ctx, int status, const std::string& error,
                                             const std::string& token) {
  const std::string& ed = ctx.edition;
  const Catalog& cat = catalog(ed);
  json fields = json::array({Field("hidden", "token", "", token)});
  json links = json::array({{{"href", "/" + ed + "/account/login-link"}, {"text", cat.Get("login_by_mail")}}});
  return FormPage(ctx, status, "login_link_use_title", error, "", cat.Get("login_link_use_intro"),
                  "/" + ed + "/account/login-link/use", "log_in", fields, links);
}

Response ReaderPages::Impl::PostUseLoginLink(const RequestContext& ctx, const FormFields& f) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  if (!PreSessionOk(req, f)) return Forbidden(ctx);
  auto login = accounts_.LogInWithLink(FormValue(f, "token"));
  if (!login.ok()) {
    if (StatusFor(login.status()) >= 500) return Refusal(ctx, login.status());
    return UseLoginLinkForm(ctx, 400, catalog(ed).Format("refused", {{"reason", Reason(ed, login.status())}}), "");
  }
  return LoggedIn(ctx, *login, "/" + ed + "/account");
}

Response ReaderPages::Impl::ForgotForm(const RequestContext& ctx, int status, const std::string& error, bool sent) {
  const std::string& ed = ctx.edition;
  const Catalog& cat = catalog(ed);
  json fields = json::array({Field("input", "email", cat.Get("field_email"), "", "email", "email", 254)});
  return FormPage(ctx, status, "forgot_title", error, sent ? cat.Get("notice_reset_sent") : "",
                  cat.Get("forgot_intro"), "/" + ed + "/account/forgot", "send_link", fields, json::array());
}

Response ReaderPages::Impl::PostForgot(const RequestContext& ctx, const FormFields& f) {
  return PostMailedLinkForm(
      ctx, f, "reset",
      [&](int status, const std::string& error, bool sent) { return ForgotForm(ctx, status, error, sent); },
      [&](const std::string& email) { return accounts_.RequestPasswordReset(email); },
      [&](const User& u, const std::string& token) { MailPasswordReset(ctx.edition, u, token); });
}

Response ReaderPages::Impl::PostMailedLinkForm(const RequestContext& ctx, const FormFields& f, const char* kind,
                                               const MailedLinkPage& page, const MailedLinkToken& make,
                                               const MailedLinkMail& mail) {
  const std::string& ed = ctx.edition;
  if (!PreSessionOk(ctx.request, f)) return Forbidden(ctx);
  const std::string email = FormValue(f, "email");
  if (auto malformed = NormalizeEmail(email); !malformed.ok())
    return page(400, catalog(ed).Format("refused", {{"reason", Reason(ed, malformed.status())}}), false);
  // Limited per account before a link is made: a new link would void the
  // one the owner may be about to follow. The page is the same either way.
  auto user = accounts_.FindByEmail(email);
  if (!user.ok() && !user.status().is_not_found()) return Refusal(ctx, user.status());
  auto may = user.ok() ? accounts_.MayMailAccount(user->id, kind) : Result<bool>(false);
  if (!may.ok()) return Refusal(ctx, may.status());
  if (!*may) return page(200, "", true);
  auto token = make(email);
  if (!token.ok()) {
    if (StatusFor(token.status()) >= 500) return Refusal(ctx, token.status());
    return page(400, catalog(ed).Format("refused", {{"reason", Reason(ed, token.status())}}), false);
  }
  if (*token) mail(*user, **token);
  return page(200, "", true);
}

void ReaderPages::Impl::MailPasswordReset(const std::string& ed, const User& u, const std::string& token) {
  const Catalog& cat = catalog(ed);
  const std::string link = Url("/" + ed + "/account/reset?token=" + PercentEncode(token));
  Mail(u.email, u.display_name, cat.Format("mail_reset_subject", {{"site", config_.site_name}}),
       cat.Format("mail_reset_text", {{"name", u.display_name}, {"link", link}, {"site", config_.site_name},
                                      {"minutes", std::to_string(config_.reset_token_minutes)}}),
       fmt::format("password reset for user {}", u.id));
}

Status ReaderPages::Impl::SendPasswordReset(int64_t user_id, const std::string& ed) {
  {
    std::lock_guard<std::mutex> lock(mail_mu_);
    if (!mail_) return Status::Unavailable("the site sends no mail: [mail] smtp_url or outbox is not set");
  }
  auto user = accounts_.Get(user_id);
  if (!user.ok()) return user.status();
  if (user->deleted) return Status::NotFound(fmt::format("user {} was deleted", user_id));
  auto token = accounts_.RequestPasswordReset(user->email);
  if (!token.ok()) return token.status();
  if (!*token) return Status::NotFound(fmt::format("no account has user {}'s e-mail", user_id));
  MailPasswordReset(ed, *user, **token);
  return Status::Ok();
}

Response ReaderPages::Impl::ResetForm(const RequestContext& ctx, int status, const std::string& error, const std::string& token) {
  const std::string& ed = ctx.edition;
  const Catalog& cat = catalog(ed);
  json fields = json::array({Field("hidden", "token", "", token),
                             Field("input", "password", cat.Get("field_new_password"), "", "password", "new-password", 1024)});
  return FormPage(ctx, status, "reset_title", error, "", "", "/" + ed + "/account/reset", "save_password", fields,
                  json::array());
}

Response ReaderPages::Impl::PostReset(const RequestContext& ctx, const FormFields& f) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  if (!PreSessionOk(req, f)) return Forbidden(ctx);
  Status s = accounts_.ResetPassword(FormValue(f, "token"), FormValue(f, "password"));
  if (!s.ok()) {
    if (StatusFor(s) >= 500) return Refusal(ctx, s);
    return ResetForm(ctx, 400, catalog(ed).Format("refused", {{"reason", Reason(ed, s)}}), FormValue(f, "token"));
  }
  return SeeOther("/" + ed + "/account/login?notice=password_reset");
}

Response ReaderPages::Impl::AccountPage(const RequestContext& ctx, int status, const Status& error) {
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
               {"error", error.ok() ? json(false) : json(cat.Format("refused", {{"reason", Reason(ed, error)}}))},
               {"notice", notice.empty() ? json(false) : json(cat.Get(notice))},
               {"forms", forms},
               {"links", json::array()}};
  return Render(ctx, status, cat.Get("account_title"), "account_form", view);
}

Response ReaderPages::Impl::AccountResult(const RequestContext& ctx, const Status& s) {
  const std::string& ed = ctx.edition;
  if (!s.ok()) return AccountPage(ctx, StatusFor(s) >= 500 ? 503 : 400, s);
  return SeeOther("/" + ed + "/account?notice=saved");
}

}  // namespace newsdesk
