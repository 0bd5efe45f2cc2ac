#include "jobs/jobs.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <random>

namespace newsdesk {

namespace {
TimePoint Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}
}  // namespace

std::string NodeName() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "node");
  std::random_device rd;
  return fmt::format("{}:{}:{:04x}", host, ::getpid(), rd() & 0xffff);
}

std::string SlotKey(const std::string& name, std::chrono::seconds every, TimePoint now) {
  const int64_t s = now.time_since_epoch().count();
  const int64_t step = std::max<int64_t>(1, every.count());
  return fmt::format("{}@{}", name, s - s % step);
}

JobRunner::JobRunner(JobQueue& queue, JobRunnerOptions options) : store_(queue), options_(std::move(options)) {
  if (options_.holder.empty()) options_.holder = NodeName();
  if (options_.health) options_.health->Register("jobs");
  if (options_.workers < 1) options_.workers = 1;
  if (options_.lease.count() < 3) options_.lease = std::chrono::seconds(3);
}

JobRunner::~JobRunner() { Stop(); }

void JobRunner::Handle(const std::string& kind, JobHandler handler) {
  handlers_[kind] = std::move(handler);
  kinds_.push_back(kind);
}

void JobRunner::Start() {
  if (kinds_.empty() || !workers_.empty()) return;
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { Work(); });
  lease_keeper_ = std::thread([this] { KeepLeases(); });
}

void JobRunner::Wake() {
  std::lock_guard<std::mutex> lock(mu_);
  woken_ = true;
  cv_.notify_all();
}

void JobRunner::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    stop_ = true;
    cv_.notify_all();
  }
  for (auto& t : workers_) t.join();
  if (lease_keeper_.joinable()) lease_keeper_.join();
  workers_.clear();
}

JobRunnerStats JobRunner::stats() const { return {claimed_.load(), done_.load(), failed_.load()}; }

void JobRunner::Work() {
  // While the queue cannot be reached (the database restarting), each
  // worker asks less and less often, up to every 10 s.
  Backoff backoff(options_.idle_poll, std::max<std::chrono::milliseconds>(options_.idle_poll, std::chrono::seconds(10)));
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
    }
    const TimePoint now = Now();
    auto job = store_.ClaimJob(kinds_, options_.holder, now, now + options_.lease);
    if (!job.ok()) {
      backoff.Failed();
      if (options_.health) options_.health->Down("jobs", job.status());
      else spdlog::warn("jobs: cannot claim: {}", job.status().ToString());
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, backoff.delay(), [&] { return stop_; });
      continue;
    }
    backoff.Succeeded();
    if (options_.health) options_.health->Up("jobs");
    if (!job->has_value()) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, options_.idle_poll, [&] { return stop_ || woken_; });
      woken_ = false;
      continue;
    }
    const Job& j = **job;
    ++claimed_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++running_[j.id];
    }
    Status outcome = Run(j);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (--running_[j.id] == 0) running_.erase(j.id);
      if (running_.empty()) cv_.notify_all();
    }
    const TimePoint end = Now();
    Status recorded = store_.FinishJob(j.id, options_.holder, outcome.ok(), outcome.ToString(), end,
                                       end + options_.retry_after);
    if (outcome.ok()) {
      ++done_;
    } else {
      ++failed_;
      spdlog::warn("job {} ({} {}) failed, attempt {} of {}: {}", j.id, j.kind, j.key, j.attempts, j.max_attempts,
                   outcome.ToString());
    }
    if (!recorded.ok()) spdlog::warn("job {}: outcome not recorded: {}", j.id, recorded.ToString());
  }
}

Status JobRunner::Run(const Job& job) {
  auto it = handlers_.find(job.kind);
  if (it == handlers_.end()) return Status::Internal(fmt::format("no handler for jobs of kind '{}'", job.kind));
  try {
    return it->second(job);
  } catch (const std::exception& e) {
    return Status::Internal(fmt::format("the handler threw: {}", e.what()));
  }
}

void JobRunner::KeepLeases() {
  const auto every = std::chrono::duration_cast<std::chrono::milliseconds>(options_.lease) / 3;
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, every, [&] { return stop_ && running_.empty(); })) {
    std::vector<int64_t> ids;
    for (const auto& [id, n] : running_) ids.push_back(id);
    lock.unlock();
    std::vector<std::pair<int64_t, Status>> failed;
    for (int64_t id : ids) {
      Status s = store_.ExtendJobLease(id, options_.holder, Now() + options_.lease);
      if (!s.ok()) failed.emplace_back(id, std::move(s));
    }
    lock.lock();
    // A job that finished since the list was taken has no lease to extend:
    // only a job still running is worth a warning.
    for (const auto& [id, s] : failed)
      if (running_.count(id)) spdlog::warn("job {}: lease not extended: {}", id, s.ToString());
  }
}

Periodic::Periodic(std::chrono::milliseconds interval, First first, std::function<void()> tick)
    : thread_([this, interval, first, tick = std::move(tick)] {
        std::unique_lock<std::mutex> lock(mu_);
        if (first == First::kAfterInterval && cv_.wait_for(lock, interval, [&] { return stop_; })) return;
        do {
          lock.unlock();
          tick();
          lock.lock();
        } while (!cv_.wait_for(lock, interval, [&] { return stop_; }));
      }) {}

Periodic::~Periodic() { Stop(); }

void Periodic::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace newsdesk
