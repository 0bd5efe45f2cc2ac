#include "extract/scoring.h"

#include <fmt/format.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "common/charset.h"
#include "extract/dom.h"

namespace newsdesk::extract_quality {

namespace fs = std::filesystem;
using extract_internal::Document;
using extract_internal::Node;

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(fmt::format("cannot read {}", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

Result<nlohmann::json> ReadJson(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) return Status::IOError(fmt::format("{}: not valid JSON", path));
  return j;
}

std::vector<std::string> Strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

bool IsLoremIpsum(std::string_view text) {
  std::string lower = NormalizeForSnippets(text);
  return lower.find("lorem ipsum") != std::string::npos;
}

// Pages in a ru-pages/en-pages style folder: <id>.html + <id>.expected.json.
Status LoadPagesDir(const fs::path& dir, const std::string& set, std::vector<Fixture>& out) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string file = entry.path().filename().string();
    const std::string suffix = ".expected.json";
    if (file.size() <= suffix.size() || file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    std::string id = file.substr(0, file.size() - suffix.size());
    Fixture fx;
    fx.set = set;
    fx.id = id;
    fx.name = set + "-" + id;
    fx.html_path = (dir / (id == "seed-page" ? "seed-page.html" : id + ".html")).string();
    auto j = ReadJson(entry.path().string());
    if (!j.ok()) return j.status();
    if (auto t = j->find("text"); t != j->end() && t->is_string()) {
      fx.has_text = true;
      fx.expected_text = t->get<std::string>();
    }
    if (auto u = j->find("url"); u != j->end() && u->is_string()) fx.url = u->get<std::string>();
    fx.must_contain = Strings(*j, "in_text");
    fx.must_not_contain = Strings(*j, "not_in_text");
    for (auto& c : Strings(*j, "comments")) fx.must_not_contain.push_back(std::move(c));
    out.push_back(std::move(fx));
  }
  if (ec) return Status::IOError(fmt::format("cannot list {}: {}", dir.string(), ec.message()));
  return Status::Ok();
}

}  // namespace

Result<std::vector<Fixture>> LoadFixtures(const std::string& fixtures_dir) {
  fs::path root(fixtures_dir);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return Status::IOError(fmt::format("no fixtures folder at {}", fixtures_dir));
  std::vector<Fixture> out;
  fs::path rp = root / "readability-pages";
  for (const auto& entry : fs::directory_iterator(rp, ec)) {
    if (!entry.is_directory()) continue;
    Fixture fx;
    fx.set = "readability";
    fx.id = entry.path().filename().string();
    fx.name = "readability-" + fx.id;
    fx.html_path = (entry.path() / "source.html").string();
    auto expected = ReadFile((entry.path() / "expected.html").string());
    if (!expected.ok()) return expected.status();
    fx.has_text = true;
    fx.expected_text = HtmlToText(*expected);
    fx.placeholder = IsLoremIpsum(fx.expected_text);
    out.push_back(std::move(fx));
  }
  if (ec) return Status::IOError(fmt::format("cannot list {}: {}", rp.string(), ec.message()));
  ND_RETURN_IF_ERROR(LoadPagesDir(root / "ru-pages", "ru", out));
  ND_RETURN_IF_ERROR(LoadPagesDir(root / "en-pages", "en", out));
  ND_RETURN_IF_ERROR(LoadPagesDir(root / "seed", "seed", out));
  std::sort(out.begin(), out.end(), [](const Fixture& a, const Fixture& b) { return a.name < b.name; });
  return out;
}

std::vector<std::string> Tokens(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(text.size());
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  while (i < n) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c >= 0 && u_isalnum(c)) {
      UChar32 lower = u_tolower(c);
      char buf[4];
      int32_t len = 0;
      UBool err = false;
      U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, 4, lower, err);
      if (!err) cur.append(buf, static_cast<size_t>(len));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

TokenScore ScoreTokens(std::string_view ours, std::string_view expected) {
  std::vector<std::string> a = Tokens(ours), b = Tokens(expected);
  TokenScore s;
  if (a.empty() && b.empty()) return {1, 1, 1};
  if (a.empty() || b.empty()) return s;
  std::unordered_map<std::string, long> counts;
  for (auto& t : b) ++counts[t];
  long overlap = 0;
  for (auto& t : a) {
    auto it = counts.find(t);
    if (it != counts.end() && it->second > 0) {
      --it->second;
      ++overlap;
    }
  }
  s.precision = static_cast<double>(overlap) / static_cast<double>(a.size());
  s.recall = static_cast<double>(overlap) / static_cast<double>(b.size());
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  return s;
}

std::string HtmlToText(std::string_view html) {
  auto doc = Document::Parse(html);
  if (!doc.ok()) return {};
  std::string out;
  auto block = [](const Node* n) {
    switch (n->tag) {
      case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_LI:
      case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
      case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE:
      case GUMBO_TAG_TABLE: case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_FIGURE:
      case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_BR: case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_DL:
      case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_MAIN: case GUMBO_TAG_ASIDE: case GUMBO_TAG_NAV:
      case GUMBO_TAG_HR: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_CAPTION:
        return true;
      default:
        return false;
    }
  };
  auto separate = [&] {
    if (!out.empty() && out.back() != '\n') out += "\n\n";
  };
  extract_internal::Walk(
      (*doc)->root(),
      [&](const Node* n) {
        if (n->is_text()) {
          out.append(n->text);
          return false;
        }
        if (!n->is_element()) return false;
        if (n->Is(GUMBO_TAG_SCRIPT) || n->Is(GUMBO_TAG_STYLE) || n->Is(GUMBO_TAG_NOSCRIPT) ||
            n->Is(GUMBO_TAG_TEMPLATE) || n->Is(GUMBO_TAG_HEAD))
          return false;
        if (block(n)) separate();
        return true;
      },
      [&](const Node* n) {
        if (n->is_element() && block(n)) separate();
      });
  // Collapse spaces within lines, keep the blank lines between blocks.
  std::string result;
  size_t i = 0;
  while (i < out.size()) {
    size_t end = out.find("\n\n", i);
    if (end == std::string::npos) end = out.size();
    std::string piece = extract_internal::CollapseSpaces(std::string_view(out).substr(i, end - i));
    if (!piece.empty()) {
      if (!result.empty()) result += "\n\n";
      result += piece;
    }
    i = end + 2;
  }
  return result;
}

std::string NormalizeForSnippets(std::string_view text) {
  return AsciiLower(extract_internal::CollapseSpaces(text));
}

}  // namespace newsdesk::extract_quality
