// translation_sql.cc: TranslationStore (store/translation_store.h), machine
// translation's queue and cache; and the article translations both it and
// imports write (UpsertTranslation).
#include <fmt/format.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/block_json.h"
#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

const char* TranslatedByName(TranslatedBy by) { return by == TranslatedBy::kHuman ? "human" : "machine"; }

Status UpsertTranslation(Connection& c, int64_t article_id, const Translation& t, int64_t now) {
  // A human translation is never overwritten by a machine one.
  return Exec(c,
      "INSERT INTO article_translations (article_id, language, headline, dateline, body, lead, produced_by, "
      "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
      "ON CONFLICT (article_id, language) DO UPDATE SET headline = excluded.headline, "
      "dateline = excluded.dateline, body = excluded.body, lead = excluded.lead, "
      "produced_by = excluded.produced_by, updated_at = excluded.updated_at "
      "WHERE excluded.produced_by = 'human' OR article_translations.produced_by = 'machine'",
      [&](Stmt& st) {
        st.Bind(1, article_id).Bind(2, t.language).Bind(3, t.headline).Bind(4, t.dateline)
            .Bind(5, BlocksToJsonText(t.body)).Bind(6, LeadOf(t.body)).Bind(7, std::string(TranslatedByName(t.by)))
            .Bind(8, now);
      });
}

Result<std::vector<int64_t>> SqlStore::ArticlesNeedingTranslation(const std::string& from_language,
                                                                  const std::string& to_language, TimePoint now,
                                                                  int64_t after_id, int limit) {
  return WithConnection<std::vector<int64_t>>([&](Connection& c) {
    return QueryAll<int64_t>(c,
        "SELECT a.id FROM articles a WHERE a.language = ?1 AND a.id > ?3 "
        "AND a.state NOT IN ('rejected', 'deleted') "
        "AND NOT EXISTS (SELECT 1 FROM article_translations t WHERE t.article_id = a.id AND t.language = ?2 "
        "AND (t.produced_by = 'human' OR t.updated_at >= a.updated_at)) "
        "AND NOT EXISTS (SELECT 1 FROM translation_failures f WHERE f.article_id = a.id AND f.language = ?2 "
        "AND f.retry_at > ?4) "
        "ORDER BY a.id LIMIT ?5",
        [&](Stmt& st) {
          st.Bind(1, from_language).Bind(2, to_language).Bind(3, after_id).Bind(4, Seconds(now))
              .Bind(5, static_cast<int64_t>(limit));
        },
        [](const Stmt& st) { return st.Int(0); });
  });
}

Status SqlStore::PutTranslation(int64_t article_id, const Translation& translation) {
  // Readers of the translation expect what articles have: a headline and a body.
  if (translation.language.empty() || translation.headline.empty() || translation.body.empty())
    return Status::InvalidArgument(
        fmt::format("translation of article {}: language, headline and body are required", article_id));
  return Write([&](Connection& c) -> Status {
    ND_RETURN_IF_ERROR(RequireRow(c, "SELECT 1 FROM articles WHERE id = ?1", article_id,
                                  fmt::format("no article {}", article_id)));
    const int64_t now = NowSeconds();
    ND_RETURN_IF_ERROR(UpsertTranslation(c, article_id, translation, now));
    ND_RETURN_IF_ERROR(Exec(c, "DELETE FROM translation_failures WHERE article_id = ? AND language = ?",
                            [&](Stmt& st) { st.Bind(1, article_id).Bind(2, translation.language); }));
    return RecordChange(c, "article", article_id, now);
  });
}

Status SqlStore::RecordTranslationFailure(int64_t article_id, const std::string& language, const std::string& error,
                                          TimePoint now, TimePoint retry_at) {
  return ExecBound(
      "INSERT INTO translation_failures (article_id, language, error, attempts, failed_at, retry_at) "
      "VALUES (?1, ?2, ?3, 1, ?4, ?5) ON CONFLICT (article_id, language) DO UPDATE SET "
      "error = excluded.error, attempts = translation_failures.attempts + 1, failed_at = excluded.failed_at, "
      "retry_at = excluded.retry_at",
      [&](Stmt& st) {
        st.Bind(1, article_id).Bind(2, language).Bind(3, error).Bind(4, Seconds(now)).Bind(5, Seconds(retry_at));
      });
}

Result<int64_t> SqlStore::CountTranslationFailures() {
  return WithConnection<int64_t>(
      [&](Connection& c) { return QueryInt(c, "SELECT COUNT(*) FROM translation_failures", NoParameters); });
}

Result<std::vector<std::optional<std::string>>> SqlStore::CachedTranslations(
    const std::string& pair, const std::vector<std::string>& text_hashes) {
  using Found = std::vector<std::optional<std::string>>;
  return WithConnection<Found>([&](Connection& c) -> Result<Found> {
    Found out;
    out.reserve(text_hashes.size());
    for (const auto& hash : text_hashes) {
      auto one = QueryOne<std::string>(c, "SELECT translated FROM translation_cache WHERE pair = ? AND text_hash = ?",
                                       [&](Stmt& st) { st.Bind(1, pair).Bind(2, hash); },
                                       [](const Stmt& st) { return st.Text(0); });
      if (!one.ok()) return one.status();
      out.push_back(std::move(*one));
    }
    return out;
  });
}

Status SqlStore::PutCachedTranslations(const std::string& pair,
                                       const std::vector<std::pair<std::string, std::string>>& entries) {
  return Write([&](Connection& c) -> Status {
    const int64_t now = NowSeconds();
    for (const auto& [hash, text] : entries) {
      ND_RETURN_IF_ERROR(Exec(c,
          "INSERT INTO translation_cache (pair, text_hash, translated, created_at) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (pair, text_hash) DO UPDATE SET translated = excluded.translated",
          [&](Stmt& st) { st.Bind(1, pair).Bind(2, hash).Bind(3, text).Bind(4, now); }));
    }
    return Status::Ok();
  });
}

}  // namespace newsdesk::sql
