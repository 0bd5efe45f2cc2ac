// bench/translate: paragraphs per second through the translation pipeline
// (store → cache → APy on loopback → store), and the cache hit rate when the
// same articles come in again. Starts its own apertium-apy; see
// bench/translate/run.sh and docs/translate.md.
//
//   translate_bench [--articles N] [--paragraphs P] [--batch B] [--data DIR]
#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <thread>

#include "store/store.h"
#include "translate/testing/servers.h"
#include "translate/translate.h"

using namespace newsdesk;

namespace {

// Sentence makes varied, plausible English from small word lists, so APy
// does real work and no two paragraphs are the same.
std::string Sentence(std::mt19937& rng) {
  static const char* kSubjects[] = {"The minister", "The navy", "The company", "The government", "A spokesman",
                                    "The shipyard", "The army", "The president", "The new frigate", "The engineers"};
  static const char* kVerbs[] = {"said", "announced", "confirmed", "reported", "denied", "explained"};
  static const char* kObjects[] = {"the ship is ready for the sea", "the contract was signed last week",
                                   "the first tests were successful", "the delivery will take two years",
                                   "the budget has grown this year", "new aircraft will arrive in the spring",
                                   "the factory works day and night", "the exercise ended on Friday"};
  std::uniform_int_distribution<size_t> s(0, std::size(kSubjects) - 1), v(0, std::size(kVerbs) - 1),
      o(0, std::size(kObjects) - 1), n(2, 900);
  return fmt::format("{} {} that {}, and {} of them are new.", kSubjects[s(rng)], kVerbs[v(rng)], kObjects[o(rng)],
                     n(rng));
}

}  // namespace

int main(int argc, char** argv) {
  int articles = 100, paragraphs = 8, batch = 32;
  std::string data = (std::filesystem::temp_directory_path() / "nd_translate_bench").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--articles")) articles = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--paragraphs")) paragraphs = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--batch")) batch = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--data")) data = argv[i + 1];
  }
  std::filesystem::remove_all(data);
  Config config;
  config.data_dir = data;
  config.editions = {"en", "es"};
  auto store = OpenStore(config);
  if (!store.ok()) return fmt::print(stderr, "{}\n", store.status().ToString()), 1;

  std::mt19937 rng(42);
  std::vector<ArticleRecord> records;
  for (int a = 0; a < articles; ++a) {
    ArticleRecord r;
    r.url = fmt::format("https://bench.example/{}", a);
    r.source = Source{0, "", "Bench", "https://bench.example/", "", "en"};
    r.language = "en";
    r.headline = Sentence(rng);
    r.dateline = "London, April 26th";
    r.published_at = TimePoint{std::chrono::seconds{1777000000 + a}};
    for (int p = 0; p < paragraphs; ++p) r.body.push_back(Block{BlockType::kParagraph, Sentence(rng) + " " + Sentence(rng), {}, "", "", ""});
    records.push_back(std::move(r));
  }
  if (auto up = (*store)->UpsertArticles(records); !up.ok()) return fmt::print(stderr, "{}\n", up.status().ToString()), 1;

  newsdesk::testing::ApertiumServer apy(std::chrono::seconds(30));
  if (!apy.ok()) return fmt::print(stderr, "{}\n", apy.error()), 1;
  TranslatorOptions o;
  o.url = apy.url();
  o.requests_per_second = 0;
  o.batch_paragraphs = static_cast<size_t>(batch);
  o.timeout = std::chrono::seconds(120);
  Translators translators;
  translators.Add(MakeApertiumClient(o), {"en-es"});
  PassOptions po;
  po.editions = config.editions;
  TranslationPass pass(**store, **store, translators, po);

  auto timed = [&](const char* label) -> int {
    const auto t0 = std::chrono::steady_clock::now();
    auto stats = pass.RunOnce();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!stats.ok()) return fmt::print(stderr, "{}\n", stats.status().ToString()), 1;
    fmt::print("{}: {} articles ({} failed), {} texts in {:.2f} s = {:.0f} texts/s; cache hits {} ({:.1f}%), sent {}\n",
               label, stats->translated, stats->failed, stats->paragraphs, secs, stats->paragraphs / secs,
               stats->cache_hits, 100 * stats->hit_rate(), stats->sent);
    return stats->failed ? 1 : 0;
  };
  fmt::print("translate_bench: {} articles x ({} paragraphs + headline + dateline), {} per request, APy {}\n",
             articles, paragraphs, batch, apy.url());
  if (timed("first pass (cold cache)")) return 1;
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the store's clock counts seconds
  if (auto up = (*store)->UpsertArticles(records); !up.ok()) return 1;  // the same feed, ingested again
  if (timed("second pass (same articles again)")) return 1;
  const auto c = translators.counters();
  fmt::print("requests to APy: {} ({} retries)\n", c.requests, c.retries);
  std::filesystem::remove_all(data);
  return 0;
}
