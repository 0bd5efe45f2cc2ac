#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <optional>

#include "cli/commands.h"
#include "common/health.h"
#include "common/time.h"
#include "digest/desk_mail.h"
#include "digest/digest.h"
#include "ingest/ingest.h"
#include "jobs/jobs.h"
#include "mail/mail.h"
#include "publish/pings.h"  // issue 17, part 3: pings
#include "search/follower.h"
#include "translate/translate.h"
#include "mentions/tagger.h"
#include "store/store.h"
#include "web/server.h"
#include "web/site.h"

namespace newsdesk {

namespace {

// PrintWhereToStart tells the person who started the server where the site
// is, where its mail goes and, on the demo, how to log in as its editor (on
// stdout, apart from the log).
void PrintWhereToStart(Store& store, const Config& config, const std::string& url) {
  std::string line = fmt::format("newsdesk is serving {} (data in {}", url, config.data_dir);
  if (std::string outbox = OutboxDirectory(config); !outbox.empty()) line += "; mail in " + outbox + "/";
  if (auto editor = store.GetSetting(kDemoEditorSetting); editor.ok() && *editor) {
    auto user = store.GetUserByEmail(**editor);
    if (user.ok() && !user->deleted && user->role >= Role::kEditor)
      line += fmt::format("; demo editor: {} / the password `newsdesk demo` printed", **editor);
  }
  fmt::print("{})\n", line);
  std::fflush(stdout);
}

// --- the parts serve starts, each set up by one function ----------------------

// FollowSearchIndex keeps the search index level with the store from a
// thread of its own: at once (what was written while no server ran, or
// before a crash), then every half second. A failed catch-up (a full disk,
// the database restarting) is the "search" part going down: retried with
// backoff up to every 30 s, the index reopening what the failure closed, and
// it catches up by itself once the fault is gone.
std::unique_ptr<Periodic> FollowSearchIndex(Store& store, SearchIndex& index, Health& health) {
  auto follower = std::make_shared<IndexFollower>(store, index);
  auto first = std::make_shared<bool>(true);
  auto backoff = std::make_shared<Backoff>(std::chrono::milliseconds(500), std::chrono::seconds(30));
  health.Register("search");
  return std::make_unique<Periodic>(std::chrono::milliseconds(500), Periodic::First::kAtOnce, [follower, first,
                                                                                            backoff, &health] {
    if (!backoff->Due()) return;
    auto applied = follower->CatchUp();
    if (!applied.ok()) {
      backoff->Failed();
      health.Down("search", applied.status());
      return;
    }
    backoff->Succeeded();
    health.Up("search");
    if (*applied > 0 || *first) spdlog::info("search index: {} articles brought up to date", *applied);
    *first = false;
  });
}

// ProbeStore asks the store every 2 s whether it answers: the "store" part
// of /readyz, which answers from what the parts reported rather than wait
// on a database that is down.
std::unique_ptr<Periodic> ProbeStore(Store& store, Health& health) {
  health.Register("store");
  return std::make_unique<Periodic>(std::chrono::seconds(2), Periodic::First::kAtOnce, [&store, &health] {
    if (Status s = store.Ping(); s.ok()) health.Up("store");
    else health.Down("store", s);
  });
}

// ReloadGazetteer follows the editors' changes to the knowledge base
// (`newsdesk entities …`): when its version moves, tagging and the site
// switch to the reloaded gazetteer.
std::unique_ptr<Periodic> ReloadGazetteer(Store& store, int64_t version, SharedTagger& tagger, Site& site) {
  auto seen = std::make_shared<int64_t>(version);
  return std::make_unique<Periodic>(std::chrono::seconds(2), Periodic::First::kAfterInterval, [&store, &tagger, &site,
                                                                                             seen] {
    auto version = store.KnowledgeVersion();
    if (!version.ok() || *version == *seen) return;
    auto fresh = LoadSiteGazetteer(store);
    if (!fresh.ok()) {
      spdlog::error("cannot reload the gazetteer: {}", fresh.status().ToString());
      return;
    }
    tagger.Replace(*fresh);
    site.ReplaceGazetteer(*fresh);
    *seen = *version;
    spdlog::info("reloaded the gazetteer: {} entities", (*fresh)->entities().size());
  });
}

// KeepReaders writes the article views counted in memory every few seconds
// and prunes expired sessions, tokens and old log-in failures hourly.
// Their failures are the store's ("store" down, said once): the views stay
// counted in memory until a flush succeeds.
std::unique_ptr<Periodic> KeepReaders(Site& site, Health& health) {
  auto last_prune = std::make_shared<std::chrono::steady_clock::time_point>();
  return std::make_unique<Periodic>(std::chrono::seconds(5), Periodic::First::kAfterInterval, [&site, &health,
                                                                                             last_prune] {
    if (Status s = site.FlushViews(); !s.ok()) {
      health.Down("store", s.WithContext("views not written yet"));
      return;
    }
    if (std::chrono::steady_clock::now() - *last_prune > std::chrono::hours(1)) {
      if (Status s = site.Housekeeping(); !s.ok()) health.Down("store", s.WithContext("pruning sessions"));
      *last_prune = std::chrono::steady_clock::now();
    }
  });
}

TimePoint Now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

// HandleFetches: one job per feed and due time. How the fetch went is the
// feed's status (and its backoff), not the job's.
void HandleFetches(JobRunner& runner, SourceStore& store, Ingestor& ingestor, Health& health) {
  // The "fetch" part is down when the last kUnreachable fetches, whichever
  // feeds they were for, found no outlet at all (DNS or the network gone):
  // one outlet failing is its feed's status, not this node's.
  static constexpr int kUnreachable = 5;
  auto unreachable_in_a_row = std::make_shared<std::atomic<int>>(0);
  health.Register("fetch");
  runner.Handle("fetch", [&store, &ingestor, &health, unreachable_in_a_row](const Job& job) -> Status {
    int64_t id = 0;
    try {
      id = std::stoll(job.payload);
    } catch (const std::exception&) {
      return Status::InvalidArgument(fmt::format("a fetch job's payload is a feed id, not '{}'", job.payload));
    }
    std::vector<FeedStatus> feeds;
    if (job.key.rfind("source:", 0) == 0) {
      // Queued before feeds had jobs of their own: the payload is a source id.
      auto source = store.GetSourceStatus(id);
      if (source.status().is_not_found()) return Status::Ok();  // removed since
      if (!source.ok()) return source.status();
      feeds = std::move(source->feeds);
      std::erase_if(feeds, [](const FeedStatus& f) { return f.paused; });
    } else {
      auto feed = store.GetFeedStatus(id);
      if (feed.status().is_not_found()) return Status::Ok();  // removed since
      if (!feed.ok()) return feed.status();
      if (feed->next_fetch_at > Now()) return Status::Ok();  // fetched by an earlier job
      if (feed->paused) return Status::Ok();  // paused since it was queued
      feeds.push_back(std::move(*feed));
    }
    for (const auto& feed : feeds) {
      auto r = ingestor.FetchFeed(feed, Now());
      if (r.status.ok()) {
        *unreachable_in_a_row = 0;
        health.Up("fetch");
      } else if (r.status.code() == Code::kUnavailable && ++*unreachable_in_a_row >= kUnreachable) {
        health.Down("fetch", r.status.WithContext(fmt::format("the last {} fetches reached no outlet", kUnreachable)));
      }
      if (r.new_articles || r.failed)
        spdlog::info("fetched {} ({}): {} new, {} updated, {} failed", r.source_name, r.feed_url, r.new_articles,
                     r.updated, r.failed);
    }
    return Status::Ok();
  });
}

// DailyMailing: at [digest] send_time in its time zone, the previous day's
// digest goes out, one job per day; a due run that never ran or was
// interrupted (a restart, a crash, a dead node) is sent or resumed.
struct DailyMailing {
  std::unique_ptr<DigestComposer> composer;
  std::unique_ptr<DigestSender> sender;  // null: the mailing is off
  std::atomic<bool> stop{false};
};

void HandleDigests(JobRunner& runner, Store& store, const Config& config, Mailer* mailer, const SharedTagger& tagger,
                   DigestStats& stats, DailyMailing& mailing, Health& health) {
  if (!config.digest_enabled) return;
  if (!mailer) {
    spdlog::info("daily mailing off: no [mail] smtp_url or outbox");
    return;
  }
  auto secret = LoadSharedSiteSecret(store, config.data_dir);
  if (!secret.ok()) {
    spdlog::error("daily mailing off: {}", secret.status().ToString());
    return;
  }
  mailing.composer = std::make_unique<DigestComposer>(store, config, *secret, tagger.Get().gazetteer);
  mailing.sender = std::make_unique<DigestSender>(store, config, *mailing.composer, *mailer, &stats);
  runner.Handle("digest", [&store, &config, &mailing, &health](const Job& job) -> Status {
    auto at = ParseIso8601(job.payload);
    if (!at.ok()) return Status::InvalidArgument(fmt::format("a digest job's payload is a time, not '{}'", job.payload));
    auto day = PreviousLocalDay(*at, config.digest_time_zone);
    if (!day.ok()) return day.status();
    auto run = store.FindDigestRun(day->day);
    if (run.ok() && *run && (*run)->finished_at) return Status::Ok();  // sent already
    auto report = mailing.sender->Run(*day, nullptr, &mailing.stop);
    // A run the SMTP server refused is retried by its job; meanwhile the
    // node's "mail" part is down, as the account mail's queue would say.
    if (!report.ok() && report.status().code() == Code::kUnavailable) health.Down("mail", report.status());
    if (!report.ok()) return report.status().WithContext("daily mailing of " + day->day);
    health.Up("mail");
    return Status::Ok();
  });
}

// HandleDeskMail: the editors' daily desk mail, one job per day at [digest]
// send_time (digest/desk_mail.h). Off without a mailer or with [desk] mail = false.
bool HandleDeskMail(JobRunner& runner, Store& store, const Config& config, Mailer* mailer) {
  if (!config.desk_mail_enabled || !mailer) return false;
  runner.Handle("desk-mail", [&store, &config, mailer](const Job& job) -> Status {
    DeskMail mail(store, config, *mailer);
    auto sent = mail.Send(job.payload, Now());
    if (!sent.ok()) return sent.status();
    if (*sent > 0) spdlog::info("desk mail of {}: sent to {} editor(s)", job.payload, *sent);
    return Status::Ok();
  });
  return true;
}

// HandleTranslations: a machine translation pass every [translate]
// interval_seconds fills in the editions' missing translations. Returns the
// pass, or null when translation is off.
std::unique_ptr<TranslationPass> HandleTranslations(JobRunner& runner, Store& store, const Config& config,
                                                    std::optional<Translators>& translators, Health& health) {
  auto made = Translators::FromConfig(config);
  if (!made.ok()) {
    spdlog::error("machine translation off: {}", made.status().ToString());
    return nullptr;
  }
  translators.emplace(std::move(*made));
  if (!config.translate_enabled || translators->Pairs().empty()) return nullptr;
  auto pass = std::make_unique<TranslationPass>(store, store, *translators, PassOptionsFromConfig(config));
  health.Register("translate");
  runner.Handle("translate", [p = pass.get(), &health](const Job&) -> Status {
    auto stats = p->RunOnce();
    if (!stats.ok()) {
      health.Down("translate", stats.status());
      return stats.status();
    }
    // A pass that translated nothing of what it tried could not reach its
    // servers (or they refused everything): the articles keep their error
    // and are tried again after [translate] retry_failed_seconds. A pass
    // with nothing to try says nothing about the servers.
    if (stats->failed > 0 && stats->translated == 0)
      health.Down("translate", Status::Unavailable(stats->last_error));
    else if (stats->translated > 0)
      health.Up("translate");
    if (stats->articles_seen > 0)
      spdlog::info("machine translation: {} translated, {} failed{}, {} of {} texts from the cache", stats->translated,
                   stats->failed, stats->last_error.empty() ? "" : " (last: " + stats->last_error + ")",
                   stats->cache_hits, stats->paragraphs);
    return Status::Ok();
  });
  return pass;
}

// issue 17, part 3: pings
// HandlePublishPings: with WebSub hubs or an IndexNow key configured, each
// "publish-ping" job tells them which feeds and articles changed
// (publish/pings.h). Returns the schedule that queues those jobs, or null
// when there is no one to ping.
std::shared_ptr<PingSchedule> HandlePublishPings(JobRunner& runner, Store& store, const Config& config,
                                                 std::unique_ptr<Fetcher>& fetcher,
                                                 std::unique_ptr<PublishPings>& pings) {
  if (config.websub_hubs.empty() && config.indexnow_key.empty()) return nullptr;
  fetcher = std::make_unique<Fetcher>(PingFetchOptions(FetchOptionsFrom(config)));
  pings = std::make_unique<PublishPings>(store, store, config, *fetcher);
  auto mark = pings->Start();
  if (!mark.ok()) {
    spdlog::error("publish pings off: {}", mark.status().ToString());
    return nullptr;
  }
  runner.Handle(kPublishPingJob, [p = pings.get(), &config](const Job& job) -> Status {
    auto report = p->RunJob(job);
    if (!report.ok()) return report.status();
    if (report->articles > 0)
      spdlog::info("publish pings: {} article(s): {} feed(s) to {} hub(s), {} address(es) to IndexNow", report->articles,
                   report->topics, config.websub_hubs.size(), config.indexnow_key.empty() ? 0 : report->urls);
    return Status::Ok();
  });
  spdlog::info("publish pings: {} WebSub hub(s){}", config.websub_hubs.size(),
               config.indexnow_key.empty() ? "" : " and IndexNow");
  return std::make_shared<PingSchedule>(*mark);
}

// Schedule queues what is due every second, under a key naming its slot,
// so the nodes together queue it once.
std::unique_ptr<Periodic> Schedule(Store& store, const Config& config, JobRunner& runner, bool translate,
                                   bool digest, bool desk_mail, std::shared_ptr<PingSchedule> pings,
                                   Health& health) {
  auto last_prune = std::make_shared<TimePoint>();
  auto backoff = std::make_shared<Backoff>(std::chrono::seconds(1), std::chrono::seconds(30));
  health.Register("schedule");
  return std::make_unique<Periodic>(std::chrono::seconds(1), Periodic::First::kAtOnce, [&store, &config, &runner,
                                                                                      translate, digest, desk_mail,
                                                                                      pings, last_prune, backoff,
                                                                                      &health] {
    // While the store cannot be reached, the schedule asks it less often and
    // says so once ("schedule" down), not every second.
    if (!backoff->Due()) return;
    const TimePoint t = Now();
    bool queued = false;
    Status failure = Status::Ok();
    // The first failure ends the tick: while the store is down each call
    // would wait out the pool's retries in turn.
    auto enqueue = [&](JobRequest r) {
      if (!failure.ok()) return;
      auto id = store.EnqueueJob(r, t);
      if (!id.ok()) failure = id.status().WithContext(fmt::format("cannot queue {} {}", r.kind, r.key));
      else if (id->has_value()) queued = true;
    };
    if (config.ingest_enabled) {
      auto due = store.DueFeeds(t, 1000);
      if (!due.ok()) failure = due.status().WithContext("cannot list due feeds");
      else
        // Keyed by the feed's due time and a five-minute window: nodes
        // queue a due feed once, and a feed whose fetch could not record
        // its outcome (the store was down) is queued again in the next
        // window rather than stuck behind a finished key. The handler
        // skips a feed another job has fetched meanwhile.
        for (const auto& feed : *due)
          enqueue({.kind = "fetch",
                   .key = fmt::format("feed:{}@{}/{}", feed.id, feed.next_fetch_at.time_since_epoch().count(),
                                      t.time_since_epoch().count() / 300),
                   .payload = std::to_string(feed.id), .run_at = t, .max_attempts = 2});
    }
    // Scheduled articles go out within a second of their time. Every node
    // may do it: the update checks the state, so an article goes out once.
    if (failure.ok()) {
      auto published = store.PublishDueArticles(t);
      if (!published.ok()) failure = published.status().WithContext("cannot publish the scheduled articles");
      else if (*published > 0) spdlog::info("articles: published {} scheduled article(s)", *published);
    }
    if (translate)
      enqueue({.kind = "translate",
               .key = SlotKey("translate", std::chrono::seconds(config.translate_interval_seconds), t),
               .run_at = t, .max_attempts = 1});
    if (digest) {
      auto due = NextSendTime(t - std::chrono::hours(24), config.digest_send_time, config.digest_time_zone);
      if (!due.ok()) {
        spdlog::error("daily mailing: {}", due.status().ToString());
      } else if (*due <= t) {
        auto day = PreviousLocalDay(*due, config.digest_time_zone);
        if (day.ok())
          enqueue({.kind = "digest", .key = "digest@" + day->day, .payload = FormatIso8601(*due), .run_at = t,
                   .max_attempts = 20});
      }
    }
    if (desk_mail) {
      // The desk mail goes with the digest's clock, keyed by the local day
      // it is sent on.
      auto due = NextSendTime(t - std::chrono::hours(24), config.digest_send_time, config.digest_time_zone);
      if (due.ok() && *due <= t) {
        auto today = PreviousLocalDay(*due + std::chrono::hours(24), config.digest_time_zone);
        if (today.ok())
          enqueue({.kind = "desk-mail", .key = "desk-mail@" + today->day, .payload = today->day, .run_at = t,
                   .max_attempts = 10});
      }
    }
    // issue 17, part 3: pings. Publishing never waits for them: a write
    // moves the change sequence, and a job pings up to it a moment later.
    if (pings && failure.ok()) {
      auto seq = store.ChangeSequence();
      if (!seq.ok()) failure = seq.status().WithContext("cannot read the change sequence");
      else if (auto job = pings->Next(*seq, t)) {
        // Asked again next second unless it is in the queue (or was queued
        // by another node: the key is taken).
        auto id = store.EnqueueJob(*job, t);
        if (!id.ok()) {
          failure = id.status().WithContext(fmt::format("cannot queue {} {}", job->kind, job->key));
        } else {
          pings->Queued(*job, t);
          queued = queued || id->has_value();
        }
      }
    }
    if (queued) runner.Wake();
    if (t - *last_prune > std::chrono::hours(1) && failure.ok()) {
      *last_prune = t;
      auto pruned = store.PruneJobs(t - std::chrono::hours(24 * 7));
      if (!pruned.ok()) failure = pruned.status().WithContext("cannot prune old jobs");
    }
    if (failure.ok()) {
      backoff->Succeeded();
      health.Up("schedule");
    } else {
      backoff->Failed();
      health.Down("schedule", failure);
    }
  });
}

}  // namespace

Status RunServe(Config config, const ServeFlags& flags) {
  if (!flags.listen.empty()) config.listen = flags.listen;
  if (flags.threads) config.threads = flags.threads;
  ND_RETURN_IF_ERROR(ValidateConfig(config));
  ServerOptions options;
  ND_RETURN_IF_ERROR(ParseListenAddress(config.listen, options.host, options.port));
  options.threads = config.threads;
  options.read_timeout = std::chrono::seconds(config.read_timeout_seconds);
  options.max_header_bytes = config.max_header_bytes;
  options.max_body_bytes = config.max_body_bytes;

  // Each background part reports here: /readyz, the component gauge, and
  // one log line per change of state. Declared first, it outlives every
  // part that reports to it.
  Health health;
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();

  // The site needs the bound address for absolute links in feeds, and the
  // address is known only once the server listens: until the site is
  // attached (microseconds), requests are answered 503.
  std::atomic<Site*> site_ptr{nullptr};
  auto server = HttpServer::Start(options, [&site_ptr](const Request& r) {
    Site* site = site_ptr.load(std::memory_order_acquire);
    if (!site) return Response::Text(503, "Starting up\n");
    return site->Handle(r);
  });
  if (!server.ok()) return server.status();
  const std::string url = fmt::format("http://{}:{}", options.host.find(':') != std::string::npos
                                                          ? "[" + options.host + "]"
                                                          : options.host,
                                      (*server)->port());
  if (config.base_url.empty()) config.base_url = url;
  while (!config.base_url.empty() && config.base_url.back() == '/') config.base_url.pop_back();

  auto knowledge_version = (*store)->KnowledgeVersion();
  auto gazetteer = LoadSiteGazetteer(**store);
  if (!gazetteer.ok() || !knowledge_version.ok()) {
    (*server)->Shutdown();
    (*server)->Wait();
    return gazetteer.ok() ? knowledge_version.status() : gazetteer.status();
  }
  SharedTagger tagger(*gazetteer);
  // One mailer for the whole process: the site's account and subscription
  // mail and the daily digest (SMTP, or .eml files in the outbox).
  std::shared_ptr<Mailer> mailer = MakeMailer(config);
  auto site = Site::Create(**store, config, *gazetteer, mailer);
  if (!site.ok()) {
    (*server)->Shutdown();
    (*server)->Wait();
    return site.status();
  }
  (*site)->AttachHealth(&health);
  (*site)->WatchStore(std::chrono::milliseconds(250));
  site_ptr.store(site->get(), std::memory_order_release);
  (*server)->ShutdownOnSignals();

  // Search pages answer "unavailable" until the index opens; serving never waits for it.
  SearchOptions search_options;
  search_options.shards = static_cast<int>(config.search_shards);
  auto index = SearchIndex::Open(SearchIndexPath(config), search_options);
  if (!index.ok()) spdlog::error("search is off: {}", index.status().ToString());
  std::unique_ptr<Periodic> indexer;
  if (index.ok()) {
    (*site)->AttachSearch(index->get());
    indexer = FollowSearchIndex(**store, **index, health);
  }
  auto store_probe = ProbeStore(**store, health);
  auto reloader = ReloadGazetteer(**store, *knowledge_version, tagger, **site);
  auto readers_keeper = KeepReaders(**site, health);

  // Background work is jobs in the store's queue, shared by every node on
  // the same database: the schedule enqueues each piece of work once per
  // slot (whichever node asks first), and this node's runner takes its
  // share. A job of a node that died is taken over when its lease runs out.
  JobRunner runner(**store, {.holder = NodeName(),
                             .workers = config.jobs_workers ? static_cast<int>(config.jobs_workers)
                                                            : static_cast<int>(config.ingest_workers) + 1,
                             .lease = std::chrono::seconds(config.jobs_lease_seconds),
                             .health = &health});
  AddProbeHandler(runner);
  Fetcher fetcher(FetchOptionsFrom(config));
  Ingestor ingestor(**store, **store, fetcher, IngestOptionsFrom(config), &tagger);
  if (config.ingest_enabled) HandleFetches(runner, **store, ingestor, health);
  // The desk's "fetch now" takes the path a scheduled fetch takes, and its
  // discovery the fetcher (and its guard) `source add` uses.
  Fetcher image_fetcher(ImageFetchOptions(config));
  (*site)->AttachFeedTools(MakeFeedTools(ingestor, fetcher, &image_fetcher));
  DigestStats digest_stats;
  (*site)->SetDigestStats(&digest_stats);
  DailyMailing mailing;
  HandleDigests(runner, **store, config, mailer.get(), tagger, digest_stats, mailing, health);
  std::optional<Translators> translators;
  auto pass = HandleTranslations(runner, **store, config, translators, health);
  // issue 17, part 3: pings
  std::unique_ptr<Fetcher> ping_fetcher;
  std::unique_ptr<PublishPings> pings;
  auto ping_schedule = HandlePublishPings(runner, **store, config, ping_fetcher, pings);
  runner.Start();
  const bool desk_mail = HandleDeskMail(runner, **store, config, mailer.get());
  auto schedule = Schedule(**store, config, runner, pass != nullptr, mailing.sender != nullptr, desk_mail, ping_schedule,
                           health);

  spdlog::info("newsdesk listening on {} ({} threads, data in {})", url, (*server)->threads(), config.data_dir);
  PrintWhereToStart(**store, config, url);
  (*server)->Wait();

  // Stopping, in order: nothing new is queued, running jobs finish (a digest
  // run stops after the messages in flight), the last views are written.
  mailing.stop = true;
  schedule->Stop();
  runner.Stop();
  readers_keeper->Stop();
  if (Status s = (*site)->FlushViews(); !s.ok()) spdlog::error("views lost at shutdown: {}", s.ToString());
  reloader->Stop();
  store_probe->Stop();
  if (indexer) indexer->Stop();
  (*site)->AttachSearch(nullptr);
  (*site)->AttachFeedTools({});
  site_ptr.store(nullptr);
  spdlog::info("newsdesk stopped");
  return Status::Ok();
}


}  // namespace newsdesk
