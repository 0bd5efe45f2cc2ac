// Searching the index (search/search.h, search_internal.h): a query's text
// cleaned, parsed by Xapian with filters and dates, its Russian words
// expanded to their lemmas' terms, run on a pooled reader over every shard,
// and its hits rendered with highlighted snippets, facets and a spelling
// suggestion. How documents get into the index is indexing.cc's.
#include "search/search.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/block_json.h"
#include "search/search_internal.h"

namespace newsdesk {

using namespace search_internal;

namespace {

constexpr int kMaxPerPage = 100;
constexpr Xapian::doccount kMaxOffset = 10000;  // deeper pages cost more than anyone reads
constexpr Xapian::doccount kFacetSample = 2000;
constexpr size_t kFacetsShown = 20;
constexpr Xapian::doccount kFewResults = 3;  // below this, offer a spelling suggestion
constexpr size_t kSnippetBytes = 300;
constexpr Xapian::termcount kWildcardLimit = 200;
constexpr size_t kPooledReaders = 8;

const std::set<std::string>& FilterNames() {
  static const std::set<std::string> names = {"source", "lang", "mention", "story", "from", "to"};
  return names;
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

std::unique_ptr<Xapian::Database> SearchIndex::Impl::AcquireDatabase() {
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

void SearchIndex::Impl::Release(std::unique_ptr<Xapian::Database> db) {
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (pool_.size() < kPooledReaders) pool_.push_back(std::move(db));
}

Result<int64_t> SearchIndex::DocumentCount() {
  return impl_->WithReader<int64_t>("count",
                                    [](Xapian::Database& db) { return static_cast<int64_t>(db.get_doccount()); });
}

Result<SearchResults> SearchIndex::Search(const SearchQuery& query) {
  const s::CleanedQuery cleaned = s::CleanQuery(query.text, FilterNames());
  return impl_->WithReader<SearchResults>("search",
                                          [&](Xapian::Database& db) { return impl_->Run(db, query, cleaned); });
}

// issue 17, part 5: related articles.
namespace {

constexpr int kMaxRelated = 20;
constexpr int kMaxRelatedTerms = 200;

// WordStems lets only word stems (Z terms) that are no stop words into the
// expansion: boolean terms carry no words, and lemma terms (XH) repeat
// their word's stem.
class WordStems : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override {
    return term.size() > 1 && term.rfind(s::kStemPrefix, 0) == 0 && !s::IsStopword(term.substr(1));
  }
};

bool HasPrefix(const std::string& term, std::string_view prefix) { return term.compare(0, prefix.size(), prefix) == 0; }

}  // namespace

Result<std::vector<int64_t>> SearchIndex::Related(int64_t id, const RelatedQuery& query) {
  using Q = Xapian::Query;
  return impl_->WithReader<std::vector<int64_t>>("related", [&](Xapian::Database& db) {
    std::vector<int64_t> out;
    const std::string id_term = IdTerm(id);
    Xapian::PostingIterator posting = db.postlist_begin(id_term);
    if (posting == db.postlist_end(id_term)) return out;
    const Xapian::docid doc = *posting;

    std::vector<Q> left_out{Q(id_term)};
    std::vector<Q> parts;
    // Entities are boolean terms (no wdf, so no BM25 weight of their own):
    // a fixed weight, their idf, for each article that shares one. The
    // "+ 1" keeps it positive when half the articles mention the entity.
    const double articles = db.get_doccount();
    for (Xapian::TermIterator t = db.termlist_begin(doc); t != db.termlist_end(doc); ++t) {
      const std::string term = *t;
      if (HasPrefix(term, s::kStoryPrefix)) {
        left_out.emplace_back(term);
      } else if (HasPrefix(term, s::kMentionPrefix)) {
        const double having = db.get_termfreq(term);
        const double idf = std::log(1 + (articles - having + 0.5) / (having + 0.5));
        parts.emplace_back(Q::OP_FILTER, Q((new Xapian::FixedWeightPostingSource(idf))->release()), Q(term));
      }
    }

    Xapian::Enquire enquire(db);
    Xapian::RSet relevant;
    relevant.add_document(doc);
    const WordStems words;
    const Xapian::ESet eset =
        enquire.get_eset(static_cast<Xapian::termcount>(std::clamp(query.terms, 1, kMaxRelatedTerms)), relevant, &words);
    for (Xapian::ESetIterator t = eset.begin(); t != eset.end(); ++t) {
      // The ESet's weight says how telling the term is of the article; BM25
      // then weighs how much of it each candidate has.
      if (t.get_weight() > 0) parts.emplace_back(Q::OP_SCALE_WEIGHT, Q(*t), t.get_weight());
    }
    if (parts.empty()) return out;

    enquire.set_query(Q(Q::OP_AND_NOT, Q(Q::OP_OR, parts.begin(), parts.end()),
                        Q(Q::OP_OR, left_out.begin(), left_out.end())));
    const Xapian::MSet matches =
        enquire.get_mset(0, static_cast<Xapian::doccount>(std::clamp(query.limit, 1, kMaxRelated)));
    for (Xapian::MSetIterator m = matches.begin(); m != matches.end(); ++m) {
      const StoredDocument stored = DecodeData(m.get_document().get_data());
      if (stored.id != 0) out.push_back(stored.id);
    }
    return out;
  });
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

}  // namespace newsdesk
