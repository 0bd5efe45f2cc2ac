#include "mentions/tagger.h"

#include <fmt/format.h>

#include "mentions/words.h"
#include "model/block_json.h"
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace newsdesk {

namespace {

using mentions::Script;
using mentions::SplitWords;
using mentions::Word;

// FoldedPrefix packs the first two code points of a word, case-folded with
// ё→е, into one number: a cheap filter before the tries.
uint64_t FoldedPrefix(std::string_view raw) {
  const auto* s = reinterpret_cast<const uint8_t*>(raw.data());
  const int32_t n = static_cast<int32_t>(raw.size());
  uint64_t key = 0;
  int32_t i = 0;
  for (int k = 0; k < 2 && i < n; ++k) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) c = 0xFFFD;
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') c += 32;
    } else if (c >= 0x0410 && c <= 0x042F) {
      c += 0x20;
    } else {
      c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
    }
    if (c == 0x0451 || c == 0x0401) c = 0x0435;
    key = (key << 32) | static_cast<uint32_t>(c);
  }
  return key;
}

// Heterogeneous lookup: find a std::string key by string_view, no copy.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Russian inflects names by their endings: Россия, России, Россией;
// Астана, Астане, Астаной. Aliases are written in the nominative; each alias
// word is stored as its base (without its nominative ending), and a text
// word matches when it is that base plus an ending of the same paradigm
// (the endings a word with that nominative ending takes). (Snowball's
// Russian stemmer was tried first: it cuts proper names inconsistently,
// "астана" to "аста" but "астане" to "астан".)
struct Paradigm {
  std::string nominative;
  std::vector<std::string> endings;  // including the nominative one
};

const std::vector<Paradigm>& RussianParadigms() {
  static const std::vector<Paradigm> kParadigms = {
      // adjectives (Шанхайская, Североатлантический, Соединённые)
      {"ая", {"ая", "ой", "ую", "ою", "ые", "ых", "ым", "ыми"}},
      {"яя", {"яя", "ей", "юю", "ею", "ие", "их", "им", "ими"}},
      {"ий", {"ий", "ого", "его", "ому", "ему", "им", "ом", "ем", "ие", "их", "ими"}},
      {"ый", {"ый", "ого", "ому", "ым", "ом", "ые", "ых", "ыми"}},
      {"ой", {"ой", "ого", "ому", "ым", "ом", "ые", "ых", "ыми"}},
      {"ое", {"ое", "ого", "ому", "ым", "ом"}},
      {"ее", {"ее", "его", "ему", "им", "ем"}},
      {"ые", {"ые", "ых", "ым", "ыми"}},
      {"ие", {"ие", "их", "им", "ими"}},
      // nouns (Астана, Россия, Сергей, Киев, Штаты)
      {"а", {"а", "ы", "и", "е", "у", "ой", "ою", "ам", "ами", "ах"}},
      {"я", {"я", "и", "е", "ю", "ей", "ею", "й", "ям", "ями", "ях"}},
      {"ь", {"ь", "и", "ью", "я", "ю", "ем", "е", "ей", "ям", "ями", "ях"}},
      {"й", {"й", "я", "ю", "ем", "е", "и", "ев", "ям", "ями", "ях"}},
      {"о", {"о", "а", "у", "ом", "е"}},
      {"е", {"е", "я", "ю", "ем", "а", "у", "ом"}},
      {"ы", {"ы", "ов", "ам", "ами", "ах"}},
      {"и", {"и", "ей", "ов", "ев", "ам", "ям", "ами", "ями", "ах", "ях"}},
      {"", {"", "а", "у", "ом", "е", "ы", "и", "ов", "ам", "ами", "ах"}},
  };
  return kParadigms;
}

const std::vector<std::string> kLatinEndings = {"", "s", "es"};

// EndingsFor lists the endings a word with nominative `ending` takes.
const std::vector<std::string>& EndingsFor(std::string_view ending, Script script) {
  if (script == Script::kLatin) return kLatinEndings;
  for (const auto& p : RussianParadigms())
    if (p.nominative == ending) return p.endings;
  return RussianParadigms().back().endings;
}

bool IsEnding(std::string_view tail, Script script) {
  if (tail.empty()) return true;
  if (script == Script::kLatin) return tail == "s" || tail == "es";
  if (script != Script::kCyrillic) return false;
  static const std::unordered_set<std::string_view> kAll = [] {
    std::unordered_set<std::string_view> all;
    for (const auto& p : RussianParadigms())
      for (const auto& e : p.endings) all.insert(e);
    return all;
  }();
  return kAll.count(tail) > 0;
}

// SplitNominative splits an alias word into base and nominative ending,
// leaving a base of at least two letters (Latin words keep their ending).
std::pair<std::string, std::string> SplitNominative(const std::string& norm, Script script) {
  if (script == Script::kCyrillic) {
    for (const auto& p : RussianParadigms()) {
      const std::string& e = p.nominative;
      if (!e.empty() && norm.size() >= e.size() + 4 && norm.compare(norm.size() - e.size(), e.size(), e) == 0)
        return {norm.substr(0, norm.size() - e.size()), e};
    }
  }
  return {norm, ""};
}

constexpr size_t kMaxEndingBytes = 6;  // three Cyrillic letters

struct AliasWord {
  std::string norm;     // the alias word normalised
  std::string base;     // without its nominative ending
  std::string ending;   // the nominative ending
  Script script;
  bool capitalized;
};

// Candidate: an alias ending at a node. Several can share a node when their
// words share bases ("Нигер" and "Нигерия" are both "нигер" + ending).
struct Candidate {
  int entity;
  std::vector<AliasWord> words;
};

struct Node {
  std::unordered_map<std::string, int, StringHash, std::equal_to<>> next;  // base (or exact text) → node
  int entity = -1;                            // exact trie: the entity an alias ending here names
  std::vector<Candidate> candidates;          // inflected trie: the aliases ending here
};

}  // namespace

std::string NormalizeWord(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  const auto* s = reinterpret_cast<const uint8_t*>(word.data());
  const int32_t n = static_cast<int32_t>(word.size());
  bool needs_nfkc = false;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) continue;
    if (c >= 0x2000) needs_nfkc = true;  // letterlike symbols, ligatures, fullwidth forms
    c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
    if (c == 0x0451) c = 0x0435;  // ё → е
    char buf[4];
    int32_t len = 0;
    U8_APPEND_UNSAFE(buf, len, c);
    out.append(buf, static_cast<size_t>(len));
  }
  if (needs_nfkc) {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCCasefoldInstance(err);
    if (U_SUCCESS(err)) {
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(out);
      icu::UnicodeString folded = nfkc->normalize(u, err);
      if (U_SUCCESS(err)) {
        out.clear();
        folded.toUTF8String(out);
      }
    }
  }
  return out;
}

class Tagger::Impl {
 public:
  explicit Impl(std::shared_ptr<const Gazetteer> g) : g_(std::move(g)) {
    inflected_.emplace_back();
    exact_.emplace_back();
    const auto& entities = g_->entities();
    for (size_t e = 0; e < entities.size(); ++e) {
      const Entity& ent = entities[e];
      for (const auto& [lang, name] : ent.names) AddStemmed(name, static_cast<int>(e));
      for (const auto& [lang, list] : ent.aliases)
        for (const auto& alias : list) AddStemmed(alias, static_cast<int>(e));
      for (const auto& alias : ent.exact) AddExact(alias, static_cast<int>(e));
    }
  }

  std::vector<Mention> Tag(std::string_view text) const {
    const auto words = SplitWords(text);
    std::vector<std::string> norms(words.size());
    std::vector<char> normalized(words.size(), 0);
    auto norm_of = [&](size_t i) -> const std::string& {
      if (!normalized[i]) {
        norms[i] = NormalizeWord(words[i].raw);
        normalized[i] = 1;
      }
      return norms[i];
    };
    std::map<int, Mention> found;  // by entity index
    std::vector<int> order;
    size_t i = 0;
    while (i < words.size()) {
      int best_entity = -1;
      size_t best_end = i;
      const uint64_t prefix = FoldedPrefix(words[i].raw);
      // Exact forms: the words as written.
      if (exact_prefixes_.count(prefix)) {
        int node = 0;
        for (size_t j = i; j < words.size(); ++j) {
          auto it = exact_[static_cast<size_t>(node)].next.find(words[j].raw);
          if (it == exact_[static_cast<size_t>(node)].next.end()) break;
          node = it->second;
          if (j > i && !Adjacent(text, words[j - 1], words[j])) break;
          if (exact_[static_cast<size_t>(node)].entity >= 0 && j + 1 > best_end) {
            best_entity = exact_[static_cast<size_t>(node)].entity;
            best_end = j + 1;
          }
        }
      }
      // Inflected forms: base plus a valid ending, guarded.
      if (first_prefixes_.count(prefix)) {
        int node = 0;
        for (size_t j = i; j < words.size(); ++j) {
          if (j > i && !Adjacent(text, words[j - 1], words[j])) break;
          int child = Step(node, norm_of(j), words[j].script);
          if (child < 0) break;
          node = child;
          if (j + 1 <= best_end) continue;
          int chosen = Choose(inflected_[static_cast<size_t>(node)], words, norms, i);
          if (chosen >= 0) {
            best_entity = chosen;
            best_end = j + 1;
          }
        }
      }
      // "Того же мнения…": a function word capitalised by its sentence.
      if (best_entity >= 0 && best_end == i + 1 && mentions::IsFunctionWord(norm_of(i)) &&
          mentions::StartsSentence(text, words, i))
        best_entity = -1;
      if (best_entity < 0) {
        ++i;
        continue;
      }
      auto [it, inserted] = found.try_emplace(best_entity);
      if (inserted) {
        it->second.entity = &g_->entities()[static_cast<size_t>(best_entity)];
        order.push_back(best_entity);
      }
      ++it->second.count;
      it->second.spans.push_back(Span{words[i].start, words[best_end - 1].end});
      i = best_end;
    }
    std::vector<Mention> out;
    out.reserve(order.size());
    for (int e : order) out.push_back(std::move(found[e]));
    // Most mentions first; ties by first mention (order is already by first mention).
    std::stable_sort(out.begin(), out.end(), [](const Mention& a, const Mention& b) { return a.count > b.count; });
    return out;
  }

  size_t aliases() const { return alias_count_; }
  const std::vector<std::string>& conflicts() const { return conflicts_; }

 private:
  // Words of a multi-word name must follow each other with only spaces,
  // hyphens, apostrophes or dashes between them: not across a comma or a full
  // stop, except the full stop of an abbreviation ("U.S.", "St. Petersburg").
  static bool Adjacent(std::string_view text, const Word& a, const Word& b) {
    std::string_view gap = text.substr(a.end, b.start - a.end);
    if (gap.size() > 6) return false;
    const bool abbreviation = a.capitalized && CodePoints(a.raw) <= 2;
    for (char c : gap) {
      if (c == '.' && abbreviation) continue;
      if (c != ' ' && c != '-' && c != '\'' && c != '\t' && c != '\n' && static_cast<unsigned char>(c) < 0x80) return false;
    }
    return true;  // non-ASCII gaps: non-breaking spaces, dashes, typographic apostrophes
  }

  // Step follows the child of `node` whose base the word starts with, the
  // rest of the word being an ending; the longest base first.
  int Step(int node, const std::string& norm, Script script) const {
    const auto& next = inflected_[static_cast<size_t>(node)].next;
    size_t cut = norm.size();
    const size_t lowest = norm.size() > kMaxEndingBytes ? norm.size() - kMaxEndingBytes : 0;
    while (true) {
      std::string_view tail = std::string_view(norm).substr(cut);
      if (IsEnding(tail, script)) {
        auto it = next.find(std::string_view(norm).substr(0, cut));
        if (it != next.end()) return it->second;
      }
      if (cut <= lowest || cut == 0) return -1;
      --cut;
      while (cut > 0 && (static_cast<unsigned char>(norm[cut]) & 0xC0) == 0x80) --cut;  // code point boundary
    }
  }

  // Choose picks the alias at `n` whose every word the text words fit: same
  // capitalisation where the alias is capitalised, and an ending of the
  // alias word's paradigm ("Нигерии" fits "Нигерия", "Нигера" fits "Нигер").
  // A base under 3 letters matches only the alias word itself.
  static int Choose(const Node& n, const std::vector<Word>& words, const std::vector<std::string>& norms,
                    size_t first) {
    for (const auto& c : n.candidates) {
      bool ok = true;
      for (size_t k = 0; k < c.words.size() && ok; ++k) {
        const AliasWord& aw = c.words[k];
        const std::string& norm = norms[first + k];
        if (aw.capitalized && !words[first + k].capitalized) ok = false;
        else if (norm == aw.norm) continue;
        else if (CodePoints(aw.base) < 3 || norm.size() < aw.base.size() ||
                 norm.compare(0, aw.base.size(), aw.base) != 0)
          ok = false;
        else {
          const std::string_view ending = std::string_view(norm).substr(aw.base.size());
          const auto& endings = EndingsFor(aw.ending, aw.script);
          ok = std::find(endings.begin(), endings.end(), ending) != endings.end();
        }
      }
      if (ok) return c.entity;
    }
    return -1;
  }

  int Child(std::vector<Node>& trie, int node, const std::string& key) {
    auto& next = trie[static_cast<size_t>(node)].next;
    auto it = next.find(key);
    if (it != next.end()) return it->second;
    trie.emplace_back();
    int id = static_cast<int>(trie.size() - 1);
    trie[static_cast<size_t>(node)].next.emplace(key, id);
    return id;
  }

  void Claim(std::vector<Node>& trie, int node, int entity, const std::string& alias) {
    Node& n = trie[static_cast<size_t>(node)];
    if (n.entity >= 0 && n.entity != entity) {
      conflicts_.push_back(fmt::format("'{}': {} and {}", alias, g_->entities()[static_cast<size_t>(n.entity)].id,
                                       g_->entities()[static_cast<size_t>(entity)].id));
      return;
    }
    if (n.entity < 0) ++alias_count_;
    n.entity = entity;
  }

  void AddStemmed(const std::string& alias, int entity) {
    auto words = SplitWords(alias);
    if (words.empty()) return;
    int node = 0;
    std::vector<AliasWord> alias_words;
    for (const auto& w : words) {
      std::string norm = NormalizeWord(w.raw);
      auto [base, ending] = SplitNominative(norm, w.script);
      node = Child(inflected_, node, base);
      alias_words.push_back(AliasWord{norm, base, ending, w.script, w.capitalized});
    }
    first_prefixes_.insert(FoldedPrefix(words[0].raw));
    auto& candidates = inflected_[static_cast<size_t>(node)].candidates;
    for (auto& c : candidates) {
      const bool same_words = std::equal(c.words.begin(), c.words.end(), alias_words.begin(), alias_words.end(),
                                         [](const AliasWord& a, const AliasWord& b) { return a.norm == b.norm; });
      if (!same_words) continue;
      if (c.entity != entity) {
        conflicts_.push_back(fmt::format("'{}': {} and {}", alias, g_->entities()[static_cast<size_t>(c.entity)].id,
                                         g_->entities()[static_cast<size_t>(entity)].id));
        return;  // the first claim stands
      }
      // The same form again, maybe in lower case: a capital is then not required.
      for (size_t k = 0; k < c.words.size(); ++k) c.words[k].capitalized = c.words[k].capitalized && alias_words[k].capitalized;
      return;
    }
    candidates.push_back(Candidate{entity, std::move(alias_words)});
    ++alias_count_;
  }

  void AddExact(const std::string& alias, int entity) {
    auto words = SplitWords(alias);
    if (words.empty()) return;
    int node = 0;
    for (const auto& w : words) node = Child(exact_, node, std::string(w.raw));
    exact_prefixes_.insert(FoldedPrefix(words[0].raw));
    Claim(exact_, node, entity, alias);
  }

  std::shared_ptr<const Gazetteer> g_;
  std::vector<Node> inflected_, exact_;  // tries; node 0 is the root
  std::unordered_set<uint64_t> first_prefixes_, exact_prefixes_;
  size_t alias_count_ = 0;
  std::vector<std::string> conflicts_;
};

ArticleTags TagArticle(const Tagger& tagger, const std::string& headline, const std::vector<Block>& body) {
  const std::string text = headline + "\n\n" + PlainText(body);
  const auto mentions = tagger.Tag(text);
  ArticleTags out;
  for (const auto& m : mentions)
    out.mentions.push_back(MentionRecord{m.entity->id, m.count, static_cast<int>(m.spans.front().start)});
  out.candidates = FindNameCandidates(text, mentions, headline.size());
  return out;
}

void TagRecord(const Tagger& tagger, ArticleRecord& record) {
  auto tags = TagArticle(tagger, record.headline, record.body);
  record.mentions = std::move(tags.mentions);
  record.candidates = std::move(tags.candidates);
}

void PrepareArticle(const Tagger& tagger, ArticleRecord& record) {
  RemoveControlChars(record);
  TagRecord(tagger, record);
  record.fingerprint = ArticleFingerprint(record.headline, record.body);
}

Tagger::Tagger(std::shared_ptr<const Gazetteer> gazetteer) : impl_(std::make_unique<Impl>(std::move(gazetteer))) {}
Tagger::~Tagger() = default;
std::vector<Mention> Tagger::Tag(std::string_view text) const { return impl_->Tag(text); }
size_t Tagger::aliases() const { return impl_->aliases(); }
const std::vector<std::string>& Tagger::conflicts() const { return impl_->conflicts(); }

}  // namespace newsdesk

namespace newsdesk {

SharedTagger::SharedTagger(std::shared_ptr<const Gazetteer> gazetteer) { Replace(std::move(gazetteer)); }

SharedTagger::Pinned SharedTagger::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

void SharedTagger::Replace(std::shared_ptr<const Gazetteer> gazetteer) {
  Pinned next{gazetteer, std::make_shared<const Tagger>(gazetteer)};
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(next);
}

}  // namespace newsdesk
