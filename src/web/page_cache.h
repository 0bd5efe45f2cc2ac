// File: web/page_cache.h
//
// Rendered responses kept in memory, keyed by request target (which holds
// the edition), so a cached page is served without touching the store or
// the templates. Entries carry the store's change sequence at render time;
// when the store's sequence moves on (`Observe`), everything older is
// dropped: pages show lists that any write can change, so coarse is correct.
// A byte budget bounds memory; past it the least recently used go first.
//
// An entry is a `CachedPage`: made once, when it is filled (`Prepare`), with
// its validators (`ETag` from the body's digest, `Last-Modified` the fill
// time) and its gzip and brotli variants; `ServeCached` answers a request
// from it: 304 for a matching conditional GET, else the variant its
// Accept-Encoding asks for. An edit changes the body, so its ETag.
//
//   auto page = PageCache::Prepare(std::move(response), Now());
//   cache.Put(req.target, page, seq);
//   return ServeCached(*page, req);
//
// Thread-safety: all methods are safe to call concurrently; a CachedPage is
// immutable once made.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/time.h"
#include "web/http.h"

namespace newsdesk {

// kMinCompressedBytes: smaller bodies are sent plain; a coding's own
// header and the Vary it brings outweigh what it saves.
inline constexpr size_t kMinCompressedBytes = 1024;

struct CachedPage {
  Response response;   // the plain body, with Vary: Accept-Encoding when coded variants exist
  std::string gzip;    // empty when not compressed
  std::string brotli;  // empty when not compressed
  std::string etag;    // the plain body's tag, quoted; a variant's adds "-gz" or "-br" inside the quotes
  std::string gzip_etag, brotli_etag;
  TimePoint last_modified;
  std::string last_modified_header;  // as the header writes it, made once
};

// ServeCached is the answer to `request` from `page`: for a 200, 304 with an
// empty body when `If-None-Match` matches one of its tags (weakly, RFC 9110
// §13.1.2) or, without `If-None-Match`, when it was not modified since
// `If-Modified-Since`; otherwise the coded variant Accept-Encoding asks for,
// with its ETag and Last-Modified.
Response ServeCached(const CachedPage& page, const Request& request);

class PageCache {
 public:
  explicit PageCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // Prepare makes the entry for `response`, filled at `now`: validators for
  // a 200, and compressed variants for a body of a compressible type of at
  // least kMinCompressedBytes.
  static std::shared_ptr<const CachedPage> Prepare(Response response, TimePoint now);

  // Get returns the cached page for `key`, or null.
  std::shared_ptr<const CachedPage> Get(const std::string& key);

  // Put stores `page` for `key` if it was rendered at sequence `seq` and
  // the cache has not since observed a newer one.
  void Put(const std::string& key, std::shared_ptr<const CachedPage> page, int64_t seq);
  // Put prepares `response` (filled now) and stores it.
  void Put(const std::string& key, Response response, int64_t seq);

  // Observe tells the cache the store's current change sequence; a newer one
  // than it has seen empties it.
  void Observe(int64_t seq);

  // Clear drops every entry (what they show changed outside the store).
  void Clear();

  int64_t sequence() const;
  size_t bytes() const;
  size_t entries() const;

 private:
  struct Entry {
    std::shared_ptr<const CachedPage> page;
    std::list<std::string>::iterator lru;
    size_t bytes;
  };
  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> map_;  // GUARDED_BY(mu_)
  std::list<std::string> lru_;                  // GUARDED_BY(mu_); front = most recent
  size_t bytes_ = 0;                            // GUARDED_BY(mu_)
  int64_t seq_ = -1;                            // GUARDED_BY(mu_)
};

}  // namespace newsdesk
