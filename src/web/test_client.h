// File: web/test_client.h
//
// A deliberately small HTTP/1.1 client over POSIX sockets for tests: it can
// send anything, malformed requests included, and reads one response.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace newsdesk::testing {

struct RawResponse {
  int status = 0;  // 0 when no response arrived
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

class TestConnection {
 public:
  explicit TestConnection(uint16_t port);
  ~TestConnection();
  bool connected() const { return fd_ >= 0; }

  // Send writes all of `bytes`; false when the peer has closed.
  bool Send(const std::string& bytes);
  // Read reads one response (Content-Length bodies), or status 0 on close/timeout.
  RawResponse Read(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // PeerClosed is true when the server has closed its side within `timeout`.
  bool PeerClosed(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::string buffer_;
};

// Get sends one GET with Connection: close and returns the response.
RawResponse Get(uint16_t port, const std::string& target, const std::string& extra_headers = "");

// Exchange sends one request, `method target` with Host: 127.0.0.1 and
// Connection: close, then `headers` (each line ending in CRLF) and `body`,
// and returns the response (status 0 when none came).
RawResponse Exchange(uint16_t port, const std::string& method, const std::string& target,
                     const std::string& headers, const std::string& body);

// CookieJar keeps the cookies a server sets, as a browser does: one set
// empty or with Max-Age=0 is forgotten. Not thread-safe.
class CookieJar {
 public:
  // Header is the Cookie line (with its CRLF) for the next request, or "".
  std::string Header() const;
  // Take keeps the cookie `response` sets, if it sets one.
  void Take(const RawResponse& response);

  bool Has(const std::string& name) const { return cookies_.count(name) > 0; }
  void Forget(const std::string& name) { cookies_.erase(name); }
  // last_set_cookie is the last Set-Cookie value taken, attributes and all.
  const std::string& last_set_cookie() const { return last_set_cookie_; }

 private:
  std::map<std::string, std::string> cookies_;
  std::string last_set_cookie_;
};

// CsrfField is the value of the first `csrf` form field in `html`, or "".
std::string CsrfField(const std::string& html);

// Browser is one visitor of the site on `port`: every request carries the
// cookies earlier answers set, as a browser's would. Not thread-safe.
class Browser {
 public:
  using Fields = std::vector<std::pair<std::string, std::string>>;

  explicit Browser(uint16_t port) : port_(port) {}

  // Send sends one request. POST and PUT carry Content-Length, and a POST
  // without `content_type` is a form; `extra_headers` end in CRLF each.
  RawResponse Send(const std::string& method, const std::string& target, const std::string& body = "",
                   const std::string& content_type = "", const std::string& extra_headers = "");
  RawResponse Get(const std::string& target) { return Send("GET", target); }
  // Post sends `fields` as a form; with `csrf_from`, the first csrf field of
  // that page (fetched first) is added, as submitting its form would.
  RawResponse Post(const std::string& target, Fields fields, const std::string& csrf_from = "");

  bool HasCookie(const std::string& name) const { return jar_.Has(name); }
  void Forget(const std::string& name) { jar_.Forget(name); }
  const std::string& last_set_cookie() const { return jar_.last_set_cookie(); }
  uint16_t port() const { return port_; }

 private:
  uint16_t port_;
  CookieJar jar_;
};

}  // namespace newsdesk::testing
