// site_sitemaps.cc: what the site tells crawlers (issue 17, part 1):
// /robots.txt, the sitemap index /sitemap.xml, one sitemap per edition and
// month (split into numbered files past the protocol's limits) and a Google
// News sitemap per edition. docs/publishing.md, "Sitemaps and robots.txt".
#include "web/site_impl.h"

#include <chrono>

#include "common/xml.h"

namespace newsdesk {

using namespace site_internal;

namespace {

constexpr const char* kSitemapNs = "http://www.sitemaps.org/schemas/sitemap/0.9";
constexpr const char* kXhtmlNs = "http://www.w3.org/1999/xhtml";
constexpr const char* kNewsNs = "http://www.google.com/schemas/sitemap-news/0.9";
// The protocol's cap on one file, less room for the declaration and root.
constexpr size_t kMaxSitemapBytes = 50u * 1024 * 1024 - 4096;
// Google News takes the last two days, at most 1,000 articles a file.
constexpr auto kNewsWindow = std::chrono::hours(48);
constexpr size_t kMaxNewsUrls = 1000;

// Month: a calendar month in UTC, the span one sitemap file covers.
struct Month {
  int year = 0;
  unsigned month = 0;  // 1..12

  TimePoint Start() const {
    return TimePoint{std::chrono::sys_days{std::chrono::year{year} / std::chrono::month{month} / 1}};
  }
  Month Next() const { return month == 12 ? Month{year + 1, 1} : Month{year, month + 1}; }
  TimePoint End() const { return Next().Start(); }
  bool operator<=(const Month& o) const { return year < o.year || (year == o.year && month <= o.month); }
  std::string Name() const { return fmt::format("{:04}-{:02}", year, month); }

  static Month Of(TimePoint t) {
    std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
    return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month())};
  }
};

// SitemapFile is what "/sitemaps/{ed}/{file}" names: a month, and the
// piece of it (1…) when the month is split, 0 when it is whole.
struct SitemapFile {
  Month month;
  int64_t piece = 0;
};

// ParseSitemapFile reads "2026-03.xml" or "2026-03-2.xml".
std::optional<SitemapFile> ParseSitemapFile(std::string_view name) {
  constexpr std::string_view kExt = ".xml";
  if (name.size() < 7 + kExt.size() || name.substr(name.size() - kExt.size()) != kExt) return std::nullopt;
  name.remove_suffix(kExt.size());
  auto number = [](std::string_view digits, int64_t& out) {
    if (digits.empty() || digits.size() > 6 || digits.front() == '+' || digits.front() == '-') return false;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return r.ec == std::errc() && r.ptr == digits.data() + digits.size();
  };
  int64_t year = 0, month = 0, piece = 0;
  if (name[4] != '-' || !number(name.substr(0, 4), year) || !number(name.substr(5, 2), month)) return std::nullopt;
  if (name.size() > 7 && (name[7] != '-' || !number(name.substr(8), piece) || piece < 1 ||
                          name.substr(8).front() == '0'))
    return std::nullopt;
  if (year < 1970 || month < 1 || month > 12) return std::nullopt;
  return SitemapFile{{static_cast<int>(year), static_cast<unsigned>(month)}, piece};
}

Response XmlResponse(const pugi::xml_document& doc) {
  Response r;
  r.content_type = "application/xml; charset=utf-8";
  r.body = XmlToString(doc);
  return r;
}

// Piece: one file of an edition's month, by its latest change.
struct Piece {
  TimePoint last_modified{};
};

// MonthPieces splits edition `ed`'s `month` (`span` its summary) into files
// of `per_file` articles, reading it a file at a time by keyset; a month
// that fits is one piece, known from its summary alone.
Result<std::vector<Piece>> MonthPieces(ArticleStore& store, const SitemapScope& scope, const Month& month,
                                       const PublishedSpan& span, size_t per_file) {
  std::vector<Piece> pieces;
  if (span.count == 0) return pieces;
  if (static_cast<size_t>(span.count) <= per_file) {
    pieces.push_back({span.last_modified});
    return pieces;
  }
  std::optional<ArticleCursor> after;
  while (true) {
    auto entries = store.ListSitemapEntries(scope, month.Start(), month.End(), after, static_cast<int>(per_file));
    if (!entries.ok()) return entries.status();
    if (entries->empty()) break;
    TimePoint last_modified{};
    for (const auto& e : *entries) last_modified = std::max(last_modified, e.modified_at);
    pieces.push_back({last_modified});
    if (entries->size() < per_file) break;
    after = ArticleCursor{entries->back().published_at, entries->back().id};
  }
  return pieces;
}

}  // namespace

// SitemapUrlsPerFile is how many articles one sitemap file takes: [publish]
// sitemap_max_urls, fewer when that many entries could pass 50 MB. An
// entry's size is bounded: its address and one per edition plus x-default,
// each with an id of at most 20 digits and a slug of at most 80 characters
// (Slugify); the base URL is counted five times over for escaping.
SitemapScope Site::Impl::ScopeOf(const std::string& edition) const {
  return SitemapScope{edition, !config_.noindex_machine_translations};
}

size_t Site::Impl::SitemapUrlsPerFile() const {
  const size_t url = 5 * config_.base_url.size() + 120;
  const size_t links = config_.editions.size() + 1;
  const size_t entry = 200 + url + links * (80 + url);
  return std::max<size_t>(1, std::min<size_t>(config_.sitemap_max_urls, kMaxSitemapBytes / entry));
}

Response Site::Impl::RobotsTxt() {
  // The public pages (lists, articles, sources, entities, feeds, sitemaps)
  // are for everyone; what is a reader's own, the desk, actions and the
  // JSON API are not pages to index, and the search results are endless.
  std::string body = "User-agent: *\nAllow: /\nDisallow: /desk\nDisallow: /api/\n";
  for (const auto& ed : config_.editions) {
    for (const char* path : {"account", "moderation", "comments/", "users/", "subscriptions", "search"})
      body += fmt::format("Disallow: /{}/{}\n", ed, path);
  }
  body += fmt::format("\nSitemap: {}/sitemap.xml\n", config_.base_url);
  Response r = Response::Text(200, std::move(body));
  r.cacheable = true;
  return r;
}

Response Site::Impl::SitemapIndex(const RequestContext& ctx) {
  const std::string& base = config_.base_url;
  // Only months up to the current one: an article dated ahead by its
  // source waits for its month.
  const Month current = Month::Of(Now());
  const size_t per_file = SitemapUrlsPerFile();
  pugi::xml_document doc;
  auto index = StartXmlDocument(doc, "sitemapindex");
  index.append_attribute("xmlns") = kSitemapNs;
  for (const auto& ed : config_.editions) {
    const SitemapScope scope = ScopeOf(ed);
    auto all = store_.SummarizePublished(scope, TimePoint{}, current.End());
    if (!all.ok()) return StoreError(ctx, ed, all.status());
    if (all->count > 0) {
      for (Month m = Month::Of(all->first_published); m <= current; m = m.Next()) {
        auto span = store_.SummarizePublished(scope, m.Start(), m.End());
        if (!span.ok()) return StoreError(ctx, ed, span.status());
        auto pieces = MonthPieces(store_, scope, m, *span, per_file);
        if (!pieces.ok()) return StoreError(ctx, ed, pieces.status());
        for (size_t i = 0; i < pieces->size(); ++i) {
          const std::string name =
              pieces->size() == 1 ? m.Name() : fmt::format("{}-{}", m.Name(), i + 1);
          auto sitemap = index.append_child("sitemap");
          AppendText(sitemap, "loc", fmt::format("{}/sitemaps/{}/{}.xml", base, ed, name));
          AppendText(sitemap, "lastmod", FormatIso8601((*pieces)[i].last_modified, config_.utc_offset_minutes));
        }
      }
    }
    // The news sitemap changes by the minute: no lastmod to promise.
    AppendText(index.append_child("sitemap"), "loc", fmt::format("{}/sitemaps/{}/news.xml", base, ed));
  }
  Response r = XmlResponse(doc);
  // Drawn from the store alone, so the page cache, which drops everything
  // at the next write, keeps it exact; robots ask for it often.
  r.cacheable = true;
  return r;
}

Response Site::Impl::MonthSitemap(const RequestContext& ctx, const std::string& file_name) {
  const std::string& ed = ctx.edition;
  auto file = ParseSitemapFile(file_name);
  if (!file) return ErrorPage(ctx, ed, 404, "", "not a sitemap's name");
  const Month month = file->month;
  const SitemapScope scope = ScopeOf(ed);
  auto span = store_.SummarizePublished(scope, month.Start(), month.End());
  if (!span.ok()) return StoreError(ctx, ed, span.status());
  const size_t per_file = SitemapUrlsPerFile();
  const int64_t pieces = (span->count + static_cast<int64_t>(per_file) - 1) / static_cast<int64_t>(per_file);
  // A month that fits has one name, a split month its numbered ones: the
  // index names exactly these, and any other is not found.
  if (pieces == 0 || (file->piece == 0) != (pieces == 1) || file->piece > pieces)
    return ErrorPage(ctx, ed, 404, "", "no such sitemap");

  std::optional<ArticleCursor> after;
  std::vector<SitemapEntry> entries;
  for (int64_t i = 1; i <= std::max<int64_t>(file->piece, 1); ++i) {
    auto page = store_.ListSitemapEntries(scope, month.Start(), month.End(), after, static_cast<int>(per_file));
    if (!page.ok()) return StoreError(ctx, ed, page.status());
    if (page->empty()) return ErrorPage(ctx, ed, 404, "", "no such sitemap");
    after = ArticleCursor{page->back().published_at, page->back().id};
    entries = std::move(*page);
  }

  const std::string& base = config_.base_url;
  pugi::xml_document doc;
  auto urlset = StartXmlDocument(doc, "urlset");
  urlset.append_attribute("xmlns") = kSitemapNs;
  urlset.append_attribute("xmlns:xhtml") = kXhtmlNs;
  for (const auto& e : entries) {
    auto url = urlset.append_child("url");
    AppendText(url, "loc", base + ArticleHref(ed, e.id, e.slug));
    AppendText(url, "lastmod", FormatIso8601(e.modified_at, config_.utc_offset_minutes));
    // The versions search engines are offered, as the article's page lists
    // them (web/page_meta.h), each canonical to itself.
    const auto offered = OfferedEditions(e.language, e.offered_translations, config_);
    auto link = [&](const std::string& hreflang, const std::string& edition) {
      auto l = url.append_child("xhtml:link");
      l.append_attribute("rel") = "alternate";
      l.append_attribute("hreflang") = hreflang.c_str();
      l.append_attribute("href") = (base + ArticleHref(edition, e.id, e.slug)).c_str();
    };
    for (const auto& other : offered) link(other, other);
    link("x-default", XDefaultEdition(offered, e.language, config_));
  }
  Response r = XmlResponse(doc);
  // A past month changes only when an editor edits, holds or deletes one of
  // its articles, which empties the page cache; the current month grows.
  r.cacheable = month.End() <= Now();
  return r;
}

Response Site::Impl::NewsSitemap(const RequestContext& ctx) {
  const std::string& ed = ctx.edition;
  const TimePoint now = Now();
  const TimePoint since = now - kNewsWindow;
  const std::string& base = config_.base_url;
  pugi::xml_document doc;
  auto urlset = StartXmlDocument(doc, "urlset");
  urlset.append_attribute("xmlns") = kSitemapNs;
  urlset.append_attribute("xmlns:news") = kNewsNs;
  ArticleQuery q;
  q.edition = ed;
  q.limit = 200;
  size_t listed = 0;
  bool done = false;
  while (!done && listed < kMaxNewsUrls) {
    auto page = store_.ListArticles(q);
    if (!page.ok()) return StoreError(ctx, ed, page.status());
    for (const auto& s : page->items) {
      if (s.published_at <= since) {
        done = true;
        break;
      }
      // Dated ahead by its source: not news yet.
      if (s.published_at > now) continue;
      // Google News wants the article in the publication's language: an
      // original in the edition's, or its translation; an untranslated
      // foreign original is left to the month sitemaps.
      const std::string* title = s.language == ed ? &s.headline : s.translation ? &s.translation->headline : nullptr;
      if (!title) continue;
      // An unreviewed machine translation's page asks not to be indexed.
      if (s.language != ed && !ScopeOf(ed).with_unreviewed_machine && s.translation->by == TranslatedBy::kMachine &&
          !s.translation->reviewed)
        continue;
      auto news = urlset.append_child("url");
      AppendText(news, "loc", base + ArticleHref(ed, s.id, s.slug));
      auto item = news.append_child("news:news");
      auto publication = item.append_child("news:publication");
      AppendText(publication, "news:name", config_.site_name);
      AppendText(publication, "news:language", ed);
      AppendText(item, "news:publication_date", FormatIso8601(s.published_at, config_.utc_offset_minutes));
      AppendText(item, "news:title", *title);
      if (++listed == kMaxNewsUrls) break;
    }
    if (!page->next) break;
    q.after = page->next;
  }
  return XmlResponse(doc);  // the 48 hours move on without any write: never cached
}

}  // namespace newsdesk
