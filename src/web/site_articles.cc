#include "web/site_impl.h"

#include "common/xml.h"
#include "model/reading_time.h"  // issue 17, part 5

namespace newsdesk {

using namespace site_internal;

// AddCommentCounts adds "comments" (the count as text, or false) and
// "comments_href" to list items made by ListItem, in the order of `ids`.
void Site::Impl::AddCommentCounts(json& items, const std::vector<int64_t>& ids, const std::string& ed) {
  auto counts = readers_->CommentCounts(ids);
  const Catalog& cat = CatalogFor(ed);
  for (size_t i = 0; i < ids.size() && i < items.size(); ++i) {
    auto it = counts.find(ids[i]);
    items[i]["comments"] =
        it == counts.end() ? json(false) : json(cat.Format("comment_count", {{"count", std::to_string(it->second)}}));
    items[i]["comments_href"] = items[i].value("href", std::string()) + "#comments";
  }
}

// ListItem is one article in a list of edition `ed`: its translation's
// headline when there is one, else the original with a language label.
json Site::Impl::ListItem(const ArticleSummary& s, const std::string& ed) {
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
  // issue 17, part 5: an outlet's name in another language is read in its own voice.
  v["source_lang"] = LangAttribute(s.source.language, ed);
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

json Site::Impl::ListItems(const std::vector<ArticleSummary>& summaries, const std::string& ed) {
  json items = json::array();
  std::vector<int64_t> ids;
  for (const auto& s : summaries) {
    items.push_back(ListItem(s, ed));
    ids.push_back(s.id);
  }
  AddCommentCounts(items, ids, ed);
  return items;
}

Result<std::optional<ArticleCursor>> Site::Impl::CursorParam(const Request& req) {
  auto c = req.QueryParam("cursor");
  if (!c) return std::optional<ArticleCursor>();
  auto decoded = DecodeCursor(*c);
  if (!decoded) return Status::InvalidArgument("malformed cursor");
  return std::optional<ArticleCursor>(*decoded);
}

Response Site::Impl::ListPage(const RequestContext& ctx, std::optional<Source> source) {
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
  json items = ListItems(page->items, ed);
  json list = {{"t", cat.strings()}, {"articles", items}};
  if (page->next) list["next_href"] = base + "?cursor=" + EncodeCursor(*page->next);
  const std::string heading =
      source ? cat.Format("source_heading", {{"source", source->name}}) : cat.Get("latest_news");
  json view = {{"heading", heading}, {"list", templates_->Render("article_list", list)}};
  if (source) {
    view["source"] = {{"home_url", source->home_url}, {"country", source->country}};
    // issue 17, part 5: the heading around the outlet's name, so that the
    // name alone carries its language.
    const std::string pattern = cat.Get("source_heading");
    const size_t at = pattern.find("{source}");
    if (at != std::string::npos) {
      view["source_heading"] = {{"before", pattern.substr(0, at)},
                                {"name", source->name},
                                {"name_lang", LangAttribute(source->language, ed)},
                                {"after", pattern.substr(at + std::string_view("{source}").size())}};
    }
  }
  std::map<std::string, std::string> hrefs;
  for (const auto& e : config_.editions)
    hrefs[e] = source ? fmt::format("/{}/sources/{}", e, source->slug) : "/" + e + "/";
  PageHead head = BasicHead(ctx, hrefs);
  if (!source && !*cursor) head.json_ld = SiteJsonLd(config_, config_.base_url, ed);  // the front page
  if (source)
    head.feeds = FeedLinks({FeedScope::Kind::kSource, ed, source->slug}, config_.site_name + " — " + source->name, "");
  Response r = Page(ctx, ed, heading, templates_->Render("front", view), hrefs, 200, &head);
  r.cacheable = true;
  return r;
}

Response Site::Impl::SourcePage(const RequestContext& ctx, const std::string& slug) {
  const std::string& ed = ctx.edition;
  auto source = store_.GetSourceBySlug(slug);
  if (!source.ok()) {
    if (source.status().is_not_found()) return ErrorPage(ctx, ed, 404, "", "unknown source");
    return StoreError(ctx, ed, source.status());
  }
  return ListPage(ctx, *source);
}

Result<std::optional<Translation>> Site::Impl::EditionTranslation(const Article& a, const std::string& ed) {
  if (a.language == ed || !std::count(a.translation_languages.begin(), a.translation_languages.end(), ed))
    return std::optional<Translation>();
  auto t = store_.GetTranslation(a.id, ed);
  if (t.status().is_not_found()) return std::optional<Translation>();  // removed since the article was read
  if (!t.ok()) return t.status();
  return std::optional<Translation>(std::move(*t));
}

// ArticleContentView is what an article shows in edition `ed` — headline,
// dateline, the translation's or the original's notice and body, lead
// image with its credit, rights, corrections — for its page and for the
// feeds' entries alike. `translation` is the edition's, when shown.
json Site::Impl::ArticleContentView(const Article& a, const Translation* translation, const std::string& ed,
                                    bool show_original, Images images) {
  std::function<std::string(const std::string&)> image_src;
  if (images == Images::kProxied) image_src = [this](const std::string& url) { return images_->PageSrc(url); };
  const Catalog& cat = CatalogFor(ed);
  json view = {{"lang", ed}, {"t", cat.strings()}, {"original_lang", a.language}};
  std::string headline = a.headline, dateline = a.dateline;
  const std::vector<Block>* body = &a.body;
  const std::string original_language = cat.LanguageName(a.language);
  if (translation) {
    headline = translation->headline;
    if (!translation->dateline.empty()) dateline = translation->dateline;
    body = &translation->body;
    view["notice"] = cat.Format(translation->by == TranslatedBy::kMachine ? "machine_translation_notice"
                                                                           : "human_translation_notice",
                                {{"language", original_language}});
  } else if (a.language != ed) {
    view["content_lang"] = a.language;
    view["label"] = show_original ? cat.Format("original_notice", {{"language", original_language}})
                                  : cat.Format("untranslated_label", {{"language", original_language}});
  }
  if (dateline.empty()) dateline = fmt::format("{}, {}", a.source.name, cat.Date(a.published_at, config_.utc_offset_minutes, config_.zone_label));
  view["headline"] = headline;
  view["dateline"] = dateline;
  view["source_name"] = a.source.name;
  // issue 17, part 5: the outlet's name in its own language's voice.
  view["source_lang"] = LangAttribute(a.source.language, ed);
  view["source_href"] = fmt::format("/{}/sources/{}", ed, a.source.slug);
  view["source_url"] = a.source.home_url;
  view["original_url"] = a.canonical_url.empty() ? a.url : a.canonical_url;
  view["iso"] = FormatIso8601(a.published_at);
  view["time"] = cat.Date(a.published_at, config_.utc_offset_minutes, config_.zone_label);
  view["views"] = std::to_string(a.view_count);
  view["rights"] = a.rights.empty() ? fmt::format("© {}", a.source.name) : a.rights;
  if (a.image && IsImageSource(a.image->url)) {
    view["image"] = {{"url", image_src ? image_src(a.image->url) : a.image->url},
                     {"credit", a.image->credit},
                     {"caption", a.image->caption},
                     {"alt", a.image->caption.empty() ? headline : a.image->caption}};
  }
  json blocks = json::array();
  for (const auto& b : *body) blocks.push_back(BlockView(b, image_src));
  view["blocks"] = blocks;
  json corrections = json::array();
  for (const auto& c : a.corrections) {
    corrections.push_back({{"iso", FormatIso8601(c.at)},
                           {"time", cat.Date(c.at, config_.utc_offset_minutes, config_.zone_label)},
                           {"note", c.note}});
  }
  view["has_corrections"] = !corrections.empty();
  view["corrections"] = corrections;
  return view;
}

Response Site::Impl::ArticlePage(const RequestContext& ctx, const std::string& idslug) {
  const Request& req = ctx.request;
  const std::string& ed = ctx.edition;
  const Catalog& cat = CatalogFor(ed);
  auto id = ParsePositiveId(std::string_view(idslug).substr(0, idslug.find('-')));
  if (!id) return ErrorPage(ctx, ed, 404, "", "article id is not a number");
  auto article = store_.GetArticle(*id);
  if (!article.ok()) {
    if (article.status().is_not_found()) {
      if (Deleted(*id)) return ErrorPage(ctx, ed, 410, "", "article deleted");
      return ErrorPage(ctx, ed, 404, "", "no such article");
    }
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

  std::optional<Translation> translation;
  if (!show_original) {
    auto t = EditionTranslation(a, ed);
    if (!t.ok()) return StoreError(ctx, ed, t.status());
    translation = std::move(*t);
  }
  json view = ArticleContentView(a, translation ? &*translation : nullptr, ed, show_original);
  if (translation) view["original_href"] = path + "?original=1";
  // issue 17, part 5: the reading time of the text shown, at its language's
  // rate (the page's only: feeds share the view above and need none).
  if (int minutes = ReadingMinutes(translation ? translation->body : a.body, translation ? ed : a.language);
      minutes > 0)
    view["reading_time"] = cat.Format("reading_time", {{"minutes", std::to_string(minutes)}});
  const std::string headline = view["headline"].get<std::string>();
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
    also.push_back({{"href", ArticleHref(ed, s.id, s.slug)},
                    {"source_name", s.source.name},
                    // issue 17, part 5: the outlet's name in its own language's voice.
                    {"source_lang", LangAttribute(s.source.language, ed)}});
  }
  if (!also.empty()) {
    also.back()["last"] = true;
    view["also_reported"] = also;
    view["has_also"] = true;
  }

  // issue 17, part 5: related articles, from the search index when there is one.
  json related = RelatedItems(a, ed);
  view["has_related"] = !related.empty();
  view["related"] = std::move(related);

  ArticleQuery latest;
  latest.edition = ed;
  latest.limit = kSidebarSize;
  auto side = store_.ListArticles(latest);
  if (!side.ok()) return StoreError(ctx, ed, side.status());
  json items = ListItems(side->items, ed);
  view["latest"] = items;
  view["comments_html"] = readers_->CommentsHtml(a.id, ed, path, ctx.viewer, req);

  // What the page tells search engines and social sites (web/page_meta.h).
  ArticlePageFacts facts;
  facts.article = &a;
  facts.translation = translation ? &*translation : nullptr;
  facts.edition = ed;
  facts.base_url = config_.base_url;
  for (const auto& e : OfferedEditions(a.language, OfferedTranslations(a, config_), config_))
    facts.edition_urls[e] = config_.base_url + hrefs[e];
  for (const auto& m : mentions) facts.mention_names.push_back(m["name"].get<std::string>());
  const PageHead head = ArticleHead(facts, config_);
  Response r = Page(ctx, ed, headline, templates_->Render("article", view), hrefs, 200, &head);
  r.cacheable = true;
  return r;
}

}  // namespace newsdesk
