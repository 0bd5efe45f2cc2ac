// libFuzzer target for the article extractor: arbitrary bytes are decoded
// the way a fetched page is (common/charset.h) and extracted. An input whose
// first line starts with "RULE " also fuzzes the rule path: the rest of
// that line is the body selector, the second line a drop selector.
//
//   bash fuzz/run.sh extract 300
//
// Any crash, sanitizer report, leak or time-out is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/charset.h"
#include "extract/extractor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  newsdesk::ExtractOptions options;
  options.url = "https://news.example/section/story.html";
  if (input.substr(0, 5) == "RULE ") {
    size_t nl = input.find('\n');
    std::string_view body = input.substr(5, nl == std::string_view::npos ? std::string_view::npos : nl - 5);
    input = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
    newsdesk::ExtractRules rules;
    rules.body_selector = std::string(body);
    size_t nl2 = input.find('\n');
    if (nl2 != std::string_view::npos) {
      rules.drop_selectors.emplace_back(input.substr(0, nl2));
      input = input.substr(nl2 + 1);
    }
    options.rules = std::move(rules);
  }
  auto text = newsdesk::DecodeToUtf8(input);
  if (!text.ok()) return 0;
  auto article = newsdesk::ExtractArticle(text->utf8, options);
  if (article.ok()) (void)article->Text();
  return 0;
}
