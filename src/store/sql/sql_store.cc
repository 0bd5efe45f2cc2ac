#include "store/sql/sql_store.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <tuple>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "common/minhash.h"
#include "common/time.h"
#include "common/text.h"
#include <nlohmann/json.hpp>
#include "model/block_json.h"
#include "store/sql/connection.h"
#include "store/sql/migrations.h"
#include "store/sql/pool.h"

namespace newsdesk {

namespace {

using sql::Connection;
using sql::Stmt;
using sql::Transaction;
using sql::kDone;
using sql::kRow;
using sql::kUniqueViolation;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const char* TranslatedByName(TranslatedBy by) { return by == TranslatedBy::kHuman ? "human" : "machine"; }

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

// SummaryFromRow reads a.id, a.slug, a.language, a.headline,
// a.published_at, a.lead and the six source columns (12 in all).
ArticleSummary SummaryFromRow(const Stmt& st) {
  ArticleSummary a;
  a.id = st.Int(0);
  a.slug = st.Text(1);
  a.language = st.Text(2);
  a.headline = st.Text(3);
  a.published_at = TimePoint{std::chrono::seconds{st.Int(4)}};
  a.lead = st.Text(5);
  a.source = SourceFromRow(st, 6);
  return a;
}

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
// Near-duplicates are looked for among articles published this close in time.
constexpr int64_t kStoryWindowSeconds = 3 * 24 * 3600;

// SqlStore is the Store on either database: the SQL is written once, and
// `open_` makes a connection of the chosen kind (see store/sql/connection.h).
class SqlStore final : public Store {
 public:
  using Opener = sql::Pool::Opener;

  using ListenerOpener = std::function<Result<std::unique_ptr<sql::Listener>>()>;

  SqlStore(Opener open, ListenerOpener listen, std::string where, size_t max_connections)
      : pool_(std::move(open), max_connections), listen_(std::move(listen)), where_(std::move(where)) {}

  std::unique_ptr<ChangeListener> ListenForChanges() override {
    if (!listen_) return nullptr;
    struct Adapter final : ChangeListener {
      explicit Adapter(std::unique_ptr<sql::Listener> l) : l_(std::move(l)) {}
      bool Wait(std::chrono::milliseconds timeout) override { return l_->Wait(timeout); }
      std::unique_ptr<sql::Listener> l_;
    };
    auto l = listen_();
    if (!l.ok()) return nullptr;  // callers poll instead
    return std::make_unique<Adapter>(std::move(*l));
  }

  Status Init() {
    auto conn = pool_.Open();
    if (!conn.ok()) return conn.status();
    auto& c = **conn;
    dialect_ = c.dialect();
    if (dialect_ == sql::Dialect::kSqlite) {
      // WAL is a property of the file: set once, readers then never block the writer.
      ND_RETURN_IF_ERROR(c.Exec("PRAGMA journal_mode = WAL").WithContext(
          fmt::format("cannot write database {}", where_)));
    }
    ND_RETURN_IF_ERROR(Migrate(c).WithContext(fmt::format("cannot migrate database {}", where_)));
    pool_.Adopt(std::move(*conn));
    return Status::Ok();
  }

  Result<UpsertSummary> UpsertArticles(const std::vector<ArticleRecord>& records) override {
    return WithConnection<UpsertSummary>([&](Connection& c) -> Result<UpsertSummary> {
      Transaction tx(c);
      ND_RETURN_IF_ERROR(tx.status());
      UpsertSummary summary;
      std::unordered_map<std::string, int64_t> source_ids;  // by home URL, within this batch
      const int64_t now = NowSeconds();
      for (size_t i = 0; i < records.size(); ++i) {
        const ArticleRecord& r = records[i];
        int64_t source_id;
        if (r.source.id != 0) {
          source_id = r.source.id;
        } else if (auto it = source_ids.find(r.source.home_url); it != source_ids.end()) {
          source_id = it->second;
        } else {
          auto sid = UpsertSource(c, r.source);
          if (!sid.ok()) return sid.status().WithContext(fmt::format("record {}", i + 1));
          source_id = *sid;
          source_ids.emplace(r.source.home_url, source_id);
        }
        auto id = UpsertArticle(c, r, source_id, now, summary);
        if (!id.ok()) return id.status().WithContext(fmt::format("record {} ({})", i + 1, r.url));
        if (*id == 0) {  // deleted by an editor
          summary.ids.push_back(0);
          continue;
        }
        for (const auto& t : r.translations) {
          ND_RETURN_IF_ERROR(UpsertTranslation(c, *id, t, now).WithContext(fmt::format("record {}", i + 1)));
        }
        ND_RETURN_IF_ERROR(WriteMentions(c, *id, r.mentions).WithContext(fmt::format("record {}", i + 1)));
        ND_RETURN_IF_ERROR(WriteCandidates(c, *id, r.candidates).WithContext(fmt::format("record {}", i + 1)));
        ND_RETURN_IF_ERROR(RecordChange(c, "article", *id, now));
        summary.ids.push_back(*id);
      }
      ND_RETURN_IF_ERROR(tx.Commit());
      return summary;
    });
  }

  Result<Article> GetArticle(int64_t id) override {
    return WithConnection<Article>([&](Connection& c) -> Result<Article> {
      auto p = c.Prepare(
          "SELECT a.id, a.slug, a.url, a.canonical_url, a.language, a.headline, a.dateline, a.published_at, "
          "a.image_url, a.image_credit, a.image_caption, a.rights, a.body, a.view_count, "
          "s.id, s.slug, s.name, s.home_url, s.country, s.language, a.author, a.language_confidence, a.story_id "
          "FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = ?");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, id);
      int rc = st.Step();
      if (rc == kDone) return Status::NotFound(fmt::format("no article {}", id));
      if (rc != kRow) return Status::IOError(c.LastError());
      Article a;
      a.id = st.Int(0);
      a.slug = st.Text(1);
      a.url = st.Text(2);
      a.canonical_url = st.Text(3);
      a.language = st.Text(4);
      a.headline = st.Text(5);
      a.dateline = st.Text(6);
      a.published_at = TimePoint{std::chrono::seconds{st.Int(7)}};
      if (!st.IsNull(8)) a.image = Image{st.Text(8), st.Text(9), st.Text(10)};
      a.rights = st.Text(11);
      auto body = BlocksFromJsonText(st.Text(12));
      if (!body.ok()) return body.status().WithContext(fmt::format("article {}", id));
      a.body = std::move(*body);
      a.view_count = st.Int(13);
      a.source = SourceFromRow(st, 14);
      a.author = st.Text(20);
      a.language_confidence = static_cast<int>(st.Int(21));
      a.story_id = st.Int(22);

      auto mq = c.Prepare(
          "SELECT entity, count, first_offset FROM article_mentions WHERE article_id = ? "
          "ORDER BY count DESC, first_offset, entity");
      if (!mq.ok()) return mq.status();
      {
        Stmt ms(*mq);
        ms.Bind(1, id);
        int mrc;
        while ((mrc = ms.Step()) == kRow)
          a.mentions.push_back(MentionRecord{ms.Text(0), static_cast<int>(ms.Int(1)), static_cast<int>(ms.Int(2))});
        if (mrc != kDone) return Status::IOError(c.LastError());
      }

      auto q = c.Prepare("SELECT language FROM article_translations WHERE article_id = ? ORDER BY language");
      if (!q.ok()) return q.status();
      Stmt tl(*q);
      tl.Bind(1, id);
      while ((rc = tl.Step()) == kRow) a.translation_languages.push_back(tl.Text(0));
      if (rc != kDone) return Status::IOError(c.LastError());
      return a;
    });
  }

  Result<Translation> GetTranslation(int64_t id, const std::string& language) override {
    return WithConnection<Translation>([&](Connection& c) -> Result<Translation> {
      auto p = c.Prepare(
          "SELECT headline, dateline, body, produced_by FROM article_translations "
          "WHERE article_id = ? AND language = ?");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, id).Bind(2, language);
      int rc = st.Step();
      if (rc == kDone) return Status::NotFound(fmt::format("translation of article {} into {}", id, language));
      if (rc != kRow) return Status::IOError(c.LastError());
      Translation t;
      t.language = language;
      t.headline = st.Text(0);
      t.dateline = st.Text(1);
      auto body = BlocksFromJsonText(st.Text(2));
      if (!body.ok()) return body.status();
      t.body = std::move(*body);
      t.by = st.Text(3) == "human" ? TranslatedBy::kHuman : TranslatedBy::kMachine;
      return t;
    });
  }

  Result<ArticlePage> ListArticles(const ArticleQuery& q) override {
    if (q.limit < 1 || q.limit > 200) return Status::InvalidArgument("limit must be from 1 to 200");
    // The SQL is assembled from fixed fragments only; every value is bound.
    std::string sql =
        "SELECT a.id, a.slug, a.language, a.headline, a.published_at, a.lead, "
        "s.id, s.slug, s.name, s.home_url, s.country, s.language, "
        "t.headline, t.dateline, t.lead, t.produced_by, a.story_id "
        "FROM articles a JOIN sources s ON s.id = a.source_id "
        "LEFT JOIN article_translations t ON t.article_id = a.id AND t.language = ?1 WHERE 1 = 1";
    if (q.language) sql += " AND a.language = ?2";
    if (q.source_id) sql += " AND a.source_id = ?3";
    if (q.after) sql += " AND (a.published_at < ?4 OR (a.published_at = ?4 AND a.id < ?5))";
    if (q.entity) sql += " AND a.id IN (SELECT article_id FROM article_mentions WHERE entity = ?7)";
    if (q.one_per_story)
      sql += " AND NOT EXISTS (SELECT 1 FROM articles b WHERE b.story_id = a.story_id AND "
             "(b.published_at > a.published_at OR (b.published_at = a.published_at AND b.id > a.id)))";
    sql += " ORDER BY a.published_at DESC, a.id DESC LIMIT ?6";
    return WithConnection<ArticlePage>([&](Connection& c) -> Result<ArticlePage> {
      auto p = c.Prepare(sql);
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, q.edition);
      if (q.language) st.Bind(2, *q.language);
      if (q.source_id) st.Bind(3, *q.source_id);
      if (q.after) st.Bind(4, static_cast<int64_t>(q.after->published_at.time_since_epoch().count())).Bind(5, q.after->id);
      st.Bind(6, static_cast<int64_t>(q.limit + 1));
      if (q.entity) st.Bind(7, *q.entity);
      ArticlePage page;
      int rc;
      while ((rc = st.Step()) == kRow) {
        ArticleSummary s = SummaryFromRow(st);
        s.story_id = st.Int(16);
        if (!st.IsNull(12)) {
          Translation t;
          t.language = q.edition;
          t.headline = st.Text(12);
          t.dateline = st.Text(13);
          t.body = {Block{BlockType::kParagraph, st.Text(14), {}, {}, {}, {}}};
          t.by = st.Text(15) == "human" ? TranslatedBy::kHuman : TranslatedBy::kMachine;
          s.translation = std::move(t);
        }
        page.items.push_back(std::move(s));
      }
      if (rc != kDone) return Status::IOError(c.LastError());
      if (page.items.size() > static_cast<size_t>(q.limit)) {
        page.items.pop_back();
        page.next = ArticleCursor{page.items.back().published_at, page.items.back().id};
      }
      return page;
    });
  }

  Result<Source> GetSourceBySlug(const std::string& slug) override {
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

  Result<std::vector<Source>> ListSources() override {
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

  Result<ArticleKey> LookupArticle(int64_t source_id, const std::string& url, const std::string& guid) override {
    return WithConnection<ArticleKey>([&](Connection& c) { return FindKey(c, source_id, url, guid); });
  }

  Status DeleteArticle(int64_t id) override {
    auto r = WithConnection<bool>([&](Connection& c) -> Result<bool> {
      Transaction tx(c);
      ND_RETURN_IF_ERROR(tx.status());
      const int64_t now = NowSeconds();
      auto tomb = c.Prepare(
          "INSERT INTO tombstones (url, source_id, guid, deleted_at) "
          "SELECT url, source_id, guid, ?2 FROM articles WHERE id = ?1 "
          "ON CONFLICT (url) DO UPDATE SET source_id = excluded.source_id, guid = excluded.guid, "
          "deleted_at = excluded.deleted_at");
      if (!tomb.ok()) return tomb.status();
      {
        Stmt st(*tomb);
        st.Bind(1, id).Bind(2, now);
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      auto del = c.Prepare("DELETE FROM articles WHERE id = ?");
      if (!del.ok()) return del.status();
      {
        Stmt st(*del);
        st.Bind(1, id);
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      if (c.Changes() == 0) return Status::NotFound(fmt::format("no article {}", id));
      ND_RETURN_IF_ERROR(RecordChange(c, "article", id, now));
      ND_RETURN_IF_ERROR(tx.Commit());
      return true;
    });
    return r.status();
  }

  Result<std::vector<ArticleSummary>> StoryArticles(int64_t story_id) override {
    return WithConnection<std::vector<ArticleSummary>>([&](Connection& c) -> Result<std::vector<ArticleSummary>> {
      auto p = c.Prepare(
          "SELECT a.id, a.slug, a.language, a.headline, a.published_at, a.lead, "
          "s.id, s.slug, s.name, s.home_url, s.country, s.language "
          "FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.story_id = ? "
          "ORDER BY a.published_at DESC, a.id DESC LIMIT 50");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, story_id);
      std::vector<ArticleSummary> out;
      int rc;
      while ((rc = st.Step()) == kRow) {
        ArticleSummary a = SummaryFromRow(st);
        a.story_id = story_id;
        out.push_back(std::move(a));
      }
      if (rc != kDone) return Status::IOError(c.LastError());
      return out;
    });
  }

  Result<FeedStatus> AddFeedSource(const Source& s) override {
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

  Result<SourceStatus> GetSourceStatus(int64_t id) override {
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

  Result<FeedStatus> GetFeedStatus(int64_t id) override {
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

  Result<std::vector<SourceStatus>> ListSourceStatuses() override {
    return ListStatuses(std::string(kSourceStatusColumns) + "ORDER BY s.name, s.id");
  }

  Result<std::vector<FeedStatus>> DueFeeds(TimePoint now, int limit) override {
    return WithConnection<std::vector<FeedStatus>>([&](Connection& c) -> Result<std::vector<FeedStatus>> {
      return sql::QueryAll<FeedStatus>(c, std::string(kFeedColumns) + "WHERE f.next_fetch_at <= ?1 ORDER BY f.next_fetch_at, f.id LIMIT ?2",
          [&](Stmt& st) { st.Bind(1, now.time_since_epoch().count()).Bind(2, static_cast<int64_t>(limit)); },
          [&](const Stmt& st) { return FeedStatusFromRow(st); });
    });
  }

  Status RemoveSource(int64_t id) override {
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

  Status RemoveFeed(int64_t id) override {
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

  Status RecordFetch(int64_t feed_id, const FetchOutcome& o) override {
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

  Status ReplaceTags(int64_t article_id, const std::vector<MentionRecord>& mentions,
                     const std::vector<NameCandidate>& candidates) override {
    return Write([&](Connection& c) -> Status {
      ND_RETURN_IF_ERROR(WriteMentions(c, article_id, mentions));
      ND_RETURN_IF_ERROR(WriteCandidates(c, article_id, candidates));
      return RecordChange(c, "article", article_id, NowSeconds());
    });
  }

  Result<std::vector<DayCount>> MentionsPerDay(const std::string& entity, TimePoint from, TimePoint to) override {
    return WithConnection<std::vector<DayCount>>([&](Connection& c) -> Result<std::vector<DayCount>> {
      auto p = c.Prepare(
          "SELECT (a.published_at / 86400) * 86400 AS day, COUNT(*) FROM article_mentions m "
          "JOIN articles a ON a.id = m.article_id WHERE m.entity = ?1 AND a.published_at >= ?2 AND a.published_at < ?3 "
          "GROUP BY day ORDER BY day");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, entity).Bind(2, from.time_since_epoch().count()).Bind(3, to.time_since_epoch().count());
      std::vector<DayCount> out;
      int rc;
      while ((rc = st.Step()) == kRow)
        out.push_back(DayCount{TimePoint{std::chrono::seconds{st.Int(0)}}, st.Int(1)});
      if (rc != kDone) return Status::IOError(c.LastError());
      return out;
    });
  }

  Result<std::vector<EntityCount>> CoMentioned(const std::string& entity, int limit) override {
    return EntityCounts(
        "SELECT o.entity, COUNT(*) AS n FROM article_mentions m JOIN article_mentions o "
        "ON o.article_id = m.article_id AND o.entity <> m.entity WHERE m.entity = ?1 "
        "GROUP BY o.entity ORDER BY n DESC, o.entity LIMIT ?2",
        [&](Stmt& st) { st.Bind(1, entity).Bind(2, static_cast<int64_t>(limit)); });
  }

  Result<std::vector<EntityCount>> TopEntities(TimePoint since, int limit) override {
    return EntityCounts(
        "SELECT m.entity, COUNT(*) AS n FROM article_mentions m JOIN articles a ON a.id = m.article_id "
        "WHERE a.published_at >= ?1 GROUP BY m.entity ORDER BY n DESC, m.entity LIMIT ?2",
        [&](Stmt& st) { st.Bind(1, since.time_since_epoch().count()).Bind(2, static_cast<int64_t>(limit)); });
  }

  Result<std::vector<int64_t>> ArticleIds() override {
    return WithConnection<std::vector<int64_t>>([&](Connection& c) -> Result<std::vector<int64_t>> {
      return sql::QueryAll<int64_t>(c, "SELECT id FROM articles ORDER BY id",
          sql::NoParameters,
          [&](const Stmt& st) { return st.Int(0); });
    });
  }

  Result<std::vector<CandidateSummary>> ListCandidates(int min_articles, int limit) override {
    return WithConnection<std::vector<CandidateSummary>>([&](Connection& c) -> Result<std::vector<CandidateSummary>> {
      // One row per (key, form), the most used form of each key first.
      auto p = c.Prepare(
          "WITH keys AS (SELECT key, COUNT(*) AS articles, SUM(count) AS mentions FROM article_candidates "
          "  WHERE key NOT IN (SELECT key FROM dismissed_candidates) GROUP BY key HAVING COUNT(*) >= ?1 "
          "  ORDER BY articles DESC, mentions DESC, key LIMIT ?2) "
          "SELECT k.key, k.articles, k.mentions, c.form, MAX(c.language), COUNT(*) AS n, MAX(a.published_at) "
          "FROM keys k JOIN article_candidates c ON c.key = k.key JOIN articles a ON a.id = c.article_id "
          "GROUP BY k.key, k.articles, k.mentions, c.form ORDER BY k.articles DESC, k.mentions DESC, k.key, n DESC, c.form");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, static_cast<int64_t>(std::max(1, min_articles))).Bind(2, static_cast<int64_t>(limit));
      std::vector<CandidateSummary> out;
      int rc;
      while ((rc = st.Step()) == kRow) {
        const TimePoint seen{std::chrono::seconds{st.Int(6)}};
        if (!out.empty() && out.back().key == st.Text(0)) {
          out.back().last_seen = std::max(out.back().last_seen, seen);
          continue;
        }
        out.push_back(CandidateSummary{st.Text(0), st.Text(3), st.Text(4), st.Int(1), st.Int(2), seen});
      }
      if (rc != kDone) return Status::IOError(c.LastError());
      return out;
    });
  }

  Status DismissCandidate(const std::string& key) override {
    return Write([&](Connection& c) -> Status {
      return sql::Exec(c, "INSERT INTO dismissed_candidates (key, dismissed_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
          [&](Stmt& st) { st.Bind(1, key).Bind(2, NowSeconds()); });
    });
  }

  Status PutEntityEdit(const EntityEdit& edit) override {
    return Write([&](Connection& c) -> Status {
      ND_RETURN_IF_ERROR(WriteEntityEdit(c, edit));
      return RecordChange(c, "gazetteer", 0, NowSeconds());
    });
  }

  Result<std::vector<EntityEdit>> ListEntityEdits() override {
    return WithConnection<std::vector<EntityEdit>>([&](Connection& c) -> Result<std::vector<EntityEdit>> {
      auto p = c.Prepare("SELECT id, definition, updated_at FROM entity_edits ORDER BY id");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      std::vector<EntityEdit> out;
      int rc;
      while ((rc = st.Step()) == kRow)
        out.push_back(EntityEdit{st.Text(0), st.Text(1), TimePoint{std::chrono::seconds{st.Int(2)}}});
      if (rc != kDone) return Status::IOError(c.LastError());
      return out;
    });
  }

  Status MergeEntities(const std::string& from, const EntityEdit& into) override {
    if (from == into.id) return Status::InvalidArgument(fmt::format("cannot merge '{}' into itself", from));
    return Write([&](Connection& c) -> Status {
      const int64_t now = NowSeconds();
      std::vector<int64_t> touched;
      {
        auto p = c.Prepare("SELECT article_id FROM article_mentions WHERE entity = ?");
        if (!p.ok()) return p.status();
        Stmt st(*p);
        st.Bind(1, from);
        int rc;
        while ((rc = st.Step()) == kRow) touched.push_back(st.Int(0));
        if (rc != kDone) return Status::IOError(c.LastError());
      }
      const char* statements[] = {
          // WHERE is required before ON CONFLICT in INSERT … SELECT.
          "INSERT INTO article_mentions (article_id, entity, count, first_offset) "
          "SELECT article_id, ?2, count, first_offset FROM article_mentions WHERE entity = ?1 "
          "ON CONFLICT (article_id, entity) DO UPDATE SET count = article_mentions.count + excluded.count, "
          "first_offset = CASE WHEN excluded.first_offset < article_mentions.first_offset "
          "THEN excluded.first_offset ELSE article_mentions.first_offset END",
          "DELETE FROM article_mentions WHERE entity = ?1",
          "UPDATE entity_redirects SET to_id = ?2 WHERE to_id = ?1",
          "DELETE FROM entity_redirects WHERE from_id = ?2",
          "INSERT INTO entity_redirects (from_id, to_id, merged_at) VALUES (?1, ?2, ?3) "
          "ON CONFLICT (from_id) DO UPDATE SET to_id = excluded.to_id, merged_at = excluded.merged_at",
          "DELETE FROM entity_edits WHERE id = ?1",
      };
      for (const char* sql : statements) {
        auto p = c.Prepare(sql);
        if (!p.ok()) return p.status();
        Stmt st(*p);
        st.Bind(1, from).Bind(2, into.id);
        if (std::string_view(sql).find("?3") != std::string_view::npos) st.Bind(3, now);
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      ND_RETURN_IF_ERROR(WriteEntityEdit(c, into));
      for (int64_t id : touched) ND_RETURN_IF_ERROR(RecordChange(c, "article", id, now));
      return RecordChange(c, "gazetteer", 0, now);
    });
  }

  Result<std::vector<std::pair<std::string, std::string>>> EntityRedirects() override {
    using Pairs = std::vector<std::pair<std::string, std::string>>;
    return WithConnection<Pairs>([&](Connection& c) -> Result<Pairs> {
      auto p = c.Prepare("SELECT from_id, to_id FROM entity_redirects ORDER BY from_id");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      Pairs out;
      int rc;
      while ((rc = st.Step()) == kRow) out.emplace_back(st.Text(0), st.Text(1));
      if (rc != kDone) return Status::IOError(c.LastError());
      return out;
    });
  }

  Result<int64_t> KnowledgeVersion() override {
    return WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
      auto p = c.Prepare("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE entity = 'gazetteer'");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      if (st.Step() != kRow) return Status::IOError(c.LastError());
      return st.Int(0);
    });
  }

  Result<std::vector<Change>> ChangesSince(int64_t after, int limit) override {
    return WithConnection<std::vector<Change>>([&](Connection& c) -> Result<std::vector<Change>> {
      return sql::QueryAll<Change>(c, "SELECT seq, entity, entity_id FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
          [&](Stmt& st) { st.Bind(1, after).Bind(2, static_cast<int64_t>(limit)); },
          [&](const Stmt& st) { return Change{st.Int(0), st.Text(1), st.Int(2)}; });
    });
  }

  Result<int64_t> ChangeSequence() override {
    return WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
      auto p = c.Prepare("SELECT COALESCE(MAX(seq), 0) FROM changes");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      if (st.Step() != kRow) return Status::IOError(c.LastError());
      return st.Int(0);
    });
  }

  Status Ping() override { return ChangeSequence().status(); }

  // --- readers: accounts, sessions, tokens, comments, views (issue 6) -----

  static TimePoint FromSeconds(int64_t s) { return TimePoint{std::chrono::seconds{s}}; }
  static int64_t Seconds(TimePoint t) { return t.time_since_epoch().count(); }

  static const char* CommentStatusName(CommentStatus s) {
    switch (s) {
      case CommentStatus::kHeld: return "held";
      case CommentStatus::kHidden: return "hidden";
      case CommentStatus::kDeleted: return "deleted";
      case CommentStatus::kVisible: break;
    }
    return "visible";
  }
  static CommentStatus ParseCommentStatus(const std::string& s) {
    if (s == "held") return CommentStatus::kHeld;
    if (s == "hidden") return CommentStatus::kHidden;
    if (s == "deleted") return CommentStatus::kDeleted;
    return CommentStatus::kVisible;
  }
  static std::string TokenPurposeName(TokenPurpose p) {
    return p == TokenPurpose::kResetPassword ? "reset" : "confirm";
  }

  static constexpr const char* kUserColumns =
      "SELECT id, COALESCE(email, ''), display_name, password_hash, role, email_confirmed, banned, deleted, "
      "notify_replies, created_at FROM users ";

  static User UserFromRow(const Stmt& st) {
    User u;
    u.id = st.Int(0);
    u.email = st.Text(1);
    u.display_name = st.Text(2);
    u.password_hash = st.Text(3);
    u.role = ParseRole(st.Text(4)).value_or(Role::kReader);
    u.email_confirmed = st.Int(5) != 0;
    u.banned = st.Int(6) != 0;
    u.deleted = st.Int(7) != 0;
    u.notify_replies = st.Int(8) != 0;
    u.created_at = FromSeconds(st.Int(9));
    return u;
  }

  Result<User> FindUser(const std::string& where, const std::function<void(Stmt&)>& bind) {
    return WithConnection<User>([&](Connection& c) -> Result<User> {
      auto p = c.Prepare(std::string(kUserColumns) + where);
      if (!p.ok()) return p.status();
      Stmt st(*p);
      bind(st);
      int rc = st.Step();
      if (rc == kDone) return Status::NotFound("no such user");
      if (rc != kRow) return Status::IOError(c.LastError());
      return UserFromRow(st);
    });
  }

  Result<User> CreateUser(const User& u) override {
    auto id = WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
      auto p = c.Prepare(
          "INSERT INTO users (email, display_name, password_hash, role, email_confirmed, banned, deleted, "
          "notify_replies, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8)");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, u.email).Bind(2, u.display_name).Bind(3, u.password_hash).Bind(4, std::string(RoleName(u.role)))
          .Bind(5, int64_t{u.email_confirmed}).Bind(6, int64_t{u.banned}).Bind(7, int64_t{u.notify_replies})
          .Bind(8, Seconds(u.created_at));
      int rc = st.Step();
      if (rc == kUniqueViolation)
        return Status::AlreadyExists(fmt::format("an account with the e-mail {} exists already", u.email));
      if (rc != kDone) return Status::IOError(c.LastError());
      return c.LastInsertId();
    });
    if (!id.ok()) return id.status();
    return GetUser(*id);
  }

  Result<User> GetUser(int64_t id) override {
    auto u = FindUser("WHERE id = ?", [&](Stmt& st) { st.Bind(1, id); });
    if (u.status().is_not_found()) return Status::NotFound(fmt::format("no user {}", id));
    return u;
  }

  Result<User> GetUserByEmail(const std::string& email) override {
    auto u = FindUser("WHERE email = ? AND deleted = 0", [&](Stmt& st) { st.Bind(1, email); });
    if (u.status().is_not_found()) return Status::NotFound(fmt::format("no account with the e-mail {}", email));
    return u;
  }

  Status UpdateUser(int64_t id, const UserChanges& ch) override {
    // Each CASE keeps the column unless its flag (an odd parameter) is set.
    return Write([&](Connection& c) -> Status {
      auto p = c.Prepare(
          "UPDATE users SET password_hash = CASE WHEN ?1 <> 0 THEN ?2 ELSE password_hash END, "
          "display_name = CASE WHEN ?3 <> 0 THEN ?4 ELSE display_name END, "
          "role = CASE WHEN ?5 <> 0 THEN ?6 ELSE role END, "
          "email_confirmed = CASE WHEN ?7 <> 0 THEN ?8 ELSE email_confirmed END, "
          "banned = CASE WHEN ?9 <> 0 THEN ?10 ELSE banned END, "
          "notify_replies = CASE WHEN ?11 <> 0 THEN ?12 ELSE notify_replies END WHERE id = ?13");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, int64_t{ch.password_hash.has_value()}).Bind(2, ch.password_hash.value_or(""))
          .Bind(3, int64_t{ch.display_name.has_value()}).Bind(4, ch.display_name.value_or(""))
          .Bind(5, int64_t{ch.role.has_value()}).Bind(6, std::string(RoleName(ch.role.value_or(Role::kReader))))
          .Bind(7, int64_t{ch.email_confirmed.has_value()}).Bind(8, int64_t{ch.email_confirmed.value_or(false)})
          .Bind(9, int64_t{ch.banned.has_value()}).Bind(10, int64_t{ch.banned.value_or(false)})
          .Bind(11, int64_t{ch.notify_replies.has_value()}).Bind(12, int64_t{ch.notify_replies.value_or(false)})
          .Bind(13, id);
      if (st.Step() != kDone) return Status::IOError(c.LastError());
      if (c.Changes() == 0) return Status::NotFound(fmt::format("no user {}", id));
      // A changed display name shows on the user's comments: their pages are stale.
      if (ch.display_name) return RecordUserCommentsChanged(c, id);
      return Status::Ok();
    });
  }

  Status DeleteUser(int64_t id) override {
    return Write([&](Connection& c) -> Status {
      auto p = c.Prepare(
          "UPDATE users SET email = NULL, display_name = '', password_hash = '', deleted = 1, notify_replies = 0 "
          "WHERE id = ?");
      if (!p.ok()) return p.status();
      {
        Stmt st(*p);
        st.Bind(1, id);
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      if (c.Changes() == 0) return Status::NotFound(fmt::format("no user {}", id));
      for (const char* sql : {"DELETE FROM sessions WHERE user_id = ?", "DELETE FROM user_tokens WHERE user_id = ?"}) {
        auto d = c.Prepare(sql);
        if (!d.ok()) return d.status();
        Stmt st(*d);
        st.Bind(1, id);
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      return RecordUserCommentsChanged(c, id);
    });
  }

  // RecordUserCommentsChanged marks the articles a user commented on as
  // changed, since their pages show the user's name.
  Status RecordUserCommentsChanged(Connection& c, int64_t user_id) {
    auto p = c.Prepare("SELECT DISTINCT article_id FROM comments WHERE user_id = ?");
    if (!p.ok()) return p.status();
    std::vector<int64_t> articles;
    {
      Stmt st(*p);
      st.Bind(1, user_id);
      int rc;
      while ((rc = st.Step()) == kRow) articles.push_back(st.Int(0));
      if (rc != kDone) return Status::IOError(c.LastError());
    }
    const int64_t now = NowSeconds();
    for (int64_t a : articles) ND_RETURN_IF_ERROR(RecordChange(c, "comment", a, now));
    return Status::Ok();
  }

  // ExecBound runs one statement whose parameters `bind` sets.
  Status ExecBound(const char* sql, const std::function<void(Stmt&)>& bind) {
    return Write([&](Connection& c) { return sql::Exec(c, sql, bind); });
  }

  Status CreateSession(const SessionRecord& s) override {
    return ExecBound("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                     [&](Stmt& st) {
                       st.Bind(1, s.token_hash).Bind(2, s.user_id).Bind(3, Seconds(s.created_at))
                           .Bind(4, Seconds(s.expires_at));
                     });
  }

  Result<SessionRecord> GetSession(const std::string& token_hash) override {
    return WithConnection<SessionRecord>([&](Connection& c) -> Result<SessionRecord> {
      auto p = c.Prepare("SELECT user_id, created_at, expires_at FROM sessions WHERE token_hash = ?");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, token_hash);
      int rc = st.Step();
      if (rc == kDone) return Status::NotFound("no such session");
      if (rc != kRow) return Status::IOError(c.LastError());
      return SessionRecord{token_hash, st.Int(0), FromSeconds(st.Int(1)), FromSeconds(st.Int(2))};
    });
  }

  Status DeleteSession(const std::string& token_hash) override {
    return ExecBound("DELETE FROM sessions WHERE token_hash = ?", [&](Stmt& st) { st.Bind(1, token_hash); });
  }

  Status DeleteUserSessions(int64_t user_id) override {
    return ExecBound("DELETE FROM sessions WHERE user_id = ?", [&](Stmt& st) { st.Bind(1, user_id); });
  }

  Status CreateToken(const TokenRecord& t) override {
    return Write([&](Connection& c) -> Status {
      auto del = c.Prepare("DELETE FROM user_tokens WHERE user_id = ? AND purpose = ?");
      if (!del.ok()) return del.status();
      {
        Stmt st(*del);
        st.Bind(1, t.user_id).Bind(2, TokenPurposeName(t.purpose));
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      auto ins = c.Prepare("INSERT INTO user_tokens (token_hash, user_id, purpose, expires_at) VALUES (?, ?, ?, ?)");
      if (!ins.ok()) return ins.status();
      Stmt st(*ins);
      st.Bind(1, t.token_hash).Bind(2, t.user_id).Bind(3, TokenPurposeName(t.purpose)).Bind(4, Seconds(t.expires_at));
      if (st.Step() != kDone) return Status::IOError(c.LastError());
      return Status::Ok();
    });
  }

  Result<TokenRecord> ConsumeToken(const std::string& token_hash, TokenPurpose purpose) override {
    return WithConnection<TokenRecord>([&](Connection& c) -> Result<TokenRecord> {
      Transaction tx(c);
      ND_RETURN_IF_ERROR(tx.status());
      auto p = c.Prepare("DELETE FROM user_tokens WHERE token_hash = ? AND purpose = ? RETURNING user_id, expires_at");
      if (!p.ok()) return p.status();
      TokenRecord t;
      {
        Stmt st(*p);
        st.Bind(1, token_hash).Bind(2, TokenPurposeName(purpose));
        int rc = st.Step();
        if (rc == kDone) return Status::NotFound("this link is unknown or was used already");
        if (rc != kRow) return Status::IOError(c.LastError());
        t = TokenRecord{token_hash, st.Int(0), purpose, FromSeconds(st.Int(1))};
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      ND_RETURN_IF_ERROR(tx.Commit());
      return t;
    });
  }

  Status RecordLoginFailure(const std::string& email, const std::string& address, TimePoint at,
                            TimePoint forget_before) override {
    return Write([&](Connection& c) -> Status {
      auto prune = c.Prepare("DELETE FROM login_failures WHERE at < ?");
      if (!prune.ok()) return prune.status();
      {
        Stmt st(*prune);
        st.Bind(1, Seconds(forget_before));
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      return sql::Exec(c, "INSERT INTO login_failures (email, address, at) VALUES (?, ?, ?)",
          [&](Stmt& st) { st.Bind(1, email).Bind(2, address).Bind(3, Seconds(at)); });
    });
  }

  Result<LoginFailureCounts> CountLoginFailures(const std::string& email, const std::string& address,
                                                TimePoint since) override {
    return WithConnection<LoginFailureCounts>([&](Connection& c) -> Result<LoginFailureCounts> {
      auto p = c.Prepare(
          "SELECT (SELECT COUNT(*) FROM login_failures WHERE email = ?1 AND at >= ?3), "
          "(SELECT COUNT(*) FROM login_failures WHERE address = ?2 AND at >= ?3)");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, email).Bind(2, address).Bind(3, Seconds(since));
      if (st.Step() != kRow) return Status::IOError(c.LastError());
      return LoginFailureCounts{st.Int(0), st.Int(1)};
    });
  }

  Status ClearLoginFailures(const std::string& email) override {
    return ExecBound("DELETE FROM login_failures WHERE email = ?", [&](Stmt& st) { st.Bind(1, email); });
  }

  Status PruneExpired(TimePoint now, TimePoint failures_before) override {
    return Write([&](Connection& c) -> Status {
      for (const auto& [sql, at] : {std::pair{"DELETE FROM sessions WHERE expires_at <= ?", now},
                                    std::pair{"DELETE FROM user_tokens WHERE expires_at <= ?", now},
                                    std::pair{"DELETE FROM login_failures WHERE at < ?", failures_before}}) {
        auto p = c.Prepare(sql);
        if (!p.ok()) return p.status();
        Stmt st(*p);
        st.Bind(1, Seconds(at));
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      return Status::Ok();
    });
  }

  static constexpr const char* kCommentColumns =
      "SELECT c.id, c.article_id, c.user_id, c.parent_id, c.body, c.html, c.status, c.hold_reason, c.address, "
      "c.created_at, c.edited_at, u.display_name, u.deleted "
      "FROM comments c JOIN users u ON u.id = c.user_id ";

  static Comment CommentFromRow(const Stmt& st) {
    Comment m;
    m.id = st.Int(0);
    m.article_id = st.Int(1);
    m.user_id = st.Int(2);
    m.parent_id = st.Int(3);
    m.body = st.Text(4);
    m.html = st.Text(5);
    m.status = ParseCommentStatus(st.Text(6));
    m.hold_reason = st.Text(7);
    m.address = st.Text(8);
    m.created_at = FromSeconds(st.Int(9));
    if (!st.IsNull(10)) m.edited_at = FromSeconds(st.Int(10));
    m.author_name = st.Text(11);
    m.author_deleted = st.Int(12) != 0;
    return m;
  }

  Result<std::vector<Comment>> ListComments(const std::string& sql, const std::function<void(Stmt&)>& bind) {
    return WithConnection<std::vector<Comment>>([&](Connection& c) {
      return sql::QueryAll<Comment>(c, sql, bind, [](const Stmt& st) { return CommentFromRow(st); });
    });
  }

  // ArticleOfComment returns the article a comment belongs to.
  Result<int64_t> ArticleOfComment(Connection& c, int64_t comment_id) {
    auto p = c.Prepare("SELECT article_id FROM comments WHERE id = ?");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, comment_id);
    int rc = st.Step();
    if (rc == kDone) return Status::NotFound(fmt::format("no comment {}", comment_id));
    if (rc != kRow) return Status::IOError(c.LastError());
    return st.Int(0);
  }

  Result<Comment> AddComment(const Comment& m) override {
    auto id = WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
      Transaction tx(c);
      ND_RETURN_IF_ERROR(tx.status());
      for (const auto& [sql, key, what] :
           {std::tuple{"SELECT 1 FROM articles WHERE id = ?", m.article_id, "article"},
            std::tuple{"SELECT 1 FROM users WHERE id = ?", m.user_id, "user"}}) {
        auto p = c.Prepare(sql);
        if (!p.ok()) return p.status();
        Stmt st(*p);
        st.Bind(1, key);
        int rc = st.Step();
        if (rc == kDone) return Status::NotFound(fmt::format("no {} {}", what, key));
        if (rc != kRow) return Status::IOError(c.LastError());
      }
      auto p = c.Prepare(
          "INSERT INTO comments (article_id, user_id, parent_id, body, html, status, hold_reason, address, "
          "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
      if (!p.ok()) return p.status();
      int64_t id;
      {
        Stmt st(*p);
        st.Bind(1, m.article_id).Bind(2, m.user_id).Bind(3, m.parent_id).Bind(4, m.body).Bind(5, m.html)
            .Bind(6, std::string(CommentStatusName(m.status))).Bind(7, m.hold_reason).Bind(8, m.address)
            .Bind(9, Seconds(m.created_at));
        if (st.Step() != kDone) return Status::IOError(c.LastError());
        auto last = c.LastInsertId();
        if (!last.ok()) return last.status();
        id = *last;
      }
      ND_RETURN_IF_ERROR(RecordChange(c, "comment", m.article_id, NowSeconds()));
      ND_RETURN_IF_ERROR(tx.Commit());
      return id;
    });
    if (!id.ok()) return id.status();
    return GetComment(*id);
  }

  Result<Comment> GetComment(int64_t id) override {
    auto list = ListComments(std::string(kCommentColumns) + "WHERE c.id = ?", [&](Stmt& st) { st.Bind(1, id); });
    if (!list.ok()) return list.status();
    if (list->empty()) return Status::NotFound(fmt::format("no comment {}", id));
    return std::move(list->front());
  }

  Result<std::vector<Comment>> ListArticleComments(int64_t article_id,
                                                   const std::vector<CommentStatus>& statuses) override {
    // Statuses travel as a bit set, so the statement is the same for any set.
    int64_t mask = 0;
    for (CommentStatus s : statuses) mask |= int64_t{1} << static_cast<int>(s);
    return ListComments(
        std::string(kCommentColumns) +
            "WHERE c.article_id = ?1 AND ((?2 >> (CASE c.status WHEN 'visible' THEN 0 WHEN 'held' THEN 1 "
            "WHEN 'hidden' THEN 2 ELSE 3 END)) & 1) <> 0 "
            "ORDER BY CASE WHEN c.parent_id = 0 THEN c.id ELSE c.parent_id END, c.parent_id <> 0, c.created_at, c.id",
        [&](Stmt& st) { st.Bind(1, article_id).Bind(2, mask); });
  }

  Result<std::vector<Comment>> ListCommentsByStatus(CommentStatus status, int limit) override {
    return ListComments(std::string(kCommentColumns) + "WHERE c.status = ? ORDER BY c.created_at, c.id LIMIT ?",
                        [&](Stmt& st) {
                          st.Bind(1, std::string(CommentStatusName(status))).Bind(2, static_cast<int64_t>(limit));
                        });
  }

  Status EditComment(int64_t id, const std::string& body, const std::string& html, CommentStatus status,
                     const std::string& hold_reason, TimePoint edited_at) override {
    return Write([&](Connection& c) -> Status {
      auto article = ArticleOfComment(c, id);
      if (!article.ok()) return article.status();
      auto p = c.Prepare("UPDATE comments SET body = ?, html = ?, status = ?, hold_reason = ?, edited_at = ? WHERE id = ?");
      if (!p.ok()) return p.status();
      {
        Stmt st(*p);
        st.Bind(1, body).Bind(2, html).Bind(3, std::string(CommentStatusName(status))).Bind(4, hold_reason)
            .Bind(5, Seconds(edited_at)).Bind(6, id);
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      return RecordChange(c, "comment", *article, NowSeconds());
    });
  }

  Status SetCommentStatus(int64_t id, CommentStatus status, const std::string& reason) override {
    return Write([&](Connection& c) -> Status {
      auto article = ArticleOfComment(c, id);
      if (!article.ok()) return article.status();
      auto p = c.Prepare(status == CommentStatus::kDeleted
                             ? "UPDATE comments SET status = ?1, hold_reason = ?2, body = '', html = '' WHERE id = ?3"
                             : "UPDATE comments SET status = ?1, hold_reason = ?2 WHERE id = ?3");
      if (!p.ok()) return p.status();
      {
        Stmt st(*p);
        st.Bind(1, std::string(CommentStatusName(status))).Bind(2, reason).Bind(3, id);
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      return RecordChange(c, "comment", *article, NowSeconds());
    });
  }

  Result<CommentActivity> CountComments(int64_t user_id, const std::string& address, TimePoint since) override {
    return WithConnection<CommentActivity>([&](Connection& c) -> Result<CommentActivity> {
      auto p = c.Prepare(
          "SELECT (SELECT COUNT(*) FROM comments WHERE user_id = ?1 AND created_at >= ?3), "
          "(SELECT COUNT(*) FROM comments WHERE address = ?2 AND ?2 <> '' AND created_at >= ?3)");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, user_id).Bind(2, address).Bind(3, Seconds(since));
      if (st.Step() != kRow) return Status::IOError(c.LastError());
      return CommentActivity{st.Int(0), st.Int(1)};
    });
  }

  Result<int64_t> CountVisibleUserComments(int64_t user_id) override {
    return WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
      auto p = c.Prepare("SELECT COUNT(*) FROM comments WHERE user_id = ? AND status = 'visible'");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, user_id);
      if (st.Step() != kRow) return Status::IOError(c.LastError());
      return st.Int(0);
    });
  }

  Result<std::vector<std::pair<int64_t, int64_t>>> CommentCounts(const std::vector<int64_t>& article_ids) override {
    using Counts = std::vector<std::pair<int64_t, int64_t>>;
    return WithConnection<Counts>([&](Connection& c) -> Result<Counts> {
      // The ids go in as one JSON array, so one cached statement serves any list.
      auto p = c.Prepare(
          c.dialect() == sql::Dialect::kPostgres
              ? "SELECT article_id, COUNT(*) FROM comments WHERE status = 'visible' AND "
                "article_id IN (SELECT value::bigint FROM json_array_elements_text(?::json)) "
                "GROUP BY article_id ORDER BY article_id"
              : "SELECT article_id, COUNT(*) FROM comments WHERE status = 'visible' AND "
                "article_id IN (SELECT value FROM json_each(?)) GROUP BY article_id ORDER BY article_id");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, nlohmann::json(article_ids).dump());
      Counts out;
      int rc;
      while ((rc = st.Step()) == kRow) out.emplace_back(st.Int(0), st.Int(1));
      if (rc != kDone) return Status::IOError(c.LastError());
      return out;
    });
  }

  Result<std::vector<DiscussedArticle>> RecentlyCommented(int limit) override {
    return WithConnection<std::vector<DiscussedArticle>>([&](Connection& c) -> Result<std::vector<DiscussedArticle>> {
      return sql::QueryAll<DiscussedArticle>(c, "SELECT article_id, MAX(created_at) AS last, COUNT(*) FROM comments WHERE status = 'visible' "
          "GROUP BY article_id ORDER BY last DESC, article_id DESC LIMIT ?",
          [&](Stmt& st) { st.Bind(1, static_cast<int64_t>(limit)); },
          [&](const Stmt& st) { return DiscussedArticle{st.Int(0), FromSeconds(st.Int(1)), st.Int(2)}; });
    });
  }

  Status AddReport(int64_t comment_id, int64_t reporter_id, const std::string& reason, TimePoint at) override {
    return Write([&](Connection& c) -> Status {
      auto article = ArticleOfComment(c, comment_id);
      if (!article.ok()) return article.status();
      return sql::Exec(c,
          "INSERT INTO comment_reports (comment_id, user_id, reason, created_at) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT (comment_id, user_id) DO UPDATE SET reason = excluded.reason, resolved = 0",
              [&](Stmt& st) { st.Bind(1, comment_id).Bind(2, reporter_id).Bind(3, reason).Bind(4, Seconds(at)); });
    });
  }

  Result<std::vector<CommentReport>> ListOpenReports(int limit) override {
    return WithConnection<std::vector<CommentReport>>([&](Connection& c) -> Result<std::vector<CommentReport>> {
      auto p = c.Prepare(std::string(
          "SELECT c.id, c.article_id, c.user_id, c.parent_id, c.body, c.html, c.status, c.hold_reason, c.address, "
          "c.created_at, c.edited_at, u.display_name, u.deleted, r.user_id, r.reason, r.created_at "
          "FROM comment_reports r JOIN comments c ON c.id = r.comment_id JOIN users u ON u.id = c.user_id "
          "WHERE r.resolved = 0 ORDER BY r.created_at, r.comment_id, r.user_id LIMIT ?"));
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, static_cast<int64_t>(limit));
      std::vector<CommentReport> out;
      int rc;
      while ((rc = st.Step()) == kRow)
        out.push_back(CommentReport{CommentFromRow(st), st.Int(13), st.Text(14), FromSeconds(st.Int(15))});
      if (rc != kDone) return Status::IOError(c.LastError());
      return out;
    });
  }

  Status ResolveReports(int64_t comment_id) override {
    return ExecBound("UPDATE comment_reports SET resolved = 1 WHERE comment_id = ?",
                     [&](Stmt& st) { st.Bind(1, comment_id); });
  }

  Result<std::vector<std::string>> HoldWords() override {
    return WithConnection<std::vector<std::string>>([&](Connection& c) -> Result<std::vector<std::string>> {
      return sql::QueryAll<std::string>(c, "SELECT word FROM hold_words ORDER BY word",
          sql::NoParameters,
          [&](const Stmt& st) { return st.Text(0); });
    });
  }

  Status ReplaceHoldWords(const std::vector<std::string>& words) override {
    return Write([&](Connection& c) -> Status {
      ND_RETURN_IF_ERROR(c.Exec("DELETE FROM hold_words"));
      auto p = c.Prepare("INSERT INTO hold_words (word) VALUES (?) ON CONFLICT DO NOTHING");
      if (!p.ok()) return p.status();
      for (const auto& w : words) {
        if (w.empty()) continue;
        Stmt st(*p);
        st.Bind(1, w);
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      return Status::Ok();
    });
  }

  Status AddViews(const std::vector<std::pair<int64_t, int64_t>>& views) override {
    if (views.empty()) return Status::Ok();
    return Write([&](Connection& c) -> Status {
      auto p = c.Prepare("UPDATE articles SET view_count = view_count + ? WHERE id = ?");
      if (!p.ok()) return p.status();
      for (const auto& [article_id, count] : views) {
        Stmt st(*p);
        st.Bind(1, count).Bind(2, article_id);
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      return Status::Ok();
    });
  }


  // --- the daily mailing (issue 7) ---------------------------------------------

  Result<Subscriber> SubscribePending(const std::string& email, const std::string& edition,
                                      const std::vector<std::string>& entities, TimePoint now) override {
    auto written = Write([&](Connection& c) -> Status {
      return sql::Exec(c,
          "INSERT INTO subscribers (email, edition, entities, state, created_at) VALUES (?1, ?2, ?3, 'pending', ?4) "
          "ON CONFLICT (email) DO UPDATE SET "
          "edition = CASE WHEN subscribers.state = 'confirmed' THEN subscribers.edition ELSE excluded.edition END, "
          "entities = CASE WHEN subscribers.state = 'confirmed' THEN subscribers.entities ELSE excluded.entities END, "
          "hard_failures = CASE WHEN subscribers.state = 'confirmed' THEN subscribers.hard_failures ELSE 0 END, "
          "state = CASE WHEN subscribers.state = 'confirmed' THEN 'confirmed' ELSE 'pending' END",
              [&](Stmt& st) { st.Bind(1, email).Bind(2, edition).Bind(3, nlohmann::json(entities).dump()).Bind(4, Seconds(now)); });
    });
    ND_RETURN_IF_ERROR(written);
    return ReadSubscriber("email = ?1", [&](Stmt& st) { st.Bind(1, email); });
  }

  Result<Subscriber> GetSubscriber(int64_t id) override {
    return ReadSubscriber("id = ?1", [&](Stmt& st) { st.Bind(1, id); });
  }

  Status RecordConfirmationSent(int64_t id, TimePoint at) override {
    return UpdateSubscriber(
        "UPDATE subscribers SET confirmation_sent_at = ?2, confirmations_sent = confirmations_sent + 1 WHERE id = ?1",
        id, [&](Stmt& st) { st.Bind(2, Seconds(at)); });
  }

  Status SetSubscriberState(int64_t id, SubscriberState state) override {
    return UpdateSubscriber("UPDATE subscribers SET state = ?2 WHERE id = ?1", id,
                            [&](Stmt& st) { st.Bind(2, std::string(SubscriberStateName(state))); });
  }

  Status SetSubscriberPreferences(int64_t id, const std::string& edition,
                                  const std::vector<std::string>& entities) override {
    return UpdateSubscriber("UPDATE subscribers SET edition = ?2, entities = ?3 WHERE id = ?1", id, [&](Stmt& st) {
      st.Bind(2, edition).Bind(3, nlohmann::json(entities).dump());
    });
  }

  Result<int64_t> CountSubscribers(SubscriberState state) override {
    return WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
      auto p = c.Prepare("SELECT COUNT(*) FROM subscribers WHERE state = ?");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, std::string(SubscriberStateName(state)));
      if (st.Step() != kRow) return Status::IOError(c.LastError());
      return st.Int(0);
    });
  }

  Result<std::vector<DigestItem>> DigestArticles(const std::string& edition, TimePoint from, TimePoint to,
                                                 int limit) override {
    return WithConnection<std::vector<DigestItem>>([&](Connection& c) -> Result<std::vector<DigestItem>> {
      auto p = c.Prepare(
          "SELECT a.id, a.slug, a.language, a.headline, a.published_at, a.lead, "
          "s.id, s.slug, s.name, s.home_url, s.country, s.language, "
          "t.headline, t.dateline, t.lead, t.produced_by, a.story_id, a.view_count, "
          "(SELECT COUNT(*) FROM comments m WHERE m.article_id = a.id AND m.status = 'visible') "
          "FROM articles a JOIN sources s ON s.id = a.source_id "
          "LEFT JOIN article_translations t ON t.article_id = a.id AND t.language = ?1 "
          "WHERE a.published_at >= ?2 AND a.published_at < ?3 ORDER BY a.published_at DESC, a.id DESC LIMIT ?4");
      if (!p.ok()) return p.status();
      std::vector<DigestItem> out;
      std::unordered_map<int64_t, size_t> by_id;
      {
        Stmt st(*p);
        st.Bind(1, edition).Bind(2, Seconds(from)).Bind(3, Seconds(to)).Bind(4, static_cast<int64_t>(limit));
        int rc;
        while ((rc = st.Step()) == kRow) {
          DigestItem item;
          item.summary = SummaryFromRow(st);
          item.summary.story_id = st.Int(16);
          if (!st.IsNull(12)) {
            Translation t;
            t.language = edition;
            t.headline = st.Text(12);
            t.dateline = st.Text(13);
            t.body = {Block{BlockType::kParagraph, st.Text(14), {}, {}, {}, {}}};
            t.by = st.Text(15) == "human" ? TranslatedBy::kHuman : TranslatedBy::kMachine;
            item.summary.translation = std::move(t);
          }
          item.views = st.Int(17);
          item.comments = st.Int(18);
          by_id.emplace(item.summary.id, out.size());
          out.push_back(std::move(item));
        }
        if (rc != kDone) return Status::IOError(c.LastError());
      }
      auto m = c.Prepare(
          "SELECT m.article_id, m.entity FROM article_mentions m JOIN articles a ON a.id = m.article_id "
          "WHERE a.published_at >= ?1 AND a.published_at < ?2 ORDER BY m.article_id, m.count DESC, m.first_offset");
      if (!m.ok()) return m.status();
      Stmt st(*m);
      st.Bind(1, Seconds(from)).Bind(2, Seconds(to));
      int rc;
      while ((rc = st.Step()) == kRow)
        if (auto it = by_id.find(st.Int(0)); it != by_id.end()) out[it->second].entities.push_back(st.Text(1));
      if (rc != kDone) return Status::IOError(c.LastError());
      return out;
    });
  }

  Result<DigestRun> StartDigestRun(const std::string& day, TimePoint now) override {
    auto written = Write([&](Connection& c) -> Status {
      auto run = c.Prepare("INSERT INTO digest_runs (day, started_at) VALUES (?1, ?2) ON CONFLICT (day) DO NOTHING");
      if (!run.ok()) return run.status();
      {
        Stmt st(*run);
        st.Bind(1, day).Bind(2, Seconds(now));
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      if (c.Changes() == 0) return Status::Ok();  // resumed: its deliveries exist
      auto queue = c.Prepare(
          "INSERT INTO digest_deliveries (run_id, subscriber_id, state, updated_at) "
          "SELECT ?1, id, 'queued', ?2 FROM subscribers WHERE state = 'confirmed'");
      if (!queue.ok()) return queue.status();
      auto run_id = c.LastInsertId();
      if (!run_id.ok()) return run_id.status();
      Stmt st(*queue);
      st.Bind(1, *run_id).Bind(2, Seconds(now));
      if (st.Step() != kDone) return Status::IOError(c.LastError());
      return Status::Ok();
    });
    ND_RETURN_IF_ERROR(written);
    auto run = FindDigestRun(day);
    if (!run.ok()) return run.status();
    if (!*run) return Status::Internal("digest run vanished: " + day);
    return **run;
  }

  Result<std::optional<DigestRun>> FindDigestRun(const std::string& day) override {
    return WithConnection<std::optional<DigestRun>>([&](Connection& c) -> Result<std::optional<DigestRun>> {
      auto p = c.Prepare("SELECT id, day, started_at, finished_at FROM digest_runs WHERE day = ?");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, day);
      const int rc = st.Step();
      if (rc == kDone) return std::optional<DigestRun>();
      if (rc != kRow) return Status::IOError(c.LastError());
      DigestRun run{st.Int(0), st.Text(1), TimePoint{std::chrono::seconds{st.Int(2)}}, std::nullopt};
      if (!st.IsNull(3)) run.finished_at = TimePoint{std::chrono::seconds{st.Int(3)}};
      return std::optional<DigestRun>(run);
    });
  }

  Status LeaseDigestRun(int64_t run_id, const std::string& holder, TimePoint now, TimePoint until,
                        const std::function<bool(const std::string&)>& holder_gone) override {
    return Write([&](Connection& c) -> Status {
      auto p = c.Prepare("SELECT holder, lease_until FROM digest_runs WHERE id = ?");
      if (!p.ok()) return p.status();
      {
        Stmt st(*p);
        st.Bind(1, run_id);
        if (st.Step() != kRow) return Status::NotFound(fmt::format("no digest run {}", run_id));
        const std::string current = st.Text(0);
        const bool held = !current.empty() && current != holder && st.Int(1) > Seconds(now);
        if (held && !(holder_gone && holder_gone(current)))
          return Status::Unavailable(fmt::format("the digest is being sent by {} (lease until {})", current,
                                                 FormatIso8601(TimePoint{std::chrono::seconds{st.Int(1)}})));
      }
      auto set = c.Prepare("UPDATE digest_runs SET holder = ?2, lease_until = ?3 WHERE id = ?1");
      if (!set.ok()) return set.status();
      Stmt st(*set);
      st.Bind(1, run_id).Bind(2, holder).Bind(3, Seconds(until));
      if (st.Step() != kDone) return Status::IOError(c.LastError());
      return Status::Ok();
    });
  }

  Status ReleaseDigestRun(int64_t run_id, const std::string& holder) override {
    return Write([&](Connection& c) -> Status {
      return sql::Exec(c, "UPDATE digest_runs SET holder = '', lease_until = 0 WHERE id = ?1 AND holder = ?2",
          [&](Stmt& st) { st.Bind(1, run_id).Bind(2, holder); });
    });
  }

  Status RequeueInterrupted(int64_t run_id) override {
    return Write([&](Connection& c) -> Status {
      return sql::Exec(c,
          "UPDATE digest_deliveries SET state = 'queued', next_attempt_at = 0 WHERE run_id = ? AND state = 'sending'",
              [&](Stmt& st) { st.Bind(1, run_id); });
    });
  }

  Result<std::vector<Delivery>> ClaimDeliveries(int64_t run_id, int limit, TimePoint now) override {
    std::vector<Delivery> claimed;
    auto written = Write([&](Connection& c) -> Status {
      claimed.clear();  // a transaction PostgreSQL asked to run again starts afresh
      auto p = c.Prepare(
          "SELECT d.subscriber_id, d.state, d.attempts, d.last_error, s.email, s.edition, s.entities, s.state, "
          "s.created_at, s.hard_failures FROM digest_deliveries d JOIN subscribers s ON s.id = d.subscriber_id "
          "WHERE d.run_id = ?1 AND d.state = 'queued' AND d.next_attempt_at <= ?2 "
          "ORDER BY d.next_attempt_at, d.subscriber_id LIMIT ?3");
      if (!p.ok()) return p.status();
      {
        Stmt st(*p);
        st.Bind(1, run_id).Bind(2, Seconds(now)).Bind(3, static_cast<int64_t>(limit));
        int rc;
        while ((rc = st.Step()) == kRow) {
          Delivery d;
          d.run_id = run_id;
          d.subscriber.id = st.Int(0);
          d.state = DeliveryState::kSending;
          d.attempts = static_cast<int>(st.Int(2)) + 1;
          d.last_error = st.Text(3);
          d.subscriber.email = st.Text(4);
          d.subscriber.edition = st.Text(5);
          d.subscriber.entities = ParseEntityList(st.Text(6));
          d.subscriber.state = ParseSubscriberState(st.Text(7));
          d.subscriber.created_at = TimePoint{std::chrono::seconds{st.Int(8)}};
          d.subscriber.hard_failures = static_cast<int>(st.Int(9));
          claimed.push_back(std::move(d));
        }
        if (rc != kDone) return Status::IOError(c.LastError());
      }
      auto mark = c.Prepare(
          "UPDATE digest_deliveries SET state = 'sending', attempts = attempts + 1, updated_at = ?3 "
          "WHERE run_id = ?1 AND subscriber_id = ?2");
      if (!mark.ok()) return mark.status();
      for (const auto& d : claimed) {
        Stmt st(*mark);
        st.Bind(1, run_id).Bind(2, d.subscriber.id).Bind(3, Seconds(now));
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      return Status::Ok();
    });
    ND_RETURN_IF_ERROR(written);
    return claimed;
  }

  Status FinishDelivery(int64_t run_id, int64_t subscriber_id, DeliveryOutcome outcome, const std::string& error,
                        TimePoint retry_at, int max_hard_failures) override {
    return Write([&](Connection& c) -> Status {
      const char* state = outcome == DeliveryOutcome::kSent ? "sent" : outcome == DeliveryOutcome::kRetry ? "queued" : "failed";
      auto p = c.Prepare(
          "UPDATE digest_deliveries SET state = ?3, last_error = ?4, next_attempt_at = ?5, updated_at = ?6 "
          "WHERE run_id = ?1 AND subscriber_id = ?2");
      if (!p.ok()) return p.status();
      {
        Stmt st(*p);
        st.Bind(1, run_id).Bind(2, subscriber_id).Bind(3, std::string(state)).Bind(4, error.substr(0, 1000))
            .Bind(5, Seconds(retry_at)).Bind(6, NowSeconds());
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      const char* sql = nullptr;
      if (outcome == DeliveryOutcome::kSent) sql = "UPDATE subscribers SET hard_failures = 0 WHERE id = ?1 AND hard_failures <> 0";
      if (outcome == DeliveryOutcome::kFailed)
        sql = "UPDATE subscribers SET hard_failures = hard_failures + 1, "
              "state = CASE WHEN hard_failures + 1 >= ?2 AND state = 'confirmed' THEN 'bounced' ELSE state END WHERE id = ?1";
      if (!sql) return Status::Ok();
      auto q = c.Prepare(sql);
      if (!q.ok()) return q.status();
      Stmt st(*q);
      st.Bind(1, subscriber_id);
      if (outcome == DeliveryOutcome::kFailed) st.Bind(2, static_cast<int64_t>(max_hard_failures));
      if (st.Step() != kDone) return Status::IOError(c.LastError());
      return Status::Ok();
    });
  }

  Result<DigestProgress> GetDigestProgress(int64_t run_id) override {
    return WithConnection<DigestProgress>([&](Connection& c) -> Result<DigestProgress> {
      auto p = c.Prepare("SELECT state, COUNT(*) FROM digest_deliveries WHERE run_id = ? GROUP BY state");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, run_id);
      DigestProgress out;
      int rc;
      while ((rc = st.Step()) == kRow) {
        const std::string state = st.Text(0);
        (state == "queued" ? out.queued : state == "sending" ? out.sending : state == "sent" ? out.sent : out.failed) =
            st.Int(1);
      }
      if (rc != kDone) return Status::IOError(c.LastError());
      return out;
    });
  }

  Result<std::optional<TimePoint>> NextDeliveryAt(int64_t run_id) override {
    return WithConnection<std::optional<TimePoint>>([&](Connection& c) -> Result<std::optional<TimePoint>> {
      auto p = c.Prepare(
          "SELECT MIN(next_attempt_at) FROM digest_deliveries WHERE run_id = ? AND state = 'queued'");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, run_id);
      if (st.Step() != kRow) return Status::IOError(c.LastError());
      if (st.IsNull(0)) return std::optional<TimePoint>();
      return std::optional<TimePoint>(TimePoint{std::chrono::seconds{st.Int(0)}});
    });
  }

  Status FinishDigestRun(int64_t run_id, TimePoint at) override {
    return Write([&](Connection& c) -> Status {
      return sql::Exec(c, "UPDATE digest_runs SET finished_at = ?2, holder = '', lease_until = 0 WHERE id = ?1",
          [&](Stmt& st) { st.Bind(1, run_id).Bind(2, Seconds(at)); });
    });
  }

  // --- machine translation (issue 9) -----------------------------------------

  Result<std::vector<int64_t>> ArticlesNeedingTranslation(const std::string& from_language,
                                                          const std::string& to_language, TimePoint now,
                                                          int64_t after_id, int limit) override {
    return WithConnection<std::vector<int64_t>>([&](Connection& c) -> Result<std::vector<int64_t>> {
      return sql::QueryAll<int64_t>(c, "SELECT a.id FROM articles a WHERE a.language = ?1 AND a.id > ?3 "
          "AND NOT EXISTS (SELECT 1 FROM article_translations t WHERE t.article_id = a.id AND t.language = ?2 "
          "AND (t.produced_by = 'human' OR t.updated_at >= a.updated_at)) "
          "AND NOT EXISTS (SELECT 1 FROM translation_failures f WHERE f.article_id = a.id AND f.language = ?2 "
          "AND f.retry_at > ?4) "
          "ORDER BY a.id LIMIT ?5",
          [&](Stmt& st) { st.Bind(1, from_language).Bind(2, to_language).Bind(3, after_id).Bind(4, Seconds(now)) .Bind(5, static_cast<int64_t>(limit)); },
          [&](const Stmt& st) { return st.Int(0); });
    });
  }

  Status PutTranslation(int64_t article_id, const Translation& translation) override {
    // Readers of the translation expect what articles have: a headline and a body.
    if (translation.language.empty() || translation.headline.empty() || translation.body.empty())
      return Status::InvalidArgument(
          fmt::format("translation of article {}: language, headline and body are required", article_id));
    return Write([&](Connection& c) -> Status {
      auto exists = c.Prepare("SELECT 1 FROM articles WHERE id = ?");
      if (!exists.ok()) return exists.status();
      {
        Stmt st(*exists);
        st.Bind(1, article_id);
        const int rc = st.Step();
        if (rc == kDone) return Status::NotFound(fmt::format("no article {}", article_id));
        if (rc != kRow) return Status::IOError(c.LastError());
      }
      const int64_t now = NowSeconds();
      ND_RETURN_IF_ERROR(UpsertTranslation(c, article_id, translation, now));
      auto forget = c.Prepare("DELETE FROM translation_failures WHERE article_id = ? AND language = ?");
      if (!forget.ok()) return forget.status();
      {
        Stmt st(*forget);
        st.Bind(1, article_id).Bind(2, translation.language);
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      return RecordChange(c, "article", article_id, now);
    });
  }

  Status RecordTranslationFailure(int64_t article_id, const std::string& language, const std::string& error,
                                  TimePoint now, TimePoint retry_at) override {
    return Write([&](Connection& c) -> Status {
      return sql::Exec(c,
          "INSERT INTO translation_failures (article_id, language, error, attempts, failed_at, retry_at) "
          "VALUES (?1, ?2, ?3, 1, ?4, ?5) ON CONFLICT (article_id, language) DO UPDATE SET "
          "error = excluded.error, attempts = translation_failures.attempts + 1, failed_at = excluded.failed_at, "
          "retry_at = excluded.retry_at",
              [&](Stmt& st) { st.Bind(1, article_id).Bind(2, language).Bind(3, error).Bind(4, Seconds(now)).Bind(5, Seconds(retry_at)); });
    });
  }

  Result<int64_t> CountTranslationFailures() override {
    return WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
      auto p = c.Prepare("SELECT COUNT(*) FROM translation_failures");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      if (st.Step() != kRow) return Status::IOError(c.LastError());
      return st.Int(0);
    });
  }

  Result<std::vector<std::optional<std::string>>> CachedTranslations(
      const std::string& pair, const std::vector<std::string>& text_hashes) override {
    using Found = std::vector<std::optional<std::string>>;
    return WithConnection<Found>([&](Connection& c) -> Result<Found> {
      auto p = c.Prepare("SELECT translated FROM translation_cache WHERE pair = ? AND text_hash = ?");
      if (!p.ok()) return p.status();
      Found out;
      out.reserve(text_hashes.size());
      for (const auto& hash : text_hashes) {
        Stmt st(*p);
        st.Bind(1, pair).Bind(2, hash);
        const int rc = st.Step();
        if (rc == kRow) out.emplace_back(st.Text(0));
        else if (rc == kDone) out.emplace_back(std::nullopt);
        else return Status::IOError(c.LastError());
      }
      return out;
    });
  }

  Status PutCachedTranslations(const std::string& pair,
                               const std::vector<std::pair<std::string, std::string>>& entries) override {
    return Write([&](Connection& c) -> Status {
      auto p = c.Prepare(
          "INSERT INTO translation_cache (pair, text_hash, translated, created_at) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (pair, text_hash) DO UPDATE SET translated = excluded.translated");
      if (!p.ok()) return p.status();
      const int64_t now = NowSeconds();
      for (const auto& [hash, text] : entries) {
        Stmt st(*p);
        st.Bind(1, pair).Bind(2, hash).Bind(3, text).Bind(4, now);
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      return Status::Ok();
    });
  }

 private:
  static std::vector<std::string> ParseEntityList(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    std::vector<std::string> out;
    if (!j.is_array()) return out;
    for (const auto& e : j)
      if (e.is_string()) out.push_back(e.get<std::string>());
    return out;
  }

  static SubscriberState ParseSubscriberState(const std::string& s) {
    if (s == "confirmed") return SubscriberState::kConfirmed;
    if (s == "unsubscribed") return SubscriberState::kUnsubscribed;
    if (s == "bounced") return SubscriberState::kBounced;
    return SubscriberState::kPending;
  }

  template <typename BindFn>
  Result<Subscriber> ReadSubscriber(const char* where, BindFn bind) {
    return WithConnection<Subscriber>([&](Connection& c) -> Result<Subscriber> {
      auto p = c.Prepare(std::string("SELECT id, email, edition, entities, state, created_at, confirmation_sent_at, "
                                     "confirmations_sent, hard_failures FROM subscribers WHERE ") + where);
      if (!p.ok()) return p.status();
      Stmt st(*p);
      bind(st);
      const int rc = st.Step();
      if (rc == kDone) return Status::NotFound("no such subscriber");
      if (rc != kRow) return Status::IOError(c.LastError());
      Subscriber s;
      s.id = st.Int(0);
      s.email = st.Text(1);
      s.edition = st.Text(2);
      s.entities = ParseEntityList(st.Text(3));
      s.state = ParseSubscriberState(st.Text(4));
      s.created_at = TimePoint{std::chrono::seconds{st.Int(5)}};
      if (!st.IsNull(6)) s.confirmation_sent_at = TimePoint{std::chrono::seconds{st.Int(6)}};
      s.confirmations_sent = static_cast<int>(st.Int(7));
      s.hard_failures = static_cast<int>(st.Int(8));
      return s;
    });
  }

  template <typename BindFn>
  Status UpdateSubscriber(const char* sql, int64_t id, BindFn bind) {
    return Write([&](Connection& c) -> Status {
      auto p = c.Prepare(sql);
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, id);
      bind(st);
      if (st.Step() != kDone) return Status::IOError(c.LastError());
      if (c.Changes() == 0) return Status::NotFound(fmt::format("no subscriber {}", id));
      return Status::Ok();
    });
  }
  // --- jobs (issue 8) ---------------------------------------------------------

  static constexpr const char* kJobColumns =
      "id, kind, key, payload, state, attempts, max_attempts, run_at, holder, lease_until, last_error, "
      "created_at, finished_at";

  static Job JobFromRow(const Stmt& st) {
    Job j;
    j.id = st.Int(0);
    j.kind = st.Text(1);
    j.key = st.Text(2);
    j.payload = st.Text(3);
    const std::string state = st.Text(4);
    j.state = state == "running" ? JobState::kRunning
              : state == "done"  ? JobState::kDone
              : state == "failed" ? JobState::kFailed
                                  : JobState::kQueued;
    j.attempts = static_cast<int>(st.Int(5));
    j.max_attempts = static_cast<int>(st.Int(6));
    j.run_at = TimePoint{std::chrono::seconds{st.Int(7)}};
    j.holder = st.Text(8);
    j.lease_until = TimePoint{std::chrono::seconds{st.Int(9)}};
    j.last_error = st.Text(10);
    j.created_at = TimePoint{std::chrono::seconds{st.Int(11)}};
    if (!st.IsNull(12)) j.finished_at = TimePoint{std::chrono::seconds{st.Int(12)}};
    return j;
  }

  Result<std::optional<int64_t>> EnqueueJob(const JobRequest& job, TimePoint now) override {
    if (job.kind.empty()) return Status::InvalidArgument("a job needs a kind");
    if (job.max_attempts < 1) return Status::InvalidArgument("a job needs at least one attempt");
    return WithConnection<std::optional<int64_t>>([&](Connection& c) -> Result<std::optional<int64_t>> {
      auto p = c.Prepare(
          "INSERT INTO jobs (kind, key, payload, state, max_attempts, run_at, created_at, updated_at) "
          "VALUES (?1, ?2, ?3, 'queued', ?4, ?5, ?6, ?6) ON CONFLICT DO NOTHING RETURNING id");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, job.kind).Bind(2, job.key).Bind(3, job.payload).Bind(4, static_cast<int64_t>(job.max_attempts))
          .Bind(5, Seconds(job.run_at)).Bind(6, Seconds(now));
      const int rc = st.Step();
      if (rc == kRow) return std::optional<int64_t>(st.Int(0));
      if (rc == kDone) return std::optional<int64_t>();
      return Status::IOError(c.LastError());
    });
  }

  Result<std::optional<Job>> ClaimJob(const std::vector<std::string>& kinds, const std::string& holder,
                                      TimePoint now, TimePoint lease_until) override {
    // One statement, atomic on both databases: SQLite writes one at a time;
    // PostgreSQL's SKIP LOCKED lets each node take a different row at once.
    const std::string lock = dialect_ == sql::Dialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
    const std::string sql = std::string(
        "UPDATE jobs SET state = 'running', holder = ?1, lease_until = ?2, attempts = attempts + 1, updated_at = ?3 "
        "WHERE id = (SELECT id FROM jobs WHERE ((state = 'queued' AND run_at <= ?3) OR "
        "(state = 'running' AND lease_until < ?3)) AND kind IN (SELECT value FROM ") +
        (dialect_ == sql::Dialect::kPostgres ? "json_array_elements_text(?4::json)" : "json_each(?4)") +
        ") ORDER BY run_at, id LIMIT 1" + lock + ") RETURNING " + kJobColumns;
    return WithConnection<std::optional<Job>>([&](Connection& c) -> Result<std::optional<Job>> {
      auto p = c.Prepare(sql);
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, holder).Bind(2, Seconds(lease_until)).Bind(3, Seconds(now)).Bind(4, nlohmann::json(kinds).dump());
      const int rc = st.Step();
      if (rc == kRow) return std::optional<Job>(JobFromRow(st));
      if (rc == kDone) return std::optional<Job>();
      return Status::IOError(c.LastError());
    });
  }

  Status ExtendJobLease(int64_t id, const std::string& holder, TimePoint lease_until) override {
    auto r = WithConnection<bool>([&](Connection& c) -> Result<bool> {
      auto p = c.Prepare("UPDATE jobs SET lease_until = ?3 WHERE id = ?1 AND holder = ?2 AND state = 'running'");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, id).Bind(2, holder).Bind(3, Seconds(lease_until));
      if (st.Step() != kDone) return Status::IOError(c.LastError());
      if (c.Changes() == 0) return Status::NotFound(fmt::format("job {} is not held by {}", id, holder));
      return true;
    });
    return r.status();
  }

  Status FinishJob(int64_t id, const std::string& holder, bool ok, const std::string& error, TimePoint now,
                   TimePoint retry_at) override {
    auto r = WithConnection<bool>([&](Connection& c) -> Result<bool> {
      auto p = c.Prepare(
          ok ? "UPDATE jobs SET state = 'done', last_error = '', finished_at = ?3, updated_at = ?3, lease_until = 0 "
               "WHERE id = ?1 AND holder = ?2 AND state = 'running'"
             : "UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, "
               "last_error = ?4, run_at = ?5, updated_at = ?3, lease_until = 0, "
               "finished_at = CASE WHEN attempts >= max_attempts THEN ?3 ELSE NULL END "
               "WHERE id = ?1 AND holder = ?2 AND state = 'running'");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, id).Bind(2, holder).Bind(3, Seconds(now));
      if (!ok) st.Bind(4, error.substr(0, 2000)).Bind(5, Seconds(retry_at));
      if (st.Step() != kDone) return Status::IOError(c.LastError());
      if (c.Changes() == 0) return Status::NotFound(fmt::format("job {} is no longer held by {}", id, holder));
      return true;
    });
    return r.status();
  }

  Result<std::vector<Job>> ListJobs(const std::vector<JobState>& states, int limit) override {
    std::vector<std::string> names;
    for (JobState s : states) names.push_back(JobStateName(s));
    const std::string sql = std::string("SELECT ") + kJobColumns + " FROM jobs WHERE (?1 = '[]' OR state IN (SELECT value FROM " +
                            (dialect_ == sql::Dialect::kPostgres ? "json_array_elements_text(?1::json)" : "json_each(?1)") +
                            ")) ORDER BY id DESC LIMIT ?2";
    return WithConnection<std::vector<Job>>([&](Connection& c) -> Result<std::vector<Job>> {
      return sql::QueryAll<Job>(c, sql,
          [&](Stmt& st) { st.Bind(1, nlohmann::json(names).dump()).Bind(2, static_cast<int64_t>(limit)); },
          [&](const Stmt& st) { return JobFromRow(st); });
    });
  }

  Result<Job> GetJob(int64_t id) override {
    return WithConnection<Job>([&](Connection& c) { return GetJobOn(c, id); });
  }

  Status RetryJob(int64_t id, TimePoint now) override {
    auto r = WithConnection<bool>([&](Connection& c) -> Result<bool> {
      auto p = c.Prepare(
          "UPDATE jobs SET state = 'queued', attempts = 0, run_at = ?2, updated_at = ?2, finished_at = NULL, "
          "holder = '' WHERE id = ?1 AND state = 'failed'");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, id).Bind(2, Seconds(now));
      if (st.Step() != kDone) return Status::IOError(c.LastError());
      if (c.Changes() == 1) return true;
      auto job = GetJobOn(c, id);
      if (!job.ok()) return job.status();
      return Status::InvalidArgument(fmt::format("job {} is {}, not failed", id, JobStateName(job->state)));
    });
    return r.status();
  }

  Result<Job> GetJobOn(Connection& c, int64_t id) {
    auto p = c.Prepare(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?1");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, id);
    const int rc = st.Step();
    if (rc == kDone) return Status::NotFound(fmt::format("no job {}", id));
    if (rc != kRow) return Status::IOError(c.LastError());
    return JobFromRow(st);
  }

  Result<JobCounts> CountJobs() override {
    return WithConnection<JobCounts>([&](Connection& c) -> Result<JobCounts> {
      auto p = c.Prepare("SELECT state, COUNT(*) FROM jobs GROUP BY state");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      JobCounts n;
      int rc;
      while ((rc = st.Step()) == kRow) {
        const std::string state = st.Text(0);
        (state == "queued" ? n.queued : state == "running" ? n.running : state == "done" ? n.done : n.failed) =
            st.Int(1);
      }
      if (rc != kDone) return Status::IOError(c.LastError());
      return n;
    });
  }

  Result<int64_t> PruneJobs(TimePoint before) override {
    return WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
      auto p = c.Prepare("DELETE FROM jobs WHERE state = 'done' AND finished_at < ?1");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, Seconds(before));
      if (st.Step() != kDone) return Status::IOError(c.LastError());
      return c.Changes();
    });
  }

  Result<std::optional<std::string>> GetSetting(const std::string& name) override {
    return WithConnection<std::optional<std::string>>([&](Connection& c) -> Result<std::optional<std::string>> {
      auto p = c.Prepare("SELECT value FROM settings WHERE name = ?1");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, name);
      const int rc = st.Step();
      if (rc == kRow) return std::optional<std::string>(st.Text(0));
      if (rc == kDone) return std::optional<std::string>();
      return Status::IOError(c.LastError());
    });
  }

  Result<std::string> PutSettingIfAbsent(const std::string& name, const std::string& value) override {
    auto put = WithConnection<bool>([&](Connection& c) -> Result<bool> {
      auto p = c.Prepare("INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING");
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, name).Bind(2, value);
      if (st.Step() != kDone) return Status::IOError(c.LastError());
      return true;
    });
    if (!put.ok()) return put.status();
    auto stored = GetSetting(name);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return Status::Internal(fmt::format("setting {} vanished", name));
    return **stored;
  }

  // WithConnection and Write run work on the pool (store/sql/pool.h): a
  // retried unit of work starts from scratch each time.
  template <typename T, typename F>
  Result<T> WithConnection(F&& f) {
    return pool_.WithConnection<T>(std::forward<F>(f));
  }
  template <typename F>
  Status Write(F&& f) {
    return pool_.Write(std::forward<F>(f));
  }

  Result<std::vector<SourceStatus>> ListStatuses(const std::string& sql) {
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
  Status AttachFeeds(Connection& c, std::vector<SourceStatus>& list) {
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
  Status StopFollowing(Connection& c, int64_t id) {
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

  template <typename BindFn>
  Result<std::vector<EntityCount>> EntityCounts(const char* sql, BindFn bind) {
    return WithConnection<std::vector<EntityCount>>([&](Connection& c) -> Result<std::vector<EntityCount>> {
      auto p = c.Prepare(sql);
      if (!p.ok()) return p.status();
      Stmt st(*p);
      bind(st);
      std::vector<EntityCount> out;
      int rc;
      while ((rc = st.Step()) == kRow) out.push_back(EntityCount{st.Text(0), st.Int(1)});
      if (rc != kDone) return Status::IOError(c.LastError());
      return out;
    });
  }

  Status WriteMentions(Connection& c, int64_t article_id, const std::vector<MentionRecord>& mentions) {
    auto del = c.Prepare("DELETE FROM article_mentions WHERE article_id = ?");
    if (!del.ok()) return del.status();
    {
      Stmt st(*del);
      st.Bind(1, article_id);
      if (st.Step() != kDone) return Status::IOError(c.LastError());
    }
    auto ins = c.Prepare("INSERT INTO article_mentions (article_id, entity, count, first_offset) VALUES (?, ?, ?, ?)");
    if (!ins.ok()) return ins.status();
    for (const auto& m : mentions) {
      Stmt st(*ins);
      st.Bind(1, article_id).Bind(2, m.entity).Bind(3, static_cast<int64_t>(m.count)).Bind(4, static_cast<int64_t>(m.first_offset));
      if (st.Step() != kDone) return Status::IOError(c.LastError());
    }
    return Status::Ok();
  }

  Status WriteCandidates(Connection& c, int64_t article_id, const std::vector<NameCandidate>& candidates) {
    auto del = c.Prepare("DELETE FROM article_candidates WHERE article_id = ?");
    if (!del.ok()) return del.status();
    {
      Stmt st(*del);
      st.Bind(1, article_id);
      if (st.Step() != kDone) return Status::IOError(c.LastError());
    }
    auto ins = c.Prepare(
        "INSERT INTO article_candidates (article_id, key, form, language, count) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (article_id, key) DO UPDATE SET count = article_candidates.count + excluded.count");
    if (!ins.ok()) return ins.status();
    for (const auto& n : candidates) {
      if (n.key.empty() || n.count <= 0) continue;
      Stmt st(*ins);
      st.Bind(1, article_id).Bind(2, n.key).Bind(3, n.form).Bind(4, n.language).Bind(5, static_cast<int64_t>(n.count));
      if (st.Step() != kDone) return Status::IOError(c.LastError());
    }
    return Status::Ok();
  }

  Status WriteEntityEdit(Connection& c, const EntityEdit& edit) {
    return sql::Exec(c,
        "INSERT INTO entity_edits (id, definition, updated_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at",
            [&](Stmt& st) { st.Bind(1, edit.id).Bind(2, edit.definition).Bind(3, NowSeconds()); });
  }

  Status Migrate(Connection& c) {
    if (dialect_ == sql::Dialect::kPostgres) {
      // Nodes starting together: one migrates, the others wait and find it done.
      ND_RETURN_IF_ERROR(c.Exec("SELECT pg_advisory_lock(7309)"));
      Status s = ApplyMigrations(c);
      (void)c.Exec("SELECT pg_advisory_unlock(7309)");
      return s;
    }
    return ApplyMigrations(c);
  }

  Status ApplyMigrations(Connection& c) {
    ND_RETURN_IF_ERROR(c.Exec(sql::MigrationSql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
        dialect_)));
    for (const auto& m : sql::Migrations()) {
      Transaction tx(c);
      ND_RETURN_IF_ERROR(tx.status());
      auto p = c.Prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
      if (!p.ok()) return p.status();
      bool applied;
      {
        Stmt st(*p);
        st.Bind(1, static_cast<int64_t>(m.version));
        applied = st.Step() == kRow;
      }
      if (applied) continue;
      ND_RETURN_IF_ERROR(c.Exec(sql::MigrationSql(m.sql, dialect_)).WithContext(fmt::format("migration {}", m.version)));
      auto ins = c.Prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
      if (!ins.ok()) return ins.status();
      {
        Stmt st(*ins);
        st.Bind(1, static_cast<int64_t>(m.version)).Bind(2, NowSeconds());
        if (st.Step() != kDone) return Status::IOError(c.LastError());
      }
      ND_RETURN_IF_ERROR(tx.Commit());
    }
    return Status::Ok();
  }

  Result<int64_t> UpsertSource(Connection& c, const Source& s) {
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

  // FindKey looks an article up by URL, then by (source, guid).
  Result<ArticleKey> FindKey(Connection& c, int64_t source_id, const std::string& url, const std::string& guid) {
    ArticleKey key;
    for (const char* sql : {"SELECT 1 FROM tombstones WHERE url = ?1", "SELECT 1 FROM tombstones WHERE source_id = ?2 AND guid = ?3 AND ?3 <> ''"}) {
      auto p = c.Prepare(sql);
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, url).Bind(2, source_id).Bind(3, guid);
      int rc = st.Step();
      if (rc == kRow) {
        key.state = ArticleKey::State::kDeleted;
        return key;
      }
      if (rc != kDone) return Status::IOError(c.LastError());
    }
    for (const char* sql : {"SELECT id, updated_at FROM articles WHERE url = ?1",
                            "SELECT id, updated_at FROM articles WHERE source_id = ?2 AND guid = ?3 AND ?3 <> ''"}) {
      auto p = c.Prepare(sql);
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, url).Bind(2, source_id).Bind(3, guid);
      int rc = st.Step();
      if (rc == kRow) {
        key.state = ArticleKey::State::kStored;
        key.id = st.Int(0);
        key.stored_at = TimePoint{std::chrono::seconds{st.Int(1)}};
        return key;
      }
      if (rc != kDone) return Status::IOError(c.LastError());
    }
    return key;
  }

  // StoryFor finds the story of a near-duplicate published close in time,
  // or 0 when the article starts a story of its own.
  Result<int64_t> StoryFor(Connection& c, const Fingerprint& print, int64_t published, int64_t self) {
    if (IsEmpty(print)) return int64_t{0};
    auto p = c.Prepare(
        "SELECT story_id, fingerprint FROM articles WHERE published_at BETWEEN ?1 AND ?2 AND id <> ?3 "
        "AND fingerprint <> '' ORDER BY published_at, id");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, published - kStoryWindowSeconds).Bind(2, published + kStoryWindowSeconds).Bind(3, self);
    int rc;
    while ((rc = st.Step()) == kRow)
      if (SameStory(print, DecodeFingerprint(st.Text(1)))) return st.Int(0);
    if (rc != kDone) return Status::IOError(c.LastError());
    return int64_t{0};
  }

  // UpsertArticle returns the article's id, or 0 when an editor deleted it.
  Result<int64_t> UpsertArticle(Connection& c, const ArticleRecord& r, int64_t source_id, int64_t now,
                                UpsertSummary& summary) {
    auto key = FindKey(c, source_id, r.url, r.guid);
    if (!key.ok()) return key.status();
    if (key->state == ArticleKey::State::kDeleted) {
      ++summary.skipped;
      return int64_t{0};
    }
    const int64_t existing = key->id;
    const std::string body = BlocksToJsonText(r.body);
    const std::string lead = LeadOf(r.body);
    const std::string canonical = r.canonical_url.empty() ? r.url : r.canonical_url;
    const std::string slug = Slugify(r.headline);
    const int64_t published = r.published_at.time_since_epoch().count();
    const std::string fingerprint =
        r.fingerprint.empty() ? ArticleFingerprint(r.headline, r.body) : r.fingerprint;
    auto bind_common = [&](Stmt& st) {
      st.Bind(1, slug).Bind(2, source_id).Bind(3, canonical).Bind(4, r.language).Bind(5, r.headline)
          .Bind(6, r.dateline).Bind(7, published);
      if (r.image) {
        st.Bind(8, r.image->url).Bind(9, r.image->credit).Bind(10, r.image->caption);
      } else {
        st.BindNull(8).Bind(9, std::string()).Bind(10, std::string());
      }
      st.Bind(11, r.rights).Bind(12, body).Bind(13, lead).Bind(14, now).Bind(15, r.url).Bind(16, r.guid)
          .Bind(17, r.author).Bind(18, static_cast<int64_t>(r.language_confidence)).Bind(19, fingerprint)
          .Bind(20, existing);
    };
    if (existing) {
      auto upd = c.Prepare(
          "UPDATE articles SET slug = ?1, source_id = ?2, canonical_url = ?3, language = ?4, headline = ?5, "
          "dateline = ?6, published_at = ?7, image_url = ?8, image_credit = ?9, image_caption = ?10, "
          "rights = ?11, body = ?12, lead = ?13, updated_at = ?14, url = ?15, guid = ?16, author = ?17, "
          "language_confidence = ?18, fingerprint = ?19 WHERE id = ?20");
      if (!upd.ok()) return upd.status();
      Stmt st(*upd);
      bind_common(st);
      if (st.Step() != kDone) return Status::IOError(c.LastError());
      ++summary.updated;
      return existing;
    }
    auto ins = c.Prepare(
        "INSERT INTO articles (slug, source_id, canonical_url, language, headline, dateline, published_at, "
        "image_url, image_credit, image_caption, rights, body, lead, created_at, updated_at, url, guid, author, "
        "language_confidence, fingerprint, story_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15, ?16, ?17, ?18, ?19, ?20)");
    if (!ins.ok()) return ins.status();
    int64_t id;
    {
      Stmt st(*ins);
      bind_common(st);  // ?20 (existing = 0) is the provisional story
      if (st.Step() != kDone) return Status::IOError(c.LastError());
      auto last = c.LastInsertId();
      if (!last.ok()) return last.status();
      id = *last;
    }
    auto story = StoryFor(c, DecodeFingerprint(fingerprint), published, id);
    if (!story.ok()) return story.status();
    auto set = c.Prepare("UPDATE articles SET story_id = ?1 WHERE id = ?2");
    if (!set.ok()) return set.status();
    Stmt st(*set);
    st.Bind(1, *story ? *story : id).Bind(2, id);
    if (st.Step() != kDone) return Status::IOError(c.LastError());
    ++summary.inserted;
    return id;
  }

  Status UpsertTranslation(Connection& c, int64_t article_id, const Translation& t, int64_t now) {
    // A human translation is never overwritten by a machine one.
    return sql::Exec(c,
        "INSERT INTO article_translations (article_id, language, headline, dateline, body, lead, produced_by, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
        "ON CONFLICT (article_id, language) DO UPDATE SET headline = excluded.headline, "
        "dateline = excluded.dateline, body = excluded.body, lead = excluded.lead, "
        "produced_by = excluded.produced_by, updated_at = excluded.updated_at "
        "WHERE excluded.produced_by = 'human' OR article_translations.produced_by = 'machine'",
            [&](Stmt& st) { st.Bind(1, article_id).Bind(2, t.language).Bind(3, t.headline).Bind(4, t.dateline)
.Bind(5, BlocksToJsonText(t.body)).Bind(6, LeadOf(t.body)).Bind(7, std::string(TranslatedByName(t.by)))
.Bind(8, now); });
  }

  Status RecordChange(Connection& c, const char* entity, int64_t id, int64_t now) {
    if (dialect_ == sql::Dialect::kPostgres) {
      // Readers of the sequence (caches, search) take "seq N is visible" to
      // mean every earlier one is too, so sequence numbers must commit in
      // order: writers of changes queue on this lock until they commit, as
      // SQLite's single writer does. The notice wakes other nodes at commit.
      auto lock = c.Prepare("SELECT pg_advisory_xact_lock(7310), pg_notify('newsdesk_changes', '')");
      if (!lock.ok()) return lock.status();
      Stmt st(*lock);
      if (st.Step() != kRow) return Status::IOError(c.LastError());
    }
    return sql::Exec(c, "INSERT INTO changes (entity, entity_id, changed_at) VALUES (?, ?, ?)",
        [&](Stmt& st) { st.Bind(1, std::string(entity)).Bind(2, id).Bind(3, now); });
  }

  sql::Pool pool_;
  const ListenerOpener listen_;  // empty on SQLite
  const std::string where_;  // for messages: a path, or a URL without its password
  sql::Dialect dialect_ = sql::Dialect::kSqlite;
};

}  // namespace

const char* JobStateName(JobState s) {
  switch (s) {
    case JobState::kQueued: return "queued";
    case JobState::kRunning: return "running";
    case JobState::kDone: return "done";
    case JobState::kFailed: return "failed";
  }
  return "queued";
}

Result<std::unique_ptr<Store>> OpenSqlStore(sql::Dialect dialect, const std::string& where,
                                            size_t max_connections) {
  SqlStore::Opener open;
  SqlStore::ListenerOpener listen;
  std::string shown = where;
  if (dialect == sql::Dialect::kPostgres) {
    open = [where] { return sql::OpenPostgresConnection(where); };
    listen = [where] { return sql::ListenPostgres(where, "newsdesk_changes"); };
    shown = sql::RedactUrl(where);
  } else {
    open = [where] { return sql::OpenSqliteConnection(where); };
  }
  auto store = std::make_unique<SqlStore>(std::move(open), std::move(listen), shown, max_connections);
  ND_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace newsdesk
