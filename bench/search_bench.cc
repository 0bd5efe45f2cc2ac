// Search speed (issue 5): N synthetic articles, half Russian and half
// English, indexed with our SearchIndex twice — one shard, then sharded (one
// shard per hardware thread, or --shards) — and with SQLite FTS5 (unicode61
// tokenizer, no stemming), then the same 1,000 queries of one to three words
// against each. Prints documents/s, index size, query latency p50/p99, the
// scaling from one shard to N and the ratios to FTS5.
//
// Articles are word salad with real word frequencies: the vocabulary is every
// word of the fixture texts (../shared/fixtures/{ru,en}-pages/*.expected.json,
// "text"), ranked by frequency and drawn with Zipf's law (weight 1/rank).
// Query words skip the 100 most frequent ranks (stop words, which our search
// refuses alone and FTS5 would scan in full) and are drawn by the same law.
// A fixed seed makes every run index and ask the same things.
//
// Usage: search_bench --fixtures DIR --dir TMPDIR [--n 100000] [--queries 1000]
//          [--shards N] [--batch 5000] [--no-single] [--no-spelling] [--no-lemmas]
//          [--xapian-only] [--search-only]
//        (bench/search passes the fixtures and a temporary directory)
#include <sqlite3.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "search/search.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr uint64_t kSeed = 20240501;
int batch = 5000;                      // documents per commit / transaction, for both engines (--batch)
constexpr size_t kQuerySkipTop = 100;  // query words skip the most frequent ranks

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

// CpuSeconds: the process's CPU time so far, every thread's. Documents per
// CPU-second is what an indexer costs whatever else the machine runs (other
// builds share its 2 cores), and times the cores gives what it could reach.
double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// Lower-case a UTF-8 word of ASCII and Cyrillic letters; "" if it has other characters.
std::string LowerWord(const std::string& w, bool cyrillic) {
  std::string out;
  for (size_t i = 0; i < w.size();) {
    unsigned char c = static_cast<unsigned char>(w[i]);
    if (!cyrillic && c < 0x80 && std::isalpha(c)) {
      out += static_cast<char>(std::tolower(c));
      ++i;
    } else if (cyrillic && (c == 0xD0 || c == 0xD1) && i + 1 < w.size()) {
      unsigned cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(w[i + 1]) & 0x3F);
      if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;
      if (cp == 0x401) cp = 0x451;
      if (cp < 0x430 || cp > 0x451) return "";
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
      i += 2;
    } else {
      return "";
    }
  }
  return out;
}

// Vocabulary: distinct words by falling frequency, drawn by Zipf's law.
class Vocabulary {
 public:
  void Count(const std::string& text, bool cyrillic) {
    std::string word;
    auto flush = [&] {
      std::string w = LowerWord(word, cyrillic);
      if (!w.empty()) ++counts_[w];
      word.clear();
    };
    for (size_t i = 0; i < text.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      bool letter = std::isalpha(c) || c >= 0x80;
      if (letter) word += static_cast<char>(c);
      else flush();
    }
    flush();
  }
  void Rank() {
    for (auto& [w, n] : counts_) words_.push_back(w);
    std::sort(words_.begin(), words_.end(), [&](const std::string& a, const std::string& b) {
      return counts_[a] != counts_[b] ? counts_[a] > counts_[b] : a < b;
    });
    double sum = 0;
    for (size_t r = 0; r < words_.size(); ++r) cdf_.push_back(sum += 1.0 / static_cast<double>(r + 1));
  }
  size_t size() const { return words_.size(); }
  // Draw a word with rank >= min_rank.
  const std::string& Draw(std::mt19937_64& rng, size_t min_rank = 0) const {
    const double lo = min_rank == 0 ? 0 : cdf_[min_rank - 1];
    std::uniform_real_distribution<double> u(lo, cdf_.back());
    size_t r = static_cast<size_t>(std::upper_bound(cdf_.begin(), cdf_.end(), u(rng)) - cdf_.begin());
    return words_[std::min(r, words_.size() - 1)];
  }

 private:
  std::unordered_map<std::string, int> counts_;
  std::vector<std::string> words_;
  std::vector<double> cdf_;
};

std::string Capitalised(const std::string& w) {
  if (w.empty()) return w;
  unsigned char c = static_cast<unsigned char>(w[0]);
  if (c < 0x80) return static_cast<char>(std::toupper(c)) + w.substr(1);
  unsigned cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(w[1]) & 0x3F);
  if (cp >= 0x430 && cp <= 0x44F) cp -= 0x20;
  if (cp == 0x451) cp = 0x401;
  std::string out;
  out += static_cast<char>(0xC0 | (cp >> 6));
  out += static_cast<char>(0x80 | (cp & 0x3F));
  return out + w.substr(2);
}

struct Corpus {
  Vocabulary ru, en;
  int n = 0;

  // Article i, the same on every call: even ids Russian, odd English.
  newsdesk::SearchDocument Article(int i) const {
    std::mt19937_64 rng(kSeed * 1000003 + static_cast<uint64_t>(i));
    const bool russian = i % 2 == 0;
    const Vocabulary& v = russian ? ru : en;
    auto sentence = [&](int words) {
      std::string s;
      for (int k = 0; k < words; ++k) {
        const std::string& w = v.Draw(rng);
        s += k == 0 ? Capitalised(w) : " " + w;
      }
      return s;
    };
    newsdesk::SearchDocument d;
    d.id = i + 1;
    d.slug = fmt::format("article-{}", i + 1);
    d.source = fmt::format("source-{}", rng() % 40);
    d.story_id = static_cast<int64_t>(rng() % 30000) + 1;
    d.published_at = newsdesk::TimePoint(std::chrono::seconds(1'640'000'000 + static_cast<int64_t>(rng() % 63'000'000)));
    d.original.language = russian ? "ru" : "en";
    d.original.headline = sentence(6 + static_cast<int>(rng() % 6));
    const int body_words = 120 + static_cast<int>(rng() % 300);  // 120..419, mean 270
    for (int written = 0; written < body_words;) {
      int len = 8 + static_cast<int>(rng() % 12);
      d.original.body_text += sentence(len) + (rng() % 4 == 0 ? ".\n\n" : ". ");
      written += len;
    }
    for (int e = static_cast<int>(rng() % 4); e > 0; --e) d.entities.push_back(fmt::format("entity-{}", rng() % 300));
    return d;
  }

  std::vector<std::string> Queries(int count) const {
    std::mt19937_64 rng(kSeed + 7);
    std::vector<std::string> out;
    for (int q = 0; q < count; ++q) {
      const Vocabulary& v = q % 2 == 0 ? ru : en;
      int words = 1 + static_cast<int>(rng() % 3);
      std::string text;
      for (int k = 0; k < words; ++k) text += (k ? " " : "") + v.Draw(rng, kQuerySkipTop);
      out.push_back(text);
    }
    return out;
  }
};

uint64_t DiskBytes(const fs::path& p) {
  uint64_t total = 0;
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) return fs::file_size(p, ec);
  for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

struct Latency {
  double p50_ms = 0, p99_ms = 0, mean_ms = 0;
};

Latency Percentiles(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Latency l;
  if (ms.empty()) return l;
  l.p50_ms = ms[ms.size() / 2];
  l.p99_ms = ms[std::min(ms.size() - 1, static_cast<size_t>(std::ceil(ms.size() * 0.99)) - 1)];
  double sum = 0;
  for (double x : ms) sum += x;
  l.mean_ms = sum / static_cast<double>(ms.size());
  return l;
}

struct EngineResult {
  int shards = 0;
  double docs_per_s = 0;
  double docs_per_cpu_s = 0;  // documents per CPU-second, over every thread
  uint64_t bytes = 0;
  Latency query;
  double mean_hits = 0;
};

bool Check(const newsdesk::Status& st) {
  if (!st.ok()) std::fprintf(stderr, "search_bench: %s\n", st.ToString().c_str());
  return st.ok();
}

bool RunXapian(const Corpus& corpus, const std::vector<std::string>& queries, const fs::path& dir,
               const newsdesk::SearchOptions& options, bool search_only, EngineResult* out, Latency* api) {
  auto opened = newsdesk::SearchIndex::Open(dir.string(), options);
  if (!Check(opened.status())) return false;
  auto& index = *opened.value();
  out->shards = index.ShardCount();
  auto start = Clock::now();
  const double cpu_start = CpuSeconds();
  for (int i = 0; i < corpus.n && !search_only; ++i) {
    if (!Check(index.Put(corpus.Article(i)))) return false;
    if ((i + 1) % batch == 0 && !Check(index.Commit())) return false;
  }
  if (!Check(index.Commit())) return false;
  out->docs_per_s = search_only ? 0 : corpus.n / Seconds(start);
  out->docs_per_cpu_s = search_only ? 0 : corpus.n / (CpuSeconds() - cpu_start);
  out->bytes = DiskBytes(dir);
  std::vector<double> page_ms, api_ms;
  int64_t hits = 0;
  for (bool facets : {true, false}) {
    for (const std::string& text : queries) {
      newsdesk::SearchQuery q;
      q.text = text;
      q.facets = facets;
      auto t = Clock::now();
      auto r = index.Search(q);
      (facets ? page_ms : api_ms).push_back(Seconds(t) * 1000);
      if (!Check(r.status())) return false;
      if (facets) hits += r->total;
    }
  }
  out->query = Percentiles(page_ms);
  *api = Percentiles(api_ms);
  if (search_only) {  // profiling: which queries make the tail
    std::vector<size_t> order(queries.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return page_ms[a] > page_ms[b]; });
    for (size_t i = 0; i < std::min<size_t>(8, order.size()); ++i) {
      std::printf("  slow: %6.2f ms (%6.2f without facets) \"%s\"\n", page_ms[order[i]], api_ms[order[i]],
                  queries[order[i]].c_str());
    }
  }
  out->mean_hits = static_cast<double>(hits) / static_cast<double>(queries.size());
  return true;
}

bool Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "search_bench: sqlite: %s: %s\n", sql, err ? err : "?");
    sqlite3_free(err);
    return false;
  }
  return true;
}

// FTS5 takes the same words, each quoted so none is read as syntax; the
// implicit operator is AND, as in ours.
std::string Fts5Query(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out += (out.empty() ? "\"" : " \"") + text.substr(start, end - start) + "\"";
    start = end + 1;
  }
  return out;
}

bool RunFts5(const Corpus& corpus, const std::vector<std::string>& queries, const fs::path& file, EngineResult* out) {
  sqlite3* db = nullptr;
  if (sqlite3_open(file.string().c_str(), &db) != SQLITE_OK) return false;
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> guard(db, sqlite3_close);
  if (!Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") ||
      !Exec(db, "CREATE VIRTUAL TABLE articles USING fts5(headline, body, tokenize='unicode61')")) {
    return false;
  }
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO articles(rowid, headline, body) VALUES (?, ?, ?)", -1, &insert, nullptr);
  auto start = Clock::now();
  const double cpu_start = CpuSeconds();
  Exec(db, "BEGIN");
  for (int i = 0; i < corpus.n; ++i) {
    newsdesk::SearchDocument d = corpus.Article(i);
    sqlite3_bind_int64(insert, 1, d.id);
    sqlite3_bind_text(insert, 2, d.original.headline.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 3, d.original.body_text.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(insert) != SQLITE_DONE) {
      std::fprintf(stderr, "search_bench: fts5 insert: %s\n", sqlite3_errmsg(db));
      return false;
    }
    sqlite3_reset(insert);
    if ((i + 1) % batch == 0) Exec(db, "COMMIT; BEGIN");
  }
  Exec(db, "COMMIT");
  sqlite3_finalize(insert);
  Exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  out->docs_per_s = corpus.n / Seconds(start);
  out->docs_per_cpu_s = corpus.n / (CpuSeconds() - cpu_start);
  out->bytes = DiskBytes(file) + DiskBytes(file.string() + "-wal");

  // A page of results like ours: the 20 best by bm25 (headline weighted 3
  // to 1, as ours), each with a highlighted snippet.
  sqlite3_stmt* select = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT rowid, headline, snippet(articles, 1, '<mark>', '</mark>', '…', 40) FROM articles "
                     "WHERE articles MATCH ? ORDER BY bm25(articles, 3.0, 1.0) LIMIT 20",
                     -1, &select, nullptr);
  std::vector<double> ms;
  for (const std::string& text : queries) {
    const std::string q = Fts5Query(text);
    auto t = Clock::now();
    sqlite3_bind_text(select, 1, q.c_str(), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
    }
    sqlite3_reset(select);
    ms.push_back(Seconds(t) * 1000);
    if (rc != SQLITE_DONE) {
      std::fprintf(stderr, "search_bench: fts5 query %s: %s\n", q.c_str(), sqlite3_errmsg(db));
      return false;
    }
  }
  sqlite3_finalize(select);
  out->query = Percentiles(ms);
  return true;
}

bool LoadFixtures(const fs::path& fixtures, Corpus* corpus) {
  int files = 0;
  for (const char* lang : {"ru", "en"}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fixtures / fmt::format("{}-pages", lang), ec)) {
      const std::string name = e.path().filename().string();
      if (!name.ends_with(".expected.json")) continue;
      std::ifstream in(e.path());
      nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
      if (!j.is_object() || !j.contains("text") || !j["text"].is_string()) continue;
      const bool russian = std::string(lang) == "ru";
      (russian ? corpus->ru : corpus->en).Count(j["text"].get<std::string>(), russian);
      ++files;
    }
  }
  corpus->ru.Rank();
  corpus->en.Rank();
  return files > 0 && corpus->ru.size() > kQuerySkipTop && corpus->en.size() > kQuerySkipTop;
}

std::string Megabytes(uint64_t bytes) { return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6); }

}  // namespace

int main(int argc, char** argv) {
  fs::path fixtures, dir;
  Corpus corpus;
  corpus.n = 100000;
  int query_count = 1000;
  newsdesk::SearchOptions options;
  bool xapian_only = false, search_only = false, run_single = true;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    // Switches, to see what each feature costs.
    if (flag == "--no-spelling") {
      options.spelling = false;
      continue;
    }
    if (flag == "--no-lemmas") {
      options.hunspell_dictionary = "";
      continue;
    }
    if (flag == "--no-single") {  // skip the one-shard run
      run_single = false;
      continue;
    }
    if (flag == "--xapian-only") {
      xapian_only = true;
      continue;
    }
    if (flag == "--search-only") {  // queries against the index a previous --xapian-only run left in --dir
      xapian_only = search_only = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "search_bench: %s needs a value\n", flag.c_str());
      return 2;
    }
    const std::string value = argv[++i];
    if (flag == "--fixtures") fixtures = value;
    else if (flag == "--dir") dir = value;
    else if (flag == "--n") corpus.n = std::max(1, std::atoi(value.c_str()));
    else if (flag == "--queries") query_count = std::max(1, std::atoi(value.c_str()));
    else if (flag == "--shards") options.shards = std::max(0, std::atoi(value.c_str()));
    else if (flag == "--batch") batch = std::max(1, std::atoi(value.c_str()));
    else {
      std::fprintf(stderr, "search_bench: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (fixtures.empty() || dir.empty()) {
    std::fprintf(stderr, "usage: search_bench --fixtures DIR --dir TMPDIR [--n 100000] [--queries 1000]\n");
    return 2;
  }
  if (!LoadFixtures(fixtures, &corpus)) {
    std::fprintf(stderr, "search_bench: no fixture texts under %s\n", fixtures.string().c_str());
    return 1;
  }
  const std::vector<std::string> queries = corpus.Queries(query_count);
  std::printf("corpus: %d synthetic articles (half ru, half en; 120-419 body words), vocabulary %zu ru + %zu en words\n",
              corpus.n, corpus.ru.size(), corpus.en.size());

  {
    // What making the articles costs alone: a ceiling for every engine here,
    // as each is fed from this one thread.
    const int sample = std::min(corpus.n, 5000);
    auto start = Clock::now();
    size_t bytes = 0;
    for (int i = 0; i < sample; ++i) bytes += corpus.Article(i).original.body_text.size();
    std::printf("generating articles alone: %.0f docs/s (%.0f body bytes on average)\n", sample / Seconds(start),
                static_cast<double>(bytes) / sample);
  }

  auto print = [](const EngineResult& r, const Latency& api) {
    std::printf("xapian, %d shard%s: %.0f docs/s (%.0f per CPU-second), index %s, page query p50 %.2f ms p99 %.2f ms (mean %.2f; %.0f "
                "matches on average); without facets p50 %.2f ms p99 %.2f ms\n",
                r.shards, r.shards == 1 ? "" : "s", r.docs_per_s, r.docs_per_cpu_s, Megabytes(r.bytes).c_str(), r.query.p50_ms,
                r.query.p99_ms, r.query.mean_ms, r.mean_hits, api.p50_ms, api.p99_ms);
    std::fflush(stdout);
  };
  EngineResult single, xapian, fts5;
  Latency single_api, api;
  if (run_single && !search_only) {
    newsdesk::SearchOptions one = options;
    one.shards = 1;
    if (!RunXapian(corpus, queries, dir / "xapian-1", one, false, &single, &single_api)) return 1;
    print(single, single_api);
  }
  if (!RunXapian(corpus, queries, dir / "xapian", options, search_only, &xapian, &api)) return 1;
  print(xapian, api);
  if (single.docs_per_s > 0 && xapian.docs_per_s > 0) {
    std::printf("xapian scaling: %d shards index %.2fx the documents/s of 1 (%.0f docs/s per shard)\n", xapian.shards,
                xapian.docs_per_s / single.docs_per_s, xapian.docs_per_s / xapian.shards);
  }
  if (xapian_only) return 0;
  if (!RunFts5(corpus, queries, dir / "fts5.db", &fts5)) return 1;
  std::printf("fts5: %.0f docs/s (%.0f per CPU-second), index %s, page query p50 %.2f ms p99 %.2f ms (mean %.2f)\n",
              fts5.docs_per_s, fts5.docs_per_cpu_s,
              Megabytes(fts5.bytes).c_str(), fts5.query.p50_ms, fts5.query.p99_ms, fts5.query.mean_ms);
  std::printf("xapian (%d shards)/fts5: indexing speed %.2fx, index size %.2fx, p50 %.2fx, p99 %.2fx\n",
              xapian.shards, xapian.docs_per_s / fts5.docs_per_s, static_cast<double>(xapian.bytes) / static_cast<double>(fts5.bytes),
              xapian.query.p50_ms / fts5.query.p50_ms, xapian.query.p99_ms / fts5.query.p99_ms);
  std::printf("targets: indexing >= 3000 docs/s %s (%.0f); query p99 < 20 ms %s (%.2f ms)\n",
              xapian.docs_per_s >= 3000 ? "met" : "NOT met", xapian.docs_per_s,
              xapian.query.p99_ms < 20 ? "met" : "NOT met", xapian.query.p99_ms);
  return 0;
}
