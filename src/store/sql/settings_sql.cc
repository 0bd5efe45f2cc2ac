// settings_sql.cc: Settings (store/settings.h), site-wide values.
#include <fmt/format.h>

#include <optional>
#include <string>

#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

Result<std::optional<std::string>> SqlStore::GetSetting(const std::string& name) {
  return WithConnection<std::optional<std::string>>([&](Connection& c) {
    return QueryOne<std::string>(c, "SELECT value FROM settings WHERE name = ?1",
                                 [&](Stmt& st) { st.Bind(1, name); }, [](const Stmt& st) { return st.Text(0); });
  });
}

Result<std::string> SqlStore::PutSettingIfAbsent(const std::string& name, const std::string& value) {
  ND_RETURN_IF_ERROR(WithConnection<bool>([&](Connection& c) -> Result<bool> {
    ND_RETURN_IF_ERROR(Exec(c, "INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
                            [&](Stmt& st) { st.Bind(1, name).Bind(2, value); }));
    return true;
  }).status());
  auto stored = GetSetting(name);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return Status::Internal(fmt::format("setting {} vanished", name));
  return **stored;
}

Result<int64_t> SqlStore::RaiseSetting(const std::string& name, int64_t value) {
  // One statement raises, so two nodes raising at once keep the larger value.
  return pool_.WriteReturning<int64_t>([&](Connection& c) -> Result<int64_t> {
    ND_RETURN_IF_ERROR(Exec(c,
                            "INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE "
                            "SET value = excluded.value "
                            "WHERE CAST(settings.value AS BIGINT) < CAST(excluded.value AS BIGINT)",
                            [&](Stmt& st) { st.Bind(1, name).Bind(2, std::to_string(value)); }));
    return QueryInt(c, "SELECT CAST(value AS BIGINT) FROM settings WHERE name = ?1", [&](Stmt& st) { st.Bind(1, name); });
  });
}

}  // namespace newsdesk::sql
