// File: search/lemmatizer.h (private to search/)
//
// Russian lemmas (dictionary forms) for words whose Snowball stems disagree
// across their forms: fleeting vowels ("ребёнка" → "ребёнок", "дня" →
// "день"), stem alternations ("беру" → "брать"), and, from a small table
// Hunspell lacks, suppletive and irregular forms ("людей" → "человек",
// "шли" → "идти", "лет" → "год").
//
//   std::shared_ptr<Lemmatizer> lem = Lemmatizer::Shared("/usr/share/hunspell/ru_RU");
//   if (lem) for (const std::string& l : lem->Lemmas("Россией")) ...  // "россия"
//
// Hunspell's ru_RU dictionary takes ~120 ms and ~20 MB to load, so each
// dictionary is loaded once per process (Shared) and kept for its life.
// Lemmas are memoised per word; news vocabulary is Zipfian, so most look-ups
// hit the memo.
//
// Thread-safety: Lemmas is safe to call concurrently (Hunspell is not, so
// one mutex guards it and the memo).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

class Hunspell;

namespace newsdesk::search {

class Lemmatizer {
 public:
  // Lemmatizer::Shared returns the process's lemmatizer for the dictionary
  // `path` (without .aff/.dic), loading it on first use; nullptr when the
  // files are missing or unreadable (search then works without lemmas).
  static std::shared_ptr<Lemmatizer> Shared(const std::string& path);

  // Lemmatizer::Load loads a private instance. `irregular_forms` adds the
  // built-in table of forms Hunspell does not link to their lemma.
  static std::shared_ptr<Lemmatizer> Load(const std::string& path, bool irregular_forms = true);

  ~Lemmatizer();

  // Lemmatizer::Lemmas returns the lemmas of a Cyrillic word, lower case
  // with ё→е, without duplicates; empty when Hunspell does not know the word
  // (or it is not Cyrillic, or shorter than 3 letters). A lower-case word is
  // also tried capitalised, so "россии" (as readers type) finds "Россия".
  std::vector<std::string> Lemmas(std::string_view word) { return *Find(word); }

  // Lemmatizer::Find is Lemmas without the copy; never null.
  std::shared_ptr<const std::vector<std::string>> Find(std::string_view word);

 private:
  using LemmaList = std::shared_ptr<const std::vector<std::string>>;
  Lemmatizer(std::unique_ptr<Hunspell> hunspell, bool irregular_forms);
  std::vector<std::string> Compute(const std::string& word);  // REQUIRES: mu_ held

  std::mutex mu_;
  std::unique_ptr<Hunspell> hunspell_;                  // GUARDED_BY(mu_)
  std::unordered_map<std::string, LemmaList> memo_;     // GUARDED_BY(mu_)
  const LemmaList none_ = std::make_shared<const std::vector<std::string>>();
  const bool irregular_forms_;
};

}  // namespace newsdesk::search
