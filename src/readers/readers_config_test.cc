// The [readers] and [mail] sections of the config file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/config.h"

namespace newsdesk {
namespace {

class ReadersConfigTest : public ::testing::Test {
 protected:
  Status Load(const std::string& toml, Config& c) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("nd_readers_config_" + std::to_string(::getpid()) + ".toml");
    std::ofstream(path) << toml;
    Status s = LoadConfigFile(path.string(), c);
    std::filesystem::remove(path);
    return s;
  }
};

TEST_F(ReadersConfigTest, DefaultsAreSafe) {
  Config c;
  EXPECT_TRUE(ValidateConfig(c).ok());
  EXPECT_EQ(c.premoderation, "none");
  EXPECT_EQ(c.login_failures_per_account, 5u);
  EXPECT_EQ(c.login_failure_window_seconds, 900u);
  EXPECT_EQ(c.comment_edit_seconds, 900u);
  EXPECT_EQ(c.mail_smtp_url, "");
}

TEST_F(ReadersConfigTest, ReadsBothSections) {
  Config c;
  Status s = Load(R"(
[mail]
smtp_url = "smtp://mail.example:587"
username = "desk"
password = "secret"
require_tls = true
from = "Новости <desk@news.example>"
reply_to = "editors@news.example"
timeout_seconds = 20

[readers]
premoderation = "first"
session_days = 7
comment_max_chars = 2000
comments_per_user = 3
new_account_max_links = 1
)",
                  c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(c.mail_smtp_url, "smtp://mail.example:587");
  EXPECT_EQ(c.mail_username, "desk");
  EXPECT_EQ(c.mail_password, "secret");
  EXPECT_TRUE(c.mail_require_tls);
  EXPECT_EQ(c.mail_from, "Новости <desk@news.example>");
  EXPECT_EQ(c.mail_reply_to, "editors@news.example");
  EXPECT_EQ(c.mail_timeout_seconds, 20u);
  EXPECT_EQ(c.premoderation, "first");
  EXPECT_EQ(c.session_days, 7u);
  EXPECT_EQ(c.comment_max_chars, 2000u);
  EXPECT_EQ(c.comments_per_user, 3u);
  EXPECT_EQ(c.new_account_max_links, 1u);
}

TEST_F(ReadersConfigTest, RefusesBadValuesNamingTheKey) {
  struct Case {
    const char* toml;
    const char* says;
  } cases[] = {
      {"[readers]\npremoderation = \"sometimes\"\n", "none, all or first"},
      {"[readers]\nsession_days = 0\n", "'session_days'"},
      {"[readers]\ncomment_max_chars = \"many\"\n", "'comment_max_chars'"},
      {"[mail]\nsmtp_url = \"http://mail.example\"\n", "smtp:// or smtps://"},
      {"[mail]\nfrom = \"nobody\"\n", "e-mail address"},
      {"[mail]\nrequire_tls = \"yes\"\n", "'require_tls'"},
  };
  for (const Case& k : cases) {
    Config c;
    Status s = Load(k.toml, c);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << k.toml;
    EXPECT_NE(s.message().find(k.says), std::string::npos) << s.ToString();
  }
}

}  // namespace
}  // namespace newsdesk
