// File: web/page_cache.h
//
// Rendered responses kept in memory, keyed by request target (which holds
// the edition), so a cached page is served without touching the store or
// the templates. Entries carry the store's change sequence at render time;
// when the store's sequence moves on (`Observe`), everything older is
// dropped: pages show lists that any write can change, so coarse is correct.
// A byte budget bounds memory; past it the least recently used go first.
// Thread-safety: all methods are safe to call concurrently.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "web/http.h"

namespace newsdesk {

class PageCache {
 public:
  explicit PageCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // Get returns the cached response for `key`, or null.
  std::shared_ptr<const Response> Get(const std::string& key);

  // Put stores `response` for `key` if it was rendered at sequence `seq` and
  // the cache has not since observed a newer one.
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
    std::shared_ptr<const Response> response;
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
