// File: publish/pings.h
//
// Front door of publishing outward (issue 17, part 3): when articles are
// published or change, the site tells the WebSub hubs its feeds name
// ([publish] websub_hubs) which feeds changed, and IndexNow
// ([publish] indexnow_key) which article addresses did, so readers' feed
// readers and search engines come for them at once.
//
// Pings are jobs on the store's queue (kind "publish-ping"): publishing
// never waits for them, and a failed ping is retried by the job runner. The
// job's payload is the change sequence number it pings up to; how far the
// site has pinged is a watermark kept in the store's settings, so any node
// continues where another stopped, and a failed ping leaves it in place for
// the retry to send again.
//
//   Fetcher fetcher(PingFetchOptions(FetchOptionsFrom(config)));
//   PublishPings pings(store, store, config, fetcher);
//   if (pings.enabled()) {
//     pings.Start();                                  // no back catalogue
//     runner.Handle(kPublishPingJob, [&](const Job& j) { return pings.RunJob(j).status(); });
//   }
//   PingSchedule schedule(*pings.Watermark());        // in the schedule's tick:
//   if (auto job = schedule.Next(*store.ChangeSequence(), now); job && store.EnqueueJob(*job, now).ok())
//     schedule.Queued(*job, now);
//
// Thread-safety: PublishPings may run jobs on many threads (and nodes) at
// once; they may send the same ping twice, never move the watermark back.
// PingSchedule belongs to one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "ingest/fetcher.h"
#include "model/article.h"
#include "store/article_store.h"
#include "store/job_queue.h"
#include "store/settings.h"

namespace newsdesk {

inline constexpr const char* kPublishPingJob = "publish-ping";
// The setting holding the last change sequence number pinged.
inline constexpr const char* kPingWatermarkSetting = "publish.pinged_seq";

// WebSub topics per ping request, and IndexNow's own limit on URLs per request.
inline constexpr size_t kTopicsPerHubRequest = 1000;
inline constexpr size_t kUrlsPerIndexNowRequest = 10000;
// An article's entity feeds pinged: those of its most salient mentions.
inline constexpr size_t kPingedMentions = 5;

// PingFetchOptions is `base` (the site's fetch settings, with its address
// guard) for pings: robots.txt is a crawler's rule, not a ping's; short
// timeouts; one attempt, since the job is retried.
FetchOptions PingFetchOptions(FetchOptions base);

// PingTopics is the absolute addresses of the feeds `a` appears in: in
// every edition offering it (model/offered_editions.h), the edition's feed,
// its source's and its kPingedMentions most salient entities', each in RSS,
// Atom and JSON Feed (model/feed_address.h).
std::vector<std::string> PingTopics(const Article& a, const Config& config);
// PingArticleUrls is `a`'s absolute address in every edition offering it.
std::vector<std::string> PingArticleUrls(const Article& a, const Config& config);

// WebSubPingBody is the form a hub is sent: hub.mode=publish and one
// hub.url per topic.
std::string WebSubPingBody(const std::vector<std::string>& topics);
// IndexNowBody is the JSON IndexNow is sent: host, key, keyLocation
// ({base_url}/{key}.txt) and urlList.
std::string IndexNowBody(const Config& config, const std::vector<std::string>& urls);

// PingReport: what one run sent.
struct PingReport {
  int64_t articles = 0;        // published articles whose changes were pinged
  int64_t topics = 0;          // feeds named to each hub
  int64_t urls = 0;            // addresses sent to IndexNow
  int64_t pinged_through = 0;  // the watermark afterwards
};

class PublishPings {
 public:
  PublishPings(ArticleStore& articles, Settings& settings, const Config& config, Fetcher& fetcher);

  // enabled is true when there is anyone to ping: a hub or an IndexNow key.
  bool enabled() const;

  // Start sets the watermark to the current change sequence when none is
  // stored yet, so that turning pings on does not announce the back
  // catalogue; the watermark.
  Result<int64_t> Start();
  // Watermark is the last change sequence number pinged (0 when none).
  Result<int64_t> Watermark();

  // Run pings the changes after the watermark up to `through`: the
  // published articles among them (held, scheduled and deleted ones are
  // not announced), a few hundred changes a round. A round all hubs and
  // IndexNow accepted (2xx) moves the watermark past it; otherwise Run
  // stops with an Unavailable error naming each hub or endpoint that
  // failed and how, and the watermark stays for the retry.
  Result<PingReport> Run(int64_t through);
  // RunJob is Run for a "publish-ping" job, whose payload is `through`.
  Result<PingReport> RunJob(const Job& job);

 private:
  Status Send(const std::vector<std::string>& topics, const std::vector<std::string>& urls);

  ArticleStore& articles_;
  Settings& settings_;
  const Config& config_;
  Fetcher& fetcher_;
};

// PingSchedule decides when this node queues a ping: once the change
// sequence has moved past what it queued last, after `settle` (so a burst
// of writes makes one ping) and at most once per `every`. The job's key
// names the sequence number, so nodes seeing the same one queue it once.
class PingSchedule {
 public:
  explicit PingSchedule(int64_t queued_through, std::chrono::seconds every = std::chrono::seconds(10),
                        std::chrono::seconds settle = std::chrono::seconds(2));
  // Next is the job to queue now, if any: {kind "publish-ping", key
  // "publish-ping@<seq>", payload "<seq>", 8 attempts}. Call Queued once it
  // is in the queue (or another node's is); until then it is asked again.
  std::optional<JobRequest> Next(int64_t sequence, TimePoint now);
  void Queued(const JobRequest& job, TimePoint now);

 private:
  int64_t queued_through_;
  std::chrono::seconds every_, settle_;
  std::optional<TimePoint> last_queued_;
  std::optional<TimePoint> first_seen_;  // when a change not queued yet was first seen
};

}  // namespace newsdesk
