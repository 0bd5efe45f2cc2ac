// The readers' pages over real HTTP: a real server on a loopback port, the
// real site on a SQLite store in a temporary folder, and a real SMTP server
// (aiosmtpd) catching the mail. Each test drives the site the way a browser
// does: cookies, forms with their CSRF tokens, redirects.
#include "web/reader_pages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <thread>

#include "common/testing/test_directory.h"
#include "common/time.h"
#include "import/importer.h"
#include "mail/testing/smtp_server.h"
#include "web/server.h"
#include "web/site.h"
#include "web/test_client.h"
#include "web/testing/served_site.h"
#include "web/testing/served_site_test.h"
#include "store/testing/test_database.h"

namespace newsdesk {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::RawResponse;
using testing::CsrfField;

// WaitForMail waits up to 10 s for message `n` to reach `smtp`.
nlohmann::json WaitForMail(const SmtpServer& smtp, int n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    auto j = smtp.Received(n);
    if (!j.is_null()) return j;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return nullptr;
}

const char* const kPassword = testing::kTestPassword;

using Client = testing::Browser;

class ReaderPagesTest : public testing::ServedSiteTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenStore("nd_reader_pages", "https://news.example")); }
  void TearDown() override {
    served_.reset();
    smtp_.reset();
    ServedSiteTest::TearDown();
  }

  // Start imports two articles, starts the SMTP server (unless `mail` is
  // false: then mail goes to a closed port) and the site.
  void Start(bool mail = true) {
    if (mail) {
      smtp_ = std::make_unique<SmtpServer>(dir_ / "mail");
      ASSERT_NE(smtp_->port(), 0) << "could not start aiosmtpd with " ND_SYSTEM_PYTHON;
      config_.mail_smtp_url = smtp_->url();
    } else {
      config_.mail_smtp_url = "smtp://127.0.0.1:1";
      config_.mail_connect_timeout_seconds = 1;
    }
    std::vector<ArticleRecord> records;
    for (int i = 1; i <= 2; ++i) {
      ArticleRecord r;
      r.url = "https://outlet.example/a" + std::to_string(i);
      r.source = Source{0, "", "Outlet", "https://outlet.example/", "GB", "en"};
      r.language = "en";
      r.headline = "Headline " + std::to_string(i);
      r.published_at = *ParseIso8601(i == 1 ? "2026-06-26T12:00:00Z" : "2026-06-26T13:00:00Z");
      r.body = {Block{BlockType::kParagraph, "Text.", {}, {}, {}, {}}};
      records.push_back(r);
    }
    auto up = store_->UpsertArticles(records);
    ASSERT_TRUE(up.ok()) << up.status().ToString();
    article_ = up->ids[0];
    auto a = store_->GetArticle(article_);
    ASSERT_TRUE(a.ok());
    path_ = "/en/articles/" + std::to_string(a->id) + "-" + a->slug;
    ASSERT_NO_FATAL_FAILURE(Serve());
  }


  RawResponse Comment(Client& c, const std::string& body, int64_t parent = 0) {
    std::vector<std::pair<std::string, std::string>> f = {{"body", body}};
    if (parent) f.emplace_back("parent_id", std::to_string(parent));
    return c.Post(path_ + "/comments", f, path_);
  }

  static std::string LinkIn(const std::string& text, const std::string& what) {
    std::smatch m;
    std::regex re("https://news\\.example(/[^\\s]*" + what + "[^\\s]*)");
    return std::regex_search(text, m, re) ? m[1].str() : "";
  }

  static int64_t CommentIdOf(const RawResponse& r) {
    auto loc = r.headers.count("location") ? r.headers.at("location") : "";
    auto hash = loc.find("#c");
    return hash == std::string::npos ? 0 : std::stoll(loc.substr(hash + 2));
  }

  std::unique_ptr<SmtpServer> smtp_;
  int64_t article_ = 0;
  std::string path_;
};

TEST_F(ReaderPagesTest, RegisterConfirmLogInCommentReplyAndLogOut) {
  Start();
  Client ann(port());
  RawResponse page = ann.Get("/en/account/register");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(ann.HasCookie("nd_pre"));
  RawResponse r = ann.Post("/en/account/register",
                           {{"email", "Ann@Example.org"}, {"display_name", "Ann"}, {"password", kPassword},
                            {"website", ""}, {"csrf", CsrfField(page.body)}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.headers["location"], "/en/account/login?notice=check_mail");

  auto mail = WaitForMail(*smtp_, 1);
  ASSERT_FALSE(mail.is_null());
  EXPECT_EQ(mail["rcpt_tos"][0], "ann@example.org");
  const std::string first_link = LinkIn(mail["text"]["content"].get<std::string>(), "confirm");
  ASSERT_FALSE(first_link.empty()) << mail.dump();

  // Not confirmed yet: refused, saying why, and a fresh link is mailed (the
  // first one stops working).
  r = ann.Post("/en/account/login", {{"email", "ann@example.org"}, {"password", kPassword}}, "/en/account/login");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("confirm"));
  auto again = WaitForMail(*smtp_, 2);
  ASSERT_FALSE(again.is_null());
  const std::string confirm = LinkIn(again["text"]["content"].get<std::string>(), "confirm");
  ASSERT_FALSE(confirm.empty());
  EXPECT_EQ(ann.Get(first_link).status, 400);

  r = ann.Get(confirm);
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(r.headers["location"], "/en/account/login?notice=confirmed");
  EXPECT_EQ(ann.Get(confirm).status, 400) << "a confirmation link works once";

  r = ann.Post("/en/account/login", {{"email", "ann@example.org"}, {"password", kPassword}, {"next", path_}},
               "/en/account/login");
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(r.headers["location"], path_);
  EXPECT_THAT(ann.last_set_cookie(), HasSubstr("HttpOnly"));

  // Opt in to reply notifications, then comment.
  r = ann.Post("/en/account/notify", {{"notify", "1"}}, "/en/account");
  EXPECT_EQ(r.status, 303);
  r = Comment(ann, "First *thoughts*");
  ASSERT_EQ(r.status, 303) << r.body;
  const int64_t first = CommentIdOf(r);
  ASSERT_GT(first, 0);
  r = ann.Get(path_);
  EXPECT_THAT(r.body, HasSubstr("First <em>thoughts</em>"));
  EXPECT_THAT(r.body, HasSubstr("Comments (1)"));

  // Bob replies; Ann gets a notification with a one-click unsubscribe.
  AddUser("bob@example.org", "Bob");
  Client bob = LoggedIn("bob@example.org");
  r = bob.Get("/en/comments/" + std::to_string(first) + "/reply");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("First <em>thoughts</em>"));
  EXPECT_THAT(r.body, HasSubstr("name=\"parent_id\" value=\"" + std::to_string(first) + "\""));
  r = Comment(bob, "A reply", first);
  ASSERT_EQ(r.status, 303) << r.body;
  auto note = WaitForMail(*smtp_, 3);
  ASSERT_FALSE(note.is_null());
  EXPECT_EQ(note["rcpt_tos"][0], "ann@example.org");
  ASSERT_TRUE(note["list_unsubscribe"].is_string());
  EXPECT_THAT(smtp_->Raw(3), HasSubstr("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
  std::string unsub = note["list_unsubscribe"].get<std::string>();
  unsub = unsub.substr(unsub.find("/unsubscribe/"));
  unsub.pop_back();  // '>'
  Client mail_client(port());
  EXPECT_EQ(mail_client.Get(unsub).status, 200) << "a GET changes nothing";
  r = mail_client.Send("POST", unsub, "List-Unsubscribe=One-Click");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(mail_client.Send("POST", unsub + "x", "List-Unsubscribe=One-Click").status, 400);
  auto ann_user = store_->GetUserByEmail("ann@example.org");
  ASSERT_TRUE(ann_user.ok());
  EXPECT_FALSE(ann_user->notify_replies);

  // The Discussion page and block: the article on top, with count 2.
  Client guest(port());
  r = guest.Get("/en/discussion");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("title=\"Comments: 2\">2</span>"));
  EXPECT_TRUE(std::regex_search(r.body, std::regex("<time datetime=\"[^\"]+\">\\d\\d\\.\\d\\d \\d\\d:\\d\\d</time>")));
  EXPECT_THAT(guest.Get("/en/").body, HasSubstr("Comments: 2"));

  // Log out: the session ends, the cookie goes.
  r = ann.Post("/en/account/logout", {}, "/en/account");
  EXPECT_EQ(r.status, 303);
  EXPECT_FALSE(ann.HasCookie("nd_session"));
  EXPECT_THAT(ann.Get("/en/account").headers["location"], HasSubstr("/en/account/login"));
}

TEST_F(ReaderPagesTest, EveryStateChangeWithoutAValidCsrfTokenIsForbidden) {
  Start();
  AddUser("ann@example.org", "Ann");
  Client ann = LoggedIn("ann@example.org");
  for (const std::string& target : {path_ + "/comments", std::string("/en/account/name"), std::string("/en/account/logout"),
                                    std::string("/en/account/delete"), std::string("/en/comments/1/delete")}) {
    EXPECT_EQ(ann.Post(target, {{"body", "x"}, {"display_name", "Eve"}}).status, 403) << target;
    EXPECT_EQ(ann.Post(target, {{"body", "x"}, {"csrf", "forged"}}).status, 403) << target;
  }
  // Another session's token does not do either.
  AddUser("eve@example.org", "Eve");
  Client eve = LoggedIn("eve@example.org");
  const std::string eve_token = CsrfField(eve.Get(path_).body);
  EXPECT_EQ(ann.Post(path_ + "/comments", {{"body", "x"}, {"csrf", eve_token}}).status, 403);
  // Forms before a session: the token must match the pre-session cookie.
  Client anon(port());
  EXPECT_EQ(anon.Post("/en/account/login", {{"email", "ann@example.org"}, {"password", kPassword}}).status, 403);
  Client other(port());
  const std::string other_token = CsrfField(other.Get("/en/account/login").body);
  anon.Get("/en/account/register");
  EXPECT_EQ(anon.Post("/en/account/login", {{"email", "ann@example.org"}, {"password", kPassword}, {"csrf", other_token}})
                .status,
            403);
  EXPECT_EQ(anon.Post("/en/account/register", {{"email", "x@example.org"}, {"display_name", "X"},
                                               {"password", kPassword}, {"csrf", "nope"}})
                .status,
            403);
  // The API wants the header.
  EXPECT_EQ(ann.Send("POST", "/api/v1/articles/" + std::to_string(article_) + "/comments", "{\"body\":\"x\"}",
                     "application/json")
                .status,
            403);
  auto list = store_->ListArticleComments(article_, {CommentStatus::kVisible});
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  auto user = store_->GetUserByEmail("ann@example.org");
  EXPECT_EQ(user->display_name, "Ann");
}

TEST_F(ReaderPagesTest, ScriptAndHtmlInNamesAndCommentsAreShownAsText) {
  config_.new_account_max_links = 5;  // the javascript: link must reach the renderer
  Start();
  AddUser("ann@example.org", "<script>alert('name')</script>");
  Client ann = LoggedIn("ann@example.org");
  ASSERT_EQ(Comment(ann, "<img src=x onerror=alert(1)> <b>bold</b> [x](javascript:alert(2))").status, 303);
  Client guest(port());
  for (const std::string& target : {path_, std::string("/en/discussion")}) {
    std::string body = guest.Get(target).body;
    EXPECT_THAT(body, Not(HasSubstr("<script>alert")));
    EXPECT_THAT(body, Not(HasSubstr("<img src=x")));
    EXPECT_THAT(body, Not(HasSubstr("<b>bold")));
    EXPECT_THAT(body, Not(HasSubstr("javascript:")));
  }
  EXPECT_THAT(guest.Get(path_).body, HasSubstr("&lt;script&gt;alert(&apos;name&apos;)&lt;/script&gt;"));
  auto api = guest.Get("/api/v1/articles/" + std::to_string(article_) + "/comments");
  EXPECT_THAT(api.body, Not(HasSubstr("<img")));
  EXPECT_THAT(api.body, Not(HasSubstr("javascript:")));
}

TEST_F(ReaderPagesTest, SqlMetacharactersAreHarmless) {
  Start();
  const std::string nasty = "Robert'); DROP TABLE users;-- \" OR 1=1 --";
  AddUser("ann@example.org", nasty.substr(0, 60));
  Client ann = LoggedIn("ann@example.org");
  ASSERT_EQ(Comment(ann, nasty).status, 303);
  Client eve(port());
  EXPECT_EQ(eve.Post("/en/account/login", {{"email", "' OR '1'='1"}, {"password", "' OR '1'='1"}}, "/en/account/login")
                .status,
            400);
  EXPECT_EQ(eve.Post("/en/account/login", {{"email", "ann@example.org' --"}, {"password", "x' OR 1=1 --"}},
                     "/en/account/login")
                .status,
            400);
  EXPECT_EQ(eve.Get("/en/comments/1%20OR%201=1/edit").status, 303);  // not logged in: to the log-in page
  EXPECT_EQ(eve.Get("/api/v1/articles/1%20OR%201=1/comments").status, 404);
  EXPECT_FALSE(eve.HasCookie("nd_session"));
  auto list = store_->ListArticleComments(article_, {CommentStatus::kVisible});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].body, nasty);
  EXPECT_TRUE(store_->GetUserByEmail("ann@example.org").ok());
}

TEST_F(ReaderPagesTest, TheSessionCookieCarriesItsFlags) {
  Start();
  AddUser("ann@example.org", "Ann");
  Client ann(port());
  RawResponse r = ann.Post("/en/account/login", {{"email", "ann@example.org"}, {"password", kPassword}},
                           "/en/account/login");
  ASSERT_EQ(r.status, 303);
  const std::string& c = r.headers["set-cookie"];
  EXPECT_THAT(c, HasSubstr("nd_session="));
  EXPECT_THAT(c, HasSubstr("; HttpOnly"));
  EXPECT_THAT(c, HasSubstr("; SameSite=Lax"));
  EXPECT_THAT(c, HasSubstr("; Path=/"));
  EXPECT_THAT(c, HasSubstr("; Secure")) << "base_url is https";
  // A new token at every log-in.
  Client again(port());
  RawResponse r2 = again.Post("/en/account/login", {{"email", "ann@example.org"}, {"password", kPassword}},
                              "/en/account/login");
  EXPECT_NE(r2.headers["set-cookie"].substr(0, 60), c.substr(0, 60));
}

TEST_F(ReaderPagesTest, NoSecureFlagOnAPlainHttpSite) {
  config_.base_url = "http://127.0.0.1";
  Start();
  AddUser("ann@example.org", "Ann");
  Client ann(port());
  RawResponse r = ann.Post("/en/account/login", {{"email", "ann@example.org"}, {"password", kPassword}},
                           "/en/account/login");
  EXPECT_THAT(r.headers["set-cookie"], HasSubstr("HttpOnly"));
  EXPECT_THAT(r.headers["set-cookie"], Not(HasSubstr("Secure")));
}

TEST_F(ReaderPagesTest, RepeatedWrongPasswordsAreThrottled) {
  Start();
  AddUser("ann@example.org", "Ann");
  Client eve(port());
  for (unsigned i = 0; i < config_.login_failures_per_account; ++i)
    EXPECT_EQ(eve.Post("/en/account/login", {{"email", "ann@example.org"}, {"password", "wrong password"}},
                       "/en/account/login")
                  .status,
              400);
  RawResponse r = eve.Post("/en/account/login", {{"email", "ann@example.org"}, {"password", kPassword}},
                           "/en/account/login");
  EXPECT_EQ(r.status, 429);
  EXPECT_THAT(r.body, HasSubstr("too many failed log-ins"));
  EXPECT_TRUE(r.headers.count("retry-after"));
  EXPECT_FALSE(eve.HasCookie("nd_session"));
}

// Issue 18, finding 3: the guesser's lock does not keep the owner out of a
// browser that logged in to the account before.
TEST_F(ReaderPagesTest, ALockedAccountLetsItsOwnerInFromABrowserThatLoggedInBefore) {
  Start();
  AddUser("ann@example.org", "Ann");
  Client ann = LoggedIn("ann@example.org");
  EXPECT_TRUE(ann.HasCookie("nd_device"));
  ann.Post("/en/account/logout", {}, "/en/account");
  EXPECT_FALSE(ann.HasCookie("nd_session"));
  Client eve(port());
  for (unsigned i = 0; i < config_.login_failures_per_account; ++i)
    eve.Post("/en/account/login", {{"email", "ann@example.org"}, {"password", "wrong password"}}, "/en/account/login");
  const Client::Fields right = {{"email", "ann@example.org"}, {"password", kPassword}};
  EXPECT_EQ(eve.Post("/en/account/login", right, "/en/account/login").status, 429);
  EXPECT_EQ(Client(port()).Post("/en/account/login", right, "/en/account/login").status, 429)
      << "a new browser from the guesser's address (all of this test's come from 127.0.0.1)";
  EXPECT_EQ(ann.Post("/en/account/login", right, "/en/account/login").status, 303);
  EXPECT_TRUE(ann.HasCookie("nd_session"));
}

// Issue 18, finding 3: the login page offers a mailed one-time link, which
// logs the owner in past the guesser's lock, through a button (a scanner
// opening the link spends nothing), once.
TEST_F(ReaderPagesTest, AMailedLogInLinkLetsTheOwnerInPastALock) {
  Start();
  AddUser("ann@example.org", "Ann");
  Client eve(port());
  for (unsigned i = 0; i < config_.login_failures_per_account; ++i)
    eve.Post("/en/account/login", {{"email", "ann@example.org"}, {"password", "wrong password"}}, "/en/account/login");
  Client ann(port());
  RawResponse locked = ann.Post("/en/account/login", {{"email", "ann@example.org"}, {"password", kPassword}},
                                "/en/account/login");
  ASSERT_EQ(locked.status, 429);
  EXPECT_THAT(locked.body, HasSubstr("href=\"/en/account/login-link\""));
  RawResponse asked = ann.Post("/en/account/login-link", {{"email", "ann@example.org"}}, "/en/account/login-link");
  EXPECT_EQ(asked.status, 200);
  EXPECT_THAT(asked.body, HasSubstr("If an account has this address"));
  RawResponse same = ann.Post("/en/account/login-link", {{"email", "nobody@example.org"}}, "/en/account/login-link");
  EXPECT_EQ(same.status, 200) << "an unknown address gets the same page";
  auto mail = WaitForMail(*smtp_, 1);
  ASSERT_FALSE(mail.is_null());
  const std::string link = LinkIn(mail["text"]["content"].get<std::string>(), "login-link/use");
  ASSERT_FALSE(link.empty());
  RawResponse page = ann.Get(link);
  EXPECT_EQ(page.status, 200);
  EXPECT_FALSE(ann.HasCookie("nd_session")) << "opening the link logs nobody in";
  const std::string token = link.substr(link.find("token=") + 6);
  RawResponse in = ann.Post("/en/account/login-link/use", {{"token", token}}, link);
  EXPECT_EQ(in.status, 303) << in.body;
  EXPECT_TRUE(ann.HasCookie("nd_session"));
  EXPECT_TRUE(ann.HasCookie("nd_device"));
  Client again(port());
  EXPECT_EQ(again.Post("/en/account/login-link/use", {{"token", token}}, "/en/account/login-link/use").status, 400)
      << "used once";
  ASSERT_TRUE(served_->site().WaitForMail(std::chrono::seconds(5)));
  EXPECT_TRUE(smtp_->Received(2).is_null()) << "no mail for an unknown address";
}

TEST_F(ReaderPagesTest, ABannedUserCannotPost) {
  Start();
  const int64_t ann_id = AddUser("ann@example.org", "Ann");
  AddUser("mod@example.org", "Mod", Role::kModerator);
  Client ann = LoggedIn("ann@example.org");
  Client mod = LoggedIn("mod@example.org");
  ASSERT_EQ(Comment(ann, "before").status, 303);
  // Readers can't ban; moderators can, but not their betters. A refusal
  // for want of a role is 403, not 400 (issue 18).
  EXPECT_EQ(ann.Post("/en/users/" + std::to_string(ann_id) + "/ban", {{"banned", "1"}}, path_).status, 403);
  const int64_t ed_id = AddUser("ed@example.org", "Ed", Role::kEditor);
  EXPECT_EQ(mod.Post("/en/users/" + std::to_string(ed_id) + "/ban", {{"banned", "1"}}, path_).status, 403);
  RawResponse r = mod.Post("/en/users/" + std::to_string(ann_id) + "/ban", {{"banned", "1"}}, path_);
  EXPECT_EQ(r.status, 303) << r.body;
  r = Comment(ann, "after");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("banned"));
  auto api = ann.Send("POST", "/api/v1/articles/" + std::to_string(article_) + "/comments", "{\"body\":\"api\"}",
                      "application/json", "X-CSRF-Token: " + CsrfField(ann.Get(path_).body) + "\r\n");
  EXPECT_EQ(api.status, 400);
  EXPECT_THAT(api.body, HasSubstr("banned"));
}

TEST_F(ReaderPagesTest, NobodyEditsAnothersComment) {
  Start();
  AddUser("ann@example.org", "Ann");
  AddUser("mod@example.org", "Mod", Role::kAdmin);
  Client ann = LoggedIn("ann@example.org");
  Client mod = LoggedIn("mod@example.org");
  RawResponse r = Comment(ann, "mine");
  const int64_t id = CommentIdOf(r);
  ASSERT_GT(id, 0);
  const std::string edit = "/en/comments/" + std::to_string(id) + "/edit";
  EXPECT_EQ(mod.Get(edit).status, 403);
  EXPECT_EQ(mod.Post(edit, {{"body", "changed"}}, path_).status, 403);
  EXPECT_EQ(ann.Get(edit).status, 200);
  EXPECT_EQ(ann.Post(edit, {{"body", "mine, edited"}}, path_).status, 303);
  EXPECT_EQ(store_->GetComment(id)->body, "mine, edited");
  // Readers can't hide or delete another's comment either.
  AddUser("eve@example.org", "Eve");
  Client eve = LoggedIn("eve@example.org");
  EXPECT_EQ(eve.Post("/en/comments/" + std::to_string(id) + "/delete", {}, path_).status, 403);
  EXPECT_EQ(eve.Post("/en/comments/" + std::to_string(id) + "/hide", {}, path_).status, 403);
  EXPECT_EQ(store_->GetComment(id)->status, CommentStatus::kVisible);
}

TEST_F(ReaderPagesTest, AResetLinkWorksOnceAndExpires) {
  Start();
  AddUser("ann@example.org", "Ann");
  Client ann(port());
  EXPECT_EQ(ann.Post("/en/account/forgot", {{"email", "ann@example.org"}}, "/en/account/forgot").status, 200);
  // An unknown address gets the same page and no mail.
  RawResponse same = ann.Post("/en/account/forgot", {{"email", "nobody@example.org"}}, "/en/account/forgot");
  EXPECT_EQ(same.status, 200);
  auto mail = WaitForMail(*smtp_, 1);
  ASSERT_FALSE(mail.is_null());
  const std::string link = LinkIn(mail["text"]["content"].get<std::string>(), "reset");
  ASSERT_FALSE(link.empty());
  const std::string token = link.substr(link.find("token=") + 6);
  RawResponse r = ann.Post("/en/account/reset", {{"token", token}, {"password", "a brand new secret"}}, link);
  ASSERT_EQ(r.status, 303) << r.body;
  r = ann.Post("/en/account/reset", {{"token", token}, {"password", "another new secret"}}, link);
  EXPECT_EQ(r.status, 400) << "reused";
  Client old(port());
  EXPECT_EQ(old.Post("/en/account/login", {{"email", "ann@example.org"}, {"password", kPassword}}, "/en/account/login")
                .status,
            400)
      << "the old password is gone";
  ASSERT_TRUE(served_->site().WaitForMail(std::chrono::seconds(5)));
  EXPECT_TRUE(smtp_->Received(2).is_null()) << "no mail for an unknown address";
}

// Issue 18, finding 2: anyone could flood a mailbox through the account
// forms. 25 requests for one address send one mail per kind (the gap), the
// page answering the same each time; the link the owner got keeps working.
TEST_F(ReaderPagesTest, TheAccountFormsMailAnAddressOnceInABurstAndTheSameAnswerHidesIt) {
  Start();
  AddUser("ann@example.org", "Ann");
  Client anyone(port());
  std::string first_page;
  for (int i = 0; i < 25; ++i) {
    RawResponse r = anyone.Post("/en/account/forgot", {{"email", "ann@example.org"}}, "/en/account/forgot");
    ASSERT_EQ(r.status, 200) << i;
    if (i == 0) first_page = r.body;
    else EXPECT_EQ(r.body.find("notice"), first_page.find("notice")) << "the same page, mailed or not";
  }
  for (int i = 0; i < 25; ++i) {
    Client stranger(port());
    RawResponse r = stranger.Post("/en/account/register",
                                  {{"email", "ann@example.org"}, {"display_name", "Not Ann"}, {"password", "a long secret pass"}},
                                  "/en/account/register");
    ASSERT_EQ(r.status, 303) << i << r.body;
  }
  ASSERT_TRUE(served_->site().WaitForMail(std::chrono::seconds(10)));
  ASSERT_FALSE(WaitForMail(*smtp_, 2).is_null());
  EXPECT_EQ(smtp_->Count(), 2) << "one reset link and one 'this address has an account'";
  // The one link sent still works: the refused requests made no new one.
  auto mail = smtp_->Received(1);
  const std::string text = mail["text"]["content"].get<std::string>();
  std::string link = LinkIn(text, "reset");
  if (link.empty()) link = LinkIn(smtp_->Received(2)["text"]["content"].get<std::string>(), "reset");
  ASSERT_FALSE(link.empty());
  const std::string token = link.substr(link.find("token=") + 6);
  EXPECT_EQ(anyone.Post("/en/account/reset", {{"token", token}, {"password", "a brand new secret"}}, link).status, 303);
}

TEST_F(ReaderPagesTest, AnExpiredResetLinkFails) {
  config_.reset_token_minutes = 0;  // every link is expired at once
  Start();
  AddUser("ann@example.org", "Ann");
  Client ann(port());
  ann.Post("/en/account/forgot", {{"email", "ann@example.org"}}, "/en/account/forgot");
  auto mail = WaitForMail(*smtp_, 1);
  ASSERT_FALSE(mail.is_null());
  const std::string link = LinkIn(mail["text"]["content"].get<std::string>(), "reset");
  const std::string token = link.substr(link.find("token=") + 6);
  RawResponse r = ann.Post("/en/account/reset", {{"token", token}, {"password", "a brand new secret"}}, link);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("expired"));
}

TEST_F(ReaderPagesTest, PagesOfLoggedInReadersAreNeverCachedAndACommentShowsAtOnce) {
  Start();
  AddUser("ann@example.org", "Ann Unique");
  Client guest(port());
  EXPECT_THAT(guest.Get(path_).body, HasSubstr("Do you want to leave a comment?"));
  Client ann = LoggedIn("ann@example.org");
  RawResponse mine = ann.Get(path_);
  EXPECT_THAT(mine.body, HasSubstr("Ann Unique"));
  EXPECT_EQ(mine.headers["cache-control"], "private, no-store");
  // The guest's cached page was not served to Ann, and Ann's is not served to guests.
  RawResponse g = guest.Get(path_);
  EXPECT_THAT(g.body, Not(HasSubstr("Ann Unique")));
  EXPECT_THAT(g.body, Not(HasSubstr("name=\"csrf\"")));
  ASSERT_EQ(Comment(ann, "landed").status, 303);
  EXPECT_THAT(guest.Get(path_).body, HasSubstr("landed")) << "the comment invalidates the cached page";
}

TEST_F(ReaderPagesTest, ViewsAreCountedInMemoryAndFlushedInOneBatch) {
  Start();
  Client guest(port());
  for (int i = 0; i < 3; ++i) ASSERT_EQ(guest.Get(path_).status, 200);  // the last two from the cache
  EXPECT_EQ(store_->GetArticle(article_)->view_count, 0);
  ASSERT_TRUE(served_->site().FlushViews().ok());
  EXPECT_EQ(store_->GetArticle(article_)->view_count, 3);
}

TEST_F(ReaderPagesTest, TheJsonApiListsAndPostsCommentsWithTheSameChecks) {
  config_.comments_per_user = 2;
  Start();
  AddUser("ann@example.org", "Ann");
  Client ann = LoggedIn("ann@example.org");
  const std::string api = "/api/v1/articles/" + std::to_string(article_) + "/comments";
  const std::string token = "X-CSRF-Token: " + CsrfField(ann.Get(path_).body) + "\r\n";
  Client guest(port());
  EXPECT_EQ(guest.Send("POST", api, "{\"body\":\"x\"}", "application/json").status, 401);
  EXPECT_EQ(ann.Send("POST", api, "{\"body\":", "application/json", token).status, 400);
  EXPECT_EQ(ann.Send("POST", api, "{\"body\":\"\"}", "application/json", token).status, 400);
  EXPECT_EQ(ann.Send("POST", api, "body=x", "application/x-www-form-urlencoded", token).status, 415);
  // Issue 18: a look-alike media type is not JSON, and a NUL is no text.
  EXPECT_EQ(ann.Send("POST", api, "{\"body\":\"x\"}", "application/jsonx", token).status, 415);
  RawResponse nul = ann.Send("POST", api, "{\"body\":\"a\\u0000b\"}", "application/json", token);
  EXPECT_EQ(nul.status, 400) << nul.body;
  EXPECT_THAT(nul.body, HasSubstr("control characters"));
  EXPECT_EQ(ann.Send("POST", "/api/v1/articles/999999/comments", "{\"body\":\"x\"}", "application/json", token).status,
            404);
  RawResponse r = ann.Send("POST", api, "{\"body\":\"via **API**\"}", "application/json", token);
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["comment"]["html"], "<p>via <strong>API</strong></p>\n");
  const int64_t id = j["comment"]["id"];
  r = ann.Send("POST", api, "{\"body\":\"reply\",\"parent_id\":" + std::to_string(id) + "}", "application/json", token);
  EXPECT_EQ(r.status, 201) << r.body;
  r = ann.Send("POST", api, "{\"body\":\"third\"}", "application/json", token);
  EXPECT_EQ(r.status, 429) << "comments_per_user = 2";
  EXPECT_THAT(r.body, HasSubstr("rate_limited"));
  auto list = nlohmann::json::parse(guest.Get(api).body);
  ASSERT_EQ(list["comments"].size(), 2u);
  EXPECT_EQ(list["comments"][1]["parent_id"], id);
}

TEST_F(ReaderPagesTest, ModeratorsWorkTheQueueAndEditorsTheHoldList) {
  config_.premoderation = "all";
  Start();
  AddUser("ann@example.org", "Ann");
  AddUser("mod@example.org", "Mod", Role::kModerator);
  AddUser("ed@example.org", "Ed", Role::kEditor);
  Client ann = LoggedIn("ann@example.org");
  RawResponse r = Comment(ann, "waiting for approval");
  ASSERT_EQ(r.status, 303);
  EXPECT_THAT(r.headers["location"], HasSubstr("notice=held"));
  const int64_t id = CommentIdOf(r);
  Client guest(port());
  EXPECT_THAT(guest.Get(path_).body, Not(HasSubstr("waiting for approval")));
  EXPECT_THAT(ann.Get(path_).body, HasSubstr("waiting for approval")) << "the author sees it, held";
  EXPECT_EQ(ann.Get("/en/moderation").status, 403);
  Client mod = LoggedIn("mod@example.org");
  r = mod.Get("/en/moderation");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("waiting for approval"));
  EXPECT_THAT(r.body, Not(HasSubstr("name=\"words\""))) << "the hold list is for editors";
  r = mod.Post("/en/comments/" + std::to_string(id) + "/restore", {{"back", "/en/moderation"}}, "/en/moderation");
  EXPECT_EQ(r.status, 303);
  EXPECT_THAT(guest.Get(path_).body, HasSubstr("waiting for approval"));
  // Reports reach the queue.
  AddUser("eve@example.org", "Eve");
  Client eve = LoggedIn("eve@example.org");
  EXPECT_EQ(eve.Get("/en/comments/" + std::to_string(id) + "/report").status, 200);
  EXPECT_EQ(eve.Post("/en/comments/" + std::to_string(id) + "/report", {{"reason", "rude"}}, path_).status, 303);
  EXPECT_THAT(mod.Get("/en/moderation").body, HasSubstr("rude"));
  EXPECT_EQ(mod.Post("/en/comments/" + std::to_string(id) + "/hide", {}, path_).status, 303);
  EXPECT_THAT(guest.Get(path_).body, Not(HasSubstr("waiting for approval")));
  // Comments by new accounts are listed for moderators too.
  EXPECT_THAT(mod.Get("/en/moderation").body, HasSubstr("Recent comments by new accounts"));
  Client ed = LoggedIn("ed@example.org");
  EXPECT_THAT(ed.Get("/en/moderation").body, HasSubstr("name=\"words\""));
  EXPECT_EQ(ed.Post("/en/moderation/hold-words", {{"words", "casino\nfree money\n"}}, "/en/moderation").status, 303);
  auto words = store_->HoldWords();
  ASSERT_TRUE(words.ok());
  EXPECT_EQ(words->size(), 2u);
  EXPECT_EQ(mod.Post("/en/moderation/hold-words", {{"words", "x"}}, "/en/moderation").status, 400);
}

TEST_F(ReaderPagesTest, AccountPageChangesNameAndPasswordAndDeletes) {
  Start();
  AddUser("ann@example.org", "Ann");
  Client ann = LoggedIn("ann@example.org");
  ASSERT_EQ(Comment(ann, "a comment that stays").status, 303);
  EXPECT_EQ(ann.Post("/en/account/name", {{"display_name", "Annie"}}, "/en/account").status, 303);
  EXPECT_THAT(ann.Get("/en/account").body, HasSubstr("value=\"Annie\""));
  RawResponse r = ann.Post("/en/account/password",
                           {{"current_password", "wrong"}, {"new_password", "another long secret"}}, "/en/account");
  EXPECT_EQ(r.status, 400);
  r = ann.Post("/en/account/password", {{"current_password", kPassword}, {"new_password", "another long secret"}},
               "/en/account");
  EXPECT_EQ(r.status, 303);
  EXPECT_FALSE(ann.HasCookie("nd_session"));
  Client again(port());
  r = again.Post("/en/account/login", {{"email", "ann@example.org"}, {"password", "another long secret"}},
                 "/en/account/login");
  ASSERT_EQ(r.status, 303);
  r = again.Post("/en/account/delete", {{"password", "another long secret"}}, "/en/account");
  EXPECT_EQ(r.status, 303);
  Client guest(port());
  std::string page = guest.Get(path_).body;
  EXPECT_THAT(page, HasSubstr("a comment that stays"));
  EXPECT_THAT(page, HasSubstr("deleted user"));
}

TEST_F(ReaderPagesTest, ADownMailServerIsLoggedAndRetriedNotAnError) {
  Start(/*mail=*/false);
  Client ann(port());
  RawResponse r = ann.Post("/en/account/register",
                           {{"email", "ann@example.org"}, {"display_name", "Ann"}, {"password", kPassword}},
                           "/en/account/register");
  EXPECT_EQ(r.status, 303) << r.body;
}

TEST_F(ReaderPagesTest, GuestsAreAskedToRegisterOrLogInInBothEditions) {
  Start();
  Client guest(port());
  EXPECT_THAT(guest.Get(path_).body, HasSubstr("Do you want to leave a comment?"));
  const std::string ru = "/ru" + path_.substr(3);
  EXPECT_THAT(guest.Get(ru).body, HasSubstr("Хотите оставить комментарий?"));
  EXPECT_THAT(guest.Get("/ru/account/login").body, HasSubstr("Вход"));
  EXPECT_THAT(guest.Get("/ru/discussion").body, HasSubstr("Обсуждение"));
  // Refusals in the edition's language, numbers and quoted values kept.
  RawResponse r = guest.Post("/ru/account/login", {{"email", "ann@example.org"}, {"password", "wrong password"}},
                             "/ru/account/login");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("Не выполнено: неверный адрес почты или пароль."));
  r = guest.Post("/ru/account/register", {{"email", "no-at-sign"}, {"display_name", "X"}, {"password", kPassword}},
                 "/ru/account/register");
  EXPECT_THAT(r.body, HasSubstr("&apos;no-at-sign&apos; — не адрес почты"));
  for (unsigned i = 0; i < config_.login_failures_per_account; ++i)
    guest.Post("/ru/account/login", {{"email", "ann@example.org"}, {"password", "wrong password"}}, "/ru/account/login");
  EXPECT_THAT(guest.Post("/ru/account/login", {{"email", "ann@example.org"}, {"password", "x"}}, "/ru/account/login").body,
              HasSubstr("попробуйте снова через 15 мин."));
}

// A refusal the readers library writes reaches a Russian page through its
// reason code, values in place; a held comment's stored English reason is
// translated too.
TEST_F(ReaderPagesTest, CommentRefusalsAndHoldReasonsShowInRussianOnTheRussianPage) {
  config_.premoderation = "all";
  Start();
  AddUser("ann@example.org", "Ann");
  Client ann = LoggedIn("ann@example.org");
  const std::string ru = "/ru" + path_.substr(3);
  RawResponse r = ann.Post(ru + "/comments", {{"body", "   "}}, ru);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("Не выполнено: комментарий пуст."));
  r = ann.Post(ru + "/comments", {{"body", std::string(config_.comment_max_chars + 1, 'x')}}, ru);
  EXPECT_THAT(r.body, HasSubstr("в комментарии " + std::to_string(config_.comment_max_chars + 1) +
                                " символов; допустимо не больше " + std::to_string(config_.comment_max_chars)));
  r = ann.Post(ru + "/comments", {{"body", "Held for a moderator"}}, ru);
  EXPECT_EQ(r.status, 303) << r.body;
  EXPECT_THAT(ann.Get(ru).body, HasSubstr("каждый комментарий читает модератор, прежде чем он появится"));
}

}  // namespace
}  // namespace newsdesk
