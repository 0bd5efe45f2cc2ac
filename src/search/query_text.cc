#include "search/query_text.h"

#include <algorithm>

#include "search/analysis.h"

namespace newsdesk::search {
namespace {

bool IsOperator(std::string_view token) {
  static constexpr std::string_view kOperators[] = {"AND", "OR", "NOT", "XOR", "NEAR", "ADJ"};
  for (std::string_view op : kOperators) {
    if (token == op) return true;
  }
  return token.starts_with("NEAR/") || token.starts_with("ADJ/");
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) tokens.push_back(s.substr(start, i - start));
  }
  return tokens;
}

// FilterName is the "name" of a "name:value" token (after any leading
// + - ( or quote), or "" when the token has no such shape.
std::string_view FilterName(std::string_view token, size_t* colon_at) {
  size_t colon = token.find(':');
  if (colon == std::string_view::npos) return {};
  size_t start = token.find_first_not_of("+-(\"");
  if (start == std::string_view::npos || start >= colon) return {};
  std::string_view name = token.substr(start, colon - start);
  for (char c : name) {
    if (!(c >= 'a' && c <= 'z') && c != '_') return {};
  }
  *colon_at = colon;
  return name;
}

bool IsKnownFilter(std::string_view token, const std::set<std::string>& filters) {
  size_t colon = 0;
  std::string_view name = FilterName(token, &colon);
  return !name.empty() && colon + 1 < token.size() && filters.count(std::string(name));
}

}  // namespace

std::string_view TruncateUtf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  size_t space = s.rfind(' ', end);
  if (space != std::string_view::npos && space >= end - end / 4) end = space;
  return s.substr(0, end);
}

CleanedQuery CleanQuery(std::string_view raw, const std::set<std::string>& filters) {
  CleanedQuery out;
  if (raw.size() > kMaxQueryBytes) {
    raw = TruncateUtf8(raw, kMaxQueryBytes);
    out.truncated = true;
  }
  std::string text = NormalizeText(raw);
  std::replace_if(text.begin(), text.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
  for (std::string_view token : SplitSpaces(text)) {
    std::string folded = IsOperator(token) ? std::string(token) : FoldCase(token);
    if (IsOperator(folded)) {
      // Left as typed: the parser knows operators only in capitals.
    } else if (IsKnownFilter(folded, filters)) {
      out.has_filters = true;
    } else {
      size_t colon = 0;
      // An unknown filter is words: "foo:bar" would otherwise be the phrase "foo bar".
      if (!FilterName(folded, &colon).empty()) folded[colon] = ' ';
      if (folded.find('"') != std::string::npos) out.quoted = true;
      ForEachWord(folded, [&](std::string_view w) { out.words.emplace_back(w); });
    }
    if (!out.text.empty()) out.text += ' ';
    out.text += folded;
  }
  return out;
}

std::string PlainWords(const CleanedQuery& query, const std::set<std::string>& filters) {
  std::string out;
  auto append = [&](std::string_view piece) {
    if (!out.empty()) out += ' ';
    out += piece;
  };
  for (std::string_view token : SplitSpaces(query.text)) {
    if (IsOperator(token)) continue;
    if (IsKnownFilter(token, filters)) {
      // Drop any syntax before the filter name.
      append(token.substr(token.find_first_not_of("+-(\"")));
      continue;
    }
    ForEachWord(token, append);
  }
  return out;
}

std::string FiltersOnly(const CleanedQuery& query, const std::set<std::string>& filters) {
  std::string out;
  for (std::string_view token : SplitSpaces(query.text)) {
    if (!IsKnownFilter(token, filters)) continue;
    if (!out.empty()) out += ' ';
    out += token.substr(token.find_first_not_of("+-(\""));
  }
  return out;
}

}  // namespace newsdesk::search
