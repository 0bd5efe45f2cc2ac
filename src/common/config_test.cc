#include "common/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/testing/test_directory.h"

namespace newsdesk {
namespace {

// LoadConfigFileTest writes its configuration files in a directory of the
// running test, which goes with the fixture, failed or passed.
class LoadConfigFileTest : public ::testing::Test {
 protected:
  std::string WriteTemp(const std::string& name, const std::string& text) {
    auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  // LoadWrittenConfig writes `text` to the file `name` and loads it into a
  // default Config.
  Status LoadWrittenConfig(const std::string& name, const std::string& text) {
    Config c;
    return LoadConfigFile(WriteTemp(name, text), c);
  }

  testing::TestDirectory dir_{"nd_config"};
};

TEST_F(LoadConfigFileTest, ReadsEverySection) {
  auto path = WriteTemp("nd_config_ok.toml", R"(
data_dir = "/srv/newsdesk"
[server]
listen = "0.0.0.0:9000"
threads = 4
max_body_bytes = 2048
[site]
name = "Defence Desk"
editions = ["ru", "en"]
utc_offset_minutes = 180
zone_label = "MSK"
)");
  Config c;
  ASSERT_TRUE(LoadConfigFile(path, c).ok());
  EXPECT_EQ(c.data_dir, "/srv/newsdesk");
  EXPECT_EQ(c.listen, "0.0.0.0:9000");
  EXPECT_EQ(c.threads, 4u);
  EXPECT_EQ(c.max_body_bytes, 2048u);
  EXPECT_EQ(c.site_name, "Defence Desk");
  EXPECT_EQ(c.editions, (std::vector<std::string>{"ru", "en"}));
  EXPECT_EQ(c.utc_offset_minutes, 180);
  EXPECT_EQ(c.zone_label, "MSK");
}

// [publish] (issue 17): the sitemap files' size, never past the protocol's 50,000.
TEST_F(LoadConfigFileTest, ReadsSitemapMaxUrlsUpToTheProtocolsLimit) {
  Config c;
  ASSERT_TRUE(LoadConfigFile(WriteTemp("nd_config_publish.toml", "[publish]\nsitemap_max_urls = 1000\n"), c).ok());
  EXPECT_EQ(c.sitemap_max_urls, 1000u);
  Status s = LoadWrittenConfig("nd_config_publish_big.toml", "[publish]\nsitemap_max_urls = 50001\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("sitemap_max_urls"), std::string::npos) << s.message();
}

TEST_F(LoadConfigFileTest, ReadsWebSubHubsAndIndexNowAndRefusesWhatCannotWork) {
  Config c;
  ASSERT_TRUE(LoadConfigFile(WriteTemp("nd_config_hubs.toml",
                                       "[publish]\nwebsub_hubs = [\"https://pubsubhubbub.appspot.com/\"]\n"
                                       "indexnow_key = \"a1b2c3d4-e5f6\"\n"),
                             c).ok());
  EXPECT_EQ(c.websub_hubs, std::vector<std::string>{"https://pubsubhubbub.appspot.com/"});
  EXPECT_EQ(c.indexnow_key, "a1b2c3d4-e5f6");
  EXPECT_EQ(c.indexnow_endpoint, "https://api.indexnow.org/indexnow");
  for (const char* bad : {"websub_hubs = [\"ftp://hub.example/\"]", "indexnow_key = \"short\"",
                          "indexnow_key = \"has a space in it\"",
                          "indexnow_key = \"a1b2c3d4\"\nindexnow_endpoint = \"file:///etc/passwd\""}) {
    Status s = LoadWrittenConfig("nd_config_hubs_bad.toml", std::string("[publish]\n") + bad + "\n");
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.message().find("publish"), std::string::npos) << s.message();
  }
}

// Issue 18: the image hosts go into the CSP header, so only host names pass.
TEST_F(LoadConfigFileTest, ReadsImageHostsAndRefusesWhatIsNotAHostName) {
  Config c;
  ASSERT_TRUE(LoadConfigFile(WriteTemp("nd_config_images.toml", "[site]\nimage_hosts = [\"cdn.tass.example\"]\n"), c)
                  .ok());
  EXPECT_EQ(c.image_hosts, std::vector<std::string>{"cdn.tass.example"});
  for (const char* bad : {"*", "cdn.example; script-src *", "https://cdn.example", "cdn.example/x", "", "'self'"}) {
    Status s = LoadWrittenConfig("nd_config_images_bad.toml",
                                 std::string("[site]\nimage_hosts = [\"") + bad + "\"]\n");
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.message().find("image_hosts"), std::string::npos) << s.message();
  }
}

TEST_F(LoadConfigFileTest, SyntaxErrorNamesFileAndLine) {
  Status s = LoadWrittenConfig("nd_config_bad.toml", "[server]\nlisten = \n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("nd_config_bad.toml:2"), std::string::npos) << s.message();
}

TEST_F(LoadConfigFileTest, WrongTypeNamesTheKey) {
  Status s = LoadWrittenConfig("nd_config_type.toml", "[server]\nthreads = \"many\"\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("threads"), std::string::npos) << s.message();
}

TEST_F(LoadConfigFileTest, MissingFileIsAnError) {
  Config c;
  EXPECT_FALSE(LoadConfigFile("/nonexistent/newsdesk.toml", c).ok());
}

TEST(ValidateConfig, RejectsBadEditions) {
  Config c;
  c.editions = {};
  EXPECT_FALSE(ValidateConfig(c).ok());
  c.editions = {"EN"};
  EXPECT_FALSE(ValidateConfig(c).ok());
  c.editions = {"en", "../x"};
  EXPECT_FALSE(ValidateConfig(c).ok());
}

}  // namespace
}  // namespace newsdesk
