// File: store/mailing_store.h
//
// MailingStore: the daily mailing's subscribers, each day's run with its
// lease, and one delivery per subscriber, so a run resumes without sending
// twice or skipping anyone; and the day's articles the digest ranks.
//
// One of the store's narrow interfaces: `Store` (store/store.h) is all of
// them, opened by OpenStore; a stage takes only the ones it uses.
// Thread-safety: safe to use from many threads at once; every write is
// atomic (all it was given, or nothing).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/article.h"

namespace newsdesk {

enum class SubscriberState { kPending, kConfirmed, kUnsubscribed, kBounced };
const char* SubscriberStateName(SubscriberState s);

// Subscriber: an address that asked for the daily digest.
struct Subscriber {
  int64_t id = 0;
  std::string email;                  // normalised (lower-case domain)
  std::string edition;                // the digest's language
  std::vector<std::string> entities;  // followed entities: their articles come first
  SubscriberState state = SubscriberState::kPending;
  TimePoint created_at{};
  std::optional<TimePoint> confirmation_sent_at;  // the last confirmation mail
  int confirmations_sent = 0;
  int hard_failures = 0;  // permanent SMTP refusals in a row
};

// DigestRun: one day's digest, sent to every subscriber confirmed when it began.
struct DigestRun {
  int64_t id = 0;
  std::string day;  // "YYYY-MM-DD": the local day whose articles it carries
  TimePoint started_at{};
  std::optional<TimePoint> finished_at;
};

enum class DeliveryState { kQueued, kSending, kSent, kFailed };

// Delivery: the digest of one run for one subscriber.
struct Delivery {
  int64_t run_id = 0;
  Subscriber subscriber;
  DeliveryState state = DeliveryState::kQueued;
  int attempts = 0;
  std::string last_error;
};

struct DigestProgress {
  int64_t queued = 0, sending = 0, sent = 0, failed = 0;
  int64_t total() const { return queued + sending + sent + failed; }
};

// DigestItem: an article of a day's digest with what ranks it.
struct DigestItem {
  ArticleSummary summary;  // with the edition's translation when there is one
  int64_t views = 0;
  int64_t comments = 0;
  std::vector<std::string> entities;  // the entities it mentions
};

class MailingStore {
 public:
  virtual ~MailingStore() = default;

  // SubscribePending records a request to subscribe `email`: a new address
  // is pending, an unsubscribed or bounced one pending again (with its
  // failures forgotten), a pending one takes the new edition and entities,
  // a confirmed one is left as it is. Returns the subscriber as stored.
  virtual Result<Subscriber> SubscribePending(const std::string& email, const std::string& edition,
                                              const std::vector<std::string>& entities, TimePoint now) = 0;
  virtual Result<Subscriber> GetSubscriber(int64_t id) = 0;
  // RecordConfirmationSent notes a confirmation mail (for the resend limit).
  virtual Status RecordConfirmationSent(int64_t id, TimePoint at) = 0;
  // SetSubscriberState confirms, unsubscribes (at once) or marks bounced.
  virtual Status SetSubscriberState(int64_t id, SubscriberState state) = 0;
  virtual Status SetSubscriberPreferences(int64_t id, const std::string& edition,
                                          const std::vector<std::string>& entities) = 0;
  virtual Result<int64_t> CountSubscribers(SubscriberState state) = 0;

  // DigestArticles lists the articles published in [from, to), with views,
  // visible comments and mentions, newest first, at most `limit`.
  virtual Result<std::vector<DigestItem>> DigestArticles(const std::string& edition, TimePoint from, TimePoint to,
                                                         int limit) = 0;

  // StartDigestRun begins the run of `day`, queueing one delivery per
  // confirmed subscriber, in one transaction; if the day's run exists it is
  // returned as it is (a restart resumes it, never queues anyone twice).
  virtual Result<DigestRun> StartDigestRun(const std::string& day, TimePoint now) = 0;
  virtual Result<std::optional<DigestRun>> FindDigestRun(const std::string& day) = 0;
  // LeaseDigestRun makes `holder` the run's only sender until `until`; it
  // fails (Unavailable, naming the holder) while another holder's lease
  // lasts, unless `holder_gone` says that holder is known dead.
  virtual Status LeaseDigestRun(int64_t run_id, const std::string& holder, TimePoint now, TimePoint until,
                                const std::function<bool(const std::string&)>& holder_gone) = 0;
  virtual Status ReleaseDigestRun(int64_t run_id, const std::string& holder) = 0;
  // RequeueInterrupted puts back in the queue the deliveries a sender left
  // "sending" when it died: the new holder of the run's lease calls it
  // first, so they are sent again, never skipped.
  virtual Status RequeueInterrupted(int64_t run_id) = 0;
  // ClaimDeliveries marks up to `limit` queued deliveries due at `now` as
  // sending and returns them, each with its subscriber.
  virtual Result<std::vector<Delivery>> ClaimDeliveries(int64_t run_id, int limit, TimePoint now) = 0;
  // FinishDelivery records the outcome: sent; retry at `retry_at` (a 4xx,
  // or the server down); or failed for good (a 5xx), which counts a hard
  // failure on the subscriber and after `max_hard_failures` in a row marks
  // the address bounced. A sent delivery clears the count.
  enum class DeliveryOutcome { kSent, kRetry, kFailed };
  virtual Status FinishDelivery(int64_t run_id, int64_t subscriber_id, DeliveryOutcome outcome,
                                const std::string& error, TimePoint retry_at, int max_hard_failures) = 0;
  virtual Result<DigestProgress> GetDigestProgress(int64_t run_id) = 0;
  // NextDeliveryAt is the earliest retry time of the run's queued deliveries.
  virtual Result<std::optional<TimePoint>> NextDeliveryAt(int64_t run_id) = 0;
  virtual Status FinishDigestRun(int64_t run_id, TimePoint at) = 0;
};

}  // namespace newsdesk
