#include "common/time.h"

#include <fmt/format.h>

#include <cctype>

namespace newsdesk {

namespace {

bool ReadInt(std::string_view s, size_t& pos, size_t digits, int& out) {
  if (pos + digits > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  pos += digits;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) { ++pos; return true; }
  return false;
}

}  // namespace

Result<TimePoint> ParseIso8601(std::string_view s) {
  using namespace std::chrono;
  auto bad = [&](const char* why) {
    return Status::InvalidArgument(fmt::format("'{}' is not an ISO 8601 time ({})", s.substr(0, 64), why));
  };
  size_t p = 0;
  int y, mo, d, h, mi, sec = 0;
  if (!ReadInt(s, p, 4, y) || !Expect(s, p, '-') || !ReadInt(s, p, 2, mo) || !Expect(s, p, '-') ||
      !ReadInt(s, p, 2, d))
    return bad("expected YYYY-MM-DD");
  if (!(Expect(s, p, 'T') || Expect(s, p, 't') || Expect(s, p, ' '))) return bad("expected 'T' and a time");
  if (!ReadInt(s, p, 2, h) || !Expect(s, p, ':') || !ReadInt(s, p, 2, mi)) return bad("expected HH:MM");
  if (Expect(s, p, ':')) {
    if (!ReadInt(s, p, 2, sec)) return bad("expected seconds");
    if (Expect(s, p, '.') || Expect(s, p, ',')) {
      size_t start = p;
      while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) ++p;
      if (p == start) return bad("expected fraction digits");
    }
  }
  int offset_min = 0;
  if (Expect(s, p, 'Z') || Expect(s, p, 'z')) {
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    int sign = s[p] == '-' ? -1 : 1;
    ++p;
    int oh, om = 0;
    if (!ReadInt(s, p, 2, oh)) return bad("bad offset");
    if (Expect(s, p, ':')) {
      if (!ReadInt(s, p, 2, om)) return bad("bad offset");
    } else if (p < s.size()) {
      if (!ReadInt(s, p, 2, om)) return bad("bad offset");
    }
    if (oh > 23 || om > 59) return bad("bad offset");
    offset_min = sign * (oh * 60 + om);
  } else {
    return bad("a time zone offset or 'Z' is required");
  }
  if (p != s.size()) return bad("trailing characters");
  if (h > 23 || mi > 59 || sec > 60) return bad("time out of range");
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad("no such date");
  if (sec == 60) sec = 59;  // leap second: clamp rather than refuse
  sys_seconds t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} - minutes{offset_min};
  return t;
}

CivilTime ToCivil(TimePoint t, int offset_minutes) {
  using namespace std::chrono;
  t += minutes{offset_minutes};
  sys_days day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<seconds> hms{t - day};
  weekday wd{day};
  return CivilTime{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                   static_cast<int>(static_cast<unsigned>(ymd.day())), static_cast<int>(hms.hours().count()),
                   static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                   static_cast<int>(wd.c_encoding())};
}

std::string FormatIso8601(TimePoint t) {
  CivilTime c = ToCivil(t);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", c.year, c.month, c.day, c.hour, c.minute, c.second);
}

std::string FormatRfc822(TimePoint t) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  CivilTime c = ToCivil(t);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kDays[c.weekday], c.day, kMonths[c.month - 1],
                     c.year, c.hour, c.minute, c.second);
}

}  // namespace newsdesk
