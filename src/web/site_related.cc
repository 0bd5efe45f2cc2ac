// "Related articles" on the article page (issue 17, part 5): what the search
// index relates to an article, as the edition's list items.
#include "web/site_impl.h"

namespace newsdesk {

using namespace site_internal;

namespace {
constexpr int kRelatedShown = 5;
}  // namespace

json Site::Impl::RelatedItems(const Article& a, const std::string& ed) {
  SearchIndex* index = search_.load(std::memory_order_acquire);
  if (!index) return json::array();
  RelatedQuery q;
  q.limit = kRelatedShown;
  auto ids = index->Related(a.id, q);
  if (!ids.ok()) {
    spdlog::warn("related articles of {}: {}", a.id, ids.status().ToString());
    return json::array();
  }
  std::vector<ArticleSummary> summaries;
  for (int64_t id : *ids) {
    // The store has the last word: an article unpublished since the index
    // last caught up is left out.
    auto related = store_.GetArticle(id);
    if (!related.ok()) continue;
    ArticleSummary s;
    s.id = related->id;
    s.slug = related->slug;
    s.source = related->source;
    s.language = related->language;
    s.headline = related->headline;
    s.published_at = related->published_at;
    s.story_id = related->story_id;
    if (s.language != ed) {
      auto t = store_.GetTranslation(id, ed);
      if (t.ok()) s.translation = std::move(*t);
    }
    summaries.push_back(std::move(s));
  }
  return ListItems(summaries, ed);
}

}  // namespace newsdesk
