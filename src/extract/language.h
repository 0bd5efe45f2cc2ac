// File: extract/language.h
//
// Which language a text is written in, with CLD2 (Compact Language
// Detector 2). The page's or source's declared language is only a hint: it
// tips a close call, it never overrides the text.
//
//   LanguageGuess g = DetectLanguage(article.Text(), "ru");
//   if (g.reliable) store(g.code, g.percent);   // "ru", 98
//
// Thread-safety: safe to call concurrently (CLD2 keeps no mutable state).
#pragma once

#include <string>
#include <string_view>

namespace newsdesk {

struct LanguageGuess {
  std::string code;      // ISO 639-1 where one exists ("en", "ru", "uk"), "" when unknown
  int percent = 0;       // share of the text's letters in that language, 0..100
  bool reliable = false; // CLD2 is confident (enough text, a clear winner)
};

// DetectLanguage guesses the language of `utf8_text` (plain text, not HTML).
// `hint` is a declared language ("ru", "en-GB", "Russian") or "". Invalid
// UTF-8 and text with no letters give {"" , 0, false}.
LanguageGuess DetectLanguage(std::string_view utf8_text, std::string_view hint = {});

}  // namespace newsdesk
