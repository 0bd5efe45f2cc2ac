#include "common/config.h"

#include <fmt/format.h>

#include <toml++/toml.h>

namespace newsdesk {

namespace {

template <typename T>
Status ReadInteger(const toml::table& t, std::string_view key, const std::string& where, T& out, int64_t min,
                   int64_t max) {
  const toml::node* n = t.get(key);
  if (!n) return Status::Ok();
  auto v = n->value<int64_t>();
  if (!v || *v < min || *v > max)
    return Status::InvalidArgument(fmt::format("{}: '{}' must be an integer from {} to {}", where, key, min, max));
  out = static_cast<T>(*v);
  return Status::Ok();
}

Status ReadString(const toml::table& t, std::string_view key, const std::string& where, std::string& out) {
  const toml::node* n = t.get(key);
  if (!n) return Status::Ok();
  auto v = n->value<std::string>();
  if (!v) return Status::InvalidArgument(fmt::format("{}: '{}' must be a string", where, key));
  out = *v;
  return Status::Ok();
}

Status ReadBool(const toml::table& t, std::string_view key, const std::string& where, bool& out) {
  const toml::node* n = t.get(key);
  if (!n) return Status::Ok();
  auto v = n->value<bool>();
  if (!v) return Status::InvalidArgument(fmt::format("{}: '{}' must be true or false", where, key));
  out = *v;
  return Status::Ok();
}

}  // namespace

Status LoadConfigFile(const std::string& path, Config& c) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", path, src.begin.line, src.begin.column,
                                               e.description()));
  } catch (const std::exception& e) {
    return Status::IOError(fmt::format("{}: {}", path, e.what()));
  }
  ND_RETURN_IF_ERROR(ReadString(root, "data_dir", path, c.data_dir));
  if (const toml::table* s = root["server"].as_table()) {
    const std::string where = path + " [server]";
    ND_RETURN_IF_ERROR(ReadString(*s, "listen", where, c.listen));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "threads", where, c.threads, 0, 256));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "read_timeout_seconds", where, c.read_timeout_seconds, 1, 3600));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "max_header_bytes", where, c.max_header_bytes, 1024, 1 << 20));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "max_body_bytes", where, c.max_body_bytes, 1024, int64_t{1} << 30));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "page_cache_bytes", where, c.page_cache_bytes, 0, int64_t{1} << 34));
  }
  if (const toml::table* s = root["site"].as_table()) {
    const std::string where = path + " [site]";
    ND_RETURN_IF_ERROR(ReadString(*s, "name", where, c.site_name));
    ND_RETURN_IF_ERROR(ReadString(*s, "base_url", where, c.base_url));
    ND_RETURN_IF_ERROR(ReadString(*s, "zone_label", where, c.zone_label));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "utc_offset_minutes", where, c.utc_offset_minutes, -14 * 60, 14 * 60));
    if (const toml::node* n = s->get("editions")) {
      const toml::array* arr = n->as_array();
      if (!arr) return Status::InvalidArgument(where + ": 'editions' must be an array of language codes");
      c.editions.clear();
      for (const auto& e : *arr) {
        auto v = e.value<std::string>();
        if (!v) return Status::InvalidArgument(where + ": 'editions' must be an array of language codes");
        c.editions.push_back(*v);
      }
    }
  }
  if (const toml::table* s = root["ingest"].as_table()) {
    const std::string where = path + " [ingest]";
    ND_RETURN_IF_ERROR(ReadBool(*s, "enabled", where, c.ingest_enabled));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "workers", where, c.ingest_workers, 1, 64));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "default_interval_seconds", where, c.default_interval_seconds, 60, 86400 * 7));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "fetch_timeout_seconds", where, c.fetch_timeout_seconds, 1, 600));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "fetch_connect_timeout_seconds", where, c.fetch_connect_timeout_seconds, 1, 120));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "fetch_max_bytes", where, c.fetch_max_bytes, 1024, int64_t{1} << 30));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "per_host_delay_ms", where, c.per_host_delay_ms, 0, 600000));
    ND_RETURN_IF_ERROR(ReadString(*s, "user_agent", where, c.user_agent));
    ND_RETURN_IF_ERROR(ReadBool(*s, "allow_private_networks", where, c.allow_private_networks));
    if (const toml::node* n = s->get("allowed_hosts")) {
      const toml::array* arr = n->as_array();
      if (!arr) return Status::InvalidArgument(where + ": 'allowed_hosts' must be an array of \"host:port\"");
      c.allowed_hosts.clear();
      for (const auto& e : *arr) {
        auto v = e.value<std::string>();
        if (!v) return Status::InvalidArgument(where + ": 'allowed_hosts' must be an array of \"host:port\"");
        c.allowed_hosts.push_back(*v);
      }
    }
  }
  if (const toml::table* s = root["log"].as_table()) {
    ND_RETURN_IF_ERROR(ReadString(*s, "level", path + " [log]", c.log_level));
  }
  return ValidateConfig(c).WithContext(path);
}

Status ValidateConfig(const Config& c) {
  if (c.editions.empty()) return Status::InvalidArgument("at least one edition is required");
  for (const auto& e : c.editions) {
    bool ok = e.size() >= 2 && e.size() <= 3;
    for (char ch : e) ok = ok && ch >= 'a' && ch <= 'z';
    if (!ok) return Status::InvalidArgument(fmt::format("edition '{}' is not a lower-case language code", e));
  }
  if (c.listen.rfind(':') == std::string::npos)
    return Status::InvalidArgument(fmt::format("listen address '{}' must be host:port", c.listen));
  return Status::Ok();
}

}  // namespace newsdesk
