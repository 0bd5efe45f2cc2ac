#include "mentions/words.h"

#include <unicode/utf8.h>

#include <cstdint>
#include <unordered_set>

namespace newsdesk::mentions {

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


bool IsFunctionWord(std::string_view norm) {
  static const std::unordered_set<std::string_view> kWords = {
      // English
      "the", "a", "an", "in", "on", "at", "for", "but", "and", "or", "nor", "this", "that", "these", "those", "it",
      "its", "he", "she", "they", "we", "i", "you", "as", "if", "when", "while", "after", "before", "during",
      "since", "with", "from", "by", "to", "of", "under", "over", "his", "her", "their", "our", "there", "then",
      "what", "why", "how", "who", "where", "which", "some", "all", "both", "each", "no", "not", "so", "yet",
      // Russian
      "в", "во", "на", "по", "с", "со", "и", "но", "а", "как", "однако", "также", "это", "эти", "этот", "эта",
      "при", "для", "об", "о", "обо", "после", "до", "из", "за", "к", "ко", "у", "он", "она", "оно", "они", "мы",
      "вы", "я", "его", "ее", "их", "не", "ни", "так", "кроме", "между", "среди", "тем", "том", "того", "тому",
      "та", "те", "то", "ту", "там", "тут", "что", "чем", "чему", "кто", "кого", "если", "когда", "пока", "уже",
      "еще", "все", "всё", "весь", "вся", "сам", "сама", "само", "сами", "самих", "где", "куда", "откуда", "или",
      "либо", "же", "ли", "бы", "вот", "даже", "лишь", "только", "чтобы", "хотя", "потому", "поэтому", "затем"};
  return kWords.count(norm) > 0;
}

bool StartsSentence(std::string_view text, const std::vector<Word>& words, size_t i) {
  if (i == 0) return true;
  std::string_view gap = text.substr(words[i - 1].end, words[i].start - words[i - 1].end);
  return gap.find_first_of(".!?:\n") != std::string_view::npos || gap.find("\xE2\x80\xA6") != std::string_view::npos;
}

}  // namespace newsdesk::mentions
