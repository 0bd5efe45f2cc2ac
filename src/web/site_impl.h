// File: web/site_impl.h (internal to web/)
//
// The site's inside, shared by the files it is written in: site.cc (the
// request pipeline, the route table, editions, the layout, operations),
// site_articles.cc (lists, article pages), site_feeds.cc (the outgoing
// feeds), site_sitemaps.cc (robots.txt and sitemaps), site_mentions.cc
// (the entities' pages), site_search.cc (search page and API) and
// site_api.cc (the JSON API). Only those files include it; everyone else
// uses web/site.h.
#pragma once

#include "web/site.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/text.h"
#include "common/time.h"
#include "common/url.h"
#include "model/block_json.h"
#include "search/search.h"
#include "render/assets.h"
#include "render/catalog.h"
#include "web/metrics.h"
#include "model/feed_address.h"
#include "web/page_meta.h"
#include "web/page_cache.h"
#include "web/image_proxy.h"
#include "web/mail_queue.h"
#include "web/reader_pages.h"
#include "web/subscription_pages.h"
#include "web/routes.h"
#include "render/templates.h"
#include "web/translation_api.h"

namespace newsdesk {

using nlohmann::json;

namespace site_internal {

// Constants and small helpers the site's files share.
inline constexpr int kPageSize = 30;
inline constexpr int kSidebarSize = 10;
inline constexpr int kDiscussionBlockSize = 8;
inline constexpr int kFeedSize = 50;
// SecurityPolicy: the Content-Security-Policy of HTML responses, images from `img_src`.
std::string SecurityPolicy(const std::string& img_src);
// Issue 17, HTTP caching: what a guest's cacheable page tells caches.
extern const char* const kPublicPageCaching;

TimePoint Now();
// EncodeCursor writes a list position as "<epoch seconds>.<id>"; DecodeCursor reads it.
std::string EncodeCursor(const ArticleCursor& c);
std::optional<ArticleCursor> DecodeCursor(const std::string& s);
bool IsLanguageCode(const std::string& s);
std::string ContentTypeFor(std::string_view path);
// BlockView is a body block as the article template reads it; an image's
// address as `image_src` writes it (the image proxy on pages; as it is,
// when null, for feeds).
json BlockView(const Block& b, const std::function<std::string(const std::string&)>& image_src);

// issue 17, part 5: lang attributes, so that screen readers switch voice.
// LangAttribute is `lang` for a `lang="…"` on text of that language shown
// in edition `ed`, or false (no attribute) when it is the edition's own or
// unknown.
inline json LangAttribute(const std::string& lang, const std::string& ed) {
  return lang.empty() || lang == ed ? json(false) : json(lang);
}

}  // namespace site_internal

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
  void AttachHealth(newsdesk::Health* health);
  newsdesk::Health* health() const { return health_.load(std::memory_order_acquire); }
  void AttachFeedTools(FeedTools tools) {
    std::lock_guard<std::mutex> lock(feed_tools_mu_);
    feed_tools_ = std::move(tools);
  }
  Status Init();

  // UseSubscriptionMailer sends subscription mail through `mailer` (tests).
  void UseSubscriptionMailer(std::shared_ptr<Mailer> mailer) {
    std::lock_guard<std::mutex> lock(subscription_mu_);
    if (subscription_queue_) {
      subscription_queue_ = std::make_unique<MailQueue>(std::move(mailer));
      subscription_queue_->ReportTo(health());
    }
  }
  bool WaitForSubscriptionMail(std::chrono::milliseconds timeout) {
    std::lock_guard<std::mutex> lock(subscription_mu_);
    return !subscription_queue_ || subscription_queue_->WaitIdle(timeout);
  }
  void SetDigestStats(const DigestStats* stats) { digest_stats_.store(stats); }

  // RegisterDigestMetrics puts the mailing's counters in /metrics, once
  // serve hands its DigestStats over (SetDigestStats).
  void RegisterDigestMetrics();
  void ReplaceGazetteer(std::shared_ptr<const Gazetteer> gazetteer);
  ReaderPages& readers() { return *readers_; }
  void SyncWithStore();
  Response Handle(const Request& req);

  // CurrentGazetteer is the gazetteer in force now (ReplaceGazetteer swaps it).
  std::shared_ptr<const Gazetteer> CurrentGazetteer();
 private:
  // AddRoutes fills the one route table: every area adds its routes. The
  // fixed paths come first, so that "/{ed}" and "/{ed}/…" never take them.
  void AddRoutes();
  void AddOperationsRoutes();
  void AddApiRoutes();
  void AddPublicRoutes();

  // The steps every request goes through, in order.
  Response HandleSteps(const Request& req, const Gazetteer* gazetteer);

  // CountArticleView counts a view of the article at `path`
  // ("/{ed}/articles/{id}-{slug}") in memory.
  void CountArticleView(const std::string& path);

  // AddCommentCounts adds "comments" (the count as text, or false) and
  // "comments_href" to list items made by ListItem, in the order of `ids`.
  void AddCommentCounts(json& items, const std::vector<int64_t>& ids, const std::string& ed);

  // Finish adds the headers every response carries and logs failures.
  Response Finish(const Request& req, Response res);

  // ApiTranslation is the editors' translation API (web/translation_api.h):
  // the session and its CSRF token are the readers' (X-CSRF-Token header).
  Response ApiTranslation(const RequestContext& ctx);

  // --- search -------------------------------------------------------------
  // SearchQueryOf reads the search parameters; what cannot be used is left
  // out and said in `problems` (a bad date is a notice, never an error page).
  static SearchQuery SearchQueryOf(const Request& req, const std::string& ed, std::vector<std::string>& problems);

  // SearchHref is the search page with `q`'s parameters, one changed.
  static std::string SearchHref(const std::string& ed, const SearchQuery& q, const std::string& key = "",
                                const std::string& value = "");
  Response SearchPage(const RequestContext& ctx);

  // LocalNotice gives the search module's notices (`results.notices`) in
  // the catalog's language, joined by spaces.
  static std::string LocalNotice(const Catalog& cat, const SearchResults& results);
  json SearchHitView(const SearchHit& h, const std::string& ed, const std::map<std::string, Source>& sources);
  json FacetGroups(const RequestContext& ctx, const SearchResults& r, const SearchQuery& q, const std::string& ed,
                   const std::map<std::string, Source>& sources);
  Response ApiSearch(const Request& req);

  // --- editions ---------------------------------------------------------
  const std::string& DefaultEdition() const { return config_.editions.front(); }
  const Catalog& CatalogFor(const std::string& ed) const { return catalogs_.at(ed); }
  std::string EditionOfPath(const std::string& path) const;

  // PreferredEdition picks the configured edition the reader's
  // Accept-Language ranks highest; the default edition otherwise.
  std::string PreferredEdition(std::string_view accept) const;
  Response RootRedirect(const Request& req);

  // --- rendering ----------------------------------------------------------
  // Page wraps `content` in the layout. `edition_hrefs` gives, per edition,
  // where the same page is in it (the edition's front page when absent).
  // A 200 page's head names its canonical address and its alternates
  // (absolute, with x-default) unless `head` gives its own (web/page_meta.h).
  Response Page(const RequestContext& ctx, const std::string& ed, const std::string& title, const std::string& content,
                const std::map<std::string, std::string>& edition_hrefs, int status = 200,
                const PageHead* head = nullptr);
  Response ErrorPage(const RequestContext& ctx, const std::string& ed, int status, const std::string& route, const std::string& why);
  // BasicHead: a page's canonical address and its alternates in every edition.
  PageHead BasicHead(const RequestContext& ctx, const std::map<std::string, std::string>& edition_hrefs);
  // Deleted tells whether article `id` was deleted by an editor (its page
  // answers 410 Gone, not 404).
  bool Deleted(int64_t id) {
    auto a = store_.GetArticleInAnyState(id);
    return a.ok() && a->publication == Publication::kDeleted;
  }
  Response StoreError(const RequestContext& ctx, const std::string& ed, const Status& s) {
    int status = s.code() == Code::kIOError || s.code() == Code::kUnavailable ? 503 : 500;
    return ErrorPage(ctx, ed, status, "", s.ToString());
  }

  // ListItem is one article in a list of edition `ed`: its translation's
  // headline when there is one, else the original with a language label.
  json ListItem(const ArticleSummary& s, const std::string& ed);
  // ListItems is a list of articles with their comment counts.
  json ListItems(const std::vector<ArticleSummary>& summaries, const std::string& ed);

  Result<std::optional<ArticleCursor>> CursorParam(const Request& req);
  Response ListPage(const RequestContext& ctx, std::optional<Source> source);
  Response SourcePage(const RequestContext& ctx, const std::string& slug);
  Response ArticlePage(const RequestContext& ctx, const std::string& idslug);
  // issue 17, part 5: RelatedItems lists up to five articles the search
  // index finds related to `a` (never of its story) as list items of
  // edition `ed` (site_related.cc); empty when there is no index or it
  // fails: the page goes without the block.
  json RelatedItems(const Article& a, const std::string& ed);
  // EditionTranslation is `a`'s translation into edition `ed`, when the
  // article has one (none for an article in the edition's own language).
  Result<std::optional<Translation>> EditionTranslation(const Article& a, const std::string& ed);
  // ArticleContentView: what an article shows in edition `ed` (its page's
  // article template, a feed entry's content); `translation` when shown.
  // A page's images go through the image proxy, a feed's keep their
  // addresses (feed readers fetch them, under no CSP of ours).
  enum class Images { kProxied, kAsStored };
  json ArticleContentView(const Article& a, const Translation* translation, const std::string& ed,
                          bool show_original, Images images = Images::kProxied);

  // --- mentions -------------------------------------------------------------
  const Entity* FindEntity(const RequestContext& ctx, const std::string& slug) const {
    return ctx.gazetteer ? ctx.gazetteer->Find(slug) : nullptr;
  }

  // MergedInto is the entity a merged-away id became, if any.
  const Entity* MergedInto(const RequestContext& ctx, const std::string& slug) const {
    return ctx.gazetteer ? ctx.gazetteer->Resolve(slug) : nullptr;
  }
  json EntityLinks(const RequestContext& ctx, const std::vector<EntityCount>& counts, const std::string& ed);
  Response MentionsIndex(const RequestContext& ctx);

  // Chart draws mentions per day as bars in inline SVG: no script needed.
  static std::string Chart(const std::vector<DayCount>& days, TimePoint from, int span_days, const std::string& label);
  Response EntityPage(const RequestContext& ctx, const std::string& slug);
  json EntityJson(const Entity& e) {
    return {{"id", e.id}, {"type", EntityTypeName(e.type)}, {"name", e.names}};
  }
  Response ApiEntities(const RequestContext& ctx);
  Response ApiEntity(const RequestContext& ctx, const std::string& slug);

  // --- outgoing feeds (issue 17, part 3: site_feeds.cc) -------------------
  // AddFeedRoutes adds every feed of model/feed_address.h (site.cc calls it
  // after the desk's routes, one of which has a feed's shape, and before the
  // public pages').
  void AddFeedRoutes();
  // ScopeFeed answers `scope`'s feed as `type`: its newest published
  // articles as edition `ctx.edition` shows them, full text included.
  Response ScopeFeed(const RequestContext& ctx, const FeedScope& scope, FeedType type);
  // FeedLinks: `scope`'s feeds in every format, for a page's autodiscovery
  // links; `query` follows a search feed's path.
  std::vector<FeedLink> FeedLinks(const FeedScope& scope, const std::string& title, const std::string& query) const;

  // --- robots.txt and sitemaps (issue 17, part 1: site_sitemaps.cc) -------
  // AddSitemapRoutes adds /robots.txt, /sitemap.xml and /sitemaps/… (site.cc).
  void AddSitemapRoutes();
  Response RobotsTxt();
  Response SitemapIndex(const RequestContext& ctx);
  // MonthSitemap answers "/sitemaps/{ed}/{yyyy}-{mm}.xml" and, for a split
  // month, "…-{n}.xml"; any other name is not found.
  Response MonthSitemap(const RequestContext& ctx, const std::string& file_name);
  Response NewsSitemap(const RequestContext& ctx);
  // ScopeOf: what edition `edition`'s sitemaps offer (unreviewed machine
  // translations only when their pages may be indexed).
  SitemapScope ScopeOf(const std::string& edition) const;
  // SitemapUrlsPerFile is how many articles one sitemap file takes.
  size_t SitemapUrlsPerFile() const;

  Response Health();
  // Readiness: /readyz, every background part and the store (200 when all
  // work, else 503); the reasons only to a caller on this machine.
  Response Readiness(const RequestContext& ctx);
  Response StaticFile(const RequestContext& ctx, const std::string& path);
  // Issue 17, HTTP caching: the web app manifest (site.cc).
  Response Manifest();

  // --- JSON API -----------------------------------------------------------
  Response Json(int status, const json& body);
  Response ApiError(int status, const std::string& message) {
    if (status >= 500) spdlog::error("API {}: {}", status, message);
    return Json(status, {{"error", message}});
  }
  json SourceJson(const Source& s) {
    return {{"slug", s.slug}, {"name", s.name}, {"url", s.home_url}, {"country", s.country}, {"language", s.language}};
  }
  Response ApiArticles(const Request& req);
  Response ApiSources();
  Response ApiArticle(const RequestContext& ctx, const std::string& id_text);
  Store& store_;
  const Config config_;
  std::mutex gazetteer_mu_;
  std::shared_ptr<const Gazetteer> gazetteer_;

  // GUARDED_BY(gazetteer_mu_)
  std::shared_ptr<Mailer> mailer_;

  // the process's one mailer; null without mail
  RouteTable routes_;
  PageCache cache_;
  Metrics metrics_;
  std::unique_ptr<Templates> templates_;
  std::map<std::string, Catalog> catalogs_;
  std::atomic<SearchIndex*> search_{nullptr};
  std::unique_ptr<ReaderPages> readers_;
  std::unique_ptr<Desk> desk_;
  std::mutex feed_tools_mu_;
  FeedTools feed_tools_;  // GUARDED_BY(feed_tools_mu_); empty until serve attaches its ingest
  TranslationApi translation_api_;
  std::mutex subscription_mu_;
  std::unique_ptr<MailQueue> subscription_queue_;
  std::atomic<newsdesk::Health*> health_{nullptr};
  std::unique_ptr<ImageProxy> images_;  // made by Init
  std::string security_policy_;         // the CSP of HTML responses, with the image proxy's img-src
  std::atomic<bool> component_gauge_registered_{false};

  // GUARDED_BY(subscription_mu_); null without mail
  std::unique_ptr<Mailer> subscription_mailer_;

  // enqueues on subscription_queue_
  std::unique_ptr<Subscriptions> subscriptions_;
  std::unique_ptr<SubscriptionPages> subscription_pages_;
  std::atomic<const DigestStats*> digest_stats_{nullptr};
  static constexpr const char* kArticleRoute = "/{ed}/articles/{idslug}";
};

}  // namespace newsdesk
