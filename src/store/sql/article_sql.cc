// article_sql.cc: ArticleStore (store/article_store.h): articles, mentions, stories, the change sequence.
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

namespace {

// Near-duplicates are looked for among articles published this close in time.
constexpr int64_t kStoryWindowSeconds = 3 * 24 * 3600;



}  // namespace

Result<UpsertSummary> SqlStore::UpsertArticles(const std::vector<ArticleRecord>& records) {
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

Result<Article> SqlStore::GetArticle(int64_t id) {
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

Result<Translation> SqlStore::GetTranslation(int64_t id, const std::string& language) {
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

Result<ArticlePage> SqlStore::ListArticles(const ArticleQuery& q) {
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

Result<ArticleKey> SqlStore::LookupArticle(int64_t source_id, const std::string& url, const std::string& guid) {
  return WithConnection<ArticleKey>([&](Connection& c) { return FindKey(c, source_id, url, guid); });
}

Status SqlStore::DeleteArticle(int64_t id) {
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

Result<std::vector<ArticleSummary>> SqlStore::StoryArticles(int64_t story_id) {
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

Status SqlStore::ReplaceTags(int64_t article_id, const std::vector<MentionRecord>& mentions,
                   const std::vector<NameCandidate>& candidates) {
  return Write([&](Connection& c) -> Status {
    ND_RETURN_IF_ERROR(WriteMentions(c, article_id, mentions));
    ND_RETURN_IF_ERROR(WriteCandidates(c, article_id, candidates));
    return RecordChange(c, "article", article_id, NowSeconds());
  });
}

Result<std::vector<DayCount>> SqlStore::MentionsPerDay(const std::string& entity, TimePoint from, TimePoint to) {
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

Result<std::vector<EntityCount>> SqlStore::CoMentioned(const std::string& entity, int limit) {
  return EntityCounts(
      "SELECT o.entity, COUNT(*) AS n FROM article_mentions m JOIN article_mentions o "
      "ON o.article_id = m.article_id AND o.entity <> m.entity WHERE m.entity = ?1 "
      "GROUP BY o.entity ORDER BY n DESC, o.entity LIMIT ?2",
      [&](Stmt& st) { st.Bind(1, entity).Bind(2, static_cast<int64_t>(limit)); });
}

Result<std::vector<EntityCount>> SqlStore::TopEntities(TimePoint since, int limit) {
  return EntityCounts(
      "SELECT m.entity, COUNT(*) AS n FROM article_mentions m JOIN articles a ON a.id = m.article_id "
      "WHERE a.published_at >= ?1 GROUP BY m.entity ORDER BY n DESC, m.entity LIMIT ?2",
      [&](Stmt& st) { st.Bind(1, since.time_since_epoch().count()).Bind(2, static_cast<int64_t>(limit)); });
}

Result<std::vector<int64_t>> SqlStore::ArticleIds() {
  return WithConnection<std::vector<int64_t>>([&](Connection& c) -> Result<std::vector<int64_t>> {
    return sql::QueryAll<int64_t>(c, "SELECT id FROM articles ORDER BY id",
        sql::NoParameters,
        [&](const Stmt& st) { return st.Int(0); });
  });
}

Result<std::vector<Change>> SqlStore::ChangesSince(int64_t after, int limit) {
  return WithConnection<std::vector<Change>>([&](Connection& c) -> Result<std::vector<Change>> {
    return sql::QueryAll<Change>(c, "SELECT seq, entity, entity_id FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
        [&](Stmt& st) { st.Bind(1, after).Bind(2, static_cast<int64_t>(limit)); },
        [&](const Stmt& st) { return Change{st.Int(0), st.Text(1), st.Int(2)}; });
  });
}

Result<int64_t> SqlStore::ChangeSequence() {
  return WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
    auto p = c.Prepare("SELECT COALESCE(MAX(seq), 0) FROM changes");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    if (st.Step() != kRow) return Status::IOError(c.LastError());
    return st.Int(0);
  });
}

Status SqlStore::Ping() { return ChangeSequence().status(); }

template <typename BindFn>
Result<std::vector<EntityCount>> SqlStore::EntityCounts(const char* sql, BindFn bind) {
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

Status SqlStore::WriteMentions(Connection& c, int64_t article_id, const std::vector<MentionRecord>& mentions) {
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

Status SqlStore::WriteCandidates(Connection& c, int64_t article_id, const std::vector<NameCandidate>& candidates) {
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

// FindKey looks an article up by URL, then by (source, guid).
Result<ArticleKey> SqlStore::FindKey(Connection& c, int64_t source_id, const std::string& url, const std::string& guid) {
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
Result<int64_t> SqlStore::StoryFor(Connection& c, const Fingerprint& print, int64_t published, int64_t self) {
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
Result<int64_t> SqlStore::UpsertArticle(Connection& c, const ArticleRecord& r, int64_t source_id, int64_t now,
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

Status SqlStore::RecordChange(Connection& c, const char* entity, int64_t id, int64_t now) {
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

}  // namespace newsdesk::sql
