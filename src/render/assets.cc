#include "render/assets.h"

#include <cstdint>

#include <fmt/format.h>

namespace newsdesk {

namespace {

// kHashedDigits: how much of the digest a hashed name carries.
constexpr size_t kHashedDigits = 10;

bool IsHex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

std::optional<std::string_view> FindAsset(std::string_view path) {
  for (const auto& a : EmbeddedAssets())
    if (a.path == path) return a.content;
  return std::nullopt;
}

std::string ContentDigest(std::string_view content) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : content) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

std::string AssetHref(std::string_view path) {
  const std::string plain = "/" + std::string(path);
  auto content = FindAsset(path);
  const size_t slash = path.rfind('/'), dot = path.rfind('.');
  if (!content || dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return plain;
  return "/" + std::string(path.substr(0, dot)) + "." + ContentDigest(*content).substr(0, kHashedDigits) +
         std::string(path.substr(dot));
}

std::optional<HashedAssetMatch> HashedAsset(std::string_view path) {
  // "static/site.0123456789.css": the digest sits between the last two dots.
  const size_t ext = path.rfind('.');
  if (ext == std::string_view::npos || ext < kHashedDigits + 1) return std::nullopt;
  const size_t start = ext - kHashedDigits;
  if (path[start - 1] != '.') return std::nullopt;
  std::string_view digest = path.substr(start, kHashedDigits);
  if (!IsHex(digest)) return std::nullopt;
  HashedAssetMatch m;
  m.path = std::string(path.substr(0, start - 1)) + std::string(path.substr(ext));
  auto content = FindAsset(m.path);
  if (!content) return std::nullopt;
  m.current = ContentDigest(*content).substr(0, kHashedDigits) == digest;
  return m;
}

}  // namespace newsdesk
