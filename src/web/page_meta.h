// File: web/page_meta.h
//
// What a public page says about itself to search engines, aggregators and
// social sites (issue 17): its canonical address, its versions in the other
// editions (hreflang, x-default), OpenGraph and X card tags, robots hints,
// and schema.org JSON-LD — NewsArticle on an article (a translation says
// what it translates and who translated it; corrections are listed), and
// Organization and WebSite with the site's search on the front pages.
//
//   PageHead head = ArticleHead({article, translation, edition, canonical, ...}, config);
//   json view = HeadView(head);     // for templates/layout.mustache's <head>
//
// Everything here is plain data: the layout escapes the tags' values, and
// the JSON-LD text is made safe inside <script> (ScriptSafeJson).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/config.h"
#include "model/article.h"
#include "model/offered_editions.h"

namespace newsdesk {

// FeedLink: a feed a page offers (autodiscovery: <link rel="alternate">).
struct FeedLink {
  std::string type;   // "application/atom+xml"
  std::string title;
  std::string href;
};

// PageHead: the <head> tags of one page.
struct PageHead {
  std::string canonical;                                          // absolute
  std::vector<std::pair<std::string, std::string>> alternates;    // hreflang ("x-default" too) → absolute href
  std::vector<std::pair<std::string, std::string>> properties;    // <meta property=…> (og:, article:)
  std::vector<std::pair<std::string, std::string>> names;         // <meta name=…> (twitter:, robots)
  std::vector<nlohmann::json> json_ld;                            // schema.org objects
  std::vector<FeedLink> feeds;                                    // this page's own, before the edition's
};

// ScriptSafeJson is `value` as JSON text that cannot end a <script>
// element or open a comment: '<', '>' and '&' are written as \u escapes.
std::string ScriptSafeJson(const nlohmann::json& value);

// HeadView is `head` as the layout's view ("head": canonical, alternates,
// properties, names, json_ld, feeds).
nlohmann::json HeadView(const PageHead& head);

// AbsoluteImageUrl is the article's lead image as an absolute address (a
// site path joined to `base_url`), or nullopt when it has none or its
// address is no image source (common/url.h IsImageSource).
std::optional<std::string> AbsoluteImageUrl(const Article& a, const std::string& base_url);

// ArticleDescription is the article's first paragraph as shown (the
// translation's when `t`), cut at 300 characters: og:description, the
// feeds' summaries.
std::string ArticleDescription(const Article& a, const Translation* t);

// --- which versions of an article search engines are offered -------------
// OfferedTranslations and OfferedEditions: model/offered_editions.h, the one
// rule for the pages, the sitemaps and the publish pings.

// XDefaultEdition is the version for a reader of no edition's language: the
// original's edition when offered, else the site's first edition when
// offered, else the first offered; empty when none is.
std::string XDefaultEdition(const std::vector<std::string>& offered, const std::string& language, const Config& config);

// OgLocale is the OpenGraph locale of an edition: "en_US", "ru_RU", …
std::string OgLocale(const std::string& edition);

// ArticlePageFacts: what an article page shows, and where.
struct ArticlePageFacts {
  const Article* article = nullptr;
  const Translation* translation = nullptr;  // the version shown, when it is a translation
  std::string edition;                       // the page's edition
  std::string base_url;                      // the site's, no trailing slash
  // The article's address in each edition that offers it (absolute):
  // OfferedEditions.
  std::map<std::string, std::string> edition_urls;
  std::vector<std::string> mention_names;    // most salient first
};

// ArticleHead: the canonical address (the page itself, in its edition; the
// original's edition's when the page shows the original untranslated),
// hreflang alternates with x-default, OpenGraph, the X card, robots
// (max-image-preview:large; noindex for an unreviewed machine translation
// when [site] noindex_machine_translations) and the NewsArticle JSON-LD.
PageHead ArticleHead(const ArticlePageFacts& facts, const Config& config);

// SiteJsonLd is the Organization and WebSite (with a SearchAction on the
// edition's search) objects of a front page.
std::vector<nlohmann::json> SiteJsonLd(const Config& config, const std::string& base_url, const std::string& edition);

}  // namespace newsdesk
