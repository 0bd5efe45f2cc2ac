// File: web/desk.h
//
// The editors' desk at /desk/ (issue 16): the staff's pages for running the
// site from a browser — the sources board, the people, the jobs and the
// audit log — as one web area on the site's route table.
//
//   auto desk = Desk::Create(store, config, templates, services);
//   (*desk)->AddRoutes(routes);          // the site's one route table
//
// Roles: reader < moderator < editor < admin. Every desk route answers a
// guest with 401 and a lower role with 403, each with a page that says why;
// moderators reach the comments only, role changes are for admins. Every
// change is a POST carrying the session's CSRF token (403 without), answers
// 303 back to its page, and appends an entry to the audit log
// (store/audit_log.h). No desk page is cached: each says Cache-Control:
// no-store. The interface speaks English or Russian, as the editor chooses
// (a cookie; Accept-Language until then). Pages work without JavaScript.
//
// Thread-safety: the handlers may run on many threads at once.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "mentions/gazetteer.h"
#include "model/feed_tools.h"
#include "store/store.h"
#include "web/request_context.h"
#include "web/routes.h"

namespace newsdesk {

class Templates;

// DeskServices: what the desk asks of the parts serve starts.
struct DeskServices {
  // CsrfOk tells whether `token` is the viewer's session's CSRF token.
  std::function<bool(const Viewer& viewer, const std::string& token)> csrf_ok;
  // Tools gives the feed tools attached now (they come and go with serve's ingest).
  std::function<FeedTools()> tools;
  // ImageSrc: what a desk page writes in <img src> for an image address (the
  // site's image proxy, web/image_proxy.h); empty for one no page may show.
  std::function<std::string(const std::string& url)> image_src;
  // SendPasswordReset mails a user the forgot-password form's reset link,
  // in the language `lang` (an edition).
  std::function<Status(int64_t user_id, const std::string& lang)> send_password_reset;
  // CommentApproved is told of each comment the desk approves (the reply
  // notification it may owe).
  std::function<void(const Comment& comment)> comment_approved;
  // Clock: now (tests may move it).
  std::function<TimePoint()> now;
  // KnowledgeChanged hands the site the gazetteer an editor's change made, so
  // this node's pages use it at once (other nodes reload within seconds).
  std::function<void(std::shared_ptr<const Gazetteer>)> knowledge_changed;
};

class Desk {
 public:
  // Create loads the desk's catalogs (en, ru). `store`, `config` and
  // `templates` must outlive the desk.
  static Result<std::unique_ptr<Desk>> Create(Store& store, const Config& config, const Templates& templates,
                                              DeskServices services);
  ~Desk();

  // AddRoutes adds every /desk/ route to the site's table.
  void AddRoutes(RouteTable& routes);

  class Impl;

 private:
  explicit Desk(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsdesk
