// SmtpMailer: SMTP through libcurl. Finished handles go back to a pool with
// their connection open, so the next message skips the connect, greeting,
// STARTTLS and AUTH; a handle whose send failed is dropped with its
// connection, which may be in any state.
#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "mail/mail.h"

namespace newsdesk {

namespace {

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadChunk(char* buffer, size_t size, size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, up->data->size() - up->offset);
  std::memcpy(buffer, up->data->data() + up->offset, n);
  up->offset += n;
  return n;
}

// KeepReply keeps the server's first refusal (a 4xx or 5xx line), or else
// its last reply. Only what the server says (CURLINFO_HEADER_IN) is looked
// at: our own lines carry the AUTH secret.
struct Replies {
  std::string refusal;
  std::string last;
};
int KeepReply(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;
  auto* replies = static_cast<Replies*>(user);
  std::string line(data, size);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.empty()) return 0;
  if (replies->refusal.empty() && (line[0] == '4' || line[0] == '5')) replies->refusal = line;
  replies->last = std::move(line);
  return 0;
}

struct CurlSlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

class SmtpMailer final : public Mailer {
 public:
  explicit SmtpMailer(SmtpSettings settings) : settings_(std::move(settings)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  Status Send(const Message& message) override {
    if (settings_.url.empty()) return Status::InvalidArgument("mail is not configured: set [mail] smtp_url");
    auto text = ComposeMessage(message);
    if (!text.ok()) return text.status();

    std::unique_ptr<CURL, CurlDeleter> curl = Acquire();
    if (!curl) return Status::Internal("curl_easy_init failed");
    CURL* c = curl.get();
    std::unique_ptr<curl_slist, CurlSlistDeleter> rcpt;
    for (const Address& a : message.to) {
      curl_slist* next = curl_slist_append(rcpt.get(), ("<" + a.email + ">").c_str());
      if (!next) return Status::Internal("out of memory");
      (void)rcpt.release();
      rcpt.reset(next);
    }
    Upload upload{&*text};
    Replies replies;
    char error[CURL_ERROR_SIZE] = "";
    const std::string from = "<" + message.from.email + ">";
    curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadChunk);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(text->size()));
    curl_easy_setopt(c, CURLOPT_USE_SSL, settings_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY);
    if (!settings_.username.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, settings_.username.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
      // The credentials go with the AUTH command (RFC 4954 initial response):
      // one round trip less, and servers that answer "334 " to a bare
      // AUTH PLAIN are not left waiting.
      curl_easy_setopt(c, CURLOPT_SASL_IR, 1L);
    }
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout_seconds));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(settings_.connect_timeout_seconds));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, KeepReply);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, &replies);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);  // feeds KeepReply; nothing is printed

    const CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) {
      spdlog::debug("mail: sent \"{}\" to {} recipient(s)", message.subject, message.to.size());
      // The options point at this call's locals: cleared before the handle waits for its next message.
      curl_easy_setopt(c, CURLOPT_MAIL_RCPT, nullptr);
      curl_easy_setopt(c, CURLOPT_READDATA, nullptr);
      curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
      curl_easy_setopt(c, CURLOPT_DEBUGDATA, nullptr);
      Release(std::move(curl));
      return Status::Ok();
    }
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    const std::string& reply = replies.refusal.empty() ? replies.last : replies.refusal;
    const std::string what = fmt::format("sending mail through {} failed: {}{}", Redacted(),
                                         error[0] ? error : curl_easy_strerror(rc),
                                         reply.empty() ? "" : fmt::format(" (server: \"{}\")", reply));
    spdlog::warn("{}", what);
    if (code >= 400 && code < 500) return Status::Unavailable(what);
    if (code >= 500) return Status::InvalidArgument(what);
    switch (rc) {
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_OPERATION_TIMEDOUT:
      case CURLE_SEND_ERROR:
      case CURLE_RECV_ERROR:
      case CURLE_GOT_NOTHING:
      case CURLE_SSL_CONNECT_ERROR:
        return Status::Unavailable(what);
      case CURLE_LOGIN_DENIED:
      case CURLE_USE_SSL_FAILED:
      case CURLE_URL_MALFORMAT:
      case CURLE_UNSUPPORTED_PROTOCOL:
        return Status::InvalidArgument(what);
      default:
        return Status::IOError(what);
    }
  }

 private:
  // Redacted is the server URL without any user:password@ part.
  std::string Redacted() const {
    const size_t scheme = settings_.url.find("://");
    const size_t at = settings_.url.rfind('@');
    if (scheme == std::string::npos || at == std::string::npos || at < scheme) return settings_.url;
    return settings_.url.substr(0, scheme + 3) + settings_.url.substr(at + 1);
  }

  std::unique_ptr<CURL, CurlDeleter> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        auto handle = std::move(idle_.back());
        idle_.pop_back();
        return handle;
      }
    }
    return std::unique_ptr<CURL, CurlDeleter>(curl_easy_init());
  }

  void Release(std::unique_ptr<CURL, CurlDeleter> handle) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(handle));
  }

  static constexpr size_t kMaxIdle = 16;
  const SmtpSettings settings_;
  std::mutex mu_;
  std::vector<std::unique_ptr<CURL, CurlDeleter>> idle_;  // GUARDED_BY(mu_)
};

}  // namespace

bool RefusedByServer(const Status& send_status) {
  // Send quotes the server's refusal as (server: "4xx …") or (server: "5xx …").
  const std::string& m = send_status.message();
  const size_t at = m.find("(server: \"");
  return at != std::string::npos && at + 11 < m.size() && (m[at + 11] == '4' || m[at + 11] == '5');
}

SmtpSettings SmtpSettingsFromConfig(const Config& config) {
  SmtpSettings s;
  s.url = config.mail_smtp_url;
  s.username = config.mail_username;
  s.password = config.mail_password;
  s.require_tls = config.mail_require_tls;
  s.timeout_seconds = static_cast<int>(config.mail_timeout_seconds);
  s.connect_timeout_seconds = static_cast<int>(config.mail_connect_timeout_seconds);
  return s;
}

std::unique_ptr<Mailer> MakeSmtpMailer(SmtpSettings settings) {
  return std::make_unique<SmtpMailer>(std::move(settings));
}

}  // namespace newsdesk
