// common/testing/socket_io.h: blocking socket writes and deadline-bound reads
// for the tests' own small servers and clients.
#pragma once

#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <string>
#include <string_view>

namespace newsdesk::testing {

// SendAllBytes writes all of `bytes` to the socket `fd`; false when the peer
// has closed or the write failed. Never raises SIGPIPE.
inline bool SendAllBytes(int fd, std::string_view bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Arrival is what ReceiveBefore saw.
enum class Arrival { kData, kClosed, kNothing };

// ReceiveBefore waits until `deadline` for bytes on `fd` and appends what one
// read gives to `buffer`: kData when bytes came, kClosed when the peer closed
// (or the read failed), kNothing when the deadline passed first.
inline Arrival ReceiveBefore(int fd, std::string& buffer, std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return Arrival::kNothing;
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return Arrival::kNothing;
  char chunk[16384];
  ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
  if (n <= 0) return Arrival::kClosed;
  buffer.append(chunk, static_cast<size_t>(n));
  return Arrival::kData;
}

}  // namespace newsdesk::testing
