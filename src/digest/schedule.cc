// Local days and send times in an IANA time zone (Howard Hinnant's date/tz
// over the system's tzdata).
#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>

#include "digest/digest.h"

namespace newsdesk {

namespace {

Result<const date::time_zone*> Zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(fmt::format("unknown time zone '{}' (use an IANA name like Europe/Moscow)", name));
  }
}

// LocalMidnight is the UTC instant the local day `d` begins (choose_earliest
// for days that begin inside a DST gap or overlap).
TimePoint LocalMidnight(const date::time_zone* zone, date::local_days d) {
  auto t = zone->to_sys(d, date::choose::earliest);
  return std::chrono::time_point_cast<std::chrono::seconds>(t);
}

DigestDay DayFrom(const date::time_zone* zone, date::local_days d) {
  return DigestDay{date::format("%F", d), LocalMidnight(zone, d), LocalMidnight(zone, d + date::days{1})};
}

}  // namespace

Result<DigestDay> DigestDayOf(const std::string& day, const std::string& time_zone) {
  auto zone = Zone(time_zone);
  if (!zone.ok()) return zone.status();
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (day.size() != 10 || std::sscanf(day.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3)
    return Status::InvalidArgument(fmt::format("'{}' is not a date: use YYYY-MM-DD", day));
  date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return Status::InvalidArgument(fmt::format("'{}' is not a date: use YYYY-MM-DD", day));
  return DayFrom(*zone, date::local_days{ymd});
}

Result<DigestDay> PreviousLocalDay(TimePoint now, const std::string& time_zone) {
  auto zone = Zone(time_zone);
  if (!zone.ok()) return zone.status();
  const auto local = (*zone)->to_local(now);
  return DayFrom(*zone, date::floor<date::days>(local) - date::days{1});
}

Result<TimePoint> NextSendTime(TimePoint now, const std::string& hh_mm, const std::string& time_zone) {
  auto zone = Zone(time_zone);
  if (!zone.ok()) return zone.status();
  unsigned h = 0, m = 0;
  if (hh_mm.size() != 5 || std::sscanf(hh_mm.c_str(), "%2u:%2u", &h, &m) != 2 || h > 23 || m > 59)
    return Status::InvalidArgument(fmt::format("send time '{}' must be HH:MM", hh_mm));
  const auto today = date::floor<date::days>((*zone)->to_local(now));
  for (int ahead = 0; ahead < 3; ++ahead) {
    const auto local = today + date::days{ahead} + std::chrono::hours{h} + std::chrono::minutes{m};
    const auto at = std::chrono::time_point_cast<std::chrono::seconds>((*zone)->to_sys(local, date::choose::earliest));
    if (at >= now) return TimePoint{at};
  }
  return Status::Internal("no send time in the next three days");
}

std::string SenderIdentity() {
  char host[HOST_NAME_MAX + 1] = "";
  ::gethostname(host, sizeof host);
  return fmt::format("{}:{}", host, ::getpid());
}

bool SenderIsGone(const std::string& identity) {
  const size_t colon = identity.rfind(':');
  if (colon == std::string::npos) return false;
  char host[HOST_NAME_MAX + 1] = "";
  ::gethostname(host, sizeof host);
  if (identity.substr(0, colon) != host) return false;  // another machine: only its lease tells
  const long pid = std::strtol(identity.c_str() + colon + 1, nullptr, 10);
  if (pid <= 0 || pid == ::getpid()) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace newsdesk
