// File: common/time.h
//
// Instants as UTC seconds (`TimePoint`), parsed from and written as ISO 8601
// and RFC 822, and read leniently from the dates feeds and pages write
// (`ParseFeedDate`): the project's one date parser. Thread-safety: all
// functions are pure.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace newsdesk {

// TimePoint: an instant, in whole UTC seconds; every stage's times are these.
using TimePoint = std::chrono::sys_seconds;

// ParseIso8601 accepts "YYYY-MM-DDTHH:MM[:SS[.frac]](Z|±HH:MM|±HHMM)" (a space
// may replace 'T'). An offset is required: a time without one is ambiguous.
Result<TimePoint> ParseIso8601(std::string_view s);

// Iso8601Offset is the UTC offset, in minutes, an ISO 8601 time is written
// with: "…Z" is 0, "…+03:00" 180, "…-0530" -330 (the offsets ParseFeedDate
// reads); nullopt when there is no time, or no offset after it.
std::optional<int> Iso8601Offset(std::string_view s);

// ParseFeedDate reads a date as feeds and pages write it, as a UTC instant,
// or nullopt when it can't. It takes RFC 822/1123/2822 and ISO 8601/RFC 3339 with the broken
// variants feeds contain: a missing or wrong day name (in any language),
// full or abbreviated month names (English, French, German, Russian …),
// one-digit days and hours, missing seconds, two-digit years, "24:MM" for
// midnight, AM/PM, named zones (GMT, UT, UTC, Z, EST, PDT, MSK, CET, …),
// offsets with or without a colon, no zone at all (read as UTC), a date
// without a time (midnight UTC), one-digit seconds, extra spaces, and a Unix
// timestamp in seconds.
std::optional<TimePoint> ParseFeedDate(std::string_view s);

// FormatIso8601 writes "2024-04-26T09:40:00Z".
std::string FormatIso8601(TimePoint t);
// FormatIso8601 with an offset writes the local time and its offset:
// "2024-04-26T12:40:00+03:00" for offset 180 (and "…Z" for 0).
std::string FormatIso8601(TimePoint t, int offset_minutes);

// FormatRfc822 writes "Fri, 26 Apr 2024 09:40:00 +0000" (RSS pubDate).
std::string FormatRfc822(TimePoint t);

// CivilTime: the broken-down UTC fields of a TimePoint, shifted by
// `offset_minutes` first (for showing times in the site's zone).
struct CivilTime {
  int year, month, day, hour, minute, second, weekday;  // weekday 0 = Sunday
};
CivilTime ToCivil(TimePoint t, int offset_minutes = 0);

}  // namespace newsdesk
