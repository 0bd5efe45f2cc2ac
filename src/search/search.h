// File: search/search.h
//
// Front door of the index stage: full-text search over articles in Russian
// and English, on Xapian. Each article is one document holding every
// language version (original and translations), so a query in either
// language finds it. Word forms meet through Snowball stems ("России" finds
// "Россия", "ministers" finds "minister") and, for Russian, Hunspell lemmas
// (where stems differ: "ребёнка" finds "ребёнок", "дня" finds "день").
// Queries take phrases (over word forms too: "министр обороны" finds
// "министра обороны"), AND/OR/NOT, +/-, trailing wildcards and the filters
// `source:` `lang:` `mention:` `story:` `from:` `to:`; results come with
// highlighted, HTML-escaped snippets, facet counts and a spelling suggestion
// when little is found. docs/search.md has the reader's syntax, the index
// layout and the benchmark.
//
//   auto index = SearchIndex::Open(data_dir + "/search");
//   if (!index.ok()) return index.status();
//   ND_RETURN_IF_ERROR((*index)->Put(FromArticle(article, translations)));
//   ND_RETURN_IF_ERROR((*index)->SetIndexedSequence(store_sequence));
//   ND_RETURN_IF_ERROR((*index)->Commit());       // now visible to Search
//
//   SearchQuery q;
//   q.text = "министр обороны lang:ru from:2024-01-01";
//   q.edition = "ru";
//   Result<SearchResults> r = (*index)->Search(q);
//   for (const SearchHit& hit : r->hits) hit.headline, hit.snippet_html;
//
// Bad input is never an error: an over-long query is shortened, control
// characters and odd Unicode are cleaned, syntax Xapian rejects is read as
// plain words, unknown filters as words; `SearchResults::notice` says so.
// Errors (Status) mean the index itself failed: IOError, or Unavailable when
// another process holds the write lock.
//
// Shards: the index is N Xapian databases (SearchOptions::shards, by default
// one per hardware thread); article `id` lives in shard id % N. Each shard
// has a writer thread that analyses and writes its articles, so bulk
// indexing (reindex, catch-up, the benchmark) runs on every core; searches
// read all shards as one database. Each shard commits its own copy of the
// indexed sequence, and IndexedSequence is the lowest, so a crash between
// shard commits is repaired by the next catch-up. docs/search.md has the
// layout.
//
// Thread-safety: a SearchIndex is safe to use from many threads. Writes
// (Put, Remove, Clear, SetIndexedSequence, Commit) are serialised by one
// internal mutex and handed to the shards' writer threads; searches run
// concurrently on a pool of read-only database handles and see the last
// Commit of every shard, never half of one. One process at a time may open
// an index for writing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/reason.h"
#include "common/status.h"
#include "model/article.h"

namespace newsdesk {

// SearchDocument: what the index needs of one article. Texts are plain
// (see PlainText in model/block_json.h).
struct SearchDocument {
  struct Version {
    std::string language;  // "ru", "en"
    std::string headline;
    std::string body_text;
  };
  int64_t id = 0;
  std::string slug;
  std::string source;  // the source's slug
  int64_t story_id = 0;
  TimePoint published_at{};
  Version original;
  std::vector<Version> translations;
  std::vector<std::string> entities;  // ids of the entities it mentions
};

// FromArticle builds the SearchDocument of a stored article and its
// translations.
SearchDocument FromArticle(const Article& article, const std::vector<Translation>& translations);

struct SearchQuery {
  enum class Sort { kRelevance, kDate };  // kDate: newest first

  std::string text;  // what the reader typed; may hold filters ("nato lang:en")
  // Filters from form fields, applied on top of those in `text`.
  std::optional<std::string> language;  // has a version in this language
  std::optional<std::string> source;    // source slug
  std::optional<std::string> mention;   // entity id
  std::optional<TimePoint> from, to;    // published within [from, to]
  Sort sort = Sort::kRelevance;
  int page = 1;       // from 1; out-of-range values are clamped
  int per_page = 20;  // 1..100
  std::string edition;  // preferred language of headlines and snippets
  bool facets = true;   // false skips the facet counts (the JSON API needs none)
};

struct SearchHit {
  int64_t id = 0;
  std::string slug;
  std::string source;
  std::string language;      // of the version shown: the edition's when it matched
  std::string headline;      // of that version, plain text (escape it)
  std::string snippet_html;  // escaped text; only <mark>…</mark> is markup
  TimePoint published_at{};
  double relevance = 0;  // Xapian's BM25 weight (0 when the query has no words)
};

struct Facet {
  std::string value;  // source slug, language code or entity id
  int64_t count = 0;
};

struct SearchResults {
  int64_t total = 0;  // Xapian's estimate of all matches
  std::vector<SearchHit> hits;
  std::string suggestion;  // "did you mean" query text, "" when none
  // Most frequent first, at most 20 each, counted over the matches (over the
  // first 2,000 examined and scaled, when there are more).
  std::vector<Facet> sources, languages, mentions;
  std::string notice;  // for the reader, when the query was repaired or cannot be run
  // notices is `notice` sentence by sentence, as reasons the catalogs translate.
  std::vector<Reason> notices;
};

// issue 17, part 5: "related articles".
// RelatedQuery: how SearchIndex::Related looks for an article's relations.
struct RelatedQuery {
  int limit = 5;   // related articles wanted, 1..20
  int terms = 40;  // the article's most telling word terms the search is made of (1..200)
};

struct SearchOptions {
  bool read_only = false;  // open an existing index for searching only
  // Hunspell dictionary (path without .aff/.dic) for Russian lemmas; "" or a
  // missing file turns lemmas off, and search works on Snowball stems alone.
  std::string hunspell_dictionary = "/usr/share/hunspell/ru_RU";
  bool spelling = true;  // record words for "did you mean"
  // Shard databases the index is split into; 0: one per hardware thread
  // (at most 64). The count is kept in the index. Opening an index for
  // writing with another count (or one written before shards) empties it
  // and lays it out anew: its sequence is then 0, so IndexFollower rebuilds
  // it from the store. Read-only opens use the count the index has.
  int shards = 0;
};

class SearchIndex {
 public:
  // SearchIndex::Open opens the index in `directory`, creating it when
  // missing (unless read_only: then NotFound). Unavailable when another
  // process is writing to it.
  static Result<std::unique_ptr<SearchIndex>> Open(const std::string& directory,
                                                   const SearchOptions& options = {});
  ~SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  // SearchIndex::Put adds the article or replaces the one with its id.
  // Visible to searches after Commit. The work is queued for the article's
  // shard, so a failure may be reported by a later call (Commit at the
  // latest, which then commits nothing). Ids run from 0 to 2^32 - 2
  // (Xapian's document ids are 32-bit); others are InvalidArgument.
  Status Put(const SearchDocument& doc);
  // SearchIndex::Remove deletes the article; removing a missing id is OK.
  Status Remove(int64_t id);
  // SearchIndex::Clear removes every article (before a rebuild).
  Status Clear();

  // SearchIndex::SetIndexedSequence records the store's change sequence the
  // index reflects; it is committed atomically with the documents, so after
  // a crash IndexedSequence tells where to catch up from. Call it after the
  // Puts it covers and before Commit.
  Status SetIndexedSequence(int64_t sequence);
  // SearchIndex::IndexedSequence is the last committed (or pending) sequence,
  // 0 for a new index: the lowest over the shards, which commit it each.
  Result<int64_t> IndexedSequence();

  // SearchIndex::Commit makes every change so far durable and searchable,
  // once every shard has done its queued work; the shards commit in
  // parallel.
  Status Commit();

  Result<SearchResults> Search(const SearchQuery& query);
  // issue 17, part 5: SearchIndex::Related lists the ids of the articles
  // most related to article `id`, most related first: Xapian's relevance
  // feedback (an ESet of the article's most telling word stems, with the
  // article as the relevance set), and the entities it mentions, each
  // shared one adding its BM25 idf. Neither the article itself nor any
  // article of its story is among them. An article the index does not hold
  // has no relations (an empty list, no error).
  Result<std::vector<int64_t>> Related(int64_t id, const RelatedQuery& query = {});
  // SearchIndex::DocumentCount counts committed articles.
  Result<int64_t> DocumentCount();
  // SearchIndex::ShardCount is the number of shard databases.
  int ShardCount() const;

 private:
  class Impl;
  explicit SearchIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ParseSearchDate reads "YYYY-MM-DD", "YYYY-MM" or "YYYY" (UTC) as the first
// second of that period, or with `end` the last one; nullopt when malformed.
std::optional<TimePoint> ParseSearchDate(std::string_view text, bool end = false);

}  // namespace newsdesk
