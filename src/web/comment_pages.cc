#include "web/reader_pages_impl.h"

namespace newsdesk {

Response ReaderPages::Impl::PostBan(const RequestContext& ctx, const std::string& id_text, const FormFields& f) {
  const std::string& ed = ctx.edition;
  auto id = ParsePositiveId(id_text);
  if (!id) return NotFound(ctx);
  Status s = accounts_.SetBanned(*ctx.viewer.user(), *id, FormValue(f, "banned") != "0");
  if (!s.ok()) return Refusal(ctx, s);
  return SeeOther(LocalPath(FormValue(f, "back"), "/" + ed + "/moderation"));
}

Response ReaderPages::Impl::PostHoldWords(const RequestContext& ctx, const FormFields& f) {
  const std::string& ed = ctx.edition;
  const std::vector<std::string> words = NonEmptyLines(FormValue(f, "words"));
  Status s = comments_.SetHoldWords(*ctx.viewer.user(), words);
  if (!s.ok()) return Refusal(ctx, s, "/" + ed + "/moderation");
  return SeeOther("/" + ed + "/moderation?notice=saved");
}

Result<Article> ReaderPages::Impl::ArticleOf(const std::string& idslug) {
  auto id = ParsePositiveId(std::string_view(idslug).substr(0, idslug.find('-')));
  if (!id) return Status::NotFound("no such article");
  return articles_.GetArticle(*id);
}

Response ReaderPages::Impl::PostComment(const RequestContext& ctx, const std::string& idslug, const FormFields& f) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  const Viewer& v = ctx.viewer;
  auto a = ArticleOf(idslug);
  if (!a.ok()) return a.status().is_not_found() ? NotFound(ctx)
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
Response ReaderPages::Impl::CommentRefused(const RequestContext& ctx, const Status& s, const std::string& path, const std::string& body, int64_t parent_id, const Viewer& v) {
  const std::string& ed = ctx.edition;
  if (StatusFor(s) >= 500) return Refusal(ctx, s, path);
  const Catalog& cat = catalog(ed);
  json fields = json::array({Field("textarea", "body", cat.Get("field_comment"), body, "text", "off",
                                   static_cast<int>(config_.comment_max_chars)),
                             Field("hidden", "parent_id", "", parent_id ? std::to_string(parent_id) : ""),
                             Field("honeypot", "website", cat.Get("field_honeypot"))});
  json view = {{"heading", cat.Get("comment_refused_title")},
               {"error", cat.Format("refused", {{"reason", Reason(ed, s)}})},
               {"notice", false},
               {"intro", false},
               {"forms", json::array({Form(path + "/comments", v.session->csrf_token, "", cat.Get("post_comment"), fields)})},
               {"links", json::array({{{"href", path + "#comments"}, {"text", cat.Get("back_to_article")}}})}};
  Response r = Render(ctx, StatusFor(s) == 409 ? 400 : StatusFor(s), cat.Get("comment_refused_title"), "account_form", view);
  if (r.status == 429) r.headers.emplace_back("Retry-After", std::to_string(config_.comment_rate_window_seconds));
  return r;
}

Result<Comment> ReaderPages::Impl::CommentOf(const std::string& id_text) {
  auto id = ParsePositiveId(id_text);
  if (!id) return Status::NotFound("no such comment");
  return comments_.Get(*id);
}

Response ReaderPages::Impl::EditForm(const RequestContext& ctx, const std::string& id_text, int status, const Status& error, std::optional<std::string> body) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  const Viewer& v = ctx.viewer;
  if (!v.session) return LoginRequired(ctx, req.path);
  auto c = CommentOf(id_text);
  if (!c.ok()) return c.status().is_not_found() ? NotFound(ctx) : Refusal(ctx, c.status());
  if (c->user_id != v.session->user.id) return Forbidden(ctx);
  const Catalog& cat = catalog(ed);
  auto a = articles_.GetArticle(c->article_id);
  const std::string back = a.ok() ? ArticlePathOf(ed, *a) + "#c" + std::to_string(c->id) : "/" + ed + "/";
  json fields = json::array({Field("textarea", "body", cat.Get("field_comment"), body.value_or(c->body), "text", "off",
                                   static_cast<int>(config_.comment_max_chars))});
  json view = {{"heading", cat.Get("edit_comment_title")},
               {"error", error.ok() ? json(false) : json(cat.Format("refused", {{"reason", Reason(ed, error)}}))},
               {"notice", false},
               {"intro", cat.Format("edit_comment_intro", {{"minutes", std::to_string(config_.comment_edit_seconds / 60)}})},
               {"forms", json::array({Form(fmt::format("/{}/comments/{}/edit", ed, c->id), v.session->csrf_token, "",
                                           cat.Get("save"), fields)})},
               {"links", json::array({{{"href", back}, {"text", cat.Get("back_to_article")}}})}};
  return Render(ctx, status, cat.Get("edit_comment_title"), "account_form", view);
}

// ReplyOrReportForm shows a comment with the form to answer it (`reply`)
// or to report it to the moderators.
Response ReaderPages::Impl::ReplyOrReportForm(const RequestContext& ctx, const std::string& id_text, bool reply) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  const Viewer& v = ctx.viewer;
  if (!v.session) return LoginRequired(ctx, req.path);
  auto c = CommentOf(id_text);
  if (!c.ok() || c->status != CommentStatus::kVisible)
    return c.ok() || c.status().is_not_found() ? NotFound(ctx)
                                               : Refusal(ctx, c.status());
  auto a = articles_.GetArticle(c->article_id);
  if (!a.ok()) return Refusal(ctx, a.status());
  const Catalog& cat = catalog(ed);
  const std::string path = ArticlePathOf(ed, *a);
  auto author = comments_.Author(*c);
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

Response ReaderPages::Impl::PostEdit(const RequestContext& ctx, const std::string& id_text, const FormFields& f) {
  const std::string& ed = ctx.edition;
  const Viewer& v = ctx.viewer;
  auto id = ParsePositiveId(id_text);
  if (!id) return NotFound(ctx);
  auto edited = comments_.Edit(v.session->user, *id, FormValue(f, "body"));
  if (!edited.ok()) {
    if (edited.status().is_not_found()) return NotFound(ctx);
    auto c = comments_.Get(*id);
    if (c.ok() && c->user_id != v.session->user.id) return Forbidden(ctx);
    if (StatusFor(edited.status()) >= 500) return Refusal(ctx, edited.status());
    return EditForm(ctx, id_text, StatusFor(edited.status()), edited.status(), FormValue(f, "body"));
  }
  auto a = articles_.GetArticle(edited->article_id);
  if (!a.ok()) return SeeOther("/" + ed + "/");
  return SeeOther(fmt::format("{}?notice={}#c{}", ArticlePathOf(ed, *a),
                              edited->status == CommentStatus::kHeld ? "held" : "edited", edited->id));
}

Response ReaderPages::Impl::CommentAction(const RequestContext& ctx, CommentActionKind kind, const std::string& id_text, const FormFields& f) {
  const std::string& ed = ctx.edition;
  const Viewer& v = ctx.viewer;
  auto id = ParsePositiveId(id_text);
  auto c = id ? comments_.Get(*id) : Result<Comment>(Status::NotFound("no such comment"));
  if (!c.ok()) return c.status().is_not_found() ? NotFound(ctx)
                                                : Refusal(ctx, c.status());
  const User& u = v.session->user;
  auto a = articles_.GetArticle(c->article_id);
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
        if (auto restored = comments_.Get(*id); restored.ok()) NotifyReply(ed, *restored);
      break;
    }
    default: break;
  }
  if (!s.ok()) return Refusal(ctx, s, path);
  const std::string back = LocalPath(FormValue(f, "back"), "");
  if (!back.empty()) return SeeOther(back);
  return SeeOther(fmt::format("{}?notice={}#c{}", path, notice, c->id));
}

Response ReaderPages::Impl::ModerationPage(const RequestContext& ctx) {
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
    auto a = articles_.GetArticle(article_id);
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
  if (auto by_new = comments_.ByNewAccounts(100); by_new.ok())
    for (const auto& c : *by_new) fresh.push_back(item_of(c));
  else
    spdlog::warn("comments by new accounts: {}", by_new.status().ToString());
  json view = {{"held", held},
               {"has_held", !held.empty()},
               {"fresh", fresh},
               {"has_fresh", !fresh.empty()},
               {"reports", reported},
               {"has_reports", !reported.empty()},
               {"notice", NoticeKey(req).empty() ? json(false) : json(cat.Get(NoticeKey(req)))},
               {"hold_words", false}};
  if (u.role == Role::kEditor || u.role == Role::kAdmin) {
    auto words = comments_.HoldWords();
    std::string text;
    if (words.ok())
      for (const auto& w : *words) text += w + "\n";
    view["hold_words"] = {{"action", "/" + ed + "/moderation/hold-words"}, {"csrf", v.session->csrf_token},
                          {"text", text}};
  }
  return Render(ctx, 200, cat.Get("moderation_title"), "moderation", view);
}


Response ReaderPages::Impl::DiscussionPage(const RequestContext& ctx) {
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

Response ReaderPages::Impl::Json(int status, const json& body) {
  Response r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

json ReaderPages::Impl::CommentJson(const Comment& c) {
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

Response ReaderPages::Impl::ApiComments(const Request& req, const std::string& id_text, const Viewer& v) {
  auto id = ParsePositiveId(id_text);
  if (!id) return ApiError(404, "not_found", "no such article");
  auto a = articles_.GetArticle(*id);
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
  if (!IsJsonContentType(req.Header("content-type"))) return ApiError(415, "content_type", "send application/json");
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

}  // namespace newsdesk
