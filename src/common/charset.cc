#include "common/charset.h"

#include <fmt/format.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "common/text.h"

namespace newsdesk {

namespace {

// ValueAfter reads a charset token that follows `pos` (skipping '=', quotes
// and spaces) in `text`.
std::string TokenAt(std::string_view text, size_t pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '=' || text[pos] == '"' || text[pos] == '\''))
    ++pos;
  size_t end = pos;
  while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-' ||
                               text[end] == '_' || text[end] == ':' || text[end] == '.'))
    ++end;
  return std::string(text.substr(pos, end - pos));
}

bool IsUtf8Name(std::string_view name) {
  std::string n = AsciiLower(name);
  return n == "utf-8" || n == "utf8";
}

bool HasNonAscii(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// Convert decodes `bytes` from `charset` with ICU; undecodable bytes become
// U+FFFD, and too many of them is an error.
Result<std::string> Convert(std::string_view bytes, const std::string& charset) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> conv(ucnv_open(charset.c_str(), &err), ucnv_close);
  if (U_FAILURE(err)) return Status::InvalidArgument(fmt::format("unknown charset '{}'", charset.substr(0, 40)));
  std::string out(bytes.size() * 3 + 16, '\0');
  UErrorCode err2 = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> utf8(ucnv_open("UTF-8", &err2), ucnv_close);
  if (U_FAILURE(err2)) return Status::Internal("no UTF-8 converter");
  char* target = out.data();
  const char* source = bytes.data();
  ucnv_convertEx(utf8.get(), conv.get(), &target, out.data() + out.size(), &source, bytes.data() + bytes.size(),
                 nullptr, nullptr, nullptr, nullptr, true, true, &err);
  if (U_FAILURE(err)) return Status::InvalidArgument(fmt::format("cannot decode as {}: {}", charset, u_errorName(err)));
  out.resize(static_cast<size_t>(target - out.data()));
  return out;
}

std::string Detect(std::string_view bytes) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, void (*)(UCharsetDetector*)> det(ucsdet_open(&err), ucsdet_close);
  if (U_FAILURE(err)) return {};
  ucsdet_enableInputFilter(det.get(), true);  // ignore markup
  ucsdet_setText(det.get(), bytes.data(), static_cast<int32_t>(std::min<size_t>(bytes.size(), 1 << 20)), &err);
  const UCharsetMatch* match = ucsdet_detect(det.get(), &err);
  if (U_FAILURE(err) || !match) return {};
  const char* name = ucsdet_getName(match, &err);
  return U_FAILURE(err) || !name ? std::string() : std::string(name);
}

// CyrillicShare: of the letters in `utf8`, the share that are Cyrillic.
// Used to choose between the single-byte Russian charsets, which the
// detector confuses: the right one yields mostly Cyrillic, lower-case text.
double CyrillicLowerShare(std::string_view utf8) {
  size_t letters = 0, good = 0;
  for (size_t i = 0; i + 1 < utf8.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c == 0xD0 || c == 0xD1) {
      unsigned char d = static_cast<unsigned char>(utf8[i + 1]);
      ++letters;
      // а-п is D0 B0..BF, р-я is D1 80..8F, ё D1 91
      if ((c == 0xD0 && d >= 0xB0) || (c == 0xD1 && (d <= 0x8F || d == 0x91))) ++good;
      ++i;
    } else if (std::isalpha(c)) {
      ++letters;
      ++good;  // Latin letters are neutral
    }
  }
  return letters ? static_cast<double>(good) / static_cast<double>(letters) : 0;
}

// MostlyUtf8: many well-formed multi-byte characters and few bad bytes.
bool MostlyUtf8(std::string_view s) {
  const Utf8Census census = CountUtf8(s);
  return census.well_formed >= 8 && census.stray * 20 <= census.well_formed;
}

}  // namespace

std::string CharsetFromContentType(std::string_view content_type) {
  std::string lower = AsciiLower(content_type);
  size_t pos = lower.find("charset");
  if (pos == std::string::npos) return {};
  return TokenAt(content_type, pos + 7);
}

std::string DeclaredCharset(std::string_view bytes) {
  std::string_view head = bytes.substr(0, 4096);
  std::string lower = AsciiLower(head);
  if (lower.rfind("<?xml", 0) == 0 || lower.find("<?xml") < 8) {
    size_t end = lower.find("?>");
    size_t enc = lower.find("encoding");
    if (enc != std::string::npos && enc < end) return TokenAt(head, enc + 8);
  }
  for (size_t meta = lower.find("<meta"); meta != std::string::npos; meta = lower.find("<meta", meta + 5)) {
    size_t close = lower.find('>', meta);
    std::string_view tag = std::string_view(lower).substr(meta, close == std::string::npos ? std::string::npos : close - meta);
    size_t cs = tag.find("charset");
    if (cs != std::string_view::npos) return TokenAt(head, meta + cs + 7);
  }
  return {};
}

Result<DecodedText> DecodeToUtf8(std::string_view bytes, std::string_view content_type) {
  // 1. A byte-order mark settles it.
  struct Bom {
    std::string_view mark;
    const char* charset;
  };
  // UTF-32LE's mark starts with UTF-16LE's, so it is tried first.
  for (const Bom& bom : {Bom{"\xEF\xBB\xBF", "UTF-8"}, Bom{std::string_view("\xFF\xFE\x00\x00", 4), "UTF-32LE"},
                         Bom{std::string_view("\x00\x00\xFE\xFF", 4), "UTF-32BE"}, Bom{"\xFF\xFE", "UTF-16LE"},
                         Bom{"\xFE\xFF", "UTF-16BE"}}) {
    if (bytes.substr(0, bom.mark.size()) == bom.mark) {
      std::string_view rest = bytes.substr(bom.mark.size());
      if (std::string_view(bom.charset) == "UTF-8") {
        if (!IsValidUtf8(rest)) {
          auto fixed = Convert(rest, "UTF-8");
          if (!fixed.ok()) return fixed.status();
          return DecodedText{std::move(*fixed), "UTF-8", "bom"};
        }
        return DecodedText{std::string(rest), "UTF-8", "bom"};
      }
      auto text = Convert(rest, bom.charset);
      if (!text.ok()) return text.status();
      return DecodedText{std::move(*text), bom.charset, "bom"};
    }
  }
  // 2. What the server or the document says.
  std::string declared = CharsetFromContentType(content_type);
  std::string source = "http";
  if (declared.empty()) {
    declared = DeclaredCharset(bytes);
    source = "document";
  }
  const bool valid_utf8 = IsValidUtf8(bytes);
  // Non-ASCII bytes that form valid UTF-8 are almost never another charset:
  // trust the bytes over a declaration that says otherwise.
  if (valid_utf8 && (declared.empty() || IsUtf8Name(declared) || HasNonAscii(bytes))) {
    return DecodedText{std::string(bytes), "UTF-8", declared.empty() ? "default" : source};
  }
  if (!declared.empty() && !IsUtf8Name(declared)) {
    std::string name = AsciiLower(declared);
    // Browsers read latin1/ascii labels as windows-1252; so do we.
    if (name == "iso-8859-1" || name == "latin1" || name == "us-ascii" || name == "ascii") name = "windows-1252";
    auto text = Convert(bytes, name);
    if (text.ok()) {
      // A Russian page mislabelled with another single-byte charset decodes
      // to mixed-case noise; check, and let the detector try when it does.
      const bool cyrillic_label = name == "windows-1251" || name == "cp1251" || name == "koi8-r" || name == "koi8-u";
      if (!cyrillic_label || CyrillicLowerShare(*text) > 0.6)
        return DecodedText{std::move(*text), declared, source};
    }
  }
  // UTF-8 with a few broken bytes (a truncated multi-byte character, a
  // stray byte pasted in) is still UTF-8: keep it, with U+FFFD for the bad.
  if (!valid_utf8 && MostlyUtf8(bytes) && (declared.empty() || IsUtf8Name(declared))) {
    auto text = Convert(bytes, "UTF-8");
    if (text.ok()) return DecodedText{std::move(*text), "UTF-8", declared.empty() ? "default" : source};
  }
  // 3. No usable declaration: ask ICU, then choose among the Russian
  // charsets by which one reads as Russian.
  std::string detected = Detect(bytes);
  std::string best_charset;
  std::string best_text;
  double best_score = -1;
  for (std::string candidate : {detected, std::string("windows-1251"), std::string("KOI8-R")}) {
    if (candidate.empty()) continue;
    auto text = Convert(bytes, candidate);
    if (!text.ok()) continue;
    double score = CyrillicLowerShare(*text);
    if (candidate == detected) score += 0.05;  // ties go to the detector
    if (score > best_score) {
      best_score = score;
      best_charset = candidate;
      best_text = std::move(*text);
    }
  }
  if (best_charset.empty()) return Status::InvalidArgument("cannot tell the character set");
  return DecodedText{std::move(best_text), best_charset, "detected"};
}

namespace {


// DecodeWide converts UTF-16/UTF-32 `bytes` (`unit` 2 or 4, `big_endian`) to
// UTF-8; a trailing partial unit is dropped, bad code points become U+FFFD.
std::string DecodeWide(std::string_view bytes, int unit, bool big_endian) {
  std::string out;
  out.reserve(bytes.size());
  auto read = [&](size_t i) -> uint32_t {
    uint32_t v = 0;
    for (int k = 0; k < unit; ++k) {
      uint32_t b = static_cast<unsigned char>(bytes[i + (big_endian ? k : unit - 1 - k)]);
      v = (v << 8) | b;
    }
    return v;
  };
  size_t i = 0;
  while (i + unit <= bytes.size()) {
    uint32_t cp = read(i);
    i += unit;
    if (unit == 2 && cp >= 0xD800 && cp <= 0xDBFF && i + 2 <= bytes.size()) {
      uint32_t lo = read(i);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      }
    }
    AppendUtf8(out, cp);
  }
  return out;
}

// WideEncoding recognises UTF-32 (with or without a BOM) and BOM-less UTF-16
// by the zero bytes around the first '<' (XML 1.0 appendix F).
// Returns {unit, big_endian, bom_length}, or unit 0 for none of these.
struct Wide {
  int unit = 0;
  bool big_endian = false;
  size_t bom = 0;
};

Wide WideEncoding(std::string_view b) {
  if (b.size() < 4) return {};
  auto u = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
  if (u(0) == 0x00 && u(1) == 0x00 && u(2) == 0xFE && u(3) == 0xFF) return {4, true, 4};
  if (u(0) == 0xFF && u(1) == 0xFE && u(2) == 0x00 && u(3) == 0x00) return {4, false, 4};
  if (u(0) == 0xFE && u(1) == 0xFF) return {};  // UTF-16 with a BOM: the charset module reads it
  if (u(0) == 0xFF && u(1) == 0xFE) return {};
  if (u(0) == 0 && u(1) == 0 && u(2) == 0 && u(3) != 0) return {4, true, 0};
  if (u(0) != 0 && u(1) == 0 && u(2) == 0 && u(3) == 0) return {4, false, 0};
  if (u(0) == 0 && u(1) != 0 && u(2) == 0 && u(3) != 0) return {2, true, 0};
  if (u(0) != 0 && u(1) == 0 && u(2) != 0 && u(3) == 0) return {2, false, 0};
  return {};
}

}  // namespace

std::optional<std::string> DecodeWideXml(std::string_view bytes) {
  Wide wide = WideEncoding(bytes);
  if (!wide.unit) return std::nullopt;
  return DecodeWide(bytes.substr(wide.bom), wide.unit, wide.big_endian);
}

}  // namespace newsdesk
