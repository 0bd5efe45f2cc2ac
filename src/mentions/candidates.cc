// Unknown names: what the tagger did not recognise but looks like a name.
// Precision matters more than recall here: editors read the list, and a
// name that matters recurs, so a form missed in one article is caught in
// the next.
#include <libstemmer.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <map>
#include <string>
#include <unordered_set>

#include "mentions/tagger.h"
#include "mentions/words.h"

namespace newsdesk {

namespace {

using mentions::Script;
using mentions::SplitWords;
using mentions::Word;

constexpr size_t kMaxCandidates = 50;
constexpr size_t kMaxNameWords = 6;
constexpr size_t kMaxQuotedBytes = 80;

// Calendar words are capitalised in English but never names.
bool IsCalendarWord(const std::string& norm) {
  static const std::unordered_set<std::string> kWords = {
      "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
      "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
      "according", "meanwhile", "however", "also", "last", "next", "mr", "mrs", "ms", "dr", "понедельник",
      "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье", "однако", "также", "кроме"};
  return kWords.count(norm) > 0;
}

// Titles before a name: "Defence Secretary John Healey" is John Healey.
bool IsTitle(const std::string& norm) {
  static const std::unordered_set<std::string> kTitles = {
      "president", "minister", "prime", "deputy", "secretary", "chief", "spokesman", "spokeswoman", "spokesperson",
      "ambassador", "admiral", "colonel", "lieutenant", "sergeant", "captain", "gen", "col", "lt", "adm", "sen",
      "rep", "senator", "chancellor", "king", "queen", "prince", "defence", "defense", "foreign", "commander",
      "head", "director", "chairman", "vice", "acting", "former", "state", "general"};
  return kTitles.count(norm) > 0;
}

// Lower-case words that may join the capitalised words of one name.
bool IsConnector(const std::string& norm) {
  static const std::unordered_set<std::string> kConnectors = {"of", "the", "and", "for", "de", "du", "la",
                                                              "von", "van", "der", "al", "bin"};
  return kConnectors.count(norm) > 0;
}

// Separator kinds between two words.
bool JoinsName(std::string_view gap) {
  if (gap == "-" || gap == "\xE2\x80\x91" /* non-breaking hyphen */) return true;
  if (gap.empty()) return false;
  for (size_t i = 0; i < gap.size();) {
    if (gap[i] == ' ') {
      ++i;
    } else if (gap.compare(i, 2, "\xC2\xA0") == 0) {  // no-break space
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

struct Shape {
  int letters = 0;
  int upper = 0;
  int lower = 0;
};

Shape ShapeOf(std::string_view raw) {
  Shape shape;
  const auto* s = reinterpret_cast<const uint8_t*>(raw.data());
  const int32_t n = static_cast<int32_t>(raw.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0 || !u_isalpha(c)) continue;
    ++shape.letters;
    if (u_isupper(c)) ++shape.upper;
    if (u_islower(c)) ++shape.lower;
  }
  return shape;
}

bool IsRomanNumeral(std::string_view raw) {
  return raw.find_first_not_of("IVXLCDM") == std::string_view::npos;
}

// Acronyms of common nouns (media, joint-stock company, road accident, time
// zones): capitals, but never an entity.
bool IsCommonAcronym(const std::string& norm) {
  static const std::unordered_set<std::string> kCommon = {
      "сми", "оао", "зао", "пао", "ооо", "ао", "нко", "дтп", "ук", "вуз", "вузы", "чп", "гсм", "ип", "ндс",
      "ок", "ok", "gmt", "utc", "msk", "ceo", "cfo", "cto", "tv", "pm", "am", "usd", "eur", "rub", "pdf", "faq",
      "ps", "id", "ai", "it", "pr", "hq", "vip", "gdp", "ввп"};
  return kCommon.count(norm) > 0;
}

bool IsAcronym(std::string_view raw) {
  const Shape shape = ShapeOf(raw);
  return shape.letters >= 2 && shape.lower == 0 && shape.upper == shape.letters && shape.letters <= 8 &&
         !IsRomanNumeral(raw) && !IsCommonAcronym(NormalizeWord(raw));
}

// Snowball's Russian stemmer groups a name's case forms; one per thread,
// because a stemmer keeps state between calls.
class RussianStemmer {
 public:
  RussianStemmer() : stemmer_(sb_stemmer_new("russian", "UTF_8")) {}
  ~RussianStemmer() {
    if (stemmer_) sb_stemmer_delete(stemmer_);
  }
  std::string Stem(const std::string& word) {
    if (!stemmer_) return word;
    const sb_symbol* out =
        sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
    if (!out) return word;
    return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(sb_stemmer_length(stemmer_)));
  }

 private:
  sb_stemmer* stemmer_;
};

std::string KeyOf(const std::vector<Word>& words, size_t first, size_t last) {
  thread_local RussianStemmer stemmer;
  std::string key;
  for (size_t i = first; i <= last; ++i) {
    std::string norm = NormalizeWord(words[i].raw);
    if (words[i].script == Script::kCyrillic) norm = stemmer.Stem(norm);
    if (!key.empty()) key += ' ';
    key += norm;
  }
  return key;
}

const char* LanguageOf(Script s) {
  switch (s) {
    case Script::kCyrillic: return "ru";
    case Script::kLatin: return "en";
    default: return "";
  }
}

class Collector {
 public:
  Collector(std::string_view text, const std::vector<Mention>& known, size_t from) : text_(text), words_(SplitWords(text)) {
    taken_.assign(words_.size(), 0);
    for (const auto& m : known)
      for (const auto& span : m.spans) MarkTaken(span.start, span.end);
    sentence_start_.assign(words_.size(), 0);
    for (size_t i = 0; i < words_.size(); ++i) {
      sentence_start_[i] = mentions::StartsSentence(text_, words_, i);
      if (words_[i].start < from) taken_[i] = 1;
      if (words_[i].capitalized && !sentence_start_[i]) capitalised_inside_.insert(NormalizeWord(words_[i].raw));
    }
  }

  std::vector<NameCandidate> Collect() {
    CollectQuoted();
    CollectRuns();
    std::vector<std::pair<size_t, NameCandidate>> ordered;  // first position, candidate
    for (auto& [key, found] : found_) ordered.emplace_back(found.first_word, std::move(found.candidate));
    std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
      if (a.second.count != b.second.count) return a.second.count > b.second.count;
      return a.first < b.first;
    });
    std::vector<NameCandidate> out;
    for (auto& [pos, c] : ordered) {
      if (out.size() == kMaxCandidates) break;
      out.push_back(std::move(c));
    }
    return out;
  }

 private:
  std::string_view Gap(size_t i) const { return text_.substr(words_[i].end, words_[i + 1].start - words_[i].end); }

  void MarkTaken(size_t start, size_t end) {
    for (size_t i = 0; i < words_.size(); ++i)
      if (words_[i].start < end && words_[i].end > start) taken_[i] = 1;
  }

  void Add(size_t first, size_t last) {
    std::string key = KeyOf(words_, first, last);
    auto [it, inserted] = found_.try_emplace(key);
    if (inserted) {
      it->second.first_word = first;
      it->second.candidate.key = key;
      it->second.candidate.form =
          std::string(text_.substr(words_[first].start, words_[last].end - words_[first].start));
      it->second.candidate.language = LanguageOf(words_[first].script);
    }
    ++it->second.candidate.count;
    for (size_t i = first; i <= last; ++i) taken_[i] = 1;
  }

  // «Уралвагонзавод», “Spider Web”: a quoted run of one to six words that
  // begins with a capital is a name (of a company, a product, an operation).
  void CollectQuoted() {
    static const std::vector<std::pair<std::string_view, std::string_view>> kQuotes = {
        {"\xC2\xAB", "\xC2\xBB"}, {"\xE2\x80\x9C", "\xE2\x80\x9D"}, {"\xE2\x80\x9E", "\xE2\x80\x9C"}};
    for (const auto& [open, close] : kQuotes) {
      for (size_t at = text_.find(open); at != std::string_view::npos; at = text_.find(open, at + 1)) {
        const size_t inner = at + open.size();
        const size_t end = text_.find(close, inner);
        if (end == std::string_view::npos || end - inner > kMaxQuotedBytes) continue;
        size_t first = words_.size(), last = 0, count = 0;
        bool blocked = false;
        for (size_t i = 0; i < words_.size(); ++i) {
          if (words_[i].start < inner || words_[i].end > end) continue;
          if (taken_[i]) blocked = true;
          first = std::min(first, i);
          last = i;
          ++count;
        }
        if (count == 0 || count > kMaxNameWords || blocked || !words_[first].capitalized) continue;
        if (count == 1 && ShapeOf(words_[first].raw).letters < 3) continue;
        if (Never(first)) continue;
        Add(first, last);
      }
    }
  }

  bool Usable(size_t i) const { return !taken_[i] && ShapeOf(words_[i].raw).letters > 0; }

  bool Never(size_t i) const {
    const std::string norm = NormalizeWord(words_[i].raw);
    return mentions::IsFunctionWord(norm) || IsCalendarWord(norm);
  }

  // Runs of capitalised words; an acronym alone.
  void CollectRuns() {
    for (size_t i = 0; i < words_.size();) {
      if (!Usable(i) || !words_[i].capitalized) {
        ++i;
        continue;
      }
      size_t last = i;
      while (last + 1 < words_.size() && last - i + 1 < kMaxNameWords) {
        const size_t j = last + 1;
        if (!JoinsName(Gap(last)) || !Usable(j)) break;
        if (words_[j].capitalized) {
          last = j;
          continue;
        }
        // "Ministry of Defence": a connector between capitalised words.
        if (j + 1 < words_.size() && IsConnector(NormalizeWord(words_[j].raw)) && JoinsName(Gap(j)) && Usable(j + 1) &&
            words_[j + 1].capitalized) {
          last = j + 1;
          continue;
        }
        break;
      }
      size_t first = i;
      // A sentence's first word is capitalised anyway: it belongs to the name
      // only when the text capitalises it inside sentences too.
      if (sentence_start_[first] && !capitalised_inside_.count(NormalizeWord(words_[first].raw))) ++first;
      while (first <= last && Never(first)) ++first;
      // "General Dynamics" is a name, "General Valery Gerasimov" a title and a name.
      while (first < last && IsTitle(NormalizeWord(words_[first].raw))) {
        if (IsTitle(NormalizeWord(words_[first + 1].raw)) || first + 2 <= last) {
          ++first;
        } else {
          break;
        }
      }
      size_t end = last;
      while (end > first && (Never(end) || !words_[end].capitalized)) --end;
      if (first <= end && end > first) {
        Add(first, end);
      } else {
        for (size_t k = first; k <= last && k < words_.size(); ++k)
          if (IsAcronym(words_[k].raw) && !taken_[k]) Add(k, k);
      }
      i = last + 1;
    }
  }

  struct Found {
    size_t first_word = 0;
    NameCandidate candidate;
  };

  std::string_view text_;
  std::vector<Word> words_;
  std::vector<char> taken_;           // inside a mention or an earlier candidate
  std::vector<char> sentence_start_;
  std::unordered_set<std::string> capitalised_inside_;
  std::map<std::string, Found> found_;
};

}  // namespace

std::vector<NameCandidate> FindNameCandidates(std::string_view text, const std::vector<Mention>& known, size_t from) {
  return Collector(text, known, from).Collect();
}

}  // namespace newsdesk
