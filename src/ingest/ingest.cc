#include "ingest/ingest.h"

#include <fmt/format.h>
#include <pugixml.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

#include "common/charset.h"
#include "common/text.h"
#include "common/xml.h"
#include "extract/extractor.h"
#include "extract/language.h"
#include "model/block_json.h"

namespace newsdesk {

namespace {

TimePoint Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// Feed summaries make a body when the page itself can't be had: split into
// paragraphs on blank lines.
std::vector<Block> BlocksFromText(const std::string& text) {
  std::vector<Block> blocks;
  std::string para;
  std::istringstream in(text);
  std::string line;
  auto flush = [&] {
    std::string t = Trim(para);
    if (!t.empty()) blocks.push_back(Block{BlockType::kParagraph, t, {}, {}, {}, {}});
    para.clear();
  };
  while (std::getline(in, line)) {
    if (Trim(line).empty()) flush();
    else para += (para.empty() ? "" : " ") + Trim(line);
  }
  flush();
  return blocks;
}

std::string PrimaryLanguage(const std::string& tag) {
  std::string out;
  for (char c : tag) {
    if (c == '-' || c == '_') break;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out.size() >= 2 && out.size() <= 3 ? out : std::string();
}

std::string StatusLine(const Status& s, const FetchFailure& f) {
  if (f.http_status >= 400) return fmt::format("HTTP {}", f.http_status);
  if (s.message().find("timed out") != std::string::npos) return "timeout";
  if (s.message().find("refused") != std::string::npos) return "refused";
  if (s.message().find("robots.txt") != std::string::npos) return "robots.txt";
  return "error";
}

}  // namespace

FetchOptions FetchOptionsFrom(const Config& c) {
  FetchOptions o;
  o.connect_timeout = std::chrono::seconds(c.fetch_connect_timeout_seconds);
  o.total_timeout = std::chrono::seconds(c.fetch_timeout_seconds);
  o.max_bytes = c.fetch_max_bytes;
  o.user_agent = c.user_agent;
  o.per_host_delay = std::chrono::milliseconds(c.per_host_delay_ms);
  o.allow_private_networks = c.allow_private_networks;
  o.allowed_hosts = c.allowed_hosts;
  return o;
}

IngestOptions IngestOptionsFrom(const Config& c) {
  IngestOptions o;
  o.workers = static_cast<int>(c.ingest_workers);
  return o;
}

Ingestor::Ingestor(SourceStore& sources, ArticleStore& articles, Fetcher& fetcher, IngestOptions options,
                   const SharedTagger* tagger)
    : sources_(sources), articles_(articles), fetcher_(fetcher), options_(options), tagger_(tagger) {}

TimePoint Ingestor::NextFetch(const FeedStatus& feed, TimePoint now, int failures,
                              std::optional<TimePoint> retry_after) const {
  std::chrono::seconds wait{std::max(60, feed.fetch_interval_seconds)};
  for (int i = 0; i < failures && wait < options_.max_backoff; ++i) wait *= 2;
  wait = std::min(wait, std::max(options_.max_backoff, std::chrono::seconds(feed.fetch_interval_seconds)));
  TimePoint next = now + wait;
  if (retry_after && *retry_after > next) next = *retry_after;
  return next;
}

Result<ArticleRecord> Ingestor::BuildArticle(const SourceStatus& source, const FeedStatus& followed,
                                             const FeedItem& item, const std::string& feed_language,
                                             bool& rule_failed) {
  ArticleRecord r;
  r.url = item.link;
  r.guid = item.guid;
  r.source = source.source;
  r.author = item.author;

  ExtractOptions options;
  options.url = item.link;
  const Source& s = source.source;
  if (!s.body_selector.empty() || !s.drop_selectors.empty())
    options.rules = ExtractRules{s.body_selector, s.drop_selectors};

  std::optional<ExtractedArticle> page;
  auto fetched = fetcher_.Fetch({item.link});
  Status page_error;
  if (fetched.ok()) {
    auto text = DecodeToUtf8(fetched->body, fetched->content_type);
    if (!text.ok()) {
      page_error = text.status();
    } else {
      options.url = fetched->final_url;
      auto extracted = ExtractArticle(text->utf8, options);
      if (extracted.ok()) {
        page = std::move(*extracted);
      } else {
        page_error = extracted.status();
        if (options.rules && !options.rules->body_selector.empty() && extracted.status().is_not_found()) {
          // An editor's rule that matches nothing means the site changed:
          // an error on the source, never an empty article.
          rule_failed = true;
          return extracted.status().WithContext(item.link);
        }
      }
    }
  } else {
    page_error = fetched.status();
  }

  if (page) {
    r.headline = !page->title.empty() ? page->title : item.title;
    r.canonical_url = page->canonical_url;
    r.body = page->blocks;
    r.rights = page->rights;
    if (!page->author.empty()) r.author = page->author;
    r.published_at = page->published.value_or(item.published.value_or(Now()));
    if (!page->image.empty()) r.image = Image{page->image, page->image_credit, page->image_caption};
  } else {
    // The page could not be had: the feed's own content stands in when it
    // is an article, not just a teaser.
    std::string text = PlainText(BlocksFromText(item.summary));
    if (!item.content_html.empty()) {
      ExtractOptions content_options;
      content_options.url = item.link;
      auto from_content =
          ExtractArticle("<html><body><article>" + item.content_html + "</article></body></html>", content_options);
      if (from_content.ok() && from_content->Text().size() > text.size()) {
        r.body = from_content->blocks;
        text = from_content->Text();
      }
    }
    if (r.body.empty()) r.body = BlocksFromText(item.summary);
    if (text.size() < 400) return page_error.WithContext(item.link);
    r.headline = item.title;
    r.published_at = item.published.value_or(Now());
  }
  if (!r.image && !item.images.empty())
    r.image = Image{item.images[0].url, item.images[0].credit, item.images[0].caption};
  if (r.image && r.image->url.rfind("http", 0) != 0) r.image.reset();

  r.headline = Trim(r.headline);
  if (r.headline.empty()) return Status::InvalidArgument(item.link + ": no headline");
  if (r.body.empty()) return Status::InvalidArgument(item.link + ": no article text");

  const std::string hint = !followed.language.empty() ? followed.language
                           : !s.language.empty()      ? s.language
                                                      : PrimaryLanguage(feed_language);
  LanguageGuess guess = DetectLanguage(r.headline + "\n\n" + PlainText(r.body), hint);
  if (guess.reliable && !guess.code.empty()) {
    r.language = guess.code;
    r.language_confidence = guess.percent;
  } else {
    r.language = hint.empty() ? "und" : hint;
    r.language_confidence = 0;
  }
  if (tagger_) PrepareArticle(*tagger_->Get().tagger, r);
  return r;
}

SourceReport Ingestor::FetchFeed(const FeedStatus& followed, TimePoint now) {
  SourceReport report;
  report.source_id = followed.source_id;
  report.feed_id = followed.id;
  report.feed_url = followed.feed_url;
  auto found = sources_.GetSourceStatus(followed.source_id);
  if (!found.ok()) {
    report.status = found.status();
    return report;
  }
  const SourceStatus& source = *found;
  report.source_name = source.source.name;
  FetchOutcome outcome;
  outcome.at = now;

  FetchFailure failure;
  auto fetched = fetcher_.Fetch({followed.feed_url, followed.etag, followed.last_modified}, &failure);
  if (!fetched.ok()) {
    report.status = fetched.status();
    outcome.status = StatusLine(fetched.status(), failure);
    outcome.error = fetched.status().message();
    outcome.next_fetch_at = NextFetch(followed, now, followed.consecutive_failures + 1, failure.retry_after);
  } else if (fetched->not_modified) {
    report.not_modified = true;
    outcome.ok = true;
    outcome.status = "not modified";
    outcome.next_fetch_at = NextFetch(followed, now, 0);
  } else {
    auto feed = ParseFeedBytes(fetched->body, fetched->content_type, fetched->final_url);
    if (!feed.ok()) {
      report.status = feed.status();
      outcome.status = "parse error";
      outcome.error = feed.status().message();
      outcome.next_fetch_at = NextFetch(followed, now, followed.consecutive_failures + 1);
    } else {
      std::string first_error;
      bool rule_failed = false;
      size_t considered = 0;
      for (const FeedItem& item : feed->items) {
        if (considered++ >= options_.max_items_per_fetch) break;
        if (item.link.empty()) continue;
        auto key = articles_.LookupArticle(source.source.id, item.link, item.guid);
        if (!key.ok()) {
          ++report.failed;
          if (first_error.empty()) first_error = key.status().message();
          continue;
        }
        if (key->state == ArticleKey::State::kDeleted) continue;
        // A stored article is fetched again only when the feed says it
        // changed since we stored it.
        if (key->state == ArticleKey::State::kStored && !(item.updated && *item.updated > key->stored_at)) {
          ++report.unchanged;
          continue;
        }
        auto record = BuildArticle(source, followed, item, feed->language, rule_failed);
        if (!record.ok()) {
          ++report.failed;
          if (first_error.empty()) first_error = record.status().message();
          if (rule_failed) break;
          continue;
        }
        auto stored = articles_.UpsertArticles({*record});
        if (!stored.ok()) {
          ++report.failed;
          if (first_error.empty()) first_error = stored.status().message();
          continue;
        }
        report.new_articles += stored->inserted;
        report.updated += stored->updated;
      }
      outcome.etag = fetched->etag;
      outcome.last_modified = fetched->last_modified;
      if (rule_failed) {
        report.status = Status::InvalidArgument("extraction rule stopped matching: " + first_error);
        outcome.status = "rule error";
        outcome.error = report.status.message();
        outcome.next_fetch_at = NextFetch(followed, now, followed.consecutive_failures + 1);
      } else {
        outcome.ok = true;
        outcome.status = report.failed ? "partial" : "ok";
        if (report.failed) outcome.error = fmt::format("{} of the feed's articles failed; first: {}", report.failed, first_error);
        outcome.next_fetch_at = NextFetch(followed, now, 0);
      }
    }
  }
  if (Status s = sources_.RecordFetch(followed.id, outcome); !s.ok())
    spdlog::error("cannot record the fetch of feed {} ({}): {}", followed.id, followed.feed_url, s.ToString());
  if (!report.status.ok())
    spdlog::warn("source {} ({}), feed {}: {}", source.source.id, source.source.name, followed.feed_url,
                 report.status.message());
  return report;
}

std::vector<SourceReport> Ingestor::FetchDue(TimePoint now, const std::function<void(const SourceReport&)>& progress,
                                             int64_t only_source) {
  std::vector<FeedStatus> due;
  if (only_source) {
    auto one = sources_.GetSourceStatus(only_source);
    if (!one.ok()) {
      SourceReport r;
      r.source_id = only_source;
      r.status = one.status();
      if (progress) progress(r);
      return {r};
    }
    if (one->feeds.empty()) {
      SourceReport r;
      r.source_id = only_source;
      r.source_name = one->source.name;
      r.status = Status::InvalidArgument("the source has no feed to fetch");
      if (progress) progress(r);
      return {r};
    }
    due = std::move(one->feeds);
  } else {
    auto list = sources_.DueFeeds(now, 1000);
    if (!list.ok()) {
      spdlog::error("cannot list due feeds: {}", list.status().ToString());
      return {};
    }
    due = std::move(*list);
  }
  std::vector<SourceReport> reports(due.size());
  std::atomic<size_t> next{0};
  std::mutex progress_mu;
  auto work = [&] {
    for (size_t i = next++; i < due.size(); i = next++) {
      reports[i] = FetchFeed(due[i], now);
      std::lock_guard<std::mutex> lock(progress_mu);
      if (progress) progress(reports[i]);
    }
  };
  std::vector<std::thread> threads;
  const int n = std::max(1, std::min<int>(options_.workers, static_cast<int>(due.size())));
  for (int i = 1; i < n; ++i) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  return reports;
}

Result<DiscoveredFeed> DiscoverFeed(Fetcher& fetcher, const std::string& url) {
  auto fetched = fetcher.Fetch({url});
  if (!fetched.ok()) return fetched.status().WithContext(url);
  auto feed = ParseFeedBytes(fetched->body, fetched->content_type, fetched->final_url);
  if (feed.ok()) return DiscoveredFeed{fetched->final_url, std::move(*feed)};
  auto page = DecodeToUtf8(fetched->body, fetched->content_type);
  if (!page.ok()) return feed.status().WithContext(url);
  auto links = FindFeedLinks(page->utf8, fetched->final_url);
  if (links.empty())
    return Status::InvalidArgument(fmt::format("{} is neither a feed nor a page naming one in <link rel=\"alternate\">", url));
  Status last;
  for (const auto& link : links) {
    auto f = fetcher.Fetch({link});
    if (!f.ok()) {
      last = f.status().WithContext(link);
      continue;
    }
    auto parsed = ParseFeedBytes(f->body, f->content_type, f->final_url);
    if (parsed.ok()) return DiscoveredFeed{f->final_url, std::move(*parsed)};
    last = parsed.status().WithContext(link);
  }
  return last;
}

Source ProposedSource(const DiscoveredFeed& found, const std::string& asked_url) {
  Source s;
  s.feed_url = found.feed_url;
  s.name = Trim(found.feed.title);
  if (s.name.empty()) s.name = found.feed_url;
  s.home_url = !found.feed.link.empty() ? found.feed.link : asked_url;
  s.language = AsciiLower(found.feed.language.substr(0, found.feed.language.find_first_of("-_")));
  return s;
}

FetchOptions ImageFetchOptions(const Config& config) {
  FetchOptions o = FetchOptionsFrom(config);
  o.honour_robots = false;
  o.per_host_delay = std::chrono::milliseconds(0);
  o.max_attempts = 1;
  o.max_bytes = std::min<size_t>(o.max_bytes, 5 * 1024 * 1024);
  o.total_timeout = std::min<std::chrono::milliseconds>(o.total_timeout, std::chrono::seconds(15));
  return o;
}

FeedTools MakeFeedTools(Ingestor& ingestor, Fetcher& fetcher, Fetcher* images) {
  FeedTools tools;
  if (images)
    tools.fetch_image = [images](const std::string& url) -> Result<FetchedImage> {
      auto fetched = images->Fetch({url});
      if (!fetched.ok()) return fetched.status();
      return FetchedImage{fetched->content_type, std::move(fetched->body)};
    };
  tools.fetch_now = [&ingestor](const FeedStatus& feed) {
    SourceReport r = ingestor.FetchFeed(feed, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    FeedFetch out;
    out.new_articles = r.new_articles;
    out.updated = r.updated;
    out.unchanged = r.unchanged;
    out.failed = r.failed;
    out.not_modified = r.not_modified;
    out.status = r.status;
    return out;
  };
  tools.discover = [&fetcher](const std::string& url) -> Result<FoundFeed> {
    auto found = DiscoverFeed(fetcher, url);
    if (!found.ok()) return found.status();
    FoundFeed out;
    out.proposed = ProposedSource(*found, url);
    out.items = found->feed.items.size();
    for (size_t i = 0; i < found->feed.items.size() && i < 5; ++i) out.headlines.push_back(found->feed.items[i].title);
    return out;
  };
  tools.preview_rule = [&fetcher](const std::string& url, const ExtractionRule& current,
                                  const ExtractionRule& draft) -> Result<RulePreview> {
    auto fetched = fetcher.Fetch({url});
    if (!fetched.ok()) return fetched.status();
    auto page = DecodeToUtf8(fetched->body, fetched->content_type);
    if (!page.ok()) return page.status().WithContext(url);
    auto extract = [&](const ExtractionRule& rule) {
      ExtractOptions options;
      options.url = fetched->final_url;
      if (!rule.body_selector.empty() || !rule.drop_selectors.empty())
        options.rules = ExtractRules{rule.body_selector, rule.drop_selectors};
      RuleOutcome out;
      auto extracted = ExtractArticle(page->utf8, options);
      if (!extracted.ok()) {
        out.status = extracted.status();
        return out;
      }
      out.title = extracted->title;
      out.blocks = std::move(extracted->blocks);
      return out;
    };
    return RulePreview{fetched->final_url, extract(current), extract(draft)};
  };
  tools.check_rule = [](const ExtractionRule& rule) {
    return CheckRules(ExtractRules{rule.body_selector, rule.drop_selectors});
  };
  return tools;
}

std::string SourcesToOpml(const std::vector<SourceStatus>& sources, const std::string& title) {
  pugi::xml_document doc;
  auto opml = StartXmlDocument(doc, "opml", "2.0");
  AppendText(opml.append_child("head"), "title", title);
  auto body = opml.append_child("body");
  // One outline per feed; the feeds of one source share its name and
  // htmlUrl, which is how import puts them back under one source.
  for (const auto& s : sources) {
    for (const auto& f : s.feeds) {
      auto o = body.append_child("outline");
      o.append_attribute("type") = "rss";
      o.append_attribute("text") = s.source.name.c_str();
      o.append_attribute("title") = s.source.name.c_str();
      o.append_attribute("xmlUrl") = f.feed_url.c_str();
      o.append_attribute("htmlUrl") = s.source.home_url.c_str();
      const std::string& language = !f.language.empty() ? f.language : s.source.language;
      if (!language.empty()) o.append_attribute("language") = language.c_str();
      if (!s.source.country.empty()) o.append_attribute("country") = s.source.country.c_str();
    }
  }
  return XmlToString(doc);
}

Result<std::vector<Source>> SourcesFromOpml(std::string_view opml) {
  pugi::xml_document doc;
  auto parsed = doc.load_buffer(opml.data(), opml.size());
  if (!parsed) return Status::InvalidArgument(fmt::format("not OPML: {} at byte {}", parsed.description(), parsed.offset));
  auto root = doc.child("opml");
  if (!root) return Status::InvalidArgument("not OPML: no <opml> element");
  std::vector<Source> out;
  // Outlines nest in folders; every outline with an xmlUrl is a feed.
  for (auto node : root.child("body").select_nodes(".//outline[@xmlUrl]")) {
    auto o = node.node();
    Source s;
    s.feed_url = Trim(o.attribute("xmlUrl").value());
    s.name = Trim(o.attribute("title").value());
    if (s.name.empty()) s.name = Trim(o.attribute("text").value());
    if (s.name.empty()) s.name = s.feed_url;
    s.home_url = Trim(o.attribute("htmlUrl").value());
    if (s.home_url.empty()) s.home_url = s.feed_url;
    s.language = PrimaryLanguage(o.attribute("language").value());
    s.country = Trim(o.attribute("country").value());
    if (s.feed_url.rfind("http://", 0) != 0 && s.feed_url.rfind("https://", 0) != 0)
      return Status::InvalidArgument(fmt::format("outline '{}': xmlUrl '{}' is not an http(s) URL", s.name, s.feed_url));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace newsdesk
