// OutboxMailer: each message as an .eml file in a folder (the "pickup
// directory" that IIS and many test setups know). A new site's mail works
// before it has an SMTP server: an editor opens the file, or a local MTA
// picks the folder up. Files appear whole: written under a dot-name, then
// renamed, so a reader of the folder never sees half a message.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "common/time.h"
#include "mail/mail.h"

namespace newsdesk {

namespace {

class OutboxMailer final : public Mailer {
 public:
  explicit OutboxMailer(std::string dir) : dir_(std::move(dir)) {}

  Status Send(const Message& message) override {
    auto text = ComposeMessage(message);
    if (!text.ok()) return text.status();
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return Status::Unavailable(fmt::format("mail outbox {}: {}", dir_, ec.message()));
    // Names sort by time, and the process id and a counter keep them apart.
    const auto now = std::chrono::system_clock::now();
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    const std::string name = fmt::format("{}-{:06}-{}-{}.eml", FormatCompact(now), micros % 1000000, ::getpid(),
                                         counter_.fetch_add(1));
    const std::string temp = dir_ + "/." + name + ".tmp";
    const std::string final_path = dir_ + "/" + name;
    // 0600: messages hold one-time links (confirmations, password resets).
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Status::Unavailable(fmt::format("mail outbox {}: {}", temp, std::strerror(errno)));
    size_t written = 0;
    while (written < text->size()) {
      ssize_t n = ::write(fd, text->data() + written, text->size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = errno;
        ::close(fd);
        ::unlink(temp.c_str());
        return Status::Unavailable(fmt::format("mail outbox {}: {}", temp, std::strerror(err)));
      }
      written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      const int err = errno;
      ::unlink(temp.c_str());
      return Status::Unavailable(fmt::format("mail outbox {}: {}", temp, std::strerror(err)));
    }
    if (::rename(temp.c_str(), final_path.c_str()) != 0) {
      const int err = errno;
      ::unlink(temp.c_str());
      return Status::Unavailable(fmt::format("mail outbox {}: {}", final_path, std::strerror(err)));
    }
    return Status::Ok();
  }

 private:
  // "20261205T021530": the UTC time, for names that sort as they were written.
  static std::string FormatCompact(std::chrono::system_clock::time_point t) {
    CivilTime c = ToCivil(std::chrono::time_point_cast<std::chrono::seconds>(t));
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}", c.year, c.month, c.day, c.hour, c.minute, c.second);
  }

  std::string dir_;
  std::atomic<uint64_t> counter_{0};
};

}  // namespace

std::unique_ptr<Mailer> MakeOutboxMailer(std::string dir) { return std::make_unique<OutboxMailer>(std::move(dir)); }

std::string OutboxDirectory(const Config& config) {
  if (!config.mail_smtp_url.empty() || config.mail_outbox.empty()) return "";
  std::filesystem::path p(config.mail_outbox);
  return p.is_absolute() ? p.string() : (std::filesystem::path(config.data_dir) / p).string();
}

bool MailConfigured(const Config& config) { return !config.mail_smtp_url.empty() || !config.mail_outbox.empty(); }

std::unique_ptr<Mailer> MakeMailer(const Config& config) {
  if (!config.mail_smtp_url.empty()) return MakeSmtpMailer(SmtpSettingsFromConfig(config));
  if (!config.mail_outbox.empty()) return MakeOutboxMailer(OutboxDirectory(config));
  return nullptr;
}

std::string MailDestination(const Config& config) {
  if (!config.mail_smtp_url.empty()) return "the SMTP server of [mail] smtp_url";
  if (!config.mail_outbox.empty()) return "the outbox folder " + OutboxDirectory(config);
  return "nowhere (no [mail] smtp_url or outbox)";
}

}  // namespace newsdesk
