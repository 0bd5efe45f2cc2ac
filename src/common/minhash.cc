#include "common/minhash.h"

#include <fmt/format.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <vector>

namespace newsdesk {

namespace {

// Words: runs of letters and digits, case-folded, ё folded to е.
std::vector<std::string> Words(std::string_view text) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  u.foldCase();
  u.findAndReplace(icu::UnicodeString(static_cast<UChar>(0x0451)), icu::UnicodeString(static_cast<UChar>(0x0435)));
  std::vector<std::string> words;
  icu::UnicodeString current;
  auto flush = [&] {
    if (!current.isEmpty()) {
      std::string w;
      current.toUTF8String(w);
      words.push_back(std::move(w));
      current.remove();
    }
  };
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    if (u_isalnum(c)) current.append(c);
    else flush();
    i += U16_LENGTH(c);
  }
  flush();
  return words;
}

uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// Mix: a strong 64-bit mixer (splitmix64's finaliser) seeded per slot, so
// one shingle hash gives 32 independent-looking hashes.
uint32_t Mix(uint64_t h, uint64_t seed) {
  uint64_t z = h + seed * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return static_cast<uint32_t>((z ^ (z >> 31)) >> 16);
}

}  // namespace

Fingerprint MinHash(std::string_view text) {
  Fingerprint f{};
  const auto words = Words(text);
  if (words.size() < 3) return f;
  f.fill(UINT32_MAX);
  std::string shingle;
  for (size_t i = 0; i + 2 < words.size(); ++i) {
    shingle = words[i] + ' ' + words[i + 1] + ' ' + words[i + 2];
    const uint64_t h = Fnv1a64(shingle);
    for (size_t k = 0; k < kMinHashSlots; ++k) f[k] = std::min(f[k], Mix(h, k + 1));
  }
  // UINT32_MAX never survives a real shingle set, but keep "all zero" as the
  // only empty fingerprint.
  for (auto& v : f)
    if (v == 0) v = 1;
  return f;
}

bool IsEmpty(const Fingerprint& f) {
  return std::all_of(f.begin(), f.end(), [](uint32_t v) { return v == 0; });
}

double Similarity(const Fingerprint& a, const Fingerprint& b) {
  size_t same = 0;
  for (size_t k = 0; k < kMinHashSlots; ++k) same += a[k] == b[k];
  return static_cast<double>(same) / kMinHashSlots;
}

std::string EncodeFingerprint(const Fingerprint& f) {
  if (IsEmpty(f)) return {};
  std::string out;
  out.reserve(kMinHashSlots * 8);
  for (uint32_t v : f) out += fmt::format("{:08x}", v);
  return out;
}

Fingerprint DecodeFingerprint(std::string_view hex) {
  Fingerprint f{};
  if (hex.size() != kMinHashSlots * 8) return f;
  for (size_t k = 0; k < kMinHashSlots; ++k) {
    uint32_t v = 0;
    for (size_t i = 0; i < 8; ++i) {
      char c = hex[k * 8 + i];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return Fingerprint{};
      v = v * 16 + static_cast<uint32_t>(d);
    }
    f[k] = v;
  }
  return f;
}

}  // namespace newsdesk
