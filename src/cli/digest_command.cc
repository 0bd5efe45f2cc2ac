// `newsdesk digest preview|send`: the daily mailing by hand.
#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <fstream>

#include "cli/commands.h"
#include "digest/digest.h"
#include "store/store.h"

namespace newsdesk {

namespace {

TimePoint Now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

Result<DigestDay> ChosenDay(const Config& config, const std::string& date) {
  if (date.empty()) return PreviousLocalDay(Now(), config.digest_time_zone);
  return DigestDayOf(date, config.digest_time_zone);
}

std::atomic<bool> interrupted{false};

// Opened: what composing a digest needs from the data directory.
struct Opened {
  std::unique_ptr<Store> store;
  SiteSecret secret;
  std::shared_ptr<const Gazetteer> gazetteer;
};

Result<Opened> Open(const Config& config) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto secret = LoadSharedSiteSecret(**store, config.data_dir);
  if (!secret.ok()) return secret.status();
  auto gazetteer = LoadSiteGazetteer(**store);
  if (!gazetteer.ok()) return gazetteer.status();
  return Opened{std::move(*store), std::move(*secret), std::move(*gazetteer)};
}

}  // namespace

Status RunDigestPreview(const Config& config, const DigestPreviewFlags& flags) {
  auto day = ChosenDay(config, flags.date);
  if (!day.ok()) return day.status();
  const std::string edition = flags.edition.empty() ? config.editions.front() : flags.edition;
  if (std::find(config.editions.begin(), config.editions.end(), edition) == config.editions.end())
    return Status::InvalidArgument(fmt::format("there is no '{}' edition", edition));
  auto opened = Open(config);
  if (!opened.ok()) return opened.status();
  DigestComposer composer(*opened->store, config, opened->secret, opened->gazetteer);
  Subscriber sample;
  sample.id = 0;
  sample.email = "subscriber@example.org";
  sample.edition = edition;
  sample.entities = flags.entities;
  sample.state = SubscriberState::kConfirmed;
  auto message = composer.Compose(*day, sample);
  if (!message.ok()) return message.status();
  auto text = ComposeMessage(*message);
  if (!text.ok()) return text.status();
  if (!flags.html_path.empty()) {
    std::ofstream out(flags.html_path, std::ios::binary);
    out << message->html.value_or("");
    if (!out) return Status::IOError(flags.html_path + ": cannot write");
  }
  fmt::print("{}", *text);
  auto stories = composer.StoryCount(*day, edition);
  if (stories.ok() && *stories == 0)
    fmt::print(stderr, "note: {} has no articles in the {} edition, so no subscriber would get this mail\n", day->day,
               edition);
  return Status::Ok();
}

Status RunDigestSend(const Config& config, const std::string& date) {
  auto day = ChosenDay(config, date);
  if (!day.ok()) return day.status();
  if (!MailConfigured(config))
    return Status::InvalidArgument("mail is not configured: set [mail] smtp_url (or an outbox folder)");
  auto opened = Open(config);
  if (!opened.ok()) return opened.status();
  auto mailer = MakeMailer(config);
  DigestComposer composer(*opened->store, config, opened->secret, opened->gazetteer);
  DigestSender sender(*opened->store, config, composer, *mailer);
  // Ctrl-C stops after the messages in flight; the next `digest send` resumes.
  std::signal(SIGINT, [](int) { interrupted = true; });
  std::signal(SIGTERM, [](int) { interrupted = true; });
  const bool tty = ::isatty(STDERR_FILENO);
  auto report = sender.Run(
      *day,
      [&](const DigestProgress& p) {
        if (!tty || p.total() == 0) return;
        const int width = 30;
        const int filled = static_cast<int>(width * (p.sent + p.failed) / p.total());
        fmt::print(stderr, "\r[{}{}] {}/{} sent, {} failed, {} waiting", std::string(filled, '#'),
                   std::string(width - filled, ' '), p.sent, p.total(), p.failed, p.queued + p.sending);
      },
      &interrupted);
  if (tty) fmt::print(stderr, "\n");
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!report.ok()) return report.status();
  const auto& p = report->progress;
  fmt::print("digest {}: {} subscribers, {} sent, {} failed{}\n", day->day, p.total(), p.sent, p.failed,
             report->finished ? "" : fmt::format(", {} left for the next `digest send`", p.queued + p.sending));
  return Status::Ok();
}

}  // namespace newsdesk
