// article_sql.cc: ArticleStore (store/article_store.h), articles as imported
// and fetched, their mentions, stories, and the change sequence.
#include <fmt/format.h>

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/text.h"
#include "model/block_json.h"
#include "model/story.h"
#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

ArticleSummary SummaryFromRow(const Stmt& st) {
  ArticleSummary a;
  a.source = SourceFromRow(st, ReadColumns(st, 0, a.id, a.slug, a.language, a.headline, a.published_at, a.lead));
  return a;
}

Result<std::string> StoredBody(const std::vector<Block>& body) {
  std::string text = BlocksToJsonText(body);
  if (auto back = BlocksFromJsonText(text); !back.ok())
    return Status::InvalidArgument("the body cannot be stored: " + back.status().message());
  return text;
}

ArticleSummary EditionSummaryFromRow(const Stmt& st, const std::string& edition) {
  ArticleSummary s = SummaryFromRow(st);
  s.story_id = st.Int(16);
  if (!st.IsNull(12)) {
    Translation t;
    t.language = edition;
    t.headline = st.Text(12);
    t.dateline = st.Text(13);
    t.body = {Block{BlockType::kParagraph, st.Text(14), {}, {}, {}, {}}};
    t.by = st.Text(15) == "human" ? TranslatedBy::kHuman : TranslatedBy::kMachine;
    t.reviewed = st.Int(17) != 0;
    s.translation = std::move(t);
  }
  return s;
}

namespace {

constexpr const char* kSummaryColumns =
    "SELECT a.id, a.slug, a.language, a.headline, a.published_at, a.lead, "
    "s.id, s.slug, s.name, s.home_url, s.country, s.language ";

// ReplaceRows deletes the rows of `table` for `article_id`, then inserts
// one per item with `insert`, whose ?1 is the article and `bind` binds the rest.
template <typename Item, typename Bind>
Status ReplaceRows(Connection& c, const char* table, int64_t article_id, const std::vector<Item>& items,
                   const char* insert, Bind&& bind) {
  ND_RETURN_IF_ERROR(Exec(c, fmt::format("DELETE FROM {} WHERE article_id = ?", table),
                          [&](Stmt& st) { st.Bind(1, article_id); }));
  for (const Item& item : items) {
    ND_RETURN_IF_ERROR(Exec(c, insert, [&](Stmt& st) {
      st.Bind(1, article_id);
      bind(st, item);
    }));
  }
  return Status::Ok();
}

Status WriteMentions(Connection& c, int64_t article_id, const std::vector<MentionRecord>& mentions) {
  return ReplaceRows(c, "article_mentions", article_id, mentions,
                     "INSERT INTO article_mentions (article_id, entity, count, first_offset) VALUES (?, ?, ?, ?)",
                     [](Stmt& st, const MentionRecord& m) {
                       st.Bind(2, m.entity).Bind(3, static_cast<int64_t>(m.count))
                           .Bind(4, static_cast<int64_t>(m.first_offset));
                     });
}

Status WriteCandidates(Connection& c, int64_t article_id, const std::vector<NameCandidate>& candidates) {
  std::vector<NameCandidate> kept;
  for (const auto& n : candidates)
    if (!n.key.empty() && n.count > 0) kept.push_back(n);
  return ReplaceRows(c, "article_candidates", article_id, kept,
                     "INSERT INTO article_candidates (article_id, key, form, language, count) VALUES (?, ?, ?, ?, ?) "
                     "ON CONFLICT (article_id, key) DO UPDATE SET count = article_candidates.count + excluded.count",
                     [](Stmt& st, const NameCandidate& n) {
                       st.Bind(2, n.key).Bind(3, n.form).Bind(4, n.language).Bind(5, static_cast<int64_t>(n.count));
                     });
}

// FindKey looks an article up by URL, then by (source, guid): a tombstone
// first, then a stored article.
Result<ArticleKey> FindKey(Connection& c, int64_t source_id, const std::string& url, const std::string& guid) {
  auto bind = [&](Stmt& st) { st.Bind(1, url).Bind(2, source_id).Bind(3, guid); };
  for (const char* sql : {"SELECT 1 FROM tombstones WHERE url = ?1",
                          "SELECT 1 FROM tombstones WHERE source_id = ?2 AND guid = ?3 AND ?3 <> ''"}) {
    auto deleted = QueryOne<ArticleKey>(c, sql, bind, [](const Stmt&) {
      ArticleKey key;
      key.state = ArticleKey::State::kDeleted;
      return key;
    });
    if (!deleted.ok()) return deleted.status();
    if (*deleted) return **deleted;
  }
  for (const char* sql : {"SELECT id, updated_at FROM articles WHERE url = ?1",
                          "SELECT id, updated_at FROM articles WHERE source_id = ?2 AND guid = ?3 AND ?3 <> ''"}) {
    auto stored = QueryOne<ArticleKey>(c, sql, bind, [](const Stmt& st) {
      return ArticleKey{ArticleKey::State::kStored, st.Int(0), FromSeconds(st.Int(1))};
    });
    if (!stored.ok()) return stored.status();
    if (*stored) return **stored;
  }
  return ArticleKey{};
}

// StoryCandidates reads the fingerprinted articles other than `self`
// published within kStoryWindow of `published`: what ChooseStory picks from.
Result<std::vector<StoryCandidate>> StoryCandidates(Connection& c, int64_t published, int64_t self) {
  const int64_t window = kStoryWindow.count();
  return QueryAll<StoryCandidate>(c,
      "SELECT id, story_id, published_at, fingerprint FROM articles WHERE published_at BETWEEN ?1 AND ?2 "
      "AND id <> ?3 AND fingerprint <> '' ORDER BY published_at, id",
      [&](Stmt& st) { st.Bind(1, published - window).Bind(2, published + window).Bind(3, self); },
      [](const Stmt& st) { return StoryCandidate{st.Int(0), st.Int(1), FromSeconds(st.Int(2)), st.Text(3)}; });
}

// UpsertArticle returns the article's id, or 0 when an editor deleted it.
// A new article joins the story ChooseStory picks, or starts its own.
Result<int64_t> UpsertArticle(Connection& c, const ArticleRecord& r, int64_t source_id, int64_t now,
                              UpsertSummary& summary) {
  auto key = FindKey(c, source_id, r.url, r.guid);
  if (!key.ok()) return key.status();
  if (key->state == ArticleKey::State::kDeleted) {
    ++summary.skipped;
    return int64_t{0};
  }
  const int64_t existing = key->id;
  auto stored_body = StoredBody(r.body);
  if (!stored_body.ok()) return stored_body.status();
  const std::string& body = *stored_body;
  const std::string lead = LeadOf(r.body);
  const std::string canonical = r.canonical_url.empty() ? r.url : r.canonical_url;
  const std::string slug = Slugify(r.headline);
  const int64_t published = Seconds(r.published_at);
  // Records that did not go through PrepareArticle (mentions/tagger.h) are fingerprinted here.
  const std::string fingerprint = r.fingerprint.empty() ? ArticleFingerprint(r.headline, r.body) : r.fingerprint;
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
    auto edited = QueryInt(c, "SELECT COUNT(*) FROM articles WHERE id = ? AND edited_at IS NOT NULL",
                           [&](Stmt& st) { st.Bind(1, existing); });
    if (!edited.ok()) return edited.status();
    if (*edited) {  // an editor's text is theirs: a new fetch does not undo it
      ++summary.updated;
      return existing;
    }
    ND_RETURN_IF_ERROR(Exec(c,
        "UPDATE articles SET slug = ?1, source_id = ?2, canonical_url = ?3, language = ?4, headline = ?5, "
        "dateline = ?6, published_at = ?7, image_url = ?8, image_credit = ?9, image_caption = ?10, "
        "rights = ?11, body = ?12, lead = ?13, updated_at = ?14, url = ?15, guid = ?16, author = ?17, "
        "language_confidence = ?18, fingerprint = ?19 WHERE id = ?20",
        bind_common));
    ++summary.updated;
    return existing;
  }
  ND_RETURN_IF_ERROR(Exec(c,
      "INSERT INTO articles (slug, source_id, canonical_url, language, headline, dateline, published_at, "
      "image_url, image_credit, image_caption, rights, body, lead, created_at, updated_at, url, guid, author, "
      "language_confidence, fingerprint, story_id, state) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
      // The source's policy decides: published at once, or held for review.
      "(SELECT CASE WHEN hold_for_review <> 0 THEN 'held' ELSE 'published' END FROM sources WHERE id = ?2))",
      bind_common));  // ?20 (existing = 0) is the provisional story
  auto id = c.LastInsertId();
  if (!id.ok()) return id.status();
  int64_t story = *id;
  if (!fingerprint.empty()) {  // too short a text to compare: a story of its own
    auto candidates = StoryCandidates(c, published, *id);
    if (!candidates.ok()) return candidates.status();
    story = ChooseStory(fingerprint, r.published_at, *candidates).value_or(*id);
  }
  ND_RETURN_IF_ERROR(Exec(c, "UPDATE articles SET story_id = ?1 WHERE id = ?2",
                          [&](Stmt& st) { st.Bind(1, story).Bind(2, *id); }));
  ++summary.inserted;
  return *id;
}

// ReadArticle reads article `id` with its mentions and translation
// languages; NotFound when there is none, or it is not published and
// `published_only`.
Result<Article> ReadArticle(Connection& c, int64_t id, bool published_only) {
  {
    std::string body;
    std::string state;
    auto found = QueryFound<Article>(c,
        std::string("SELECT a.id, a.slug, a.url, a.canonical_url, a.language, a.headline, a.dateline, a.published_at, "
        "a.image_url, a.image_credit, a.image_caption, a.rights, a.body, a.view_count, "
        "s.id, s.slug, s.name, s.home_url, s.country, s.language, a.author, a.language_confidence, a.story_id, "
        "a.state, a.publish_at, a.updated_at "
        "FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = ?") +
            (published_only ? " AND a.state = 'published'" : ""),
        [&](Stmt& st) { st.Bind(1, id); },
        [&](const Stmt& st) {
          Article a;
          ReadColumns(st, 0, a.id, a.slug, a.url, a.canonical_url, a.language, a.headline, a.dateline, a.published_at);
          if (!st.IsNull(8)) a.image = Image{st.Text(8), st.Text(9), st.Text(10)};
          ReadColumns(st, 11, a.rights, body, a.view_count);
          a.source = SourceFromRow(st, 14);
          ReadColumns(st, 20, a.author, a.language_confidence, a.story_id, state, a.publish_at, a.updated_at);
          return a;
        },
        fmt::format("no article {}", id));
    if (!found.ok()) return found.status();
    Article a = std::move(*found);
    a.publication = ParsePublication(state).value_or(Publication::kPublished);
    auto blocks = BlocksFromJsonText(body);
    if (!blocks.ok()) return blocks.status().WithContext(fmt::format("article {}", id));
    a.body = std::move(*blocks);
    auto bind_id = [&](Stmt& st) { st.Bind(1, id); };
    auto mentions = QueryAll<MentionRecord>(c,
        "SELECT entity, count, first_offset FROM article_mentions WHERE article_id = ? "
        "ORDER BY count DESC, first_offset, entity",
        bind_id,
        [](const Stmt& st) { return MentionRecord{st.Text(0), static_cast<int>(st.Int(1)), static_cast<int>(st.Int(2))}; });
    if (!mentions.ok()) return mentions.status();
    a.mentions = std::move(*mentions);
    auto languages = QueryAll<std::pair<std::string, bool>>(c,
        "SELECT language, CASE WHEN produced_by = 'machine' AND reviewed_at IS NULL THEN 1 ELSE 0 END "
        "FROM article_translations WHERE article_id = ? ORDER BY language",
        bind_id, [](const Stmt& st) { return std::make_pair(st.Text(0), st.Int(1) != 0); });
    if (!languages.ok()) return languages.status();
    for (auto& [language, unreviewed_machine] : *languages) {
      if (unreviewed_machine) a.unreviewed_machine_translations.push_back(language);
      a.translation_languages.push_back(std::move(language));
    }
    auto corrections = QueryAll<Correction>(c,
        "SELECT article_id, at, correction FROM article_revisions WHERE article_id = ? AND correction <> '' "
        "ORDER BY id",
        bind_id, [](const Stmt& st) { return Correction{st.Int(0), FromSeconds(st.Int(1)), st.Text(2)}; });
    if (!corrections.ok()) return corrections.status();
    a.corrections = std::move(*corrections);
    return a;
  }
}


}  // namespace

Status RecordChange(Connection& c, const char* entity, int64_t id, int64_t now) {
  if (c.dialect() == Dialect::kPostgres) {
    // Readers of the sequence (caches, search) take "seq N is visible" to
    // mean every earlier one is too, so sequence numbers must commit in
    // order: writers of changes queue on this lock until they commit, as
    // SQLite's single writer does. The notice wakes other nodes at commit.
    ND_RETURN_IF_ERROR(QueryRow<bool>(c, "SELECT pg_advisory_xact_lock(7310), pg_notify('newsdesk_changes', '')",
                                      NoParameters, [](const Stmt&) { return true; }).status());
  }
  return Exec(c, "INSERT INTO changes (entity, entity_id, changed_at) VALUES (?, ?, ?)",
              [&](Stmt& st) { st.Bind(1, std::string(entity)).Bind(2, id).Bind(3, now); });
}

Status RequireRow(Connection& c, const std::string& sql, int64_t id, const std::string& not_found) {
  return QueryFound<bool>(c, sql, [&](Stmt& st) { st.Bind(1, id); }, [](const Stmt&) { return true; }, not_found)
      .status();
}

Result<UpsertSummary> SqlStore::UpsertArticles(const std::vector<ArticleRecord>& records) {
  return pool_.WriteReturning<UpsertSummary>([&](Connection& c) -> Result<UpsertSummary> {
    UpsertSummary summary;
    std::unordered_map<std::string, int64_t> source_ids;  // by home URL, within this batch
    const int64_t now = NowSeconds();
    for (size_t i = 0; i < records.size(); ++i) {
      const ArticleRecord& r = records[i];
      const std::string record = fmt::format("record {}", i + 1);
      int64_t source_id;
      if (r.source.id != 0) {
        source_id = r.source.id;
      } else if (auto it = source_ids.find(r.source.home_url); it != source_ids.end()) {
        source_id = it->second;
      } else {
        auto sid = UpsertSource(c, r.source);
        if (!sid.ok()) return sid.status().WithContext(record);
        source_id = *sid;
        source_ids.emplace(r.source.home_url, source_id);
      }
      auto id = UpsertArticle(c, r, source_id, now, summary);
      if (!id.ok()) return id.status().WithContext(fmt::format("{} ({})", record, r.url));
      if (*id == 0) {  // deleted by an editor
        summary.ids.push_back(0);
        continue;
      }
      for (const auto& t : r.translations) ND_RETURN_IF_ERROR(UpsertTranslation(c, *id, t, now).WithContext(record));
      ND_RETURN_IF_ERROR(WriteMentions(c, *id, r.mentions).WithContext(record));
      ND_RETURN_IF_ERROR(WriteCandidates(c, *id, r.candidates).WithContext(record));
      ND_RETURN_IF_ERROR(RecordChange(c, "article", *id, now));
      summary.ids.push_back(*id);
    }
    return summary;
  });
}

Result<Article> SqlStore::GetArticle(int64_t id) {
  return WithConnection<Article>([&](Connection& c) { return ReadArticle(c, id, /*published_only=*/true); });
}

Result<Article> SqlStore::GetArticleInAnyState(int64_t id) {
  return WithConnection<Article>([&](Connection& c) { return ReadArticle(c, id, /*published_only=*/false); });
}

Result<Translation> SqlStore::GetTranslation(int64_t id, const std::string& language) {
  return WithConnection<Translation>([&](Connection& c) -> Result<Translation> {
    std::string body;
    auto found = QueryFound<Translation>(c,
        "SELECT headline, dateline, body, produced_by, reviewed_at IS NOT NULL FROM article_translations "
        "WHERE article_id = ? AND language = ?",
        [&](Stmt& st) { st.Bind(1, id).Bind(2, language); },
        [&](const Stmt& st) {
          Translation t;
          t.language = language;
          t.headline = st.Text(0);
          t.dateline = st.Text(1);
          body = st.Text(2);
          t.by = st.Text(3) == "human" ? TranslatedBy::kHuman : TranslatedBy::kMachine;
          t.reviewed = st.Int(4) != 0;
          return t;
        },
        fmt::format("translation of article {} into {}", id, language));
    if (!found.ok()) return found.status();
    auto blocks = BlocksFromJsonText(body);
    if (!blocks.ok()) return blocks.status();
    found->body = std::move(*blocks);
    return found;
  });
}

Result<ArticlePage> SqlStore::ListArticles(const ArticleQuery& q) {
  if (q.limit < 1 || q.limit > 200) return Status::InvalidArgument("limit must be from 1 to 200");
  // The SQL is assembled from fixed fragments only; every value is bound.
  std::string sql = std::string(kEditionSummaryColumns) + ", a.publish_at " +
                    "FROM articles a JOIN sources s ON s.id = a.source_id "
                    "LEFT JOIN article_translations t ON t.article_id = a.id AND t.language = ?1 WHERE 1 = 1";
  // The state is one of a fixed few names, written into the text; for the
  // unpublished, the partial index's own condition is repeated word for
  // word, which is how SQLite proves that it may use that index.
  sql += fmt::format(" AND a.state = '{}'", PublicationName(q.publication));
  if (q.publication != Publication::kPublished) sql += " AND a.state <> 'published'";
  if (q.language) sql += " AND a.language = ?2";
  if (q.source_id) sql += " AND a.source_id = ?3";
  if (q.after) sql += " AND (a.published_at < ?4 OR (a.published_at = ?4 AND a.id < ?5))";
  if (q.entity) sql += " AND a.id IN (SELECT article_id FROM article_mentions WHERE entity = ?7)";
  if (q.one_per_story)
    sql += " AND NOT EXISTS (SELECT 1 FROM articles b WHERE b.story_id = a.story_id AND b.state = a.state AND "
           "(b.published_at > a.published_at OR (b.published_at = a.published_at AND b.id > a.id)))";
  sql += " ORDER BY a.published_at DESC, a.id DESC LIMIT ?6";
  return WithConnection<ArticlePage>([&](Connection& c) -> Result<ArticlePage> {
    auto items = QueryAll<ArticleSummary>(c, sql,
        [&](Stmt& st) {
          st.Bind(1, q.edition);
          if (q.language) st.Bind(2, *q.language);
          if (q.source_id) st.Bind(3, *q.source_id);
          if (q.after) st.Bind(4, Seconds(q.after->published_at)).Bind(5, q.after->id);
          st.Bind(6, static_cast<int64_t>(q.limit + 1));
          if (q.entity) st.Bind(7, *q.entity);
        },
        [&](const Stmt& st) {
          ArticleSummary a = EditionSummaryFromRow(st, q.edition);
          a.publication = q.publication;
          ReadColumns(st, 18, a.publish_at);
          return a;
        });
    if (!items.ok()) return items.status();
    ArticlePage page;
    page.items = std::move(*items);
    if (page.items.size() > static_cast<size_t>(q.limit)) {
      page.items.pop_back();
      page.next = ArticleCursor{page.items.back().published_at, page.items.back().id};
    }
    return page;
  });
}

// --- sitemaps (issue 17, part 1) -------------------------------------------
// An article's modification as an edition shows it: its own last write or
// its translation's into the edition, the later (CASE, not MAX/GREATEST,
// so that one text serves both backends; no translation leaves a.updated_at).
constexpr const char* kEditionModified =
    "CASE WHEN t.updated_at > a.updated_at THEN t.updated_at ELSE a.updated_at END";

// Whether a translation is offered: made or reviewed by a person, or any
// when the scope takes unreviewed machine ones (parameter {0}, 1 or 0).
constexpr const char* kTranslationOffered =
    "(?{0} = 1 OR t.produced_by = 'human' OR t.reviewed_at IS NOT NULL)";

// The articles an edition's sitemaps offer: written in its language (?1),
// or translated into it (t joined on ?1) by an offered translation.
std::string OfferedInEdition(int with_unreviewed_param) {
  return fmt::format("(a.language = ?1 OR (t.article_id IS NOT NULL AND {}))",
                     fmt::format(kTranslationOffered, with_unreviewed_param));
}

Result<PublishedSpan> SqlStore::SummarizePublished(const SitemapScope& scope, TimePoint from, TimePoint to) {
  const std::string sql = fmt::format(
      "SELECT COUNT(*), COALESCE(MIN(a.published_at), 0), COALESCE(MAX(a.published_at), 0), "
      "COALESCE(MAX({}), 0) FROM articles a "
      "LEFT JOIN article_translations t ON t.article_id = a.id AND t.language = ?1 "
      "WHERE a.state = 'published' AND a.published_at >= ?2 AND a.published_at < ?3 AND {}",
      kEditionModified, OfferedInEdition(4));
  return WithConnection<PublishedSpan>([&](Connection& c) {
    return QueryRow<PublishedSpan>(c, sql,
        [&](Stmt& st) {
          st.Bind(1, scope.edition).Bind(2, Seconds(from)).Bind(3, Seconds(to))
              .Bind(4, static_cast<int64_t>(scope.with_unreviewed_machine));
        },
        [](const Stmt& st) {
          PublishedSpan span;
          ReadColumns(st, 0, span.count, span.first_published, span.last_published, span.last_modified);
          return span;
        });
  });
}

Result<std::vector<SitemapEntry>> SqlStore::ListSitemapEntries(const SitemapScope& scope, TimePoint from,
                                                               TimePoint to, std::optional<ArticleCursor> after,
                                                               int limit) {
  if (limit < 1 || limit > 50000) return Status::InvalidArgument("limit must be from 1 to 50000");
  // Without a cursor the keyset starts at (from, 0): every id is above it,
  // so one text serves the first page and the next.
  const ArticleCursor start = after.value_or(ArticleCursor{from, 0});
  const std::string sql = fmt::format(
      "SELECT a.id, a.slug, a.language, a.published_at, {} FROM articles a "
      "LEFT JOIN article_translations t ON t.article_id = a.id AND t.language = ?1 "
      "WHERE a.state = 'published' AND a.published_at >= ?2 AND a.published_at < ?3 "
      "AND (a.published_at > ?4 OR (a.published_at = ?4 AND a.id > ?5)) AND {} "
      "ORDER BY a.published_at, a.id LIMIT ?6",
      kEditionModified, OfferedInEdition(7));
  // The listed articles' offered translations, in one query over the same
  // stretch of the keyset (first to last entry, both included).
  const std::string translations_sql = fmt::format(
      "SELECT t.article_id, t.language FROM article_translations t JOIN articles a ON a.id = t.article_id "
      "WHERE a.state = 'published' AND (a.published_at > ?1 OR (a.published_at = ?1 AND a.id >= ?2)) "
      "AND (a.published_at < ?3 OR (a.published_at = ?3 AND a.id <= ?4)) AND {} "
      "ORDER BY t.article_id, t.language",
      fmt::format(kTranslationOffered, 5));
  const int64_t with_unreviewed = scope.with_unreviewed_machine;
  return WithConnection<std::vector<SitemapEntry>>([&](Connection& c) -> Result<std::vector<SitemapEntry>> {
    auto entries = QueryAll<SitemapEntry>(c, sql,
        [&](Stmt& st) {
          st.Bind(1, scope.edition).Bind(2, Seconds(from)).Bind(3, Seconds(to)).Bind(4, Seconds(start.published_at))
              .Bind(5, start.id).Bind(6, static_cast<int64_t>(limit)).Bind(7, with_unreviewed);
        },
        [](const Stmt& st) {
          SitemapEntry e;
          ReadColumns(st, 0, e.id, e.slug, e.language, e.published_at, e.modified_at);
          return e;
        });
    if (!entries.ok() || entries->empty()) return entries;
    std::map<int64_t, SitemapEntry*> by_id;
    for (auto& e : *entries) by_id[e.id] = &e;
    const SitemapEntry& first = entries->front();
    const SitemapEntry& last = entries->back();
    auto translations = QueryAll<std::pair<int64_t, std::string>>(c, translations_sql,
        [&](Stmt& st) {
          st.Bind(1, Seconds(first.published_at)).Bind(2, first.id).Bind(3, Seconds(last.published_at))
              .Bind(4, last.id).Bind(5, with_unreviewed);
        },
        [](const Stmt& st) { return std::make_pair(st.Int(0), st.Text(1)); });
    if (!translations.ok()) return translations.status();
    // The stretch may hold articles the edition does not carry: they are
    // not in `by_id`, and their translations are not wanted.
    for (auto& [id, language] : *translations)
      if (auto it = by_id.find(id); it != by_id.end()) it->second->offered_translations.push_back(std::move(language));
    return entries;
  });
}

Result<ArticleKey> SqlStore::LookupArticle(int64_t source_id, const std::string& url, const std::string& guid) {
  return WithConnection<ArticleKey>([&](Connection& c) { return FindKey(c, source_id, url, guid); });
}

Status SqlStore::DeleteArticle(int64_t id) { return SetPublication(id, Publication::kDeleted, std::nullopt); }

Status SqlStore::SetPublication(int64_t id, Publication state, std::optional<TimePoint> publish_at) {
  if ((state == Publication::kScheduled) != publish_at.has_value())
    return Status::InvalidArgument("a time to publish goes with scheduling, and only with it");
  return Write([&](Connection& c) -> Status {
    const int64_t now = NowSeconds();
    ND_RETURN_IF_ERROR(Exec(c, "UPDATE articles SET state = ?1, publish_at = ?2 WHERE id = ?3", [&](Stmt& st) {
      st.Bind(1, std::string(PublicationName(state)));
      if (publish_at) st.Bind(2, Seconds(*publish_at));
      else st.BindNull(2);
      st.Bind(3, id);
    }));
    if (c.Changes() == 0) return Status::NotFound(fmt::format("no article {}", id));
    if (state == Publication::kDeleted) {
      ND_RETURN_IF_ERROR(Exec(c,
          "INSERT INTO tombstones (url, source_id, guid, deleted_at) "
          "SELECT url, source_id, guid, ?2 FROM articles WHERE id = ?1 "
          "ON CONFLICT (url) DO UPDATE SET source_id = excluded.source_id, guid = excluded.guid, "
          "deleted_at = excluded.deleted_at",
          [&](Stmt& st) { st.Bind(1, id).Bind(2, now); }));
    } else {
      ND_RETURN_IF_ERROR(Exec(c, "DELETE FROM tombstones WHERE url = (SELECT url FROM articles WHERE id = ?)",
                              [&](Stmt& st) { st.Bind(1, id); }));
    }
    return RecordChange(c, "article", id, now);
  });
}

Result<int64_t> SqlStore::PublishDueArticles(TimePoint now) {
  // Looked for first on a reader: most seconds nothing is due, and a write
  // would take SQLite's one writer's lock for nothing.
  auto due = WithConnection<std::vector<int64_t>>([&](Connection& c) {
    return QueryAll<int64_t>(c,
        "SELECT id FROM articles WHERE state = 'scheduled' AND publish_at <= ? ORDER BY publish_at, id LIMIT 500",
        [&](Stmt& st) { st.Bind(1, Seconds(now)); }, [](const Stmt& st) { return st.Int(0); });
  });
  if (!due.ok() || due->empty()) return due.ok() ? int64_t{0} : Result<int64_t>(due.status());
  return pool_.WriteReturning<int64_t>([&](Connection& c) -> Result<int64_t> {
    int64_t published = 0;
    for (int64_t id : *due) {
      // Still scheduled and due: an editor may have changed it meanwhile.
      ND_RETURN_IF_ERROR(Exec(c,
          "UPDATE articles SET state = 'published', publish_at = NULL "
          "WHERE id = ?1 AND state = 'scheduled' AND publish_at <= ?2",
          [&](Stmt& st) { st.Bind(1, id).Bind(2, Seconds(now)); }));
      if (c.Changes() == 0) continue;
      ++published;
      ND_RETURN_IF_ERROR(RecordChange(c, "article", id, Seconds(now)));
    }
    return published;
  });
}

Result<std::vector<PublicationCount>> SqlStore::CountUnpublished() {
  return WithConnection<std::vector<PublicationCount>>([&](Connection& c) {
    return QueryAll<PublicationCount>(c,
        "SELECT state, COUNT(*) FROM articles WHERE state <> 'published' GROUP BY state ORDER BY state", NoParameters,
        [](const Stmt& st) {
          return PublicationCount{ParsePublication(st.Text(0)).value_or(Publication::kPublished), st.Int(1)};
        });
  });
}

Result<int64_t> SqlStore::SaveArticleEdit(const ArticleEdit& e) {
  if (e.content.headline.empty()) return Status::InvalidArgument("an article needs a headline");
  return pool_.WriteReturning<int64_t>([&](Connection& c) -> Result<int64_t> {
    const int64_t at = Seconds(e.at);
    auto revisions = QueryInt(c, "SELECT COUNT(*) FROM article_revisions WHERE article_id = ?",
                              [&](Stmt& st) { st.Bind(1, e.article_id); });
    if (!revisions.ok()) return revisions.status();
    auto add_revision = [&](const ArticleContent& content, int64_t when, const std::string& actor,
                            const std::string& actor_name, const std::string& correction) {
      return Exec(c,
          "INSERT INTO article_revisions (article_id, at, actor, actor_name, correction, content) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          [&](Stmt& st) {
            st.Bind(1, e.article_id).Bind(2, when).Bind(3, actor).Bind(4, actor_name).Bind(5, correction)
                .Bind(6, ContentToJsonText(content));
          });
    };
    if (*revisions == 0) {  // the text as it arrived, so that the first edit can be undone
      auto before = ReadArticle(c, e.article_id, /*published_only=*/false);
      if (!before.ok()) return before.status();
      auto stored = QueryInt(c, "SELECT updated_at FROM articles WHERE id = ?",
                             [&](Stmt& st) { st.Bind(1, e.article_id); });
      if (!stored.ok()) return stored.status();
      ND_RETURN_IF_ERROR(add_revision(ContentOf(*before), *stored, "ingest", "", ""));
    }
    const ArticleContent& n = e.content;
    auto body = StoredBody(n.body);
    if (!body.ok()) return body.status();
    ND_RETURN_IF_ERROR(Exec(c,
        "UPDATE articles SET headline = ?1, dateline = ?2, language = ?3, image_url = ?4, image_credit = ?5, "
        "image_caption = ?6, rights = ?7, body = ?8, lead = ?9, updated_at = ?10, edited_at = ?10 WHERE id = ?11",
        [&](Stmt& st) {
          st.Bind(1, n.headline).Bind(2, n.dateline).Bind(3, n.language);
          if (n.image) st.Bind(4, n.image->url).Bind(5, n.image->credit).Bind(6, n.image->caption);
          else st.BindNull(4).Bind(5, std::string()).Bind(6, std::string());
          st.Bind(7, n.rights).Bind(8, *body).Bind(9, LeadOf(n.body)).Bind(10, at)
              .Bind(11, e.article_id);
        }));
    if (c.Changes() == 0) return Status::NotFound(fmt::format("no article {}", e.article_id));
    ND_RETURN_IF_ERROR(add_revision(n, at, e.actor, e.actor_name, e.correction));
    auto id = c.LastInsertId();
    if (!id.ok()) return id.status();
    ND_RETURN_IF_ERROR(RecordChange(c, "article", e.article_id, at));
    return *id;
  });
}

namespace {
constexpr const char* kRevisionColumns =
    "SELECT id, article_id, at, actor, actor_name, correction, content FROM article_revisions ";

Result<Revision> RevisionFromRow(const Stmt& st) {
  Revision r;
  std::string content;
  ReadColumns(st, 0, r.id, r.article_id, r.at, r.actor, r.actor_name, r.correction, content);
  auto parsed = ContentFromJsonText(content);
  if (!parsed.ok()) return parsed.status().WithContext(fmt::format("revision {}", r.id));
  r.content = std::move(*parsed);
  return r;
}
}  // namespace

Result<std::vector<Revision>> SqlStore::ListRevisions(int64_t article_id) {
  return WithConnection<std::vector<Revision>>([&](Connection& c) -> Result<std::vector<Revision>> {
    std::vector<Revision> out;
    Status failed;
    ND_RETURN_IF_ERROR(QueryEach(c, std::string(kRevisionColumns) + "WHERE article_id = ? ORDER BY id DESC LIMIT 200",
        [&](Stmt& st) { st.Bind(1, article_id); },
        [&](const Stmt& st) {
          auto r = RevisionFromRow(st);
          if (r.ok()) out.push_back(std::move(*r));
          else failed = r.status();
        }));
    if (!failed.ok()) return failed;
    return out;
  });
}

Result<Revision> SqlStore::GetRevision(int64_t id) {
  return WithConnection<Revision>([&](Connection& c) -> Result<Revision> {
    std::optional<Result<Revision>> found;
    ND_RETURN_IF_ERROR(QueryEach(c, std::string(kRevisionColumns) + "WHERE id = ?", [&](Stmt& st) { st.Bind(1, id); },
                                 [&](const Stmt& st) { found = RevisionFromRow(st); }));
    if (!found) return Status::NotFound(fmt::format("no revision {}", id));
    return std::move(*found);
  });
}

Result<std::vector<Correction>> SqlStore::Corrections(const std::vector<int64_t>& article_ids) {
  std::vector<Correction> out;
  if (article_ids.empty()) return out;
  if (article_ids.size() > 500) return Status::InvalidArgument("at most 500 articles at once");
  std::string sql = "SELECT article_id, at, correction FROM article_revisions WHERE correction <> '' AND article_id IN (";
  for (size_t i = 0; i < article_ids.size(); ++i) sql += i ? ", ?" : "?";
  sql += ") ORDER BY article_id, id";
  return WithConnection<std::vector<Correction>>([&](Connection& c) {
    return QueryAll<Correction>(c, sql,
        [&](Stmt& st) {
          for (size_t i = 0; i < article_ids.size(); ++i) st.Bind(static_cast<int>(i + 1), article_ids[i]);
        },
        [](const Stmt& st) { return Correction{st.Int(0), FromSeconds(st.Int(1)), st.Text(2)}; });
  });
}

Result<std::vector<ArticleSummary>> SqlStore::StoryArticles(int64_t story_id) {
  return WithConnection<std::vector<ArticleSummary>>([&](Connection& c) {
    return QueryAll<ArticleSummary>(c,
        std::string(kSummaryColumns) +
            "FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.story_id = ? AND a.state = 'published' "
            "ORDER BY a.published_at DESC, a.id DESC LIMIT 50",
        [&](Stmt& st) { st.Bind(1, story_id); },
        [&](const Stmt& st) {
          ArticleSummary a = SummaryFromRow(st);
          a.story_id = story_id;
          return a;
        });
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
  return WithConnection<std::vector<DayCount>>([&](Connection& c) {
    return QueryAll<DayCount>(c,
        "SELECT (a.published_at / 86400) * 86400 AS day, COUNT(*) FROM article_mentions m "
        "JOIN articles a ON a.id = m.article_id WHERE m.entity = ?1 AND a.published_at >= ?2 AND a.published_at < ?3 "
        "AND a.state = 'published' "
        "GROUP BY day ORDER BY day",
        [&](Stmt& st) { st.Bind(1, entity).Bind(2, Seconds(from)).Bind(3, Seconds(to)); },
        [](const Stmt& st) { return DayCount{FromSeconds(st.Int(0)), st.Int(1)}; });
  });
}

Result<std::vector<EntityCount>> SqlStore::EntityCounts(const char* sql, const std::function<void(Stmt&)>& bind) {
  return WithConnection<std::vector<EntityCount>>([&](Connection& c) {
    return QueryAll<EntityCount>(c, sql, bind, [](const Stmt& st) { return EntityCount{st.Text(0), st.Int(1)}; });
  });
}

Result<std::vector<EntityCount>> SqlStore::CoMentioned(const std::string& entity, int limit) {
  return EntityCounts(
      "SELECT o.entity, COUNT(*) AS n FROM article_mentions m JOIN article_mentions o "
      "ON o.article_id = m.article_id AND o.entity <> m.entity "
      "JOIN articles a ON a.id = m.article_id AND a.state = 'published' WHERE m.entity = ?1 "
      "GROUP BY o.entity ORDER BY n DESC, o.entity LIMIT ?2",
      [&](Stmt& st) { st.Bind(1, entity).Bind(2, static_cast<int64_t>(limit)); });
}

Result<std::vector<EntityCount>> SqlStore::TopEntities(TimePoint since, int limit) {
  return EntityCounts(
      "SELECT m.entity, COUNT(*) AS n FROM article_mentions m JOIN articles a ON a.id = m.article_id "
      "WHERE a.published_at >= ?1 AND a.state = 'published' GROUP BY m.entity ORDER BY n DESC, m.entity LIMIT ?2",
      [&](Stmt& st) { st.Bind(1, Seconds(since)).Bind(2, static_cast<int64_t>(limit)); });
}

Result<std::vector<int64_t>> SqlStore::ArticleIds() {
  return WithConnection<std::vector<int64_t>>([&](Connection& c) {
    return QueryAll<int64_t>(c, "SELECT id FROM articles ORDER BY id", NoParameters,
                             [](const Stmt& st) { return st.Int(0); });
  });
}

Result<std::vector<Change>> SqlStore::ChangesSince(int64_t after, int limit) {
  return WithConnection<std::vector<Change>>([&](Connection& c) {
    return QueryAll<Change>(c, "SELECT seq, entity, entity_id FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
                            [&](Stmt& st) { st.Bind(1, after).Bind(2, static_cast<int64_t>(limit)); },
                            [](const Stmt& st) { return Change{st.Int(0), st.Text(1), st.Int(2)}; });
  });
}

Result<int64_t> SqlStore::ChangeSequence() {
  return WithConnection<int64_t>(
      [&](Connection& c) { return QueryInt(c, "SELECT COALESCE(MAX(seq), 0) FROM changes", NoParameters); });
}

Status SqlStore::Ping() { return ChangeSequence().status(); }

}  // namespace newsdesk::sql
