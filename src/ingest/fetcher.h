// File: ingest/fetcher.h
//
// Fetches one URL over HTTP(S) the way a polite, careful crawler should:
// conditional GET (ETag, Last-Modified), gzip/deflate/br, at most
// `max_redirects` redirects, connect and total timeouts, a size cap enforced
// while the body streams in (decoded bytes, so a gzip bomb stops at the cap),
// a clear User-Agent, robots.txt per host, a delay between requests to one
// host, retries with backoff on 5xx and timeouts, and `Retry-After` on 429
// and 503 reported back as the floor of the next attempt.
//
// A request with a body is a POST (the publish pings, issue 17): it follows
// no redirect, a 3xx being an error naming the status, since a POST must
// not silently become a GET elsewhere; everything else is as for a GET.
//
// Outbound requests never reach private, loopback, link-local or multicast
// addresses: the address is checked after DNS resolution, on the socket
// curl is about to open, for the first request and for every redirect,
// unless `allow_private_networks` (tests) or the host:port is in
// `allowed_hosts`.
//
//   Fetcher fetcher(FetchOptions{});
//   auto r = fetcher.Fetch({.url = feed_url, .etag = source.etag});
//   if (!r.ok()) record r.status() on the source;
//   else if (r->not_modified) nothing new;
//   else parse r->body (bytes; see common/charset.h for decoding).
//
// Thread-safety: Fetch may be called from many threads at once; the
// per-host delay and robots.txt cache are shared.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/article.h"

namespace newsdesk {

struct FetchOptions {
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds total_timeout{30000};
  size_t max_bytes = 10 * 1024 * 1024;  // of the decoded body
  int max_redirects = 5;
  std::string user_agent = "newsdesk/0.1 (news aggregator; +https://github.com/newsdesk)";
  std::string robots_token = "newsdesk";  // the product token matched in robots.txt
  bool honour_robots = true;
  std::chrono::milliseconds per_host_delay{1000};
  int max_attempts = 3;                        // 1 = no retries
  std::chrono::milliseconds retry_backoff{1000};  // doubles each retry
  bool allow_private_networks = false;
  std::vector<std::string> allowed_hosts;      // "host:port" exempt from the address guard
};

struct FetchRequest {
  std::string url;
  std::string etag;           // from the last 200, for If-None-Match
  std::string last_modified;  // from the last 200, for If-Modified-Since
  // A POST when set: its body, sent as `content_type`.
  std::optional<std::string> body;
  std::string content_type;
};

struct FetchResult {
  int status = 0;             // final HTTP status (200, 304, …)
  std::string final_url;      // after redirects
  std::string content_type;
  std::string body;           // decoded from Content-Encoding, not from its charset
  std::string etag;
  std::string last_modified;
  bool not_modified = false;  // 304
};

// FetchError details what went wrong, for the source's status line.
struct FetchFailure {
  int http_status = 0;                   // 0 when no HTTP answer
  std::optional<TimePoint> retry_after;  // from 429/503: don't try before
};

class Fetcher {
 public:
  explicit Fetcher(FetchOptions options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Fetch returns the response, or an error whose message says what failed
  // ("HTTP 404", "timed out after 30 s", "refused: 10.0.0.1 is a private
  // address", "body larger than 10485760 bytes", "disallowed by robots.txt").
  // When `failure` is given it receives the HTTP status and Retry-After.
  Result<FetchResult> Fetch(const FetchRequest& request, FetchFailure* failure = nullptr);

  const FetchOptions& options() const { return options_; }

 private:
  class Impl;
  FetchOptions options_;
  std::unique_ptr<Impl> impl_;
};

// IsPublicAddress is false for loopback, private (RFC 1918, fc00::/7),
// link-local, multicast, unspecified, CGNAT and other reserved ranges.
bool IsPublicAddress(const std::string& ip);

// ParseRetryAfter reads delta-seconds or an HTTP date, relative to `now`.
std::optional<TimePoint> ParseRetryAfter(std::string_view value, TimePoint now);

// RobotsAllows answers whether `path` may be fetched by `token` under the
// robots.txt `text` (groups, Allow/Disallow, longest match wins, '*' and '$').
bool RobotsAllows(std::string_view text, std::string_view token, std::string_view path);

}  // namespace newsdesk
