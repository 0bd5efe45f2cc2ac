#include "ingest/fetcher.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "common/text.h"

namespace newsdesk {

namespace {

using Clock = std::chrono::steady_clock;

// Url: the parts of an absolute http(s) URL we need, from curl's URL parser.
struct Url {
  std::string scheme, host, path_and_query, origin;
  int port = 0;
};

Result<Url> ParseUrl(const std::string& text, const std::string& base = {}) {
  CURLU* u = curl_url();
  if (!u) return Status::Internal("out of memory");
  std::unique_ptr<CURLU, void (*)(CURLU*)> guard(u, curl_url_cleanup);
  if (!base.empty() && curl_url_set(u, CURLUPART_URL, base.c_str(), 0) != CURLUE_OK)
    return Status::InvalidArgument(fmt::format("'{}' is not a URL", base.substr(0, 200)));
  if (curl_url_set(u, CURLUPART_URL, text.c_str(), 0) != CURLUE_OK)
    return Status::InvalidArgument(fmt::format("'{}' is not a URL", text.substr(0, 200)));
  auto part = [&](CURLUPart p, unsigned flags = 0) {
    char* v = nullptr;
    std::string out;
    if (curl_url_get(u, p, &v, flags) == CURLUE_OK && v) out = v;
    curl_free(v);
    return out;
  };
  Url url;
  url.scheme = AsciiLower(part(CURLUPART_SCHEME));
  if (url.scheme != "http" && url.scheme != "https")
    return Status::InvalidArgument(fmt::format("'{}' is not an http(s) URL", text.substr(0, 200)));
  url.host = AsciiLower(part(CURLUPART_HOST));
  if (url.host.empty()) return Status::InvalidArgument(fmt::format("'{}' has no host", text.substr(0, 200)));
  std::string port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  url.port = port.empty() ? (url.scheme == "https" ? 443 : 80) : std::atoi(port.c_str());
  url.path_and_query = part(CURLUPART_PATH);
  if (url.path_and_query.empty()) url.path_and_query = "/";
  std::string query = part(CURLUPART_QUERY);
  if (!query.empty()) url.path_and_query += "?" + query;
  url.origin = fmt::format("{}://{}:{}", url.scheme, url.host, url.port);
  // Normalised full URL, without the fragment.
  return url;
}

std::string FullUrl(const std::string& text, const std::string& base) {
  CURLU* u = curl_url();
  std::unique_ptr<CURLU, void (*)(CURLU*)> guard(u, curl_url_cleanup);
  if (!base.empty()) curl_url_set(u, CURLUPART_URL, base.c_str(), 0);
  if (curl_url_set(u, CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return {};
  curl_url_set(u, CURLUPART_FRAGMENT, nullptr, 0);
  char* v = nullptr;
  std::string out;
  if (curl_url_get(u, CURLUPART_URL, &v, 0) == CURLUE_OK && v) out = v;
  curl_free(v);
  return out;
}

struct Transfer {
  const FetchOptions* options = nullptr;
  std::string host_port;  // as named in the URL, for allowed_hosts
  std::string refused;    // the address the guard refused
  size_t max_bytes = 0;
  bool too_large = false;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-cased names, last value
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  if (t->body.size() + len > t->max_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer: the cap holds while the body streams in
  }
  t->body.append(data, len);
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) t->headers.clear();  // a new response (after 1xx)
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name = AsciiLower(line.substr(0, colon));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
    t->headers[name] = std::string(value);
  }
  return size * n;
}

// The address guard: runs on the very socket curl is about to connect.
curl_socket_t OnOpenSocket(void* user, curlsocktype, struct curl_sockaddr* addr) {
  auto* t = static_cast<Transfer*>(user);
  char ip[INET6_ADDRSTRLEN] = {0};
  if (addr->family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr->addr)->sin_addr, ip, sizeof ip);
  } else if (addr->family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr->addr)->sin6_addr, ip, sizeof ip);
  } else {
    t->refused = "a non-IP address";
    return CURL_SOCKET_BAD;
  }
  const auto& o = *t->options;
  const bool allowed_host =
      std::find(o.allowed_hosts.begin(), o.allowed_hosts.end(), t->host_port) != o.allowed_hosts.end();
  if (!o.allow_private_networks && !allowed_host && !IsPublicAddress(ip)) {
    t->refused = ip;
    return CURL_SOCKET_BAD;
  }
  return ::socket(addr->family, addr->socktype, addr->protocol);
}

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

}  // namespace

bool IsPublicAddress(const std::string& ip) {
  in_addr v4{};
  in6_addr v6{};
  auto v4_public = [](uint32_t a) {
    auto in = [a](uint32_t net, int bits) { return bits == 0 || (a >> (32 - bits)) == (net >> (32 - bits)); };
    return !(in(0x00000000, 8) || in(0x0A000000, 8) || in(0x64400000, 10) || in(0x7F000000, 8) ||
             in(0xA9FE0000, 16) || in(0xAC100000, 12) || in(0xC0000000, 24) || in(0xC0000200, 24) ||
             in(0xC0A80000, 16) || in(0xC6120000, 15) || in(0xC6336400, 24) || in(0xCB007100, 24) ||
             in(0xE0000000, 4) || in(0xF0000000, 4));
  };
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) return v4_public(ntohl(v4.s_addr));
  if (inet_pton(AF_INET6, ip.c_str(), &v6) != 1) return false;
  const uint8_t* b = v6.s6_addr;
  static const uint8_t kZero[16] = {0};
  if (std::memcmp(b, kZero, 15) == 0 && (b[15] == 0 || b[15] == 1)) return false;  // :: and ::1
  const bool mapped = std::memcmp(b, kZero, 10) == 0 && b[10] == 0xFF && b[11] == 0xFF;
  const bool nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B;
  if (mapped || nat64) {
    uint32_t a = (uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) | b[15];
    return v4_public(a);
  }
  if ((b[0] & 0xFE) == 0xFC) return false;                   // fc00::/7 unique local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return false;   // fe80::/10 link-local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return false;   // fec0::/10 site-local
  if (b[0] == 0xFF) return false;                            // multicast
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return false;  // documentation
  if (b[0] == 0x01 && b[1] == 0x00 && std::memcmp(b + 2, kZero, 6) == 0) return false;  // discard
  return true;
}

std::optional<TimePoint> ParseRetryAfter(std::string_view value, TimePoint now) {
  std::string v(value);
  while (!v.empty() && v.back() == ' ') v.pop_back();
  while (!v.empty() && v.front() == ' ') v.erase(v.begin());
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (v.size() > 9) return now + std::chrono::seconds(999999999);
    return now + std::chrono::seconds(std::stoll(v));
  }
  time_t t = curl_getdate(v.c_str(), nullptr);
  if (t < 0) return std::nullopt;
  return TimePoint{std::chrono::seconds{t}};
}

namespace {

// Matches a robots.txt path pattern ('*' any run, '$' end) against `path`.
bool RobotsMatch(std::string_view pattern, std::string_view path) {
  if (pattern.empty()) return false;
  const bool anchored = pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  // Classic two-pointer wildcard match with backtracking over '*'.
  size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
  while (s < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (p == pattern.size() && !anchored) {
      return true;  // the pattern is a prefix
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

bool RobotsAllows(std::string_view text, std::string_view token, std::string_view path) {
  struct Rule {
    bool allow;
    std::string pattern;
  };
  const std::string want = AsciiLower(token);
  std::vector<Rule> mine, star;
  bool in_agents = false;        // reading a run of User-agent lines
  bool group_mine = false, group_star = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string key = AsciiLower(line.substr(0, colon));
    key.erase(std::remove_if(key.begin(), key.end(), ::isspace), key.end());
    std::string value(line.substr(colon + 1));
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.erase(value.begin());
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
    if (key == "user-agent") {
      if (!in_agents) group_mine = group_star = false;
      in_agents = true;
      std::string agent = AsciiLower(value);
      if (agent == "*") group_star = true;
      else if (!agent.empty() && want.find(agent) != std::string::npos) group_mine = true;
    } else if (key == "allow" || key == "disallow") {
      in_agents = false;
      if (key == "disallow" && value.empty()) continue;  // "Disallow:" allows everything
      Rule r{key == "allow", value};
      if (group_mine) mine.push_back(r);
      if (group_star) star.push_back(r);
    } else {
      in_agents = false;
    }
  }
  const auto& rules = mine.empty() ? star : mine;
  const Rule* best = nullptr;
  for (const auto& r : rules) {
    if (!RobotsMatch(r.pattern, path)) continue;
    if (!best || r.pattern.size() > best->pattern.size() || (r.pattern.size() == best->pattern.size() && r.allow))
      best = &r;
  }
  return !best || best->allow;
}

class Fetcher::Impl {
 public:
  explicit Impl(const FetchOptions& o) : o_(o) {
    static CurlGlobal global;
  }

  Result<FetchResult> Fetch(const FetchRequest& req, FetchFailure* failure) {
    FetchFailure local;
    FetchFailure& f = failure ? *failure : local;
    f = FetchFailure{};
    auto backoff = o_.retry_backoff;
    for (int attempt = 1;; ++attempt) {
      bool retryable = false;
      auto r = FollowRedirects(req, f, retryable);
      if (r.ok() || !retryable || attempt >= o_.max_attempts) return r;
      spdlog::debug("fetch {} failed ({}), retry {} in {} ms", req.url, r.status().message(), attempt,
                    backoff.count());
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
  }

 private:
  Result<FetchResult> FollowRedirects(const FetchRequest& req, FetchFailure& f, bool& retryable) {
    std::string url = req.url;
    for (int hop = 0;; ++hop) {
      auto parsed = ParseUrl(url);
      if (!parsed.ok()) return parsed.status();
      if (o_.honour_robots && parsed->path_and_query != "/robots.txt") {
        if (!RobotsAllowFor(*parsed))
          return Status::InvalidArgument(fmt::format("disallowed by {}/robots.txt", parsed->origin));
      }
      Transfer t;
      int status = 0;
      Status s = Perform(*parsed, url, req, t, status, retryable);
      f.http_status = status;
      if (!s.ok()) return s;
      if (status >= 300 && status < 400 && status != 304) {
        if (req.body) return Status::IOError(fmt::format("HTTP {}: a POST follows no redirect", status));
        auto loc = t.headers.find("location");
        if (loc == t.headers.end()) return Status::IOError(fmt::format("HTTP {} without a Location", status));
        if (hop >= o_.max_redirects)
          return Status::IOError(fmt::format("more than {} redirects", o_.max_redirects));
        std::string next = FullUrl(loc->second, url);
        if (next.empty()) return Status::IOError(fmt::format("redirect to an invalid URL '{}'", loc->second.substr(0, 200)));
        url = next;
        continue;
      }
      if (status == 304) {
        FetchResult r;
        r.status = 304;
        r.final_url = url;
        r.not_modified = true;
        r.etag = req.etag;
        r.last_modified = req.last_modified;
        return r;
      }
      if (status == 429 || status == 503) {
        if (auto ra = t.headers.find("retry-after"); ra != t.headers.end()) {
          f.retry_after = ParseRetryAfter(ra->second, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
          retryable = false;  // the server named when: that is the next attempt
        } else {
          retryable = status == 503;
        }
        return Status::Unavailable(fmt::format("HTTP {}", status));
      }
      if (status >= 500) {
        retryable = true;
        return Status::Unavailable(fmt::format("HTTP {}", status));
      }
      if (status < 200 || status >= 300) return Status::NotFound(fmt::format("HTTP {}", status));
      FetchResult r;
      r.status = status;
      r.final_url = url;
      r.body = std::move(t.body);
      r.content_type = t.headers["content-type"];
      r.etag = t.headers["etag"];
      r.last_modified = t.headers["last-modified"];
      return r;
    }
  }

  // Perform runs one HTTP request (no redirects followed) after waiting for
  // the host's turn.
  Status Perform(const Url& u, const std::string& url, const FetchRequest& req, Transfer& t, int& status,
                 bool& retryable) {
    WaitForHost(u.host);
    CURL* c = curl_easy_init();
    if (!c) return Status::Internal("curl_easy_init failed");
    std::unique_ptr<CURL, void (*)(CURL*)> guard(c, curl_easy_cleanup);
    t.options = &o_;
    t.host_port = fmt::format("{}:{}", u.host, u.port);
    t.max_bytes = o_.max_bytes;
    curl_slist* headers = nullptr;
    if (!req.etag.empty() && url == req.url) headers = curl_slist_append(headers, ("If-None-Match: " + req.etag).c_str());
    if (!req.last_modified.empty() && url == req.url)
      headers = curl_slist_append(headers, ("If-Modified-Since: " + req.last_modified).c_str());
    if (req.body) {
      if (!req.content_type.empty())
        headers = curl_slist_append(headers, ("Content-Type: " + req.content_type).c_str());
      // Without a body sent at once, curl waits for a "100 Continue" many
      // servers never send.
      headers = curl_slist_append(headers, "Expect:");
    }
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_guard(headers, curl_slist_free_all);
    if (req.body) {
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body->size()));
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body->data());
    }
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, o_.user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // every encoding this libcurl decodes
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o_.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(o_.total_timeout.count()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &t);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(o_.max_bytes));
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    status = static_cast<int>(code);
    if (rc == CURLE_OK) return Status::Ok();
    if (!t.refused.empty())
      return Status::InvalidArgument(fmt::format("refused: {} resolves to {}, a private or reserved address", u.host, t.refused));
    if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED)
      return Status::InvalidArgument(fmt::format("body larger than {} bytes", o_.max_bytes));
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      retryable = true;
      return Status::Unavailable(fmt::format("timed out after {} ms", o_.total_timeout.count()));
    }
    retryable = rc == CURLE_COULDNT_CONNECT || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
                rc == CURLE_GOT_NOTHING || rc == CURLE_PARTIAL_FILE;
    return Status::Unavailable(fmt::format("{}: {}", curl_easy_strerror(rc), error[0] ? error : ""));
  }

  void WaitForHost(const std::string& host) {
    Clock::time_point turn;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto& next = next_turn_[host];
      turn = std::max(Clock::now(), next);
      next = turn + o_.per_host_delay;
    }
    std::this_thread::sleep_until(turn);
  }

  bool RobotsAllowFor(const Url& u) {
    std::string text;
    bool have = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = robots_.find(u.origin);
      if (it != robots_.end() && Clock::now() - it->second.fetched < std::chrono::hours(24)) {
        text = it->second.text;
        have = true;
      }
    }
    if (!have) {
      Transfer t;
      int status = 0;
      bool retryable = false;
      auto robots_url = ParseUrl(u.origin + "/robots.txt");
      FetchRequest req;
      req.url = u.origin + "/robots.txt";
      // A missing or failing robots.txt allows everything, as crawlers agree.
      if (robots_url.ok() && Perform(*robots_url, req.url, req, t, status, retryable).ok() && status == 200)
        text = std::move(t.body);
      std::lock_guard<std::mutex> lock(mu_);
      robots_[u.origin] = Robots{text, Clock::now()};
    }
    return RobotsAllows(text, o_.robots_token, u.path_and_query);
  }

  struct Robots {
    std::string text;
    Clock::time_point fetched;
  };
  const FetchOptions o_;
  std::mutex mu_;
  std::map<std::string, Clock::time_point> next_turn_;  // GUARDED_BY(mu_)
  std::map<std::string, Robots> robots_;                // GUARDED_BY(mu_)
};

Fetcher::Fetcher(FetchOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>(options_)) {}
Fetcher::~Fetcher() = default;

Result<FetchResult> Fetcher::Fetch(const FetchRequest& request, FetchFailure* failure) {
  return impl_->Fetch(request, failure);
}

}  // namespace newsdesk
