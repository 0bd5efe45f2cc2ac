#include "search/search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <random>
#include <thread>

#include <xapian.h>

#include "common/testing/test_directory.h"

namespace newsdesk {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

TimePoint Day(const char* date) { return *ParseSearchDate(date); }

SearchDocument Doc(int64_t id, const std::string& language, const std::string& headline, const std::string& body,
                   const std::string& source = "wire", const char* published = "2024-03-01") {
  SearchDocument d;
  d.id = id;
  d.slug = "article-" + std::to_string(id);
  d.source = source;
  d.published_at = Day(published);
  d.original = {language, headline, body};
  return d;
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDirectory("nd_search_test");
    index_ = OpenIndex();
  }
  void TearDown() override {
    index_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<SearchIndex> OpenIndex(const SearchOptions& options = {}) {
    auto opened = SearchIndex::Open(dir_.string(), options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened.value()) : nullptr;
  }

  void Add(const std::vector<SearchDocument>& docs) {
    for (const auto& d : docs) ASSERT_TRUE(index_->Put(d).ok());
    ASSERT_TRUE(index_->Commit().ok());
  }

  SearchResults Find(SearchQuery q) {
    auto r = index_->Search(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r.value()) : SearchResults{};
  }
  SearchResults Find(const std::string& text) {
    SearchQuery q;
    q.text = text;
    return Find(q);
  }

  static std::vector<int64_t> Ids(const SearchResults& r) {
    std::vector<int64_t> ids;
    for (const auto& h : r.hits) ids.push_back(h.id);
    return ids;
  }
  std::vector<int64_t> Ids(const std::string& text) { return Ids(Find(text)); }

  std::filesystem::path dir_;
  std::unique_ptr<SearchIndex> index_;
};

// --- word forms ----------------------------------------------------------------

TEST_F(SearchIndexTest, RussianCaseFormsFindEachOther) {
  Add({Doc(1, "ru", "Россия и Китай", "Переговоры прошли в Пекине."),
       Doc(2, "ru", "Торговля с Россией", "Объём вырос."),
       Doc(3, "ru", "Санкции против России", "Новый пакет."),
       Doc(4, "ru", "Погода", "Дожди в Лондоне.")});
  EXPECT_THAT(Ids("России"), UnorderedElementsAre(1, 2, 3));
  EXPECT_THAT(Ids("россия"), UnorderedElementsAre(1, 2, 3));
  EXPECT_THAT(Ids("РОССИЕЙ"), UnorderedElementsAre(1, 2, 3));
}

TEST_F(SearchIndexTest, EnglishPluralFindsSingular) {
  Add({Doc(1, "en", "Minister resigns", "The defence minister quit."),
       Doc(2, "en", "Weather", "Rain in London.")});
  EXPECT_THAT(Ids("ministers"), ElementsAre(1));
  EXPECT_THAT(Ids("Resigned"), ElementsAre(1));
}

TEST_F(SearchIndexTest, LemmasFindFormsSnowballCutsDifferently) {
  // Snowball: "ребёнка" → "ребенк", "ребёнок" → "ребенок"; "дня" → "дня",
  // "день" → "ден". Hunspell gives both the same lemma.
  Add({Doc(1, "ru", "Спасение ребёнка", "Спасатели вывели ребёнка из леса."),
       Doc(2, "ru", "Итоги дня", "Главное за сутки."),
       Doc(3, "ru", "Новости", "Другое.")});
  EXPECT_THAT(Ids("ребёнок"), ElementsAre(1));
  EXPECT_THAT(Ids("ребенок"), ElementsAre(1));
  EXPECT_THAT(Ids("день"), ElementsAre(2));
}

TEST_F(SearchIndexTest, IrregularFormsFindTheirLemma) {
  Add({Doc(1, "ru", "Сотни людей вышли на улицы", "Акция прошла мирно."),
       Doc(2, "ru", "Каждый человек важен", "Колонка."),
       Doc(3, "ru", "Погода", "Дожди.")});
  EXPECT_THAT(Ids("человек"), UnorderedElementsAre(1, 2));
  EXPECT_THAT(Ids("людей"), UnorderedElementsAre(1, 2));
}

TEST_F(SearchIndexTest, WithoutDictionaryStemsStillWork) {
  index_.reset();
  SearchOptions options;
  options.hunspell_dictionary = "/nonexistent/ru_RU";
  index_ = OpenIndex(options);
  ASSERT_TRUE(index_);
  Add({Doc(1, "ru", "Спасение ребёнка", "Санкции против России.")});
  EXPECT_THAT(Ids("россией"), ElementsAre(1));
  EXPECT_THAT(Ids("ребёнок"), IsEmpty());  // what lemmas add
}

TEST_F(SearchIndexTest, YoAndYeAreTheSameLetter) {
  Add({Doc(1, "ru", "Королёв: ещё один запуск", "Ракета ушла на орбиту."),
       Doc(2, "ru", "Королев принимает гостей", "Город науки.")});
  EXPECT_THAT(Ids("королев"), UnorderedElementsAre(1, 2));
  EXPECT_THAT(Ids("Королёв"), UnorderedElementsAre(1, 2));
  EXPECT_THAT(Ids("\"еще один\""), ElementsAre(1));
}

// --- query syntax --------------------------------------------------------------

TEST_F(SearchIndexTest, WordsAreAllRequiredByDefault) {
  Add({Doc(1, "en", "NATO summit", "Leaders met in Vilnius."),
       Doc(2, "en", "NATO exercise", "Troops trained in Poland.")});
  EXPECT_THAT(Ids("nato vilnius"), ElementsAre(1));
  EXPECT_THAT(Ids("nato"), UnorderedElementsAre(1, 2));
}

TEST_F(SearchIndexTest, PhraseNeedsAdjacentWordsInOrder) {
  Add({Doc(1, "ru", "Заявление", "Министр обороны выступил."),
       Doc(2, "ru", "Заявление", "Обороны министр не касался."),
       Doc(3, "en", "Talks", "The defence minister spoke."),
       Doc(4, "en", "Talks", "The minister of defence spoke.")});
  EXPECT_THAT(Ids("\"министр обороны\""), ElementsAre(1));
  EXPECT_THAT(Ids("\"defence minister\""), ElementsAre(3));
  EXPECT_THAT(Ids("defence minister"), UnorderedElementsAre(3, 4));
}

TEST_F(SearchIndexTest, PhraseMatchesWordFormsInOrder) {
  // The index holds stems with positions: a phrase matches its words' forms.
  Add({Doc(1, "ru", "Визит", "Визит министра обороны в Минск."), Doc(2, "ru", "Визит", "Оборона и министр.")});
  EXPECT_THAT(Ids("\"министр обороны\""), ElementsAre(1));
}

TEST_F(SearchIndexTest, OrAndNotCombineWords) {
  Add({Doc(1, "en", "Tanks", "Armoured vehicles."), Doc(2, "en", "Drones", "Unmanned aircraft."),
       Doc(3, "en", "Tanks and drones", "Both.")});
  EXPECT_THAT(Ids("tanks OR drones"), UnorderedElementsAre(1, 2, 3));
  EXPECT_THAT(Ids("tanks AND drones"), ElementsAre(3));
  EXPECT_THAT(Ids("tanks NOT drones"), ElementsAre(1));
  EXPECT_THAT(Ids("tanks -drones"), ElementsAre(1));
  EXPECT_THAT(Ids("NOT drones"), ElementsAre(1));
}

TEST_F(SearchIndexTest, NotExcludesEveryFormOfARussianWord) {
  Add({Doc(1, "ru", "Танки", "Новые танки."), Doc(2, "ru", "Танки и ребёнок", "Рассказ."),
       Doc(3, "ru", "Танки и ребёнка", "Рассказ.")});
  EXPECT_THAT(Ids("танки NOT ребёнка"), ElementsAre(1));
}

TEST_F(SearchIndexTest, TrailingWildcardMatchesPrefix) {
  Add({Doc(1, "ru", "Министерство", "Текст."), Doc(2, "ru", "Министр", "Текст."), Doc(3, "ru", "Мир", "Текст.")});
  EXPECT_THAT(Ids("минист*"), UnorderedElementsAre(1, 2));
  // A whole word before '*' still finds its other forms ("министерства").
  Add({Doc(4, "ru", "Решение", "Решение министерства.")});
  EXPECT_THAT(Ids("министерство*"), UnorderedElementsAre(1, 4));
  EXPECT_THAT(Ids("presidents*"), IsEmpty());
}

// --- filters -------------------------------------------------------------------

class SearchFilterTest : public SearchIndexTest {
 protected:
  void SetUp() override {
    SearchIndexTest::SetUp();
    auto a = Doc(1, "en", "Drone strike", "A drone hit the depot.", "tass", "2024-01-05");
    a.entities = {"russia", "ukraine"};
    a.story_id = 7;
    auto b = Doc(2, "ru", "Удар дрона", "Дрон поразил склад, drone.", "ria", "2024-02-10");
    b.entities = {"russia"};
    b.story_id = 7;
    auto c = Doc(3, "en", "Drone show", "Drones lit the sky.", "tass", "2024-03-15");
    c.entities = {"china"};
    Add({a, b, c});
  }
};

TEST_F(SearchFilterTest, FiltersInTheQueryText) {
  EXPECT_THAT(Ids("drone source:tass"), UnorderedElementsAre(1, 3));
  EXPECT_THAT(Ids("drone lang:ru"), ElementsAre(2));
  EXPECT_THAT(Ids("drone mention:russia"), UnorderedElementsAre(1, 2));
  EXPECT_THAT(Ids("drone mention:russia mention:china"), UnorderedElementsAre(1, 2, 3));  // same filter: OR
  EXPECT_THAT(Ids("drone story:7 source:ria"), ElementsAre(2));
  EXPECT_THAT(Ids("drone Source:TASS"), UnorderedElementsAre(1, 3));
}

TEST_F(SearchFilterTest, FiltersFromQueryFields) {
  SearchQuery q;
  q.text = "drone";
  q.source = "tass";
  EXPECT_THAT(Ids(Find(q)), UnorderedElementsAre(1, 3));
  q.source.reset();
  q.language = "ru";
  EXPECT_THAT(Ids(Find(q)), ElementsAre(2));
  q.language.reset();
  q.mention = "china";
  EXPECT_THAT(Ids(Find(q)), ElementsAre(3));
}

TEST_F(SearchFilterTest, DateRangeInTextAndFields) {
  EXPECT_THAT(Ids("drone from:2024-02-01"), UnorderedElementsAre(2, 3));
  EXPECT_THAT(Ids("drone to:2024-02-10"), UnorderedElementsAre(1, 2));  // the whole last day
  EXPECT_THAT(Ids("drone from:2024-02 to:2024-02"), ElementsAre(2));
  EXPECT_THAT(Ids("drone from:2024"), UnorderedElementsAre(1, 2, 3));
  SearchQuery q;
  q.text = "drone";
  q.from = Day("2024-01-06");
  q.to = Day("2024-03-14");
  EXPECT_THAT(Ids(Find(q)), ElementsAre(2));
}

TEST_F(SearchFilterTest, MalformedDateIsIgnoredWithANotice) {
  auto r = Find("drone from:yesterday");
  EXPECT_EQ(r.hits.size(), 3u);
  EXPECT_THAT(r.notice, HasSubstr("from:yesterday"));
}

TEST_F(SearchFilterTest, FiltersAloneListNewestFirst) {
  auto r = Find("source:tass");
  EXPECT_THAT(Ids(r), ElementsAre(3, 1));
  SearchQuery q;
  q.mention = "russia";
  EXPECT_THAT(Ids(Find(q)), ElementsAre(2, 1));
}

TEST_F(SearchFilterTest, DateSortIsNewestFirst) {
  SearchQuery q;
  q.text = "drone";
  q.sort = SearchQuery::Sort::kDate;
  EXPECT_THAT(Ids(Find(q)), ElementsAre(3, 2, 1));
}

TEST_F(SearchFilterTest, FacetsCountSourcesLanguagesAndMentions) {
  auto r = Find("drone");
  ASSERT_EQ(r.total, 3);
  EXPECT_THAT(r.sources, ElementsAre(::testing::Field(&Facet::value, "tass"), ::testing::Field(&Facet::value, "ria")));
  EXPECT_EQ(r.sources[0].count, 2);
  EXPECT_EQ(r.languages[0].value, "en");
  EXPECT_EQ(r.languages[0].count, 2);
  ASSERT_FALSE(r.mentions.empty());
  EXPECT_EQ(r.mentions[0].value, "russia");
  EXPECT_EQ(r.mentions[0].count, 2);
  SearchQuery q;
  q.text = "drone";
  q.facets = false;
  EXPECT_THAT(Find(q).sources, IsEmpty());
}

// --- pages, translations, snippets ---------------------------------------------

TEST_F(SearchIndexTest, PagesDoNotOverlap) {
  std::vector<SearchDocument> docs;
  for (int i = 1; i <= 25; ++i) docs.push_back(Doc(i, "en", "Budget vote " + std::to_string(i), "Parliament voted."));
  Add(docs);
  SearchQuery q;
  q.text = "budget";
  q.per_page = 10;
  std::set<int64_t> seen;
  for (int page = 1; page <= 3; ++page) {
    q.page = page;
    auto r = Find(q);
    EXPECT_EQ(r.total, 25);
    EXPECT_EQ(r.hits.size(), page < 3 ? 10u : 5u);
    for (const auto& h : r.hits) EXPECT_TRUE(seen.insert(h.id).second);
  }
  EXPECT_EQ(seen.size(), 25u);
  q.page = 4;
  EXPECT_THAT(Find(q).hits, IsEmpty());
}

TEST_F(SearchIndexTest, TranslationIsFoundByItsLanguage) {
  auto d = Doc(1, "ru", "Шойгу прибыл в Астану", "Министр обороны России прибыл на совещание.");
  d.translations.push_back({"en", "Shoigu arrives in Astana", "Russia's defence minister arrived for the meeting."});
  Add({d});
  auto en = Find("defence ministers");
  ASSERT_EQ(en.hits.size(), 1u);
  EXPECT_EQ(en.hits[0].language, "en");
  EXPECT_EQ(en.hits[0].headline, "Shoigu arrives in Astana");
  EXPECT_THAT(en.hits[0].snippet_html, HasSubstr("<mark>minister</mark>"));
  auto ru = Find("министра");
  ASSERT_EQ(ru.hits.size(), 1u);
  EXPECT_EQ(ru.hits[0].language, "ru");
  EXPECT_EQ(ru.hits[0].headline, "Шойгу прибыл в Астану");
  EXPECT_THAT(Ids("lang:en astana"), ElementsAre(1));
}

TEST_F(SearchIndexTest, EditionVersionIsShownWhenItMatches) {
  auto d = Doc(1, "ru", "Саммит НАТО", "Лидеры НАТО собрались в Вильнюсе.");
  d.translations.push_back({"en", "NATO summit", "NATO leaders gathered in Vilnius."});
  Add({d});
  SearchQuery q;
  q.text = "nato OR нато";
  q.edition = "en";
  auto r = Find(q);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].language, "en");
  q.edition = "ru";
  EXPECT_EQ(Find(q).hits[0].language, "ru");
  q.text = "vilnius";  // only the English version matches: it beats the edition
  EXPECT_EQ(Find(q).hits[0].language, "en");
}

TEST_F(SearchIndexTest, SnippetsKeepTheArticlesYoAndHighlightEitherSpelling) {
  Add({Doc(1, "ru", "Испытания", "Лётные испытания самолёта начнутся через неделю.")});
  for (const char* query : {"летные", "лётные", "самолета"}) {
    SearchResults r = Find(query);
    ASSERT_EQ(r.total, 1) << query;
    EXPECT_THAT(r.hits[0].snippet_html, HasSubstr("самолёта")) << "the text as the article wrote it";
    EXPECT_THAT(r.hits[0].snippet_html, HasSubstr("<mark>")) << query << ": " << r.hits[0].snippet_html;
  }
  EXPECT_THAT(Find("летные").hits[0].snippet_html, HasSubstr("<mark>Лётные</mark>"));
}

TEST_F(SearchIndexTest, SnippetIsEscapedAndHighlighted) {
  Add({Doc(1, "en", "Injection <b>attempt</b>", "Before <script>alert('x')</script> & the minister's \"reply\" after.")});
  auto r = Find("minister");
  ASSERT_EQ(r.hits.size(), 1u);
  const std::string& snippet = r.hits[0].snippet_html;
  EXPECT_THAT(snippet, HasSubstr("&lt;script&gt;"));
  EXPECT_THAT(snippet, Not(HasSubstr("<script>")));
  EXPECT_THAT(snippet, HasSubstr("&amp;"));
  EXPECT_THAT(snippet, HasSubstr("<mark>minister's</mark>"));
  std::string without_marks = snippet;
  for (const char* mark : {"<mark>", "</mark>"}) {
    for (size_t at; (at = without_marks.find(mark)) != std::string::npos;) without_marks.erase(at, strlen(mark));
  }
  EXPECT_EQ(without_marks.find('<'), std::string::npos) << snippet;
  EXPECT_EQ(r.hits[0].headline, "Injection <b>attempt</b>");  // plain text: the page escapes it
}

TEST_F(SearchIndexTest, SnippetHighlightsFormsFoundThroughLemmas) {
  Add({Doc(1, "ru", "Спасение", "Спасатели нашли ребёнка в лесу.")});
  auto r = Find("ребёнок");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_THAT(r.hits[0].snippet_html, HasSubstr("<mark>ребёнка</mark>"));
}

TEST_F(SearchIndexTest, SnippetHighlightsPhraseAndWildcardWords) {
  Add({Doc(1, "ru", "Заявление", "Министр обороны выступил в министерстве.")});
  auto phrase = Find("\"министр обороны\"");
  ASSERT_EQ(phrase.hits.size(), 1u);
  EXPECT_THAT(phrase.hits[0].snippet_html, HasSubstr("<mark>Министр</mark> <mark>обороны</mark>"));
  auto wildcard = Find("минист*");
  ASSERT_EQ(wildcard.hits.size(), 1u);
  EXPECT_THAT(wildcard.hits[0].snippet_html, HasSubstr("<mark>Министр</mark>"));
  EXPECT_THAT(wildcard.hits[0].snippet_html, HasSubstr("<mark>министерстве</mark>"));
}

TEST_F(SearchIndexTest, SnippetWithoutMatchInBodyStartsTheBody) {
  Add({Doc(1, "en", "Election results", "Turnout was high across the country.")});
  auto r = Find("election");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_THAT(r.hits[0].snippet_html, HasSubstr("Turnout was high"));
}

TEST_F(SearchIndexTest, SpellingSuggestionWhenLittleIsFound) {
  Add({Doc(1, "ru", "Министр обороны", "Министр обороны провёл совещание."),
       Doc(2, "en", "Government crisis", "The government resigned.")});
  auto ru = Find("минстр");
  EXPECT_TRUE(ru.hits.empty());
  EXPECT_EQ(ru.suggestion, "министр");
  auto en = Find("goverment crisis");
  EXPECT_EQ(en.suggestion, "government crisis");
  EXPECT_EQ(Find("government").suggestion, "");
  // Operators, filters and known words stay as they are.
  EXPECT_EQ(Find("goverment OR министр lang:en").suggestion, "government OR министр lang:en");
  EXPECT_EQ(Find("qqqqzzzz").suggestion, "");  // nothing near: no suggestion
}

// --- writes --------------------------------------------------------------------

TEST_F(SearchIndexTest, PutReplacesTheArticleWithTheSameId) {
  Add({Doc(1, "en", "Alpha", "First text.")});
  Add({Doc(1, "en", "Beta", "Second text.")});
  EXPECT_THAT(Ids("alpha"), IsEmpty());
  EXPECT_THAT(Ids("beta"), ElementsAre(1));
  EXPECT_EQ(*index_->DocumentCount(), 1);
}

TEST_F(SearchIndexTest, RemoveIsIdempotent) {
  Add({Doc(1, "en", "Alpha", "Text."), Doc(2, "en", "Alpha two", "Text.")});
  ASSERT_TRUE(index_->Remove(1).ok());
  ASSERT_TRUE(index_->Remove(1).ok());
  ASSERT_TRUE(index_->Remove(999).ok());
  ASSERT_TRUE(index_->Commit().ok());
  EXPECT_THAT(Ids("alpha"), ElementsAre(2));
  EXPECT_EQ(*index_->DocumentCount(), 1);
}

TEST_F(SearchIndexTest, ClearRemovesEverything) {
  Add({Doc(1, "en", "Alpha", "Text."), Doc(2, "en", "Beta", "Text.")});
  ASSERT_TRUE(index_->Clear().ok());
  ASSERT_TRUE(index_->Commit().ok());
  EXPECT_EQ(*index_->DocumentCount(), 0);
  EXPECT_THAT(Ids("alpha"), IsEmpty());
}

TEST_F(SearchIndexTest, SearchSeesOnlyCommittedChanges) {
  Add({Doc(1, "en", "Alpha", "Text.")});
  ASSERT_TRUE(index_->Put(Doc(2, "en", "Alpha two", "Text.")).ok());
  EXPECT_THAT(Ids("alpha"), ElementsAre(1));
  ASSERT_TRUE(index_->Commit().ok());
  EXPECT_THAT(Ids("alpha"), UnorderedElementsAre(1, 2));
}

TEST_F(SearchIndexTest, SequenceIsCommittedWithTheDocuments) {
  EXPECT_EQ(*index_->IndexedSequence(), 0);
  ASSERT_TRUE(index_->Put(Doc(1, "en", "Alpha", "Text.")).ok());
  ASSERT_TRUE(index_->SetIndexedSequence(41).ok());
  ASSERT_TRUE(index_->Commit().ok());
  ASSERT_TRUE(index_->Put(Doc(2, "en", "Beta", "Text.")).ok());
  ASSERT_TRUE(index_->SetIndexedSequence(42).ok());
  // What a crash now would leave is what a read-only view sees: the last
  // commit, sequence and documents together.
  SearchOptions read_only;
  read_only.read_only = true;
  auto reader = SearchIndex::Open(dir_.string(), read_only);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(*(*reader)->IndexedSequence(), 41);
  EXPECT_EQ(*(*reader)->DocumentCount(), 1);
  ASSERT_TRUE(index_->Commit().ok());
  index_.reset();
  index_ = OpenIndex();
  EXPECT_EQ(*index_->IndexedSequence(), 42);
  EXPECT_EQ(*index_->DocumentCount(), 2);
}

TEST_F(SearchIndexTest, ReadOnlyIndexRefusesWritesAndMissingIsNotFound) {
  SearchOptions read_only;
  read_only.read_only = true;
  auto missing = SearchIndex::Open((dir_ / "missing").string(), read_only);
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  Add({Doc(1, "en", "Alpha", "Text.")});
  auto reader = SearchIndex::Open(dir_.string(), read_only);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->Put(Doc(2, "en", "Beta", "Text.")).code(), Code::kInvalidArgument);
  EXPECT_EQ((*reader)->Search(SearchQuery{.text = "alpha"})->hits.size(), 1u);
}

TEST_F(SearchIndexTest, SecondWriterIsUnavailable) {
  auto second = SearchIndex::Open(dir_.string());
  EXPECT_EQ(second.status().code(), Code::kUnavailable) << second.status().ToString();
}

TEST_F(SearchIndexTest, SearchesRunWhileCommitsHappen) {
  Add({Doc(1, "en", "Seed budget", "Text.")});
  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, searches{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done) {
        SearchQuery q;
        q.text = "budget";
        auto r = index_->Search(q);
        if (!r.ok() || r->hits.empty()) ++failures;
        ++searches;
      }
    });
  }
  for (int i = 2; i < 200; ++i) {
    ASSERT_TRUE(index_->Put(Doc(i, "en", "Budget " + std::to_string(i), "Parliament voted on the budget.")).ok());
    if (i % 10 == 0) {
      ASSERT_TRUE(index_->Commit().ok());
    }
  }
  ASSERT_TRUE(index_->Commit().ok());
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_GT(searches, 0);
  EXPECT_EQ(Find("budget").total, 199);
}

// --- shards --------------------------------------------------------------------

// A corpus with ties in relevance and in date, several sources, languages,
// entities and translations, so order, paging and facets would show any
// difference between shard counts.
std::vector<SearchDocument> MixedCorpus() {
  const char* ru_words[] = {"министр", "обороны", "России", "переговоры", "склад", "дрон", "удар", "ребёнка", "людей", "бюджет"};
  const char* en_words[] = {"minister", "defence", "talks", "drone", "depot", "strike", "budget", "ministers", "summit", "tanks"};
  std::vector<SearchDocument> docs;
  std::mt19937 rng(17);
  for (int id = 1; id <= 240; ++id) {
    const bool ru = id % 3 != 0;
    auto word = [&] { return std::string(ru ? ru_words[rng() % 10] : en_words[rng() % 10]); };
    std::string headline = word() + " " + word(), body;
    for (int w = 0, n = 4 + static_cast<int>(rng() % 20); w < n; ++w) body += word() + (w % 7 == 6 ? ". " : " ");
    const std::string day = "2024-0" + std::to_string(1 + rng() % 9) + "-1" + std::to_string(rng() % 10);
    auto d = Doc(id, ru ? "ru" : "en", headline, body, "source-" + std::to_string(rng() % 5), day.c_str());
    for (int e = static_cast<int>(rng() % 3); e > 0; --e) d.entities.push_back("entity-" + std::to_string(rng() % 6));
    d.story_id = static_cast<int64_t>(rng() % 4);
    if (id % 10 == 0) d.translations.push_back({ru ? "en" : "ru", ru ? "Minister talks" : "Переговоры министра", ru ? "The minister held talks." : "Министр провёл переговоры."});
    docs.push_back(std::move(d));
  }
  docs.push_back(Doc(1000, "en", "Government crisis", "The government resigned."));
  return docs;
}

TEST_F(SearchIndexTest, ThreeShardsGiveTheResultsOfOne) {
  const auto corpus = MixedCorpus();
  auto open = [&](int shards) {
    SearchOptions options;
    options.shards = shards;
    auto index = SearchIndex::Open((dir_ / ("n" + std::to_string(shards))).string(), options);
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    // Put in a shuffled order: the order of writes must not matter either.
    std::vector<size_t> order(corpus.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937(shards));
    for (size_t i : order) EXPECT_TRUE((*index)->Put(corpus[i]).ok());
    EXPECT_TRUE((*index)->Commit().ok());
    return std::move(*index);
  };
  auto one = open(1), three = open(3);
  ASSERT_EQ(one->ShardCount(), 1);
  ASSERT_EQ(three->ShardCount(), 3);
  EXPECT_EQ(*three->DocumentCount(), static_cast<int64_t>(corpus.size()));

  std::vector<SearchQuery> queries;
  for (const char* text : {"министр", "министра обороны", "\"министр обороны\"", "minister", "ministers talks",
                           "drone OR дрон", "удар NOT склад", "минис*", "budget -tanks", "ребёнок", "люди",
                           "дрон source:source-1", "talks lang:ru", "mention:entity-2", "story:2 from:2024-03",
                           "goverment", "минстр обороны", "the"}) {
    for (int page : {1, 2, 3}) {
      SearchQuery q;
      q.text = text;
      q.page = page;
      q.per_page = 7;
      q.edition = page == 2 ? "en" : "ru";
      queries.push_back(q);
    }
  }
  SearchQuery by_date;
  by_date.text = "министр";
  by_date.sort = SearchQuery::Sort::kDate;
  queries.push_back(by_date);
  SearchQuery fields;
  fields.source = "source-3";
  fields.per_page = 100;
  queries.push_back(fields);

  auto facets = [](const std::vector<Facet>& f) {
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& x : f) out.emplace_back(x.value, x.count);
    return out;
  };
  for (const auto& q : queries) {
    SCOPED_TRACE(q.text + " page " + std::to_string(q.page));
    auto a = one->Search(q);
    auto b = three->Search(q);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->total, b->total);
    EXPECT_EQ(Ids(*a), Ids(*b));
    ASSERT_EQ(a->hits.size(), b->hits.size());
    for (size_t i = 0; i < a->hits.size(); ++i) {
      EXPECT_EQ(a->hits[i].headline, b->hits[i].headline);
      EXPECT_EQ(a->hits[i].snippet_html, b->hits[i].snippet_html);
      // Xapian 1.4 expands a wildcard in each shard and weighs the expansion
      // with that shard's statistics: its weights differ (not its order here).
      if (q.text.find('*') == std::string::npos) EXPECT_DOUBLE_EQ(a->hits[i].relevance, b->hits[i].relevance);
    }
    EXPECT_EQ(facets(a->sources), facets(b->sources));
    EXPECT_EQ(facets(a->languages), facets(b->languages));
    EXPECT_EQ(facets(a->mentions), facets(b->mentions));
    EXPECT_EQ(a->suggestion, b->suggestion);
    EXPECT_EQ(a->notice, b->notice);
  }
  EXPECT_EQ(three->Search(SearchQuery{.text = "goverment"})->suggestion, "government");
}

TEST_F(SearchIndexTest, AnArticleLivesInShardIdModN) {
  index_.reset();
  SearchOptions options;
  options.shards = 3;
  index_ = OpenIndex(options);
  Add({Doc(4, "en", "Alpha", "Text."), Doc(6, "en", "Beta", "Text.")});
  index_.reset();
  EXPECT_TRUE(Xapian::Database((dir_ / "shard-1").string()).term_exists("Q4"));
  EXPECT_TRUE(Xapian::Database((dir_ / "shard-0").string()).term_exists("Q6"));
  EXPECT_EQ(Xapian::Database((dir_ / "shard-2").string()).get_doccount(), 0u);
  // Xapian's own tools open the directory as one database (the stub file).
  EXPECT_EQ(Xapian::Database(dir_.string()).get_doccount(), 2u);
}

TEST_F(SearchIndexTest, AnotherShardCountLaysTheIndexOutAnew) {
  index_.reset();
  SearchOptions two;
  two.shards = 2;
  index_ = OpenIndex(two);
  Add({Doc(1, "en", "Alpha", "Text."), Doc(2, "en", "Beta", "Text.")});
  ASSERT_TRUE(index_->SetIndexedSequence(9).ok());
  ASSERT_TRUE(index_->Commit().ok());
  index_.reset();
  index_ = OpenIndex(two);  // the same count: kept
  EXPECT_EQ(*index_->IndexedSequence(), 9);
  EXPECT_EQ(*index_->DocumentCount(), 2);
  index_.reset();
  SearchOptions three;
  three.shards = 3;
  index_ = OpenIndex(three);  // another count: empty, sequence 0, so the follower rebuilds it
  EXPECT_EQ(index_->ShardCount(), 3);
  EXPECT_EQ(*index_->IndexedSequence(), 0);
  EXPECT_EQ(*index_->DocumentCount(), 0);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "shard-1" / "postlist.glass") &&
               Xapian::Database((dir_ / "shard-1").string()).get_doccount() > 0);
  SearchOptions read_only;
  read_only.read_only = true;
  read_only.shards = 5;  // a reader takes the count the index has
  auto reader = SearchIndex::Open(dir_.string(), read_only);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->ShardCount(), 3);
}

TEST_F(SearchIndexTest, AnIndexFromBeforeShardsIsLaidOutAnew) {
  index_.reset();
  std::filesystem::remove_all(dir_);
  {
    Xapian::WritableDatabase old(dir_.string(), Xapian::DB_CREATE);
    Xapian::Document d;
    d.add_boolean_term("Q1");
    old.add_document(d);
    old.set_metadata("newsdesk.indexed_sequence", "12");
    old.commit();
  }
  SearchOptions read_only;
  read_only.read_only = true;
  auto reader = SearchIndex::Open(dir_.string(), read_only);
  ASSERT_TRUE(reader.ok()) << "still searchable read-only";
  EXPECT_EQ(*(*reader)->IndexedSequence(), 12);
  reader->reset();
  index_ = OpenIndex();
  EXPECT_EQ(*index_->IndexedSequence(), 0) << "rebuilt by the follower";
  EXPECT_FALSE(std::filesystem::exists(dir_ / "iamglass"));
  Add({Doc(1, "en", "Alpha", "Text.")});
  EXPECT_THAT(Ids("alpha"), ElementsAre(1));
}

TEST_F(SearchIndexTest, IdsOutsideXapiansRangeAreRefused) {
  EXPECT_EQ(index_->Put(Doc(-1, "en", "Alpha", "Text.")).code(), Code::kInvalidArgument);
  EXPECT_EQ(index_->Put(Doc(int64_t{1} << 32, "en", "Alpha", "Text.")).code(), Code::kInvalidArgument);
  EXPECT_TRUE(index_->Remove(-1).ok());
  Add({Doc(0, "en", "Alpha", "Text."), Doc(int64_t{0xFFFFFFFE}, "en", "Alpha", "Text.")});
  EXPECT_THAT(Ids("alpha"), ElementsAre(0, int64_t{0xFFFFFFFE}));
}

// --- bad input: results or a clear message, never an error ---------------------

class BadInputTest : public SearchIndexTest {
 protected:
  void SetUp() override {
    SearchIndexTest::SetUp();
    Add({Doc(1, "en", "NATO summit in Vilnius", "Leaders of NATO met to discuss Ukraine."),
         Doc(2, "ru", "Россия и Китай", "Переговоры в Пекине."),
         Doc(3, "en", "Foo and bar", "A foo walked into a bar.")});
  }
};

TEST_F(BadInputTest, UnbalancedQuotesAndBrackets) {
  EXPECT_THAT(Ids("\"nato summit"), ElementsAre(1));
  EXPECT_THAT(Ids("nato summit\""), ElementsAre(1));
  EXPECT_THAT(Ids("(nato"), ElementsAre(1));
  EXPECT_THAT(Ids("nato)"), ElementsAre(1));
  EXPECT_THAT(Ids("\"\"\""), IsEmpty());
}

TEST_F(BadInputTest, OperatorsThatMakeNoSenseAreReadAsWords) {
  for (const char* q : {"nato AND", "AND nato", "OR", "NOT", "nato OR OR vilnius", "nato NEAR/x", "AND OR NOT"}) {
    auto r = index_->Search(SearchQuery{.text = q});
    EXPECT_TRUE(r.ok()) << q;
  }
  auto r = Find("nato AND");
  EXPECT_THAT(Ids(r), ElementsAre(1));
  EXPECT_THAT(r.notice, Not(IsEmpty()));
}

TEST_F(BadInputTest, TenKilobyteQueryIsCutWithANotice) {
  std::string q = "nato";
  while (q.size() < 10240) q += " summit";
  auto r = Find(q);
  EXPECT_THAT(Ids(r), ElementsAre(1));
  EXPECT_THAT(r.notice, HasSubstr("too long"));
  std::string russian;
  while (russian.size() < 10240) russian += "Россия";  // one huge word, cut mid-letter
  EXPECT_TRUE(index_->Search(SearchQuery{.text = russian}).ok());
}

TEST_F(BadInputTest, OnlyStopWordsGiveANoticeAndNoResults) {
  for (const char* q : {"the", "and of the", "и в на", "The AND of"}) {
    auto r = Find(q);
    EXPECT_THAT(r.hits, IsEmpty()) << q;
    EXPECT_THAT(r.notice, HasSubstr("common words")) << q;
  }
  EXPECT_THAT(Ids("the lang:ru"), ElementsAre(2));
}

TEST_F(BadInputTest, ControlCharactersAreStripped) {
  EXPECT_THAT(Ids(std::string("na\x01to\x7f summit\x1b[0m")), IsEmpty());  // a control inside a word splits it
  EXPECT_THAT(Ids(std::string("\x01nato\x02 \x1fsummit\t\n")), ElementsAre(1));
  EXPECT_THAT(Ids(std::string("nato\0summit", 11)), ElementsAre(1));
}

TEST_F(BadInputTest, OddUnicodeIsNormalised) {
  EXPECT_THAT(Ids("ＮＡＴＯ"), ElementsAre(1));               // full-width letters
  EXPECT_THAT(Ids("Рос\u00ADсия"), ElementsAre(2));           // soft hyphen
  EXPECT_THAT(Ids("na\u200Bto"), ElementsAre(1));             // zero-width space
  EXPECT_THAT(Ids("\u202Enato\u202C"), ElementsAre(1));       // direction override
  EXPECT_THAT(Ids("nato \U0001F600 \uFFFF"), ElementsAre(1));  // emoji, noncharacter
  EXPECT_TRUE(index_->Search(SearchQuery{.text = "\xff\xfe nato \xc3"}).ok());  // broken UTF-8
  EXPECT_THAT(Ids("\xff\xfe nato \xc3"), ElementsAre(1));
}

TEST_F(BadInputTest, UnknownFiltersAreWords) {
  EXPECT_THAT(Ids("foo:bar"), ElementsAre(3));
  EXPECT_THAT(Ids("bar:foo"), ElementsAre(3));  // not a phrase: the order does not matter
  EXPECT_THAT(Ids("nato x:"), IsEmpty());
  EXPECT_TRUE(index_->Search(SearchQuery{.text = "source: lang: :: :nato"}).ok());
  std::string long_filter = "source:" + std::string(400, 'a');
  EXPECT_TRUE(index_->Search(SearchQuery{.text = long_filter}).ok());
}

TEST_F(BadInputTest, EmptyQueryAsksForWords) {
  for (const char* q : {"", "   ", "\"\"", "***", "-"}) {
    auto r = index_->Search(SearchQuery{.text = q});
    ASSERT_TRUE(r.ok()) << q;
    EXPECT_THAT(r->hits, IsEmpty()) << q;
  }
  EXPECT_THAT(Find("").notice, HasSubstr("words"));
}

TEST_F(BadInputTest, PagingOutOfRangeIsClamped) {
  SearchQuery q;
  q.text = "nato";
  q.page = -3;
  q.per_page = 100000;
  EXPECT_THAT(Ids(Find(q)), ElementsAre(1));
  q.page = 1000000;
  q.per_page = 0;
  auto r = Find(q);
  EXPECT_THAT(r.hits, IsEmpty());
  EXPECT_THAT(r.notice, HasSubstr("first"));
}

TEST_F(BadInputTest, RandomBytesNeverFail) {
  std::mt19937 rng(5);
  const std::string alphabet = "ab \"()*:-+ANDORNOTлес\x01\xff\xd0";
  for (int i = 0; i < 300; ++i) {
    std::string q;
    int len = static_cast<int>(rng() % 40);
    for (int k = 0; k < len; ++k) q += alphabet[rng() % alphabet.size()];
    auto r = index_->Search(SearchQuery{.text = q});
    ASSERT_TRUE(r.ok()) << q << ": " << r.status().ToString();
  }
}

TEST(FromArticle, TakesTextsTranslationsAndMentions) {
  Article a;
  a.id = 9;
  a.slug = "talks";
  a.source.slug = "tass";
  a.language = "ru";
  a.headline = "Переговоры";
  a.body = {Block{BlockType::kParagraph, "Первый абзац."}, Block{BlockType::kList, "", {"один", "два"}}};
  a.story_id = 4;
  a.mentions = {{"russia", 2, 0}, {"china", 1, 10}};
  Translation t;
  t.language = "en";
  t.headline = "Talks";
  t.body = {Block{BlockType::kParagraph, "First paragraph."}};
  SearchDocument d = FromArticle(a, {t});
  EXPECT_EQ(d.id, 9);
  EXPECT_EQ(d.source, "tass");
  EXPECT_EQ(d.original.language, "ru");
  EXPECT_THAT(d.original.body_text, HasSubstr("Первый абзац."));
  EXPECT_THAT(d.original.body_text, HasSubstr("два"));
  ASSERT_EQ(d.translations.size(), 1u);
  EXPECT_EQ(d.translations[0].body_text, "First paragraph.");
  EXPECT_THAT(d.entities, ElementsAre("russia", "china"));
  EXPECT_EQ(d.story_id, 4);
}

TEST(ParseSearchDate, ReadsDaysMonthsAndYears) {
  EXPECT_EQ(ParseSearchDate("2024-02-29"), Day("2024-02-29"));
  EXPECT_EQ(*ParseSearchDate("2024-02", true), Day("2024-02-29") + std::chrono::hours(24) - std::chrono::seconds(1));
  EXPECT_EQ(*ParseSearchDate("2024"), Day("2024-01-01"));
  EXPECT_EQ(*ParseSearchDate("2023", true), Day("2023-12-31") + std::chrono::seconds(86399));
  for (const char* bad : {"", "2023-02-29", "2024-13-01", "24-01-01", "2024-1-1", "2024-01-01x", "yesterday", "2024/01/01"}) {
    EXPECT_FALSE(ParseSearchDate(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace newsdesk
