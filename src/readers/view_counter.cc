#include "readers/readers.h"

namespace newsdesk {

void ViewCounter::Count(int64_t article_id, int64_t views) {
  std::lock_guard<std::mutex> lock(mu_);
  counts_[article_id] += views;
}

Status ViewCounter::Flush(CommentStore& store) {
  std::unordered_map<int64_t, int64_t> taken;
  {
    std::lock_guard<std::mutex> lock(mu_);
    taken.swap(counts_);
  }
  if (taken.empty()) return Status::Ok();
  std::vector<std::pair<int64_t, int64_t>> batch(taken.begin(), taken.end());
  Status s = store.AddViews(batch);
  if (!s.ok()) {
    // Keep them for the next flush, added to whatever came in meanwhile.
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, n] : taken) counts_[id] += n;
  }
  return s;
}

int64_t ViewCounter::Pending(int64_t article_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find(article_id);
  return it == counts_.end() ? 0 : it->second;
}

}  // namespace newsdesk
