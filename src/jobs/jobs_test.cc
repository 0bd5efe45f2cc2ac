#include "jobs/jobs.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace newsdesk {
namespace {

using namespace std::chrono_literals;

TEST(Periodic, TicksAtOnceThenEveryIntervalUntilStopped) {
  std::atomic<int> ticks{0};
  Periodic p(20ms, Periodic::First::kAtOnce, [&] { ++ticks; });
  for (int i = 0; i < 100 && ticks < 1; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_GE(ticks.load(), 1) << "the first tick comes at once";
  std::this_thread::sleep_for(120ms);
  p.Stop();
  const int stopped_at = ticks.load();
  EXPECT_GE(stopped_at, 3);
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(ticks.load(), stopped_at) << "no tick after Stop";
}

TEST(Periodic, WaitsOneIntervalFirstWhenAskedAndStopsAtOnceMeanwhile) {
  std::atomic<int> ticks{0};
  const auto start = std::chrono::steady_clock::now();
  {
    Periodic p(10s, Periodic::First::kAfterInterval, [&] { ++ticks; });
    std::this_thread::sleep_for(30ms);
  }  // the destructor stops it, without waiting out the interval
  EXPECT_EQ(ticks.load(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(Periodic, StopWaitsForATickInProgress) {
  std::atomic<bool> inside{false}, finished{false};
  Periodic p(1ms, Periodic::First::kAtOnce, [&] {
    inside = true;
    std::this_thread::sleep_for(100ms);
    finished = true;
  });
  while (!inside) std::this_thread::sleep_for(1ms);
  p.Stop();
  EXPECT_TRUE(finished.load());
  p.Stop();  // a second Stop does nothing
}

}  // namespace
}  // namespace newsdesk
