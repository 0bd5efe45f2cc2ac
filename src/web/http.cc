#include "web/http.h"

#include <algorithm>
#include <charconv>

#include "common/text.h"

namespace newsdesk {

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

bool Response::HasHeader(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (AsciiIEquals(k, name)) return true;
  return false;
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

Response Response::Text(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

Response Response::Redirect(int status, std::string location) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Location", std::move(location));
  r.content_type = "text/plain; charset=utf-8";
  r.body = "Redirecting";
  return r;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsCleanText(std::string_view s) {
  return IsValidUtf8(s) && s.find('\0') == std::string_view::npos;
}

}  // namespace

Result<std::string> PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return Status::InvalidArgument("truncated percent escape");
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return Status::InvalidArgument("malformed percent escape");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

bool IsJsonContentType(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  static constexpr std::string_view kJson = "application/json";
  if (media.size() != kJson.size()) return false;
  for (size_t i = 0; i < media.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(media[i])) != kJson[i]) return false;
  return true;
}

Status ParseTarget(Request& r) {
  std::string_view t = r.target;
  if (t.empty() || t[0] != '/') return Status::InvalidArgument("the request target must start with '/'");
  size_t q = t.find('?');
  std::string_view raw_path = t.substr(0, q);
  size_t hash = raw_path.find('#');
  if (hash != std::string_view::npos) raw_path = raw_path.substr(0, hash);
  auto path = PercentDecode(raw_path, false);
  if (!path.ok()) return Status::InvalidArgument("path: " + path.status().message());
  if (!IsCleanText(*path)) return Status::InvalidArgument("path: not valid UTF-8");
  r.path = std::move(*path);
  r.query.clear();
  if (q == std::string_view::npos) return Status::Ok();
  std::string_view qs = t.substr(q + 1);
  if (size_t h = qs.find('#'); h != std::string_view::npos) qs = qs.substr(0, h);
  while (!qs.empty()) {
    size_t amp = qs.find('&');
    std::string_view pair = qs.substr(0, amp);
    qs = amp == std::string_view::npos ? std::string_view() : qs.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!key.ok() || !value.ok()) return Status::InvalidArgument("query: malformed percent escape");
    if (!IsCleanText(*key) || !IsCleanText(*value)) return Status::InvalidArgument("query: not valid UTF-8");
    r.query.emplace_back(std::move(*key), std::move(*value));
  }
  return Status::Ok();
}

Result<FormFields> ParseForm(std::string_view body, size_t max_bytes, size_t max_fields) {
  if (body.size() > max_bytes) return Status::InvalidArgument("the form is too large").With(ReasonCode::kFormTooLarge);
  FormFields out;
  while (!body.empty()) {
    size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    if (out.size() >= max_fields)
      return Status::InvalidArgument("the form has too many fields").With(ReasonCode::kFormTooManyFields);
    size_t eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!key.ok() || !value.ok())
      return Status::InvalidArgument("the form has a malformed percent escape").With(ReasonCode::kFormBadEscape);
    if (!IsCleanText(*key) || !IsCleanText(*value))
      return Status::InvalidArgument("the form is not valid UTF-8").With(ReasonCode::kFormNotUtf8);
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

std::string FormValue(const FormFields& fields, std::string_view name) {
  for (const auto& [k, v] : fields)
    if (k == name) return v;
  return {};
}

std::optional<std::string> CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view item = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || item.substr(0, eq) != name) continue;
    std::string_view value = item.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return std::nullopt;
}

std::optional<int64_t> ParsePositiveId(std::string_view s) {
  int64_t v = 0;
  if (s.empty() || s[0] == '+') return std::nullopt;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

std::string PreferredLanguage(std::string_view accept, const std::vector<std::string>& available) {
  std::string best;
  double best_q = 0;
  size_t pos = 0;
  while (pos < accept.size()) {
    size_t comma = accept.find(',', pos);
    std::string_view item = accept.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    pos = comma == std::string_view::npos ? accept.size() : comma + 1;
    size_t semi = item.find(';');
    std::string tag(item.substr(0, semi));
    tag.erase(std::remove(tag.begin(), tag.end(), ' '), tag.end());
    for (auto& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string primary = tag.substr(0, tag.find('-'));
    double q = 1.0;
    if (semi != std::string_view::npos) {
      std::string_view params = item.substr(semi + 1);
      size_t qpos = params.find("q=");
      if (qpos != std::string_view::npos) {
        try {
          q = std::stod(std::string(params.substr(qpos + 2, 5)));
        } catch (...) {
          q = 0;
        }
      }
    }
    if (std::find(available.begin(), available.end(), primary) != available.end() && q > best_q) {
      best = primary;
      best_q = q;
    }
  }
  return best;
}

}  // namespace newsdesk
