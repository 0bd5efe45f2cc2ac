#include "web/site_impl.h"

namespace newsdesk {

using namespace site_internal;

namespace site_internal {
TimePoint Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

std::string SecurityPolicy(const std::string& img_src) {
  return "default-src 'none'; style-src 'self'; img-src " + img_src +
         "; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; manifest-src 'self'";
}

const char* const kPublicPageCaching = "public, max-age=60, stale-while-revalidate=600";


std::string EncodeCursor(const ArticleCursor& c) {
  return fmt::format("{}.{}", c.published_at.time_since_epoch().count(), c.id);
}

std::optional<ArticleCursor> DecodeCursor(const std::string& s) {
  size_t dot = s.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == s.size() || s.size() > 40) return std::nullopt;
  int64_t t = 0, id = 0;
  auto r1 = std::from_chars(s.data(), s.data() + dot, t);
  auto r2 = std::from_chars(s.data() + dot + 1, s.data() + s.size(), id);
  if (r1.ec != std::errc() || r1.ptr != s.data() + dot || r2.ec != std::errc() || r2.ptr != s.data() + s.size() ||
      t < 0 || id <= 0)
    return std::nullopt;
  return ArticleCursor{TimePoint{std::chrono::seconds{t}}, id};
}

bool IsLanguageCode(const std::string& s) {
  return s.size() >= 2 && s.size() <= 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

std::string ContentTypeFor(std::string_view path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".png")) return "image/png";
  return "application/octet-stream";
}

json BlockView(const Block& b, const std::function<std::string(const std::string&)>& image_src) {
  json v = {{"text", b.text}};
  switch (b.type) {
    case BlockType::kParagraph: v["is_paragraph"] = true; break;
    case BlockType::kHeading: v["is_heading"] = true; break;
    case BlockType::kQuote: v["is_quote"] = true; break;
    case BlockType::kList: v["is_list"] = true; v["items"] = b.items; break;
    case BlockType::kImage:
      // An address a browser would take to another host ("/\\evil.example")
      // is never written into a page, whatever the store holds (issue 18).
      if (!IsImageSource(b.url)) {
        v["is_paragraph"] = true;
        v["text"] = b.caption;
        break;
      }
      v["is_image"] = true;
      v["url"] = image_src ? image_src(b.url) : b.url;
      v["caption"] = b.caption;
      v["credit"] = b.credit;
      break;
  }
  return v;
}

}  // namespace site_internal

namespace {

// EnqueuingMailer hands subscription mail to a MailQueue: a request never
// waits for the SMTP server.
class EnqueuingMailer final : public Mailer {
 public:
  explicit EnqueuingMailer(std::function<void(Message)> enqueue) : enqueue_(std::move(enqueue)) {}
  Status Send(const Message& message) override {
    enqueue_(message);
    return Status::Ok();
  }

 private:
  std::function<void(Message)> enqueue_;
};

}  // namespace

Status Site::Impl::Init() {
  auto templates = Templates::Load();
  if (!templates.ok()) return templates.status();
  templates_ = std::move(*templates);
  for (const auto& ed : config_.editions) {
    auto c = Catalog::Load(ed);
    if (!c.ok()) return c.status();
    catalogs_.emplace(ed, std::move(*c));
  }
  // Remote images reach pages through the image proxy, signed with the
  // secret every node shares, so the CSP can allow only known hosts.
  auto secret = LoadSharedSiteSecret(store_, config_.data_dir);
  if (!secret.ok()) return secret.status();
  images_ = std::make_unique<ImageProxy>(config_, *secret);
  security_policy_ = SecurityPolicy(images_->ImgSrc());
  auto readers = ReaderPages::Create(
      store_, config_, *templates_, catalogs_,
      [this](const RequestContext& ctx, const std::string& ed, const std::string& title, const std::string& content,
             const std::map<std::string, std::string>& hrefs, int status) { return Page(ctx, ed, title, content, hrefs, status); },
      mailer_);
  if (!readers.ok()) return readers.status();
  readers_ = std::move(*readers);
  DeskServices desk;
  desk.csrf_ok = [this](const Viewer& v, const std::string& token) { return readers_->CsrfOk(v, token); };
  desk.tools = [this] {
    std::lock_guard<std::mutex> lock(feed_tools_mu_);
    return feed_tools_;
  };
  desk.image_src = [this](const std::string& url) { return images_->PageSrc(url); };
  desk.send_password_reset = [this](int64_t user_id, const std::string& lang) {
    return readers_->SendPasswordReset(user_id, lang);
  };
  desk.comment_approved = [this](const Comment& c) { readers_->NotifyApproved(c); };
  desk.now = [] { return Now(); };
  desk.knowledge_changed = [this](std::shared_ptr<const Gazetteer> g) { ReplaceGazetteer(std::move(g)); };
  auto desk_area = Desk::Create(store_, config_, *templates_, std::move(desk));
  if (!desk_area.ok()) return desk_area.status();
  desk_ = std::move(*desk_area);
  // The daily mailing: subscribing needs mail; without it the box says so.
  if (mailer_) {
    auto secret = LoadSharedSiteSecret(store_, config_.data_dir);
    if (!secret.ok()) return secret.status();
    subscription_queue_ =
        std::make_unique<MailQueue>(mailer_);
    subscription_mailer_ = std::make_unique<EnqueuingMailer>([this](Message m) {
      std::lock_guard<std::mutex> lock(subscription_mu_);
      subscription_queue_->Enqueue(std::move(m), "subscription confirmation");
    });
    subscriptions_ = std::make_unique<Subscriptions>(store_, config_, *subscription_mailer_, *secret);
  }
  subscription_pages_ = std::make_unique<SubscriptionPages>(
      subscriptions_.get(), config_, *templates_, catalogs_,
      [this](const RequestContext& ctx, const std::string& ed, const std::string& title, const std::string& content,
             const std::map<std::string, std::string>& hrefs, int status) { return Page(ctx, ed, title, content, hrefs, status); },
      [this](const std::string& id, const std::string& ed) {
        std::shared_ptr<const Gazetteer> gazetteer = CurrentGazetteer();
        const Entity* e = gazetteer ? gazetteer->Find(id) : nullptr;
        return e ? e->Name(ed) : std::string();
      });
  AddRoutes();
  RegisterDigestMetrics();
  return Status::Ok();
}

// RegisterDigestMetrics puts the mailing's counters in /metrics, once
// serve hands its DigestStats over (SetDigestStats).
void Site::Impl::RegisterDigestMetrics() {
  auto stats = [this]() -> const DigestStats* { return digest_stats_.load(); };
  metrics_.Register("newsdesk_digest_messages_total", "Daily digest deliveries by outcome.", "counter", [stats] {
    const DigestStats* d = stats();
    if (!d) return std::vector<Metrics::Sample>();
    return std::vector<Metrics::Sample>{{"outcome=\"sent\"", static_cast<double>(d->sent.load())},
                                        {"outcome=\"retried\"", static_cast<double>(d->retried.load())},
                                        {"outcome=\"failed\"", static_cast<double>(d->failed.load())}};
  });
  metrics_.Register("newsdesk_digest_smtp_unavailable_total", "Sends that found the SMTP server down or unreachable.",
                    "counter", [stats] {
                      const DigestStats* d = stats();
                      if (!d) return std::vector<Metrics::Sample>();
                      return std::vector<Metrics::Sample>{{"", static_cast<double>(d->server_unavailable.load())}};
                    });
  metrics_.Register("newsdesk_digest_last_run_finished_seconds", "When the last daily run finished (Unix time).",
                    "gauge", [stats] {
                      const DigestStats* d = stats();
                      if (!d) return std::vector<Metrics::Sample>();
                      return std::vector<Metrics::Sample>{{"", static_cast<double>(d->last_run_finished.load())}};
                    });
}

void Site::Impl::ReplaceGazetteer(std::shared_ptr<const Gazetteer> gazetteer) {
  std::lock_guard<std::mutex> lock(gazetteer_mu_);
  gazetteer_ = std::move(gazetteer);
  cache_.Clear();  // entity names and pages may have changed
}

void Site::Impl::SyncWithStore() {
  auto seq = store_.ChangeSequence();
  if (seq.ok()) cache_.Observe(*seq);
  else if (newsdesk::Health* h = health()) h->Down("store", seq.status());  // said once, not every poll
  else spdlog::warn("cannot read the store's change sequence: {}", seq.status().ToString());
}

std::shared_ptr<const Gazetteer> Site::Impl::CurrentGazetteer() {
  std::lock_guard<std::mutex> lock(gazetteer_mu_);
  return gazetteer_;
}

Response Site::Impl::Handle(const Request& req) {
  const auto start = std::chrono::steady_clock::now();
  // The gazetteer is pinned for the whole request, so a reload never pulls
  // the names out from under a page being rendered.
  std::shared_ptr<const Gazetteer> pin = CurrentGazetteer();
  Response res = HandleSteps(req, pin.get());
  metrics_.RecordRequest(res.route, res.status, std::chrono::steady_clock::now() - start);
  return res;
}

// AddRoutes fills the one route table: every area adds its routes. The
// fixed paths come first, so that "/{ed}" and "/{ed}/…" never take them.
void Site::Impl::AddRoutes() {
  AddOperationsRoutes();
  AddSitemapRoutes();
  desk_->AddRoutes(routes_);
  AddApiRoutes();
  readers_->AddRoutes(routes_);
  subscription_pages_->AddRoutes(routes_);
  // After the desk's, whose "/desk/sources/{id}/rule" has a feed's shape.
  AddFeedRoutes();  // issue 17, part 3
  AddPublicRoutes();
}

void Site::Impl::AddOperationsRoutes() {
  const std::vector<std::string> get = {"GET", "HEAD"};
  routes_.Add(get, "/healthz", [this](const RequestContext&) { return Health(); });
  routes_.Add(get, "/readyz", [this](const RequestContext& c) { return Readiness(c); });
  routes_.Add(get, "/images/{signature}", [this](const RequestContext& c) {
    ImageProxy::Fetch fetch;
    {
      std::lock_guard<std::mutex> lock(feed_tools_mu_);
      fetch = feed_tools_.fetch_image;
    }
    return images_->Serve(c.Param("signature"), c.request.QueryParam("u").value_or(""), fetch);
  });
  routes_.Add(get, "/metrics", [this](const RequestContext&) {
    Response r = Response::Text(200, metrics_.Render());
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
  });
  routes_.Add(get, "/static/{file}", [this](const RequestContext& c) { return StaticFile(c, "static/" + c.Param("file")); });
  routes_.Add(get, "/static/demo/{file}",
              [this](const RequestContext& c) { return StaticFile(c, "static/demo/" + c.Param("file")); });
  // Issue 17, HTTP caching: the icon browsers ask for at the root, and the
  // web app manifest.
  routes_.Add(get, "/favicon.ico", [](const RequestContext&) {
    Response r = Response::Redirect(301, AssetHref("static/favicon.svg"));
    r.cacheable = true;
    return r;
  });
  routes_.Add(get, "/manifest.webmanifest", [this](const RequestContext&) { return Manifest(); });
}

// Robots and sitemaps (issue 17, part 1; the handlers are in site_sitemaps.cc).
// news.xml comes before {file}, which would take it.
void Site::Impl::AddSitemapRoutes() {
  const std::vector<std::string> get = {"GET", "HEAD"};
  routes_.Add(get, "/robots.txt", [this](const RequestContext&) { return RobotsTxt(); });
  routes_.Add(get, "/sitemap.xml", [this](const RequestContext& c) { return SitemapIndex(c); });
  routes_.Add(get, "/sitemaps/{ed}/news.xml", [this](const RequestContext& c) { return NewsSitemap(c); });
  routes_.Add(get, "/sitemaps/{ed}/{file}", [this](const RequestContext& c) { return MonthSitemap(c, c.Param("file")); });
  // issue 17, part 3: IndexNow key. Search engines check that the key the
  // publish pings send is the site's at {base_url}/{key}.txt; without a
  // key there is no such file (404).
  if (!config_.indexnow_key.empty())
    routes_.Add(get, "/" + config_.indexnow_key + ".txt", [this](const RequestContext&) {
      Response r = Response::Text(200, config_.indexnow_key);
      r.cacheable = true;
      return r;
    });
}

void Site::Impl::AddApiRoutes() {
  const std::vector<std::string> get = {"GET", "HEAD"};
  routes_.Add(get, "/api/v1/articles", [this](const RequestContext& c) { return ApiArticles(c.request); });
  routes_.Add(get, "/api/v1/articles/{id}", [this](const RequestContext& c) { return ApiArticle(c, c.Param("id")); });
  routes_.Add(get, "/api/v1/sources", [this](const RequestContext&) { return ApiSources(); });
  routes_.Add(get, "/api/v1/entities", [this](const RequestContext& c) { return ApiEntities(c); });
  routes_.Add(get, "/api/v1/entities/{slug}", [this](const RequestContext& c) { return ApiEntity(c, c.Param("slug")); });
  routes_.Add(get, "/api/v1/search", [this](const RequestContext& c) { return ApiSearch(c.request); });
  routes_.Add({"GET", "HEAD", "PUT"}, "/api/v1/articles/{id}/translations/{lang}",
              [this](const RequestContext& c) { return ApiTranslation(c); });
}

void Site::Impl::AddPublicRoutes() {
  const std::vector<std::string> get = {"GET", "HEAD"};
  routes_.Add(get, "/", [this](const RequestContext& c) { return RootRedirect(c.request); });
  routes_.Add(get, "/{ed}", [](const RequestContext& c) {
    Response r = Response::Redirect(301, "/" + c.edition + "/");
    r.cacheable = true;
    return r;
  });
  routes_.Add(get, "/{ed}/", [this](const RequestContext& c) { return ListPage(c, std::nullopt); });
  routes_.Add(get, kArticleRoute, [this](const RequestContext& c) { return ArticlePage(c, c.Param("idslug")); });
  routes_.Add(get, "/{ed}/sources/{slug}", [this](const RequestContext& c) { return SourcePage(c, c.Param("slug")); });
  routes_.Add(get, "/{ed}/mentions/", [this](const RequestContext& c) { return MentionsIndex(c); });
  routes_.Add(get, "/{ed}/mentions/{slug}", [this](const RequestContext& c) { return EntityPage(c, c.Param("slug")); });
  routes_.Add(get, "/{ed}/search", [this](const RequestContext& c) { return SearchPage(c); });
}

// The steps every request goes through, in order.
Response Site::Impl::HandleSteps(const Request& req, const Gazetteer* gazetteer) {
  Viewer viewer;
  RequestContext ctx{req, viewer, gazetteer, EditionOfPath(req.path), {}};
  // 1. A target we could not decode.
  if (!req.target_error.empty()) {
    // The JSON API answers in JSON, even a target it cannot read (issue 18).
    if (req.target.rfind("/api/", 0) == 0) {
      Response r = ApiError(400, req.target_error);
      r.route = "unmatched";
      return Finish(req, std::move(r));
    }
    return Finish(req, ErrorPage(ctx, DefaultEdition(), 400, "unmatched", req.target_error));
  }
  // 2. The page cache, for guests only: a request with a session cookie
  // gets pages with the reader's name and forms, never cached or shared.
  const bool readable = req.method == "GET" || req.method == "HEAD";
  // Static files are the same for everyone: a logged-in reader gets them
  // from the cache too, hashed, compressed and immutable (issue 17).
  const bool personal = ReaderPages::HasSessionCookie(req) && req.path.rfind("/static/", 0) != 0;
  if (readable && !personal) {
    if (auto hit = cache_.Get(req.target)) {
      metrics_.RecordCacheHit();
      if (hit->response.route == kArticleRoute && hit->response.status == 200) CountArticleView(req.path);
      return ServeCached(*hit, req);
    }
  }
  // 3. Who is asking.
  if (personal) viewer = readers_->Identify(req);
  // 4. Routing: one table for every area. An edition the site does not
  // have is not found, whatever the method.
  RouteTable::Found found = routes_.Match(req.method, req.path);
  const RouteMatch& match = found.match;
  if (match.kind == RouteMatch::Kind::kNotFound)
    return Finish(req, ErrorPage(ctx, ctx.edition, 404, "unmatched", "no route"));
  if (match.pattern.find("{ed}") != std::string::npos) {
    std::string ed = match.Param("ed");
    if (!catalogs_.count(ed)) return Finish(req, ErrorPage(ctx, DefaultEdition(), 404, match.pattern, "unknown edition"));
    ctx.edition = std::move(ed);
  } else {
    ctx.edition = DefaultEdition();
  }
  if (match.kind == RouteMatch::Kind::kMethodNotAllowed) {
    Response r = ErrorPage(ctx, ctx.edition, 405, match.pattern, "method " + req.method.substr(0, 16));
    r.headers.emplace_back("Allow", match.allowed_methods);
    return Finish(req, std::move(r));
  }
  ctx.params = match.params;
  // 5. The handler, inside the catch-all. The cache sequence is read before
  // the store, so a write during rendering makes the page stale, never the
  // reverse.
  const int64_t seq = cache_.sequence();
  Response res;
  try {
    res = (*found.handler)(ctx);
  } catch (const std::exception& e) {
    spdlog::error("500 {} {}: {}", req.method, req.path.substr(0, 200), e.what());
    res = ErrorPage(ctx, ctx.edition, 500, match.pattern, "");
  }
  if (res.route.empty()) res.route = match.pattern;
  // 6. A write (a comment landing, a moderator's decision, a corrected
  // translation) shows at once: the cache follows the store's change
  // sequence now, not at the next poll.
  if (!readable && res.status < 400) SyncWithStore();
  // 7. Count the view; keep what may be kept. A reader's own page is
  // kept by nobody else either.
  res = Finish(req, std::move(res));
  if (personal && !res.HasHeader("Cache-Control")) res.headers.emplace_back("Cache-Control", "private, no-store");
  if (res.route == kArticleRoute && res.status == 200 && readable) CountArticleView(req.path);
  if (readable && !personal && res.cacheable && (res.status == 200 || res.status == 301)) {
    metrics_.RecordCacheMiss();
    // Issue 17 (HTTP caching): a guest's page may be kept by browsers and
    // proxies a minute, and served stale while they revalidate; its
    // validators and compressed variants are made once, here, outside the
    // lock, and every hit is served from them. A logged-in reader's page
    // never comes this way: never kept, never compressed (no BREACH oracle
    // over its CSRF token).
    if (!res.HasHeader("Cache-Control")) res.headers.emplace_back("Cache-Control", kPublicPageCaching);
    std::shared_ptr<const CachedPage> page = PageCache::Prepare(std::move(res), Now());
    {
      // Not a page drawn with a gazetteer replaced meanwhile: checked and
      // kept under the lock ReplaceGazetteer swaps and clears under.
      std::lock_guard<std::mutex> lock(gazetteer_mu_);
      if (gazetteer_.get() == gazetteer) cache_.Put(req.target, page, seq);
    }
    return ServeCached(*page, req);
  }
  return res;
}

// CountArticleView counts a view of the article at `path`
// ("/{ed}/articles/{id}-{slug}") in memory.
void Site::Impl::CountArticleView(const std::string& path) {
  auto segs = SplitPath(path);
  if (segs.size() != 3) return;
  std::string_view idslug = segs[2];
  if (auto id = ParsePositiveId(idslug.substr(0, idslug.find('-')))) readers_->CountView(*id);
}

// Finish adds the headers every response carries and logs failures.
Response Site::Impl::Finish(const Request& req, Response res) {
  if (res.content_type.rfind("text/html", 0) == 0) {
    res.headers.emplace_back("Content-Security-Policy", security_policy_);
    res.headers.emplace_back("Referrer-Policy", "strict-origin-when-cross-origin");
  }
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (res.status >= 400 && res.status < 500) {
    spdlog::info("{} {} {}", res.status, req.method.substr(0, 16), req.target.substr(0, 200));
  }
  return res;
}

std::string Site::Impl::EditionOfPath(const std::string& path) const {
  auto segs = SplitPath(path);
  if (!segs.empty()) {
    std::string first(segs[0]);
    if (catalogs_.count(first)) return first;
  }
  return DefaultEdition();
}

// PreferredEdition picks the configured edition the reader's
// Accept-Language ranks highest; the default edition otherwise.
std::string Site::Impl::PreferredEdition(std::string_view accept) const {
  std::string best = PreferredLanguage(accept, config_.editions);
  return best.empty() ? DefaultEdition() : best;
}

Response Site::Impl::RootRedirect(const Request& req) {
  Response r = Response::Redirect(302, "/" + PreferredEdition(req.Header("accept-language")) + "/");
  r.headers.emplace_back("Vary", "Accept-Language");
  return r;
}

// Page wraps `content` in the layout. `edition_hrefs` gives, per edition,
// where the same page is in it (the edition's front page when absent).
Response Site::Impl::Page(const RequestContext& ctx, const std::string& ed, const std::string& title, const std::string& content, const std::map<std::string, std::string>& edition_hrefs, int status, const PageHead* head) {
  const Catalog& cat = CatalogFor(ed);
  json editions = json::array();
  for (const auto& e : config_.editions) {
    auto it = edition_hrefs.find(e);
    editions.push_back({{"code", e},
                        {"name", CatalogFor(e).language_name()},
                        {"href", it == edition_hrefs.end() ? "/" + e + "/" : it->second},
                        {"current", e == ed}});
  }
  json view = {{"lang", ed},     {"title", title},       {"site_name", config_.site_name},
               {"t", cat.strings()}, {"editions", editions}, {"content", content}};
  view["account"] = readers_->HeaderView(ctx.viewer, ed, ctx.request.target_error.empty() ? ctx.request.target : "/" + ed + "/");
  view["discussion"] = readers_->DiscussionView(ed, kDiscussionBlockSize);
  view["discussion_href"] = "/" + ed + "/discussion";
  view["subscribe"] = subscription_pages_ ? subscription_pages_->BoxView(ed) : json(false);
  if (status == 200) {
    PageHead page_head = head ? *head : BasicHead(ctx, edition_hrefs);
    // Every page offers its edition's feeds, after any of its own.
    for (auto& link : FeedLinks({FeedScope::Kind::kEdition, ed, ""}, config_.site_name + " — " + cat.language_name(), ""))
      page_head.feeds.push_back(std::move(link));
    view["head"] = HeadView(page_head);
  } else if (head) {
    view["head"] = HeadView(*head);
  }
  Response r;
  r.status = status;
  r.body = templates_->Render("layout", view);
  return r;
}

PageHead Site::Impl::BasicHead(const RequestContext& ctx, const std::map<std::string, std::string>& edition_hrefs) {
  // Every page names itself and its versions in the other editions, as
  // absolute addresses; x-default is the first edition's.
  PageHead head;
  head.canonical = config_.base_url + ctx.request.target;
  auto href = [&](const std::string& e) {
    auto it = edition_hrefs.find(e);
    return config_.base_url + (it == edition_hrefs.end() ? "/" + e + "/" : it->second);
  };
  for (const auto& e : config_.editions) head.alternates.emplace_back(e, href(e));
  head.alternates.emplace_back("x-default", href(config_.editions.front()));
  head.names.emplace_back("robots", "max-image-preview:large");
  return head;
}

Response Site::Impl::ErrorPage(const RequestContext& ctx, const std::string& ed, int status, const std::string& route, const std::string& why) {
  if (status >= 500) spdlog::error("{} on {}: {}", status, route, why);
  const Catalog& cat = CatalogFor(ed);
  const std::string key = fmt::format("error_{}", status);
  json view = {{"lang", ed},
               {"t", cat.strings()},
               {"error_title", cat.Get(key + "_title")},
               {"error_text", cat.Get(key + "_text")}};
  Response r = Page(ctx, ed, cat.Get(key + "_title"), templates_->Render("error", view), {}, status);
  r.route = route;
  return r;
}

Response Site::Impl::Health() {
  Status s = store_.Ping();
  if (!s.ok()) {
    spdlog::warn("health check failed: {}", s.ToString());
    return Response::Text(503, "unavailable\n");
  }
  return Response::Text(200, "ok\n");
}

Response Site::Impl::Readiness(const RequestContext& ctx) {
  // Why a part is down can name internal hosts and paths: said only to
  // whoever asks from this machine (an operator, a local load balancer).
  const std::string& from = ctx.request.remote_address;
  const bool local = from == "127.0.0.1" || from == "::1" || from.starts_with("::ffff:127.");
  json parts = json::array();
  bool ready = true;
  auto add = [&](const ComponentState& part) {
    json j = {{"name", part.name}, {"up", part.up}, {"since", FormatIso8601(part.since)}};
    if (!part.up) {
      j["failures"] = part.failures;
      if (local) j["error"] = part.error;
    }
    parts.push_back(std::move(j));
    ready = ready && part.up;
  };
  // The parts report as they work, the store through serve's probe every
  // few seconds, so the answer is immediate even while the database is
  // unreachable (a ping would wait out the pool's retries). Without them
  // (a site not started by serve) the store is asked now.
  if (newsdesk::Health* h = health()) {
    for (const auto& part : h->Components()) add(part);
  } else {
    Status store = store_.Ping();
    add(ComponentState{.name = "store", .up = store.ok(),
                       .since = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()),
                       .failures = store.ok() ? 0 : 1, .error = store.ok() ? "" : store.ToString()});
  }
  Response r = Json(ready ? 200 : 503, {{"ready", ready}, {"components", std::move(parts)}});
  r.cacheable = false;  // asked now, every time
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// StaticFile serves a built-in file by its plain name (kept for old
// links, cached an hour) or by its content-hashed one (cached for ever:
// new content, new name). A hashed name of older content, asked for by a
// page cached before a deploy, gets today's file, cached briefly.
Response Site::Impl::StaticFile(const RequestContext& ctx, const std::string& path) {
  auto content = FindAsset(path);
  const char* caching = "public, max-age=3600";
  std::string plain = path;
  if (!content) {
    auto hashed = HashedAsset(path);
    if (hashed) {
      plain = hashed->path;
      content = FindAsset(plain);
      caching = hashed->current ? "public, max-age=31536000, immutable" : "public, max-age=60";
    }
  }
  if (!content) return ErrorPage(ctx, DefaultEdition(), 404, "", "no static file");
  Response r;
  r.content_type = ContentTypeFor(plain);
  r.body = std::string(*content);
  r.headers.emplace_back("Cache-Control", caching);
  r.cacheable = true;
  return r;
}

// Manifest is the web app manifest: the site's name and its icon.
Response Site::Impl::Manifest() {
  json icon = {{"src", AssetHref("static/favicon.svg")}, {"sizes", "any"}, {"type", "image/svg+xml"}};
  json m = {{"name", config_.site_name},       {"short_name", config_.site_name},
            {"start_url", "/"},                {"display", "browser"},
            {"lang", DefaultEdition()},        {"icons", json::array({icon})},
            {"background_color", "#ffffff"},   {"theme_color", "#14263a"}};
  Response r;
  r.content_type = "application/manifest+json";
  r.body = m.dump(2);
  r.cacheable = true;
  return r;
}

Site::Site(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Site::~Site() {
  {
    std::lock_guard<std::mutex> lock(watch_mu_);
    stop_watch_ = true;
  }
  watch_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

Result<std::unique_ptr<Site>> Site::Create(Store& store, const Config& config,
                                           std::shared_ptr<const Gazetteer> gazetteer, std::shared_ptr<Mailer> mailer) {
  ND_RETURN_IF_ERROR(ValidateConfig(config));
  if (!mailer && MailConfigured(config)) mailer = MakeMailer(config);
  auto impl = std::make_unique<Impl>(store, config, std::move(gazetteer), std::move(mailer));
  ND_RETURN_IF_ERROR(impl->Init());
  auto site = std::unique_ptr<Site>(new Site(std::move(impl)));
  site->SyncWithStore();
  return site;
}

Response Site::Handle(const Request& request) { return impl_->Handle(request); }

void Site::SyncWithStore() { impl_->SyncWithStore(); }

void Site::AttachSearch(SearchIndex* index) { impl_->AttachSearch(index); }

void Site::AttachFeedTools(FeedTools tools) { impl_->AttachFeedTools(std::move(tools)); }
void Site::AttachHealth(Health* health) { impl_->AttachHealth(health); }

void Site::Impl::AttachHealth(newsdesk::Health* health) {
  const bool first = health_.exchange(health, std::memory_order_acq_rel) == nullptr && health &&
                     !component_gauge_registered_.exchange(true);
  if (health && mailer_) health->Register("mail");
  {
    std::lock_guard<std::mutex> lock(subscription_mu_);
    if (subscription_queue_) subscription_queue_->ReportTo(health);
  }
  readers_->ReportMailTo(health);
  if (!first) return;
  metrics_.Register("newsdesk_component_up", "Whether each background part of this node works (1) or is retrying (0).",
                    "gauge", [this] {
                      std::vector<Metrics::Sample> samples;
                      if (newsdesk::Health* h = this->health())
                        for (const auto& part : h->Components())
                          samples.push_back({fmt::format("component=\"{}\"", part.name), part.up ? 1.0 : 0.0});
                      return samples;
                    });
}

Status Site::FlushViews() { return impl_->readers().FlushViews(); }

Status Site::Housekeeping() { return impl_->readers().Housekeeping(); }

void Site::UseMailer(std::shared_ptr<Mailer> mailer) {
  impl_->UseSubscriptionMailer(mailer);
  impl_->readers().UseMailer(std::move(mailer));
}

bool Site::WaitForMail(std::chrono::milliseconds timeout) {
  return impl_->readers().WaitForMail(timeout) && impl_->WaitForSubscriptionMail(timeout);
}

void Site::SetDigestStats(const DigestStats* stats) { impl_->SetDigestStats(stats); }

void Site::ReplaceGazetteer(std::shared_ptr<const Gazetteer> gazetteer) { impl_->ReplaceGazetteer(std::move(gazetteer)); }

void Site::WatchStore(std::chrono::milliseconds interval) {
  watcher_ = std::thread([this, interval] {
    // On PostgreSQL another node's commit is announced: wake at once, and
    // poll as well in case a notice is lost with a broken link.
    std::unique_ptr<ChangeListener> listener = impl_->store().ListenForChanges();
    newsdesk::Health* health = impl_->health();
    if (listener && health) health->Register("notify");
    std::unique_lock<std::mutex> lock(watch_mu_);
    while (!stop_watch_) {
      if (listener) {
        lock.unlock();
        listener->Wait(interval);
        if (health) {
          if (listener->Connected()) health->Up("notify");
          else health->Down("notify", Status::Unavailable("LISTEN/NOTIFY: no link to PostgreSQL; polling meanwhile"));
        }
        lock.lock();
        if (stop_watch_) break;
      } else if (watch_cv_.wait_for(lock, interval, [this] { return stop_watch_; })) {
        break;
      }
      lock.unlock();
      impl_->SyncWithStore();
      lock.lock();
    }
  });
}

}  // namespace newsdesk
