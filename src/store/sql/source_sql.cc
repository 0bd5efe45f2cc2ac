// source_sql.cc: SourceStore (store/source_store.h): outlets, feeds, fetch state.
#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/minhash.h"
#include "common/text.h"
#include "common/time.h"
#include "model/block_json.h"
#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

// SourceFromRow reads id, slug, name, home_url, country, language from
// columns `first`.. of `st`.
Source SourceFromRow(const Stmt& st, int first) {
  Source s;
  s.id = st.Int(first);
  s.slug = st.Text(first + 1);
  s.name = st.Text(first + 2);
  s.home_url = st.Text(first + 3);
  s.country = st.Text(first + 4);
  s.language = st.Text(first + 5);
  return s;
}

namespace {

// The columns SourceStatusFromRow reads: the source and its first feed `f`
// (none when it is not followed); ?1 is "created since" for the
// articles-per-day figure.
constexpr const char* kSourceStatusColumns =
    "SELECT s.id, s.slug, s.name, s.home_url, s.country, s.language, COALESCE(f.feed_url, ''), "
    "COALESCE(f.fetch_interval_seconds, s.fetch_interval_seconds), s.body_selector, s.drop_selectors, "
    "f.last_fetch_at, COALESCE(f.last_status, ''), COALESCE(f.last_error, ''), COALESCE(f.consecutive_failures, 0), "
    "COALESCE(f.next_fetch_at, 0), COALESCE(f.etag, ''), COALESCE(f.last_modified, ''), "
    "(SELECT COUNT(*) FROM articles a WHERE a.source_id = s.id), "
    "(SELECT COUNT(*) FROM articles a WHERE a.source_id = s.id AND a.created_at >= ?1) "
    "FROM sources s LEFT JOIN source_feeds f ON f.id = (SELECT MIN(g.id) FROM source_feeds g WHERE g.source_id = s.id) ";

// The columns FeedStatusFromRow reads.
constexpr const char* kFeedColumns =
    "SELECT f.id, f.source_id, f.feed_url, f.language, f.fetch_interval_seconds, f.last_fetch_at, f.last_status, "
    "f.last_error, f.consecutive_failures, f.next_fetch_at, f.etag, f.last_modified FROM source_feeds f ";

FeedStatus FeedStatusFromRow(const Stmt& st) {
  FeedStatus f;
  f.id = st.Int(0);
  f.source_id = st.Int(1);
  f.feed_url = st.Text(2);
  f.language = st.Text(3);
  f.fetch_interval_seconds = static_cast<int>(st.Int(4));
  if (!st.IsNull(5)) f.last_fetch_at = TimePoint{std::chrono::seconds{st.Int(5)}};
  f.last_status = st.Text(6);
  f.last_error = st.Text(7);
  f.consecutive_failures = static_cast<int>(st.Int(8));
  f.next_fetch_at = TimePoint{std::chrono::seconds{st.Int(9)}};
  f.etag = st.Text(10);
  f.last_modified = st.Text(11);
  return f;
}

SourceStatus SourceStatusFromRow(const Stmt& st) {
  SourceStatus out;
  out.source = SourceFromRow(st, 0);
  out.source.feed_url = st.Text(6);
  out.source.fetch_interval_seconds = static_cast<int>(st.Int(7));
  out.source.body_selector = st.Text(8);
  auto drops = nlohmann::json::parse(st.Text(9), nullptr, false);
  if (drops.is_array())
    for (const auto& d : drops)
      if (d.is_string()) out.source.drop_selectors.push_back(d.get<std::string>());
  if (!st.IsNull(10)) out.last_fetch_at = TimePoint{std::chrono::seconds{st.Int(10)}};
  out.last_status = st.Text(11);
  out.last_error = st.Text(12);
  out.consecutive_failures = static_cast<int>(st.Int(13));
  out.next_fetch_at = TimePoint{std::chrono::seconds{st.Int(14)}};
  out.etag = st.Text(15);
  out.last_modified = st.Text(16);
  out.article_count = st.Int(17);
  out.articles_per_day = static_cast<double>(st.Int(18)) / 7.0;
  return out;
}

constexpr int64_t kWeekSeconds = 7 * 24 * 3600;



}  // namespace

Result<Source> SqlStore::GetSourceBySlug(const std::string& slug) {
  return WithConnection<Source>([&](Connection& c) -> Result<Source> {
    auto p = c.Prepare("SELECT id, slug, name, home_url, country, language FROM sources WHERE slug = ?");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, slug);
    int rc = st.Step();
    if (rc == kDone) return Status::NotFound(fmt::format("no source '{}'", slug));
    if (rc != kRow) return Status::IOError(c.LastError());
    return SourceFromRow(st, 0);
  });
}

Result<std::vector<Source>> SqlStore::ListSources() {
  return WithConnection<std::vector<Source>>([&](Connection& c) -> Result<std::vector<Source>> {
    auto p = c.Prepare("SELECT id, slug, name, home_url, country, language FROM sources ORDER BY name");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    std::vector<Source> out;
    int rc;
    while ((rc = st.Step()) == kRow)
      out.push_back(SourceFromRow(st, 0));
    if (rc != kDone) return Status::IOError(c.LastError());
    return out;
  });
}

Result<FeedStatus> SqlStore::AddFeedSource(const Source& s) {
  auto id = WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
    Transaction tx(c);
    ND_RETURN_IF_ERROR(tx.status());
    {
      auto p = c.Prepare("SELECT id, source_id FROM source_feeds WHERE feed_url = ?");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, s.feed_url);
      if (st.Step() == kRow)
        return Status::AlreadyExists(
            fmt::format("{} is followed already (feed {} of source {})", s.feed_url, st.Int(0), st.Int(1)));
    }
    // The outlet: followed already (this feed joins its others), or not.
    std::optional<int64_t> followed;
    std::string outlet_language;
    {
      auto p = c.Prepare(
          "SELECT s.id, s.language FROM sources s WHERE s.home_url = ? "
          "AND EXISTS (SELECT 1 FROM source_feeds f WHERE f.source_id = s.id)");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, s.home_url);
      int rc = st.Step();
      if (rc == kRow) {
        followed = st.Int(0);
        outlet_language = st.Text(1);
      } else if (rc != kDone) {
        return Status::IOError(c.LastError());
      }
    }
    int64_t sid = 0;
    if (followed) {
      sid = *followed;
    } else {
      auto upserted = UpsertSource(c, s);
      if (!upserted.ok()) return upserted.status();
      sid = *upserted;
    }
    if (!followed || !s.body_selector.empty() || !s.drop_selectors.empty()) {
      auto p = c.Prepare("UPDATE sources SET body_selector = ?1, drop_selectors = ?2 WHERE id = ?3");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, s.body_selector).Bind(2, nlohmann::json(s.drop_selectors).dump()).Bind(3, sid);
      if (st.Step() != kDone) return Status::IOError(c.LastError());
    }
    auto p = c.Prepare(
        "INSERT INTO source_feeds (source_id, feed_url, language, fetch_interval_seconds) VALUES (?1, ?2, ?3, ?4)");
    if (!p.ok()) return p.status();
    {
      Stmt st(*p);
      st.Bind(1, sid).Bind(2, s.feed_url).Bind(3, followed && s.language != outlet_language ? s.language : "")
          .Bind(4, static_cast<int64_t>(s.fetch_interval_seconds));
      int rc = st.Step();
      if (rc == kUniqueViolation) return Status::AlreadyExists(fmt::format("{} is followed already", s.feed_url));
      if (rc != kDone) return Status::IOError(c.LastError());
    }
    auto feed_id = c.LastInsertId();
    if (!feed_id.ok()) return feed_id.status();
    ND_RETURN_IF_ERROR(RecordChange(c, "source", sid, NowSeconds()));
    ND_RETURN_IF_ERROR(tx.Commit());
    return *feed_id;
  });
  if (!id.ok()) return id.status();
  return GetFeedStatus(*id);
}

Result<SourceStatus> SqlStore::GetSourceStatus(int64_t id) {
  return WithConnection<SourceStatus>([&](Connection& c) -> Result<SourceStatus> {
    auto p = c.Prepare(std::string(kSourceStatusColumns) + "WHERE s.id = ?2");
    if (!p.ok()) return p.status();
    std::vector<SourceStatus> one;
    {
      Stmt st(*p);
      st.Bind(1, NowSeconds() - kWeekSeconds).Bind(2, id);
      int rc = st.Step();
      if (rc == kDone) return Status::NotFound(fmt::format("no source {}", id));
      if (rc != kRow) return Status::IOError(c.LastError());
      one.push_back(SourceStatusFromRow(st));
    }
    ND_RETURN_IF_ERROR(AttachFeeds(c, one));
    return std::move(one[0]);
  });
}

Result<FeedStatus> SqlStore::GetFeedStatus(int64_t id) {
  return WithConnection<FeedStatus>([&](Connection& c) -> Result<FeedStatus> {
    auto p = c.Prepare(std::string(kFeedColumns) + "WHERE f.id = ?");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, id);
    int rc = st.Step();
    if (rc == kDone) return Status::NotFound(fmt::format("no feed {}", id));
    if (rc != kRow) return Status::IOError(c.LastError());
    return FeedStatusFromRow(st);
  });
}

Result<std::vector<SourceStatus>> SqlStore::ListSourceStatuses() {
  return ListStatuses(std::string(kSourceStatusColumns) + "ORDER BY s.name, s.id");
}

Result<std::vector<FeedStatus>> SqlStore::DueFeeds(TimePoint now, int limit) {
  return WithConnection<std::vector<FeedStatus>>([&](Connection& c) -> Result<std::vector<FeedStatus>> {
    return sql::QueryAll<FeedStatus>(c, std::string(kFeedColumns) + "WHERE f.next_fetch_at <= ?1 ORDER BY f.next_fetch_at, f.id LIMIT ?2",
        [&](Stmt& st) { st.Bind(1, now.time_since_epoch().count()).Bind(2, static_cast<int64_t>(limit)); },
        [&](const Stmt& st) { return FeedStatusFromRow(st); });
  });
}

Status SqlStore::RemoveSource(int64_t id) {
  auto r = WithConnection<bool>([&](Connection& c) -> Result<bool> {
    Transaction tx(c);
    ND_RETURN_IF_ERROR(tx.status());
    ND_RETURN_IF_ERROR(StopFollowing(c, id));
    ND_RETURN_IF_ERROR(RecordChange(c, "source", id, NowSeconds()));
    ND_RETURN_IF_ERROR(tx.Commit());
    return true;
  });
  return r.status();
}

Status SqlStore::RemoveFeed(int64_t id) {
  auto r = WithConnection<bool>([&](Connection& c) -> Result<bool> {
    Transaction tx(c);
    ND_RETURN_IF_ERROR(tx.status());
    int64_t sid = 0;
    {
      auto p = c.Prepare("SELECT source_id FROM source_feeds WHERE id = ?");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, id);
      int rc = st.Step();
      if (rc == kDone) return Status::NotFound(fmt::format("no feed {}", id));
      if (rc != kRow) return Status::IOError(c.LastError());
      sid = st.Int(0);
    }
    {
      auto p = c.Prepare("DELETE FROM source_feeds WHERE id = ?");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, id);
      if (st.Step() != kDone) return Status::IOError(c.LastError());
    }
    int64_t left = 0;
    {
      auto p = c.Prepare("SELECT COUNT(*) FROM source_feeds WHERE source_id = ?");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, sid);
      if (st.Step() != kRow) return Status::IOError(c.LastError());
      left = st.Int(0);
    }
    if (left == 0) ND_RETURN_IF_ERROR(StopFollowing(c, sid));
    ND_RETURN_IF_ERROR(RecordChange(c, "source", sid, NowSeconds()));
    ND_RETURN_IF_ERROR(tx.Commit());
    return true;
  });
  return r.status();
}

Status SqlStore::RecordFetch(int64_t feed_id, const FetchOutcome& o) {
  auto r = WithConnection<bool>([&](Connection& c) -> Result<bool> {
    auto p = c.Prepare(
        "UPDATE source_feeds SET last_fetch_at = ?1, last_status = ?2, last_error = ?3, "
        "consecutive_failures = CASE WHEN ?4 <> 0 THEN 0 ELSE consecutive_failures + 1 END, "
        "etag = CASE WHEN ?4 <> 0 AND ?5 <> '' THEN ?5 ELSE etag END, "
        "last_modified = CASE WHEN ?4 <> 0 AND ?6 <> '' THEN ?6 ELSE last_modified END, "
        "next_fetch_at = ?7 WHERE id = ?8");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, o.at.time_since_epoch().count()).Bind(2, o.status).Bind(3, o.error).Bind(4, int64_t{o.ok})
        .Bind(5, o.etag).Bind(6, o.last_modified).Bind(7, o.next_fetch_at.time_since_epoch().count())
        .Bind(8, feed_id);
    if (st.Step() != kDone) return Status::IOError(c.LastError());
    if (c.Changes() == 0) return Status::NotFound(fmt::format("no feed {}", feed_id));
    return true;
  });
  return r.status();
}

Result<std::vector<SourceStatus>> SqlStore::ListStatuses(const std::string& sql) {
  return WithConnection<std::vector<SourceStatus>>([&](Connection& c) -> Result<std::vector<SourceStatus>> {
    auto p = c.Prepare(sql);
    if (!p.ok()) return p.status();
    std::vector<SourceStatus> out;
    {
      Stmt st(*p);
      st.Bind(1, NowSeconds() - kWeekSeconds);
      int rc;
      while ((rc = st.Step()) == kRow) out.push_back(SourceStatusFromRow(st));
      if (rc != kDone) return Status::IOError(c.LastError());
    }
    ND_RETURN_IF_ERROR(AttachFeeds(c, out));
    return out;
  });
}

// AttachFeeds fills in every feed of each source in `list`, by feed id.
Status SqlStore::AttachFeeds(Connection& c, std::vector<SourceStatus>& list) {
  if (list.empty()) return Status::Ok();
  std::unordered_map<int64_t, SourceStatus*> by_id;
  for (auto& st : list) by_id[st.source.id] = &st;
  const bool one = list.size() == 1;
  auto p = c.Prepare(std::string(kFeedColumns) + (one ? "WHERE f.source_id = ? " : "") + "ORDER BY f.source_id, f.id");
  if (!p.ok()) return p.status();
  Stmt st(*p);
  if (one) st.Bind(1, list[0].source.id);
  int rc;
  while ((rc = st.Step()) == kRow) {
    FeedStatus f = FeedStatusFromRow(st);
    auto it = by_id.find(f.source_id);
    if (it != by_id.end()) it->second->feeds.push_back(std::move(f));
  }
  if (rc != kDone) return Status::IOError(c.LastError());
  return Status::Ok();
}

// StopFollowing removes every feed of source `id`: a source with articles
// stays for their attribution, one without is forgotten with its tombstones.
Status SqlStore::StopFollowing(Connection& c, int64_t id) {
  int64_t articles = 0;
  {
    auto p = c.Prepare("SELECT COUNT(*) FROM articles WHERE source_id = ?");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, id);
    if (st.Step() != kRow) return Status::IOError(c.LastError());
    articles = st.Int(0);
  }
  {
    auto p = c.Prepare("DELETE FROM source_feeds WHERE source_id = ?");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, id);
    if (st.Step() != kDone) return Status::IOError(c.LastError());
  }
  // feed_url is cleared too: sources from before migration 10 still hold one.
  auto p = c.Prepare(articles ? "UPDATE sources SET feed_url = NULL, next_fetch_at = 0 WHERE id = ?"
                              : "DELETE FROM sources WHERE id = ?");
  if (!p.ok()) return p.status();
  {
    Stmt st(*p);
    st.Bind(1, id);
    if (st.Step() != kDone) return Status::IOError(c.LastError());
  }
  if (c.Changes() == 0) return Status::NotFound(fmt::format("no source {}", id));
  if (!articles) {
    auto t = c.Prepare("DELETE FROM tombstones WHERE source_id = ?");
    if (!t.ok()) return t.status();
    Stmt st(*t);
    st.Bind(1, id);
    if (st.Step() != kDone) return Status::IOError(c.LastError());
  }
  return Status::Ok();
}

Result<int64_t> SqlStore::UpsertSource(Connection& c, const Source& s) {
  auto find = c.Prepare("SELECT id FROM sources WHERE home_url = ?");
  if (!find.ok()) return find.status();
  {
    Stmt st(*find);
    st.Bind(1, s.home_url);
    if (st.Step() == kRow) {
      int64_t id = st.Int(0);
      auto upd = c.Prepare("UPDATE sources SET name = ?, country = ?, language = ? WHERE id = ?");
      if (!upd.ok()) return upd.status();
      Stmt u(*upd);
      u.Bind(1, s.name).Bind(2, s.country).Bind(3, s.language).Bind(4, id);
      if (u.Step() != kDone) return Status::IOError(c.LastError());
      return id;
    }
  }
  // A new source: its slug comes from its name, made unique with a suffix.
  const std::string base = s.slug.empty() ? Slugify(s.name, 60) : s.slug;
  auto taken = c.Prepare("SELECT 1 FROM sources WHERE slug = ?");
  if (!taken.ok()) return taken.status();
  std::string slug = base;
  for (int n = 2;; ++n) {
    Stmt st(*taken);
    st.Bind(1, slug);
    if (st.Step() != kRow) break;
    slug = fmt::format("{}-{}", base, n);
  }
  auto ins = c.Prepare("INSERT INTO sources (slug, name, home_url, country, language) VALUES (?, ?, ?, ?, ?)");
  if (!ins.ok()) return ins.status();
  Stmt st(*ins);
  st.Bind(1, slug).Bind(2, s.name).Bind(3, s.home_url).Bind(4, s.country).Bind(5, s.language);
  if (st.Step() != kDone) return Status::IOError(c.LastError());
  return c.LastInsertId();
}

}  // namespace newsdesk::sql
