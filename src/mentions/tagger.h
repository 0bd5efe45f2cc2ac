// File: mentions/tagger.h
//
// Front door of the tag stage: finds the entities of a Gazetteer that a text
// names, in Russian and English, in one pass over its words.
//
//   Tagger tagger(gazetteer);
//   for (const Mention& m : tagger.Tag(text)) m.entity->Name("en"), m.count, m.spans;
//
// How it matches: the text is split into words (letters and digits; other
// characters, typographic quotes and dashes among them, separate words),
// each word case-folded with ё→е (NFKC for compatibility characters). Alias
// words are stored in a token trie as their base: the word without its
// nominative ending. A text word matches when the rest of it is an ending of
// the alias word's paradigm (the endings a Russian word with that nominative
// ending takes; "", "s", "es" for Latin words), so "России", "Россией" and
// "Россия" meet, "Шанхайской организации" meets "Шанхайская организация",
// and "Нигерии" is Nigeria while "Нигера" is Niger. (Snowball's Russian
// stemmer was tried first and cuts proper names inconsistently: "астана" →
// "аста", "астане" → "астан".) At each word the longest alias starting there
// wins, and matching resumes after it, so overlaps resolve left to right,
// deterministically; the words of a name must be adjacent (no comma or full
// stop between them, but for abbreviations: "U.S.", "St. Petersburg").
// Aliases in the gazetteer's `exact` list (acronyms: US, UN, ООН) match
// only as written, case-sensitively: "US" is the United States, "us" is not.
// Endings invite false matches, so two guards apply:
//   - a capitalised alias word matches only a capitalised text word
//     ("Turkey", not "turkey"; "Мали", not "мали");
//   - a base shorter than 3 letters matches only the alias word itself, and
//     the paradigm keeps "Малое" from "Мали".
//
// Thread-safety: Tag is const and safe to call concurrently.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "mentions/gazetteer.h"
#include "model/article.h"

namespace newsdesk {

struct Span {
  size_t start = 0;  // byte offsets into the text, [start, end)
  size_t end = 0;
};

struct Mention {
  const Entity* entity = nullptr;
  int count = 0;
  std::vector<Span> spans;  // in text order
};

class Tagger {
 public:
  explicit Tagger(std::shared_ptr<const Gazetteer> gazetteer);
  ~Tagger();
  Tagger(const Tagger&) = delete;
  Tagger& operator=(const Tagger&) = delete;

  // Tag returns the entities `text` names, most salient first (more
  // mentions, then earlier first mention).
  std::vector<Mention> Tag(std::string_view text) const;

  // aliases is how many surface forms the trie holds; conflicts lists forms
  // that two entities claim (the first entity keeps them).
  size_t aliases() const;
  const std::vector<std::string>& conflicts() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// FindNameCandidates lists the names in `text` that no mention covers:
// runs of two or more capitalised words ("Naval Group", "Алексей Кривопалов";
// a sentence's first word only when the text capitalises it elsewhere too,
// and leading function words like "The" dropped), names in «» quotes
// («Уралвагонзавод»), and acronyms of 2-8 capitals that are not Roman
// numerals ("HIMARS", "ОДК"). Forms of one name share a key: its words
// case-folded, ё→е, Russian words reduced by Snowball's stemmer, so
// "Рособоронэкспорта" and "Рособоронэкспорт" count as one. At most 50 per
// text, the most frequent first. Words before byte `from` are left out (a
// headline in Title Case would make every word look like a name).
std::vector<NameCandidate> FindNameCandidates(std::string_view text, const std::vector<Mention>& known,
                                              size_t from = 0);

// ArticleTags: what tagging an article gives the store.
struct ArticleTags {
  std::vector<MentionRecord> mentions;     // entity id, count, first byte offset; most salient first
  std::vector<NameCandidate> candidates;   // names the gazetteer does not know
};

// TagArticle tags an article's headline and body (as PlainText).
ArticleTags TagArticle(const Tagger& tagger, const std::string& headline, const std::vector<Block>& body);

// TagRecord sets a record's mentions and candidates from its own text.
void TagRecord(const Tagger& tagger, ArticleRecord& record);

// PrepareArticle makes a record ready for the store: the one step import,
// ingest and the demo share. It drops control characters from its text
// (RemoveControlChars), tags the record (TagRecord) and sets its
// fingerprint (ArticleFingerprint). The story the article joins is decided
// by `ChooseStory` (model/story.h) from that fingerprint, among near-copies
// published close in time; the store calls it inside the transaction that
// writes the article, so copies written in one batch or at once by several
// nodes still meet.
void PrepareArticle(const Tagger& tagger, ArticleRecord& record);

// SharedTagger holds the site's current gazetteer and its tagger, and lets
// one thread replace them while others tag and look up names: a running
// server picks up editors' changes this way. Get() pins the pair it returns;
// it stays valid for as long as the caller keeps it.
class SharedTagger {
 public:
  struct Pinned {
    std::shared_ptr<const Gazetteer> gazetteer;
    std::shared_ptr<const Tagger> tagger;
  };
  explicit SharedTagger(std::shared_ptr<const Gazetteer> gazetteer);
  Pinned Get() const;
  // Replace builds the new tagger first, so taggers never wait for it.
  void Replace(std::shared_ptr<const Gazetteer> gazetteer);

 private:
  mutable std::mutex mu_;
  Pinned current_;  // GUARDED_BY(mu_)
};

// NormalizeWord case-folds a word, folds ё to е, and applies NFKC to words
// with compatibility characters: what both the text and aliases go through.
std::string NormalizeWord(std::string_view word);

}  // namespace newsdesk
