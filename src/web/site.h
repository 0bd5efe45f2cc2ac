// File: web/site.h
//
// Front door of the pages stage: the reader-facing site and its JSON API,
// as one `Handle(Request) -> Response` that the HTTP server calls. Pages are
// server-rendered per edition (/en/, /ru/, …), cached in memory until the
// store changes, and never mix languages silently: an article without a
// translation into the edition shows its original with a language label.
//
//   auto site = Site::Create(store, config);
//   site->WatchStore(std::chrono::milliseconds(250));   // drop stale pages
//   auto server = HttpServer::Start(opts, [&](const Request& r) { return site->Handle(r); });
//
// Routes are listed in docs/site.md. Thread-safety: Handle is safe to call
// concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/config.h"
#include "mentions/gazetteer.h"
#include "common/status.h"
#include "store/store.h"
#include "web/desk.h"
#include "web/http.h"

namespace newsdesk {

class Health;
class Mailer;
struct DigestStats;
class SearchIndex;

class Site {
 public:
  // Create loads templates and the catalog of every configured edition.
  // `gazetteer` names the entities articles mention (null: no mentions shown).
  // `mailer` sends the site's mail (account mail, subscription
  // confirmations): serve hands in the process's one mailer; null makes one
  // from [mail] (MakeMailer), shared by every part of the site.
  static Result<std::unique_ptr<Site>> Create(Store& store, const Config& config,
                                              std::shared_ptr<const Gazetteer> gazetteer = nullptr,
                                              std::shared_ptr<Mailer> mailer = nullptr);
  ~Site();

  // Handle answers one request; it never throws.
  Response Handle(const Request& request);

  // WatchStore starts a thread that polls the store's change sequence every
  // `interval` and empties the page cache when it moves (writes by other
  // processes, such as `newsdesk import`, included). Stopped by the destructor.
  void WatchStore(std::chrono::milliseconds interval);

  // SyncWithStore does one such poll now.
  void SyncWithStore();

  // AttachSearch serves /{ed}/search and /api/v1/search from `index` (owned
  // by the caller, outliving the site); until then they say search is
  // unavailable.
  void AttachSearch(SearchIndex* index);

  // AttachHealth reports the node's background parts (common/health.h) at
  // /readyz and as the `newsdesk_component_up` gauge in /metrics, and makes
  // the site's mail queues and its store watcher report to it. `health`
  // outlives the site or is detached with nullptr; attach it before serving.
  void AttachHealth(Health* health);

  // AttachFeedTools lends the desk serve's ingest stage (fetch now, feed
  // discovery; what they use must outlive them or be detached with {});
  // until then the desk says those actions are not available.
  void AttachFeedTools(FeedTools tools);

  // FlushViews writes the article views counted in memory to the store in
  // one transaction; `newsdesk serve` calls it every few seconds and at
  // shutdown. Housekeeping prunes expired sessions, tokens and log-in
  // failures (hourly).
  Status FlushViews();
  Status Housekeeping();

  // UseMailer sends the site's mail through `mailer` from now on (tests);
  // WaitForMail waits until none is waiting to be sent.
  void UseMailer(std::shared_ptr<Mailer> mailer);
  bool WaitForMail(std::chrono::milliseconds timeout);

  // SetDigestStats adds the daily mailing's counters to /metrics (`stats`
  // outlives the site).
  void SetDigestStats(const DigestStats* stats);

  // ReplaceGazetteer switches to a reloaded gazetteer (editors changed
  // entities); requests in flight finish with the one they started with.
  void ReplaceGazetteer(std::shared_ptr<const Gazetteer> gazetteer);

 private:
  class Impl;
  explicit Site(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::thread watcher_;
  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  bool stop_watch_ = false;  // GUARDED_BY(watch_mu_)
};

}  // namespace newsdesk
