// The desk's Entities room over real HTTP: who may use it, CSRF, each
// action (a candidate added as an entity or as a form of one, dismissed;
// forms added and removed; merges) with its audit entry and its effect on
// the running site, the gazetteer's search and the pages' keyset paging,
// and hostile names coming out escaped on the desk and the public site.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/testing/matchers.h"
#include "common/time.h"
#include "mentions/knowledge.h"
#include "mentions/tagger.h"
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

TimePoint Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

class DeskEntitiesTest : public testing::ServedSiteTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore("nd_desk_entities", "http://news.example"));
    AddUser("reader@example.org", "Rita", Role::kReader);
    AddUser("mod@example.org", "Moe", Role::kModerator);
    editor_ = AddUser("editor@example.org", "Edda", Role::kEditor);
    AddUser("admin@example.org", "Ada", Role::kAdmin);
    auto gazetteer = LoadSiteGazetteer(*store_);
    ASSERT_TRUE(gazetteer.ok()) << gazetteer.status().ToString();
    Tagger tagger(*gazetteer);
    // Three articles name a shipbuilder the gazetteer does not know, and a
    // yard; all three name Russia, which it knows.
    std::vector<ArticleRecord> records;
    for (int i = 1; i <= 3; ++i)
      records.push_back(Tagged(tagger, i,
                               "The navy of Russia ordered a frigate from Kestrel Marine on Monday. Officials said "
                               "Kestrel Marine would deliver it in 2029, and the Brest Arsenal Yard would fit it out."));
    auto stored = store_->UpsertArticles(records);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    ASSERT_NO_FATAL_FAILURE(Serve(*gazetteer));
  }

  static ArticleRecord Tagged(const Tagger& tagger, int i, const std::string& text) {
    ArticleRecord r;
    r.url = "https://navy.example/" + std::to_string(i);
    r.source.name = "Navy Review";
    r.source.home_url = "https://navy.example/";
    r.source.language = "en";
    r.language = "en";
    r.headline = "Frigate order number " + std::to_string(i);
    r.published_at = Now() - std::chrono::hours(i);
    r.body = {Block{BlockType::kParagraph, text, {}, {}, {}, {}}};
    TagRecord(tagger, r);
    return r;
  }

  std::vector<std::string> MentionsOf(int64_t article) {
    auto a = store_->GetArticle(article);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    std::vector<std::string> ids;
    if (a.ok())
      for (const auto& m : a->mentions) ids.push_back(m.entity);
    return ids;
  }

  int64_t Version() { return *store_->KnowledgeVersion(); }

  AuditEntry LastAudit() {
    auto log = store_->ListAudit({.limit = 1});
    EXPECT_TRUE(log.ok() && !log->entries.empty());
    return log.ok() && !log->entries.empty() ? log->entries.front() : AuditEntry{};
  }

  // AddThroughTheStore adds an entity the way `newsdesk entities add` does.
  void AddThroughTheStore(const NewEntity& e) {
    auto added = AddEntity(*store_, e);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    served_->site().ReplaceGazetteer(added->gazetteer);
  }

  int64_t editor_ = 0;
};

TEST_F(DeskEntitiesTest, EveryRouteAsksAGuestToLogInAndIsForEditorsAndAbove) {
  AddThroughTheStore({.id = "old-yard", .type = "facility", .name_en = "Old Yard"});
  struct Route {
    std::string method, path;
  };
  const std::vector<Route> routes = {
      {"GET", "/desk/entities"},           {"GET", "/desk/entities/candidate?key=kestrel%20marine"},
      {"GET", "/desk/entities/search?q=ru"}, {"GET", "/desk/entities/old-yard"},
      {"POST", "/desk/entities/add"},      {"POST", "/desk/entities/alias"},
      {"POST", "/desk/entities/unalias"},  {"POST", "/desk/entities/merge"},
      {"POST", "/desk/entities/dismiss"}};
  Browser guest(port());
  for (const auto& r : routes) {
    RawResponse res = guest.Send(r.method, r.path, "csrf=x");
    EXPECT_EQ(res.status, 401) << r.method << " " << r.path;
    EXPECT_EQ(res.headers["cache-control"], "no-store") << r.path;
  }
  for (const char* email : {"reader@example.org", "mod@example.org"}) {
    Browser b = LoggedIn(email);
    for (const auto& r : routes) {
      RawResponse res = b.Send(r.method, r.path, "csrf=x");
      EXPECT_EQ(res.status, 403) << email << " " << r.method << " " << r.path;
      EXPECT_THAT(res.body, HasSubstr("role")) << "the refusal says why";
    }
  }
  for (const char* email : {"editor@example.org", "admin@example.org"}) {
    Browser b = LoggedIn(email);
    for (const auto& r : routes) {
      if (r.method != "GET") continue;
      RawResponse res = b.Get(r.path);
      EXPECT_EQ(res.status, 200) << email << " " << r.path << res.body;
      EXPECT_EQ(res.headers["cache-control"], "no-store") << r.path;
    }
    EXPECT_THAT(b.Get("/desk/").body, HasSubstr("href=\"/desk/entities\"")) << "the room is in the navigation";
  }
  Browser moderator = LoggedIn("mod@example.org");
  EXPECT_THAT(moderator.Get("/desk/").body, Not(HasSubstr("href=\"/desk/entities\"")));
}

TEST_F(DeskEntitiesTest, EveryChangeNeedsTheSessionsCsrfTokenAndChangesNothingWithout) {
  AddThroughTheStore({.id = "old-yard", .type = "facility", .name_en = "Old Yard", .aliases = {"Old Dock"}});
  AddThroughTheStore({.id = "new-yard", .type = "facility", .name_en = "New Yard"});
  Browser editor = LoggedIn("editor@example.org");
  Browser admin = LoggedIn("admin@example.org");
  const std::string other_token = CsrfField(admin.Get("/desk/entities").body);
  const int64_t version = Version();
  for (const std::string& token : {std::string(""), std::string("forged"), other_token}) {
    EXPECT_EQ(editor.Post("/desk/entities/add", {{"csrf", token}, {"id", "kestrel-marine"}, {"type", "organisation"},
                                                  {"name_en", "Kestrel Marine"}}).status, 403);
    EXPECT_EQ(editor.Post("/desk/entities/alias", {{"csrf", token}, {"entity", "old-yard"}, {"form", "Brest Arsenal Yard"}})
                  .status, 403);
    EXPECT_EQ(editor.Post("/desk/entities/unalias", {{"csrf", token}, {"entity", "old-yard"}, {"form", "Old Dock"}}).status,
              403);
    EXPECT_EQ(editor.Post("/desk/entities/merge", {{"csrf", token}, {"from", "old-yard"}, {"into", "new-yard"}}).status,
              403);
    EXPECT_EQ(editor.Post("/desk/entities/dismiss", {{"csrf", token}, {"key", "kestrel marine"}}).status, 403);
  }
  EXPECT_EQ(Version(), version) << "no edit, merge or redirect written";
  EXPECT_TRUE(store_->ListAudit({.action_prefix = "entity."})->entries.empty());
  EXPECT_FALSE(store_->FindCandidates({.min_articles = 1})->candidates.empty()) << "nothing dismissed";
  EXPECT_EQ(editor.Send("POST", "/desk/entities/dismiss", "{}", "application/json").status, 415);
}

TEST_F(DeskEntitiesTest, ACandidateShowsItsArticlesAndBecomesAnEntityThatTagsThemOnTheRunningSite) {
  Browser editor = LoggedIn("editor@example.org");
  RawResponse list = editor.Get("/desk/entities");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_THAT(list.body, HasSubstrs({"Kestrel Marine", "Brest Arsenal Yard", "Frigate order number 1",
                                     "Frigate order number 3", "value=\"kestrel-marine\""}));
  EXPECT_EQ(testing::Get(port(), "/en/mentions/kestrel-marine").status, 404);

  RawResponse added = editor.Post("/desk/entities/add",
                                  {{"key", "kestrel marine"}, {"id", "kestrel-marine"}, {"type", "organisation"},
                                   {"name_en", "Kestrel Marine"}, {"name_ru", "Кестрел Марин"}, {"aliases", "KMS\n\n"}},
                                  "/desk/entities");
  ASSERT_EQ(added.status, 303) << added.body;
  EXPECT_EQ(added.headers["location"], "/desk/entities/kestrel-marine?done=entity_added&retagged=3");
  RawResponse page = editor.Get(added.headers["location"]);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_THAT(page.body, HasSubstrs({"The entity is added.", "Articles tagged again: 3.", "Кестрел Марин", "KMS",
                                     "<svg class=\"spark\"", "Articles over the year</dt><dd>3 "}));

  AuditEntry e = LastAudit();
  EXPECT_EQ(e.actor, "user:" + std::to_string(editor_));
  EXPECT_EQ(e.action, "entity.add");
  EXPECT_EQ(e.target, "entity:kestrel-marine");
  EXPECT_THAT(e.after, HasSubstr("\"KMS\""));

  // The stored articles name it, and the running site shows it at once.
  EXPECT_THAT(MentionsOf(1), ::testing::Contains("kestrel-marine"));
  RawResponse public_page = testing::Get(port(), "/en/mentions/kestrel-marine");
  EXPECT_EQ(public_page.status, 200);
  EXPECT_THAT(public_page.body, HasSubstrs({"Kestrel Marine", "Frigate order number 2"}));
  EXPECT_THAT(testing::Get(port(), "/api/v1/articles/1").body, HasSubstr("kestrel-marine"));
  // It is no longer a candidate.
  EXPECT_THAT(editor.Get("/desk/entities").body, Not(HasSubstr("Kestrel Marine")));

  // The same id twice, or a form the entity has, is refused with why.
  RawResponse again = editor.Post("/desk/entities/add", {{"id", "kestrel-marine"}, {"type", "organisation"},
                                                        {"name_en", "Kestrel"}}, "/desk/entities");
  EXPECT_EQ(again.status, 409);
  EXPECT_THAT(again.body, HasSubstr("exists already"));
  RawResponse taken = editor.Post("/desk/entities/add", {{"id", "kms"}, {"type", "organisation"}, {"name_en", "KMS"}},
                                  "/desk/entities");
  EXPECT_EQ(taken.status, 409);
  EXPECT_THAT(taken.body, HasSubstr("Another entity has the form"));
}

TEST_F(DeskEntitiesTest, ACandidateMergedIntoAnEntityBecomesItsFormAndTagsItsArticles) {
  AddThroughTheStore({.id = "brest-arsenal", .type = "facility", .name_en = "Brest Arsenal"});
  Browser editor = LoggedIn("editor@example.org");
  RawResponse merged = editor.Post("/desk/entities/alias", {{"key", "brest arsenal yard"}, {"form", "Brest Arsenal Yard"},
                                                           {"entity", "brest-arsenal"}}, "/desk/entities");
  ASSERT_EQ(merged.status, 303) << merged.body;
  EXPECT_EQ(merged.headers["location"], "/desk/entities/brest-arsenal?done=entity_alias&retagged=3");
  AuditEntry e = LastAudit();
  EXPECT_EQ(e.action, "entity.alias");
  EXPECT_EQ(e.target, "entity:brest-arsenal");
  EXPECT_EQ(e.after, "Brest Arsenal Yard");
  for (int64_t id : {1, 2, 3}) EXPECT_THAT(MentionsOf(id), ::testing::Contains("brest-arsenal")) << id;
  EXPECT_THAT(editor.Get("/desk/entities/brest-arsenal").body, HasSubstr("Brest Arsenal Yard"));
  EXPECT_THAT(testing::Get(port(), "/en/mentions/brest-arsenal").body, HasSubstr("Frigate order number 1"));

  // Into an entity that does not exist: 404 with why, nothing written.
  const int64_t version = Version();
  RawResponse nowhere = editor.Post("/desk/entities/alias", {{"form", "Kestrel Marine"}, {"entity", "nowhere"}},
                                    "/desk/entities");
  EXPECT_EQ(nowhere.status, 404);
  EXPECT_THAT(nowhere.body, HasSubstr("There is no entity “nowhere”"));
  EXPECT_EQ(Version(), version);
}

TEST_F(DeskEntitiesTest, AFormRemovedFromAnEntityNoLongerTagsItsArticles) {
  AddThroughTheStore(
      {.id = "kestrel-marine", .type = "organisation", .name_en = "Kestrel Marine Systems", .aliases = {"Kestrel Marine"}});
  Browser editor = LoggedIn("editor@example.org");
  // Tagged first through the desk: a form added on the entity's page.
  RawResponse added = editor.Post("/desk/entities/alias", {{"entity", "kestrel-marine"}, {"form", "KMS"}, {"lang", "exact"}},
                                  "/desk/entities/kestrel-marine");
  ASSERT_EQ(added.status, 303) << added.body;
  RawResponse dup = editor.Post("/desk/entities/alias", {{"entity", "kestrel-marine"}, {"form", "KMS"}, {"lang", "exact"}},
                                "/desk/entities/kestrel-marine");
  EXPECT_EQ(dup.status, 409);
  EXPECT_THAT(dup.body, HasSubstr("is a form of"));
  ASSERT_EQ(editor.Post("/desk/entities/alias", {{"entity", "kestrel-marine"}, {"form", "Kestrel Marine"}, {"lang", "ru"}},
                        "/desk/entities/kestrel-marine").status, 303)
      << "a form may be given in both languages";
  // The articles were tagged when the entity came; retag them with it first.
  auto g = LoadSiteGazetteer(*store_);
  Tagger tagger(*g);
  ASSERT_TRUE(RetagArticles(*store_, tagger, {1, 2, 3}, false).ok());
  ASSERT_THAT(MentionsOf(1), ::testing::Contains("kestrel-marine"));

  RawResponse removed = editor.Post("/desk/entities/unalias", {{"entity", "kestrel-marine"}, {"form", "Kestrel Marine"}},
                                    "/desk/entities/kestrel-marine");
  ASSERT_EQ(removed.status, 303) << removed.body;
  EXPECT_EQ(removed.headers["location"], "/desk/entities/kestrel-marine?done=entity_unalias&retagged=3");
  AuditEntry e = LastAudit();
  EXPECT_EQ(e.action, "entity.unalias");
  EXPECT_EQ(e.before, "Kestrel Marine");
  EXPECT_THAT(MentionsOf(1), Not(::testing::Contains("kestrel-marine")));
  RawResponse page = editor.Get("/desk/entities/kestrel-marine");
  EXPECT_THAT(page.body, Not(HasSubstr("value=\"Kestrel Marine\"")));
  EXPECT_THAT(page.body, HasSubstr("value=\"KMS\""));
  // A form it does not have: 404, and the log is unchanged.
  EXPECT_EQ(editor.Post("/desk/entities/unalias", {{"entity", "kestrel-marine"}, {"form", "Nope"}},
                        "/desk/entities/kestrel-marine").status, 404);
  EXPECT_EQ(LastAudit().id, e.id);
}

TEST_F(DeskEntitiesTest, MergingMovesMentionsAndRedirectsTheDeskAndThePublicPage) {
  AddThroughTheStore({.id = "kestrel-marine", .type = "organisation", .name_en = "Kestrel Marine"});
  AddThroughTheStore({.id = "kms-group", .type = "organisation", .name_en = "KMS Group"});
  auto g = LoadSiteGazetteer(*store_);
  Tagger tagger(*g);
  ASSERT_TRUE(RetagArticles(*store_, tagger, {1, 2, 3}, false).ok());
  Browser editor = LoggedIn("editor@example.org");
  RawResponse self = editor.Post("/desk/entities/merge", {{"from", "kms-group"}, {"into", "kms-group"}},
                                 "/desk/entities/kms-group");
  EXPECT_EQ(self.status, 400);
  RawResponse merged = editor.Post("/desk/entities/merge", {{"from", "kestrel-marine"}, {"into", "kms-group"}},
                                   "/desk/entities/kestrel-marine");
  ASSERT_EQ(merged.status, 303) << merged.body;
  EXPECT_EQ(merged.headers["location"], "/desk/entities/kms-group?done=entity_merged");
  AuditEntry e = LastAudit();
  EXPECT_EQ(e.action, "entity.merge");
  EXPECT_EQ(e.summary, "Kestrel Marine into KMS Group");
  EXPECT_THAT(MentionsOf(2), ::testing::Contains("kms-group"));
  RawResponse old_page = editor.Get("/desk/entities/kestrel-marine");
  EXPECT_EQ(old_page.status, 303);
  EXPECT_EQ(old_page.headers["location"], "/desk/entities/kms-group");
  EXPECT_THAT(editor.Get("/desk/entities/kms-group").body, HasSubstr("Kestrel Marine")) << "its name is a form now";
  EXPECT_EQ(testing::Get(port(), "/en/mentions/kestrel-marine").status, 301);
  // An id merged away is never reused.
  RawResponse reuse = editor.Post("/desk/entities/add", {{"id", "kestrel-marine"}, {"type", "organisation"},
                                                        {"name_en", "Kestrel Again"}}, "/desk/entities");
  EXPECT_EQ(reuse.status, 409);
  EXPECT_THAT(reuse.body, HasSubstr("merged into"));
}

TEST_F(DeskEntitiesTest, AnEntityNamedOnlyInRussianIsCalledByThatNameNotItsId) {
  AddThroughTheStore({.id = "shchit-2026", .type = "event", .name_ru = "Щит-2026"});
  Browser editor = LoggedIn("editor@example.org");
  RawResponse page = editor.Get("/desk/entities/shchit-2026");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_THAT(page.body, HasSubstr("<h1>Щит-2026</h1>"));
}

TEST_F(DeskEntitiesTest, ADismissedCandidateLeavesTheListAndTheLogSaysSo) {
  Browser editor = LoggedIn("editor@example.org");
  RawResponse dismissed = editor.Post("/desk/entities/dismiss", {{"key", "brest arsenal yard"}}, "/desk/entities");
  ASSERT_EQ(dismissed.status, 303) << dismissed.body;
  RawResponse list = editor.Get(dismissed.headers["location"]);
  EXPECT_THAT(list.body, HasSubstrs({"The name will not be offered again.", "Kestrel Marine"}));
  EXPECT_THAT(list.body, Not(HasSubstr("Brest Arsenal Yard")));
  AuditEntry e = LastAudit();
  EXPECT_EQ(e.action, "entity.dismiss");
  EXPECT_EQ(e.target, "candidate:brest arsenal yard");
  EXPECT_EQ(editor.Post("/desk/entities/dismiss", {{"key", ""}}, "/desk/entities").status, 400);
  EXPECT_EQ(LastAudit().id, e.id);
}

TEST_F(DeskEntitiesTest, CandidatesAndTheirArticlesPageByKey) {
  // 60 more names, each in two articles: two pages of candidates.
  auto g = LoadSiteGazetteer(*store_);
  Tagger tagger(*g);
  std::vector<ArticleRecord> records;
  for (int i = 0; i < 60; ++i) {
    ArticleRecord r = Tagged(tagger, 100 + i, "Nothing known here.");
    r.candidates = {NameCandidate{fmt::format("name {:02}", i), fmt::format("Name {:02}", i), "en", 1}};
    records.push_back(r);
    r.url += "/copy";
    records.push_back(r);
  }
  ASSERT_TRUE(store_->UpsertArticles(records).ok());
  Browser editor = LoggedIn("editor@example.org");
  RawResponse first = editor.Get("/desk/entities");
  ASSERT_EQ(first.status, 200);
  EXPECT_THAT(first.body, HasSubstrs({"Kestrel Marine", "Name 00", "rel=\"next\""}));
  const size_t at = first.body.find("rel=\"next\" href=\"");
  ASSERT_NE(at, std::string::npos);
  std::string next = first.body.substr(at + 17, first.body.find('"', at + 17) - at - 17);
  size_t amp;
  while ((amp = next.find("&amp;")) != std::string::npos) next.replace(amp, 5, "&");
  EXPECT_THAT(next, HasSubstr("after_key="));
  RawResponse second = editor.Get(next);
  ASSERT_EQ(second.status, 200) << next;
  EXPECT_THAT(second.body, HasSubstr("Name 59"));
  EXPECT_THAT(second.body, LacksSubstrs({"Kestrel Marine", "Name 00<", "rel=\"next\""}));
  // Over all time, names from articles of any age count.
  EXPECT_THAT(editor.Get("/desk/entities?days=0").body, HasSubstr("Kestrel Marine"));
  // Every article that uses a name.
  RawResponse uses = editor.Get("/desk/entities/candidate?key=kestrel%20marine");
  EXPECT_THAT(uses.body, HasSubstrs({"Frigate order number 1", "Frigate order number 2", "Frigate order number 3"}));
  EXPECT_EQ(editor.Get("/desk/entities/candidate").status, 404);
}

TEST_F(DeskEntitiesTest, TheGazetteerSearchFindsByNameFormOrIdInEitherScriptAndPagesById) {
  Browser editor = LoggedIn("editor@example.org");
  RawResponse russia = editor.Get("/desk/entities/search?q=%D0%A0%D0%BE%D1%81%D1%81%D0%B8%D1%8F");  // Россия
  ASSERT_EQ(russia.status, 200) << russia.body;
  EXPECT_THAT(russia.body, HasSubstr("href=\"/desk/entities/russia\""));
  EXPECT_THAT(editor.Get("/desk/entities/search?q=RUSSIA").body, HasSubstr("href=\"/desk/entities/russia\""));
  EXPECT_THAT(editor.Get("/desk/entities/search?q=zzqqxx").body, HasSubstr("No entity has this name"));
  // A common letter matches more than a page.
  RawResponse a = editor.Get("/desk/entities/search?q=a");
  const size_t at = a.body.find("rel=\"next\" href=\"");
  ASSERT_NE(at, std::string::npos);
  std::string next = a.body.substr(at + 17, a.body.find('"', at + 17) - at - 17);
  size_t amp;
  while ((amp = next.find("&amp;")) != std::string::npos) next.replace(amp, 5, "&");
  const std::string last = next.substr(next.find("after=") + 6);
  RawResponse more = editor.Get(next);
  ASSERT_EQ(more.status, 200);
  EXPECT_THAT(more.body, Not(HasSubstr("href=\"/desk/entities/" + last + "\""))) << "the next page starts after it";
  EXPECT_EQ(editor.Get("/desk/entities/no-such-entity").status, 404);
  EXPECT_EQ(editor.Get("/desk/entities/Not%20An%20Id").status, 404);
}

TEST_F(DeskEntitiesTest, HostileNamesComeOutEscapedOnTheDeskAndTheSiteAndBadInputIsRefusedWhole) {
  Browser editor = LoggedIn("editor@example.org");
  const std::string script = "<script>alert('name')</script> Corp";
  const std::string img = "\"><img src=x onerror=alert(2)>";
  RawResponse added = editor.Post("/desk/entities/add", {{"id", "hostile-corp"}, {"type", "organisation"},
                                                        {"name_en", script}, {"aliases", img}}, "/desk/entities");
  ASSERT_EQ(added.status, 303) << added.body;
  for (const std::string& path : {std::string("/desk/entities/hostile-corp"), std::string("/desk/entities/search?q=corp")}) {
    RawResponse r = editor.Get(path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_THAT(r.body, LacksSubstrs({"<script>alert", "<img src=x"})) << path;
    EXPECT_THAT(r.body, HasSubstr("&lt;script&gt;")) << path;
  }
  RawResponse site = testing::Get(port(), "/en/mentions/hostile-corp");
  EXPECT_EQ(site.status, 200);
  EXPECT_THAT(site.body, LacksSubstrs({"<script>alert", "<img src=x"}));
  EXPECT_THAT(site.body, HasSubstr("&lt;script&gt;"));
  // A hostile unknown name on the candidates list and its articles' page.
  auto g = LoadSiteGazetteer(*store_);
  Tagger tagger(*g);
  std::vector<ArticleRecord> records;
  for (int i = 0; i < 2; ++i) {
    ArticleRecord r = Tagged(tagger, 200 + i, "Nothing known here.");
    r.candidates = {NameCandidate{"evil group", "<b onmouseover=alert(3)>Evil</b> Group", "en", 1}};
    records.push_back(r);
  }
  ASSERT_TRUE(store_->UpsertArticles(records).ok());
  for (const std::string& path : {std::string("/desk/entities"), std::string("/desk/entities/candidate?key=evil%20group")}) {
    RawResponse r = editor.Get(path);
    EXPECT_THAT(r.body, Not(HasSubstr("<b onmouseover"))) << path;
  }
  EXPECT_THAT(editor.Get("/desk/entities").body, HasSubstr("&lt;b onmouseover"));
  // What an editor types comes back escaped too: a search, a name's key.
  for (const std::string& path : {std::string("/desk/entities/search?q=%3Cscript%3Ealert(4)%3C/script%3E"),
                                  std::string("/desk/entities/candidate?key=%3Cscript%3Ealert(4)%3C/script%3E")}) {
    RawResponse r = editor.Get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_THAT(r.body, Not(HasSubstr("<script>alert(4)"))) << path;
    EXPECT_THAT(r.body, HasSubstr("&lt;script&gt;alert(4)")) << path;
  }
  // A search that is not UTF-8 is refused before the desk; one too long is
  // cut at its 200th character, never in the middle of one.
  EXPECT_EQ(editor.Get("/desk/entities/search?q=corp%FF%FE%3Cb%3E").status, 400);
  std::string long_query;
  for (int i = 0; i < 300; ++i) long_query += "%D0%AF";  // Я
  RawResponse cut = editor.Get("/desk/entities/search?q=" + long_query);
  EXPECT_EQ(cut.status, 200);
  std::string two_hundred;
  for (int i = 0; i < 200; ++i) two_hundred += "Я";
  EXPECT_THAT(cut.body, HasSubstr("value=\"" + two_hundred + "\""));

  // Refused whole, saying why: nothing written, nothing logged.
  const int64_t version = Version();
  const int64_t logged = LastAudit().id;
  struct Bad {
    Browser::Fields fields;
    const char* why;
  };
  const std::vector<Bad> bad = {
      {{{"id", "Bad Id"}, {"type", "organisation"}, {"name_en", "Bad"}}, "is not an id"},
      {{{"id", "ship-1"}, {"type", "ship"}, {"name_en", "Ship"}}, "Unknown type"},
      {{{"id", "nameless"}, {"type", "person"}}, "Give the entity a name"},
      {{{"id", "too-long"}, {"type", "person"}, {"name_en", std::string(201, 'x')}}, "at most 200 characters"},
      {{{"id", "two-lines"}, {"type", "person"}, {"name_en", "Two\rLines"}}, "one line"},
      {{{"id", "new-line"}, {"type", "person"}, {"name_en", "New\nLine"}}, "one line"},
      {{{"id", "nul-byte"}, {"type", "person"}, {"name_ru", std::string("Nul\0Byte", 8)}}, "Not done"},
      {{{"id", "bad-utf8"}, {"type", "person"}, {"name_en", "Bad \xff name"}}, ""},
  };
  for (const Bad& b : bad) {
    Browser::Fields f = b.fields;
    RawResponse r = editor.Post("/desk/entities/add", f, "/desk/entities");
    EXPECT_EQ(r.status, 400) << b.why;
    EXPECT_THAT(r.body, HasSubstr(b.why));
  }
  EXPECT_EQ(editor.Post("/desk/entities/alias", {{"entity", "hostile-corp"}, {"form", std::string(201, 'y')}},
                        "/desk/entities").status, 400);
  EXPECT_EQ(editor.Post("/desk/entities/alias", {{"entity", "hostile-corp"}, {"form", "Corp"}, {"lang", "xx"}},
                        "/desk/entities").status, 400);
  EXPECT_EQ(Version(), version);
  EXPECT_EQ(LastAudit().id, logged);
}

}  // namespace
}  // namespace newsdesk
