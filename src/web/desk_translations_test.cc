// The desk's translations room over real HTTP: machine translations made by
// a real pass through a real LibreTranslate-compatible server on loopback
// (translate/testing/libretranslate_fixture.py, whose API key picks success
// or failure), reviewed, corrected and retried through the desk's forms.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/testing/matchers.h"
#include "common/time.h"
#include "translate/testing/servers.h"
#include "translate/translate.h"
#include "web/desk.h"
#include "web/test_client.h"
#include "web/testing/served_site_test.h"

namespace newsdesk {
namespace {

using testing::Browser;
using testing::CsrfField;
using testing::HasSubstrs;
using testing::LacksSubstrs;
using testing::RawResponse;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kHostileHeadline = "<script>alert('headline')</script> Corvette launched";
constexpr const char* kHostileParagraph = "<img src=x onerror=alert(1)> The yard delivered the ship.";

TimePoint Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

Block Paragraph(const std::string& text) { return Block{BlockType::kParagraph, text, {}, {}, {}, {}}; }

class DeskTranslationsTest : public testing::ServedSiteTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(libre_.ok()) << "the LibreTranslate fixture did not start";
    ASSERT_NO_FATAL_FAILURE(OpenStore("nd_desk_translations", "http://news.example"));
    config_.editions = {"en", "es"};
    AddUser("reader@example.org", "Rita", Role::kReader);
    AddUser("mod@example.org", "Moe", Role::kModerator);
    editor_ = AddUser("editor@example.org", "Edda", Role::kEditor);
    AddUser("admin@example.org", "Ada", Role::kAdmin);
    harbour_ = AddArticle("harbour", "The harbour reopens",
                          {Paragraph("The harbour reopened on Friday."),
                           Block{BlockType::kHeading, "What changes", {}, {}, {}, {}},
                           Block{BlockType::kList, "", {"Ferries return", "Tolls stay"}, {}, {}, {}},
                           Block{BlockType::kImage, "", {}, "https://outlet.example/harbour.jpg", "The harbour",
                                 "© Outlet"}});
    hostile_ = AddArticle("corvette", kHostileHeadline, {Paragraph(kHostileParagraph)});
    auto pass = MachinePass("ok");
    ASSERT_TRUE(pass.ok()) << pass.status().ToString();
    ASSERT_EQ(pass->translated, 2);
    ASSERT_NO_FATAL_FAILURE(Serve());
  }

  int64_t AddArticle(const std::string& slug, const std::string& headline, std::vector<Block> body) {
    ArticleRecord r;
    r.url = "https://outlet.example/" + slug;
    r.source = Source{0, "", "Outlet", "https://outlet.example/", "GB", "en"};
    r.language = "en";
    r.headline = headline;
    r.dateline = "LONDON, June 26";
    r.published_at = *ParseIso8601("2026-06-26T12:00:00Z");
    r.body = std::move(body);
    auto up = store_->UpsertArticles({r});
    EXPECT_TRUE(up.ok()) << up.status().ToString();
    return up.ok() ? up->ids[0] : 0;
  }

  // MachinePass runs one real translation pass into Spanish through the
  // fixture, which translates with `key` "ok" and fails with "500".
  Result<PassStats> MachinePass(const std::string& key) {
    TranslatorOptions o;
    o.url = libre_.url();
    o.api_key = key;
    o.max_attempts = 1;
    o.requests_per_second = 0;
    Translators translators;
    translators.Add(MakeLibreTranslateClient(o), {"en-es"});
    PassOptions p;
    p.editions = {"es"};
    p.retry_failed_after = std::chrono::hours(1);
    TranslationPass pass(*store_, *store_, translators, p);
    return pass.RunOnce();
  }

  // MachineWrite stores a machine translation of `id` as a pass would.
  Status MachineWrite(int64_t id, const std::string& headline) {
    Translation t;
    t.language = "es";
    t.by = TranslatedBy::kMachine;
    t.headline = headline;
    t.body = {Paragraph("[es] again")};
    return store_->PutTranslation(id, t);
  }

  static std::string Page(int64_t id) { return "/desk/translations/" + std::to_string(id) + "/es"; }
  // Seen is the `seen` field the page's forms carry.
  std::string Seen(int64_t id) { return std::to_string(store_->GetTranslationListing(id, "es")->updated_at.time_since_epoch().count()); }

  // SaveFields is the side-by-side form of `id` as the page shows it, with `blocks` typed in.
  Browser::Fields SaveFields(int64_t id, const std::string& headline, const std::vector<std::string>& blocks) {
    Browser::Fields f = {{"seen", Seen(id)}, {"headline", headline}, {"dateline", "LONDRES, 26 de junio"}};
    for (const auto& b : blocks) f.emplace_back("block", b);
    return f;
  }

  std::vector<std::string> AuditActions() {
    auto log = store_->ListAudit({});
    std::vector<std::string> actions;
    if (log.ok())
      for (const auto& e : log->entries) actions.push_back(e.action);
    return actions;
  }

  std::string PublicPage(int64_t id) {
    auto a = store_->GetArticle(id);
    return "/es/articles/" + std::to_string(id) + "-" + a->slug;
  }

  testing::LibreTranslateFixture libre_;
  int64_t editor_ = 0, harbour_ = 0, hostile_ = 0;
};

TEST_F(DeskTranslationsTest, EveryRouteAsksAGuestToLogInAndRefusesReadersAndModerators) {
  const std::string page = Page(harbour_);
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/desk/translations"}, {"GET", page}, {"POST", page + "/save"}, {"POST", page + "/review"},
      {"POST", page + "/retry"}};
  Browser guest(port());
  for (const auto& [method, path] : routes) {
    RawResponse r = guest.Send(method, path, "csrf=x");
    EXPECT_EQ(r.status, 401) << method << " " << path;
    EXPECT_EQ(r.headers["cache-control"], "no-store") << path;
  }
  for (const char* who : {"reader@example.org", "mod@example.org"}) {
    Browser b = LoggedIn(who);
    for (const auto& [method, path] : routes) {
      RawResponse r = b.Send(method, path, "csrf=x");
      EXPECT_EQ(r.status, 403) << who << " " << method << " " << path;
      EXPECT_THAT(r.body, HasSubstr("role")) << "the refusal says why";
    }
  }
  for (const char* who : {"editor@example.org", "admin@example.org"}) {
    Browser b = LoggedIn(who);
    RawResponse list = b.Get("/desk/translations");
    EXPECT_EQ(list.status, 200) << who << list.body;
    EXPECT_EQ(list.headers["cache-control"], "no-store");
    EXPECT_EQ(b.Get(page).status, 200) << who;
  }
  Browser editor = LoggedIn("editor@example.org");
  EXPECT_THAT(editor.Get("/desk/").body, HasSubstr("href=\"/desk/translations\""));
  EXPECT_EQ(editor.Get("/desk/translations/abc/es").status, 404);
  EXPECT_EQ(editor.Get("/desk/translations/999999/es").status, 404);
  EXPECT_EQ(editor.Get("/desk/translations/" + std::to_string(harbour_) + "/en").status, 404) << "the original";
  EXPECT_EQ(editor.Get("/desk/translations/" + std::to_string(harbour_) + "/xx").status, 404) << "no such edition";
}

TEST_F(DeskTranslationsTest, TheRoomListsAnEditionsUnreviewedMachineTranslationsNewestFirst) {
  Browser editor = LoggedIn("editor@example.org");
  RawResponse room = editor.Get("/desk/translations");
  ASSERT_EQ(room.status, 200) << room.body;
  EXPECT_THAT(room.body, HasSubstrs({"Machine translations to review · Spanish", "The harbour reopens",
                                     "[es] The harbour reopens", Page(harbour_), "No translation has failed."}));
  // Newest first: the hostile article was translated second (same second: by id).
  EXPECT_LT(room.body.find(Page(hostile_)), room.body.find(Page(harbour_)));
  RawResponse english = editor.Get("/desk/translations?lang=en");
  EXPECT_THAT(english.body, HasSubstr("No machine translation is waiting for review."));
}

TEST_F(DeskTranslationsTest, ThePageShowsTheOriginalBesideTheTranslationBlockByBlock) {
  Browser editor = LoggedIn("editor@example.org");
  RawResponse page = editor.Get(Page(harbour_));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_THAT(page.body, HasSubstrs({"Machine, unreviewed", "The harbour reopened on Friday.",
                                     ">[es] The harbour reopened on Friday.</textarea>", "What changes",
                                     "<li>Ferries return</li>", "[es] Ferries return\n[es] Tolls stay</textarea>",
                                     "value=\"[es] The harbour\"", "© Outlet", "Approve as it is",
                                     "action=\"" + Page(harbour_) + "/save\"", "name=\"seen\" value=\"" + Seen(harbour_)}));
}

TEST_F(DeskTranslationsTest, SavingStoresAHumanTranslationThatMachinePassesLeaveAlone) {
  Browser editor = LoggedIn("editor@example.org");
  RawResponse saved = editor.Post(Page(harbour_) + "/save",
                                  SaveFields(harbour_, "El puerto reabre",
                                             {"El puerto reabrió el viernes.\r\nCon ferris.", "Qué cambia",
                                              "Vuelven los ferris\r\n\r\nLos peajes siguen", "El puerto"}),
                                  Page(harbour_));
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(saved.headers["location"], Page(harbour_) + "?done=translation_saved");
  auto t = store_->GetTranslation(harbour_, "es");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->by, TranslatedBy::kHuman);
  EXPECT_EQ(t->headline, "El puerto reabre");
  ASSERT_EQ(t->body.size(), 4u);
  EXPECT_EQ(t->body[0].text, "El puerto reabrió el viernes. Con ferris.") << "a paragraph stays one paragraph";
  EXPECT_EQ(t->body[1].type, BlockType::kHeading);
  EXPECT_THAT(t->body[2].items, ::testing::ElementsAre("Vuelven los ferris", "Los peajes siguen"));
  EXPECT_EQ(t->body[3].url, "https://outlet.example/harbour.jpg") << "the picture stays the article's";
  EXPECT_EQ(t->body[3].caption, "El puerto");
  EXPECT_EQ(t->body[3].credit, "© Outlet");
  EXPECT_THAT(editor.Get(Page(harbour_) + "?done=translation_saved").body,
              HasSubstrs({"The translation is saved as a human translation.", "badge human"}));
  EXPECT_THAT(editor.Get(PublicPage(harbour_)).body, HasSubstr("El puerto reabre"));
  EXPECT_THAT(editor.Get("/desk/translations").body, Not(HasSubstr(Page(harbour_)))) << "no longer waits for review";

  // A machine pass writing over it is dropped; the unreviewed one beside it is replaced.
  ASSERT_TRUE(MachineWrite(harbour_, "[es] machine again").ok());
  ASSERT_TRUE(MachineWrite(hostile_, "[es] machine again").ok());
  EXPECT_EQ(store_->GetTranslation(harbour_, "es")->headline, "El puerto reabre");
  EXPECT_EQ(store_->GetTranslation(hostile_, "es")->headline, "[es] machine again");
  // And no pass asks for it again, even after the article changes.
  auto due = store_->ArticlesNeedingTranslation("en", "es", Now() + std::chrono::hours(2), 0, 100);
  ASSERT_TRUE(due.ok());
  EXPECT_THAT(*due, Not(::testing::Contains(harbour_)));

  auto log = store_->ListAudit({});
  ASSERT_TRUE(log.ok());
  ASSERT_FALSE(log->entries.empty());
  const AuditEntry& e = log->entries.front();
  EXPECT_EQ(e.action, "translation.edit");
  EXPECT_EQ(e.target, "article:" + std::to_string(harbour_));
  EXPECT_EQ(e.actor, "user:" + std::to_string(editor_));
  EXPECT_THAT(e.before, HasSubstr("[es] The harbour reopens"));
  EXPECT_THAT(e.after, HasSubstr("El puerto reabre"));
}

TEST_F(DeskTranslationsTest, ApprovingAMachineTranslationMakesItReviewedAndMachinePassesLeaveItAlone) {
  Browser editor = LoggedIn("editor@example.org");
  RawResponse approved = editor.Post(Page(harbour_) + "/review", {{"seen", Seen(harbour_)}}, Page(harbour_));
  ASSERT_EQ(approved.status, 303) << approved.body;
  EXPECT_EQ(approved.headers["location"], "/desk/translations?lang=es&done=translation_reviewed");
  auto listing = store_->GetTranslationListing(harbour_, "es");
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->state, TranslationState::kReviewed);
  RawResponse room = editor.Get("/desk/translations?lang=es&done=translation_reviewed");
  EXPECT_THAT(room.body, HasSubstr("The translation is approved."));
  EXPECT_THAT(room.body, Not(HasSubstr(Page(harbour_))));
  EXPECT_THAT(editor.Get(Page(harbour_)).body, HasSubstr("Machine, reviewed"));
  ASSERT_TRUE(MachineWrite(harbour_, "[es] machine again").ok());
  EXPECT_EQ(store_->GetTranslation(harbour_, "es")->headline, "[es] The harbour reopens");
  EXPECT_EQ(store_->GetTranslation(harbour_, "es")->by, TranslatedBy::kMachine);
  EXPECT_EQ(AuditActions(), std::vector<std::string>{"translation.review"});
  // Approving again, or approving what a pass rewrote since it was read, is refused.
  EXPECT_EQ(editor.Post(Page(harbour_) + "/review", {{"seen", Seen(harbour_)}}, Page(harbour_)).status, 409);
  const std::string stale = std::to_string(std::stoll(Seen(hostile_)) - 60);
  EXPECT_EQ(editor.Post(Page(hostile_) + "/review", {{"seen", stale}}, Page(hostile_)).status, 409);
  EXPECT_EQ(store_->GetTranslationListing(hostile_, "es")->state, TranslationState::kUnreviewed);
  EXPECT_EQ(AuditActions().size(), 1u);
}

TEST_F(DeskTranslationsTest, EveryChangeNeedsTheSessionsCsrfTokenAndChangesNothingWithout) {
  const int64_t failing = AddArticle("failing", "The mill closes", {Paragraph("The mill closed.")});
  ASSERT_EQ(MachinePass("500")->failed, 1);
  Browser editor = LoggedIn("editor@example.org");
  Browser admin = LoggedIn("admin@example.org");
  const std::string other = CsrfField(admin.Get("/desk/translations").body);
  ASSERT_FALSE(other.empty());
  const auto retry_at = store_->ListTranslationFailures("es", std::nullopt, 10)->front().retry_at;
  for (const std::string& token : {std::string(""), std::string("forged"), other}) {
    Browser::Fields save = SaveFields(harbour_, "Falso", {"a", "b", "c", "d"});
    save.emplace_back("csrf", token);
    EXPECT_EQ(editor.Post(Page(harbour_) + "/save", save).status, 403) << token;
    EXPECT_EQ(editor.Post(Page(harbour_) + "/review", {{"csrf", token}, {"seen", Seen(harbour_)}}).status, 403);
    EXPECT_EQ(editor.Post(Page(failing) + "/retry", {{"csrf", token}}).status, 403);
  }
  EXPECT_EQ(store_->GetTranslationListing(harbour_, "es")->state, TranslationState::kUnreviewed);
  EXPECT_EQ(store_->GetTranslation(harbour_, "es")->headline, "[es] The harbour reopens");
  EXPECT_EQ(store_->ListTranslationFailures("es", std::nullopt, 10)->front().retry_at, retry_at);
  auto jobs = store_->ListJobs({}, 10);
  ASSERT_TRUE(jobs.ok());
  EXPECT_TRUE(jobs->empty());
  EXPECT_TRUE(AuditActions().empty());
}

TEST_F(DeskTranslationsTest, FailuresAreListedAndARetryQueuesTheWorkAgainUntilItSucceeds) {
  const int64_t failing = AddArticle("failing", "The mill closes", {Paragraph("The mill closed.")});
  auto failed = MachinePass("500");
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->failed, 1);
  Browser editor = LoggedIn("editor@example.org");
  RawResponse room = editor.Get("/desk/translations?lang=es");
  EXPECT_THAT(room.body, HasSubstrs({"Failed translations · Spanish", "The mill closes", "500", "Next try:",
                                     "action=\"" + Page(failing) + "/retry\""}));
  // Not due yet: a pass now leaves it waiting.
  ASSERT_EQ(MachinePass("ok")->translated, 0);

  RawResponse retried = editor.Post(Page(failing) + "/retry", {}, "/desk/translations?lang=es");
  ASSERT_EQ(retried.status, 303) << retried.body;
  EXPECT_EQ(retried.headers["location"], "/desk/translations?lang=es&done=translation_retried#failures");
  EXPECT_THAT(editor.Get("/desk/translations?lang=es&done=translation_retried").body,
              HasSubstrs({"The translation is queued again.", "Queued again"}));
  auto jobs = store_->ListJobs({JobState::kQueued}, 10);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ(jobs->front().kind, "translate") << "a pass is queued at once, not at the schedule's next slot";
  auto due = store_->ArticlesNeedingTranslation("en", "es", Now(), 0, 100);
  ASSERT_TRUE(due.ok());
  EXPECT_THAT(*due, ::testing::Contains(failing));
  auto log = store_->ListAudit({});
  ASSERT_EQ(log->entries.size(), 1u);
  EXPECT_EQ(log->entries[0].action, "translation.retry");
  EXPECT_THAT(log->entries[0].before, HasSubstr("500"));
  // Retrying what did not fail is not found.
  EXPECT_EQ(editor.Post(Page(harbour_) + "/retry", {}, "/desk/translations").status, 404);

  // The queued pass succeeds: the failure leaves the list, the translation waits for review.
  auto pass = MachinePass("ok");
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->translated, 1);
  room = editor.Get("/desk/translations?lang=es");
  EXPECT_THAT(room.body, HasSubstrs({"No translation has failed.", Page(failing)}));
}

TEST_F(DeskTranslationsTest, HostileTextComesOutEscapedInTheDeskAndOnTheSite) {
  const int64_t failing = AddArticle("failing", "The mill closes", {Paragraph("The mill closed.")});
  ASSERT_TRUE(store_->RecordTranslationFailure(failing, "es", "HTTP 500: <script>alert('error')</script>", Now(),
                                               Now() + std::chrono::hours(1)).ok());
  Browser editor = LoggedIn("editor@example.org");
  for (const std::string& path : {std::string("/desk/translations?lang=es"), Page(hostile_), PublicPage(hostile_)}) {
    RawResponse r = editor.Get(path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_THAT(r.body, LacksSubstrs({"<script>alert", "<img src=x"})) << path;
    EXPECT_THAT(r.body, HasSubstr("&lt;script&gt;alert(")) << path;
  }
  // What an editor types is escaped too, in the desk and on the site.
  ASSERT_EQ(editor.Post(Page(hostile_) + "/save",
                        SaveFields(hostile_, "<script>alert('saved')</script> Corbeta", {"<img src=y onerror=alert(2)> Texto"}),
                        Page(hostile_)).status,
            303);
  for (const std::string& path : {Page(hostile_), PublicPage(hostile_), std::string("/desk/audit")}) {
    RawResponse r = editor.Get(path);
    EXPECT_THAT(r.body, LacksSubstrs({"<script>alert('saved')", "<img src=y"})) << path;
    EXPECT_THAT(r.body, HasSubstr("&lt;script&gt;alert(")) << path;
  }
}

TEST_F(DeskTranslationsTest, InvalidFormsAreRefusedAndWriteNothing) {
  Browser editor = LoggedIn("editor@example.org");
  const std::string save = Page(harbour_) + "/save";
  const std::vector<std::string> four = {"Uno", "Dos", "Tres", "Cuatro"};
  struct Case {
    const char* why;
    Browser::Fields fields;
    int status;
  };
  Browser::Fields no_seen = SaveFields(harbour_, "Titular", four);
  no_seen.erase(no_seen.begin());
  const std::vector<Case> cases = {
      {"a block too few", SaveFields(harbour_, "Titular", {"Uno", "Dos", "Tres"}), 400},
      {"a block too many", SaveFields(harbour_, "Titular", {"Uno", "Dos", "Tres", "Cuatro", "Cinco"}), 400},
      {"no headline", SaveFields(harbour_, "  ", four), 400},
      {"a headline too long", SaveFields(harbour_, std::string(1001, 'x'), four), 400},
      {"a block too long", SaveFields(harbour_, "Titular", {std::string(70 * 1024, 'x'), "Dos", "Tres", "Cuatro"}), 400},
      {"an empty paragraph", SaveFields(harbour_, "Titular", {"", "Dos", "Tres", "Cuatro"}), 400},
      {"an empty list", SaveFields(harbour_, "Titular", {"Uno", "Dos", "\r\n", "Cuatro"}), 400},
      {"a control character", SaveFields(harbour_, "Titular", {"Uno\x01", "Dos", "Tres", "Cuatro"}), 400},
      {"no seen", no_seen, 400},
      {"a form over the server's cap", SaveFields(harbour_, "Titular", {std::string(1100 * 1024, 'x'), "Dos", "Tres", "Cuatro"}), 413},
  };
  for (const Case& c : cases) {
    RawResponse r = editor.Post(save, c.fields, Page(harbour_));
    EXPECT_EQ(r.status, c.status) << c.why << ": " << r.body.substr(0, 300);
  }
  EXPECT_THAT(editor.Post(save, SaveFields(harbour_, "Titular", {"Uno", "Dos", "Tres"}), Page(harbour_)).body,
              HasSubstr("The form has 3 blocks, but the translation has 4."));
  // A translation rewritten since the page was read is not replaced by it.
  Browser::Fields stale = SaveFields(harbour_, "Titular", four);
  stale[0].second = std::to_string(std::stoll(stale[0].second) - 60);
  EXPECT_EQ(editor.Post(save, stale, Page(harbour_)).status, 409);
  // No such translation, edition or article.
  EXPECT_EQ(editor.Post("/desk/translations/999999/es/save", SaveFields(harbour_, "Titular", four), Page(harbour_)).status, 404);
  EXPECT_EQ(editor.Post("/desk/translations/" + std::to_string(harbour_) + "/xx/save", SaveFields(harbour_, "T", four),
                        Page(harbour_)).status, 404);
  auto t = store_->GetTranslation(harbour_, "es");
  EXPECT_EQ(t->by, TranslatedBy::kMachine);
  EXPECT_EQ(t->headline, "[es] The harbour reopens");
  EXPECT_EQ(store_->GetTranslationListing(harbour_, "es")->state, TranslationState::kUnreviewed);
  EXPECT_TRUE(AuditActions().empty());
}

TEST_F(DeskTranslationsTest, TheListPagesByKeysetWithNeitherGapNorRepeat) {
  std::vector<int64_t> ids = {harbour_, hostile_};
  for (int i = 0; i < 55; ++i) {
    const int64_t id = AddArticle("more-" + std::to_string(i), "Report " + std::to_string(i), {Paragraph("Text.")});
    ASSERT_TRUE(MachineWrite(id, "[es] Informe " + std::to_string(i)).ok());
    ids.push_back(id);
  }
  Browser editor = LoggedIn("editor@example.org");
  RawResponse first = editor.Get("/desk/translations?lang=es");
  const auto next = first.body.find("rel=\"next\" href=\"");
  ASSERT_NE(next, std::string::npos);
  const auto start = next + std::string("rel=\"next\" href=\"").size();
  std::string href = first.body.substr(start, first.body.find('"', start) - start);
  for (size_t amp; (amp = href.find("&amp;")) != std::string::npos;) href.replace(amp, 5, "&");
  RawResponse second = editor.Get(href);
  ASSERT_EQ(second.status, 200) << href;
  EXPECT_THAT(second.body, Not(HasSubstr("rel=\"next\"")));
  for (int64_t id : ids) {
    const std::string link = "href=\"" + Page(id) + "\"";
    const bool on_first = first.body.find(link) != std::string::npos;
    const bool on_second = second.body.find(link) != std::string::npos;
    EXPECT_NE(on_first, on_second) << "article " << id << " is on exactly one page";
  }
}

}  // namespace
}  // namespace newsdesk
