// File: ingest/testing/fixture_server.h
//
// A scriptable HTTP server on loopback for tests of the fetcher and the
// ingest pipeline. Each path gets a handler that writes raw bytes to the
// socket, so tests can misbehave as real servers do: endless bodies,
// trickling bytes, redirect loops, lying headers, gzip bombs.
// Every response closes its connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace newsdesk::testing {

// ArticleParagraphs is an article body of `n` paragraphs about `topic`,
// long enough that the extractor takes it for the article.
inline std::string ArticleParagraphs(const std::string& topic, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += "<p>" + topic + " paragraph " + std::to_string(i) +
           ": the ministry said the programme would continue through the next year, with deliveries to units in "
           "several regions, additional tests at the range, and a review of the results by the end of the quarter.</p>";
  return out;
}

class FixtureServer {
 public:
  // Handler gets the socket and the request head (request line and headers).
  // It returns false when the client went away.
  using Handler = std::function<void(int fd, const std::string& head)>;

  FixtureServer();
  ~FixtureServer();

  uint16_t port() const { return port_; }
  std::string Url(const std::string& path) const;

  void On(const std::string& path, Handler handler);
  // Serve answers `path` with a fixed response.
  void Serve(const std::string& path, int status, const std::string& body,
             std::vector<std::pair<std::string, std::string>> headers = {});

  int Hits(const std::string& path) const;
  std::string LastHead(const std::string& path) const;
  // LastBody is the body of the last request for `path` (read up to its
  // Content-Length).
  std::string LastBody(const std::string& path) const;

  // Write sends a whole response; SendAll sends raw bytes.
  static void Write(int fd, int status, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers = {});
  static bool SendAll(int fd, const std::string& bytes);

 private:
  void AcceptLoop();
  void HandleConnection(int fd);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::map<std::string, Handler> handlers_;     // GUARDED_BY(mu_)
  std::map<std::string, int> hits_;             // GUARDED_BY(mu_)
  std::map<std::string, std::string> heads_;    // GUARDED_BY(mu_)
  std::map<std::string, std::string> bodies_;   // GUARDED_BY(mu_)
  std::vector<std::thread> workers_;            // GUARDED_BY(mu_)
};

// Gzip compresses `data` (for Content-Encoding: gzip fixtures).
std::string Gzip(const std::string& data);

}  // namespace newsdesk::testing
