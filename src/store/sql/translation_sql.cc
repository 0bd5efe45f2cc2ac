// translation_sql.cc: TranslationStore (store/translation_store.h), machine
// translation's queue and cache; and the article translations both it and
// imports write (UpsertTranslation).
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/block_json.h"
#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

const char* TranslatedByName(TranslatedBy by) { return by == TranslatedBy::kHuman ? "human" : "machine"; }

Status UpsertTranslation(Connection& c, int64_t article_id, const Translation& t, int64_t now) {
  // A human or reviewed translation is never overwritten by a machine one;
  // whatever is written anew is not reviewed (a human one needs no review).
  auto body = StoredBody(t.body);
  if (!body.ok()) return body.status().WithContext("translation into " + t.language);
  return Exec(c,
      "INSERT INTO article_translations (article_id, language, headline, dateline, body, lead, produced_by, "
      "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
      "ON CONFLICT (article_id, language) DO UPDATE SET headline = excluded.headline, "
      "dateline = excluded.dateline, body = excluded.body, lead = excluded.lead, "
      "produced_by = excluded.produced_by, updated_at = excluded.updated_at, reviewed_at = NULL "
      "WHERE excluded.produced_by = 'human' "
      "OR (article_translations.produced_by = 'machine' AND article_translations.reviewed_at IS NULL)",
      [&](Stmt& st) {
        st.Bind(1, article_id).Bind(2, t.language).Bind(3, t.headline).Bind(4, t.dateline)
            .Bind(5, *body).Bind(6, LeadOf(t.body)).Bind(7, std::string(TranslatedByName(t.by)))
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
        "AND (t.produced_by = 'human' OR t.reviewed_at IS NOT NULL OR t.updated_at >= a.updated_at)) "
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

namespace {

constexpr int kMaxTranslationPage = 500;

// kListingColumns: a translation `t` of article `a`, as ListingFromRow reads it.
constexpr const char* kListingColumns =
    "SELECT t.article_id, a.slug, t.language, a.language, a.headline, t.headline, t.produced_by, "
    "CASE WHEN t.reviewed_at IS NULL THEN 0 ELSE 1 END, t.updated_at FROM article_translations t JOIN articles a ON a.id = t.article_id ";

TranslationListing ListingFromRow(const Stmt& st) {
  TranslationListing l;
  std::string by;
  bool reviewed = false;
  ReadColumns(st, 0, l.article_id, l.slug, l.language, l.original_language, l.original_headline, l.headline, by,
              reviewed, l.updated_at);
  l.state = by == "human" ? TranslationState::kHuman
            : reviewed    ? TranslationState::kReviewed
                          : TranslationState::kUnreviewed;
  return l;
}

// kFailureColumns: the failures into edition ?1, as FailureFromRow reads them.
constexpr const char* kFailureColumns =
    "SELECT f.article_id, a.slug, f.language, a.language, a.headline, f.error, f.attempts, f.failed_at, f.retry_at "
    "FROM translation_failures f JOIN articles a ON a.id = f.article_id WHERE f.language = ?1";

TranslationFailure FailureFromRow(const Stmt& st) {
  TranslationFailure f;
  ReadColumns(st, 0, f.article_id, f.slug, f.language, f.original_language, f.original_headline, f.error, f.attempts,
              f.failed_at, f.retry_at);
  return f;
}

// BindPage binds a newest-first page's edition (?1), size (?2) and cursor (?3, ?4).
void BindPage(Stmt& st, const std::string& language, const std::optional<TranslationCursor>& before, int limit) {
  st.Bind(1, language).Bind(2, static_cast<int64_t>(std::clamp(limit, 1, kMaxTranslationPage)));
  if (before) st.Bind(3, Seconds(before->at)).Bind(4, before->article_id);
}

}  // namespace

Result<std::vector<TranslationListing>> SqlStore::ListUnreviewedTranslations(const std::string& language,
                                                                             std::optional<TranslationCursor> before,
                                                                             int limit) {
  // Walks the partial index article_translations_unreviewed backwards.
  std::string sql = std::string(kListingColumns) +
                    "WHERE t.language = ?1 AND t.produced_by = 'machine' AND t.reviewed_at IS NULL";
  if (before) sql += " AND (t.updated_at, t.article_id) < (?3, ?4)";
  sql += " ORDER BY t.updated_at DESC, t.article_id DESC LIMIT ?2";
  return WithConnection<std::vector<TranslationListing>>([&](Connection& c) {
    return QueryAll<TranslationListing>(c, sql, [&](Stmt& st) { BindPage(st, language, before, limit); },
                                        ListingFromRow);
  });
}

Result<TranslationListing> SqlStore::GetTranslationListing(int64_t article_id, const std::string& language) {
  return WithConnection<TranslationListing>([&](Connection& c) {
    return QueryFound<TranslationListing>(c, std::string(kListingColumns) + "WHERE t.article_id = ?1 AND t.language = ?2",
        [&](Stmt& st) { st.Bind(1, article_id).Bind(2, language); }, ListingFromRow,
        fmt::format("translation of article {} into {}", article_id, language));
  });
}

Status SqlStore::MarkTranslationReviewed(int64_t article_id, const std::string& language, TimePoint seen,
                                         TimePoint now) {
  return Write([&](Connection& c) -> Status {
    ND_RETURN_IF_ERROR(Exec(c,
        "UPDATE article_translations SET reviewed_at = ?4 WHERE article_id = ?1 AND language = ?2 "
        "AND produced_by = 'machine' AND reviewed_at IS NULL AND updated_at = ?3",
        [&](Stmt& st) { st.Bind(1, article_id).Bind(2, language).Bind(3, Seconds(seen)).Bind(4, Seconds(now)); }));
    if (c.Changes() > 0) return Status::Ok();
    ND_RETURN_IF_ERROR(QueryFound<bool>(c, "SELECT 1 FROM article_translations WHERE article_id = ?1 AND language = ?2",
                                        [&](Stmt& st) { st.Bind(1, article_id).Bind(2, language); },
                                        [](const Stmt&) { return true; },
                                        fmt::format("translation of article {} into {}", article_id, language))
                           .status());
    return Status::InvalidArgument(fmt::format(
        "the translation of article {} into {} is not an unreviewed machine translation written at {} any more",
        article_id, language, Seconds(seen)));
  });
}

Result<std::vector<TranslationFailure>> SqlStore::ListTranslationFailures(const std::string& language,
                                                                          std::optional<TranslationCursor> before,
                                                                          int limit) {
  std::string sql = kFailureColumns;
  if (before) sql += " AND (f.failed_at, f.article_id) < (?3, ?4)";
  sql += " ORDER BY f.failed_at DESC, f.article_id DESC LIMIT ?2";
  return WithConnection<std::vector<TranslationFailure>>([&](Connection& c) {
    return QueryAll<TranslationFailure>(c, sql, [&](Stmt& st) { BindPage(st, language, before, limit); },
                                        FailureFromRow);
  });
}

Result<TranslationFailure> SqlStore::RetryTranslationFailure(int64_t article_id, const std::string& language,
                                                             TimePoint now) {
  return pool_.WriteReturning<TranslationFailure>([&](Connection& c) -> Result<TranslationFailure> {
    auto failure = QueryFound<TranslationFailure>(c, std::string(kFailureColumns) + " AND f.article_id = ?2",
        [&](Stmt& st) { st.Bind(1, language).Bind(2, article_id); }, FailureFromRow,
        fmt::format("no failed translation of article {} into {}", article_id, language));
    if (!failure.ok()) return failure.status();
    ND_RETURN_IF_ERROR(Exec(c, "UPDATE translation_failures SET retry_at = ?3 WHERE article_id = ?1 AND language = ?2",
                            [&](Stmt& st) { st.Bind(1, article_id).Bind(2, language).Bind(3, Seconds(now)); }));
    return failure;
  });
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
    // Not a structured binding: clang 14 (the sanitizer build) cannot capture one in a lambda.
    for (const auto& entry : entries) {
      ND_RETURN_IF_ERROR(Exec(c,
          "INSERT INTO translation_cache (pair, text_hash, translated, created_at) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (pair, text_hash) DO UPDATE SET translated = excluded.translated",
          [&](Stmt& st) { st.Bind(1, pair).Bind(2, entry.first).Bind(3, entry.second).Bind(4, now); }));
    }
    return Status::Ok();
  });
}

}  // namespace newsdesk::sql
