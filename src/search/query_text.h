// File: search/query_text.h (private to search/)
//
// What a reader typed, made fit for Xapian's query parser: bounded in
// length, cleaned (NormalizeText: valid UTF-8, NFKC, no control or invisible
// characters, ё→е), case-folded except for the operators AND OR NOT XOR
// NEAR ADJ, with unknown "name:value" filters turned into words, and a
// wildcard's prefix cut to its stem ("министерство*" → "министерств*"): the
// index holds stems, and a prefix longer than its word's stem would miss
// the word's other forms.
//
//   CleanedQuery q = CleanQuery("Министр  OR \"Шойгу\" foo:bar\x01", {"lang", "source"});
//   q.text   == "министр OR \"шойгу\" foo bar"       (with the \x01 gone)
//   q.words  == {"министр", "шойгу", "foo", "bar"}
//
// Thread-safety: functions are safe to call concurrently.
#pragma once

#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace newsdesk::search {

inline constexpr size_t kMaxQueryBytes = 500;

struct CleanedQuery {
  std::string text;                // for QueryParser::parse_query
  std::vector<std::string> words;  // the free-text words, folded, in order (no operators, no filters)
  std::vector<std::string> wildcards;  // the (stemmed) prefixes before a trailing '*'
  bool has_filters = false;        // a known "name:value" filter is present
  bool quoted = false;             // a phrase in quotes is present
  bool truncated = false;          // the query was longer than kMaxQueryBytes
};

// CleanQuery prepares `raw`; `filters` are the known filter names.
CleanedQuery CleanQuery(std::string_view raw, const std::set<std::string>& filters);

// ReplaceWords returns the cleaned text with each free-text word for which
// `replace` returns a non-empty string replaced by it, operators and filters
// untouched; "" when nothing was replaced. (The spelling suggestion.)
std::string ReplaceWords(const CleanedQuery& query, const std::set<std::string>& filters,
                         const std::function<std::string(const std::string& word)>& replace);

// PlainWords keeps only words and known filters of a cleaned query: the
// last resort when the parser rejects its syntax even without operators.
std::string PlainWords(const CleanedQuery& query, const std::set<std::string>& filters);

// FiltersOnly keeps only the known filters of a cleaned query.
std::string FiltersOnly(const CleanedQuery& query, const std::set<std::string>& filters);

// TruncateUtf8 cuts `s` to at most `max_bytes` without splitting a
// character, at the last space in the final quarter when there is one.
std::string_view TruncateUtf8(std::string_view s, size_t max_bytes);

}  // namespace newsdesk::search
