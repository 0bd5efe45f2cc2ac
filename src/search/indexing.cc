// Getting articles into the index and keeping it on disk (search/search.h,
// search_internal.h): DocumentBuilder analyses an article into its Xapian
// document, a ShardWriter per shard writes them on a thread of its own, and
// SearchIndex's opening and writing methods (Put, Remove, Clear, Commit and
// the indexed sequence) queue work for the shards and wait for it.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "search/search_internal.h"

namespace newsdesk::search_internal {

namespace {

constexpr Xapian::termcount kHeadlineWdf = 3;
constexpr size_t kLemmaTermMemo = 300000;
constexpr char kSequenceKey[] = "newsdesk.indexed_sequence";  // per shard
constexpr char kShardKey[] = "newsdesk.shard";                 // "K/N" in shard K of N
constexpr char kStubFile[] = "XAPIANDB";
constexpr char kLockFile[] = "newsdesk.lock";
constexpr int kMaxShards = 64;
constexpr size_t kQueuedPerShard = 64;  // documents waiting for a shard's writer, at most
// Article ids map to Xapian document ids (id + 1), which are 32-bit.
constexpr int64_t kMaxArticleId = int64_t{0xFFFFFFFF} - 1;

// ShardsFor: the shard count an index is opened with (0: one per hardware thread).
int ShardsFor(int option) {
  if (option > 0) return std::min(option, kMaxShards);
  return std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, kMaxShards);
}

// FacetsValue encodes the facets slot (see analysis.h).
std::string FacetsValue(const std::string& source, const std::vector<std::string>& languages,
                        const std::vector<std::string>& entities) {
  std::string out;
  auto field = [&](const std::vector<std::string>& items) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += s::kItemEnd;
      out += items[i];
    }
    out += s::kFieldEnd;
  };
  field({source});
  field(languages);
  field(entities);
  return out;
}

}  // namespace

std::string EncodeData(const SearchDocument& doc, const std::vector<std::pair<SearchDocument::Version, std::string>>& texts) {
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& [version, text] : texts) {
    versions.push_back({{"l", version.language}, {"h", version.headline}, {"t", text}});
  }
  nlohmann::json j = {{"id", doc.id},
                      {"slug", doc.slug},
                      {"source", doc.source},
                      {"published", doc.published_at.time_since_epoch().count()},
                      {"versions", std::move(versions)}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

StoredDocument DecodeData(const std::string& data) {
  StoredDocument out;
  nlohmann::json j = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return out;
  out.id = j.value("id", int64_t{0});
  out.slug = j.value("slug", "");
  out.source = j.value("source", "");
  out.published = j.value("published", int64_t{0});
  if (j.contains("versions") && j["versions"].is_array()) {
    for (const auto& v : j["versions"]) {
      out.versions.push_back({v.value("l", ""), v.value("h", ""), v.value("t", "")});
    }
  }
  return out;
}

// DocumentBuilder turns a SearchDocument into its Xapian document: the
// analysis (normalisation, terms, lemmas, data), which is most of the cost of
// indexing. One per shard writer, so shards analyse in parallel; a builder
// is used by one thread at a time.
class DocumentBuilder {
 public:
  DocumentBuilder(const SearchOptions& options, std::shared_ptr<s::Lemmatizer> lemmatizer)
      : options_(options), lemmatizer_(std::move(lemmatizer)), stemmer_(s::MakeStemmer()) {
    generator_.set_stemmer(stemmer_);
    // Every word is indexed, stop words too: phrases need them.
    generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
  }

  // Spelling words go to the shard's own spelling table; a reader over every
  // shard sums their frequencies.
  void RecordSpellingIn(Xapian::WritableDatabase& db) {
    if (!options_.spelling) return;
    generator_.set_database(db);
    generator_.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
  }
  // ForgetDatabase drops the generator's handle on the database: Xapian
  // handles share one open database, which (with its write lock) closes
  // only when the last handle goes.
  void ForgetDatabase() { generator_.set_database(Xapian::WritableDatabase()); }

  Xapian::Document Build(const SearchDocument& in);

 private:
  void IndexText(Xapian::Document& doc, const std::string& text, Xapian::termcount wdf);
  const std::vector<std::string>& LemmaTerms(std::string_view word);

  const SearchOptions& options_;
  const std::shared_ptr<s::Lemmatizer> lemmatizer_;  // null: no lemmas
  Xapian::TermGenerator generator_;
  Xapian::Stem stemmer_;
  // The lemma terms of each Cyrillic word seen, so Hunspell (behind one
  // process-wide mutex) is asked once per distinct word and shard.
  std::unordered_map<std::string, std::vector<std::string>, s::StringHash, std::equal_to<>> lemma_terms_;
};

const std::vector<std::string>& DocumentBuilder::LemmaTerms(std::string_view word) {
  auto found = lemma_terms_.find(word);
  if (found != lemma_terms_.end()) return found->second;
  if (lemma_terms_.size() >= kLemmaTermMemo) lemma_terms_.clear();
  std::vector<std::string> terms;
  const auto lemmas_found = lemmatizer_->Find(word);
  const std::vector<std::string>& lemmas = *lemmas_found;
  if (!lemmas.empty()) {
    // Only lemmas whose stem differs from the word's: the others are found
    // through the word's own Z term (Expand adds the lemma's stem too).
    const std::string word_stem = stemmer_(Xapian::Unicode::tolower(std::string(word)));
    for (const std::string& lemma : lemmas) {
      if (stemmer_(lemma) != word_stem) terms.push_back(Term(s::kLemmaPrefix, lemma));
    }
  }
  return lemma_terms_.emplace(std::string(word), std::move(terms)).first->second;
}

void DocumentBuilder::IndexText(Xapian::Document& doc, const std::string& text, Xapian::termcount wdf) {
  generator_.index_text(text, wdf);
  generator_.increase_termpos();  // no phrase across headline and body, or across versions
  if (!lemmatizer_) return;
  s::ForEachWord(text, [&](std::string_view word) {
    if (!s::IsCyrillicWord(word)) return;
    for (const std::string& term : LemmaTerms(word)) doc.add_term(term, wdf);
  });
}

Xapian::Document DocumentBuilder::Build(const SearchDocument& in) {
  Xapian::Document doc;
  generator_.set_document(doc);
  std::vector<std::pair<SearchDocument::Version, std::string>> texts;
  std::vector<std::string> languages;
  std::vector<const SearchDocument::Version*> versions{&in.original};
  for (const auto& t : in.translations) versions.push_back(&t);
  for (const SearchDocument::Version* v : versions) {
    const std::string language = IdTerm(v->language);
    if (std::find(languages.begin(), languages.end(), language) != languages.end()) continue;
    languages.push_back(language);
    const std::string headline = s::NormalizeText(v->headline);
    const std::string body = s::NormalizeText(v->body_text);
    IndexText(doc, headline, kHeadlineWdf);
    IndexText(doc, body, 1);
    if (!language.empty()) doc.add_boolean_term(Term(s::kLanguagePrefix, language));
    texts.emplace_back(*v, s::NormalizeText(v->body_text, /*fold_yo=*/false));
  }
  doc.add_boolean_term(IdTerm(in.id));
  if (!in.source.empty()) doc.add_boolean_term(Term(s::kSourcePrefix, IdTerm(in.source)));
  if (in.story_id != 0) doc.add_boolean_term(Term(s::kStoryPrefix, std::to_string(in.story_id)));
  std::vector<std::string> entities;
  for (const std::string& e : in.entities) {
    std::string entity = IdTerm(e);
    if (entity.empty() || std::find(entities.begin(), entities.end(), entity) != entities.end()) continue;
    doc.add_boolean_term(Term(s::kMentionPrefix, entity));
    entities.push_back(std::move(entity));
  }
  doc.add_value(s::kPublishedSlot, SortableTime(in.published_at));
  doc.add_value(s::kFacetsSlot, FacetsValue(IdTerm(in.source), languages, entities));
  doc.set_data(EncodeData(in, texts));
  return doc;
}

// ShardWriter owns one shard's WritableDatabase and the thread that writes
// it. Work is queued (Post) and done in order on that thread; Wait blocks
// until the queue is empty and reports the first failure since the last
// Wait. While a shard is idle (after Wait, under the index's write mutex)
// its database may be used from the calling thread.
class ShardWriter {
 public:
  using Task = std::function<void(ShardWriter&)>;

  ShardWriter(std::string directory, const SearchOptions& options, std::shared_ptr<s::Lemmatizer> lemmatizer)
      : directory_(std::move(directory)), builder_(options, std::move(lemmatizer)) {}
  ~ShardWriter() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    work_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  // Open opens (or creates, emptying what was there) the shard's database
  // and starts its thread. Throws Xapian::Error.
  void Open(bool create) {
    db_.emplace(directory_, create ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_OPEN);
    builder_.RecordSpellingIn(*db_);
    thread_ = std::thread([this] { Run(); });
  }

  void Post(const char* what, Task task) {
    std::unique_lock<std::mutex> lock(mu_);
    idle_cv_.wait(lock, [&] { return queue_.size() < kQueuedPerShard; });
    queue_.push_back({what, std::move(task)});
    work_cv_.notify_one();
  }

  Status Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    idle_cv_.wait(lock, [&] { return queue_.empty() && !busy_; });
    Status error = std::move(error_);
    error_ = Status::Ok();
    return error;
  }

  Xapian::WritableDatabase& db() { return *db_; }
  DocumentBuilder& builder() { return builder_; }

  // Broken: a write to the database failed in Xapian's database layer (a
  // full disk, an I/O error), after which Xapian refuses every call with
  // DatabaseClosedError until the database is opened again.
  bool broken() const { return broken_.load(); }
  void MarkBroken() { broken_ = true; }

  // Reopen opens the shard's database again at its last commit: the work
  // that failed is lost, and the index's committed sequence says what to
  // replay. REQUIRES: idle (after Wait). Throws Xapian::Error.
  void Reopen() {
    // close() commits what is pending if it can (a consistent state: the
    // sequence is set only after every Put of its batch succeeded) and
    // closes the database either way.
    try {
      if (db_) db_->close();
    } catch (const Xapian::Error&) {
    }
    builder_.ForgetDatabase();
    db_.reset();
    db_.emplace(directory_, Xapian::DB_OPEN);
    builder_.RecordSpellingIn(*db_);
    broken_ = false;
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to do
      auto [what, task] = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      lock.unlock();
      idle_cv_.notify_all();  // room in the queue
      Status st = Status::Ok();
      try {
        task(*this);
      } catch (const Xapian::DatabaseError& e) {
        st = FromXapian(e, what);
        broken_ = true;
      } catch (const Xapian::Error& e) {
        st = FromXapian(e, what);
      } catch (const std::exception& e) {
        st = Status::Internal(fmt::format("search index: {}: {}", what, e.what()));
      }
      lock.lock();
      busy_ = false;
      if (!st.ok() && error_.ok()) error_ = std::move(st);
      if (queue_.empty()) idle_cv_.notify_all();
    }
  }

  const std::string directory_;
  std::optional<Xapian::WritableDatabase> db_;  // used by the thread, or by the caller while idle
  DocumentBuilder builder_;                     // used by the thread only

  std::mutex mu_;
  std::condition_variable work_cv_, idle_cv_;
  std::deque<std::pair<const char*, Task>> queue_;  // GUARDED_BY(mu_)
  std::atomic<bool> broken_{false};
  bool busy_ = false;                               // GUARDED_BY(mu_)
  bool stopping_ = false;                           // GUARDED_BY(mu_)
  Status error_ = Status::Ok();                     // GUARDED_BY(mu_)
  std::thread thread_;
};

namespace {

// The index's layout on disk:
//
//   DIR/XAPIANDB        Xapian's stub file listing the shards ("glass shard-0"
//                       per line), so Xapian's tools open DIR as one database;
//                       it is also the record of the shard count
//   DIR/shard-K/        shard K, a glass database holding the articles with
//                       id % N == K; metadata newsdesk.shard = "K/N" and
//                       newsdesk.indexed_sequence, its own committed sequence
//   DIR/newsdesk.lock   flock()ed by the one process writing the index
std::string ShardName(int shard) { return fmt::format("shard-{}", shard); }

// ReadLayout: the shard count DIR's stub file lists, 0 when it has none or
// lists something else.
int ReadLayout(const std::filesystem::path& dir) {
  std::ifstream in(dir / kStubFile);
  if (!in) return 0;
  std::string backend, path;
  int shards = 0;
  while (in >> backend >> path) {
    if (backend != "glass" || path != ShardName(shards)) return 0;
    ++shards;
  }
  return shards;
}

// An index of newsdesk before shards: DIR itself is one glass database.
bool IsUnshardedIndex(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::exists(dir / "iamglass", ec);
}

// ClearLayout removes whatever index DIR holds (shards, stub, or the files of
// an unsharded index), leaving anything else alone.
void ClearLayout(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::remove(dir / kStubFile, ec);
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool shard = name.starts_with("shard-") && entry.is_directory(ec);
    const bool unsharded = name == "iamglass" || name == "flintlock" || name.ends_with(".glass");
    if (shard || unsharded) fs::remove_all(entry.path(), ec);
  }
}

Status WriteStub(const std::filesystem::path& dir, int shards) {
  const std::filesystem::path tmp = dir / (std::string(kStubFile) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (int k = 0; k < shards; ++k) out << "glass " << ShardName(k) << "\n";
    out.flush();
    if (!out) return Status::IOError(fmt::format("search index: cannot write {}", tmp.string()));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, dir / kStubFile, ec);
  if (ec) return Status::IOError(fmt::format("search index: cannot write {}: {}", (dir / kStubFile).string(), ec.message()));
  return Status::Ok();
}

int64_t ParseSequence(const std::string& value) { return value.empty() ? 0 : std::stoll(value); }

}  // namespace

}  // namespace newsdesk::search_internal

namespace newsdesk {

using namespace search_internal;

SearchIndex::Impl::Impl(std::string directory, SearchOptions options, std::shared_ptr<s::Lemmatizer> lemmatizer)
    : directory_(std::move(directory)), options_(std::move(options)), lemmatizer_(std::move(lemmatizer)) {}

SearchIndex::Impl::~Impl() {
  shards_.clear();  // drains and joins the writers first
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Status SearchIndex::Impl::WaitAll() {
  Status first = Status::Ok();
  for (auto& shard : shards_) {
    Status st = shard->Wait();
    if (first.ok() && !st.ok()) first = std::move(st);
  }
  return first;
}

template <typename Fn>
Status SearchIndex::Impl::OnEveryShard(const char* what, Fn fn) {
  ND_RETURN_IF_ERROR(WaitAll());
  for (auto& shard : shards_) shard->Post(what, [fn](ShardWriter& w) { fn(w.db()); });
  return WaitAll();
}

Status SearchIndex::Impl::Writable(const char* what) const {
  if (shards_.empty()) return Status::InvalidArgument(fmt::format("search index: {}: opened read-only", what));
  return Status::Ok();
}

Status SearchIndex::Impl::Heal() {
  if (std::none_of(shards_.begin(), shards_.end(), [](const auto& shard) { return shard->broken(); }))
    return Status::Ok();
  Status pending = WaitAll();
  for (auto& shard : shards_) {
    if (!shard->broken()) continue;
    try {
      shard->Reopen();
    } catch (const Xapian::Error& e) {
      return FromXapian(e, "reopen after a failed write");
    }
  }
  return pending;
}

ShardWriter& SearchIndex::Impl::ShardOf(int64_t id) {
  return *shards_[static_cast<size_t>(id % static_cast<int64_t>(shards_.size()))];
}

Status SearchIndex::Impl::OpenReadOnly() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const int shards = ReadLayout(directory_);
  if (shards > 0) {
    for (int k = 0; k < shards; ++k) shard_paths_.push_back((fs::path(directory_) / ShardName(k)).string());
  } else if (IsUnshardedIndex(directory_)) {
    shard_paths_.push_back(directory_);  // written before shards: still searchable
  } else {
    return Status::NotFound(fmt::format("search index: no index in {}", directory_));
  }
  Release(AcquireDatabase());
  return Status::Ok();
}

Status SearchIndex::Impl::LockDirectory() {
  const std::string path = (std::filesystem::path(directory_) / kLockFile).string();
  lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) return Status::IOError(fmt::format("search index: cannot open {}: {}", path, std::strerror(errno)));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status::Unavailable(fmt::format("search index: {} is being written by another process", directory_));
    }
    return Status::IOError(fmt::format("search index: cannot lock {}: {}", path, std::strerror(errno)));
  }
  return Status::Ok();
}

Status SearchIndex::Impl::Open() {
  namespace fs = std::filesystem;
  try {
    std::error_code ec;
    if (options_.read_only) {
      if (!fs::exists(directory_, ec)) return Status::NotFound(fmt::format("search index: no index in {}", directory_));
      return OpenReadOnly();
    }
    fs::create_directories(directory_, ec);
    if (ec) return Status::IOError(fmt::format("search index: cannot create {}: {}", directory_, ec.message()));
    ND_RETURN_IF_ERROR(LockDirectory());
    const int wanted = ShardsFor(options_.shards);
    // Another shard count (or an index from before shards) is laid out
    // anew, empty: its sequence is then 0, and the follower rebuilds it from
    // the store. The index is derived data; moving articles between shards
    // in place would cost as much as the rebuild.
    bool create = ReadLayout(directory_) != wanted;
    if (!create) {
      for (int k = 0; k < wanted && !create; ++k) {
        create = !fs::exists(fs::path(directory_) / ShardName(k) / "iamglass", ec);
      }
    }
    if (create) {
      // A writer of the unsharded layout (an older newsdesk) locks DIR itself.
      if (IsUnshardedIndex(directory_)) {
        Xapian::WritableDatabase probe(directory_, Xapian::DB_OPEN);
      }
      ClearLayout(directory_);
    }
    for (int k = 0; k < wanted; ++k) {
      shard_paths_.push_back((fs::path(directory_) / ShardName(k)).string());
      shards_.push_back(std::make_unique<ShardWriter>(shard_paths_.back(), options_, lemmatizer_));
      shards_.back()->Open(create);
      if (create) {
        shards_.back()->db().set_metadata(kShardKey, fmt::format("{}/{}", k, wanted));
        shards_.back()->db().commit();
      }
    }
    if (create) ND_RETURN_IF_ERROR(WriteStub(directory_, wanted));
    return Status::Ok();
  } catch (const Xapian::DatabaseLockError& e) {
    return Status::Unavailable(
        fmt::format("search index: {} is being written by another process: {}", directory_, e.get_description()));
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "open " + directory_);
  }
}

Status SearchIndex::Put(const SearchDocument& in) {
  std::lock_guard<std::mutex> lock(impl_->write_mu_);
  ND_RETURN_IF_ERROR(impl_->Writable("put"));
  ND_RETURN_IF_ERROR(impl_->Heal());
  if (in.id < 0 || in.id > kMaxArticleId) {
    return Status::InvalidArgument(fmt::format("search index: put: article id {} out of range", in.id));
  }
  ShardWriter& shard = impl_->ShardOf(in.id);
  // The shard's local id that makes the merged id in.id + 1 for any shard
  // count (Xapian interleaves: merged = (local - 1) * N + shard + 1), so
  // documents rank and page the same however the index is split, and a
  // replayed Put replaces in place; into an empty shard it is an append.
  const auto local = static_cast<Xapian::docid>(in.id / static_cast<int64_t>(impl_->shards_.size()) + 1);
  shard.Post("put", [doc = in, local](ShardWriter& w) { w.db().replace_document(local, w.builder().Build(doc)); });
  return Status::Ok();
}

Status SearchIndex::Remove(int64_t id) {
  std::lock_guard<std::mutex> lock(impl_->write_mu_);
  ND_RETURN_IF_ERROR(impl_->Writable("remove"));
  ND_RETURN_IF_ERROR(impl_->Heal());
  if (id < 0 || id > kMaxArticleId) return Status::Ok();  // never indexed
  impl_->ShardOf(id).Post("remove", [id](ShardWriter& w) { w.db().delete_document(IdTerm(id)); });
  return Status::Ok();
}

Status SearchIndex::Clear() {
  std::lock_guard<std::mutex> lock(impl_->write_mu_);
  ND_RETURN_IF_ERROR(impl_->Writable("clear"));
  ND_RETURN_IF_ERROR(impl_->Heal());
  return impl_->OnEveryShard("clear", [](Xapian::WritableDatabase& db) {
    std::vector<Xapian::docid> ids;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) ids.push_back(*it);
    for (Xapian::docid id : ids) db.delete_document(id);
  });
}

Status SearchIndex::SetIndexedSequence(int64_t sequence) {
  std::lock_guard<std::mutex> lock(impl_->write_mu_);
  ND_RETURN_IF_ERROR(impl_->Writable("set sequence"));
  ND_RETURN_IF_ERROR(impl_->Heal());
  // After the Puts it covers are done, or not at all: a failed Put must not
  // be skipped by the next catch-up.
  return impl_->OnEveryShard("set sequence", [sequence](Xapian::WritableDatabase& db) {
    db.set_metadata(kSequenceKey, std::to_string(sequence));
  });
}

Result<int64_t> SearchIndex::IndexedSequence() {
  // Each shard commits its own sequence; the index as a whole has reached
  // the lowest of them (a crash between shard commits leaves some behind,
  // and catching up from the lowest replays what they lack).
  auto lowest = [](std::vector<int64_t> sequences) {
    return sequences.empty() ? int64_t{0} : *std::min_element(sequences.begin(), sequences.end());
  };
  std::lock_guard<std::mutex> lock(impl_->write_mu_);
  std::vector<int64_t> sequences;
  try {
    if (impl_->shards_.empty()) {
      std::shared_lock<std::shared_mutex> commits(impl_->commit_mu_);
      for (const std::string& path : impl_->shard_paths_) sequences.push_back(ParseSequence(Xapian::Database(path).get_metadata(kSequenceKey)));
      return lowest(sequences);
    }
    ND_RETURN_IF_ERROR(impl_->Heal());
    ND_RETURN_IF_ERROR(impl_->WaitAll());
    for (auto& shard : impl_->shards_) {
      try {
        sequences.push_back(ParseSequence(shard->db().get_metadata(kSequenceKey)));
      } catch (const Xapian::DatabaseError&) {
        shard->MarkBroken();
        throw;
      }
    }
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "read sequence");
  } catch (const std::exception& e) {
    return Status::Internal(fmt::format("search index: read sequence: {}", e.what()));
  }
  return lowest(sequences);
}

Status SearchIndex::Commit() {
  std::lock_guard<std::mutex> lock(impl_->write_mu_);
  ND_RETURN_IF_ERROR(impl_->Writable("commit"));
  ND_RETURN_IF_ERROR(impl_->Heal());
  ND_RETURN_IF_ERROR(impl_->WaitAll());
  // The shards commit in parallel, each with its sequence; readers wait to
  // reopen until all have, so a search never mixes two commits.
  std::unique_lock<std::shared_mutex> commits(impl_->commit_mu_);
  return impl_->OnEveryShard("commit", [](Xapian::WritableDatabase& db) { db.commit(); });
}

SearchIndex::SearchIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SearchIndex::~SearchIndex() = default;

Result<std::unique_ptr<SearchIndex>> SearchIndex::Open(const std::string& directory, const SearchOptions& options) {
  auto impl = std::make_unique<Impl>(directory, options, s::Lemmatizer::Shared(options.hunspell_dictionary));
  ND_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<SearchIndex>(new SearchIndex(std::move(impl)));
}

int SearchIndex::ShardCount() const { return static_cast<int>(impl_->shard_paths_.size()); }

}  // namespace newsdesk
