// File: extract/scoring.h  (test support: the quality test and bench/extract)
//
// How well an extractor's text matches what a reader expects, over the
// shared fixture pages (../shared/fixtures):
//   readability-pages/<id>/  source.html, expected.html (Readability.js's own
//                            output; 30 of them are lorem-ipsum placeholders)
//   ru-pages/, en-pages/     <id>.html + <id>.expected.json ("text" cleaned
//                            by people; one has only in/not-in snippets)
//   seed/seed-page.html      + seed-page.expected.json
// Scoring is token-level: lower-cased words (Unicode letters and digits),
// compared as bags; precision, recall and F1 of ours against the expected.
//
//   auto fixtures = LoadFixtures(dir);               // Result<std::vector<Fixture>>
//   TokenScore s = ScoreTokens(ours, fx.expected_text);
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace newsdesk::extract_quality {

struct Fixture {
  std::string set;        // "readability", "ru", "en", "seed"
  std::string id;         // directory or file stem
  std::string name;       // "<set>-<id>": unique, used for output file names
  std::string html_path;
  std::string url;        // the page's address when the fixture records it
  bool has_text = false;  // false: only snippets
  std::string expected_text;
  bool placeholder = false;  // expected text is lorem ipsum
  std::vector<std::string> must_contain;      // snippets our text must include
  std::vector<std::string> must_not_contain;  // snippets (chrome, comments) it must not
};

// LoadFixtures lists every fixture page under `fixtures_dir`, sorted by
// name. IOError when the folder or an expectation file cannot be read.
Result<std::vector<Fixture>> LoadFixtures(const std::string& fixtures_dir);

// ReadFile returns a file's bytes.
Result<std::string> ReadFile(const std::string& path);

// Tokens: the lower-cased words of `text`.
std::vector<std::string> Tokens(std::string_view text);

struct TokenScore {
  double precision = 0, recall = 0, f1 = 0;
};
// ScoreTokens compares bags of words; two empty texts score 1.
TokenScore ScoreTokens(std::string_view ours, std::string_view expected);

// HtmlToText: the text of an HTML fragment or page, blocks separated by
// blank lines, scripts and styles left out (for expected.html and for
// Readability's output).
std::string HtmlToText(std::string_view html);

// NormalizeForSnippets collapses whitespace and lower-cases ASCII, so a
// snippet check ignores line breaks.
std::string NormalizeForSnippets(std::string_view text);

}  // namespace newsdesk::extract_quality
