// File: web/mail_queue.h
//
// MailQueue sends account mail (confirmations, resets, reply notifications)
// from a thread of its own, so a request never waits for an SMTP server. A
// message that fails with Unavailable (server down, 4xx) is retried after
// each of `retry_delays`, then every last delay, until it is a day old, when
// it is dropped with an error in the log; any other failure is logged and
// dropped at once. Whether the SMTP server takes mail is the "mail" part of
// the node's Health (ReportTo): one log line when it stops and one when it
// takes mail again. Log lines name the kind of mail and the recipient's user
// id, never the links (they carry secrets).
//
//   MailQueue queue(mailer);
//   queue.Enqueue(std::move(message), "confirmation for user 12");
//
// Thread-safety: Enqueue may be called from many threads at once. The
// destructor stops the thread; messages still waiting are counted in the log.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/health.h"
#include "mail/mail.h"

namespace newsdesk {

class MailQueue {
 public:
  explicit MailQueue(std::shared_ptr<Mailer> mailer,
                     std::vector<std::chrono::milliseconds> retry_delays = {
                         std::chrono::seconds(10), std::chrono::seconds(60), std::chrono::minutes(5),
                         std::chrono::minutes(15), std::chrono::hours(1)});
  ~MailQueue();
  MailQueue(const MailQueue&) = delete;
  MailQueue& operator=(const MailQueue&) = delete;

  // Enqueue adds a message; `what` describes it for the log. When the queue
  // holds `kMaxWaiting` messages already, the new one is dropped and logged.
  void Enqueue(Message message, std::string what);

  // WaitIdle blocks until nothing waits to be sent now (retries scheduled
  // for later don't count) or `timeout` passes; true when idle.
  bool WaitIdle(std::chrono::milliseconds timeout);

  // ReportTo makes each attempt's outcome the "mail" part of `health`
  // (which must outlive the queue; null stops reporting).
  void ReportTo(Health* health) { health_ = health; }

  // Stats: messages sent and given up on so far.
  int64_t sent() const { return sent_.load(); }
  int64_t dropped() const { return dropped_.load(); }

  static constexpr size_t kMaxWaiting = 10000;
  static constexpr std::chrono::hours kGiveUpAfter{24};

 private:
  struct Item {
    Message message;
    std::string what;
    size_t attempts = 0;
    std::chrono::steady_clock::time_point due;
    std::chrono::steady_clock::time_point queued;
  };
  void Run();

  std::shared_ptr<Mailer> mailer_;
  const std::vector<std::chrono::milliseconds> retry_delays_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> items_;  // GUARDED_BY(mu_)
  bool sending_ = false;    // GUARDED_BY(mu_)
  bool stop_ = false;       // GUARDED_BY(mu_)
  std::atomic<int64_t> sent_{0};  // counters only: read without the queue's lock
  std::atomic<int64_t> dropped_{0};
  std::atomic<Health*> health_{nullptr};
  std::thread thread_;
};

}  // namespace newsdesk
