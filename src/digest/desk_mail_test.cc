// The daily desk mail over a real SMTP server (aiosmtpd): who gets it, what
// it says, that nobody gets a day's mail twice, and that a refused send is
// tried again without repeating the ones that went.
#include "digest/desk_mail.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/testing/test_directory.h"
#include "common/time.h"
#include "mail/testing/smtp_server.h"
#include "store/testing/test_database.h"

namespace newsdesk {
namespace {

namespace fs = std::filesystem;

TimePoint At(const std::string& iso) { return *ParseIso8601(iso); }

class DeskMailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDirectory("nd_deskmail");
    config_.data_dir = (dir_ / "data").string();
    config_.base_url = "https://news.example";
    config_.site_name = "Newsdesk";
    config_.mail_from = "Newsdesk <desk@news.example>";
    config_.editions = {"en", "ru"};
    auto store = testing::OpenStoreOnTestBackend(config_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  int64_t AddUser(const std::string& email, const std::string& name, Role role, bool confirmed = true) {
    User u;
    u.email = email;
    u.display_name = name;
    u.password_hash = "x";
    u.role = role;
    u.email_confirmed = confirmed;
    auto made = store_->CreateUser(u);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? made->id : 0;
  }
  // AFailingSource follows a source whose last two fetches failed.
  void AFailingSource(const std::string& name, const std::string& error) {
    Source s;
    s.name = name;
    s.home_url = "https://" + name + ".example/";
    s.feed_url = s.home_url + "rss";
    auto feed = store_->AddFeedSource(s);
    ASSERT_TRUE(feed.ok()) << feed.status().ToString();
    FetchOutcome failure;
    failure.at = At("2026-12-07T05:00:00Z");
    failure.ok = false;
    failure.status = "HTTP 503";
    failure.error = error;
    failure.next_fetch_at = At("2026-12-07T05:10:00Z");
    ASSERT_TRUE(store_->RecordFetch(feed->id, failure).ok());
    ASSERT_TRUE(store_->RecordFetch(feed->id, failure).ok());
  }
  void AnIncomingArticle() {
    ArticleRecord r;
    r.url = "https://wire.example/held";
    r.source = Source{0, "", "Wire", "https://wire.example/", "", "en"};
    r.language = "en";
    r.headline = "Held";
    r.published_at = At("2026-12-07T04:00:00Z");
    r.body = {Block{BlockType::kParagraph, "A text that waits for an editor.", {}, {}, {}, {}}};
    auto stored = store_->UpsertArticles({r});
    ASSERT_TRUE(stored.ok());
    ASSERT_TRUE(store_->SetPublication(stored->ids.front(), Publication::kHeld, std::nullopt).ok());
  }

  fs::path dir_;
  Config config_;
  std::unique_ptr<Store> store_;
};

TEST_F(DeskMailTest, TheSummaryCountsWhatWaitsAndListsFailingSourcesWorstFirst) {
  auto quiet = GatherDeskSummary(*store_);
  ASSERT_TRUE(quiet.ok()) << quiet.status().ToString();
  EXPECT_TRUE(quiet->Quiet());
  AFailingSource("herald", "HTTP 503: Service Unavailable");
  AnIncomingArticle();
  auto s = GatherDeskSummary(*store_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE(s->Quiet());
  EXPECT_EQ(s->failing_count, 1);
  ASSERT_EQ(s->failing_sources.size(), 1u);
  EXPECT_EQ(s->failing_sources[0].name, "herald");
  EXPECT_EQ(s->failing_sources[0].failures, 2);
  EXPECT_EQ(s->failing_sources[0].error, "HTTP 503: Service Unavailable");
  EXPECT_EQ(s->incoming, 1);
}

TEST_F(DeskMailTest, EditorsAndAdminsWhoWantItGetOneMailADayWithTheDesksLinks) {
  SmtpServer smtp(dir_ / "mail");
  ASSERT_NE(smtp.port(), 0) << "could not start aiosmtpd (python3-aiosmtpd)";
  config_.mail_smtp_url = smtp.url();
  auto mailer = MakeSmtpMailer(SmtpSettingsFromConfig(config_));
  const int64_t editor = AddUser("editor@example.org", "Edda", Role::kEditor);
  AddUser("admin@example.org", "Ada", Role::kAdmin);
  AddUser("reader@example.org", "Rita", Role::kReader);
  AddUser("moderator@example.org", "Moe", Role::kModerator);
  AddUser("unconfirmed@example.org", "Una", Role::kEditor, /*confirmed=*/false);
  const int64_t off = AddUser("quiet@example.org", "Quentin", Role::kEditor);
  UserChanges no_mail;
  no_mail.desk_mail = false;
  ASSERT_TRUE(store_->UpdateUser(off, no_mail).ok());
  EXPECT_FALSE(store_->GetUser(off)->desk_mail);
  AFailingSource("herald", "HTTP 503: Service Unavailable");
  AnIncomingArticle();

  DeskMail mail(*store_, config_, *mailer);
  auto sent = mail.Send("2026-12-07", At("2026-12-07T04:00:00Z"));
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(*sent, 2);
  ASSERT_EQ(smtp.Count(), 2);
  auto first = smtp.Received(1);
  EXPECT_EQ(first["rcpt_tos"], nlohmann::json::array({"editor@example.org"}));
  EXPECT_EQ(first["subject"], "Newsdesk desk: 1 failing sources, 1 incoming articles, 0 comments to review");
  const std::string text = first["text"]["content"];
  for (const char* part : {"Good morning, Edda", "herald (2): HTTP 503: Service Unavailable",
                           "https://news.example/desk/sources?filter=failing", "Articles waiting in Incoming: 1",
                           "https://news.example/desk/articles?state=held", "Switch it off"})
    EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
  EXPECT_EQ(smtp.Received(2)["rcpt_tos"], nlohmann::json::array({"admin@example.org"}));

  auto again = mail.Send("2026-12-07", At("2026-12-07T05:00:00Z"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0) << "nobody gets a day's mail twice";
  EXPECT_EQ(smtp.Count(), 2);
  auto next_day = mail.Send("2026-12-08", At("2026-12-08T04:00:00Z"));
  ASSERT_TRUE(next_day.ok());
  EXPECT_EQ(*next_day, 2);
  ASSERT_TRUE(store_->UpdateUser(editor, UserChanges{.banned = true}).ok());
  EXPECT_EQ(*mail.Send("2026-12-09", At("2026-12-09T04:00:00Z")), 1) << "a banned editor gets none";
}

TEST_F(DeskMailTest, ARussianSiteMailsInRussianAndAQuietDaySaysSo) {
  SmtpServer smtp(dir_ / "mail");
  ASSERT_NE(smtp.port(), 0);
  config_.mail_smtp_url = smtp.url();
  config_.editions = {"ru", "en"};
  auto mailer = MakeSmtpMailer(SmtpSettingsFromConfig(config_));
  AddUser("editor@example.org", "Эдда", Role::kEditor);
  DeskMail mail(*store_, config_, *mailer);
  ASSERT_TRUE(mail.Send("2026-12-07", At("2026-12-07T04:00:00Z")).ok());
  ASSERT_EQ(smtp.Count(), 1);
  auto m = smtp.Received(1);
  EXPECT_EQ(m["subject"], "Newsdesk, редакция: этим утром ничего не ждёт");
  EXPECT_NE(std::string(m["text"]["content"]).find("Доброе утро, Эдда"), std::string::npos);
}

TEST_F(DeskMailTest, ARefusedSendIsAnErrorAndIsTriedAgainWithoutRepeatingTheOthers) {
  SmtpServer smtp(dir_ / "mail");  // it refuses mailboxes named reject*
  ASSERT_NE(smtp.port(), 0);
  config_.mail_smtp_url = smtp.url();
  auto mailer = MakeSmtpMailer(SmtpSettingsFromConfig(config_));
  AddUser("editor@example.org", "Edda", Role::kEditor);
  AddUser("reject@example.org", "Rolf", Role::kEditor);
  DeskMail mail(*store_, config_, *mailer);
  auto sent = mail.Send("2026-12-07", At("2026-12-07T04:00:00Z"));
  ASSERT_FALSE(sent.ok()) << "a refused mail is the job's error, so it is retried";
  EXPECT_NE(sent.status().message().find("1 sent"), std::string::npos) << sent.status().ToString();
  EXPECT_EQ(smtp.Count(), 1);
  auto left = store_->DeskMailRecipients("2026-12-07");
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].email, "reject@example.org");
}

}  // namespace
}  // namespace newsdesk
