#include "web/metrics.h"

#include <gtest/gtest.h>

#include <atomic>

namespace newsdesk {
namespace {

TEST(Metrics, RegisteredMetricsFollowTheRequestMetricsWithTheirHelpAndType) {
  Metrics m;
  std::atomic<int> sent{0};
  m.Register("newsdesk_things_total", "Things by outcome.", "counter", [&] {
    return std::vector<Metrics::Sample>{{"outcome=\"sent\"", static_cast<double>(sent.load())}, {"outcome=\"failed\"", 2}};
  });
  m.Register("newsdesk_last_seconds", "When it last ran.", "gauge",
             [] { return std::vector<Metrics::Sample>{{"", 1796437359}}; });
  sent = 7;
  const std::string page = m.Render();
  EXPECT_NE(page.find("# HELP newsdesk_things_total Things by outcome.\n# TYPE newsdesk_things_total counter\n"
                      "newsdesk_things_total{outcome=\"sent\"} 7\nnewsdesk_things_total{outcome=\"failed\"} 2\n"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("# TYPE newsdesk_last_seconds gauge\nnewsdesk_last_seconds 1796437359\n"), std::string::npos)
      << "whole numbers print as integers: " << page;
  EXPECT_LT(page.find("newsdesk_page_cache_misses_total"), page.find("newsdesk_things_total"));
}

TEST(Metrics, AMetricWithoutSamplesIsLeftOut) {
  Metrics m;
  m.Register("newsdesk_off_total", "Not there yet.", "counter", [] { return std::vector<Metrics::Sample>(); });
  EXPECT_EQ(m.Render().find("newsdesk_off_total"), std::string::npos);
}

}  // namespace
}  // namespace newsdesk
