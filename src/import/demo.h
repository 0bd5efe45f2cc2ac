// File: import/demo.h
//
// The demo site (`newsdesk demo`, which `make run` calls): the corpus in
// demo/ made current on whatever day it is imported. Its articles were
// written with dates in late November 2026; imported as they are, a week
// later "most mentioned in 7 days", the entity charts and yesterday's digest
// would be empty. So every date moves by one amount: the newest article
// becomes a few hours old and the others keep their spacing. Datelines
// follow ("Baltic Defence Review, November 1st" → "…, December 4th").
//
//   auto corpus = ReadDemoCorpus("demo", SystemClockNow());
//   if (!corpus.ok()) { print corpus.status(); }     // "demo/articles.jsonl:3: headline: is required"
//   store.UpsertArticles(corpus->articles);          // (tagged first, as every import)
//   for (const DemoComment& c : corpus->discussion.comments) …  // at c.posted_at
//
// The discussion (demo/discussion.json: a few readers and their comments,
// each some minutes after its article) moves with the articles, so the
// "Discussion" block shows recent talk. Errors name the file and the record.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/article.h"

namespace newsdesk {

struct DemoReader {
  std::string email;
  std::string display_name;
};

struct DemoComment {
  std::string article_url;  // an article of the corpus
  int reader = 0;           // index into DemoDiscussion::readers
  int reply_to = -1;        // index of an earlier comment, or -1
  std::string text;         // Markdown, as a reader writes it
  TimePoint posted_at{};    // already moved, never after `now`
};

struct DemoDiscussion {
  std::vector<DemoReader> readers;
  std::vector<DemoComment> comments;
};

struct DemoCorpus {
  std::vector<ArticleRecord> articles;  // dates and datelines moved
  DemoDiscussion discussion;
  std::chrono::seconds moved_by{0};
};

// ReadDemoCorpus reads `dir`/articles.jsonl (the import format) and
// `dir`/discussion.json, and moves every date so that the newest article
// was published `newest_age` before `now`.
Result<DemoCorpus> ReadDemoCorpus(const std::string& dir, TimePoint now,
                                  std::chrono::minutes newest_age = std::chrono::minutes(150));

// DemoDateline rewrites the date after a dateline's last comma for `at` in
// the zone `utc_offset_minutes`, in the language the dateline uses:
// "Northern Herald, November 2nd", "Северный вестник ВПК, 2 ноября". A
// dateline without a date after a comma comes back as it is.
std::string DemoDateline(const std::string& dateline, TimePoint at, int utc_offset_minutes);

}  // namespace newsdesk
