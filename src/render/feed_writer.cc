#include "render/feed_writer.h"

#include <nlohmann/json.hpp>

#include "common/text.h"
#include "common/time.h"
#include "common/xml.h"

namespace newsdesk {
namespace {

constexpr const char* kAtomNs = "http://www.w3.org/2005/Atom";
constexpr const char* kContentNs = "http://purl.org/rss/1.0/modules/content/";
constexpr const char* kDcNs = "http://purl.org/dc/elements/1.1/";
constexpr const char* kMediaNs = "http://search.yahoo.com/mrss/";

// XmlText drops the characters XML 1.0 cannot carry (C0 controls other
// than tab and line breaks; DEL with them): one in an outlet's text would
// make the whole feed unreadable to a strict reader.
std::string XmlText(const std::string& s) { return HasControlChars(s) ? WithoutControlChars(s) : s; }

pugi::xml_node Text(pugi::xml_node parent, const char* name, const std::string& value) {
  return AppendText(parent, name, XmlText(value));
}

pugi::xml_node Link(pugi::xml_node parent, const char* name, const char* rel, const std::string& href,
                    const char* type = nullptr) {
  auto l = parent.append_child(name);
  l.append_attribute("rel") = rel;
  l.append_attribute("href") = XmlText(href).c_str();
  if (type) l.append_attribute("type") = type;
  return l;
}

// MediaImage adds the lead image as Media RSS, with its credit and caption.
void MediaImage(pugi::xml_node item, const FeedEntry& e) {
  if (e.image_url.empty()) return;
  auto media = item.append_child("media:content");
  media.append_attribute("url") = XmlText(e.image_url).c_str();
  media.append_attribute("medium") = "image";
  if (!e.image_credit.empty()) Text(media, "media:credit", e.image_credit);
  if (!e.image_caption.empty()) Text(media, "media:description", e.image_caption);
}

std::string Rss(const FeedDocument& f) {
  pugi::xml_document doc;
  auto rss = StartXmlDocument(doc, "rss", "2.0");
  rss.append_attribute("xmlns:atom") = kAtomNs;
  rss.append_attribute("xmlns:content") = kContentNs;
  rss.append_attribute("xmlns:dc") = kDcNs;
  rss.append_attribute("xmlns:media") = kMediaNs;
  auto channel = rss.append_child("channel");
  Text(channel, "title", f.title);
  Text(channel, "link", f.home_url);
  Text(channel, "description", f.description);
  Text(channel, "language", f.language);
  Text(channel, "generator", "newsdesk");
  Link(channel, "atom:link", "self", f.self_url, "application/rss+xml");
  for (const auto& hub : f.hubs) Link(channel, "atom:link", "hub", hub);
  if (!f.entries.empty()) Text(channel, "lastBuildDate", FormatRfc822(f.entries.front().updated));
  for (const auto& e : f.entries) {
    auto item = channel.append_child("item");
    Text(item, "title", e.title);
    Text(item, "link", e.url);
    auto guid = Text(item, "guid", e.id);
    guid.append_attribute("isPermaLink") = e.id == e.url ? "true" : "false";
    Text(item, "pubDate", FormatRfc822(e.published));
    if (!e.author_name.empty()) Text(item, "dc:creator", e.author_name);
    for (const auto& tag : e.tags) Text(item, "category", tag);
    if (!e.summary.empty()) Text(item, "description", e.summary);
    Text(item, "content:encoded", e.content_html);
    if (!e.rights.empty()) Text(item, "dc:rights", e.rights);
    MediaImage(item, e);
    if (!e.source_name.empty()) {
      auto src = Text(item, "source", e.source_name);
      src.append_attribute("url") = XmlText(e.source_url).c_str();
    }
  }
  return XmlToString(doc);
}

std::string Atom(const FeedDocument& f) {
  const int offset = f.utc_offset_minutes;
  pugi::xml_document doc;
  auto feed = StartXmlDocument(doc, "feed");
  feed.append_attribute("xmlns") = kAtomNs;
  feed.append_attribute("xmlns:media") = kMediaNs;
  feed.append_attribute("xml:lang") = f.language.c_str();
  Text(feed, "id", f.self_url);
  Text(feed, "title", f.title);
  if (!f.description.empty()) Text(feed, "subtitle", f.description);
  // An empty feed is as new as nothing in it: the epoch, never "now", so
  // the same feed is the same bytes (and the same ETag) on every request.
  Text(feed, "updated", FormatIso8601(f.entries.empty() ? TimePoint{} : f.entries.front().updated, offset));
  Link(feed, "link", "alternate", f.home_url, "text/html");
  Link(feed, "link", "self", f.self_url, "application/atom+xml");
  for (const auto& hub : f.hubs) Link(feed, "link", "hub", hub);
  auto author = feed.append_child("author");
  Text(author, "name", f.site_name);
  Text(author, "uri", f.site_url);
  Text(feed, "generator", "newsdesk");
  for (const auto& e : f.entries) {
    auto entry = feed.append_child("entry");
    if (!e.language.empty() && e.language != f.language) entry.append_attribute("xml:lang") = e.language.c_str();
    Text(entry, "id", e.id);
    Text(entry, "title", e.title);
    Link(entry, "link", "alternate", e.url, "text/html");
    if (!e.original_url.empty()) Link(entry, "link", "via", e.original_url, "text/html");
    Text(entry, "published", FormatIso8601(e.published, offset));
    Text(entry, "updated", FormatIso8601(e.updated, offset));
    auto who = entry.append_child("author");
    Text(who, "name", e.author_name.empty() ? e.source_name : e.author_name);
    if (!e.author_url.empty()) Text(who, "uri", e.author_url);
    for (const auto& tag : e.tags) entry.append_child("category").append_attribute("term") = XmlText(tag).c_str();
    if (!e.summary.empty()) Text(entry, "summary", e.summary).append_attribute("type") = "text";
    Text(entry, "content", e.content_html).append_attribute("type") = "html";
    if (!e.rights.empty()) Text(entry, "rights", e.rights);
    MediaImage(entry, e);
  }
  return XmlToString(doc);
}

std::string JsonFeed(const FeedDocument& f) {
  const int offset = f.utc_offset_minutes;
  using nlohmann::json;
  json feed = {{"version", "https://jsonfeed.org/version/1.1"},
               {"title", f.title},
               {"home_page_url", f.home_url},
               {"feed_url", f.self_url},
               {"language", f.language},
               {"authors", json::array({{{"name", f.site_name}, {"url", f.site_url}}})}};
  if (!f.description.empty()) feed["description"] = f.description;
  if (!f.hubs.empty()) {
    json hubs = json::array();
    for (const auto& hub : f.hubs) hubs.push_back({{"type", "WebSub"}, {"url", hub}});
    feed["hubs"] = hubs;
  }
  json items = json::array();
  for (const auto& e : f.entries) {
    json item = {{"id", e.id},
                 {"url", e.url},
                 {"title", e.title},
                 {"content_html", e.content_html},
                 {"date_published", FormatIso8601(e.published, offset)},
                 {"date_modified", FormatIso8601(e.updated, offset)},
                 {"language", e.language}};
    if (!e.original_url.empty()) item["external_url"] = e.original_url;
    if (!e.summary.empty()) item["summary"] = e.summary;
    if (!e.image_url.empty()) item["image"] = e.image_url;
    json author = {{"name", e.author_name.empty() ? e.source_name : e.author_name}};
    if (!e.author_url.empty()) author["url"] = e.author_url;
    item["authors"] = json::array({author});
    if (!e.tags.empty()) item["tags"] = e.tags;
    items.push_back(std::move(item));
  }
  feed["items"] = std::move(items);
  // Invalid UTF-8 would throw: replace it rather than fail the whole feed.
  return feed.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string WriteFeed(const FeedDocument& feed, FeedType type) {
  switch (type) {
    case FeedType::kAtom:
      return Atom(feed);
    case FeedType::kJson:
      return JsonFeed(feed);
    case FeedType::kRss:
      break;
  }
  return Rss(feed);
}

}  // namespace newsdesk
