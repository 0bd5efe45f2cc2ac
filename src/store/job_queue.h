// File: store/job_queue.h
//
// JobQueue: background work every node shares: jobs queued once per key,
// claimed under a lease (FOR UPDATE SKIP LOCKED on PostgreSQL), finished
// or retried, listed for `newsdesk jobs`.
//
// One of the store's narrow interfaces: `Store` (store/store.h) is all of
// them, opened by OpenStore; a stage takes only the ones it uses.
// Thread-safety: safe to use from many threads at once; every write is
// atomic (all it was given, or nothing).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/article.h"

namespace newsdesk {

enum class JobState { kQueued, kRunning, kDone, kFailed };
const char* JobStateName(JobState s);

// JobRequest: work to queue. A non-empty `key` makes it once-only: a second
// request with the same (kind, key), from any node, is not queued.
struct JobRequest {
  std::string kind;
  std::string key;
  std::string payload;
  TimePoint run_at{};
  int max_attempts = 3;
};

// Job: a queued job as stored.
struct Job {
  int64_t id = 0;
  std::string kind;
  std::string key;
  std::string payload;
  JobState state = JobState::kQueued;
  int attempts = 0;
  int max_attempts = 3;
  TimePoint run_at{};
  std::string holder;          // the node running it
  TimePoint lease_until{};
  std::string last_error;
  TimePoint created_at{};
  std::optional<TimePoint> finished_at;
};

struct JobCounts {
  int64_t queued = 0;
  int64_t running = 0;
  int64_t done = 0;
  int64_t failed = 0;
};

class JobQueue {
 public:
  virtual ~JobQueue() = default;

  // EnqueueJob queues `job` and returns its id, or nullopt when its key was
  // queued already (by this node or another).
  virtual Result<std::optional<int64_t>> EnqueueJob(const JobRequest& job, TimePoint now) = 0;
  // ClaimJob gives `holder` the oldest job of one of `kinds` that is due at
  // `now`, or whose holder's lease ran out, leased until `lease_until`; one
  // statement with FOR UPDATE SKIP LOCKED on PostgreSQL, so no two nodes
  // get the same job. nullopt when there is none.
  virtual Result<std::optional<Job>> ClaimJob(const std::vector<std::string>& kinds, const std::string& holder,
                                              TimePoint now, TimePoint lease_until) = 0;
  // ExtendJobLease keeps a long job's lease; NotFound when `holder` has lost it.
  virtual Status ExtendJobLease(int64_t id, const std::string& holder, TimePoint lease_until) = 0;
  // FinishJob records the outcome of `holder`'s run: done, or failed with
  // `error`, when the job goes back to the queue for `retry_at` until it
  // has had max_attempts, then stays failed. NotFound when `holder` no
  // longer holds it (its lease ran out and another node took it).
  virtual Status FinishJob(int64_t id, const std::string& holder, bool ok, const std::string& error,
                           TimePoint now, TimePoint retry_at) = 0;
  // ListJobs lists jobs in `states` (all when empty), newest first.
  virtual Result<std::vector<Job>> ListJobs(const std::vector<JobState>& states, int limit) = 0;
  virtual Result<Job> GetJob(int64_t id) = 0;
  // RetryJob puts a failed job back in the queue with its attempts reset.
  // InvalidArgument when it has not failed.
  virtual Status RetryJob(int64_t id, TimePoint now) = 0;
  virtual Result<JobCounts> CountJobs() = 0;
  // PruneJobs forgets jobs done before `before`.
  virtual Result<int64_t> PruneJobs(TimePoint before) = 0;
};

}  // namespace newsdesk
