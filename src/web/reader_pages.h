// File: web/reader_pages.h
//
// The readers' side of the site (issue 6): account pages and forms, comment
// threads and forms on article pages, the moderation queue, the Discussion
// page and sidebar block, one-click unsubscribe, the comments JSON API, the
// view counter and account mail. The site (web/site.cc) owns one and calls
// it: `AddRoutes` for the routes it serves, `Identify` for who is asking, and
// the view builders for the bits of its own pages.
//
//   auto readers = ReaderPages::Create(store, config, templates, catalogs, page, mailer);
//   (*readers)->AddRoutes(routes);                 // the site's one route table
//   Viewer v = (*readers)->Identify(request);      // who is asking
//
// Security: every POST needs a CSRF token (the session's, or for the
// register/log-in/reset forms a signed double-submit token bound to the
// `nd_pre` cookie) and gets 403 without; the JSON API reads it from the
// X-CSRF-Token header. The session cookie `nd_session` is HttpOnly,
// SameSite=Lax, Path=/, Secure when `base_url` is https. Successful POSTs
// answer 303. Comment HTML comes only from RenderCommentMarkdown; every other
// value goes through Mustache's escaping.
//
// Thread-safety: all methods may be called from many threads at once.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/config.h"
#include "common/status.h"
#include "readers/readers.h"
#include "store/store.h"
#include "web/http.h"
#include "web/request_context.h"
#include "web/routes.h"

namespace newsdesk {

class Catalog;
class Health;
class Mailer;
class Templates;

class ReaderPages {
 public:
  // Create reads (or makes) the site secret in `config.data_dir` and, when
  // `mailer` is set (the process's one mailer), starts the account mail
  // queue on it; without one, account mail is logged as not sent.
  // `templates` and `catalogs` must outlive the object.
  static Result<std::unique_ptr<ReaderPages>> Create(Store& store, const Config& config, const Templates& templates,
                                                     const std::map<std::string, Catalog>& catalogs, PageFn page,
                                                     std::shared_ptr<Mailer> mailer);
  ~ReaderPages();

  // UseMailer sends account mail through `mailer` from now on (tests).
  void UseMailer(std::shared_ptr<Mailer> mailer);
  // ReportMailTo makes account mail's sending the "mail" part of `health`.
  void ReportMailTo(Health* health);
  // WaitForMail waits until no mail is waiting to be sent now (tests).
  bool WaitForMail(std::chrono::milliseconds timeout);

  // HasSessionCookie is true when the request carries a session cookie: its
  // pages may show a reader's name and forms, so they bypass the page cache.
  static bool HasSessionCookie(const Request& request);

  // Identify looks the session cookie up.
  Viewer Identify(const Request& request);

  // CsrfOk is true when `csrf_token` (a JSON API's X-CSRF-Token header)
  // belongs to the viewer's session; false for guests.
  bool CsrfOk(const Viewer& viewer, const std::string& csrf_token);

  // SendPasswordReset mails user `user_id` the link the forgot-password form
  // mails, in edition `ed`'s language: an admin's button on the desk's
  // People. Unavailable when the site has no mail; NotFound for no account.
  Status SendPasswordReset(int64_t user_id, const std::string& ed);

  // NotifyApproved mails the reply notification a comment a moderator has
  // just approved is owed (when its thread's author asked for them).
  void NotifyApproved(const Comment& reply);

  // AddRoutes adds the readers' routes (accounts, comments, moderation, the
  // Discussion page, mail links, the comments API) to the site's table.
  void AddRoutes(RouteTable& routes);

  // HeaderView is the layout's account links: log in / register for guests,
  // the reader's name, account page, moderation and a log-out form otherwise.
  nlohmann::json HeaderView(const Viewer& viewer, const std::string& ed, const std::string& here);

  // DiscussionView lists the most recently commented articles for edition
  // `ed`: headline (with a language label when untranslated), comment count,
  // time of the last comment as the catalog's short date. Kept until the
  // store's change sequence moves.
  nlohmann::json DiscussionView(const std::string& ed, int limit);

  // CommentsHtml renders an article's comment thread and form for `viewer`.
  std::string CommentsHtml(int64_t article_id, const std::string& ed, const std::string& article_path,
                           const Viewer& viewer, const Request& request);

  // CommentCounts maps each article of `ids` with visible comments to their number.
  std::map<int64_t, int64_t> CommentCounts(const std::vector<int64_t>& ids);

  // CountView counts one view of an article in memory; FlushViews writes the
  // counts to the store in one transaction (serve calls it every few
  // seconds, and at shutdown).
  void CountView(int64_t article_id);
  Status FlushViews();
  // Housekeeping prunes expired sessions, tokens and log-in failures.
  Status Housekeeping();

 private:
  class Impl;
  explicit ReaderPages(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsdesk
