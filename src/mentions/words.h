// File: mentions/words.h (internal to the tag stage)
//
// The words of a text as the tag stage sees them: runs of letters and digits
// with their byte offsets, capitalisation and script. Shared by the tagger and
// the collector of unknown names.
#pragma once

#include <unicode/uchar.h>

#include <cstddef>
#include <string_view>
#include <vector>

namespace newsdesk::mentions {

enum class Script { kLatin, kCyrillic, kOther };

struct Word {
  size_t start, end;  // bytes in the text
  std::string_view raw;
  bool capitalized;
  Script script;
};

inline bool IsWordChar(UChar32 c) {
  // Fast paths for the scripts news here is written in.
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  if (c >= 0x0410 && c <= 0x044F) return true;  // А-я
  return u_isalnum(c) || u_hasBinaryProperty(c, UCHAR_DIACRITIC);
}

// SplitWords finds the runs of letters and digits, with byte offsets.
std::vector<Word> SplitWords(std::string_view text);

// IsFunctionWord: a normalised (case-folded) Russian or English pronoun,
// preposition, conjunction or particle. Capitalised at a sentence's start,
// some look like names: "Того же мнения…" is not Togo.
bool IsFunctionWord(std::string_view norm);

// StartsSentence: word `i` is the first of the text or follows a full stop,
// question or exclamation mark, ellipsis, colon or line break.
bool StartsSentence(std::string_view text, const std::vector<Word>& words, size_t i);

}  // namespace newsdesk::mentions
