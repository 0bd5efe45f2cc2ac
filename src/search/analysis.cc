#include "search/analysis.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <sstream>

#include "common/text.h"

namespace newsdesk::search {
namespace {

// The Snowball project's stop-word lists (BSD licence), as Debian ships them
// in /usr/share/postgresql/15/tsearch_data/{russian,english}.stop.
constexpr const char* kStopwords[] = {
    "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее "
    "мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть "
    "был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть "
    "надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда "
    "кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас "
    "были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот "
    "через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед "
    "иногда лучше чуть том нельзя такой им более всегда конечно всю между",
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself "
    "she her hers herself it its itself they them their theirs themselves what which who whom "
    "this that these those am is are was were be been being have has had having do does did "
    "doing a an the and but if or because as until while of at by for with about against "
    "between into through during before after above below to from up down in out on off over "
    "under again further then once here there when where why how all any both each few more "
    "most other some such no nor not only own same so than too very s t can will just don "
    "should now",
};

// Cyrillic and Cyrillic Supplement: the words the Russian stemmer handles.
bool IsCyrillic(UChar32 c) { return c >= 0x0400 && c <= 0x052F; }

class ScriptStemmer : public Xapian::StemImplementation {
 public:
  std::string operator()(const std::string& word) override {
    if (!IsCyrillicWord(word)) return english_(word);
    // The index holds е for ё; snippets stem the article's own text, which keeps ё.
    if (word.find("\xD1\x91") == std::string::npos) return russian_(word);
    std::string folded = word;
    for (size_t at; (at = folded.find("\xD1\x91")) != std::string::npos;) folded.replace(at, 2, "\xD0\xB5");
    return russian_(folded);
  }
  std::string get_description() const override { return "newsdesk(russian|english)"; }

 private:
  Xapian::Stem russian_{"russian"};
  Xapian::Stem english_{"english"};
};

// Tabs and line breaks are kept: they separate words and paragraphs.
bool NeedsCleaning(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c >= 0x7F;
}

}  // namespace

std::string NormalizeText(std::string_view text, bool fold_yo) {
  // Plain printable ASCII, most English text, needs nothing.
  bool clean = true;
  for (unsigned char c : text) {
    if (NeedsCleaning(c)) {
      clean = false;
      break;
    }
  }
  if (clean) return std::string(text);

  // fromUTF8 replaces ill-formed sequences with U+FFFD, dropped below.
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  if (U_SUCCESS(err) && !nfkc->isNormalized(u, err) && U_SUCCESS(err)) {
    icu::UnicodeString normalized = nfkc->normalize(u, err);
    if (U_SUCCESS(err)) u = std::move(normalized);
  }
  std::string out;
  out.reserve(text.size());
  char buf[U8_MAX_LENGTH];
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (fold_yo && c == 0x0451) c = 0x0435;  // ё → е
    if (fold_yo && c == 0x0401) c = 0x0415;  // Ё → Е
    if (c == 0xFFFD || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F)) {
      c = ' ';
    } else if (u_charType(c) == U_FORMAT_CHAR) {
      continue;
    }
    int32_t len = 0;
    UBool error = false;
    U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, U8_MAX_LENGTH, c, error);
    if (!error) out.append(buf, static_cast<size_t>(len));
  }
  return out;
}

std::string FoldCase(std::string_view text) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* fold = icu::Normalizer2::getNFKCCasefoldInstance(err);
  if (U_SUCCESS(err)) {
    icu::UnicodeString folded = fold->normalize(u, err);
    if (U_SUCCESS(err)) u = std::move(folded);
  }
  std::string out;
  u.toUTF8String(out);
  return out;
}

Xapian::Stem MakeStemmer() { return Xapian::Stem(new ScriptStemmer()); }

const Xapian::SimpleStopper& Stopwords() {
  static const Xapian::SimpleStopper* stopper = [] {
    auto* s = new Xapian::SimpleStopper();
    for (const char* list : kStopwords) {
      std::istringstream words(list);
      std::string w;
      while (words >> w) s->add(w);
    }
    return s;
  }();
  return *stopper;
}

bool IsStopword(const std::string& folded_word) { return Stopwords()(folded_word); }

bool IsCyrillicWord(std::string_view word) {
  if (word.empty()) return false;
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(reinterpret_cast<const uint8_t*>(word.data()), i, static_cast<int32_t>(word.size()), c);
  return IsCyrillic(c);
}

}  // namespace newsdesk::search
