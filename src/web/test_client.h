// File: web/test_client.h
//
// A deliberately small HTTP/1.1 client over POSIX sockets for tests: it can
// send anything, malformed requests included, and reads one response.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

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

}  // namespace newsdesk::testing
