// File: common/text.h
//
// Small text utilities every stage needs: UTF-8 validation, slugs (ICU
// transliteration, so "Шойгу в Астане" becomes "shoigu-v-astane"), and
// trimming. Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace newsdesk {

// IsValidUtf8 is true when `s` is well-formed UTF-8 (no overlongs, no
// surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Utf8SequenceAt is the length in bytes of the well-formed UTF-8 character
// that starts at `s[i]` (1 for ASCII), or 0 when the bytes there begin none
// (a stray continuation byte, a truncated, overlong or surrogate sequence,
// past U+10FFFF). REQUIRES: i < s.size().
size_t Utf8SequenceAt(std::string_view s, size_t i);

// CutWithEllipsis is `text` when it fits in `max_bytes`; otherwise its
// longest start that ends on a character boundary and leaves room for "…",
// with "…" appended: `max_bytes` in all. A byte that begins no well-formed
// character counts as one, so broken input is cut too, never overrun.
// REQUIRES: max_bytes >= 3 (the ellipsis).
std::string CutWithEllipsis(std::string_view text, size_t max_bytes);

// Utf8Census counts, in bytes that may not be valid UTF-8, the well-formed
// multi-byte characters and the stray bytes: how much a text is "mostly
// UTF-8" with a few broken bytes.
struct Utf8Census {
  size_t well_formed = 0;  // multi-byte characters
  size_t stray = 0;        // bytes that begin no well-formed character
};
Utf8Census CountUtf8(std::string_view s);

// HasControlChars is true when `s` holds C0 controls other than tab, CR, LF,
// or DEL.
bool HasControlChars(std::string_view s);
// WithoutControlChars is `s` without the characters HasControlChars finds.
std::string WithoutControlChars(std::string_view s);

// Slugify transliterates any script to ASCII (ICU "Russian-Latin/BGN;
// Any-Latin; Latin-ASCII"),
// lower-cases, and joins the alphanumeric runs with '-', at most `max_len`
// bytes, cut at a '-'. Returns "item" when nothing is left.
std::string Slugify(std::string_view text, size_t max_len = 80);

// Trim removes leading and trailing ASCII whitespace.
std::string Trim(std::string_view s);

// NonEmptyLines splits a one-item-a-line form field into its lines, each
// trimmed, leaving out blank ones.
std::vector<std::string> NonEmptyLines(std::string_view text);

// AppendUtf8 appends code point `cp` as UTF-8; NUL, surrogates and values
// past U+10FFFF become U+FFFD.
void AppendUtf8(std::string& out, uint32_t cp);

// CollapseWhitespace turns runs of whitespace (ASCII and U+00A0) into one
// space and trims the ends.
std::string CollapseWhitespace(std::string_view s);

// AsciiLower and AsciiUpper change the letters A-Z / a-z only, whatever the
// locale: for protocol words, tag and header names, charset names, codes and
// ids, never for readers' text (Unicode case is ICU's job).
std::string AsciiLower(std::string_view s);
std::string AsciiUpper(std::string_view s);
// AsciiIEquals compares two strings ignoring ASCII case.
bool AsciiIEquals(std::string_view a, std::string_view b);

// IsAsciiDigit, IsAsciiAlpha and IsAsciiAlnum test for 0-9, A-Z/a-z and
// either, whatever the locale (std::isdigit and kin take int and depend on
// it): for parsers of protocol text, dates and markup.
inline bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); }

// Utf8Length counts code points. REQUIRES: IsValidUtf8(s).
size_t Utf8Length(std::string_view s);

// CountWords counts the words of `text` as ICU's word break rules find them
// (UAX #29: runs of letters, digits, kana or ideographs; punctuation and
// spaces are no words, and "air-defence" is two). For reading times (issue
// 17, part 5). Invalid UTF-8 counts as what ICU makes of it.
size_t CountWords(std::string_view text);

}  // namespace newsdesk
