// File: search/analysis.h (private to search/)
//
// How text becomes terms, shared by indexing and querying so both sides
// agree: text normalisation, the stemmer, stop words, and the Cyrillic words
// that get Hunspell lemmas. Only search/*.cc include this (it brings Xapian).
//
// Thread-safety: functions are safe to call concurrently. A Xapian::Stem is
// reference-counted without atomics: make one per thread (MakeStemmer).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace newsdesk::search {

// Term prefixes (Xapian's convention: boolean terms have an X… prefix unless
// Xapian's own meaning fits, Z is the stemmed-term space).
inline constexpr char kIdPrefix[] = "Q";
inline constexpr char kLanguagePrefix[] = "L";
inline constexpr char kSourcePrefix[] = "XS";
inline constexpr char kMentionPrefix[] = "XM";
inline constexpr char kStoryPrefix[] = "XT";
inline constexpr char kStemPrefix[] = "Z";
inline constexpr char kLemmaPrefix[] = "XH";  // a Hunspell lemma, lower case, ё→е

// Value slots.
inline constexpr Xapian::valueno kPublishedSlot = 0;  // sortable_serialise(seconds since epoch)
// The facets of a document in one slot, so counting them reads one value
// per document, not three: source, language codes and entity ids, each a
// field ended by kFieldEnd, items within a field separated by kItemEnd.
inline constexpr Xapian::valueno kFacetsSlot = 1;
inline constexpr char kFieldEnd = '\x1e';
inline constexpr char kItemEnd = '\x1f';

// NormalizeText makes text safe and uniform for both the index and the
// query parser: ill-formed UTF-8 is replaced, NFKC applied (full-width
// letters, ligatures, compatibility digits become plain ones), control
// characters become spaces, invisible format characters (soft hyphen,
// zero-width space, direction marks) are dropped, and ё/Ё become е/Е,
// which Russian writes interchangeably. Case is kept (Hunspell needs it).
// With `fold_yo` false, ё stays: the text kept for snippets shows the
// article's own spelling (the stemmers fold ё when they match it).
std::string NormalizeText(std::string_view text, bool fold_yo = true);

// StringHash lets unordered maps keyed by std::string be searched with a
// std::string_view, without building a string per look-up.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

// FoldCase lower-cases (Unicode case folding) and applies NFKC.
std::string FoldCase(std::string_view text);

// MakeStemmer returns the stemmer for every text and query: it picks
// Snowball's Russian stemmer for Cyrillic words and English for the rest.
// One stemmer for both languages, decided per word, keeps indexing and
// querying in step even in mixed text ("NATO" in a Russian article, a
// Russian quotation in an English one) and in mixed queries.
Xapian::Stem MakeStemmer();

// Stopwords is the Russian and English stop-word list (Snowball's, with ё
// folded). Xapian keeps unstemmed stop words for phrases and drops their
// stems.
const Xapian::SimpleStopper& Stopwords();
bool IsStopword(const std::string& folded_word);

// IsCyrillicWord: the word's first letter is Cyrillic.
bool IsCyrillicWord(std::string_view word);

// ForEachWord calls fn(word) for each run of letters and digits in `text`
// (the same split Xapian's term generator makes, near enough for lemmas:
// apostrophes and hyphens end a word).
template <typename Fn>
void ForEachWord(std::string_view text, Fn&& fn) {
  Xapian::Utf8Iterator it(text.data(), text.size()), end;
  while (it != end) {
    while (it != end && !Xapian::Unicode::is_wordchar(*it)) ++it;
    if (it == end) break;
    const char* start = it.raw();
    while (it != end && Xapian::Unicode::is_wordchar(*it)) ++it;
    const char* stop = it == end ? text.data() + text.size() : it.raw();
    fn(std::string_view(start, static_cast<size_t>(stop - start)));
  }
}

}  // namespace newsdesk::search
