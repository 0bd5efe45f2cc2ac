#include "web/site_impl.h"

namespace newsdesk {

using namespace site_internal;

// SearchQueryOf reads the search parameters; what cannot be used is left
// out and said in `problems` (a bad date is a notice, never an error page).
SearchQuery Site::Impl::SearchQueryOf(const Request& req, const std::string& ed, std::vector<std::string>& problems) {
  SearchQuery q;
  q.edition = ed;
  q.text = req.QueryParam("q").value_or("");
  auto non_empty = [&](const char* name) -> std::optional<std::string> {
    auto v = req.QueryParam(name);
    if (!v || v->empty()) return std::nullopt;
    return v->substr(0, 200);
  };
  q.language = non_empty("lang");
  q.source = non_empty("source");
  q.mention = non_empty("mention");
  for (auto [name, end] : {std::pair<const char*, bool>{"from", false}, {"to", true}}) {
    auto v = non_empty(name);
    if (!v) continue;
    auto when = ParseSearchDate(*v, end);
    if (!when) {
      problems.push_back(fmt::format("{}={}", name, v->substr(0, 40)));
      continue;
    }
    (end ? q.to : q.from) = *when;
  }
  if (req.QueryParam("sort") == std::optional<std::string>("date")) q.sort = SearchQuery::Sort::kDate;
  if (auto page = non_empty("page")) {
    auto n = ParsePositiveId(*page);
    q.page = n && *n <= 1000 ? static_cast<int>(*n) : 1;
  }
  return q;
}

// SearchHref is the search page with `q`'s parameters, one changed.
std::string Site::Impl::SearchHref(const std::string& ed, const SearchQuery& q, const std::string& key, const std::string& value) {
  std::vector<std::pair<std::string, std::string>> params = {{"q", q.text}};
  if (q.language) params.emplace_back("lang", *q.language);
  if (q.source) params.emplace_back("source", *q.source);
  if (q.mention) params.emplace_back("mention", *q.mention);
  if (q.from) params.emplace_back("from", FormatIso8601(*q.from).substr(0, 10));
  if (q.to) params.emplace_back("to", FormatIso8601(*q.to).substr(0, 10));
  if (q.sort == SearchQuery::Sort::kDate) params.emplace_back("sort", "date");
  if (!key.empty()) {
    std::erase_if(params, [&](const auto& p) { return p.first == key; });
    if (!value.empty()) params.emplace_back(key, value);
  }
  std::string href = "/" + ed + "/search";
  char sep = '?';
  for (const auto& [k, v] : params) {
    href += sep + k + "=" + PercentEncode(v);
    sep = '&';
  }
  return href;
}

Response Site::Impl::SearchPage(const RequestContext& ctx) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  const Catalog& cat = CatalogFor(ed);
  std::vector<std::string> problems;
  SearchQuery q = SearchQueryOf(req, ed, problems);
  json view = {{"t", cat.strings()}, {"lang", ed}, {"q", q.text}, {"sort_date", q.sort == SearchQuery::Sort::kDate}};
  std::vector<std::string> notices;
  for (const auto& p : problems) notices.push_back(cat.Format("search_bad_filter", {{"filter", p}}));
  SearchIndex* index = search_.load(std::memory_order_acquire);
  const bool asked = !q.text.empty() || q.language || q.source || q.mention || q.from || q.to;
  json hits = json::array();
  if (!index) {
    notices.push_back(cat.Get("search_unavailable"));
  } else if (asked) {
    auto results = index->Search(q);
    if (!results.ok()) {
      spdlog::error("search failed: {}", results.status().ToString());
      notices.push_back(cat.Get("search_unavailable"));
    } else {
      if (!results->notices.empty()) notices.push_back(LocalNotice(cat, *results));
      std::map<std::string, Source> sources;
      if (auto list = store_.ListSources(); list.ok())
        for (auto& src : *list) sources.emplace(src.slug, std::move(src));
      std::vector<int64_t> ids;
      for (const auto& h : results->hits) {
        hits.push_back(SearchHitView(h, ed, sources));
        ids.push_back(h.id);
      }
      AddCommentCounts(hits, ids, ed);
      view["total_text"] = cat.Format("search_total", {{"count", std::to_string(results->total)}});
      view["has_results"] = !results->hits.empty();
      if (!results->suggestion.empty()) {
        SearchQuery suggested = q;
        suggested.text = results->suggestion;
        view["suggestion"] = results->suggestion;
        view["suggestion_href"] = SearchHref(ed, suggested);
      }
      view["facet_groups"] = FacetGroups(ctx, *results, q, ed, sources);
      view["has_facets"] = !view["facet_groups"].empty();
      if (q.page > 1) view["prev_href"] = SearchHref(ed, q, "page", std::to_string(q.page - 1));
      if (static_cast<int64_t>(q.page) * q.per_page < results->total)
        view["next_href"] = SearchHref(ed, q, "page", std::to_string(q.page + 1));
      view["sort_relevance_href"] = SearchHref(ed, q, "sort", "");
      view["sort_date_href"] = SearchHref(ed, q, "sort", "date");
      json active = json::array();
      auto filter_label = [&](const std::string& key, const std::string& value) {
        std::string name = value;
        if (key == "lang") name = cat.LanguageName(value);
        if (key == "source")
          if (auto it = sources.find(value); it != sources.end()) name = it->second.name;
        if (key == "mention")
          if (const Entity* e = FindEntity(ctx, value)) name = e->Name(ed);
        return cat.Format("search_filter_" + key, {{"value", name}});
      };
      for (auto [key, value] : {std::pair<const char*, const std::optional<std::string>*>{"lang", &q.language},
                                {"source", &q.source}, {"mention", &q.mention}})
        if (*value) active.push_back({{"label", filter_label(key, **value)}, {"href", SearchHref(ed, q, key, "")}});
      view["active_filters"] = active;
    }
  }
  view["hits"] = hits;
  view["asked"] = asked;
  json notice_list = json::array();
  for (const auto& n : notices) notice_list.push_back(n);
  view["notices"] = notice_list;
  std::map<std::string, std::string> hrefs;
  for (const auto& other : config_.editions) hrefs[other] = SearchHref(other, q);
  // Readers may follow a query: its feeds, with the same parameters.
  PageHead head = BasicHead(ctx, hrefs);
  if (!q.text.empty()) {
    const size_t query_at = ctx.request.target.find('?');
    head.feeds = FeedLinks({FeedScope::Kind::kSearch, ed, ""},
                           config_.site_name + " — " + cat.Get("search") + ": " + q.text.substr(0, 80),
                           query_at == std::string::npos ? "" : ctx.request.target.substr(query_at + 1));
  }
  // Not cached: the index follows the store a moment behind it.
  return Page(ctx, ed, q.text.empty() ? cat.Get("search") : cat.Get("search") + ": " + q.text.substr(0, 80),
              templates_->Render("search", view), hrefs, 200, &head);
}

// LocalNotice gives the search module's notices in the catalog's
// language, sentence by sentence, joined by spaces.
std::string Site::Impl::LocalNotice(const Catalog& cat, const SearchResults& results) {
  std::string out;
  for (const Reason& r : results.notices) out += (out.empty() ? "" : " ") + cat.Reason(r);
  return out;
}

json Site::Impl::SearchHitView(const SearchHit& h, const std::string& ed, const std::map<std::string, Source>& sources) {
  const Catalog& cat = CatalogFor(ed);
  auto src = sources.find(h.source);
  json v = {{"href", ArticleHref(ed, h.id, h.slug)},
            {"headline", h.headline},
            {"snippet", h.snippet_html},
            {"source_name", src == sources.end() ? h.source : src->second.name},
            {"source_href", fmt::format("/{}/sources/{}", ed, h.source)},
            {"iso", FormatIso8601(h.published_at)},
            {"time", cat.Date(h.published_at, config_.utc_offset_minutes, config_.zone_label)},
            {"content_lang", false},
            {"label", false},
            {"label_title", ""},
            // issue 17, part 5: an outlet's name in another language is read in its own voice.
            {"source_lang", src == sources.end() ? json(false) : LangAttribute(src->second.language, ed)}};
  if (h.language != ed) {  // never silently mixed: the original, labelled
    v["content_lang"] = h.language;
    v["label"] = AsciiUpper(h.language);
    v["label_title"] = cat.Format("untranslated_short_title", {{"language", cat.LanguageName(h.language)}});
  }
  return v;
}

json Site::Impl::FacetGroups(const RequestContext& ctx, const SearchResults& r, const SearchQuery& q, const std::string& ed, const std::map<std::string, Source>& sources) {
  const Catalog& cat = CatalogFor(ed);
  json groups = json::array();
  // issue 17, part 5: `lang_of` gives a name's lang attribute (LangAttribute), so an
  // outlet's name in another language is read in its own voice.
  auto group = [&](const char* title, const char* key, const std::vector<Facet>& facets, auto name_of,
                   auto lang_of) {
    json items = json::array();
    for (const auto& f : facets) {
      std::string name = name_of(f.value);
      if (name.empty()) continue;
      items.push_back({{"name", name},
                       {"name_lang", lang_of(f.value)},
                       {"count", f.count},
                       {"href", SearchHref(ed, q, key, f.value)}});
    }
    if (!items.empty()) groups.push_back({{"title", cat.Get(title)}, {"items", items}});
  };
  const auto in_edition = [](const std::string&) { return json(false); };
  group(
      "search_facet_sources", "source", r.sources,
      [&](const std::string& slug) {
        auto it = sources.find(slug);
        return it == sources.end() ? slug : it->second.name;
      },
      [&](const std::string& slug) {
        auto it = sources.find(slug);
        return it == sources.end() ? json(false) : LangAttribute(it->second.language, ed);
      });
  group("search_facet_languages", "lang", r.languages,
        [&](const std::string& code) { return cat.LanguageName(code); }, in_edition);
  group(
      "search_facet_mentions", "mention", r.mentions,
      [&](const std::string& id) {
        const Entity* e = FindEntity(ctx, id);
        return e ? e->Name(ed) : std::string();
      },
      in_edition);
  return groups;
}

Response Site::Impl::ApiSearch(const Request& req) {
  std::vector<std::string> problems;
  const std::string ed = req.QueryParam("ed").value_or(DefaultEdition());
  SearchQuery q = SearchQueryOf(req, catalogs_.count(ed) ? ed : DefaultEdition(), problems);
  q.facets = false;
  if (!problems.empty()) return ApiError(400, "malformed date: " + problems.front() + " (use YYYY-MM-DD)");
  SearchIndex* index = search_.load(std::memory_order_acquire);
  if (!index) return ApiError(503, "search unavailable");
  auto results = index->Search(q);
  if (!results.ok()) {
    spdlog::error("search failed: {}", results.status().ToString());
    return ApiError(503, "search unavailable");
  }
  json items = json::array();
  for (const auto& h : results->hits)
    items.push_back({{"id", h.id},
                     {"headline", h.headline},
                     {"language", h.language},
                     {"url", config_.base_url + ArticleHref(q.edition, h.id, h.slug)},
                     {"published", FormatIso8601(h.published_at)},
                     {"snippet", h.snippet_html}});
  json body = {{"total", results->total}, {"page", q.page}, {"results", items}, {"suggestion", results->suggestion}};
  if (!results->notice.empty()) body["notice"] = results->notice;
  Response r = Json(200, body);
  // Not cached, as the search page: the index follows the store a moment
  // behind it, so an answer cached when the store moved would miss what
  // the index takes in just after (another node's import showed it).
  r.cacheable = false;
  return r;
}

}  // namespace newsdesk
