#include "extract/language.h"

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <climits>
#include <string>

namespace newsdesk {

LanguageGuess DetectLanguage(std::string_view utf8_text, std::string_view hint) {
  LanguageGuess guess;
  if (utf8_text.empty()) return guess;
  // CLD2 reads at most INT_MAX bytes, and a few hundred kilobytes decide any
  // language; cut on a character boundary.
  constexpr size_t kMaxBytes = 256 * 1024;
  if (utf8_text.size() > kMaxBytes) {
    size_t cut = kMaxBytes;
    while (cut > 0 && (static_cast<unsigned char>(utf8_text[cut]) & 0xC0) == 0x80) --cut;
    utf8_text = utf8_text.substr(0, cut);
  }
  std::string hint_z(hint.substr(0, 64));
  CLD2::CLDHints hints = {nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  if (!hint_z.empty()) hints.language_hint = CLD2::GetLanguageFromName(hint_z.c_str());

  CLD2::Language language3[3];
  int percent3[3] = {0, 0, 0};
  double normalized_score3[3];
  int text_bytes = 0;
  bool reliable = false;
  int valid_prefix_bytes = 0;
  CLD2::Language lang = CLD2::ExtDetectLanguageSummaryCheckUTF8(
      utf8_text.data(), static_cast<int>(utf8_text.size()), /*is_plain_text=*/true, &hints, /*flags=*/0, language3,
      percent3, normalized_score3, /*resultchunkvector=*/nullptr, &text_bytes, &reliable, &valid_prefix_bytes);
  if (valid_prefix_bytes < static_cast<int>(utf8_text.size())) return guess;
  if (lang == CLD2::UNKNOWN_LANGUAGE || text_bytes == 0) return guess;
  guess.code = CLD2::LanguageCode(lang);
  guess.percent = language3[0] == lang ? percent3[0] : 0;
  guess.reliable = reliable;
  return guess;
}

}  // namespace newsdesk
