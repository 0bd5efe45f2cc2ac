// mail/testing/smtp_server.h: a real SMTP server for tests. It runs
// src/mail/testing/smtp_server.py (Debian's python3-aiosmtpd) on a loopback
// port for the life of the object; every message it accepts is kept as
// DIR/N.eml with DIR/N.json, what Python's email package reads from it.
// The test target defines ND_SYSTEM_PYTHON and ND_SOURCE_DIR.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace newsdesk {

// SmtpServer runs src/mail/testing/smtp_server.py (aiosmtpd) on a loopback
// port for the life of the object.
class SmtpServer {
 public:
  explicit SmtpServer(const std::filesystem::path& dir, const std::vector<std::string>& extra = {}) : dir_(dir) {
    std::filesystem::create_directories(dir_);
    int in[2], out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0) return;
    std::vector<std::string> args = {ND_SYSTEM_PYTHON, std::string(ND_SOURCE_DIR) + "/src/mail/testing/smtp_server.py",
                                     "--dir", dir_.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::close(in[1]);
      ::close(out[0]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    stdin_ = in[1];
    // The first line is "PORT <n>"; python3-aiosmtpd starts in well under 10 s.
    std::string line;
    pollfd p{out[0], POLLIN, 0};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      if (::poll(&p, 1, 200) <= 0) continue;
      char buf[64];
      ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    ::close(out[0]);
    if (line.rfind("PORT ", 0) == 0) port_ = std::stoi(line.substr(5));
  }
  ~SmtpServer() {
    if (stdin_ >= 0) ::close(stdin_);  // the server stops when its stdin closes
    if (pid_ > 0) {
      int status = 0;
      for (int i = 0; i < 50 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (::waitpid(pid_, &status, WNOHANG) == 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
    }
  }

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // Received returns what the server made of message `n` (1-based).
  nlohmann::json Received(int n) const {
    std::ifstream f(dir_ / (std::to_string(n) + ".json"));
    if (!f) return nullptr;
    return nlohmann::json::parse(f, nullptr, false);
  }
  // Count is how many messages have arrived.
  int Count() const {
    int n = 0;
    while (std::filesystem::exists(dir_ / (std::to_string(n + 1) + ".json"))) ++n;
    return n;
  }
  std::string Raw(int n) const {
    std::ifstream f(dir_ / (std::to_string(n) + ".eml"), std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), {});
  }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
};

}  // namespace newsdesk
