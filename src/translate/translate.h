// File: translate/translate.h
//
// Front door of machine translation (issue 9). A `Translator` turns
// paragraphs from one language into another through a standard MT server:
// LibreTranslate (`POST /translate`, JSON) or Apertium APy
// (`/translate?langpair=eng|spa`). `Translators` maps each configured pair
// ("en-es") to its server; `TranslationPass` finds stored articles lacking a
// translation into an edition and stores a machine translation of each,
// whole or not at all, through a cache of (text hash, pair) in the store.
//
//   auto translators = Translators::FromConfig(config);
//   TranslationPass pass(*store, *store, *translators, config);   // articles, translations
//   auto stats = pass.RunOnce();              // serve calls this periodically
//   if (stats.ok()) log stats->translated, stats->failed, stats->cache_hits;
//
// Errors: `Unavailable` when trying again later may work (timeouts, refused
// or dropped connections, 429, 5xx, malformed replies); `InvalidArgument`
// when it will not (4xx other than 429: bad key, unknown pair). A call
// returns all the paragraphs translated or an error, never some of them.
//
// Pitfall: translation servers are configured by the operator and usually
// on loopback, so the fetcher's private-address guard does not apply here;
// redirects are not followed.
//
// Thread-safety: a Translator may be called from many threads; requests to
// one server are serialised by its rate limit. A TranslationPass is one
// caller's: run one pass at a time per database.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "store/store.h"

namespace newsdesk {

enum class Format { kText, kHtml };

// TranslatorOptions: how a client talks to its server.
struct TranslatorOptions {
  std::string url;                               // base URL, no trailing /translate
  std::string api_key;                           // LibreTranslate only
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{60000};      // one request
  int max_attempts = 3;                          // 1 = no retries
  std::chrono::milliseconds backoff{500};        // doubles each retry
  std::chrono::seconds max_retry_after{60};      // a longer Retry-After: Unavailable at once
  double requests_per_second = 10;               // 0 = no limit
  size_t batch_chars = 4000;                     // text per request (a longer paragraph goes alone)
  size_t batch_paragraphs = 32;                  // paragraphs per request
};

// TranslatorCounters: what a client did since it was made.
struct TranslatorCounters {
  int64_t requests = 0;    // HTTP requests sent, retries included
  int64_t retries = 0;
  int64_t paragraphs = 0;  // translated
};

class Translator {
 public:
  virtual ~Translator() = default;
  // Translate returns one translation per paragraph, in order, or an error;
  // never part of them. `from` and `to` are ISO 639-1 codes ("en", "es").
  // Empty paragraphs come back empty without being sent.
  virtual Result<std::vector<std::string>> Translate(const std::vector<std::string>& paragraphs,
                                                     const std::string& from, const std::string& to,
                                                     Format format) = 0;
  virtual TranslatorCounters counters() const = 0;
};

std::unique_ptr<Translator> MakeLibreTranslateClient(TranslatorOptions options);
std::unique_ptr<Translator> MakeApertiumClient(TranslatorOptions options);

// ApertiumCode maps an ISO 639-1 code to the ISO 639-3 code APy expects
// ("en" → "eng"); a code it does not know is returned as it is.
std::string ApertiumCode(const std::string& iso639_1);

// TextHash is the cache key of a text in a format: hex of BLAKE2b-128.
std::string TextHash(const std::string& text, Format format);

// Translators: the configured servers, by pair.
class Translators {
 public:
  // FromConfig makes one client per [[translate.servers]] entry; a pair
  // named by two servers goes to the first. InvalidArgument for a bad entry.
  static Result<Translators> FromConfig(const Config& config);
  // Add serves `pairs` ("en-es") with `translator` (tests, bench).
  void Add(std::shared_ptr<Translator> translator, const std::vector<std::string>& pairs);
  // For returns the translator of from→to, or null when none serves it.
  Translator* For(const std::string& from, const std::string& to) const;
  // Pairs lists "from-to" of every served pair.
  std::vector<std::string> Pairs() const;
  TranslatorCounters counters() const;  // summed over servers

 private:
  std::map<std::string, std::shared_ptr<Translator>> by_pair_;
};

// PassOptions: what one pass does.
struct PassOptions {
  std::vector<std::string> editions;                  // target languages
  std::chrono::seconds retry_failed_after{900};       // a failed article waits this long
  int max_articles = 0;                               // per pass; 0 = all that need it
};
PassOptions PassOptionsFromConfig(const Config& config);

// PassStats: what a pass did.
struct PassStats {
  int64_t articles_seen = 0;   // needing a translation when the pass began
  int64_t translated = 0;      // stored
  int64_t failed = 0;          // kept untranslated, with the error recorded for a later retry
  int64_t paragraphs = 0;      // texts the articles needed (headline, dateline, blocks)
  int64_t cache_hits = 0;      // of those, found in the cache
  int64_t sent = 0;            // of those, sent to a server
  std::string last_error;      // of the last failed article
  double hit_rate() const { return paragraphs ? static_cast<double>(cache_hits) / static_cast<double>(paragraphs) : 0; }
};

// TranslationPass translates what needs translating, incrementally: what a
// pass stores is never looked at again unless the article changes, and a
// pass stopped half way loses nothing (each article is its own transaction).
class TranslationPass {
 public:
  // `articles` gives the texts, `translations` takes the results.
  TranslationPass(ArticleStore& articles, TranslationStore& translations, const Translators& translators,
                  PassOptions options);

  // RunOnce translates every stored article written in a language a server
  // translates into an edition, that lacks that translation. An article's
  // failure is recorded (it is retried after `retry_failed_after`) and the
  // pass goes on; the returned error is only for the store failing.
  // `progress(done, total)` is called after each article.
  Result<PassStats> RunOnce(const std::function<void(int64_t, int64_t)>& progress = {});

  // TranslateArticle translates article `id` into `to` and stores it.
  Status TranslateArticle(int64_t id, const std::string& to, PassStats& stats);

  // Totals since this object was made (for /metrics).
  int64_t total_cache_hits() const { return cache_hits_; }
  int64_t total_paragraphs() const { return paragraphs_; }

 private:
  Result<std::vector<std::string>> TranslateCached(Translator& translator, const std::vector<std::string>& texts,
                                                   const std::string& from, const std::string& to, PassStats& stats);
  ArticleStore& articles_;
  TranslationStore& store_;
  const Translators& translators_;
  PassOptions options_;
  std::atomic<int64_t> cache_hits_{0};
  std::atomic<int64_t> paragraphs_{0};
};

}  // namespace newsdesk
