#include "common/text.h"

#include <unicode/brkiter.h>
#include <unicode/translit.h>
#include <unicode/utext.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace newsdesk {

size_t Utf8SequenceAt(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t len;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
  else return 0;
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return 0;
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    if (static_cast<unsigned char>(s[i]) < 0x80) { ++i; continue; }
    const size_t len = Utf8SequenceAt(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

Utf8Census CountUtf8(std::string_view s) {
  Utf8Census census;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (size_t len = Utf8SequenceAt(s, i)) {
      ++census.well_formed;
      i += len;
    } else {
      ++census.stray;
      ++i;
    }
  }
  return census;
}

bool HasControlChars(std::string_view s) {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return true;
  }
  return false;
}

std::string WithoutControlChars(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 0x20 && c != 0x7F) || c == '\t' || c == '\n' || c == '\r') out += ch;
  }
  return out;
}

size_t Utf8Length(std::string_view s) {
  size_t count = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string CollapseWhitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool ws = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v';
    size_t skip = 0;
    if (!ws && static_cast<unsigned char>(s[i]) == 0xC2 && i + 1 < s.size() &&
        static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      ws = true;
      skip = 1;
    }
    if (ws) {
      pending = !out.empty();
      i += skip;
      continue;
    }
    if (pending) out += ' ';
    pending = false;
    out += s[i];
  }
  return out;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string AsciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool AsciiIEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (b < e && ws(s[b])) ++b;
  while (e > b && ws(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

std::string CutWithEllipsis(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  constexpr std::string_view kEllipsis = "…";
  const size_t room = max_bytes - kEllipsis.size();
  size_t end = 0;
  while (end < text.size()) {
    const size_t len = std::max<size_t>(1, Utf8SequenceAt(text, end));
    if (end + len > room) break;
    end += len;
  }
  return std::string(text.substr(0, end)).append(kEllipsis);
}

std::vector<std::string> NonEmptyLines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string line = Trim(text.substr(0, nl));
    if (!line.empty()) out.push_back(std::move(line));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  return out;
}

namespace {

// ICU transliterators are costly to build and not thread-safe to share
// without a lock; slugs are made at import time, so one guarded instance is
// plenty.
std::string ToAscii(std::string_view text) {
  static std::mutex mu;
  static std::unique_ptr<icu::Transliterator> translit;
  static bool failed = false;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!translit && !failed) {
      UErrorCode err = U_ZERO_ERROR;
      // BGN/PCGN for Russian reads as readers expect ("stantsiya", not ISO 9's
      // "stancia"); every other script goes through Any-Latin.
      translit.reset(icu::Transliterator::createInstance("Russian-Latin/BGN; Any-Latin; Latin-ASCII",
                                                         UTRANS_FORWARD, err));
      if (U_FAILURE(err)) {
        err = U_ZERO_ERROR;
        translit.reset(icu::Transliterator::createInstance("Any-Latin; Latin-ASCII", UTRANS_FORWARD, err));
      }
      if (U_FAILURE(err)) { translit.reset(); failed = true; }
    }
    if (translit) translit->transliterate(u);
  }
  std::string out;
  u.toUTF8String(out);
  return out;
}

}  // namespace

std::string Slugify(std::string_view text, size_t max_len) {
  std::string ascii = ToAscii(text);
  std::string slug;
  bool pending_dash = false;
  for (unsigned char c : ascii) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (pending_dash && !slug.empty()) slug += '-';
      pending_dash = false;
      slug += static_cast<char>(c);
    } else if (c >= 'A' && c <= 'Z') {
      if (pending_dash && !slug.empty()) slug += '-';
      pending_dash = false;
      slug += static_cast<char>(c - 'A' + 'a');
    } else if (c == '\'' || c == '"') {
      // apostrophes, and the hard and soft signs ("ob\"yem"), join the word
    } else {
      pending_dash = true;
    }
  }
  if (slug.size() > max_len) {
    size_t cut = slug.rfind('-', max_len);
    slug.resize(cut == std::string::npos || cut == 0 ? max_len : cut);
  }
  if (slug.empty()) slug = "item";
  return slug;
}

size_t CountWords(std::string_view text) {
  // A word iterator is costly to build and not thread-safe: one per thread.
  thread_local std::unique_ptr<icu::BreakIterator> words = [] {
    UErrorCode err = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), err));
    return U_SUCCESS(err) ? std::move(it) : nullptr;
  }();
  if (!words || text.empty()) return 0;
  UErrorCode err = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &err);
  if (U_FAILURE(err)) return 0;
  words->setText(ut, err);
  size_t n = 0;
  if (U_SUCCESS(err)) {
    for (int32_t end = words->next(); end != icu::BreakIterator::DONE; end = words->next())
      if (words->getRuleStatus() >= UBRK_WORD_NONE_LIMIT) ++n;  // a word, not spaces or punctuation
  }
  // The iterator keeps its own clone of the text; forget it before the bytes go.
  words->setText(icu::UnicodeString());
  utext_close(ut);
  return n;
}

}  // namespace newsdesk
