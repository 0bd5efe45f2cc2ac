// The desk's articles over real HTTP: the incoming queue of a source that
// holds its articles, publishing, scheduling, deleting and restoring; the
// editor with its public correction note on the page, in the feed and in
// the API; revisions with their diff and restore; roles, CSRF, hostile and
// oversized input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/testing/matchers.h"
#include "web/test_client.h"
#include "web/testing/served_site_test.h"

namespace newsdesk {
namespace {

using testing::Browser;
using testing::CsrfField;
using testing::HasSubstrs;
using testing::RawResponse;
using ::testing::HasSubstr;
using ::testing::Not;

TimePoint Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

constexpr const char* kXss = "<script>alert('x')</script>";

class DeskArticlesTest : public testing::ServedSiteTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore("nd_deskart", "http://news.example"));
    AddUser("reader@example.org", "Rita", Role::kReader);
    AddUser("mod@example.org", "Moe", Role::kModerator);
    AddUser("editor@example.org", "Edda", Role::kEditor);
    Source s;
    s.name = "Wire";
    s.home_url = "https://wire.example/";
    s.feed_url = "https://wire.example/rss";
    s.language = "en";
    auto feed = store_->AddFeedSource(s);
    ASSERT_TRUE(feed.ok()) << feed.status().ToString();
    source_ = feed->source_id;
    article_ = Store("a", "Frigate laucnhed at the yard", "The frigate was launched on Monday at the northern yard.");
    ASSERT_NO_FATAL_FAILURE(Serve());
  }

  int64_t Store(const std::string& path, const std::string& headline, const std::string& text) {
    ArticleRecord r;
    r.url = "https://wire.example/" + path;
    r.source = Source{0, "", "Wire", "https://wire.example/", "", "en"};
    r.language = "en";
    r.headline = headline;
    r.dateline = "Wire, 1 December";
    r.rights = "© Wire";
    r.published_at = Now() - std::chrono::hours(1);
    r.image = Image{"https://wire.example/frigate.jpg", "Wire photo", "The frigate"};
    r.body = {Block{BlockType::kParagraph, text, {}, {}, {}, {}},
              Block{BlockType::kQuote, "We are proud of the crew.", {}, {}, {}, {}}};
    auto stored = store_->UpsertArticles({r});
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() ? stored->ids.front() : 0;
  }

  std::string Desk(int64_t id) const { return "/desk/articles/" + std::to_string(id); }
  // PublicStatus is what a reader gets at the article's address.
  int PublicStatus(int64_t id) {
    Browser reader(port());
    return reader.Get("/en/articles/" + std::to_string(id)).status;
  }
  Publication StateOf(int64_t id) { return store_->GetArticleInAnyState(id)->publication; }
  // EditFields is the editor's form as the desk shows it for the article,
  // with `headline` and a changed first paragraph.
  static Browser::Fields EditFields(const std::string& headline, const std::string& first, const std::string& note) {
    return {{"headline", headline},
            {"dateline", "Wire, 1 December"},
            {"image_caption", "The frigate"},
            {"image_credit", "Wire photo"},
            {"block_kind", "paragraph"},
            {"block_text", first},
            {"block_kind", "quote"},
            {"block_text", "We are proud of the crew."},
            {"block_kind", "paragraph"},
            {"block_text", ""},
            {"rights", "© Wire"},
            {"correction", note}};
  }
  std::vector<std::string> AuditActions() {
    auto page = store_->ListAudit({});
    std::vector<std::string> actions;
    if (page.ok())
      for (const auto& e : page->entries) actions.push_back(e.action);
    return actions;
  }

  int64_t source_ = 0, article_ = 0;
};

TEST_F(DeskArticlesTest, EveryArticleRouteAsksAGuestToLogInAndIsForEditorsOnly) {
  const std::string a = Desk(article_);
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/desk/articles"},        {"GET", a},
      {"POST", a + "/state"},           {"POST", a + "/edit"},
      {"GET", "/desk/revisions/1"},     {"POST", "/desk/revisions/1/restore"},
      {"POST", "/desk/sources/" + std::to_string(source_) + "/hold"}};
  Browser guest(port());
  for (const auto& [method, path] : routes) EXPECT_EQ(guest.Send(method, path, "csrf=x").status, 401) << path;
  for (const char* email : {"reader@example.org", "mod@example.org"}) {
    Browser b = LoggedIn(email);
    for (const auto& [method, path] : routes) {
      RawResponse res = b.Send(method, path, "csrf=x");
      EXPECT_EQ(res.status, 403) << email << " " << path;
      EXPECT_THAT(res.body, HasSubstr("role"));
    }
  }
  Browser editor = LoggedIn("editor@example.org");
  EXPECT_EQ(editor.Get("/desk/articles").status, 200);
  RawResponse page = editor.Get(a);
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.headers["cache-control"], "no-store");
  EXPECT_EQ(editor.Get("/desk/articles/987654").status, 404);
  EXPECT_EQ(editor.Get("/desk/articles?state=limbo").status, 400);
}

TEST_F(DeskArticlesTest, ChangesNeedTheSessionsCsrfTokenAndChangeNothingWithout) {
  Browser editor = LoggedIn("editor@example.org");
  for (const std::string token : {"", "forged"}) {
    EXPECT_EQ(editor.Post(Desk(article_) + "/state", {{"csrf", token}, {"to", "deleted"}}).status, 403);
    auto fields = EditFields("Changed", "Changed text.", "");
    fields.push_back({"csrf", token});
    EXPECT_EQ(editor.Post(Desk(article_) + "/edit", fields).status, 403);
    EXPECT_EQ(editor.Post("/desk/sources/" + std::to_string(source_) + "/hold", {{"csrf", token}, {"hold", "1"}}).status,
              403);
  }
  EXPECT_EQ(StateOf(article_), Publication::kPublished);
  EXPECT_EQ(store_->GetArticle(article_)->headline, "Frigate laucnhed at the yard");
  EXPECT_FALSE(store_->GetSourceStatus(source_)->source.hold_for_review);
  EXPECT_TRUE(AuditActions().empty());
}

TEST_F(DeskArticlesTest, AHoldingSourcesArticlesWaitInIncomingUntilPublished) {
  Browser editor = LoggedIn("editor@example.org");
  const std::string source_page = "/desk/sources/" + std::to_string(source_);
  EXPECT_THAT(editor.Get(source_page).body, HasSubstr("published as they arrive"));
  RawResponse held = editor.Post(source_page + "/hold", {{"hold", "1"}}, source_page);
  EXPECT_EQ(held.status, 303) << held.body;
  EXPECT_THAT(editor.Get(source_page).body, HasSubstr("wait in Incoming"));

  const int64_t incoming = Store("b", "Corvette trials begin", "The corvette began its sea trials in the Baltic today.");
  EXPECT_EQ(StateOf(incoming), Publication::kHeld);
  EXPECT_EQ(PublicStatus(incoming), 404) << "a held article is not on the site";
  EXPECT_THAT(editor.Get("/desk/").body, HasSubstr("articles in Incoming"));
  RawResponse queue = editor.Get("/desk/articles");
  EXPECT_THAT(queue.body, HasSubstrs({"Corvette trials begin", "Incoming (1)"}));
  EXPECT_THAT(queue.body, Not(HasSubstr("Frigate laucnhed"))) << "the published article is not incoming";

  RawResponse publish = editor.Post(Desk(incoming) + "/state", {{"to", "published"}, {"back", "/desk/articles?state=held"}},
                                    "/desk/articles");
  EXPECT_EQ(publish.status, 303);
  EXPECT_EQ(publish.headers["location"], "/desk/articles?state=held&done=state");
  EXPECT_EQ(StateOf(incoming), Publication::kPublished);
  EXPECT_EQ(PublicStatus(incoming), 301) << "published: the address redirects to its slug";
  // An outside address to go back to is not followed.
  RawResponse away = editor.Post(Desk(incoming) + "/state", {{"to", "held"}, {"back", "https://evil.example/"}},
                                 "/desk/articles");
  EXPECT_EQ(away.headers["location"], Desk(incoming) + "?done=state");
  EXPECT_THAT(AuditActions(), ::testing::ElementsAre("article.publication", "article.publication", "source.hold"));
}

TEST_F(DeskArticlesTest, AScheduledArticleGoesOutAtItsTimeAndAPastTimeIsRefused) {
  Browser editor = LoggedIn("editor@example.org");
  const std::string state = Desk(article_) + "/state";
  EXPECT_EQ(editor.Post(state, {{"to", "scheduled"}, {"at", "2020-01-01T10:00"}}, Desk(article_)).status, 400);
  EXPECT_EQ(editor.Post(state, {{"to", "scheduled"}, {"at", "tomorrow"}}, Desk(article_)).status, 400);
  EXPECT_EQ(editor.Post(state, {{"to", "limbo"}}, Desk(article_)).status, 400);
  EXPECT_EQ(StateOf(article_), Publication::kPublished);

  const TimePoint at = std::chrono::floor<std::chrono::minutes>(Now()) + std::chrono::minutes(2);
  const std::string minute = FormatIso8601(at).substr(0, 16);  // as a datetime-local field sends it
  EXPECT_EQ(editor.Post(state, {{"to", "scheduled"}, {"at", minute}}, Desk(article_)).status, 303);
  EXPECT_EQ(StateOf(article_), Publication::kScheduled);
  EXPECT_EQ(PublicStatus(article_), 404);
  EXPECT_THAT(editor.Get("/desk/articles?state=scheduled").body, HasSubstr("Frigate laucnhed"));
  ASSERT_TRUE(store_->PublishDueArticles(at).ok());  // what `serve` does every second
  EXPECT_EQ(StateOf(article_), Publication::kPublished);
  EXPECT_EQ(PublicStatus(article_), 301);
}

TEST_F(DeskArticlesTest, ADeletedArticleAnswersGoneStaysInTheDeskAndCanBeRestored) {
  Browser editor = LoggedIn("editor@example.org");
  EXPECT_EQ(editor.Post(Desk(article_) + "/state", {{"to", "deleted"}}, Desk(article_)).status, 303);
  EXPECT_EQ(PublicStatus(article_), 410);
  Browser reader(port());
  EXPECT_EQ(reader.Get("/api/v1/articles/" + std::to_string(article_)).status, 410);
  EXPECT_THAT(editor.Get("/desk/articles?state=deleted").body, HasSubstr("Frigate laucnhed"));
  EXPECT_EQ(editor.Get(Desk(article_)).status, 200) << "a deleted article stays reviewable";
  EXPECT_EQ(editor.Post(Desk(article_) + "/state", {{"to", "published"}}, Desk(article_)).status, 303);
  EXPECT_EQ(PublicStatus(article_), 301);
}

TEST_F(DeskArticlesTest, ACorrectionIsSavedAsARevisionAndShownDatedToReaders) {
  Browser editor = LoggedIn("editor@example.org");
  RawResponse form = editor.Get(Desk(article_));
  EXPECT_THAT(form.body, HasSubstrs({"name=\"headline\" value=\"Frigate laucnhed at the yard\"", "name=\"block_text\"",
                                     "We are proud of the crew."}));
  RawResponse saved = editor.Post(Desk(article_) + "/edit",
                                  EditFields("Frigate launched at the yard", "The frigate was launched on Tuesday.",
                                             "The launch was on Tuesday, not Monday."),
                                  Desk(article_));
  ASSERT_EQ(saved.status, 303) << saved.body;
  auto a = store_->GetArticle(article_);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->headline, "Frigate launched at the yard");
  ASSERT_EQ(a->body.size(), 2u) << "the empty new block is dropped";
  EXPECT_EQ(a->body[0].text, "The frigate was launched on Tuesday.");

  Browser reader(port());
  RawResponse page = reader.Get(ArticleHref("en", a->id, a->slug));
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstrs({"Frigate launched at the yard", "class=\"correction\"", "Correction",
                                     "The launch was on Tuesday, not Monday."}));
  auto api = nlohmann::json::parse(reader.Get("/api/v1/articles/" + std::to_string(article_)).body);
  ASSERT_EQ(api["corrections"].size(), 1u);
  EXPECT_EQ(api["corrections"][0]["note"], "The launch was on Tuesday, not Monday.");
  EXPECT_THAT(reader.Get("/en/feed.xml").body, HasSubstr("The launch was on Tuesday, not Monday."));

  // The revisions: the text as it arrived, then the correction; the diff
  // shows what changed, and restoring brings the arrived text back.
  auto revisions = store_->ListRevisions(article_);
  ASSERT_TRUE(revisions.ok());
  ASSERT_EQ(revisions->size(), 2u);
  const std::string arrived = "/desk/revisions/" + std::to_string(revisions->back().id);
  RawResponse diff = editor.Get(arrived);
  ASSERT_EQ(diff.status, 200) << diff.body;
  EXPECT_THAT(diff.body, HasSubstrs({"diff-removed", "Frigate laucnhed at the yard", "diff-added",
                                     "Frigate launched at the yard", "diff-same", "We are proud of the crew."}));
  EXPECT_EQ(editor.Post(arrived + "/restore", {}, arrived).status, 303);
  EXPECT_EQ(store_->GetArticle(article_)->headline, "Frigate laucnhed at the yard");
  EXPECT_THAT(AuditActions(), ::testing::ElementsAre("article.restore", "article.correct"));
  // Saving the form unchanged writes nothing.
  auto unchanged = EditFields("Frigate laucnhed at the yard", "The frigate was launched on Monday at the northern yard.",
                              "");
  RawResponse same = editor.Post(Desk(article_) + "/edit", unchanged, Desk(article_));
  EXPECT_EQ(same.headers["location"], Desk(article_) + "?done=unchanged");
  EXPECT_EQ(store_->ListRevisions(article_)->size(), 3u);
}

TEST_F(DeskArticlesTest, TheBlockEditorChangesKindsAddsAnImageAndSetsLanguageAndLeadImage) {
  Browser editor = LoggedIn("editor@example.org");
  Browser::Fields fields = {{"headline", "Фрегат спущен на воду"},
                            {"language", "ru"},
                            {"image_url", ""},
                            {"block_kind", "list"},
                            {"block_text", "first point\n\n  second point  \n"},
                            {"block_kind", "heading"},
                            {"block_text", "We are proud of the crew."},
                            {"block_kind", "image"},
                            {"block_text", "The frigate at sea"},
                            {"block_url", "https://wire.example/sea.jpg"},
                            {"block_credit", "Wire photo"}};
  ASSERT_EQ(editor.Post(Desk(article_) + "/edit", fields, Desk(article_)).status, 303);
  auto a = store_->GetArticle(article_);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->language, "ru");
  EXPECT_FALSE(a->image.has_value()) << "an emptied address takes the lead image off";
  ASSERT_EQ(a->body.size(), 3u);
  EXPECT_EQ(a->body[0].type, BlockType::kList);
  EXPECT_EQ(a->body[0].items, (std::vector<std::string>{"first point", "second point"}));
  EXPECT_EQ(a->body[1].type, BlockType::kHeading);
  EXPECT_EQ(a->body[2].type, BlockType::kImage);
  EXPECT_EQ(a->body[2].url, "https://wire.example/sea.jpg");
  EXPECT_EQ(a->body[2].caption, "The frigate at sea");
  EXPECT_EQ(a->body[2].credit, "Wire photo");
  EXPECT_TRUE(a->body[2].text.empty());
  RawResponse form = editor.Get(Desk(article_));
  EXPECT_THAT(form.body, HasSubstrs({"name=\"language\" value=\"ru\"", "<option value=\"list\" selected>",
                                     "value=\"https://wire.example/sea.jpg\""}));
  Browser::Fields lead = fields;
  lead[2].second = "https://wire.example/lead.jpg";
  ASSERT_EQ(editor.Post(Desk(article_) + "/edit", lead, Desk(article_)).status, 303);
  ASSERT_TRUE(store_->GetArticle(article_)->image.has_value());
  EXPECT_EQ(store_->GetArticle(article_)->image->url, "https://wire.example/lead.jpg");
}

TEST_F(DeskArticlesTest, HostileTextInEveryEditableFieldComesOutEscaped) {
  Browser editor = LoggedIn("editor@example.org");
  Browser::Fields fields = {{"headline", std::string("Headline ") + kXss},
                            {"dateline", kXss},
                            {"image_caption", kXss},
                            {"image_credit", kXss},
                            {"block_kind", "paragraph"},
                            {"block_text", kXss},
                            {"block_kind", "heading"},
                            {"block_text", "<img src=x onerror=alert(1)>"},
                            {"rights", kXss},
                            {"correction", kXss}};
  ASSERT_EQ(editor.Post(Desk(article_) + "/edit", fields, Desk(article_)).status, 303);
  auto a = store_->GetArticle(article_);
  ASSERT_TRUE(a.ok());
  Browser reader(port());
  for (RawResponse res : {reader.Get(ArticleHref("en", a->id, a->slug)), editor.Get(Desk(article_)),
                          editor.Get("/desk/articles?state=published"), editor.Get("/desk/audit")}) {
    EXPECT_EQ(res.status, 200);
    EXPECT_THAT(res.body, Not(HasSubstr("<script>alert"))) << res.body;
    EXPECT_THAT(res.body, Not(HasSubstr("<img src=x")));
  }
  EXPECT_THAT(reader.Get(ArticleHref("en", a->id, a->slug)).body, HasSubstr("&lt;script&gt;"));
}

TEST_F(DeskArticlesTest, AnInvalidOrOversizedEditIsRefusedAndWritesNothing) {
  Browser editor = LoggedIn("editor@example.org");
  const std::string edit = Desk(article_) + "/edit";
  RawResponse empty = editor.Post(edit, EditFields("   ", "Text.", ""), Desk(article_));
  EXPECT_EQ(empty.status, 400);
  EXPECT_THAT(empty.body, HasSubstr("headline"));
  Browser::Fields script_image = EditFields("Fine", "Text.", "");
  script_image.insert(script_image.end(), {{"block_kind", "image"}, {"block_url", "javascript:alert(1)"},
                                           {"block_text", "caption"}});
  EXPECT_EQ(editor.Post(edit, script_image, Desk(article_)).status, 400);
  EXPECT_EQ(editor.Post(edit, {{"headline", "Fine"}, {"block_kind", "marquee"}, {"block_text", "x"}}, Desk(article_)).status,
            400);
  EXPECT_EQ(editor.Post(edit, EditFields("Fine", "Text.", std::string(3000, 'n')), Desk(article_)).status, 400);
  Browser::Fields bad_language = EditFields("Fine", "Text.", "");
  bad_language.push_back({"language", "english"});
  EXPECT_EQ(editor.Post(edit, bad_language, Desk(article_)).status, 400);
  Browser::Fields script_lead = EditFields("Fine", "Text.", "");
  script_lead.push_back({"image_url", "javascript:alert(1)"});
  EXPECT_EQ(editor.Post(edit, script_lead, Desk(article_)).status, 400);
  EXPECT_EQ(editor.Post(edit, EditFields("Fine", std::string(1'100'000, 'x'), ""), Desk(article_)).status, 413);
  EXPECT_EQ(store_->GetArticle(article_)->headline, "Frigate laucnhed at the yard");
  EXPECT_TRUE(store_->ListRevisions(article_)->empty());
  EXPECT_TRUE(AuditActions().empty());
  // A long article fits: 300 paragraphs of 2,000 characters.
  Browser::Fields long_article = {{"headline", "Long"}};
  for (int i = 0; i < 300; ++i) long_article.insert(long_article.end(), {{"block_kind", "paragraph"},
                                                                         {"block_text", std::string(2000, 'a' + i % 26)}});
  EXPECT_EQ(editor.Post(edit, long_article, Desk(article_)).status, 303);
  EXPECT_EQ(store_->GetArticle(article_)->body.size(), 300u);
}

// Issue 18, found by fuzz/http_fuzz.cc: an edit whose blocks were all empty
// (or that sent none) reached the store, which refused it, and the desk
// answered 503 "briefly unavailable" instead of saying what was wrong.
TEST_F(DeskArticlesTest, AnEditThatLeavesNoBlockIsRefusedAsInvalidNotUnavailable) {
  Browser editor = LoggedIn("editor@example.org");
  const std::string edit = Desk(article_) + "/edit";
  const Browser::Fields no_block = {{"headline", "Fine"}};
  const Browser::Fields empty_block = {{"headline", "Fine"}, {"block_kind", "paragraph"}, {"block_text", "  "}};
  for (const Browser::Fields& fields : {no_block, empty_block}) {
    RawResponse r = editor.Post(edit, fields, Desk(article_));
    EXPECT_EQ(r.status, 400);
    EXPECT_THAT(r.body, HasSubstr("at least one block"));
  }
  EXPECT_TRUE(store_->ListRevisions(article_)->empty());
}

}  // namespace
}  // namespace newsdesk
