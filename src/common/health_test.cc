#include "common/health.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

namespace newsdesk {
namespace {

// LogCapture sends spdlog's default logger to a string for one test.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  int Lines() const {
    const std::string s = out_.str();
    return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
  }
  std::string Text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(Health, ARegisteredPartIsUpUntilItFails) {
  Health health;
  health.Register("search");
  ASSERT_EQ(health.Components().size(), 1u);
  EXPECT_TRUE(health.Components()[0].up);
  EXPECT_TRUE(health.AllUp());
}

TEST(Health, LogsOneLineWhenAPartGoesDownAndOneWhenItIsBackNotOnePerRetry) {
  LogCapture log;
  Health health;
  health.Register("search");
  for (int i = 0; i < 20; ++i) health.Down("search", Status::IOError("No space left on device"));
  EXPECT_EQ(log.Lines(), 1) << log.Text();
  EXPECT_NE(log.Text().find("No space left on device"), std::string::npos);
  auto state = health.Components()[0];
  EXPECT_FALSE(state.up);
  EXPECT_EQ(state.failures, 20);
  EXPECT_FALSE(health.AllUp());

  for (int i = 0; i < 5; ++i) health.Up("search");
  EXPECT_EQ(log.Lines(), 2) << log.Text();
  EXPECT_NE(log.Text().find("working again after 20"), std::string::npos);
  state = health.Components()[0];
  EXPECT_TRUE(state.up);
  EXPECT_EQ(state.failures, 0);
  EXPECT_TRUE(state.error.empty());
}

TEST(Health, OnePartDownLeavesTheOthersUp) {
  Health health;
  health.Register("mail");
  health.Register("search");
  health.Down("mail", Status::Unavailable("SMTP refused"));
  auto parts = health.Components();
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "mail");
  EXPECT_FALSE(parts[0].up);
  EXPECT_EQ(parts[0].error, Status::Unavailable("SMTP refused").ToString());
  EXPECT_TRUE(parts[1].up);
}

TEST(Backoff, DoublesFromFirstToMostAndResetsOnSuccess) {
  using std::chrono::milliseconds;
  Backoff backoff(milliseconds(500), milliseconds(3000));
  const auto t0 = Backoff::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_TRUE(backoff.Due(t0));
  backoff.Failed(t0);
  EXPECT_EQ(backoff.delay(), milliseconds(500));
  EXPECT_FALSE(backoff.Due(t0 + milliseconds(499)));
  EXPECT_TRUE(backoff.Due(t0 + milliseconds(500)));
  backoff.Failed(t0);
  EXPECT_EQ(backoff.delay(), milliseconds(1000));
  backoff.Failed(t0);
  backoff.Failed(t0);
  EXPECT_EQ(backoff.delay(), milliseconds(3000));  // capped
  backoff.Failed(t0);
  EXPECT_EQ(backoff.delay(), milliseconds(3000));
  backoff.Succeeded();
  EXPECT_TRUE(backoff.Due(t0));
  backoff.Failed(t0);
  EXPECT_EQ(backoff.delay(), milliseconds(500));
}

}  // namespace
}  // namespace newsdesk
