#include "common/time.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "common/text.h"

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

std::string FormatIso8601(TimePoint t, int offset_minutes) {
  if (offset_minutes == 0) return FormatIso8601(t);
  CivilTime c = ToCivil(t, offset_minutes);
  const int m = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", c.year, c.month, c.day, c.hour, c.minute,
                     c.second, offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
}

std::string FormatRfc822(TimePoint t) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  CivilTime c = ToCivil(t);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kDays[c.weekday], c.day, kMonths[c.month - 1],
                     c.year, c.hour, c.minute, c.second);
}

namespace {


// ---------------------------------------------------------------------------
// Dates as feeds and pages write them (ParseFeedDate)
// ---------------------------------------------------------------------------

std::optional<TimePoint> FromFields(int year, int month, int day, int hour, int minute, int second,
                                    int offset_minutes) {
  if (year < 0 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  if (hour == 24) hour = 0;  // "24:05" in feeds means just after midnight of that day
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return std::nullopt;
  if (offset_minutes <= -24 * 60 || offset_minutes >= 24 * 60) return std::nullopt;
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  std::string iso = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", year, month, day, hour, minute,
                                second, offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  auto t = ParseIso8601(iso);
  if (!t.ok()) return std::nullopt;
  return *t;
}

struct ZoneName {
  std::string_view name;
  int minutes;
};

constexpr ZoneName kZones[] = {
    {"UT", 0},        {"UTC", 0},       {"GMT", 0},       {"Z", 0},         {"WET", 0},       {"WEST", 60},
    {"BST", 60},      {"CET", 60},      {"MET", 60},      {"CEST", 120},    {"MEST", 120},    {"EET", 120},
    {"EEST", 180},    {"MSK", 180},     {"MSD", 240},     {"SAMT", 240},    {"YEKT", 300},    {"OMST", 360},
    {"KRAT", 420},    {"IRKT", 480},    {"YAKT", 540},    {"VLAT", 600},    {"MAGT", 660},    {"PETT", 720},
    {"EST", -300},    {"EDT", -240},    {"CST", -360},    {"CDT", -300},    {"MST", -420},    {"MDT", -360},
    {"PST", -480},    {"PDT", -420},    {"AKST", -540},   {"AKDT", -480},   {"HST", -600},    {"AST", -240},
    {"ADT", -180},    {"NST", -210},    {"NDT", -150},    {"IST", 330},     {"PKT", 300},     {"JST", 540},
    {"KST", 540},     {"HKT", 480},     {"SGT", 480},     {"AWST", 480},    {"ACST", 570},    {"AEST", 600},
    {"AEDT", 660},    {"NZST", 720},    {"NZDT", 780},    {"WIB", 420},     {"SAST", 120},    {"CAT", 120},
    {"EAT", 180},     {"WAT", 60},      {"TRT", 180},
};

std::optional<int> LookupZone(std::string_view word) {
  for (const ZoneName& z : kZones)
    if (AsciiIEquals(z.name, word)) return z.minutes;
  return std::nullopt;
}

// LowerWord lower-cases ASCII and the Cyrillic capitals.
std::string LowerWord(std::string_view w) {
  std::string out;
  out.reserve(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(w[i]);
    if (c == 0xD0 && i + 1 < w.size()) {
      unsigned char d = static_cast<unsigned char>(w[i + 1]);
      if (d >= 0x90 && d <= 0x9F) {
        out += '\xD0';
        out += static_cast<char>(d + 0x20);
        ++i;
        continue;
      }
      if (d >= 0xA0 && d <= 0xAF) {
        out += '\xD1';
        out += static_cast<char>(d - 0x20);
        ++i;
        continue;
      }
      if (d == 0x81) {  // Ё
        out += "\xD1\x91";
        ++i;
        continue;
      }
    }
    out += static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
  }
  return out;
}

// MonthOf reads a month name or abbreviation in English, French, German,
// Spanish, Italian or Russian; 0 when `word` is not one.
int MonthOf(std::string_view word) {
  struct Prefix {
    std::string_view p;
    int month;
  };
  static constexpr Prefix kMonths[] = {
      {"jan", 1},  {"feb", 2},  {"mar", 3},  {"apr", 4},  {"may", 5},  {"jun", 6},  {"jul", 7},  {"aug", 8},
      {"sep", 9},  {"oct", 10}, {"nov", 11}, {"dec", 12},
      // French
      {"f\xC3\xA9v", 2}, {"fev", 2}, {"avr", 4}, {"mai", 5}, {"juin", 6}, {"juil", 7}, {"ao\xC3\xBB", 8},
      {"aou", 8}, {"d\xC3\xA9" "c", 12},
      // German
      {"m\xC3\xA4r", 3}, {"mrz", 3}, {"okt", 10}, {"dez", 12},
      // Spanish and Italian
      {"ene", 1}, {"abr", 4}, {"ago", 8}, {"dic", 12}, {"gen", 1}, {"mag", 5}, {"giu", 6}, {"lug", 7},
      {"set", 9}, {"ott", 10},
      // Russian (nominative and genitive share these stems)
      {"\xD1\x8F\xD0\xBD\xD0\xB2", 1}, {"\xD1\x84\xD0\xB5\xD0\xB2", 2}, {"\xD0\xBC\xD0\xB0\xD1\x80", 3},
      {"\xD0\xB0\xD0\xBF\xD1\x80", 4}, {"\xD0\xBC\xD0\xB0", 5}, {"\xD0\xB8\xD1\x8E\xD0\xBD", 6},
      {"\xD0\xB8\xD1\x8E\xD0\xBB", 7}, {"\xD0\xB0\xD0\xB2\xD0\xB3", 8}, {"\xD1\x81\xD0\xB5\xD0\xBD", 9},
      {"\xD0\xBE\xD0\xBA\xD1\x82", 10}, {"\xD0\xBD\xD0\xBE\xD1\x8F", 11}, {"\xD0\xB4\xD0\xB5\xD0\xBA", 12},
  };
  std::string w = LowerWord(word);
  int best = 0;
  size_t best_len = 0;
  for (const Prefix& m : kMonths) {
    if (w.size() >= m.p.size() && w.compare(0, m.p.size(), m.p) == 0 && m.p.size() > best_len) {
      best = m.month;
      best_len = m.p.size();
    }
  }
  // A month word is an abbreviation or a full name, never longer than "сентября".
  if (best && Utf8Length(w) > 9) return 0;
  return best;
}

int ReadDigits(std::string_view s, size_t& p, size_t max_digits, int& value) {
  size_t start = p;
  value = 0;
  while (p < s.size() && IsAsciiDigit(s[p]) && p - start < max_digits) value = value * 10 + (s[p++] - '0');
  return static_cast<int>(p - start);
}

bool At(std::string_view s, size_t p, char c) { return p < s.size() && s[p] == c; }

// ReadFieldAfter skips the separator at s[p] and reads the one- or two-digit
// field after it; false when no digit follows.
bool ReadFieldAfter(std::string_view s, size_t& p, int& value) {
  ++p;
  return ReadDigits(s, p, 2, value) > 0;
}

// ParseOffset reads "+03:00", "+0300", "+03", "-3", "+00:0" at s[p] (a sign).
std::optional<int> ParseOffset(std::string_view s, size_t& p) {
  if (p >= s.size() || (s[p] != '+' && s[p] != '-')) return std::nullopt;
  int sign = s[p] == '-' ? -1 : 1;
  size_t q = p + 1;
  int h = 0, m = 0;
  int nd = ReadDigits(s, q, 4, h);
  if (nd == 0) return std::nullopt;
  if (nd == 4) {
    m = h % 100;
    h /= 100;
  } else if (nd == 3) {
    m = h % 100;
    h /= 100;
  } else if (q < s.size() && s[q] == ':') {
    size_t r = q + 1;
    int md = ReadDigits(s, r, 2, m);
    if (md == 0) m = 0;
    q = r;
  }
  if (h > 23 || m > 59) return std::nullopt;
  p = q;
  return sign * (h * 60 + m);
}

}  // namespace

std::optional<int> Iso8601Offset(std::string_view s) {
  size_t p = s.find_first_of("Tt ");
  if (p == std::string_view::npos) return std::nullopt;
  p = s.find_first_of("Zz+-", p);
  if (p == std::string_view::npos) return std::nullopt;
  if (s[p] == 'Z' || s[p] == 'z') return p + 1 == s.size() ? std::optional<int>(0) : std::nullopt;
  auto offset = ParseOffset(s, p);
  if (!offset || p != s.size()) return std::nullopt;
  return offset;
}

namespace {

// ParseIsoLike: "YYYY[-MM[-DD]][(T| )hh:mm[:ss[.frac]]][ ][Z|±hh[:mm]|NAME]",
// also the basic "YYYYMMDDThhmmss" form and one-digit fields.
std::optional<TimePoint> ParseIsoLike(std::string_view s) {
  size_t p = 0;
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, offset = 0;
  if (ReadDigits(s, p, 4, year) != 4) return std::nullopt;
  if (At(s, p, '-')) {
    if (!ReadFieldAfter(s, p, month)) return std::nullopt;
    if (At(s, p, '-') && !ReadFieldAfter(s, p, day)) return std::nullopt;
  } else if (p + 4 <= s.size() && IsAsciiDigit(s[p])) {
    if (ReadDigits(s, p, 2, month) != 2 || ReadDigits(s, p, 2, day) != 2) return std::nullopt;
  }
  if (p < s.size() && (s[p] == 'T' || s[p] == 't' || s[p] == ' ')) {
    while (p < s.size() && (s[p] == 'T' || s[p] == 't' || s[p] == ' ')) ++p;
    int nd = ReadDigits(s, p, 2, hour);
    if (nd == 0) return std::nullopt;
    if (At(s, p, ':')) {
      if (!ReadFieldAfter(s, p, minute)) return std::nullopt;
      if (At(s, p, ':') && !ReadFieldAfter(s, p, second)) return std::nullopt;
    } else if (nd == 2 && p + 2 <= s.size() && IsAsciiDigit(s[p])) {  // basic format hhmm[ss]
      ReadDigits(s, p, 2, minute);
      if (p + 2 <= s.size() && IsAsciiDigit(s[p])) ReadDigits(s, p, 2, second);
    } else {
      return std::nullopt;
    }
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
      ++p;
      while (p < s.size() && IsAsciiDigit(s[p])) ++p;
    }
    while (p < s.size() && s[p] == ' ') ++p;
    if (p < s.size()) {
      if (s[p] == 'Z' || s[p] == 'z') {
        ++p;
      } else if (s[p] == '+' || s[p] == '-') {
        auto off = ParseOffset(s, p);
        if (!off) return std::nullopt;
        offset = *off;
      } else if (IsAsciiAlpha(s[p])) {
        size_t start = p;
        while (p < s.size() && IsAsciiAlpha(s[p])) ++p;
        auto z = LookupZone(s.substr(start, p - start));
        if (!z) return std::nullopt;
        offset = *z;
        if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
          auto off = ParseOffset(s, p);
          if (!off) return std::nullopt;
          offset = *off;
        }
      }
    }
  }
  while (p < s.size() && s[p] == ' ') ++p;
  if (p != s.size()) return std::nullopt;
  return FromFields(year, month, day, hour, minute, second, offset);
}

// ParseRfcLike: the RFC 822 family, read as a bag of tokens: words (day
// names are ignored, month names counted, AM/PM, zone names), numbers (day,
// year), a time "h:mm[:ss]" and a numeric offset after it.
std::optional<TimePoint> ParseRfcLike(std::string_view s) {
  int year = -1, month = 0, day = -1, hour = 0, minute = 0, second = 0, offset = 0;
  int year_digits = 0;
  bool have_time = false, pm = false, am = false;
  int first_word_month = 0;  // a month-looking first word followed by ',' is a day name ("mar," is mardi)
  size_t p = 0;
  bool first_token = true;
  while (p < s.size()) {
    char c = s[p];
    if (IsAsciiAlpha(c) || static_cast<unsigned char>(c) >= 0x80) {
      size_t start = p;
      while (p < s.size() && (IsAsciiAlpha(s[p]) || static_cast<unsigned char>(s[p]) >= 0x80)) ++p;
      std::string_view word = s.substr(start, p - start);
      bool was_first = first_token;
      first_token = false;
      size_t q = p;
      while (q < s.size() && (s[q] == '.' || s[q] == ' ')) ++q;
      bool comma_follows = q < s.size() && s[q] == ',';
      if (AsciiIEquals(word, "am")) { am = true; continue; }
      if (AsciiIEquals(word, "pm")) { pm = true; continue; }
      if (have_time) {
        if (auto z = LookupZone(word)) {
          offset = *z;
          continue;
        }
      }
      if (int m = MonthOf(word)) {
        if (was_first && comma_follows) {
          first_word_month = m;
        } else if (!month) {
          month = m;
        }
      }
      continue;
    }
    if (IsAsciiDigit(c)) {
      first_token = false;
      size_t start = p;
      int v = 0;
      int nd = ReadDigits(s, p, 9, v);
      if (p < s.size() && IsAsciiDigit(s[p])) return std::nullopt;  // absurdly long number
      if (p < s.size() && s[p] == ':') {  // a time
        if (have_time) return std::nullopt;
        have_time = true;
        hour = v;
        ++p;
        if (ReadDigits(s, p, 2, minute) == 0) return std::nullopt;
        if (p < s.size() && s[p] == ':') {
          ++p;
          if (ReadDigits(s, p, 2, second) == 0) return std::nullopt;
          if (p < s.size() && (s[p] == '.' || s[p] == ',') && p + 1 < s.size() && IsAsciiDigit(s[p + 1])) {
            ++p;
            while (p < s.size() && IsAsciiDigit(s[p])) ++p;
          }
        }
        continue;
      }
      // Day.month.year, as Russian sites write it.
      if (p < s.size() && s[p] == '.' && !month && day < 0) {
        size_t q = p + 1;
        int m = 0, y = 0;
        int md = ReadDigits(s, q, 2, m);
        if (md > 0 && q < s.size() && s[q] == '.') {
          ++q;
          int yd = ReadDigits(s, q, 4, y);
          if (yd == 2 || yd == 4) {
            day = v;
            month = m;
            year = y;
            year_digits = yd;
            p = q;
            continue;
          }
        }
      }
      (void)start;
      if (nd >= 3 || v > 31) {
        if (year < 0) {
          year = v;
          year_digits = nd;
        }
      } else if (day < 0) {
        day = v;
      } else if (year < 0) {
        year = v;
        year_digits = nd;
      }
      continue;
    }
    if ((c == '+' || c == '-') && have_time && p + 1 < s.size() && IsAsciiDigit(s[p + 1])) {
      auto off = ParseOffset(s, p);
      if (!off) return std::nullopt;
      offset = *off;
      continue;
    }
    ++p;  // separators: space , - / . ( )
  }
  if (!month) month = first_word_month;
  if (!month || day < 0 || year < 0) return std::nullopt;
  if (year_digits <= 2) year += year < 50 ? 2000 : 1900;
  else if (year_digits == 3) year += 1900;  // JavaScript getYear()
  if (pm && hour < 12) hour += 12;
  if (am && hour == 12) hour = 0;
  return FromFields(year, month, day, hour, minute, second, offset);
}

}  // namespace

std::optional<TimePoint> ParseFeedDate(std::string_view in) {
  std::string s = CollapseWhitespace(in);
  if (s.empty() || s.size() > 128) return std::nullopt;
  // A Unix timestamp in seconds.
  if (s.size() >= 9 && s.size() <= 11 && std::all_of(s.begin(), s.end(), IsAsciiDigit)) {
    int64_t v = std::stoll(s);
    return TimePoint{std::chrono::seconds{v}};
  }
  if (s.size() >= 4 && IsAsciiDigit(s[0]) && IsAsciiDigit(s[1]) && IsAsciiDigit(s[2]) && IsAsciiDigit(s[3]) &&
      (s.size() == 4 || s[4] == '-' || (s.size() >= 8 && IsAsciiDigit(s[4])))) {
    if (auto t = ParseIsoLike(s)) return t;
  }
  return ParseRfcLike(s);
}

}  // namespace newsdesk
