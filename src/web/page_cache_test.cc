#include "web/page_cache.h"

#include <gtest/gtest.h>

namespace newsdesk {
namespace {

Response Page(const std::string& body) {
  Response r;
  r.body = body;
  return r;
}

TEST(PageCache, ReturnsWhatWasPut) {
  PageCache c(1 << 20);
  c.Observe(1);
  c.Put("/en/", Page("front"), 1);
  auto hit = c.Get("/en/");
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->body, "front");
  EXPECT_EQ(c.Get("/ru/"), nullptr);
}

TEST(PageCache, ANewerStoreSequenceEmptiesIt) {
  PageCache c(1 << 20);
  c.Observe(1);
  c.Put("/en/", Page("front"), 1);
  c.Observe(2);
  EXPECT_EQ(c.Get("/en/"), nullptr);
}

TEST(PageCache, PagesRenderedFromOlderDataAreNotKept) {
  PageCache c(1 << 20);
  c.Observe(5);
  c.Put("/en/", Page("stale"), 4);
  EXPECT_EQ(c.Get("/en/"), nullptr);
}

TEST(PageCache, EvictsTheLeastRecentlyUsedPastItsBudget) {
  PageCache c(3 * (1000 + 260));
  c.Observe(1);
  c.Put("/a", Page(std::string(1000, 'a')), 1);
  c.Put("/b", Page(std::string(1000, 'b')), 1);
  c.Put("/c", Page(std::string(1000, 'c')), 1);
  ASSERT_NE(c.Get("/a"), nullptr);  // /a is now the most recent
  c.Put("/d", Page(std::string(1000, 'd')), 1);
  EXPECT_NE(c.Get("/a"), nullptr);
  EXPECT_EQ(c.Get("/b"), nullptr);
  EXPECT_NE(c.Get("/d"), nullptr);
  EXPECT_LE(c.bytes(), 3u * 1260u);
}

TEST(PageCache, AZeroBudgetKeepsNothing) {
  PageCache c(0);
  c.Observe(1);
  c.Put("/a", Page("x"), 1);
  EXPECT_EQ(c.Get("/a"), nullptr);
}

}  // namespace
}  // namespace newsdesk
