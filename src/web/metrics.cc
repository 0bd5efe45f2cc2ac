#include "web/metrics.h"

#include <fmt/format.h>

namespace newsdesk {

namespace {

// Label values are route patterns of ours, but escape them as the format asks.
std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::RecordRequest(const std::string& route, int status, std::chrono::nanoseconds latency) {
  const double seconds = std::chrono::duration<double>(latency).count();
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, status}];
  ++buckets_[bucket];
  latency_sum_ += seconds;
  ++latency_count_;
}

std::string Metrics::Render() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  out += "# HELP newsdesk_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE newsdesk_http_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out += fmt::format("newsdesk_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", EscapeLabel(key.first),
                       key.second, n);
  out += "# HELP newsdesk_http_request_duration_seconds Time to answer a request.\n";
  out += "# TYPE newsdesk_http_request_duration_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += buckets_[i];
    out += fmt::format("newsdesk_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", kBuckets[i], cumulative);
  }
  cumulative += buckets_[kBuckets.size()];
  out += fmt::format("newsdesk_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
  out += fmt::format("newsdesk_http_request_duration_seconds_sum {}\n", latency_sum_);
  out += fmt::format("newsdesk_http_request_duration_seconds_count {}\n", latency_count_);
  out += "# HELP newsdesk_page_cache_hits_total Pages served from the in-memory cache.\n";
  out += "# TYPE newsdesk_page_cache_hits_total counter\n";
  out += fmt::format("newsdesk_page_cache_hits_total {}\n", cache_hits_.load());
  out += "# HELP newsdesk_page_cache_misses_total Pages rendered because the cache did not have them.\n";
  out += "# TYPE newsdesk_page_cache_misses_total counter\n";
  out += fmt::format("newsdesk_page_cache_misses_total {}\n", cache_misses_.load());
  for (const Registered& m : registered_) {
    const std::vector<Sample> samples = m.read();
    if (samples.empty()) continue;  // not there yet (the mailing is off)
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", m.name, m.help, m.name, m.type);
    for (const Sample& s : samples)
      out += s.labels.empty() ? fmt::format("{} {}\n", m.name, s.value)
                              : fmt::format("{}{{{}}} {}\n", m.name, s.labels, s.value);
  }
  return out;
}

void Metrics::Register(std::string name, std::string help, std::string type,
                       std::function<std::vector<Sample>()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  registered_.push_back({std::move(name), std::move(help), std::move(type), std::move(read)});
}

}  // namespace newsdesk
