// File: digest/digest.h
//
// Front door of the mail stage's daily mailing: readers subscribe with
// double opt-in (`Subscriptions`), every morning the previous day's articles
// of each subscriber's edition go out as one mail (`DigestComposer` builds
// it, `DigestSender` sends a day's run), and every mail can be unsubscribed
// from with one click.
//
//   Subscriptions subs(store, config, mailer, secret);
//   subs.Subscribe("reader@example.org", "ru", {"nato"});   // sends the confirmation
//
//   DigestComposer composer(store, config, secret, gazetteer);
//   DigestSender sender(store, config, composer, mailer);
//   auto day = PreviousLocalDay(Now(), config.digest_time_zone);
//   sender.Run(*day, progress);        // resumes a run a crash or kill stopped
//
// Sending never repeats or skips anyone: each (day, subscriber) delivery is
// written as "sending" before the SMTP transaction and "sent" after it, one
// sender holds a day's run at a time (a lease it renews), and a delivery a
// dead sender left "sending" is sent again with the same Message-ID, so the
// one message that may reach a mailbox twice (accepted by the server just
// before the kill) is recognisably the same message.
//
// Thread-safety: the classes may be used from many threads; Run runs one
// day at a time per sender.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "mail/mail.h"
#include "mentions/gazetteer.h"
#include "readers/readers.h"
#include "store/store.h"

namespace newsdesk {

class Templates;
class Catalog;

// SiteBaseUrl is where mail links point: [site] base_url, or else the
// address `serve` listens on, without a trailing slash.
std::string SiteBaseUrl(const Config& config);

// --- days and schedule --------------------------------------------------------

// DigestDay: a local calendar day and its bounds in UTC.
struct DigestDay {
  std::string day;  // "YYYY-MM-DD"
  TimePoint from{}, to{};
};

// DigestDayOf reads "YYYY-MM-DD" as a day in IANA zone `time_zone`.
Result<DigestDay> DigestDayOf(const std::string& day, const std::string& time_zone);
// PreviousLocalDay is the day before the one `now` falls on in `time_zone`.
Result<DigestDay> PreviousLocalDay(TimePoint now, const std::string& time_zone);
// NextSendTime is the first instant at or after `now` when the local clock
// of `time_zone` shows `hh_mm`.
Result<TimePoint> NextSendTime(TimePoint now, const std::string& hh_mm, const std::string& time_zone);

// --- signed links ------------------------------------------------------------------

// LinkSigner makes the tokens of subscription links: the subscriber's id,
// an expiry and a keyed BLAKE2b MAC over both and the link's purpose, so no
// login is needed and nothing is stored.
class LinkSigner {
 public:
  enum class Purpose { kConfirm, kManage };  // manage: preferences and unsubscribe
  explicit LinkSigner(SiteSecret secret) : secret_(std::move(secret)) {}
  // Sign makes a token valid until `expires` (nullopt: no expiry).
  std::string Sign(Purpose purpose, int64_t subscriber_id, std::optional<TimePoint> expires) const;
  // Verify returns the subscriber id, or InvalidArgument ("expired" or "not valid").
  Result<int64_t> Verify(Purpose purpose, const std::string& token, TimePoint now) const;

 private:
  std::string Mac(Purpose purpose, const std::string& payload) const;
  SiteSecret secret_;
};

// --- subscribing --------------------------------------------------------------------

class Subscriptions {
 public:
  using Clock = std::function<TimePoint()>;
  Subscriptions(MailingStore& store, const Config& config, Mailer& mailer, SiteSecret secret, Clock clock = nullptr);

  // Subscribe asks `email` to confirm: a pending address gets a confirmation
  // mail (at most one per 10 minutes and `digest_confirmations_per_day`
  // a day; past that nothing is sent, and the answer is the same, so the
  // form says nothing about who subscribes). A confirmed address keeps its
  // settings. InvalidArgument for a malformed address or unknown edition;
  // Unavailable when the confirmation mail could not be sent.
  Status Subscribe(const std::string& email, const std::string& edition, const std::vector<std::string>& entities);
  // Confirm turns a confirmation token into a confirmed subscriber.
  Result<Subscriber> Confirm(const std::string& token);
  // Manage reads the subscriber of a manage token (preferences page).
  Result<Subscriber> Manage(const std::string& token);
  // Unsubscribe stops the mailing at once (one-click: no confirmation).
  Result<Subscriber> Unsubscribe(const std::string& token);
  Status UpdatePreferences(const std::string& token, const std::string& edition,
                           const std::vector<std::string>& entities);

  // ManageUrl and UnsubscribeUrl are the absolute links a subscriber's mails carry.
  std::string ManageUrl(const Subscriber& s) const;
  std::string UnsubscribeUrl(const Subscriber& s) const;

 private:
  Status SendConfirmation(const Subscriber& s);
  TimePoint Now() const;
  // SubscriberOfLink is the subscriber a signed link for `purpose` names.
  Result<Subscriber> SubscriberOfLink(LinkSigner::Purpose purpose, const std::string& token);

  MailingStore& store_;
  const Config& config_;
  const std::string base_url_;
  Mailer& mailer_;
  LinkSigner signer_;
  Clock clock_;
};

// --- building -------------------------------------------------------------------------

// DigestComposer builds a subscriber's digest of a day: the day's articles
// in their edition, grouped by story (near-duplicates under one headline,
// "also reported by" the others' sources), the stories ordered by interest
// (comments, then views, then time) and capped at `digest_max_stories`, the
// stories mentioning a followed entity first; headline (the edition's
// translation, or the original with its language marked), source, time and
// lead paragraph, each linking to the site. HTML with inline styles plus a
// plain-text part; List-Unsubscribe and List-Unsubscribe-Post headers; a
// Message-ID fixed by day and subscriber.
class DigestComposer {
 public:
  DigestComposer(MailingStore& store, const Config& config, SiteSecret secret,
                 std::shared_ptr<const Gazetteer> gazetteer = nullptr);
  ~DigestComposer();

  // Compose builds the message; the day's articles are read once per edition
  // and kept (a run builds thousands of messages from them).
  Result<Message> Compose(const DigestDay& day, const Subscriber& subscriber);
  // StoryCount is how many stories the edition's digest of `day` has (0: none is sent).
  Result<int> StoryCount(const DigestDay& day, const std::string& edition);

 private:
  struct Story;
  struct Edition;
  Result<std::shared_ptr<const Edition>> EditionOf(const DigestDay& day, const std::string& edition);

  MailingStore& store_;
  const Config& config_;
  const std::string base_url_;
  LinkSigner signer_;
  std::shared_ptr<const Gazetteer> gazetteer_;
  std::unique_ptr<Templates> templates_;
  std::map<std::string, std::unique_ptr<Catalog>> catalogs_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Edition>> editions_;  // GUARDED_BY(mu_); key: day + edition
};

// --- sending ------------------------------------------------------------------------------

// DigestStats: counters for /metrics and the operator.
struct DigestStats {
  std::atomic<int64_t> sent{0}, retried{0}, failed{0}, server_unavailable{0};
  std::atomic<int64_t> last_run_finished{0};  // unix seconds
};

struct DigestReport {
  DigestProgress progress;
  bool finished = false;  // every delivery sent or failed for good
};

// SlidingWindowLimiter admits at most `max` events in any `window` (0: no
// limit): mail providers cap sends per minute, not per calendar minute.
class SlidingWindowLimiter {
 public:
  SlidingWindowLimiter(unsigned max, std::chrono::steady_clock::duration window);
  // Wait blocks until one more is allowed; false when `stop` turned true first.
  bool Wait(const std::atomic<bool>& stop);

 private:
  const size_t max_;
  const std::chrono::steady_clock::duration window_;
  std::mutex mu_;
  std::deque<std::chrono::steady_clock::time_point> recent_;  // GUARDED_BY(mu_)
};

class DigestSender {
 public:
  using Clock = std::function<TimePoint()>;
  using Progress = std::function<void(const DigestProgress&)>;
  DigestSender(MailingStore& store, const Config& config, DigestComposer& composer, Mailer& mailer,
               DigestStats* stats = nullptr, Clock clock = nullptr);

  // Run sends `day`'s digest to every subscriber confirmed when the run
  // began (a run that exists is resumed), over `digest_connections`
  // connections at once, within `digest_rate_per_minute`. 4xx answers are
  // retried with growing waits, a server that is down is waited for, 5xx
  // answers fail that delivery for good. Returns when every delivery is
  // done or `stop` turns true (resumable later); Unavailable when another
  // live sender holds the run.
  Result<DigestReport> Run(const DigestDay& day, const Progress& progress = nullptr,
                           const std::atomic<bool>* stop = nullptr);

 private:
  TimePoint Now() const;

  MailingStore& store_;
  const Config& config_;
  DigestComposer& composer_;
  Mailer& mailer_;
  DigestStats* stats_;
  Clock clock_;
};

// SenderIdentity names this process for run leases: "host:pid".
std::string SenderIdentity();
// SenderIsGone tells whether a lease holder named by SenderIdentity is a
// process of this host that no longer runs.
bool SenderIsGone(const std::string& identity);

}  // namespace newsdesk
