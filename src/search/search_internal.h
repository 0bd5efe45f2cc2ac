// File: search/search_internal.h  (internal to search/: search.cc and indexing.cc)
//
// The index stage on Xapian. How an article becomes one Xapian document:
//
//   terms   every language version through one TermGenerator: each word
//           as its Z-prefixed Snowball stem with its position (analysis.h
//           picks Russian or English per word), the headline at wdf 3
//           against the body's 1; XH-prefixed Hunspell lemmas of Russian
//           words whose stem differs from their lemma's stem; boolean terms
//           Q (id), L (each language version), XS (source), XM (mentioned
//           entities), XT (story).
//           Only stems, no unstemmed terms: Xapian's default (both, the
//           stem without positions) costs twice the postings, and indexing
//           time is Xapian's postings (bench/search: about 1.6 times the
//           documents/s this way). So phrases match on stems ("министр
//           обороны" finds "министра обороны"), wildcards expand over
//           stems, and snippets are highlighted from a separate match set
//           of the query's terms (Highlighter), since MSet::snippet only
//           highlights phrase and wildcard words as unstemmed terms.
//   values  publish time (sorting, from/to); source, languages and entities
//           together in one slot (FacetSpy counts them).
//   data    JSON: slug, source, published, and per version language,
//           headline and normalised text, for snippets.
//
// A query word expands to OP_SYNONYM(its stem, XH lemma, Z lemma-stem), so a
// Russian word finds every form of its lemma whichever side Snowball cuts
// differently (see Expand).
//
// The two files: indexing.cc builds documents, writes the shards (a thread
// each) and keeps the index's layout on disk; search.cc parses queries and
// searches a pooled reader over every shard. This header is what both need:
// SearchIndex::Impl (the open index's state), how terms are spelled, and
// the stored data's format. It includes Xapian: only those two files
// include it.
//
// Thread-safety: SearchIndex::Impl's members say which mutex guards them.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <xapian.h>

#include "search/analysis.h"
#include "search/lemmatizer.h"
#include "search/query_text.h"
#include "search/search.h"

namespace newsdesk::search_internal {

namespace s = ::newsdesk::search;

constexpr int kModifiedRetries = 3;

// IdTerm lower-cases ids (slugs, language codes, entity ids) and turns
// control characters, which separate the facets slot's fields, into '_'.
inline std::string IdTerm(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (static_cast<unsigned char>(c) < 0x20) c = '_';
  }
  return s;
}

// Term joins a prefix and a value (not with `+`: g++ 12 warns falsely,
// -Wrestrict, on a one-letter literal plus a string).
inline std::string Term(std::string_view prefix, std::string_view value) {
  std::string term;
  term.reserve(prefix.size() + value.size());
  term.append(prefix).append(value);
  return term;
}


// IdTerm of an article id is its document's unique Q term.
inline std::string IdTerm(int64_t id) { return Term(s::kIdPrefix, std::to_string(id)); }

// SortableTime: a publish time as the value slot holds it.
inline std::string SortableTime(TimePoint t) {
  return Xapian::sortable_serialise(static_cast<double>(t.time_since_epoch().count()));
}

inline Status FromXapian(const Xapian::Error& e, const std::string& what) {
  return Status::IOError(fmt::format("search index: {}: {}", what, e.get_description()));
}

// The data stored with a document (JSON), which hits are rendered from.
struct StoredVersion {
  std::string language, headline, text;
};

struct StoredDocument {
  int64_t id = 0;
  std::string slug, source;
  int64_t published = 0;
  std::vector<StoredVersion> versions;  // the original first
};

// EncodeData writes a document's data: its ids and, per language version,
// the headline and the normalised text snippets are cut from.
std::string EncodeData(const SearchDocument& doc,
                       const std::vector<std::pair<SearchDocument::Version, std::string>>& texts);
// DecodeData reads what EncodeData wrote; malformed data reads as empty.
StoredDocument DecodeData(const std::string& data);

class ShardWriter;  // one shard's database and writing thread (indexing.cc)

}  // namespace newsdesk::search_internal

namespace newsdesk {

// SearchIndex::Impl: the state of an open index, and the helpers over it
// that SearchIndex's methods share. SearchIndex's reading methods and the
// reader pool are search.cc's; opening, writing and the shards indexing.cc's.
class SearchIndex::Impl {
 public:
  using ShardWriter = search_internal::ShardWriter;

  Impl(std::string directory, SearchOptions options, std::shared_ptr<search::Lemmatizer> lemmatizer);
  ~Impl();  // drains and joins the shard writers first

  // Open opens or creates the index in `directory_`, as SearchIndex::Open
  // says (indexing.cc).
  Status Open();

  // --- reading (search.cc) ---

  // A reader from the pool, reopened to the last commit; returned on
  // destruction unless it failed.
  class Reader {
   public:
    explicit Reader(Impl* impl) : impl_(impl) {}
    ~Reader() {
      if (db_ && !broken_) impl_->Release(std::move(db_));
    }
    Xapian::Database& db() { return *db_; }
    void Acquire() { db_ = impl_->AcquireDatabase(); }
    void MarkBroken() { broken_ = true; }

   private:
    Impl* impl_;
    std::unique_ptr<Xapian::Database> db_;
    bool broken_ = false;
  };

  // WithReader runs fn(db) on a pooled reader, reopening and retrying when
  // a commit overwrote the revision it was reading. Opening and reopening
  // wait for a commit in progress, so a reader sees every shard at the same
  // Commit.
  template <typename T, typename Fn>
  Result<T> WithReader(const char* what, Fn&& fn) {
    Reader reader(this);
    for (int attempt = 0;; ++attempt) {
      try {
        {
          std::shared_lock<std::shared_mutex> commits(commit_mu_);
          if (attempt == 0) reader.Acquire();
          reader.db().reopen();
        }
        return fn(reader.db());
      } catch (const Xapian::DatabaseModifiedError& e) {
        if (attempt + 1 >= search_internal::kModifiedRetries) return search_internal::FromXapian(e, what);
      } catch (const Xapian::Error& e) {
        reader.MarkBroken();
        return search_internal::FromXapian(e, what);
      } catch (const std::exception& e) {
        reader.MarkBroken();
        return Status::Internal(fmt::format("search index: {}: {}", what, e.what()));
      }
    }
  }

  // AcquireDatabase: a pooled reader, or every shard added to one new
  // Database: Xapian interleaves their document ids and merges postings,
  // statistics, values and spelling, so queries, weights, sorting and
  // paging are those of one database. Release returns it to the pool.
  std::unique_ptr<Xapian::Database> AcquireDatabase();
  void Release(std::unique_ptr<Xapian::Database> db);

  Result<SearchResults> Run(Xapian::Database& db, const SearchQuery& query, const search::CleanedQuery& cleaned);

  // --- writing (indexing.cc) ---

  // WaitAll waits until every shard has done its queued work; the first
  // failure among them.
  Status WaitAll();  // REQUIRES: write_mu_
  // OnEveryShard runs fn(db) on each shard's thread, in parallel, and waits.
  template <typename Fn>
  Status OnEveryShard(const char* what, Fn fn);  // REQUIRES: write_mu_
  // Writable: InvalidArgument when the index was opened read-only.
  Status Writable(const char* what) const;
  // Heal opens again the shards a failed write left closed (ShardWriter::
  // Broken), so the index works again once the fault is gone (the disk has
  // room) without a restart. It returns a failure still waiting to be
  // reported, which leaves the caller's batch uncommitted and so replayed.
  Status Heal();  // REQUIRES: write_mu_
  ShardWriter& ShardOf(int64_t id);
  Status OpenReadOnly();
  Status LockDirectory();

  const std::string directory_;
  const SearchOptions options_;
  const std::shared_ptr<search::Lemmatizer> lemmatizer_;  // null: no lemmas
  std::vector<std::string> shard_paths_;                  // set by Open, then constant
  int lock_fd_ = -1;

  std::mutex write_mu_;  // serialises Put, Remove, Clear, SetIndexedSequence, IndexedSequence, Commit
  std::vector<std::unique_ptr<ShardWriter>> shards_;  // GUARDED_BY(write_mu_); empty when read-only

  std::shared_mutex commit_mu_;  // held exclusively while the shards commit; readers (re)open under it shared

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Xapian::Database>> pool_;  // GUARDED_BY(pool_mu_)
};

}  // namespace newsdesk
