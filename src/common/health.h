// File: common/health.h
//
// Whether each background part of a running node works (the search
// follower, the job runner, the schedule, LISTEN/NOTIFY, the mail queue,
// machine translation), for `/readyz`, the `newsdesk_component_up` gauge and
// the log. A part reports the outcome of every attempt; the log gets one
// line when a part goes down (with the reason) and one when it is back, never
// one per retry. `Backoff` spaces a failing part's retries.
//
//   Health health;
//   health.Register("search");
//   if (auto s = follower.CatchUp(); s.ok()) health.Up("search");
//   else health.Down("search", s.status());
//
// Thread-safety: Health is safe to call from any thread; Backoff belongs to
// the one thread that retries.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"

namespace newsdesk {

struct ComponentState {
  std::string name;
  bool up = true;
  TimePoint since{};           // when it last went up or down (registration counts as up)
  int64_t failures = 0;        // attempts failed in a row; 0 while up
  std::string error;           // the last failure's message, while down
};

class Health {
 public:
  // Register lists a part as up; parts report only after they are listed
  // (a report for an unlisted part registers it).
  void Register(std::string_view component);
  void Up(std::string_view component);
  void Down(std::string_view component, const Status& why);

  // Components: every registered part, in name order.
  std::vector<ComponentState> Components() const;
  bool AllUp() const;

 private:
  ComponentState& Find(std::string_view component);  // REQUIRES: mu_

  mutable std::mutex mu_;
  std::map<std::string, ComponentState, std::less<>> parts_;  // GUARDED_BY(mu_)
};

// Backoff: a failing part tries again after `first`, then twice as long each
// time up to `most`; one success makes it try at its normal pace again. It
// counts on the steady clock, so a wall clock stepping back changes nothing.
class Backoff {
 public:
  using Clock = std::chrono::steady_clock;
  Backoff(std::chrono::milliseconds first, std::chrono::milliseconds most) : first_(first), most_(most) {}

  // Due: whether an attempt may run now (always, unless the last one failed
  // less than the current delay ago).
  bool Due(Clock::time_point now = Clock::now()) const { return now >= next_; }
  void Failed(Clock::time_point now = Clock::now());
  void Succeeded() {
    delay_ = std::chrono::milliseconds(0);
    next_ = {};
  }
  std::chrono::milliseconds delay() const { return delay_; }

 private:
  const std::chrono::milliseconds first_, most_;
  std::chrono::milliseconds delay_{0};
  Clock::time_point next_{};
};

}  // namespace newsdesk
