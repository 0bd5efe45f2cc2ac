// `newsdesk source …`, `newsdesk fetch` and `newsdesk article delete`. The
// commands that change what is followed or stored append to the audit log.
#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "cli/commands.h"
#include "common/text.h"
#include "common/time.h"
#include "ingest/ingest.h"
#include "store/store.h"

namespace newsdesk {

namespace {

TimePoint Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// FindSource accepts a numeric id or a slug.
Result<SourceStatus> FindSource(Store& store, const std::string& id_or_slug) {
  if (!id_or_slug.empty() && id_or_slug.find_first_not_of("0123456789") == std::string::npos)
    return store.GetSourceStatus(std::stoll(id_or_slug));
  auto s = store.GetSourceBySlug(id_or_slug);
  if (!s.ok()) return s.status();
  return store.GetSourceStatus(s->id);
}

// FeedRef is what `source remove` was given when it names one feed: `feed:ID`
// or the feed's URL.
struct FeedRef {
  int64_t id = 0;
  std::string url;
};

std::optional<FeedRef> ParseFeedRef(const std::string& ref) {
  if (ref.rfind("http://", 0) == 0 || ref.rfind("https://", 0) == 0) return FeedRef{0, ref};
  if (ref.rfind("feed:", 0) == 0) {
    const std::string digits = ref.substr(5);
    if (!digits.empty() && digits.size() < 19 && digits.find_first_not_of("0123456789") == std::string::npos)
      return FeedRef{std::stoll(digits), ""};
  }
  return std::nullopt;
}

// AddedFeedEntry is the audit entry for following `feed` of `source`: a new
// outlet ("source:ID") or one more feed of a followed one ("feed:ID").
AuditEntry AddedFeedEntry(const SourceStatus& source, const FeedStatus& feed) {
  AuditEntry e;
  e.action = "source.add";
  e.target = source.feeds.size() > 1 ? fmt::format("feed:{}", feed.id) : fmt::format("source:{}", source.source.id);
  e.summary = source.source.name;
  e.after = feed.feed_url;
  return e;
}

std::string Ago(const std::optional<TimePoint>& t, TimePoint now) {
  if (!t) return "never";
  auto s = std::chrono::duration_cast<std::chrono::seconds>(now - *t).count();
  if (s < 120) return fmt::format("{} s ago", s);
  if (s < 7200) return fmt::format("{} min ago", s / 60);
  if (s < 172800) return fmt::format("{} h ago", s / 3600);
  return fmt::format("{} d ago", s / 86400);
}

}  // namespace

Status RunSourceAdd(const Config& config, const SourceAddFlags& f) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  Fetcher fetcher(FetchOptionsFrom(config));
  auto found = DiscoverFeed(fetcher, f.url);
  if (!found.ok()) return found.status();
  Source s = ProposedSource(*found, f.url);
  if (!f.name.empty()) s.name = f.name;
  s.country = f.country;
  if (!f.language.empty()) s.language = f.language;
  s.fetch_interval_seconds = f.interval_seconds ? f.interval_seconds : static_cast<int>(config.default_interval_seconds);
  s.body_selector = f.body_selector;
  s.drop_selectors = f.drop_selectors;
  auto added = (*store)->AddFeedSource(s);
  if (!added.ok()) return added.status();
  auto source = (*store)->GetSourceStatus(added->source_id);
  if (!source.ok()) return source.status();
  AppendCliAudit(**store, "source add", AddedFeedEntry(*source, *added));
  if (source->feeds.size() > 1)
    fmt::print("added feed {} to {} (source {}, feed:{}; now {} feeds, {} items in this one now, every {} s)\n",
               added->feed_url, source->source.name, source->source.id, added->id, source->feeds.size(),
               found->feed.items.size(), added->fetch_interval_seconds);
  else
    fmt::print("following {} (source {}, \"{}\", {} items in the feed now, every {} s)\n", added->feed_url,
               source->source.id, source->source.name, found->feed.items.size(), added->fetch_interval_seconds);
  return Status::Ok();
}

Status RunSourceList(const Config& config, bool as_json) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto list = (*store)->ListSourceStatuses();
  if (!list.ok()) return list.status();
  const TimePoint now = Now();
  if (as_json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& st : *list) {
      nlohmann::json feeds = nlohmann::json::array();
      for (const auto& f : st.feeds)
        feeds.push_back({{"id", f.id},
                         {"feed_url", f.feed_url},
                         {"language", f.language},
                         {"fetch_interval_seconds", f.fetch_interval_seconds},
                         {"last_fetch", f.last_fetch_at ? FormatIso8601(*f.last_fetch_at) : ""},
                         {"last_status", f.last_status},
                         {"consecutive_failures", f.consecutive_failures},
                         {"last_error", f.last_error},
                         {"next_fetch", FormatIso8601(f.next_fetch_at)},
                         {"paused", f.paused}});
      out.push_back({{"id", st.source.id},
                     {"slug", st.source.slug},
                     {"name", st.source.name},
                     {"feed_url", st.source.feed_url},
                     {"last_fetch", st.last_fetch_at ? FormatIso8601(*st.last_fetch_at) : ""},
                     {"last_status", st.last_status},
                     {"consecutive_failures", st.consecutive_failures},
                     {"last_error", st.last_error},
                     {"articles", st.article_count},
                     {"articles_per_day", st.articles_per_day},
                     {"last_article", st.last_article_at ? FormatIso8601(*st.last_article_at) : ""},
                     {"feeds", std::move(feeds)}});
    }
    fmt::print("{}\n", out.dump(2));
    return Status::Ok();
  }
  fmt::print("{:>4}  {:<28} {:<12} {:<14} {:>5} {:>8} {:>7}  {}\n", "ID", "SOURCE", "LAST FETCH", "STATUS", "FAILS",
             "ARTICLES", "PER DAY", "FEED / LAST ERROR");
  for (const auto& st : *list) {
    std::string name = st.source.name;
    if (Utf8Length(name) > 28) {
      size_t cut = 0, count = 0;
      while (cut < name.size() && count < 27) {
        cut += 1;
        while (cut < name.size() && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) ++cut;
        ++count;
      }
      name = name.substr(0, cut) + "…";
    }
    const size_t pad = 28 - std::min<size_t>(28, Utf8Length(name));
    const bool followed = !st.feeds.empty();
    fmt::print("{:>4}  {}{} {:<12} {:<14} {:>5} {:>8} {:>7.1f}  {}\n", st.source.id, name, std::string(pad, ' '),
               followed ? "" : "-", followed ? "" : "not followed", "", st.article_count, st.articles_per_day,
               followed ? fmt::format("{} feed{}", st.feeds.size(), st.feeds.size() == 1 ? "" : "s") : "");
    // Each feed under its source, with its own fetch status.
    for (const auto& f : st.feeds)
      fmt::print("      {:<28} {:<12} {:<14} {:>5} {:>8} {:>7}  {}\n", fmt::format("feed:{}", f.id),
                 Ago(f.last_fetch_at, now), f.paused ? "paused" : f.last_status.empty() ? "pending" : f.last_status,
                 f.consecutive_failures,
                 "", "", f.last_error.empty() ? f.feed_url : f.feed_url + ": " + f.last_error);
  }
  return Status::Ok();
}

Status RunSourceRemove(const Config& config, const std::string& id_or_slug) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  if (auto ref = ParseFeedRef(id_or_slug)) {
    // One feed, named by `feed:ID` or its URL: the source keeps its other feeds.
    Result<FeedStatus> feed = Status::NotFound(fmt::format("no feed {} is followed", id_or_slug));
    if (ref->id) {
      feed = (*store)->GetFeedStatus(ref->id);
    } else {
      auto list = (*store)->ListSourceStatuses();
      if (!list.ok()) return list.status();
      for (const auto& st : *list)
        for (const auto& f : st.feeds)
          if (f.feed_url == ref->url) feed = f;
    }
    if (!feed.ok()) return feed.status();
    auto st = (*store)->GetSourceStatus(feed->source_id);
    if (!st.ok()) return st.status();
    ND_RETURN_IF_ERROR((*store)->RemoveFeed(feed->id));
    AppendCliAudit(**store, "source remove",
                   {.action = "source.remove", .target = fmt::format("feed:{}", feed->id),
                    .summary = st->source.name, .before = feed->feed_url});
    if (st->feeds.size() > 1)
      fmt::print("stopped following {} (feed:{}); still following {} through {} other feed{}\n", feed->feed_url,
                 feed->id, st->source.name, st->feeds.size() - 1, st->feeds.size() == 2 ? "" : "s");
    else if (st->article_count)
      fmt::print("stopped following {}: that was its last feed (its {} articles stay, with their attribution)\n",
                 st->source.name, st->article_count);
    else
      fmt::print("removed {}: that was its last feed\n", st->source.name);
    return Status::Ok();
  }
  auto st = FindSource(**store, id_or_slug);
  if (!st.ok()) return st.status();
  ND_RETURN_IF_ERROR((*store)->RemoveSource(st->source.id));
  std::string feeds;
  for (const auto& f : st->feeds) feeds += (feeds.empty() ? "" : "\n") + f.feed_url;
  AppendCliAudit(**store, "source remove",
                 {.action = "source.remove", .target = fmt::format("source:{}", st->source.id),
                  .summary = st->source.name, .before = feeds});
  if (st->article_count)
    fmt::print("stopped following {} (its {} articles stay, with their attribution)\n", st->source.name, st->article_count);
  else
    fmt::print("removed {}\n", st->source.name);
  return Status::Ok();
}

Status RunOpmlImport(const Config& config, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(path + ": cannot read");
  std::stringstream text;
  text << in.rdbuf();
  auto sources = SourcesFromOpml(text.str());
  if (!sources.ok()) return sources.status().WithContext(path);
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  int added = 0, known = 0;
  for (auto& s : *sources) {
    s.fetch_interval_seconds = static_cast<int>(config.default_interval_seconds);
    auto r = (*store)->AddFeedSource(s);
    if (r.ok()) {
      ++added;
      // The outlet is read for the log's entry only: the feed is followed either way.
      auto source = (*store)->GetSourceStatus(r->source_id);
      if (source.ok())
        AppendCliAudit(**store, "source import-opml", AddedFeedEntry(*source, *r));
      else
        std::cerr << fmt::format("newsdesk: warning: {} is followed, but the audit log did not record it: {}\n",
                                 r->feed_url, source.status().message());
    } else if (r.status().code() == Code::kAlreadyExists) ++known;
    else return r.status().WithContext(s.feed_url);
  }
  fmt::print("{} feeds in {}: {} added, {} already followed\n", sources->size(), path, added, known);
  return Status::Ok();
}

Status RunOpmlExport(const Config& config, const std::string& path) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto list = (*store)->ListSourceStatuses();
  if (!list.ok()) return list.status();
  std::string opml = SourcesToOpml(*list, config.site_name + " sources");
  if (path.empty() || path == "-") {
    std::cout << opml;
    return Status::Ok();
  }
  std::ofstream out(path, std::ios::binary);
  out << opml;
  if (!out) return Status::IOError(path + ": cannot write");
  return Status::Ok();
}

Status RunFetch(const Config& config, const std::string& only_source) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  int64_t only = 0;
  if (!only_source.empty()) {
    auto st = FindSource(**store, only_source);
    if (!st.ok()) return st.status();
    only = st->source.id;
  }
  auto gazetteer = LoadSiteGazetteer(**store);
  if (!gazetteer.ok()) return gazetteer.status();
  SharedTagger tagger(*gazetteer);
  Fetcher fetcher(FetchOptionsFrom(config));
  Ingestor ingestor(**store, **store, fetcher, IngestOptionsFrom(config), &tagger);
  const bool tty = ::isatty(STDERR_FILENO);
  size_t done = 0, total = 0;
  if (!only) {
    auto due = (*store)->DueFeeds(Now(), 1000);
    if (due.ok()) total = due->size();
  } else {
    auto st = (*store)->GetSourceStatus(only);
    total = st.ok() ? std::max<size_t>(1, st->feeds.size()) : 1;
  }
  if (total == 0) {
    fmt::print("no feed is due; new 0, updated 0, unchanged 0, failed 0\n");
    return Status::Ok();
  }
  SourceReport sum;
  int failed_sources = 0;  // feeds whose fetch failed
  auto reports = ingestor.FetchDue(
      Now(),
      [&](const SourceReport& r) {
        ++done;
        const std::string who = r.feed_url.empty() ? r.source_name : fmt::format("{} ({})", r.source_name, r.feed_url);
        std::string line = r.status.ok() ? fmt::format("{}: {} new, {} updated, {} unchanged, {} failed{}", who,
                                                       r.new_articles, r.updated, r.unchanged, r.failed,
                                                       r.not_modified ? " (not modified)" : "")
                                         : fmt::format("{}: failed: {}", who, r.status.message());
        if (tty) {
          const int width = 24;
          int filled = static_cast<int>(width * done / std::max<size_t>(total, 1));
          fmt::print(stderr, "\r\033[K[{}{}] {}/{} {}", std::string(filled, '#'), std::string(width - filled, ' '), done,
                     total, line.substr(0, 80));
          if (done == total) fmt::print(stderr, "\n");
        } else {
          fmt::print(stderr, "{}/{} {}\n", done, total, line);
        }
      },
      only);
  for (const auto& r : reports) {
    sum.new_articles += r.new_articles;
    sum.updated += r.updated;
    sum.unchanged += r.unchanged;
    sum.failed += r.failed;
    failed_sources += !r.status.ok();
  }
  fmt::print("{} feeds: new {}, updated {}, unchanged {}, failed {}{}\n", reports.size(), sum.new_articles, sum.updated,
             sum.unchanged, sum.failed, failed_sources ? fmt::format(" ({} feeds failed)", failed_sources) : "");
  if (only)
    for (const auto& r : reports)
      if (!r.status.ok()) return r.status;
  return Status::Ok();
}

Status RunArticleDelete(const Config& config, int64_t id) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto article = (*store)->GetArticleInAnyState(id);
  ND_RETURN_IF_ERROR((*store)->DeleteArticle(id));
  AppendCliAudit(**store, "article delete",
                 {.action = "article.delete", .target = fmt::format("article:{}", id),
                  .summary = article.ok() ? article->headline : ""});
  fmt::print("deleted article {}; fetching its source again will not bring it back\n", id);
  return Status::Ok();
}

}  // namespace newsdesk
