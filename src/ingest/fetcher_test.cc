// The fetcher against a misbehaving server on loopback, started by the test.
#include "ingest/fetcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

#include "ingest/testing/fixture_server.h"

namespace newsdesk {
namespace {

using ::testing::HasSubstr;
using testing::FixtureServer;

FetchOptions TestOptions(const FixtureServer& server) {
  FetchOptions o;
  o.allowed_hosts = {"127.0.0.1:" + std::to_string(server.port())};
  o.per_host_delay = std::chrono::milliseconds(0);
  o.retry_backoff = std::chrono::milliseconds(10);
  o.total_timeout = std::chrono::milliseconds(3000);
  o.connect_timeout = std::chrono::milliseconds(1000);
  return o;
}

// WhyFailed is the message of a fetch that failed, and says so when it did not.
std::string WhyFailed(const Result<FetchResult>& r) { return r.ok() ? "(the fetch succeeded)" : r.status().message(); }

// FetchCapped fetches `path` from `server` with TestOptions, but a body may
// be at most `max_bytes` long.
Result<FetchResult> FetchCapped(const FixtureServer& server, const std::string& path, size_t max_bytes) {
  FetchOptions o = TestOptions(server);
  o.max_bytes = max_bytes;
  Fetcher f(o);
  return f.Fetch({server.Url(path)});
}

const char* kFeed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title></channel></rss>";

TEST(Fetcher, FetchesABodyAndItsHeaders) {
  FixtureServer server;
  server.Serve("/feed.xml", 200, kFeed, {{"Content-Type", "application/rss+xml; charset=utf-8"}, {"ETag", "\"v1\""}});
  Fetcher f(TestOptions(server));
  auto r = f.Fetch({server.Url("/feed.xml")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, kFeed);
  EXPECT_EQ(r->content_type, "application/rss+xml; charset=utf-8");
  EXPECT_EQ(r->etag, "\"v1\"");
  EXPECT_THAT(server.LastHead("/feed.xml"), HasSubstr("User-Agent: newsdesk/"));
}

TEST(Fetcher, ConditionalGetReturnsNotModified) {
  FixtureServer server;
  server.On("/feed.xml", [](int fd, const std::string& head) {
    if (head.find("If-None-Match: \"v1\"") != std::string::npos) FixtureServer::Write(fd, 304, "");
    else FixtureServer::Write(fd, 200, kFeed, {{"ETag", "\"v1\""}, {"Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"}});
  });
  Fetcher f(TestOptions(server));
  auto first = f.Fetch({server.Url("/feed.xml")});
  ASSERT_TRUE(first.ok());
  auto second = f.Fetch({server.Url("/feed.xml"), first->etag, first->last_modified});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->not_modified);
  EXPECT_THAT(server.LastHead("/feed.xml"), HasSubstr("If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT"));
}

TEST(Fetcher, DecodesGzip) {
  FixtureServer server;
  server.Serve("/z", 200, testing::Gzip(kFeed), {{"Content-Encoding", "gzip"}});
  Fetcher f(TestOptions(server));
  auto r = f.Fetch({server.Url("/z")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, kFeed);
  EXPECT_THAT(server.LastHead("/z"), HasSubstr("Accept-Encoding: "));
}

TEST(Fetcher, AGzipBombStopsAtTheSizeCap) {
  FixtureServer server;
  server.Serve("/bomb", 200, testing::Gzip(std::string(64 << 20, '\0')), {{"Content-Encoding", "gzip"}});
  EXPECT_THAT(WhyFailed(FetchCapped(server, "/bomb", 1 << 20)), HasSubstr("body larger than 1048576 bytes"));
}

TEST(Fetcher, AnEndlessBodyStopsAtTheSizeCap) {
  FixtureServer server;
  server.On("/endless", [](int fd, const std::string&) {
    FixtureServer::SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n");
    std::string chunk(64 * 1024, 'x');
    for (int i = 0; i < 10000 && FixtureServer::SendAll(fd, chunk); ++i) {
    }
  });
  EXPECT_THAT(WhyFailed(FetchCapped(server, "/endless", 2 << 20)), HasSubstr("body larger than"));
}

TEST(Fetcher, ARedirectLoopEndsAfterFiveHops) {
  FixtureServer server;
  server.Serve("/loop", 302, "", {{"Location", "/loop"}});
  Fetcher f(TestOptions(server));
  EXPECT_THAT(WhyFailed(f.Fetch({server.Url("/loop")})), HasSubstr("more than 5 redirects"));
  EXPECT_EQ(server.Hits("/loop"), 6);
}

TEST(Fetcher, FollowsRelativeRedirects) {
  FixtureServer server;
  server.Serve("/old", 301, "", {{"Location", "/new?x=1"}});
  server.Serve("/new", 200, "moved");
  Fetcher f(TestOptions(server));
  auto r = f.Fetch({server.Url("/old")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "moved");
  EXPECT_EQ(r->final_url, server.Url("/new?x=1"));
}

TEST(Fetcher, TheAddressGuardRefusesLoopbackDirectlyAndOnRedirect) {
  FixtureServer server, inner;
  inner.Serve("/secret", 200, "internal");
  server.Serve("/to-inner", 302, "", {{"Location", inner.Url("/secret")}});
  server.Serve("/to-localhost", 302, "", {{"Location", "http://localhost:" + std::to_string(inner.port()) + "/secret"}});
  Fetcher f(TestOptions(server));  // only the outer server is allowed
  for (const char* path : {"/to-inner", "/to-localhost"}) {
    EXPECT_THAT(WhyFailed(f.Fetch({server.Url(path)})), HasSubstr("private or reserved address")) << path;
  }
  FetchOptions strict = TestOptions(server);
  strict.allowed_hosts.clear();
  Fetcher guarded(strict);
  EXPECT_THAT(WhyFailed(guarded.Fetch({server.Url("/to-inner")})), HasSubstr("refused: 127.0.0.1"));
  EXPECT_EQ(inner.Hits("/secret"), 0);
}

TEST(Fetcher, ATricklingServerTimesOut) {
  FixtureServer server;
  server.On("/slow", [](int fd, const std::string&) {
    FixtureServer::SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
    for (int i = 0; i < 100 && FixtureServer::SendAll(fd, "x"); ++i) std::this_thread::sleep_for(std::chrono::seconds(1));
  });
  FetchOptions o = TestOptions(server);
  o.total_timeout = std::chrono::milliseconds(1500);
  o.max_attempts = 1;
  Fetcher f(o);
  auto start = std::chrono::steady_clock::now();
  auto r = f.Fetch({server.Url("/slow")});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("timed out"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Fetcher, NotFoundIsNotRetried) {
  FixtureServer server;
  server.Serve("/gone", 404, "no");
  FetchFailure failure;
  Fetcher f(TestOptions(server));
  auto r = f.Fetch({server.Url("/gone")}, &failure);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "HTTP 404");
  EXPECT_EQ(failure.http_status, 404);
  EXPECT_EQ(server.Hits("/gone"), 1);
}

TEST(Fetcher, ServerErrorsAreRetriedWithBackoff) {
  FixtureServer server;
  server.Serve("/flaky", 500, "oops");
  Fetcher f(TestOptions(server));
  auto r = f.Fetch({server.Url("/flaky")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_EQ(server.Hits("/flaky"), 3);
}

TEST(Fetcher, RetryAfterBecomesTheFloorOfTheNextAttempt) {
  FixtureServer server;
  server.Serve("/busy", 503, "", {{"Retry-After", "120"}});
  server.Serve("/limited", 429, "", {{"Retry-After", "Wed, 21 Oct 2065 07:28:00 GMT"}});
  Fetcher f(TestOptions(server));
  FetchFailure failure;
  auto before = std::chrono::system_clock::now();
  ASSERT_FALSE(f.Fetch({server.Url("/busy")}, &failure).ok());
  ASSERT_TRUE(failure.retry_after.has_value());
  EXPECT_GE(*failure.retry_after, std::chrono::floor<std::chrono::seconds>(before) + std::chrono::seconds(119));
  EXPECT_EQ(server.Hits("/busy"), 1);  // not hammered
  ASSERT_FALSE(f.Fetch({server.Url("/limited")}, &failure).ok());
  ASSERT_TRUE(failure.retry_after.has_value());
  EXPECT_EQ(failure.retry_after->time_since_epoch().count(), 3023335680);
}

TEST(Fetcher, HonoursRobotsTxt) {
  FixtureServer server;
  server.Serve("/robots.txt", 200, "User-agent: *\nDisallow: /private/\n");
  server.Serve("/private/page", 200, "secret");
  server.Serve("/public", 200, "fine");
  Fetcher f(TestOptions(server));
  EXPECT_THAT(WhyFailed(f.Fetch({server.Url("/private/page")})), HasSubstr("robots.txt"));
  EXPECT_EQ(server.Hits("/private/page"), 0);
  EXPECT_TRUE(f.Fetch({server.Url("/public")}).ok());
  EXPECT_EQ(server.Hits("/robots.txt"), 1);  // cached per host
}

TEST(Fetcher, WaitsBetweenRequestsToOneHost) {
  FixtureServer server;
  server.Serve("/a", 200, "a");
  FetchOptions o = TestOptions(server);
  o.per_host_delay = std::chrono::milliseconds(300);
  o.honour_robots = false;
  Fetcher f(o);
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(f.Fetch({server.Url("/a")}).ok());
  ASSERT_TRUE(f.Fetch({server.Url("/a")}).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
}

// --- POST (the publish pings, issue 17, part 3) -----------------------------

FetchRequest Post(const std::string& url, std::string body, std::string content_type) {
  FetchRequest r;
  r.url = url;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

TEST(Fetcher, APostSendsItsBodyAndContentType) {
  FixtureServer server;
  server.Serve("/hub", 202, "accepted");
  Fetcher f(TestOptions(server));
  // Longer than curl's threshold for "Expect: 100-continue".
  const std::string body = "hub.mode=publish&hub.url=" + std::string(4000, 'x');
  auto r = f.Fetch(Post(server.Url("/hub"), body, "application/x-www-form-urlencoded"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->body, "accepted");
  EXPECT_THAT(server.LastHead("/hub"), ::testing::StartsWith("POST /hub HTTP/1.1\r\n"));
  EXPECT_THAT(server.LastHead("/hub"), HasSubstr("Content-Type: application/x-www-form-urlencoded\r\n"));
  EXPECT_THAT(server.LastHead("/hub"), ::testing::Not(HasSubstr("100-continue")));
  EXPECT_EQ(server.LastBody("/hub"), body);
}

TEST(Fetcher, APostFollowsNoRedirect) {
  FixtureServer server;
  server.Serve("/old", 307, "", {{"Location", "/new"}});
  server.Serve("/new", 200, "moved");
  Fetcher f(TestOptions(server));
  auto r = f.Fetch(Post(server.Url("/old"), "{}", "application/json"));
  EXPECT_THAT(WhyFailed(r), HasSubstr("HTTP 307"));
  EXPECT_EQ(server.Hits("/new"), 0);
}

TEST(Fetcher, APostToAPrivateAddressIsRefusedUnlessAllowed) {
  FixtureServer server;
  server.Serve("/ping", 200, "ok");
  FetchOptions strict = TestOptions(server);
  strict.allowed_hosts.clear();
  Fetcher guarded(strict);
  EXPECT_THAT(WhyFailed(guarded.Fetch(Post(server.Url("/ping"), "x=1", "application/x-www-form-urlencoded"))),
              HasSubstr("refused: 127.0.0.1"));
  EXPECT_EQ(server.Hits("/ping"), 0);
  FetchOptions open = strict;
  open.allow_private_networks = true;
  Fetcher allowed(open);
  EXPECT_TRUE(allowed.Fetch(Post(server.Url("/ping"), "x=1", "application/x-www-form-urlencoded")).ok());
  EXPECT_EQ(server.LastBody("/ping"), "x=1");
}

TEST(Fetcher, APostAnswerIsCappedLikeAnyOther) {
  FixtureServer server;
  server.Serve("/big", 200, std::string(4096, 'x'));
  FetchOptions o = TestOptions(server);
  o.max_bytes = 1024;
  Fetcher f(o);
  EXPECT_THAT(WhyFailed(f.Fetch(Post(server.Url("/big"), "x=1", "application/x-www-form-urlencoded"))),
              HasSubstr("body larger than 1024 bytes"));
}

TEST(Fetcher, RefusesOtherSchemes) {
  Fetcher f(FetchOptions{});
  for (const char* url : {"file:///etc/passwd", "ftp://example.org/", "gopher://x/", "not a url"}) {
    auto r = f.Fetch({url});
    EXPECT_FALSE(r.ok()) << url;
  }
}

TEST(IsPublicAddress, KnowsTheReservedRanges) {
  for (const char* ip : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                         "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1",
                         "fd12::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2001:db8::1",
                         "junk"})
    EXPECT_FALSE(IsPublicAddress(ip)) << ip;
  for (const char* ip : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "93.184.216.34", "2a00:1450:4001::1", "::ffff:8.8.8.8"})
    EXPECT_TRUE(IsPublicAddress(ip)) << ip;
}

TEST(RobotsAllows, FollowsGroupsAndLongestMatch) {
  const char* robots =
      "# comment\n"
      "User-agent: otherbot\nDisallow: /\n\n"
      "User-agent: *\nDisallow: /news/private\nAllow: /news/private/ok\nDisallow: /*.pdf$\n\n";
  EXPECT_TRUE(RobotsAllows(robots, "newsdesk", "/news/1"));
  EXPECT_FALSE(RobotsAllows(robots, "newsdesk", "/news/private/x"));
  EXPECT_TRUE(RobotsAllows(robots, "newsdesk", "/news/private/ok/1"));
  EXPECT_FALSE(RobotsAllows(robots, "newsdesk", "/doc/a.pdf"));
  EXPECT_TRUE(RobotsAllows(robots, "newsdesk", "/doc/a.pdf?x"));
  EXPECT_FALSE(RobotsAllows(robots, "otherbot", "/anything"));
  EXPECT_FALSE(RobotsAllows("User-agent: NewsDesk\nDisallow: /\n", "newsdesk", "/x"));
  EXPECT_TRUE(RobotsAllows("User-agent: *\nDisallow:\n", "newsdesk", "/x"));
  EXPECT_TRUE(RobotsAllows("", "newsdesk", "/x"));
}

TEST(ParseRetryAfter, ReadsSecondsAndDates) {
  TimePoint now{std::chrono::seconds{1000}};
  EXPECT_EQ(ParseRetryAfter("30", now)->time_since_epoch().count(), 1030);
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now)->time_since_epoch().count(), 784111777);
  EXPECT_EQ(ParseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now)->time_since_epoch().count(), 784111777);
  EXPECT_FALSE(ParseRetryAfter("soon", now).has_value());
}

}  // namespace
}  // namespace newsdesk
