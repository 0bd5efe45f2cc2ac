#include "digest/desk_mail.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "digest/digest.h"
#include "render/catalog.h"

namespace newsdesk {

namespace {
constexpr size_t kListedSources = 20;
}  // namespace

bool DeskSummary::Quiet() const {
  return failing_count == 0 && incoming == 0 && scheduled == 0 && held_comments == 0 && reported_comments == 0 &&
         translation_failures == 0 && failed_jobs == 0;
}

Result<DeskSummary> GatherDeskSummary(Store& store) {
  DeskSummary s;
  auto sources = store.ListSourceStatuses();
  if (!sources.ok()) return sources.status();
  for (const auto& source : *sources) {
    if (StateOf(source) != SourceState::kFailing) continue;
    ++s.failing_count;
    DeskSummary::FailingSource f{source.source.id, source.source.name, "", 0};
    for (const auto& feed : source.feeds) {
      if (feed.paused || feed.consecutive_failures <= f.failures) continue;
      f.failures = feed.consecutive_failures;
      f.error = feed.last_error.empty() ? feed.last_status : feed.last_error;
    }
    s.failing_sources.push_back(std::move(f));
  }
  std::stable_sort(s.failing_sources.begin(), s.failing_sources.end(),
                   [](const auto& a, const auto& b) { return a.failures > b.failures; });
  if (s.failing_sources.size() > kListedSources) s.failing_sources.resize(kListedSources);
  auto unpublished = store.CountUnpublished();
  if (!unpublished.ok()) return unpublished.status();
  for (const auto& c : *unpublished) {
    if (c.publication == Publication::kHeld) s.incoming = c.count;
    if (c.publication == Publication::kScheduled) s.scheduled = c.count;
  }
  auto held = store.CountCommentQueue(CommentQueue::kPending);
  if (!held.ok()) return held.status();
  s.held_comments = *held;
  auto reported = store.CountCommentQueue(CommentQueue::kReported);
  if (!reported.ok()) return reported.status();
  s.reported_comments = *reported;
  auto failures = store.CountTranslationFailures();
  if (!failures.ok()) return failures.status();
  s.translation_failures = *failures;
  auto jobs = store.CountJobs();
  if (!jobs.ok()) return jobs.status();
  s.failed_jobs = jobs->failed;
  return s;
}

Result<Message> DeskMailMessage(const DeskSummary& s, const User& to, const Config& config,
                                const std::string& language, const std::string& base_url) {
  auto cat = Catalog::Load(language);
  if (!cat.ok()) return cat.status();
  auto from = ParseAddress(config.mail_from);
  if (!from.ok()) return from.status().WithContext("[mail] from");
  auto n = [](int64_t v) { return std::to_string(v); };
  const std::string desk = base_url + "/desk/";
  Message m;
  m.from = *from;
  m.to = {{to.display_name, to.email}};
  m.subject = s.Quiet() ? cat->Format("desk_mail_subject_quiet", {{"site", config.site_name}})
                        : cat->Format("desk_mail_subject", {{"site", config.site_name},
                                                            {"failing", n(s.failing_count)},
                                                            {"incoming", n(s.incoming)},
                                                            {"comments", n(s.held_comments + s.reported_comments)}});
  std::string text = cat->Format("desk_mail_hello", {{"name", to.display_name}}) + "\n\n";
  if (s.Quiet()) text += cat->Get("desk_mail_quiet") + "\n\n";
  if (s.failing_count > 0) {
    text += cat->Format("desk_mail_failing", {{"n", n(s.failing_count)}}) + "\n";
    for (const auto& f : s.failing_sources)
      text += fmt::format("  - {} ({}): {}\n    {}sources/{}\n", f.name, f.failures, f.error, desk, f.id);
    text += "  " + desk + "sources?filter=failing\n\n";
  }
  struct Line {
    int64_t count;
    const char* key;
    std::string href;
  };
  for (const Line& l : {Line{s.incoming, "desk_mail_incoming", desk + "articles?state=held"},
                        Line{s.scheduled, "desk_mail_scheduled", desk + "articles?state=scheduled"},
                        Line{s.held_comments, "desk_mail_held_comments", desk + "comments"},
                        Line{s.reported_comments, "desk_mail_reported", desk + "comments?tab=reported"},
                        Line{s.translation_failures, "desk_mail_translation_failures", desk + "translations"},
                        Line{s.failed_jobs, "desk_mail_failed_jobs", desk + "jobs"}}) {
    if (l.count == 0) continue;
    text += cat->Format(l.key, {{"n", n(l.count)}}) + "\n  " + l.href + "\n\n";
  }
  text += "-- \n" + cat->Format("desk_mail_footer", {{"site", config.site_name}, {"desk", desk}}) + "\n";
  m.text = std::move(text);
  return m;
}

Result<int> DeskMail::Send(const std::string& day, TimePoint now) {
  auto recipients = store_.DeskMailRecipients(day);
  if (!recipients.ok()) return recipients.status();
  if (recipients->empty()) return 0;
  auto summary = GatherDeskSummary(store_);
  if (!summary.ok()) return summary.status();
  const std::string& first = config_.editions.empty() ? std::string("en") : config_.editions.front();
  const std::string language = first == "ru" ? "ru" : "en";  // the desk speaks these two
  int sent = 0;
  Status first_failure;
  for (const User& u : *recipients) {
    auto message = DeskMailMessage(*summary, u, config_, language, SiteBaseUrl(config_));
    if (!message.ok()) return message.status();
    message->message_id = fmt::format("desk-{}-{}", day, u.id);  // a resend is recognisably the same mail
    if (Status s = mailer_.Send(*message); !s.ok()) {
      spdlog::warn("desk mail of {} to user {}: {}", day, u.id, s.ToString());
      if (first_failure.ok()) first_failure = s;
      continue;
    }
    ND_RETURN_IF_ERROR(store_.RecordDeskMailSent(day, u.id, now));
    ++sent;
  }
  if (!first_failure.ok()) return first_failure.WithContext(fmt::format("desk mail of {}: {} sent", day, sent));
  return sent;
}

}  // namespace newsdesk
