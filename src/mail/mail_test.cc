#include "mail/mail.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/testing/matchers.h"
#include "common/testing/test_directory.h"
#include "mail/testing/recording_mailer.h"
#include "mail/testing/smtp_server.h"

namespace newsdesk {
namespace {

namespace fs = std::filesystem;

// Unix is how the tests write text; on the wire (and so in what the server
// decodes) every line ends in CRLF.
std::string Unix(std::string s) {
  for (size_t i; (i = s.find("\r\n")) != std::string::npos;) s.erase(i, 1);
  return s;
}

class MailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDirectory("nd_mail");
  }
  void TearDown() override { fs::remove_all(dir_); }

  static Message RussianMessage(const std::string& to = "reader@example.org") {
    Message m;
    m.from = Address{"Новостная служба", "desk@news.example"};
    m.reply_to = Address{"", "editors@news.example"};
    m.to = {Address{"Анна Л.", to}};
    m.subject = "Подтвердите адрес электронной почты для «Новостей»";
    m.text = "Здравствуйте, Анна!\n\nОткройте ссылку, чтобы подтвердить адрес:\n"
             "https://news.example/ru/confirm?t=abc\n\n.Строка с точкой в начале\n";
    m.html = "<p>Здравствуйте, <b>Анна</b>!</p>";
    m.headers = {{"List-Unsubscribe", "<https://news.example/unsubscribe?t=xyz>"}};
    return m;
  }

  // SendThrough sends `m` through a new mailer for the running test server.
  static Status SendThrough(const SmtpServer& server, const Message& m) {
    if (server.port() == 0) return Status::Internal("the test SMTP server did not start");
    return MakeSmtpMailer({.url = server.url()})->Send(m);
  }

  fs::path dir_;
};

TEST_F(MailTest, DeliversRussianSubjectAndBodyToARealSmtpServer) {
  SmtpServer server(dir_);
  ASSERT_NE(server.port(), 0) << "could not start " ND_SYSTEM_PYTHON " with aiosmtpd (python3-aiosmtpd)";
  auto mailer = MakeSmtpMailer(SmtpSettings{.url = server.url(), .timeout_seconds = 10});
  Status s = mailer->Send(RussianMessage());
  ASSERT_TRUE(s.ok()) << s.ToString();

  nlohmann::json got = server.Received(1);
  ASSERT_TRUE(got.is_object()) << server.Raw(1);
  EXPECT_EQ(got["mail_from"], "desk@news.example");
  EXPECT_EQ(got["rcpt_tos"], nlohmann::json::array({"reader@example.org"}));
  EXPECT_EQ(got["subject"], "Подтвердите адрес электронной почты для «Новостей»");
  EXPECT_NE(got["raw_subject"].get<std::string>().find("=?utf-8?"), std::string::npos)
      << "non-ASCII headers are RFC 2047 encoded-words: " << got["raw_subject"];
  EXPECT_EQ(got["from"], "Новостная служба <desk@news.example>");
  EXPECT_EQ(got["to"], "\"Анна Л.\" <reader@example.org>") << "the dot makes Python quote the name";
  EXPECT_EQ(got["reply_to"], "editors@news.example");
  EXPECT_EQ(got["list_unsubscribe"], "<https://news.example/unsubscribe?t=xyz>");
  EXPECT_EQ(got["mime_version"], "1.0");
  EXPECT_TRUE(got["date"].is_string());
  ASSERT_TRUE(got["message_id"].is_string());
  EXPECT_NE(got["message_id"].get<std::string>().find("@news.example>"), std::string::npos) << got["message_id"];
  EXPECT_EQ(got["content_type"], "multipart/alternative");
  ASSERT_TRUE(got["text"].is_object());
  EXPECT_EQ(got["text"]["charset"], "utf-8");
  EXPECT_EQ(Unix(got["text"]["content"]), RussianMessage().text) << "dot-stuffing and encoding round-trip";
  ASSERT_TRUE(got["html"].is_object());
  EXPECT_EQ(got["html"]["content"], "<p>Здравствуйте, <b>Анна</b>!</p>");
  EXPECT_EQ(got["defects"], nlohmann::json::array());

  const std::string raw = server.Raw(1);
  for (unsigned char ch : raw) ASSERT_LT(ch, 0x80) << "the message on the wire is 7-bit";
}

TEST_F(MailTest, ConsecutiveMessagesShareOneConnectionAndKeepTheirMessageId) {
  SmtpServer server(dir_);
  ASSERT_NE(server.port(), 0);
  auto mailer = MakeSmtpMailer(SmtpSettings{.url = server.url(), .timeout_seconds = 10});
  for (int i = 1; i <= 3; ++i) {
    Message m = RussianMessage("reader" + std::to_string(i) + "@example.org");
    m.message_id = "digest.2026-11-20." + std::to_string(i);
    ASSERT_TRUE(mailer->Send(m).ok());
  }
  nlohmann::json first = server.Received(1), third = server.Received(3);
  ASSERT_TRUE(first.is_object() && third.is_object());
  EXPECT_EQ(first["peer"], third["peer"]) << "one SMTP session for all three";
  EXPECT_EQ(third["rcpt_tos"], nlohmann::json::array({"reader3@example.org"}));
  EXPECT_EQ(third["message_id"], "<digest.2026-11-20.3@news.example>");
  Message bad = RussianMessage();
  bad.message_id = "a@b";
  EXPECT_EQ(ComposeMessage(bad).status().code(), Code::kInvalidArgument);
}

TEST_F(MailTest, PlainTextOnlyIsASinglePart) {
  SmtpServer server(dir_);
  ASSERT_NE(server.port(), 0);
  Message m = RussianMessage();
  m.html.reset();
  ASSERT_TRUE(MakeSmtpMailer({.url = server.url()})->Send(m).ok());
  nlohmann::json got = server.Received(1);
  EXPECT_EQ(got["content_type"], "text/plain");
  EXPECT_EQ(Unix(got["text"]["content"]), m.text);
  EXPECT_TRUE(got["html"].is_null());
}

TEST_F(MailTest, AServerThatIsDownIsUnavailableQuickly) {
  // A port that was just free and is not listening: the connection is refused.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  const auto start = std::chrono::steady_clock::now();
  Status s = MakeSmtpMailer({.url = "smtp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)),
                             .connect_timeout_seconds = 5})
                 ->Send(RussianMessage());
  EXPECT_EQ(s.code(), Code::kUnavailable) << s.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(MailTest, RejectedRecipientIsAPermanentFailureWithTheServersReply) {
  SmtpServer server(dir_);
  Status s = SendThrough(server, RussianMessage("reject-me@example.org"));
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_THAT(s.message(), testing::HasSubstrs({"550 5.1.1", "mailbox unavailable"}));
  EXPECT_TRUE(server.Received(1).is_null());
}

TEST_F(MailTest, TemporaryRefusalIsUnavailable) {
  SmtpServer server(dir_);
  Status s = SendThrough(server, RussianMessage("busy@example.org"));
  EXPECT_EQ(s.code(), Code::kUnavailable) << s.ToString();
  EXPECT_THAT(s.message(), ::testing::HasSubstr("451"));
}

TEST_F(MailTest, AuthenticatesWhenConfiguredAndNeverShowsThePassword) {
  SmtpServer server(dir_, {"--user", "desk", "--password", "s3cret-pass"});
  ASSERT_NE(server.port(), 0);
  SmtpSettings good{.url = server.url(), .username = "desk", .password = "s3cret-pass"};
  Status ok = MakeSmtpMailer(good)->Send(RussianMessage());
  ASSERT_TRUE(ok.ok()) << ok.ToString();
  EXPECT_EQ(server.Received(1)["auth"], true);

  SmtpSettings bad = good;
  bad.password = "wrong-pass-123";
  Status refused = MakeSmtpMailer(bad)->Send(RussianMessage());
  EXPECT_EQ(refused.code(), Code::kInvalidArgument) << refused.ToString();
  EXPECT_EQ(refused.message().find("wrong-pass-123"), std::string::npos) << refused.ToString();
}

TEST_F(MailTest, RequiredTlsThatIsNotOfferedIsRefused) {
  SmtpServer server(dir_);
  ASSERT_NE(server.port(), 0);
  Status s = MakeSmtpMailer({.url = server.url(), .require_tls = true})->Send(RussianMessage());
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_TRUE(server.Received(1).is_null());
}

TEST_F(MailTest, TheOutboxHoldsEachMessageWholeAsAnEmlFileForItsOwnerOnly) {
  const fs::path outbox = dir_ / "outbox";  // made on the first message
  auto mailer = MakeOutboxMailer(outbox.string());
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t)
    senders.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i)
        EXPECT_TRUE(mailer->Send(RussianMessage("reader" + std::to_string(t * 25 + i) + "@example.org")).ok());
    });
  for (auto& t : senders) t.join();

  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(outbox)) files.push_back(e.path());
  ASSERT_EQ(files.size(), 100u) << "one file per message, none overwritten, no temporary file left";
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    EXPECT_EQ(f.extension(), ".eml");
    EXPECT_NE(f.filename().string()[0], '.');
    EXPECT_EQ(fs::status(f).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write)
        << "messages hold one-time links";
  }
  std::ifstream in(files.front(), std::ios::binary);
  const std::string eml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto composed = ComposeMessage(RussianMessage());
  ASSERT_TRUE(composed.ok());
  // The file is the message as SMTP would carry it: same headers, same parts.
  EXPECT_NE(eml.find("Subject: =?utf-8?"), std::string::npos) << eml.substr(0, 400);
  EXPECT_NE(eml.find("List-Unsubscribe: <https://news.example/unsubscribe?t=xyz>"), std::string::npos);
  EXPECT_NE(eml.find("multipart/alternative"), std::string::npos);
  EXPECT_NE(eml.find("\r\n"), std::string::npos);
}

TEST_F(MailTest, AnOutboxThatCannotBeWrittenIsUnavailableAndLeavesNothing) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "in-the-way") << "a file where the folder should be";
  auto mailer = MakeOutboxMailer((dir_ / "in-the-way" / "outbox").string());
  Status s = mailer->Send(RussianMessage());
  EXPECT_EQ(s.code(), Code::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("mail outbox"), std::string::npos) << s.ToString();

  // A malformed message is refused before anything is written.
  auto good = MakeOutboxMailer((dir_ / "outbox").string());
  Message bad = RussianMessage();
  bad.subject = "Hi\r\nBcc: victim@example.org";
  EXPECT_EQ(good->Send(bad).code(), Code::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir_ / "outbox") && !fs::is_empty(dir_ / "outbox"));
}

TEST(MakeMailerTest, SmtpWhenConfiguredElseTheOutboxInTheDataDirectoryElseNone) {
  Config c;
  c.data_dir = "/srv/site";
  EXPECT_TRUE(MailConfigured(c)) << "a new site's mail goes to its outbox";
  EXPECT_EQ(OutboxDirectory(c), "/srv/site/outbox");
  EXPECT_NE(MakeMailer(c), nullptr);
  c.mail_outbox = "/var/mail/pickup";
  EXPECT_EQ(OutboxDirectory(c), "/var/mail/pickup");
  c.mail_smtp_url = "smtp://127.0.0.1:25";
  EXPECT_EQ(OutboxDirectory(c), "") << "SMTP wins";
  EXPECT_NE(MakeMailer(c), nullptr);
  c.mail_smtp_url = "";
  c.mail_outbox = "";
  EXPECT_FALSE(MailConfigured(c));
  EXPECT_EQ(MakeMailer(c), nullptr);
}

TEST(ComposeMessageTest, RefusesHeaderInjection) {
  Message m;
  m.from = Address{"Desk", "desk@news.example"};
  m.to = {Address{"", "reader@example.org"}};
  m.subject = "Hello\r\nBcc: victim@example.org";
  EXPECT_EQ(ComposeMessage(m).status().code(), Code::kInvalidArgument);
  m.subject = "Hello";
  m.to = {Address{"Ann\nBcc: x@y.org", "reader@example.org"}};
  EXPECT_EQ(ComposeMessage(m).status().code(), Code::kInvalidArgument);
  m.to = {Address{"", "reader@example.org>\r\nBcc: x@y.org"}};
  EXPECT_EQ(ComposeMessage(m).status().code(), Code::kInvalidArgument);
  m.to = {Address{"", "reader@example.org"}};
  m.headers = {{"Bcc", "x@y.org"}};
  EXPECT_EQ(ComposeMessage(m).status().code(), Code::kInvalidArgument);
  m.headers = {{"List-Unsubscribe", "<https://x>\r\nBcc: x@y.org"}};
  EXPECT_EQ(ComposeMessage(m).status().code(), Code::kInvalidArgument);
  m.headers = {};
  EXPECT_TRUE(ComposeMessage(m).ok());
}

TEST(ComposeMessageTest, UsesCrLfLineEnds) {
  Message m;
  m.from = Address{"", "desk@news.example"};
  m.to = {Address{"", "reader@example.org"}};
  m.subject = "Hi";
  m.text = "line one\nline two\n";
  auto text = ComposeMessage(m);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  for (size_t i = text->find('\n'); i != std::string::npos; i = text->find('\n', i + 1))
    ASSERT_TRUE(i > 0 && (*text)[i - 1] == '\r') << "bare LF at " << i;
}

TEST(ParseAddressTest, ReadsNameAndAddress) {
  auto a = ParseAddress("Новости <desk@news.example>");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->name, "Новости");
  EXPECT_EQ(a->email, "desk@news.example");
  auto quoted = ParseAddress("\"Desk, News\" <desk@news.example>");
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(quoted->name, "Desk, News");
  EXPECT_EQ(ParseAddress("desk@news.example")->name, "");
  EXPECT_FALSE(ParseAddress("Desk <desk@news.example").ok());
  EXPECT_FALSE(ParseAddress("not an address").ok());
}

TEST(SmtpSettingsTest, ComeFromTheMailSection) {
  Config c;
  c.mail_smtp_url = "smtps://mail.example:465";
  c.mail_username = "u";
  c.mail_password = "p";
  c.mail_require_tls = true;
  c.mail_timeout_seconds = 7;
  SmtpSettings s = SmtpSettingsFromConfig(c);
  EXPECT_EQ(s.url, "smtps://mail.example:465");
  EXPECT_EQ(s.username, "u");
  EXPECT_EQ(s.password, "p");
  EXPECT_TRUE(s.require_tls);
  EXPECT_EQ(s.timeout_seconds, 7);
}

TEST(SmtpMailerTest, UnconfiguredMailSaysSo) {
  Status s = MakeSmtpMailer({})->Send(Message{});
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("smtp_url"), std::string::npos);
}

TEST(RecordingMailerTest, KeepsMessagesOrFails) {
  RecordingMailer mailer;
  Message m;
  m.subject = "x";
  ASSERT_TRUE(mailer.Send(m).ok());
  ASSERT_EQ(mailer.sent().size(), 1u);
  mailer.FailWith(Status::Unavailable("down"));
  EXPECT_EQ(mailer.Send(m).code(), Code::kUnavailable);
}

}  // namespace
}  // namespace newsdesk
