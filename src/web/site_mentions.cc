#include "web/site_impl.h"

namespace newsdesk {

using namespace site_internal;

json Site::Impl::EntityLinks(const RequestContext& ctx, const std::vector<EntityCount>& counts, const std::string& ed) {
  json out = json::array();
  for (const auto& c : counts) {
    const Entity* e = FindEntity(ctx, c.entity);
    if (!e) continue;
    out.push_back({{"name", e->Name(ed)}, {"href", fmt::format("/{}/mentions/{}", ed, e->id)}, {"count", c.count},
                   {"type", CatalogFor(ed).Get(std::string("type_") + EntityTypeName(e->type))}});
  }
  return out;
}

Response Site::Impl::MentionsIndex(const RequestContext& ctx) {
  const std::string& ed = ctx.edition;
  const Catalog& cat = CatalogFor(ed);
  auto top = store_.TopEntities(Now() - std::chrono::hours(24 * 7), 60);
  if (!top.ok()) return StoreError(ctx, ed, top.status());
  json view = {{"t", cat.strings()}, {"entities", EntityLinks(ctx, *top, ed)}};
  std::map<std::string, std::string> hrefs;
  for (const auto& e : config_.editions) hrefs[e] = "/" + e + "/mentions/";
  Response r = Page(ctx, ed, cat.Get("mentions_week"), templates_->Render("mentions", view), hrefs);
  r.cacheable = true;
  return r;
}

// Chart draws mentions per day as bars in inline SVG: no script needed.
std::string Site::Impl::Chart(const std::vector<DayCount>& days, TimePoint from, int span_days, const std::string& label) {
  int64_t max = 1;
  for (const auto& d : days) max = std::max(max, d.count);
  const int width = 720, height = 120, bar = width / span_days;
  std::string svg = fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"none\">"
      "<line x1=\"0\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"axis\"/>",
      width, height + 1, label, height, width, height);
  for (const auto& d : days) {
    const auto index = std::chrono::duration_cast<std::chrono::hours>(d.day - from).count() / 24;
    if (index < 0 || index >= span_days) continue;
    const int h = static_cast<int>(std::max<int64_t>(2, d.count * height / max));
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
                       index * bar, height - h, std::max(1, bar - 1), h, d.count);
  }
  return svg + "</svg>";
}

Response Site::Impl::EntityPage(const RequestContext& ctx, const std::string& slug) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  const Catalog& cat = CatalogFor(ed);
  const Entity* e = FindEntity(ctx, slug);
  if (!e) {
    if (const Entity* merged = MergedInto(ctx, slug)) {
      Response r = Response::Redirect(301, fmt::format("/{}/mentions/{}", ed, merged->id));
      r.cacheable = true;
      return r;
    }
    return ErrorPage(ctx, ed, 404, "", "unknown entity");
  }
  auto cursor = CursorParam(req);
  if (!cursor.ok()) return ErrorPage(ctx, ed, 400, "", cursor.status().message());
  ArticleQuery q;
  q.edition = ed;
  q.entity = e->id;
  q.after = *cursor;
  q.limit = kPageSize;
  auto page = store_.ListArticles(q);
  if (!page.ok()) return StoreError(ctx, ed, page.status());
  json items = ListItems(page->items, ed);
  const std::string base = fmt::format("/{}/mentions/{}", ed, e->id);
  json list = {{"t", cat.strings()}, {"articles", items}};
  if (page->next) list["next_href"] = base + "?cursor=" + EncodeCursor(*page->next);

  const int span = 90;
  const TimePoint today = std::chrono::floor<std::chrono::days>(Now());
  const TimePoint from = today - std::chrono::hours(24 * (span - 1));
  auto days = store_.MentionsPerDay(e->id, from, today + std::chrono::hours(24));
  if (!days.ok()) return StoreError(ctx, ed, days.status());
  auto with = store_.CoMentioned(e->id, 12);
  if (!with.ok()) return StoreError(ctx, ed, with.status());

  json view = {{"t", cat.strings()},
               {"name", e->Name(ed)},
               {"type", cat.Get(std::string("type_") + EntityTypeName(e->type))},
               {"role", e->role},
               {"chart", Chart(*days, from, span, cat.Get("entity_chart"))},
               {"co_mentioned", EntityLinks(ctx, *with, ed)},
               {"has_co_mentioned", !with->empty()},
               {"list", templates_->Render("article_list", list)}};
  std::map<std::string, std::string> hrefs;
  for (const auto& other : config_.editions) hrefs[other] = fmt::format("/{}/mentions/{}", other, e->id);
  PageHead head = BasicHead(ctx, hrefs);
  head.feeds = FeedLinks({FeedScope::Kind::kEntity, ed, e->id}, config_.site_name + " — " + e->Name(ed), "");
  Response r = Page(ctx, ed, e->Name(ed), templates_->Render("entity", view), hrefs, 200, &head);
  r.cacheable = true;
  return r;
}

}  // namespace newsdesk
