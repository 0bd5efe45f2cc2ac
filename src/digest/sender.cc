// Sending a day's run: a lease so one sender works at a time, a few
// connections in parallel, a sliding-window rate cap, retries that wait.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <thread>

#include "digest/digest.h"

namespace newsdesk {

namespace {

using Steady = std::chrono::steady_clock;

constexpr int kMaxTemporaryRefusals = 8;        // 4xx answers before a delivery is given up
constexpr auto kFirstRetry = std::chrono::seconds(30);
constexpr auto kLongestRetry = std::chrono::hours(1);
constexpr auto kLongestPause = std::chrono::seconds(30);  // while the server is down

std::chrono::seconds RetryDelay(int attempts) {
  auto delay = kFirstRetry * (1LL << std::min(attempts - 1, 10));
  return std::min<std::chrono::seconds>(delay, kLongestRetry);
}

}  // namespace

SlidingWindowLimiter::SlidingWindowLimiter(unsigned max, std::chrono::steady_clock::duration window)
    : max_(max), window_(window) {}

bool SlidingWindowLimiter::Wait(const std::atomic<bool>& stop) {
  if (max_ == 0) return true;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop) {
    const auto now = Steady::now();
    while (!recent_.empty() && now - recent_.front() >= window_) recent_.pop_front();
    if (recent_.size() < max_) {
      recent_.push_back(now);
      return true;
    }
    const auto until = recent_.front() + window_;
    lock.unlock();
    std::this_thread::sleep_for(std::min<Steady::duration>(until - now, std::chrono::milliseconds(200)));
    lock.lock();
  }
  return false;
}

DigestSender::DigestSender(MailingStore& store, const Config& config, DigestComposer& composer, Mailer& mailer,
                           DigestStats* stats, Clock clock)
    : store_(store), config_(config), composer_(composer), mailer_(mailer), stats_(stats), clock_(std::move(clock)) {}

TimePoint DigestSender::Now() const {
  return clock_ ? clock_() : std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

Result<DigestReport> DigestSender::Run(const DigestDay& day, const Progress& progress,
                                       const std::atomic<bool>* stop_flag) {
  auto run = store_.StartDigestRun(day.day, Now());
  if (!run.ok()) return run.status();
  const std::string me = SenderIdentity();
  const auto lease = std::chrono::seconds(config_.digest_lease_seconds);
  ND_RETURN_IF_ERROR(store_.LeaseDigestRun(run->id, me, Now(), Now() + lease, SenderIsGone));
  ND_RETURN_IF_ERROR(store_.RequeueInterrupted(run->id));
  spdlog::info("digest {}: sending as {}", day.day, me);

  std::atomic<bool> stop{false};
  auto should_stop = [&] { return stop.load() || (stop_flag && stop_flag->load()); };
  SlidingWindowLimiter limiter(config_.digest_rate_per_minute, std::chrono::minutes(1));
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Delivery> queue;   // GUARDED_BY(mu): claimed, not yet taken by a worker
  int in_flight = 0;            // GUARDED_BY(mu)
  Steady::time_point pause_until{};  // GUARDED_BY(mu): the server is down; nobody sends before this
  int unreachable_in_a_row = 0;      // GUARDED_BY(mu)
  Status fatal;                      // GUARDED_BY(mu): a store failure stops the run

  auto finish = [&](const Delivery& d, Store::DeliveryOutcome outcome, const std::string& error, TimePoint retry_at) {
    Status s = store_.FinishDelivery(run->id, d.subscriber.id, outcome, error, retry_at,
                                     static_cast<int>(config_.digest_max_hard_failures));
    if (!s.ok()) {
      std::lock_guard<std::mutex> lock(mu);
      if (fatal.ok()) fatal = s;
      stop = true;
    }
  };

  auto deliver = [&](const Delivery& d) {
    auto stories = composer_.StoryCount(day, d.subscriber.edition);
    if (stories.ok() && *stories == 0) {  // an empty day: no mail, nothing owed
      finish(d, Store::DeliveryOutcome::kSent, "no articles that day: nothing sent", Now());
      return;
    }
    auto message = stories.ok() ? composer_.Compose(day, d.subscriber) : Result<Message>(stories.status());
    if (!message.ok()) {
      spdlog::error("digest {}: cannot build the mail of subscriber {}: {}", day.day, d.subscriber.id,
                    message.status().ToString());
      finish(d, Store::DeliveryOutcome::kFailed, message.status().message(), Now());
      if (stats_) ++stats_->failed;
      return;
    }
    if (!limiter.Wait(stop)) {
      finish(d, Store::DeliveryOutcome::kRetry, d.last_error, Now());  // back in the queue, unsent
      return;
    }
    Status sent = mailer_.Send(*message);
    if (sent.ok()) {
      finish(d, Store::DeliveryOutcome::kSent, "", Now());
      if (stats_) ++stats_->sent;
      std::lock_guard<std::mutex> lock(mu);
      unreachable_in_a_row = 0;
      return;
    }
    if (sent.code() == Code::kUnavailable && !RefusedByServer(sent)) {
      // The server is down or unreachable: not this subscriber's fault, so
      // no attempt is held against them; everyone waits, growing the wait.
      finish(d, Store::DeliveryOutcome::kRetry, sent.message(), Now());
      if (stats_) ++stats_->server_unavailable;
      std::lock_guard<std::mutex> lock(mu);
      if (Steady::now() < pause_until) return;  // others already found it down: one longer wait per outage step
      ++unreachable_in_a_row;
      const auto wait = std::min<Steady::duration>(std::chrono::seconds(1) * (1 << std::min(unreachable_in_a_row, 5)),
                                                   kLongestPause);
      pause_until = std::max(pause_until, Steady::now() + wait);
      spdlog::warn("digest {}: mail server unavailable, waiting {} s: {}", day.day,
                   std::chrono::duration_cast<std::chrono::seconds>(wait).count(), sent.message());
      return;
    }
    if (sent.code() == Code::kUnavailable && d.attempts < kMaxTemporaryRefusals) {
      finish(d, Store::DeliveryOutcome::kRetry, sent.message(), Now() + RetryDelay(d.attempts));
      if (stats_) ++stats_->retried;
      return;
    }
    spdlog::warn("digest {}: subscriber {} refused for good: {}", day.day, d.subscriber.id, sent.message());
    finish(d, Store::DeliveryOutcome::kFailed, sent.message(), Now());
    if (stats_) ++stats_->failed;
  };

  std::vector<std::thread> workers;
  for (unsigned i = 0; i < std::max(1u, config_.digest_connections); ++i) {
    workers.emplace_back([&] {
      std::unique_lock<std::mutex> lock(mu);
      while (true) {
        cv.wait_for(lock, std::chrono::milliseconds(200), [&] { return should_stop() || !queue.empty(); });
        if (should_stop()) return;
        if (queue.empty()) continue;
        if (Steady::now() < pause_until) {
          cv.wait_until(lock, pause_until, [&] { return should_stop(); });
          continue;
        }
        Delivery d = std::move(queue.front());
        queue.pop_front();
        ++in_flight;
        lock.unlock();
        deliver(d);
        lock.lock();
        --in_flight;
        cv.notify_all();
      }
    });
  }

  // The dispatcher: claims a little ahead of the workers (a killed sender
  // leaves at most this many unsent deliveries to be resent), renews the
  // lease, reports progress, and waits for retries when nothing is due.
  const size_t ahead = 2 * workers.size();
  auto last_lease = Steady::now(), last_progress = Steady::time_point{};
  bool finished = false;
  while (!should_stop()) {
    if (Steady::now() - last_lease > lease / 3) {
      Status renewed = store_.LeaseDigestRun(run->id, me, Now(), Now() + lease, SenderIsGone);
      if (!renewed.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        fatal = renewed.WithContext("lost the digest run");
        stop = true;
        break;
      }
      last_lease = Steady::now();
    }
    size_t waiting;
    int busy;
    {
      std::lock_guard<std::mutex> lock(mu);
      waiting = queue.size();
      busy = in_flight;
    }
    if (waiting < ahead) {
      auto claimed = store_.ClaimDeliveries(run->id, static_cast<int>(ahead - waiting), Now());
      if (!claimed.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        fatal = claimed.status();
        stop = true;
        break;
      }
      if (!claimed->empty()) {
        std::lock_guard<std::mutex> lock(mu);
        for (auto& d : *claimed) queue.push_back(std::move(d));
        cv.notify_all();
        continue;
      }
      if (waiting == 0 && busy == 0) {
        auto next = store_.NextDeliveryAt(run->id);
        if (!next.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          fatal = next.status();
          stop = true;
          break;
        }
        if (!*next) {
          finished = true;
          break;
        }
      }
    }
    if (progress && Steady::now() - last_progress > std::chrono::milliseconds(500)) {
      if (auto p = store_.GetDigestProgress(run->id); p.ok()) progress(*p);
      last_progress = Steady::now();
    }
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, std::chrono::milliseconds(waiting < ahead ? 250 : 20));
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
  }
  cv.notify_all();
  for (auto& w : workers) w.join();
  // Claimed but never tried (a stop): back to the queue, so the next run
  // sends them without the doubt a killed sender leaves.
  for (const auto& d : queue)
    (void)store_.FinishDelivery(run->id, d.subscriber.id, Store::DeliveryOutcome::kRetry, d.last_error, Now(),
                                static_cast<int>(config_.digest_max_hard_failures));
  if (!fatal.ok()) {
    (void)store_.ReleaseDigestRun(run->id, me);
    return fatal;
  }
  DigestReport report;
  auto p = store_.GetDigestProgress(run->id);
  if (!p.ok()) return p.status();
  report.progress = *p;
  report.finished = finished;
  if (progress) progress(*p);
  if (finished) {
    ND_RETURN_IF_ERROR(store_.FinishDigestRun(run->id, Now()));
    if (stats_) stats_->last_run_finished = Now().time_since_epoch().count();
    spdlog::info("digest {}: done, {} sent, {} failed", day.day, p->sent, p->failed);
  } else {
    ND_RETURN_IF_ERROR(store_.ReleaseDigestRun(run->id, me));
    spdlog::info("digest {}: stopped with {} to send; the next run resumes", day.day, p->queued + p->sending);
  }
  return report;
}

}  // namespace newsdesk
