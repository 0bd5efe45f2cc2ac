// job_sql.cc: JobQueue (store/job_queue.h), background jobs every node shares.
#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

namespace {

constexpr const char* kJobColumns =
    "id, kind, key, payload, state, attempts, max_attempts, run_at, holder, lease_until, last_error, "
    "created_at, finished_at";

Job JobFromRow(const Stmt& st) {
  Job j;
  std::string state;
  ReadColumns(st, 0, j.id, j.kind, j.key, j.payload, state, j.attempts, j.max_attempts, j.run_at, j.holder,
              j.lease_until, j.last_error, j.created_at, j.finished_at);
  j.state = state == "running" ? JobState::kRunning
            : state == "done"  ? JobState::kDone
            : state == "failed" ? JobState::kFailed
                                : JobState::kQueued;
  return j;
}

Result<Job> GetJobOn(Connection& c, int64_t id) {
  return QueryFound<Job>(c, std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?1",
                         [&](Stmt& st) { st.Bind(1, id); }, JobFromRow, fmt::format("no job {}", id));
}

// JsonValues is the SQL that lists the strings of the JSON array `param`
// (a placeholder such as "?4") as rows of one column, `value`.
std::string JsonValues(Dialect dialect, const std::string& param) {
  return dialect == Dialect::kPostgres ? "json_array_elements_text(" + param + "::json)" : "json_each(" + param + ")";
}

}  // namespace

Result<std::optional<int64_t>> SqlStore::EnqueueJob(const JobRequest& job, TimePoint now) {
  if (job.kind.empty()) return Status::InvalidArgument("a job needs a kind");
  if (job.max_attempts < 1) return Status::InvalidArgument("a job needs at least one attempt");
  return WithConnection<std::optional<int64_t>>([&](Connection& c) {
    return QueryOne<int64_t>(c,
        "INSERT INTO jobs (kind, key, payload, state, max_attempts, run_at, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, 'queued', ?4, ?5, ?6, ?6) ON CONFLICT DO NOTHING RETURNING id",
        [&](Stmt& st) {
          st.Bind(1, job.kind).Bind(2, job.key).Bind(3, job.payload).Bind(4, static_cast<int64_t>(job.max_attempts))
              .Bind(5, Seconds(job.run_at)).Bind(6, Seconds(now));
        },
        [](const Stmt& st) { return st.Int(0); });
  });
}

Result<std::optional<Job>> SqlStore::ClaimJob(const std::vector<std::string>& kinds, const std::string& holder,
                                              TimePoint now, TimePoint lease_until) {
  // One statement, atomic on both databases: SQLite writes one at a time;
  // PostgreSQL's SKIP LOCKED lets each node take a different row at once.
  const std::string lock = dialect_ == Dialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
  const std::string sql =
      "UPDATE jobs SET state = 'running', holder = ?1, lease_until = ?2, attempts = attempts + 1, updated_at = ?3 "
      "WHERE id = (SELECT id FROM jobs WHERE ((state = 'queued' AND run_at <= ?3) OR "
      "(state = 'running' AND lease_until < ?3)) AND kind IN (SELECT value FROM " + JsonValues(dialect_, "?4") +
      ") ORDER BY run_at, id LIMIT 1" + lock + ") RETURNING " + kJobColumns;
  return WithConnection<std::optional<Job>>([&](Connection& c) {
    return QueryOne<Job>(c, sql,
        [&](Stmt& st) {
          st.Bind(1, holder).Bind(2, Seconds(lease_until)).Bind(3, Seconds(now)).Bind(4, nlohmann::json(kinds).dump());
        },
        JobFromRow);
  });
}

Status SqlStore::ExtendJobLease(int64_t id, const std::string& holder, TimePoint lease_until) {
  return WithConnection<bool>([&](Connection& c) -> Result<bool> {
    ND_RETURN_IF_ERROR(Exec(c, "UPDATE jobs SET lease_until = ?3 WHERE id = ?1 AND holder = ?2 AND state = 'running'",
                            [&](Stmt& st) { st.Bind(1, id).Bind(2, holder).Bind(3, Seconds(lease_until)); }));
    if (c.Changes() == 0) return Status::NotFound(fmt::format("job {} is not held by {}", id, holder));
    return true;
  }).status();
}

Status SqlStore::FinishJob(int64_t id, const std::string& holder, bool ok, const std::string& error, TimePoint now,
                           TimePoint retry_at) {
  return WithConnection<bool>([&](Connection& c) -> Result<bool> {
    ND_RETURN_IF_ERROR(Exec(c,
        ok ? "UPDATE jobs SET state = 'done', last_error = '', finished_at = ?3, updated_at = ?3, lease_until = 0 "
             "WHERE id = ?1 AND holder = ?2 AND state = 'running'"
           : "UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, "
             "last_error = ?4, run_at = ?5, updated_at = ?3, lease_until = 0, "
             "finished_at = CASE WHEN attempts >= max_attempts THEN ?3 ELSE NULL END "
             "WHERE id = ?1 AND holder = ?2 AND state = 'running'",
        [&](Stmt& st) {
          st.Bind(1, id).Bind(2, holder).Bind(3, Seconds(now));
          if (!ok) st.Bind(4, error.substr(0, 2000)).Bind(5, Seconds(retry_at));
        }));
    if (c.Changes() == 0) return Status::NotFound(fmt::format("job {} is no longer held by {}", id, holder));
    return true;
  }).status();
}

Result<std::vector<Job>> SqlStore::ListJobs(const std::vector<JobState>& states, int limit) {
  std::vector<std::string> names;
  for (JobState s : states) names.push_back(JobStateName(s));
  const std::string sql = std::string("SELECT ") + kJobColumns +
                          " FROM jobs WHERE (?1 = '[]' OR state IN (SELECT value FROM " + JsonValues(dialect_, "?1") +
                          ")) ORDER BY id DESC LIMIT ?2";
  return WithConnection<std::vector<Job>>([&](Connection& c) {
    return QueryAll<Job>(c, sql,
        [&](Stmt& st) { st.Bind(1, nlohmann::json(names).dump()).Bind(2, static_cast<int64_t>(limit)); }, JobFromRow);
  });
}

Result<Job> SqlStore::GetJob(int64_t id) {
  return WithConnection<Job>([&](Connection& c) { return GetJobOn(c, id); });
}

Status SqlStore::RetryJob(int64_t id, TimePoint now) {
  return WithConnection<bool>([&](Connection& c) -> Result<bool> {
    ND_RETURN_IF_ERROR(Exec(c,
        "UPDATE jobs SET state = 'queued', attempts = 0, run_at = ?2, updated_at = ?2, finished_at = NULL, "
        "holder = '' WHERE id = ?1 AND state = 'failed'",
        [&](Stmt& st) { st.Bind(1, id).Bind(2, Seconds(now)); }));
    if (c.Changes() == 1) return true;
    auto job = GetJobOn(c, id);
    if (!job.ok()) return job.status();
    return Status::InvalidArgument(fmt::format("job {} is {}, not failed", id, JobStateName(job->state)));
  }).status();
}

Result<JobCounts> SqlStore::CountJobs() {
  return WithConnection<JobCounts>([&](Connection& c) -> Result<JobCounts> {
    JobCounts n;
    ND_RETURN_IF_ERROR(QueryEach(c, "SELECT state, COUNT(*) FROM jobs GROUP BY state", NoParameters,
        [&](const Stmt& st) {
          const std::string state = st.Text(0);
          (state == "queued" ? n.queued : state == "running" ? n.running : state == "done" ? n.done : n.failed) =
              st.Int(1);
        }));
    return n;
  });
}

Result<int64_t> SqlStore::PruneJobs(TimePoint before) {
  return WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
    ND_RETURN_IF_ERROR(Exec(c, "DELETE FROM jobs WHERE state = 'done' AND finished_at < ?1",
                            [&](Stmt& st) { st.Bind(1, Seconds(before)); }));
    return c.Changes();
  });
}

}  // namespace newsdesk::sql

namespace newsdesk {

const char* JobStateName(JobState s) {
  switch (s) {
    case JobState::kQueued: return "queued";
    case JobState::kRunning: return "running";
    case JobState::kDone: return "done";
    case JobState::kFailed: return "failed";
  }
  return "queued";
}

}  // namespace newsdesk
