#include "web/page_cache.h"

#include <gtest/gtest.h>

#include "web/compression.h"

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
  EXPECT_EQ(hit->response.body, "front");
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

TEST(PageCache, CompressesOnlyTextBodiesWorthItOnceWhenFilled) {
  const TimePoint now{std::chrono::seconds{1700000000}};
  auto small = PageCache::Prepare(Page("<p>short</p>"), now);
  EXPECT_TRUE(small->gzip.empty());
  EXPECT_TRUE(small->brotli.empty());
  EXPECT_FALSE(small->response.HasHeader("Vary"));
  EXPECT_FALSE(small->etag.empty());

  Response png = Page(std::string(4000, 'p'));
  png.content_type = "image/png";
  EXPECT_TRUE(PageCache::Prepare(png, now)->gzip.empty());

  std::string html;
  for (int i = 0; i < 200; ++i) html += "<p>paragraph " + std::to_string(i) + "</p>\n";
  auto page = PageCache::Prepare(Page(html), now);
  EXPECT_EQ(Gunzip(page->gzip).value_or(""), html);
  EXPECT_EQ(Unbrotli(page->brotli).value_or(""), html);
  EXPECT_TRUE(page->response.HasHeader("Vary"));
  EXPECT_EQ(page->last_modified, now);
}

TEST(PageCache, ARedirectGetsNoValidatorsAndIsNeverAnswered304) {
  Response moved = Response::Redirect(301, "/en/");
  auto page = PageCache::Prepare(moved, TimePoint{std::chrono::seconds{1700000000}});
  Request req;
  req.method = "GET";
  req.headers = {{"if-none-match", "*"}};
  Response r = ServeCached(*page, req);
  EXPECT_EQ(r.status, 301);
  EXPECT_FALSE(r.HasHeader("ETag"));
}

}  // namespace
}  // namespace newsdesk
