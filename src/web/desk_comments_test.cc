// The desk's comments room over real HTTP: roles, CSRF, the queue's tabs
// and their keyset pages, bulk actions, a ban from a comment, the hold list
// taking effect on the next comment posted, one reader's history, hostile
// text, invalid forms, and the reply notification an approved reply owes;
// and People's password reset, whose mail (caught, as the notification, by
// a real SMTP server: aiosmtpd) carries a link that works.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "common/testing/matchers.h"
#include "mail/testing/smtp_server.h"
#include "web/site.h"
#include "web/test_client.h"
#include "web/testing/served_site_test.h"

namespace newsdesk {
namespace {

using testing::Browser;
using testing::CsrfField;
using testing::HasSubstrs;
using testing::LacksSubstrs;
using testing::RawResponse;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

TimePoint Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

constexpr const char* kHostile = "<script>alert(1)</script>";
constexpr const char* kHostileEscaped = "&lt;script&gt;alert(1)&lt;/script&gt;";

class DeskCommentsTest : public testing::ServedSiteTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore("nd_desk_comments", "https://news.example"));
    smtp_ = std::make_unique<SmtpServer>(dir_ / "mail");
    ASSERT_NE(smtp_->port(), 0) << "could not start aiosmtpd with " ND_SYSTEM_PYTHON;
    config_.mail_smtp_url = smtp_->url();
    reader_ = AddUser("reader@example.org", "Rita", Role::kReader);
    spammer_ = AddUser("spam@example.org", std::string("Spammer ") + kHostile, Role::kReader);
    moderator_ = AddUser("mod@example.org", "Moe", Role::kModerator);
    editor_ = AddUser("editor@example.org", "Edda", Role::kEditor);
    admin_ = AddUser("admin@example.org", "Ada", Role::kAdmin);
    ArticleRecord a;
    a.url = "https://wire.example/a";
    a.source = Source{0, "", "Wire", "https://wire.example/", "GB", "en"};
    a.language = "en";
    a.headline = "Harbour reopens";
    a.published_at = Now();
    a.body = {Block{BlockType::kParagraph, "Text.", {}, {}, {}, {}}};
    auto up = store_->UpsertArticles({a});
    ASSERT_TRUE(up.ok()) << up.status().ToString();
    article_ = up->ids[0];
    auto stored = store_->GetArticle(article_);
    ASSERT_TRUE(stored.ok());
    article_path_ = "/en/articles/" + std::to_string(article_) + "-" + stored->slug;
    ASSERT_NO_FATAL_FAILURE(Serve());
  }
  void TearDown() override {
    served_.reset();
    smtp_.reset();
    ServedSiteTest::TearDown();
  }

  int64_t AddComment(int64_t user, const std::string& body, CommentStatus status = CommentStatus::kVisible) {
    Comment c;
    c.article_id = article_;
    c.user_id = user;
    c.body = body;
    c.html = "<p>" + body + "</p>";
    c.status = status;
    c.hold_reason = status == CommentStatus::kHeld ? "a moderator will check it" : "";
    c.created_at = Now();
    auto added = store_->AddComment(c);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->id : 0;
  }
  CommentStatus StatusOf(int64_t id) { return store_->GetComment(id)->status; }
  bool SpamMark(int64_t id) { return store_->GetComment(id)->spam; }
  std::vector<AuditEntry> AuditEntries() {
    auto log = store_->ListAudit({});
    EXPECT_TRUE(log.ok());
    return log.ok() ? log->entries : std::vector<AuditEntry>{};
  }
  // Bulk posts the room's bulk form with `ids` ticked.
  static RawResponse Bulk(Browser& b, const std::string& action, const std::vector<std::string>& ids) {
    Browser::Fields f = {{"action", action}, {"tab", "pending"}};
    for (const auto& id : ids) f.emplace_back("id", id);
    return b.Post("/desk/comments/bulk", f, "/desk/comments");
  }
  static std::vector<std::string> Text(std::initializer_list<int64_t> ids) {
    std::vector<std::string> out;
    for (int64_t id : ids) out.push_back(std::to_string(id));
    return out;
  }
  nlohmann::json WaitForMail(int n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      auto j = smtp_->Received(n);
      if (!j.is_null()) return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return nullptr;
  }

  std::unique_ptr<SmtpServer> smtp_;
  int64_t reader_ = 0, spammer_ = 0, moderator_ = 0, editor_ = 0, admin_ = 0;
  int64_t article_ = 0;
  std::string article_path_;
};

TEST_F(DeskCommentsTest, ModeratorsReachTheRoomButNotPeopleReadersAreRefusedAndGuestsAskedToLogIn) {
  const int64_t held = AddComment(spammer_, "Buy now", CommentStatus::kHeld);
  const std::string history = "/desk/comments/user/" + std::to_string(spammer_);
  struct Route {
    std::string method, path;
    Role least;
  };
  const std::vector<Route> routes = {
      {"GET", "/desk/comments?tab=spam", Role::kModerator},
      {"POST", "/desk/comments/bulk", Role::kModerator},
      {"POST", "/desk/comments/" + std::to_string(held) + "/ban", Role::kModerator},
      {"POST", "/desk/comments/hold-words", Role::kEditor},
      {"GET", history, Role::kModerator},
      {"POST", "/desk/people/" + std::to_string(reader_) + "/reset", Role::kAdmin},
      {"GET", "/desk/people", Role::kAdmin}};
  Browser guest(port());
  for (const auto& r : routes) EXPECT_EQ(guest.Send(r.method, r.path, "csrf=x").status, 401) << r.path;
  struct Who {
    const char* email;
    Role role;
  };
  for (const Who& who : {Who{"reader@example.org", Role::kReader}, Who{"mod@example.org", Role::kModerator},
                         Who{"editor@example.org", Role::kEditor}}) {
    Browser b = LoggedIn(who.email);
    for (const auto& r : routes) {
      if (static_cast<int>(who.role) >= static_cast<int>(r.least)) continue;
      EXPECT_EQ(b.Send(r.method, r.path, "csrf=x").status, 403) << who.email << " " << r.path;
    }
  }
  Browser moderator = LoggedIn("mod@example.org");
  for (const std::string& page : {std::string("/desk/comments"), std::string("/desk/comments?tab=reported"), history}) {
    RawResponse res = moderator.Get(page);
    EXPECT_EQ(res.status, 200) << page;
    EXPECT_EQ(res.headers["cache-control"], "no-store");
  }
  EXPECT_EQ(moderator.Get("/desk/comments/user/999999").status, 404);
  EXPECT_EQ(moderator.Get("/desk/comments/user/abc").status, 404);
  EXPECT_EQ(StatusOf(held), CommentStatus::kHeld);
  EXPECT_FALSE(store_->GetUser(spammer_)->banned);
}

TEST_F(DeskCommentsTest, EveryChangeWithoutTheSessionsCsrfTokenIsRefusedAndChangesNothing) {
  const int64_t held = AddComment(spammer_, "Buy now", CommentStatus::kHeld);
  ASSERT_TRUE(store_->ReplaceHoldWords({"casino"}).ok());
  Browser editor = LoggedIn("editor@example.org");
  Browser admin = LoggedIn("admin@example.org");
  const std::string other = CsrfField(editor.Get("/desk/comments").body);
  ASSERT_FALSE(other.empty());
  const std::string ban = "/desk/comments/" + std::to_string(held) + "/ban";
  for (const std::string& token : {std::string(""), std::string("forged"), other}) {
    EXPECT_EQ(admin.Post("/desk/comments/bulk", {{"csrf", token}, {"action", "approve"}, {"id", std::to_string(held)}})
                  .status,
              403);
    EXPECT_EQ(admin.Post(ban, {{"csrf", token}, {"hide", "1"}}).status, 403);
    EXPECT_EQ(admin.Post("/desk/comments/hold-words", {{"csrf", token}, {"words", "poker"}}).status, 403);
    EXPECT_EQ(admin.Post("/desk/people/" + std::to_string(reader_) + "/reset", {{"csrf", token}}).status, 403);
  }
  EXPECT_EQ(StatusOf(held), CommentStatus::kHeld);
  EXPECT_FALSE(store_->GetUser(spammer_)->banned);
  EXPECT_EQ(*store_->HoldWords(), std::vector<std::string>{"casino"});
  EXPECT_TRUE(AuditEntries().empty());
  ASSERT_TRUE(served_->site().WaitForMail(std::chrono::seconds(5)));
  EXPECT_TRUE(smtp_->Received(1).is_null()) << "no reset mail went out";
}

TEST_F(DeskCommentsTest, TheTabsShowEachQueueWithCountsInKeysetPages) {
  std::vector<int64_t> held;
  for (int i = 0; i < 55; ++i) held.push_back(AddComment(reader_, "Held number " + std::to_string(i), CommentStatus::kHeld));
  const int64_t reported = AddComment(reader_, "Reported words");
  ASSERT_TRUE(store_->AddReport(reported, spammer_, "rude to me", Now()).ok());
  ASSERT_TRUE(store_->AddReport(reported, moderator_, "", Now()).ok());
  const int64_t hidden = AddComment(reader_, "Hidden words", CommentStatus::kHidden);
  const int64_t spam = AddComment(spammer_, "Spam words");
  ASSERT_TRUE(store_->MarkCommentSpam(spam, "spam").ok());
  Browser moderator = LoggedIn("mod@example.org");

  RawResponse pending = moderator.Get("/desk/comments");
  ASSERT_EQ(pending.status, 200) << pending.body;
  EXPECT_THAT(pending.body, HasSubstrs({"Pending <span class=\"badge\">55</span>", "Reported <span class=\"badge\">1</span>",
                                        "Hidden <span class=\"badge\">1</span>", "Spam <span class=\"badge\">1</span>",
                                        "Held number 0<", "Held number 49<", "Harbour reopens"}));
  EXPECT_THAT(pending.body, LacksSubstrs({"Held number 50<", "Reported words", "Hidden words", "Spam words"}));
  const std::string next = "/desk/comments?tab=pending&amp;after=" + std::to_string(held[49]);
  ASSERT_THAT(pending.body, HasSubstr(next)) << "the next page starts after the last comment shown";
  RawResponse second = moderator.Get("/desk/comments?tab=pending&after=" + std::to_string(held[49]));
  EXPECT_THAT(second.body, HasSubstrs({"Held number 50<", "Held number 54<"}));
  EXPECT_THAT(second.body, LacksSubstrs({"Held number 49<", "rel=\"next\""}));

  RawResponse reports = moderator.Get("/desk/comments?tab=reported");
  EXPECT_THAT(reports.body, HasSubstrs({"Reported words", "Reports: 2"}));
  EXPECT_THAT(reports.body, LacksSubstrs({"Held number", "Hidden words"}));
  EXPECT_THAT(moderator.Get("/desk/comments?tab=hidden").body, AllOf(HasSubstr("Hidden words"), Not(HasSubstr("Spam words"))));
  EXPECT_THAT(moderator.Get("/desk/comments?tab=spam").body, AllOf(HasSubstr("Spam words"), Not(HasSubstr("Hidden words"))));
  EXPECT_THAT(moderator.Get("/desk/comments?tab=nonsense").body, HasSubstr("Held number 0<")) << "an unknown tab is the first";

  // The overview counts the same queues.
  EXPECT_THAT(moderator.Get("/desk/").body, HasSubstrs({"<strong>55</strong>", "1 reported"}));
  EXPECT_EQ(StatusOf(hidden), CommentStatus::kHidden);
}

TEST_F(DeskCommentsTest, EachBulkActionChangesTheTickedCommentsAndIsAudited) {
  const int64_t a = AddComment(reader_, "First held", CommentStatus::kHeld);
  const int64_t b = AddComment(reader_, "Second held", CommentStatus::kHeld);
  const int64_t c = AddComment(spammer_, "Third held", CommentStatus::kHeld);
  const int64_t d = AddComment(reader_, "Reported but fine");
  ASSERT_TRUE(store_->AddReport(d, spammer_, "I disagree", Now()).ok());
  const int64_t untouched = AddComment(reader_, "Left alone", CommentStatus::kHeld);
  Browser moderator = LoggedIn("mod@example.org");

  RawResponse r = Bulk(moderator, "approve", Text({a, b}));
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.headers["location"], "/desk/comments?tab=pending&done=approve&n=2");
  EXPECT_THAT(moderator.Get(r.headers["location"]).body, HasSubstr("Approved: 2."));
  EXPECT_EQ(StatusOf(a), CommentStatus::kVisible);
  EXPECT_EQ(StatusOf(b), CommentStatus::kVisible);

  ASSERT_EQ(Bulk(moderator, "hide", Text({a})).status, 303);
  EXPECT_EQ(StatusOf(a), CommentStatus::kHidden);
  EXPECT_FALSE(SpamMark(a));

  ASSERT_EQ(Bulk(moderator, "spam", Text({c, b})).status, 303);
  EXPECT_EQ(StatusOf(c), CommentStatus::kHidden);
  EXPECT_TRUE(SpamMark(c));
  EXPECT_TRUE(SpamMark(b));
  EXPECT_THAT(moderator.Get("/desk/comments?tab=spam").body, HasSubstrs({"Third held", "Second held"}));

  ASSERT_EQ(Bulk(moderator, "resolve", Text({d})).status, 303);
  EXPECT_EQ(StatusOf(d), CommentStatus::kVisible) << "resolving leaves the comment as it is";
  EXPECT_EQ(*store_->CountCommentQueue(CommentQueue::kReported), 0);

  // Approving spam takes the mark away with the hiding.
  ASSERT_EQ(Bulk(moderator, "approve", Text({c})).status, 303);
  EXPECT_EQ(StatusOf(c), CommentStatus::kVisible);
  EXPECT_FALSE(SpamMark(c));
  EXPECT_EQ(StatusOf(untouched), CommentStatus::kHeld);

  auto log = AuditEntries();
  ASSERT_EQ(log.size(), 7u);
  EXPECT_EQ(log[0].action, "comment.approve");
  EXPECT_EQ(log[0].target, "comment:" + std::to_string(c));
  EXPECT_EQ(log[0].before, "spam");
  EXPECT_EQ(log[0].after, "visible");
  EXPECT_EQ(log[0].actor, "user:" + std::to_string(moderator_));
  EXPECT_EQ(log[1].action, "comment.resolve");
  EXPECT_EQ(log[1].after, "visible; reports resolved");
  EXPECT_EQ(log[3].action, "comment.spam");
  EXPECT_EQ(log[4].action, "comment.hide");
  EXPECT_EQ(log[4].summary, "Rita: First held");
  EXPECT_EQ(log[6].action, "comment.approve");
  EXPECT_EQ(log[6].before, "held");
}

TEST_F(DeskCommentsTest, InvalidBulkFormsAnswer400AndChangeNothing) {
  const int64_t a = AddComment(reader_, "First held", CommentStatus::kHeld);
  const int64_t gone = AddComment(reader_, "Deleted");
  ASSERT_TRUE(store_->SetCommentStatus(gone, CommentStatus::kDeleted, "").ok());
  Browser moderator = LoggedIn("mod@example.org");
  std::vector<std::string> too_many = {std::to_string(a)};
  for (int i = 1; i < 51; ++i) too_many.push_back(std::to_string(a + 1000 + i));
  struct Case {
    std::string action;
    std::vector<std::string> ids;
    const char* why;
  };
  const std::vector<Case> cases = {
      {"approve", {}, "Tick at least one comment"},
      {"destroy", Text({a}), "Choose what to do"},
      {"", Text({a}), "Choose what to do"},
      {"approve", {std::to_string(a), "abc"}, "not a comment number"},
      {"approve", {std::to_string(a), "-3"}, "not a comment number"},
      {"approve", {std::to_string(a), "0"}, "not a comment number"},
      {"approve", {std::to_string(a), "99999999999999999999"}, "not a comment number"},
      {"approve", too_many, "At most 50 comments"},
      {"approve", {std::to_string(a), "987654"}, "There is no comment 987654"},
      {"hide", {std::to_string(a), std::to_string(gone)}, "was deleted"},
  };
  for (const Case& c : cases) {
    RawResponse r = Bulk(moderator, c.action, c.ids);
    EXPECT_EQ(r.status, 400) << c.why;
    EXPECT_THAT(r.body, HasSubstr(c.why));
  }
  EXPECT_EQ(StatusOf(a), CommentStatus::kHeld);
  EXPECT_EQ(StatusOf(gone), CommentStatus::kDeleted);
  EXPECT_TRUE(AuditEntries().empty());
}

TEST_F(DeskCommentsTest, AModeratorBansASpammerFromACommentAndHidesTheirEarlierComments) {
  const int64_t visible = AddComment(spammer_, "Earlier spam");
  const int64_t held = AddComment(spammer_, "Held spam", CommentStatus::kHeld);
  const int64_t ritas = AddComment(reader_, "Rita's words");
  Browser spammer = LoggedIn("spam@example.org");
  ASSERT_EQ(spammer.Get("/en/account").status, 200);
  Browser moderator = LoggedIn("mod@example.org");
  RawResponse room = moderator.Get("/desk/comments");
  ASSERT_THAT(room.body, HasSubstr("/desk/comments/" + std::to_string(held) + "/ban"));
  RawResponse r = moderator.Post("/desk/comments/" + std::to_string(held) + "/ban", {{"hide", "1"}, {"tab", "pending"}},
                                 "/desk/comments");
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.headers["location"], "/desk/comments?tab=pending&done=banned");
  EXPECT_TRUE(store_->GetUser(spammer_)->banned);
  EXPECT_EQ(StatusOf(visible), CommentStatus::kHidden);
  EXPECT_EQ(StatusOf(held), CommentStatus::kHidden);
  EXPECT_EQ(StatusOf(ritas), CommentStatus::kVisible) << "nobody else's";
  EXPECT_EQ(spammer.Get("/en/account").status, 303) << "the banned reader is logged out";
  auto log = AuditEntries();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].action, "user.ban");
  EXPECT_EQ(log[0].target, "user:" + std::to_string(spammer_));
  EXPECT_EQ(log[0].after, "banned; 2 comments hidden");
  // A moderator cannot ban an editor (readers/' rule), and nothing changes.
  const int64_t editors = AddComment(editor_, "An editor's note");
  EXPECT_EQ(moderator.Post("/desk/comments/" + std::to_string(editors) + "/ban", {{"hide", "1"}}, "/desk/comments").status,
            403);
  EXPECT_FALSE(store_->GetUser(editor_)->banned);
  EXPECT_EQ(StatusOf(editors), CommentStatus::kVisible);
  EXPECT_EQ(moderator.Post("/desk/comments/999999/ban", {}, "/desk/comments").status, 404);
}

TEST_F(DeskCommentsTest, TheHoldListTakesEffectOnTheNextCommentPosted) {
  Browser editor = LoggedIn("editor@example.org");
  RawResponse r = editor.Post("/desk/comments/hold-words", {{"words", "  cheap pills \r\n\r\ncasino\n"}}, "/desk/comments");
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(*store_->HoldWords(), (std::vector<std::string>{"casino", "cheap pills"}));
  EXPECT_THAT(editor.Get(r.headers["location"]).body, HasSubstr("The hold list is saved: 2 words and phrases."));
  Browser rita = LoggedIn("reader@example.org");
  RawResponse posted = rita.Post(article_path_ + "/comments", {{"body", "Buy Cheap Pills today"}}, article_path_);
  ASSERT_EQ(posted.status, 303) << posted.body;
  EXPECT_THAT(posted.headers["location"], HasSubstr("notice=held"));
  Browser moderator = LoggedIn("mod@example.org");
  RawResponse pending = moderator.Get("/desk/comments");
  EXPECT_THAT(pending.body, HasSubstr("Buy Cheap Pills today"));
  EXPECT_THAT(pending.body, Not(HasSubstr("name=\"words\""))) << "moderators read the list, editors change it";
  EXPECT_THAT(pending.body, HasSubstr("<li>cheap pills</li>"));
  auto log = AuditEntries();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].action, "comment.hold_words");
  EXPECT_EQ(log[0].before, "");
  EXPECT_EQ(log[0].after, "casino\ncheap pills");

  // An entry with nothing to match, or too long, is refused whole.
  for (const std::string& bad : {std::string("poker\n!!!"), std::string("poker\n") + std::string(101, 'a')}) {
    RawResponse refused = editor.Post("/desk/comments/hold-words", {{"words", bad}}, "/desk/comments");
    EXPECT_EQ(refused.status, 400) << bad;
  }
  std::string many;
  for (int i = 0; i < 501; ++i) many += "word" + std::to_string(i) + "\n";
  EXPECT_EQ(editor.Post("/desk/comments/hold-words", {{"words", many}}, "/desk/comments").status, 400);
  EXPECT_EQ(*store_->HoldWords(), (std::vector<std::string>{"casino", "cheap pills"}));
  EXPECT_EQ(AuditEntries().size(), 1u);
}

TEST_F(DeskCommentsTest, AReadersHistoryListsEveryStateNewestFirstInKeysetPages) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 52; ++i) ids.push_back(AddComment(spammer_, "Note " + std::to_string(i)));
  const int64_t held = AddComment(spammer_, "Waiting one", CommentStatus::kHeld);
  const int64_t hidden = AddComment(spammer_, "Hidden one", CommentStatus::kHidden);
  const int64_t spam = AddComment(spammer_, "Spammy one");
  ASSERT_TRUE(store_->MarkCommentSpam(spam, "spam").ok());
  const int64_t deleted = AddComment(spammer_, "Deleted one");
  ASSERT_TRUE(store_->SetCommentStatus(deleted, CommentStatus::kDeleted, "").ok());
  AddComment(reader_, "Somebody else");
  Browser moderator = LoggedIn("mod@example.org");
  const std::string history = "/desk/comments/user/" + std::to_string(spammer_);
  RawResponse first = moderator.Get(history);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_THAT(first.body, HasSubstrs({"Comments by Spammer", "badge deleted", "badge spam", "badge hidden", "badge held",
                                      "badge visible", "Waiting one", "Note 51<", "Note 6<"}));
  EXPECT_THAT(first.body, LacksSubstrs({"Somebody else", "Note 5<"}));
  EXPECT_LT(first.body.find("Spammy one"), first.body.find("Hidden one")) << "newest first";
  const std::string next = history + "?before=" + std::to_string(ids[6]);
  ASSERT_THAT(first.body, HasSubstr(next));
  RawResponse second = moderator.Get(next);
  EXPECT_THAT(second.body, HasSubstrs({"Note 5<", "Note 0<"}));
  EXPECT_THAT(second.body, LacksSubstrs({"Note 6<", "rel=\"next\""}));
  // A bulk action from the history comes back to it.
  RawResponse r = moderator.Post("/desk/comments/bulk",
                                 {{"action", "approve"}, {"id", std::to_string(held)}, {"back", history}}, history);
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.headers["location"], history + "?done=approve&n=1");
  EXPECT_EQ(StatusOf(held), CommentStatus::kVisible);
  EXPECT_EQ(StatusOf(hidden), CommentStatus::kHidden);
  // Anything else in `back` goes to the room.
  r = moderator.Post("/desk/comments/bulk",
                     {{"action", "hide"}, {"id", std::to_string(held)}, {"back", "https://evil.example/"}}, history);
  EXPECT_EQ(r.headers["location"], "/desk/comments?tab=pending&done=hide&n=1");
}

TEST_F(DeskCommentsTest, HostileCommentTextNamesReasonsAndHoldWordsComeOutEscaped) {
  const int64_t held = AddComment(spammer_, std::string("Body ") + kHostile, CommentStatus::kHeld);
  const int64_t reported = AddComment(spammer_, "Plain");
  ASSERT_TRUE(store_->AddReport(reported, reader_, std::string("Reason ") + kHostile, Now()).ok());
  ASSERT_TRUE(store_->ReplaceHoldWords({std::string("word ") + kHostile}).ok());
  Browser editor = LoggedIn("editor@example.org");
  Browser moderator = LoggedIn("mod@example.org");
  const std::string history = "/desk/comments/user/" + std::to_string(spammer_);
  for (Browser* b : {&editor, &moderator})
    for (const std::string& page : {std::string("/desk/comments"), std::string("/desk/comments?tab=reported"), history}) {
      RawResponse res = b->Get(page);
      ASSERT_EQ(res.status, 200) << page;
      EXPECT_THAT(res.body, Not(HasSubstr(kHostile))) << page;
      EXPECT_THAT(res.body, HasSubstr(kHostileEscaped)) << page;
    }
  EXPECT_THAT(editor.Get("/desk/comments?tab=reported").body, HasSubstr(std::string("Reason ") + kHostileEscaped));
  EXPECT_THAT(editor.Get("/desk/comments").body, HasSubstrs({std::string("Body ") + kHostileEscaped,
                                                             std::string("Spammer ") + kHostileEscaped,
                                                             std::string("word ") + kHostileEscaped}));
  EXPECT_EQ(StatusOf(held), CommentStatus::kHeld);
}

TEST_F(DeskCommentsTest, AnApprovedReplyMailsItsThreadsAuthorOnceWhenTheyAskedForIt) {
  ASSERT_TRUE(store_->UpdateUser(reader_, UserChanges{.notify_replies = true}).ok());
  const int64_t parent = AddComment(reader_, "Rita's question");
  Comment reply;
  reply.article_id = article_;
  reply.user_id = spammer_;
  reply.parent_id = parent;
  reply.body = "An answer held for review";
  reply.html = "<p>An answer held for review</p>";
  reply.status = CommentStatus::kHeld;
  reply.created_at = Now();
  auto held = store_->AddComment(reply);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  const int64_t unrelated = AddComment(spammer_, "Held, answering nobody", CommentStatus::kHeld);
  Browser moderator = LoggedIn("mod@example.org");
  ASSERT_EQ(Bulk(moderator, "approve", Text({held->id, unrelated})).status, 303);
  auto mail = WaitForMail(1);
  ASSERT_FALSE(mail.is_null()) << "the approved reply's thread author is told";
  EXPECT_EQ(mail["rcpt_tos"][0], "reader@example.org");
  EXPECT_THAT(mail["text"]["content"].get<std::string>(), HasSubstr("An answer held for review"));
  // Approving a visible comment again is no new reply: no second mail.
  ASSERT_EQ(Bulk(moderator, "approve", Text({held->id})).status, 303);
  ASSERT_TRUE(served_->site().WaitForMail(std::chrono::seconds(5)));
  EXPECT_TRUE(smtp_->Received(2).is_null());
}

TEST_F(DeskCommentsTest, AnAdminSendsAPasswordResetWhoseMailedLinkWorks) {
  Browser admin = LoggedIn("admin@example.org");
  RawResponse people = admin.Get("/desk/people");
  const std::string action = "/desk/people/" + std::to_string(reader_) + "/reset";
  ASSERT_THAT(people.body, HasSubstr(action));
  RawResponse r = admin.Post(action, {}, "/desk/people");
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.headers["location"], "/desk/people?done=reset");
  EXPECT_THAT(admin.Get(r.headers["location"]).body, HasSubstr("A password reset link is on its way"));
  auto mail = WaitForMail(1);
  ASSERT_FALSE(mail.is_null());
  EXPECT_EQ(mail["rcpt_tos"][0], "reader@example.org");
  const std::string text = mail["text"]["content"].get<std::string>();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex("https://news\\.example(/en/account/reset\\?token=[^\\s]+)")))
      << text;
  const std::string link = m[1].str();
  const std::string token = link.substr(link.find("token=") + 6);
  Browser rita(port());
  RawResponse reset = rita.Post("/en/account/reset", {{"token", token}, {"password", "a brand new secret"}}, link);
  ASSERT_EQ(reset.status, 303) << reset.body;
  Browser again(port());
  EXPECT_EQ(again.Post("/en/account/login", {{"email", "reader@example.org"}, {"password", "a brand new secret"}},
                       "/en/account/login")
                .status,
            303)
      << "the new password works";
  auto log = AuditEntries();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].action, "user.password_reset");
  EXPECT_EQ(log[0].target, "user:" + std::to_string(reader_));
  EXPECT_EQ(log[0].actor, "user:" + std::to_string(admin_));
  // No account, no mail.
  EXPECT_EQ(admin.Post("/desk/people/999999/reset", {}, "/desk/people").status, 404);
  ASSERT_TRUE(served_->site().WaitForMail(std::chrono::seconds(5)));
  EXPECT_TRUE(smtp_->Received(2).is_null());
}

}  // namespace
}  // namespace newsdesk
