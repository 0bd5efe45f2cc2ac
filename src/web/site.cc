#include "web/site.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>

#include "common/text.h"
#include "common/time.h"
#include "model/block_json.h"
#include "search/search.h"
#include "render/assets.h"
#include "render/catalog.h"
#include "web/metrics.h"
#include "web/page_cache.h"
#include "web/mail_queue.h"
#include "web/reader_pages.h"
#include "web/subscription_pages.h"
#include "web/routes.h"
#include "render/templates.h"
#include "web/translation_api.h"

namespace newsdesk {

using nlohmann::json;

namespace {

// EnqueuingMailer hands subscription mail to a MailQueue: a request never
// waits for the SMTP server.
class EnqueuingMailer final : public Mailer {
 public:
  explicit EnqueuingMailer(std::function<void(Message)> enqueue) : enqueue_(std::move(enqueue)) {}
  Status Send(const Message& message) override {
    enqueue_(message);
    return Status::Ok();
  }

 private:
  std::function<void(Message)> enqueue_;
};


constexpr int kPageSize = 30;

TimePoint Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }
constexpr int kSidebarSize = 10;
constexpr int kDiscussionBlockSize = 8;
constexpr int kFeedSize = 50;

const char* kSecurityPolicy =
    "default-src 'none'; style-src 'self'; img-src 'self' https: http: data:; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";


std::string EncodeCursor(const ArticleCursor& c) {
  return fmt::format("{}.{}", c.published_at.time_since_epoch().count(), c.id);
}

// DecodeCursor reads "<epoch seconds>.<id>".
std::optional<ArticleCursor> DecodeCursor(const std::string& s) {
  size_t dot = s.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == s.size() || s.size() > 40) return std::nullopt;
  int64_t t = 0, id = 0;
  auto r1 = std::from_chars(s.data(), s.data() + dot, t);
  auto r2 = std::from_chars(s.data() + dot + 1, s.data() + s.size(), id);
  if (r1.ec != std::errc() || r1.ptr != s.data() + dot || r2.ec != std::errc() || r2.ptr != s.data() + s.size() ||
      t < 0 || id <= 0)
    return std::nullopt;
  return ArticleCursor{TimePoint{std::chrono::seconds{t}}, id};
}

bool IsLanguageCode(const std::string& s) {
  return s.size() >= 2 && s.size() <= 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

std::string ContentTypeFor(std::string_view path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".png")) return "image/png";
  return "application/octet-stream";
}

json BlockView(const Block& b) {
  json v = {{"text", b.text}};
  switch (b.type) {
    case BlockType::kParagraph: v["is_paragraph"] = true; break;
    case BlockType::kHeading: v["is_heading"] = true; break;
    case BlockType::kQuote: v["is_quote"] = true; break;
    case BlockType::kList: v["is_list"] = true; v["items"] = b.items; break;
    case BlockType::kImage:
      v["is_image"] = true;
      v["url"] = b.url;
      v["caption"] = b.caption;
      v["credit"] = b.credit;
      break;
  }
  return v;
}

}  // namespace

class Site::Impl {
 public:
  Store& store() { return store_; }
  Impl(Store& store, const Config& config, std::shared_ptr<const Gazetteer> gazetteer, std::shared_ptr<Mailer> mailer)
      : store_(store),
        config_(config),
        gazetteer_(std::move(gazetteer)),
        mailer_(std::move(mailer)),
        cache_(config.page_cache_bytes),
        translation_api_(store, config) {
  }

  void AttachSearch(SearchIndex* index) { search_.store(index, std::memory_order_release); }

  Status Init() {
    auto templates = Templates::Load();
    if (!templates.ok()) return templates.status();
    templates_ = std::move(*templates);
    for (const auto& ed : config_.editions) {
      auto c = Catalog::Load(ed);
      if (!c.ok()) return c.status();
      catalogs_.emplace(ed, std::move(*c));
    }
    auto readers = ReaderPages::Create(
        store_, config_, *templates_, catalogs_,
        [this](const RequestContext& ctx, const std::string& ed, const std::string& title, const std::string& content,
               const std::map<std::string, std::string>& hrefs, int status) { return Page(ctx, ed, title, content, hrefs, status); },
        mailer_);
    if (!readers.ok()) return readers.status();
    readers_ = std::move(*readers);
    // The daily mailing: subscribing needs mail; without it the box says so.
    if (mailer_) {
      auto secret = LoadSharedSiteSecret(store_, config_.data_dir);
      if (!secret.ok()) return secret.status();
      subscription_queue_ =
          std::make_unique<MailQueue>(mailer_);
      subscription_mailer_ = std::make_unique<EnqueuingMailer>([this](Message m) {
        std::lock_guard<std::mutex> lock(subscription_mu_);
        subscription_queue_->Enqueue(std::move(m), "subscription confirmation");
      });
      subscriptions_ = std::make_unique<Subscriptions>(store_, config_, *subscription_mailer_, *secret);
    }
    subscription_pages_ = std::make_unique<SubscriptionPages>(
        subscriptions_.get(), config_, *templates_, catalogs_,
        [this](const RequestContext& ctx, const std::string& ed, const std::string& title, const std::string& content,
               const std::map<std::string, std::string>& hrefs, int status) { return Page(ctx, ed, title, content, hrefs, status); },
        [this](const std::string& id, const std::string& ed) {
          std::shared_ptr<const Gazetteer> gazetteer;
          {
            std::lock_guard<std::mutex> lock(gazetteer_mu_);
            gazetteer = gazetteer_;
          }
          const Entity* e = gazetteer ? gazetteer->Find(id) : nullptr;
          return e ? e->Name(ed) : std::string();
        });
    AddRoutes();
    RegisterDigestMetrics();
    return Status::Ok();
  }

  // UseSubscriptionMailer sends subscription mail through `mailer` (tests).
  void UseSubscriptionMailer(std::shared_ptr<Mailer> mailer) {
    std::lock_guard<std::mutex> lock(subscription_mu_);
    if (subscription_queue_) subscription_queue_ = std::make_unique<MailQueue>(std::move(mailer));
  }
  bool WaitForSubscriptionMail(std::chrono::milliseconds timeout) {
    std::lock_guard<std::mutex> lock(subscription_mu_);
    return !subscription_queue_ || subscription_queue_->WaitIdle(timeout);
  }

  void SetDigestStats(const DigestStats* stats) { digest_stats_.store(stats); }

  // RegisterDigestMetrics puts the mailing's counters in /metrics, once
  // serve hands its DigestStats over (SetDigestStats).
  void RegisterDigestMetrics() {
    auto stats = [this]() -> const DigestStats* { return digest_stats_.load(); };
    metrics_.Register("newsdesk_digest_messages_total", "Daily digest deliveries by outcome.", "counter", [stats] {
      const DigestStats* d = stats();
      if (!d) return std::vector<Metrics::Sample>();
      return std::vector<Metrics::Sample>{{"outcome=\"sent\"", static_cast<double>(d->sent.load())},
                                          {"outcome=\"retried\"", static_cast<double>(d->retried.load())},
                                          {"outcome=\"failed\"", static_cast<double>(d->failed.load())}};
    });
    metrics_.Register("newsdesk_digest_smtp_unavailable_total", "Sends that found the SMTP server down or unreachable.",
                      "counter", [stats] {
                        const DigestStats* d = stats();
                        if (!d) return std::vector<Metrics::Sample>();
                        return std::vector<Metrics::Sample>{{"", static_cast<double>(d->server_unavailable.load())}};
                      });
    metrics_.Register("newsdesk_digest_last_run_finished_seconds", "When the last daily run finished (Unix time).",
                      "gauge", [stats] {
                        const DigestStats* d = stats();
                        if (!d) return std::vector<Metrics::Sample>();
                        return std::vector<Metrics::Sample>{{"", static_cast<double>(d->last_run_finished.load())}};
                      });
  }

  void ReplaceGazetteer(std::shared_ptr<const Gazetteer> gazetteer) {
    std::lock_guard<std::mutex> lock(gazetteer_mu_);
    gazetteer_ = std::move(gazetteer);
    cache_.Clear();  // entity names and pages may have changed
  }

  ReaderPages& readers() { return *readers_; }

  void SyncWithStore() {
    auto seq = store_.ChangeSequence();
    if (seq.ok()) cache_.Observe(*seq);
    else spdlog::warn("cannot read the store's change sequence: {}", seq.status().ToString());
  }

  Response Handle(const Request& req) {
    const auto start = std::chrono::steady_clock::now();
    // The gazetteer is pinned for the whole request, so a reload never pulls
    // the names out from under a page being rendered.
    std::shared_ptr<const Gazetteer> pin;
    {
      std::lock_guard<std::mutex> lock(gazetteer_mu_);
      pin = gazetteer_;
    }
    Response res = HandleSteps(req, pin.get());
    metrics_.RecordRequest(res.route, res.status, std::chrono::steady_clock::now() - start);
    return res;
  }

 private:
  // AddRoutes fills the one route table: every area adds its routes. The
  // fixed paths come first, so that "/{ed}" and "/{ed}/…" never take them.
  void AddRoutes() {
    AddOperationsRoutes();
    AddApiRoutes();
    readers_->AddRoutes(routes_);
    subscription_pages_->AddRoutes(routes_);
    AddPublicRoutes();
  }

  void AddOperationsRoutes() {
    const std::vector<std::string> get = {"GET", "HEAD"};
    routes_.Add(get, "/healthz", [this](const RequestContext&) { return Health(); });
    routes_.Add(get, "/metrics", [this](const RequestContext&) {
      Response r = Response::Text(200, metrics_.Render());
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      return r;
    });
    routes_.Add(get, "/static/{file}", [this](const RequestContext& c) { return StaticFile(c, "static/" + c.Param("file")); });
    routes_.Add(get, "/static/demo/{file}",
                [this](const RequestContext& c) { return StaticFile(c, "static/demo/" + c.Param("file")); });
  }

  void AddApiRoutes() {
    const std::vector<std::string> get = {"GET", "HEAD"};
    routes_.Add(get, "/api/v1/articles", [this](const RequestContext& c) { return ApiArticles(c.request); });
    routes_.Add(get, "/api/v1/articles/{id}", [this](const RequestContext& c) { return ApiArticle(c, c.Param("id")); });
    routes_.Add(get, "/api/v1/sources", [this](const RequestContext&) { return ApiSources(); });
    routes_.Add(get, "/api/v1/entities", [this](const RequestContext& c) { return ApiEntities(c); });
    routes_.Add(get, "/api/v1/entities/{slug}", [this](const RequestContext& c) { return ApiEntity(c, c.Param("slug")); });
    routes_.Add(get, "/api/v1/search", [this](const RequestContext& c) { return ApiSearch(c.request); });
    routes_.Add({"GET", "HEAD", "PUT"}, "/api/v1/articles/{id}/translations/{lang}",
                [this](const RequestContext& c) { return ApiTranslation(c); });
  }

  void AddPublicRoutes() {
    const std::vector<std::string> get = {"GET", "HEAD"};
    routes_.Add(get, "/", [this](const RequestContext& c) { return RootRedirect(c.request); });
    routes_.Add(get, "/{ed}", [](const RequestContext& c) {
      Response r = Response::Redirect(301, "/" + c.edition + "/");
      r.cacheable = true;
      return r;
    });
    routes_.Add(get, "/{ed}/", [this](const RequestContext& c) { return ListPage(c, std::nullopt); });
    routes_.Add(get, kArticleRoute, [this](const RequestContext& c) { return ArticlePage(c, c.Param("idslug")); });
    routes_.Add(get, "/{ed}/sources/{slug}", [this](const RequestContext& c) { return SourcePage(c, c.Param("slug")); });
    routes_.Add(get, "/{ed}/feed.xml", [this](const RequestContext& c) { return Feed(c); });
    routes_.Add(get, "/{ed}/mentions/", [this](const RequestContext& c) { return MentionsIndex(c); });
    routes_.Add(get, "/{ed}/mentions/{slug}", [this](const RequestContext& c) { return EntityPage(c, c.Param("slug")); });
    routes_.Add(get, "/{ed}/search", [this](const RequestContext& c) { return SearchPage(c); });
  }

  // The steps every request goes through, in order.
  Response HandleSteps(const Request& req, const Gazetteer* gazetteer) {
    Viewer viewer;
    RequestContext ctx{req, viewer, gazetteer, EditionOfPath(req.path), {}};
    // 1. A target we could not decode.
    if (!req.target_error.empty()) {
      return Finish(req, ErrorPage(ctx, DefaultEdition(), 400, "unmatched", req.target_error));
    }
    // 2. The page cache, for guests only: a request with a session cookie
    // gets pages with the reader's name and forms, never cached or shared.
    const bool readable = req.method == "GET" || req.method == "HEAD";
    const bool personal = ReaderPages::HasSessionCookie(req);
    if (readable && !personal) {
      if (auto hit = cache_.Get(req.target)) {
        metrics_.RecordCacheHit();
        if (hit->route == kArticleRoute && hit->status == 200) CountArticleView(req.path);
        return *hit;
      }
    }
    // 3. Who is asking.
    if (personal) viewer = readers_->Identify(req);
    // 4. Routing: one table for every area. An edition the site does not
    // have is not found, whatever the method.
    RouteTable::Found found = routes_.Match(req.method, req.path);
    const RouteMatch& match = found.match;
    if (match.kind == RouteMatch::Kind::kNotFound)
      return Finish(req, ErrorPage(ctx, ctx.edition, 404, "unmatched", "no route"));
    if (match.pattern.find("{ed}") != std::string::npos) {
      std::string ed = match.Param("ed");
      if (!catalogs_.count(ed)) return Finish(req, ErrorPage(ctx, DefaultEdition(), 404, match.pattern, "unknown edition"));
      ctx.edition = std::move(ed);
    } else {
      ctx.edition = DefaultEdition();
    }
    if (match.kind == RouteMatch::Kind::kMethodNotAllowed) {
      Response r = ErrorPage(ctx, ctx.edition, 405, match.pattern, "method " + req.method.substr(0, 16));
      r.headers.emplace_back("Allow", match.allowed_methods);
      return Finish(req, std::move(r));
    }
    ctx.params = match.params;
    // 5. The handler, inside the catch-all. The cache sequence is read before
    // the store, so a write during rendering makes the page stale, never the
    // reverse.
    const int64_t seq = cache_.sequence();
    Response res;
    try {
      res = (*found.handler)(ctx);
    } catch (const std::exception& e) {
      spdlog::error("500 {} {}: {}", req.method, req.path.substr(0, 200), e.what());
      res = ErrorPage(ctx, ctx.edition, 500, match.pattern, "");
    }
    if (res.route.empty()) res.route = match.pattern;
    // 6. A write (a comment landing, a moderator's decision, a corrected
    // translation) shows at once: the cache follows the store's change
    // sequence now, not at the next poll.
    if (!readable && res.status < 400) SyncWithStore();
    // 7. Count the view; keep what may be kept. A reader's own page is
    // kept by nobody else either.
    res = Finish(req, std::move(res));
    if (personal && !HasHeader(res, "Cache-Control")) res.headers.emplace_back("Cache-Control", "private, no-store");
    if (res.route == kArticleRoute && res.status == 200 && readable) CountArticleView(req.path);
    if (readable && !personal && res.cacheable && (res.status == 200 || res.status == 301)) {
      metrics_.RecordCacheMiss();
      // Not a page drawn with a gazetteer replaced meanwhile: checked and
      // kept under the lock ReplaceGazetteer swaps and clears under.
      std::lock_guard<std::mutex> lock(gazetteer_mu_);
      if (gazetteer_.get() == gazetteer) cache_.Put(req.target, res, seq);
    }
    return res;
  }

  static bool HasHeader(const Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
      if (AsciiIEquals(k, name)) return true;
    return false;
  }

  // CountArticleView counts a view of the article at `path`
  // ("/{ed}/articles/{id}-{slug}") in memory.
  void CountArticleView(const std::string& path) {
    auto segs = SplitPath(path);
    if (segs.size() != 3) return;
    std::string_view idslug = segs[2];
    if (auto id = ParsePositiveId(idslug.substr(0, idslug.find('-')))) readers_->CountView(*id);
  }

  // AddCommentCounts adds "comments" (the count as text, or false) and
  // "comments_href" to list items made by ListItem, in the order of `ids`.
  void AddCommentCounts(json& items, const std::vector<int64_t>& ids, const std::string& ed) {
    auto counts = readers_->CommentCounts(ids);
    const Catalog& cat = CatalogFor(ed);
    for (size_t i = 0; i < ids.size() && i < items.size(); ++i) {
      auto it = counts.find(ids[i]);
      items[i]["comments"] =
          it == counts.end() ? json(false) : json(cat.Format("comment_count", {{"count", std::to_string(it->second)}}));
      items[i]["comments_href"] = items[i].value("href", std::string()) + "#comments";
    }
  }

  // Finish adds the headers every response carries and logs failures.
  Response Finish(const Request& req, Response res) {
    if (res.content_type.rfind("text/html", 0) == 0) {
      res.headers.emplace_back("Content-Security-Policy", kSecurityPolicy);
      res.headers.emplace_back("Referrer-Policy", "strict-origin-when-cross-origin");
    }
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
    if (res.status >= 400 && res.status < 500) {
      spdlog::info("{} {} {}", res.status, req.method.substr(0, 16), req.target.substr(0, 200));
    }
    return res;
  }

  // ApiTranslation is the editors' translation API (web/translation_api.h):
  // the session and its CSRF token are the readers' (X-CSRF-Token header).
  Response ApiTranslation(const RequestContext& ctx) {
    const Request& req = ctx.request;
    const bool csrf_ok = req.method == "PUT" && readers_->CsrfOk(ctx.viewer, std::string(req.Header("x-csrf-token")));
    return translation_api_.Handle(req, ctx.Param("id"), ctx.Param("lang"), ctx.viewer.user(), csrf_ok);
  }

  // --- search -------------------------------------------------------------

  // SearchQueryOf reads the search parameters; what cannot be used is left
  // out and said in `problems` (a bad date is a notice, never an error page).
  static SearchQuery SearchQueryOf(const Request& req, const std::string& ed, std::vector<std::string>& problems) {
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
  static std::string SearchHref(const std::string& ed, const SearchQuery& q, const std::string& key = "",
                                const std::string& value = "") {
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

  Response SearchPage(const RequestContext& ctx) {
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
        if (!results->notice.empty()) notices.push_back(LocalNotice(cat, results->notice));
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
    // Not cached: the index follows the store a moment behind it.
    return Page(ctx, ed, q.text.empty() ? cat.Get("search") : cat.Get("search") + ": " + q.text.substr(0, 80),
                templates_->Render("search", view), hrefs);
  }

  // LocalNotice gives the search module's notice (English sentences joined
  // by spaces) in the catalog's language, sentence by sentence.
  static std::string LocalNotice(const Catalog& cat, const std::string& notice) {
    static const std::string kBadDate = " is not a date (write YYYY-MM-DD) and was ignored.";
    std::string out;
    size_t start = 0;
    while (start < notice.size()) {
      size_t end = notice.find(". ", start);
      end = end == std::string::npos ? notice.size() : end + 1;
      const std::string sentence = notice.substr(start, end - start);
      std::string local;
      if (sentence.size() > kBadDate.size() && sentence.ends_with(kBadDate))
        local = cat.Format("search_bad_filter", {{"filter", sentence.substr(0, sentence.size() - kBadDate.size())}});
      else
        local = cat.Reason(sentence);
      out += (out.empty() ? "" : " ") + local;
      start = end;
      while (start < notice.size() && notice[start] == ' ') ++start;
    }
    return out;
  }

  json SearchHitView(const SearchHit& h, const std::string& ed, const std::map<std::string, Source>& sources) {
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
              {"label_title", ""}};
    if (h.language != ed) {  // never silently mixed: the original, labelled
      v["content_lang"] = h.language;
      v["label"] = AsciiUpper(h.language);
      v["label_title"] = cat.Format("untranslated_short_title", {{"language", cat.LanguageName(h.language)}});
    }
    return v;
  }

  json FacetGroups(const RequestContext& ctx, const SearchResults& r, const SearchQuery& q, const std::string& ed,
                   const std::map<std::string, Source>& sources) {
    const Catalog& cat = CatalogFor(ed);
    json groups = json::array();
    auto group = [&](const char* title, const char* key, const std::vector<Facet>& facets, auto name_of) {
      json items = json::array();
      for (const auto& f : facets) {
        std::string name = name_of(f.value);
        if (name.empty()) continue;
        items.push_back({{"name", name}, {"count", f.count}, {"href", SearchHref(ed, q, key, f.value)}});
      }
      if (!items.empty()) groups.push_back({{"title", cat.Get(title)}, {"items", items}});
    };
    group("search_facet_sources", "source", r.sources, [&](const std::string& slug) {
      auto it = sources.find(slug);
      return it == sources.end() ? slug : it->second.name;
    });
    group("search_facet_languages", "lang", r.languages,
          [&](const std::string& code) { return cat.LanguageName(code); });
    group("search_facet_mentions", "mention", r.mentions, [&](const std::string& id) {
      const Entity* e = FindEntity(ctx, id);
      return e ? e->Name(ed) : std::string();
    });
    return groups;
  }

  Response ApiSearch(const Request& req) {
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

  // --- editions ---------------------------------------------------------

  const std::string& DefaultEdition() const { return config_.editions.front(); }
  const Catalog& CatalogFor(const std::string& ed) const { return catalogs_.at(ed); }

  std::string EditionOfPath(const std::string& path) const {
    auto segs = SplitPath(path);
    if (!segs.empty()) {
      std::string first(segs[0]);
      if (catalogs_.count(first)) return first;
    }
    return DefaultEdition();
  }

  // PreferredEdition picks the configured edition the reader's
  // Accept-Language ranks highest; the default edition otherwise.
  std::string PreferredEdition(std::string_view accept) const {
    std::string best = DefaultEdition();
    double best_q = 0;
    size_t pos = 0;
    while (pos < accept.size()) {
      size_t comma = accept.find(',', pos);
      std::string_view item = accept.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
      pos = comma == std::string_view::npos ? accept.size() : comma + 1;
      size_t semi = item.find(';');
      std::string tag(item.substr(0, semi));
      tag.erase(std::remove(tag.begin(), tag.end(), ' '), tag.end());
      for (auto& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string primary = tag.substr(0, tag.find('-'));
      double q = 1.0;
      if (semi != std::string_view::npos) {
        std::string_view params = item.substr(semi + 1);
        size_t qpos = params.find("q=");
        if (qpos != std::string_view::npos) {
          try {
            q = std::stod(std::string(params.substr(qpos + 2, 5)));
          } catch (...) {
            q = 0;
          }
        }
      }
      if (catalogs_.count(primary) && q > best_q) {
        best = primary;
        best_q = q;
      }
    }
    return best;
  }

  Response RootRedirect(const Request& req) {
    Response r = Response::Redirect(302, "/" + PreferredEdition(req.Header("accept-language")) + "/");
    r.headers.emplace_back("Vary", "Accept-Language");
    return r;
  }

  // --- rendering ----------------------------------------------------------

  // Page wraps `content` in the layout. `edition_hrefs` gives, per edition,
  // where the same page is in it (the edition's front page when absent).
  Response Page(const RequestContext& ctx, const std::string& ed, const std::string& title, const std::string& content,
                const std::map<std::string, std::string>& edition_hrefs, int status = 200) {
    const Catalog& cat = CatalogFor(ed);
    json editions = json::array();
    for (const auto& e : config_.editions) {
      auto it = edition_hrefs.find(e);
      editions.push_back({{"code", e},
                          {"name", CatalogFor(e).language_name()},
                          {"href", it == edition_hrefs.end() ? "/" + e + "/" : it->second},
                          {"current", e == ed}});
    }
    json view = {{"lang", ed},     {"title", title},       {"site_name", config_.site_name},
                 {"t", cat.strings()}, {"editions", editions}, {"content", content}};
    view["account"] = readers_->HeaderView(ctx.viewer, ed, ctx.request.target_error.empty() ? ctx.request.target : "/" + ed + "/");
    view["discussion"] = readers_->DiscussionView(ed, kDiscussionBlockSize);
    view["discussion_href"] = "/" + ed + "/discussion";
    view["subscribe"] = subscription_pages_ ? subscription_pages_->BoxView(ed) : json(false);
    Response r;
    r.status = status;
    r.body = templates_->Render("layout", view);
    return r;
  }

  Response ErrorPage(const RequestContext& ctx, const std::string& ed, int status, const std::string& route, const std::string& why) {
    if (status >= 500) spdlog::error("{} on {}: {}", status, route, why);
    const Catalog& cat = CatalogFor(ed);
    const std::string key = fmt::format("error_{}", status);
    json view = {{"lang", ed},
                 {"t", cat.strings()},
                 {"error_title", cat.Get(key + "_title")},
                 {"error_text", cat.Get(key + "_text")}};
    Response r = Page(ctx, ed, cat.Get(key + "_title"), templates_->Render("error", view), {}, status);
    r.route = route;
    return r;
  }

  Response StoreError(const RequestContext& ctx, const std::string& ed, const Status& s) {
    int status = s.code() == Code::kIOError || s.code() == Code::kUnavailable ? 503 : 500;
    return ErrorPage(ctx, ed, status, "", s.ToString());
  }

  // ListItem is one article in a list of edition `ed`: its translation's
  // headline when there is one, else the original with a language label.
  json ListItem(const ArticleSummary& s, const std::string& ed) {
    const Catalog& cat = CatalogFor(ed);
    json v = {{"href", ArticleHref(ed, s.id, s.slug)},
              {"source_name", s.source.name},
              {"source_href", fmt::format("/{}/sources/{}", ed, s.source.slug)},
              {"iso", FormatIso8601(s.published_at)},
              {"time", cat.Date(s.published_at, config_.utc_offset_minutes, config_.zone_label)},
              {"short_time", cat.ShortDate(s.published_at, config_.utc_offset_minutes)}};
    // Every key the list templates test is set, even when empty: Mustache
    // looks a missing key up in the enclosing page, which has its own label.
    v["content_lang"] = false;
    v["label"] = false;
    v["label_title"] = "";
    v["machine"] = false;
    v["machine_title"] = "";
    if (s.language == ed) {
      v["headline"] = s.headline;
    } else if (s.translation) {
      v["headline"] = s.translation->headline;
      if (s.translation->by == TranslatedBy::kMachine) {  // a machine wrote it, and the list says so
        v["machine"] = cat.Get("machine_short");
        v["machine_title"] = cat.Format("machine_translation_notice", {{"language", cat.LanguageName(s.language)}});
      }
    } else {
      v["headline"] = s.headline;
      v["content_lang"] = s.language;
      v["label"] = AsciiUpper(s.language);
      v["label_title"] = cat.Format("untranslated_short_title", {{"language", cat.LanguageName(s.language)}});
    }
    return v;
  }

  Result<std::optional<ArticleCursor>> CursorParam(const Request& req) {
    auto c = req.QueryParam("cursor");
    if (!c) return std::optional<ArticleCursor>();
    auto decoded = DecodeCursor(*c);
    if (!decoded) return Status::InvalidArgument("malformed cursor");
    return std::optional<ArticleCursor>(*decoded);
  }

  Response ListPage(const RequestContext& ctx, std::optional<Source> source) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    const Catalog& cat = CatalogFor(ed);
    auto cursor = CursorParam(req);
    if (!cursor.ok()) return ErrorPage(ctx, ed, 400, "", cursor.status().message());
    ArticleQuery q;
    q.edition = ed;
    q.after = *cursor;
    q.limit = kPageSize;
    if (source) q.source_id = source->id;
    else q.one_per_story = true;  // the front page shows a story once
    auto page = store_.ListArticles(q);
    if (!page.ok()) return StoreError(ctx, ed, page.status());
    const std::string base = source ? fmt::format("/{}/sources/{}", ed, source->slug) : "/" + ed + "/";
    json items = json::array();
    std::vector<int64_t> ids;
    for (const auto& s : page->items) {
      items.push_back(ListItem(s, ed));
      ids.push_back(s.id);
    }
    AddCommentCounts(items, ids, ed);
    json list = {{"t", cat.strings()}, {"articles", items}};
    if (page->next) list["next_href"] = base + "?cursor=" + EncodeCursor(*page->next);
    const std::string heading =
        source ? cat.Format("source_heading", {{"source", source->name}}) : cat.Get("latest_news");
    json view = {{"heading", heading}, {"list", templates_->Render("article_list", list)}};
    if (source) view["source"] = {{"home_url", source->home_url}, {"country", source->country}};
    std::map<std::string, std::string> hrefs;
    for (const auto& e : config_.editions)
      hrefs[e] = source ? fmt::format("/{}/sources/{}", e, source->slug) : "/" + e + "/";
    Response r = Page(ctx, ed, heading, templates_->Render("front", view), hrefs);
    r.cacheable = true;
    return r;
  }

  Response SourcePage(const RequestContext& ctx, const std::string& slug) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    auto source = store_.GetSourceBySlug(slug);
    if (!source.ok()) {
      if (source.status().is_not_found()) return ErrorPage(ctx, ed, 404, "", "unknown source");
      return StoreError(ctx, ed, source.status());
    }
    return ListPage(ctx, *source);
  }

  Response ArticlePage(const RequestContext& ctx, const std::string& idslug) {
    const Request& req = ctx.request;
    const std::string& ed = ctx.edition;
    const Catalog& cat = CatalogFor(ed);
    auto id = ParsePositiveId(std::string_view(idslug).substr(0, idslug.find('-')));
    if (!id) return ErrorPage(ctx, ed, 404, "", "article id is not a number");
    auto article = store_.GetArticle(*id);
    if (!article.ok()) {
      if (article.status().is_not_found()) return ErrorPage(ctx, ed, 404, "", "no such article");
      return StoreError(ctx, ed, article.status());
    }
    const Article& a = *article;
    const std::string path = ArticleHref(ed, a.id, a.slug);
    const bool show_original = req.QueryParam("original") == std::optional<std::string>("1");
    if (idslug != fmt::format("{}-{}", a.id, a.slug)) {
      Response r = Response::Redirect(301, show_original ? path + "?original=1" : path);
      r.cacheable = true;
      return r;
    }

    json view = {{"lang", ed}, {"t", cat.strings()}, {"original_lang", a.language}};
    std::string headline = a.headline, dateline = a.dateline;
    const std::vector<Block>* body = &a.body;
    std::optional<Translation> translation;
    const std::string original_language = cat.LanguageName(a.language);
    if (a.language != ed && !show_original) {
      auto t = store_.GetTranslation(a.id, ed);
      if (t.ok()) {
        translation = std::move(*t);
      } else if (!t.status().is_not_found()) {
        return StoreError(ctx, ed, t.status());
      }
    }
    if (translation) {
      headline = translation->headline;
      if (!translation->dateline.empty()) dateline = translation->dateline;
      body = &translation->body;
      view["notice"] = cat.Format(translation->by == TranslatedBy::kMachine ? "machine_translation_notice"
                                                                             : "human_translation_notice",
                                  {{"language", original_language}});
      view["original_href"] = path + "?original=1";
    } else if (a.language != ed) {
      view["content_lang"] = a.language;
      view["label"] = show_original ? cat.Format("original_notice", {{"language", original_language}})
                                    : cat.Format("untranslated_label", {{"language", original_language}});
    }
    if (dateline.empty()) dateline = fmt::format("{}, {}", a.source.name, cat.Date(a.published_at, config_.utc_offset_minutes, config_.zone_label));
    view["headline"] = headline;
    view["dateline"] = dateline;
    view["source_name"] = a.source.name;
    view["source_href"] = fmt::format("/{}/sources/{}", ed, a.source.slug);
    view["source_url"] = a.source.home_url;
    view["original_url"] = a.canonical_url.empty() ? a.url : a.canonical_url;
    view["iso"] = FormatIso8601(a.published_at);
    view["time"] = cat.Date(a.published_at, config_.utc_offset_minutes, config_.zone_label);
    view["views"] = std::to_string(a.view_count);
    view["rights"] = a.rights.empty() ? fmt::format("© {}", a.source.name) : a.rights;
    if (a.image) {
      view["image"] = {{"url", a.image->url},
                       {"credit", a.image->credit},
                       {"caption", a.image->caption},
                       {"alt", a.image->caption.empty() ? headline : a.image->caption}};
    }
    json blocks = json::array();
    for (const auto& b : *body) blocks.push_back(BlockView(b));
    view["blocks"] = blocks;
    json mentions = json::array();
    for (const auto& m : a.mentions) {
      const Entity* e = FindEntity(ctx, m.entity);
      if (!e) continue;
      mentions.push_back({{"name", e->Name(ed)}, {"href", fmt::format("/{}/mentions/{}", ed, e->id)}});
      if (mentions.size() >= 20) break;
    }
    view["mentions"] = mentions;
    view["has_mentions"] = !mentions.empty();

    std::map<std::string, std::string> hrefs;
    json others = json::array();
    for (const auto& e : config_.editions) {
      hrefs[e] = ArticleHref(e, a.id, a.slug);
      if (e == ed) continue;
      std::string state = e == a.language ? cat.Get("edition_original")
                          : std::count(a.translation_languages.begin(), a.translation_languages.end(), e)
                              ? cat.Get("edition_translated")
                              : cat.Get("edition_untranslated");
      others.push_back({{"code", e}, {"name", CatalogFor(e).language_name()}, {"href", hrefs[e]}, {"state", state}});
    }
    view["other_editions"] = others;

    auto story = store_.StoryArticles(a.story_id);
    if (!story.ok()) return StoreError(ctx, ed, story.status());
    json also = json::array();
    for (const auto& s : *story) {
      if (s.id == a.id) continue;
      also.push_back({{"href", ArticleHref(ed, s.id, s.slug)}, {"source_name", s.source.name}});
    }
    if (!also.empty()) {
      also.back()["last"] = true;
      view["also_reported"] = also;
      view["has_also"] = true;
    }

    ArticleQuery latest;
    latest.edition = ed;
    latest.limit = kSidebarSize;
    auto side = store_.ListArticles(latest);
    if (!side.ok()) return StoreError(ctx, ed, side.status());
    json items = json::array();
    std::vector<int64_t> ids;
    for (const auto& s : side->items) {
      items.push_back(ListItem(s, ed));
      ids.push_back(s.id);
    }
    AddCommentCounts(items, ids, ed);
    view["latest"] = items;
    view["comments_html"] = readers_->CommentsHtml(a.id, ed, path, ctx.viewer, req);

    Response r = Page(ctx, ed, headline, templates_->Render("article", view), hrefs);
    r.cacheable = true;
    return r;
  }

  // --- mentions -------------------------------------------------------------

  const Entity* FindEntity(const RequestContext& ctx, const std::string& slug) const {
    return ctx.gazetteer ? ctx.gazetteer->Find(slug) : nullptr;
  }

  // MergedInto is the entity a merged-away id became, if any.
  const Entity* MergedInto(const RequestContext& ctx, const std::string& slug) const {
    return ctx.gazetteer ? ctx.gazetteer->Resolve(slug) : nullptr;
  }

  json EntityLinks(const RequestContext& ctx, const std::vector<EntityCount>& counts, const std::string& ed) {
    json out = json::array();
    for (const auto& c : counts) {
      const Entity* e = FindEntity(ctx, c.entity);
      if (!e) continue;
      out.push_back({{"name", e->Name(ed)}, {"href", fmt::format("/{}/mentions/{}", ed, e->id)}, {"count", c.count},
                     {"type", CatalogFor(ed).Get(std::string("type_") + EntityTypeName(e->type))}});
    }
    return out;
  }

  Response MentionsIndex(const RequestContext& ctx) {
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
  static std::string Chart(const std::vector<DayCount>& days, TimePoint from, int span_days, const std::string& label) {
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

  Response EntityPage(const RequestContext& ctx, const std::string& slug) {
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
    json items = json::array();
    std::vector<int64_t> ids;
    for (const auto& s : page->items) {
      items.push_back(ListItem(s, ed));
      ids.push_back(s.id);
    }
    AddCommentCounts(items, ids, ed);
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
    Response r = Page(ctx, ed, e->Name(ed), templates_->Render("entity", view), hrefs);
    r.cacheable = true;
    return r;
  }

  json EntityJson(const Entity& e) {
    return {{"id", e.id}, {"type", EntityTypeName(e.type)}, {"name", e.names}};
  }

  Response ApiEntities(const RequestContext& ctx) {
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

  Response ApiEntity(const RequestContext& ctx, const std::string& slug) {
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

  Response Feed(const RequestContext& ctx) {
    const std::string& ed = ctx.edition;
    const Catalog& cat = CatalogFor(ed);
    ArticleQuery q;
    q.edition = ed;
    q.limit = kFeedSize;
    auto page = store_.ListArticles(q);
    if (!page.ok()) return StoreError(ctx, ed, page.status());
    const std::string base = config_.base_url;
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto rss = doc.append_child("rss");
    rss.append_attribute("version") = "2.0";
    auto channel = rss.append_child("channel");
    auto text = [](pugi::xml_node parent, const char* name, const std::string& value) {
      parent.append_child(name).text().set(value.c_str());
    };
    text(channel, "title", fmt::format("{} — {}", config_.site_name, cat.language_name()));
    text(channel, "link", base + "/" + ed + "/");
    text(channel, "description", cat.Get("feed_description"));
    text(channel, "language", ed);
    if (!page->items.empty()) text(channel, "lastBuildDate", FormatRfc822(page->items.front().published_at));
    for (const auto& s : page->items) {
      auto item = channel.append_child("item");
      std::string title = s.headline, lead = s.lead;
      if (s.language != ed) {
        if (s.translation) {
          title = s.translation->headline;
          lead = s.translation->body.empty() ? std::string() : s.translation->body.front().text;
        } else {
          // Feed readers show no styles: the label goes into the text.
          title = fmt::format("[{}] {}", AsciiUpper(s.language), s.headline);
        }
      }
      const std::string link = base + ArticleHref(ed, s.id, s.slug);
      text(item, "title", title);
      text(item, "link", link);
      auto guid = item.append_child("guid");
      guid.append_attribute("isPermaLink") = "true";
      guid.text().set(link.c_str());
      text(item, "pubDate", FormatRfc822(s.published_at));
      if (!lead.empty()) text(item, "description", lead);
      auto src = item.append_child("source");
      src.append_attribute("url") = s.source.home_url.c_str();
      src.text().set(s.source.name.c_str());
    }
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    Response r;
    r.content_type = "application/rss+xml; charset=utf-8";
    r.body = out.str();
    r.cacheable = true;
    return r;
  }

  Response Health() {
    Status s = store_.Ping();
    if (!s.ok()) {
      spdlog::warn("health check failed: {}", s.ToString());
      return Response::Text(503, "unavailable\n");
    }
    return Response::Text(200, "ok\n");
  }

  Response StaticFile(const RequestContext& ctx, const std::string& path) {
    auto content = FindAsset(path);
    if (!content) return ErrorPage(ctx, DefaultEdition(), 404, "", "no static file");
    Response r;
    r.content_type = ContentTypeFor(path);
    r.body = std::string(*content);
    r.headers.emplace_back("Cache-Control", "public, max-age=3600");
    return r;
  }

  // --- JSON API -----------------------------------------------------------

  Response Json(int status, const json& body) {
    Response r;
    r.status = status;
    r.content_type = "application/json; charset=utf-8";
    r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    r.cacheable = status == 200;
    return r;
  }

  Response ApiError(int status, const std::string& message) {
    if (status >= 500) spdlog::error("API {}: {}", status, message);
    return Json(status, {{"error", message}});
  }

  json SourceJson(const Source& s) {
    return {{"slug", s.slug}, {"name", s.name}, {"url", s.home_url}, {"country", s.country}, {"language", s.language}};
  }

  Response ApiArticles(const Request& req) {
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

  Response ApiSources() {
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

  Response ApiArticle(const RequestContext& ctx, const std::string& id_text) {
    auto id = ParsePositiveId(id_text);
    if (!id) return ApiError(404, "no such article");
    auto article = store_.GetArticle(*id);
    if (!article.ok()) {
      if (article.status().is_not_found()) return ApiError(404, "no such article");
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
    return Json(200, body);
  }

  Store& store_;
  const Config config_;
  std::mutex gazetteer_mu_;
  std::shared_ptr<const Gazetteer> gazetteer_;  // GUARDED_BY(gazetteer_mu_)
  std::shared_ptr<Mailer> mailer_;              // the process's one mailer; null without mail
  RouteTable routes_;
  PageCache cache_;
  Metrics metrics_;
  std::unique_ptr<Templates> templates_;
  std::map<std::string, Catalog> catalogs_;
  std::atomic<SearchIndex*> search_{nullptr};
  std::unique_ptr<ReaderPages> readers_;
  TranslationApi translation_api_;
  std::mutex subscription_mu_;
  std::unique_ptr<MailQueue> subscription_queue_;  // GUARDED_BY(subscription_mu_); null without mail
  std::unique_ptr<Mailer> subscription_mailer_;    // enqueues on subscription_queue_
  std::unique_ptr<Subscriptions> subscriptions_;
  std::unique_ptr<SubscriptionPages> subscription_pages_;
  std::atomic<const DigestStats*> digest_stats_{nullptr};
  static constexpr const char* kArticleRoute = "/{ed}/articles/{idslug}";
};

Site::Site(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Site::~Site() {
  {
    std::lock_guard<std::mutex> lock(watch_mu_);
    stop_watch_ = true;
  }
  watch_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

Result<std::unique_ptr<Site>> Site::Create(Store& store, const Config& config,
                                           std::shared_ptr<const Gazetteer> gazetteer, std::shared_ptr<Mailer> mailer) {
  ND_RETURN_IF_ERROR(ValidateConfig(config));
  if (!mailer && MailConfigured(config)) mailer = MakeMailer(config);
  auto impl = std::make_unique<Impl>(store, config, std::move(gazetteer), std::move(mailer));
  ND_RETURN_IF_ERROR(impl->Init());
  auto site = std::unique_ptr<Site>(new Site(std::move(impl)));
  site->SyncWithStore();
  return site;
}

Response Site::Handle(const Request& request) { return impl_->Handle(request); }

void Site::SyncWithStore() { impl_->SyncWithStore(); }

void Site::AttachSearch(SearchIndex* index) { impl_->AttachSearch(index); }

Status Site::FlushViews() { return impl_->readers().FlushViews(); }

Status Site::Housekeeping() { return impl_->readers().Housekeeping(); }

void Site::UseMailer(std::shared_ptr<Mailer> mailer) {
  impl_->UseSubscriptionMailer(mailer);
  impl_->readers().UseMailer(std::move(mailer));
}

bool Site::WaitForMail(std::chrono::milliseconds timeout) {
  return impl_->readers().WaitForMail(timeout) && impl_->WaitForSubscriptionMail(timeout);
}

void Site::SetDigestStats(const DigestStats* stats) { impl_->SetDigestStats(stats); }

void Site::ReplaceGazetteer(std::shared_ptr<const Gazetteer> gazetteer) { impl_->ReplaceGazetteer(std::move(gazetteer)); }

void Site::WatchStore(std::chrono::milliseconds interval) {
  watcher_ = std::thread([this, interval] {
    // On PostgreSQL another node's commit is announced: wake at once, and
    // poll as well in case a notice is lost with a broken link.
    std::unique_ptr<ChangeListener> listener = impl_->store().ListenForChanges();
    std::unique_lock<std::mutex> lock(watch_mu_);
    while (!stop_watch_) {
      if (listener) {
        lock.unlock();
        listener->Wait(interval);
        lock.lock();
        if (stop_watch_) break;
      } else if (watch_cv_.wait_for(lock, interval, [this] { return stop_watch_; })) {
        break;
      }
      lock.unlock();
      impl_->SyncWithStore();
      lock.lock();
    }
  });
}

}  // namespace newsdesk
