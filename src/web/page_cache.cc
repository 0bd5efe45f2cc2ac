#include "web/page_cache.h"

namespace newsdesk {

std::shared_ptr<const Response> PageCache::Get(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = map_.find(key);
  if (it == map_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.response;
}

void PageCache::Put(const std::string& key, Response response, int64_t seq) {
  const size_t size = key.size() + response.body.size() + 256;
  if (size > max_bytes_) return;
  auto shared = std::make_shared<const Response>(std::move(response));
  std::lock_guard<std::mutex> lock(mu_);
  if (seq < seq_) return;  // rendered from data older than what we know of
  if (seq > seq_) {
    map_.clear();
    lru_.clear();
    bytes_ = 0;
    seq_ = seq;
  }
  if (auto it = map_.find(key); it != map_.end()) {
    bytes_ -= it->second.bytes;
    lru_.erase(it->second.lru);
    map_.erase(it);
  }
  while (bytes_ + size > max_bytes_ && !lru_.empty()) {
    auto victim = map_.find(lru_.back());
    bytes_ -= victim->second.bytes;
    map_.erase(victim);
    lru_.pop_back();
  }
  lru_.push_front(key);
  map_.emplace(key, Entry{std::move(shared), lru_.begin(), size});
  bytes_ += size;
}

void PageCache::Observe(int64_t seq) {
  std::lock_guard<std::mutex> lock(mu_);
  if (seq <= seq_) return;
  map_.clear();
  lru_.clear();
  bytes_ = 0;
  seq_ = seq;
}

void PageCache::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  map_.clear();
  lru_.clear();
  bytes_ = 0;
}

int64_t PageCache::sequence() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seq_;
}

size_t PageCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t PageCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return map_.size();
}

}  // namespace newsdesk
