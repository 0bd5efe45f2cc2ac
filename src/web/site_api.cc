#include "web/site_impl.h"

namespace newsdesk {

using namespace site_internal;

// ApiTranslation is the editors' translation API (web/translation_api.h):
// the session and its CSRF token are the readers' (X-CSRF-Token header).
Response Site::Impl::ApiTranslation(const RequestContext& ctx) {
  const Request& req = ctx.request;
  const bool csrf_ok = req.method == "PUT" && readers_->CsrfOk(ctx.viewer, std::string(req.Header("x-csrf-token")));
  return translation_api_.Handle(req, ctx.Param("id"), ctx.Param("lang"), ctx.viewer.user(), csrf_ok);
}

Response Site::Impl::ApiEntities(const RequestContext& ctx) {
  auto top = store_.TopEntities(Now() - std::chrono::hours(24 * 7), 100);
  if (!top.ok()) return ApiError(503, "store unavailable");
  json items = json::array();
  for (const auto& c : *top) {
    const Entity* e = FindEntity(ctx, c.entity);
    if (!e) continue;
    json item = EntityJson(*e);
    item["articles_7_days"] = c.count;
    items.push_back(std::move(item));
  }
  return Json(200, {{"entities", items}});
}

Response Site::Impl::ApiEntity(const RequestContext& ctx, const std::string& slug) {
  const Entity* e = FindEntity(ctx, slug);
  if (!e) {
    if (const Entity* merged = MergedInto(ctx, slug)) return Response::Redirect(301, "/api/v1/entities/" + merged->id);
    return ApiError(404, "no such entity");
  }
  const TimePoint today = std::chrono::floor<std::chrono::days>(Now());
  auto days = store_.MentionsPerDay(e->id, today - std::chrono::hours(24 * 89), today + std::chrono::hours(24));
  auto with = store_.CoMentioned(e->id, 12);
  if (!days.ok() || !with.ok()) return ApiError(503, "store unavailable");
  json body = EntityJson(*e);
  json per_day = json::array();
  for (const auto& d : *days) per_day.push_back({{"day", FormatIso8601(d.day).substr(0, 10)}, {"articles", d.count}});
  json co = json::array();
  for (const auto& c : *with) co.push_back({{"id", c.entity}, {"articles", c.count}});
  body["per_day"] = per_day;
  body["co_mentioned"] = co;
  return Json(200, body);
}

Response Site::Impl::Json(int status, const json& body) {
  Response r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  r.cacheable = status == 200;
  return r;
}

Response Site::Impl::ApiArticles(const Request& req) {
  ArticleQuery q;
  if (auto lang = req.QueryParam("lang"); lang && !lang->empty()) {
    if (!IsLanguageCode(*lang)) return ApiError(400, "lang must be a lower-case language code such as \"en\"");
    q.language = *lang;
  }
  if (auto source = req.QueryParam("source"); source && !source->empty()) {
    auto s = store_.GetSourceBySlug(*source);
    if (!s.ok()) {
      if (s.status().is_not_found()) return ApiError(400, "unknown source");
      return ApiError(503, "store unavailable");
    }
    q.source_id = s->id;
  }
  if (auto limit = req.QueryParam("limit")) {
    auto n = ParsePositiveId(*limit);
    if (!n || *n > 100) return ApiError(400, "limit must be a number from 1 to 100");
    q.limit = static_cast<int>(*n);
  }
  auto cursor = CursorParam(req);
  if (!cursor.ok()) return ApiError(400, "malformed cursor");
  q.after = *cursor;
  auto page = store_.ListArticles(q);
  if (!page.ok()) return ApiError(503, "store unavailable");
  json items = json::array();
  for (const auto& s : page->items) {
    items.push_back({{"id", s.id},
                     {"url", config_.base_url + ArticleHref(s.language, s.id, s.slug)},
                     {"language", s.language},
                     {"headline", s.headline},
                     {"lead", s.lead},
                     {"published", FormatIso8601(s.published_at)},
                     {"source", SourceJson(s.source)}});
  }
  json body = {{"articles", items}, {"next_cursor", nullptr}};
  if (page->next) body["next_cursor"] = EncodeCursor(*page->next);
  return Json(200, body);
}

Response Site::Impl::ApiSources() {
  auto sources = store_.ListSourceStatuses();
  if (!sources.ok()) return ApiError(503, "store unavailable");
  json items = json::array();
  auto time_or_null = [](const std::optional<TimePoint>& t) { return t ? json(FormatIso8601(*t)) : json(nullptr); };
  for (const auto& st : *sources) {
    const Source& s = st.source;
    json item = SourceJson(s);
    item["id"] = s.id;
    item["feed_url"] = s.feed_url.empty() ? json(nullptr) : json(s.feed_url);
    item["fetch_interval_seconds"] = s.fetch_interval_seconds;
    item["last_fetch"] = time_or_null(st.last_fetch_at);
    item["last_status"] = st.last_status;
    item["last_error"] = st.last_error;
    item["consecutive_failures"] = st.consecutive_failures;
    item["next_fetch"] = s.feed_url.empty() ? json(nullptr) : json(FormatIso8601(st.next_fetch_at));
    item["articles"] = st.article_count;
    item["articles_per_day"] = std::round(st.articles_per_day * 10) / 10;
    json feeds = json::array();
    for (const auto& f : st.feeds)
      feeds.push_back({{"id", f.id},
                       {"feed_url", f.feed_url},
                       {"language", f.language.empty() ? json(nullptr) : json(f.language)},
                       {"fetch_interval_seconds", f.fetch_interval_seconds},
                       {"last_fetch", time_or_null(f.last_fetch_at)},
                       {"last_status", f.last_status},
                       {"last_error", f.last_error},
                       {"consecutive_failures", f.consecutive_failures},
                       {"next_fetch", FormatIso8601(f.next_fetch_at)}});
    item["feeds"] = std::move(feeds);
    items.push_back(std::move(item));
  }
  Response r = Json(200, {{"sources", items}});
  r.cacheable = false;  // fetch status changes without new articles
  return r;
}

Response Site::Impl::ApiArticle(const RequestContext& ctx, const std::string& id_text) {
  auto id = ParsePositiveId(id_text);
  if (!id) return ApiError(404, "no such article");
  auto article = store_.GetArticle(*id);
  if (!article.ok()) {
    if (article.status().is_not_found())
      return Deleted(*id) ? ApiError(410, "article deleted") : ApiError(404, "no such article");
    return ApiError(503, "store unavailable");
  }
  const Article& a = *article;
  json translations = json::array();
  for (const auto& lang : a.translation_languages) {
    auto t = store_.GetTranslation(a.id, lang);
    if (!t.ok()) continue;
    translations.push_back({{"language", t->language},
                            {"headline", t->headline},
                            {"dateline", t->dateline},
                            {"body", BlocksToJson(t->body)},
                            {"by", t->by == TranslatedBy::kHuman ? "human" : "machine"}});
  }
  json body = {{"id", a.id},
               {"slug", a.slug},
               {"url", config_.base_url + ArticleHref(a.language, a.id, a.slug)},
               {"original_url", a.url},
               {"canonical_url", a.canonical_url},
               {"language", a.language},
               {"headline", a.headline},
               {"dateline", a.dateline},
               {"published", FormatIso8601(a.published_at)},
               {"rights", a.rights},
               {"views", a.view_count},
               {"source", SourceJson(a.source)},
               {"body", BlocksToJson(a.body)},
               {"translations", translations}};
  body["image"] = a.image ? json{{"url", a.image->url}, {"credit", a.image->credit}, {"caption", a.image->caption}}
                          : json(nullptr);
  json mentions = json::array();
  for (const auto& m : a.mentions) {
    const Entity* e = FindEntity(ctx, m.entity);
    if (!e) continue;
    mentions.push_back({{"id", e->id}, {"name", e->names}, {"type", EntityTypeName(e->type)}, {"count", m.count}});
  }
  body["mentions"] = mentions;
  json corrections = json::array();
  for (const auto& c : a.corrections) corrections.push_back({{"at", FormatIso8601(c.at)}, {"note", c.note}});
  body["corrections"] = corrections;
  return Json(200, body);
}

}  // namespace newsdesk
