// File: digest/desk_mail.h
//
// The daily desk mail (issue 16): every morning each editor and admin who
// has not switched it off gets one plain mail saying what needs a person on
// the desk — failing sources with their error, the incoming queue and the
// scheduled articles, held and reported comments, translation failures and
// failed jobs — each with its desk address. It goes out at [digest]
// send_time, in the site's first edition's language ([desk] mail = false
// turns it off for the whole site).
//
//   auto summary = GatherDeskSummary(store);          // also the desk's own overview counts
//   DeskMail mail(store, config, mailer);
//   auto sent = mail.Send("2026-12-07", now);         // who has had the day's mail is skipped
//
// Sending one editor's mail failing leaves it for the next try (the job is
// retried) and goes on with the others; nobody gets a day's mail twice.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "mail/mail.h"
#include "store/store.h"

namespace newsdesk {

// DeskSummary: what needs a person on the desk now.
struct DeskSummary {
  struct FailingSource {
    int64_t id = 0;
    std::string name;
    std::string error;  // the last fetch's error
    int failures = 0;   // in a row
  };
  std::vector<FailingSource> failing_sources;  // the 20 with most failures in a row
  int64_t failing_count = 0;
  int64_t incoming = 0;   // articles held for review
  int64_t scheduled = 0;
  int64_t held_comments = 0;
  int64_t reported_comments = 0;
  int64_t translation_failures = 0;
  int64_t failed_jobs = 0;
  // Quiet: nothing waits for anyone.
  bool Quiet() const;
};

Result<DeskSummary> GatherDeskSummary(Store& store);

// DeskMailMessage is one editor's mail of `summary`, in `language` ("en"
// or "ru"), with links under `base_url`.
Result<Message> DeskMailMessage(const DeskSummary& summary, const User& to, const Config& config,
                                const std::string& language, const std::string& base_url);

class DeskMail {
 public:
  DeskMail(Store& store, const Config& config, Mailer& mailer) : store_(store), config_(config), mailer_(mailer) {}
  // Send mails day `day`'s summary to every editor and admin who wants it
  // and has not had it; how many were sent now. The first failure is the
  // error when some could not be sent (they are tried again next time).
  Result<int> Send(const std::string& day, TimePoint now);

 private:
  Store& store_;
  const Config& config_;
  Mailer& mailer_;
};

}  // namespace newsdesk
