// job_sql.cc: JobQueue (store/job_queue.h): background jobs every node shares.
#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/minhash.h"
#include "common/text.h"
#include "common/time.h"
#include "model/block_json.h"
#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

// --- jobs (issue 8) ---------------------------------------------------------

constexpr const char* kJobColumns =
    "id, kind, key, payload, state, attempts, max_attempts, run_at, holder, lease_until, last_error, "
    "created_at, finished_at";

Job SqlStore::JobFromRow(const Stmt& st) {
  Job j;
  j.id = st.Int(0);
  j.kind = st.Text(1);
  j.key = st.Text(2);
  j.payload = st.Text(3);
  const std::string state = st.Text(4);
  j.state = state == "running" ? JobState::kRunning
            : state == "done"  ? JobState::kDone
            : state == "failed" ? JobState::kFailed
                                : JobState::kQueued;
  j.attempts = static_cast<int>(st.Int(5));
  j.max_attempts = static_cast<int>(st.Int(6));
  j.run_at = TimePoint{std::chrono::seconds{st.Int(7)}};
  j.holder = st.Text(8);
  j.lease_until = TimePoint{std::chrono::seconds{st.Int(9)}};
  j.last_error = st.Text(10);
  j.created_at = TimePoint{std::chrono::seconds{st.Int(11)}};
  if (!st.IsNull(12)) j.finished_at = TimePoint{std::chrono::seconds{st.Int(12)}};
  return j;
}

Result<std::optional<int64_t>> SqlStore::EnqueueJob(const JobRequest& job, TimePoint now) {
  if (job.kind.empty()) return Status::InvalidArgument("a job needs a kind");
  if (job.max_attempts < 1) return Status::InvalidArgument("a job needs at least one attempt");
  return WithConnection<std::optional<int64_t>>([&](Connection& c) -> Result<std::optional<int64_t>> {
    auto p = c.Prepare(
        "INSERT INTO jobs (kind, key, payload, state, max_attempts, run_at, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, 'queued', ?4, ?5, ?6, ?6) ON CONFLICT DO NOTHING RETURNING id");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, job.kind).Bind(2, job.key).Bind(3, job.payload).Bind(4, static_cast<int64_t>(job.max_attempts))
        .Bind(5, Seconds(job.run_at)).Bind(6, Seconds(now));
    const int rc = st.Step();
    if (rc == kRow) return std::optional<int64_t>(st.Int(0));
    if (rc == kDone) return std::optional<int64_t>();
    return Status::IOError(c.LastError());
  });
}

Result<std::optional<Job>> SqlStore::ClaimJob(const std::vector<std::string>& kinds, const std::string& holder,
                                    TimePoint now, TimePoint lease_until) {
  // One statement, atomic on both databases: SQLite writes one at a time;
  // PostgreSQL's SKIP LOCKED lets each node take a different row at once.
  const std::string lock = dialect_ == sql::Dialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
  const std::string sql = std::string(
      "UPDATE jobs SET state = 'running', holder = ?1, lease_until = ?2, attempts = attempts + 1, updated_at = ?3 "
      "WHERE id = (SELECT id FROM jobs WHERE ((state = 'queued' AND run_at <= ?3) OR "
      "(state = 'running' AND lease_until < ?3)) AND kind IN (SELECT value FROM ") +
      (dialect_ == sql::Dialect::kPostgres ? "json_array_elements_text(?4::json)" : "json_each(?4)") +
      ") ORDER BY run_at, id LIMIT 1" + lock + ") RETURNING " + kJobColumns;
  return WithConnection<std::optional<Job>>([&](Connection& c) -> Result<std::optional<Job>> {
    auto p = c.Prepare(sql);
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, holder).Bind(2, Seconds(lease_until)).Bind(3, Seconds(now)).Bind(4, nlohmann::json(kinds).dump());
    const int rc = st.Step();
    if (rc == kRow) return std::optional<Job>(JobFromRow(st));
    if (rc == kDone) return std::optional<Job>();
    return Status::IOError(c.LastError());
  });
}

Status SqlStore::ExtendJobLease(int64_t id, const std::string& holder, TimePoint lease_until) {
  auto r = WithConnection<bool>([&](Connection& c) -> Result<bool> {
    auto p = c.Prepare("UPDATE jobs SET lease_until = ?3 WHERE id = ?1 AND holder = ?2 AND state = 'running'");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, id).Bind(2, holder).Bind(3, Seconds(lease_until));
    if (st.Step() != kDone) return Status::IOError(c.LastError());
    if (c.Changes() == 0) return Status::NotFound(fmt::format("job {} is not held by {}", id, holder));
    return true;
  });
  return r.status();
}

Status SqlStore::FinishJob(int64_t id, const std::string& holder, bool ok, const std::string& error, TimePoint now,
                 TimePoint retry_at) {
  auto r = WithConnection<bool>([&](Connection& c) -> Result<bool> {
    auto p = c.Prepare(
        ok ? "UPDATE jobs SET state = 'done', last_error = '', finished_at = ?3, updated_at = ?3, lease_until = 0 "
             "WHERE id = ?1 AND holder = ?2 AND state = 'running'"
           : "UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, "
             "last_error = ?4, run_at = ?5, updated_at = ?3, lease_until = 0, "
             "finished_at = CASE WHEN attempts >= max_attempts THEN ?3 ELSE NULL END "
             "WHERE id = ?1 AND holder = ?2 AND state = 'running'");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, id).Bind(2, holder).Bind(3, Seconds(now));
    if (!ok) st.Bind(4, error.substr(0, 2000)).Bind(5, Seconds(retry_at));
    if (st.Step() != kDone) return Status::IOError(c.LastError());
    if (c.Changes() == 0) return Status::NotFound(fmt::format("job {} is no longer held by {}", id, holder));
    return true;
  });
  return r.status();
}

Result<std::vector<Job>> SqlStore::ListJobs(const std::vector<JobState>& states, int limit) {
  std::vector<std::string> names;
  for (JobState s : states) names.push_back(JobStateName(s));
  const std::string sql = std::string("SELECT ") + kJobColumns + " FROM jobs WHERE (?1 = '[]' OR state IN (SELECT value FROM " +
                          (dialect_ == sql::Dialect::kPostgres ? "json_array_elements_text(?1::json)" : "json_each(?1)") +
                          ")) ORDER BY id DESC LIMIT ?2";
  return WithConnection<std::vector<Job>>([&](Connection& c) -> Result<std::vector<Job>> {
    return sql::QueryAll<Job>(c, sql,
        [&](Stmt& st) { st.Bind(1, nlohmann::json(names).dump()).Bind(2, static_cast<int64_t>(limit)); },
        [&](const Stmt& st) { return JobFromRow(st); });
  });
}

Result<Job> SqlStore::GetJob(int64_t id) {
  return WithConnection<Job>([&](Connection& c) { return GetJobOn(c, id); });
}

Status SqlStore::RetryJob(int64_t id, TimePoint now) {
  auto r = WithConnection<bool>([&](Connection& c) -> Result<bool> {
    auto p = c.Prepare(
        "UPDATE jobs SET state = 'queued', attempts = 0, run_at = ?2, updated_at = ?2, finished_at = NULL, "
        "holder = '' WHERE id = ?1 AND state = 'failed'");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, id).Bind(2, Seconds(now));
    if (st.Step() != kDone) return Status::IOError(c.LastError());
    if (c.Changes() == 1) return true;
    auto job = GetJobOn(c, id);
    if (!job.ok()) return job.status();
    return Status::InvalidArgument(fmt::format("job {} is {}, not failed", id, JobStateName(job->state)));
  });
  return r.status();
}

Result<Job> SqlStore::GetJobOn(Connection& c, int64_t id) {
  auto p = c.Prepare(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?1");
  if (!p.ok()) return p.status();
  Stmt st(*p);
  st.Bind(1, id);
  const int rc = st.Step();
  if (rc == kDone) return Status::NotFound(fmt::format("no job {}", id));
  if (rc != kRow) return Status::IOError(c.LastError());
  return JobFromRow(st);
}

Result<JobCounts> SqlStore::CountJobs() {
  return WithConnection<JobCounts>([&](Connection& c) -> Result<JobCounts> {
    auto p = c.Prepare("SELECT state, COUNT(*) FROM jobs GROUP BY state");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    JobCounts n;
    int rc;
    while ((rc = st.Step()) == kRow) {
      const std::string state = st.Text(0);
      (state == "queued" ? n.queued : state == "running" ? n.running : state == "done" ? n.done : n.failed) =
          st.Int(1);
    }
    if (rc != kDone) return Status::IOError(c.LastError());
    return n;
  });
}

Result<int64_t> SqlStore::PruneJobs(TimePoint before) {
  return WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
    auto p = c.Prepare("DELETE FROM jobs WHERE state = 'done' AND finished_at < ?1");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, Seconds(before));
    if (st.Step() != kDone) return Status::IOError(c.LastError());
    return c.Changes();
  });
}

}  // namespace newsdesk::sql
