// File: web/server.h
//
// The HTTP/1.1 server: the only place that knows Boost.Beast. It accepts
// connections, parses requests within limits, calls one `Handler` per
// request with our own `Request`, and writes its `Response`.
//
//   auto server = HttpServer::Start(options, [&](const Request& r) { return site.Handle(r); });
//   (*server)->ShutdownOnSignals();   // SIGINT/SIGTERM
//   (*server)->Wait();                // returns after a graceful shutdown
//
// Keep-alive; a read timeout per connection; headers over the limit get 431
// and bodies over the limit 413, malformed requests 400, each with one log
// line. Shutdown stops accepting, closes idle connections, lets in-flight
// requests finish (up to `shutdown_grace`), then returns from Wait().
// Thread-safety: the handler is called from `threads` threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "web/http.h"

namespace newsdesk {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port; see HttpServer::port()
  unsigned threads = 0;  // 0 = one per core
  std::chrono::seconds read_timeout{30};
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 1024 * 1024;
  std::chrono::seconds shutdown_grace{10};
};

using Handler = std::function<Response(const Request&)>;

class HttpServer {
 public:
  virtual ~HttpServer() = default;

  // Start binds, listens and starts the worker threads. A bind failure
  // (address in use, bad host) is an error naming the address.
  static Result<std::unique_ptr<HttpServer>> Start(const ServerOptions& options, Handler handler);

  // port is the bound port (the real one when options.port was 0).
  virtual uint16_t port() const = 0;
  virtual unsigned threads() const = 0;

  // ShutdownOnSignals makes SIGINT and SIGTERM start a graceful shutdown.
  virtual void ShutdownOnSignals() = 0;

  // Shutdown starts a graceful shutdown; safe from any thread, idempotent.
  virtual void Shutdown() = 0;

  // Wait blocks until the server has shut down and its threads have ended.
  virtual void Wait() = 0;
};

// ParseListenAddress splits "host:port" ("[::1]:8080" for IPv6).
Status ParseListenAddress(const std::string& listen, std::string& host, uint16_t& port);

}  // namespace newsdesk
