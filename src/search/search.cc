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
#include "search/search.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <xapian.h>

#include "model/block_json.h"
#include "search/analysis.h"
#include "search/lemmatizer.h"
#include "search/query_text.h"

namespace newsdesk {
namespace {

namespace s = ::newsdesk::search;

constexpr Xapian::termcount kHeadlineWdf = 3;
constexpr int kMaxPerPage = 100;
constexpr Xapian::doccount kMaxOffset = 10000;  // deeper pages cost more than anyone reads
constexpr Xapian::doccount kFacetSample = 2000;
constexpr size_t kFacetsShown = 20;
constexpr Xapian::doccount kFewResults = 3;  // below this, offer a spelling suggestion
constexpr size_t kSnippetBytes = 300;
constexpr Xapian::termcount kWildcardLimit = 200;
constexpr int kModifiedRetries = 3;
constexpr size_t kPooledReaders = 8;
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

const std::set<std::string>& FilterNames() {
  static const std::set<std::string> names = {"source", "lang", "mention", "story", "from", "to"};
  return names;
}

// IdTerm lower-cases ids (slugs, language codes, entity ids) and turns
// control characters, which separate the facets slot's fields, into '_'.
std::string IdTerm(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (static_cast<unsigned char>(c) < 0x20) c = '_';
  }
  return s;
}

// Term joins a prefix and a value (not with `+`: g++ 12 warns falsely,
// -Wrestrict, on a one-letter literal plus a string).
std::string Term(std::string_view prefix, std::string_view value) {
  std::string term;
  term.reserve(prefix.size() + value.size());
  term.append(prefix).append(value);
  return term;
}

std::string IdTerm(int64_t id) { return Term(s::kIdPrefix, std::to_string(id)); }

std::string SortableTime(TimePoint t) {
  return Xapian::sortable_serialise(static_cast<double>(t.time_since_epoch().count()));
}

Status FromXapian(const Xapian::Error& e, const std::string& what) {
  return Status::IOError(fmt::format("search index: {}: {}", what, e.get_description()));
}

// FacetSpy counts sources, languages and entities over the documents the
// match examines (Xapian's ValueCountMatchSpy takes one value per document
// and slot; an article has several languages and entities).
class FacetSpy : public Xapian::MatchSpy {
 public:
  static constexpr int kFields = 3;  // source, languages, entities

  void operator()(const Xapian::Document& doc, double) override {
    ++seen_;
    const std::string value = doc.get_value(s::kFacetsSlot);
    int field = 0;
    size_t start = 0;
    for (size_t i = 0; i < value.size() && field < kFields; ++i) {
      if (value[i] != s::kFieldEnd && value[i] != s::kItemEnd) continue;
      if (i > start) ++counts_[field][value.substr(start, i - start)];
      start = i + 1;
      if (value[i] == s::kFieldEnd) ++field;
    }
  }
  std::string name() const override { return "newsdesk::FacetSpy"; }

  // Top returns a field's most frequent values; counts are scaled to
  // `total` when the match examined fewer documents than it estimates.
  std::vector<Facet> Top(int field, Xapian::doccount total) const {
    std::vector<Facet> out;
    const double scale = seen_ > 0 && total > seen_ ? static_cast<double>(total) / seen_ : 1.0;
    for (const auto& [value, count] : counts_[field]) {
      out.push_back({value, static_cast<int64_t>(count * scale + 0.5)});
    }
    std::sort(out.begin(), out.end(), [](const Facet& a, const Facet& b) {
      return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
    if (out.size() > kFacetsShown) out.resize(kFacetsShown);
    return out;
  }

 private:
  Xapian::doccount seen_ = 0;
  std::unordered_map<std::string, int64_t> counts_[kFields];
};

// DateFilter reads from:/to: values in the query text. A malformed date is
// ignored (the filter matches everything) and remembered for the notice.
class DateFilter : public Xapian::FieldProcessor {
 public:
  explicit DateFilter(bool end) : end_(end) {}
  Xapian::Query operator()(const std::string& value) override {
    std::optional<TimePoint> t = ParseSearchDate(value, end_);
    if (!t) {
      bad_.push_back(fmt::format("{}:{}", end_ ? "to" : "from", value));
      return Xapian::Query::MatchAll;
    }
    return Xapian::Query(end_ ? Xapian::Query::OP_VALUE_LE : Xapian::Query::OP_VALUE_GE, s::kPublishedSlot,
                         SortableTime(*t));
  }
  const std::vector<std::string>& bad() const { return bad_; }

 private:
  bool end_;
  std::vector<std::string> bad_;
};

// LemmaExpansion: for the stem term of each Russian query word, the terms
// that find the other forms of its lemmas.
struct LemmaExpansion {
  std::map<std::string, std::vector<std::string>> by_stem_term;  // "Zребенк" → {"XHребенок", "Zребенок"}
  std::map<std::string, std::string> stem_of_lemma;              // "ребенок" → "ребенк": for snippets
};

LemmaExpansion ExpandWords(const std::vector<std::string>& words, s::Lemmatizer& lemmatizer, Xapian::Stem& stem) {
  LemmaExpansion out;
  for (const std::string& word : words) {
    if (!s::IsCyrillicWord(word) || s::IsStopword(word)) continue;
    std::vector<std::string> lemmas = lemmatizer.Lemmas(word);
    if (lemmas.empty()) continue;
    const std::string word_stem = stem(word);
    std::vector<std::string>& extra = out.by_stem_term[Term(s::kStemPrefix, word_stem)];
    auto add = [&](std::string term) {
      if (std::find(extra.begin(), extra.end(), term) == extra.end()) extra.push_back(std::move(term));
    };
    for (const std::string& lemma : lemmas) {
      add(Term(s::kLemmaPrefix, lemma));
      const std::string lemma_stem = stem(lemma);
      if (lemma_stem != word_stem) add(Term(s::kStemPrefix, lemma_stem));
      out.stem_of_lemma.emplace(lemma, word_stem);
    }
  }
  return out;
}

// Expand replaces each stem term of `q` that has lemma terms with
// OP_SYNONYM(term, lemma terms...). Xapian 1.4 lets a query be taken apart
// but not every node be rebuilt (a phrase's window, a wildcard's pattern are
// not exposed), so only the boolean structure is rebuilt and every other
// node is kept whole; stems inside phrases are unaffected, as they should be.
Xapian::Query Expand(const Xapian::Query& q, const LemmaExpansion& expansion) {
  using Q = Xapian::Query;
  switch (q.get_type()) {
    case Q::LEAF_TERM: {
      auto found = expansion.by_stem_term.find(*q.get_terms_begin());
      if (found == expansion.by_stem_term.end()) return q;
      std::vector<Q> synonyms{q};
      for (const std::string& term : found->second) synonyms.emplace_back(term);
      return Q(Q::OP_SYNONYM, synonyms.begin(), synonyms.end());
    }
    case Q::OP_AND:
    case Q::OP_OR:
    case Q::OP_AND_NOT:
    case Q::OP_XOR:
    case Q::OP_AND_MAYBE:
    case Q::OP_FILTER:
    case Q::OP_MAX: {
      std::vector<Q> parts;
      for (size_t i = 0; i < q.get_num_subqueries(); ++i) parts.push_back(Expand(q.get_subquery(i), expansion));
      return Q(q.get_type(), parts.begin(), parts.end());
    }
    default:
      return q;
  }
}

// SnippetStemmer stems like MakeStemmer, except that a Russian word whose
// lemma a query word expanded to is given that query word's stem, so
// MSet::snippet highlights "ребёнка" for the query "ребёнок".
class SnippetStemmer : public Xapian::StemImplementation {
 public:
  SnippetStemmer(const LemmaExpansion& expansion, std::shared_ptr<s::Lemmatizer> lemmatizer)
      : expansion_(expansion), lemmatizer_(std::move(lemmatizer)), base_(s::MakeStemmer()) {}
  std::string operator()(const std::string& word) override {
    auto cached = cache_.find(word);
    if (cached != cache_.end()) return cached->second;
    std::string stem = base_(word);
    if (s::IsCyrillicWord(word) && !expansion_.by_stem_term.count(Term(s::kStemPrefix, stem))) {
      for (const std::string& lemma : *lemmatizer_->Find(word)) {
        auto found = expansion_.stem_of_lemma.find(lemma);
        if (found != expansion_.stem_of_lemma.end()) {
          stem = found->second;
          break;
        }
      }
    }
    return cache_.emplace(word, std::move(stem)).first->second;
  }
  std::string get_description() const override { return "newsdesk snippet stemmer"; }

 private:
  const LemmaExpansion& expansion_;
  std::shared_ptr<s::Lemmatizer> lemmatizer_;
  Xapian::Stem base_;
  std::unordered_map<std::string, std::string> cache_;  // the hits of one search share most words
};

// Highlighter: an empty match set whose query is every term the search can
// match — the stems inside phrases, the lemma synonyms, the expansions of
// wildcards — so MSet::snippet highlights all of them (the search's own set
// would leave phrase and wildcard words plain).
Xapian::MSet Highlighter(Xapian::Database& db, const Xapian::Query& query, const std::vector<std::string>& wildcards) {
  std::vector<Xapian::Query> terms;
  for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) terms.emplace_back(*t);
  for (const std::string& prefix : wildcards) {
    const std::string pattern = Term(s::kStemPrefix, prefix);
    Xapian::termcount taken = 0;
    for (auto t = db.allterms_begin(pattern); t != db.allterms_end(pattern) && taken < kWildcardLimit; ++t, ++taken) {
      terms.emplace_back(*t);
    }
  }
  Xapian::Enquire enquire(db);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
  return enquire.get_mset(0, 0);
}

// Notices collects what the reader is told about the query: the English
// sentences (`SearchResults::notice`, which the API gives) and the same as
// reasons (`SearchResults::notices`, which the pages translate).
struct Notices {
  std::vector<std::string> text;
  std::vector<Reason> reasons;
  void Add(std::string sentence, ReasonCode code, Reason::Args args = {}) {
    text.push_back(std::move(sentence));
    reasons.push_back(Reason{code, std::move(args)});
  }
};

// ParseText parses with every operator; when Xapian rejects the syntax,
// again without AND/OR/NOT, and at last as plain words and filters.
Xapian::Query ParseText(Xapian::QueryParser& parser, const std::string& text, const s::CleanedQuery& cleaned,
                        Notices* notices) {
  using P = Xapian::QueryParser;
  constexpr unsigned kFull = P::FLAG_PHRASE | P::FLAG_BOOLEAN | P::FLAG_LOVEHATE | P::FLAG_WILDCARD | P::FLAG_PURE_NOT;
  constexpr unsigned kNoOperators = kFull & ~(P::FLAG_BOOLEAN | P::FLAG_PURE_NOT);
  try {
    return parser.parse_query(text, kFull);
  } catch (const Xapian::QueryParserError&) {
  }
  try {
    Xapian::Query q = parser.parse_query(text, kNoOperators);
    notices->Add("AND, OR and NOT were read as words: the query did not make sense with them.",
                 ReasonCode::kSearchOperatorsAsWords);
    return q;
  } catch (const Xapian::QueryParserError&) {
  }
  notices->Add("The query's syntax could not be read, so it was searched for as plain words.",
               ReasonCode::kSearchSyntaxAsWords);
  try {
    return parser.parse_query(s::PlainWords(cleaned, FilterNames()), 0);
  } catch (const Xapian::QueryParserError&) {
    return Xapian::Query();
  }
}

struct StoredVersion {
  std::string language, headline, text;
};

struct StoredDocument {
  int64_t id = 0;
  std::string slug, source;
  int64_t published = 0;
  std::vector<StoredVersion> versions;  // the original first
};

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

// MakeHit renders one match. The version shown is the edition's if it
// matched, else the first that matched, else the edition's or the original.
// Snippets are tried with plain stems first: the lemma-aware stemmer asks
// Hunspell about every word of the text, which costs milliseconds for words
// it has not seen, and only a version matched through lemmas alone needs it.
SearchHit MakeHit(const Xapian::MSetIterator& match, const Xapian::MSet& highlight, const Xapian::Stem& stemmer,
                  const Xapian::Stem* lemma_stemmer, const std::string& edition) {
  const StoredDocument stored = DecodeData(match.get_document().get_data());
  SearchHit hit;
  hit.id = stored.id;
  hit.slug = stored.slug;
  hit.source = stored.source;
  hit.published_at = TimePoint(std::chrono::seconds(stored.published));
  hit.relevance = match.get_weight();
  std::vector<const StoredVersion*> order;
  for (const auto& v : stored.versions) {
    if (v.language == edition) order.insert(order.begin(), &v);
    else order.push_back(&v);
  }
  if (order.empty()) return hit;
  // (Xapian tells "no match" by the highlight markers: they must not be empty.)
  auto matched = [&](const std::string& text, const Xapian::Stem& st, const char* omit) {
    return highlight.snippet(text, kSnippetBytes, st, Xapian::MSet::SNIPPET_EMPTY_WITHOUT_MATCH, "<mark>", "</mark>",
                             omit);
  };
  std::vector<const Xapian::Stem*> stemmers{&stemmer};
  if (lemma_stemmer) stemmers.push_back(lemma_stemmer);
  const StoredVersion* chosen = nullptr;
  for (const StoredVersion* v : order) {
    for (const Xapian::Stem* st : stemmers) {
      hit.snippet_html = matched(v->text, *st, "…");
      if (!hit.snippet_html.empty() || !matched(v->headline, *st, "").empty()) {
        chosen = v;
        break;
      }
    }
    if (chosen) break;
  }
  if (!chosen) chosen = order.front();
  if (hit.snippet_html.empty()) {
    hit.snippet_html = highlight.snippet(chosen->text, kSnippetBytes, stemmer, 0, "<mark>", "</mark>", "…");
  }
  hit.language = chosen->language;
  hit.headline = chosen->headline;
  return hit;
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

std::optional<TimePoint> ParseSearchDate(std::string_view text, bool end) {
  namespace chr = std::chrono;
  auto number = [&](size_t pos, size_t len) -> std::optional<int> {
    if (pos + len > text.size()) return std::nullopt;
    int n = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      n = n * 10 + (text[i] - '0');
    }
    return n;
  };
  std::optional<int> y = number(0, 4), m, d;
  if (!y) return std::nullopt;
  if (text.size() == 4) {
    m = end ? 12 : 1;
  } else if (text.size() >= 7 && text[4] == '-') {
    m = number(5, 2);
    if (text.size() > 7) {
      if (text.size() != 10 || text[7] != '-') return std::nullopt;
      d = number(8, 2);
      if (!d) return std::nullopt;
    }
  }
  if (!m || (text.size() != 4 && text.size() != 7 && text.size() != 10)) return std::nullopt;
  const chr::year_month ym{chr::year{*y}, chr::month{static_cast<unsigned>(*m)}};
  if (!ym.ok()) return std::nullopt;
  const chr::year_month_day ymd = d ? chr::year_month_day{ym / chr::day{static_cast<unsigned>(*d)}}
                                    : (end ? chr::year_month_day{ym / chr::last} : chr::year_month_day{ym / chr::day{1}});
  if (!ymd.ok()) return std::nullopt;
  const TimePoint start{chr::sys_days{ymd}};
  return end ? start + chr::days{1} - chr::seconds{1} : start;
}

SearchDocument FromArticle(const Article& article, const std::vector<Translation>& translations) {
  SearchDocument doc;
  doc.id = article.id;
  doc.slug = article.slug;
  doc.source = article.source.slug;
  doc.story_id = article.story_id;
  doc.published_at = article.published_at;
  doc.original = {article.language, article.headline, PlainText(article.body)};
  for (const Translation& t : translations) {
    if (t.language == article.language) continue;
    doc.translations.push_back({t.language, t.headline, PlainText(t.body)});
  }
  for (const MentionRecord& m : article.mentions) doc.entities.push_back(m.entity);
  return doc;
}

namespace {

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
  bool busy_ = false;                               // GUARDED_BY(mu_)
  bool stopping_ = false;                           // GUARDED_BY(mu_)
  Status error_ = Status::Ok();                     // GUARDED_BY(mu_)
  std::thread thread_;
};

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

class SearchIndex::Impl {
 public:
  Impl(std::string directory, SearchOptions options, std::shared_ptr<s::Lemmatizer> lemmatizer)
      : directory_(std::move(directory)), options_(std::move(options)), lemmatizer_(std::move(lemmatizer)) {}
  ~Impl() {
    shards_.clear();  // drains and joins the writers first
    if (lock_fd_ >= 0) ::close(lock_fd_);
  }

  Status Open();
  Status Put(const SearchDocument& doc);
  Status Remove(int64_t id);
  Status Clear();
  Status SetIndexedSequence(int64_t sequence);
  Result<int64_t> IndexedSequence();
  Status Commit();
  Result<SearchResults> Search(const SearchQuery& query);
  Result<int64_t> DocumentCount();
  int ShardCount() const { return static_cast<int>(shard_paths_.size()); }

 private:
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
        if (attempt + 1 >= kModifiedRetries) return FromXapian(e, what);
      } catch (const Xapian::Error& e) {
        reader.MarkBroken();
        return FromXapian(e, what);
      } catch (const std::exception& e) {
        reader.MarkBroken();
        return Status::Internal(fmt::format("search index: {}: {}", what, e.what()));
      }
    }
  }

  // Every shard added to one Database: Xapian interleaves their document
  // ids and merges postings, statistics, values and spelling, so queries,
  // weights, sorting and paging are those of one database.
  std::unique_ptr<Xapian::Database> AcquireDatabase() {
    {
      std::lock_guard<std::mutex> lock(pool_mu_);
      if (!pool_.empty()) {
        auto db = std::move(pool_.back());
        pool_.pop_back();
        return db;
      }
    }
    auto db = std::make_unique<Xapian::Database>();
    for (const std::string& path : shard_paths_) db->add_database(Xapian::Database(path));
    return db;
  }
  void Release(std::unique_ptr<Xapian::Database> db) {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (pool_.size() < kPooledReaders) pool_.push_back(std::move(db));
  }

  // WaitAll waits until every shard has done its queued work; the first
  // failure among them.
  Status WaitAll() {  // REQUIRES: write_mu_
    Status first = Status::Ok();
    for (auto& shard : shards_) {
      Status st = shard->Wait();
      if (first.ok() && !st.ok()) first = std::move(st);
    }
    return first;
  }
  // OnEveryShard runs fn(db) on each shard's thread, in parallel, and waits.
  template <typename Fn>
  Status OnEveryShard(const char* what, Fn fn) {  // REQUIRES: write_mu_
    ND_RETURN_IF_ERROR(WaitAll());
    for (auto& shard : shards_) shard->Post(what, [fn](ShardWriter& w) { fn(w.db()); });
    return WaitAll();
  }
  Status Writable(const char* what) const {
    if (shards_.empty()) return Status::InvalidArgument(fmt::format("search index: {}: opened read-only", what));
    return Status::Ok();
  }
  ShardWriter& ShardOf(int64_t id) { return *shards_[static_cast<size_t>(id % static_cast<int64_t>(shards_.size()))]; }

  Status OpenReadOnly();
  Status LockDirectory();
  Result<SearchResults> Run(Xapian::Database& db, const SearchQuery& query, const s::CleanedQuery& cleaned);

  const std::string directory_;
  const SearchOptions options_;
  const std::shared_ptr<s::Lemmatizer> lemmatizer_;  // null: no lemmas
  std::vector<std::string> shard_paths_;             // set by Open, then constant
  int lock_fd_ = -1;

  std::mutex write_mu_;  // serialises Put, Remove, Clear, SetIndexedSequence, IndexedSequence, Commit
  std::vector<std::unique_ptr<ShardWriter>> shards_;  // GUARDED_BY(write_mu_); empty when read-only

  std::shared_mutex commit_mu_;  // held exclusively while the shards commit; readers (re)open under it shared

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Xapian::Database>> pool_;  // GUARDED_BY(pool_mu_)
};

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

Status SearchIndex::Impl::Put(const SearchDocument& in) {
  std::lock_guard<std::mutex> lock(write_mu_);
  ND_RETURN_IF_ERROR(Writable("put"));
  if (in.id < 0 || in.id > kMaxArticleId) {
    return Status::InvalidArgument(fmt::format("search index: put: article id {} out of range", in.id));
  }
  ShardWriter& shard = ShardOf(in.id);
  // The shard's local id that makes the merged id in.id + 1 for any shard
  // count (Xapian interleaves: merged = (local - 1) * N + shard + 1), so
  // documents rank and page the same however the index is split, and a
  // replayed Put replaces in place; into an empty shard it is an append.
  const auto local = static_cast<Xapian::docid>(in.id / static_cast<int64_t>(shards_.size()) + 1);
  shard.Post("put", [doc = in, local](ShardWriter& w) { w.db().replace_document(local, w.builder().Build(doc)); });
  return Status::Ok();
}

Status SearchIndex::Impl::Remove(int64_t id) {
  std::lock_guard<std::mutex> lock(write_mu_);
  ND_RETURN_IF_ERROR(Writable("remove"));
  if (id < 0 || id > kMaxArticleId) return Status::Ok();  // never indexed
  ShardOf(id).Post("remove", [id](ShardWriter& w) { w.db().delete_document(IdTerm(id)); });
  return Status::Ok();
}

Status SearchIndex::Impl::Clear() {
  std::lock_guard<std::mutex> lock(write_mu_);
  ND_RETURN_IF_ERROR(Writable("clear"));
  return OnEveryShard("clear", [](Xapian::WritableDatabase& db) {
    std::vector<Xapian::docid> ids;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) ids.push_back(*it);
    for (Xapian::docid id : ids) db.delete_document(id);
  });
}

Status SearchIndex::Impl::SetIndexedSequence(int64_t sequence) {
  std::lock_guard<std::mutex> lock(write_mu_);
  ND_RETURN_IF_ERROR(Writable("set sequence"));
  // After the Puts it covers are done, or not at all: a failed Put must not
  // be skipped by the next catch-up.
  return OnEveryShard("set sequence", [sequence](Xapian::WritableDatabase& db) {
    db.set_metadata(kSequenceKey, std::to_string(sequence));
  });
}

Result<int64_t> SearchIndex::Impl::IndexedSequence() {
  // Each shard commits its own sequence; the index as a whole has reached
  // the lowest of them (a crash between shard commits leaves some behind,
  // and catching up from the lowest replays what they lack).
  auto lowest = [](std::vector<int64_t> sequences) {
    return sequences.empty() ? int64_t{0} : *std::min_element(sequences.begin(), sequences.end());
  };
  std::lock_guard<std::mutex> lock(write_mu_);
  std::vector<int64_t> sequences;
  try {
    if (shards_.empty()) {
      std::shared_lock<std::shared_mutex> commits(commit_mu_);
      for (const std::string& path : shard_paths_) sequences.push_back(ParseSequence(Xapian::Database(path).get_metadata(kSequenceKey)));
      return lowest(sequences);
    }
    ND_RETURN_IF_ERROR(WaitAll());
    for (auto& shard : shards_) sequences.push_back(ParseSequence(shard->db().get_metadata(kSequenceKey)));
  } catch (const Xapian::Error& e) {
    return FromXapian(e, "read sequence");
  } catch (const std::exception& e) {
    return Status::Internal(fmt::format("search index: read sequence: {}", e.what()));
  }
  return lowest(sequences);
}

Status SearchIndex::Impl::Commit() {
  std::lock_guard<std::mutex> lock(write_mu_);
  ND_RETURN_IF_ERROR(Writable("commit"));
  ND_RETURN_IF_ERROR(WaitAll());
  // The shards commit in parallel, each with its sequence; readers wait to
  // reopen until all have, so a search never mixes two commits.
  std::unique_lock<std::shared_mutex> commits(commit_mu_);
  return OnEveryShard("commit", [](Xapian::WritableDatabase& db) { db.commit(); });
}

Result<int64_t> SearchIndex::Impl::DocumentCount() {
  return WithReader<int64_t>("count", [](Xapian::Database& db) { return static_cast<int64_t>(db.get_doccount()); });
}

Result<SearchResults> SearchIndex::Impl::Search(const SearchQuery& query) {
  const s::CleanedQuery cleaned = s::CleanQuery(query.text, FilterNames());
  return WithReader<SearchResults>("search", [&](Xapian::Database& db) { return Run(db, query, cleaned); });
}

Result<SearchResults> SearchIndex::Impl::Run(Xapian::Database& db, const SearchQuery& query,
                                             const s::CleanedQuery& cleaned) {
  using Q = Xapian::Query;
  SearchResults out;
  Notices notices;
  if (cleaned.truncated) {
    notices.Add(fmt::format("The query was too long and was cut to its first {} bytes.", s::kMaxQueryBytes),
                ReasonCode::kSearchQueryCut, {{"max", std::to_string(s::kMaxQueryBytes)}});
  }

  Xapian::Stem stemmer = s::MakeStemmer();
  DateFilter from_filter(false), to_filter(true);
  Xapian::QueryParser parser;
  parser.set_stemmer(stemmer);
  // Free text becomes Z + stem, phrases and wildcards included, as indexed.
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_ALL);
  parser.add_prefix("", s::kStemPrefix);
  parser.set_stopper(&s::Stopwords());
  parser.set_default_op(Q::OP_AND);
  parser.set_database(db);
  parser.set_max_expansion(kWildcardLimit, Q::WILDCARD_LIMIT_MOST_FREQUENT);
  parser.add_boolean_prefix("source", s::kSourcePrefix);
  parser.add_boolean_prefix("lang", s::kLanguagePrefix);
  parser.add_boolean_prefix("mention", s::kMentionPrefix);
  parser.add_boolean_prefix("story", s::kStoryPrefix);
  parser.add_boolean_prefix("from", &from_filter);
  parser.add_boolean_prefix("to", &to_filter);

  // Xapian keeps stop words when nothing else is left; a query of "the" or
  // "и" would then list half the archive, so its words are dropped with a
  // notice (its filters still apply: "the lang:en" lists English articles).
  const bool only_stopwords =
      !cleaned.words.empty() && !cleaned.quoted &&
      std::all_of(cleaned.words.begin(), cleaned.words.end(), [](const std::string& w) { return s::IsStopword(w); });
  std::string text = cleaned.text;
  if (only_stopwords) {
    notices.Add("The query has only very common words, which are not searched for alone.",
                ReasonCode::kSearchOnlyCommonWords);
    text = s::FiltersOnly(cleaned, FilterNames());
  }

  Q text_query = text.empty() ? Q() : ParseText(parser, text, cleaned, &notices);
  for (const DateFilter* f : {&from_filter, &to_filter}) {
    for (const std::string& bad : f->bad()) {
      notices.Add(fmt::format("{} is not a date (write YYYY-MM-DD) and was ignored.", bad), ReasonCode::kSearchBadDate,
                  {{"filter", bad}});
    }
  }

  LemmaExpansion expansion;
  if (lemmatizer_ && !text_query.empty()) {
    expansion = ExpandWords(cleaned.words, *lemmatizer_, stemmer);
    if (!expansion.by_stem_term.empty()) text_query = Expand(text_query, expansion);
  }

  std::vector<Q> filters;
  if (query.language) filters.emplace_back(Term(s::kLanguagePrefix, IdTerm(*query.language)));
  if (query.source) filters.emplace_back(Term(s::kSourcePrefix, IdTerm(*query.source)));
  if (query.mention) filters.emplace_back(Term(s::kMentionPrefix, IdTerm(*query.mention)));
  if (query.from) filters.emplace_back(Q::OP_VALUE_GE, s::kPublishedSlot, SortableTime(*query.from));
  if (query.to) filters.emplace_back(Q::OP_VALUE_LE, s::kPublishedSlot, SortableTime(*query.to));

  const bool has_text = !text_query.empty();
  const bool has_words = has_text && !cleaned.words.empty() && !only_stopwords;
  if (!has_text && filters.empty()) {
    if (notices.text.empty()) notices.Add("Type one or more words to search for.", ReasonCode::kSearchEmpty);
    out.notice = fmt::format("{}", fmt::join(notices.text, " "));
    out.notices = std::move(notices.reasons);
    return out;
  }
  Q full = has_text ? text_query : Q::MatchAll;
  if (!filters.empty()) full = Q(Q::OP_FILTER, full, Q(Q::OP_AND, filters.begin(), filters.end()));

  const int per_page = std::clamp(query.per_page, 1, kMaxPerPage);
  const int64_t wanted_first = (static_cast<int64_t>(std::max(query.page, 1)) - 1) * per_page;
  const auto first = static_cast<Xapian::doccount>(std::min<int64_t>(wanted_first, kMaxOffset));
  if (wanted_first > kMaxOffset) {
    notices.Add(fmt::format("Only the first {} results can be paged through.", kMaxOffset),
                ReasonCode::kSearchPageLimit, {{"max", std::to_string(kMaxOffset)}});
  }

  Xapian::Enquire enquire(db);
  enquire.set_query(full);
  // Without words there is no relevance to rank by: newest first.
  if (query.sort == SearchQuery::Sort::kDate || !has_words) {
    enquire.set_sort_by_value_then_relevance(s::kPublishedSlot, true);
  }
  FacetSpy facets;
  if (query.facets) enquire.add_matchspy(&facets);
  const Xapian::doccount check_at_least = query.facets ? std::max(kFacetSample, first + per_page) : 0;
  Xapian::MSet mset = enquire.get_mset(first, static_cast<Xapian::doccount>(per_page), check_at_least);
  enquire.clear_matchspies();
  out.total = mset.get_matches_estimated();

  std::optional<Xapian::Stem> lemma_stemmer;
  if (!expansion.stem_of_lemma.empty()) lemma_stemmer.emplace(new SnippetStemmer(expansion, lemmatizer_));
  const Xapian::MSet highlight = Highlighter(db, text_query, cleaned.wildcards);
  const std::string edition = IdTerm(query.edition);
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    out.hits.push_back(MakeHit(it, highlight, stemmer, lemma_stemmer ? &*lemma_stemmer : nullptr, edition));
  }

  // "Did you mean": each word the index lacks, replaced by the nearest word
  // Xapian's spelling table has (QueryParser's own correction skips words
  // with a prefix, and every word here has Z).
  if (mset.get_matches_estimated() < kFewResults && has_words) {
    out.suggestion = s::ReplaceWords(cleaned, FilterNames(), [&](const std::string& word) -> std::string {
      if (s::IsStopword(word) || db.term_exists(Term(s::kStemPrefix, stemmer(word)))) return "";
      return db.get_spelling_suggestion(word);
    });
  }
  if (query.facets) {
    out.sources = facets.Top(0, mset.get_matches_estimated());
    out.languages = facets.Top(1, mset.get_matches_estimated());
    out.mentions = facets.Top(2, mset.get_matches_estimated());
  }
  out.notice = fmt::format("{}", fmt::join(notices.text, " "));
  out.notices = std::move(notices.reasons);
  return out;
}

SearchIndex::SearchIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SearchIndex::~SearchIndex() = default;

Result<std::unique_ptr<SearchIndex>> SearchIndex::Open(const std::string& directory, const SearchOptions& options) {
  auto impl = std::make_unique<Impl>(directory, options, s::Lemmatizer::Shared(options.hunspell_dictionary));
  ND_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<SearchIndex>(new SearchIndex(std::move(impl)));
}

Status SearchIndex::Put(const SearchDocument& doc) { return impl_->Put(doc); }
Status SearchIndex::Remove(int64_t id) { return impl_->Remove(id); }
Status SearchIndex::Clear() { return impl_->Clear(); }
Status SearchIndex::SetIndexedSequence(int64_t sequence) { return impl_->SetIndexedSequence(sequence); }
Result<int64_t> SearchIndex::IndexedSequence() { return impl_->IndexedSequence(); }
Status SearchIndex::Commit() { return impl_->Commit(); }
Result<SearchResults> SearchIndex::Search(const SearchQuery& query) { return impl_->Search(query); }
Result<int64_t> SearchIndex::DocumentCount() { return impl_->DocumentCount(); }
int SearchIndex::ShardCount() const { return impl_->ShardCount(); }

}  // namespace newsdesk
