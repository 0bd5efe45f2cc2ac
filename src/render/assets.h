// File: render/assets.h
//
// Files built into the binary (templates/, static/, i18n/), so `newsdesk`
// ships as one file. Paths are relative to the repository root:
// "templates/article.mustache", "static/site.css".
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "common/asset.h"

namespace newsdesk {

const std::vector<Asset>& EmbeddedAssets();

// FindAsset returns the content of the embedded file at `path`.
std::optional<std::string_view> FindAsset(std::string_view path);

}  // namespace newsdesk
