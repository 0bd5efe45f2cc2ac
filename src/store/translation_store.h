// File: store/translation_store.h
//
// TranslationStore: what machine translation works through: the articles
// an edition lacks, translations stored (never a machine one over a human
// one), failures with their retry time, and the cache of translated texts.
//
// One of the store's narrow interfaces: `Store` (store/store.h) is all of
// them, opened by OpenStore; a stage takes only the ones it uses.
// Thread-safety: safe to use from many threads at once; every write is
// atomic (all it was given, or nothing).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/article.h"

namespace newsdesk {

// TranslationState: where a stored translation stands with the editors. A
// machine translation is unreviewed until an editor approves it as it is
// (reviewed) or saves a corrected one (human); machine passes replace only
// unreviewed ones.
enum class TranslationState { kUnreviewed, kReviewed, kHuman };

// TranslationListing: one stored translation as the desk lists it, with the
// original it was made from.
struct TranslationListing {
  int64_t article_id = 0;
  std::string slug;
  std::string language;           // the edition translated into
  std::string original_language;
  std::string original_headline;
  std::string headline;           // translated
  TranslationState state = TranslationState::kUnreviewed;
  TimePoint updated_at{};         // last written (what `MarkTranslationReviewed` compares)
};

// TranslationFailure: why translating an article into an edition failed last.
struct TranslationFailure {
  int64_t article_id = 0;
  std::string slug;
  std::string language;
  std::string original_language;
  std::string original_headline;
  std::string error;
  int attempts = 0;
  TimePoint failed_at{};
  TimePoint retry_at{};
};

// TranslationCursor: where a newest-first page ended (time, then article id),
// for the next page's `before`.
struct TranslationCursor {
  TimePoint at{};
  int64_t article_id = 0;
};

class TranslationStore {
 public:
  virtual ~TranslationStore() = default;

  // ArticlesNeedingTranslation lists, by id, up to `limit` articles after
  // `after_id` written in `from_language` that lack a translation into
  // `to_language`: none at all, or a machine one older than the article's
  // last write. Human and reviewed translations count as done for good.
  // Articles whose last attempt failed wait until the failure's `retry_at`
  // (after `now`).
  virtual Result<std::vector<int64_t>> ArticlesNeedingTranslation(const std::string& from_language,
                                                                  const std::string& to_language, TimePoint now,
                                                                  int64_t after_id, int limit) = 0;
  // PutTranslation stores `translation` of article `article_id` (its
  // `language` names the edition) in one transaction, records an "article"
  // change and forgets any recorded failure. A machine translation never
  // replaces a human or reviewed one: it is then dropped and the call is
  // still OK.
  // NotFound when there is no such article; InvalidArgument without a
  // language, headline or body.
  virtual Status PutTranslation(int64_t article_id, const Translation& translation) = 0;
  // RecordTranslationFailure keeps why translating `article_id` into
  // `language` failed, counting attempts; it is tried again from `retry_at`.
  virtual Status RecordTranslationFailure(int64_t article_id, const std::string& language, const std::string& error,
                                          TimePoint now, TimePoint retry_at) = 0;
  // CountTranslationFailures counts the articles waiting to be retried.
  virtual Result<int64_t> CountTranslationFailures() = 0;
  // ListUnreviewedTranslations lists the machine translations into
  // `language` no editor has reviewed, newest written first, up to `limit`
  // (at most 500), from after `before` when given.
  virtual Result<std::vector<TranslationListing>> ListUnreviewedTranslations(
      const std::string& language, std::optional<TranslationCursor> before, int limit) = 0;
  // GetTranslationListing is the stored translation of `article_id` into
  // `language` as listed above; NotFound when there is none.
  virtual Result<TranslationListing> GetTranslationListing(int64_t article_id, const std::string& language) = 0;
  // MarkTranslationReviewed approves the machine translation of `article_id`
  // into `language` as it is, when it is still unreviewed and last written
  // at `seen` (what the editor read); machine passes then leave it alone.
  // NotFound when there is no translation; InvalidArgument when it is not
  // an unreviewed machine one, or was rewritten since `seen`.
  virtual Status MarkTranslationReviewed(int64_t article_id, const std::string& language, TimePoint seen,
                                         TimePoint now) = 0;
  // ListTranslationFailures lists the recorded failures into `language`,
  // newest first, up to `limit` (at most 500), from after `before` when given.
  virtual Result<std::vector<TranslationFailure>> ListTranslationFailures(
      const std::string& language, std::optional<TranslationCursor> before, int limit) = 0;
  // RetryTranslationFailure makes the failed article due again at `now`: the
  // next pass tries it (the failure stays recorded until one succeeds). It
  // returns the failure as it was; NotFound when none is recorded.
  virtual Result<TranslationFailure> RetryTranslationFailure(int64_t article_id, const std::string& language,
                                                             TimePoint now) = 0;
  // CachedTranslations looks up the cache of machine translations of one
  // pair ("en-es", plus the format): one entry per key of `text_hashes`,
  // empty when not cached.
  virtual Result<std::vector<std::optional<std::string>>> CachedTranslations(
      const std::string& pair, const std::vector<std::string>& text_hashes) = 0;
  // PutCachedTranslations stores (text hash, translated text) pairs of `pair`.
  virtual Status PutCachedTranslations(const std::string& pair,
                                       const std::vector<std::pair<std::string, std::string>>& entries) = 0;
};

}  // namespace newsdesk
