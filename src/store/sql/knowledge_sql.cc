// knowledge_sql.cc: KnowledgeStore (store/knowledge_store.h), editors'
// entities, the unknown names offered to them, and merges.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <tuple>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

namespace {

Status WriteEntityEdit(Connection& c, const EntityEdit& edit) {
  return Exec(c,
      "INSERT INTO entity_edits (id, definition, updated_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at",
      [&](Stmt& st) { st.Bind(1, edit.id).Bind(2, edit.definition).Bind(3, NowSeconds()); });
}

}  // namespace

Result<CandidatePage> SqlStore::FindCandidates(const CandidateQuery& q) {
  const int limit = std::clamp(q.limit, 1, 10000);
  return WithConnection<CandidatePage>([&](Connection& c) -> Result<CandidatePage> {
    CandidatePage page;
    // The page's keys first: counted over the window's articles (from the
    // published_at index), then cut after the cursor. One more than asked
    // tells whether a next page exists.
    // With a window, the window's articles come first (the published_at
    // index) and their names after (CROSS JOIN keeps SQLite to that order,
    // which costs the window's size, not the whole table's).
    const std::string from = q.since ? "FROM articles a CROSS JOIN article_candidates c "
                                     : "FROM articles a JOIN article_candidates c ON c.article_id = a.id ";
    ND_RETURN_IF_ERROR(QueryEach(c,
        "WITH keys AS (SELECT c.key AS key, COUNT(*) AS articles, SUM(c.count) AS mentions, "
        "  MAX(a.published_at) AS last_seen " + from +
        "  WHERE c.article_id = a.id AND a.published_at >= ?1 AND c.key NOT IN (SELECT key FROM dismissed_candidates) "
        "  GROUP BY c.key HAVING COUNT(*) >= ?2) "
        "SELECT key, articles, mentions, last_seen FROM keys "
        "WHERE ?3 = 0 OR articles < ?4 OR (articles = ?4 AND (mentions < ?5 OR (mentions = ?5 AND key > ?6))) "
        "ORDER BY articles DESC, mentions DESC, key LIMIT ?7",
        [&](Stmt& st) {
          st.Bind(1, q.since ? Seconds(*q.since) : std::numeric_limits<int64_t>::min())
              .Bind(2, static_cast<int64_t>(std::max(1, q.min_articles)))
              .Bind(3, static_cast<int64_t>(q.after ? 1 : 0))
              .Bind(4, q.after ? q.after->articles : 0)
              .Bind(5, q.after ? q.after->mentions : 0)
              .Bind(6, q.after ? q.after->key : std::string())
              .Bind(7, static_cast<int64_t>(limit + 1));
        },
        [&](const Stmt& st) {
          page.candidates.push_back(CandidateSummary{st.Text(0), "", "", st.Int(1), st.Int(2), FromSeconds(st.Int(3))});
        }));
    if (static_cast<int>(page.candidates.size()) > limit) {
      page.candidates.resize(limit);
      const auto& last = page.candidates.back();
      page.next = CandidateCursor{last.articles, last.mentions, last.key};
    }
    // Each key's most used form (over every article), then its language.
    for (auto& s : page.candidates) {
      auto form = QueryOne<std::pair<std::string, std::string>>(c,
          "SELECT form, MAX(language) FROM article_candidates WHERE key = ?1 GROUP BY form "
          "ORDER BY COUNT(*) DESC, form LIMIT 1",
          [&](Stmt& st) { st.Bind(1, s.key); },
          [](const Stmt& st) { return std::pair<std::string, std::string>{st.Text(0), st.Text(1)}; });
      if (!form.ok()) return form.status();
      if (*form) std::tie(s.form, s.language) = **form;
      if (q.newest_uses <= 0) continue;
      auto newest = QueryAll<CandidateUse>(c,
          "SELECT a.id, a.headline, a.language, a.published_at, c.form, c.count FROM article_candidates c "
          "JOIN articles a ON a.id = c.article_id WHERE c.key = ?1 ORDER BY a.published_at DESC, a.id DESC LIMIT ?2",
          [&](Stmt& st) { st.Bind(1, s.key).Bind(2, static_cast<int64_t>(std::min(q.newest_uses, 20))); },
          [](const Stmt& st) {
            return CandidateUse{st.Int(0), st.Text(1), st.Text(2), FromSeconds(st.Int(3)), st.Text(4), st.Int(5)};
          });
      if (!newest.ok()) return newest.status();
      s.newest = std::move(*newest);
    }
    return page;
  });
}

Result<std::vector<CandidateUse>> SqlStore::CandidateArticles(const std::string& key,
                                                              const std::optional<ArticleCursor>& after, int limit) {
  return WithConnection<std::vector<CandidateUse>>([&](Connection& c) {
    return QueryAll<CandidateUse>(c,
        "SELECT a.id, a.headline, a.language, a.published_at, c.form, c.count FROM article_candidates c "
        "JOIN articles a ON a.id = c.article_id WHERE c.key = ?1 "
        "AND (?2 = 0 OR a.published_at < ?3 OR (a.published_at = ?3 AND a.id < ?4)) "
        "ORDER BY a.published_at DESC, a.id DESC LIMIT ?5",
        [&](Stmt& st) {
          st.Bind(1, key)
              .Bind(2, static_cast<int64_t>(after ? 1 : 0))
              .Bind(3, after ? Seconds(after->published_at) : 0)
              .Bind(4, after ? after->id : 0)
              .Bind(5, static_cast<int64_t>(std::clamp(limit, 1, 1000)));
        },
        [](const Stmt& st) {
          return CandidateUse{st.Int(0), st.Text(1), st.Text(2), FromSeconds(st.Int(3)), st.Text(4), st.Int(5)};
        });
  });
}

Status SqlStore::DismissCandidate(const std::string& key) {
  return ExecBound("INSERT INTO dismissed_candidates (key, dismissed_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                   [&](Stmt& st) { st.Bind(1, key).Bind(2, NowSeconds()); });
}

Status SqlStore::PutEntityEdit(const EntityEdit& edit) {
  return Write([&](Connection& c) -> Status {
    ND_RETURN_IF_ERROR(WriteEntityEdit(c, edit));
    return RecordChange(c, "gazetteer", 0, NowSeconds());
  });
}

Result<std::vector<EntityEdit>> SqlStore::ListEntityEdits() {
  return WithConnection<std::vector<EntityEdit>>([&](Connection& c) {
    return QueryAll<EntityEdit>(c, "SELECT id, definition, updated_at FROM entity_edits ORDER BY id", NoParameters,
                                [](const Stmt& st) { return EntityEdit{st.Text(0), st.Text(1), FromSeconds(st.Int(2))}; });
  });
}

Status SqlStore::MergeEntities(const std::string& from, const EntityEdit& into) {
  if (from == into.id) return Status::InvalidArgument(fmt::format("cannot merge '{}' into itself", from));
  return Write([&](Connection& c) -> Status {
    const int64_t now = NowSeconds();
    auto touched = QueryAll<int64_t>(c, "SELECT article_id FROM article_mentions WHERE entity = ?",
                                     [&](Stmt& st) { st.Bind(1, from); }, [](const Stmt& st) { return st.Int(0); });
    if (!touched.ok()) return touched.status();
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
      ND_RETURN_IF_ERROR(Exec(c, sql, [&](Stmt& st) {
        st.Bind(1, from).Bind(2, into.id);
        if (std::string_view(sql).find("?3") != std::string_view::npos) st.Bind(3, now);
      }));
    }
    ND_RETURN_IF_ERROR(WriteEntityEdit(c, into));
    for (int64_t id : *touched) ND_RETURN_IF_ERROR(RecordChange(c, "article", id, now));
    return RecordChange(c, "gazetteer", 0, now);
  });
}

Result<std::vector<std::pair<std::string, std::string>>> SqlStore::EntityRedirects() {
  using Pair = std::pair<std::string, std::string>;
  return WithConnection<std::vector<Pair>>([&](Connection& c) {
    return QueryAll<Pair>(c, "SELECT from_id, to_id FROM entity_redirects ORDER BY from_id", NoParameters,
                          [](const Stmt& st) { return Pair{st.Text(0), st.Text(1)}; });
  });
}

Result<int64_t> SqlStore::KnowledgeVersion() {
  return WithConnection<int64_t>([&](Connection& c) {
    return QueryInt(c, "SELECT COALESCE(MAX(seq), 0) FROM changes WHERE entity = 'gazetteer'", NoParameters);
  });
}

}  // namespace newsdesk::sql
