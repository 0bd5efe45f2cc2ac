// web/testing/served_site.h: the real site over real HTTP, for tests that
// drive it as a browser or a script would (with web/test_client.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "common/config.h"
#include "common/status.h"
#include "store/store.h"
#include "web/server.h"
#include "web/site.h"

namespace newsdesk::testing {

// ServedSiteConfig is the config of a test site at `base_url` whose data
// lives in `dir`/data and that fetches no feeds.
inline Config ServedSiteConfig(const std::filesystem::path& dir, const std::string& base_url) {
  Config config;
  config.data_dir = (dir / "data").string();
  config.base_url = base_url;
  config.ingest_enabled = false;
  return config;
}

// ServedSite is the Site for a store and config, served by an HttpServer with
// two threads on a loopback port the kernel picks. Destroying it shuts the
// server down, waits for it, then destroys the site.
// REQUIRES: `store` (and `config`, if Site keeps it) outlive the ServedSite.
class ServedSite {
 public:
  // Start creates the site (naming the entities of `gazetteer`, if given)
  // and starts its server; fails with the error of whichever of the two failed.
  static Result<std::unique_ptr<ServedSite>> Start(Store& store, const Config& config,
                                                   std::shared_ptr<const Gazetteer> gazetteer = nullptr) {
    auto site = Site::Create(store, config, std::move(gazetteer));
    if (!site.ok()) return site.status();
    std::unique_ptr<ServedSite> served(new ServedSite(std::move(*site)));
    ServerOptions o;
    o.port = 0;
    o.threads = 2;
    Site* handler = served->site_.get();
    auto server = HttpServer::Start(o, [handler](const Request& r) { return handler->Handle(r); });
    if (!server.ok()) return server.status();
    served->server_ = std::move(*server);
    return served;
  }
  ~ServedSite() {
    if (server_) {
      server_->Shutdown();
      server_->Wait();
    }
  }
  ServedSite(const ServedSite&) = delete;
  ServedSite& operator=(const ServedSite&) = delete;

  Site& site() { return *site_; }
  uint16_t port() const { return server_->port(); }

 private:
  explicit ServedSite(std::unique_ptr<Site> site) : site_(std::move(site)) {}

  std::unique_ptr<Site> site_;
  std::unique_ptr<HttpServer> server_;  // declared last: destroyed before site_
};

}  // namespace newsdesk::testing
