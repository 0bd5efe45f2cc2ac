#include "import/demo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "common/testing/test_directory.h"
#include "common/time.h"
#include "import/importer.h"

namespace newsdesk {
namespace {

const std::string kDemo = std::string(ND_SOURCE_DIR) + "/demo";

TimePoint At(const char* iso) { return *ParseIso8601(iso); }

TimePoint Newest(const std::vector<ArticleRecord>& records) {
  return std::max_element(records.begin(), records.end(), [](const auto& a, const auto& b) {
           return a.published_at < b.published_at;
         })->published_at;
}

TEST(DemoDateline, WritesTheMovedDayInTheDatelinesLanguage) {
  const TimePoint t = At("2027-03-01T23:30:00Z");
  EXPECT_EQ(DemoDateline("Northern Herald, November 2nd", t, 0), "Northern Herald, March 1st");
  // 23:30 UTC is already 2 March in Moscow: the day is the one where it was written.
  EXPECT_EQ(DemoDateline("Северный вестник ВПК, 2 ноября", t, 180), "Северный вестник ВПК, 2 марта");
  EXPECT_EQ(DemoDateline("Pacific Security Wire, November 5th", At("2027-01-12T10:00:00Z"), 0),
            "Pacific Security Wire, January 12th");
  EXPECT_EQ(DemoDateline("Wire, May 1st", At("2027-05-22T10:00:00Z"), 0), "Wire, May 22nd");
  EXPECT_EQ(DemoDateline("Wire, May 1st", At("2027-05-23T10:00:00Z"), 0), "Wire, May 23rd");
  EXPECT_EQ(DemoDateline("Wire, May 1st", At("2027-05-13T10:00:00Z"), 0), "Wire, May 13th");
  // Nothing that looks like a date: left as it is.
  EXPECT_EQ(DemoDateline("Baltic Defence Review", t, 0), "Baltic Defence Review");
  EXPECT_EQ(DemoDateline("Smith, Jones and Partners", t, 0), "Smith, Jones and Partners");
}

TEST(ReadDemoCorpus, MakesTheNewestArticleAFewHoursOldOnAnyDay) {
  for (const char* today : {"2026-12-05T02:00:00Z", "2027-06-30T18:45:00Z", "2031-01-01T00:00:00Z"}) {
    const TimePoint now = At(today);
    auto corpus = ReadDemoCorpus(kDemo, now, std::chrono::minutes(150));
    ASSERT_TRUE(corpus.ok()) << corpus.status().ToString();
    ASSERT_FALSE(corpus->articles.empty());
    const auto age = now - Newest(corpus->articles);
    EXPECT_GE(age, std::chrono::minutes(150)) << today;
    EXPECT_LT(age, std::chrono::minutes(151)) << today;
    // A week of news is within the last seven days: "most mentioned in 7 days" has something to rank.
    auto in_week = std::count_if(corpus->articles.begin(), corpus->articles.end(),
                                 [&](const auto& r) { return now - r.published_at < std::chrono::hours(24 * 7); });
    EXPECT_GE(in_week, 5) << today;
  }
}

TEST(ReadDemoCorpus, KeepsTheArticlesSpacingAndMovesTheirDatelines) {
  auto original = ReadImportPath(kDemo + "/articles.jsonl");
  ASSERT_TRUE(original.ok()) << original.status().ToString();
  auto corpus = ReadDemoCorpus(kDemo, At("2027-02-10T12:00:00Z"));
  ASSERT_TRUE(corpus.ok()) << corpus.status().ToString();
  ASSERT_EQ(corpus->articles.size(), original->size());
  for (size_t i = 0; i < original->size(); ++i) {
    const auto& before = (*original)[i];
    const auto& after = corpus->articles[i];
    EXPECT_EQ(after.url, before.url);
    EXPECT_EQ(after.published_at - before.published_at, corpus->moved_by) << after.url;
    // "Source, date": the source part stays, the date names the moved day.
    EXPECT_EQ(after.dateline.substr(0, after.dateline.rfind(", ")),
              before.dateline.substr(0, before.dateline.rfind(", ")));
    EXPECT_NE(after.dateline, before.dateline) << "dated from November 2026 to February 2027";
  }
}

TEST(ReadDemoCorpus, PostsTheDiscussionAfterItsArticlesAndNeverInTheFuture) {
  const TimePoint now = At("2027-02-10T12:00:00Z");
  auto corpus = ReadDemoCorpus(kDemo, now);
  ASSERT_TRUE(corpus.ok()) << corpus.status().ToString();
  const auto& d = corpus->discussion;
  ASSERT_GE(d.readers.size(), 3u);
  ASSERT_GE(d.comments.size(), 10u);
  std::set<std::string> urls;
  for (const auto& a : corpus->articles) urls.insert(a.url);
  for (size_t i = 0; i < d.comments.size(); ++i) {
    const auto& c = d.comments[i];
    EXPECT_TRUE(urls.count(c.article_url)) << c.article_url;
    EXPECT_LT(c.reader, static_cast<int>(d.readers.size()));
    EXPECT_LT(c.reply_to, static_cast<int>(i));
    EXPECT_LE(c.posted_at, now);
    auto article = std::find_if(corpus->articles.begin(), corpus->articles.end(),
                                [&](const auto& a) { return a.url == c.article_url; });
    EXPECT_GT(c.posted_at, article->published_at);
  }
  // Someone spoke within the last day: the "Discussion" block is alive.
  EXPECT_TRUE(std::any_of(d.comments.begin(), d.comments.end(),
                          [&](const auto& c) { return now - c.posted_at < std::chrono::hours(24); }));
}

TEST(ReadDemoCorpus, NamesTheFileAndRecordOfABadDiscussion) {
  namespace fs = std::filesystem;
  const testing::TestDirectory tmp("nd_demo");
  const fs::path& dir = tmp.path();
  fs::copy_file(kDemo + "/articles.jsonl", dir / "articles.jsonl", fs::copy_options::overwrite_existing);
  auto write = [&](const std::string& toml) { std::ofstream(dir / "discussion.toml") << toml; };

  write("[[readers]]\nid = \"a\"\nemail = \"a@demo.example\"\nname = \"A\"\n"
        "[[comments]]\narticle = \"https://nowhere.example/x\"\nreader = \"a\"\nafter_minutes = 5\ntext = \"hi\"\n");
  auto r = ReadDemoCorpus(dir.string(), At("2027-02-10T12:00:00Z"));
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("discussion.toml: comment 1: no article https://nowhere.example/x"),
            std::string::npos)
      << r.status().ToString();

  write("[[comments]]\narticle = \"x\"\nreader = \"nobody\"\nafter_minutes = 5\ntext = \"hi\"\n");
  r = ReadDemoCorpus(dir.string(), At("2027-02-10T12:00:00Z"));
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no reader 'nobody'"), std::string::npos) << r.status().ToString();

  write("[[comments]\n");
  r = ReadDemoCorpus(dir.string(), At("2027-02-10T12:00:00Z"));
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("discussion.toml:1"), std::string::npos) << r.status().ToString();
}

}  // namespace
}  // namespace newsdesk
