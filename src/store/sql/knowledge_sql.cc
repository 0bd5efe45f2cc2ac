// knowledge_sql.cc: KnowledgeStore (store/knowledge_store.h), editors'
// entities, the unknown names offered to them, and merges.
#include <fmt/format.h>

#include <algorithm>
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

Result<std::vector<CandidateSummary>> SqlStore::ListCandidates(int min_articles, int limit) {
  return WithConnection<std::vector<CandidateSummary>>([&](Connection& c) -> Result<std::vector<CandidateSummary>> {
    // One row per (key, form), the most used form of each key first.
    std::vector<CandidateSummary> out;
    ND_RETURN_IF_ERROR(QueryEach(c,
        "WITH keys AS (SELECT key, COUNT(*) AS articles, SUM(count) AS mentions FROM article_candidates "
        "  WHERE key NOT IN (SELECT key FROM dismissed_candidates) GROUP BY key HAVING COUNT(*) >= ?1 "
        "  ORDER BY articles DESC, mentions DESC, key LIMIT ?2) "
        "SELECT k.key, k.articles, k.mentions, c.form, MAX(c.language), COUNT(*) AS n, MAX(a.published_at) "
        "FROM keys k JOIN article_candidates c ON c.key = k.key JOIN articles a ON a.id = c.article_id "
        "GROUP BY k.key, k.articles, k.mentions, c.form ORDER BY k.articles DESC, k.mentions DESC, k.key, n DESC, c.form",
        [&](Stmt& st) { st.Bind(1, static_cast<int64_t>(std::max(1, min_articles))).Bind(2, static_cast<int64_t>(limit)); },
        [&](const Stmt& st) {
          const TimePoint seen = FromSeconds(st.Int(6));
          if (!out.empty() && out.back().key == st.Text(0)) {
            out.back().last_seen = std::max(out.back().last_seen, seen);
            return;
          }
          out.push_back(CandidateSummary{st.Text(0), st.Text(3), st.Text(4), st.Int(1), st.Int(2), seen});
        }));
    return out;
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
