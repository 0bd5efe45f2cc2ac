#include "common/health.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace newsdesk {

namespace {
TimePoint Now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }
}  // namespace

ComponentState& Health::Find(std::string_view component) {
  auto it = parts_.find(component);
  if (it == parts_.end()) {
    it = parts_.emplace(std::string(component), ComponentState{}).first;
    it->second.name = std::string(component);
    it->second.since = Now();
  }
  return it->second;
}

void Health::Register(std::string_view component) {
  std::lock_guard<std::mutex> lock(mu_);
  Find(component);
}

void Health::Up(std::string_view component) {
  std::lock_guard<std::mutex> lock(mu_);
  ComponentState& part = Find(component);
  if (part.up) return;
  spdlog::info("{}: working again after {} failed attempt(s)", part.name, part.failures);
  part.up = true;
  part.since = Now();
  part.failures = 0;
  part.error.clear();
}

void Health::Down(std::string_view component, const Status& why) {
  std::lock_guard<std::mutex> lock(mu_);
  ComponentState& part = Find(component);
  ++part.failures;
  part.error = why.ToString();
  if (!part.up) return;  // already said; retries are not news
  spdlog::error("{}: not working, retrying with backoff: {}", part.name, part.error);
  part.up = false;
  part.since = Now();
}

std::vector<ComponentState> Health::Components() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ComponentState> out;
  out.reserve(parts_.size());
  for (const auto& [name, part] : parts_) out.push_back(part);
  return out;
}

bool Health::AllUp() const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::all_of(parts_.begin(), parts_.end(), [](const auto& p) { return p.second.up; });
}

void Backoff::Failed(Clock::time_point now) {
  delay_ = delay_.count() == 0 ? first_ : std::min(most_, delay_ * 2);
  next_ = now + delay_;
}

}  // namespace newsdesk
