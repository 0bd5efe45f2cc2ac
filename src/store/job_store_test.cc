#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "common/time.h"
#include "store/store.h"
#include "store/testing/backend_store_test.h"

namespace newsdesk {
namespace {

using testing::BackendName;
using testing::BackendStoreTest;

// --- jobs (issue 8) ----------------------------------------------------------

class JobStoreTest : public BackendStoreTest {
 protected:
  JobStoreTest() : BackendStoreTest("nd_jobs") {}
  static TimePoint At(int64_t s) { return TimePoint{std::chrono::seconds{s}}; }
};

TEST_P(JobStoreTest, AKeyedJobIsQueuedOnceWhoeverAsks) {
  auto first = store_->EnqueueJob({.kind = "fetch", .key = "source:1@100", .run_at = At(100)}, At(50));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->has_value());
  auto again = store_->EnqueueJob({.kind = "fetch", .key = "source:1@100", .run_at = At(100)}, At(51));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->has_value());
  auto other_slot = store_->EnqueueJob({.kind = "fetch", .key = "source:1@200", .run_at = At(200)}, At(51));
  ASSERT_TRUE(other_slot.ok());
  EXPECT_TRUE(other_slot->has_value());
  auto unkeyed1 = store_->EnqueueJob({.kind = "fetch"}, At(51));
  auto unkeyed2 = store_->EnqueueJob({.kind = "fetch"}, At(51));
  ASSERT_TRUE(unkeyed1.ok() && unkeyed2.ok());
  EXPECT_TRUE(unkeyed1->has_value() && unkeyed2->has_value()) << "jobs without a key are never merged";
  EXPECT_FALSE(store_->EnqueueJob({.kind = ""}, At(1)).ok());
}

TEST_P(JobStoreTest, ClaimsDueJobsOfTheAskedKindsOldestFirst) {
  ASSERT_TRUE(store_->EnqueueJob({.kind = "mail", .payload = "later", .run_at = At(300)}, At(1)).ok());
  ASSERT_TRUE(store_->EnqueueJob({.kind = "mail", .payload = "first", .run_at = At(100)}, At(1)).ok());
  ASSERT_TRUE(store_->EnqueueJob({.kind = "fetch", .payload = "other kind", .run_at = At(50)}, At(1)).ok());
  auto job = store_->ClaimJob({"mail"}, "node-a", At(200), At(260));
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  ASSERT_TRUE(job->has_value());
  EXPECT_EQ((*job)->payload, "first");
  EXPECT_EQ((*job)->state, JobState::kRunning);
  EXPECT_EQ((*job)->holder, "node-a");
  EXPECT_EQ((*job)->attempts, 1);
  auto none = store_->ClaimJob({"mail"}, "node-b", At(200), At(260));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value()) << "the other mail job is not due until 300";
}

TEST_P(JobStoreTest, AnExpiredLeaseIsTakenOverAndTheOldHolderCannotFinish) {
  ASSERT_TRUE(store_->EnqueueJob({.kind = "fetch", .run_at = At(0)}, At(0)).ok());
  auto a = store_->ClaimJob({"fetch"}, "node-a", At(10), At(20));
  ASSERT_TRUE(a.ok() && a->has_value());
  auto early = store_->ClaimJob({"fetch"}, "node-b", At(19), At(29));
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early->has_value()) << "node-a's lease lasts until 20";
  auto b = store_->ClaimJob({"fetch"}, "node-b", At(21), At(31));
  ASSERT_TRUE(b.ok() && b->has_value());
  EXPECT_EQ((*b)->id, (*a)->id);
  EXPECT_EQ((*b)->attempts, 2);
  EXPECT_TRUE(store_->FinishJob((*a)->id, "node-a", true, "", At(22), At(22)).is_not_found())
      << "a node whose lease ran out must not record an outcome";
  EXPECT_TRUE(store_->ExtendJobLease((*a)->id, "node-a", At(40)).is_not_found());
  ASSERT_TRUE(store_->ExtendJobLease((*b)->id, "node-b", At(40)).ok());
  ASSERT_TRUE(store_->FinishJob((*b)->id, "node-b", true, "", At(23), At(23)).ok());
  auto done = store_->GetJob((*b)->id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, JobState::kDone);
}

TEST_P(JobStoreTest, AFailedJobIsRetriedThenKeptFailedWithItsErrorUntilRetriedByHand) {
  auto id = store_->EnqueueJob({.kind = "translate", .run_at = At(0), .max_attempts = 2}, At(0));
  ASSERT_TRUE(id.ok() && id->has_value());
  // One attempt: claimed at `at`, failed with `error` a second later, due
  // again at `retry_at`; what the job looks like afterwards.
  auto failed_attempt = [&](int at, const char* error, int retry_at) -> Result<Job> {
    auto claimed = store_->ClaimJob({"translate"}, "n", At(at), At(100));
    if (!claimed.ok() || !claimed->has_value()) return Status::Internal("the job was not claimed");
    ND_RETURN_IF_ERROR(store_->FinishJob(**id, "n", false, error, At(at + 1), At(retry_at)));
    return store_->GetJob(**id);
  };
  auto queued = failed_attempt(1, "HTTP 503", 10);
  ASSERT_TRUE(queued.ok()) << queued.status().ToString();
  EXPECT_EQ(queued->state, JobState::kQueued);
  EXPECT_EQ(queued->last_error, "HTTP 503");
  auto not_yet = store_->ClaimJob({"translate"}, "n", At(5), At(100));
  ASSERT_TRUE(not_yet.ok());
  EXPECT_FALSE(not_yet->has_value()) << "a failed job waits for its retry time";
  auto failed = failed_attempt(10, "HTTP 500", 20);
  ASSERT_TRUE(failed.ok()) << failed.status().ToString();
  EXPECT_EQ(failed->state, JobState::kFailed);
  EXPECT_EQ(failed->last_error, "HTTP 500");
  auto listed = store_->ListJobs({JobState::kFailed}, 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  auto counts = store_->CountJobs();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->failed, 1);
  EXPECT_EQ(store_->RetryJob(**id, At(30)).code(), Code::kOk);
  auto again = store_->GetJob(**id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->state, JobState::kQueued);
  EXPECT_EQ(again->attempts, 0);
  EXPECT_EQ(store_->RetryJob(**id, At(31)).code(), Code::kInvalidArgument) << "only failed jobs are retried";
}

TEST_P(JobStoreTest, ManyClaimersOnTwoStoresRunEveryJobExactlyOnce) {
  constexpr int kJobs = 300;
  for (int i = 0; i < kJobs; ++i)
    ASSERT_TRUE(store_->EnqueueJob({.kind = "work", .payload = std::to_string(i), .run_at = At(0)}, At(0)).ok());
  // A second store on the same database, as a second node would open it.
  auto second = OpenStoreAt(database_);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  std::vector<Store*> nodes = {store_.get(), second->get()};
  std::mutex mu;
  std::vector<int> runs(kJobs, 0);
  std::vector<std::thread> workers;
  for (int w = 0; w < 6; ++w) {
    workers.emplace_back([&, w] {
      Store* s = nodes[w % 2];
      const std::string holder = "worker-" + std::to_string(w);
      for (;;) {
        auto job = s->ClaimJob({"work"}, holder, At(1), At(1000));
        ASSERT_TRUE(job.ok()) << job.status().ToString();
        if (!job->has_value()) return;
        {
          std::lock_guard<std::mutex> lock(mu);
          ++runs[std::stoi((*job)->payload)];
        }
        ASSERT_TRUE(s->FinishJob((*job)->id, holder, true, "", At(2), At(2)).ok());
      }
    });
  }
  for (auto& t : workers) t.join();
  for (int i = 0; i < kJobs; ++i) EXPECT_EQ(runs[i], 1) << "job " << i;
  auto counts = store_->CountJobs();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->done, kJobs);
  EXPECT_EQ(counts->queued + counts->running + counts->failed, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, JobStoreTest, ::testing::Values("sqlite", "postgresql"), BackendName);

}  // namespace
}  // namespace newsdesk
