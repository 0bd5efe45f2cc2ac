// `newsdesk jobs …`: the shared queue of background work (issue 8).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/commands.h"
#include "common/time.h"
#include "jobs/jobs.h"
#include "store/store.h"

namespace newsdesk {

namespace {

TimePoint Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

std::atomic<bool> g_interrupted{false};
void OnSignal(int) { g_interrupted = true; }

}  // namespace

void AddProbeHandler(JobRunner& runner) {
  // A probe waits its payload's milliseconds and says who ran it: operators
  // enqueue them to see that every node takes its share of the queue.
  runner.Handle("probe", [holder = runner.holder()](const Job& job) -> Status {
    int ms = 0;
    try {
      ms = job.payload.empty() ? 0 : std::stoi(job.payload);
    } catch (const std::exception&) {
      return Status::InvalidArgument(fmt::format("a probe's payload is milliseconds, not '{}'", job.payload));
    }
    if (ms < 0 || ms > 600000) return Status::InvalidArgument("a probe waits 0 to 600000 ms");
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    spdlog::info("probe job {} done by {}", job.id, holder);
    return Status::Ok();
  });
}

Status RunJobsList(const Config& config, const JobsListFlags& flags) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  std::vector<JobState> states;
  for (const auto& name : flags.states) {
    if (name == "queued") states.push_back(JobState::kQueued);
    else if (name == "running") states.push_back(JobState::kRunning);
    else if (name == "done") states.push_back(JobState::kDone);
    else if (name == "failed") states.push_back(JobState::kFailed);
    else if (name != "all") return Status::InvalidArgument(fmt::format("unknown job state '{}': use queued, running, done, failed or all", name));
  }
  if (flags.states.empty()) states = {JobState::kQueued, JobState::kRunning, JobState::kFailed};
  auto jobs = (*store)->ListJobs(states, flags.limit);
  if (!jobs.ok()) return jobs.status();
  auto counts = (*store)->CountJobs();
  if (!counts.ok()) return counts.status();
  if (flags.json) {
    nlohmann::json out = {{"counts", {{"queued", counts->queued}, {"running", counts->running},
                                      {"done", counts->done}, {"failed", counts->failed}}},
                          {"jobs", nlohmann::json::array()}};
    for (const auto& j : *jobs) {
      out["jobs"].push_back({{"id", j.id}, {"kind", j.kind}, {"key", j.key}, {"payload", j.payload},
                             {"state", JobStateName(j.state)}, {"attempts", j.attempts},
                             {"max_attempts", j.max_attempts}, {"run_at", FormatIso8601(j.run_at)},
                             {"holder", j.holder}, {"error", j.last_error}});
    }
    std::cout << out.dump(2) << "\n";
    return Status::Ok();
  }
  std::cout << fmt::format("{} queued, {} running, {} failed, {} done\n", counts->queued, counts->running,
                           counts->failed, counts->done);
  if (jobs->empty()) return Status::Ok();
  std::cout << fmt::format("{:>8}  {:<8} {:<10} {:<28} {:>8}  {:<20}  {}\n", "ID", "STATE", "KIND", "KEY",
                           "ATTEMPTS", "RUN AT / HOLDER", "ERROR");
  for (const auto& j : *jobs) {
    const std::string when = j.state == JobState::kRunning ? j.holder : FormatIso8601(j.run_at);
    std::cout << fmt::format("{:>8}  {:<8} {:<10} {:<28} {:>4}/{:<3}  {:<20}  {}\n", j.id, JobStateName(j.state),
                             j.kind, j.key.substr(0, 28), j.attempts, j.max_attempts, when, j.last_error);
  }
  return Status::Ok();
}

Status RunJobsRetry(const Config& config, int64_t id) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto job = (*store)->GetJob(id);
  if (!job.ok()) return job.status();
  ND_RETURN_IF_ERROR((*store)->RetryJob(id, Now()));
  AppendCliAudit(**store, "jobs retry",
                 {.action = "job.retry", .target = fmt::format("job:{}", id),
                  .summary = job->key.empty() ? job->kind : fmt::format("{} {}", job->kind, job->key),
                  .before = JobStateName(job->state), .after = JobStateName(JobState::kQueued)});
  std::cout << fmt::format("job {} queued again\n", id);
  return Status::Ok();
}

Status RunJobsEnqueue(const Config& config, const JobsEnqueueFlags& flags) {
  if (flags.kind != "probe")
    return Status::InvalidArgument(fmt::format(
        "only probe jobs are enqueued by hand (serve schedules fetch, translate and digest jobs itself), not '{}'",
        flags.kind));
  if (flags.count < 1 || flags.count > 1000000) return Status::InvalidArgument("--count must be from 1 to 1000000");
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  const TimePoint now = Now();
  int queued = 0;
  for (int i = 0; i < flags.count; ++i) {
    JobRequest r{.kind = flags.kind, .key = "", .payload = flags.payload, .run_at = now, .max_attempts = 3};
    if (!flags.key.empty()) r.key = flags.count == 1 ? flags.key : fmt::format("{}#{}", flags.key, i);
    auto id = (*store)->EnqueueJob(r, now);
    if (!id.ok()) return id.status().WithContext(fmt::format("after {} queued", queued));
    if (id->has_value()) ++queued;
  }
  std::cout << fmt::format("{} {} job{} queued\n", queued, flags.kind, queued == 1 ? "" : "s");
  return Status::Ok();
}

Status RunJobsWork(const Config& config, const JobsWorkFlags& flags) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  JobRunner runner(**store, {.holder = "", .workers = flags.workers, .lease = std::chrono::seconds(flags.lease_seconds),
                             .idle_poll = std::chrono::milliseconds(200)});
  AddProbeHandler(runner);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  spdlog::info("jobs: {} working with {} workers", runner.holder(), flags.workers);
  const auto start = std::chrono::steady_clock::now();
  runner.Start();
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (g_interrupted) break;
    if (flags.until_empty) {
      auto counts = (*store)->CountJobs();
      if (counts.ok() && counts->queued == 0 && counts->running == 0) break;
    }
  }
  runner.Stop();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto st = runner.stats();
  std::cout << fmt::format("{}: {} jobs done, {} failed in {:.2f} s\n", runner.holder(), st.done, st.failed, seconds);
  return Status::Ok();
}

}  // namespace newsdesk
