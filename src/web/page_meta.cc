#include "web/page_meta.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/text.h"
#include "common/time.h"
#include "common/url.h"

namespace newsdesk {

using nlohmann::json;

namespace {

// Google shows at most 110 characters of a NewsArticle headline.
constexpr size_t kHeadlineBytes = 110;
constexpr size_t kDescriptionBytes = 300;
constexpr size_t kMaxTags = 10;

// FirstText is the first paragraph (or any text block) of `blocks`.
std::string FirstText(const std::vector<Block>& blocks) {
  for (const Block& b : blocks)
    if (b.type == BlockType::kParagraph && !b.text.empty()) return b.text;
  for (const Block& b : blocks)
    if (!b.text.empty()) return b.text;
  return "";
}

// CutChars is `text` cut to at most `max` characters (code points, so a
// Cyrillic headline is not cut short), with an ellipsis when cut.
std::string CutChars(const std::string& text, size_t max) {
  size_t chars = 0, i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    if (chars == max - 1 && i + len < text.size()) return text.substr(0, i) + "…";
    i += len;
    ++chars;
  }
  return text;
}

}  // namespace

std::string ScriptSafeJson(const json& value) {
  const std::string text = value.dump();
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    // Inside JSON these appear only within strings, where \u escapes mean
    // the same characters.
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

json HeadView(const PageHead& head) {
  json alternates = json::array(), properties = json::array(), names = json::array(), ld = json::array();
  for (const auto& [hreflang, href] : head.alternates) alternates.push_back({{"hreflang", hreflang}, {"href", href}});
  for (const auto& [key, value] : head.properties) properties.push_back({{"key", key}, {"value", value}});
  for (const auto& [key, value] : head.names) names.push_back({{"key", key}, {"value", value}});
  for (const auto& object : head.json_ld) ld.push_back({{"text", ScriptSafeJson(object)}});
  json feeds = json::array();
  for (const auto& f : head.feeds) feeds.push_back({{"type", f.type}, {"title", f.title}, {"href", f.href}});
  return {{"canonical", head.canonical.empty() ? json(false) : json(head.canonical)},
          {"alternates", alternates},
          {"properties", properties},
          {"names", names},
          {"json_ld", ld},
          {"feeds", feeds}};
}

std::optional<std::string> AbsoluteImageUrl(const Article& a, const std::string& base_url) {
  if (!a.image || !IsImageSource(a.image->url)) return std::nullopt;
  return IsSitePath(a.image->url) ? base_url + a.image->url : a.image->url;
}

std::string ArticleDescription(const Article& a, const Translation* t) {
  return CutChars(FirstText(t ? t->body : a.body), kDescriptionBytes);
}

std::string XDefaultEdition(const std::vector<std::string>& offered, const std::string& language, const Config& config) {
  auto has = [&](const std::string& e) { return std::count(offered.begin(), offered.end(), e) > 0; };
  if (has(language)) return language;
  if (has(config.editions.front())) return config.editions.front();
  return offered.empty() ? std::string() : offered.front();
}

std::string OgLocale(const std::string& edition) {
  static const std::map<std::string, std::string> kLocales = {
      {"en", "en_US"}, {"ru", "ru_RU"}, {"es", "es_ES"}, {"de", "de_DE"}, {"fr", "fr_FR"},
      {"uk", "uk_UA"}, {"zh", "zh_CN"}, {"ar", "ar_AR"}, {"pt", "pt_PT"}, {"it", "it_IT"}};
  auto it = kLocales.find(edition);
  return it != kLocales.end() ? it->second : edition;
}

PageHead ArticleHead(const ArticlePageFacts& f, const Config& config) {
  const Article& a = *f.article;
  const Translation* t = f.translation;
  const int offset = config.utc_offset_minutes;
  PageHead head;
  for (const auto& [edition, url] : f.edition_urls) head.alternates.emplace_back(edition, url);
  std::vector<std::string> offered;
  for (const auto& [edition, url] : f.edition_urls) offered.push_back(edition);
  const std::string x_default_edition = XDefaultEdition(offered, a.language, config);
  const std::string self = f.base_url + ArticleHref(f.edition, a.id, a.slug);
  const std::string x_default = x_default_edition.empty() ? self : f.edition_urls.at(x_default_edition);
  head.alternates.emplace_back("x-default", x_default);
  // The page itself, in its edition; but an edition that shows the original
  // untranslated, under a language label, repeats another edition's page:
  // that one is canonical.
  const bool untranslated_foreign = !t && a.language != f.edition;
  head.canonical = untranslated_foreign ? x_default : self;

  const std::string headline = t ? t->headline : a.headline;
  const std::string description = ArticleDescription(a, t);
  const std::string shown_language = t ? t->language : a.language;
  const std::string published = FormatIso8601(a.published_at, offset);
  const std::string modified = FormatIso8601(std::max(a.updated_at, a.published_at), offset);

  head.properties = {{"og:type", "article"},        {"og:title", headline},
                     {"og:description", description}, {"og:url", head.canonical},
                     {"og:site_name", config.site_name}, {"og:locale", OgLocale(f.edition)}};
  for (const auto& [edition, url] : f.edition_urls)
    if (edition != f.edition) head.properties.emplace_back("og:locale:alternate", OgLocale(edition));
  // Social sites and search engines want the image's absolute address; one
  // a browser would take to another host ("/\\evil") is left out.
  const std::optional<std::string> image_url = AbsoluteImageUrl(a, f.base_url);
  if (image_url) {
    head.properties.emplace_back("og:image", *image_url);
    if (!a.image->caption.empty()) head.properties.emplace_back("og:image:alt", a.image->caption);
  }
  head.properties.emplace_back("article:published_time", published);
  head.properties.emplace_back("article:modified_time", modified);
  if (!f.mention_names.empty()) head.properties.emplace_back("article:section", f.mention_names.front());
  for (size_t i = 0; i < f.mention_names.size() && i < kMaxTags; ++i)
    head.properties.emplace_back("article:tag", f.mention_names[i]);

  head.names = {{"twitter:card", image_url ? "summary_large_image" : "summary"},
                {"twitter:title", headline},
                {"twitter:description", description}};
  if (image_url) head.names.emplace_back("twitter:image", *image_url);
  const bool unreviewed_machine = t && t->by == TranslatedBy::kMachine && !t->reviewed;
  head.names.emplace_back("robots", unreviewed_machine && config.noindex_machine_translations
                                        ? "noindex, max-image-preview:large"
                                        : "max-image-preview:large");

  const std::string original_url = a.canonical_url.empty() ? a.url : a.canonical_url;
  json author = a.author.empty()
                    ? json{{"@type", "Organization"}, {"name", a.source.name}, {"url", a.source.home_url}}
                    : json{{"@type", "Person"}, {"name", a.author}, {"url", a.source.home_url}};
  json article = {{"@context", "https://schema.org"},
                  {"@type", "NewsArticle"},
                  {"headline", CutChars(headline, kHeadlineBytes)},
                  {"datePublished", published},
                  {"dateModified", modified},
                  {"author", author},
                  {"publisher", {{"@type", "Organization"}, {"name", config.site_name}, {"url", f.base_url + "/"}}},
                  {"sourceOrganization", {{"@type", "Organization"}, {"name", a.source.name}, {"url", a.source.home_url}}},
                  {"inLanguage", shown_language},
                  {"isBasedOn", original_url},
                  {"url", head.canonical},
                  {"mainEntityOfPage", head.canonical}};
  if (!description.empty()) article["description"] = description;
  if (image_url) {
    json image = {{"@type", "ImageObject"}, {"url", *image_url}};
    if (!a.image->credit.empty()) image["creditText"] = a.image->credit;
    if (!a.image->caption.empty()) image["caption"] = a.image->caption;
    article["image"] = image;
  }
  if (t) {
    // The original by its address and language: its headline would put the
    // other language's words on the page (the editions never mix them).
    json work = {{"@type", "NewsArticle"}, {"inLanguage", a.language}};
    auto original = f.edition_urls.find(a.language);
    work["url"] = original != f.edition_urls.end() ? original->second : original_url;
    article["translationOfWork"] = work;
    article["translator"] = t->by == TranslatedBy::kMachine
                                ? json{{"@type", "SoftwareApplication"}, {"name", "machine translation"},
                                       {"description", t->reviewed ? "machine translation, reviewed by an editor"
                                                                   : "machine translation, not reviewed"}}
                                : json{{"@type", "Organization"}, {"name", config.site_name}, {"url", f.base_url + "/"}};
  }
  if (!a.corrections.empty()) {
    json corrections = json::array();
    for (const auto& c : a.corrections)
      corrections.push_back(
          {{"@type", "CorrectionComment"}, {"text", c.note}, {"datePublished", FormatIso8601(c.at, offset)}});
    article["correction"] = corrections;
  }
  if (!f.mention_names.empty()) {
    json about = json::array();
    for (size_t i = 0; i < f.mention_names.size() && i < kMaxTags; ++i)
      about.push_back({{"@type", "Thing"}, {"name", f.mention_names[i]}});
    article["about"] = about;
  }
  head.json_ld.push_back(std::move(article));
  return head;
}

std::vector<json> SiteJsonLd(const Config& config, const std::string& base_url, const std::string& edition) {
  const std::string home = base_url + "/" + edition + "/";
  json organization = {{"@context", "https://schema.org"},
                       {"@type", "NewsMediaOrganization"},
                       {"name", config.site_name},
                       {"url", base_url + "/"}};
  json website = {{"@context", "https://schema.org"},
                  {"@type", "WebSite"},
                  {"name", config.site_name},
                  {"url", home},
                  {"inLanguage", edition},
                  {"potentialAction",
                   {{"@type", "SearchAction"},
                    {"target", {{"@type", "EntryPoint"}, {"urlTemplate", home + "search?q={search_term_string}"}}},
                    {"query-input", "required name=search_term_string"}}}};
  return {organization, website};
}

}  // namespace newsdesk
