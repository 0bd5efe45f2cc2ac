// File: common/config.h
//
// `Config`: every setting of a newsdesk process, with its default. Loaded
// from a TOML file (`LoadConfigFile`), then overridden by command-line flags.
// Tests build a Config in code; nothing here reads the environment.
//
//   Config c;                                   // defaults
//   ND_RETURN_IF_ERROR(LoadConfigFile("site.toml", c));
//
// See config/newsdesk.example.toml for the file format.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/status.h"

namespace newsdesk {

// TranslateServer: one machine-translation server of [[translate.servers]]
// and the language pairs ("en-es") it serves.
struct TranslateServer {
  std::string kind;                 // "libretranslate" or "apertium"
  std::string url;                  // base URL: http://127.0.0.1:2737
  std::string api_key;              // LibreTranslate only; never logged
  std::vector<std::string> pairs;   // "from-to", ISO 639-1 codes as editions use them
  double requests_per_second = 10;  // this server's rate limit; 0 = none
};

struct Config {
  // data_dir holds the SQLite database and everything else newsdesk writes.
  std::string data_dir = "./data";

  // [jobs]
  unsigned jobs_workers = 0;         // jobs this node runs at once; 0 = [ingest] workers + 1
  unsigned jobs_lease_seconds = 30;  // a dead node's jobs are taken over this long after its last renewal

  // [store]
  // database: empty = SQLite's newsdesk.db in data_dir; "sqlite:PATH" = that
  // SQLite file; "postgresql://user:password@host:port/db" = PostgreSQL.
  // Never logged with its password.
  std::string database;
  unsigned max_connections = 16;  // per process, PostgreSQL only

  // [server]
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  unsigned threads = 0;                    // worker threads; 0 = one per core
  unsigned read_timeout_seconds = 30;      // idle keep-alive and slow clients
  size_t max_header_bytes = 16 * 1024;     // larger headers get 431
  size_t max_body_bytes = 1024 * 1024;     // larger bodies get 413
  size_t page_cache_bytes = 64 * 1024 * 1024;

  // [site]
  std::string site_name = "newsdesk";
  std::string base_url;                      // absolute URL for feeds; empty = from listen
  std::vector<std::string> editions = {"en", "ru"};  // the first is the default
  int utc_offset_minutes = 0;                // zone in which times are shown
  std::string zone_label = "UTC";            // printed after times
  // Machine translations no editor has reviewed are marked noindex: search
  // engines count automatically translated text as spam, and a review lifts it.
  bool noindex_machine_translations = true;
  // image_hosts: hosts whose images pages may show directly ("cdn.example.com");
  // every other remote image in a page goes through the site's image proxy
  // (/images/…, web/image_proxy.h), so the pages' CSP allows images only
  // from the site and these hosts (issue 18).
  std::vector<std::string> image_hosts;
  // image_cache_bytes: what the proxy keeps of fetched images under
  // DATA/images/; the least recently fetched go first.
  int64_t image_cache_bytes = int64_t{512} << 20;

  // [publish] (issue 17): what the site tells search engines and aggregators.
  // sitemap_max_urls: articles per sitemap file, at most the protocol's
  // 50,000; a month with more (or more than 50 MB) is split into numbered files.
  unsigned sitemap_max_urls = 50000;
  // websub_hubs: WebSub hubs every feed names (rel="hub") and the site
  // pings when articles are published (http(s) URLs).
  std::vector<std::string> websub_hubs;
  // indexnow_key: when set (8–128 letters, digits or '-'), published and
  // changed article addresses go to indexnow_endpoint, and /{key}.txt
  // proves the site's ownership of the key.
  std::string indexnow_key;
  std::string indexnow_endpoint = "https://api.indexnow.org/indexnow";

  // [ingest]
  bool ingest_enabled = true;              // serve fetches due sources in the background
  unsigned ingest_workers = 2;             // sources fetched at once
  unsigned default_interval_seconds = 900; // for sources added without --interval
  unsigned fetch_timeout_seconds = 30;
  unsigned fetch_connect_timeout_seconds = 10;
  size_t fetch_max_bytes = 10 * 1024 * 1024;
  unsigned per_host_delay_ms = 1000;
  std::string user_agent = "newsdesk/0.1 (news aggregator)";
  bool allow_private_networks = false;     // tests only: lets fetches reach loopback and private addresses
  std::vector<std::string> allowed_hosts;  // "host:port" exempt from the private-address guard

  // [search]
  unsigned search_shards = 0;              // index shard databases, written in parallel; 0 = one per hardware thread

  // [log]
  std::string log_level = "info";

  // [mail]: the SMTP server mail (confirmations, resets, newsletters) goes
  // through. Without one, each message is written as an .eml file into the
  // outbox folder (a "pickup directory"), so a new site's mail works at once;
  // with neither, mail is not configured.
  std::string mail_smtp_url;                  // smtp://host:port (STARTTLS when offered) or smtps://host:port
  std::string mail_outbox = "outbox";         // relative to data_dir; "" = none; used when smtp_url is empty
  std::string mail_username;                  // AUTH only when set
  std::string mail_password;                  // never logged
  bool mail_require_tls = false;              // refuse to send over a plain connection
  std::string mail_from = "newsdesk <newsdesk@localhost>";  // "Name <address>" or "address"
  std::string mail_reply_to;                  // empty: no Reply-To
  unsigned mail_timeout_seconds = 60;         // a whole message, connect to QUIT
  unsigned mail_connect_timeout_seconds = 10;

  // [readers]: accounts and comments.
  unsigned session_days = 30;                 // a log-in lasts this long
  unsigned confirm_token_hours = 48;          // e-mail confirmation links
  unsigned reset_token_minutes = 60;          // password reset links
  unsigned login_failures_per_account = 5;    // then wait out the window
  unsigned login_failures_per_address = 20;   // higher: many readers may share an address
  unsigned login_failure_window_seconds = 900;
  // Mail the account forms send to an address anyone may type (a reset
  // link, "this address has an account"): at most this many a day per
  // account and kind, and none sooner than the gap after the last.
  unsigned account_mails_per_day = 3;
  unsigned account_mail_gap_seconds = 120;
  std::string premoderation = "none";         // none | all | first (a user's first comment)
  unsigned comment_max_chars = 5000;
  unsigned comment_hold_links = 3;            // more links than this: held for a moderator
  unsigned new_account_max_links = 0;         // links a new account may post per comment
  unsigned new_account_hours = 24;            // how long an account counts as new
  unsigned comment_edit_seconds = 900;        // authors may edit their comment this long
  unsigned comments_per_user = 5;             // per window, then "wait"
  unsigned comments_per_address = 20;         // per window
  unsigned comment_rate_window_seconds = 600;

  // [digest]: the daily mailing.
  bool desk_mail_enabled = true;              // [desk] mail: the editors' daily summary, at digest send_time
  bool digest_enabled = true;                 // serve sends it on schedule
  std::string digest_send_time = "07:00";     // local time, HH:MM
  std::string digest_time_zone = "Europe/Moscow";  // IANA zone of send_time and of "the previous day"
  unsigned digest_connections = 4;            // SMTP connections in parallel, each reused
  unsigned digest_rate_per_minute = 0;        // provider's cap over a sliding minute; 0 = none
  unsigned digest_max_stories = 30;           // per digest; the rest are a link away
  unsigned digest_max_hard_failures = 3;      // permanent refusals in a row before an address is dropped
  unsigned digest_confirm_hours = 72;         // subscription confirmation links
  unsigned digest_confirmations_per_day = 3;  // confirmation mails to one address
  unsigned digest_lease_seconds = 30;         // a sender that stops renewing this long is taken over

  // [translate]: machine translation of articles into the other editions
  // (issue 9). A pair no server serves stays untranslated.
  bool translate_enabled = true;              // serve runs the translation pass periodically
  std::vector<TranslateServer> translate_servers;
  unsigned translate_timeout_seconds = 60;    // one request, connect to last byte
  unsigned translate_connect_timeout_seconds = 5;
  unsigned translate_max_attempts = 3;        // per request; 1 = no retries
  unsigned translate_backoff_ms = 500;        // doubles each retry
  unsigned translate_max_retry_after_seconds = 60;  // a longer Retry-After gives up for this pass
  unsigned translate_batch_chars = 4000;      // text per request
  unsigned translate_batch_paragraphs = 32;   // paragraphs per request
  unsigned translate_retry_failed_seconds = 900;    // a failed article is tried again after this
  unsigned translate_interval_seconds = 60;   // serve: between passes
};

// LoadConfigFile reads TOML from `path` into `config`, leaving settings the
// file doesn't name untouched. Errors name the file, the key and the reason.
Status LoadConfigFile(const std::string& path, Config& config);

// ValidateConfig checks values that can't be checked one key at a time.
Status ValidateConfig(const Config& config);

}  // namespace newsdesk
