// The editors' desk over real HTTP: roles, CSRF, the sources board and its
// actions (with a real fetch from a loopback outlet), people, jobs, the
// audit log, the desk's language, and hostile text coming out escaped.
#include "web/desk.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "common/testing/matchers.h"
#include "common/testing/test_directory.h"
#include "ingest/ingest.h"
#include "ingest/testing/fixture_server.h"
#include "readers/readers.h"
#include "store/testing/test_database.h"
#include "web/site.h"
#include "web/test_client.h"
#include "web/testing/served_site.h"
#include "web/testing/served_site_test.h"

namespace newsdesk {
namespace {

using testing::Browser;
using testing::CsrfField;
using testing::FixtureServer;
using testing::HasSubstrs;
using testing::RawResponse;
using ::testing::HasSubstr;
using ::testing::Not;

TimePoint Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }


// ServeOutlet makes `outlet` a small news site: a home page that links its
// feed, the feed with one item, and that item's article page.
void ServeOutlet(FixtureServer& outlet) {
  outlet.Serve("/", 200,
               "<!doctype html><html><head><title>Outlet</title><link rel=\"alternate\" "
               "type=\"application/rss+xml\" href=\"/rss\"></head><body><p>News.</p></body></html>",
               {{"Content-Type", "text/html; charset=utf-8"}});
  outlet.Serve("/rss", 200,
               "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Outlet</title>"
               "<link>" + outlet.Url("/") + "</link><language>en-GB</language><item><title>Corvette launched</title><link>" +
                   outlet.Url("/a") + "</link><pubDate>Fri, 26 Apr 2024 09:00:00 GMT</pubDate></item></channel></rss>",
               {{"Content-Type", "application/rss+xml"}});
  outlet.Serve("/a", 200,
               "<!doctype html><html><head><meta charset=\"utf-8\"><title>Corvette launched | Outlet</title></head>"
               "<body><article><h1>Corvette launched at the northern yard</h1>" + testing::ArticleParagraphs("Corvette", 4) +
                   "</article></body></html>",
               {{"Content-Type", "text/html; charset=utf-8"}});
  outlet.Serve("/plain", 200, "<!doctype html><html><head><title>No feed</title></head><body>Nothing.</body></html>",
               {{"Content-Type", "text/html; charset=utf-8"}});
}

FetchOptions LoopbackOptions(const FixtureServer& outlet) {
  FetchOptions options;
  options.allowed_hosts = {"127.0.0.1:" + std::to_string(outlet.port())};
  options.per_host_delay = std::chrono::milliseconds(0);
  return options;
}

class DeskTest : public testing::ServedSiteTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore("nd_desk", "http://news.example"));
    reader_ = AddUser("reader@example.org", "Rita", Role::kReader);
    moderator_ = AddUser("mod@example.org", "Moe", Role::kModerator);
    editor_ = AddUser("editor@example.org", "Edda", Role::kEditor);
    admin_ = AddUser("admin@example.org", "Ada", Role::kAdmin);
    // Three outlets: one fetching fine, one failing, one paused.
    ok_feed_ = Follow("Wire", "https://wire.example/", "https://wire.example/rss", "en");
    failing_feed_ = Follow("<script>alert('name')</script> Agency", "https://agency.example/",
                           "https://agency.example/rss", "ru");
    FetchOutcome failure;
    failure.at = Now();
    failure.ok = false;
    failure.status = "HTTP 503";
    failure.error = "HTTP 503: <img src=x onerror=alert(1)>";
    failure.next_fetch_at = Now() + std::chrono::minutes(5);
    ASSERT_TRUE(store_->RecordFetch(failing_feed_, failure).ok());
    ASSERT_TRUE(store_->RecordFetch(failing_feed_, failure).ok());
    paused_feed_ = Follow("Herald", "https://herald.example/", "https://herald.example/rss", "en");
    ASSERT_TRUE(store_->SetFeedPaused(paused_feed_, true, Now()).ok());
    ASSERT_NO_FATAL_FAILURE(Serve());
  }

  int64_t Follow(const std::string& name, const std::string& home, const std::string& feed, const std::string& lang) {
    Source s;
    s.name = name;
    s.home_url = home;
    s.feed_url = feed;
    s.language = lang;
    auto added = store_->AddFeedSource(s);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->id : 0;
  }

  int64_t SourceOf(int64_t feed) { return store_->GetFeedStatus(feed)->source_id; }

  // Act posts a desk form with the session's CSRF token, read off `page`.
  static RawResponse Act(Browser& b, const std::string& action, Browser::Fields fields, const std::string& page) {
    return b.Post(action, std::move(fields), page);
  }

  int64_t reader_ = 0, moderator_ = 0, editor_ = 0, admin_ = 0;
  int64_t ok_feed_ = 0, failing_feed_ = 0, paused_feed_ = 0;
};

TEST_F(DeskTest, EveryRouteAsksAGuestToLogInRefusesAReaderAndKeepsModeratorsToComments) {
  const std::string source = "/desk/sources/" + std::to_string(SourceOf(ok_feed_));
  const std::string feed = "/desk/feeds/" + std::to_string(ok_feed_);
  const std::string user = "/desk/people/" + std::to_string(reader_);
  struct Route {
    std::string method, path;
    Role least;
  };
  const std::vector<Route> routes = {
      {"GET", "/desk/", Role::kModerator},           {"GET", "/desk/comments", Role::kModerator},
      {"POST", "/desk/language", Role::kModerator},  {"GET", "/desk/sources", Role::kEditor},
      {"GET", source, Role::kEditor},                {"POST", source + "/remove", Role::kEditor},
      {"GET", source + "/rule", Role::kEditor},      {"POST", source + "/rule", Role::kEditor},
      {"POST", source + "/rule/preview", Role::kEditor}, {"POST", source + "/hold", Role::kEditor},
      {"POST", "/desk/mail", Role::kEditor},
      {"POST", "/desk/sources/discover", Role::kEditor}, {"POST", "/desk/sources/follow", Role::kEditor},
      {"POST", feed + "/pause", Role::kEditor},      {"POST", feed + "/resume", Role::kEditor},
      {"POST", feed + "/fetch", Role::kEditor},      {"POST", feed + "/interval", Role::kEditor},
      {"GET", "/desk/jobs", Role::kEditor},          {"POST", "/desk/jobs/1/retry", Role::kEditor},
      {"GET", "/desk/audit", Role::kEditor},         {"GET", "/desk/people", Role::kAdmin},
      {"POST", user + "/role", Role::kAdmin},        {"POST", user + "/ban", Role::kAdmin}};
  Browser guest(served_->port());
  for (const auto& r : routes) {
    RawResponse res = guest.Send(r.method, r.path, "csrf=x");
    EXPECT_EQ(res.status, 401) << r.method << " " << r.path;
    EXPECT_EQ(res.headers["cache-control"], "no-store") << r.path;
  }
  struct Who {
    const char* email;
    Role role;
  };
  for (const Who& who : {Who{"reader@example.org", Role::kReader}, Who{"mod@example.org", Role::kModerator},
                         Who{"editor@example.org", Role::kEditor}}) {
    Browser b = LoggedIn(who.email);
    for (const auto& r : routes) {
      if (static_cast<int>(who.role) >= static_cast<int>(r.least)) continue;
      RawResponse res = b.Send(r.method, r.path, "csrf=x");
      EXPECT_EQ(res.status, 403) << who.email << " " << r.method << " " << r.path;
      EXPECT_THAT(res.body, HasSubstr("role")) << "the refusal says why";
    }
  }
  // What each role may open, it can.
  Browser moderator = LoggedIn("mod@example.org");
  EXPECT_EQ(moderator.Get("/desk/").status, 200);
  EXPECT_EQ(moderator.Get("/desk/comments").status, 200);
  Browser admin = LoggedIn("admin@example.org");
  for (const char* page : {"/desk/", "/desk/sources", "/desk/jobs", "/desk/audit", "/desk/people", "/desk/comments"}) {
    RawResponse res = admin.Get(page);
    EXPECT_EQ(res.status, 200) << page << res.body;
    EXPECT_EQ(res.headers["cache-control"], "no-store") << page;
  }
  EXPECT_EQ(admin.Get(source).status, 200);
}

TEST_F(DeskTest, EveryChangeNeedsTheSessionsCsrfTokenAndChangesNothingWithout) {
  Browser editor = LoggedIn("editor@example.org");
  Browser admin = LoggedIn("admin@example.org");
  const std::string feed = "/desk/feeds/" + std::to_string(ok_feed_);
  const std::string other_token = CsrfField(admin.Get("/desk/sources").body);
  for (const std::string& token : {std::string(""), std::string("forged"), other_token}) {
    EXPECT_EQ(editor.Post(feed + "/pause", {{"csrf", token}}).status, 403) << token;
    EXPECT_EQ(editor.Post(feed + "/interval", {{"csrf", token}, {"minutes", "5"}}).status, 403);
    EXPECT_EQ(editor.Post("/desk/sources/" + std::to_string(SourceOf(ok_feed_)) + "/remove", {{"csrf", token}}).status,
              403);
    EXPECT_EQ(admin.Post("/desk/people/" + std::to_string(reader_) + "/ban", {{"csrf", token}, {"banned", "1"}}).status,
              token == other_token ? 303 : 403)
        << "the admin's own token is the only one that works for the admin";
  }
  auto f = store_->GetFeedStatus(ok_feed_);
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->paused);
  EXPECT_EQ(f->fetch_interval_seconds, 900);
  EXPECT_TRUE(store_->GetSourceStatus(SourceOf(ok_feed_)).ok());
  // A form that is not a form is refused as such.
  EXPECT_EQ(editor.Send("POST", feed + "/pause", "{}", "application/json").status, 415);
}

TEST_F(DeskTest, TheSourcesBoardShowsStateErrorsAndFilters) {
  Browser editor = LoggedIn("editor@example.org");
  RawResponse board = editor.Get("/desk/sources");
  ASSERT_EQ(board.status, 200) << board.body;
  EXPECT_THAT(board.body, HasSubstrs({"Wire", "Herald", "HTTP 503", "badge failing", "badge paused", "badge ok",
                                      "generic extractor", "<svg class=\"spark\""}));
  EXPECT_THAT(board.body, HasSubstr("1 failing sources"));
  RawResponse failing = editor.Get("/desk/sources?filter=failing");
  EXPECT_THAT(failing.body, HasSubstr("Agency"));
  EXPECT_THAT(failing.body, Not(HasSubstr(">Wire</a>")));
  RawResponse paused = editor.Get("/desk/sources?filter=paused");
  EXPECT_THAT(paused.body, HasSubstr(">Herald</a>"));
  EXPECT_THAT(paused.body, Not(HasSubstr(">Wire</a>")));
  RawResponse russian = editor.Get("/desk/sources?lang=ru");
  EXPECT_THAT(russian.body, HasSubstr("Agency"));
  EXPECT_THAT(russian.body, Not(HasSubstr(">Herald</a>")));
  // No source has an article yet: all are idle.
  RawResponse idle = editor.Get("/desk/sources?filter=idle&days=3");
  EXPECT_THAT(idle.body, HasSubstrs({">Wire</a>", ">Herald</a>"}));
  // One source's page: each feed with its failures in a row and its error.
  RawResponse page = editor.Get("/desk/sources/" + std::to_string(SourceOf(failing_feed_)));
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstrs({"https://agency.example/rss", "Failures in a row</dt><dd>2</dd>", "Fetch now"}));
  EXPECT_EQ(editor.Get("/desk/sources/999999").status, 404);
  EXPECT_EQ(editor.Get("/desk/sources/abc").status, 404);
}

TEST_F(DeskTest, HostileTextComesOutEscapedOnTheBoardThePageAndTheLog) {
  Browser editor = LoggedIn("editor@example.org");
  for (const std::string& path : {std::string("/desk/sources"), "/desk/sources/" + std::to_string(SourceOf(failing_feed_))}) {
    RawResponse r = editor.Get(path);
    EXPECT_THAT(r.body, Not(HasSubstr("<script>alert"))) << path;
    EXPECT_THAT(r.body, Not(HasSubstr("<img src=x"))) << path;
    EXPECT_THAT(r.body, HasSubstr("&lt;script&gt;")) << path;
  }
  ASSERT_EQ(Act(editor, "/desk/feeds/" + std::to_string(failing_feed_) + "/pause", {}, "/desk/sources").status, 303);
  RawResponse log = editor.Get("/desk/audit");
  EXPECT_THAT(log.body, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(log.body, HasSubstr("&lt;script&gt;"));
}

TEST_F(DeskTest, PauseResumeIntervalAndRemoveWorkAndAreRecordedInTheAuditLog) {
  Browser editor = LoggedIn("editor@example.org");
  const std::string feed = "/desk/feeds/" + std::to_string(ok_feed_);
  const std::string page = "/desk/sources/" + std::to_string(SourceOf(ok_feed_));
  RawResponse r = Act(editor, feed + "/pause", {}, page);
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.headers["location"], page + "?done=paused");
  EXPECT_TRUE(store_->GetFeedStatus(ok_feed_)->paused);
  auto due = store_->DueFeeds(Now() + std::chrono::hours(48), 100);
  ASSERT_TRUE(due.ok());
  for (const auto& f : *due) EXPECT_NE(f.id, ok_feed_) << "a paused feed is never due";
  EXPECT_THAT(editor.Get(page + "?done=paused").body, HasSubstr("The feed is paused."));
  ASSERT_EQ(Act(editor, feed + "/resume", {}, page).status, 303);
  EXPECT_FALSE(store_->GetFeedStatus(ok_feed_)->paused);
  ASSERT_EQ(Act(editor, feed + "/interval", {{"minutes", "30"}}, page).status, 303);
  EXPECT_EQ(store_->GetFeedStatus(ok_feed_)->fetch_interval_seconds, 1800);
  for (const char* bad : {"0", "-5", "abc", "99999", ""})
    EXPECT_EQ(Act(editor, feed + "/interval", {{"minutes", bad}}, page).status, 400) << bad;
  EXPECT_EQ(store_->GetFeedStatus(ok_feed_)->fetch_interval_seconds, 1800) << "a refused change changes nothing";
  ASSERT_EQ(Act(editor, page + "/remove", {}, page).status, 303);
  EXPECT_TRUE(store_->GetFeedStatus(ok_feed_).status().is_not_found());
  EXPECT_EQ(Act(editor, feed + "/pause", {}, "/desk/sources").status, 404) << "a removed feed is gone";

  auto log = store_->ListAudit({});
  ASSERT_TRUE(log.ok());
  std::vector<std::string> actions;
  for (const auto& e : log->entries) actions.push_back(e.action);
  EXPECT_THAT(actions, ::testing::ElementsAre("source.remove", "feed.interval", "feed.resume", "feed.pause"));
  EXPECT_EQ(log->entries[1].before, "15 min");
  EXPECT_EQ(log->entries[1].after, "30 min");
  EXPECT_EQ(log->entries[1].actor, "user:" + std::to_string(editor_));
  EXPECT_EQ(log->entries[1].actor_name, "Edda");
  RawResponse audit = editor.Get("/desk/audit?kind=feed");
  EXPECT_THAT(audit.body, HasSubstrs({"feed.interval", "feed.pause", "Edda", "15 min", "30 min"}));
  EXPECT_THAT(audit.body, Not(HasSubstr("source.remove")));
  EXPECT_THAT(editor.Get("/desk/audit?since=nonsense").body, HasSubstr("is not a date"));
}

TEST_F(DeskTest, FetchNowFetchesTheFeedFromTheOutletAndShowsTheResult) {
  FixtureServer outlet;
  ServeOutlet(outlet);
  const int64_t feed = Follow("Outlet", outlet.Url("/"), outlet.Url("/rss"), "en");
  Fetcher fetcher(LoopbackOptions(outlet));
  Ingestor ingestor(*store_, *store_, fetcher, IngestOptions{});
  Browser editor = LoggedIn("editor@example.org");
  const std::string page = "/desk/sources/" + std::to_string(SourceOf(feed));
  // Until serve hands a fetcher over, the desk says it cannot fetch.
  EXPECT_EQ(Act(editor, "/desk/feeds/" + std::to_string(feed) + "/fetch", {}, page).status, 503);
  EXPECT_EQ(store_->ListArticles({})->items.size(), 0u);
  served_->site().AttachFeedTools(MakeFeedTools(ingestor, fetcher));
  RawResponse r = Act(editor, "/desk/feeds/" + std::to_string(feed) + "/fetch", {}, page);
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.headers["location"], page + "?done=fetched&new=1&failed=0");
  EXPECT_THAT(editor.Get(r.headers["location"]).body, HasSubstrs({"Fetched: 1 new articles, 0 failed", "badge ok"}));
  EXPECT_EQ(store_->ListArticles({})->items.size(), 1u);
  EXPECT_EQ(outlet.Hits("/rss"), 1);
  auto log = store_->ListAudit({.action_prefix = "feed.fetch"});
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->entries.size(), 1u) << "a fetch that could not be made is not recorded";
  EXPECT_EQ(log->entries[0].after, "1 new, 0 updated, 0 failed");
  served_->site().AttachFeedTools({});
}

TEST_F(DeskTest, AnEditorAddsASourceByItsSiteSeesWhatWasFoundAndItsFirstFetch) {
  FixtureServer outlet;
  ServeOutlet(outlet);
  Fetcher fetcher(LoopbackOptions(outlet));
  Ingestor ingestor(*store_, *store_, fetcher, IngestOptions{});
  served_->site().AttachFeedTools(MakeFeedTools(ingestor, fetcher));
  Browser editor = LoggedIn("editor@example.org");
  RawResponse found = Act(editor, "/desk/sources/discover", {{"url", outlet.Url("/")}}, "/desk/sources");
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_THAT(found.body, HasSubstrs({"Corvette launched", "1 items in the feed now", outlet.Url("/rss"),
                                      "name=\"language\" value=\"en\"", "action=\"/desk/sources/follow\""}));
  EXPECT_EQ(store_->ListArticles({})->items.size(), 0u) << "nothing is followed before the editor says so";
  EXPECT_EQ(Act(editor, "/desk/sources/discover", {{"url", outlet.Url("/plain")}}, "/desk/sources").status, 422);
  EXPECT_EQ(Act(editor, "/desk/sources/discover", {{"url", "ftp://outlet.example/"}}, "/desk/sources").status, 400);
  Browser::Fields follow = {{"feed_url", outlet.Url("/rss")}, {"name", "Outlet Daily"}, {"home_url", outlet.Url("/")},
                            {"language", "en"}, {"country", "gb"}, {"minutes", "20"}};
  RawResponse followed = Act(editor, "/desk/sources/follow", follow, "/desk/sources");
  ASSERT_EQ(followed.status, 303) << followed.body;
  EXPECT_THAT(followed.headers["location"], HasSubstr("?done=fetched&new=1&failed=0"));
  EXPECT_THAT(editor.Get(followed.headers["location"]).body,
              HasSubstrs({"Outlet Daily", "Fetched: 1 new articles", "badge ok"}));
  EXPECT_EQ(store_->ListArticles({})->items.size(), 1u);
  auto sources = store_->ListSourceStatuses();
  ASSERT_TRUE(sources.ok());
  bool seen = false;
  for (const auto& st : *sources) {
    if (st.source.name != "Outlet Daily") continue;
    seen = true;
    EXPECT_EQ(st.source.country, "GB");
    ASSERT_EQ(st.feeds.size(), 1u);
    EXPECT_EQ(st.feeds[0].fetch_interval_seconds, 1200);
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(Act(editor, "/desk/sources/follow", follow, "/desk/sources").status, 409) << "followed already";
  follow[1].second = "";
  EXPECT_EQ(Act(editor, "/desk/sources/follow", follow, "/desk/sources").status, 400) << "a name is needed";
  auto log = store_->ListAudit({});
  ASSERT_TRUE(log.ok());
  ASSERT_GE(log->entries.size(), 2u);
  EXPECT_EQ(log->entries[0].action, "feed.fetch");
  EXPECT_EQ(log->entries[1].action, "source.add");
  EXPECT_EQ(log->entries[1].after, outlet.Url("/rss"));
  served_->site().AttachFeedTools({});
}

TEST_F(DeskTest, AnEditorPreviewsARuleOnTheNewestPageSideBySideBeforeSavingIt) {
  FixtureServer outlet;
  ServeOutlet(outlet);
  outlet.Serve("/rule", 200,
               "<!doctype html><html><head><meta charset=\"utf-8\"><title>Tanker refloated</title></head><body>"
               "<div class=\"promo\"><p>Subscribe to our newsletter today and never miss a story again, "
               "every morning in your inbox.</p></div><div id=\"main\"><h1>Tanker refloated</h1>" +
                   testing::ArticleParagraphs("Tanker", 3) + "</div></body></html>",
               {{"Content-Type", "text/html; charset=utf-8"}});
  const int64_t feed = Follow("Outlet", outlet.Url("/"), outlet.Url("/rss"), "en");
  const int64_t source = SourceOf(feed);
  ArticleRecord newest;
  newest.url = outlet.Url("/rule");
  newest.source = store_->GetSourceStatus(source)->source;
  newest.language = "en";
  newest.headline = "Tanker refloated";
  newest.published_at = Now();
  newest.body = {Block{BlockType::kParagraph, "Tanker text.", {}, {}, {}, {}}};
  ASSERT_TRUE(store_->UpsertArticles({newest}).ok());
  Fetcher fetcher(LoopbackOptions(outlet));
  Ingestor ingestor(*store_, *store_, fetcher, IngestOptions{});
  served_->site().AttachFeedTools(MakeFeedTools(ingestor, fetcher));
  Browser editor = LoggedIn("editor@example.org");
  const std::string rule = "/desk/sources/" + std::to_string(source) + "/rule";

  RawResponse form = editor.Get(rule);
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_THAT(form.body, HasSubstr("value=\"" + outlet.Url("/rule") + "\"")) << "the newest page is proposed";
  RawResponse preview = Act(editor, rule + "/preview",
                            {{"body_selector", "#main"}, {"drop_selectors", "h1"}, {"url", outlet.Url("/rule")}}, rule);
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_THAT(preview.body, HasSubstrs({"With the rule in force", "With the draft", "Tanker", "Save this rule"}));
  EXPECT_TRUE(store_->GetSourceStatus(source)->source.body_selector.empty()) << "a preview saves nothing";
  RawResponse nothing = Act(editor, rule + "/preview", {{"body_selector", "div.gone"}, {"url", outlet.Url("/rule")}}, rule);
  EXPECT_EQ(nothing.status, 200);
  EXPECT_THAT(nothing.body, HasSubstr("matched nothing"));
  EXPECT_THAT(nothing.body, Not(HasSubstr("Save this rule"))) << "a rule that extracts nothing is not offered";
  RawResponse malformed = Act(editor, rule + "/preview", {{"body_selector", "p:hover"}, {"url", outlet.Url("/rule")}}, rule);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_THAT(malformed.body, HasSubstr("selector"));
  EXPECT_EQ(Act(editor, rule + "/preview", {{"body_selector", "#main"}, {"url", "file:///etc/passwd"}}, rule).status, 400);
  RawResponse internal = Act(editor, rule + "/preview", {{"body_selector", "#main"}, {"url", "http://10.0.0.1/"}}, rule);
  EXPECT_EQ(internal.status, 422) << "the fetcher's guard refuses internal addresses";
  EXPECT_EQ(Act(editor, rule, {{"body_selector", "p:hover"}}, rule).status, 400);
  EXPECT_TRUE(store_->GetSourceStatus(source)->source.body_selector.empty());

  RawResponse saved = Act(editor, rule, {{"body_selector", "#main"}, {"drop_selectors", "h1\n.promo"}}, rule);
  ASSERT_EQ(saved.status, 303) << saved.body;
  auto after = store_->GetSourceStatus(source);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->source.body_selector, "#main");
  EXPECT_EQ(after->source.drop_selectors, (std::vector<std::string>{"h1", ".promo"}));
  EXPECT_THAT(editor.Get(saved.headers["location"]).body, HasSubstrs({"<code>#main</code>", "extraction rule is saved"}));
  auto log = store_->ListAudit({.action_prefix = "source.rule"});
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->entries.size(), 1u);
  EXPECT_EQ(log->entries[0].after, "#main − h1 − .promo");

  // Rule text is the editor's, shown back escaped wherever it appears.
  const std::string hostile = "div[data-x=\"<script>alert(1)</script>\"]";
  RawResponse shown = Act(editor, rule + "/preview", {{"body_selector", hostile}, {"url", outlet.Url("/rule")}}, rule);
  EXPECT_THAT(shown.body, Not(HasSubstr("<script>alert(1)")));
  ASSERT_EQ(Act(editor, rule, {{"body_selector", hostile}}, rule).status, 303);
  for (const std::string& page : {std::string("/desk/sources"), "/desk/sources/" + std::to_string(source), rule,
                                  std::string("/desk/audit")}) {
    RawResponse res = editor.Get(page);
    EXPECT_EQ(res.status, 200) << page;
    EXPECT_THAT(res.body, Not(HasSubstr("<script>alert(1)"))) << page;
    EXPECT_THAT(res.body, HasSubstr("&lt;script&gt;alert(1)")) << page;
  }
  served_->site().AttachFeedTools({});
}

TEST_F(DeskTest, AnEditorSwitchesTheirOwnDeskMailOffAndOn) {
  Browser editor = LoggedIn("editor@example.org");
  EXPECT_THAT(editor.Get("/desk/").body, HasSubstrs({"You get the daily desk mail.", "Switch it off"}));
  RawResponse off = Act(editor, "/desk/mail", {{"on", "0"}}, "/desk/");
  ASSERT_EQ(off.status, 303) << off.body;
  EXPECT_FALSE(store_->GetUser(editor_)->desk_mail);
  EXPECT_TRUE(store_->GetUser(admin_)->desk_mail) << "only the editor's own";
  EXPECT_THAT(editor.Get(off.headers["location"]).body,
              HasSubstrs({"setting is saved", "You do not get the daily desk mail.", "Switch it on"}));
  EXPECT_EQ(Act(editor, "/desk/mail", {{"on", "maybe"}}, "/desk/").status, 400);
  EXPECT_EQ(Act(editor, "/desk/mail", {{"on", "1"}}, "/desk/").status, 303);
  EXPECT_TRUE(store_->GetUser(editor_)->desk_mail);
  auto log = store_->ListAudit({.action_prefix = "user.desk_mail"});
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->entries.size(), 2u);
  EXPECT_EQ(log->entries[1].after, "off");
  EXPECT_EQ(log->entries[0].after, "on");
}

TEST_F(DeskTest, AdminsChangeRolesAndBanAndABannedReaderIsLoggedOut) {
  ArticleRecord article;
  article.url = "https://wire.example/a";
  article.source = Source{0, "", "Wire", "https://wire.example/", "GB", "en"};
  article.language = "en";
  article.headline = "Harbour reopens";
  article.published_at = Now();
  article.body = {Block{BlockType::kParagraph, "Text.", {}, {}, {}, {}}};
  auto up = store_->UpsertArticles({article});
  ASSERT_TRUE(up.ok());
  std::vector<int64_t> spam;
  for (const char* text : {"Buy now", "Cheap pills"}) {
    Comment c;
    c.article_id = up->ids[0];
    c.user_id = reader_;
    c.body = text;
    c.html = std::string("<p>") + text + "</p>";
    c.created_at = Now();
    auto added = store_->AddComment(c);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    spam.push_back(added->id);
  }
  Browser rita = LoggedIn("reader@example.org");
  ASSERT_EQ(rita.Get("/en/account").status, 200);
  Browser admin = LoggedIn("admin@example.org");
  RawResponse people = admin.Get("/desk/people");
  ASSERT_EQ(people.status, 200);
  EXPECT_THAT(people.body, HasSubstrs({"Rita", "reader@example.org", "Edda", "Moe"}));
  const std::string user = "/desk/people/" + std::to_string(reader_);
  ASSERT_EQ(Act(admin, user + "/role", {{"role", "moderator"}}, "/desk/people").status, 303);
  EXPECT_EQ(store_->GetUser(reader_)->role, Role::kModerator);
  EXPECT_EQ(Act(admin, user + "/role", {{"role", "emperor"}}, "/desk/people").status, 400);
  EXPECT_EQ(Act(admin, "/desk/people/" + std::to_string(admin_) + "/role", {{"role", "reader"}}, "/desk/people").status,
            400)
      << "an admin cannot demote themselves";
  ASSERT_EQ(Act(admin, user + "/ban", {{"banned", "1"}, {"hide", "1"}}, "/desk/people").status, 303);
  EXPECT_TRUE(store_->GetUser(reader_)->banned);
  for (int64_t id : spam) EXPECT_EQ(store_->GetComment(id)->status, CommentStatus::kHidden) << "hidden with the ban";
  EXPECT_EQ(rita.Get("/en/account").status, 303) << "the banned reader's session is gone";
  EXPECT_THAT(admin.Get("/desk/people?q=rita").body, HasSubstrs({"Rita", "banned", "Unban"}));
  EXPECT_THAT(admin.Get("/desk/people?q=rita").body, Not(HasSubstr("Edda")));
  EXPECT_THAT(admin.Get("/desk/people?role=editor").body, HasSubstr("Edda"));
  auto log = store_->ListAudit({.action_prefix = "user."});
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->entries.size(), 2u);
  EXPECT_EQ(log->entries[0].action, "user.ban");
  EXPECT_EQ(log->entries[0].after, "banned; 2 comments hidden");
  EXPECT_EQ(log->entries[1].action, "user.role");
  EXPECT_EQ(log->entries[1].before, "reader");
  EXPECT_EQ(log->entries[1].after, "moderator");
}

TEST_F(DeskTest, TheJobsPageListsFailedJobsWithTheirErrorAndRetriesThem) {
  auto id = store_->EnqueueJob({.kind = "translate", .key = "article:7", .run_at = Now(), .max_attempts = 1}, Now());
  ASSERT_TRUE(id.ok() && id->has_value());
  auto claimed = store_->ClaimJob({"translate"}, "node-a", Now(), Now() + std::chrono::minutes(1));
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  ASSERT_TRUE(store_->FinishJob(**id, "node-a", false, "HTTP 502 from the translator", Now(), Now()).ok());
  Browser editor = LoggedIn("editor@example.org");
  RawResponse jobs = editor.Get("/desk/jobs");
  EXPECT_THAT(jobs.body, HasSubstrs({"translate", "article:7", "HTTP 502 from the translator", "Retry"}));
  const std::string retry = "/desk/jobs/" + std::to_string(**id) + "/retry";
  ASSERT_EQ(Act(editor, retry, {}, "/desk/jobs").status, 303);
  EXPECT_EQ(store_->GetJob(**id)->state, JobState::kQueued);
  EXPECT_EQ(Act(editor, retry, {}, "/desk/jobs").status, 400) << "only a failed job is retried";
  EXPECT_THAT(editor.Get("/desk/audit").body, HasSubstr("job.retry"));
}

TEST_F(DeskTest, TheDeskSpeaksTheEditorsLanguage) {
  Browser editor = LoggedIn("editor@example.org");
  RawResponse english = editor.Get("/desk/sources");
  EXPECT_THAT(english.body, HasSubstrs({"<html lang=\"en\">", "Sources", "Failures in a row"}));
  RawResponse russian = editor.Send("GET", "/desk/sources", "", "", "Accept-Language: ru-RU,ru;q=0.9,en;q=0.5\r\n");
  EXPECT_THAT(russian.body, HasSubstrs({"<html lang=\"ru\">", "Источники", "Ошибок подряд"}));
  // The choice, once made, wins over the browser's languages.
  RawResponse chosen = Act(editor, "/desk/language", {{"lang", "ru"}, {"back", "/desk/jobs"}}, "/desk/");
  ASSERT_EQ(chosen.status, 303);
  EXPECT_EQ(chosen.headers["location"], "/desk/jobs");
  EXPECT_THAT(editor.Get("/desk/").body, HasSubstr("<html lang=\"ru\">"));
  EXPECT_EQ(Act(editor, "/desk/language", {{"lang", "xx"}}, "/desk/").status, 400);
  RawResponse outward = Act(editor, "/desk/language", {{"lang", "en"}, {"back", "https://evil.example/"}}, "/desk/");
  EXPECT_EQ(outward.headers["location"], "/desk/") << "no open redirect";
  Browser guest(served_->port());
  EXPECT_THAT(guest.Send("GET", "/desk/", "", "", "Accept-Language: ru\r\n").body, HasSubstr("Войдите"));
}

}  // namespace
}  // namespace newsdesk
