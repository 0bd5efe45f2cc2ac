#include "import/importer.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/text.h"
#include "common/time.h"
#include "common/url.h"
#include "mentions/gazetteer.h"
#include "mentions/tagger.h"
#include "model/block_json.h"

namespace newsdesk {

namespace {

using nlohmann::json;

constexpr size_t kMaxFileBytes = 256 * 1024 * 1024;

struct Limits {
  size_t max_chars;
  bool required;
};

Status ReadString(const json& j, const char* key, Limits lim, std::string& out, const std::string& prefix = "") {
  const std::string name = prefix + key;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (lim.required) return Status::InvalidArgument(fmt::format("{}: is required", name));
    return Status::Ok();
  }
  if (!it->is_string()) return Status::InvalidArgument(fmt::format("{}: must be a string", name));
  std::string v = Trim(it->get_ref<const std::string&>());
  if (lim.required && v.empty()) return Status::InvalidArgument(fmt::format("{}: is empty", name));
  if (HasControlChars(v)) return Status::InvalidArgument(fmt::format("{}: contains control characters", name));
  if (Utf8Length(v) > lim.max_chars)
    return Status::InvalidArgument(fmt::format("{}: is longer than {} characters", name, lim.max_chars));
  out = std::move(v);
  return Status::Ok();
}

bool IsHttpUrl(const std::string& u) {
  auto rest_after = [&](const char* scheme) -> std::string_view {
    size_t n = std::char_traits<char>::length(scheme);
    if (u.size() > n && std::equal(scheme, scheme + n, u.begin(),
                                   [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
      return std::string_view(u).substr(n);
    return {};
  };
  std::string_view rest = rest_after("https://");
  if (rest.empty()) rest = rest_after("http://");
  if (rest.empty() || rest[0] == '/' || rest[0] == ':') return false;
  for (char c : u)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '"' || c == '<' || c == '>' || c == '\\') return false;
  return true;
}

Status ReadUrl(const json& j, const char* key, bool required, bool allow_site_path, std::string& out,
               const std::string& prefix = "") {
  std::string v;
  ND_RETURN_IF_ERROR(ReadString(j, key, {2048, required}, v, prefix));
  if (v.empty()) return Status::Ok();
  const bool site_path = allow_site_path && v.size() > 1 && IsSitePath(v);
  if (!IsHttpUrl(v) && !site_path)
    return Status::InvalidArgument(fmt::format("{}{}: '{}' is not an absolute http(s) URL{}", prefix, key,
                                               v.substr(0, 80), allow_site_path ? " or a site path" : ""));
  out = std::move(v);
  return Status::Ok();
}

Status ReadLanguage(const json& j, const char* key, std::string& out, const std::string& prefix = "") {
  ND_RETURN_IF_ERROR(ReadString(j, key, {3, true}, out, prefix));
  bool ok = out.size() >= 2 && std::all_of(out.begin(), out.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  if (!ok)
    return Status::InvalidArgument(
        fmt::format("{}{}: '{}' is not a lower-case ISO 639 language code", prefix, key, out));
  return Status::Ok();
}

Status ReadObject(const json& j, const char* key, bool required, const json*& out) {
  auto it = j.find(key);
  out = nullptr;
  if (it == j.end() || it->is_null()) {
    if (required) return Status::InvalidArgument(fmt::format("{}: is required", key));
    return Status::Ok();
  }
  if (!it->is_object()) return Status::InvalidArgument(fmt::format("{}: must be an object", key));
  out = &*it;
  return Status::Ok();
}

Status ReadBody(const json& j, const char* key, const std::string& where, std::vector<Block>& out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::InvalidArgument(where + ": is required");
  auto blocks = BlocksFromJson(*it, where);
  if (!blocks.ok()) return blocks.status();
  out = std::move(*blocks);
  return Status::Ok();
}

Result<std::vector<ArticleRecord>> ParseRecords(const std::string& name, const json& doc, size_t first_number) {
  std::vector<ArticleRecord> out;
  auto one = [&](const json& j, size_t number) -> Status {
    auto r = ParseArticleRecord(j);
    if (!r.ok()) return Status::InvalidArgument(fmt::format("{}: record {}: {}", name, number, r.status().message()));
    out.push_back(std::move(*r));
    return Status::Ok();
  };
  if (doc.is_array()) {
    for (size_t i = 0; i < doc.size(); ++i) ND_RETURN_IF_ERROR(one(doc[i], first_number + i));
  } else {
    ND_RETURN_IF_ERROR(one(doc, first_number));
  }
  return out;
}

// ParseJson parses `text`, or says where and why it is not JSON.
Result<json> ParseJson(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    // A parse error, and also a number too large for a double ("1e999999",
    // out_of_range.406): either way the record is not usable JSON.
    return Status::InvalidArgument(std::string("not valid JSON: ") + e.what());
  }
}

bool IsJsonLines(const std::string& name) {
  auto ends = [&](const char* ext) {
    std::string e(ext);
    return name.size() >= e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0;
  };
  return ends(".jsonl") || ends(".ndjson");
}

}  // namespace

Result<ArticleRecord> ParseArticleRecord(const json& j) {
  if (!j.is_object()) return Status::InvalidArgument("a record must be a JSON object");
  ArticleRecord r;
  ND_RETURN_IF_ERROR(ReadUrl(j, "url", true, false, r.url));
  ND_RETURN_IF_ERROR(ReadUrl(j, "canonical_url", false, false, r.canonical_url));

  const json* src = nullptr;
  ND_RETURN_IF_ERROR(ReadObject(j, "source", true, src));
  ND_RETURN_IF_ERROR(ReadString(*src, "name", {200, true}, r.source.name, "source."));
  ND_RETURN_IF_ERROR(ReadUrl(*src, "url", true, false, r.source.home_url, "source."));
  ND_RETURN_IF_ERROR(ReadString(*src, "country", {2, false}, r.source.country, "source."));
  if (!r.source.country.empty() &&
      (r.source.country.size() != 2 || !std::all_of(r.source.country.begin(), r.source.country.end(),
                                                     [](char c) { return c >= 'A' && c <= 'Z'; })))
    return Status::InvalidArgument(
        fmt::format("source.country: '{}' is not an ISO 3166-1 alpha-2 code like \"RU\"", r.source.country));
  ND_RETURN_IF_ERROR(ReadLanguage(*src, "language", r.source.language, "source."));

  ND_RETURN_IF_ERROR(ReadLanguage(j, "language", r.language));
  ND_RETURN_IF_ERROR(ReadString(j, "headline", {500, true}, r.headline));
  ND_RETURN_IF_ERROR(ReadString(j, "dateline", {200, false}, r.dateline));

  std::string published;
  ND_RETURN_IF_ERROR(ReadString(j, "published_at", {64, true}, published));
  auto when = ParseIso8601(published);
  if (!when.ok()) return Status::InvalidArgument("published_at: " + when.status().message());
  r.published_at = *when;

  const json* image = nullptr;
  ND_RETURN_IF_ERROR(ReadObject(j, "image", false, image));
  if (image) {
    Image img;
    ND_RETURN_IF_ERROR(ReadUrl(*image, "url", true, true, img.url, "image."));
    ND_RETURN_IF_ERROR(ReadString(*image, "credit", {500, false}, img.credit, "image."));
    ND_RETURN_IF_ERROR(ReadString(*image, "caption", {1000, false}, img.caption, "image."));
    r.image = std::move(img);
  }
  ND_RETURN_IF_ERROR(ReadString(j, "rights", {1000, false}, r.rights));
  ND_RETURN_IF_ERROR(ReadBody(j, "body", "body", r.body));

  if (auto it = j.find("translations"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return Status::InvalidArgument("translations: must be an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const json& tj = (*it)[i];
      const std::string p = fmt::format("translations[{}].", i);
      if (!tj.is_object()) return Status::InvalidArgument(p + ": must be an object");
      Translation t;
      ND_RETURN_IF_ERROR(ReadLanguage(tj, "language", t.language, p));
      if (t.language == r.language)
        return Status::InvalidArgument(p + "language: is the article's own language");
      for (const auto& other : r.translations)
        if (other.language == t.language)
          return Status::InvalidArgument(fmt::format("{}language: a second translation into '{}'", p, t.language));
      ND_RETURN_IF_ERROR(ReadString(tj, "headline", {500, true}, t.headline, p));
      ND_RETURN_IF_ERROR(ReadString(tj, "dateline", {200, false}, t.dateline, p));
      ND_RETURN_IF_ERROR(ReadBody(tj, "body", p + "body", t.body));
      std::string by;
      ND_RETURN_IF_ERROR(ReadString(tj, "by", {16, true}, by, p));
      if (by == "human") t.by = TranslatedBy::kHuman;
      else if (by == "machine") t.by = TranslatedBy::kMachine;
      else return Status::InvalidArgument(p + "by: must be \"human\" or \"machine\"");
      r.translations.push_back(std::move(t));
    }
  }
  return r;
}

Result<std::vector<ArticleRecord>> ParseImportText(const std::string& name, const std::string& text) {
  if (!IsJsonLines(name)) {
    auto parsed = ParseJson(text);
    if (!parsed.ok()) return Status::InvalidArgument(fmt::format("{}: {}", name, parsed.status().message()));
    const json& doc = *parsed;
    if (!doc.is_object() && !doc.is_array())
      return Status::InvalidArgument(name + ": expected a record or an array of records");
    return ParseRecords(name, doc, 1);
  }
  std::vector<ArticleRecord> out;
  std::istringstream in(text);
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (Trim(line).empty()) continue;
    auto parsed = ParseJson(line);
    if (!parsed.ok())
      return Status::InvalidArgument(fmt::format("{}:{}: {}", name, number, parsed.status().message()));
    const json& doc = *parsed;
    if (!doc.is_object()) return Status::InvalidArgument(fmt::format("{}:{}: a line must hold one record", name, number));
    auto r = ParseArticleRecord(doc);
    if (!r.ok()) return Status::InvalidArgument(fmt::format("{}:{}: {}", name, number, r.status().message()));
    out.push_back(std::move(*r));
  }
  return out;
}

Result<std::vector<ArticleRecord>> ReadImportPath(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(path, ec)) {
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      auto ext = it->path().extension().string();
      if (ext == ".json" || ext == ".jsonl" || ext == ".ndjson") files.push_back(it->path());
    }
    if (ec) return Status::IOError(fmt::format("{}: {}", path, ec.message()));
    std::sort(files.begin(), files.end());
    if (files.empty()) return Status::InvalidArgument(path + ": no .json, .jsonl or .ndjson files");
  } else if (fs::exists(path, ec)) {
    files.push_back(path);
  } else {
    return Status::NotFound(fmt::format("{}: no such file or directory", path));
  }
  std::vector<ArticleRecord> all;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) return Status::IOError(fmt::format("{}: cannot read", f.string()));
    auto size = fs::file_size(f, ec);
    if (!ec && size > kMaxFileBytes)
      return Status::InvalidArgument(fmt::format("{}: larger than {} MB", f.string(), kMaxFileBytes >> 20));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return Status::IOError(fmt::format("{}: read failed", f.string()));
    auto records = ParseImportText(f.string(), text);
    if (!records.ok()) return records.status();
    for (auto& r : *records) all.push_back(std::move(r));
  }
  return all;
}

Result<UpsertSummary> ImportPath(Store& store, const std::string& path) {
  auto records = ReadImportPath(path);
  if (!records.ok()) return records.status();
  auto gazetteer = LoadSiteGazetteer(store);
  if (!gazetteer.ok()) return gazetteer.status();
  Tagger tagger(*gazetteer);
  for (auto& r : *records) PrepareArticle(tagger, r);
  return store.UpsertArticles(*records);
}

}  // namespace newsdesk
