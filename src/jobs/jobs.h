// File: jobs/jobs.h
//
// Front door of background work (issue 8). Work that must happen once —
// fetching a source, a translation pass, a day's digest — is a job in the
// store's queue (Store::EnqueueJob, keyed by its schedule's slot, so any
// number of nodes may ask and it is queued once). A JobRunner on each node
// claims due jobs under a lease, runs the handler registered for the job's
// kind, keeps the lease while it runs, and records the outcome; a job whose
// node died is claimed again when its lease runs out.
//
//   JobRunner runner(store, {.holder = NodeName(), .workers = 2});
//   runner.Handle("fetch", [&](const Job& job) { return FetchOne(job.payload); });
//   runner.Start();          // … runner.Stop() waits for running jobs
//
// Thread-safety: Handle before Start; Wake and Stop from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/health.h"
#include "common/status.h"
#include "store/store.h"

namespace newsdesk {

// A handler does the job; an error sends it back to the queue for a retry
// (until its max_attempts), keeping the message for `newsdesk jobs`.
using JobHandler = std::function<Status(const Job&)>;

// NodeName names this process among the nodes: host, pid and a random part,
// so a restarted node never mistakes an old lease for its own.
std::string NodeName();

struct JobRunnerOptions {
  std::string holder;                                  // NodeName() when empty
  int workers = 2;                                     // jobs run at once
  std::chrono::seconds lease{30};                      // renewed every lease/3 while a job runs
  std::chrono::milliseconds idle_poll{500};            // how often an idle worker looks
  std::chrono::seconds retry_after{60};                // a failed job's next try
  Health* health = nullptr;  // when set, reaching the queue is its "jobs" part (outliving the runner)
};

struct JobRunnerStats {
  int64_t claimed = 0;
  int64_t done = 0;
  int64_t failed = 0;
};

class JobRunner {
 public:
  JobRunner(JobQueue& queue, JobRunnerOptions options);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  void Handle(const std::string& kind, JobHandler handler);
  void Start();
  // Wake makes idle workers look for jobs now (e.g. after enqueueing).
  void Wake();
  // Stop lets running jobs finish, then returns; queued ones stay queued.
  void Stop();

  const std::string& holder() const { return options_.holder; }
  JobRunnerStats stats() const;

 private:
  void Work();
  void KeepLeases();
  Status Run(const Job& job);

  JobQueue& store_;
  JobRunnerOptions options_;
  std::map<std::string, JobHandler> handlers_;
  std::vector<std::string> kinds_;
  std::vector<std::thread> workers_;
  std::thread lease_keeper_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                   // GUARDED_BY(mu_)
  bool woken_ = false;                  // GUARDED_BY(mu_)
  std::map<int64_t, int> running_;      // GUARDED_BY(mu_): job id → workers on it
  std::atomic<int64_t> claimed_{0}, done_{0}, failed_{0};
};

// Periodic runs `tick` on a thread of its own, every `interval`, until Stop
// (or destruction), which waits for a tick in progress: a node's own
// housekeeping (following the search index, flushing views, reloading the
// gazetteer, the schedule that queues jobs). `first` says whether the first
// tick runs at once or after one interval.
class Periodic {
 public:
  enum class First { kAtOnce, kAfterInterval };
  Periodic(std::chrono::milliseconds interval, First first, std::function<void()> tick);
  ~Periodic();
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;
  void Stop();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

// Schedule: a periodic piece of work enqueued once per slot across nodes.
// SlotKey("translate", 60s, now) is "translate@<start of the minute slot>".
std::string SlotKey(const std::string& name, std::chrono::seconds every, TimePoint now);

}  // namespace newsdesk
