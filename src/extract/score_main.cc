// extract_score: scores extractor output against the shared fixtures, the
// same way extract_quality_test does (extract/scoring.h). Used by
// bench/extract to compare newsdesk with Mozilla Readability.
//
//   extract_score --list FIXTURES_DIR
//       prints "<name>\t<html path>" for every fixture page
//   extract_score --run FIXTURES_DIR OUT_DIR
//       extracts every fixture page in-process into OUT_DIR/<name>.json
//   extract_score FIXTURES_DIR OUT_DIR [--table]
//       reads OUT_DIR/<name>.json ({"text": …}, {"html": …} or {"error": …})
//       and prints mean precision, recall and F1 per fixture set
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <cstring>
#include <map>
#include <string>

#include "common/charset.h"
#include "extract/extractor.h"
#include "extract/scoring.h"

#include <filesystem>
#include <fstream>

using namespace newsdesk::extract_quality;  // NOLINT: a small tool

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "--list") == 0) {
    auto fixtures = LoadFixtures(argv[2]);
    if (!fixtures.ok()) {
      fmt::print(stderr, "extract_score: {}\n", fixtures.status().message());
      return 1;
    }
    for (const auto& fx : *fixtures) fmt::print("{}\t{}\n", fx.name, fx.html_path);
    return 0;
  }
  if (argc >= 4 && std::strcmp(argv[1], "--run") == 0) {
    auto fixtures = LoadFixtures(argv[2]);
    if (!fixtures.ok()) {
      fmt::print(stderr, "extract_score: {}\n", fixtures.status().message());
      return 1;
    }
    std::filesystem::create_directories(argv[3]);
    for (const auto& fx : *fixtures) {
      nlohmann::json j;
      auto bytes = ReadFile(fx.html_path);
      auto text = bytes.ok() ? newsdesk::DecodeToUtf8(*bytes) : newsdesk::Result<newsdesk::DecodedText>(bytes.status());
      if (!text.ok()) {
        j["error"] = text.status().message();
      } else {
        newsdesk::ExtractOptions options;
        options.url = fx.url;
        auto a = newsdesk::ExtractArticle(text->utf8, options);
        if (a.ok()) j["text"] = a->Text();
        else j["error"] = a.status().message();
      }
      std::ofstream(fmt::format("{}/{}.json", argv[3], fx.name))
          << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return 0;
  }
  if (argc < 3) {
    fmt::print(stderr, "usage: extract_score --list FIXTURES_DIR | extract_score FIXTURES_DIR OUT_DIR [--table]\n");
    return 2;
  }
  const bool table = argc >= 4 && std::strcmp(argv[3], "--table") == 0;
  auto fixtures = LoadFixtures(argv[1]);
  if (!fixtures.ok()) {
    fmt::print(stderr, "extract_score: {}\n", fixtures.status().message());
    return 1;
  }
  struct Sum {
    double p = 0, r = 0, f = 0;
    int n = 0, failed = 0;
  };
  std::map<std::string, Sum> sums;
  for (const auto& fx : *fixtures) {
    if (!fx.has_text) continue;
    std::string text;
    bool failed = false;
    auto raw = ReadFile(fmt::format("{}/{}.json", argv[2], fx.name));
    if (raw.ok()) {
      auto j = nlohmann::json::parse(*raw, nullptr, false);
      if (j.is_object() && j.contains("text") && j["text"].is_string()) text = j["text"].get<std::string>();
      else if (j.is_object() && j.contains("html") && j["html"].is_string()) text = HtmlToText(j["html"].get<std::string>());
      else failed = true;
    } else {
      failed = true;
    }
    TokenScore s = ScoreTokens(text, fx.expected_text);
    std::string set = fx.placeholder ? fx.set + " (placeholder)" : fx.set;
    for (const std::string& key : {set, std::string("all")}) {
      Sum& sum = sums[key];
      sum.p += s.precision;
      sum.r += s.recall;
      sum.f += s.f1;
      ++sum.n;
      sum.failed += failed;
    }
    if (table) fmt::print("{:<70} P {:.3f} R {:.3f} F1 {:.3f}{}\n", fx.name, s.precision, s.recall, s.f1,
                          failed ? "  (no output)" : "");
  }
  for (const auto& [set, sum] : sums) {
    if (sum.n == 0) continue;
    fmt::print("{:<26} pages {:>4}  P {:.3f}  R {:.3f}  F1 {:.3f}  failed {}\n", set, sum.n, sum.p / sum.n,
               sum.r / sum.n, sum.f / sum.n, sum.failed);
  }
  return 0;
}
