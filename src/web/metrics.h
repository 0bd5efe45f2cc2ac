// File: web/metrics.h
//
// The site's metrics in the Prometheus text format: requests by route and
// status, a latency histogram, page-cache hits and misses, and what other
// parts register (the daily mailing's counters): one registry, one page.
// Thread-safety: all methods are safe to call concurrently.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace newsdesk {

class Metrics {
 public:
  void RecordRequest(const std::string& route, int status, std::chrono::nanoseconds latency);
  void RecordCacheHit() { cache_hits_.fetch_add(1, std::memory_order_relaxed); }
  void RecordCacheMiss() { cache_misses_.fetch_add(1, std::memory_order_relaxed); }

  // A registered metric: one sample per label set ("" for none, else
  // `outcome="sent"`), read when /metrics is rendered.
  struct Sample {
    std::string labels;
    double value = 0;
  };
  // Register adds a metric whose samples `read` gives; `type` is "counter"
  // or "gauge". Rendered after the request metrics, in registration order;
  // a metric with no samples is left out.
  void Register(std::string name, std::string help, std::string type, std::function<std::vector<Sample>()> read);

  // Render writes every metric in the Prometheus text exposition format.
  std::string Render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // GUARDED_BY(mu_)
  std::array<uint64_t, kBuckets.size() + 1> buckets_{};       // GUARDED_BY(mu_); last is +Inf
  double latency_sum_ = 0;                                     // GUARDED_BY(mu_)
  uint64_t latency_count_ = 0;                                 // GUARDED_BY(mu_)
  struct Registered {
    std::string name, help, type;
    std::function<std::vector<Sample>()> read;
  };
  std::vector<Registered> registered_;                         // GUARDED_BY(mu_)
  std::atomic<uint64_t> cache_hits_{0};
  std::atomic<uint64_t> cache_misses_{0};
};

}  // namespace newsdesk
