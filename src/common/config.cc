#include "common/config.h"

#include <cctype>

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

// ReadStrings reads an array of strings, which replaces `out`; `items`
// names them in the error ("an array of <items>").
Status ReadStrings(const toml::table& t, std::string_view key, const std::string& where, std::string_view items,
                   std::vector<std::string>& out) {
  const toml::node* n = t.get(key);
  if (!n) return Status::Ok();
  const auto bad = [&] {
    return Status::InvalidArgument(fmt::format("{}: '{}' must be an array of {}", where, key, items));
  };
  const toml::array* arr = n->as_array();
  if (!arr) return bad();
  std::vector<std::string> values;
  for (const auto& e : *arr) {
    auto v = e.value<std::string>();
    if (!v) return bad();
    values.push_back(*v);
  }
  out = std::move(values);
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
  if (const toml::table* s = root["jobs"].as_table()) {
    const std::string where = path + " [jobs]";
    ND_RETURN_IF_ERROR(ReadInteger(*s, "workers", where, c.jobs_workers, 0, 64));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "lease_seconds", where, c.jobs_lease_seconds, 3, 3600));
  }
  if (const toml::table* s = root["store"].as_table()) {
    const std::string where = path + " [store]";
    ND_RETURN_IF_ERROR(ReadString(*s, "database", where, c.database));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "max_connections", where, c.max_connections, 1, 1000));
  }
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
    ND_RETURN_IF_ERROR(ReadStrings(*s, "editions", where, "language codes", c.editions));
    ND_RETURN_IF_ERROR(ReadBool(*s, "noindex_machine_translations", where, c.noindex_machine_translations));
    ND_RETURN_IF_ERROR(ReadStrings(*s, "image_hosts", where, "host names", c.image_hosts));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "image_cache_bytes", where, c.image_cache_bytes, 0, int64_t{1} << 40));
  }
  if (const toml::table* s = root["publish"].as_table()) {  // issue 17
    const std::string where = path + " [publish]";
    ND_RETURN_IF_ERROR(ReadInteger(*s, "sitemap_max_urls", where, c.sitemap_max_urls, 1, 50000));
    ND_RETURN_IF_ERROR(ReadStrings(*s, "websub_hubs", where, "hub URLs", c.websub_hubs));
    ND_RETURN_IF_ERROR(ReadString(*s, "indexnow_key", where, c.indexnow_key));
    ND_RETURN_IF_ERROR(ReadString(*s, "indexnow_endpoint", where, c.indexnow_endpoint));
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
    ND_RETURN_IF_ERROR(ReadStrings(*s, "allowed_hosts", where, "\"host:port\"", c.allowed_hosts));
  }
  if (const toml::table* s = root["search"].as_table()) {
    ND_RETURN_IF_ERROR(ReadInteger(*s, "shards", path + " [search]", c.search_shards, 0, 64));
  }
  if (const toml::table* s = root["log"].as_table()) {
    ND_RETURN_IF_ERROR(ReadString(*s, "level", path + " [log]", c.log_level));
  }
  if (const toml::table* s = root["mail"].as_table()) {
    const std::string where = path + " [mail]";
    ND_RETURN_IF_ERROR(ReadString(*s, "smtp_url", where, c.mail_smtp_url));
    ND_RETURN_IF_ERROR(ReadString(*s, "outbox", where, c.mail_outbox));
    ND_RETURN_IF_ERROR(ReadString(*s, "username", where, c.mail_username));
    ND_RETURN_IF_ERROR(ReadString(*s, "password", where, c.mail_password));
    ND_RETURN_IF_ERROR(ReadBool(*s, "require_tls", where, c.mail_require_tls));
    ND_RETURN_IF_ERROR(ReadString(*s, "from", where, c.mail_from));
    ND_RETURN_IF_ERROR(ReadString(*s, "reply_to", where, c.mail_reply_to));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "timeout_seconds", where, c.mail_timeout_seconds, 1, 3600));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "connect_timeout_seconds", where, c.mail_connect_timeout_seconds, 1, 300));
  }
  if (const toml::table* s = root["readers"].as_table()) {
    const std::string where = path + " [readers]";
    ND_RETURN_IF_ERROR(ReadInteger(*s, "session_days", where, c.session_days, 1, 3650));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "confirm_token_hours", where, c.confirm_token_hours, 1, 24 * 30));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "reset_token_minutes", where, c.reset_token_minutes, 5, 24 * 60));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "login_failures_per_account", where, c.login_failures_per_account, 1, 1000));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "login_failures_per_address", where, c.login_failures_per_address, 1, 100000));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "account_mails_per_day", where, c.account_mails_per_day, 1, 100));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "account_mail_gap_seconds", where, c.account_mail_gap_seconds, 0, 86400));
    ND_RETURN_IF_ERROR(
        ReadInteger(*s, "login_failure_window_seconds", where, c.login_failure_window_seconds, 60, 86400));
    ND_RETURN_IF_ERROR(ReadString(*s, "premoderation", where, c.premoderation));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "comment_max_chars", where, c.comment_max_chars, 10, 100000));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "comment_hold_links", where, c.comment_hold_links, 0, 1000));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "new_account_max_links", where, c.new_account_max_links, 0, 1000));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "new_account_hours", where, c.new_account_hours, 0, 24 * 365));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "comment_edit_seconds", where, c.comment_edit_seconds, 0, 86400 * 30));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "comments_per_user", where, c.comments_per_user, 1, 100000));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "comments_per_address", where, c.comments_per_address, 1, 1000000));
    ND_RETURN_IF_ERROR(
        ReadInteger(*s, "comment_rate_window_seconds", where, c.comment_rate_window_seconds, 10, 86400));
  }
  if (const toml::table* s = root["desk"].as_table()) {
    ND_RETURN_IF_ERROR(ReadBool(*s, "mail", path + " [desk]", c.desk_mail_enabled));
  }
  if (const toml::table* s = root["digest"].as_table()) {
    const std::string where = path + " [digest]";
    ND_RETURN_IF_ERROR(ReadBool(*s, "enabled", where, c.digest_enabled));
    ND_RETURN_IF_ERROR(ReadString(*s, "send_time", where, c.digest_send_time));
    ND_RETURN_IF_ERROR(ReadString(*s, "time_zone", where, c.digest_time_zone));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "connections", where, c.digest_connections, 1, 64));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "rate_per_minute", where, c.digest_rate_per_minute, 0, 1000000));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "max_stories", where, c.digest_max_stories, 1, 200));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "max_hard_failures", where, c.digest_max_hard_failures, 1, 100));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "confirm_hours", where, c.digest_confirm_hours, 1, 24 * 30));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "confirmations_per_day", where, c.digest_confirmations_per_day, 1, 100));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "lease_seconds", where, c.digest_lease_seconds, 5, 3600));
  }
  if (const toml::table* s = root["translate"].as_table()) {
    const std::string where = path + " [translate]";
    ND_RETURN_IF_ERROR(ReadBool(*s, "enabled", where, c.translate_enabled));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "timeout_seconds", where, c.translate_timeout_seconds, 1, 3600));
    ND_RETURN_IF_ERROR(
        ReadInteger(*s, "connect_timeout_seconds", where, c.translate_connect_timeout_seconds, 1, 300));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "max_attempts", where, c.translate_max_attempts, 1, 20));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "backoff_ms", where, c.translate_backoff_ms, 0, 600000));
    ND_RETURN_IF_ERROR(
        ReadInteger(*s, "max_retry_after_seconds", where, c.translate_max_retry_after_seconds, 0, 86400));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "batch_chars", where, c.translate_batch_chars, 100, 1 << 20));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "batch_paragraphs", where, c.translate_batch_paragraphs, 1, 1000));
    ND_RETURN_IF_ERROR(
        ReadInteger(*s, "retry_failed_seconds", where, c.translate_retry_failed_seconds, 0, 86400 * 30));
    ND_RETURN_IF_ERROR(ReadInteger(*s, "interval_seconds", where, c.translate_interval_seconds, 1, 86400));
    if (const toml::node* n = s->get("servers")) {
      const toml::array* arr = n->as_array();
      if (!arr || !arr->is_array_of_tables())
        return Status::InvalidArgument(where + ": 'servers' must be an array of tables ([[translate.servers]])");
      c.translate_servers.clear();
      for (size_t i = 0; i < arr->size(); ++i) {
        const toml::table& t = *arr->get(i)->as_table();
        const std::string at = fmt::format("{} servers[{}]", where, i);
        TranslateServer server;
        ND_RETURN_IF_ERROR(ReadString(t, "kind", at, server.kind));
        ND_RETURN_IF_ERROR(ReadString(t, "url", at, server.url));
        ND_RETURN_IF_ERROR(ReadString(t, "api_key", at, server.api_key));
        if (const toml::node* r = t.get("requests_per_second")) {
          auto v = r->value<double>();
          if (!v || *v < 0 || *v > 100000)
            return Status::InvalidArgument(at + ": 'requests_per_second' must be a number from 0 to 100000");
          server.requests_per_second = *v;
        }
        if (const toml::node* pn = t.get("pairs")) {
          const toml::array* pairs = pn->as_array();
          if (!pairs) return Status::InvalidArgument(at + ": 'pairs' must be an array like [\"en-es\"]");
          for (const auto& e : *pairs) {
            auto v = e.value<std::string>();
            if (!v) return Status::InvalidArgument(at + ": 'pairs' must be an array like [\"en-es\"]");
            server.pairs.push_back(*v);
          }
        }
        c.translate_servers.push_back(std::move(server));
      }
    }
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
  auto http_url = [](const std::string& u) { return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0; };
  for (const auto& hub : c.websub_hubs)
    if (!http_url(hub)) return Status::InvalidArgument(fmt::format("publish websub_hubs: '{}' is not an http(s) URL", hub));
  // The hosts go into the Content-Security-Policy header as they are: a
  // host name and nothing else.
  for (const auto& host : c.image_hosts) {
    bool ok = !host.empty() && host.size() <= 253 && host.front() != '.' && host.front() != '-';
    for (char ch : host) ok = ok && (isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-');
    if (!ok)
      return Status::InvalidArgument(
          fmt::format("site image_hosts: '{}' is not a host name (letters, digits, '.' and '-')", host));
  }
  if (!c.indexnow_key.empty()) {
    bool ok = c.indexnow_key.size() >= 8 && c.indexnow_key.size() <= 128;
    for (char ch : c.indexnow_key) ok = ok && (isalnum(static_cast<unsigned char>(ch)) || ch == '-');
    if (!ok)
      return Status::InvalidArgument("publish indexnow_key must be 8 to 128 letters, digits or '-' (IndexNow's rule)");
    if (!http_url(c.indexnow_endpoint))
      return Status::InvalidArgument(
          fmt::format("publish indexnow_endpoint '{}' is not an http(s) URL", c.indexnow_endpoint));
  }
  if (!c.mail_smtp_url.empty() && c.mail_smtp_url.rfind("smtp://", 0) != 0 && c.mail_smtp_url.rfind("smtps://", 0) != 0)
    return Status::InvalidArgument(
        fmt::format("mail smtp_url '{}' must start with smtp:// or smtps://", c.mail_smtp_url));
  if (c.mail_from.find('@') == std::string::npos)
    return Status::InvalidArgument(fmt::format("mail from '{}' must contain an e-mail address", c.mail_from));
  {
    const std::string& t = c.digest_send_time;
    const bool hhmm = t.size() == 5 && t[2] == ':' && isdigit(static_cast<unsigned char>(t[0])) &&
                      isdigit(static_cast<unsigned char>(t[1])) && isdigit(static_cast<unsigned char>(t[3])) &&
                      isdigit(static_cast<unsigned char>(t[4])) && std::stoi(t.substr(0, 2)) < 24 &&
                      std::stoi(t.substr(3, 2)) < 60;
    if (!hhmm) return Status::InvalidArgument(fmt::format("digest send_time '{}' must be HH:MM", t));
  }
  if (c.premoderation != "none" && c.premoderation != "all" && c.premoderation != "first")
    return Status::InvalidArgument(
        fmt::format("readers premoderation '{}' must be none, all or first", c.premoderation));
  for (const auto& server : c.translate_servers) {
    if (server.kind != "libretranslate" && server.kind != "apertium")
      return Status::InvalidArgument(
          fmt::format("translate server kind '{}' must be libretranslate or apertium", server.kind));
    if (server.url.rfind("http://", 0) != 0 && server.url.rfind("https://", 0) != 0)
      return Status::InvalidArgument(
          fmt::format("translate server url '{}' must start with http:// or https://", server.url));
    for (const auto& pair : server.pairs) {
      const auto dash = pair.find('-');
      if (dash == std::string::npos || dash < 2 || pair.size() - dash - 1 < 2 || pair.substr(0, dash) == pair.substr(dash + 1))
        return Status::InvalidArgument(
            fmt::format("translate pair '{}' must be two different language codes, like \"en-es\"", pair));
    }
  }
  return Status::Ok();
}

}  // namespace newsdesk
