// translate/testing/servers.h: the real servers translation tests and the
// bench run, each for the life of an object.
//
//   ApertiumServer: Debian's apertium-apy on a free port, with the installed
//   pairs (/usr/share/apertium/modes); ready once /listPairs answers.
//   LibreTranslateFixture: src/translate/testing/libretranslate_fixture.py,
//   a LibreTranslate-compatible server whose api_key picks a failure.
//
// Both run in a process group of their own, ended with it.
#pragma once

#include "common/testing/free_port.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace newsdesk::testing {

inline constexpr const char* kApertiumApy = "/usr/bin/apertium-apy";
inline constexpr const char* kApertiumModes = "/usr/share/apertium/modes";

// ChildProcess: fork+exec in a new process group; ends the group.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { Stop(); }

  // Start runs `args`; with `pipe_stdio` its stdin and stdout are pipes to us.
  bool Start(std::vector<std::string> args, bool pipe_stdio) {
    int in[2] = {-1, -1}, out[2] = {-1, -1};
    if (pipe_stdio && (::pipe(in) != 0 || ::pipe(out) != 0)) return false;
    pid_ = ::fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      ::setpgid(0, 0);
      if (pipe_stdio) {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::close(in[1]);
        ::close(out[0]);
      } else {
        int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);
    if (pipe_stdio) {
      ::close(in[0]);
      ::close(out[1]);
      stdin_ = in[1];
      stdout_ = out[0];
    }
    return true;
  }

  // ReadLine reads the child's first line of output, waiting up to `limit`.
  std::string ReadLine(std::chrono::milliseconds limit) {
    std::string line;
    pollfd p{stdout_, POLLIN, 0};
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[64];
      ssize_t n = ::read(stdout_, buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    return line;
  }

  void Stop() {
    if (stdin_ >= 0) ::close(stdin_);
    if (stdout_ >= 0) ::close(stdout_);
    stdin_ = stdout_ = -1;
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 50 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    ::kill(-pid_, SIGKILL);  // pipelines APy started, if any outlived it
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
};

inline bool HttpGetOk(const std::string& url) {
  CURL* h = curl_easy_init();
  if (!h) return false;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 2000L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, +[](char*, size_t s, size_t n, void*) { return s * n; });
  long status = 0;
  const bool ok = curl_easy_perform(h) == CURLE_OK &&
                  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status == 200;
  curl_easy_cleanup(h);
  return ok;
}

// ApertiumServer: apertium-apy on a free port. `error()` says why it is not
// running (not installed, did not answer in `wait`).
class ApertiumServer {
 public:
  explicit ApertiumServer(std::chrono::seconds wait = std::chrono::seconds(20)) {
    if (!std::filesystem::exists(kApertiumApy) || !std::filesystem::exists(kApertiumModes)) {
      error_ = std::string(kApertiumApy) + " or " + kApertiumModes +
               " is missing: install apertium-apy and apertium-eng-spa (scripts/install-deps --test)";
      return;
    }
    port_ = FreeLoopbackPort();
    if (!child_.Start({kApertiumApy, "-p", std::to_string(port_), kApertiumModes}, false)) {
      error_ = "cannot start apertium-apy";
      return;
    }
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
      if (HttpGetOk(url() + "/listPairs")) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    error_ = "apertium-apy did not answer on " + url() + " within " + std::to_string(wait.count()) + " s";
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  ChildProcess child_;
  int port_ = 0;
  std::string error_;
};

#ifdef ND_SYSTEM_PYTHON
// LibreTranslateFixture: the misbehaving LibreTranslate of
// libretranslate_fixture.py. Needs ND_SYSTEM_PYTHON and ND_SOURCE_DIR.
class LibreTranslateFixture {
 public:
  LibreTranslateFixture() {
    if (!child_.Start({ND_SYSTEM_PYTHON, std::string(ND_SOURCE_DIR) + "/src/translate/testing/libretranslate_fixture.py"},
                      true))
      return;
    const std::string line = child_.ReadLine(std::chrono::seconds(10));
    if (line.rfind("PORT ", 0) == 0) port_ = std::stoi(line.substr(5));
  }
  bool ok() const { return port_ != 0; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  ChildProcess child_;
  int port_ = 0;
};
#endif  // ND_SYSTEM_PYTHON

}  // namespace newsdesk::testing
