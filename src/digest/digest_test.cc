#include "digest/digest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <thread>

#include "common/testing/free_port.h"
#include "common/testing/test_directory.h"
#include "common/time.h"
#include "mail/testing/smtp_server.h"
#include "store/testing/test_database.h"

namespace newsdesk {
namespace {

namespace fs = std::filesystem;

TimePoint At(const std::string& iso) { return *ParseIso8601(iso); }

// --- days and schedule ------------------------------------------------------------

TEST(DigestSchedule, ALocalDayHasItsBoundsInUtc) {
  auto day = DigestDayOf("2026-11-20", "Europe/Moscow");
  ASSERT_TRUE(day.ok()) << day.status().ToString();
  EXPECT_EQ(FormatIso8601(day->from), "2026-11-19T21:00:00Z");
  EXPECT_EQ(FormatIso8601(day->to), "2026-11-20T21:00:00Z");
  auto spring = DigestDayOf("2026-03-29", "Europe/Berlin");  // 23 hours long
  EXPECT_EQ(spring->to - spring->from, std::chrono::hours(23));
}

TEST(DigestSchedule, TheDigestCarriesTheLocalDayBefore) {
  // 02:00 UTC is 05:00 in Moscow on the 21st: the digest is the 20th's.
  EXPECT_EQ(PreviousLocalDay(At("2026-11-21T02:00:00Z"), "Europe/Moscow")->day, "2026-11-20");
  EXPECT_EQ(PreviousLocalDay(At("2026-11-20T22:00:00Z"), "Europe/Moscow")->day, "2026-11-20");
}

TEST(DigestSchedule, NextSendTimeIsTheNextLocalClockTime) {
  EXPECT_EQ(FormatIso8601(*NextSendTime(At("2026-11-21T02:00:00Z"), "07:00", "Europe/Moscow")), "2026-11-21T04:00:00Z");
  EXPECT_EQ(FormatIso8601(*NextSendTime(At("2026-11-21T04:00:01Z"), "07:00", "Europe/Moscow")), "2026-11-22T04:00:00Z");
  EXPECT_EQ(FormatIso8601(*NextSendTime(At("2026-11-21T04:00:00Z"), "07:00", "Europe/Moscow")), "2026-11-21T04:00:00Z");
}

TEST(DigestSchedule, BadZonesAndDatesAreClearErrors) {
  auto zone = DigestDayOf("2026-11-20", "Mars/Olympus");
  EXPECT_EQ(zone.status().code(), Code::kInvalidArgument);
  EXPECT_NE(zone.status().message().find("Mars/Olympus"), std::string::npos);
  for (const char* bad : {"2026-13-01", "2026-02-30", "yesterday", "2026-11-2", ""})
    EXPECT_EQ(DigestDayOf(bad, "UTC").status().code(), Code::kInvalidArgument) << bad;
}

// --- signed links ------------------------------------------------------------------

TEST(LinkSigner, TokensVerifyForTheirPurposeAndUntilTheyExpire) {
  LinkSigner signer(SiteSecret{std::string(32, 'k')});
  const auto now = At("2026-11-20T10:00:00Z");
  const std::string confirm = signer.Sign(LinkSigner::Purpose::kConfirm, 42, now + std::chrono::hours(1));
  EXPECT_EQ(*signer.Verify(LinkSigner::Purpose::kConfirm, confirm, now), 42);
  EXPECT_FALSE(signer.Verify(LinkSigner::Purpose::kManage, confirm, now).ok()) << "another purpose";
  auto expired = signer.Verify(LinkSigner::Purpose::kConfirm, confirm, now + std::chrono::hours(2));
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos);
  std::string tampered = confirm;
  tampered[0] = '7';  // another subscriber
  EXPECT_FALSE(signer.Verify(LinkSigner::Purpose::kConfirm, tampered, now).ok());
  LinkSigner other(SiteSecret{std::string(32, 'x')});
  EXPECT_FALSE(other.Verify(LinkSigner::Purpose::kConfirm, confirm, now).ok()) << "another site's secret";
  for (const char* junk : {"", "1", "1.2", "a.b.c", "-1.0.00", "1.0.zz"})
    EXPECT_FALSE(signer.Verify(LinkSigner::Purpose::kManage, junk, now).ok()) << junk;
  const std::string manage = signer.Sign(LinkSigner::Purpose::kManage, 7, std::nullopt);
  EXPECT_EQ(*signer.Verify(LinkSigner::Purpose::kManage, manage, now + std::chrono::hours(24 * 3650)), 7);
}

TEST(SlidingWindowLimiter, AdmitsAtMostMaxInAnyWindow) {
  SlidingWindowLimiter limiter(2, std::chrono::milliseconds(400));
  std::atomic<bool> stop{false};
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limiter.Wait(stop));
  // 2 at once, 2 more a window later, the fifth a window after that.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(800));
  SlidingWindowLimiter unlimited(0, std::chrono::minutes(1));
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(unlimited.Wait(stop));
  stop = true;
  SlidingWindowLimiter full(1, std::chrono::hours(1));
  ASSERT_TRUE(full.Wait(std::atomic<bool>{false}));
  EXPECT_FALSE(full.Wait(stop)) << "a stop ends the wait";
}

// --- with a store and a real SMTP server --------------------------------------------

class DigestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDirectory("nd_digest");
    config_.data_dir = (dir_ / "data").string();
    config_.base_url = "https://news.example";
    config_.site_name = "Newsdesk";
    config_.mail_from = "Newsdesk <digest@news.example>";
    config_.digest_time_zone = "Europe/Moscow";
    config_.digest_max_stories = 3;
    auto store = testing::OpenStoreOnTestBackend(config_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    secret_ = SiteSecret{std::string(32, 's')};
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  ArticleRecord Record(const std::string& slug, const std::string& language, const std::string& headline,
                       const std::string& when, const std::string& source = "Navy Review") {
    ArticleRecord r;
    r.url = "https://" + source.substr(0, 4) + ".example/" + slug;
    r.source = Source{0, "", source, "https://" + source.substr(0, 4) + ".example/", "", language};
    r.language = language;
    r.headline = headline;
    r.published_at = At(when);
    r.body = {Block{BlockType::kParagraph, "Lead of " + headline + ".", {}, {}, {}, {}}};
    return r;
  }

  int64_t Confirmed(const std::string& email, const std::string& edition = "en",
                    std::vector<std::string> entities = {}) {
    auto s = store_->SubscribePending(email, edition, entities, At("2026-11-19T10:00:00Z"));
    EXPECT_TRUE(s.ok());
    EXPECT_TRUE(store_->SetSubscriberState(s->id, SubscriberState::kConfirmed).ok());
    return s->id;
  }

  fs::path dir_;
  Config config_;
  std::unique_ptr<Store> store_;
  SiteSecret secret_;
};

TEST_F(DigestTest, DoubleOptInSendsOneConfirmationAndNothingElseUntilConfirmed) {
  SmtpServer smtp(dir_ / "mail");
  ASSERT_NE(smtp.port(), 0) << "could not start aiosmtpd (python3-aiosmtpd)";
  config_.mail_smtp_url = smtp.url();
  auto mailer = MakeSmtpMailer(SmtpSettingsFromConfig(config_));
  TimePoint now = At("2026-11-20T10:00:00Z");
  Subscriptions subs(*store_, config_, *mailer, secret_, [&] { return now; });

  ASSERT_TRUE(subs.Subscribe("  Reader@Example.ORG ", "ru", {"nato"}).ok());
  ASSERT_EQ(smtp.Count(), 1);
  auto mail = smtp.Received(1);
  EXPECT_EQ(mail["rcpt_tos"], nlohmann::json::array({"reader@example.org"}));
  EXPECT_EQ(mail["subject"], "Подтвердите подписку на Newsdesk");
  const std::string text = mail["text"]["content"];
  const size_t at = text.find("https://news.example/ru/subscriptions/confirm?token=");
  ASSERT_NE(at, std::string::npos) << text;
  const std::string token = text.substr(at + 52, text.find_first_of("\r\n", at) - at - 52);

  // Asking again at once sends nothing more (no flooding), and says the same.
  ASSERT_TRUE(subs.Subscribe("reader@example.org", "ru", {}).ok());
  EXPECT_EQ(smtp.Count(), 1);
  now += std::chrono::minutes(11);
  ASSERT_TRUE(subs.Subscribe("reader@example.org", "ru", {}).ok());
  EXPECT_EQ(smtp.Count(), 2) << "after ten minutes one more is allowed";

  auto confirmed = subs.Confirm(token);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  EXPECT_EQ(confirmed->state, SubscriberState::kConfirmed);
  EXPECT_TRUE(subs.Subscribe("reader@example.org", "en", {}).ok());
  EXPECT_EQ(smtp.Count(), 2) << "a confirmed address gets no more confirmations";
  EXPECT_EQ(store_->GetSubscriber(confirmed->id)->edition, "ru") << "nor can a stranger change its settings";

  EXPECT_EQ(subs.Subscribe("not an address", "en", {}).code(), Code::kInvalidArgument);
  EXPECT_EQ(subs.Subscribe("a@example.org", "xx", {}).code(), Code::kInvalidArgument);
  EXPECT_EQ(subs.Subscribe("a@example.org", "en", {"Not An Id"}).code(), Code::kInvalidArgument);
  now += std::chrono::hours(config_.digest_confirm_hours + 1);
  EXPECT_FALSE(subs.Confirm(token).ok()) << "confirmation links expire";
}

TEST_F(DigestTest, UnsubscribingIsImmediateAndPreferencesNeedOnlyTheLink) {
  config_.mail_smtp_url = "smtp://127.0.0.1:1";  // nothing is mailed here
  auto mailer = MakeSmtpMailer(SmtpSettingsFromConfig(config_));
  Subscriptions subs(*store_, config_, *mailer, secret_);
  const int64_t id = Confirmed("reader@example.org");
  auto s = store_->GetSubscriber(id);
  const std::string url = subs.UnsubscribeUrl(*s);
  const std::string token = url.substr(url.find("token=") + 6);
  ASSERT_TRUE(subs.UpdatePreferences(token, "ru", {"nato", "iran"}).ok());
  EXPECT_EQ(store_->GetSubscriber(id)->entities, (std::vector<std::string>{"nato", "iran"}));
  EXPECT_EQ(subs.UpdatePreferences(token, "xx", {}).code(), Code::kInvalidArgument);
  ASSERT_TRUE(subs.Unsubscribe(token).ok());
  EXPECT_EQ(store_->GetSubscriber(id)->state, SubscriberState::kUnsubscribed);
  EXPECT_TRUE(subs.Unsubscribe(token).ok()) << "twice is harmless";
  EXPECT_FALSE(subs.Unsubscribe(token + "0").ok());
}

TEST_F(DigestTest, TheDigestGroupsStoriesRanksThemAndMarksUntranslatedOnes) {
  auto a = Record("a", "en", "Frigate ordered", "2026-11-20T09:00:00Z");
  a.fingerprint = "";
  auto b = Record("b", "en", "Drone test", "2026-11-20T10:00:00Z");
  b.mentions = {MentionRecord{"nato", 1, 0}};
  auto c = Record("c", "ru", "Испытания корвета", "2026-11-20T11:00:00Z", "TASS");
  auto d = Record("d", "en", "Tank deal", "2026-11-20T12:00:00Z");
  auto e = Record("e", "en", "Radar upgrade", "2026-11-20T13:00:00Z");
  auto late = Record("late", "en", "Next day", "2026-11-20T22:00:00Z");  // the 21st in Moscow
  auto ids = store_->UpsertArticles({a, b, c, d, e, late});
  ASSERT_TRUE(ids.ok());
  ASSERT_TRUE(store_->AddViews({{ids->ids[0], 50}, {ids->ids[2], 10}}).ok());
  const int64_t id = Confirmed("reader@example.org", "en", {"nato"});

  DigestComposer composer(*store_, config_, secret_);
  auto day = DigestDayOf("2026-11-20", "Europe/Moscow");
  EXPECT_EQ(*composer.StoryCount(*day, "en"), 5);
  auto m = composer.Compose(*day, *store_->GetSubscriber(id));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->subject, "Newsdesk: the news of November 20, 2026");
  EXPECT_EQ(m->message_id, "digest.2026-11-20.en." + std::to_string(id));
  const std::string& text = m->text;
  const size_t follow = text.find("What you follow"), drone = text.find("Drone test"),
               frigate = text.find("Frigate ordered"), corvette = text.find("Испытания корвета [RU]");
  ASSERT_NE(follow, std::string::npos) << text;
  EXPECT_LT(follow, drone) << "what they follow comes first";
  EXPECT_LT(drone, frigate);
  EXPECT_LT(frigate, corvette) << "then by interest";
  EXPECT_EQ(text.find("Next day"), std::string::npos) << "the next local day is not in it";
  EXPECT_NE(text.find("2 more stories on the site"), std::string::npos) << "capped at digest_max_stories: " << text;
  EXPECT_NE(text.find("https://news.example/en/articles/"), std::string::npos);
  ASSERT_TRUE(m->html);
  EXPECT_NE(m->html->find("lang=\"ru\""), std::string::npos) << "the Russian original is marked as such";
  bool one_click = false, unsubscribe = false;
  for (const auto& [name, value] : m->headers) {
    if (name == "List-Unsubscribe-Post") one_click = value == "List-Unsubscribe=One-Click";
    if (name == "List-Unsubscribe")
      unsubscribe = value.find("<https://news.example/en/subscriptions/unsubscribe?token=") == 0 &&
                    value.find("<mailto:digest@news.example") != std::string::npos;
  }
  EXPECT_TRUE(one_click);
  EXPECT_TRUE(unsubscribe);
  EXPECT_TRUE(ComposeMessage(*m).ok());
}

TEST_F(DigestTest, ARunSendsEachSubscriberOneDigestAndSortsOutRefusals) {
  SmtpServer smtp(dir_ / "mail");
  ASSERT_NE(smtp.port(), 0);
  config_.mail_smtp_url = smtp.url();
  config_.digest_connections = 3;
  ASSERT_TRUE(store_->UpsertArticles({Record("a", "en", "Frigate ordered", "2026-11-20T09:00:00Z")}).ok());
  for (int i = 0; i < 20; ++i) Confirmed("reader" + std::to_string(i) + "@example.org");
  const int64_t rejected = Confirmed("reject-me@example.org");
  config_.digest_max_hard_failures = 1;
  auto mailer = MakeSmtpMailer(SmtpSettingsFromConfig(config_));
  DigestComposer composer(*store_, config_, secret_);
  DigestStats stats;
  DigestSender sender(*store_, config_, composer, *mailer, &stats);
  auto day = DigestDayOf("2026-11-20", "Europe/Moscow");
  auto report = sender.Run(*day);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->finished);
  EXPECT_EQ(report->progress.sent, 20);
  EXPECT_EQ(report->progress.failed, 1);
  EXPECT_EQ(stats.sent, 20);
  EXPECT_EQ(store_->GetSubscriber(rejected)->state, SubscriberState::kBounced);
  ASSERT_EQ(smtp.Count(), 20);
  std::set<std::string> recipients;
  for (int n = 1; n <= 20; ++n) recipients.insert(smtp.Received(n)["rcpt_tos"][0].get<std::string>());
  EXPECT_EQ(recipients.size(), 20u);
  // Running the day again sends nothing more.
  auto again = sender.Run(*day);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(smtp.Count(), 20);
}

TEST_F(DigestTest, ATemporaryRefusalIsRetriedLaterAndAStopLosesNothing) {
  SmtpServer smtp(dir_ / "mail");
  ASSERT_NE(smtp.port(), 0);
  config_.mail_smtp_url = smtp.url();
  ASSERT_TRUE(store_->UpsertArticles({Record("a", "en", "Frigate ordered", "2026-11-20T09:00:00Z")}).ok());
  Confirmed("reader@example.org");
  const int64_t busy = Confirmed("busy-mailbox@example.org");  // the server answers 451
  auto mailer = MakeSmtpMailer(SmtpSettingsFromConfig(config_));
  DigestComposer composer(*store_, config_, secret_);
  DigestStats stats;
  DigestSender sender(*store_, config_, composer, *mailer, &stats);
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    for (int i = 0; i < 100 && smtp.Count() < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    stop = true;
  });
  auto report = sender.Run(*DigestDayOf("2026-11-20", "Europe/Moscow"), nullptr, &stop);
  stopper.join();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->finished) << "the refused delivery waits for its retry";
  EXPECT_EQ(report->progress.sent, 1);
  EXPECT_EQ(report->progress.queued, 1);
  EXPECT_GE(stats.retried, 1);
  auto run = store_->FindDigestRun("2026-11-20");
  auto next = store_->NextDeliveryAt((*run)->id);
  ASSERT_TRUE(next.ok() && *next);
  EXPECT_GT(**next, std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()))
      << "retried later, with backoff";
  EXPECT_EQ(store_->GetSubscriber(busy)->hard_failures, 0) << "a 4xx is not a hard failure";
  EXPECT_EQ(smtp.Count(), 1);
}

TEST_F(DigestTest, AServerThatIsDownIsWaitedForAndNothingIsLost) {
  const int port = FreeLoopbackPort();
  config_.mail_smtp_url = "smtp://127.0.0.1:" + std::to_string(port);
  config_.mail_connect_timeout_seconds = 2;
  ASSERT_TRUE(store_->UpsertArticles({Record("a", "en", "Frigate ordered", "2026-11-20T09:00:00Z")}).ok());
  for (int i = 0; i < 5; ++i) Confirmed("reader" + std::to_string(i) + "@example.org");
  auto mailer = MakeSmtpMailer(SmtpSettingsFromConfig(config_));
  DigestComposer composer(*store_, config_, secret_);
  DigestStats stats;
  DigestSender sender(*store_, config_, composer, *mailer, &stats);
  auto day = DigestDayOf("2026-11-20", "Europe/Moscow");
  Result<DigestReport> report = Status::Internal("not run");
  std::thread run([&] { report = sender.Run(*day); });
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the server is down meanwhile
  SmtpServer smtp(dir_ / "mail", {"--port", std::to_string(port)});
  ASSERT_EQ(smtp.port(), port);
  run.join();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->finished);
  EXPECT_EQ(report->progress.sent, 5);
  EXPECT_GT(stats.server_unavailable, 0);
  EXPECT_EQ(smtp.Count(), 5);
}

TEST_F(DigestTest, ALiveSenderKeepsOthersOffItsRun) {
  config_.mail_smtp_url = "smtp://127.0.0.1:1";
  auto run = store_->StartDigestRun("2026-11-20", At("2026-11-21T04:00:00Z"));
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  ASSERT_TRUE(store_->LeaseDigestRun(run->id, "elsewhere:1", now, now + std::chrono::minutes(5), nullptr).ok());
  auto mailer = MakeSmtpMailer(SmtpSettingsFromConfig(config_));
  DigestComposer composer(*store_, config_, secret_);
  DigestSender sender(*store_, config_, composer, *mailer);
  auto report = sender.Run(*DigestDayOf("2026-11-20", "Europe/Moscow"));
  EXPECT_EQ(report.status().code(), Code::kUnavailable);
  EXPECT_NE(report.status().message().find("elsewhere:1"), std::string::npos);
}

}  // namespace
}  // namespace newsdesk
