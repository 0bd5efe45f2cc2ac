// Integration tests of the HTTP server: a real server on an ephemeral
// loopback port, real sockets, and the real site on a SQLite store.
#include "web/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <thread>

#include "import/importer.h"
#include "web/site.h"
#include "web/test_client.h"
#include "store/testing/test_database.h"

namespace newsdesk {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::Get;
using testing::TestConnection;

// Echo-style handler to test the server alone.
Response Echo(const Request& r) {
  if (r.path == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(600));
  if (r.path == "/throw") throw std::runtime_error("boom");
  return Response::Text(200, r.method + " " + r.path + " " + std::to_string(r.body.size()));
}

ServerOptions TestOptions() {
  ServerOptions o;
  o.port = 0;
  o.threads = 2;
  o.read_timeout = std::chrono::seconds(1);
  o.max_header_bytes = 4096;
  o.max_body_bytes = 1024;
  return o;
}

TEST(HttpServer, PortZeroPicksAFreePort) {
  auto s = HttpServer::Start(TestOptions(), Echo);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_NE((*s)->port(), 0);
  EXPECT_EQ(Get((*s)->port(), "/hello").body, "GET /hello 0");
}

TEST(HttpServer, BindingABusyPortIsAClearError) {
  auto first = HttpServer::Start(TestOptions(), Echo);
  ASSERT_TRUE(first.ok());
  ServerOptions o = TestOptions();
  o.port = (*first)->port();
  auto second = HttpServer::Start(o, Echo);
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(), HasSubstr(std::to_string(o.port)));
}

TEST(HttpServer, KeepsConnectionsAlive) {
  auto s = HttpServer::Start(TestOptions(), Echo);
  ASSERT_TRUE(s.ok());
  TestConnection c((*s)->port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.Send("GET /n" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = c.Read();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "GET /n" + std::to_string(i) + " 0");
  }
}

TEST(HttpServer, OversizedHeadersGet431) {
  auto s = HttpServer::Start(TestOptions(), Echo);
  ASSERT_TRUE(s.ok());
  TestConnection c((*s)->port());
  c.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n");
  EXPECT_EQ(c.Read().status, 431);
}

// Issue 18: an HTTP/1.1 request without Host was accepted (RFC 9112
// section 3.2 asks for 400, and for two Host headers too).
TEST(HttpServer, AnHttp11RequestNeedsExactlyOneHost) {
  auto s = HttpServer::Start(TestOptions(), Echo);
  ASSERT_TRUE(s.ok());
  {
    TestConnection c((*s)->port());
    c.Send("GET / HTTP/1.1\r\n\r\n");
    EXPECT_EQ(c.Read().status, 400);
  }
  {
    TestConnection c((*s)->port());
    c.Send("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
    EXPECT_EQ(c.Read().status, 400);
  }
  {
    TestConnection c((*s)->port());
    c.Send("GET / HTTP/1.0\r\n\r\n");
    EXPECT_EQ(c.Read().status, 200) << "HTTP/1.0 has no Host to ask for";
  }
  TestConnection c((*s)->port());
  c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.Read().status, 200);
}

TEST(HttpServer, OversizedBodiesGet413) {
  auto s = HttpServer::Start(TestOptions(), Echo);
  ASSERT_TRUE(s.ok());
  TestConnection c((*s)->port());
  c.Send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b'));
  EXPECT_EQ(c.Read().status, 413);
  // A body within the limit is delivered whole.
  TestConnection ok((*s)->port());
  ok.Send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789");
  EXPECT_EQ(ok.Read().body, "POST /x 10");
}

TEST(HttpServer, MalformedRequestsGet400AndTheServerCarriesOn) {
  auto s = HttpServer::Start(TestOptions(), Echo);
  ASSERT_TRUE(s.ok());
  for (const char* bad : {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
                          "GET / HTTP/1.1\r\nContent-Length: -5\r\n\r\n"}) {
    TestConnection c((*s)->port());
    c.Send(bad);
    EXPECT_EQ(c.Read().status, 400) << bad;
  }
  EXPECT_EQ(Get((*s)->port(), "/still-up").status, 200);
}

TEST(HttpServer, HandlerExceptionsBecome500) {
  auto s = HttpServer::Start(TestOptions(), Echo);
  ASSERT_TRUE(s.ok());
  auto r = Get((*s)->port(), "/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(r.body, ::testing::Not(HasSubstr("boom")));
}

TEST(HttpServer, IdleConnectionsAreClosedAfterTheReadTimeout) {
  auto s = HttpServer::Start(TestOptions(), Echo);
  ASSERT_TRUE(s.ok());
  TestConnection c((*s)->port());
  c.Send("GET / HTTP/1.1\r\nHost: x\r\n");  // never finished
  EXPECT_TRUE(c.PeerClosed(std::chrono::milliseconds(3000)));
}

TEST(HttpServer, ShutdownFinishesRequestsInFlight) {
  auto s = HttpServer::Start(TestOptions(), Echo);
  ASSERT_TRUE(s.ok());
  const uint16_t port = (*s)->port();
  auto slow = std::async(std::launch::async, [port] { return Get(port, "/slow"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  (*s)->Shutdown();
  auto r = slow.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "GET /slow 0");
  (*s)->Wait();
  TestConnection after(port);
  EXPECT_FALSE(after.connected());
}

TEST(HttpServer, HeadGetsHeadersWithoutBody) {
  auto s = HttpServer::Start(TestOptions(), Echo);
  ASSERT_TRUE(s.ok());
  TestConnection c((*s)->port());
  c.Send("HEAD /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto head = c.Read(std::chrono::milliseconds(2000));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-length"], "9");   // the length of "HEAD /x 0"
  EXPECT_EQ(head.body, "");                          // and nothing follows
}

class SiteOverHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nd_http_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    config_.data_dir = dir_.string();
    config_.base_url = "http://127.0.0.1";
    auto store = testing::OpenStoreOnTestBackend(config_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    auto imported = ImportPath(*store_, std::string(ND_SOURCE_DIR) + "/demo");
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
    auto site = Site::Create(*store_, config_);
    ASSERT_TRUE(site.ok());
    site_ = std::move(*site);
    auto server = HttpServer::Start(TestOptions(), [this](const Request& r) { return site_->Handle(r); });
    ASSERT_TRUE(server.ok());
    server_ = std::move(*server);
  }
  void TearDown() override {
    server_.reset();
    site_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  Config config_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Site> site_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(SiteOverHttpTest, ServesBothEditionsAndTheirArticles) {
  for (const char* ed : {"en", "ru"}) {
    auto front = Get(server_->port(), std::string("/") + ed + "/");
    ASSERT_EQ(front.status, 200) << ed;
    EXPECT_EQ(front.headers["content-type"], "text/html; charset=utf-8");
    size_t href = front.body.find("class=\"headline\" href=\"");
    ASSERT_NE(href, std::string::npos);
    size_t start = href + 23;
    std::string link = front.body.substr(start, front.body.find('"', start) - start);
    auto article = Get(server_->port(), link);
    EXPECT_EQ(article.status, 200) << link;
    EXPECT_THAT(article.body, HasSubstr("class=\"article-headline\""));
  }
}

TEST_F(SiteOverHttpTest, HostileParametersGetClear4xxNeverA500) {
  const char* targets[] = {"/en/articles/%FF%FE", "/en/?cursor=%27%3B%20DROP%20TABLE%20articles%3B--",
                           "/api/v1/articles?lang=%00", "/en/articles/1%00", "/../../etc/passwd",
                           "/en/sources/%E2%80%AE", "/api/v1/articles/1e9", "/en/articles/0-x"};
  for (const char* t : targets) {
    auto r = Get(server_->port(), t);
    EXPECT_GE(r.status, 400) << t;
    EXPECT_LT(r.status, 500) << t;
  }
  EXPECT_EQ(Get(server_->port(), "/healthz").status, 200);
}

TEST_F(SiteOverHttpTest, MetricsCountRequestsByRouteAndStatus) {
  Get(server_->port(), "/en/");
  Get(server_->port(), "/en/nope/nope");
  auto m = Get(server_->port(), "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_THAT(m.body, HasSubstr("newsdesk_http_requests_total{route=\"/{ed}/\",status=\"200\"}"));
  EXPECT_THAT(m.body, HasSubstr("newsdesk_http_requests_total{route=\"unmatched\",status=\"404\"}"));
  EXPECT_THAT(m.body, HasSubstr("newsdesk_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
}

}  // namespace
}  // namespace newsdesk
