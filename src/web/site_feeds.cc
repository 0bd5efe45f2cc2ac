// The site's outgoing feeds (issue 17, part 3): per edition, source, entity
// and search, in RSS 2.0, Atom 1.0 and JSON Feed 1.1 (render/feed_writer.h),
// at the paths of model/feed_address.h. Each entry is the article as the
// edition shows it — the translation when there is one, else the original
// under its language label — with its full text, lead image and credit,
// corrections and rights line.
#include "render/feed_writer.h"
#include "web/site_impl.h"

namespace newsdesk {

using namespace site_internal;

namespace {

constexpr int kSearchFeedSize = 20;
constexpr size_t kFeedTags = 10;

// LinkHeader names the feed's hubs and itself (WebSub discovery looks at
// the HTTP Link header first).
std::string LinkHeader(const std::vector<std::string>& hubs, const std::string& self) {
  std::string out;
  for (const auto& hub : hubs) out += fmt::format("<{}>; rel=\"hub\", ", hub);
  return out + fmt::format("<{}>; rel=\"self\"", self);
}

}  // namespace

void Site::Impl::AddFeedRoutes() {
  const std::vector<std::string> get = {"GET", "HEAD"};
  for (FeedType type : kFeedTypes) {
    routes_.Add(get, FeedPath({FeedScope::Kind::kEdition, "{ed}", ""}, type), [this, type](const RequestContext& c) {
      return ScopeFeed(c, {FeedScope::Kind::kEdition, c.edition, ""}, type);
    });
  }
  auto scoped = [this](FeedScope::Kind kind, const std::string& key_param) {
    return [this, kind, key_param](const RequestContext& c) {
      auto type = FeedTypeOf(c.Param("file"));
      if (!type) return ErrorPage(c, c.edition, 404, "", "not a feed");
      return ScopeFeed(c, {kind, c.edition, key_param.empty() ? "" : c.Param(key_param)}, *type);
    };
  };
  routes_.Add(get, "/{ed}/sources/{slug}/{file}", scoped(FeedScope::Kind::kSource, "slug"));
  routes_.Add(get, "/{ed}/mentions/{slug}/{file}", scoped(FeedScope::Kind::kEntity, "slug"));
  routes_.Add(get, "/{ed}/search/{file}", scoped(FeedScope::Kind::kSearch, ""));
}

std::vector<FeedLink> Site::Impl::FeedLinks(const FeedScope& scope, const std::string& title,
                                            const std::string& query) const {
  std::vector<FeedLink> links;
  for (FeedType type : kFeedTypes) {
    std::string href = FeedPath(scope, type) + (query.empty() ? "" : "?" + query);
    links.push_back({FeedContentType(type), title, std::move(href)});
    // The media type without its charset, as autodiscovery expects.
    links.back().type.erase(links.back().type.find(';'));
  }
  return links;
}

Response Site::Impl::ScopeFeed(const RequestContext& ctx, const FeedScope& scope, FeedType type) {
  const std::string& ed = ctx.edition;
  const Catalog& cat = CatalogFor(ed);
  const std::string& base = config_.base_url;
  FeedDocument feed;
  feed.language = ed;
  feed.site_name = config_.site_name;
  feed.site_url = base + "/" + ed + "/";
  feed.hubs = config_.websub_hubs;
  feed.utc_offset_minutes = config_.utc_offset_minutes;
  feed.description = cat.Get("feed_description");
  feed.self_url = base + FeedPath(scope, type);

  std::vector<int64_t> ids;
  ArticleQuery q;
  q.edition = ed;
  q.limit = kFeedSize;
  bool cacheable = true;
  switch (scope.kind) {
    case FeedScope::Kind::kEdition:
      feed.title = fmt::format("{} — {}", config_.site_name, cat.language_name());
      feed.home_url = base + "/" + ed + "/";
      break;
    case FeedScope::Kind::kSource: {
      auto source = store_.GetSourceBySlug(scope.key);
      if (!source.ok()) {
        if (source.status().is_not_found()) return ErrorPage(ctx, ed, 404, "", "unknown source");
        return StoreError(ctx, ed, source.status());
      }
      q.source_id = source->id;
      feed.title = fmt::format("{} — {}", config_.site_name, source->name);
      feed.home_url = fmt::format("{}/{}/sources/{}", base, ed, source->slug);
      break;
    }
    case FeedScope::Kind::kEntity: {
      const Entity* e = FindEntity(ctx, scope.key);
      if (!e) {
        // A merged-away entity's readers follow it to the one it became.
        if (const Entity* into = MergedInto(ctx, scope.key)) {
          Response r = Response::Redirect(
              301, FeedPath({FeedScope::Kind::kEntity, ed, into->id}, type));
          r.cacheable = true;
          return r;
        }
        return ErrorPage(ctx, ed, 404, "", "unknown entity");
      }
      q.entity = e->id;
      feed.title = fmt::format("{} — {}", config_.site_name, e->Name(ed));
      feed.home_url = fmt::format("{}/{}/mentions/{}", base, ed, e->id);
      break;
    }
    case FeedScope::Kind::kSearch: {
      std::vector<std::string> problems;
      SearchQuery sq = SearchQueryOf(ctx.request, ed, problems);
      if (!problems.empty()) return ErrorPage(ctx, ed, 400, "", "bad search filter: " + problems.front());
      // A reader follows a query for what is new.
      sq.sort = SearchQuery::Sort::kDate;
      sq.page = 1;
      sq.per_page = kSearchFeedSize;
      SearchIndex* index = search_.load(std::memory_order_acquire);
      if (!index) return ErrorPage(ctx, ed, 503, "", "search index unavailable");
      auto results = index->Search(sq);
      if (!results.ok()) return ErrorPage(ctx, ed, 503, "", results.status().ToString());
      for (const auto& hit : results->hits) ids.push_back(hit.id);
      feed.title = fmt::format("{} — {}: {}", config_.site_name, cat.Get("search"), sq.text.substr(0, 80));
      feed.home_url = base + SearchHref(ed, sq);
      const size_t query_at = ctx.request.target.find('?');
      if (query_at != std::string::npos) feed.self_url += ctx.request.target.substr(query_at);
      // The index follows the store a moment behind: not kept in the cache
      // that the store's writes empty.
      cacheable = false;
      break;
    }
  }
  if (scope.kind != FeedScope::Kind::kSearch) {
    auto page = store_.ListArticles(q);
    if (!page.ok()) return StoreError(ctx, ed, page.status());
    for (const auto& s : page->items) ids.push_back(s.id);
  }

  for (int64_t id : ids) {
    auto article = store_.GetArticle(id);
    if (article.status().is_not_found()) continue;  // unpublished since it was listed
    if (!article.ok()) return StoreError(ctx, ed, article.status());
    const Article& a = *article;
    auto translation = EditionTranslation(a, ed);
    if (!translation.ok()) return StoreError(ctx, ed, translation.status());
    const Translation* shown = *translation ? &**translation : nullptr;
    json view = ArticleContentView(a, shown, ed, false, Images::kAsStored);
    FeedEntry e;
    e.url = base + ArticleHref(ed, a.id, a.slug);
    e.id = e.url;
    e.original_url = view["original_url"].get<std::string>();
    // Feed readers show no styles: an untranslated original's language
    // label goes into its title.
    e.title = shown || a.language == ed ? view["headline"].get<std::string>()
                                        : fmt::format("[{}] {}", AsciiUpper(a.language), a.headline);
    e.summary = ArticleDescription(a, shown);
    e.content_html = templates_->Render("feed_entry", view);
    e.language = shown ? ed : a.language;
    e.published = a.published_at;
    e.updated = std::max(a.published_at, a.updated_at);
    for (const auto& c : a.corrections) e.updated = std::max(e.updated, c.at);
    e.author_name = a.author.empty() ? a.source.name : a.author;
    e.author_url = a.source.home_url;
    e.source_name = a.source.name;
    e.source_url = a.source.home_url;
    e.rights = view["rights"].get<std::string>();
    if (auto image_url = AbsoluteImageUrl(a, base)) {
      e.image_url = *image_url;
      e.image_caption = a.image->caption;
      e.image_credit = a.image->credit;
    }
    for (const auto& m : a.mentions) {
      if (e.tags.size() >= kFeedTags) break;
      if (const Entity* entity = FindEntity(ctx, m.entity)) e.tags.push_back(entity->Name(ed));
    }
    feed.entries.push_back(std::move(e));
  }

  Response r;
  r.content_type = FeedContentType(type);
  r.body = WriteFeed(feed, type);
  r.headers.emplace_back("Link", LinkHeader(feed.hubs, feed.self_url));
  r.cacheable = cacheable;
  return r;
}

}  // namespace newsdesk
