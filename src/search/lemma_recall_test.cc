// What Hunspell lemmas add to Snowball stems, measured: a small Russian
// corpus where each article holds one form of a word, and queries by each
// form that should find every article with a form of the same word. Recall
// is over (query, expected article) pairs; a false hit is an article found
// outside the group. The figures printed here are the ones docs/search.md
// quotes; the test fails if lemmas stop adding recall or start adding noise.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "search/analysis.h"
#include "search/lemmatizer.h"
#include "search/search.h"

namespace newsdesk {
namespace {

struct Group {
  const char* what;
  std::vector<const char*> forms;  // one article per form; each form is also a query
};

// Where Snowball's stems already agree (controls), where they split a word
// (fleeting vowels, alternations, suppletion) and two Hunspell gaps, plus a
// derivation no lemmatizer joins (noun and adjective), kept to be honest.
const std::vector<Group> kGroups = {
    {"control: Россия", {"Россия", "России", "Россией"}},
    {"control: министр", {"министр", "министров", "министрами"}},
    {"control: adjective военный", {"военный", "военного", "военных"}},
    {"fleeting vowel: ребёнок", {"ребёнок", "ребёнка", "ребёнком"}},
    {"fleeting vowel: день", {"день", "дня", "днём"}},
    {"fleeting vowel: отец", {"отец", "отца", "отцу"}},
    {"fleeting vowel: рынок", {"рынок", "рынка", "рынке"}},
    {"fleeting vowel: конец", {"конец", "конца", "концом"}},
    {"fleeting vowel: посол (Hunspell gap)", {"посол", "посла", "послом"}},
    {"fleeting vowel: сон (Hunspell gap)", {"сон", "сна", "сном"}},
    {"alternation: брать", {"брать", "беру", "берут"}},
    {"alternation: взять", {"взять", "возьмёт", "взял"}},
    {"-мя noun: время", {"время", "времени", "временем"}},
    {"suppletion: человек", {"человек", "людей", "люди"}},
    {"suppletion: год", {"год", "года", "лет"}},
    {"suppletion: идти", {"идти", "шёл", "шли"}},
    {"plural in -ья: друг", {"друг", "друга", "друзья"}},
    {"derivation: Москва/московский", {"Москва", "московский", "московской"}},
};

struct Tally {
  int found = 0, expected = 0, false_hits = 0;
  std::set<std::pair<std::string, std::string>> pairs;  // (query form, article form) found
};

class LemmaRecall {
 public:
  explicit LemmaRecall(const std::string& dictionary) {
    dir_ = std::filesystem::temp_directory_path() /
           ("nd_lemma_recall_" + std::to_string(::getpid()) + (dictionary.empty() ? "_off" : "_on"));
    std::filesystem::remove_all(dir_);
    SearchOptions options;
    options.hunspell_dictionary = dictionary;
    auto opened = SearchIndex::Open(dir_.string(), options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    index_ = std::move(opened.value());
    int64_t id = 0;
    for (size_t g = 0; g < kGroups.size(); ++g) {
      for (const char* form : kGroups[g].forms) {
        SearchDocument d;
        d.id = ++id;
        d.original = {"ru", "Репортаж", fmt("Корреспондент пишет: %s. Подробности позже.", form)};
        EXPECT_TRUE(index_->Put(d).ok());
        group_of_[id] = g;
      }
    }
    EXPECT_TRUE(index_->Commit().ok());
  }
  ~LemmaRecall() {
    index_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Run tallies every group's queries; per_group[g] gets that group's tally.
  Tally Run(std::vector<Tally>* per_group) {
    Tally total;
    per_group->assign(kGroups.size(), {});
    int64_t first_id = 1;
    for (size_t g = 0; g < kGroups.size(); ++g) {
      const auto& forms = kGroups[g].forms;
      for (const char* form : forms) {
        SearchQuery q;
        q.text = form;
        q.per_page = 100;
        q.facets = false;
        auto r = index_->Search(q);
        EXPECT_TRUE(r.ok());
        std::set<int64_t> hits;
        for (const auto& h : r->hits) hits.insert(h.id);
        Tally& t = (*per_group)[g];
        for (int64_t id = first_id; id < first_id + static_cast<int64_t>(forms.size()); ++id) {
          ++t.expected;
          if (hits.count(id)) {
            ++t.found;
            t.pairs.emplace(form, forms[static_cast<size_t>(id - first_id)]);
          }
        }
        for (int64_t id : hits) t.false_hits += group_of_[id] != g;
      }
      first_id += static_cast<int64_t>(forms.size());
      total.found += (*per_group)[g].found;
      total.expected += (*per_group)[g].expected;
      total.false_hits += (*per_group)[g].false_hits;
    }
    return total;
  }

 private:
  static std::string fmt(const char* pattern, const char* arg) {
    char buf[256];
    std::snprintf(buf, sizeof buf, pattern, arg);
    return buf;
  }
  std::filesystem::path dir_;
  std::unique_ptr<SearchIndex> index_;
  std::map<int64_t, size_t> group_of_;
};

TEST(LemmaRecall, HunspellLemmasAddRecallWithoutFalseHits) {
  const std::string dictionary = "/usr/share/hunspell/ru_RU";
  ASSERT_TRUE(search::Lemmatizer::Shared(dictionary)) << "hunspell-ru is installed by install-deps";
  std::vector<Tally> stems_groups, lemmas_groups;
  Tally stems, lemmas;
  {
    LemmaRecall without("");
    stems = without.Run(&stems_groups);
  }
  {
    LemmaRecall with(dictionary);
    lemmas = with.Run(&lemmas_groups);
  }
  // Which gained pairs Hunspell links alone (a shared lemma, or one's lemma
  // stemming like the other), and which need the table of irregular forms.
  auto plain = search::Lemmatizer::Load(dictionary, /*irregular_forms=*/false);
  ASSERT_TRUE(plain);
  Xapian::Stem stem = search::MakeStemmer();
  auto fold = [](const std::string& w) { return search::FoldCase(search::NormalizeText(w)); };
  auto linked_by_hunspell = [&](const std::string& a, const std::string& b) {
    auto la = plain->Lemmas(a), lb = plain->Lemmas(b);
    for (const auto& x : la) {
      if (std::find(lb.begin(), lb.end(), x) != lb.end() || stem(x) == stem(fold(b))) return true;
    }
    for (const auto& y : lb) {
      if (stem(y) == stem(fold(a))) return true;
    }
    return false;
  };
  int gained = 0, by_hunspell = 0;
  auto pad = [](const std::string& s, size_t width) {
    size_t letters = 0;
    for (unsigned char c : s) letters += (c & 0xC0) != 0x80;
    return s + std::string(width > letters ? width - letters : 0, ' ');
  };
  std::printf("%s%s%s\n", pad("word (3 forms: 9 query-article pairs)", 42).c_str(), pad("Snowball", 14).c_str(),
              "Snowball + lemmas");
  for (size_t g = 0; g < kGroups.size(); ++g) {
    for (const auto& pair : lemmas_groups[g].pairs) {
      if (stems_groups[g].pairs.count(pair)) continue;
      ++gained;
      by_hunspell += linked_by_hunspell(pair.first, pair.second);
    }
    std::printf("%s%s%d/%d\n", pad(kGroups[g].what, 42).c_str(),
                pad(std::to_string(stems_groups[g].found) + "/" + std::to_string(stems_groups[g].expected), 14).c_str(),
                lemmas_groups[g].found, lemmas_groups[g].expected);
  }
  auto pct = [](const Tally& t) { return 100.0 * t.found / t.expected; };
  std::printf("recall: Snowball %.1f%% (%d/%d), with lemmas %.1f%% (%d/%d): +%d pairs, %d linked by Hunspell, %d by "
              "the table of irregular forms; false hits %d and %d\n",
              pct(stems), stems.found, stems.expected, pct(lemmas), lemmas.found, lemmas.expected, gained, by_hunspell,
              gained - by_hunspell, stems.false_hits, lemmas.false_hits);
  ::testing::Test::RecordProperty("recall_snowball", std::to_string(pct(stems)));
  ::testing::Test::RecordProperty("recall_lemmas", std::to_string(pct(lemmas)));
  EXPECT_GT(lemmas.found, stems.found);
  EXPECT_EQ(lemmas.false_hits, stems.false_hits);
  for (size_t g = 0; g < kGroups.size(); ++g) {
    EXPECT_GE(lemmas_groups[g].found, stems_groups[g].found) << kGroups[g].what;  // lemmas never lose a match
  }
}

}  // namespace
}  // namespace newsdesk
