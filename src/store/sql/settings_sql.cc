// settings_sql.cc: Settings (store/settings.h): site-wide values.
#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/minhash.h"
#include "common/text.h"
#include "common/time.h"
#include "model/block_json.h"
#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

Result<std::optional<std::string>> SqlStore::GetSetting(const std::string& name) {
  return WithConnection<std::optional<std::string>>([&](Connection& c) -> Result<std::optional<std::string>> {
    auto p = c.Prepare("SELECT value FROM settings WHERE name = ?1");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, name);
    const int rc = st.Step();
    if (rc == kRow) return std::optional<std::string>(st.Text(0));
    if (rc == kDone) return std::optional<std::string>();
    return Status::IOError(c.LastError());
  });
}

Result<std::string> SqlStore::PutSettingIfAbsent(const std::string& name, const std::string& value) {
  auto put = WithConnection<bool>([&](Connection& c) -> Result<bool> {
    auto p = c.Prepare("INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, name).Bind(2, value);
    if (st.Step() != kDone) return Status::IOError(c.LastError());
    return true;
  });
  if (!put.ok()) return put.status();
  auto stored = GetSetting(name);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return Status::Internal(fmt::format("setting {} vanished", name));
  return **stored;
}

}  // namespace newsdesk::sql
