#include "render/assets.h"

namespace newsdesk {

std::optional<std::string_view> FindAsset(std::string_view path) {
  for (const auto& a : EmbeddedAssets())
    if (a.path == path) return a.content;
  return std::nullopt;
}

}  // namespace newsdesk
