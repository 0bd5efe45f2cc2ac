// File: web/http.h
//
// Our own HTTP request and response types: what handlers see. The server
// (web/server.h) converts to and from the wire; nothing else knows Beast.
// Thread-safety: values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/url.h"  // PercentEncode, which the pages use with these

namespace newsdesk {

struct Request {
  std::string method;  // "GET", "HEAD", "POST", …
  std::string target;  // as sent: "/en/articles/12-x?cursor=…"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;

  // Filled from `target` by ParseTarget: the decoded path and query, or
  // the reason the target could not be decoded.
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::string target_error;

  // Header returns the first value of header `name` (lower-case), or "".
  std::string_view Header(std::string_view name) const;
  // Query returns the first value of query parameter `name`, if present.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string body;

  // Set by the site: the route pattern that answered (for metrics), and
  // whether the response may be kept in the page cache.
  std::string route;
  bool cacheable = false;

  // HasHeader tells whether `headers` has `name`, in any letter case.
  bool HasHeader(std::string_view name) const;

  static Response Text(int status, std::string body);
  static Response Redirect(int status, std::string location);
};

// ParseTarget decodes `request.target` into `path` and `query`. Percent
// escapes must be well-formed, and the decoded path and every query key and
// value valid UTF-8 without NUL; otherwise InvalidArgument says which part.
Status ParseTarget(Request& request);

// PercentDecode decodes %XX escapes (and '+' as space when `plus_is_space`).
Result<std::string> PercentDecode(std::string_view s, bool plus_is_space);

// IsJsonContentType is true for a Content-Type of application/json, with
// or without parameters ("; charset=utf-8"), in any letter case — and not
// for look-alikes such as "application/jsonx" (issue 18).
bool IsJsonContentType(std::string_view content_type);

// FormFields: the fields of a posted form, in order.
using FormFields = std::vector<std::pair<std::string, std::string>>;

// ParseForm decodes an application/x-www-form-urlencoded body. Bodies over
// `max_bytes`, more than `max_fields` fields, malformed escapes and values
// that are not UTF-8 (or hold NUL) are InvalidArgument.
Result<FormFields> ParseForm(std::string_view body, size_t max_bytes = 64 * 1024, size_t max_fields = 64);

// FormValue returns the first value of field `name`, or "".
std::string FormValue(const FormFields& fields, std::string_view name);

// CookieValue returns the value of cookie `name` in a Cookie header, if set.
std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name);

// ParsePositiveId reads an id from a path or query: decimal digits only
// (no sign, no spaces), at least 1, within int64; nullopt otherwise.
std::optional<int64_t> ParsePositiveId(std::string_view s);

// PreferredLanguage is the language of `available` that an Accept-Language
// header ranks highest (by q, the first on a tie), or "" when it names none.
std::string PreferredLanguage(std::string_view accept, const std::vector<std::string>& available);

}  // namespace newsdesk
