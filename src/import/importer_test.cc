#include "import/importer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/testing/test_directory.h"
#include "common/time.h"
#include "store/testing/test_database.h"

namespace newsdesk {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json ValidRecord() {
  return json::parse(R"({
    "url": "https://agency.example/2024/04/26/shoigu-astana",
    "source": {"name": "TSAMTO", "url": "https://agency.example/", "country": "RU", "language": "ru"},
    "language": "en", "headline": "Sergei Shoigu spoke in Astana", "dateline": "TSAMTO, April 26th",
    "published_at": "2024-04-26T12:40:00+03:00",
    "image": {"url": "https://agency.example/img/1.jpg", "credit": "© Sputnik / Bolat Shaikhinov"},
    "rights": "The material is placed by the copyright holder in the public domain",
    "body": [{"type": "paragraph", "text": "TSAMTO, April 26th. The minister spoke."},
             {"type": "quote", "text": "Dear colleagues!"}]})");
}

TEST(ParseArticleRecord, AcceptsTheDocumentedRecord) {
  auto r = ParseArticleRecord(ValidRecord());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->source.name, "TSAMTO");
  EXPECT_EQ(r->source.home_url, "https://agency.example/");
  EXPECT_EQ(FormatIso8601(r->published_at), "2024-04-26T09:40:00Z");
  ASSERT_TRUE(r->image.has_value());
  EXPECT_EQ(r->image->credit, "© Sputnik / Bolat Shaikhinov");
  EXPECT_EQ(r->body.size(), 2u);
}

// Each case breaks one field of a valid record; the error must name it.
TEST(ParseArticleRecord, RejectsEachInvalidFieldByName) {
  struct Case {
    std::function<void(json&)> mutate;
    const char* expected;
  } cases[] = {
      {[](json& j) { j.erase("url"); }, "url: is required"},
      {[](json& j) { j["url"] = "ftp://x.example/a"; }, "url: 'ftp://x.example/a' is not an absolute http(s) URL"},
      {[](json& j) { j["url"] = "javascript:alert(1)"; }, "url:"},
      {[](json& j) { j["url"] = 42; }, "url: must be a string"},
      {[](json& j) { j.erase("source"); }, "source: is required"},
      {[](json& j) { j["source"]["name"] = ""; }, "source.name: is empty"},
      {[](json& j) { j["source"]["country"] = "Russia"; }, "source.country"},
      {[](json& j) { j["source"]["language"] = "RU"; }, "source.language"},
      {[](json& j) { j["language"] = "english"; }, "language"},
      {[](json& j) { j["headline"] = "   "; }, "headline: is empty"},
      {[](json& j) { j["headline"] = std::string(501, 'x'); }, "headline: is longer than 500 characters"},
      {[](json& j) { j["headline"] = "a\u0001b"; }, "headline: contains control characters"},
      {[](json& j) { j["published_at"] = "2024-04-26 12:40"; }, "published_at:"},
      {[](json& j) { j["published_at"] = "yesterday"; }, "published_at:"},
      {[](json& j) { j["image"] = "https://x.example/1.jpg"; }, "image: must be an object"},
      {[](json& j) { j["image"]["url"] = "//evil.example/x.jpg"; }, "image.url"},
      // Issue 18, finding 5: browsers read a backslash as a slash.
      {[](json& j) { j["image"]["url"] = "/\\evil.example/x.jpg"; }, "image.url"},
      {[](json& j) { j["image"]["url"] = "/a\\..\\..\\evil"; }, "image.url"},
      {[](json& j) { j["body"] = json::array(); }, "body: must hold at least one block"},
      {[](json& j) { j["body"][1]["type"] = "video"; }, "body[1]: unknown type 'video'"},
      {[](json& j) { j["translations"] = json::array({{{"language", "en"}, {"headline", "x"}}}); },
       "translations[0].language: is the article's own language"},
      {[](json& j) {
         j["translations"] = json::array({{{"language", "ru"}, {"headline", "x"},
                                           {"body", json::array({{{"type", "paragraph"}, {"text", "y"}}})},
                                           {"by", "robot"}}});
       },
       "translations[0].by"},
  };
  for (const auto& c : cases) {
    json j = ValidRecord();
    c.mutate(j);
    auto r = ParseArticleRecord(j);
    ASSERT_FALSE(r.ok()) << c.expected;
    EXPECT_NE(r.status().message().find(c.expected), std::string::npos)
        << "got: " << r.status().message() << "\nwanted: " << c.expected;
  }
}

TEST(ParseImportText, JsonLinesErrorsGiveTheLineNumber) {
  std::string text = ValidRecord().dump() + "\n\n" + ValidRecord().dump() + "\n{\"url\": \"https://x.example/\"}\n";
  auto r = ParseImportText("feed.jsonl", text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("feed.jsonl:4: ", 0), 0u) << r.status().message();
}

TEST(ParseImportText, MalformedJsonLineIsReportedWithItsLine) {
  auto r = ParseImportText("feed.jsonl", ValidRecord().dump() + "\n{not json\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("feed.jsonl:2: not valid JSON"), std::string::npos) << r.status().message();
}

// Issue 18: a number too large for a double escaped as a raw
// "[json.exception.out_of_range.406]" without file or line.
TEST(ParseImportText, ANumberTooLargeIsMalformedJsonWithItsLine) {
  auto r = ParseImportText("feed.jsonl", ValidRecord().dump() + "\n{\"url\": \"https://x.example/\", \"n\": 1e999999}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("feed.jsonl:2: not valid JSON", 0), 0u) << r.status().message();
  auto whole = ParseImportText("feed.json", "[{\"n\": -1e999999}]");
  ASSERT_FALSE(whole.ok());
  EXPECT_NE(whole.status().message().find("not valid JSON"), std::string::npos) << whole.status().message();
}

TEST(ParseImportText, JsonArrayErrorsGiveTheRecordNumber) {
  json arr = json::array({ValidRecord(), ValidRecord()});
  arr[1]["headline"] = "";
  auto r = ParseImportText("batch.json", arr.dump());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("batch.json: record 2: headline"), std::string::npos) << r.status().message();
}

TEST(ParseImportText, InvalidUtf8IsRejected) {
  std::string text = ValidRecord().dump();
  text.replace(text.find("Sergei"), 6, "Serg\xff\xfe");
  auto r = ParseImportText("bad.json", text);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bad.json"), std::string::npos);
}

class ImportPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDirectory("nd_import");
    fs::create_directories(dir_ / "in");
    Config c;
    c.data_dir = (dir_ / "data").string();
    auto s = testing::OpenStoreOnTestBackend(c);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ / "in" / name) << text; }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ImportPathTest, ADirectoryIsImportedAsOneTransaction) {
  json a = ValidRecord();
  json b = ValidRecord();
  b["url"] = "https://agency.example/2";
  Write("a.json", a.dump());
  Write("b.jsonl", b.dump() + "\n");
  auto s = ImportPath(*store_, (dir_ / "in").string());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->inserted, 2);
}

TEST_F(ImportPathTest, TagsAndGroupsArticlesAsIngestDoes) {
  json a = ValidRecord();
  a["body"] = json::parse(R"([{"type": "paragraph", "text": "Sergei Shoigu arrived in Kazakhstan on Friday for talks in Astana with the defence ministers of the region."}])");
  json b = a;  // the same report, from another page of the agency
  b["url"] = "https://agency.example/2";
  Write("a.jsonl", a.dump() + "\n" + b.dump() + "\n");
  auto s = ImportPath(*store_, (dir_ / "in").string());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->ids.size(), 2u);
  auto first = store_->GetArticle(s->ids[0]);
  auto second = store_->GetArticle(s->ids[1]);
  ASSERT_TRUE(first.ok() && second.ok());
  std::vector<std::string> entities;
  for (const auto& m : first->mentions) entities.push_back(m.entity);
  EXPECT_NE(std::find(entities.begin(), entities.end(), "kazakhstan"), entities.end())
      << "imported articles are tagged, as fetched ones are";
  EXPECT_EQ(first->story_id, second->story_id) << "near-copies are one story";
}

TEST_F(ImportPathTest, OneBadRecordAnywhereWritesNothing) {
  json good = ValidRecord();
  json bad = ValidRecord();
  bad["url"] = "https://agency.example/2";
  bad["published_at"] = "not a date";
  Write("a.json", good.dump());
  Write("b.jsonl", bad.dump() + "\n");
  auto s = ImportPath(*store_, (dir_ / "in").string());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("b.jsonl:1: published_at"), std::string::npos) << s.status().message();
  auto page = store_->ListArticles({});
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());
}

TEST_F(ImportPathTest, ImportingTheSameFileTwiceUpdates) {
  Write("a.json", ValidRecord().dump());
  ASSERT_TRUE(ImportPath(*store_, (dir_ / "in" / "a.json").string()).ok());
  auto again = ImportPath(*store_, (dir_ / "in" / "a.json").string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->inserted, 0);
  EXPECT_EQ(again->updated, 1);
}

TEST_F(ImportPathTest, MissingPathIsNotFound) {
  auto s = ImportPath(*store_, (dir_ / "nope").string());
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.status().is_not_found());
}

TEST(DemoCorpus, IsValidAndBilingual) {
  auto records = ReadImportPath(std::string(ND_SOURCE_DIR) + "/demo");
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  EXPECT_GE(records->size(), 40u);
  int ru = 0, en = 0, translated = 0, with_image = 0;
  for (const auto& r : *records) {
    ru += r.language == "ru";
    en += r.language == "en";
    translated += !r.translations.empty();
    with_image += r.image.has_value();
    EXPECT_FALSE(r.rights.empty()) << r.url;
  }
  EXPECT_GE(ru, 15);
  EXPECT_GE(en, 15);
  EXPECT_GE(translated, 6);
  EXPECT_GE(with_image, 30);
}

}  // namespace
}  // namespace newsdesk
