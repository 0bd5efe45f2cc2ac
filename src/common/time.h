// File: common/time.h
//
// Instants as UTC seconds (`TimePoint`), parsed from and written as ISO 8601
// and RFC 822. Thread-safety: all functions are pure.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace newsdesk {

// TimePoint: an instant, in whole UTC seconds; every stage's times are these.
using TimePoint = std::chrono::sys_seconds;

// ParseIso8601 accepts "YYYY-MM-DDTHH:MM[:SS[.frac]](Z|±HH:MM|±HHMM)" (a space
// may replace 'T'). An offset is required: a time without one is ambiguous.
Result<TimePoint> ParseIso8601(std::string_view s);

// FormatIso8601 writes "2024-04-26T09:40:00Z".
std::string FormatIso8601(TimePoint t);

// FormatRfc822 writes "Fri, 26 Apr 2024 09:40:00 +0000" (RSS pubDate).
std::string FormatRfc822(TimePoint t);

// CivilTime: the broken-down UTC fields of a TimePoint, shifted by
// `offset_minutes` first (for showing times in the site's zone).
struct CivilTime {
  int year, month, day, hour, minute, second, weekday;  // weekday 0 = Sunday
};
CivilTime ToCivil(TimePoint t, int offset_minutes = 0);

}  // namespace newsdesk
