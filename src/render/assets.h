// File: render/assets.h
//
// Files built into the binary (templates/, static/, i18n/), so `newsdesk`
// ships as one file. Paths are relative to the repository root:
// "templates/article.mustache", "static/site.css".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/asset.h"

namespace newsdesk {

const std::vector<Asset>& EmbeddedAssets();

// FindAsset returns the content of the embedded file at `path`.
std::optional<std::string_view> FindAsset(std::string_view path);

// ContentDigest is a stable 64-bit digest (FNV-1a) of `content` as 16 hex
// digits: the same bytes give the same digest on every node and every run,
// so it names assets and makes ETags.
std::string ContentDigest(std::string_view content);

// Content-hashed static names (issue 17): "static/site.css" is also served
// as /static/site.<10 hex digits>.css, an address that can be cached for
// ever since new content gets a new name. The templates are loaded with
// their "/static/…" links turned into these (Templates::Load).
//
// AssetHref is the hashed address of the static file at `path`
// ("/static/site.0123456789.css"); the plain address when there is no such file.
std::string AssetHref(std::string_view path);

// HashedAsset is what a hashed name under static/ ("static/site.0123456789.css")
// names: the plain path ("static/site.css") and whether the digest is the
// current content's; nullopt when `path` has no digest or no such file.
struct HashedAssetMatch {
  std::string path;
  bool current = false;
};
std::optional<HashedAssetMatch> HashedAsset(std::string_view path);

}  // namespace newsdesk
