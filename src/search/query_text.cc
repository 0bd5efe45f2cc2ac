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

// StemWildcard cuts the word before a trailing '*' to its stem, when the
// stem is a prefix of it, and returns the prefix ("" when not a wildcard).
std::string StemWildcard(std::string& token, Xapian::Stem& stem) {
  if (token.size() < 2 || token.back() != '*') return "";
  std::string_view body(token.data(), token.size() - 1);
  size_t start = std::string_view::npos, end = std::string_view::npos;
  ForEachWord(body, [&](std::string_view w) {
    start = static_cast<size_t>(w.data() - body.data());
    end = start + w.size();
  });
  if (start == std::string_view::npos || end != body.size()) return "";
  const std::string word(body.substr(start));
  const std::string stemmed = stem(word);
  if (stemmed.size() >= 2 && stemmed.size() < word.size() && word.starts_with(stemmed)) {
    token.replace(start, word.size(), stemmed);
    return stemmed;
  }
  return word;
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
  Xapian::Stem stem = MakeStemmer();
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
      std::string prefix = StemWildcard(folded, stem);
      if (!prefix.empty()) out.wildcards.push_back(std::move(prefix));
    }
    if (!out.text.empty()) out.text += ' ';
    out.text += folded;
  }
  return out;
}

std::string ReplaceWords(const CleanedQuery& query, const std::set<std::string>& filters,
                         const std::function<std::string(const std::string& word)>& replace) {
  std::string out;
  bool replaced = false;
  for (std::string_view token : SplitSpaces(query.text)) {
    if (!out.empty()) out += ' ';
    if (IsOperator(token) || IsKnownFilter(token, filters)) {
      out += token;
      continue;
    }
    size_t done = 0;
    ForEachWord(token, [&](std::string_view w) {
      const size_t at = static_cast<size_t>(w.data() - token.data());
      if (at + w.size() < token.size() && token[at + w.size()] == '*') return;  // a wildcard prefix
      std::string with = replace(std::string(w));
      if (with.empty()) return;
      out.append(token.substr(done, at - done)).append(with);
      done = at + w.size();
      replaced = true;
    });
    out.append(token.substr(done));
  }
  return replaced ? out : "";
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
