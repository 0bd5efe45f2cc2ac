// Tuning of kSameStorySimilarity: edited copies of the fixture pages' texts
// must reach it against their original, and different pages must not. The
// line printed is what the threshold was chosen from.
#include "common/minhash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

namespace newsdesk {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> FixtureTexts() {
  std::vector<std::string> texts;
  const fs::path root = fs::path(ND_SOURCE_DIR) / ".." / "shared" / "fixtures";
  for (const char* set : {"ru-pages", "en-pages"}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root / set, ec)) {
      if (e.path().string().find(".expected.json") == std::string::npos) continue;
      std::ifstream in(e.path());
      auto j = nlohmann::json::parse(in, nullptr, false);
      if (j.is_object() && j.contains("text") && j["text"].is_string() && j["text"].get<std::string>().size() > 800)
        texts.push_back(j["text"].get<std::string>());
    }
  }
  return texts;
}

// Edit makes a re-published copy as outlets do: drops a sentence, changes
// every 40th word, and wraps the text in the outlet's own lines.
std::string Edit(const std::string& text, std::mt19937& rng) {
  std::vector<std::string> sentences;
  std::string current;
  for (char c : text) {
    current += c;
    if (c == '.') {
      sentences.push_back(current);
      current.clear();
    }
  }
  if (!current.empty()) sentences.push_back(current);
  if (sentences.size() > 6) sentences.erase(sentences.begin() + static_cast<long>(rng() % sentences.size()));
  std::string out;
  for (const auto& s : sentences) out += s;
  std::istringstream words(out);
  std::string w, edited;
  int n = 0;
  while (words >> w) {
    if (++n % 40 == 0) w = "изменено";
    edited += w + ' ';
  }
  return "Source: TASS. " + edited + " Read more on our site.";
}

TEST(MinHash, EditedCopiesAreTheSameStoryAndOtherPagesAreNot) {
  auto texts = FixtureTexts();
  if (texts.empty()) {
    if (std::getenv("CI")) FAIL() << "../shared fixtures missing in CI";
    GTEST_SKIP() << "../shared/fixtures not found next to the repository";
  }
  std::mt19937 rng(42);
  int same = 0, false_pairs = 0, pairs = 0;
  double lowest_copy = 1, highest_other = 0;
  std::vector<Fingerprint> prints;
  for (const auto& t : texts) {
    prints.push_back(MinHash(t));
    double s = Similarity(prints.back(), MinHash(Edit(t, rng)));
    lowest_copy = std::min(lowest_copy, s);
    same += s >= kSameStorySimilarity;
  }
  for (size_t i = 0; i < prints.size(); ++i)
    for (size_t j = i + 1; j < prints.size(); ++j) {
      double s = Similarity(prints[i], prints[j]);
      highest_other = std::max(highest_other, s);
      ++pairs;
      false_pairs += SameStory(prints[i], prints[j]);
    }
  std::printf("minhash: %d/%zu edited copies reach %.2f (lowest %.2f); %d/%d other pairs do (highest %.2f)\n", same,
              texts.size(), kSameStorySimilarity, lowest_copy, false_pairs, pairs, highest_other);
  EXPECT_GE(same * 100, static_cast<int>(texts.size()) * 95);
  EXPECT_EQ(false_pairs, 0);
}

TEST(MinHash, IgnoresCaseAndYo) {
  EXPECT_EQ(MinHash("Ещё один ПРИМЕР текста про учения"), MinHash("еще один пример текста про учения"));
}

TEST(MinHash, ShortTextsHaveNoFingerprint) {
  EXPECT_TRUE(IsEmpty(MinHash("two words")));
  EXPECT_FALSE(SameStory(MinHash("two words"), MinHash("two words")));
}

TEST(MinHash, EncodesForStorage) {
  auto f = MinHash("one two three four five six");
  EXPECT_EQ(DecodeFingerprint(EncodeFingerprint(f)), f);
  EXPECT_EQ(EncodeFingerprint(Fingerprint{}), "");
  EXPECT_TRUE(IsEmpty(DecodeFingerprint("zz")));
}

}  // namespace
}  // namespace newsdesk
