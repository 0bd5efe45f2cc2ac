// File: store/settings.h
//
// Settings: site-wide values every node shares (the site secret, the demo
// editor), written once by whichever node comes first, and watermarks that
// only move forward.
//
// One of the store's narrow interfaces: `Store` (store/store.h) is all of
// them, opened by OpenStore; a stage takes only the ones it uses.
// Thread-safety: safe to use from many threads at once; every write is
// atomic (all it was given, or nothing).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/article.h"

namespace newsdesk {



class Settings {
 public:
  virtual ~Settings() = default;

  virtual Result<std::optional<std::string>> GetSetting(const std::string& name) = 0;
  // PutSettingIfAbsent stores `value` unless `name` has one already, and
  // returns the stored one: whoever writes first wins, on every node.
  virtual Result<std::string> PutSettingIfAbsent(const std::string& name, const std::string& value) = 0;
  // RaiseSetting stores `value` as `name`'s number unless it holds a larger
  // one already, and returns the number stored: a watermark that nodes
  // racing each other only ever move forward (the publish pings').
  virtual Result<int64_t> RaiseSetting(const std::string& name, int64_t value) = 0;
};

}  // namespace newsdesk
