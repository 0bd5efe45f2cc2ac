#include "web/mail_queue.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace newsdesk {

MailQueue::MailQueue(std::shared_ptr<Mailer> mailer, std::vector<std::chrono::milliseconds> retry_delays)
    : mailer_(std::move(mailer)), retry_delays_(std::move(retry_delays)) {
  thread_ = std::thread([this] { Run(); });
}

MailQueue::~MailQueue() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (!items_.empty()) spdlog::warn("mail: {} messages were not sent before shutdown", items_.size());
}

void MailQueue::Enqueue(Message message, std::string what) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (items_.size() >= kMaxWaiting) {
      ++dropped_;
      spdlog::error("mail: the queue is full; dropped {}", what);
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    items_.push_back({std::move(message), std::move(what), 0, now, now});
  }
  cv_.notify_all();
}

bool MailQueue::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [this] {
    const auto now = std::chrono::steady_clock::now();
    return !sending_ && std::none_of(items_.begin(), items_.end(), [&](const Item& i) { return i.due <= now; });
  });
}

void MailQueue::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    auto next = std::min_element(items_.begin(), items_.end(),
                                 [](const Item& a, const Item& b) { return a.due < b.due; });
    if (next == items_.end()) {
      cv_.wait(lock);
      continue;
    }
    if (next->due > std::chrono::steady_clock::now()) {
      cv_.wait_until(lock, next->due);
      continue;
    }
    Item item = std::move(*next);
    items_.erase(next);
    sending_ = true;
    lock.unlock();
    Status s = mailer_->Send(item.message);
    lock.lock();
    sending_ = false;
    ++item.attempts;
    Health* health = health_.load();
    if (health && (s.ok() || s.code() == Code::kUnavailable)) {
      if (s.ok()) health->Up("mail");
      else health->Down("mail", s);
    }
    const auto now = std::chrono::steady_clock::now();
    if (s.ok()) {
      ++sent_;
      spdlog::info("mail: sent {}", item.what);
    } else if (s.code() == Code::kUnavailable && !retry_delays_.empty() && now - item.queued < kGiveUpAfter) {
      auto delay = retry_delays_[std::min(item.attempts, retry_delays_.size()) - 1];
      // While the server is down every message is retried: the Health line
      // says so once, each message's retry only at debug level.
      spdlog::log(health ? spdlog::level::debug : spdlog::level::warn, "mail: {} not sent ({}); retrying in {} s",
                  item.what, s.message(), std::chrono::duration_cast<std::chrono::seconds>(delay).count());
      item.due = now + delay;
      items_.push_back(std::move(item));
    } else {
      ++dropped_;
      spdlog::error("mail: gave up on {} after {} attempts: {}", item.what, item.attempts, s.message());
    }
    cv_.notify_all();
  }
}

}  // namespace newsdesk
