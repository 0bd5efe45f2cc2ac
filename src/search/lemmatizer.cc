#include "search/lemmatizer.h"

#include <hunspell/hunspell.hxx>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "search/analysis.h"

namespace newsdesk::search {
namespace {

// Forms ru_RU's Hunspell dictionary lists as words of their own, not as
// forms of their lemma: suppletive plurals and past tenses, plurals in -ья,
// -ери, and -мя nouns (whose Snowball stems differ too: "врем"/"времен").
// Comparatives are left out on purpose: "лучший" finding "хороший" would
// surprise readers more than it helps them.
constexpr std::pair<const char*, const char*> kIrregular[] = {
    {"человек", "люди людей людям людьми людях"},
    {"ребенок", "дети детей детям детьми детях"},
    {"год", "лет"},
    {"идти", "шел шла шло шли"},
    {"прийти", "пришел пришла пришло пришли"},
    {"выйти", "вышел вышла вышло вышли"},
    {"уйти", "ушел ушла ушло ушли"},
    {"найти", "нашел нашла нашло нашли"},
    {"войти", "вошел вошла вошло вошли"},
    {"взять", "возьму возьмешь возьмет возьмем возьмете возьмут"},
    {"хотеть", "хочу хочешь хочет хотим хотите хотят"},
    {"мочь", "мог могла могло могли"},
    {"друг", "друзья друзей друзьям друзьями друзьях"},
    {"брат", "братья братьев братьям братьями братьях"},
    {"сын", "сыновья сыновей сыновьям сыновьями сыновьях"},
    {"мать", "матери матерей матерям матерями матерях"},
    {"дочь", "дочери дочерей дочерям дочерьми дочерях"},
    {"деньги", "денег"},
    {"время", "времени временем времена времен временам временами временах"},
    {"имя", "имени именем имена имен именам именами именах"},
    {"знамя", "знамени знаменем знамена знамен"},
    {"церковь", "церкви церковью церквей церквям церквями церквях"},
};

const std::map<std::string, std::string>& IrregularForms() {
  static const auto* forms = [] {
    auto* m = new std::map<std::string, std::string>();
    for (const auto& [lemma, list] : kIrregular) {
      std::istringstream words(list);
      std::string w;
      while (words >> w) m->emplace(w, lemma);
    }
    return m;
  }();
  return *forms;
}

size_t Letters(std::string_view word) {
  size_t n = 0;
  for (unsigned char c : word) n += (c & 0xC0) != 0x80;
  return n;
}

// Hunspell returns a lower-case word capitalised when the dictionary has it
// so ("России" → "Россия").
std::string Capitalised(const std::string& lower) {
  Xapian::Utf8Iterator it(lower);
  if (it == Xapian::Utf8Iterator()) return lower;
  std::string out;
  Xapian::Unicode::append_utf8(out, Xapian::Unicode::toupper(*it));
  ++it;
  out.append(it.raw(), lower.data() + lower.size() - it.raw());
  return out;
}

constexpr size_t kMemoLimit = 500000;  // words; about 60 MB at worst

}  // namespace

std::shared_ptr<Lemmatizer> Lemmatizer::Shared(const std::string& path) {
  static std::mutex mu;
  static auto* loaded = new std::map<std::string, std::shared_ptr<Lemmatizer>>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = loaded->find(path);
  if (it != loaded->end()) return it->second;
  auto lemmatizer = Load(path);
  loaded->emplace(path, lemmatizer);  // a failure is remembered too: no retry per index
  return lemmatizer;
}

std::shared_ptr<Lemmatizer> Lemmatizer::Load(const std::string& path, bool irregular_forms) {
  if (path.empty()) return nullptr;
  const std::string aff = path + ".aff", dic = path + ".dic";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(aff, ec) || !std::filesystem::is_regular_file(dic, ec)) return nullptr;
  auto hunspell = std::make_unique<Hunspell>(aff.c_str(), dic.c_str());
  // Hunspell reports no load errors; an unreadable or empty dictionary
  // shows as not knowing a very common word.
  if (hunspell->get_dict_encoding() != "UTF-8" || !hunspell->spell(std::string("Россия"))) return nullptr;
  return std::shared_ptr<Lemmatizer>(new Lemmatizer(std::move(hunspell), irregular_forms));
}

Lemmatizer::Lemmatizer(std::unique_ptr<Hunspell> hunspell, bool irregular_forms)
    : hunspell_(std::move(hunspell)), irregular_forms_(irregular_forms) {}

Lemmatizer::~Lemmatizer() = default;

std::shared_ptr<const std::vector<std::string>> Lemmatizer::Find(std::string_view word) {
  if (!IsCyrillicWord(word) || Letters(word) < 3) return none_;
  std::string key(word);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = memo_.find(key);
  if (it != memo_.end()) return it->second;
  if (memo_.size() >= kMemoLimit) memo_.clear();
  std::vector<std::string> lemmas = Compute(key);
  LemmaList list = lemmas.empty() ? none_ : std::make_shared<const std::vector<std::string>>(std::move(lemmas));
  return memo_.emplace(std::move(key), std::move(list)).first->second;
}

std::vector<std::string> Lemmatizer::Compute(const std::string& word) {
  std::vector<std::string> stems = hunspell_->stem(word);
  std::string folded = FoldCase(NormalizeText(word));
  if (stems.empty() && folded == word) stems = hunspell_->stem(Capitalised(word));
  std::vector<std::string> lemmas;
  auto add = [&](std::string lemma) {
    if (std::find(lemmas.begin(), lemmas.end(), lemma) == lemmas.end()) lemmas.push_back(std::move(lemma));
  };
  for (const std::string& s : stems) add(FoldCase(NormalizeText(s)));
  if (irregular_forms_) {
    const auto& irregular = IrregularForms();
    for (size_t i = 0, n = lemmas.size(); i <= n; ++i) {
      auto found = irregular.find(i < n ? lemmas[i] : folded);
      if (found != irregular.end()) add(found->second);
    }
  }
  return lemmas;
}

}  // namespace newsdesk::search
