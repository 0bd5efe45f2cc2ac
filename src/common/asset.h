// File: common/asset.h
//
// A file built into the binary (cmake/embed_assets.cmake), so `newsdesk`
// ships as one file: its path relative to the repository root and content.
#pragma once

#include <string_view>

namespace newsdesk {

struct Asset {
  std::string_view path;
  std::string_view content;
};

}  // namespace newsdesk
