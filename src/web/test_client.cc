#include "web/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <regex>
#include <sstream>

#include "common/testing/socket_io.h"
#include "web/http.h"

namespace newsdesk::testing {

TestConnection::TestConnection(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

TestConnection::~TestConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool TestConnection::Send(const std::string& bytes) { return SendAllBytes(fd_, bytes); }

namespace {

// ReadMore appends what arrives within the deadline; false on close/timeout.
bool ReadMore(int fd, std::string& buffer, std::chrono::steady_clock::time_point deadline) {
  return ReceiveBefore(fd, buffer, deadline) == Arrival::kData;
}

}  // namespace

RawResponse TestConnection::Read(std::chrono::milliseconds timeout) {
  RawResponse r;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
    if (!ReadMore(fd_, buffer_, deadline)) return r;
  std::string head = buffer_.substr(0, end);
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() >= 12) r.status = std::atoi(status_line.c_str() + 9);
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t next = head.find("\r\n", pos);
    std::string line = head.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t v = line.find_first_not_of(' ', colon + 1);
      std::string value = v == std::string::npos ? "" : line.substr(v);
      // Set-Cookie may come more than once: each on a line of its own.
      if (name == "set-cookie" && r.headers.count(name)) r.headers[name] += "\n" + value;
      else r.headers[name] = std::move(value);
    }
    if (next == std::string::npos) break;
    pos = next + 2;
  }
  size_t length = r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
  const size_t body_start = end + 4;
  while (buffer_.size() < body_start + length)
    if (!ReadMore(fd_, buffer_, deadline)) break;
  r.body = buffer_.substr(body_start, length);
  buffer_.erase(0, std::min(buffer_.size(), body_start + length));
  return r;
}

bool TestConnection::PeerClosed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Arrival a;
  while ((a = ReceiveBefore(fd_, buffer_, deadline)) == Arrival::kData) {
  }
  return a == Arrival::kClosed;
}

RawResponse Get(uint16_t port, const std::string& target, const std::string& extra_headers) {
  TestConnection c(port);
  if (!c.connected()) return {};
  c.Send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + extra_headers + "\r\n");
  return c.Read();
}

RawResponse Exchange(uint16_t port, const std::string& method, const std::string& target,
                     const std::string& headers, const std::string& body) {
  TestConnection c(port);
  c.Send(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers + "\r\n" + body);
  return c.Read();
}

std::string CookieJar::Header() const {
  std::string cookies;
  for (const auto& [name, value] : cookies_) cookies += (cookies.empty() ? "" : "; ") + name + "=" + value;
  return cookies.empty() ? "" : "Cookie: " + cookies + "\r\n";
}

void CookieJar::Take(const RawResponse& response) {
  auto it = response.headers.find("set-cookie");
  if (it == response.headers.end()) return;
  std::istringstream lines(it->second);
  bool first = true;
  for (std::string line; std::getline(lines, line);) {
    if (first) last_set_cookie_ = line;  // the session's comes first
    first = false;
    const std::string pair = line.substr(0, line.find(';'));
    const size_t eq = pair.find('=');
    if (eq == std::string::npos) continue;
    const std::string name = pair.substr(0, eq), value = pair.substr(eq + 1);
    if (value.empty() || line.find("Max-Age=0") != std::string::npos) cookies_.erase(name);
    else cookies_[name] = value;
  }
}

std::string CsrfField(const std::string& html) {
  static const std::regex re("name=\"csrf\" value=\"([^\"]+)\"");
  std::smatch m;
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

RawResponse Browser::Send(const std::string& method, const std::string& target, const std::string& body,
                          const std::string& content_type, const std::string& extra_headers) {
  std::string headers = jar_.Header();
  std::string type = content_type;
  if (type.empty() && method == "POST") type = "application/x-www-form-urlencoded";
  if (!type.empty()) headers += "Content-Type: " + type + "\r\n";
  if (method == "POST" || method == "PUT") headers += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  RawResponse r = Exchange(port_, method, target, headers + extra_headers, body);
  jar_.Take(r);
  return r;
}

RawResponse Browser::Post(const std::string& target, Fields fields, const std::string& csrf_from) {
  if (!csrf_from.empty()) fields.emplace_back("csrf", CsrfField(Get(csrf_from).body));
  std::string body;
  for (const auto& [k, v] : fields) {
    if (!body.empty()) body += '&';
    body += PercentEncode(k) + "=" + PercentEncode(v);
  }
  return Send("POST", target, body);
}

}  // namespace newsdesk::testing
