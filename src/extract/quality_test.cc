// Extraction quality over every fixture page in ../shared/fixtures: our
// `Text()` against the text a reader expects, as token-level precision,
// recall and F1 (extract/scoring.h). Prints the table, then holds each set
// to a floor set at the level measured when the floor was last raised.
//
// The sets differ in what "expected" means:
//  - readability: Readability.js's own output (its regression fixtures),
//    not a person's reading; 30 of them are lorem-ipsum test pages, scored
//    and listed separately.
//  - ru, en: news pages with the text people cleaned by hand (the DAnIEL
//    corpus and trafilatura's and newspaper4k's test data).
//  - seed: our reconstruction of the page the product is modelled on.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "common/charset.h"
#include "extract/extractor.h"
#include "extract/scoring.h"

namespace newsdesk {
namespace {

using extract_quality::Fixture;

std::string FixturesDir() { return std::string(ND_SOURCE_DIR) + "/../shared/fixtures"; }

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

// Pages allowed under F1 0.5, each with the reason.
const std::map<std::string, std::string>& KnownLowPages() {
  static const std::map<std::string, std::string> kPages = {
      {"ru-daniel_20120106_inopressa.ru_5347f152e3",
       "the reference is the page's one-paragraph teaser plus its footer (feedback, subscription, reprint terms), "
       "while the page shows the whole translated article, which is what we extract"},
  };
  return kPages;
}

// Floors: mean F1 per set, at the measured level minus a small margin.
const std::map<std::string, double>& Floors() {
  static const std::map<std::string, double> kFloors = {
      // Measured: readability 0.987, placeholder 0.996, ru 0.939, en 0.954, seed 1.000.
      {"readability", 0.980}, {"readability (placeholder)", 0.985}, {"ru", 0.930}, {"en", 0.945}, {"seed", 0.990}};
  return kFloors;
}

std::string ExtractText(const Fixture& fx, std::string* error) {
  auto bytes = extract_quality::ReadFile(fx.html_path);
  if (!bytes.ok()) {
    *error = bytes.status().message();
    return {};
  }
  auto decoded = DecodeToUtf8(*bytes);
  if (!decoded.ok()) {
    *error = decoded.status().message();
    return {};
  }
  ExtractOptions options;
  options.url = fx.url;
  auto article = ExtractArticle(decoded->utf8, options);
  if (!article.ok()) {
    *error = article.status().message();
    return {};
  }
  return article->Text();
}

class ExtractionQuality : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(FixturesDir())) {
      if (InCi()) FAIL() << "CI=true but the shared fixtures are missing at " << FixturesDir();
      GTEST_SKIP() << "shared fixtures not found at " << FixturesDir() << " (clone ../shared beside the project)";
    }
    auto fixtures = extract_quality::LoadFixtures(FixturesDir());
    ASSERT_TRUE(fixtures.ok()) << fixtures.status().ToString();
    fixtures_ = std::move(*fixtures);
  }
  std::vector<Fixture> fixtures_;
};

TEST_F(ExtractionQuality, MeetsTheFloorOfEverySetAndNoPageFallsBelowHalf) {
  struct Sum {
    double p = 0, r = 0, f = 0;
    int n = 0;
  };
  std::map<std::string, Sum> sums;
  std::vector<std::string> low, placeholders;
  std::string table = fmt::format("{:<72} {:>6} {:>6} {:>6}\n", "page", "P", "R", "F1");
  for (const Fixture& fx : fixtures_) {
    if (!fx.has_text) continue;
    std::string error;
    std::string text = ExtractText(fx, &error);
    extract_quality::TokenScore s = extract_quality::ScoreTokens(text, fx.expected_text);
    std::string set = fx.placeholder ? fx.set + " (placeholder)" : fx.set;
    Sum& sum = sums[set];
    sum.p += s.precision;
    sum.r += s.recall;
    sum.f += s.f1;
    ++sum.n;
    if (fx.placeholder) placeholders.push_back(fx.name);
    table += fmt::format("{:<72} {:6.3f} {:6.3f} {:6.3f}{}\n", fx.name, s.precision, s.recall, s.f1,
                         error.empty() ? "" : "  error: " + error);
    if (s.f1 < 0.5 && !KnownLowPages().count(fx.name)) low.push_back(fmt::format("{} (F1 {:.3f})", fx.name, s.f1));
  }
  table += "\nmean per set:\n";
  for (const auto& [set, sum] : sums)
    table += fmt::format("{:<28} pages {:>4}  P {:.3f}  R {:.3f}  F1 {:.3f}\n", set, sum.n, sum.p / sum.n,
                         sum.r / sum.n, sum.f / sum.n);
  table += fmt::format("\nplaceholder expectations (lorem ipsum), {}: ", placeholders.size());
  for (const auto& p : placeholders) table += p + " ";
  table += "\npages allowed under 0.5:\n";
  for (const auto& [page, reason] : KnownLowPages()) table += fmt::format("  {}: {}\n", page, reason);
  std::cout << table << std::flush;

  for (const auto& [set, floor] : Floors()) {
    ASSERT_TRUE(sums.count(set)) << "no pages in set " << set;
    const Sum& sum = sums[set];
    EXPECT_GE(sum.f / sum.n, floor) << "mean F1 of set '" << set << "' fell below its floor";
  }
  EXPECT_TRUE(low.empty()) << "pages under F1 0.5: " << fmt::format("{}", fmt::join(low, ", "));
}

TEST_F(ExtractionQuality, SnippetPagesKeepTheArticleAndLeaveOutTheChrome) {
  int checked = 0;
  for (const Fixture& fx : fixtures_) {
    if (fx.must_contain.empty() && fx.must_not_contain.empty()) continue;
    ++checked;
    std::string error;
    std::string text = extract_quality::NormalizeForSnippets(ExtractText(fx, &error));
    EXPECT_TRUE(error.empty()) << fx.name << ": " << error;
    for (const auto& snippet : fx.must_contain)
      EXPECT_NE(text.find(extract_quality::NormalizeForSnippets(snippet)), std::string::npos)
          << fx.name << ": missing \"" << snippet << "\"";
    for (const auto& snippet : fx.must_not_contain)
      EXPECT_EQ(text.find(extract_quality::NormalizeForSnippets(snippet)), std::string::npos)
          << fx.name << ": should not contain \"" << snippet << "\"";
  }
  EXPECT_GE(checked, 2) << "expected the seed page and the snippet page";
}

}  // namespace
}  // namespace newsdesk
