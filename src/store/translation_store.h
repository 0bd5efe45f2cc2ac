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



class TranslationStore {
 public:
  virtual ~TranslationStore() = default;

  // ArticlesNeedingTranslation lists, by id, up to `limit` articles after
  // `after_id` written in `from_language` that lack a translation into
  // `to_language`: none at all, or a machine one older than the article's
  // last write. Human translations count as done for good. Articles whose
  // last attempt failed wait until the failure's `retry_at` (after `now`).
  virtual Result<std::vector<int64_t>> ArticlesNeedingTranslation(const std::string& from_language,
                                                                  const std::string& to_language, TimePoint now,
                                                                  int64_t after_id, int limit) = 0;
  // PutTranslation stores `translation` of article `article_id` (its
  // `language` names the edition) in one transaction, records an "article"
  // change and forgets any recorded failure. A machine translation never
  // replaces a human one: it is then dropped and the call is still OK.
  // NotFound when there is no such article; InvalidArgument without a
  // language, headline or body.
  virtual Status PutTranslation(int64_t article_id, const Translation& translation) = 0;
  // RecordTranslationFailure keeps why translating `article_id` into
  // `language` failed, counting attempts; it is tried again from `retry_at`.
  virtual Status RecordTranslationFailure(int64_t article_id, const std::string& language, const std::string& error,
                                          TimePoint now, TimePoint retry_at) = 0;
  // CountTranslationFailures counts the articles waiting to be retried.
  virtual Result<int64_t> CountTranslationFailures() = 0;
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
