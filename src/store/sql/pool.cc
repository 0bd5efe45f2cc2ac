#include "store/sql/pool.h"

#include <fmt/format.h>

#include <algorithm>

namespace newsdesk::sql {

namespace {

uint64_t Jitter() {
  thread_local uint64_t x = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) | 1;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return x;
}

}  // namespace

void Pool::Adopt(std::unique_ptr<Connection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  ++open_connections_;
  idle_.push_back(std::move(conn));
  freed_.notify_one();
}

std::chrono::milliseconds Pool::Backoff(int attempt, Failure failure) {
  const int base = failure == Failure::kRetry ? 2 : 100;
  const int cap = failure == Failure::kRetry ? 200 : 1000;
  const int wait = std::min(cap, base << std::min(attempt, 10));
  return std::chrono::milliseconds(wait / 2 + static_cast<int>(Jitter() % static_cast<uint64_t>(wait / 2 + 1)));
}

Result<std::unique_ptr<Connection>> Pool::Acquire(std::chrono::steady_clock::time_point deadline) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    while (idle_.empty() && max_connections_ != 0 && open_connections_ >= max_connections_) {
      if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_connections_ >= max_connections_)
        return Status::Unavailable(fmt::format("all {} database connections stayed busy", max_connections_));
    }
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_connections_;
  }
  auto opened = open_();
  if (!opened.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_connections_;
    freed_.notify_one();
  }
  return opened;
}

void Pool::Release(std::unique_ptr<Connection> conn, bool broken) {
  std::lock_guard<std::mutex> lock(mu_);
  if (broken) {
    --open_connections_;
    conn.reset();
  } else {
    idle_.push_back(std::move(conn));
  }
  freed_.notify_one();
}

}  // namespace newsdesk::sql
