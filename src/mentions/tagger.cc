#include "mentions/tagger.h"

#include <fmt/format.h>

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

enum class Script { kLatin, kCyrillic, kOther };

struct Word {
  size_t start, end;  // bytes in the text
  std::string_view raw;
  bool capitalized;
  Script script;
};

bool IsWordChar(UChar32 c) { return u_isalnum(c) || u_hasBinaryProperty(c, UCHAR_DIACRITIC); }

// SplitWords finds the runs of letters and digits, with byte offsets.
std::vector<Word> SplitWords(std::string_view text) {
  std::vector<Word> words;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t n = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0 || !IsWordChar(c)) continue;
    Word w{static_cast<size_t>(start), 0, {}, static_cast<bool>(u_isupper(c) || u_istitle(c)), Script::kOther};
    UBlockCode block = ublock_getCode(c);
    if (c < 0x250) w.script = Script::kLatin;
    else if (block == UBLOCK_CYRILLIC || block == UBLOCK_CYRILLIC_SUPPLEMENT) w.script = Script::kCyrillic;
    int32_t end = i;
    while (i < n) {
      int32_t before = i;
      U8_NEXT(s, i, n, c);
      if (c < 0 || !IsWordChar(c)) {
        i = before;
        break;
      }
      end = i;
    }
    w.end = static_cast<size_t>(end);
    w.raw = text.substr(w.start, w.end - w.start);
    words.push_back(w);
  }
  return words;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Russian inflects names by their endings: Россия, России, Россией;
// Астана, Астане, Астаной. An alias word is stored as its base (the word
// without its ending) and a text word matches when it is that base plus a
// valid ending. (Snowball's Russian stemmer was tried first: it cuts proper
// names inconsistently, "астана" to "аста" but "астане" to "астан".)
const std::vector<std::string>& RussianEndings() {
  static const std::vector<std::string> kEndings = [] {
    std::vector<std::string> e = {
        "иями", "ями", "ами", "иях", "ией", "ого", "его", "ому", "ему", "ыми", "ими", "ях", "ах", "ей", "ой",
        "ою", "ею", "ом", "ем", "ам", "ям", "ию", "ия", "ие", "ии", "ий", "ая", "яя", "ое", "ее", "ые", "ую",
        "юю", "ый", "ым", "им", "ых", "их", "ов", "ев", "ея", "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й"};
    std::stable_sort(e.begin(), e.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    return e;
  }();
  return kEndings;
}

bool IsEnding(std::string_view tail, Script script) {
  if (tail.empty()) return true;
  if (script == Script::kLatin) return tail == "s" || tail == "es";
  if (script != Script::kCyrillic) return false;
  for (const auto& e : RussianEndings())
    if (tail == e) return true;
  return false;
}

// BaseOf strips the longest Russian ending (Latin words keep theirs),
// leaving at least two letters.
std::string BaseOf(const std::string& norm, Script script) {
  if (script != Script::kCyrillic) return norm;
  for (const auto& e : RussianEndings())
    if (norm.size() >= e.size() + 4 && norm.compare(norm.size() - e.size(), e.size(), e) == 0)
      return norm.substr(0, norm.size() - e.size());
  return norm;
}

constexpr size_t kMaxEndingBytes = 8;  // four Cyrillic letters

struct AliasWord {
  std::string norm;  // the alias word normalised
  std::string base;  // without its ending
  bool capitalized;
};

struct Node {
  std::unordered_map<std::string, int> next;  // base (or exact text) → node
  int entity = -1;                            // index into the gazetteer, at the end of an alias
  std::vector<AliasWord> words;               // the alias's words, for the guards
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
      // Exact forms: the words as written.
      {
        int node = 0;
        for (size_t j = i; j < words.size(); ++j) {
          auto it = exact_[static_cast<size_t>(node)].next.find(std::string(words[j].raw));
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
      if (first_prefixes_.count(PrefixOf(words[i].raw))) {
        int node = 0;
        for (size_t j = i; j < words.size(); ++j) {
          if (j > i && !Adjacent(text, words[j - 1], words[j])) break;
          int child = Step(node, norm_of(j), words[j].script);
          if (child < 0) break;
          node = child;
          const Node& n = inflected_[static_cast<size_t>(node)];
          if (n.entity >= 0 && j + 1 > best_end && Guarded(n, words, norms, i)) {
            best_entity = n.entity;
            best_end = j + 1;
          }
        }
      }
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
  // hyphens or apostrophes between them: not across a full stop or a comma.
  static bool Adjacent(std::string_view text, const Word& a, const Word& b) {
    std::string_view gap = text.substr(a.end, b.start - a.end);
    if (gap.size() > 4) return false;
    for (char c : gap)
      if (c != ' ' && c != '-' && c != '\'' && c != '\t' && c != '\n' && (static_cast<unsigned char>(c) < 0x80)) return false;
    return true;  // non-ASCII gaps: non-breaking spaces, dashes, typographic apostrophes
  }

  static std::string PrefixOf(std::string_view raw) {
    // The first two code points, normalised: a cheap filter before the trie.
    size_t cut = 0, count = 0;
    while (cut < raw.size() && count < 2) {
      ++cut;
      while (cut < raw.size() && (static_cast<unsigned char>(raw[cut]) & 0xC0) == 0x80) ++cut;
      ++count;
    }
    return NormalizeWord(raw.substr(0, cut));
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
        auto it = next.find(norm.substr(0, cut));
        if (it != next.end()) return it->second;
      }
      if (cut <= lowest || cut == 0) return -1;
      --cut;
      while (cut > 0 && (static_cast<unsigned char>(norm[cut]) & 0xC0) == 0x80) --cut;  // code point boundary
    }
  }

  static bool Guarded(const Node& n, const std::vector<Word>& words, const std::vector<std::string>& norms,
                      size_t first) {
    for (size_t k = 0; k < n.words.size(); ++k) {
      const AliasWord& aw = n.words[k];
      const Word& w = words[first + k];
      if (aw.capitalized && !w.capitalized) return false;
      // A short base could start too many words: then only the word itself.
      if (CodePoints(aw.base) < 4 && norms[first + k] != aw.norm) return false;
    }
    return true;
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
      std::string base = BaseOf(norm, w.script);
      node = Child(inflected_, node, base);
      alias_words.push_back(AliasWord{norm, base, w.capitalized});
    }
    first_prefixes_.insert(PrefixOf(words[0].raw));
    Claim(inflected_, node, entity, alias);
    if (inflected_[static_cast<size_t>(node)].entity == entity) inflected_[static_cast<size_t>(node)].words = alias_words;
  }

  void AddExact(const std::string& alias, int entity) {
    auto words = SplitWords(alias);
    if (words.empty()) return;
    int node = 0;
    for (const auto& w : words) node = Child(exact_, node, std::string(w.raw));
    Claim(exact_, node, entity, alias);
  }

  std::shared_ptr<const Gazetteer> g_;
  std::vector<Node> inflected_, exact_;  // tries; node 0 is the root
  std::unordered_set<std::string> first_prefixes_;
  size_t alias_count_ = 0;
  std::vector<std::string> conflicts_;
};

std::vector<MentionRecord> TagArticle(const Tagger& tagger, const std::string& headline,
                                      const std::vector<Block>& body) {
  std::vector<MentionRecord> out;
  for (const auto& m : tagger.Tag(headline + "\n\n" + PlainText(body)))
    out.push_back(MentionRecord{m.entity->id, m.count, static_cast<int>(m.spans.front().start)});
  return out;
}

Tagger::Tagger(std::shared_ptr<const Gazetteer> gazetteer) : impl_(std::make_unique<Impl>(std::move(gazetteer))) {}
Tagger::~Tagger() = default;
std::vector<Mention> Tagger::Tag(std::string_view text) const { return impl_->Tag(text); }
size_t Tagger::aliases() const { return impl_->aliases(); }
const std::vector<std::string>& Tagger::conflicts() const { return impl_->conflicts(); }

}  // namespace newsdesk
