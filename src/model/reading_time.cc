#include "model/reading_time.h"

#include <algorithm>

#include "common/text.h"
#include "model/block_json.h"

namespace newsdesk {

int WordsPerMinute(std::string_view language) {
  // IReST (Trauzettel-Klosinski & Dietz 2012), words per minute, mean ± SD.
  if (language == "en") return 228;  // ± 30
  if (language == "ru") return 184;  // ± 32
  return 184;  // ± 29: the mean over the study's 17 languages
}

int ReadingMinutes(size_t words, std::string_view language) {
  if (words == 0) return 0;
  const size_t rate = static_cast<size_t>(WordsPerMinute(language));
  return static_cast<int>(std::max<size_t>(1, (words + rate / 2) / rate));
}

int ReadingMinutes(const std::vector<Block>& body, std::string_view language) {
  return ReadingMinutes(CountWords(PlainText(body)), language);
}

}  // namespace newsdesk
