#include "ingest/testing/fixture_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "common/testing/socket_io.h"

namespace newsdesk::testing {

FixtureServer::FixtureServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listen_fd_, 64);
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FixtureServer::~FixtureServer() {
  stop_ = true;
  acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
  }
  for (auto& w : workers) w.join();
}

std::string FixtureServer::Url(const std::string& path) const {
  return fmt::format("http://127.0.0.1:{}{}", port_, path);
}

void FixtureServer::On(const std::string& path, Handler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  handlers_[path] = std::move(handler);
}

void FixtureServer::Serve(const std::string& path, int status, const std::string& body,
                          std::vector<std::pair<std::string, std::string>> headers) {
  On(path, [status, body, headers](int fd, const std::string&) { Write(fd, status, body, headers); });
}

int FixtureServer::Hits(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = hits_.find(path);
  return it == hits_.end() ? 0 : it->second;
}

std::string FixtureServer::LastHead(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = heads_.find(path);
  return it == heads_.end() ? std::string() : it->second;
}

std::string FixtureServer::LastBody(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = bodies_.find(path);
  return it == bodies_.end() ? std::string() : it->second;
}

bool FixtureServer::SendAll(int fd, const std::string& bytes) { return SendAllBytes(fd, bytes); }

void FixtureServer::Write(int fd, int status, const std::string& body,
                          const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string head = fmt::format("HTTP/1.1 {} Fixture\r\nContent-Length: {}\r\nConnection: close\r\n", status, body.size());
  for (const auto& [k, v] : headers) head += k + ": " + v + "\r\n";
  SendAll(fd, head + "\r\n" + body);
}

void FixtureServer::AcceptLoop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    std::lock_guard<std::mutex> lock(mu_);
    workers_.emplace_back([this, fd] { HandleConnection(fd); });
  }
}

void FixtureServer::HandleConnection(int fd) {
  std::string head;
  char buf[4096];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    head.append(buf, static_cast<size_t>(n));
  }
  // The body: what came after the head, read on up to its Content-Length.
  std::string body;
  if (size_t end = head.find("\r\n\r\n"); end != std::string::npos) {
    body = head.substr(end + 4);
    head.resize(end + 4);
    size_t length = 0;
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (size_t at = lower.find("\r\ncontent-length:"); at != std::string::npos)
      length = std::strtoul(head.c_str() + at + 17, nullptr, 10);
    while (body.size() < length) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) break;
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      body.append(buf, static_cast<size_t>(n));
    }
  }
  size_t sp1 = head.find(' ');
  size_t sp2 = head.find(' ', sp1 + 1);
  std::string target = sp1 == std::string::npos ? "" : head.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string path = target.substr(0, target.find('?'));
  Handler handler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++hits_[path];
    heads_[path] = head;
    bodies_[path] = body;
    auto it = handlers_.find(path);
    if (it != handlers_.end()) handler = it->second;
  }
  if (handler) handler(fd, head);
  else Write(fd, 404, "not found");
  ::shutdown(fd, SHUT_WR);
  // Drain so the client sees an orderly close rather than a reset.
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, 100) > 0 && ::recv(fd, buf, sizeof buf, 0) > 0) {
  }
  ::close(fd);
}

std::string Gzip(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace newsdesk::testing
