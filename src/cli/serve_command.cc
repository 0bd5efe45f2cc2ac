#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "common/time.h"
#include "digest/digest.h"
#include "ingest/ingest.h"
#include "search/follower.h"
#include "translate/translate.h"
#include "mentions/tagger.h"
#include "store/store.h"
#include "web/server.h"
#include "web/site.h"

namespace newsdesk {

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
  // Background threads (search index, gazetteer reload) wait on this and stop with the server.
  std::mutex background_mu;
  std::condition_variable background_cv;
  bool stopping = false;
  auto site = Site::Create(**store, config, *gazetteer);
  if (!site.ok()) {
    (*server)->Shutdown();
    (*server)->Wait();
    return site.status();
  }
  (*site)->WatchStore(std::chrono::milliseconds(250));
  site_ptr.store(site->get(), std::memory_order_release);
  (*server)->ShutdownOnSignals();

  // Fetching due sources runs beside serving, stopped after the server.
  Fetcher fetcher(FetchOptionsFrom(config));
  Ingestor ingestor(**store, fetcher, IngestOptionsFrom(config), &tagger);
  IngestScheduler scheduler(ingestor);
  if (config.ingest_enabled) scheduler.Start();

  // Search: the index follows the store from a thread of its own, catching
  // up at start with what was written while no server ran (or before a
  // crash), then every half second. Search pages answer "unavailable" until
  // the index opens; serving never waits for it.
  SearchOptions search_options;
  search_options.shards = static_cast<int>(config.search_shards);
  auto index = SearchIndex::Open(SearchIndexPath(config), search_options);
  if (!index.ok()) spdlog::error("search is off: {}", index.status().ToString());
  std::thread indexer;
  if (index.ok()) {
    (*site)->AttachSearch(index->get());
    indexer = std::thread([&] {
      IndexFollower follower(**store, **index);
      std::unique_lock<std::mutex> lock(background_mu);
      bool first = true;
      do {
        lock.unlock();
        auto applied = follower.CatchUp();
        if (!applied.ok()) spdlog::error("search index: {}", applied.status().ToString());
        else if (*applied > 0 || first) spdlog::info("search index: {} articles brought up to date", *applied);
        first = false;
        lock.lock();
      } while (!background_cv.wait_for(lock, std::chrono::milliseconds(500), [&] { return stopping; }));
    });
  }

  // Editors change the knowledge base from the command line (`newsdesk
  // entities …`): reload it when its version moves.
  std::thread reloader([&] {
    int64_t seen = *knowledge_version;
    std::unique_lock<std::mutex> lock(background_mu);
    while (!background_cv.wait_for(lock, std::chrono::seconds(2), [&] { return stopping; })) {
      lock.unlock();
      auto version = (*store)->KnowledgeVersion();
      if (version.ok() && *version != seen) {
        auto fresh = LoadSiteGazetteer(**store);
        if (fresh.ok()) {
          tagger.Replace(*fresh);
          (*site)->ReplaceGazetteer(*fresh);
          seen = *version;
          spdlog::info("reloaded the gazetteer: {} entities", (*fresh)->entities().size());
        } else {
          spdlog::error("cannot reload the gazetteer: {}", fresh.status().ToString());
        }
      }
      lock.lock();
    }
  });

  // Readers: article views are counted in memory and written in batches
  // every few seconds (and once more at shutdown); expired sessions, tokens
  // and old log-in failures are pruned hourly.
  std::thread readers_keeper([&] {
    std::unique_lock<std::mutex> lock(background_mu);
    auto last_prune = std::chrono::steady_clock::time_point{};
    while (!background_cv.wait_for(lock, std::chrono::seconds(5), [&] { return stopping; })) {
      lock.unlock();
      if (Status s = (*site)->FlushViews(); !s.ok()) spdlog::warn("views not written yet: {}", s.ToString());
      if (std::chrono::steady_clock::now() - last_prune > std::chrono::hours(1)) {
        if (Status s = (*site)->Housekeeping(); !s.ok()) spdlog::warn("pruning sessions: {}", s.ToString());
        last_prune = std::chrono::steady_clock::now();
      }
      lock.lock();
    }
  });

  // The daily mailing: at [digest] send_time in its time zone, the previous
  // day's digest goes out; at start, a due run that never ran or was
  // interrupted (a restart, a crash) is sent or resumed at once.
  DigestStats digest_stats;
  (*site)->SetDigestStats(&digest_stats);
  std::atomic<bool> stop_digest{false};
  std::thread digest_sender;
  if (config.digest_enabled && !config.mail_smtp_url.empty()) {
    digest_sender = std::thread([&] {
      auto secret = LoadOrCreateSiteSecret(config.data_dir);
      if (!secret.ok()) {
        spdlog::error("daily mailing off: {}", secret.status().ToString());
        return;
      }
      auto mailer = MakeSmtpMailer(SmtpSettingsFromConfig(config));
      DigestComposer composer(**store, config, *secret, tagger.Get().gazetteer);
      DigestSender sender(**store, config, composer, *mailer, &digest_stats);
      auto now = [] { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); };
      auto send = [&](TimePoint at) {
        auto day = PreviousLocalDay(at, config.digest_time_zone);
        if (!day.ok()) return spdlog::error("daily mailing: {}", day.status().ToString());
        auto run = (*store)->FindDigestRun(day->day);
        if (run.ok() && *run && (*run)->finished_at) return;  // sent already
        auto report = sender.Run(*day, nullptr, &stop_digest);
        if (!report.ok()) spdlog::warn("daily mailing of {}: {}", day->day, report.status().ToString());
      };
      auto last_due = NextSendTime(now() - std::chrono::hours(24), config.digest_send_time, config.digest_time_zone);
      if (last_due.ok() && *last_due <= now()) send(*last_due);
      std::unique_lock<std::mutex> lock(background_mu);
      while (!stopping) {
        auto next = NextSendTime(now() + std::chrono::seconds(1), config.digest_send_time, config.digest_time_zone);
        if (!next.ok()) return spdlog::error("daily mailing off: {}", next.status().ToString());
        spdlog::info("daily mailing: next at {}", FormatIso8601(*next));
        if (background_cv.wait_until(lock, std::chrono::system_clock::time_point(*next), [&] { return stopping; }))
          break;
        lock.unlock();
        send(*next);
        lock.lock();
      }
    });
  } else if (config.digest_enabled) {
    spdlog::info("daily mailing off: no [mail] smtp_url");
  }

  // Machine translation: a pass every [translate] interval_seconds fills in
  // the editions' missing translations from the configured servers.
  std::thread translator;
  auto translators = Translators::FromConfig(config);
  if (!translators.ok()) {
    spdlog::error("machine translation off: {}", translators.status().ToString());
  } else if (config.translate_enabled && !translators->Pairs().empty()) {
    translator = std::thread([&] {
      TranslationPass pass(**store, *translators, PassOptionsFromConfig(config));
      std::unique_lock<std::mutex> lock(background_mu);
      do {
        lock.unlock();
        auto stats = pass.RunOnce();
        if (!stats.ok()) {
          spdlog::error("machine translation: {}", stats.status().ToString());
        } else if (stats->articles_seen > 0) {
          spdlog::info("machine translation: {} translated, {} failed{}, {} of {} texts from the cache", stats->translated,
                       stats->failed, stats->last_error.empty() ? "" : " (last: " + stats->last_error + ")",
                       stats->cache_hits, stats->paragraphs);
        }
        lock.lock();
      } while (!background_cv.wait_for(lock, std::chrono::seconds(config.translate_interval_seconds),
                                       [&] { return stopping; }));
    });
  }

  spdlog::info("newsdesk listening on {} ({} threads, data in {})", url, (*server)->threads(), config.data_dir);
  (*server)->Wait();
  {
    std::lock_guard<std::mutex> lock(background_mu);
    stopping = true;
  }
  stop_digest = true;
  background_cv.notify_all();
  if (digest_sender.joinable()) digest_sender.join();
  if (translator.joinable()) translator.join();
  readers_keeper.join();
  if (Status s = (*site)->FlushViews(); !s.ok()) spdlog::error("views lost at shutdown: {}", s.ToString());
  reloader.join();
  if (indexer.joinable()) indexer.join();
  (*site)->AttachSearch(nullptr);
  scheduler.Stop();
  site_ptr.store(nullptr);
  spdlog::info("newsdesk stopped");
  return Status::Ok();
}

}  // namespace newsdesk
